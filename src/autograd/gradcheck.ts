/**
 * Checks back-propagated gradients against the definition of the derivative:
 * central finite differences (f(x+h) − f(x−h)) / 2h, computed in float64.
 */
import { ValueError } from '../errors.js';
import { Tensor, withDefaultDtype } from '../tensor/tensor.js';
import { backward, noGrad } from './graph.js';

/** Options of gradcheck. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
}

/**
 * Compares the gradients back-propagation gives for `fn` at `inputs` with central finite
 * differences, all in float64, and returns the worst relative error
 * |analytic − numeric| / max(1, |analytic|, |numeric|) over every input that requires a gradient.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): number {
  const eps = options.eps ?? 1e-6;
  return withDefaultDtype('float64', () => {
    const xs = inputs.map((t) => new Tensor(Float64Array.from(t.data), t.shape, t.requiresGrad));
    if (!xs.some((x) => x.requiresGrad)) throw new ValueError('gradcheck(): no input has requiresGrad=true; nothing to check');
    const out = fn(...xs);
    if (!(out instanceof Tensor)) throw new ValueError('gradcheck(): fn must return a Tensor');
    // Project the output on fixed pseudo-random weights r, so one backward checks every element:
    // the scalar is Σ r_i out_i, whose gradient is Jᵀr.
    const r = new Float64Array(out.size);
    let s = 12345;
    for (let i = 0; i < r.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      r[i] = 0.5 + s / 2 ** 32;
    }
    backward(out, new Tensor(r, out.shape));
    const project = (): number =>
      noGrad(() => {
        const y = fn(...xs).data;
        let acc = 0;
        for (let i = 0; i < y.length; i++) acc += y[i] * r[i];
        return acc;
      });
    let worst = 0;
    for (const x of xs) {
      if (!x.requiresGrad) continue;
      const analytic = x.grad?.data ?? new Float64Array(x.size);
      for (let j = 0; j < x.size; j++) {
        const orig = x.data[j];
        x.data[j] = orig + eps;
        const fp = project();
        x.data[j] = orig - eps;
        const fm = project();
        x.data[j] = orig;
        const numeric = (fp - fm) / (2 * eps);
        const err = Math.abs(analytic[j] - numeric) / Math.max(1, Math.abs(analytic[j]), Math.abs(numeric));
        if (!(err <= worst)) worst = err; // NaN propagates as the worst
      }
    }
    return worst;
  });
}
