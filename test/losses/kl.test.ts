// klDiv as torch.nn.functional.kl_div (gradient to the target, logTarget, default 'mean') and the plain klDivergence(p, q); hand-derived numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, gradcheck, klDiv, klDivergence, logSoftmax, softmax, randn, manualSeed, ValueError, ShapeError, ConfigError, Tensor } from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

// One row: input log q, target p (hand values; torch 1.13 agrees, see test/parity/losses.test.ts).
const LOGQ = [-1, -2, -0.5];
const P = [0.2, 0.3, 0.5];
const pointwise = P.map((p, i) => p * (Math.log(p) - LOGQ[i]));
const total = pointwise.reduce((a, b) => a + b, 0);

test('klDiv: Σ p (log p − input); default reduction is the mean over all elements, as PyTorch', () => {
  const x = tensor([LOGQ]);
  const p = tensor([P]);
  assertClose(klDiv(x, p, { reduction: 'sum' }).item(), total, 1e-6);
  assertClose(klDiv(x, p).item(), total / 3, 1e-6);
  assertClose(klDiv(x, p, { reduction: 'mean' }).item(), total / 3, 1e-6);
  assertClose(klDiv(x, p, { reduction: 'batchmean' }).item(), total, 1e-6);
  assertClose(klDiv(x, p, { reduction: 'none' }), [pointwise], 1e-6);
});

test('klDiv: a target that requires a gradient gets log p − input + 1, scaled by the reduction', () => {
  for (const [reduction, scale] of [['sum', 1], ['mean', 1 / 3], ['batchmean', 1]] as const) {
    const x = tensor([LOGQ], { requiresGrad: true });
    const p = tensor([P], { requiresGrad: true });
    klDiv(x, p, { reduction }).backward();
    assertClose(p.grad!, [P.map((pi, i) => scale * (Math.log(pi) - LOGQ[i] + 1))], 1e-6);
    assertClose(x.grad!, [P.map((pi) => -scale * pi)], 1e-6);
  }
});

test('klDiv with logTarget: Σ e^t (t − input), target gradient e^t (t − input + 1)', () => {
  const T = [-3, -1.2, -0.4];
  const x = tensor(LOGQ, { requiresGrad: true });
  const t = tensor(T, { requiresGrad: true });
  const out = klDiv(x, t, { reduction: 'sum', logTarget: true });
  assertClose(out.item(), T.reduce((a, ti, i) => a + Math.exp(ti) * (ti - LOGQ[i]), 0), 1e-6);
  out.backward();
  assertClose(t.grad!, T.map((ti, i) => Math.exp(ti) * (ti - LOGQ[i] + 1)), 1e-6);
  assertClose(x.grad!, T.map((ti) => -Math.exp(ti)), 1e-6);
  // torch 1.13: F.kl_div(tensor([-1., -2., -.5]), tensor([-3., -1.2, -.4]), reduction='sum', log_target=True) = 0.2084
  assertClose(out.item(), 0.2084, 1e-4);
});

test('klDiv: a zero target term counts 0; its target gradient is −input (PyTorch gives NaN there)', () => {
  const x = tensor([-3, -1], { requiresGrad: true });
  const p = tensor([0, 1], { requiresGrad: true });
  const out = klDiv(x, p, { reduction: 'sum' });
  assert.equal(out.item(), 1); // 0 + 1·(log 1 − (−1))
  out.backward();
  assert.deepEqual(Array.from(p.grad!.data), [3, 2]); // −input at p = 0; log 1 − (−1) + 1
  assert.deepEqual(Array.from(x.grad!.data), [-0, -1]); // −p
  // against an input of −∞ a zero term is 0·∞ = NaN, as in PyTorch
  assert.ok(Number.isNaN(klDiv(tensor([-Infinity]), tensor([0]), { reduction: 'sum' }).item()));
});

test('klDiv: gradcheck through input and target, plain and logTarget, every reduction', () => {
  manualSeed(11);
  const x = logSoftmax(randn([3, 4]), 1).detach().requiresGrad_();
  const p = softmax(randn([3, 4]), 1).detach().requiresGrad_();
  for (const reduction of ['mean', 'sum', 'none', 'batchmean'] as const) {
    assert.ok(gradcheck((a, b) => klDiv(a, b, { reduction }), [x, p]) < 1e-6, reduction);
    assert.ok(gradcheck((a, b) => klDiv(a, b, { reduction, logTarget: true }), [x, x.detach().requiresGrad_()]) < 1e-6, `${reduction}, logTarget`);
  }
});

test('klDiv refuses negative or NaN targets, bad reductions and shapes with typed errors', () => {
  throwsWith(() => klDiv(tensor([-1, -1]), tensor([0.5, -0.5])), ValueError, /klDiv: target element 1 is -0\.5; probabilities must be ≥ 0/);
  throwsWith(() => klDiv(tensor([-1, -1]), tensor([NaN, 1])), ValueError, /target element 0 is NaN/);
  throwsWith(() => klDiv(tensor([-1, -1]), tensor([0.5, 0.5]), { reduction: 'avg' as never }), ConfigError, /reduction must be 'mean', 'batchmean', 'sum' or 'none', got 'avg'/);
  throwsWith(() => klDiv(tensor([[-1, -1]]), tensor([0.2, 0.3, 0.5])), ShapeError, /klDiv: output of shape \[1, 2\] and target of shape \[3\] differ/);
  throwsWith(() => klDiv(tensor([-1]), [1] as unknown as Tensor), ValueError, /must be Tensors/);
});

test('klDivergence(p, q) = Σ p log(p/q) per distribution (last axis), mean over distributions by default', () => {
  const p = tensor([[0.2, 0.3, 0.5], [0.25, 0.25, 0.5]]);
  const q = tensor([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]]);
  const kl0 = 0.2 * Math.log(2) + 0.3 * Math.log(0.5) + 0.5 * Math.log(5 / 3);
  const kl1 = 0.25 * Math.log(0.5) + 0 + 0.5 * Math.log(2);
  assertClose(klDivergence(p, q, { reduction: 'none' }), [kl0, kl1], 1e-6);
  assertClose(klDivergence(p, q).item(), (kl0 + kl1) / 2, 1e-6);
  assertClose(klDivergence(p, q, { reduction: 'sum' }).item(), kl0 + kl1, 1e-6);
  assertClose(klDivergence(tensor([0.2, 0.3, 0.5]), tensor([0.1, 0.6, 0.3])).item(), kl0, 1e-6); // 1-D: one distribution
  assert.equal(klDivergence(p, p).item(), 0);
});

test('klDivergence: 0·log 0 = 0 (p = 0 terms vanish whatever q, even q = 0); q = 0 under p > 0 is +∞', () => {
  const p = tensor([0, 0.5, 0.5, 0], { requiresGrad: true });
  const q = tensor([0, 0.25, 0.5, 0.25], { requiresGrad: true });
  const out = klDivergence(p, q, { reduction: 'sum' });
  assertClose(out.item(), 0.5 * Math.log(2), 1e-6);
  out.backward();
  assertClose(q.grad!, [0, -2, -1, 0], 1e-6); // −p/q, 0 where p = 0
  assertClose(p.grad!, [0, Math.log(2) + 1, 1, -Math.log(1.25)], 1e-6); // log(p/q) + 1; −log(1 + q) at p = 0
  assert.equal(klDivergence(tensor([0.5, 0.5]), tensor([1, 0])).item(), Infinity);
});

test('klDivergence: gradcheck in p and q', () => {
  manualSeed(12);
  const p = softmax(randn([2, 3, 4]), -1).detach().requiresGrad_();
  const q = softmax(randn([2, 3, 4]), -1).detach().requiresGrad_();
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    assert.ok(gradcheck((a, b) => klDivergence(a, b, { reduction }), [p, q]) < 1e-6, reduction);
  }
});

test('klDivergence refuses different shapes, negative entries and non-tensors', () => {
  throwsWith(() => klDivergence(tensor([0.5, 0.5]), tensor([1])), ShapeError, /p of shape \[2\] and q of shape \[1\] differ/);
  throwsWith(() => klDivergence(tensor([1.5, -0.5]), tensor([0.5, 0.5])), ValueError, /p element 1 is -0\.5/);
  throwsWith(() => klDivergence(tensor([0.5, 0.5]), tensor([-1, 2])), ValueError, /q element 0 is -1/);
  throwsWith(() => klDivergence(0.5 as unknown as Tensor, tensor([1])), ValueError, /klDivergence: p must be a Tensor/);
  throwsWith(() => klDivergence(tensor([1]), tensor([1]), { reduction: 'batchmean' as never }), ConfigError, /reduction must be/);
});
