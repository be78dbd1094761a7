// Broadcasting binary ops, their gradient sumToShape, and gradient accumulation for WebAssembly
// (src/kernels/cpu/elementwise.ts: binary, sumToShape, addInPlace, axpyInPlace), bit for bit the
// cpu kernels: a float32 + − × ÷ of float32 operands equals the cpu kernel's float64 op rounded to
// float32 (53 ≥ 2·24 + 2), so those run in f32x4; axpy and the sums that the cpu kernel keeps in
// float64 run in float64 in its order.
// Speed (bench/wasm-elementwise.ts, µs per call, CPU time, loaded machine): alone vs the JS loop,
// n = 301,056: mul 52–59 vs 1,300–1,700, addInPlace 38 vs 570–640, axpy 95–99 vs 600–630;
// sumToShape [64,128]→[128] 0.1–0.4 vs 22–66. With copies (call.ts): 1–4× faster at these sizes,
// but a [64,10]+[10] broadcast add is 0.4–0.5× (the copy and call overhead, ~3 µs, dominates).
#include <wasm_simd128.h>

enum { ADD, SUB, MUL, DIV };

static inline v128_t op4(int op, v128_t a, v128_t b) {
  switch (op) {
    case ADD: return wasm_f32x4_add(a, b);
    case SUB: return wasm_f32x4_sub(a, b);
    case MUL: return wasm_f32x4_mul(a, b);
    default: return wasm_f32x4_div(a, b);
  }
}

// One row of n outputs: a and b step by ia, ib (1, or 0 where broadcast along the row).
static inline void row(int op, const float *a, int ia, const float *b, int ib, float *out, long n) {
  long j = 0;
  if (ia && ib) {
    for (; j + 4 <= n; j += 4) wasm_v128_store(out + j, op4(op, wasm_v128_load(a + j), wasm_v128_load(b + j)));
  } else if (ia) {
    v128_t s = wasm_f32x4_splat(b[0]);
    for (; j + 4 <= n; j += 4) wasm_v128_store(out + j, op4(op, wasm_v128_load(a + j), s));
  } else if (ib) {
    v128_t s = wasm_f32x4_splat(a[0]);
    for (; j + 4 <= n; j += 4) wasm_v128_store(out + j, op4(op, s, wasm_v128_load(b + j)));
  }
  for (; j < n; j++) {
    v128_t r = op4(op, wasm_f32x4_splat(a[j * ia]), wasm_f32x4_splat(b[j * ib]));
    out[j] = wasm_f32x4_extract_lane(r, 0);
  }
}

// out = a (op) b over n elements, a and b stepping by ia, ib ∈ {0, 1} (same length, or a scalar).
__attribute__((export_name("binary_flat")))
void binary_flat(int op, const float *a, int ia, const float *b, int ib, float *out, long n) {
  switch (op) {
    case ADD: row(ADD, a, ia, b, ib, out, n); break;
    case SUB: row(SUB, a, ia, b, ib, out, n); break;
    case MUL: row(MUL, a, ia, b, ib, out, n); break;
    default: row(DIV, a, ia, b, ib, out, n); break;
  }
}

// The general case: out of shape[nd] walked row by row (the last axis), an odometer over the other
// axes moving a and b by their broadcast strides sa, sb (0 along broadcast axes); idx: nd ints of
// zeroed scratch.
__attribute__((export_name("binary_nd")))
void binary_nd(int op, const float *a, const float *b, float *out, int nd, const int *shape, const int *sa,
               const int *sb, int *idx) {
  long n = 1;
  for (int d = 0; d < nd; d++) n *= shape[d];
  long inner = shape[nd - 1];
  int ia = sa[nd - 1], ib = sb[nd - 1];
  long pa = 0, pb = 0;
  for (long o = 0; o < n; o += inner) {
    binary_flat(op, a + pa, ia, b + pb, ib, out + o, inner);
    for (int d = nd - 2; d >= 0; d--) {
      idx[d]++;
      pa += sa[d];
      pb += sb[d];
      if (idx[d] < shape[d]) break;
      pa -= (long)sa[d] * idx[d];
      pb -= (long)sb[d] * idx[d];
      idx[d] = 0;
    }
  }
}

// sumToShape: g of shape[nd] summed into out (zeroed) at strides st (0 along summed axes), as the
// cpu kernel: a row summed in float64 then added to its float32 slot when out is broadcast along
// the last axis, else float32 adds slot by slot. n = the size of g; one output: a float64 sum.
__attribute__((export_name("sum_to_shape")))
void sum_to_shape(const float *restrict g, float *restrict out, long outLen, int nd, const int *shape, const int *st, int *idx) {
  long n = 1;
  for (int d = 0; d < nd; d++) n *= shape[d];
  if (outLen == 1) {
    double s = 0;
    for (long i = 0; i < n; i++) s += g[i];
    out[0] = (float)s;
    return;
  }
  long inner = shape[nd - 1];
  int it = st[nd - 1];
  long p = 0;
  for (long o = 0; o < n; o += inner) {
    if (it == 0) {
      double s = 0;
      for (long j = 0; j < inner; j++) s += g[o + j];
      out[p] = (float)((double)out[p] + s);
    } else {
      float *op = out + p;
      const float *go = g + o;
      long j = 0;
      for (; j + 4 <= inner; j += 4) wasm_v128_store(op + j, wasm_f32x4_add(wasm_v128_load(op + j), wasm_v128_load(go + j)));
      for (; j < inner; j++) op[j] = op[j] + go[j];
    }
    for (int d = nd - 2; d >= 0; d--) {
      idx[d]++;
      p += st[d];
      if (idx[d] < shape[d]) break;
      p -= (long)st[d] * idx[d];
      idx[d] = 0;
    }
  }
}

// a += b (float32 adds, as the cpu kernel's float64 add rounded).
__attribute__((export_name("add_in_place")))
void add_in_place(float *restrict a, const float *restrict b, long n) {
  long i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(a + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  for (; i < n; i++) a[i] = a[i] + b[i];
}

// a += α·b, α·b and the sum in float64 as the cpu kernel.
__attribute__((export_name("axpy_in_place")))
void axpy_in_place(float *restrict a, double alpha, const float *restrict b, long n) {
  v128_t al = wasm_f64x2_splat(alpha);
  long i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t av = wasm_v128_load(a + i), bv = wasm_v128_load(b + i);
    v128_t lo = wasm_f64x2_add(wasm_f64x2_promote_low_f32x4(av), wasm_f64x2_mul(al, wasm_f64x2_promote_low_f32x4(bv)));
    v128_t hi = wasm_f64x2_add(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(av, av, 2, 3, 0, 1)),
                               wasm_f64x2_mul(al, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(bv, bv, 2, 3, 0, 1))));
    wasm_v128_store(a + i, wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; i < n; i++) a[i] = (float)((double)a[i] + alpha * (double)b[i]);
}
