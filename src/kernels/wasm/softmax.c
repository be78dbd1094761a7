// Softmax, log-softmax and their gradient, the sum of all elements and max/min along an axis for
// WebAssembly (src/kernels/cpu/reduce.ts: softmax, softmaxGrad, sumAll, extremeAxis), x viewed as
// [outer, n, inner] and reduced along the middle axis. Sums run in float64 in the cpu kernel's
// order, so sumAll, extremeAxis and softmaxGrad (not log) are bit for bit the cpu kernel's;
// softmax and the log-softmax gradient use exp2d/log2d (vmath.h) for Math.exp/Math.log: each result
// equal or one float32 rounding step off.
// Speed (bench/wasm-elementwise.ts, µs per call, CPU time, loaded machine): log-softmax of [64, 10]
// 9–11 alone vs 12–16 in JS, its gradient 5–6.5 vs 8.5–12; sumAll of 301,056 floats 214–227 vs
// 408–416 (a sequential float64 sum: latency-bound either way). With today's copies the [64, 10]
// softmax is 0.7–0.8× the JS loop, its gradient 0.6–1.3×: a win only once operands live in memory.
#include "vmath.h"

static inline double exp1(double x) { return wasm_f64x2_extract_lane(exp2d(wasm_f64x2_splat(x)), 0); }
static inline double log1(double x) { return wasm_f64x2_extract_lane(log2d(wasm_f64x2_splat(x)), 0); }

// Softmax (log = 0) or log-softmax along the middle axis; e: n doubles of scratch.
__attribute__((export_name("softmax_f")))
void softmax_f(const float *restrict x, float *restrict y, int outer, int n, int inner, int log, double *restrict e) {
  for (int o = 0; o < outer; o++) {
    for (int k = 0; k < inner; k++) {
      const float *xs = x + (long)o * n * inner + k;
      float *ys = y + (long)o * n * inner + k;
      float m = -__builtin_inff();
      for (int j = 0; j < n; j++) { float v = xs[(long)j * inner]; if (v > m || v != v) m = v; }
      if (m == -__builtin_inff()) m = 0;
      double md = m;
      int j = 0;
      for (; j + 2 <= n; j += 2) {
        v128_t d = wasm_f64x2_make((double)xs[(long)j * inner] - md, (double)xs[(long)(j + 1) * inner] - md);
        wasm_v128_store(e + j, exp2d(d));
      }
      for (; j < n; j++) e[j] = exp1((double)xs[(long)j * inner] - md);
      double s = 0;
      for (j = 0; j < n; j++) s += e[j];
      if (log) {
        double lse = md + log1(s);
        for (j = 0; j < n; j++) ys[(long)j * inner] = (float)((double)xs[(long)j * inner] - lse);
      } else {
        double inv = 1 / s;
        for (j = 0; j < n; j++) ys[(long)j * inner] = (float)(e[j] * inv);
      }
    }
  }
}

// Backward of softmax: dz = y(dy − Σ dy·y); of log-softmax: dz = dy − e^y·Σ dy.
__attribute__((export_name("softmax_grad_f")))
void softmax_grad_f(const float *restrict dy, const float *restrict y, float *restrict dz, int outer, int n, int inner, int log) {
  for (int o = 0; o < outer; o++) {
    for (int k = 0; k < inner; k++) {
      long base = (long)o * n * inner + k;
      double s = 0;
      if (log) {
        for (int j = 0; j < n; j++) s += dy[base + (long)j * inner];
        int j = 0;
        if (inner == 1) {
          v128_t sv = wasm_f64x2_splat(s);
          for (; j + 2 <= n; j += 2) {
            long p = base + j;
            v128_t ev = exp2d(wasm_f64x2_make(y[p], y[p + 1]));
            v128_t r = wasm_f64x2_sub(wasm_f64x2_make(dy[p], dy[p + 1]), wasm_f64x2_mul(ev, sv));
            dz[p] = (float)wasm_f64x2_extract_lane(r, 0);
            dz[p + 1] = (float)wasm_f64x2_extract_lane(r, 1);
          }
        }
        for (; j < n; j++) { long p = base + (long)j * inner; dz[p] = (float)((double)dy[p] - exp1(y[p]) * s); }
      } else {
        for (int j = 0; j < n; j++) { long p = base + (long)j * inner; s += (double)dy[p] * (double)y[p]; }
        for (int j = 0; j < n; j++) { long p = base + (long)j * inner; dz[p] = (float)((double)y[p] * ((double)dy[p] - s)); }
      }
    }
  }
}

// Σ x in float64, in order.
__attribute__((export_name("sum_all")))
double sum_all(const float *restrict x, long n) {
  double s = 0;
  for (long i = 0; i < n; i++) s += x[i];
  return s;
}

// Max (wantMax) or min along the middle axis and the position of the first extreme; NaN wins.
__attribute__((export_name("extreme_axis")))
void extreme_axis(const float *restrict x, float *restrict values, int *restrict indices, int outer, int n, int inner, int wantMax) {
  for (int o = 0; o < outer; o++) {
    for (int k = 0; k < inner; k++) {
      const float *xs = x + (long)o * n * inner + k;
      float best = xs[0];
      int bi = 0;
      for (int j = 1; j < n && best == best; j++) {
        float v = xs[(long)j * inner];
        if (v != v || (wantMax ? v > best : v < best)) { best = v; bi = j; }
      }
      values[(long)o * inner + k] = best;
      indices[(long)o * inner + k] = bi;
    }
  }
}
