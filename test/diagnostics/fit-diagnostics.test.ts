// fit's diagnostics option: per-parameter gradient norms, dead ReLUs, saturated sigmoid/tanh
// units and the first op to make a NaN/Inf, against hand-derived numbers; nothing when off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { SGD } from '../../src/optim/index.js';
import { assertClose } from '../helpers.js';

/** A Linear layer with the given weights [out, in] and biases. */
function linear(w: number[][], b: number[]): bp.Linear {
  const l = new bp.Linear(w[0].length, w.length);
  l.weight.data.set(w.flat());
  (l.bias as bp.Tensor).data.set(b);
  return l;
}

const quiet = { progress: 'none' as const, batchSize: 'full' as const, shuffle: false };

test('gradNorms: ‖∂E/∂W‖ and ‖∂E/∂b‖ of a linear unit under mse equal the hand-derived 15.0904 and 3.8', () => {
  // x = [[1, 2], [3, 4]], y = [1, 2], w = [0.5, −0.5], b = 0.1: both predictions are −0.4, errors
  // e = (−1.4, −2.4), ∂E/∂pred = 2e/2 = e, ∂E/∂w = Σ eᵢ xᵢ = (−8.6, −12.4), ∂E/∂b = Σ eᵢ = −3.8.
  const model = new bp.Sequential(linear([[0.5, -0.5]], [0.1]));
  const data = { x: bp.tensor([[1, 2], [3, 4]]), y: bp.tensor([[1], [2]]) };
  const h = bp.fit(model, data, { ...quiet, loss: 'mse', optimizer: new SGD(model.parameters(), { lr: 0 }), epochs: 2, diagnostics: true });
  assert.equal(h.diagnostics?.length, 2);
  assert.deepEqual(h.diagnostics.map((d) => [d.epoch, d.step]), [[0, 1], [1, 2]]);
  for (const d of h.diagnostics) {
    assert.deepEqual(Object.keys(d.gradNorms), ['0.weight', '0.bias']);
    assertClose(d.gradNorms['0.weight'], Math.sqrt(8.6 ** 2 + 12.4 ** 2), 1e-5);
    assertClose(d.gradNorms['0.bias'], 3.8, 1e-5);
    assert.deepEqual(d.deadRelu, {});
    assert.deepEqual(d.saturated, {});
  }
  assert.equal(h.firstNonFinite, undefined);
});

test('deadRelu: units whose ReLU output is 0 for every sample are counted (2 of 3 here)', () => {
  // z = (x, −x, −1) for x ∈ {1, 2}: unit 0 fires, units 1 and 2 never do.
  const model = new bp.Sequential(linear([[1], [-1], [0]], [0, 0, -1]), new bp.ReLU());
  const data = { x: bp.tensor([[1], [2]]), y: bp.zeros([2, 3]) };
  const h = bp.fit(model, data, { ...quiet, optimizer: new SGD(model.parameters(), { lr: 0 }), epochs: 1, diagnostics: { gradNorms: false, saturation: false, nanOp: false } });
  assert.deepEqual(h.diagnostics, [{ epoch: 0, step: 1, gradNorms: {}, deadRelu: { '1': 2 / 3 }, saturated: {} }]);
});

test('saturated: the share of tanh/sigmoid activations with f′(z) < 0.01 (|z| = 10 saturates, |z| = 0.1 does not)', () => {
  for (const Act of [bp.Tanh, bp.Sigmoid]) {
    const model = new bp.Sequential(linear([[10], [0.1]], [0, 0]), new Act());
    const data = { x: bp.tensor([[1], [-1], [0.5]]), y: bp.zeros([3, 2]) };
    // z = (10, 0.1), (−10, −0.1), (5, 0.05): 3 of 6 activations saturated for both.
    const h = bp.fit(model, data, { ...quiet, optimizer: new SGD(model.parameters(), { lr: 0 }), epochs: 1, diagnostics: { saturation: true, deadRelu: false, gradNorms: false } });
    assert.deepEqual(h.diagnostics?.[0].saturated, { '1': 0.5 }, Act.name);
  }
});

test('every: one record per `every` steps, with the epoch each period ended in', () => {
  bp.manualSeed(0);
  const model = bp.mlp([2, 4, 1], { activation: 'relu' });
  const data = { x: bp.randn([4, 2]), y: bp.randn([4, 1]) };
  const h = bp.fit(model, data, { progress: 'none', batchSize: 1, optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 2, diagnostics: { every: 3 } });
  assert.deepEqual(h.diagnostics?.map((d) => [d.epoch, d.step]), [[0, 3], [1, 6]]);
  assert.deepEqual(Object.keys(h.diagnostics[0].gradNorms), ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.deepEqual(Object.keys(h.diagnostics[0].deadRelu), ['1']);
});

test('off (the default): no diagnostics, no hooks left on the model', () => {
  bp.manualSeed(0);
  const model = bp.mlp([2, 3, 1], { activation: 'tanh' });
  const data = { x: bp.randn([4, 2]), y: bp.randn([4, 1]) };
  const h = bp.fit(model, data, { ...quiet, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 1 });
  assert.equal(h.diagnostics, undefined);
  assert.equal(h.firstNonFinite, undefined);
  const on = bp.fit(model, data, { ...quiet, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 1, diagnostics: true });
  assert.equal(on.diagnostics?.length, 1);
  const hooks = (model.layers[1] as unknown as { hooks: { post: Map<number, unknown> } }).hooks.post;
  assert.equal(hooks.size, 0, 'the hooks are removed when fit ends');
});

test('the hooks come off the model when a callback throws out of fit', () => {
  bp.manualSeed(0);
  const model = bp.mlp([2, 3, 1], { activation: 'relu' });
  const data = { x: bp.randn([4, 2]), y: bp.randn([4, 1]) };
  const boom = { onBatchEnd: () => { throw new Error('boom'); } };
  assert.throws(() => bp.fit(model, data, { ...quiet, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 1, diagnostics: true, callbacks: [boom] }), /boom/);
  const hooks = (model.layers[1] as unknown as { hooks: { post: Map<number, unknown> } }).hooks.post;
  assert.equal(hooks.size, 0);
});

test('nanOp: a log of a negative number is named (op log, forward, outside any module) and stops the run', () => {
  const model = new bp.Sequential(linear([[-1]], [0]));
  const data = { x: bp.tensor([[1], [2]]), y: bp.zeros([2, 1]) };
  const h = bp.fit(model, data, { ...quiet, loss: (out) => bp.mean(bp.log(out)), optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 3, diagnostics: { nanOp: true } });
  assert.deepEqual(h.firstNonFinite, { op: 'log', scope: '', phase: 'forward' });
  assert.equal(h.stopReason, 'nonFinite');
  assert.equal(h.steps, 0);
  assert.match(h.message, /debug mode: op 'log' \(forward\) produced NaN/);
});

test('nanOp: a gradient that becomes Inf in backward is named with its phase (√ at 0)', () => {
  const model = new bp.Sequential(linear([[0]], [0]));
  const data = { x: bp.tensor([[1], [2]]), y: bp.zeros([2, 1]) };
  const h = bp.fit(model, data, { ...quiet, loss: (out) => bp.mean(bp.sqrt(out)), optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 1, diagnostics: true, nanGuard: false });
  assert.deepEqual(h.firstNonFinite, { op: 'sqrt', scope: '', phase: 'backward' });
  assert.equal(h.stopReason, 'nonFinite');
});

test('nanOp names the module an overflowing op ran in', () => {
  const model = new bp.Sequential(linear([[1e30]], [0]), new bp.Tanh(), linear([[1e30]], [0]));
  const data = { x: bp.tensor([[1e10]]), y: bp.zeros([1, 1]) };
  const h = bp.fit(model, data, { ...quiet, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 1, diagnostics: { nanOp: true } });
  assert.equal(h.firstNonFinite?.phase, 'forward');
  assert.match(h.firstNonFinite?.scope ?? '', /^Sequential > 0 \(Linear\)$/);
});

test('diagnostics options are checked: a bad field is a ConfigError naming it', () => {
  const model = bp.mlp([1, 1]);
  const data = { x: bp.zeros([1, 1]), y: bp.zeros([1, 1]) };
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  assert.throws(() => bp.fit(model, data, { optimizer: opt, diagnostics: { every: 0 } }), (e: Error) => e instanceof bp.ConfigError && /diagnostics\.every must be a whole number ≥ 1, got 0/.test(e.message));
  assert.throws(() => bp.fit(model, data, { optimizer: opt, diagnostics: { gradNorm: true } as never }), /unknown option 'diagnostics\.gradNorm'.*did you mean 'gradNorms'/);
  assert.throws(() => bp.fit(model, data, { optimizer: opt, diagnostics: 'yes' as never }), /diagnostics must be an object/);
});
