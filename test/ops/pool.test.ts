// Pooling: hand-derived values and gradients, −∞ padding of max pooling, the divisor rules of
// average pooling, adaptive windows, gradient checks, attrs, and typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { throwsWith } from '../helpers.js';

const { maxPool2d, avgPool2d, maxPool1d, avgPool1d, adaptiveAvgPool2d, globalAvgPool, tensor, randn, manualSeed, gradcheck, ShapeError, ValueError } = bp;

test('maxPool2d 2×2 keeps each window maximum and routes δ to it', () => {
  const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 0, 1, 1], [7, 2, 1, 9]]]], { requiresGrad: true });
  const y = maxPool2d(x, 2);
  assert.deepEqual(y.toArray(), [[[[5, 8], [7, 9]]]]);
  y.backward(tensor([[[[1, 2], [3, 4]]]]));
  assert.deepEqual(x.grad?.toArray(), [[[[0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0], [3, 0, 0, 4]]]]);
});

test('max pooling pads with −∞: an all-negative border keeps its own values', () => {
  const x = tensor([[[-3, -1, -2, -5]]]);
  // windows of 3, stride 2, padding 1: [pad, −3, −1], [−1, −2, −5]
  assert.deepEqual(maxPool1d(x, 3, { stride: 2, padding: 1 }).toArray(), [[[-1, -1]]]);
  assert.ok(Number.isNaN(maxPool1d(tensor([[[1, NaN, 0, 2]]]), 2).data[0]), 'NaN propagates, as PyTorch');
});

test('avgPool1d divisor: padding counted by default, not with countIncludePad false', () => {
  const x = tensor([[[2, 4, 6, 8]]], { requiresGrad: true });
  // windows of 3, stride 2, padding 1: [0, 2, 4], [4, 6, 8]
  assert.deepEqual(avgPool1d(x, 3, { stride: 2, padding: 1 }).toArray(), [[[2, 6]]]);
  const y = avgPool1d(x, 3, { stride: 2, padding: 1, countIncludePad: false });
  assert.deepEqual(y.toArray(), [[[3, 6]]]);
  y.backward(tensor([[[6, 3]]]));
  // 6 shared by 2 real inputs, 3 by 3; input 4 is in both windows
  assert.deepEqual(x.grad?.toArray(), [[[3, 4, 1, 1]]]);
});

test('avgPool2d with ceilMode keeps the last partial window, dividing by its size', () => {
  const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
  assert.deepEqual(avgPool2d(x, 2).toArray(), [[[[3]]]]);
  assert.deepEqual(avgPool2d(x, 2, { ceilMode: true }).toArray(), [[[[3, 4.5], [7.5, 9]]]]);
  assert.deepEqual(maxPool2d(x, 2, { ceilMode: true }).toArray(), [[[[5, 6], [8, 9]]]]);
});

test('adaptiveAvgPool2d uses windows [⌊i·H/out⌋, ⌈(i+1)·H/out⌉): overlapping for 5 → 3', () => {
  const x = tensor([[[[1, 2, 3, 4, 5]]]], { requiresGrad: true });
  // windows [0,2), [1,4), [3,5)
  const y = adaptiveAvgPool2d(x, [1, 3]);
  assert.deepEqual(y.toArray(), [[[[1.5, 3, 4.5]]]]);
  y.backward(tensor([[[[2, 3, 4]]]]));
  assert.deepEqual(x.grad?.toArray(), [[[[1, 2, 1, 3, 2]]]]);
});

test('globalAvgPool is the mean of each channel, shape [N, C, 1, 1]', () => {
  const x = tensor([[[[1, 2], [3, 6]], [[0, 0], [0, 4]]]]);
  const y = globalAvgPool(x);
  assert.deepEqual(y.shape, [1, 2, 1, 1]);
  assert.deepEqual(y.toArray(), [[[[3]], [[1]]]]);
  assert.deepEqual(globalAvgPool(tensor([[[1, 2, 6]]])).toArray(), [[[3]]]);
});

const g = (shape: number[]) => randn(shape, { requiresGrad: true });
const checks: [string, (x: bp.Tensor) => bp.Tensor, number[]][] = [
  ['maxPool2d 3 stride 2 padding 1', (x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), [2, 2, 5, 5]],
  ['maxPool1d 2 ceilMode', (x) => maxPool1d(x, 2, { ceilMode: true }), [2, 2, 7]],
  ['avgPool2d [3,2] padding [1,1] ceilMode', (x) => avgPool2d(x, [3, 2], { stride: 2, padding: 1, ceilMode: true }), [1, 2, 6, 5]],
  ['avgPool2d countIncludePad false', (x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), [1, 2, 5, 5]],
  ['avgPool1d', (x) => avgPool1d(x, 3, { stride: 1 }), [2, 2, 6]],
  ['adaptiveAvgPool2d 5×7 → 3×4', (x) => adaptiveAvgPool2d(x, [3, 4]), [2, 2, 5, 7]],
  ['globalAvgPool', (x) => globalAvgPool(x), [2, 3, 3, 4]],
];
for (const [name, fn, shape] of checks) {
  test(`gradcheck ${name}`, () => {
    manualSeed(11);
    const err = gradcheck(fn, [g(shape)]);
    assert.ok(err < 1e-6, `${name}: worst relative error ${err}`);
  });
}

test('pooling records its op and attributes on the graph node', () => {
  const y = avgPool2d(g([1, 1, 6, 6]), [3, 2], { padding: [1, 0], ceilMode: true, countIncludePad: false });
  assert.equal(y.node?.op, 'avgPool2d');
  assert.deepEqual(y.node?.attrs, { kernelSize: [3, 2], stride: [3, 2], padding: [1, 0], ceilMode: true, countIncludePad: false });
  const m = maxPool1d(g([1, 1, 6]), 2, { stride: 1 });
  assert.deepEqual([m.node?.op, m.node?.attrs], ['maxPool1d', { kernelSize: [2], stride: [1], padding: [0], ceilMode: false }]);
  assert.deepEqual(adaptiveAvgPool2d(g([1, 1, 4, 4]), 2).node?.attrs, { outputSize: [2, 2] });
  assert.equal(globalAvgPool(g([1, 1, 4, 4])).node?.op, 'globalAvgPool');
});

test('pooling errors are typed and name the problem', () => {
  const x = randn([1, 2, 4, 4]);
  throwsWith(() => maxPool2d(x, 5), ShapeError, /maxPool2d: kernel size 5 is bigger than the padded input \(4 \+ 2·0 = 4\); input \[1, 2, 4, 4\]/);
  throwsWith(() => maxPool2d(x, 2, { padding: 2 }), ValueError, /padding \[2, 2\] must be at most half the kernel size \[2, 2\]/);
  throwsWith(() => avgPool2d(x, [2, 0]), ValueError, /kernelSize must be an integer or a list of 2 integers ≥ 1, got \[2,0\]/);
  throwsWith(() => avgPool2d(x, 2, { countIncludePad: 1 as unknown as boolean }), ValueError, /countIncludePad must be true or false/);
  throwsWith(() => maxPool2d(x, 2, { ceil: true } as bp.PoolOptions), ValueError, /unknown option 'ceil'/);
  throwsWith(() => maxPool2d(randn([4, 4]), 2), ShapeError, /input must be 4-D \[N, C, H, W\], got shape \[4, 4\]/);
  throwsWith(() => maxPool1d(x, 2), ShapeError, /maxPool1d: input must be 3-D \[N, C, L\]/);
  throwsWith(() => adaptiveAvgPool2d(x, [2, 0]), ValueError, /outputSize must be/);
  throwsWith(() => adaptiveAvgPool2d(randn([1, 1, 0, 3]), 1), ShapeError, /no spatial extent/);
  throwsWith(() => globalAvgPool(randn([2, 3])), ShapeError, /at least one spatial axis, got shape \[2, 3\]/);
});
