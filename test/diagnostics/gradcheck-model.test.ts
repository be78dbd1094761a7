// gradcheckEach (gradcheck per input) and gradcheckModel (per parameter tensor of a model).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';

test('gradcheckEach: one result per input, every element or maxElements of them; none for an input without a gradient', () => {
  bp.manualSeed(3);
  const a = bp.randn([3, 4], { requiresGrad: true });
  const b = bp.randn([4, 2], { requiresGrad: true });
  const c = bp.randn([3, 2]);
  const r = bp.gradcheckEach((x, w, k) => bp.mul(bp.matmul(x, w), k), [a, b, c]);
  assert.deepEqual(r.map((x) => x.checked), [12, 8, 0]);
  assert.ok(r[0].worst < 1e-8 && r[1].worst < 1e-8, JSON.stringify(r));
  assert.equal(r[2].index, -1);
  const some = bp.gradcheckEach((x, w) => bp.matmul(x, w), [a, b], { maxElements: 5 });
  assert.deepEqual(some.map((x) => x.checked), [5, 5]);
  assert.equal(bp.gradcheck((x, w) => bp.matmul(x, w), [a, b]), Math.max(...bp.gradcheckEach((x, w) => bp.matmul(x, w), [a, b]).map((x) => x.worst)));
  assert.throws(() => bp.gradcheckEach((x) => x, [a], { inPlace: true }), /inPlace, inputs\[0\] must hold float64 data, got float32/);
  assert.throws(() => bp.gradcheckEach((x) => x, [a], { maxElements: 0 }), /maxElements must be a whole number ≥ 1, got 0/);
});

test('gradcheckModel: every parameter of a float32 model passes; the model itself is left as it was', () => {
  bp.manualSeed(4);
  const model = bp.mlp([3, 5, 2], { activation: 'sigmoid' });
  const before = model.parameters().map((p) => Array.from(p.data));
  const results = bp.gradcheckModel(model, [bp.randn([4, 3])], { maxElements: Infinity });
  assert.deepEqual(results.map((r) => [r.name, r.checked, r.size]), [['0.weight', 15, 15], ['0.bias', 5, 5], ['2.weight', 10, 10], ['2.bias', 2, 2]]);
  for (const r of results) assert.ok(r.pass && r.worstError < 1e-8, JSON.stringify(r));
  assert.deepEqual(model.parameters().map((p) => Array.from(p.data)), before);
  assert.ok(model.parameters().every((p) => p.dtype === 'float32' && p.grad === null));
});

test('gradcheckModel: a wrong sigmoid backward fails the tensors before the sigmoid, not the ones after', () => {
  bp.manualSeed(5);
  const model = bp.mlp([3, 5, 2], { activation: 'sigmoid' });
  bp.overrideKernel('unaryGrad', (op, dy, saved) => {
    const g = bp.cpuKernels.unaryGrad(op, dy, saved);
    if (op === 'sigmoid') for (let i = 0; i < g.length; i++) g[i] *= 0.5;
    return g;
  });
  try {
    const results = bp.gradcheckModel(model, [bp.randn([4, 3])]);
    assert.deepEqual(results.map((r) => [r.name, r.pass]), [['0.weight', false], ['0.bias', false], ['2.weight', true], ['2.bias', true]]);
    const w = results[0];
    // Halving σ′ halves every gradient behind it: back-propagation gives half the finite difference.
    assert.ok(Math.abs(w.analytic - w.numeric / 2) < 1e-6 * Math.max(1, Math.abs(w.numeric)), JSON.stringify(w));
  } finally {
    bp.overrideKernel('unaryGrad', bp.cpuKernels.unaryGrad);
  }
});
