/**
 * Checks back-propagated gradients against the definition of the derivative:
 * central finite differences (f(x+h) − f(x−h)) / 2h, computed in float64.
 */
import { ValueError } from '../errors.js';
import { Tensor, checkTensor, withDefaultDtype } from '../tensor/tensor.js';
import { backward, noGrad } from './graph.js';

/** Options of gradcheck. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
}

/** Throws a ValueError naming the argument of gradcheck that is not what it should be. */
function checkArguments(fn: unknown, inputs: unknown, options: unknown): void {
  if (typeof fn !== 'function') throw new ValueError(`gradcheck(): fn must be a function of tensors returning a Tensor, got ${describe(fn)}`);
  if (!Array.isArray(inputs)) throw new ValueError(`gradcheck(): inputs must be an array of Tensors, got ${describe(inputs)}`);
  inputs.forEach((t, i) => checkTensor(t, 'gradcheck()', `inputs[${i}]`));
  if (typeof options !== 'object' || options === null) throw new ValueError(`gradcheck(): options must be an object, got ${describe(options)}`);
  const eps = (options as GradcheckOptions).eps;
  if (eps !== undefined && (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps))) {
    throw new ValueError(`gradcheck(): options.eps must be a positive finite number, got ${String(eps)}`);
  }
}

function describe(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
}

/**
 * Compares the gradients back-propagation gives for `fn` at `inputs` with central finite
 * differences, all in float64, and returns the worst relative error
 * |analytic − numeric| / max(1, |analytic|, |numeric|) over every input that requires a gradient.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): number {
  checkArguments(fn, inputs, options);
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
