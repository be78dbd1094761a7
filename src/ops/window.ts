/**
 * Arguments shared by the sliding-window ops (convolution, pooling): a size given as one integer
 * for every spatial axis or one per axis, checked and named in errors.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** One integer for every spatial axis, or one per axis ([h, w] in 2-D). */
export type IntOrTuple = number | readonly number[];

/** `v` as `dims` integers, each ≥ `min`; a ValueError naming `op` and `name` otherwise. */
export function intTuple(op: string, name: string, v: unknown, dims: number, min: number): number[] {
  const list: unknown[] = typeof v === 'number' ? new Array<number>(dims).fill(v) : Array.isArray(v) ? v : [v];
  const what = dims === 1 ? 'an integer' : `an integer or a list of ${dims} integers`;
  if (list.length !== dims || !list.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= min)) {
    throw new ValueError(`${op}: ${name} must be ${what} ≥ ${min}, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return list as number[];
}

/** Throws a ShapeError unless x has `ndim` axes, naming the layout the op expects. */
export function checkRank(op: string, x: Tensor, ndim: number, layout: string): void {
  if (x.ndim !== ndim) throw new ShapeError(`${op}: input must be ${ndim}-D ${layout}, got shape ${fmtShape(x.shape)}`);
}

/** Throws a ValueError unless `opts` is undefined or an object whose keys are all in `allowed`. */
export function checkOptions(op: string, opts: unknown, allowed: readonly string[]): void {
  if (opts === undefined) return;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new ValueError(`${op}: options must be an object, got ${Array.isArray(opts) ? 'an array' : String(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) throw new ValueError(`${op}: unknown option '${key}'; options are ${allowed.join(', ')}`);
  }
}
