/**
 * The divergence of a many-to-many sequence model: the cross-entropy of every step's logits
 * against that step's target, averaged over the steps that are real (not padding). For a
 * character language model its mean is the loss in nats per character.
 */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import type { Reduction } from './common.js';
import { crossEntropy } from './index.js';

/** Options of sequenceCrossEntropy. */
export interface SequenceCrossEntropyOptions {
  /** [N, T] of 0/1: steps with 0 are padding and add nothing to the loss or its gradient. */
  mask?: Tensor;
  /** 'mean' over the real steps (default), 'sum' over them, or 'none': the loss of each step, [N, T] (0 at padding). */
  reduction?: Reduction;
}

/**
 * Cross-entropy −log softmax(s_t)_{y_t} of logits s [N, T, V] against class indices y [N, T],
 * step by step: the [N·T, V] rows go through crossEntropy, so each real step's gradient is
 * (P − Y)/(number of real steps).
 */
export function sequenceCrossEntropy(logits: Tensor, target: Tensor, options: SequenceCrossEntropyOptions = {}): Tensor {
  if (!(logits instanceof Tensor) || !(target instanceof Tensor)) throw new ValueError('sequenceCrossEntropy: logits and target must be Tensors');
  if (logits.ndim !== 3) throw new ShapeError(`sequenceCrossEntropy: logits must be [N, T, V], got ${fmtShape(logits.shape)}`);
  const [n, t, v] = logits.shape;
  if (target.ndim !== 2 || target.shape[0] !== n || target.shape[1] !== t) {
    throw new ShapeError(`sequenceCrossEntropy: target must be class indices [${n}, ${t}] for logits ${fmtShape(logits.shape)}, got ${fmtShape(target.shape)}`);
  }
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ConfigError(`sequenceCrossEntropy: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  const mask = options.mask;
  if (mask === undefined) {
    const perStep = crossEntropy(ops.reshape(logits, [n * t, v]), ops.reshape(target, [n * t]), { reduction: reduction === 'none' ? 'none' : reduction });
    return reduction === 'none' ? ops.reshape(perStep, [n, t]) : perStep;
  }
  if (!(mask instanceof Tensor) || mask.ndim !== 2 || mask.shape[0] !== n || mask.shape[1] !== t) {
    throw new ShapeError(`sequenceCrossEntropy: mask must be [${n}, ${t}] of 0/1 for logits ${fmtShape(logits.shape)}, got ${mask instanceof Tensor ? fmtShape(mask.shape) : String(mask)}`);
  }
  let real = 0;
  for (const m of mask.data) {
    if (m !== 0 && m !== 1) throw new ValueError(`sequenceCrossEntropy: mask values must be 0 or 1, got ${m}`);
    real += m;
  }
  // A padded step may hold any index (often 0 or −1): point it at class 0 so it is a valid row, then mask it out.
  const safeTarget = new Tensor(target.data.map((y, i) => (mask.data[i] === 0 ? 0 : y)), [n * t]);
  const perStep = ops.mul(crossEntropy(ops.reshape(logits, [n * t, v]), safeTarget, { reduction: 'none' }), ops.reshape(mask, [n * t]));
  if (reduction === 'none') return ops.reshape(perStep, [n, t]);
  const total = ops.sum(perStep);
  if (reduction === 'sum') return total;
  if (real === 0) throw new ValueError('sequenceCrossEntropy: the mask has no real step to average over');
  return ops.div(total, real);
}
