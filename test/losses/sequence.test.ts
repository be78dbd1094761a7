// sequenceCrossEntropy: the cross-entropy of every step of [N, T, V] logits against [N, T] class
// indices, masked steps left out; hand-derived numbers and a gradient check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, gradcheck, sequenceCrossEntropy, crossEntropy, reshape, randn, manualSeed, ShapeError, ValueError, ConfigError } from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

// Step 0: logits [1, 2, 3], target 2; step 1: logits [0, 0, 0], target 0.
const step0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
const step1 = Math.log(3);
const softmax0 = [1, 2, 3].map((s) => Math.exp(s) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));

test('sequenceCrossEntropy: the mean over steps of −log softmax(s_t)[y_t]; sum and none too', () => {
  const logits = tensor([[[1, 2, 3], [0, 0, 0]]]);
  const y = tensor([[2, 0]]);
  assertClose(sequenceCrossEntropy(logits, y).item(), (step0 + step1) / 2, 1e-6);
  assertClose(sequenceCrossEntropy(logits, y, { reduction: 'sum' }).item(), step0 + step1, 1e-6);
  assertClose(sequenceCrossEntropy(logits, y, { reduction: 'none' }), [[step0, step1]], 1e-6);
});

test('sequenceCrossEntropy: the gradient of the mean is (P − Y) / (number of steps)', () => {
  const logits = tensor([[[1, 2, 3], [0, 0, 0]]], { requiresGrad: true });
  sequenceCrossEntropy(logits, tensor([[2, 0]])).backward();
  assertClose(logits.grad!, [[[softmax0[0] / 2, softmax0[1] / 2, (softmax0[2] - 1) / 2], [(1 / 3 - 1) / 2, 1 / 6, 1 / 6]]], 1e-6);
});

test('sequenceCrossEntropy: a masked step adds nothing to the loss or the gradient, whatever its target', () => {
  const logits = tensor([[[1, 2, 3], [5, -4, 2]]], { requiresGrad: true });
  const mask = tensor([[1, 0]]);
  const loss = sequenceCrossEntropy(logits, tensor([[2, -1]]), { mask });
  assertClose(loss.item(), step0, 1e-6);
  loss.backward();
  assertClose(logits.grad!, [[[softmax0[0], softmax0[1], softmax0[2] - 1], [0, 0, 0]]], 1e-6);
  assertClose(sequenceCrossEntropy(logits, tensor([[2, 7]]), { mask, reduction: 'none' }), [[step0, 0]], 1e-6);
  assertClose(sequenceCrossEntropy(logits, tensor([[2, 0]]), { mask, reduction: 'sum' }).item(), step0, 1e-6);
});

test('sequenceCrossEntropy: equals crossEntropy of the [N·T, V] rows, and passes a gradient check', () => {
  manualSeed(3);
  const logits = randn([2, 3, 4]);
  const y = tensor([[0, 3, 1], [2, 2, 0]]);
  assertClose(sequenceCrossEntropy(logits, y).item(), crossEntropy(reshape(logits, [6, 4]), reshape(y, [6])).item(), 1e-6);
  const mask = tensor([[1, 1, 0], [1, 0, 0]]);
  const err = gradcheck((s) => sequenceCrossEntropy(s, y, { mask }), [randn([2, 3, 4], { requiresGrad: true })]);
  assert.ok(err < 1e-6, `gradcheck error ${err}`);
});

test('sequenceCrossEntropy: bad shapes, masks and reductions are typed errors naming them', () => {
  const logits = tensor([[[1, 2, 3], [0, 0, 0]]]);
  throwsWith(() => sequenceCrossEntropy(reshape(logits, [2, 3]), tensor([[2, 0]])), ShapeError, /logits must be \[N, T, V\], got \[2, 3\]/);
  throwsWith(() => sequenceCrossEntropy(logits, tensor([2, 0])), ShapeError, /target must be class indices \[1, 2\].*got \[2\]/);
  throwsWith(() => sequenceCrossEntropy(logits, tensor([[2, 0]]), { mask: tensor([[1, 1, 1]]) }), ShapeError, /mask must be \[1, 2\].*got \[1, 3\]/);
  throwsWith(() => sequenceCrossEntropy(logits, tensor([[2, 0]]), { mask: tensor([[1, 0.5]]) }), ValueError, /mask values must be 0 or 1, got 0.5/);
  throwsWith(() => sequenceCrossEntropy(logits, tensor([[2, 0]]), { mask: tensor([[0, 0]]) }), ValueError, /no real step/);
  throwsWith(() => sequenceCrossEntropy(logits, tensor([[2, 3]])), ValueError, /3/);
  throwsWith(() => sequenceCrossEntropy(logits, tensor([[2, 0]]), { reduction: 'avg' as never }), ConfigError, /reduction must be/);
});
