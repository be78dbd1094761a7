// Pooling for WebAssembly over x viewed as [planes, H, W], bit for bit the results of
// src/kernels/cpu/pool.ts: max pooling (with the flat input index of each maximum, NaN wins as in
// PyTorch) and its gradient, average pooling (PyTorch's divisor rules) and adaptive average
// pooling with their gradients. The cpu kernels add in JavaScript numbers (double) and round once
// to float32, so the means and their gradients here are computed in double the same way.
// Every entry point takes a range of planes, so the planes can be split across threads.
#include <wasm_simd128.h>

// The sizes of one pooling, as src/kernels/cpu/pool.ts's Pool2dGeometry (11 ints in memory).
typedef struct {
  int planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow;
} PoolGeom;

static inline int max_i(int a, int b) { return a > b ? a : b; }
static inline int min_i(int a, int b) { return a < b ? a : b; }

// The maximum of one window and the flat index where it is, exactly as the cpu kernel: the first
// strict maximum in row-major order, or the first NaN. The common case runs without the NaN test
// in its comparison chain; a window that holds a NaN is scanned again by the exact rule.
static inline float window_max(const float *x, int base, int w, int y0, int y1, int x0, int x1, int *at) {
  float best = -__builtin_inff();
  int where = base + y0 * w + x0;
  int nan = 0;
  for (int iy = y0; iy < y1; iy++) {
    const float *row = x + base + iy * w;
    for (int ix = x0; ix < x1; ix++) {
      float v = row[ix];
      nan |= v != v;
      if (v > best) {
        best = v;
        where = base + iy * w + ix;
      }
    }
  }
  if (nan) {
    for (int iy = y0; iy < y1; iy++)
      for (int ix = x0; ix < x1; ix++) {
        float v = x[base + iy * w + ix];
        if (v != v) {
          *at = base + iy * w + ix;
          return v;
        }
      }
  }
  *at = where;
  return best;
}

// Four outputs ox..ox+3 of a 2×2, stride-2, unpadded max pooling row (rows r0, r1 = r0 + w at
// flat index `at`), as window_max: the four candidates in row-major order, each taken only when
// strictly greater. Returns 0 (nothing written) when a NaN is among them: window_max decides then.
static inline int max2x2_four(const float *r0, int w, int at, float *values, int *indices) {
  v128_t a0 = wasm_v128_load(r0), a1 = wasm_v128_load(r0 + 4);
  v128_t b0 = wasm_v128_load(r0 + w), b1 = wasm_v128_load(r0 + w + 4);
  v128_t c00 = wasm_i32x4_shuffle(a0, a1, 0, 2, 4, 6), c01 = wasm_i32x4_shuffle(a0, a1, 1, 3, 5, 7);
  v128_t c10 = wasm_i32x4_shuffle(b0, b1, 0, 2, 4, 6), c11 = wasm_i32x4_shuffle(b0, b1, 1, 3, 5, 7);
  v128_t nan = wasm_v128_or(wasm_v128_or(wasm_f32x4_ne(c00, c00), wasm_f32x4_ne(c01, c01)),
                            wasm_v128_or(wasm_f32x4_ne(c10, c10), wasm_f32x4_ne(c11, c11)));
  if (wasm_v128_any_true(nan)) return 0;
  v128_t best = c00, off = wasm_i32x4_splat(0), m;
  m = wasm_f32x4_gt(c01, best);
  best = wasm_v128_bitselect(c01, best, m);
  off = wasm_v128_bitselect(wasm_i32x4_splat(1), off, m);
  m = wasm_f32x4_gt(c10, best);
  best = wasm_v128_bitselect(c10, best, m);
  off = wasm_v128_bitselect(wasm_i32x4_splat(w), off, m);
  m = wasm_f32x4_gt(c11, best);
  best = wasm_v128_bitselect(c11, best, m);
  off = wasm_v128_bitselect(wasm_i32x4_splat(w + 1), off, m);
  wasm_v128_store(values, best);
  v128_t idx = wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_splat(at), wasm_i32x4_make(0, 2, 4, 6)), off);
  wasm_v128_store(indices, idx);
  return 1;
}

// Planes [p0, p1) of max pooling: values and indices [planes, OH, OW]; padding counts as −∞.
// The 2×2, stride-2, unpadded pooling (LeNet's, VGG's) takes four outputs at a time.
__attribute__((export_name("max_pool2d")))
void max_pool2d(const PoolGeom *g, const float *x, float *values, int *indices, int p0, int p1) {
  int h = g->h, w = g->w;
  int pairs = g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->ph == 0 && g->pw == 0;
  long q = (long)p0 * g->oh * g->ow;
  for (int p = p0; p < p1; p++) {
    int base = p * h * w;
    for (int oy = 0; oy < g->oh; oy++) {
      int y0 = max_i(0, oy * g->sh - g->ph), y1 = min_i(h, oy * g->sh - g->ph + g->kh);
      int ox = 0;
      if (pairs && y1 - y0 == 2) {
        int at = base + y0 * w;
        for (; ox + 4 <= g->ow && 2 * ox + 8 <= w; ox += 4, q += 4)
          if (!max2x2_four(x + at + 2 * ox, w, at + 2 * ox, values + q, indices + q)) break;
      }
      for (; ox < g->ow; ox++, q++) {
        int x0 = max_i(0, ox * g->sw - g->pw), x1 = min_i(w, ox * g->sw - g->pw + g->kw);
        values[q] = window_max(x, base, w, y0, y1, x0, x1, &indices[q]);
      }
    }
  }
}

// ∂L/∂x of max pooling: dx (zeroed by the caller) += δ[q] at indices[q], for q in [q0, q1) in order.
__attribute__((export_name("max_pool2d_grad")))
void max_pool2d_grad(const float *dy, const int *indices, float *dx, int q0, int q1) {
  for (int q = q0; q < q1; q++) dx[indices[q]] += dy[q];
}

// Average pooling's windows along one axis, three ints per output: clipped start, clipped end and
// the length counting padding (a window may hang over the padding, not past it).
__attribute__((export_name("pool_avg_windows")))
void pool_avg_windows(int *win, int out, int s, int p, int k, int n) {
  for (int i = 0; i < out; i++) {
    int start = i * s - p;
    int end = min_i(start + k, n + p);
    win[3 * i] = max_i(start, 0);
    win[3 * i + 1] = min_i(end, n);
    win[3 * i + 2] = end - start;
  }
}

// PyTorch's adaptive windows along one axis: [⌊i·n/out⌋, ⌈(i+1)·n/out⌉), and their length.
__attribute__((export_name("pool_adaptive_windows")))
void pool_adaptive_windows(int *win, int out, int n) {
  for (int i = 0; i < out; i++) {
    long long a = (long long)i * n, b = (long long)(i + 1) * n;
    win[3 * i] = (int)(a / out);
    win[3 * i + 1] = (int)((b + out - 1) / out);
    win[3 * i + 2] = win[3 * i + 1] - win[3 * i];
  }
}

// Planes [p0, p1) of the means of separable windows (rows wy, columns wx, oh and ow of them) of
// x [planes, h, w] into y [planes, oh, ow]; `padded` divides by the padded window size. Windows
// left empty keep y's value (0 from the caller).
__attribute__((export_name("window_means")))
void window_means(const float *x, float *y, int h, int w, const int *wy, int oh, const int *wx, int ow, int padded,
                  int p0, int p1) {
  long q = (long)p0 * oh * ow;
  for (int p = p0; p < p1; p++) {
    const float *xp = x + (long)p * h * w;
    for (int oy = 0; oy < oh; oy++) {
      int y0 = wy[3 * oy], y1 = wy[3 * oy + 1];
      for (int ox = 0; ox < ow; ox++, q++) {
        int x0 = wx[3 * ox], x1 = wx[3 * ox + 1];
        if (y0 >= y1 || x0 >= x1) continue;
        double div = padded ? (double)wy[3 * oy + 2] * wx[3 * ox + 2] : (double)(y1 - y0) * (x1 - x0);
        double s = 0;
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) s += (double)xp[iy * w + ix];
        y[q] = (float)(s / div);
      }
    }
  }
}

// The adjoint of window_means over planes [p0, p1): dx (zeroed by the caller) += δ / divisor on
// every input of each window, the quotient kept in double as the cpu kernel does.
__attribute__((export_name("window_means_grad")))
void window_means_grad(const float *dy, float *dx, int h, int w, const int *wy, int oh, const int *wx, int ow,
                       int padded, int p0, int p1) {
  long q = (long)p0 * oh * ow;
  for (int p = p0; p < p1; p++) {
    float *xp = dx + (long)p * h * w;
    for (int oy = 0; oy < oh; oy++) {
      int y0 = wy[3 * oy], y1 = wy[3 * oy + 1];
      for (int ox = 0; ox < ow; ox++, q++) {
        int x0 = wx[3 * ox], x1 = wx[3 * ox + 1];
        if (y0 >= y1 || x0 >= x1) continue;
        double div = padded ? (double)wy[3 * oy + 2] * wx[3 * ox + 2] : (double)(y1 - y0) * (x1 - x0);
        double d = (double)dy[q] / div;
        for (int iy = y0; iy < y1; iy++)
          for (int ix = x0; ix < x1; ix++) xp[iy * w + ix] = (float)((double)xp[iy * w + ix] + d);
      }
    }
  }
}
