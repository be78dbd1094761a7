// 2-D convolution (cross-correlation, as PyTorch) for WebAssembly: forward, input gradient,
// filter gradient and bias gradient, with the contracts of src/kernels/cpu/conv.ts (stride,
// leading padding, dilation, groups). Each product goes to gemm.c's packed SIMD GEMM (gemm.h),
// so the relaxed build's fused multiply-add applies here without a second micro-kernel.
//
// Layout: the samples of a chunk [s0, s0 + ns) are unrolled side by side into one column matrix
// col [C·kH·kW, ns·OH·OW] (row r = (c, ki, kj), column j·OH·OW + oy·OW + ox for sample j), so a
// chunk is one product per group:
//   forward       Y  [O, ns·OH·OW]   = W · col                 (then scattered to [N, O, OH, OW] + bias)
//   input grad    dcol               = Wᵀ · δ  [O, ns·OH·OW]   (then col2im adds it onto dx)
//   filter grad   dW [O, C/g·kH·kW] += δ · colᵀ
// With ns = 1 the products read and write the tensors in place (no scatter/gather of δ or Y), and
// a 1×1 filter with stride 1 and no padding needs no columns at all (they are the input itself).
// The chunk size is chosen by the caller (src/kernels/wasm/conv.ts): as many samples as fit a
// column budget. Every entry point takes a sample range, so the batch can be split across threads.
//
// Per sample or chunked? Measured with bench/wasm-conv.ts (Node 20, x64, relaxed build, 2 cores
// shared with other jobs at load average 15-19; median CPU ms per call of 15 calls, two runs each
// for LeNet, 5 calls for the wide layer; copies in and out included):
//   layer                                   forward          input grad       filter grad     (per sample vs whole batch)
//   LeNet conv1: batch 64, 1→6, 5×5, 28×28  1.3-1.6 vs 1.6-1.9  1.1-1.2 vs 2.0-3.2  1.5 vs 1.7
//   LeNet conv2: batch 64, 6→16, 5×5, 14×14 1.6-3.5 vs 1.8-3.7  1.7-1.8 vs 2.2-2.3  1.6-1.7 vs 1.8-1.9
//   batch 32, 64→64, 3×3, 32×32, padding 1  112 vs 113          99 vs 115           79 vs 75
// (the cpu kernels: 20 / 8 / 7, 11 / 18 / 10 and 560 / 540 / 520). One sample per product is as
// fast or faster on LeNet's layers (a 25- or 150-row column matrix of one sample stays in cache,
// and there is no gather of δ or scatter of Y between [N, O, …] and [O, N, …]), within noise on the
// wide one (chunks of 4 MB of columns: 115 / 98 / 70), and needs the columns of one sample only.
// So the default is one sample per product (COLUMN_BUDGET = 0 in conv.ts); chunks stay available
// (tested) for shapes where a product per sample would be too thin.
// Not done: packing the columns straight into gemm.c's packed B panels (implicit im2col), which
// would save one pass over the columns (im2col is ~8 % of a LeNet-5 training step's CPU profile,
// gemm_batch ~15 %); it needs gemm.c to take a packing callback.
#include <wasm_simd128.h>
#include "gemm.h"

// The sizes of one convolution, as src/kernels/cpu/conv.ts's Conv2dGeometry (16 ints in memory).
typedef struct {
  int n, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, groups;
} Geom;

static inline int max_i(int a, int b) { return a > b ? a : b; }
static inline int min_i(int a, int b) { return a < b ? a : b; }

// Ceiling of a / s for s > 0 and any sign of a.
static inline int ceil_div(int a, int s) { return a > 0 ? (a + s - 1) / s : -((-a) / s); }

// First and one-past-last output index o whose input index o·s − p + kd falls inside [0, size).
static void valid_range(int out, int s, int p, int kd, int size, int *lo, int *hi) {
  int l = max_i(0, ceil_div(p - kd, s));
  *lo = min_i(l, out);
  *hi = min_i(out, max_i(l, ceil_div(size + p - kd, s)));
  if (*hi < *lo) *hi = *lo;
}

static int is_pointwise(const Geom *g) {
  return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->ph == 0 && g->pw == 0 && g->oh == g->h &&
         g->ow == g->w;
}

// dst[0..n) = src[0..n), four floats at a time (the rows are short: no alias checks, no tail loop
// of clang's vectoriser).
static inline void copy_row(float *restrict dst, const float *restrict src, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  for (; i < n; i++) dst[i] = src[i];
}

// dst[0..n) = 0.
static inline void zero_row(float *restrict dst, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_splat(0.0f));
  for (; i < n; i++) dst[i] = 0.0f;
}

// Unrolls samples s0..s0+ns of x [N, C, H, W] into col [C·kH·kW, ns·OH·OW], padding taps as 0.
static void im2col(const Geom *g, const float *restrict x, int s0, int ns, float *restrict col) {
  int cols = g->oh * g->ow, ld = ns * cols, hw = g->h * g->w, ow = g->ow;
  float *dst = col;
  for (int ci = 0; ci < g->c; ci++) {
    for (int ki = 0; ki < g->kh; ki++) {
      int y0, y1;
      valid_range(g->oh, g->sh, g->ph, ki * g->dh, g->h, &y0, &y1);
      for (int kj = 0; kj < g->kw; kj++, dst += ld) {
        int x0, x1;
        valid_range(ow, g->sw, g->pw, kj * g->dw, g->w, &x0, &x1);
        for (int j = 0; j < ns; j++) {
          const float *xs = x + ((long)(s0 + j) * g->c + ci) * hw;
          float *d = dst + (long)j * cols;
          zero_row(d, y0 * ow);
          for (int oy = y0; oy < y1; oy++) {
            float *row = d + oy * ow;
            const float *src = xs + (long)(oy * g->sh - g->ph + ki * g->dh) * g->w - g->pw + kj * g->dw;
            for (int ox = 0; ox < x0; ox++) row[ox] = 0.0f;
            if (g->sw == 1) copy_row(row + x0, src + x0, x1 - x0);
            else for (int ox = x0; ox < x1; ox++) row[ox] = src[(long)ox * g->sw];
            for (int ox = x1; ox < ow; ox++) row[ox] = 0.0f;
          }
          zero_row(d + y1 * ow, cols - y1 * ow);
        }
      }
    }
  }
}

// Adds col [C·kH·kW, ns·OH·OW] back onto samples s0..s0+ns of dx [N, C, H, W] (the adjoint of
// im2col), in the cpu kernel's order: rows r = (c, ki, kj) in turn, positions in order.
static void col2im(const Geom *g, const float *col, int s0, int ns, float *dx) {
  int cols = g->oh * g->ow, ld = ns * cols, hw = g->h * g->w;
  for (int j = 0; j < ns; j++) {
    const float *src = col + (long)j * cols;
    for (int ci = 0; ci < g->c; ci++) {
      float *xs = dx + ((long)(s0 + j) * g->c + ci) * hw;
      for (int ki = 0; ki < g->kh; ki++) {
        int y0, y1;
        valid_range(g->oh, g->sh, g->ph, ki * g->dh, g->h, &y0, &y1);
        for (int kj = 0; kj < g->kw; kj++, src += ld) {
          int x0, x1;
          valid_range(g->ow, g->sw, g->pw, kj * g->dw, g->w, &x0, &x1);
          for (int oy = y0; oy < y1; oy++) {
            const float *row = src + oy * g->ow;
            float *d = xs + (long)(oy * g->sh - g->ph + ki * g->dh) * g->w - g->pw + kj * g->dw;
            if (g->sw == 1) for (int ox = x0; ox < x1; ox++) d[ox] += row[ox];
            else for (int ox = x0; ox < x1; ox++) d[(long)ox * g->sw] += row[ox];
          }
        }
      }
    }
  }
}

// The columns of a chunk: x itself for a pointwise filter and one sample, else unrolled into col.
static const float *columns(const Geom *g, const float *x, int s0, int ns, float *col) {
  if (ns == 1 && is_pointwise(g)) return x + (long)s0 * g->c * g->h * g->w;
  im2col(g, x, s0, ns, col);
  return col;
}

// δ of a chunk as [O, ns·OH·OW]: dy itself for one sample, else gathered into tmp.
static const float *chunk_rows(const Geom *g, const float *dy, int s0, int ns, float *tmp) {
  int cols = g->oh * g->ow, ld = ns * cols;
  if (ns == 1) return dy + (long)s0 * g->o * cols;
  for (int j = 0; j < ns; j++)
    for (int oc = 0; oc < g->o; oc++) {
      const float *s = dy + ((long)(s0 + j) * g->o + oc) * cols;
      float *d = tmp + (long)oc * ld + (long)j * cols;
      for (int i = 0; i < cols; i++) d[i] = s[i];
    }
  return tmp;
}

// Samples [s0, s1) of y = conv2d(x, w) + b, in chunks of `chunk` samples. col: C·kH·kW·chunk·OH·OW
// floats of scratch, tmp: O·chunk·OH·OW (unused when chunk = 1), gs: gemm.c's scratch for the
// largest product (gemm_scratch); b may be null (0).
__attribute__((export_name("conv2d_forward")))
void conv2d_forward(const Geom *g, const float *x, const float *w, const float *b, float *y, int s0, int s1,
                    int chunk, float *col, float *tmp, float *gs) {
  int cols = g->oh * g->ow, og = g->o / g->groups, kg = g->c * g->kh * g->kw / g->groups;
  for (int s = s0; s < s1; s += chunk) {
    int ns = min_i(chunk, s1 - s), ld = ns * cols;
    const float *cm = columns(g, x, s, ns, col);
    float *out = ns == 1 ? y + (long)s * g->o * cols : tmp;
    gemm_batch(w, cm, out, og, kg, ld, 0, 0, 0, g->groups, og * kg, kg * ld, gs);
    for (int j = 0; j < ns; j++)
      for (int oc = 0; oc < g->o; oc++) {
        float *d = y + ((long)(s + j) * g->o + oc) * cols;
        const float *src = out + (long)oc * ld + (long)j * cols;
        float bv = b ? b[oc] : 0.0f;
        if (ns == 1) {
          if (b) for (int i = 0; i < cols; i++) d[i] += bv;
        } else if (b) {
          for (int i = 0; i < cols; i++) d[i] = src[i] + bv;
        } else {
          for (int i = 0; i < cols; i++) d[i] = src[i];
        }
      }
  }
}

// Samples [s0, s1) of ∂L/∂x: dx (zeroed by the caller) += col2im(Wᵀ·δ). Scratch as conv2d_forward.
__attribute__((export_name("conv2d_input_grad")))
void conv2d_input_grad(const Geom *g, const float *dy, const float *w, float *dx, int s0, int s1, int chunk,
                       float *col, float *tmp, float *gs) {
  int cols = g->oh * g->ow, og = g->o / g->groups, kg = g->c * g->kh * g->kw / g->groups;
  int direct = is_pointwise(g);
  for (int s = s0; s < s1; s += chunk) {
    int ns = min_i(chunk, s1 - s), ld = ns * cols;
    const float *d = chunk_rows(g, dy, s, ns, tmp);
    float *dcol = direct && ns == 1 ? dx + (long)s * g->c * g->h * g->w : col;
    gemm_batch(w, d, dcol, kg, og, ld, 1, 0, 0, g->groups, og * kg, og * ld, gs);
    if (dcol == col) col2im(g, col, s, ns, dx);
  }
}

// Samples [s0, s1) of ∂L/∂w: dw [O, C/groups·kH·kW] += δ·colᵀ per chunk; part: O·C/groups·kH·kW
// floats of scratch for each chunk's product, other scratch as conv2d_forward.
__attribute__((export_name("conv2d_weight_grad")))
void conv2d_weight_grad(const Geom *g, const float *x, const float *dy, float *dw, int s0, int s1, int chunk,
                        float *col, float *tmp, float *part, float *gs) {
  int cols = g->oh * g->ow, og = g->o / g->groups, kg = g->c * g->kh * g->kw / g->groups;
  int len = g->o * kg;
  for (int s = s0; s < s1; s += chunk) {
    int ns = min_i(chunk, s1 - s), ld = ns * cols;
    const float *cm = columns(g, x, s, ns, col);
    const float *d = chunk_rows(g, dy, s, ns, tmp);
    gemm_batch(d, cm, part, og, ld, kg, 0, 1, 0, g->groups, og * ld, kg * ld, gs);
    for (int i = 0; i < len; i++) dw[i] += part[i];
  }
}

// ∂L/∂b: db [O] += the sum of δ over samples [s0, s1) and positions, each sample's sum in double
// precision in order and added to db as the cpu kernel does (bit for bit its result).
__attribute__((export_name("conv2d_bias_grad")))
void conv2d_bias_grad(const Geom *g, const float *dy, float *db, int s0, int s1) {
  int cols = g->oh * g->ow;
  for (int s = s0; s < s1; s++)
    for (int oc = 0; oc < g->o; oc++) {
      const float *d = dy + ((long)s * g->o + oc) * cols;
      double acc = 0;
      for (int i = 0; i < cols; i++) acc += (double)d[i];
      db[oc] = (float)((double)db[oc] + acc);
    }
}

// Threads (pool.ts's parallelFor): part p of the batch is samples [p·per, p·per + per) of the
// forward or input-gradient pass, on thread t's scratch: col, tmp and gs each lie t·stride floats
// past thread 0's. Every sample writes only its own rows of y or dx, so the parts are independent
// and the result is the serial one bit for bit. (The filter gradient sums over samples into one
// dW, so it stays serial: a split would change its order of summation.)
__attribute__((export_name("conv2d_forward_part")))
void conv2d_forward_part(const Geom *g, const float *x, const float *w, const float *b, float *y, int per, int chunk,
                         float *col, float *tmp, float *gs, int stride, int part, int thread) {
  long off = (long)thread * stride;
  int s0 = part * per;
  conv2d_forward(g, x, w, b, y, s0, min_i(g->n, s0 + per), chunk, col + off, tmp ? tmp + off : 0, gs + off);
}

__attribute__((export_name("conv2d_input_grad_part")))
void conv2d_input_grad_part(const Geom *g, const float *dy, const float *w, float *dx, int per, int chunk, float *col,
                            float *tmp, float *gs, int stride, int part, int thread) {
  long off = (long)thread * stride;
  int s0 = part * per;
  conv2d_input_grad(g, dy, w, dx, s0, min_i(g->n, s0 + per), chunk, col + off, tmp ? tmp + off : 0, gs + off);
}
