// model.summary(): Keras-style rows (name (type), output shape with batch -1, params) and totals, for any model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

test('mlp([784, 128, 10]) on [1, 28, 28]: exact rows and totals', () => {
  bp.manualSeed(0);
  const net = bp.mlp([784, 128, 10], { inputShape: [1, 28, 28] });
  const s = bp.summarize(net);
  assert.deepEqual(s.rows, [
    { name: '0', type: 'Flatten', outputShape: [-1, 784], params: 0, trainable: 0 },
    { name: '1', type: 'Linear', outputShape: [-1, 128], params: 100_480, trainable: 100_480 }, // 784·128 + 128
    { name: '2', type: 'ReLU', outputShape: [-1, 128], params: 0, trainable: 0 },
    { name: '3', type: 'Linear', outputShape: [-1, 10], params: 1_290, trainable: 1_290 }, // 128·10 + 10
  ]);
  assert.deepEqual([s.total, s.trainable, s.nonTrainable], [101_770, 101_770, 0]);
  assert.deepEqual(s.input, [-1, 1, 28, 28]);
  let printed = '';
  const text = net.summary(undefined, (t) => { printed = t; });
  assert.equal(printed, text);
  assert.equal(text, [
    'Model: Sequential (input [-1, 1, 28, 28])',
    '_____________________________________',
    'Layer (type)   Output shape   Param #',
    '=====================================',
    '0 (Flatten)    [-1, 784]            0',
    '1 (Linear)     [-1, 128]      100,480',
    '2 (ReLU)       [-1, 128]            0',
    '3 (Linear)     [-1, 10]         1,290',
    '=====================================',
    'Total params: 101,770',
    'Trainable params: 101,770',
    'Non-trainable params: 0',
    '_____________________________________',
  ].join('\n'));
  assert.equal(bp.formatSummary(s), text);
});

test('the summary leaves the model as it was: modes, gradients, hooks', () => {
  bp.manualSeed(1);
  const net = bp.mlp([4, 8, 2], { dropout: 0.5 });
  net.train();
  net.namedModules()[3][1].eval(); // one layer in a different mode than the rest
  let calls = 0;
  net.registerForwardHook(() => { calls++; });
  const before = net.namedModules().map(([, m]) => m.training);
  const s = bp.summarize(net);
  assert.deepEqual(net.namedModules().map(([, m]) => m.training), before);
  assert.ok(net.parameters().every((p) => p.grad === null));
  assert.equal(calls, 2, 'it runs the model through call(): a batch of 1 and one of 2, to find the batch axis');
  assert.deepEqual(bp.summarize(net), s, 'its own hooks are removed');
  assert.deepEqual(s.rows.map((r) => `${r.name} ${r.type} ${JSON.stringify(r.outputShape)} ${r.params}`),
    ['0 Linear [-1,8] 40', '1 ReLU [-1,8] 0', '2 Dropout [-1,8] 0', '3 Linear [-1,2] 18']);
});

test('buffers and frozen parameters count as non-trainable; a single layer is its own row', () => {
  const p = bp.summarize(new bp.Perceptron(2));
  assert.deepEqual(p.rows, [{ name: '', type: 'Perceptron', outputShape: [-1], params: 3, trainable: 0 }]);
  assert.deepEqual([p.total, p.trainable, p.nonTrainable], [3, 0, 3]);
  const net = bp.mlp([3, 4, 1]);
  net.parameters()[0].requiresGrad = false; // freeze the first weight (12 values)
  const s = bp.summarize(net);
  assert.deepEqual([s.total, s.trainable, s.nonTrainable], [21, 9, 12]);
  assert.deepEqual(s.rows[0], { name: '0', type: 'Linear', outputShape: [-1, 4], params: 16, trainable: 4 });
});

class Residual extends bp.Module<[x: Tensor, skip: Tensor]> {
  readonly fc = new bp.Linear(2, 3);
  readonly proj = new bp.Linear(5, 3, { bias: false });
  override forward(x: Tensor, skip: Tensor): Tensor {
    return bp.add(bp.relu(this.fc.call(x)), this.proj.call(skip));
  }
}

class Cell extends bp.Module<[x: Tensor, state: [Tensor, Tensor]], [Tensor, [Tensor, Tensor]]> {
  readonly w = new bp.Linear(3, 4);
  readonly u = new bp.Linear(4, 4, { bias: false });
  override forward(x: Tensor, [h, c]: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const h2 = bp.tanh(bp.add(this.w.call(x), this.u.call(h)));
    return [h2, [h2, bp.add(c, h2)]];
  }
}

test('models of several inputs and tuple outputs: one shape per input, nested like the arguments', () => {
  const r = bp.summarize(new Residual(), [[2], [5]]);
  assert.deepEqual(r.rows.map((x) => [x.name, x.outputShape, x.params]), [['fc', [-1, 3], 9], ['proj', [-1, 3], 15]]);
  assert.deepEqual(r.input, [[-1, 2], [-1, 5]]);
  assert.equal(r.total, 24);
  // A cell that has its own layers and returns (y, (h, c)): the row of the cell itself is not a leaf, so not shown.
  class Wrapped extends bp.Module<[x: Tensor, state: [Tensor, Tensor]], [Tensor, [Tensor, Tensor]]> {
    readonly cell = new Cell();
    readonly gate = bp.ones([4], { requiresGrad: true });
    override forward(x: Tensor, s: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
      const [y, st] = this.cell.call(x, s);
      return [bp.mul(y, this.gate), st];
    }
  }
  const w = bp.summarize(new Wrapped(), [[3], [[4], [4]]]);
  assert.deepEqual(w.rows.map((x) => [x.name, x.type, x.outputShape, x.params]), [
    ['', 'Wrapped', [[-1, 4], [[-1, 4], [-1, 4]]], 4], // its own parameter `gate`, with the tuple it returns
    ['cell.w', 'Linear', [-1, 4], 16],
    ['cell.u', 'Linear', [-1, 4], 16],
  ]);
  assert.match(bp.formatSummary(w), /^Wrapped\s+\(\[-1, 4\], \(\[-1, 4\], \[-1, 4\]\)\)\s+4$/m);
});

test('a layer used twice is one row, counted once; a layer never reached says so', () => {
  class Twice extends bp.Module {
    readonly fc = new bp.Linear(3, 3);
    readonly unused = new bp.Linear(3, 1);
    override forward(x: Tensor): Tensor { return this.fc.call(this.fc.call(x)); }
  }
  const s = bp.summarize(new Twice(), [3]);
  assert.deepEqual(s.rows.map((r) => [r.name, r.outputShape, r.params]), [['fc', [-1, 3], 12], ['unused', null, 4]]);
  assert.equal(s.total, 16);
  assert.match(bp.formatSummary(s), /unused \(Linear\)\s+not called\s+4/);
});

test('without an input shape, or with a bad one, a ValueError says what to pass', () => {
  const seq = new bp.Sequential(new bp.Linear(2, 2));
  assert.throws(() => bp.summarize(seq), (e: unknown) => e instanceof bp.ValueError && /summary: Sequential does not know its input shape; pass one/.test(e.message));
  assert.deepEqual(bp.summarize(seq, [2]).rows[0].outputShape, [-1, 2]);
  for (const bad of [[0], [1.5], 'x', [[2], 'y']]) assert.throws(() => bp.summarize(seq, bad as never), bp.ValueError, JSON.stringify(bad));
  assert.throws(() => bp.summarize(seq, [3]), bp.ShapeError, 'a shape the model cannot take fails as running it would');
});
