/**
 * Matrix products: the batched form of the lecture's back-propagation,
 * Y = X W  ⇒  ∂L/∂X = ∂L/∂Y Wᵀ,  ∂L/∂W = Xᵀ ∂L/∂Y, one matrix product per layer.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import { record } from '../autograd/graph.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';

/** Matrix product of 2-D [m,k]·[k,n] or batched 3-D [b,m,k]·[b,k,n] (a 2-D side is shared across the batch). */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new ValueError('matmul: both arguments must be Tensors');
  if (a.ndim < 2 || a.ndim > 3 || b.ndim < 2 || b.ndim > 3) {
    throw new ShapeError(`matmul: expected 2-D or 3-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} (reshape vectors to [1, n] or [n, 1])`);
  }
  const m = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const k2 = b.shape[b.ndim - 2];
  const n = b.shape[b.ndim - 1];
  if (k !== k2) {
    throw new ShapeError(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not aligned: ${k} columns on the left vs ${k2} rows on the right`);
  }
  const ba = a.ndim === 3 ? a.shape[0] : 1;
  const bb = b.ndim === 3 ? b.shape[0] : 1;
  if (a.ndim === 3 && b.ndim === 3 && ba !== bb) {
    throw new ShapeError(`matmul: batch sizes differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  const batch = Math.max(ba, bb);
  const outShape = a.ndim === 3 || b.ndim === 3 ? [batch, m, n] : [m, n];

  if (b.ndim === 2) {
    // [b,m,k]·[k,n] is one 2-D product of [b·m, k]·[k, n].
    const rows = batch * m;
    const y = new Tensor(kernels.matmul(a.data, b.data, rows, k, n), outShape);
    return record(y, 'matmul', [a, b], (dy) => [
      a.requiresGrad ? kernels.matmul(dy, b.data, rows, n, k, { transB: true }) : null,
      b.requiresGrad ? kernels.matmul(a.data, dy, k, rows, n, { transA: true }) : null,
    ]);
  }
  const strideA = a.ndim === 3 ? m * k : 0;
  const y = new Tensor(kernels.matmul(a.data, b.data, m, k, n, { batch, strideA, strideB: k * n }), outShape);
  return record(y, 'matmul', [a, b], (dy) => {
    let da = null;
    if (a.requiresGrad) {
      da = kernels.matmul(dy, b.data, m, n, k, { batch, transB: true, strideA: m * n, strideB: k * n });
      if (a.ndim === 2) da = kernels.sumAxis(da, 1, batch, m * k); // shared A: sum over the batch
    }
    const db = b.requiresGrad ? kernels.matmul(a.data, dy, k, m, n, { batch, transA: true, strideA, strideB: m * n }) : null;
    return [da, db];
  });
}

/**
 * The fully connected layer's map y = x Wᵀ + b, with W stored [out, in] as PyTorch does.
 * x is [..., in]; one matrix product for the whole batch, no transposed copy of W.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor(x, 'linear');
  checkTensor(weight, 'linear', 'weight');
  if (bias !== undefined && bias !== null) checkTensor(bias, 'linear', 'bias');
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D [out, in], got ${fmtShape(weight.shape)}`);
  const [out, inF] = weight.shape;
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(`linear: input of shape ${fmtShape(x.shape)} does not end in ${inF} features, as weight ${fmtShape(weight.shape)} expects`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== out)) {
    throw new ShapeError(`linear: bias must have shape [${out}] to match weight ${fmtShape(weight.shape)}, got ${fmtShape(bias.shape)}`);
  }
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const data = kernels.matmul(x.data, weight.data, rows, inF, out, { transB: true });
  if (bias) kernels.addRowInPlace(data, bias.data, rows, out);
  const y = new Tensor(data, [...x.shape.slice(0, -1), out]);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(y, 'linear', inputs, (dy) => [
    x.requiresGrad ? kernels.matmul(dy, weight.data, rows, out, inF) : null, // ∂L/∂X = ∂L/∂Y W
    weight.requiresGrad ? kernels.matmul(dy, x.data, out, rows, inF, { transA: true }) : null, // ∂L/∂W = (∂L/∂Y)ᵀ X
    bias?.requiresGrad ? kernels.sumAxis(dy, 1, rows, out) : null, // ∂L/∂b = Σ over the batch of δ
  ]);
}
