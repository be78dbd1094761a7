/** Kernels that move data without arithmetic: permutations, slices, gathers, concatenation. */
import { alloc, span, type FloatArray } from '../types.js';
import { stridesOf } from './elementwise.js';

/** Copies x of `shape` into the axis order `perm` (out axis i = in axis perm[i]). */
export function permute(x: FloatArray, shape: readonly number[], perm: readonly number[]): FloatArray {
  const nd = shape.length;
  const out = alloc(x.length, x);
  if (x.length === 0) return out;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const st = perm.map((p) => inStrides[p]); // input stride for each output axis
  if (nd === 2 && perm[0] === 1) {
    // Plain 2-D transpose, in tiles so both sides stay in cache.
    const r = shape[0];
    const c = shape[1];
    const T = 32;
    for (let i0 = 0; i0 < r; i0 += T) {
      const i1 = Math.min(i0 + T, r);
      for (let j0 = 0; j0 < c; j0 += T) {
        const j1 = Math.min(j0 + T, c);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * r + i] = x[i * c + j];
      }
    }
    return out;
  }
  const inner = outShape[nd - 1];
  const si = st[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let p = 0;
  for (let o = 0; o < out.length; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = x[p + j * si];
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      p += st[d];
      if (idx[d] < outShape[d]) break;
      p -= st[d] * idx[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Copies rows [start, end) of x viewed as [outer, n, inner] along the middle axis. */
export function sliceAxis(x: FloatArray, outer: number, n: number, inner: number, start: number, end: number): FloatArray {
  const m = end - start;
  if (outer === 1) return x.slice(start * inner, end * inner);
  const out = alloc(outer * m * inner, x);
  for (let o = 0; o < outer; o++) out.set(span(x, (o * n + start) * inner, (o * n + end) * inner), o * m * inner);
  return out;
}

/** Writes g of [outer, end−start, inner] into a zero [outer, n, inner] block: backward of sliceAxis. */
export function unsliceAxis(g: FloatArray, outer: number, n: number, inner: number, start: number, end: number): FloatArray {
  const m = end - start;
  const out = alloc(outer * n * inner, g);
  for (let o = 0; o < outer; o++) out.set(span(g, o * m * inner, (o + 1) * m * inner), (o * n + start) * inner);
  return out;
}

/** Selects entries `index` along the middle axis of x viewed as [outer, n, inner]. */
export function indexSelect(x: FloatArray, outer: number, n: number, inner: number, index: Int32Array): FloatArray {
  const m = index.length;
  const out = alloc(outer * m * inner, x);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * n + index[j]) * inner;
      out.set(span(x, src, src + inner), (o * m + j) * inner);
    }
  }
  return out;
}

/** Adds g of [outer, m, inner] into a zero [outer, n, inner] block at `index`: backward of indexSelect. */
export function indexAdd(g: FloatArray, outer: number, n: number, inner: number, index: Int32Array): FloatArray {
  const m = index.length;
  const out = alloc(outer * n * inner, g);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * n + index[j]) * inner;
      const src = (o * m + j) * inner;
      for (let k = 0; k < inner; k++) out[dst + k] += g[src + k];
    }
  }
  return out;
}

/**
 * Picks x[o, index[o, j, k], k] for every (o, j, k): PyTorch's gather along the middle axis,
 * with x viewed as [outer, n, inner] and index as [outer, m, inner].
 */
export function gather(x: FloatArray, outer: number, n: number, inner: number, index: Int32Array, m: number): FloatArray {
  const out = alloc(outer * m * inner, x);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < inner; k++) {
        const q = (o * m + j) * inner + k;
        out[q] = x[(o * n + index[q]) * inner + k];
      }
    }
  }
  return out;
}

/** Adds g back to the gathered positions of a zero [outer, n, inner] block: backward of gather. */
export function scatterAdd(g: FloatArray, outer: number, n: number, inner: number, index: Int32Array, m: number): FloatArray {
  const out = alloc(outer * n * inner, g);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < inner; k++) {
        const q = (o * m + j) * inner + k;
        out[(o * n + index[q]) * inner + k] += g[q];
      }
    }
  }
  return out;
}

/** Joins blocks [outer, n_i, inner] along the middle axis. */
export function concat(xs: readonly FloatArray[], outer: number, ns: readonly number[], inner: number): FloatArray {
  const total = ns.reduce((a, b) => a + b, 0);
  // float64 if any input is (inside gradcheck a float32 constant may come first)
  const out = alloc(outer * total * inner, xs.find((x) => x instanceof Float64Array) ?? xs[0]);
  for (let o = 0; o < outer; o++) {
    let off = 0;
    for (let t = 0; t < xs.length; t++) {
      const len = ns[t] * inner;
      out.set(span(xs[t], o * len, (o + 1) * len), (o * total + off) * inner);
      off += ns[t];
    }
  }
  return out;
}
