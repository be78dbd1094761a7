/**
 * Which axes a reduction runs over, and how the reduction kernels see them: the tensor as an
 * [outer, n, inner] block whose middle axis is reduced. Contiguous axes ([1, 2] of a 4-D
 * tensor) need no copy; others are first permuted to the end (kept axes first, in order).
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../kernels/types.js';
import { normalizeAxis, sizeOf, splitAt } from '../tensor/shape.js';

/** One axis or a list of axes (negative counts from the end; an empty list means every axis, as PyTorch). */
export type Axes = number | readonly number[];

/** How one reduction lays out its input for the kernels. */
export interface AxesPlan {
  /** The reduced axes, 0 … ndim−1, ascending; null when every axis is reduced. */
  readonly axes: readonly number[] | null;
  /** Permutation putting the kept axes first and the reduced ones last, or null when no copy is needed. */
  readonly perm: readonly number[] | null;
  readonly outer: number;
  /** Number of elements reduced into each output element. */
  readonly n: number;
  readonly inner: number;
  /** Output shape: reduced axes dropped, or kept with size 1 under keepdims. */
  readonly outShape: readonly number[];
}

/** The reduced axes of `axis` (undefined or [] = all), normalised, ascending; throws on bad or repeated axes. */
function reducedAxes(shape: readonly number[], axis: Axes | undefined, op: string): number[] {
  const ndim = shape.length;
  const all = Array.from({ length: ndim }, (_, i) => i);
  if (axis === undefined) return all;
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list) || list.some((a) => typeof a !== 'number')) {
    throw new ShapeError(`${op}: axis must be an integer or a list of integers, got ${JSON.stringify(axis) ?? String(axis)}`);
  }
  if (list.length === 0) return all;
  const seen = new Set<number>();
  for (const a of list) {
    const ax = normalizeAxis(a, ndim, op);
    if (seen.has(ax)) throw new ShapeError(`${op}: axis ${ax} appears more than once in axes ${fmtShape(list)} (shape ${fmtShape(shape)})`);
    seen.add(ax);
  }
  return ndim === 0 ? [] : [...seen].sort((p, q) => p - q);
}

/** Plans reducing `shape` over `axis` (undefined: all axes); `op` names the caller in errors. */
export function planAxes(shape: readonly number[], axis: Axes | undefined, keepdims: boolean, op: string): AxesPlan {
  if (typeof keepdims !== 'boolean') throw new ValueError(`${op}: keepdims must be true or false, got ${String(keepdims)}`);
  // The common cases (every axis, one axis) are planned without building sets and lists.
  if (axis === undefined) return planAll(shape, keepdims);
  if (typeof axis === 'number' && shape.length > 0) return planOne(shape, normalizeAxis(axis, shape.length, op), keepdims);
  return planList(shape, reducedAxes(shape, axis, op), keepdims);
}

/** Every axis reduced: one block of all the elements. */
function planAll(shape: readonly number[], keepdims: boolean): AxesPlan {
  return { axes: null, perm: null, outer: 1, n: sizeOf(shape), inner: 1, outShape: keepdims ? shape.map(() => 1) : [] };
}

/** One axis reduced: the tensor seen as [outer, n, inner] around it. */
function planOne(shape: readonly number[], ax: number, keepdims: boolean): AxesPlan {
  if (shape.length === 1) return planAll(shape, keepdims);
  const [outer, n, inner] = splitAt(shape, ax);
  const outShape = keepdims ? shape.map((d, i) => (i === ax ? 1 : d)) : shape.filter((_, i) => i !== ax);
  return { axes: [ax], perm: null, outer, n, inner, outShape };
}

/** Reduced axes given as a list (ascending, checked). */
function planList(shape: readonly number[], axes: readonly number[], keepdims: boolean): AxesPlan {
  const reduced = new Set(axes);
  const kept = shape.map((_, i) => i).filter((i) => !reduced.has(i));
  const outShape = keepdims ? shape.map((d, i) => (reduced.has(i) ? 1 : d)) : kept.map((i) => shape[i]);
  const prod = (ix: readonly number[]) => ix.reduce((acc, i) => acc * shape[i], 1);
  const n = prod(axes);
  const allAxes = axes.length === shape.length ? null : axes;
  if (axes.every((a, i) => a === axes[0] + i)) {
    // Contiguous axes: no copy, the tensor is already an [outer, n, inner] block.
    const first = axes.length > 0 ? axes[0] : shape.length;
    return { axes: allAxes, perm: null, outer: prod(kept.filter((i) => i < first)), n, inner: prod(kept.filter((i) => i > first)), outShape };
  }
  return { axes: allAxes, perm: [...kept, ...axes], outer: prod(kept), n, inner: 1, outShape };
}

/** x laid out as the plan's [outer, n, inner] block (a permuted copy when the axes are not contiguous). */
export function toBlock(x: FloatArray, shape: readonly number[], plan: AxesPlan): FloatArray {
  return plan.perm ? kernels.permute(x, shape, plan.perm) : x;
}

/** A gradient in the plan's block layout brought back to the input's layout (the inverse permutation). */
export function fromBlock(g: FloatArray, shape: readonly number[], plan: AxesPlan): FloatArray {
  const perm = plan.perm;
  if (!perm) return g;
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => { inverse[p] = i; });
  return kernels.permute(g, perm.map((p) => shape[p]), inverse);
}
