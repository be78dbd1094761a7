/**
 * Kullback–Leibler divergence KL(p‖q) = Σ p log(p/q): `klDiv` as PyTorch's kl_div (input given
 * as log q), and the plain `klDivergence(p, q)` of two distributions. Terms with p = 0 count 0.
 * Both p and q receive gradients when they require them.
 */
import { ConfigError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor, allocLike, checkTensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import { record } from '../autograd/graph.js';
import * as ops from '../ops/index.js';
import { matchTarget, reduce, type Reduction } from './common.js';

/** Options of klDiv. */
export interface KlDivOptions {
  /** 'mean' over elements (default, as PyTorch), 'batchmean' (the true KL per sample), 'sum' or 'none'. */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities (default false), as PyTorch's log_target. */
  logTarget?: boolean;
}

/** Throws unless every element of p is a probability weight ≥ 0 (NaN included). */
function checkNonNegative(p: Tensor, op: string, what: string): void {
  for (let i = 0; i < p.size; i++) {
    const v = p.data[i];
    if (!(v >= 0)) throw new ValueError(`${op}: ${what} element ${i} is ${v}; probabilities must be ≥ 0 (for log-probabilities pass logTarget: true)`);
  }
}

/**
 * Elementwise p·(log p − r) with 0·log 0 = 0, where r is log q given directly (`rIsLog`) or q.
 * ∂/∂p = log p − log q + 1 (−∞ at p = 0, the one-sided limit; PyTorch gives NaN there);
 * ∂/∂r = −p when r = log q, −p/q when r = q (0 where p = 0).
 */
function pLogRatio(p: Tensor, r: Tensor, rIsLog: boolean, op: string): Tensor {
  const n = p.size;
  const out = allocLike(p, n);
  const logQ = new Float64Array(n); // kept in double precision: KL(p‖p) is exactly 0
  for (let i = 0; i < n; i++) {
    logQ[i] = rIsLog ? r.data[i] : Math.log(r.data[i]);
    const pi = p.data[i];
    out[i] = pi > 0 ? pi * (Math.log(pi) - logQ[i]) : 0;
  }
  const y = new Tensor(out, p.shape);
  return record(y, op, [p, r], (dy) => {
    let dp = null;
    if (p.requiresGrad) {
      dp = allocLike(p, n);
      for (let i = 0; i < n; i++) {
        const pi = p.data[i];
        dp[i] = pi > 0 ? dy[i] * (Math.log(pi) - logQ[i] + 1) : dy[i] === 0 ? 0 : dy[i] * -Infinity;
      }
    }
    let dr = null;
    if (r.requiresGrad) {
      dr = allocLike(r, n);
      for (let i = 0; i < n; i++) {
        const pi = p.data[i];
        dr[i] = pi === 0 ? 0 : rIsLog ? -dy[i] * pi : (-dy[i] * pi) / r.data[i];
      }
    }
    return [dp, dr];
  }, { logInput: rIsLog });
}

/**
 * KL divergence Σ target·(log target − input) as torch.nn.functional.kl_div: the input is
 * log-probabilities log q, the target probabilities p (or log p with `logTarget`). Terms with
 * p = 0 count 0. When the target requires a gradient it gets log p − input + 1 (with logTarget:
 * e^t·(t − input + 1)), scaled by the reduction. The default reduction is PyTorch's 'mean' over
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
    pointwise = pLogRatio(d, input, true, 'klDiv');
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
 * (a 1-D pair is one distribution, so a scalar). Both p and q get gradients when they require them.
 */
export function klDivergence(p: Tensor, q: Tensor, options: KlDivergenceOptions = {}): Tensor {
  checkTensor(p, 'klDivergence', 'p');
  checkTensor(q, 'klDivergence', 'q');
  if (!sameShape(p.shape, q.shape)) throw new ShapeError(`klDivergence: p of shape ${fmtShape(p.shape)} and q of shape ${fmtShape(q.shape)} differ`);
  checkNonNegative(p, 'klDivergence', 'p');
  checkNonNegative(q, 'klDivergence', 'q');
  const pointwise = pLogRatio(p, q, false, 'klDivergence');
  const perDistribution = p.ndim === 0 ? pointwise : ops.sum(pointwise, -1);
  return reduce(perDistribution, options.reduction, 'klDivergence');
}
