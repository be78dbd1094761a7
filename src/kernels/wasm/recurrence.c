// The forward step of the vanilla RNN (tanh or ReLU) and of the LSTM for WebAssembly: the loops
// of src/kernels/cpu/recurrence.ts (rnnStep, lstmStep) in double precision, stored as float32, on
// one step's slices packed contiguously by the caller (src/kernels/wasm/recurrence.ts):
//   x    the step's xProj rows [N, G·H];    hh  h_{t−1} W_hhᵀ [N, G·H];   b  b_hh [G·H];
//   mask one value per sequence [N] (or 0: none);   hprev (cprev) [N, H];
//   act  the saved activations [N, A·H];   hnew (cnew) [N, H].
// σ and tanh use the cpu kernel's formulas, 1/(1 + e^−z) and 1 − 2/(1 + e^{2z}), with exp2d (vmath.h),
// so the float32 results equal the cpu kernel's or differ by one rounding step.

#include "vmath.h"

// σ(z) = 1/(1 + e^−z) and tanh(z) = 1 − 2/(1 + e^{2z}), the cpu kernel's formulas (vmath.h).
#define sig2 sig2d
#define th2 th2d

// Two floats (or one, w = 1, the other lane 0) as doubles, and back.
static inline v128_t ld(const float *p, int w) {
  return wasm_f64x2_promote_low_f32x4(w == 2 ? wasm_v128_load64_zero(p) : wasm_v128_load32_zero(p));
}
static inline void st(float *p, v128_t v, int w) {
  v128_t f = wasm_f32x4_demote_f64x2_zero(v);
  if (w == 2) wasm_v128_store64_lane(p, f, 0);
  else wasm_v128_store32_lane(p, f, 0);
}
// (a + b) + c of three float arrays at j, in double, as the cpu kernel sums x + hh + b.
static inline v128_t sum3(const float *a, const float *b, const float *c, int j, int w) {
  return wasm_f64x2_add(wasm_f64x2_add(ld(a + j, w), ld(b + j, w)), ld(c + j, w));
}
// m·y + (1 − m)·prev, or y where m = 1 (then exactly y, as the cpu kernel).
static inline v128_t mix(double m, v128_t y, const float *prev, int w) {
  if (m == 1) return y;
  return wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_splat(m), y), wasm_f64x2_mul(wasm_f64x2_splat(1 - m), ld(prev, w)));
}

// h_t = f(x + hh + b), f = tanh or ReLU; act keeps y = f(z); padding (m ≠ 1) mixes in h_{t−1}.
__attribute__((export_name("rnn_step")))
void rnn_step(const float *restrict x, const float *restrict hh, const float *restrict b, const float *restrict mask,
              const float *restrict hprev, float *restrict act, float *restrict hnew, int n, int H, int relu) {
  for (int i = 0; i < n; i++) {
    double m = mask ? (double)mask[i] : 1.0;
    const float *xi = x + (long)i * H, *hi = hh + (long)i * H, *pi = hprev + (long)i * H;
    float *ai = act + (long)i * H, *oi = hnew + (long)i * H;
    if (relu) {
      for (int j = 0; j < H; j++) {
        double z = (double)xi[j] + (double)hi[j] + (double)b[j];
        double y = z > 0 || z != z ? z : 0;
        ai[j] = (float)y;
        oi[j] = (float)(m == 1 ? y : m * y + (1 - m) * (double)pi[j]);
      }
    } else {
      int j = 0;
      // Two independent pairs per iteration: the e^x polynomial is a long dependency chain.
      for (; j + 4 <= H; j += 4) {
        v128_t y0 = th2(sum3(xi, hi, b, j, 2));
        v128_t y1 = th2(sum3(xi, hi, b, j + 2, 2));
        st(ai + j, y0, 2);
        st(ai + j + 2, y1, 2);
        st(oi + j, mix(m, y0, pi + j, 2), 2);
        st(oi + j + 2, mix(m, y1, pi + j + 2, 2), 2);
      }
      for (; j < H; j += 2) {
        int w = H - j >= 2 ? 2 : 1;
        v128_t y = th2(sum3(xi, hi, b, j, w));
        st(ai + j, y, w);
        st(oi + j, mix(m, y, pi + j, w), w);
      }
    }
  }
}

// LSTM, gates i, f, g, o: c̃ = f⊙c_{t−1} + i⊙g, h̃ = o⊙tanh(c̃); act keeps i, f, g, o, tanh(c̃).
__attribute__((export_name("lstm_step")))
void lstm_step(const float *restrict x, const float *restrict hh, const float *restrict b, const float *restrict mask,
               const float *restrict hprev, const float *restrict cprev, float *restrict act, float *restrict hnew,
               float *restrict cnew, int n, int H) {
  int G = 4 * H;
  for (int i = 0; i < n; i++) {
    double m = mask ? (double)mask[i] : 1.0;
    const float *xi = x + (long)i * G, *hi = hh + (long)i * G;
    const float *pi = hprev + (long)i * H, *ci = cprev + (long)i * H;
    float *ai = act + (long)i * 5 * H, *ho = hnew + (long)i * H, *co = cnew + (long)i * H;
    for (int j = 0; j < H; j += 2) {
      int w = H - j >= 2 ? 2 : 1;
      v128_t ig = sig2(sum3(xi, hi, b, j, w));
      v128_t fg = sig2(sum3(xi + H, hi + H, b + H, j, w));
      v128_t gg = th2(sum3(xi + 2 * H, hi + 2 * H, b + 2 * H, j, w));
      v128_t og = sig2(sum3(xi + 3 * H, hi + 3 * H, b + 3 * H, j, w));
      v128_t c = wasm_f64x2_add(wasm_f64x2_mul(fg, ld(ci + j, w)), wasm_f64x2_mul(ig, gg));
      v128_t tc = th2(c);
      v128_t hNew = wasm_f64x2_mul(og, tc);
      st(ai + j, ig, w);
      st(ai + H + j, fg, w);
      st(ai + 2 * H + j, gg, w);
      st(ai + 3 * H + j, og, w);
      st(ai + 4 * H + j, tc, w);
      st(ho + j, mix(m, hNew, pi + j, w), w);
      st(co + j, mix(m, c, ci + j, w), w);
    }
  }
}

// Backward step of BPTT (rnnStepGrad, lstmStepGrad of the cpu kernel): plain arithmetic in double
// in the cpu kernel's order, so the results are bit-for-bit the cpu kernel's (-ffp-contract=off).
// dy is the step's rows of ∂L/∂states [N, S·H]; dh (dc) are read and overwritten; back (or 0) is
// dhh_{s+1} W_hh [N, H]; act the step's saved activations [N, A·H]; dx receives the gate
// gradients [N, G·H] (equal to dhh for these cells).
__attribute__((export_name("rnn_step_grad")))
void rnn_step_grad(const float *restrict dy, float *restrict dh, const float *restrict back, const float *restrict act,
                   const float *restrict mask, float *restrict dx, int n, int H, int relu) {
  for (int i = 0; i < n; i++) {
    double m = mask ? (double)mask[i] : 1.0;
    long io = (long)i * H;
    for (int j = 0; j < H; j++) {
      double d = (double)dy[io + j] + (double)dh[io + j] + (back ? (double)back[io + j] : 0.0);
      double y = act[io + j];
      double dz = m * d * (relu ? (y > 0 ? 1.0 : 0.0) : 1 - y * y);
      dx[io + j] = (float)dz;
      dh[io + j] = (float)((1 - m) * d);
    }
  }
}

__attribute__((export_name("lstm_step_grad")))
void lstm_step_grad(const float *restrict dy, float *restrict dh, float *restrict dc, const float *restrict back,
                    const float *restrict act, const float *restrict cprev, const float *restrict mask,
                    float *restrict dx, int n, int H) {
  for (int i = 0; i < n; i++) {
    double m = mask ? (double)mask[i] : 1.0;
    const float *dyi = dy + (long)i * 2 * H, *ai = act + (long)i * 5 * H, *ci = cprev + (long)i * H;
    const float *bi = back ? back + (long)i * H : 0;
    float *dhi = dh + (long)i * H, *dci = dc + (long)i * H, *dxi = dx + (long)i * 4 * H;
    for (int j = 0; j < H; j++) {
      double dH = (double)dyi[j] + (double)dhi[j] + (bi ? (double)bi[j] : 0.0);
      double dC = (double)dyi[H + j] + (double)dci[j];
      double ig = ai[j], fg = ai[H + j], gg = ai[2 * H + j], og = ai[3 * H + j], tc = ai[4 * H + j];
      double dht = m * dH;
      double dct = m * dC + dht * og * (1 - tc * tc);
      dxi[j] = (float)(dct * gg * ig * (1 - ig));
      dxi[H + j] = (float)(dct * (double)ci[j] * fg * (1 - fg));
      dxi[2 * H + j] = (float)(dct * ig * (1 - gg * gg));
      dxi[3 * H + j] = (float)(dht * tc * og * (1 - og));
      dhi[j] = (float)((1 - m) * dH);
      dci[j] = (float)((1 - m) * dC + dct * fg);
    }
  }
}
