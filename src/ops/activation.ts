/**
 * The lecture's table of activations, each with its derivative beside it. Backward rules reuse
 * the forward output where the derivative is a function of it (σ' = σ(1−σ), tanh' = 1−tanh²).
 */
import { GraphError, ValueError } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import { alloc } from '../kernels/types.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { checkArgCount, finiteNumber } from './args.js';
import { unary } from './unary.js';

/** The options object of an op (undefined means {}); anything else is a ValueError naming the op. */
function optionsOf(op: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`${op}: options must be an object, got ${Array.isArray(options) ? 'an array' : String(options)}`);
  }
  return options as Record<string, unknown>;
}

/** Logistic sigmoid σ(z) = 1/(1+e^−z); σ'(z) = σ(z)(1−σ(z)) ≤ 0.25 (hence vanishing gradients). */
export const sigmoid = unary('sigmoid', {
  f: (z) => kernels.unary('sigmoid', z),
  df: (dy, _z, y) => kernels.unaryGrad('sigmoid', dy, y), // y(1−y), from the output
});

/** Hyperbolic tangent; tanh'(z) = 1 − tanh²(z). */
export const tanh = unary('tanh', {
  f: (z) => kernels.unary('tanh', z),
  df: (dy, _z, y) => kernels.unaryGrad('tanh', dy, y), // 1 − y², from the output
});

/**
 * Rectified linear unit max(0, z); ReLU'(z) = 1 for z > 0, else 0. At z = 0 we take 0,
 * as PyTorch does (one lecture takes 1; the choice only matters exactly at 0).
 */
export const relu = unary('relu', {
  f: (z) => kernels.unary('relu', z),
  df: (dy, z) => kernels.unaryGrad('relu', dy, z), // 1 where z > 0, from the input
});

/** Leaky ReLU max(slope·z, z) (PyTorch's default slope 0.01; one lecture uses 0.1); f' = 1 or slope. */
export const leakyRelu = unary('leakyRelu', {
  attrs: (slope?: number) => ({ slope: finiteNumber('leakyRelu', 'slope', slope ?? 0.01) }),
  f: (z, { slope }) => kernels.leakyRelu(z, slope),
  df: (dy, z, _y, { slope }) => kernels.leakyReluGrad(dy, z, slope),
});

/** Options of softplus(), as PyTorch's. */
export interface SoftplusOptions {
  /** Sharpness β (default 1): larger is closer to ReLU. Must be finite and not 0. */
  beta?: number;
  /** Where βz > threshold (default 20) the output is z itself, as PyTorch does. */
  threshold?: number;
}

/**
 * softplus(z) = (1/β)·log(1 + e^{βz}), a smooth ReLU, reverting to z where βz > threshold;
 * its derivative is σ(βz) (1 above the threshold).
 */
export const softplus = unary('softplus', {
  attrs: (options?: SoftplusOptions) => {
    const o = optionsOf('softplus', options);
    const beta = o.beta === undefined ? 1 : finiteNumber('softplus', 'beta', o.beta);
    if (beta === 0) throw new ValueError('softplus: beta must not be 0 (it divides by beta)');
    const threshold = o.threshold ?? 20;
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new ValueError(`softplus: threshold must be a number, got ${String(threshold)}`);
    return { beta, threshold };
  },
  f: (z, { beta, threshold }) => kernels.softplus(z, beta, threshold),
  df: (dy, z, _y, { beta, threshold }) => kernels.softplusGrad(dy, z, beta, threshold), // σ(βz), from the input
});

/** ELU: z for z > 0, α(e^z − 1) otherwise; f' = 1 or f(z) + α. */
export const elu = unary('elu', {
  attrs: (alpha?: number) => ({ alpha: finiteNumber('elu', 'alpha', alpha ?? 1) }),
  f: (z, { alpha }) => kernels.elu(z, alpha),
  df: (dy, z, y, { alpha }) => kernels.eluGrad(dy, z, y, alpha),
});

/** The identity activation f(z) = z, f' = 1 (linear output units for regression). */
export function identity(z: Tensor): Tensor {
  checkTensor(z, 'identity');
  checkArgCount('identity', 1, arguments.length);
  return z;
}

/**
 * What differentiating through a threshold unit does: `'error'` (the default) throws a
 * GraphError in backward, since its derivative is 0 almost everywhere and undefined at the
 * threshold, so gradient descent cannot learn through it; `'zero'` returns a zero gradient.
 */
export type ThresholdGrad = 'error' | 'zero';

/** Options of step(). */
export interface StepOptions {
  /** z ≥ threshold gives `high` (default 0). */
  threshold?: number;
  /** Output below the threshold (default 0; −1 gives the McCulloch–Pitts ±1 unit). */
  low?: number;
  /** Output at or above the threshold (default 1). */
  high?: number;
  /** What backward does (default 'error'). */
  grad?: ThresholdGrad;
}

function thresholdGrad(op: string, grad: unknown): ThresholdGrad {
  if (grad === undefined) return 'error';
  if (grad === 'error' || grad === 'zero') return grad;
  throw new ValueError(`${op}: grad must be 'error' or 'zero', got ${String(grad)}`);
}


/** The derivative of a threshold unit: zero, or an error saying why there is none (see ThresholdGrad). */
function thresholdBackward(op: string, dy: Float32Array | Float64Array, mode: string): Float32Array | Float64Array {
  if (mode === 'zero') return alloc(dy.length, dy);
  throw new GraphError(
    `${op} is not differentiable (its derivative is 0 everywhere except at the threshold, where it is undefined), ` +
      `so back-propagation cannot pass through it. Use sigmoid/tanh for gradient training, train with the perceptron rule, ` +
      `or pass { grad: 'zero' } to get a zero gradient.`,
  );
}

/** Threshold (step) unit: high where z ≥ threshold, low elsewhere. Not differentiable: see ThresholdGrad. */
export const step = unary('step', {
  attrs: (options?: StepOptions) => {
    const o = optionsOf('step', options);
    const num = (key: string, dflt: number): number => (o[key] === undefined ? dflt : finiteNumber('step', key, o[key]));
    return { threshold: num('threshold', 0), low: num('low', 0), high: num('high', 1), grad: thresholdGrad('step', o.grad) };
  },
  f: (z, { threshold, low, high }) => kernels.step(z, threshold, low, high),
  df: (dy, _z, _y, { grad }) => thresholdBackward('step', dy, grad),
});

/** sign(z): −1, 0 or 1. Not differentiable: see ThresholdGrad. */
export const sign = unary('sign', {
  attrs: (options?: { grad?: ThresholdGrad }) => ({ grad: thresholdGrad('sign', optionsOf('sign', options).grad) }),
  f: (z) => kernels.unary('sign', z),
  df: (dy, _z, _y, { grad }) => thresholdBackward('sign', dy, grad),
});
