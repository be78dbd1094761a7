/**
 * Arithmetic with NumPy broadcasting, and the elementwise maths functions. Where an input
 * was broadcast, its gradient is summed back down to its own shape.
 */
import { ValueError } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import type { BinaryOp, FloatArray } from '../kernels/types.js';
import { record } from '../autograd/graph.js';
import { broadcastShapes, sameShape, type Shape } from '../tensor/shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor/tensor.js';
import { checkArgCount, finiteNumber } from './args.js';
import { unary } from './unary.js';

/** The gradient g of the broadcast shape, summed back to an input's shape. */
function unbroadcast(g: FloatArray, from: Shape, to: Shape): FloatArray {
  return sameShape(from, to) ? g : kernels.sumToShape(g, from, to);
}

function binaryOp(op: BinaryOp, aIn: TensorLike, bIn: TensorLike, argCount: number): Tensor {
  checkArgCount(op, 2, argCount);
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
  return binaryOp('add', a, b, arguments.length);
}

/** a − b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('sub', a, b, arguments.length);
}

/** a · b elementwise, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('mul', a, b, arguments.length);
}

/** a / b elementwise, broadcasting. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('div', a, b, arguments.length);
}

/** −x; ∂/∂x = −1. */
export const neg = unary('neg', {
  f: (x) => kernels.unary('neg', x),
  df: (dy) => kernels.unary('neg', dy),
});

/** x^p for a scalar exponent p; ∂/∂x = p·x^(p−1). */
export const pow = unary('pow', {
  attrs: (p: number) => ({ exponent: finiteNumber('pow', 'exponent', p) }),
  f: (x, { exponent }) => kernels.powScalar(x, exponent),
  df: (dy, x, _y, { exponent }) => kernels.powScalarGrad(dy, x, exponent),
});

/** e^x; ∂/∂x = e^x. */
export const exp = unary('exp', {
  f: (x) => kernels.unary('exp', x),
  df: (dy, _x, y) => kernels.unaryGrad('exp', dy, y), // the output itself
});

/** Natural log (log of a negative number is NaN, as in IEEE and PyTorch); ∂/∂x = 1/x. */
export const log = unary('log', {
  f: (x) => kernels.unary('log', x),
  df: (dy, x) => kernels.unaryGrad('log', dy, x),
});

/** √x; ∂/∂x = 1/(2√x). */
export const sqrt = unary('sqrt', {
  f: (x) => kernels.unary('sqrt', x),
  df: (dy, _x, y) => kernels.unaryGrad('sqrt', dy, y), // 1/(2y), from the output
});

/** |x|; ∂/∂x = sign(x) (0 at 0, as PyTorch). */
export const abs = unary('abs', {
  f: (x) => kernels.unary('abs', x),
  df: (dy, x) => kernels.unaryGrad('abs', dy, x),
});

/** Limits x to [min, max]; the gradient passes where min ≤ x ≤ max and is 0 where clamped. */
export const clamp = unary('clamp', {
  attrs: (min?: number, max?: number) => {
    const lo = min ?? -Infinity;
    const hi = max ?? Infinity;
    if (typeof lo !== 'number' || typeof hi !== 'number' || Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) {
      throw new ValueError(`clamp: need numbers min ≤ max, got min=${String(min)}, max=${String(max)}`);
    }
    // An absent bound is recorded as null (PyTorch's None), which JSON can hold and ±Infinity not.
    return { min: lo === -Infinity ? null : lo, max: hi === Infinity ? null : hi };
  },
  f: (x, { min, max }) => kernels.clamp(x, min ?? -Infinity, max ?? Infinity),
  df: (dy, x, _y, { min, max }) => kernels.clampGrad(dy, x, min ?? -Infinity, max ?? Infinity),
});

/** sin(x); ∂/∂x = cos(x). */
export const sin = unary('sin', {
  f: (x) => kernels.unary('sin', x),
  df: (dy, x) => kernels.unaryGrad('sin', dy, x),
});

/** cos(x); ∂/∂x = −sin(x). */
export const cos = unary('cos', {
  f: (x) => kernels.unary('cos', x),
  df: (dy, x) => kernels.unaryGrad('cos', dy, x),
});
