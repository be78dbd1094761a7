/**
 * Optimiser updates: one in-place pass over a parameter θ and its gradient ∇E per step.
 * The rules (PyTorch's documented algorithms) are spelled out in src/optim/*; these are the loops.
 * Arithmetic is in float64 per element, stored back as float32.
 */
import type { FloatArray } from '../types.js';

/** Settings of one SGD step. */
export interface SgdStep {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
  /** First step with momentum: the buffer starts as a copy of the direction. */
  first: boolean;
}

/** θ ← θ − η·d with d = ∇E (+ λθ), through the momentum buffer when momentum > 0. */
export function sgdStep(theta: FloatArray, grad: FloatArray, buf: FloatArray | null, o: SgdStep): void {
  const { lr, momentum: mu, dampening, nesterov, weightDecay: wd, maximize, first } = o;
  const n = theta.length;
  if (!buf) {
    for (let i = 0; i < n; i++) {
      let d = maximize ? -grad[i] : grad[i];
      if (wd !== 0) d += wd * theta[i];
      theta[i] -= lr * d;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    let d = maximize ? -grad[i] : grad[i];
    if (wd !== 0) d += wd * theta[i];
    buf[i] = first ? d : mu * buf[i] + (1 - dampening) * d;
    // Read the buffer back: it is stored in float32, and the update must use exactly what is stored.
    const v = buf[i];
    d = nesterov ? d + mu * v : v;
    theta[i] -= lr * d;
  }
}

/** Settings of one Adam/AdamW step. */
export interface AdamStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay θ directly instead of adding λθ to the gradient. */
  decoupled: boolean;
  maximize: boolean;
  /** Step number t, from 1 (for the bias corrections). */
  step: number;
}

/** One Adam step: moments m, v (and the AMSGrad maximum vmax when given) updated in place. */
export function adamStep(theta: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, o: AdamStep): void {
  const { lr, beta1, beta2, eps, weightDecay: wd, decoupled, maximize, step: t } = o;
  const stepSize = lr / (1 - beta1 ** t);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
  const shrink = 1 - lr * wd;
  const n = theta.length;
  for (let i = 0; i < n; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (wd !== 0) {
      if (decoupled) theta[i] *= shrink;
      else g += wd * theta[i];
    }
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    let second = v[i];
    if (vmax) {
      if (second > vmax[i]) vmax[i] = second;
      second = vmax[i];
    }
    theta[i] -= (stepSize * m[i]) / (Math.sqrt(second) / bc2Sqrt + eps);
  }
}

/** Settings of one RMSprop step. */
export interface RmspropStep {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  maximize: boolean;
}

/** One RMSprop step: running mean of g² in v (and of g in gAvg when centered), momentum buffer when given. */
export function rmspropStep(theta: FloatArray, grad: FloatArray, v: FloatArray, gAvg: FloatArray | null, buf: FloatArray | null, o: RmspropStep): void {
  const { lr, alpha, eps, weightDecay: wd, momentum: mu, maximize } = o;
  const n = theta.length;
  for (let i = 0; i < n; i++) {
    let g = maximize ? -grad[i] : grad[i];
    if (wd !== 0) g += wd * theta[i];
    v[i] = alpha * v[i] + (1 - alpha) * g * g;
    let r: number;
    if (gAvg) {
      gAvg[i] = alpha * gAvg[i] + (1 - alpha) * g;
      r = Math.sqrt(v[i] - gAvg[i] * gAvg[i]) + eps;
    } else {
      r = Math.sqrt(v[i]) + eps;
    }
    if (buf) {
      buf[i] = mu * buf[i] + g / r;
      theta[i] -= lr * buf[i];
    } else {
      theta[i] -= (lr * g) / r;
    }
  }
}
