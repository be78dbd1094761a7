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
  // The lecture formulas in plain JavaScript (float64), independent of the library's ops:
  // s = XW, P = softmax(s) row by row, G = (P − Y)/m, ∂L/∂W = XᵀG.
  const x = X.toArray() as number[][];
  const w = W.detach().toArray() as number[][];
  const sHand = x.map((row) => w[0].map((_, j) => row.reduce((acc, v, k) => acc + v * w[k][j], 0)));
  const G = sHand.map((row, i) => {
    const mx = Math.max(...row);
    const e = row.map((v) => Math.exp(v - mx));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((v, j) => (v / z - (j === labels[i] ? 1 : 0)) / 4);
  });
  const dW = w.map((_, k) => w[0].map((__, j) => x.reduce((acc, row, i) => acc + row[k] * G[i][j], 0)));
  assertClose(s.grad!, G, 1e-6);
  assertClose(W.grad!, dW, 1e-6);
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
  // By hand: q = softmax(s), CE = −Σ d log q, H = −Σ d log d, KL = Σ d log(d/q) = CE − H.
  const sv = [0.1, 1.2, -0.4];
  const dv = [0.2, 0.5, 0.3];
  const logZ = Math.log(sv.reduce((a, v) => a + Math.exp(v), 0));
  const ce = -dv.reduce((a, p, i) => a + p * (sv[i] - logZ), 0);
  const H = -dv.reduce((a, p) => a + p * Math.log(p), 0);
  // torch 1.13: F.cross_entropy(s, d) = 1.128378987312317, F.kl_div(log_softmax(s, 1), d, reduction='sum') = 0.09872597455978394
  assertClose(ce, 1.128378987312317, 1e-6);
  assertClose(ce - H, 0.09872597455978394, 1e-6);
  assertClose(bp.crossEntropy(s, d).item(), ce, 1e-6);
  assertClose(bp.klDiv(bp.logSoftmax(s, 1), d, { reduction: 'batchmean' }).item(), ce - H, 1e-6);
  assertClose(bp.klDiv(bp.logSoftmax(s, 1), d).item(), (ce - H) / 3, 1e-6); // default 'mean': over the 3 elements, as PyTorch
});

test('binary cross-entropy: formula, finite at 0 and 1, and the stable logits form agrees', () => {
  const p = tensor([0.9, 0.2]);
  const d = tensor([1, 0]);
  assertClose(bp.binaryCrossEntropy(p, d), -(Math.log(0.9) + Math.log(0.8)) / 2, 1e-6);
  const sat = tensor([0, 1], { requiresGrad: true });
  const L = bp.binaryCrossEntropy(sat, tensor([1, 1]), { reduction: 'sum' });
  assertClose(L, 100, 1e-4); // log clamped at −100
  L.backward();
  // torch 1.13: p = [0., 1.] (requires_grad), F.binary_cross_entropy(p, [1., 1.], reduction='sum').backward()
  // → p.grad = [-1.0000e+12, 0.] (PyTorch divides by max(p(1 − p), 1e-12)); finite at both ends.
  assert.ok(Array.from(sat.grad!.data).every(Number.isFinite));
  assertClose(sat.grad!, [-1e12, 0], 0, 1e-6);
  const z = tensor([3, -2, 0, 8]);
  const t = tensor([1, 0, 1, 0]);
  // By hand, the stable form max(z, 0) − z·d + log(1 + e^−|z|), averaged: 2.217249487387389;
  // torch 1.13 F.binary_cross_entropy_with_logits gives 2.217249631881714 (float32).
  const hand = [3, -2, 0, 8].reduce((a, zi, i) => a + Math.max(zi, 0) - zi * [1, 0, 1, 0][i] + Math.log1p(Math.exp(-Math.abs(zi))), 0) / 4;
  assertClose(hand, 2.217249487387389, 1e-12);
  assertClose(bp.binaryCrossEntropyWithLogits(z, t), hand, 1e-6);
  assertClose(bp.binaryCrossEntropy(bp.clamp(bp.sigmoid(z), 1e-30, 1), t), hand, 1e-5);
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
