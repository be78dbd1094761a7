// Elementwise activations and their derivatives for WebAssembly (src/kernels/cpu/elementwise.ts:
// unary, unaryGrad, softplus, leakyRelu, elu, clamp, affine, step, binaryCrossEntropy and their
// gradients), four float32 lanes at a time.
//
// Exactness. Where the cpu kernel does float64 arithmetic on float32 operands and rounds once to
// float32, the same operations in f64x2 in the same order (-ffp-contract=off) give bit-for-bit its
// results; one float32 op (+ − × ÷ √) on float32 operands equals the float64 op rounded (53 ≥ 2·24+2),
// so those run in f32x4. Where the cpu kernel calls Math.exp/log/tanh/log1p/expm1, the polynomials of
// vmath.h (a few float64 ulps) make the float32 result equal or one float32 rounding step off.
// sin and cos (and their gradients) run here for |x| ≤ 1e5 (SINCOS_MAX); a call with a larger
// argument returns 1 and the wrapper (unary.ts) runs the cpu kernel instead.
//
// Speed (bench/wasm-elementwise.ts, median µs per call by CPU time, two runs on the shared 2-core
// machine at load 12–17, so ±2× noise): the kernel alone (operands already in wasm memory, as once
// tensors live there) beats the JS loop in every case — n = 301,056 (LeNet's first ReLU): relu
// 53–58 vs 2,400–2,700, exp 1,760–1,790 vs 4,900–5,100, σ 2,030–2,340 vs 9,100–10,500, tanh
// 2,060–2,200 vs 7,500–7,700, relu' 57–60 vs 2,550; n = 8,192 (MLP hidden): relu 2.6–4 vs 65–200,
// σ 60–80 vs 95–1,200. With today's copies in and out (call.ts) the transcendental ones still win
// 2–4× at large n; the memory-bound ones (relu, neg, relu', affine) range from 0.4× to 11×
// between runs (noise) and roughly tie on average.
#include "vmath.h"

enum { NEG, EXP, LOG, SQRT, ABS, SIGMOID, TANH, RELU, SIGN, SIN, COS };

// Applies F (a macro of one f64x2 `v`, with params in scope) to n floats of x into y, in double.
#define MAP_D(F) do {                                                                   \
    long i = 0;                                                                         \
    for (; i + 4 <= n; i += 4) {                                                        \
      v128_t xv = wasm_v128_load(x + i);                                                \
      wasm_v128_store(y + i, pack4f(F(lo2d(xv)), F(hi2d(xv))));                         \
    }                                                                                   \
    if (i < n) {                                                                        \
      float t[4] = {0, 0, 0, 0};                                                        \
      for (long k = i; k < n; k++) t[k - i] = x[k];                                     \
      v128_t xv = wasm_v128_load(t);                                                    \
      wasm_v128_store(t, pack4f(F(lo2d(xv)), F(hi2d(xv))));                             \
      for (long k = i; k < n; k++) y[k] = t[k - i];                                     \
    }                                                                                   \
  } while (0)

// Applies F (a macro of one f32x4 `v`) to n floats of x into y.
#define MAP_F(F) do {                                                                   \
    long i = 0;                                                                         \
    for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, F(wasm_v128_load(x + i)));        \
    for (; i < n; i++) {                                                                \
      v128_t v1 = F(wasm_f32x4_splat(x[i]));                                            \
      y[i] = wasm_f32x4_extract_lane(v1, 0);                                            \
    }                                                                                   \
  } while (0)

// Applies F (a macro of two f64x2 `a`, `b`) to n pairs of floats (p, q) into y, in double.
#define ZIP_D(F) do {                                                                   \
    long i = 0;                                                                         \
    for (; i + 4 <= n; i += 4) {                                                        \
      v128_t pv = wasm_v128_load(p + i), qv = wasm_v128_load(q + i);                    \
      wasm_v128_store(y + i, pack4f(F(lo2d(pv), lo2d(qv)), F(hi2d(pv), hi2d(qv))));     \
    }                                                                                   \
    if (i < n) {                                                                        \
      float s[4] = {0, 0, 0, 0}, t[4] = {0, 0, 0, 0};                                   \
      for (long k = i; k < n; k++) { s[k - i] = p[k]; t[k - i] = q[k]; }                \
      v128_t pv = wasm_v128_load(s), qv = wasm_v128_load(t);                            \
      wasm_v128_store(t, pack4f(F(lo2d(pv), lo2d(qv)), F(hi2d(pv), hi2d(qv))));         \
      for (long k = i; k < n; k++) y[k] = t[k - i];                                     \
    }                                                                                   \
  } while (0)

// Applies F (a macro of two f32x4 `a`, `b`) to n pairs of floats (p, q) into y.
#define ZIP_F(F) do {                                                                   \
    long i = 0;                                                                         \
    for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, F(wasm_v128_load(p + i), wasm_v128_load(q + i))); \
    for (; i < n; i++) {                                                                \
      v128_t v1 = F(wasm_f32x4_splat(p[i]), wasm_f32x4_splat(q[i]));                   \
      y[i] = wasm_f32x4_extract_lane(v1, 0);                                            \
    }                                                                                   \
  } while (0)

#define D(c) wasm_f64x2_splat(c)
#define F4(c) wasm_f32x4_splat(c)
#define SEL(a, b, m) wasm_v128_bitselect(a, b, m)

// relu: z where z > 0 or z is NaN, else +0; sign: 1, −1, or z itself (±0, NaN).
#define RELU_F(v) SEL(v, F4(0), wasm_v128_or(wasm_f32x4_gt(v, F4(0)), wasm_f32x4_ne(v, v)))
#define SIGN_F(v) SEL(F4(1), SEL(F4(-1), v, wasm_f32x4_lt(v, F4(0))), wasm_f32x4_gt(v, F4(0)))

// Whether any of n floats has |x| > SINCOS_MAX (NaN and ±∞ are fine: they give NaN).
static int too_large(const float *x, long n) {
  for (long i = 0; i < n; i++) if (x[i] > SINCOS_MAX || x[i] < -SINCOS_MAX) return 1;
  return 0;
}
#define SIN_D(v) sincos2d(v, 0)
#define COS_D(v) sincos2d(v, 1)

// y = op(x); returns 1 (nothing written) for sin/cos with an argument beyond SINCOS_MAX.
__attribute__((export_name("unary_f")))
int unary_f(int op, const float *restrict x, float *restrict y, long n) {
  if ((op == SIN || op == COS) && too_large(x, n)) return 1;
  switch (op) {
    case SIN: MAP_D(SIN_D); break;
    case COS: MAP_D(COS_D); break;
    case NEG: MAP_F(wasm_f32x4_neg); break;
    case ABS: MAP_F(wasm_f32x4_abs); break;
    case SQRT: MAP_F(wasm_f32x4_sqrt); break;
    case RELU: MAP_F(RELU_F); break;
    case SIGN: MAP_F(SIGN_F); break;
    case EXP: MAP_D(exp2d); break;
    case LOG: MAP_D(log2d); break;
    case SIGMOID: MAP_D(sig2d); break;
    case TANH: MAP_D(tanh2d); break;
  }
  return 0;
}

// Derivatives from the saved input z or output y (cpu unaryGrad), p = dy, q = saved.
#define SIG_G(a, b) wasm_f64x2_mul(wasm_f64x2_mul(a, b), wasm_f64x2_sub(D(1), b))
#define TANH_G(a, b) wasm_f64x2_mul(a, wasm_f64x2_sub(D(1), wasm_f64x2_mul(b, b)))
#define SQRT_G(a, b) wasm_f64x2_div(a, wasm_f64x2_mul(D(2), b))
#define RELU_G(a, b) SEL(a, F4(0), wasm_f32x4_gt(b, F4(0)))
#define ABS_G(a, b) SEL(a, SEL(wasm_f32x4_neg(a), F4(0), wasm_f32x4_lt(b, F4(0))), wasm_f32x4_gt(b, F4(0)))

#define SIN_G(a, b) wasm_f64x2_mul(a, sincos2d(b, 1))
#define COS_G(a, b) wasm_f64x2_mul(wasm_f64x2_neg(a), sincos2d(b, 0))

// dz = f'·dy; returns 1 (nothing written) for sin/cos with a saved input beyond SINCOS_MAX.
__attribute__((export_name("unary_grad_f")))
int unary_grad_f(int op, const float *restrict p, const float *restrict q, float *restrict y, long n) {
  if ((op == SIN || op == COS) && too_large(q, n)) return 1;
  switch (op) {
    case SIN: ZIP_D(SIN_G); break;
    case COS: ZIP_D(COS_G); break;
    case SIGMOID: ZIP_D(SIG_G); break;
    case TANH: ZIP_D(TANH_G); break;
    case SQRT: ZIP_D(SQRT_G); break;
    case RELU: ZIP_F(RELU_G); break;
    case EXP: ZIP_F(wasm_f32x4_mul); break;
    case LOG: ZIP_F(wasm_f32x4_div); break;
    case ABS: ZIP_F(ABS_G); break;
  }
  return 0;
}

// softplus: z where βz > threshold, else (max(βz, 0) + log1p(e^−|βz|))/β.
__attribute__((export_name("softplus_f")))
void softplus_f(const float *restrict x, float *restrict y, long n, double beta, double threshold) {
#define SOFTPLUS(z) ({ v128_t bz = wasm_f64x2_mul(D(beta), z);                                          \
    v128_t v = wasm_f64x2_div(wasm_f64x2_add(wasm_f64x2_max(bz, D(0)),                                 \
                              log1p2d(exp2d(wasm_f64x2_neg(wasm_f64x2_abs(bz))))), D(beta));           \
    SEL(z, v, wasm_f64x2_gt(bz, D(threshold))); })
  MAP_D(SOFTPLUS);
}

// softplus gradient: dy·σ(βz), dy where βz > threshold (p = dy, q = z).
__attribute__((export_name("softplus_grad_f")))
void softplus_grad_f(const float *restrict p, const float *restrict q, float *restrict y, long n, double beta, double threshold) {
#define SOFTPLUS_G(a, b) ({ v128_t bz = wasm_f64x2_mul(D(beta), b);                                      \
    wasm_f64x2_mul(a, SEL(D(1), sig2d(bz), wasm_f64x2_gt(bz, D(threshold)))); })
  ZIP_D(SOFTPLUS_G);
}

// leaky ReLU: z > 0 ? z : slope·z (in double: slope is a float64 parameter).
__attribute__((export_name("leaky_relu_f")))
void leaky_relu_f(const float *restrict x, float *restrict y, long n, double slope) {
#define LEAKY(z) SEL(z, wasm_f64x2_mul(D(slope), z), wasm_f64x2_gt(z, D(0)))
  MAP_D(LEAKY);
}

// leaky ReLU gradient: dy where z > 0, slope·dy elsewhere (p = dy, q = z).
__attribute__((export_name("leaky_relu_grad_f")))
void leaky_relu_grad_f(const float *restrict p, const float *restrict q, float *restrict y, long n, double slope) {
#define LEAKY_G(a, b) SEL(a, wasm_f64x2_mul(D(slope), a), wasm_f64x2_gt(b, D(0)))
  ZIP_D(LEAKY_G);
}

// ELU: z > 0 ? z : α·expm1(z).
__attribute__((export_name("elu_f")))
void elu_f(const float *restrict x, float *restrict y, long n, double alpha) {
#define ELU(z) SEL(z, wasm_f64x2_mul(D(alpha), expm12d(z)), wasm_f64x2_gt(z, D(0)))
  MAP_D(ELU);
}

// ELU gradient: dy where z > 0, (y + α)·dy elsewhere; three inputs, so written out.
__attribute__((export_name("elu_grad_f")))
void elu_grad_f(const float *restrict dy, const float *restrict x, const float *restrict yv, float *restrict out, long n, double alpha) {
  for (long i = 0; i < n; i++) {
    double d = dy[i];
    out[i] = (float)(x[i] > 0 ? d : ((double)yv[i] + alpha) * d);
  }
}

// clamp: lo where z < lo, hi where z > hi, else z (lo, hi float64 parameters, stored as float32).
__attribute__((export_name("clamp_f")))
void clamp_f(const float *restrict x, float *restrict y, long n, double lo, double hi) {
#define CLAMP(z) SEL(D(lo), SEL(D(hi), z, wasm_f64x2_gt(z, D(hi))), wasm_f64x2_lt(z, D(lo)))
  MAP_D(CLAMP);
}

// clamp gradient: dy where lo ≤ z ≤ hi, else 0 (p = dy, q = z).
__attribute__((export_name("clamp_grad_f")))
void clamp_grad_f(const float *restrict p, const float *restrict q, float *restrict y, long n, double lo, double hi) {
#define CLAMP_G(a, b) SEL(a, D(0), wasm_v128_and(wasm_f64x2_ge(b, D(lo)), wasm_f64x2_le(b, D(hi))))
  ZIP_D(CLAMP_G);
}

// affine: a·z + b in double.
__attribute__((export_name("affine_f")))
void affine_f(const float *restrict x, float *restrict y, long n, double a, double b) {
#define AFFINE(z) wasm_f64x2_add(wasm_f64x2_mul(D(a), z), D(b))
  MAP_D(AFFINE);
}

// max(log v, −100), as PyTorch clamps the logs of binary cross-entropy.
static inline v128_t clog(v128_t v) { return wasm_f64x2_max(log2d(v), D(-100)); }

// binary cross-entropy −(d·log y + (1 − d)·log(1 − y)), logs clamped at −100 (p = y, q = d).
__attribute__((export_name("bce_f")))
void bce_f(const float *restrict p, const float *restrict q, float *restrict y, long n) {
#define BCE(a, b) wasm_f64x2_neg(wasm_f64x2_add(wasm_f64x2_mul(b, clog(a)), \
    wasm_f64x2_mul(wasm_f64x2_sub(D(1), b), clog(wasm_f64x2_sub(D(1), a)))))
  ZIP_D(BCE);
}

// its gradient with respect to y: dy·(y − d)/max(y(1 − y), 1e−12); three inputs, written out.
__attribute__((export_name("bce_grad_f")))
void bce_grad_f(const float *restrict dy, const float *restrict yv, const float *restrict d, float *restrict out, long n) {
  for (long i = 0; i < n; i++) {
    double y = yv[i], g = (double)dy[i] * (y - (double)d[i]), den = y * (1 - y);
    out[i] = (float)(g / (den > 1e-12 ? den : 1e-12));
  }
}

// and with respect to the target d: dy·(log(1 − y) − log y), logs clamped (p = dy, q = y).
__attribute__((export_name("bce_target_grad_f")))
void bce_target_grad_f(const float *restrict p, const float *restrict q, float *restrict y, long n) {
#define BCE_T(a, b) wasm_f64x2_mul(a, wasm_f64x2_sub(clog(wasm_f64x2_sub(D(1), b)), clog(b)))
  ZIP_D(BCE_T);
}

// The vmath.h functions on float64 arrays, for the accuracy tests (op: 0 exp, 1 log, 2 log1p,
// 3 expm1, 4 σ, 5 tanh, 6 sin, 7 cos).
__attribute__((export_name("vmath_eval")))
void vmath_eval(int op, const double *restrict x, double *restrict y, long n) {
  for (long i = 0; i < n; i++) {
    v128_t v = wasm_f64x2_splat(x[i]), r;
    switch (op) {
      case 0: r = exp2d(v); break;
      case 1: r = log2d(v); break;
      case 2: r = log1p2d(v); break;
      case 3: r = expm12d(v); break;
      case 4: r = sig2d(v); break;
      case 5: r = tanh2d(v); break;
      case 6: r = sincos2d(v, 0); break;
      default: r = sincos2d(v, 1); break;
    }
    y[i] = wasm_f64x2_extract_lane(r, 0);
  }
}
