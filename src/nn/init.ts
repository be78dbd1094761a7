/**
 * Weight initialisers, in place and seeded. Initialisation matters: weights too large
 * saturate sigmoids (σ' ≈ 0) and stall learning. Fan-in/fan-out follow PyTorch
 * (a weight [out, in, ...k] has fanIn = in·k, fanOut = out·k).
 */
import { ConfigError, fmtShape } from '../errors.js';
import { random, randomNormal } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

/** fan-in and fan-out of a weight tensor. */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ConfigError(`init: fan-in/fan-out need a weight of at least 2 dimensions, got ${fmtShape(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

/** Recommended gain for a nonlinearity (PyTorch's calculate_gain). */
export function gain(nonlinearity: Nonlinearity, slope = 0.01): number {
  switch (nonlinearity) {
    case 'linear': case 'identity': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leakyRelu': return Math.sqrt(2 / (1 + slope * slope));
    case 'elu': case 'softplus': return 1;
  }
}

/** Nonlinearities the initialisers know a gain for. */
export type Nonlinearity = 'linear' | 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'elu' | 'softplus';

/** Fills t with U(low, high). */
export function uniform(t: Tensor, low = 0, high = 1): Tensor {
  for (let i = 0; i < t.size; i++) t.data[i] = low + (high - low) * random();
  return t;
}

/** Fills t with N(mean, std²). */
export function normal(t: Tensor, mean = 0, std = 1): Tensor {
  for (let i = 0; i < t.size; i++) t.data[i] = mean + std * randomNormal();
  return t;
}

/** Fills t with a constant. */
export function constant(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

/** Fills t with zeros. */
export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

/** Xavier/Glorot uniform: U(−a, a), a = gain·√(6/(fanIn+fanOut)). */
export function xavierUniform(t: Tensor, g = 1): Tensor {
  const { fanIn, fanOut } = fans(t);
  const a = g * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -a, a);
}

/** Xavier/Glorot normal: N(0, σ²), σ = gain·√(2/(fanIn+fanOut)). */
export function xavierNormal(t: Tensor, g = 1): Tensor {
  const { fanIn, fanOut } = fans(t);
  return normal(t, 0, g * Math.sqrt(2 / (fanIn + fanOut)));
}

/** Options of the He/Kaiming initialisers. */
export interface KaimingOptions {
  /** Negative slope of a leaky ReLU after this layer (default 0). */
  a?: number;
  /** Preserve the variance of the forward pass ('fanIn', default) or of the backward pass ('fanOut'). */
  mode?: 'fanIn' | 'fanOut';
  /** Nonlinearity after this layer (default 'leakyRelu' with slope a, i.e. ReLU for a = 0). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t);
  const fan = (o.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  return gain(o.nonlinearity ?? 'leakyRelu', o.a ?? 0) / Math.sqrt(fan);
}

/** He/Kaiming uniform: U(−b, b), b = gain·√(3/fan). */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const b = Math.sqrt(3) * kaimingStd(t, options);
  return uniform(t, -b, b);
}

/** He/Kaiming normal: N(0, σ²), σ = gain/√fan. */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, options));
}

/** Names of the initialisers a layer config can ask for. */
export type InitName = 'default' | 'xavierUniform' | 'xavierNormal' | 'kaimingUniform' | 'kaimingNormal' | 'zeros' | 'normal';

/** Applies a named initialiser to a weight (`default` is PyTorch's Linear/Conv default). */
export function initByName(t: Tensor, name: InitName, nonlinearity: Nonlinearity = 'relu'): Tensor {
  switch (name) {
    // PyTorch's default for Linear and Conv: kaiming_uniform with a = √5, i.e. U(±1/√fanIn).
    case 'default': return kaimingUniform(t, { a: Math.sqrt(5) });
    case 'xavierUniform': return xavierUniform(t, gain(nonlinearity));
    case 'xavierNormal': return xavierNormal(t, gain(nonlinearity));
    case 'kaimingUniform': return kaimingUniform(t, { nonlinearity });
    case 'kaimingNormal': return kaimingNormal(t, { nonlinearity });
    case 'zeros': return zeros(t);
    case 'normal': return normal(t, 0, 0.01);
    default: throw new ConfigError(`init: unknown initialiser '${String(name)}' (known: default, xavierUniform, xavierNormal, kaimingUniform, kaimingNormal, zeros, normal)`);
  }
}
