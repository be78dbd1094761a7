/**
 * Pooling over the spatial axes of x viewed as [planes, H, W] (planes = N·C; 1-D pooling is H = 1):
 * max pooling keeps where each maximum came from so its backward routes δ there; average pooling
 * spreads δ evenly over the window it averaged, with PyTorch's divisor rules.
 */
import { alloc, type FloatArray } from '../types.js';

/** Sizes of one pooling: input planes, window, stride, leading padding and output. */
export interface Pool2dGeometry {
  /** Number of independent planes (N·C). */
  readonly planes: number;
  readonly h: number;
  readonly w: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly ph: number;
  readonly pw: number;
  readonly oh: number;
  readonly ow: number;
}

/** Max over each window (padding counts as −∞; NaN wins, as PyTorch), with the flat input index of each maximum. */
export function maxPool2d(x: FloatArray, g: Pool2dGeometry): { values: FloatArray; indices: Int32Array } {
  const { planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  const values = alloc(planes * oh * ow, x);
  const indices = new Int32Array(planes * oh * ow);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - ph);
      const y1 = Math.min(h, oy * sh - ph + kh);
      for (let ox = 0; ox < ow; ox++, q++) {
        const x0 = Math.max(0, ox * sw - pw);
        const x1 = Math.min(w, ox * sw - pw + kw);
        let best = -Infinity;
        let at = base + y0 * w + x0;
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const v = x[base + iy * w + ix];
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = base + iy * w + ix;
              if (Number.isNaN(v)) break;
            }
          }
          if (Number.isNaN(best)) break;
        }
        values[q] = best;
        indices[q] = at;
      }
    }
  }
  return { values, indices };
}

/** ∂L/∂x of max pooling: each δ added at the input position its window's maximum came from. */
export function maxPool2dGrad(dy: FloatArray, indices: Int32Array, inputSize: number): FloatArray {
  const dx = alloc(inputSize, dy);
  for (let q = 0; q < indices.length; q++) dx[indices[q]] += dy[q];
  return dx;
}

/**
 * The windows along one axis, three numbers per output: clipped start, clipped end, and the
 * window's length counting padding (PyTorch's avg_pool rules: a window may hang over the padding,
 * not past it, which only ceil mode can ask for).
 */
function avgWindows(out: number, s: number, p: number, k: number, n: number): Int32Array {
  const win = new Int32Array(3 * out);
  for (let i = 0; i < out; i++) {
    const start = i * s - p;
    const end = Math.min(start + k, n + p);
    win[3 * i] = Math.max(start, 0);
    win[3 * i + 1] = Math.min(end, n);
    win[3 * i + 2] = end - start;
  }
  return win;
}

/** PyTorch's adaptive windows along one axis: [⌊i·n/out⌋, ⌈(i+1)·n/out⌉), and their length. */
function adaptiveWindows(out: number, n: number): Int32Array {
  const win = new Int32Array(3 * out);
  for (let i = 0; i < out; i++) {
    win[3 * i] = Math.floor((i * n) / out);
    win[3 * i + 1] = Math.ceil(((i + 1) * n) / out);
    win[3 * i + 2] = win[3 * i + 1] - win[3 * i];
  }
  return win;
}

/** Means of separable windows (rows `wy`, columns `wx`) of [planes, h, w]; `padded` divides by the padded size. */
function windowMeans(x: FloatArray, planes: number, h: number, w: number, wy: Int32Array, wx: Int32Array, padded: boolean): FloatArray {
  const oh = wy.length / 3;
  const ow = wx.length / 3;
  const y = alloc(planes * oh * ow, x);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = wy[3 * oy], y1 = wy[3 * oy + 1];
      for (let ox = 0; ox < ow; ox++, q++) {
        const x0 = wx[3 * ox], x1 = wx[3 * ox + 1];
        if (y0 >= y1 || x0 >= x1) continue;
        const div = padded ? wy[3 * oy + 2] * wx[3 * ox + 2] : (y1 - y0) * (x1 - x0);
        let s = 0;
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += x[base + iy * w + ix];
        y[q] = s / div;
      }
    }
  }
  return y;
}

/** The adjoint of windowMeans: each δ / divisor added to every input of its window. */
function windowMeansGrad(dy: FloatArray, planes: number, h: number, w: number, wy: Int32Array, wx: Int32Array, padded: boolean): FloatArray {
  const oh = wy.length / 3;
  const ow = wx.length / 3;
  const dx = alloc(planes * h * w, dy);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = wy[3 * oy], y1 = wy[3 * oy + 1];
      for (let ox = 0; ox < ow; ox++, q++) {
        const x0 = wx[3 * ox], x1 = wx[3 * ox + 1];
        if (y0 >= y1 || x0 >= x1) continue;
        const div = padded ? wy[3 * oy + 2] * wx[3 * ox + 2] : (y1 - y0) * (x1 - x0);
        const d = dy[q] / div;
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) dx[base + iy * w + ix] += d;
      }
    }
  }
  return dx;
}

/** Mean over each window; the divisor counts the zero padding when countIncludePad (PyTorch's default). */
export function avgPool2d(x: FloatArray, g: Pool2dGeometry, countIncludePad: boolean): FloatArray {
  const wy = avgWindows(g.oh, g.sh, g.ph, g.kh, g.h);
  const wx = avgWindows(g.ow, g.sw, g.pw, g.kw, g.w);
  return windowMeans(x, g.planes, g.h, g.w, wy, wx, countIncludePad);
}

/** ∂L/∂x of average pooling: each δ / divisor added to every input of its window. */
export function avgPool2dGrad(dy: FloatArray, g: Pool2dGeometry, countIncludePad: boolean): FloatArray {
  const wy = avgWindows(g.oh, g.sh, g.ph, g.kh, g.h);
  const wx = avgWindows(g.ow, g.sw, g.pw, g.kw, g.w);
  return windowMeansGrad(dy, g.planes, g.h, g.w, wy, wx, countIncludePad);
}

/** Adaptive average pooling of [planes, h, w] to [planes, oh, ow]. */
export function adaptiveAvgPool2d(x: FloatArray, planes: number, h: number, w: number, oh: number, ow: number): FloatArray {
  return windowMeans(x, planes, h, w, adaptiveWindows(oh, h), adaptiveWindows(ow, w), true);
}

/** ∂L/∂x of adaptive average pooling: each δ spread evenly over its window. */
export function adaptiveAvgPool2dGrad(dy: FloatArray, planes: number, h: number, w: number, oh: number, ow: number): FloatArray {
  return windowMeansGrad(dy, planes, h, w, adaptiveWindows(oh, h), adaptiveWindows(ow, w), true);
}
