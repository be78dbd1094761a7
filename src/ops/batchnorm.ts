/**
 * Batch normalisation, as torch.nn.functional.batch_norm: each channel of x [N, C, …] is
 * normalised to zero mean and unit variance, then scaled by γ and shifted by β. In training the
 * statistics are the batch's (biased variance), so ∂L/∂x flows through μ and σ² too, and the
 * running statistics move toward them (unbiased variance); in evaluation the running statistics
 * are used as constants.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import type { BatchNormGeometry } from '../kernels/cpu/batchnorm.js';
import { record } from '../autograd/graph.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { checkArgCount, finiteNumber } from './args.js';
import { checkOptions } from './window.js';

/** Options of batchNorm. */
export interface BatchNormOptions {
  /** Normalise with the batch's statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Weight of the batch in the running statistics' update, in [0, 1] (default 0.1). */
  momentum?: number;
  /** Added to the variance before its square root (default 1e-5). */
  eps?: number;
}

/** Checks that `t`, when given, is a [C] tensor, naming it. */
function checkPerChannel(t: Tensor | null | undefined, name: string, x: Tensor): Tensor | null {
  if (t === undefined || t === null) return null;
  checkTensor(t, 'batchNorm', name);
  const c = x.shape[1];
  if (t.ndim !== 1 || t.shape[0] !== c) {
    throw new ShapeError(`batchNorm: ${name} must have shape [${c}] (one value per channel of input ${fmtShape(x.shape)}), got ${fmtShape(t.shape)}`);
  }
  return t;
}

/** The checked options. */
function readOptions(opts: BatchNormOptions | undefined): { training: boolean; momentum: number; eps: number } {
  checkOptions('batchNorm', opts, ['training', 'momentum', 'eps']);
  const training = opts?.training ?? false;
  if (typeof training !== 'boolean') throw new ValueError(`batchNorm: training must be true or false, got ${String(training)}`);
  const momentum = finiteNumber('batchNorm', 'momentum', opts?.momentum ?? 0.1);
  if (momentum < 0 || momentum > 1) throw new ValueError(`batchNorm: momentum must be in [0, 1], got ${momentum}`);
  const eps = finiteNumber('batchNorm', 'eps', opts?.eps ?? 1e-5);
  if (eps < 0) throw new ValueError(`batchNorm: eps must be ≥ 0, got ${eps}`);
  return { training, momentum, eps };
}

/** The statistics to normalise with: the batch's (updating the running ones) or the running ones. */
function statistics(x: Tensor, g: BatchNormGeometry, rm: Tensor | null, rv: Tensor | null, training: boolean, momentum: number) {
  if (!training) {
    if (!rm || !rv) throw new ValueError('batchNorm: evaluation (training: false) needs runningMean and runningVar; pass training: true to use the batch statistics');
    return { mean: rm.data, variance: rv.data };
  }
  const count = g.n * g.s;
  if (count < 2) throw new ValueError(`batchNorm: training needs more than 1 value per channel to compute a variance, got input ${fmtShape(x.shape)}`);
  const { mean, variance } = kernels.batchNormStats(x.data, g);
  if (rm && rv) kernels.batchNormUpdateRunning(rm.data, rv.data, mean, variance, momentum, count);
  return { mean, variance };
}

/**
 * Batch normalisation of x [N, C], [N, C, L] or [N, C, H, W] per channel: y = γ·(x − μ)/√(σ² + eps) + β.
 * In training μ, σ² are the batch's (biased) and runningMean/runningVar (when given) are updated
 * in place, running ← (1 − momentum)·running + momentum·batch with the unbiased variance; in
 * evaluation μ, σ² are runningMean, runningVar. weight γ and bias β [C] are optional.
 */
export function batchNorm(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight?: Tensor | null, bias?: Tensor | null, options?: BatchNormOptions,
): Tensor {
  const op = 'batchNorm';
  checkArgCount(op, 6, arguments.length);
  checkTensor(x, op);
  if (x.ndim < 2) throw new ShapeError(`${op}: input must be [N, C, …] with at least 2 axes, got shape ${fmtShape(x.shape)}`);
  const rm = checkPerChannel(runningMean, 'runningMean', x);
  const rv = checkPerChannel(runningVar, 'runningVar', x);
  if ((rm === null) !== (rv === null)) throw new ValueError(`${op}: give both runningMean and runningVar, or neither`);
  const w = checkPerChannel(weight, 'weight', x);
  const b = checkPerChannel(bias, 'bias', x);
  const { training, momentum, eps } = readOptions(options);
  const [n, c] = x.shape;
  const g = { n, c, s: x.shape.slice(2).reduce((p, q) => p * q, 1) };
  const { mean, variance } = statistics(x, g, rm, rv, training, momentum);
  // Eval mode: copies, so a later update of the running statistics does not change this node's backward.
  const [mu, v] = training ? [mean, variance] : [Float64Array.from(mean), Float64Array.from(variance)];
  const y = new Tensor(kernels.batchNorm(x.data, mu, v, w ? w.data : null, b ? b.data : null, eps, g), x.shape);
  const inputs = [x, ...(w ? [w] : []), ...(b ? [b] : [])];
  return record(y, op, inputs, (dy) => {
    const { dx, dWeight, dBias } = kernels.batchNormGrad(dy, x.data, mu, v, w ? w.data : null, eps, g, training);
    return [x.requiresGrad ? dx : null, ...(w ? [w.requiresGrad ? dWeight : null] : []), ...(b ? [b.requiresGrad ? dBias : null] : [])];
  }, { training, momentum, eps });
}
