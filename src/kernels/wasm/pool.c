// Pooling for WebAssembly over x viewed as [planes, H, W], bit for bit the results of
// src/kernels/cpu/pool.ts: max pooling (with the flat input index of each maximum, NaN wins as in
// PyTorch) and its gradient, average pooling (PyTorch's divisor rules) and adaptive average
// pooling with their gradients. The cpu kernels add in JavaScript numbers (double) and round once
// to float32, so the means and their gradients here are computed in double the same way.
// Every entry point takes a range of planes, so the planes can be split across threads.

// The sizes of one pooling, as src/kernels/cpu/pool.ts's Pool2dGeometry (11 ints in memory).
typedef struct {
  int planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow;
} PoolGeom;

static inline int max_i(int a, int b) { return a > b ? a : b; }
static inline int min_i(int a, int b) { return a < b ? a : b; }

// Planes [p0, p1) of max pooling: values and indices [planes, OH, OW]; padding counts as −∞.
__attribute__((export_name("max_pool2d")))
void max_pool2d(const PoolGeom *g, const float *x, float *values, int *indices, int p0, int p1) {
  int h = g->h, w = g->w;
  long q = (long)p0 * g->oh * g->ow;
  for (int p = p0; p < p1; p++) {
    int base = p * h * w;
    for (int oy = 0; oy < g->oh; oy++) {
      int y0 = max_i(0, oy * g->sh - g->ph), y1 = min_i(h, oy * g->sh - g->ph + g->kh);
      for (int ox = 0; ox < g->ow; ox++, q++) {
        int x0 = max_i(0, ox * g->sw - g->pw), x1 = min_i(w, ox * g->sw - g->pw + g->kw);
        float best = -__builtin_inff();
        int at = base + y0 * w + x0;
        int nan = 0;
        for (int iy = y0; iy < y1 && !nan; iy++) {
          const float *row = x + base + iy * w;
          for (int ix = x0; ix < x1; ix++) {
            float v = row[ix];
            if (v > best || v != v) {
              best = v;
              at = base + iy * w + ix;
              if (v != v) { nan = 1; break; }
            }
          }
        }
        values[q] = best;
        indices[q] = at;
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
