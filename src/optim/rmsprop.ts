/**
 * RMSprop (PyTorch's documented algorithm; no bias correction). For each parameter θ with
 * gradient ∇E:
 *
 *   g ← ∇E                        (−∇E when maximize)
 *   g ← g + λ·θ                   (weight decay λ)
 *   v ← α·v + (1 − α)·g²          running mean of g²
 *   centered: ḡ ← α·ḡ + (1 − α)·g,  r ← √(v − ḡ²) + ε     (variance instead of raw second moment)
 *   otherwise: r ← √v + ε
 *   with momentum μ > 0: b ← μ·b + g/r,  θ ← θ − η·b
 *   otherwise:           θ ← θ − η·g/r
 */
import type { FloatArray } from '../kernels/types.js';
import { kernels } from '../kernels/backend.js';
import { Optimizer, checkNonNegative, counter, zerosBuffer, type ParamState, type Params, type StateFieldKinds } from './optimizer.js';

/** RMSprop's hyper-parameters, per group. */
export interface RMSpropHyper {
  /** Learning rate η. */
  lr: number;
  /** Smoothing constant α of the running mean of g². */
  alpha: number;
  /** ε added to the denominator so it never divides by zero. */
  eps: number;
  /** L2 weight decay λ, added to the gradient as λ·θ. */
  weightDecay: number;
  /** Momentum μ applied to the normalised step (0: none). */
  momentum: number;
  /** Normalise by an estimate of the variance of g rather than its raw second moment. */
  centered: boolean;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Options of `new RMSprop(params, options)`; every field has a default. */
export type RMSpropOptions = Partial<RMSpropHyper>;

const RMSPROP_DEFAULTS: RMSpropHyper = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };

/** RMSprop: steps divided by a running root-mean-square of the gradient (PyTorch's `RMSprop`). */
export class RMSprop extends Optimizer<RMSpropHyper> {
  /** Creates the optimiser over `params` (tensors or groups); η defaults to 1e-2, α to 0.99. */
  constructor(params: Params<RMSpropHyper>, options: RMSpropOptions = {}) {
    super('RMSprop', params, RMSPROP_DEFAULTS, options);
  }

  protected override readonly stateFields: StateFieldKinds = { step: 'count', squareAvg: 'buffer', gradAvg: 'buffer', momentumBuffer: 'buffer' };

  protected override validate(h: RMSpropHyper, where: string): void {
    checkNonNegative(where, 'lr', h.lr);
    checkNonNegative(where, 'alpha', h.alpha);
    checkNonNegative(where, 'eps', h.eps);
    checkNonNegative(where, 'weightDecay', h.weightDecay);
    checkNonNegative(where, 'momentum', h.momentum);
  }

  protected override update(theta: FloatArray, grad: FloatArray, state: ParamState, h: RMSpropHyper): void {
    state.step = counter(state, 'step') + 1;
    const v = zerosBuffer(state, 'squareAvg', theta);
    const gAvg = h.centered ? zerosBuffer(state, 'gradAvg', theta) : null;
    const buf = h.momentum > 0 ? zerosBuffer(state, 'momentumBuffer', theta) : null;
    kernels.rmspropStep(theta, grad, v, gAvg, buf, h);
  }
}
