// Double-precision SIMD math (f64x2, two lanes) shared by the wasm kernels: e^x, log x, log1p,
// expm1, σ and tanh, for float32 kernels that compute in double and round once to float32, as
// the cpu kernels do with Math.exp/Math.log in float64.
//
// Accuracy against Math.* in float64 ulps: the largest error seen over 4e5 to 5e5 random inputs
// per function, two runs (Node 20) / the bound test/kernels/wasm-vmath.test.ts asserts:
// exp2d 1 / 2 (on [−708, 708]), log2d 1 / 2 (every float32 magnitude), log1p2d 4 / 5, expm12d
// 2 / 4, sig2d 3 / 3 (σ against 1/(1 + Math.exp(−z))), tanh2d 3 / 4 (relative, also for tiny |z|),
// sincos2d 2 / 4 on |x| ≤ 1e5 (relative; float32 arguments next to multiples of π/2 included).
// A float32 result rounded from these equals the cpu kernel's (Math.* in float64, then rounded) or
// is one float32 rounding step off, when the exact value lies within a few float64 ulps of a
// float32 rounding boundary (rare: about 1 in 10⁷ per ulp of error).
#ifndef BACKPROP_VMATH_H
#define BACKPROP_VMATH_H
#include <wasm_simd128.h>

// e^x, two lanes. x is clamped to [−708, 708] (e^708 ≈ 3e307 is already ∞ in float32) and the
// result is exactly 0 below −708 (e^x < 3.3e−308 there, far below float32's smallest subnormal,
// so 0·∞ gives NaN as Math.exp's 0 would); NaN stays NaN. Range reduction x = k·ln2 + r, |r| ≤ ln2/2 (Cody–Waite: ln2
// split so k·LN2_HI is exact), e^r by its Taylor series to r¹³ (truncation < 1e−17 relative), 2^k
// built in the exponent bits: x·log2(e) + 1.5·2⁵² rounds to nearest and holds k in the low bits
// of the double, so (bits + 1023) << 52 is 2^k.
static inline v128_t exp2d(v128_t x0) {
  v128_t x = wasm_f64x2_min(wasm_f64x2_max(x0, wasm_f64x2_splat(-708.0)), wasm_f64x2_splat(708.0));
  const v128_t magic = wasm_f64x2_splat(6755399441055744.0);
  v128_t shifted = wasm_f64x2_add(wasm_f64x2_mul(x, wasm_f64x2_splat(1.4426950408889634074)), magic);
  v128_t k = wasm_f64x2_sub(shifted, magic);
  v128_t r = wasm_f64x2_sub(wasm_f64x2_sub(x, wasm_f64x2_mul(k, wasm_f64x2_splat(6.93147180369123816490e-01))),
                            wasm_f64x2_mul(k, wasm_f64x2_splat(1.90821492927058770002e-10)));
  static const double c[] = {
    1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
    1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0,
  };
  v128_t p = wasm_f64x2_splat(c[0]);
  for (int i = 1; i < 14; i++) p = wasm_f64x2_add(wasm_f64x2_mul(p, r), wasm_f64x2_splat(c[i]));
  v128_t scale = wasm_i64x2_shl(wasm_i64x2_add(shifted, wasm_i64x2_splat(1023)), 52);
  return wasm_v128_andnot(wasm_f64x2_mul(p, scale), wasm_f64x2_lt(x0, wasm_f64x2_splat(-708.0)));
}

// log x, two lanes, for normal doubles (every float32 is one): x = m·2^e with m in [√½, √2),
// log m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172, by its series to s²³ (truncation < 1e−18
// relative), plus e·ln2 (split, e·LN2_HI exact). x = 0 gives −∞, x < 0 NaN, +∞ stays +∞, NaN NaN.
static inline v128_t log2d(v128_t x) {
  v128_t e = wasm_i64x2_sub(wasm_u64x2_shr(x, 52), wasm_i64x2_splat(1023));
  v128_t m = wasm_v128_or(wasm_v128_and(x, wasm_i64x2_splat(0x000FFFFFFFFFFFFFLL)), wasm_i64x2_splat(0x3FF0000000000000LL));
  v128_t big = wasm_f64x2_gt(m, wasm_f64x2_splat(1.4142135623730951));
  m = wasm_v128_bitselect(wasm_f64x2_mul(m, wasm_f64x2_splat(0.5)), m, big);
  e = wasm_i64x2_sub(e, big); // big is −1 where true
  v128_t ef = wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(e, e, 0, 2, 0, 2));
  v128_t s = wasm_f64x2_div(wasm_f64x2_sub(m, wasm_f64x2_splat(1.0)), wasm_f64x2_add(m, wasm_f64x2_splat(1.0)));
  v128_t s2 = wasm_f64x2_mul(s, s);
  v128_t q = wasm_f64x2_splat(1.0 / 23);
  static const double c[] = {1.0 / 21, 1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11, 1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3};
  for (int i = 0; i < 10; i++) q = wasm_f64x2_add(wasm_f64x2_mul(q, s2), wasm_f64x2_splat(c[i]));
  v128_t s2x = wasm_f64x2_add(s, s);
  v128_t lm = wasm_f64x2_add(s2x, wasm_f64x2_mul(wasm_f64x2_mul(s2x, s2), q));
  v128_t y = wasm_f64x2_add(wasm_f64x2_mul(ef, wasm_f64x2_splat(6.93147180369123816490e-01)),
                            wasm_f64x2_add(lm, wasm_f64x2_mul(ef, wasm_f64x2_splat(1.90821492927058770002e-10))));
  // special values: 0 → −∞, negative → NaN, +∞ → +∞, NaN → NaN
  y = wasm_v128_bitselect(wasm_f64x2_splat(-__builtin_inf()), y, wasm_f64x2_eq(x, wasm_f64x2_splat(0.0)));
  y = wasm_v128_bitselect(x, y, wasm_f64x2_eq(x, wasm_f64x2_splat(__builtin_inf())));
  v128_t bad = wasm_v128_or(wasm_f64x2_lt(x, wasm_f64x2_splat(0.0)), wasm_f64x2_ne(x, x));
  return wasm_v128_bitselect(wasm_f64x2_splat(__builtin_nan("")), y, bad);
}

// log(1 + u) for u ≥ 0 (or > −1): w = 1 + u, log1p u = log w · u/(w − 1) (the rounding of w cancels),
// and u itself where w rounds to 1.
static inline v128_t log1p2d(v128_t u) {
  v128_t w = wasm_f64x2_add(wasm_f64x2_splat(1.0), u);
  v128_t d = wasm_f64x2_sub(w, wasm_f64x2_splat(1.0));
  v128_t y = wasm_f64x2_mul(log2d(w), wasm_f64x2_div(u, d));
  v128_t one = wasm_f64x2_eq(d, wasm_f64x2_splat(0.0));
  y = wasm_v128_bitselect(u, y, one);
  // u = +∞ gives ∞·(∞/∞): log w itself there
  return wasm_v128_bitselect(log2d(w), y, wasm_f64x2_eq(u, wasm_f64x2_splat(__builtin_inf())));
}

// e^z − 1 directly from the reduction of exp2d: e^z − 1 = 2^k·(e^r − 1) + (2^k − 1), with e^r − 1 =
// r·(1 + r/2 + … + r¹³/14!) (no cancellation for small z: k = 0 there). −1 below −708, NaN kept.
static inline v128_t expm12d(v128_t z) {
  v128_t x = wasm_f64x2_min(wasm_f64x2_max(z, wasm_f64x2_splat(-708.0)), wasm_f64x2_splat(708.0));
  const v128_t magic = wasm_f64x2_splat(6755399441055744.0);
  v128_t shifted = wasm_f64x2_add(wasm_f64x2_mul(x, wasm_f64x2_splat(1.4426950408889634074)), magic);
  v128_t k = wasm_f64x2_sub(shifted, magic);
  v128_t r = wasm_f64x2_sub(wasm_f64x2_sub(x, wasm_f64x2_mul(k, wasm_f64x2_splat(6.93147180369123816490e-01))),
                            wasm_f64x2_mul(k, wasm_f64x2_splat(1.90821492927058770002e-10)));
  static const double c[] = {
    1.0 / 87178291200.0, 1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
    1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0,
  };
  v128_t p = wasm_f64x2_splat(c[0]);
  for (int i = 1; i < 14; i++) p = wasm_f64x2_add(wasm_f64x2_mul(p, r), wasm_f64x2_splat(c[i]));
  v128_t scale = wasm_i64x2_shl(wasm_i64x2_add(shifted, wasm_i64x2_splat(1023)), 52);
  v128_t y = wasm_f64x2_add(wasm_f64x2_mul(wasm_f64x2_mul(p, r), scale), wasm_f64x2_sub(scale, wasm_f64x2_splat(1.0)));
  return wasm_v128_bitselect(wasm_f64x2_splat(-1.0), y, wasm_f64x2_lt(z, wasm_f64x2_splat(-708.0)));
}

// σ(z) = 1/(1 + e^−z), exactly 0 for z < −708 (where e^−z is clamped; Math.exp gives 0 or a double
// far below float32's range there), so that ∞·σ(−∞) is NaN as on the cpu.
static inline v128_t sig2d(v128_t z) {
  v128_t s = wasm_f64x2_div(wasm_f64x2_splat(1.0), wasm_f64x2_add(wasm_f64x2_splat(1.0), exp2d(wasm_f64x2_neg(z))));
  return wasm_v128_andnot(s, wasm_f64x2_lt(z, wasm_f64x2_splat(-708.0)));
}

// tanh z = 1 − 2/(1 + e^{2z}), the cpu recurrence kernels' formula: exact at ±∞, but its
// absolute error (~1e−16) is a large relative one for small |z| (see tanh2d).
static inline v128_t th2d(v128_t z) {
  v128_t e = exp2d(wasm_f64x2_mul(wasm_f64x2_splat(2.0), z));
  return wasm_f64x2_sub(wasm_f64x2_splat(1.0), wasm_f64x2_div(wasm_f64x2_splat(2.0), wasm_f64x2_add(wasm_f64x2_splat(1.0), e)));
}

// tanh z accurate in relative terms everywhere (as Math.tanh): with m = e^{−2|z|} − 1 (expm12d),
// tanh |z| = −m/(2 + m), and the sign of z put back (so −0 stays −0, ±∞ give ±1).
static inline v128_t tanh2d(v128_t z) {
  v128_t m = expm12d(wasm_f64x2_mul(wasm_f64x2_splat(-2.0), wasm_f64x2_abs(z)));
  v128_t t = wasm_f64x2_div(wasm_f64x2_neg(m), wasm_f64x2_add(wasm_f64x2_splat(2.0), m));
  return wasm_v128_or(t, wasm_v128_and(z, wasm_f64x2_splat(-0.0)));
}

// sin x (cosine = 0) or cos x (cosine = 1) for |x| ≤ SINCOS_MAX (callers check; beyond it a
// three-part π/2 no longer reduces exactly): k = round(x·2/π), r = x − k·π/2 with π/2 in three
// 33-bit parts (fdlibm's pio2_1, pio2_2, pio2_3: each k·part exact for k < 2¹⁷), |r| ≤ π/4, then
// the Taylor series of sin r (to r¹⁷) or cos r (to r¹⁸), truncation < 1e−19, chosen and signed by
// the quadrant k mod 4. ±∞ and NaN give NaN. Largest error seen vs Math.sin/cos: see the header.
#define SINCOS_MAX 1e5
static inline v128_t sincos2d(v128_t x, int cosine) {
  const v128_t magic = wasm_f64x2_splat(6755399441055744.0);
  v128_t shifted = wasm_f64x2_add(wasm_f64x2_mul(x, wasm_f64x2_splat(6.36619772367581382433e-01)), magic);
  v128_t k = wasm_f64x2_sub(shifted, magic);
  v128_t r = wasm_f64x2_sub(x, wasm_f64x2_mul(k, wasm_f64x2_splat(1.57079632673412561417e+00)));
  r = wasm_f64x2_sub(r, wasm_f64x2_mul(k, wasm_f64x2_splat(6.07710050630396597660e-11)));
  r = wasm_f64x2_sub(r, wasm_f64x2_mul(k, wasm_f64x2_splat(2.02226624871116645580e-21)));
  v128_t r2 = wasm_f64x2_mul(r, r);
  // sin r = r + r³·P(r²), cos r = 1 − r²/2 + r⁴·Q(r²)
  static const double sc[] = {1.0 / 355687428096000.0, -1.0 / 1307674368000.0, 1.0 / 6227020800.0, -1.0 / 39916800.0,
                              1.0 / 362880.0, -1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0};
  static const double cc[] = {-1.0 / 6402373705728000.0, 1.0 / 20922789888000.0, -1.0 / 87178291200.0, 1.0 / 479001600.0,
                              -1.0 / 3628800.0, 1.0 / 40320.0, -1.0 / 720.0, 1.0 / 24.0};
  v128_t ps = wasm_f64x2_splat(sc[0]), pc = wasm_f64x2_splat(cc[0]);
  for (int i = 1; i < 8; i++) {
    ps = wasm_f64x2_add(wasm_f64x2_mul(ps, r2), wasm_f64x2_splat(sc[i]));
    pc = wasm_f64x2_add(wasm_f64x2_mul(pc, r2), wasm_f64x2_splat(cc[i]));
  }
  v128_t sr = wasm_f64x2_add(r, wasm_f64x2_mul(wasm_f64x2_mul(r, r2), ps));
  v128_t cr = wasm_f64x2_add(wasm_f64x2_sub(wasm_f64x2_splat(1.0), wasm_f64x2_mul(wasm_f64x2_splat(0.5), r2)),
                             wasm_f64x2_mul(wasm_f64x2_mul(r2, r2), pc));
  // quadrant q = k mod 4 (cos x = sin(x + π/2): one quadrant on)
  v128_t q = wasm_i64x2_add(shifted, wasm_i64x2_splat(cosine));
  v128_t useCos = wasm_i64x2_eq(wasm_v128_and(q, wasm_i64x2_splat(1)), wasm_i64x2_splat(1));
  v128_t negate = wasm_i64x2_eq(wasm_v128_and(q, wasm_i64x2_splat(2)), wasm_i64x2_splat(2));
  v128_t y = wasm_v128_bitselect(cr, sr, useCos);
  return wasm_v128_xor(y, wasm_v128_and(negate, wasm_f64x2_splat(-0.0)));
}

// Four float32 lanes as two f64x2 (low pair, high pair), and back.
static inline v128_t lo2d(v128_t v) { return wasm_f64x2_promote_low_f32x4(v); }
static inline v128_t hi2d(v128_t v) { return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)); }
static inline v128_t pack4f(v128_t lo, v128_t hi) {
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5);
}
#endif
