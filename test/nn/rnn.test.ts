// Recurrent layers: PyTorch's parameter names and shapes, output shapes of every variant,
// hand-computed single steps of each cell, the layer agreeing with its cell stepped by hand,
// and config round trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';

const sig = (z: number) => 1 / (1 + Math.exp(-z));

test('RNN has PyTorch names and layouts per layer and direction', () => {
  const rnn = new bp.RNN(3, 4, { numLayers: 2, bidirectional: true });
  assert.deepEqual(rnn.namedParameters().map(([n, p]) => [n, p.shape]), [
    ['weight_ih_l0', [4, 3]], ['weight_hh_l0', [4, 4]], ['bias_ih_l0', [4]], ['bias_hh_l0', [4]],
    ['weight_ih_l0_reverse', [4, 3]], ['weight_hh_l0_reverse', [4, 4]], ['bias_ih_l0_reverse', [4]], ['bias_hh_l0_reverse', [4]],
    ['weight_ih_l1', [4, 8]], ['weight_hh_l1', [4, 4]], ['bias_ih_l1', [4]], ['bias_hh_l1', [4]],
    ['weight_ih_l1_reverse', [4, 8]], ['weight_hh_l1_reverse', [4, 4]], ['bias_ih_l1_reverse', [4]], ['bias_hh_l1_reverse', [4]],
  ]);
  assert.deepEqual(new bp.LSTM(3, 5, { bias: false }).namedParameters().map(([n, p]) => [n, p.shape]), [['weight_ih_l0', [20, 3]], ['weight_hh_l0', [20, 5]]]);
  assert.deepEqual(new bp.GRUCell(3, 5).namedParameters().map(([n, p]) => [n, p.shape]), [
    ['weight_ih', [15, 3]], ['weight_hh', [15, 5]], ['bias_ih', [15]], ['bias_hh', [15]],
  ]);
});

test('recurrent init as PyTorch: every weight and bias in U(±1/√H), filling the interval', () => {
  bp.manualSeed(1);
  const lstm = new bp.LSTM(10, 16, { numLayers: 2 });
  const all = lstm.parameters().flatMap((p) => Array.from(p.data));
  const bound = 1 / 4;
  assert.ok(all.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...all.map(Math.abs)) > 0.99 * bound);
  const variance = all.reduce((s, v) => s + v * v, 0) / all.length; // U(±b) has variance b²/3
  assert.ok(Math.abs(variance / (bound * bound / 3) - 1) < 0.05, `variance ${variance}`);
});

test('output and final-state shapes: layers, directions, batchFirst', () => {
  bp.manualSeed(2);
  const x = bp.randn([2, 5, 3]);
  const [out, hN] = new bp.RNN(3, 4, { numLayers: 2, bidirectional: true }).call(x);
  assert.deepEqual([out.shape, hN.shape], [[2, 5, 8], [4, 2, 4]]);
  const [o2, [h2, c2]] = new bp.LSTM(3, 6, { numLayers: 3 }).call(x);
  assert.deepEqual([o2.shape, h2.shape, c2.shape], [[2, 5, 6], [3, 2, 6], [3, 2, 6]]);
  const [o3, h3] = new bp.GRU(3, 4, { batchFirst: false, bidirectional: true }).call(bp.randn([5, 2, 3]));
  assert.deepEqual([o3.shape, h3.shape], [[5, 2, 8], [2, 2, 4]]);
  assert.deepEqual(new bp.LSTMCell(3, 4).call(bp.randn([2, 3])).map((t) => t.shape), [[2, 4], [2, 4]]);
  assert.deepEqual(new bp.RNNCell(3, 4).call(bp.randn([3])).shape, [4]);
});

test('RNNCell: one step by hand, h′ = tanh(W_ih x + b_ih + W_hh h + b_hh), and with ReLU', () => {
  const cell = new bp.RNNCell(2, 2);
  cell.weight_ih.data.set([0.5, -1, 1, 2]);
  cell.bias_ih!.data.set([0.1, 0]);
  cell.weight_hh.data.set([1, 0, 0, -1]);
  cell.bias_hh!.data.set([0, 0.2]);
  const x = bp.tensor([[1, 1]]);
  const h = bp.tensor([[0.5, 0.5]]);
  // z₁ = 0.5 − 1 + 0.1 + 0.5 = 0.1;  z₂ = 1 + 2 − 0.5 + 0.2 = 2.7
  assertClose(cell.call(x, h), [[Math.tanh(0.1), Math.tanh(2.7)]]);
  // No h: the zero state, z = W_ih x + b_ih + b_hh = [−0.4, 3.2].
  assertClose(cell.call(x), [[Math.tanh(-0.4), Math.tanh(3.2)]]);
  const relu = new bp.RNNCell(2, 2, { nonlinearity: 'relu' });
  relu.loadStateDict(cell.stateDict());
  // h = [−2, 1]: z = [−0.4 − 2, 3 − 1 + 0.2] = [−2.4, 2.2] → ReLU [0, 2.2]
  assertClose(relu.call(x, bp.tensor([[-2, 1]])), [[0, 2.2]]);
});

test('LSTMCell and GRUCell: one step by hand with one hidden unit', () => {
  const lstm = new bp.LSTMCell(1, 1);
  lstm.weight_ih.data.set([1, 2, 3, 4]); // rows i, f, g, o
  lstm.weight_hh.data.set([0.5, 0, 0, -1]);
  lstm.bias_ih!.data.fill(0);
  lstm.bias_hh!.data.set([0, 0.1, 0, 0]);
  // x = 0.5, h = 1, c = 1: z = [0.5 + 0.5, 1 + 0.1, 1.5, 2 − 1]
  const [h1, c1] = lstm.call(bp.tensor([[0.5]]), [bp.tensor([[1]]), bp.tensor([[1]])]);
  const c = sig(1.1) * 1 + sig(1) * Math.tanh(1.5);
  assertClose(c1, [[c]]);
  assertClose(h1, [[sig(1) * Math.tanh(c)]]);

  const gru = new bp.GRUCell(1, 1);
  gru.weight_ih.data.set([1, -1, 2]); // rows r, z, n
  gru.weight_hh.data.set([0.5, 0.5, 3]);
  gru.bias_ih!.data.set([0, 0, 0.1]);
  gru.bias_hh!.data.set([0, 0, 0.2]);
  // x = 1, h = 0.4: r = σ(1 + 0.2), z = σ(−1 + 0.2), n = tanh(2 + 0.1 + r·(1.2 + 0.2)), h′ = (1−z)n + z·h
  const r = sig(1.2), z = sig(-0.8), n = Math.tanh(2.1 + r * 1.4);
  assertClose(gru.call(bp.tensor([[1]]), bp.tensor([[0.4]])), [[(1 - z) * n + z * 0.4]]);
});

test('a one-layer RNN, LSTM and GRU equal their cell stepped over time, for both impls', () => {
  bp.manualSeed(4);
  const x = bp.randn([2, 4, 3]);
  const pairs: [bp.RNN | bp.LSTM | bp.GRU, bp.RNNCell | bp.LSTMCell | bp.GRUCell][] = [
    [new bp.RNN(3, 5, { nonlinearity: 'relu' }), new bp.RNNCell(3, 5, { nonlinearity: 'relu' })],
    [new bp.LSTM(3, 5), new bp.LSTMCell(3, 5)],
    [new bp.GRU(3, 5), new bp.GRUCell(3, 5)],
  ];
  for (const [layer, cell] of pairs) {
    const sd = layer.stateDict();
    cell.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k.replace(/_l0$/, ''), v])));
    let h = bp.zeros([2, 5]);
    let c = bp.zeros([2, 5]);
    const hs: bp.Tensor[] = [];
    for (let t = 0; t < 4; t++) {
      const xt = bp.reshape(bp.slice(x, t, t + 1, 1), [2, 3]);
      if (cell instanceof bp.LSTMCell) [h, c] = cell.call(xt, [h, c]);
      else h = (cell as bp.RNNCell).call(xt, h);
      hs.push(h);
    }
    for (const impl of ['fused', 'unrolled'] as const) {
      layer.impl = impl;
      const [out, fin] = (layer as bp.RNN).call(x) as [bp.Tensor, bp.Tensor | [bp.Tensor, bp.Tensor]];
      assertClose(out, bp.stack(hs, 1).toArray(), 1e-6);
      const hN = Array.isArray(fin) ? fin[0] : fin;
      assertClose(hN, [h.toArray()] as bp.NestedArray);
      if (Array.isArray(fin)) assertClose(fin[1], [c.toArray()] as bp.NestedArray);
    }
  }
});

test('lengths: outputs are 0 at padded steps, hN is the state at the last real step', () => {
  bp.manualSeed(5);
  const gru = new bp.GRU(2, 3);
  const x = bp.randn([2, 4, 2]);
  const [out, hN] = gru.call(x, null, { lengths: [4, 2] });
  const o = out.toArray() as number[][][];
  assert.ok([...o[1][2], ...o[1][3]].every((v) => v === 0), 'padded outputs are 0');
  assert.ok(o[1][1].every((v) => v !== 0), 'real outputs are not');
  assertClose((hN.toArray() as number[][][])[0][1], o[1][1]);
  assertClose((hN.toArray() as number[][][])[0][0], o[0][3]);
});

test('config round trip: moduleFromConfig rebuilds every layer and cell', () => {
  const layers: bp.AnyModule[] = [
    new bp.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2, dropout: 0.25, bidirectional: true }),
    new bp.LSTM(3, 4, { batchFirst: false, bias: false }),
    new bp.GRU(2, 7),
    new bp.RNNCell(3, 4, { nonlinearity: 'relu' }), new bp.LSTMCell(3, 4), new bp.GRUCell(3, 4, { bias: false }),
  ];
  for (const m of layers) {
    const back = bp.moduleFromConfig<bp.AnyModule>(m.toConfig());
    assert.equal(back.constructor, m.constructor);
    assert.deepEqual(back.toConfig(), m.toConfig());
    assert.deepEqual(back.namedParameters().map(([n, p]) => [n, p.shape]), m.namedParameters().map(([n, p]) => [n, p.shape]));
  }
});

test('bad options are ConfigErrors naming the field', () => {
  assert.throws(() => new bp.LSTM(0, 4), (e: unknown) => e instanceof bp.ConfigError && /inputSize/.test((e as Error).message));
  assert.throws(() => new bp.RNN(3, 4, { dropout: 1 }), (e: unknown) => e instanceof bp.ConfigError && /dropout/.test((e as Error).message));
  assert.throws(() => new bp.RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' }), (e: unknown) => e instanceof bp.ConfigError && /nonlinearity/.test((e as Error).message));
});

test('bad inputs are ShapeErrors naming the shapes', () => {
  const lstm = new bp.LSTM(3, 4, { numLayers: 2 });
  throwsWith(() => lstm.call(bp.zeros([5, 3])), bp.ShapeError, /\[5, 3\] should be \[N, T, F\] with F = 3 \(add a batch axis/);
  throwsWith(() => lstm.call(bp.zeros([2, 5, 4])), bp.ShapeError, /\[2, 5, 4\] should be \[N, T, F\] with F = 3/);
  throwsWith(() => new bp.GRU(3, 4, { batchFirst: false }).call(bp.zeros([2, 5])), bp.ShapeError, /should be \[T, N, F\]/);
  throwsWith(() => lstm.call(bp.zeros([2, 5, 3]), [bp.zeros([1, 2, 4]), bp.zeros([2, 2, 4])]), bp.ShapeError, /h0 has shape \[1, 2, 4\], expected \[L·D, N, H\] = \[2, 2, 4\]/);
  throwsWith(() => lstm.call(bp.zeros([2, 5, 3]), [bp.zeros([2, 2, 4]), bp.zeros([2, 3, 4])]), bp.ShapeError, /c0 has shape \[2, 3, 4\]/);
  throwsWith(() => new bp.RNN(3, 4, { bidirectional: true }).call(bp.zeros([2, 5, 3]), bp.zeros([1, 2, 4])), bp.ShapeError, /expected \[L·D, N, H\] = \[2, 2, 4\]/);
  const gru = new bp.GRU(3, 4);
  const x = bp.zeros([2, 5, 3]);
  throwsWith(() => gru.call(x, null, { lengths: [5, 6] }), bp.ShapeError, /lengths\[1\] = 6 is out of range 1 … 5 for an input of T = 5/);
  throwsWith(() => gru.call(x, null, { lengths: [0, 2] }), bp.ShapeError, /lengths\[0\] = 0 is out of range/);
  throwsWith(() => gru.call(x, null, { lengths: [5] }), bp.ShapeError, /one length per sequence \(2 for an input with N = 2\), got 1/);
  throwsWith(() => gru.call(x, null, { mask: bp.ones([5, 2]) }), bp.ShapeError, /mask has shape \[5, 2\], expected \[N, T\] = \[2, 5\]/);
  throwsWith(() => gru.call(x, null, { mask: bp.full([2, 5], 0.5) }), bp.ShapeError, /only 0 and 1/);
  throwsWith(() => gru.call(x, null, { mask: bp.ones([2, 5]), lengths: [5, 5] }), bp.ConfigError, /not both/);
  throwsWith(() => new bp.LSTMCell(3, 4).call(bp.zeros([2, 3]), [bp.zeros([2, 4]), bp.zeros([4])]), bp.ShapeError, /c has shape \[4\], expected \[2, 4\]/);
  throwsWith(() => new bp.RNNCell(3, 4).call(bp.zeros([2, 2])), bp.ShapeError, /\[2, 2\] should be \[N, 3\]/);
});

test('an LSTM saves and loads (saveModule / loadModule) with its architecture and every weight identical', () => {
  bp.manualSeed(6);
  const lstm = new bp.LSTM(3, 4, { numLayers: 2, bidirectional: true, dropout: 0.1 });
  const dir = mkdtempSync(join(tmpdir(), 'backprop-rnn-'));
  try {
    bp.saveModule(lstm, join(dir, 'lstm'));
    const back = bp.loadModule<bp.LSTM>(join(dir, 'lstm')).model;
    assert.ok(back instanceof bp.LSTM);
    assert.deepEqual(back.toConfig(), lstm.toConfig());
    const sd = back.stateDict();
    for (const [k, v] of Object.entries(lstm.stateDict())) assert.deepEqual(Array.from(sd[k].data), Array.from(v.data), k);
    lstm.eval();
    back.eval();
    const x = bp.randn([2, 5, 3]);
    const [o1, [h1, c1]] = lstm.call(x, null, { lengths: [5, 2] });
    const [o2, [h2, c2]] = back.call(x, null, { lengths: [5, 2] });
    assert.deepEqual([o2.toArray(), h2.toArray(), c2.toArray()], [o1.toArray(), h1.toArray(), c1.toArray()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dropout between layers acts in training only', () => {
  bp.manualSeed(7);
  const gru = new bp.GRU(3, 4, { numLayers: 2, dropout: 0.5 });
  const x = bp.randn([2, 5, 3]);
  gru.eval();
  const [a] = gru.call(x);
  const [b] = gru.call(x);
  assert.deepEqual(a.toArray(), b.toArray(), 'deterministic in eval mode');
  gru.train();
  const [c] = gru.call(x);
  assert.notDeepEqual(c.toArray(), a.toArray(), 'dropout changes the second layer’s input in training');
  const one = new bp.GRU(3, 4, { dropout: 0.5 }); // one layer: nothing between layers to drop
  const trained = one.call(x)[0].toArray();
  assert.deepEqual(one.eval().call(x)[0].toArray(), trained);
});
