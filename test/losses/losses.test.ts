// Losses against the lectures' formulas (hand-derived numbers) and their input checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { assertClose } from '../helpers.js';

const { tensor } = bp;

test('L2 divergence ½‖Y−d‖² has gradient Y − d', () => {
  const y = tensor([[0.2, 0.9], [0.4, 0.1]], { requiresGrad: true });
  const d = tensor([[0, 1], [1, 0]]);
  const E = bp.l2(y, d, { reduction: 'sum' });
  assertClose(E, 0.5 * (0.04 + 0.01 + 0.36 + 0.01), 1e-6);
  E.backward();
  assertClose(y.grad!, [[0.2, -0.1], [-0.6, 0.1]], 1e-6);
  assertClose(bp.l2(y, d), E.item() / 2, 1e-6); // mean over the 2 samples
  assert.deepEqual(bp.l2(y, d, { reduction: 'none' }).shape, [2]);
});

test('softmax + cross-entropy on a batch: ∂L/∂s = (P − Y)/m and ∂L/∂W = (1/m) Xᵀ(P − Y)', () => {
  bp.manualSeed(0);
  const X = bp.randn([4, 3]);
  const W = bp.randn([3, 5], { requiresGrad: true });
  const labels = [1, 0, 4, 2];
  const s = bp.matmul(X, W).retainGrad();
  bp.crossEntropy(s, tensor(labels)).backward();
  const P = bp.softmax(s.detach(), 1);
  const Y = bp.oneHot(labels, 5);
  const expected = bp.div(bp.sub(P, Y), 4);
  assertClose(s.grad!, expected.toArray() as number[][], 1e-6);
  assertClose(W.grad!, bp.matmul(bp.transpose(X), expected).toArray() as number[][], 1e-6);
});

test('cross-entropy from indices, one-hot and probabilities agree; −s_y + log Σ e^s', () => {
  const s = tensor([[2, 1, 0.1], [0.5, 2.5, 0.3]]);
  const byIndex = bp.crossEntropy(s, tensor([0, 1])).item();
  const byOneHot = bp.crossEntropy(s, tensor([[1, 0, 0], [0, 1, 0]])).item();
  const hand = ((-2 + Math.log(Math.exp(2) + Math.exp(1) + Math.exp(0.1))) + (-2.5 + Math.log(Math.exp(0.5) + Math.exp(2.5) + Math.exp(0.3)))) / 2;
  assertClose(byIndex, hand, 1e-6);
  assertClose(byOneHot, hand, 1e-6);
});

test('KL divergence = cross-entropy − entropy of the target', () => {
  const d = tensor([[0.2, 0.5, 0.3]]);
  const s = tensor([[0.1, 1.2, -0.4]]);
  const ce = bp.crossEntropy(s, d).item();
  const H = -[0.2, 0.5, 0.3].reduce((a, p) => a + p * Math.log(p), 0);
  assertClose(bp.klDiv(bp.logSoftmax(s, 1), d).item(), ce - H, 1e-6);
});

test('binary cross-entropy: formula, finite at 0 and 1, and the stable logits form agrees', () => {
  const p = tensor([0.9, 0.2]);
  const d = tensor([1, 0]);
  assertClose(bp.binaryCrossEntropy(p, d), -(Math.log(0.9) + Math.log(0.8)) / 2, 1e-6);
  const sat = tensor([0, 1], { requiresGrad: true });
  const L = bp.binaryCrossEntropy(sat, tensor([1, 1]), { reduction: 'sum' });
  assertClose(L, 100, 1e-4); // log clamped at −100
  L.backward();
  assert.ok(Array.from(sat.grad!.data).every(Number.isFinite));
  const z = tensor([3, -2, 0, 8]);
  const t = tensor([1, 0, 1, 0]);
  assertClose(bp.binaryCrossEntropyWithLogits(z, t), bp.binaryCrossEntropy(bp.clamp(bp.sigmoid(z), 1e-30, 1), t).item(), 1e-4);
});

test('a single-output network [N,1] takes targets [N] (reshaped, as Keras does); other mismatches are errors', () => {
  const y = tensor([[0.5], [0.25]]);
  assertClose(bp.mse(y, tensor([1, 0])), (0.25 + 0.0625) / 2, 1e-7);
  assert.throws(() => bp.mse(tensor([[1, 2]]), tensor([1, 2, 3])), /mse: output of shape \[1, 2\] and target of shape \[3\] differ/);
});

test('bad targets and options are refused with clear errors', () => {
  const s = tensor([[1, 2, 3]]);
  assert.throws(() => bp.crossEntropy(s, tensor([3])), /crossEntropy: target 0 is 3, but class indices must be whole numbers in \[0, 2\]/);
  assert.throws(() => bp.crossEntropy(s, tensor([0.5])), /target 0 is 0.5/);
  assert.throws(() => bp.crossEntropy(s, tensor([[1, 0]])), /fits logits \[1, 3\] neither as class indices/);
  assert.throws(() => bp.binaryCrossEntropy(tensor([1.5]), tensor([1])), /must be probabilities in \[0, 1\]; element 0 is 1.5/);
  assert.throws(() => bp.mse(s, s, { reduction: 'avg' as never }), /reduction must be 'mean', 'sum' or 'none'/);
  assert.throws(() => bp.l2Penalty([], -1), /λ must be ≥ 0/);
});

test('L2 penalty λΣw² has gradient 2λW', () => {
  const w = tensor([[1, -2]], { requiresGrad: true });
  const P = bp.l2Penalty([w], 0.1);
  assertClose(P, 0.5, 1e-7);
  P.backward();
  assertClose(w.grad!, [[0.2, -0.4]], 1e-7);
});

test('binary cross-entropy with logits stays exact where σ(z) rounds to 1', () => {
  // z = 50, d = 0: the loss is z + log(1 + e^−z) ≈ 50, where log(1 − σ(z)) would be −∞ in float32.
  assertClose(bp.binaryCrossEntropyWithLogits(tensor([50]), tensor([0])), 50, 1e-5);
});
