/**
 * Gradient clipping, applied between `backward()` and `optimizer.step()` to stop one large ∇E
 * (an exploding gradient, common in recurrent networks) from throwing θ far away.
 */
import { ConfigError, ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/** Parameters to clip: one tensor or a list (tensors without a gradient are skipped). */
export type ClipParams = Tensor | readonly Tensor[];

function gradsOf(params: ClipParams, where: string): Tensor[] {
  const list = params instanceof Tensor ? [params] : params;
  if (!Array.isArray(list)) throw new ConfigError(`${where}: params must be a Tensor or a list of tensors`);
  const grads: Tensor[] = [];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ConfigError(`${where}: params[${i}] is not a Tensor`);
    if (p.grad) grads.push(p.grad);
  });
  return grads;
}

/**
 * Rescales the gradients in place so that their joint p-norm ‖∇E‖ₚ (all gradients taken as one
 * vector) is at most maxNorm, and returns the norm before clipping (PyTorch's
 * `clip_grad_norm_`): when maxNorm / (‖∇E‖ + 1e-6) < 1 every gradient is multiplied by it.
 * `normType` may be `Infinity` (the largest |∂E/∂θᵢ|). A NaN or infinite norm spreads into the
 * gradients as in PyTorch, unless `errorIfNonfinite` asks for a ValueError instead.
 */
export function clipGradNorm(params: ClipParams, maxNorm: number, normType = 2, errorIfNonfinite = false): number {
  const where = 'clipGradNorm';
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm) || maxNorm < 0) {
    throw new ConfigError(`${where}: invalid maxNorm = ${String(maxNorm)}: must be a number ≥ 0`);
  }
  if (typeof normType !== 'number' || Number.isNaN(normType) || normType <= 0) {
    throw new ConfigError(`${where}: invalid normType = ${String(normType)}: must be a number > 0 or Infinity`);
  }
  const grads = gradsOf(params, where);
  if (grads.length === 0) return 0;
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) {
      for (const x of g.data) {
        const a = Math.abs(x);
        if (a > total || Number.isNaN(a)) total = a;
      }
    }
  } else {
    // Accumulate in float64: Σ|gᵢ|ᵖ, then the p-th root.
    let acc = 0;
    for (const g of grads) {
      const d = g.data;
      if (normType === 2) for (let i = 0; i < d.length; i++) acc += d[i] * d[i];
      else if (normType === 1) for (let i = 0; i < d.length; i++) acc += Math.abs(d[i]);
      else for (let i = 0; i < d.length; i++) acc += Math.abs(d[i]) ** normType;
    }
    total = normType === 2 ? Math.sqrt(acc) : normType === 1 ? acc : acc ** (1 / normType);
  }
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(
      `${where}: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped; set errorIfNonfinite = false to scale them anyway`,
    );
  }
  const coef = maxNorm / (total + 1e-6);
  // `!(coef >= 1)` rather than `coef < 1`: a NaN coefficient is applied, as PyTorch applies it.
  if (!(coef >= 1)) {
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) d[i] *= coef;
    }
  }
  return total;
}

/** Clamps every gradient element into [−clipValue, clipValue] in place (PyTorch's `clip_grad_value_`). */
export function clipGradValue(params: ClipParams, clipValue: number): void {
  const where = 'clipGradValue';
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue) || clipValue < 0) {
    throw new ConfigError(`${where}: invalid clipValue = ${String(clipValue)}: must be a number ≥ 0`);
  }
  for (const g of gradsOf(params, where)) {
    const d = g.data;
    for (let i = 0; i < d.length; i++) {
      const x = d[i];
      if (x > clipValue) d[i] = clipValue;
      else if (x < -clipValue) d[i] = -clipValue;
    }
  }
}
