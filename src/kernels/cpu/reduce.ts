/**
 * Reductions over one axis, seen as a [outer, n, inner] block, and the softmax family,
 * which reduces and maps in one pass for numerical stability.
 */
import { alloc, type FloatArray } from '../types.js';

/** Sum of all elements, accumulated in float64. */
export function sumAll(x: FloatArray): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/** Sums x viewed as [outer, n, inner] over its middle axis, giving [outer, inner]. */
export function sumAxis(x: FloatArray, outer: number, n: number, inner: number): FloatArray {
  const out = alloc(outer * inner, x);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * n;
      for (let j = 0; j < n; j++) s += x[base + j];
      out[o] = s;
    }
    return out;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let j = 0; j < n; j++) {
      const base = (o * n + j) * inner;
      for (let k = 0; k < inner; k++) acc[k] += x[base + k];
    }
    for (let k = 0; k < inner; k++) out[o * inner + k] = acc[k];
  }
  return out;
}

/** Repeats g of [outer, inner] n times along a new middle axis: the backward of sumAxis. */
export function expandAxis(g: FloatArray, outer: number, n: number, inner: number): FloatArray {
  const out = alloc(outer * n * inner, g);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const dst = (o * n + j) * inner;
      const src = o * inner;
      for (let k = 0; k < inner; k++) out[dst + k] = g[src + k];
    }
  }
  return out;
}

/**
 * Max (or min) of x viewed as [outer, n, inner] over the middle axis, with the position
 * of the first extreme element (the backward routes the gradient there). NaN wins, as in PyTorch.
 */
export function extremeAxis(
  x: FloatArray, outer: number, n: number, inner: number, wantMax: boolean,
): { values: FloatArray; indices: Int32Array } {
  const values = alloc(outer * inner, x);
  const indices = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const base = o * n * inner + k;
      let best = x[base];
      let bi = 0;
      for (let j = 1; j < n && best === best; j++) {
        const v = x[base + j * inner];
        if (v !== v || (wantMax ? v > best : v < best)) { best = v; bi = j; }
      }
      values[o * inner + k] = best;
      indices[o * inner + k] = bi;
    }
  }
  return { values, indices };
}

/** Scatters g of [outer, inner] to the recorded positions of a [outer, n, inner] block. */
export function scatterAxis(g: FloatArray, indices: Int32Array, outer: number, n: number, inner: number): FloatArray {
  const out = alloc(outer * n * inner, g);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const j = indices[o * inner + k];
      out[o * n * inner + j * inner + k] = g[o * inner + k];
    }
  }
  return out;
}

/**
 * Softmax (or log-softmax) of x viewed as [outer, n, inner] along the middle axis,
 * stable for any logits: the largest logit is subtracted before exponentiating.
 */
export function softmax(x: FloatArray, outer: number, n: number, inner: number, log: boolean): FloatArray {
  const y = alloc(x.length, x);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const base = o * n * inner + k;
      let m = -Infinity;
      for (let j = 0; j < n; j++) { const v = x[base + j * inner]; if (v > m || v !== v) m = v; }
      if (m === -Infinity) m = 0; // all −∞: avoid −∞ − (−∞) = NaN
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(x[base + j * inner] - m);
      if (log) {
        const lse = m + Math.log(s);
        for (let j = 0; j < n; j++) y[base + j * inner] = x[base + j * inner] - lse;
      } else {
        const inv = 1 / s;
        for (let j = 0; j < n; j++) y[base + j * inner] = Math.exp(x[base + j * inner] - m) * inv;
      }
    }
  }
  return y;
}

/**
 * Backward of softmax along the middle axis: dz = y ⊙ (dy − Σ_j dy_j y_j), the softmax
 * Jacobian applied without forming it. For log-softmax: dz = dy − softmax(z)·Σ_j dy_j.
 */
export function softmaxGrad(dy: FloatArray, y: FloatArray, outer: number, n: number, inner: number, log: boolean): FloatArray {
  const dz = alloc(dy.length, dy);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const base = o * n * inner + k;
      let s = 0;
      if (log) {
        for (let j = 0; j < n; j++) s += dy[base + j * inner];
        for (let j = 0; j < n; j++) { const p = base + j * inner; dz[p] = dy[p] - Math.exp(y[p]) * s; }
      } else {
        for (let j = 0; j < n; j++) { const p = base + j * inner; s += dy[p] * y[p]; }
        for (let j = 0; j < n; j++) { const p = base + j * inner; dz[p] = y[p] * (dy[p] - s); }
      }
    }
  }
  return dz;
}
