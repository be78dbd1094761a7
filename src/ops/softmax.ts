/**
 * Softmax, the lecture's vector activation y_i = e^{z_i} / Σ_j e^{z_j}, and log-softmax.
 * Computed stably by subtracting the largest logit first (fine for logits like ±1000),
 * with the Jacobian applied in backward without forming it.
 */
import { kernels } from '../kernels/backend.js';
import { record } from '../autograd/graph.js';
import { normalizeAxis, splitAt } from '../tensor/shape.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { checkArgCount } from './args.js';
import { reshape } from './shape.js';

/** Softmax along `axis` (default the last): probabilities that sum to 1. */
export function softmax(z: Tensor, axis = -1): Tensor {
  checkTensor(z, 'softmax');
  checkArgCount('softmax', 2, arguments.length);
  if (z.ndim === 0) return reshape(softmax(reshape(z, [1]), normalizeAxis(axis, 0, 'softmax')), []);
  const ax = normalizeAxis(axis, z.ndim, 'softmax');
  const [outer, n, inner] = splitAt(z.shape, ax);
  const y = new Tensor(kernels.softmax(z.data, outer, n, inner, false), z.shape);
  // ∂E/∂z_i = y_i (∂E/∂y_i − Σ_j y_j ∂E/∂y_j)
  return record(y, 'softmax', [z], (dy) => [kernels.softmaxGrad(dy, y.data, outer, n, inner, false)], { axis: ax });
}

/** log(softmax(z)) along `axis`, computed as z − logsumexp(z) so it never takes log(0). */
export function logSoftmax(z: Tensor, axis = -1): Tensor {
  checkTensor(z, 'logSoftmax');
  checkArgCount('logSoftmax', 2, arguments.length);
  if (z.ndim === 0) return reshape(logSoftmax(reshape(z, [1]), normalizeAxis(axis, 0, 'logSoftmax')), []);
  const ax = normalizeAxis(axis, z.ndim, 'logSoftmax');
  const [outer, n, inner] = splitAt(z.shape, ax);
  const y = new Tensor(kernels.softmax(z.data, outer, n, inner, true), z.shape);
  // ∂E/∂z_i = ∂E/∂y_i − softmax(z)_i Σ_j ∂E/∂y_j
  return record(y, 'logSoftmax', [z], (dy) => [kernels.softmaxGrad(dy, y.data, outer, n, inner, true)], { axis: ax });
}
