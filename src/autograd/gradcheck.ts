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

/** Options of gradcheckEach: gradcheck's, plus which elements and whose storage are checked. */
export interface GradcheckEachOptions extends GradcheckOptions {
  /**
   * Check the given tensors themselves (they must hold float64 data) instead of float64 copies:
   * for a function that reads tensors it closes over, such as a model's parameters.
   */
  inPlace?: boolean;
  /** Check at most this many elements of each input, evenly spaced (default: every element). */
  maxElements?: number;
}

/** The finite-difference check of one input tensor. */
export interface GradcheckResult {
  /** Worst relative error |analytic − numeric| / max(1, |analytic|, |numeric|) (NaN if any was NaN); 0 for an input not checked. */
  worst: number;
  /** Flat index of the element with the worst error (−1 when none was checked). */
  index: number;
  /** Back-propagation's value there. */
  analytic: number;
  /** The finite difference there. */
  numeric: number;
  /** Elements compared. */
  checked: number;
}

/** Throws a ValueError naming the argument of gradcheck that is not what it should be. */
function checkArguments(fn: unknown, inputs: unknown, options: unknown): void {
  if (typeof fn !== 'function') throw new ValueError(`gradcheck(): fn must be a function of tensors returning a Tensor, got ${describe(fn)}`);
  if (!Array.isArray(inputs)) throw new ValueError(`gradcheck(): inputs must be an array of Tensors, got ${describe(inputs)}`);
  inputs.forEach((t, i) => checkTensor(t, 'gradcheck()', `inputs[${i}]`));
  if (typeof options !== 'object' || options === null) throw new ValueError(`gradcheck(): options must be an object, got ${describe(options)}`);
  const { eps, maxElements, inPlace } = options as GradcheckEachOptions;
  if (eps !== undefined && (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps))) {
    throw new ValueError(`gradcheck(): options.eps must be a positive finite number, got ${String(eps)}`);
  }
  if (maxElements !== undefined && (!Number.isInteger(maxElements) || maxElements < 1)) {
    throw new ValueError(`gradcheck(): options.maxElements must be a whole number ≥ 1, got ${String(maxElements)}`);
  }
  if (inPlace) {
    (inputs as Tensor[]).forEach((t, i) => {
      if (t.dtype !== 'float64') throw new ValueError(`gradcheck(): with inPlace, inputs[${i}] must hold float64 data, got ${t.dtype}`);
    });
  }
}

function describe(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
}

/** Fixed pseudo-random weights in [0.5, 1.5): the output is checked through Σ r_i out_i. */
function projectionWeights(n: number): Float64Array {
  const r = new Float64Array(n);
  let s = 12345;
  for (let i = 0; i < r.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    r[i] = 0.5 + s / 2 ** 32;
  }
  return r;
}

/** The flat indices checked: all of them, or `max` evenly spaced ones. */
function checkedIndices(size: number, max: number | undefined): number[] {
  const m = max === undefined ? size : Math.min(size, max);
  return Array.from({ length: m }, (_, k) => Math.floor((k * size) / m));
}

/** Compares x's back-propagated gradient with central differences of `project` at `indices`. */
function checkOne(x: Tensor, project: () => number, eps: number, indices: readonly number[]): GradcheckResult {
  const result: GradcheckResult = { worst: 0, index: -1, analytic: 0, numeric: 0, checked: indices.length };
  const analytic = x.grad?.data ?? new Float64Array(x.size);
  for (const j of indices) {
    const orig = x.data[j];
    x.data[j] = orig + eps;
    const fp = project();
    x.data[j] = orig - eps;
    const fm = project();
    x.data[j] = orig;
    const numeric = (fp - fm) / (2 * eps);
    const err = Math.abs(analytic[j] - numeric) / Math.max(1, Math.abs(analytic[j]), Math.abs(numeric));
    if (!(err <= result.worst) && !Number.isNaN(result.worst)) Object.assign(result, { worst: err, index: j, analytic: analytic[j], numeric }); // NaN stays the worst
  }
  return result;
}

/**
 * gradcheck per input: for each input that requires a gradient, the worst relative error between
 * back-propagation and central finite differences (float64), and where it is; the function's
 * output is checked through a fixed random projection, so one backward covers every element.
 */
export function gradcheckEach(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckEachOptions = {}): GradcheckResult[] {
  checkArguments(fn, inputs, options);
  const eps = options.eps ?? 1e-6;
  return withDefaultDtype('float64', () => {
    const xs = options.inPlace ? [...inputs] : inputs.map((t) => new Tensor(Float64Array.from(t.data), t.shape, t.requiresGrad));
    if (!xs.some((x) => x.requiresGrad)) throw new ValueError('gradcheck(): no input has requiresGrad=true; nothing to check');
    for (const x of xs) x.grad = null;
    const out = fn(...xs);
    if (!(out instanceof Tensor)) throw new ValueError('gradcheck(): fn must return a Tensor');
    // Project the output on fixed pseudo-random weights r, so one backward checks every element:
    // the scalar is Σ r_i out_i, whose gradient is Jᵀr.
    const r = projectionWeights(out.size);
    backward(out, new Tensor(r, out.shape));
    const project = (): number =>
      noGrad(() => {
        const y = fn(...xs).data;
        let acc = 0;
        for (let i = 0; i < y.length; i++) acc += y[i] * r[i];
        return acc;
      });
    const none: GradcheckResult = { worst: 0, index: -1, analytic: 0, numeric: 0, checked: 0 };
    return xs.map((x) => (x.requiresGrad ? checkOne(x, project, eps, checkedIndices(x.size, options.maxElements)) : { ...none }));
  });
}

/**
 * Compares the gradients back-propagation gives for `fn` at `inputs` with central finite
 * differences, all in float64, and returns the worst relative error
 * |analytic − numeric| / max(1, |analytic|, |numeric|) over every input that requires a gradient.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): number {
  checkArguments(fn, inputs, options);
  let worst = 0;
  for (const r of gradcheckEach(fn, inputs, { eps: options.eps })) if (!(r.worst <= worst)) worst = r.worst;
  return worst;
}
