/** Reductions — sum, mean, max, min, logsumexp — over all elements or one axis, with keepdims. */
import { kernels } from '../kernels/backend.js';
import { record, noGrad } from '../autograd/graph.js';
import { normalizeAxis, splitAt } from '../tensor/shape.js';
import { ShapeError, fmtShape } from '../errors.js';
import { Tensor, allocLike, checkTensor } from '../tensor/tensor.js';
import { add, log, exp, sub, mul } from './arith.js';
import { reshape } from './shape.js';

/**
 * A 0-d tensor reduced along axis 0 or −1 (as PyTorch allows): the op applied to it viewed as
 * [1], then viewed as [] again. Null when x is not 0-d or no axis is given.
 */
function scalarAlongAxis(x: Tensor, axis: number | undefined, op: string, f: (v: Tensor) => Tensor): Tensor | null {
  if (x.ndim !== 0 || axis === undefined) return null;
  normalizeAxis(axis, 0, op);
  return reshape(f(reshape(x, [1])), []);
}

/** Throws when reducing an axis (or a tensor) of size 0, which has no max/min/argmax. */
function checkNonEmpty(n: number, op: string, shape: readonly number[], axis?: number): void {
  if (n === 0) {
    throw new ShapeError(`${op}: cannot take the ${op} of an empty ${axis === undefined ? 'tensor' : `axis ${axis}`} (shape ${fmtShape(shape)})`);
  }
}

/** Shape after reducing `axis` (kept as 1 with keepdims). */
function reducedShape(shape: readonly number[], axis: number, keepdims: boolean): number[] {
  return keepdims ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
}

/** Sum of all elements, or along `axis` (keepdims keeps that axis with size 1). */
export function sum(x: Tensor, axis?: number, keepdims = false): Tensor {
  checkTensor(x, 'sum');
  const s0 = scalarAlongAxis(x, axis, 'sum', (v) => sum(v, 0, keepdims));
  if (s0) return s0;
  if (axis === undefined) {
    const data = allocLike(x, 1);
    data[0] = kernels.sumAll(x.data);
    const y = new Tensor(data, keepdims ? x.shape.map(() => 1) : []);
    return record(y, 'sum', [x], (dy) => {
      const g = allocLike(x, x.size);
      g.fill(dy[0]);
      return [g];
    });
  }
  const ax = normalizeAxis(axis, x.ndim, 'sum');
  const [outer, n, inner] = splitAt(x.shape, ax);
  const y = new Tensor(kernels.sumAxis(x.data, outer, n, inner), reducedShape(x.shape, ax, keepdims));
  return record(y, 'sum', [x], (dy) => [kernels.expandAxis(dy, outer, n, inner)]);
}

/** Mean of all elements, or along `axis`. */
export function mean(x: Tensor, axis?: number, keepdims = false): Tensor {
  checkTensor(x, 'mean');
  const s0 = scalarAlongAxis(x, axis, 'mean', (v) => mean(v, 0, keepdims));
  if (s0) return s0;
  const n = axis === undefined ? x.size : x.shape[normalizeAxis(axis, x.ndim, 'mean')];
  return mul(sum(x, axis, keepdims), 1 / n);
}

function extreme(x: Tensor, axis: number | undefined, keepdims: boolean, wantMax: boolean): Tensor {
  const op = wantMax ? 'max' : 'min';
  const s0 = scalarAlongAxis(x, axis, op, (v) => extreme(v, 0, keepdims, wantMax));
  if (s0) return s0;
  if (axis === undefined) {
    checkNonEmpty(x.size, op, x.shape);
    const { values, indices } = kernels.extremeAxis(x.data, 1, x.size, 1, wantMax);
    const y = new Tensor(values, keepdims ? x.shape.map(() => 1) : []);
    return record(y, op, [x], (dy) => [kernels.scatterAxis(dy, indices, 1, x.size, 1)]);
  }
  const ax = normalizeAxis(axis, x.ndim, op);
  const [outer, n, inner] = splitAt(x.shape, ax);
  checkNonEmpty(n, op, x.shape, ax);
  const { values, indices } = kernels.extremeAxis(x.data, outer, n, inner, wantMax);
  const y = new Tensor(values, reducedShape(x.shape, ax, keepdims));
  // The gradient flows only to the (first) element that was the extreme.
  return record(y, op, [x], (dy) => [kernels.scatterAxis(dy, indices, outer, n, inner)]);
}

/** Largest element overall or along `axis`; the gradient goes to the first maximal element. */
export function max(x: Tensor, axis?: number, keepdims = false): Tensor {
  checkTensor(x, 'max');
  return extreme(x, axis, keepdims, true);
}

/** Smallest element overall or along `axis`; the gradient goes to the first minimal element. */
export function min(x: Tensor, axis?: number, keepdims = false): Tensor {
  checkTensor(x, 'min');
  return extreme(x, axis, keepdims, false);
}

/** Index of the largest element along `axis` (overall when omitted, on the flattened tensor); not differentiable. */
export function argmax(x: Tensor, axis?: number, keepdims = false): Tensor {
  checkTensor(x, 'argmax');
  if (axis === undefined || x.ndim === 0) {
    if (axis !== undefined) normalizeAxis(axis, 0, 'argmax');
    checkNonEmpty(x.size, 'argmax', x.shape);
    const { indices } = kernels.extremeAxis(x.data, 1, x.size, 1, true);
    return new Tensor(Float32Array.from(indices), keepdims ? x.shape.map(() => 1) : []);
  }
  const ax = normalizeAxis(axis, x.ndim, 'argmax');
  const [outer, n, inner] = splitAt(x.shape, ax);
  checkNonEmpty(n, 'argmax', x.shape, ax);
  const { indices } = kernels.extremeAxis(x.data, outer, n, inner, true);
  return new Tensor(Float32Array.from(indices), reducedShape(x.shape, ax, keepdims));
}

/**
 * log Σ e^x overall or along `axis`, computed stably as m + log Σ e^(x−m) with m the max.
 * A composition of primitives, so its backward (softmax weights) comes for free.
 */
export function logsumexp(x: Tensor, axis?: number, keepdims = false): Tensor {
  checkTensor(x, 'logsumexp');
  const s0 = scalarAlongAxis(x, axis, 'logsumexp', (v) => logsumexp(v, 0, keepdims));
  if (s0) return s0;
  // m is a constant shift: the gradient through it cancels, so it is taken detached.
  const m = noGrad(() => max(x, axis, true));
  const finite = m.data.map((v) => (Number.isFinite(v) ? v : 0));
  const shift = new Tensor(finite, m.shape);
  const lse = add(log(sum(exp(sub(x, shift)), axis, true)), shift);
  if (keepdims) return lse;
  const shape = axis === undefined ? [] : reducedShape(x.shape, normalizeAxis(axis, x.ndim, 'logsumexp'), false);
  return reshape(lse, shape);
}
