/**
 * A model's gradients checked parameter tensor by parameter tensor: a float64 copy of the model
 * (rebuilt from its config, weights copied) runs on a batch in eval mode, its outputs projected
 * on fixed random weights, and every parameter's back-propagated gradient is compared with
 * central finite differences (gradcheckEach, in place on the copy's parameters).
 */
import { ConfigError } from '../errors.js';
import { Tensor, withDefaultDtype } from '../tensor/tensor.js';
import { moduleFromConfig, type AnyModule, type Module } from '../nn/module.js';
import { gradcheckEach } from '../autograd/gradcheck.js';
import { concat, flatten } from '../ops/shape.js';

/** Options of gradcheckModel. */
export interface GradcheckModelOptions {
  /** Largest worst relative error that passes (default 1e-5). */
  tolerance?: number;
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Elements checked per parameter tensor, evenly spaced (default 64; Infinity for all). */
  maxElements?: number;
}

/** The check of one parameter tensor. */
export interface ParameterCheck {
  /** Its dotted name, e.g. `layers.0.weight`. */
  name: string;
  shape: number[];
  /** Its elements in all. */
  size: number;
  /** Elements compared. */
  checked: number;
  /** Worst relative error |analytic − numeric| / max(1, |analytic|, |numeric|). */
  worstError: number;
  /** Flat index of the worst element. */
  index: number;
  /** Back-propagation's and the finite difference's value there. */
  analytic: number;
  numeric: number;
  /** worstError ≤ tolerance. */
  pass: boolean;
}

/** Every tensor of a nested output (a tensor, or tuples of them), in order. */
function outputTensors(out: unknown): Tensor[] {
  if (out instanceof Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap(outputTensors);
  return [];
}

/** The model's outputs as one flat tensor. */
function flatOutput(out: unknown): Tensor {
  const ts = outputTensors(out);
  if (ts.length === 0) throw new ConfigError('gradcheckModel: the model returned no tensor');
  return ts.length === 1 ? flatten(ts[0]) : concat(ts.map((t) => flatten(t)));
}

/** A float64 copy of `model` (same architecture and weights), in eval mode. */
export function float64Copy(model: AnyModule): Module<unknown[], unknown> {
  const config = model.config();
  const copy = withDefaultDtype('float64', () => moduleFromConfig(config)) as unknown as Module<unknown[], unknown>;
  copy.loadStateDict(model.stateDict());
  return copy.eval();
}

/**
 * Checks each parameter tensor's back-propagated gradient against finite differences (float64),
 * for the model's outputs on `inputs` (the arguments of its forward); returns one record per tensor.
 */
export function gradcheckModel(model: AnyModule, inputs: readonly Tensor[], options: GradcheckModelOptions = {}): ParameterCheck[] {
  const tolerance = options.tolerance ?? 1e-5;
  if (!(tolerance >= 0)) throw new ConfigError(`gradcheckModel: tolerance must be a number ≥ 0, got ${String(tolerance)}`);
  const copy = float64Copy(model);
  const named = copy.namedParameters();
  if (named.length === 0) throw new ConfigError('gradcheckModel: the model has no parameters to check');
  const xs = inputs.map((x) => new Tensor(Float64Array.from(x.data), [...x.shape]));
  const maxElements = options.maxElements ?? 64;
  const results = gradcheckEach(() => flatOutput(copy.call(...xs)), named.map(([, p]) => p), {
    inPlace: true,
    eps: options.eps,
    maxElements: Number.isFinite(maxElements) ? maxElements : undefined,
  });
  return named.map(([name, p], i) => {
    const r = results[i];
    return { name, shape: [...p.shape], size: p.size, checked: r.checked, worstError: r.worst, index: r.index, analytic: r.analytic, numeric: r.numeric, pass: r.worst <= tolerance };
  });
}
