/**
 * The activations by name, in one table: the name a config, the mlp builder or the CLI uses, the
 * layer it builds, and the nonlinearity the weight initialisers take their gain from. Every other
 * list of activation names (types, config validation, error messages) is derived from it.
 */
import { ConfigError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Nonlinearity } from './init.js';
import type { Module } from './module.js';
import { Sigmoid, Tanh, ReLU, LeakyReLU, Softplus, ELU, Identity, Softmax, LogSoftmax, Step } from './layers.js';

/** One activation: how to build its layer, and which gain initialises the weights feeding it. */
export interface ActivationEntry {
  /** A fresh layer with the activation's default settings. */
  layer: () => Module;
  /** The nonlinearity whose gain `init` uses for the Linear before this activation. */
  gain: Nonlinearity;
}

/** Every activation by name. Add a new one here and it is known everywhere. */
export const ACTIVATIONS = {
  sigmoid: { layer: () => new Sigmoid(), gain: 'sigmoid' },
  tanh: { layer: () => new Tanh(), gain: 'tanh' },
  relu: { layer: () => new ReLU(), gain: 'relu' },
  leakyRelu: { layer: () => new LeakyReLU(), gain: 'leakyRelu' },
  // ELU and softplus are ReLU-like: He (relu) gain, as the mlp builder has always used.
  softplus: { layer: () => new Softplus(), gain: 'relu' },
  elu: { layer: () => new ELU(), gain: 'relu' },
  identity: { layer: () => new Identity(), gain: 'relu' },
  softmax: { layer: () => new Softmax(), gain: 'relu' },
  logSoftmax: { layer: () => new LogSoftmax(), gain: 'relu' },
  step: { layer: () => new Step(), gain: 'relu' },
} as const satisfies Record<string, ActivationEntry>;

/** Names of the activations, for configs and the mlp builder. */
export type ActivationName = keyof typeof ACTIVATIONS;

/** The activation names, in the table's order. */
export const ACTIVATION_NAMES = Object.freeze(Object.keys(ACTIVATIONS) as ActivationName[]);

/** True when `name` is an activation's name. */
export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ACTIVATIONS, name);
}

/** The table's entry for a name, or a ConfigError listing the known names. */
export function activationEntry(name: ActivationName): ActivationEntry {
  if (!isActivationName(name)) throw new ConfigError(`unknown activation '${String(name)}' (known: ${ACTIVATION_NAMES.join(', ')})`);
  return ACTIVATIONS[name];
}

/** Builds an activation layer by name. */
export function activationLayer(name: ActivationName): Module {
  return activationEntry(name).layer();
}

/** The activation as a function of a tensor (its layer's forward), e.g. `activation('tanh')(z)`. */
export function activation(name: ActivationName): (z: Tensor) => Tensor {
  const layer = activationLayer(name);
  return (z) => layer.call(z);
}
