/**
 * Matrix products: the batched form of the lecture's back-propagation,
 * Y = X W  ⇒  ∂L/∂X = ∂L/∂Y Wᵀ,  ∂L/∂W = Xᵀ ∂L/∂Y, one matrix product per layer.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../kernels/types.js';
import { record } from '../autograd/graph.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { broadcastShapes, sizeOf } from '../tensor/shape.js';
import { checkSize } from '../tensor/limits.js';
import { checkArgCount } from './args.js';

/**
 * Matrix product as torch.matmul: [m,k]·[k,n] → [m,n]; a 1-D left operand is a row ([k]·[k,n] → [n]),
 * a 1-D right one a column ([m,k]·[k] → [m], [k]·[k] → []); leading batch axes broadcast, any number
 * of them ([1,m,k]·[b,k,n], [m,k]·[b,k,n], [2,3,m,k]·[3,k,n]), and gradients are summed back over
 * the batch axes an operand was broadcast along.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new ValueError('matmul: both arguments must be Tensors');
  checkArgCount('matmul', 2, arguments.length);
  if (a.ndim === 2 && b.ndim === 2) return matmul2d(a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both operands need at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} (use mul for a scalar)`);
  }
  return matmulNd(a, b);
}

/** Throws unless the inner sizes agree. */
function checkInner(a: Tensor, b: Tensor, k: number, k2: number): void {
  if (k !== k2) {
    throw new ShapeError(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not aligned: ${k} columns on the left vs ${k2} rows on the right`);
  }
}

/** The plain [m,k]·[k,n] product, straight to the kernel: the fast path. */
function matmul2d(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape;
  const [k2, n] = b.shape;
  checkInner(a, b, k, k2);
  checkSize([m, n], 'matmul');
  const y = new Tensor(kernels.matmul(a.data, b.data, m, k, n), [m, n]);
  return record(y, 'matmul', [a, b], (dy) => [
    a.requiresGrad ? kernels.matmul(dy, b.data, m, n, k, { transB: true }) : null,
    b.requiresGrad ? kernels.matmul(a.data, dy, k, m, n, { transA: true }) : null,
  ]);
}

/** How one operand takes part in a batched product: its storage and its stride between matrices. */
interface Operand {
  /** [...batch axes, rows, cols] after treating a vector as a row or a column. */
  readonly shape: readonly number[];
  /** The storage the kernel reads: the operand's own, or a copy expanded to the full batch. */
  readonly data: FloatArray;
  /** Elements between consecutive matrices: 0 when one matrix serves the whole batch. */
  readonly stride: number;
  /** Brings a gradient of [...batch, rows, cols] back to the operand's own size. */
  readonly reduce: (g: FloatArray) => FloatArray;
}

/** Lays out x (seen as `shape`) for a product over the broadcast `batch` axes. */
function operand(x: Tensor, shape: readonly number[], batch: readonly number[]): Operand {
  const mat = shape.slice(-2);
  const own = [...new Array<number>(batch.length + 2 - shape.length).fill(1), ...shape];
  const matSize = mat[0] * mat[1];
  const batchN = sizeOf(batch);
  const ownN = sizeOf(shape.slice(0, -2));
  if (ownN === 1) {
    // One matrix for the whole batch (no batch axes, or all of size 1): the gradient sums over the batch.
    return { shape, data: x.data, stride: 0, reduce: (g) => (batchN === 1 ? g : kernels.sumAxis(g, 1, batchN, matSize)) };
  }
  if (ownN === batchN) return { shape, data: x.data, stride: matSize, reduce: (g) => g };
  const full = [...batch, ...mat];
  checkSize(full, 'matmul (an operand broadcast over the batch)');
  return { shape, data: kernels.broadcastTo(x.data, own, full), stride: matSize, reduce: (g) => kernels.sumToShape(g, full, own) };
}

/** matmul with a vector operand or batch axes (see matmul). */
function matmulNd(a: Tensor, b: Tensor): Tensor {
  const aShape = a.ndim === 1 ? [1, a.shape[0]] : a.shape;
  const bShape = b.ndim === 1 ? [b.shape[0], 1] : b.shape;
  const [m, k] = aShape.slice(-2);
  const [k2, n] = bShape.slice(-2);
  checkInner(a, b, k, k2);
  const batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2), `matmul: batch axes of ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const outShape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  checkSize([...batch, m, n], 'matmul');
  if (sizeOf(bShape.slice(0, -2)) === 1) return matmulFolded(a, b, sizeOf(aShape.slice(0, -1)), k, n, outShape);
  const A = operand(a, aShape, batch);
  const B = operand(b, bShape, batch);
  const batchN = sizeOf(batch);
  const y = new Tensor(kernels.matmul(A.data, B.data, m, k, n, { batch: batchN, strideA: A.stride, strideB: B.stride }), outShape);
  return record(y, 'matmul', [a, b], (dy) => [
    a.requiresGrad ? A.reduce(kernels.matmul(dy, B.data, m, n, k, { batch: batchN, transB: true, strideA: m * n, strideB: B.stride })) : null,
    b.requiresGrad ? B.reduce(kernels.matmul(A.data, dy, k, m, n, { batch: batchN, transA: true, strideA: A.stride, strideB: m * n })) : null,
  ]);
}

/** A right operand that is one matrix: every row of a's batch goes through one [rows, k]·[k, n] product. */
function matmulFolded(a: Tensor, b: Tensor, rows: number, k: number, n: number, outShape: number[]): Tensor {
  const y = new Tensor(kernels.matmul(a.data, b.data, rows, k, n), outShape);
  return record(y, 'matmul', [a, b], (dy) => [
    a.requiresGrad ? kernels.matmul(dy, b.data, rows, n, k, { transB: true }) : null,
    b.requiresGrad ? kernels.matmul(a.data, dy, k, rows, n, { transA: true }) : null,
  ]);
}

/**
 * The fully connected layer's map y = x Wᵀ + b, with W stored [out, in] as PyTorch does.
 * x is [..., in]; one matrix product for the whole batch, no transposed copy of W.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor(x, 'linear');
  checkArgCount('linear', 3, arguments.length);
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
  checkSize([...x.shape.slice(0, -1), out], 'linear');
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
