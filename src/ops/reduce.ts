/** Reductions — sum, mean, max, min, logsumexp — over all elements, one axis or a list of axes, with keepdims. */
import { kernels } from '../kernels/backend.js';
import { record, noGrad } from '../autograd/graph.js';
import { normalizeAxis, splitAt } from '../tensor/shape.js';
import { ShapeError, fmtShape } from '../errors.js';
import { Tensor, allocLike, checkTensor } from '../tensor/tensor.js';
import type { FloatArray } from '../kernels/types.js';
import { add, log, exp, sub, mul } from './arith.js';
import { reshape } from './shape.js';
import { planAxes, toBlock, fromBlock, type Axes, type AxesPlan } from './axes.js';
import { checkArgCount } from './args.js';

export type { Axes } from './axes.js';

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

/**
 * Sum of all elements, or over `axis`: one axis or a list (`sum(x, [0, 2])`; negative axes count
 * from the end; a repeated or out-of-range axis is a ShapeError). keepdims keeps reduced axes as size 1.
 */
export function sum(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  checkTensor(x, 'sum');
  checkArgCount('sum', 3, arguments.length);
  return sumPlanned(x, planAxes(x.shape, axis, keepdims, 'sum'), keepdims);
}

/** The sum of x as planned (one graph node recording the axes). */
function sumPlanned(x: Tensor, plan: AxesPlan, keepdims: boolean): Tensor {
  const { outer, n, inner } = plan;
  const y = new Tensor(kernels.sumAxis(toBlock(x.data, x.shape, plan), outer, n, inner), plan.outShape);
  return record(y, 'sum', [x], (dy) => [spread(dy, x, plan)], { axes: plan.axes, keepdims });
}

/** The backward of a planned sum: each output's gradient copied to every element summed into it. */
function spread(dy: FloatArray, x: Tensor, plan: AxesPlan): FloatArray {
  if (plan.outer * plan.inner === 1) return allocLike(x, x.size).fill(dy[0]); // one output: a plain fill
  return fromBlock(kernels.expandAxis(dy, plan.outer, plan.n, plan.inner), x.shape, plan);
}

/** Mean of all elements, or over `axis` (one axis or a list, as sum). */
export function mean(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  checkTensor(x, 'mean');
  checkArgCount('mean', 3, arguments.length);
  const plan = planAxes(x.shape, axis, keepdims, 'mean');
  return mul(sumPlanned(x, plan, keepdims), 1 / plan.n);
}

function extreme(x: Tensor, axis: Axes | undefined, keepdims: boolean, wantMax: boolean): Tensor {
  const op = wantMax ? 'max' : 'min';
  const plan = planAxes(x.shape, axis, keepdims, op);
  const { outer, n, inner } = plan;
  if (n === 0) checkNonEmpty(0, op, x.shape, typeof axis === 'number' ? normalizeAxis(axis, x.ndim, op) : undefined);
  const { values, indices } = kernels.extremeAxis(toBlock(x.data, x.shape, plan), outer, n, inner, wantMax);
  const y = new Tensor(values, plan.outShape);
  // The gradient flows only to the (first, in row-major order) element that was the extreme.
  return record(y, op, [x], (dy) => [fromBlock(kernels.scatterAxis(dy, indices, outer, n, inner), x.shape, plan)], { axes: plan.axes, keepdims });
}

/** Largest element overall or over `axis` (one axis or a list); the gradient goes to the first maximal element. */
export function max(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  checkTensor(x, 'max');
  checkArgCount('max', 3, arguments.length);
  return extreme(x, axis, keepdims, true);
}

/** Smallest element overall or over `axis` (one axis or a list); the gradient goes to the first minimal element. */
export function min(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  checkTensor(x, 'min');
  checkArgCount('min', 3, arguments.length);
  return extreme(x, axis, keepdims, false);
}

/** Index of the largest element along `axis` (overall when omitted, on the flattened tensor); not differentiable. */
export function argmax(x: Tensor, axis?: number, keepdims = false): Tensor {
  checkTensor(x, 'argmax');
  checkArgCount('argmax', 3, arguments.length);
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
 * log Σ e^x overall or over `axis` (one axis or a list), computed stably as m + log Σ e^(x−m)
 * with m the max. A composition of primitives, so its backward (softmax weights) comes for free.
 */
export function logsumexp(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  checkTensor(x, 'logsumexp');
  checkArgCount('logsumexp', 3, arguments.length);
  const { outShape } = planAxes(x.shape, axis, keepdims, 'logsumexp');
  // m is a constant shift: the gradient through it cancels, so it is taken detached.
  const m = noGrad(() => max(x, axis, true));
  const finite = m.data.map((v) => (Number.isFinite(v) ? v : 0));
  const shift = new Tensor(finite, m.shape);
  const lse = add(log(sum(exp(sub(x, shift)), axis, true)), shift);
  return keepdims ? lse : reshape(lse, outShape);
}
