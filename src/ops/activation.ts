/**
 * The lecture's table of activations, each with its derivative beside it. Backward rules reuse
 * the forward output where the derivative is a function of it (σ' = σ(1−σ), tanh' = 1−tanh²).
 */
import { GraphError, ValueError } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import { record } from '../autograd/graph.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';

/** Logistic sigmoid σ(z) = 1/(1+e^−z); σ'(z) = σ(z)(1−σ(z)) ≤ 0.25 (hence vanishing gradients). */
export function sigmoid(z: Tensor): Tensor {
  checkTensor(z, 'sigmoid');
  const y = new Tensor(kernels.unary('sigmoid', z.data), z.shape);
  return record(y, 'sigmoid', [z], (dy) => [kernels.unaryGrad('sigmoid', dy, y.data)]);
}

/** Hyperbolic tangent; tanh'(z) = 1 − tanh²(z). */
export function tanh(z: Tensor): Tensor {
  checkTensor(z, 'tanh');
  const y = new Tensor(kernels.unary('tanh', z.data), z.shape);
  return record(y, 'tanh', [z], (dy) => [kernels.unaryGrad('tanh', dy, y.data)]);
}

/**
 * Rectified linear unit max(0, z); ReLU'(z) = 1 for z > 0, else 0. At z = 0 we take 0,
 * as PyTorch does (one lecture takes 1; the choice only matters exactly at 0).
 */
export function relu(z: Tensor): Tensor {
  checkTensor(z, 'relu');
  const y = new Tensor(kernels.unary('relu', z.data), z.shape);
  return record(y, 'relu', [z], (dy) => [kernels.unaryGrad('relu', dy, z.data)]);
}

/** Leaky ReLU max(slope·z, z) (PyTorch's default slope 0.01; one lecture uses 0.1); f' = 1 or slope. */
export function leakyRelu(z: Tensor, slope = 0.01): Tensor {
  checkTensor(z, 'leakyRelu');
  if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new ValueError(`leakyRelu: slope must be a finite number, got ${String(slope)}`);
  const y = new Tensor(kernels.leakyRelu(z.data, slope), z.shape);
  return record(y, 'leakyRelu', [z], (dy) => [kernels.leakyReluGrad(dy, z.data, slope)]);
}

/** softplus(z) = log(1 + e^z), a smooth ReLU; its derivative is σ(z). */
export function softplus(z: Tensor): Tensor {
  checkTensor(z, 'softplus');
  const y = new Tensor(kernels.unary('softplus', z.data), z.shape);
  return record(y, 'softplus', [z], (dy) => [kernels.unaryGrad('softplus', dy, z.data)]);
}

/** ELU: z for z > 0, α(e^z − 1) otherwise; f' = 1 or f(z) + α. */
export function elu(z: Tensor, alpha = 1): Tensor {
  checkTensor(z, 'elu');
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ValueError(`elu: alpha must be a finite number, got ${String(alpha)}`);
  const y = new Tensor(kernels.elu(z.data, alpha), z.shape);
  return record(y, 'elu', [z], (dy) => [kernels.eluGrad(dy, z.data, y.data, alpha)]);
}

/** The identity activation f(z) = z, f' = 1 (linear output units for regression). */
export function identity(z: Tensor): Tensor {
  checkTensor(z, 'identity');
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

function thresholdBackward(op: string, mode: ThresholdGrad, n: number, like: Float32Array | Float64Array) {
  return () => {
    if (mode === 'zero') return [like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n)];
    throw new GraphError(
      `${op} is not differentiable (its derivative is 0 everywhere except at the threshold, where it is undefined), ` +
        `so back-propagation cannot pass through it. Use sigmoid/tanh for gradient training, train with the perceptron rule, ` +
        `or pass { grad: 'zero' } to get a zero gradient.`,
    );
  };
}

/** Threshold (step) unit: high where z ≥ threshold, low elsewhere. Not differentiable: see ThresholdGrad. */
export function step(z: Tensor, options: StepOptions = {}): Tensor {
  checkTensor(z, 'step');
  const threshold = options.threshold ?? 0;
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  const y = new Tensor(kernels.step(z.data, threshold, low, high), z.shape);
  return record(y, 'step', [z], thresholdBackward('step', options.grad ?? 'error', z.size, z.data));
}

/** sign(z): −1, 0 or 1. Not differentiable: see ThresholdGrad. */
export function sign(z: Tensor, options: { grad?: ThresholdGrad } = {}): Tensor {
  checkTensor(z, 'sign');
  const y = new Tensor(kernels.unary('sign', z.data), z.shape);
  return record(y, 'sign', [z], thresholdBackward('sign', options.grad ?? 'error', z.size, z.data));
}
