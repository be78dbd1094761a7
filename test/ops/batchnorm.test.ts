// batchNorm: hand-derived outputs, running-statistics updates and gradients, gradient checks in
// training and evaluation, agreement with the same formula built from primitive ops, attrs and typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

const { batchNorm, tensor, zeros, ones, randn, rand, manualSeed, gradcheck, noGrad, ShapeError, ValueError } = bp;

const S = Math.sqrt(1.25); // the biased standard deviation of 1, 2, 3, 4

test('training: normalises each channel with its batch mean and biased variance', () => {
  // [N=4, C=2]: channel 0 is 1, 2, 3, 4 (μ 2.5, σ² 1.25); channel 1 is 10 × that.
  const x = tensor([[1, 10], [2, 20], [3, 30], [4, 40]]);
  const y = batchNorm(x, null, null, tensor([1, 2]), tensor([0, -1]), { training: true, eps: 0 });
  const z = [-1.5 / S, -0.5 / S, 0.5 / S, 1.5 / S];
  assertClose(y, z.map((v) => [v, 2 * v - 1]));
});

test('training updates the running statistics in place with the unbiased variance', () => {
  const x = tensor([[[1, 2]], [[3, 4]]]); // [N=2, C=1, L=2]: M = 4 values 1…4
  const rm = zeros([1]);
  const rv = ones([1]);
  noGrad(() => batchNorm(x, rm, rv, null, null, { training: true, momentum: 0.1 }));
  // mean 0.9·0 + 0.1·2.5; variance 0.9·1 + 0.1·(5/3) (Σ(x−μ)² = 5 over M−1 = 3)
  assertClose(rm, [0.25]);
  assertClose(rv, [0.9 + 0.1 * (5 / 3)]);
  batchNorm(x, rm, rv, null, null, { training: true, momentum: 1 });
  assertClose(rm, [2.5]);
  assertClose(rv, [5 / 3]);
});

test('evaluation uses the running statistics and leaves them unchanged', () => {
  const x = tensor([[[[1, 3], [5, 7]]]]); // [1, 1, 2, 2]
  const rm = tensor([1]);
  const rv = tensor([4]);
  // y = 2·(x − 1)/2 + 1 = x
  assertClose(batchNorm(x, rm, rv, tensor([2]), tensor([1]), { eps: 0 }), [[[[1, 3], [5, 7]]]]);
  assert.deepEqual([rm.data[0], rv.data[0]], [1, 4]);
  // default eps 1e-5: y = (x − 1)/√(4 + 1e-5)
  assertClose(batchNorm(x, rm, rv), [[[[0, 2], [4, 6]].map((r) => r.map((v) => v / Math.sqrt(4 + 1e-5)))]]);
});

test('training backward: the fused closed form, by hand', () => {
  const x = tensor([[1], [2], [3], [4]], { requiresGrad: true });
  const w = tensor([1], { requiresGrad: true });
  const b = tensor([0], { requiresGrad: true });
  const y = batchNorm(x, null, null, w, b, { training: true, eps: 0 });
  y.backward(tensor([[1], [0], [0], [0]]));
  // dβ = Σδ = 1; dγ = Σδ·x̂ = x̂₀ = −1.5/σ; dx = (1/σ)/4 · (4δ − dβ − x̂·dγ) = [0.3, −0.4, −0.1, 0.2]/σ
  assertClose(b.grad!, [1]);
  assertClose(w.grad!, [-1.5 / S]);
  assertClose(x.grad!, [[0.3 / S], [-0.4 / S], [-0.1 / S], [0.2 / S]]);
});

test('evaluation backward: running statistics are constants, dx = γ·δ/√(σ² + eps)', () => {
  const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const w = tensor([3, -1], { requiresGrad: true });
  const b = tensor([0, 0], { requiresGrad: true });
  batchNorm(x, tensor([1, 0]), tensor([4, 1]), w, b, { eps: 0 }).backward(tensor([[1, 2], [3, 4]]));
  assertClose(x.grad!, [[1.5, -2], [4.5, -4]]);
  // dγ = Σδ·(x − μ)/σ: channel 0: (1·0 + 3·2)/2 = 3; channel 1: 1·2·2 + 4·4 = 20 … /1
  assertClose(w.grad!, [3, 2 * 2 + 4 * 4]);
  assertClose(b.grad!, [4, 6]);
});

/** The same normalisation built from primitive ops (mean, sub, pow, …), differentiated op by op. */
function composite(x: bp.Tensor, w: bp.Tensor, b: bp.Tensor, eps: number): bp.Tensor {
  const axes = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const mu = bp.mean(x, axes, true);
  const d = bp.sub(x, mu);
  const v = bp.mean(bp.mul(d, d), axes, true);
  const xhat = bp.div(d, bp.sqrt(bp.add(v, eps)));
  return bp.add(bp.mul(xhat, bp.reshape(w, bshape)), bp.reshape(b, bshape));
}

for (const shape of [[6, 3], [3, 2, 5], [2, 3, 4, 3]]) {
  test(`training forward and gradients agree with the composite formula, input [${shape}]`, () => {
    manualSeed(7);
    const make = () => [randn(shape, { requiresGrad: true }), rand([shape[1]], { low: 0.5, high: 2, requiresGrad: true }), randn([shape[1]], { requiresGrad: true })];
    const a = make();
    const c = a.map((t) => new bp.Tensor(t.data.slice(), t.shape, true));
    const dy = randn(shape);
    const y1 = batchNorm(a[0], null, null, a[1], a[2], { training: true });
    const y2 = composite(c[0], c[1], c[2], 1e-5);
    assertClose(y1, y2.toArray(), 1e-5, 1e-4);
    y1.backward(dy);
    y2.backward(dy);
    a.forEach((t, i) => assertClose(t.grad!, c[i].grad!.toArray(), 1e-5, 1e-4, `grad ${i}`));
  });
}

const TOL = 1e-6;
const cases: [string, number[]][] = [['[N, C]', [5, 3]], ['[N, C, L]', [3, 2, 4]], ['[N, C, H, W]', [2, 3, 3, 2]]];
for (const [name, shape] of cases) {
  test(`gradcheck training ${name}: x, γ, β`, () => {
    manualSeed(3);
    const c = shape[1];
    const rm = zeros([c]);
    const rv = ones([c]);
    const err = gradcheck((x, w, b) => batchNorm(x, rm, rv, w, b, { training: true }), [
      randn(shape, { requiresGrad: true }), rand([c], { low: 0.5, high: 2, requiresGrad: true }), randn([c], { requiresGrad: true }),
    ]);
    assert.ok(err < TOL, `worst relative error ${err}`);
  });
  test(`gradcheck evaluation ${name}: x, γ, β`, () => {
    manualSeed(4);
    const c = shape[1];
    const rm = randn([c]);
    const rv = rand([c], { low: 0.5, high: 2 });
    const err = gradcheck((x, w, b) => batchNorm(x, rm, rv, w, b, { training: false, eps: 1e-3 }), [
      randn(shape, { requiresGrad: true }), randn([c], { requiresGrad: true }), randn([c], { requiresGrad: true }),
    ]);
    assert.ok(err < TOL, `worst relative error ${err}`);
  });
}

test('gradcheck training without γ and β', () => {
  manualSeed(5);
  const err = gradcheck((x) => batchNorm(x, null, null, null, null, { training: true }), [randn([4, 2, 3], { requiresGrad: true })]);
  assert.ok(err < TOL, `worst relative error ${err}`);
});

test('training: every channel of the input gradient sums to zero (the mean is subtracted)', () => {
  manualSeed(6);
  const x = randn([3, 2, 5], { requiresGrad: true });
  batchNorm(x, null, null, randn([2]), null, { training: true }).backward(randn([3, 2, 5]));
  for (let ch = 0; ch < 2; ch++) {
    let s = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) s += x.grad!.data[(i * 2 + ch) * 5 + j];
    assert.ok(Math.abs(s) < 1e-5, `channel ${ch}: Σ dx = ${s}`);
  }
});

test('the graph node records training, momentum and eps', () => {
  const x = randn([4, 2], { requiresGrad: true });
  const y = batchNorm(x, zeros([2]), ones([2]), null, null, { training: true, momentum: 0.3, eps: 1e-3 });
  assert.equal(y.node?.op, 'batchNorm');
  assert.deepEqual(y.node?.attrs, { training: true, momentum: 0.3, eps: 1e-3 });
  assert.deepEqual(batchNorm(x, zeros([2]), ones([2])).node?.attrs, { training: false, momentum: 0.1, eps: 1e-5 });
});

test('bad arguments are typed errors naming what is wrong', () => {
  const x = randn([4, 3]);
  throwsWith(() => batchNorm(randn([4]), null, null, null, null, { training: true }), ShapeError, /at least 2 axes.*\[4\]/);
  throwsWith(() => batchNorm(x, zeros([2]), ones([2])), ShapeError, /runningMean must have shape \[3\].*got \[2\]/);
  throwsWith(() => batchNorm(x, null, null, ones([3, 1]), null, { training: true }), ShapeError, /weight must have shape \[3\]/);
  throwsWith(() => batchNorm(x, null, null, null, zeros([4]), { training: true }), ShapeError, /bias must have shape \[3\]/);
  throwsWith(() => batchNorm(x, zeros([3]), null), ValueError, /both runningMean and runningVar/);
  throwsWith(() => batchNorm(x, null, null), ValueError, /evaluation.*needs runningMean and runningVar/);
  throwsWith(() => batchNorm(randn([1, 3]), null, null, null, null, { training: true }), ValueError, /more than 1 value per channel.*\[1, 3\]/);
  throwsWith(() => batchNorm(x, null, null, null, null, { training: true, momentum: 1.5 }), ValueError, /momentum must be in \[0, 1\], got 1.5/);
  throwsWith(() => batchNorm(x, null, null, null, null, { training: true, eps: -1 }), ValueError, /eps must be ≥ 0/);
  throwsWith(() => batchNorm(x, null, null, null, null, { training: 1 as unknown as boolean }), ValueError, /training must be true or false/);
  throwsWith(() => batchNorm(x, null, null, null, null, { trainig: true } as bp.BatchNormOptions), ValueError, /unknown option 'trainig'/);
  throwsWith(() => (batchNorm as (...a: unknown[]) => unknown)(x, null, null, null, null, {}, 1), ValueError, /at most 6 arguments/);
  throwsWith(() => batchNorm(x, [0, 0, 0] as unknown as bp.Tensor, ones([3])), ValueError, /runningMean/);
});

test('an evaluation node keeps the statistics it used: a later training step does not change its backward', () => {
  const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const rm = zeros([2]);
  const rv = tensor([4, 1]);
  const y = batchNorm(x, rm, rv, null, null, { eps: 0 });
  batchNorm(tensor([[10, 20], [30, 40]]), rm, rv, null, null, { training: true, momentum: 1 });
  assert.notEqual(rv.data[0], 4, 'the running statistics moved');
  y.backward(ones([2, 2]));
  assertClose(x.grad!, [[0.5, 1], [0.5, 1]]);
});

test('the op runs through the kernel table, so a backend can replace each batch-norm kernel', () => {
  const names = ['batchNormStats', 'batchNorm', 'batchNormGrad', 'batchNormUpdateRunning'] as const;
  const calls: string[] = [];
  for (const name of names) {
    const original = bp.cpuKernels[name] as (...a: unknown[]) => unknown;
    bp.overrideKernel(name, ((...args: unknown[]) => {
      calls.push(name);
      return original(...args);
    }) as never);
  }
  try {
    const x = randn([4, 2], { requiresGrad: true });
    batchNorm(x, zeros([2]), ones([2]), null, null, { training: true }).backward(ones([4, 2]));
    assert.deepEqual(calls, ['batchNormStats', 'batchNormUpdateRunning', 'batchNorm', 'batchNormGrad']);
  } finally {
    for (const name of names) bp.overrideKernel(name, bp.cpuKernels[name] as never);
  }
});
