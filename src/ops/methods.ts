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
    /** log(1 + e^x). */
    softplus(): Tensor;
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

const P = Tensor.prototype;
P.backward = function (this: Tensor, gradient?: Tensor, options?: BackwardOptions) { backward(this, gradient, options); };
P.add = function (this: Tensor, o: TensorLike) { return A.add(this, o); };
P.sub = function (this: Tensor, o: TensorLike) { return A.sub(this, o); };
P.mul = function (this: Tensor, o: TensorLike) { return A.mul(this, o); };
P.div = function (this: Tensor, o: TensorLike) { return A.div(this, o); };
P.neg = function (this: Tensor) { return A.neg(this); };
P.pow = function (this: Tensor, p: number) { return A.pow(this, p); };
P.exp = function (this: Tensor) { return A.exp(this); };
P.log = function (this: Tensor) { return A.log(this); };
P.sqrt = function (this: Tensor) { return A.sqrt(this); };
P.abs = function (this: Tensor) { return A.abs(this); };
P.clamp = function (this: Tensor, min?: number, max?: number) { return A.clamp(this, min, max); };
P.sigmoid = function (this: Tensor) { return Act.sigmoid(this); };
P.tanh = function (this: Tensor) { return Act.tanh(this); };
P.relu = function (this: Tensor) { return Act.relu(this); };
P.leakyRelu = function (this: Tensor, s?: number) { return Act.leakyRelu(this, s); };
P.softplus = function (this: Tensor) { return Act.softplus(this); };
P.elu = function (this: Tensor, a?: number) { return Act.elu(this, a); };
P.softmax = function (this: Tensor, axis?: number) { return Sm.softmax(this, axis); };
P.logSoftmax = function (this: Tensor, axis?: number) { return Sm.logSoftmax(this, axis); };
P.sum = function (this: Tensor, axis?: R.Axes, k?: boolean) { return R.sum(this, axis, k); };
P.mean = function (this: Tensor, axis?: R.Axes, k?: boolean) { return R.mean(this, axis, k); };
P.max = function (this: Tensor, axis?: R.Axes, k?: boolean) { return R.max(this, axis, k); };
P.min = function (this: Tensor, axis?: R.Axes, k?: boolean) { return R.min(this, axis, k); };
P.argmax = function (this: Tensor, axis?: number, k?: boolean) { return R.argmax(this, axis, k); };
P.logsumexp = function (this: Tensor, axis?: R.Axes, k?: boolean) { return R.logsumexp(this, axis, k); };
P.matmul = function (this: Tensor, o: Tensor) { return M.matmul(this, o); };
P.reshape = function (this: Tensor, s: readonly number[]) { return S.reshape(this, s); };
P.flatten = function (this: Tensor, a?: number, b?: number) { return S.flatten(this, a, b); };
P.unsqueeze = function (this: Tensor, a: number) { return S.unsqueeze(this, a); };
P.squeeze = function (this: Tensor, a?: number) { return S.squeeze(this, a); };
P.permute = function (this: Tensor, p: readonly number[]) { return S.permute(this, p); };
P.transpose = function (this: Tensor, a?: number, b?: number) { return S.transpose(this, a, b); };
P.slice = function (this: Tensor, s: number, e?: number, a?: number) { return S.slice(this, s, e, a); };
P.indexSelect = function (this: Tensor, a: number, i: readonly number[] | Int32Array | Tensor) { return S.indexSelect(this, a, i); };
P.gather = function (this: Tensor, a: number, i: Tensor | readonly number[]) { return S.gather(this, a, i); };
P.clone = function (this: Tensor) { return S.clone(this); };
P.broadcastTo = function (this: Tensor, s: readonly number[]) { return S.broadcastTo(this, s); };
