/**
 * Data is checked before training: tensors x and y with as many rows, at least one row, and
 * only finite numbers. A NaN in the data would otherwise surface later as a "diverged" loss
 * with learning-rate advice that cannot help.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { XY } from './types.js';

/** Throws a ValueError naming `what` (e.g. 'data.x') at the first NaN/±Inf of t. */
export function checkFinite(t: Tensor, what: string): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const row = t.ndim > 0 && t.shape[0] > 0 ? Math.floor(i / (t.size / t.shape[0])) : 0;
      throw new ValueError(`${what} contains ${d[i]} (row ${row}, element ${i} of ${fmtShape(t.shape)}); clean the data or drop such rows before training`);
    }
  }
}

/** Checks that `data` is {x, y} tensors with the same number (≥ 1) of rows and finite values; `what` names it. */
export function checkData(data: unknown, what: string): asserts data is XY {
  const d = data as Partial<XY> | null;
  if (d === null || typeof d !== 'object' || !(d.x instanceof Tensor) || !(d.y instanceof Tensor)) {
    throw new ValueError(`${what} needs tensors x and y`);
  }
  if (d.x.ndim === 0 || d.y.ndim === 0 || d.x.shape[0] !== d.y.shape[0]) {
    throw new ShapeError(`${what}: x of shape ${fmtShape(d.x.shape)} and y of shape ${fmtShape(d.y.shape)} must have the same number of samples (first axis)`);
  }
  if (d.x.shape[0] === 0) throw new ValueError(`${what} has no rows (x of shape ${fmtShape(d.x.shape)}): there is nothing to train or evaluate on`);
  checkFinite(d.x, `${what}.x`);
  checkFinite(d.y, `${what}.y`);
}
