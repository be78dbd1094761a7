/**
 * The fluent API: `x.add(y).relu().sum().backward()`. The Tensor class lives a floor below
 * and cannot import ops, so the ops install themselves on its prototype here.
 */
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { backward, type BackwardOptions } from '../autograd/graph.js';
import * as A from './arith.js';
import * as Act from './activation.js';
import * as R from './reduce.js';
import * as S from './shape.js';
import * as Sm from './softmax.js';
import * as M from './matmul.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Back-propagates from this tensor (a scalar loss, or pass ∂E/∂this). */
    backward(gradient?: Tensor, options?: BackwardOptions): void;
    /** this + other, broadcasting. */
    add(other: TensorLike): Tensor;
    /** this − other, broadcasting. */
    sub(other: TensorLike): Tensor;
    /** this · other elementwise, broadcasting. */
    mul(other: TensorLike): Tensor;
    /** this / other elementwise, broadcasting. */
    div(other: TensorLike): Tensor;
    /** −this. */
    neg(): Tensor;
    /** this^p. */
    pow(p: number): Tensor;
    /** e^this. */
    exp(): Tensor;
    /** Natural log. */
    log(): Tensor;
    /** Square root. */
    sqrt(): Tensor;
    /** Absolute value. */
    abs(): Tensor;
    /** Limits values to [min, max]. */
    clamp(min?: number, max?: number): Tensor;
    /** Logistic sigmoid. */
    sigmoid(): Tensor;
    /** Hyperbolic tangent. */
    tanh(): Tensor;
    /** max(0, x). */
    relu(): Tensor;
    /** Leaky ReLU with the given slope. */
    leakyRelu(slope?: number): Tensor;
    /** (1/β)·log(1 + e^{βx}), x above the threshold (default β = 1, threshold = 20). */
    softplus(options?: Act.SoftplusOptions): Tensor;
    /** ELU with the given α. */
    elu(alpha?: number): Tensor;
    /** Softmax along an axis (default last). */
    softmax(axis?: number): Tensor;
    /** Log-softmax along an axis (default last). */
    logSoftmax(axis?: number): Tensor;
    /** Sum overall or along an axis. */
    sum(axis?: R.Axes, keepdims?: boolean): Tensor;
    /** Mean overall or along an axis. */
    mean(axis?: R.Axes, keepdims?: boolean): Tensor;
    /** Maximum overall or along an axis. */
    max(axis?: R.Axes, keepdims?: boolean): Tensor;
    /** Minimum overall or along an axis. */
    min(axis?: R.Axes, keepdims?: boolean): Tensor;
    /** Index of the maximum along an axis. */
    argmax(axis?: number, keepdims?: boolean): Tensor;
    /** Stable log Σ exp overall or along an axis. */
    logsumexp(axis?: R.Axes, keepdims?: boolean): Tensor;
    /** Matrix product. */
    matmul(other: Tensor): Tensor;
    /** Same data, new shape (one size may be −1). */
    reshape(shape: readonly number[]): Tensor;
    /** Flattens axes start…end into one (default: all, as torch.flatten). */
    flatten(start?: number, end?: number): Tensor;
    /** Inserts a size-1 axis. */
    unsqueeze(axis: number): Tensor;
    /** Removes size-1 axes. */
    squeeze(axis?: number): Tensor;
    /** Reorders axes. */
    permute(perm: readonly number[]): Tensor;
    /** Swaps two axes (default the last two). */
    transpose(axis0?: number, axis1?: number): Tensor;
    /** Elements start…end−1 along an axis (default the first). */
    slice(start: number, end?: number, axis?: number): Tensor;
    /** Entries along an axis picked by integer indices. */
    indexSelect(axis: number, indices: readonly number[] | Int32Array | Tensor): Tensor;
    /** PyTorch's gather along an axis. */
    gather(axis: number, index: Tensor | readonly number[]): Tensor;
    /** A copy with its own storage (gradients flow through). */
    clone(): Tensor;
    /** Repeats size-1 axes up to a shape. */
    broadcastTo(shape: readonly number[]): Tensor;
  }
}

/** Each method and the op it calls with `this` first; every argument is passed on, so an op's own checks (extra arguments included) apply. */
const methods = {
  add: A.add, sub: A.sub, mul: A.mul, div: A.div, neg: A.neg, pow: A.pow, exp: A.exp, log: A.log,
  sqrt: A.sqrt, abs: A.abs, clamp: A.clamp,
  sigmoid: Act.sigmoid, tanh: Act.tanh, relu: Act.relu, leakyRelu: Act.leakyRelu, softplus: Act.softplus, elu: Act.elu,
  softmax: Sm.softmax, logSoftmax: Sm.logSoftmax,
  sum: R.sum, mean: R.mean, max: R.max, min: R.min, argmax: R.argmax, logsumexp: R.logsumexp,
  matmul: M.matmul,
  reshape: S.reshape, flatten: S.flatten, unsqueeze: S.unsqueeze, squeeze: S.squeeze, permute: S.permute,
  transpose: S.transpose, slice: S.slice, indexSelect: S.indexSelect, gather: S.gather, clone: S.clone,
  broadcastTo: S.broadcastTo,
} satisfies Record<string, (x: Tensor, ...rest: never[]) => Tensor>;
// Compile-time check that every key above is a method declared on Tensor.
const _declared: readonly (keyof Tensor)[] = Object.keys(methods) as (keyof typeof methods)[];

const P = Tensor.prototype as unknown as Record<string, unknown>;
P.backward = function (this: Tensor, gradient?: Tensor, options?: BackwardOptions) { backward(this, gradient, options); };
for (const [name, op] of Object.entries(methods)) {
  const call = op as (x: Tensor, ...rest: unknown[]) => Tensor;
  P[name] = function (this: Tensor, ...rest: unknown[]) { return call(this, ...rest); };
}
