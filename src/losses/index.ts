/**
 * Divergences between a network's output Y and the desired output d, as in the lectures,
 * composed of ops so their gradients come from back-propagation. Each takes a reduction:
 * 'mean' (default: the empirical risk 1/N Σ div), 'sum', or 'none' (one value per sample/element).
 */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import { noGrad, record } from '../autograd/graph.js';
import { kernels } from '../kernels/backend.js';
import * as ops from '../ops/index.js';
import { matchTarget, reduce, type LossOptions } from './common.js';
import { klDiv } from './kl.js';

export type { Reduction, LossOptions } from './common.js';
export { klDiv, klDivergence } from './kl.js';
export type { KlDivOptions, KlDivergenceOptions } from './kl.js';
export { sequenceCrossEntropy } from './sequence.js';
export type { SequenceCrossEntropyOptions } from './sequence.js';

/**
 * L2 divergence ½‖Y − d‖² per sample (summed over features), whose gradient is Y − d;
 * 'mean' averages it over the batch (first axis).
 */
export function l2(y: Tensor, d: Tensor, options: LossOptions = {}): Tensor {
  d = matchTarget(y, d, 'l2');
  const sq = ops.mul(ops.pow(ops.sub(y, d), 2), 0.5);
  const perSample = y.ndim <= 1 ? sq : ops.sum(ops.flatten(sq, 1), 1);
  return reduce(perSample, options.reduction, 'l2');
}

/** Mean squared error over all elements (PyTorch's MSELoss). */
export function mse(y: Tensor, d: Tensor, options: LossOptions = {}): Tensor {
  d = matchTarget(y, d, 'mse');
  return reduce(ops.pow(ops.sub(y, d), 2), options.reduction, 'mse');
}

/** Mean absolute error over all elements (PyTorch's L1Loss). */
export function mae(y: Tensor, d: Tensor, options: LossOptions = {}): Tensor {
  d = matchTarget(y, d, 'mae');
  return reduce(ops.abs(ops.sub(y, d)), options.reduction, 'mae');
}

/**
 * Binary cross-entropy −d log Y − (1−d) log(1−Y) for probabilities Y ∈ [0,1]; each log is
 * clamped at −100 as PyTorch does, so Y = 0 or 1 gives a large finite loss, not Inf, and the
 * gradient (Y − d)/max(Y(1−Y), 1e-12) stays finite.
 */
export function binaryCrossEntropy(y: Tensor, d: Tensor, options: LossOptions = {}): Tensor {
  d = matchTarget(y, d, 'binaryCrossEntropy');
  noGrad(() => {
    for (let i = 0; i < y.size; i++) {
      const v = y.data[i];
      if (!(v >= 0 && v <= 1)) throw new ValueError(`binaryCrossEntropy: output values must be probabilities in [0, 1]; element ${i} is ${v} (use binaryCrossEntropyWithLogits for raw scores)`);
    }
  });
  // Fused for stability: composing log and clamp would give 0/0 = NaN gradients at y = 0 or 1.
  const loss = record(new Tensor(kernels.binaryCrossEntropy(y.data, d.data), y.shape), 'binaryCrossEntropy', [y, d], (dy) => [
    y.requiresGrad ? kernels.binaryCrossEntropyGrad(dy, y.data, d.data) : null,
    d.requiresGrad ? kernels.binaryCrossEntropyTargetGrad(dy, y.data) : null,
  ]);
  return reduce(loss, options.reduction, 'binaryCrossEntropy');
}

/**
 * Binary cross-entropy of σ(z) computed from the logit z, stably:
 * softplus(z) − z·d = max(z,0) + log(1+e^−|z|) − z·d, whose gradient is σ(z) − d.
 */
export function binaryCrossEntropyWithLogits(z: Tensor, d: Tensor, options: LossOptions = {}): Tensor {
  d = matchTarget(z, d, 'binaryCrossEntropyWithLogits');
  return reduce(ops.sub(ops.softplus(z), ops.mul(z, d)), options.reduction, 'binaryCrossEntropyWithLogits');
}

/** Checks class-index targets: whole numbers in [0, classes). */
function checkClassIndices(target: Tensor, classes: number, op: string): void {
  for (let i = 0; i < target.size; i++) {
    const v = target.data[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new ValueError(`${op}: target ${i} is ${v}, but class indices must be whole numbers in [0, ${classes - 1}]`);
    }
  }
}

/** Options of crossEntropy. */
export interface CrossEntropyOptions extends LossOptions {
  /** Mix the targets with the uniform distribution: d ← (1−ε)d + ε/C (default 0). */
  labelSmoothing?: number;
}

/**
 * Multi-class cross-entropy −Σ d_i log softmax(s)_i from logits s [N, C], computed stably as
 * −s_y + log Σ_j e^{s_j}. The target is either class indices [N], or one-hot / class
 * probabilities [N, C] (as PyTorch's CrossEntropyLoss). On a batch its gradient is (P − Y)/N.
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  if (!(logits instanceof Tensor) || !(target instanceof Tensor)) throw new ValueError('crossEntropy: logits and target must be Tensors');
  if (logits.ndim !== 2) throw new ShapeError(`crossEntropy: logits must be [N, C], got ${fmtShape(logits.shape)}`);
  const [n, c] = logits.shape;
  const logP = ops.logSoftmax(logits, 1);
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ConfigError(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  let perSample: Tensor;
  if (target.ndim === 1 || (target.ndim === 2 && target.shape[1] === 1 && c !== 1)) {
    if (target.shape[0] !== n) throw new ShapeError(`crossEntropy: ${n} logits rows but ${target.shape[0]} targets (shapes ${fmtShape(logits.shape)} and ${fmtShape(target.shape)})`);
    checkClassIndices(target, c, 'crossEntropy');
    const picked = ops.reshape(ops.gather(logP, 1, ops.reshape(target, [n, 1])), [n]);
    perSample = ops.neg(picked);
    if (eps > 0) perSample = ops.add(ops.mul(perSample, 1 - eps), ops.mul(ops.neg(ops.mean(logP, 1)), eps));
  } else if (sameShape(target.shape, logits.shape)) {
    const d = eps > 0 ? ops.add(ops.mul(target, 1 - eps), eps / c) : target;
    perSample = ops.neg(ops.sum(ops.mul(d, logP), 1));
  } else {
    throw new ShapeError(`crossEntropy: target of shape ${fmtShape(target.shape)} fits logits ${fmtShape(logits.shape)} neither as class indices [${n}] nor as probabilities [${n}, ${c}]`);
  }
  return reduce(perSample, options.reduction, 'crossEntropy');
}

/** Negative log-likelihood −log p_y from log-probabilities [N, C] and class indices [N]. */
export function nll(logProbs: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkTensor(logProbs, 'nll', 'log-probabilities');
  checkTensor(target, 'nll', 'target');
  if (logProbs.ndim !== 2) throw new ShapeError(`nll: log-probabilities must be [N, C], got ${fmtShape(logProbs.shape)}`);
  const [n, c] = logProbs.shape;
  if (target.size !== n) throw new ShapeError(`nll: ${n} rows but target of shape ${fmtShape(target.shape)}`);
  checkClassIndices(target, c, 'nll');
  return reduce(ops.neg(ops.reshape(ops.gather(logProbs, 1, ops.reshape(target, [n, 1])), [n])), options.reduction, 'nll');
}

/** L2 regularisation penalty λ Σ w² over the given parameters, whose gradient is 2λW. */
export function l2Penalty(params: readonly Tensor[], lambda: number): Tensor {
  if (!(lambda >= 0)) throw new ConfigError(`l2Penalty: λ must be ≥ 0, got ${lambda}`);
  let total: Tensor | null = null;
  for (const p of params) {
    const s = ops.sum(ops.pow(p, 2));
    total = total ? ops.add(total, s) : s;
  }
  return ops.mul(total ?? new Tensor(new Float32Array(1), []), lambda);
}

/** A loss function: output and target to a (usually scalar) loss tensor. */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/**
 * The built-in losses by name: the one table `LossName`, `LOSS_NAMES`, `lossByName`, `fit` and
 * the CLI's config check all read. Each uses its default options, except 'klDiv', which takes
 * 'batchmean' (the true KL per sample, as crossEntropy's 'mean' is per sample).
 */
const LOSSES = {
  l2: (y, d) => l2(y, d),
  mse: (y, d) => mse(y, d),
  mae: (y, d) => mae(y, d),
  binaryCrossEntropy: (y, d) => binaryCrossEntropy(y, d),
  binaryCrossEntropyWithLogits: (y, d) => binaryCrossEntropyWithLogits(y, d),
  crossEntropy: (y, d) => crossEntropy(y, d),
  nll: (y, d) => nll(y, d),
  klDiv: (y, d) => klDiv(y, d, { reduction: 'batchmean' }),
} as const satisfies Record<string, LossFn>;

/** Names of the built-in losses. */
export type LossName = keyof typeof LOSSES;

/** Names of the built-in losses, in table order. */
export const LOSS_NAMES: readonly LossName[] = Object.freeze(Object.keys(LOSSES) as LossName[]);

/** Whether `name` is the name of a built-in loss. */
export function isLossName(name: unknown): name is LossName {
  return typeof name === 'string' && Object.hasOwn(LOSSES, name);
}

/** The loss function of a name (for configs and the CLI); an unknown name is a ConfigError listing the known ones. */
export function lossByName(name: string): LossFn {
  if (!isLossName(name)) throw new ConfigError(`unknown loss '${String(name)}' (known: ${LOSS_NAMES.join(', ')})`);
  return LOSSES[name];
}
