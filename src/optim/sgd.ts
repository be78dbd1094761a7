/**
 * Stochastic gradient descent, with PyTorch's momentum, dampening, Nesterov and L2 weight
 * decay. For each parameter θ with gradient ∇E (PyTorch's documented algorithm):
 *
 *   d ← ∇E                      (−∇E when maximize)
 *   d ← d + λ·θ                 (weight decay λ)
 *   b ← d at the first step, else b ← μ·b + (1 − τ)·d     (momentum μ, dampening τ)
 *   d ← d + μ·b (Nesterov) or d ← b                        (only when μ ≠ 0)
 *   θ ← θ − η·d
 */
import { ConfigError } from '../errors.js';
import type { FloatArray } from '../kernels/types.js';
import { kernels } from '../kernels/backend.js';
import { Optimizer, checkNonNegative, stateBuffer, type ParamState, type Params, type StateFieldKinds } from './optimizer.js';

/** SGD's hyper-parameters, per group. */
export interface SGDHyper {
  /** Learning rate η. */
  lr: number;
  /** Momentum μ (0: plain gradient descent). */
  momentum: number;
  /** Dampening τ: the fraction of the new direction held back from the momentum buffer. */
  dampening: number;
  /** Nesterov momentum: step along d + μ·b instead of b (needs μ > 0 and τ = 0). */
  nesterov: boolean;
  /** L2 weight decay λ, added to the gradient as λ·θ. */
  weightDecay: number;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Options of `new SGD(params, options)`: `lr` is required, the rest default to 0 / false. */
export type SGDOptions = Partial<SGDHyper> & { lr: number };

const SGD_DEFAULTS: SGDHyper = { lr: 0, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false };

/** Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay (PyTorch's `SGD`). */
export class SGD extends Optimizer<SGDHyper> {
  /** Creates the optimiser over `params` (tensors or groups); `options.lr` (η) is required. */
  constructor(params: Params<SGDHyper>, options: SGDOptions) {
    if (options === null || typeof options !== 'object' || options.lr === undefined) {
      throw new ConfigError('SGD: lr is required (e.g. new SGD(params, { lr: 0.01 }))');
    }
    super('SGD', params, SGD_DEFAULTS, options);
  }

  protected override readonly stateFields: StateFieldKinds = { momentumBuffer: 'buffer' };

  protected override validate(h: SGDHyper, where: string): void {
    checkNonNegative(where, 'lr', h.lr);
    checkNonNegative(where, 'momentum', h.momentum);
    checkNonNegative(where, 'dampening', h.dampening);
    checkNonNegative(where, 'weightDecay', h.weightDecay);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new ConfigError(
        `${where}: invalid nesterov = true with momentum = ${h.momentum} and dampening = ${h.dampening}: Nesterov momentum needs momentum > 0 and dampening = 0`,
      );
    }
  }

  protected override update(theta: FloatArray, grad: FloatArray, state: ParamState, h: SGDHyper): void {
    let buf: FloatArray | null = null;
    let first = false;
    if (h.momentum !== 0) {
      const b = state.momentumBuffer;
      first = b === undefined || typeof b === 'number';
      if (first) state.momentumBuffer = stateBuffer(theta);
      buf = state.momentumBuffer as FloatArray;
    }
    kernels.sgdStep(theta, grad, buf, {
      lr: h.lr, momentum: h.momentum, dampening: h.dampening, nesterov: h.nesterov, weightDecay: h.weightDecay, maximize: h.maximize, first,
    });
  }
}
