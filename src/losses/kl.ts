/**
 * Kullback–Leibler divergence KL(p‖q) = Σ p log(p/q): `klDiv` as PyTorch's kl_div (input given
 * as log q), and the plain `klDivergence(p, q)` of two distributions. Terms with p = 0 count 0.
 * Both p and q receive gradients when they require them.
 */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/graph.js';
import * as ops from '../ops/index.js';
import { matchTarget, reduce, type Reduction } from './common.js';

/** Options of klDiv. */
export interface KlDivOptions {
  /** 'mean' over elements (default, as PyTorch), 'batchmean' (the true KL per sample), 'sum' or 'none'. */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities (default false), as PyTorch's log_target. */
  logTarget?: boolean;
}

/** Throws unless every element of p is a probability weight ≥ 0 (NaN included), naming the first that is not. */
function checkNonNegative(p: Tensor, op: string, what: string): void {
  if (p.size === 0 || noGrad(() => ops.min(p).item()) >= 0) return;
  const i = p.data.findIndex((v) => !(v >= 0));
  throw new ValueError(`${op}: ${what} element ${i} is ${p.data[i]}; probabilities must be ≥ 0 (for log-probabilities pass logTarget: true)`);
}

/** [p = 0] for p ≥ 0: 1 where p is 0, 0 elsewhere, a constant. */
function zeros(p: Tensor): Tensor {
  return noGrad(() => ops.step(ops.neg(p), { threshold: 0, low: 0, high: 1 }));
}

/**
 * Elementwise p·(log p − log q) with 0·log 0 = 0: the logs are taken of p + [p = 0] and
 * q + [p = 0], so a p = 0 term is 0·(0 − log(1 + q)) = 0 whatever q (even 0), and its
 * gradient stays finite. ∂/∂p = log p − log q + 1 and ∂/∂q = −p/q where p > 0.
 * With `logQ` the input already is log q (klDiv's input), used as it is.
 */
function pLogRatio(p: Tensor, q: Tensor, logQ: boolean): Tensor {
  const m = zeros(p);
  return ops.mul(p, ops.sub(ops.log(ops.add(p, m)), logQ ? q : ops.log(ops.add(q, m))));
}

/**
 * KL divergence Σ target·(log target − input) as torch.nn.functional.kl_div: the input is
 * log-probabilities log q, the target probabilities p (or log p with `logTarget`). Terms with
 * p = 0 count 0. When the target requires a gradient it gets log p − input + 1 (with logTarget:
 * e^t·(t − input + 1)), scaled by the reduction; at p = 0 (where PyTorch gives NaN) it gets −input. The default reduction is PyTorch's 'mean' over
 * all elements; 'batchmean' gives the true KL per sample (what the named loss 'klDiv' uses).
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const d = matchTarget(input, target, 'klDiv');
  const reduction = options.reduction ?? 'mean';
  if (!['mean', 'sum', 'none', 'batchmean'].includes(reduction)) {
    throw new ConfigError(`klDiv: reduction must be 'mean', 'batchmean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  let pointwise: Tensor;
  if (options.logTarget ?? false) {
    pointwise = ops.mul(ops.exp(d), ops.sub(d, input));
  } else {
    checkNonNegative(d, 'klDiv', 'target');
    pointwise = pLogRatio(d, input, true);
  }
  if (reduction === 'batchmean') return ops.div(ops.sum(pointwise), input.ndim > 0 ? input.shape[0] : 1);
  return reduce(pointwise, reduction, 'klDiv');
}

/** Options of klDivergence. */
export interface KlDivergenceOptions {
  /** Over the distributions (every axis but the last): 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * KL(p‖q) = Σ p log(p/q) of distributions p and q (probabilities) along the last axis, with
 * 0·log 0 = 0; q = 0 where p > 0 gives +∞. One value per distribution, reduced by `reduction`
 * (a 1-D pair is one distribution, so a scalar). Both p and q get gradients when they require them:
 * log(p/q) + 1 and −p/q, and at p = 0 the finite −log(1 + q) and 0.
 */
export function klDivergence(p: Tensor, q: Tensor, options: KlDivergenceOptions = {}): Tensor {
  checkTensor(p, 'klDivergence', 'p');
  checkTensor(q, 'klDivergence', 'q');
  if (!sameShape(p.shape, q.shape)) throw new ShapeError(`klDivergence: p of shape ${fmtShape(p.shape)} and q of shape ${fmtShape(q.shape)} differ`);
  checkNonNegative(p, 'klDivergence', 'p');
  checkNonNegative(q, 'klDivergence', 'q');
  const pointwise = pLogRatio(p, q, false);
  const perDistribution = p.ndim === 0 ? pointwise : ops.sum(pointwise, -1);
  return reduce(perDistribution, options.reduction, 'klDivergence');
}
