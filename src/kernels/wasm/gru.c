// The GRU's recurrence step for WebAssembly, forward and backward (gruStep, gruStepGrad of
// src/kernels/cpu/recurrence.ts), on one step's slices packed contiguously by the caller
// (recurrence.ts), with the layouts of recurrence.c (G = 3H gates r, z, n; A = 4H saved values
// r, z, n, W_hn h + b_hn). Forward in float64 with σ and tanh by the cpu kernel's formulas
// (sig2d, th2d of vmath.h): equal to the cpu kernel's float32 results or one rounding step off.
// Backward: plain float64 arithmetic in the cpu kernel's order, bit for bit its results.
// Speed (bench/wasm-elementwise.ts, one step N 32, H 128, µs, CPU time, loaded machine): forward
// 134–150 alone, 172–243 with copies, vs 229–334 in JS; backward 17–20 alone, 63–130 with copies
// (the step's strided slices are gathered and scattered in JS), vs 42–357 in JS.
#include "vmath.h"

static inline v128_t ld2(const float *p) { return wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p)); }
static inline void st2(float *p, v128_t v) { wasm_v128_store64_lane(p, wasm_f32x4_demote_f64x2_zero(v), 0); }
static inline v128_t ld1(const float *p) { return wasm_f64x2_promote_low_f32x4(wasm_v128_load32_zero(p)); }
static inline void st1(float *p, v128_t v) { wasm_v128_store32_lane(p, wasm_f32x4_demote_f64x2_zero(v), 0); }

// r, z = σ(x + hh + b), hn = hh_n + b_n, n = tanh(x_n + r·hn), h̃ = (1 − z)·n + z·h_{t−1},
// written m·h̃ + (1 − m)·h_{t−1} (exactly h̃ at m = 1). `w` lanes (1 or 2) at column j of row i.
static inline void gru_cols(const float *xi, const float *hi, const float *b, const float *pi, float *ai, float *oi,
                            double m, int H, int j, int w) {
  v128_t (*ld)(const float *) = w == 2 ? ld2 : ld1;
  void (*st)(float *, v128_t) = w == 2 ? st2 : st1;
  v128_t one = wasm_f64x2_splat(1.0);
  v128_t r = sig2d(wasm_f64x2_add(wasm_f64x2_add(ld(xi + j), ld(hi + j)), ld(b + j)));
  v128_t z = sig2d(wasm_f64x2_add(wasm_f64x2_add(ld(xi + H + j), ld(hi + H + j)), ld(b + H + j)));
  v128_t hn = wasm_f64x2_add(ld(hi + 2 * H + j), ld(b + 2 * H + j));
  v128_t nn = th2d(wasm_f64x2_add(ld(xi + 2 * H + j), wasm_f64x2_mul(r, hn)));
  v128_t hp = ld(pi + j);
  v128_t hNew = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_sub(one, z), nn), wasm_f64x2_mul(z, hp));
  st(ai + j, r);
  st(ai + H + j, z);
  st(ai + 2 * H + j, nn);
  st(ai + 3 * H + j, hn);
  if (m != 1) hNew = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_splat(m), hNew), wasm_f64x2_mul(wasm_f64x2_splat(1 - m), hp));
  st(oi + j, hNew);
}

__attribute__((export_name("gru_step")))
void gru_step(const float *restrict x, const float *restrict hh, const float *restrict b, const float *restrict mask,
              const float *restrict hprev, float *restrict act, float *restrict hnew, int n, int H) {
  for (int i = 0; i < n; i++) {
    double m = mask ? (double)mask[i] : 1.0;
    const float *xi = x + (long)i * 3 * H, *hi = hh + (long)i * 3 * H, *pi = hprev + (long)i * H;
    float *ai = act + (long)i * 4 * H, *oi = hnew + (long)i * H;
    int j = 0;
    for (; j + 2 <= H; j += 2) gru_cols(xi, hi, b, pi, ai, oi, m, H, j, 2);
    if (j < H) gru_cols(xi, hi, b, pi, ai, oi, m, H, j, 1);
  }
}

// δ = dy + dh + back; δh̃ = m·δ; δn = δh̃(1 − z)(1 − n²), δz = δh̃(h_{t−1} − n)z(1 − z),
// δr = δn·hn·r(1 − r); dx gets δr, δz, δn, dhh gets δr, δz, δn·r; dh ← (1 − m)δ + δh̃·z.
__attribute__((export_name("gru_step_grad")))
void gru_step_grad(const float *restrict dy, float *restrict dh, const float *restrict back, const float *restrict act,
                   const float *restrict hprev, const float *restrict mask, float *restrict dx, float *restrict dhh, int n, int H) {
  for (int i = 0; i < n; i++) {
    double m = mask ? (double)mask[i] : 1.0;
    long io = (long)i * H;
    const float *ai = act + io * 4;
    float *dxi = dx + io * 3, *dhi = dhh + io * 3;
    for (int j = 0; j < H; j++) {
      double d = (double)dy[io + j] + (double)dh[io + j] + (back ? (double)back[io + j] : 0.0);
      double r = ai[j], z = ai[H + j], nn = ai[2 * H + j], hn = ai[3 * H + j];
      double dht = m * d;
      double dn = dht * (1 - z) * (1 - nn * nn);
      double dz = dht * ((double)hprev[io + j] - nn) * z * (1 - z);
      double dr = dn * hn * r * (1 - r);
      dxi[j] = (float)dr;
      dxi[H + j] = (float)dz;
      dxi[2 * H + j] = (float)dn;
      dhi[j] = (float)dr;
      dhi[H + j] = (float)dz;
      dhi[2 * H + j] = (float)(dn * r);
      dh[io + j] = (float)((1 - m) * d + dht * z);
    }
  }
}
