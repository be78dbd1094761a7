/** What the losses share: the reduction of per-sample values, and matching a target to an output. */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import * as ops from '../ops/index.js';

/** How per-sample (or per-element) losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options shared by the losses. */
export interface LossOptions {
  reduction?: Reduction;
}

/** Combines per-sample losses as `reduction` says (default 'mean'); `op` names the loss in errors. */
export function reduce(x: Tensor, reduction: Reduction | undefined, op: string): Tensor {
  switch (reduction ?? 'mean') {
    case 'mean': return ops.mean(x);
    case 'sum': return ops.sum(x);
    case 'none': return x;
    default: throw new ConfigError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

/**
 * Checks output and target agree in shape. A column target [N] against an output [N, 1] (or
 * the reverse) is reshaped to the output's shape, as Keras does: toy data and loaders give
 * labels as [N] while a single-output network gives [N, 1].
 */
export function matchTarget(y: Tensor, d: Tensor, op: string): Tensor {
  if (!(y instanceof Tensor) || !(d instanceof Tensor)) throw new ValueError(`${op}: output and target must be Tensors`);
  if (sameShape(y.shape, d.shape)) return d;
  const squeeze = (s: readonly number[]) => (s.length === 2 && s[1] === 1 ? [s[0]] : s);
  if (y.size === d.size && sameShape(squeeze(y.shape), squeeze(d.shape))) return ops.reshape(d, y.shape);
  const hint = d.ndim === 1 && y.ndim === 2 && y.shape[1] > 1 && y.shape[0] === d.shape[0]
    ? " (the target looks like class labels: use the 'crossEntropy' loss, or oneHot() the labels)" : '';
  throw new ShapeError(`${op}: output of shape ${fmtShape(y.shape)} and target of shape ${fmtShape(d.shape)} differ${hint}`);
}
