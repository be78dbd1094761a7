// Regression tests for defects found in review of the core floors (kernels, tensor, autograd, ops, losses, nn).
// Expected values come from PyTorch (Debian's python3-torch) or from the maths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

const { tensor, scalar, zeros, ones, randn, manualSeed, BackpropError } = bp;

test('pow(x, 0) has gradient 0 at x = 0, not NaN', () => {
  // torch: x = tensor([0., 1., 2.]); pow(x, 0).sum().backward() → x.grad = [0., 0., 0.]
  // (d/dx x^0 = 0 everywhere; here 0 · 0^(−1) = 0 · ∞ = NaN at x = 0)
  const x = tensor([0, 1, 2], { requiresGrad: true });
  bp.pow(x, 0).sum().backward();
  assertClose(x.grad!, [0, 0, 0]);
});

test('max/min/argmax over an empty axis throw instead of returning NaN or index 0', () => {
  // torch: zeros(2, 0).max(1) → IndexError "max(): Expected reduction dim 1 to have non-zero size";
  // zeros(0).max() and zeros(0).argmax() raise too. Here they give NaN values and index 0.
  throwsWith(() => bp.max(zeros([2, 0]), 1), BackpropError, /max/);
  throwsWith(() => bp.min(zeros([0, 3]), 0), BackpropError, /min/);
  throwsWith(() => bp.max(zeros([0])), BackpropError, /max/);
  throwsWith(() => bp.argmax(zeros([0])), BackpropError, /argmax/);
});

test('0-d tensors accept axis 0 and -1 in reductions, softmax and squeeze, as in PyTorch', () => {
  // torch: tensor(3.).sum(0) → 3., .mean(-1) → 3., .softmax(-1) → 1., .squeeze(0) → 3.
  // Here: ShapeError "axis 0 is out of range for a tensor of 0 dimensions (valid: 0…-1)".
  assert.equal(bp.sum(scalar(3), 0).item(), 3);
  assert.equal(bp.mean(scalar(3), -1).item(), 3);
  assert.equal(bp.softmax(scalar(3)).item(), 1);
  assert.deepEqual(bp.squeeze(scalar(3), 0).shape, []);
});

test('flatten() with no arguments flattens every axis, like torch.flatten and Tensor.flatten', () => {
  // torch: zeros(2, 3, 4).flatten().shape → [24]; tensor([1., 2., 3.]).flatten() → [1., 2., 3.].
  // Here the default start is 1 (nn.Flatten's), so [2, 3, 4] → [2, 12] and a 1-D tensor throws.
  assert.deepEqual(zeros([2, 3, 4]).flatten().shape, [24]);
  assert.deepEqual(bp.flatten(zeros([2, 3, 4])).shape, [24]);
  assert.deepEqual(tensor([1, 2, 3]).flatten().shape, [3]);
});

test('linear with zero input features gives the bias for every row', () => {
  // torch: F.linear(zeros(2, 0), zeros(3, 0), ones(3)) → [[1, 1, 1], [1, 1, 1]].
  // Here rows = x.size / inF = 0/0 = NaN and the Tensor constructor throws "0 elements do not fill [2, 3]".
  assertClose(bp.linear(zeros([2, 0]), zeros([3, 0]), ones([3])), [[1, 1, 1], [1, 1, 1]]);
});

test('concat keeps its own copy of the input list, so changing the caller\'s array later does not lose gradients', () => {
  // The graph node stores the caller's array itself; emptying it before backward() silently
  // drops every gradient (pushing to it makes backward throw a ShapeError instead).
  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3], { requiresGrad: true });
  const parts = [a, b];
  const y = bp.concat(parts);
  parts.length = 0; // e.g. a buffer of per-step outputs reused by the caller
  bp.mul(y, tensor([1, 2, 3])).sum().backward();
  assert.ok(a.grad && b.grad, 'gradients were lost');
  assertClose(a.grad, [1, 2]);
  assertClose(b.grad, [3]);
});

test('float64 gradcheck: concat and binaryCrossEntropy keep float64 when the first operand is a float32 constant', () => {
  // Kernels that allocate their output "like" the first input (concat: xs[0]; binaryCrossEntropy: y)
  // round the float64 result to float32 when the first operand was created outside gradcheck,
  // so finite differences of size 1e-6 are lost and gradcheck reports a spurious error (~2e-2).
  manualSeed(3);
  const h0 = randn([2]); // float32, e.g. an initial state captured by the closure
  const x = randn([3], { requiresGrad: true });
  const errConcat = bp.gradcheck((v) => bp.mul(bp.concat([h0, v]), bp.concat([h0, v])), [x]);
  assert.ok(errConcat < 1e-6, `concat: gradcheck error ${errConcat}`);
  const p = bp.rand([3], { low: 0.1, high: 0.9 }); // float32 probabilities, target requires grad
  const d = bp.rand([3], { requiresGrad: true });
  const errBce = bp.gradcheck((t) => bp.binaryCrossEntropy(p, t), [d]);
  assert.ok(errBce < 1e-6, `binaryCrossEntropy: gradcheck error ${errBce}`);
});

test('argmax with keepdims and no axis keeps every axis as size 1, like max does (and PyTorch)', () => {
  // torch: zeros(2, 3).argmax(keepdim=True).shape → [1, 1]; here max(x, undefined, true) gives
  // [1, 1] but argmax ignores keepdims and gives [].
  assert.deepEqual(bp.argmax(zeros([2, 3]), undefined, true).shape, [1, 1]);
});

test('Module finds child modules assigned as fields, as PyTorch\'s nn.Module does', () => {
  // A PyTorch user writes `fc1 = new Linear(2, 3)` as a field; here parameters() and stateDict()
  // are silently empty unless registerModule() is called, so the model saves and trains nothing.
  class Net extends bp.Module {
    fc1 = new bp.Linear(2, 3);
    override forward(x: bp.Tensor): bp.Tensor {
      return this.fc1.forward(x);
    }
  }
  const net = new Net();
  assert.deepEqual(net.namedParameters().map(([n]) => n), ['fc1.weight', 'fc1.bias']);
  assert.deepEqual(Object.keys(net.stateDict()), ['fc1.weight', 'fc1.bias']);
});

test('ops given something that is not a Tensor throw a BackpropError naming the op', () => {
  // Here: TypeError "Cannot read properties of undefined (reading 'length')" from inside a kernel,
  // and add(x, null) says "expected a Tensor or a number, got null" without naming add.
  const notATensor = [1, 2] as unknown as bp.Tensor;
  throwsWith(() => bp.relu(notATensor), BackpropError, /relu/);
  throwsWith(() => bp.sum(notATensor), BackpropError, /sum/);
  throwsWith(() => bp.reshape(notATensor, [2]), BackpropError, /reshape/);
  throwsWith(() => bp.linear(notATensor, zeros([2, 2])), BackpropError, /linear/);
  throwsWith(() => bp.nll(notATensor, tensor([0])), BackpropError, /nll/);
  throwsWith(() => bp.add(zeros([2]), null as unknown as bp.Tensor), BackpropError, /add/);
});

test('relu propagates NaN instead of turning it into 0', () => {
  // torch.relu(tensor([nan, -1., 1.])) → [nan, 0., 1.]. Mapping NaN to 0 hides a diverged layer
  // from every later NaN check (the loss can stay finite while the weights are NaN).
  const y = bp.relu(tensor([NaN, -1, 1]));
  assertClose(y, [NaN, 0, 1]);
});

test('printing switches to scientific notation when max/min > 1000, as PyTorch, instead of losing digits', () => {
  // torch: tensor([0.00012345, 100.]) prints tensor([1.2345e-04, 1.0000e+02]);
  // here 0.00012345 prints as 0.0001 (the ratio rule also requires max ≥ 1000).
  assert.equal(tensor([0.00012345, 100]).toString(), 'tensor([1.2345e-04, 1.0000e+02])');
});

test('fromTypedArray stores a Float64Array as float32, like every other user-created tensor', () => {
  // DESIGN.md: float32 storage, float64 only inside gradcheck; Tensor.data is typed Float32Array.
  // Here the Float64Array is wrapped as is, so dtype is float64 and float64 spreads through every op.
  const x = bp.fromTypedArray(new Float64Array([1, 2, 3, 4]), [2, 2]);
  assert.equal(x.dtype, 'float32');
  assert.ok(x.data instanceof Float32Array);
});
