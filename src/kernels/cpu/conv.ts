/**
 * 2-D convolution (cross-correlation, as PyTorch) by im2col + the blocked matmul: each sample's
 * receptive fields are unrolled into the columns of a [C·kH·kW, OH·OW] matrix, so the layer is one
 * product per sample, Y = W·col, and its two gradients are products too:
 *   ∂L/∂col = Wᵀ·δ  (folded back onto the input by col2im, summing overlapping fields),
 *   ∂L/∂W  = Σ_samples δ·colᵀ.
 * Groups split C and O into `groups` independent blocks: one batched product with `groups` matrices.
 * A 1-D convolution is this with H = 1.
 *
 * Per sample or batched? Measured with bench/conv.ts (AMD EPYC, 2 cores shared with other jobs,
 * load average 3–6, Node 20; median CPU ms of 5–9 runs after warm-up), the columns of one sample
 * ([C·kH·kW, OH·OW], reused) against the columns of the whole batch ([C·kH·kW, N·OH·OW], one product
 * per pass, then a permute between [O, N, …] and [N, O, …]):
 *   layer                                      forward        input grad     weight grad
 *   batch 32, 64→64, 3×3, 32×32, padding 1     513 vs 570     507 vs 808     458 vs 811   (per sample vs batched)
 *   LeNet conv1: batch 64, 1→6, 5×5, 28×28     17 vs 27       11 vs 10       8 vs 11
 *   LeNet conv2: batch 64, 6→16, 5×5, 14×14    11 vs 10       9 vs 9         13 vs 9
 * Per sample is as fast or faster where the time goes (the wide layer: 1.5× on both gradients; the
 * batched product streams a 75 MB column matrix through the cache instead of 2.4 MB), within noise
 * on LeNet's small layers, and needs the columns of one sample only. So: per sample.
 * The op's forward + backward on the wide layer: ~1,550 ms (≈ 4.7 GFLOP/s, the blocked matmul's rate).
 *
 * The weight-gradient kernel unrolls the columns again instead of keeping them from the forward
 * pass: unrolling costs ~10–20 % of a product on LeNet's layers and a few per cent on wide ones,
 * while keeping a batch of columns costs kH·kW times the input's memory until backward.
 * A 1×1 filter with stride 1 and no padding needs no unrolling: the columns are the input itself.
 * These kernels call the cpu matmul directly; a backend that replaces them brings its own product.
 */
import { alloc, span, type FloatArray } from '../types.js';
import { matmul } from './matmul.js';

/** Sizes of one 2-D convolution: input, filter, output, stride, leading padding, dilation, groups. */
export interface Conv2dGeometry {
  /** Batch size. */
  readonly n: number;
  /** Input channels, height, width. */
  readonly c: number;
  readonly h: number;
  readonly w: number;
  /** Output channels. */
  readonly o: number;
  /** Filter height and width. */
  readonly kh: number;
  readonly kw: number;
  /** Output height and width (the trailing padding is implied by them). */
  readonly oh: number;
  readonly ow: number;
  /** Stride along height and width. */
  readonly sh: number;
  readonly sw: number;
  /** Zeros added before the first row and the first column. */
  readonly ph: number;
  readonly pw: number;
  /** Dilation along height and width. */
  readonly dh: number;
  readonly dw: number;
  /** Number of independent channel blocks (C and O are multiples of it). */
  readonly groups: number;
}

/** Rows of one sample's column matrix (C·kH·kW) and its columns (OH·OW). */
function colSize(g: Conv2dGeometry): { rows: number; cols: number } {
  return { rows: g.c * g.kh * g.kw, cols: g.oh * g.ow };
}

/** First and one-past-last output index whose input index o·s − p + k·d falls inside [0, size). */
function validRange(out: number, s: number, p: number, kd: number, size: number): [number, number] {
  // o·s ≥ p − kd  and  o·s < size + p − kd
  const lo = Math.max(0, Math.ceil((p - kd) / s));
  const hi = Math.min(out, Math.max(lo, Math.ceil((size + p - kd) / s)));
  return [lo, hi];
}

/** Whether the columns are the input itself (1×1 filter, stride 1, no padding). */
function isPointwise(g: Conv2dGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0 && g.oh === g.h && g.ow === g.w;
}

/**
 * Unrolls sample `s` of x ([N, C, H, W]) into col ([C·kH·kW, OH·OW]). Only in-image taps are
 * written: the entries that fall in the padding must already be 0 (a fresh buffer, or one last
 * filled by im2col with the same geometry), which saves clearing them for every sample.
 */
export function im2col(x: FloatArray, g: Conv2dGeometry, s: number, col: FloatArray): void {
  const { c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw } = g;
  const cols = oh * ow;
  let r = 0;
  for (let ci = 0; ci < c; ci++) {
    const xBase = (s * c + ci) * h * w;
    for (let ki = 0; ki < kh; ki++) {
      const [y0, y1] = validRange(oh, sh, ph, ki * dh, h);
      for (let kj = 0; kj < kw; kj++, r++) {
        const [x0, x1] = validRange(ow, sw, pw, kj * dw, w);
        for (let oy = y0; oy < y1; oy++) {
          const dst = r * cols + oy * ow;
          const src = xBase + (oy * sh - ph + ki * dh) * w - pw + kj * dw;
          if (sw === 1) for (let ox = x0; ox < x1; ox++) col[dst + ox] = x[src + ox];
          else for (let ox = x0; ox < x1; ox++) col[dst + ox] = x[src + ox * sw];
        }
      }
    }
  }
}

/** Adds col ([C·kH·kW, OH·OW]) back onto sample `s` of dx ([N, C, H, W]): the adjoint of im2col. */
export function col2im(col: FloatArray, g: Conv2dGeometry, s: number, dx: FloatArray): void {
  const { c, h, w, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw } = g;
  const cols = oh * ow;
  let r = 0;
  for (let ci = 0; ci < c; ci++) {
    const xBase = (s * c + ci) * h * w;
    for (let ki = 0; ki < kh; ki++) {
      const [y0, y1] = validRange(oh, sh, ph, ki * dh, h);
      for (let kj = 0; kj < kw; kj++, r++) {
        const [x0, x1] = validRange(ow, sw, pw, kj * dw, w);
        for (let oy = y0; oy < y1; oy++) {
          const src = r * cols + oy * ow;
          const dst = xBase + (oy * sh - ph + ki * dh) * w - pw + kj * dw;
          for (let ox = x0; ox < x1; ox++) dx[dst + ox * sw] += col[src + ox];
        }
      }
    }
  }
}

/** The columns of sample s: a view of x for a pointwise filter, else unrolled into `scratch`. */
function columns(x: FloatArray, g: Conv2dGeometry, s: number, scratch: FloatArray): FloatArray {
  if (isPointwise(g)) return span(x, s * g.c * g.h * g.w, (s + 1) * g.c * g.h * g.w);
  im2col(x, g, s, scratch);
  return scratch;
}

/** The product options of W ([O, C/groups·kH·kW]) against one sample's columns, one matrix per group. */
function grouped(g: Conv2dGeometry): { og: number; kg: number; cols: number } {
  const { rows, cols } = colSize(g);
  return { og: g.o / g.groups, kg: rows / g.groups, cols };
}

/** y = conv2d(x, w) + b: x [N, C, H, W], w [O, C/groups, kH, kW], b [O] or null → y [N, O, OH, OW]. */
export function conv2d(x: FloatArray, w: FloatArray, b: FloatArray | null, g: Conv2dGeometry): FloatArray {
  const { og, kg, cols } = grouped(g);
  const y = alloc(g.n * g.o * cols, x);
  const scratch = alloc(isPointwise(g) ? 0 : kg * g.groups * cols, x);
  const opts = { batch: g.groups, strideA: og * kg, strideB: kg * cols };
  for (let s = 0; s < g.n; s++) {
    const ys = matmul(w, columns(x, g, s, scratch), og, kg, cols, opts);
    y.set(ys, s * g.o * cols);
  }
  if (b) {
    for (let s = 0; s < g.n; s++) {
      for (let oc = 0; oc < g.o; oc++) {
        const base = (s * g.o + oc) * cols;
        const bv = b[oc];
        for (let i = 0; i < cols; i++) y[base + i] += bv;
      }
    }
  }
  return y;
}

/** ∂L/∂x of conv2d: dy [N, O, OH, OW], w [O, C/groups, kH, kW] → dx [N, C, H, W]. */
export function conv2dInputGrad(dy: FloatArray, w: FloatArray, g: Conv2dGeometry): FloatArray {
  const { og, kg, cols } = grouped(g);
  const dx = alloc(g.n * g.c * g.h * g.w, dy);
  const opts = { transA: true, batch: g.groups, strideA: og * kg, strideB: og * cols };
  for (let s = 0; s < g.n; s++) {
    // ∂L/∂col = Wᵀ·δ for each group, laid out as the column matrix [C·kH·kW, OH·OW].
    const dcol = matmul(w, span(dy, s * g.o * cols, (s + 1) * g.o * cols), kg, og, cols, opts);
    if (isPointwise(g)) dx.set(dcol, s * g.c * g.h * g.w);
    else col2im(dcol, g, s, dx);
  }
  return dx;
}

/** ∂L/∂w of conv2d: x [N, C, H, W], dy [N, O, OH, OW] → dw [O, C/groups, kH, kW]. */
export function conv2dWeightGrad(x: FloatArray, dy: FloatArray, g: Conv2dGeometry): FloatArray {
  const { og, kg, cols } = grouped(g);
  const dw = alloc(g.o * kg, dy);
  const scratch = alloc(isPointwise(g) ? 0 : kg * g.groups * cols, x);
  const opts = { transB: true, batch: g.groups, strideA: og * cols, strideB: kg * cols };
  for (let s = 0; s < g.n; s++) {
    // ∂L/∂W_group += δ_group · col_groupᵀ
    const part = matmul(span(dy, s * g.o * cols, (s + 1) * g.o * cols), columns(x, g, s, scratch), og, cols, kg, opts);
    for (let i = 0; i < part.length; i++) dw[i] += part[i];
  }
  return dw;
}

/** ∂L/∂b of conv2d: dy [N, O, OH, OW] summed over samples and positions → [O]. */
export function conv2dBiasGrad(dy: FloatArray, g: Conv2dGeometry): FloatArray {
  const cols = g.oh * g.ow;
  const db = alloc(g.o, dy);
  for (let s = 0; s < g.n; s++) {
    for (let oc = 0; oc < g.o; oc++) {
      const base = (s * g.o + oc) * cols;
      let acc = 0;
      for (let i = 0; i < cols; i++) acc += dy[base + i];
      db[oc] += acc;
    }
  }
  return db;
}
