/**
 * Adam and AdamW (PyTorch's documented algorithms). For each parameter θ with gradient ∇E, at
 * step t (counted per parameter, from 1):
 *
 *   g ← ∇E                       (−∇E when maximize)
 *   Adam:  g ← g + λ·θ           (L2 weight decay, folded into the gradient)
 *   AdamW: θ ← θ·(1 − η·λ)       (decoupled weight decay, applied to θ directly)
 *   m ← β₁·m + (1 − β₁)·g        first moment (running mean of g)
 *   v ← β₂·v + (1 − β₂)·g²       second moment (running mean of g²)
 *   v̂max ← max(v̂max, v)          (amsgrad only; the denominator then uses v̂max)
 *   θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * The 1/(1 − βᵗ) factors undo the bias of moments that start at zero.
 */
import type { FloatArray } from '../kernels/types.js';
import { kernels } from '../kernels/backend.js';
import {
  Optimizer, checkNonNegative, checkUnitInterval, counter, zerosBuffer, type ParamState, type Params, type StateFieldKinds,
} from './optimizer.js';

/** Adam's (and AdamW's) hyper-parameters, per group. */
export interface AdamHyper {
  /** Learning rate η. */
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment averages, each in [0, 1). */
  betas: readonly [number, number];
  /** ε added to the denominator √v̂ so it never divides by zero. */
  eps: number;
  /** Weight decay λ: L2 (into the gradient) for Adam, decoupled (θ ← θ·(1 − ηλ)) for AdamW. */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad). */
  amsgrad: boolean;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Options of `new Adam(params, options)` / `new AdamW(…)`; every field has a default. */
export type AdamOptions = Partial<AdamHyper>;

const ADAM_DEFAULTS: AdamHyper = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };

/** The shared update; `decoupled` selects AdamW's weight decay. */
function adamUpdate(theta: FloatArray, grad: FloatArray, state: ParamState, h: AdamHyper, decoupled: boolean): void {
  const t = counter(state, 'step') + 1;
  state.step = t;
  const m = zerosBuffer(state, 'expAvg', theta);
  const v = zerosBuffer(state, 'expAvgSq', theta);
  const vmax = h.amsgrad ? zerosBuffer(state, 'maxExpAvgSq', theta) : null;
  kernels.adamStep(theta, grad, m, v, vmax, {
    lr: h.lr, beta1: h.betas[0], beta2: h.betas[1], eps: h.eps, weightDecay: h.weightDecay, decoupled, maximize: h.maximize, step: t,
  });
}

/** Validation shared by Adam and AdamW. */
function validateAdam(h: AdamHyper, where: string): void {
  checkNonNegative(where, 'lr', h.lr);
  checkNonNegative(where, 'eps', h.eps);
  checkUnitInterval(where, 'betas[0]', h.betas[0]);
  checkUnitInterval(where, 'betas[1]', h.betas[1]);
  checkNonNegative(where, 'weightDecay', h.weightDecay);
}

/** Adam: adaptive moment estimation with bias correction, L2 weight decay and optional AMSGrad (PyTorch's `Adam`). */
export class Adam extends Optimizer<AdamHyper> {
  /** Creates the optimiser over `params` (tensors or groups); η defaults to 1e-3, betas to (0.9, 0.999). */
  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super('Adam', params, ADAM_DEFAULTS, options);
  }

  protected override readonly stateFields: StateFieldKinds = { step: 'count', expAvg: 'buffer', expAvgSq: 'buffer', maxExpAvgSq: 'buffer' };

  protected override validate(h: AdamHyper, where: string): void {
    validateAdam(h, where);
  }

  protected override update(theta: FloatArray, grad: FloatArray, state: ParamState, h: AdamHyper): void {
    adamUpdate(theta, grad, state, h, false);
  }
}

/** AdamW: Adam with decoupled weight decay θ ← θ·(1 − η·λ), λ defaulting to 1e-2 (PyTorch's `AdamW`). */
export class AdamW extends Optimizer<AdamHyper> {
  /** Creates the optimiser over `params` (tensors or groups); like Adam but weightDecay defaults to 1e-2. */
  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    super('AdamW', params, { ...ADAM_DEFAULTS, weightDecay: 1e-2 }, options);
  }

  protected override readonly stateFields: StateFieldKinds = { step: 'count', expAvg: 'buffer', expAvgSq: 'buffer', maxExpAvgSq: 'buffer' };

  protected override validate(h: AdamHyper, where: string): void {
    validateAdam(h, where);
  }

  protected override update(theta: FloatArray, grad: FloatArray, state: ParamState, h: AdamHyper): void {
    adamUpdate(theta, grad, state, h, true);
  }
}
