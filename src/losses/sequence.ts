/**
 * Cross-entropy over the steps of sequences: a decoder's scores s [N, T, V] against the tokens
 * it should have written [N, T]. Padded steps (the ignored index, PAD = 0 by default) add
 * nothing, to the loss or to its gradient; the mean is over the real tokens.
 */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import type { Reduction } from './common.js';

/** Options of sequenceCrossEntropy. */
export interface SequenceCrossEntropyOptions {
  /** Target value of padded steps, left out of the loss (default 0, the PAD token); null counts every step. */
  ignoreIndex?: number | null;
  /** 'mean' over the real tokens (default), 'sum', or 'none': the loss of each step [N, T] (0 at padded steps). */
  reduction?: Reduction;
}

/**
 * −Σ log softmax(s_{n,t})[d_{n,t}] over the real steps, from logits s [N, T, V] and target
 * tokens d [N, T]. The gradient at a real step is (P − Y)/count, and 0 at a padded one.
 */
export function sequenceCrossEntropy(logits: Tensor, target: Tensor, options: SequenceCrossEntropyOptions = {}): Tensor {
  if (!(logits instanceof Tensor) || !(target instanceof Tensor)) throw new ValueError('sequenceCrossEntropy: logits and target must be Tensors');
  if (logits.ndim !== 3) throw new ShapeError(`sequenceCrossEntropy: logits must be [N, T, V], got ${fmtShape(logits.shape)}`);
  const [n, t, v] = logits.shape;
  if (target.ndim !== 2 || target.shape[0] !== n || target.shape[1] !== t) {
    throw new ShapeError(`sequenceCrossEntropy: target must be [N, T] = ${fmtShape([n, t])} for logits ${fmtShape(logits.shape)}, got ${fmtShape(target.shape)}`);
  }
  const ignore = options.ignoreIndex === undefined ? 0 : options.ignoreIndex;
  if (ignore !== null && !Number.isInteger(ignore)) throw new ConfigError(`sequenceCrossEntropy: ignoreIndex must be a whole number or null, got ${String(ignore)}`);
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ConfigError(`sequenceCrossEntropy: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  // Ignored steps pick class 0 (any valid class) with weight 0: they add nothing and get δ = 0.
  const weight = new Float32Array(n * t);
  const classes = new Float32Array(n * t);
  let count = 0;
  for (let i = 0; i < n * t; i++) {
    const d = target.data[i];
    if (ignore !== null && d === ignore) continue;
    if (!Number.isInteger(d) || d < 0 || d >= v) throw new ValueError(`sequenceCrossEntropy: target ${i} (row ${Math.floor(i / t)}, step ${i % t}) is ${d}, but tokens must be whole numbers in [0, ${v - 1}]`);
    weight[i] = 1;
    classes[i] = d;
    count++;
  }
  // −log p of the right token = −s_y + log Σ_j e^{s_j}, through the stable logSoftmax.
  const logP = ops.logSoftmax(ops.reshape(logits, [n * t, v]), 1);
  const picked = ops.reshape(ops.gather(logP, 1, new Tensor(classes, [n * t, 1])), [n * t]);
  const kept = ops.mul(ops.neg(picked), new Tensor(weight, [n * t]));
  if (reduction === 'none') return ops.reshape(kept, [n, t]);
  const total = ops.sum(kept);
  return reduction === 'sum' ? total : ops.div(total, Math.max(count, 1));
}
