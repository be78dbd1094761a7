/**
 * Arithmetic with NumPy broadcasting, and the elementwise maths functions. Where an input
 * was broadcast, its gradient is summed back down to its own shape.
 */
import { ValueError } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import type { BinaryOp, FloatArray } from '../kernels/types.js';
import { record } from '../autograd/graph.js';
import { broadcastShapes, sameShape, type Shape } from '../tensor/shape.js';
import { Tensor, checkTensor, toTensor, type TensorLike } from '../tensor/tensor.js';

/** The gradient g of the broadcast shape, summed back to an input's shape. */
export function unbroadcast(g: FloatArray, from: Shape, to: Shape): FloatArray {
  return sameShape(from, to) ? g : kernels.sumToShape(g, from, to);
}

function binaryOp(op: BinaryOp, aIn: TensorLike, bIn: TensorLike): Tensor {
  const a = toTensor(aIn, bIn instanceof Tensor ? bIn : undefined, op);
  const b = toTensor(bIn, a, op);
  const shape = broadcastShapes(a.shape, b.shape, op);
  const y = new Tensor(kernels.binary(op, a.data, a.shape, b.data, b.shape, shape), shape);
  return record(y, op, [a, b], (dy) => {
    const da = !a.requiresGrad ? null
      : op === 'mul' ? kernels.binary('mul', dy, shape, b.data, b.shape, shape)
      : op === 'div' ? kernels.binary('div', dy, shape, b.data, b.shape, shape)
      : dy;
    let db: FloatArray | null = null;
    if (b.requiresGrad) {
      if (op === 'add') db = dy;
      else if (op === 'sub') db = kernels.unary('neg', dy);
      else if (op === 'mul') db = kernels.binary('mul', dy, shape, a.data, a.shape, shape);
      // ∂(a/b)/∂b = −a/b² = −y/b
      else db = kernels.unary('neg', kernels.binary('div', kernels.binary('mul', dy, shape, y.data, shape, shape), shape, b.data, b.shape, shape));
    }
    return [da && unbroadcast(da, shape, a.shape), db && unbroadcast(db, shape, b.shape)];
  });
}

/** a + b, broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('add', a, b);
}

/** a − b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('sub', a, b);
}

/** a · b elementwise, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('mul', a, b);
}

/** a / b elementwise, broadcasting. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('div', a, b);
}

/** −x. */
export function neg(x: Tensor): Tensor {
  checkTensor(x, 'neg');
  const y = new Tensor(kernels.unary('neg', x.data), x.shape);
  return record(y, 'neg', [x], (dy) => [kernels.unary('neg', dy)]);
}

/** x^p for a scalar exponent p; ∂/∂x = p·x^(p−1). */
export function pow(x: Tensor, p: number): Tensor {
  checkTensor(x, 'pow');
  if (typeof p !== 'number' || !Number.isFinite(p)) throw new ValueError(`pow: exponent must be a finite number, got ${String(p)}`);
  const y = new Tensor(kernels.powScalar(x.data, p), x.shape);
  return record(y, 'pow', [x], (dy) => [kernels.powScalarGrad(dy, x.data, p)]);
}

/** e^x; ∂/∂x = e^x. */
export function exp(x: Tensor): Tensor {
  checkTensor(x, 'exp');
  const y = new Tensor(kernels.unary('exp', x.data), x.shape);
  return record(y, 'exp', [x], (dy) => [kernels.unaryGrad('exp', dy, y.data)]);
}

/** Natural log (log of a negative number is NaN, as in IEEE and PyTorch); ∂/∂x = 1/x. */
export function log(x: Tensor): Tensor {
  checkTensor(x, 'log');
  const y = new Tensor(kernels.unary('log', x.data), x.shape);
  return record(y, 'log', [x], (dy) => [kernels.unaryGrad('log', dy, x.data)]);
}

/** √x; ∂/∂x = 1/(2√x). */
export function sqrt(x: Tensor): Tensor {
  checkTensor(x, 'sqrt');
  const y = new Tensor(kernels.unary('sqrt', x.data), x.shape);
  return record(y, 'sqrt', [x], (dy) => [kernels.unaryGrad('sqrt', dy, y.data)]);
}

/** |x|; ∂/∂x = sign(x) (0 at 0, as PyTorch). */
export function abs(x: Tensor): Tensor {
  checkTensor(x, 'abs');
  const y = new Tensor(kernels.unary('abs', x.data), x.shape);
  return record(y, 'abs', [x], (dy) => [kernels.unaryGrad('abs', dy, x.data)]);
}

/** Limits x to [min, max]; the gradient passes where min ≤ x ≤ max and is 0 where clamped. */
export function clamp(x: Tensor, min = -Infinity, max = Infinity): Tensor {
  checkTensor(x, 'clamp');
  if (typeof min !== 'number' || typeof max !== 'number' || Number.isNaN(min) || Number.isNaN(max) || min > max) {
    throw new ValueError(`clamp: need numbers min ≤ max, got min=${String(min)}, max=${String(max)}`);
  }
  const y = new Tensor(kernels.clamp(x.data, min, max), x.shape);
  return record(y, 'clamp', [x], (dy) => [kernels.clampGrad(dy, x.data, min, max)]);
}

/** sin(x); ∂/∂x = cos(x). */
export function sin(x: Tensor): Tensor {
  checkTensor(x, 'sin');
  const y = new Tensor(kernels.unary('sin', x.data), x.shape);
  return record(y, 'sin', [x], (dy) => [kernels.unaryGrad('sin', dy, x.data)]);
}

/** cos(x); ∂/∂x = −sin(x). */
export function cos(x: Tensor): Tensor {
  checkTensor(x, 'cos');
  const y = new Tensor(kernels.unary('cos', x.data), x.shape);
  return record(y, 'cos', [x], (dy) => [kernels.unaryGrad('cos', dy, x.data)]);
}
