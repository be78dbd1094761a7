/**
 * Reads a model as the lecture's layers: each Linear, with the elementwise activation after it,
 * is one layer k. Anything else (convolutions, recurrent layers, a softmax layer, a module with
 * its own forward) is refused with a ConfigError naming the module.
 */
import { ConfigError } from '../errors.js';
import { Module, type AnyModule } from '../nn/module.js';
import { Dropout, Flatten, Linear, LogSoftmax, Sequential, Sign, Softmax, Step } from '../nn/layers.js';
import { activationDerivative, IDENTITY, type ActivationDerivative } from './derivatives.js';

/** One layer as planned: its Linear, and its activation module (null for none, i.e. the identity). */
export interface PlannedLayer {
  readonly name: string;
  readonly linear: Linear;
  activation: AnyModule | null;
  derivative: ActivationDerivative;
}

/** The model's layers in order, and the pass-through modules left out. */
export interface Plan {
  readonly layers: PlannedLayer[];
  readonly skipped: string[];
}

const SUPPORTED = 'explain takes a Sequential (or mlp) of Linear layers, each followed by at most one elementwise activation (sigmoid, tanh, relu, leakyRelu, softplus, elu, identity)';

function refuse(name: string, m: AnyModule, why: string): never {
  throw new ConfigError(`explain: cannot explain layer '${name || '(model)'}' (${m.constructor.name}): ${why}; ${SUPPORTED}`);
}

/** The leaf modules of nested Sequentials, with their dotted names. */
function leaves(m: AnyModule, name: string): [string, AnyModule][] {
  if (m instanceof Sequential) return m.layers.flatMap((c, i) => leaves(c as AnyModule, name ? `${name}.${i}` : String(i)));
  return [[name, m]];
}

function why(m: AnyModule): string {
  if (m instanceof Softmax || m instanceof LogSoftmax) return 'softmax is a vector activation, not elementwise; end the model with its logits (no activation) and use the crossEntropy loss';
  if (m instanceof Step || m instanceof Sign) return 'a threshold unit is not differentiable';
  return 'it is not a Linear layer or an elementwise activation';
}

/** Splits a model into the lecture's layers, or throws a ConfigError naming the first module it cannot explain. */
export function planLayers(model: AnyModule): Plan {
  if (!(model instanceof Module)) throw new ConfigError(`explain: expected a Module, got ${typeof model}`);
  const layers: PlannedLayer[] = [];
  const skipped: string[] = [];
  for (const [name, m] of leaves(model, '')) {
    if (m instanceof Linear) {
      layers.push({ name, linear: m, activation: null, derivative: IDENTITY });
      continue;
    }
    if (m instanceof Dropout || (m instanceof Flatten && layers.length === 0)) {
      skipped.push(`${name} (${m.constructor.name})`);
      continue;
    }
    const d = activationDerivative(m);
    if (!d) refuse(name, m, why(m));
    const last = layers[layers.length - 1];
    if (!last) refuse(name, m, 'an activation must come after a Linear layer');
    if (last.activation) refuse(name, m, `layer '${last.name}' already has an activation (${last.derivative.name})`);
    last.activation = m;
    last.derivative = d;
  }
  if (layers.length === 0) throw new ConfigError(`explain: the model has no Linear layer; ${SUPPORTED}`);
  return { layers, skipped };
}
