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
import { alloc } from '../kernels/types.js';
import { Optimizer, checkNonNegative, type ParamState, type Params } from './optimizer.js';

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
    const { lr, momentum: mu, dampening, nesterov, weightDecay: wd, maximize } = h;
    const n = theta.length;
    if (mu === 0) {
      for (let i = 0; i < n; i++) {
        let d = maximize ? -grad[i] : grad[i];
        if (wd !== 0) d += wd * theta[i];
        theta[i] -= lr * d;
      }
      return;
    }
    let buf = state.momentumBuffer;
    const first = buf === undefined || typeof buf === 'number';
    if (first) {
      buf = alloc(n, theta);
      state.momentumBuffer = buf;
    }
    const b = buf as FloatArray;
    for (let i = 0; i < n; i++) {
      let d = maximize ? -grad[i] : grad[i];
      if (wd !== 0) d += wd * theta[i];
      // The buffer starts as a copy of the first direction (no dampening), as PyTorch does.
      b[i] = first ? d : mu * b[i] + (1 - dampening) * d;
      // Read b back: it is stored in float32, and the next step must see exactly what is stored.
      const v = b[i];
      d = nesterov ? d + mu * v : v;
      theta[i] -= lr * d;
    }
  }
}
