/**
 * Ops that rearrange elements without arithmetic: reshape, transpose/permute, slice,
 * indexSelect/gather, concat/stack, clone. Their backward moves the gradient back.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import { record } from '../autograd/graph.js';
import { checkShape, normalizeAxis, sizeOf, splitAt, sameShape } from '../tensor/shape.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { checkArgCount } from './args.js';

/** The same elements in a new shape; one size may be −1 (inferred). Shares storage. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'reshape');
  checkArgCount('reshape', 2, arguments.length);
  if (!Array.isArray(shape)) throw new ShapeError(`reshape: shape must be an array, got ${String(shape)}`);
  const s = shape.slice();
  const unknown = s.indexOf(-1);
  if (unknown !== -1) {
    if (s.indexOf(-1, unknown + 1) !== -1) throw new ShapeError(`reshape: only one size can be −1, got ${fmtShape(shape)}`);
    const known = s.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
    }
    s[unknown] = x.size / known;
  }
  checkShape(s, 'reshape');
  if (sizeOf(s) !== x.size) {
    throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)} (${sizeOf(s)} elements)`);
  }
  if (sameShape(s, x.shape)) return x;
  const y = new Tensor(x.data, s);
  return record(y, 'reshape', [x], (dy) => [dy], { shape: s });
}

/** Flattens axes start…end into one (default: all axes, as torch.flatten; nn's Flatten keeps the batch axis). */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  checkTensor(x, 'flatten');
  checkArgCount('flatten', 3, arguments.length);
  if (x.ndim === 0) return reshape(x, [1]);
  const a = normalizeAxis(start, x.ndim, 'flatten');
  const b = normalizeAxis(end, x.ndim, 'flatten');
  if (a > b) throw new ShapeError(`flatten: start axis ${start} comes after end axis ${end} for shape ${fmtShape(x.shape)}`);
  const mid = x.shape.slice(a, b + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, a), mid, ...x.shape.slice(b + 1)]);
}

/** Inserts an axis of size 1 at `axis`. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor(x, 'unsqueeze');
  checkArgCount('unsqueeze', 2, arguments.length);
  const ax = normalizeAxis(axis, x.ndim + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]);
}

/** Removes axes of size 1 (only `axis` when given). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  checkTensor(x, 'squeeze');
  checkArgCount('squeeze', 2, arguments.length);
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const ax = normalizeAxis(axis, x.ndim, 'squeeze');
  if (x.ndim === 0 || x.shape[ax] !== 1) return x;
  return reshape(x, x.shape.filter((_, i) => i !== ax));
}

/** Reorders axes: output axis i is input axis perm[i]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  checkTensor(x, 'permute');
  checkArgCount('permute', 2, arguments.length);
  if (!Array.isArray(perm) || perm.length !== x.ndim) {
    throw new ShapeError(`permute: need one entry per axis of ${fmtShape(x.shape)}, got [${String(perm)}]`);
  }
  const p = perm.map((a) => normalizeAxis(a, x.ndim, 'permute'));
  if (new Set(p).size !== p.length) throw new ShapeError(`permute: [${perm.join(', ')}] repeats an axis`);
  if (p.every((a, i) => a === i)) return x;
  const shape = p.map((a) => x.shape[a]);
  const y = new Tensor(kernels.permute(x.data, x.shape, p), shape);
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => (inverse[a] = i));
  return record(y, 'permute', [x], (dy) => [kernels.permute(dy, shape, inverse)], { perm: p });
}

/** Swaps two axes (default the last two: the matrix transpose). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  checkTensor(x, 'transpose');
  checkArgCount('transpose', 3, arguments.length);
  if (x.ndim < 2 && axis0 === -2 && axis1 === -1) return x;
  const a = normalizeAxis(axis0, x.ndim, 'transpose');
  const b = normalizeAxis(axis1, x.ndim, 'transpose');
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Elements start…end−1 along `axis` (default the first: a batch of rows); negative bounds count from the end. */
export function slice(x: Tensor, start: number, end?: number, axis = 0): Tensor {
  checkTensor(x, 'slice');
  checkArgCount('slice', 4, arguments.length);
  if (x.ndim === 0) throw new ShapeError('slice: cannot slice a scalar (shape [])');
  const ax = normalizeAxis(axis, x.ndim, 'slice');
  const len = x.shape[ax];
  const norm = (v: number, name: string): number => {
    if (!Number.isInteger(v)) throw new ValueError(`slice: ${name} must be a whole number, got ${v}`);
    return Math.min(Math.max(v < 0 ? v + len : v, 0), len);
  };
  const s = norm(start, 'start');
  const e = Math.max(s, norm(end ?? len, 'end'));
  const [outer, n, inner] = splitAt(x.shape, ax);
  const shape = x.shape.map((d, i) => (i === ax ? e - s : d));
  const y = new Tensor(kernels.sliceAxis(x.data, outer, n, inner, s, e), shape);
  return record(y, 'slice', [x], (dy) => [kernels.unsliceAxis(dy, outer, n, inner, s, e)], { axis: ax, start: s, end: e });
}

/** Checks and converts indices (numbers, an Int32Array or a Tensor of whole numbers) within [0, n). */
function toIndex(indices: readonly number[] | Int32Array | Tensor, n: number, op: string): Int32Array {
  const src = indices instanceof Tensor ? indices.data : indices;
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError(`${op}: index ${String(v)} at position ${i} is not a whole number`);
    const w = v < 0 ? v + n : v;
    if (w < 0 || w >= n) throw new ShapeError(`${op}: index ${v} at position ${i} is out of range for an axis of size ${n}`);
    out[i] = w;
  }
  return out;
}

/** Picks entries along `axis` by integer indices (e.g. rows of a batch): x[..., indices, ...]. */
export function indexSelect(x: Tensor, axis: number, indices: readonly number[] | Int32Array | Tensor): Tensor {
  checkTensor(x, 'indexSelect');
  checkArgCount('indexSelect', 3, arguments.length);
  const ax = normalizeAxis(axis, x.ndim, 'indexSelect');
  const [outer, n, inner] = splitAt(x.shape, ax);
  const idx = toIndex(indices, n, 'indexSelect');
  const shape = x.shape.map((d, i) => (i === ax ? idx.length : d));
  const y = new Tensor(kernels.indexSelect(x.data, outer, n, inner, idx), shape);
  // An index used twice receives the sum of both gradients.
  return record(y, 'indexSelect', [x], (dy) => [kernels.indexAdd(dy, outer, n, inner, idx)], { axis: ax, indices: Array.from(idx) });
}

/**
 * PyTorch's gather: out[i][j][k] = x[i][index[i][j][k]][k] for axis 1, and so on; `index` has
 * the rank of x and the same sizes except along `axis`.
 */
export function gather(x: Tensor, axis: number, index: Tensor | readonly number[]): Tensor {
  checkTensor(x, 'gather');
  checkArgCount('gather', 3, arguments.length);
  const ax = normalizeAxis(axis, x.ndim, 'gather');
  const idxShape = index instanceof Tensor ? index.shape : [index.length];
  if (idxShape.length !== x.ndim || idxShape.some((d, i) => i !== ax && d !== x.shape[i])) {
    throw new ShapeError(`gather: index of shape ${fmtShape(idxShape)} must match input ${fmtShape(x.shape)} on every axis but ${ax}`);
  }
  const [outer, n, inner] = splitAt(x.shape, ax);
  const m = idxShape[ax];
  const idx = toIndex(index instanceof Tensor ? index : index.slice(), n, 'gather');
  const y = new Tensor(kernels.gather(x.data, outer, n, inner, idx, m), idxShape);
  return record(y, 'gather', [x], (dy) => [kernels.scatterAdd(dy, outer, n, inner, idx, m)], { axis: ax, index: Array.from(idx) });
}

/** Joins tensors along an existing axis; all other sizes must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs as unknown) || xs.length === 0) throw new ShapeError('concat: need a non-empty list of tensors');
  checkArgCount('concat', 2, arguments.length);
  xs = xs.map((x, i) => checkTensor(x, 'concat', `element ${i}`)); // our own copy: the graph keeps it
  const first = xs[0];
  const ax = normalizeAxis(axis, first.ndim, 'concat');
  for (const [t, x] of xs.entries()) {
    if (x.ndim !== first.ndim || x.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(`concat: tensor ${t} has shape ${fmtShape(x.shape)}, which does not match ${fmtShape(first.shape)} outside axis ${ax}`);
    }
  }
  const [outer, , inner] = splitAt(first.shape, ax);
  const ns = xs.map((x) => x.shape[ax]);
  const total = ns.reduce((a, b) => a + b, 0);
  const shape = first.shape.map((d, i) => (i === ax ? total : d));
  const y = new Tensor(kernels.concat(xs.map((x) => x.data), outer, ns, inner), shape);
  const starts = ns.map((_, i) => ns.slice(0, i).reduce((a, b) => a + b, 0));
  return record(y, 'concat', xs, (dy) => xs.map((x, i) => (x.requiresGrad ? kernels.sliceAxis(dy, outer, total, inner, starts[i], starts[i] + ns[i]) : null)), { axis: ax });
}

/** Stacks same-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs as unknown) || xs.length === 0) throw new ShapeError('stack: need a non-empty list of tensors');
  checkArgCount('stack', 2, arguments.length);
  xs.forEach((x, i) => checkTensor(x, 'stack', `element ${i}`));
  const first = xs[0];
  for (const [t, x] of xs.entries()) {
    if (!sameShape(x.shape, first.shape)) throw new ShapeError(`stack: tensor ${t} has shape ${fmtShape(x.shape)}, tensor 0 has ${fmtShape(first.shape)}`);
  }
  const ax = normalizeAxis(axis, first.ndim + 1, 'stack');
  return concat(xs.map((x) => unsqueeze(x, ax)), ax);
}

/** A copy with its own storage; gradients flow through to the original. */
export function clone(x: Tensor): Tensor {
  checkTensor(x, 'clone');
  checkArgCount('clone', 1, arguments.length);
  const y = new Tensor(x.data.slice(), x.shape);
  return record(y, 'clone', [x], (dy) => [dy]);
}

/** Repeats x along axes of size 1 (and new leading axes) to `shape`, NumPy style. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'broadcastTo');
  checkArgCount('broadcastTo', 2, arguments.length);
  const s = checkShape(shape, 'broadcastTo');
  const off = s.length - x.ndim;
  if (off < 0 || x.shape.some((d, i) => d !== 1 && d !== s[i + off])) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${fmtShape(x.shape)} to ${fmtShape(s)}`);
  }
  if (sameShape(s, x.shape)) return x;
  const y = new Tensor(kernels.broadcastTo(x.data, x.shape, s), s);
  return record(y, 'broadcastTo', [x], (dy) => [kernels.sumToShape(dy, s, x.shape)], { shape: s });
}
