// Variable-length sequences: a padded batch (lengths [5, 3, 1], given as lengths or as a mask) and
// the same sequences run one by one without padding give the same outputs at real steps, the same
// final states and the same gradients for the input, the initial state and every parameter, in
// both directions of a 2-layer bidirectional LSTM, GRU and ReLU RNN. Padded inputs hold huge
// garbage, to show it leaks into nothing; padded outputs are exactly 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { assertClose } from '../helpers.js';

const LENGTHS = [5, 3, 1];
const N = LENGTHS.length, T = 5, F = 3, H = 4;
const GARBAGE = 1e6;

type Layer = bp.RNN | bp.LSTM | bp.GRU;
const kinds: [string, () => Layer][] = [
  ['LSTM', () => new bp.LSTM(F, H, { numLayers: 2, bidirectional: true })],
  ['GRU', () => new bp.GRU(F, H, { numLayers: 2, bidirectional: true })],
  ['RNN relu', () => new bp.RNN(F, H, { numLayers: 2, bidirectional: true, nonlinearity: 'relu' })],
];

/** Runs a layer; returns output and final states [hN, cN?]. */
function runLayer(m: Layer, x: bp.Tensor, h0: bp.Tensor, c0: bp.Tensor, seq?: bp.SeqOptions): [bp.Tensor, bp.Tensor[]] {
  if (m instanceof bp.LSTM) {
    const [out, [hN, cN]] = m.call(x, [h0, c0], seq);
    return [out, [hN, cN]];
  }
  const [out, hN] = m.call(x, h0, seq);
  return [out, [hN]];
}

const rows = (t: bp.Tensor, n: number, len: number) => bp.slice(bp.slice(t, n, n + 1, 0), 0, len, 1); // [1, len, …]
const column = (t: bp.Tensor, n: number) => bp.slice(t, n, n + 1, 1); // [L·D, 1, H]
const weighted = (a: bp.Tensor, w: bp.Tensor) => bp.sum(bp.mul(a, w));

for (const [name, make] of kinds) {
  for (const via of ['lengths', 'mask'] as const) {
    test(`${name}, 2 layers, bidirectional, padded via ${via}: equals the sequences run one by one`, () => {
      bp.manualSeed(21);
      const batchM = make();
      const singleM = make();
      singleM.loadStateDict(batchM.stateDict());
      const xData = bp.randn([N, T, F]);
      for (let n = 0; n < N; n++) {
        for (let i = LENGTHS[n] * F; i < T * F; i++) xData.data[n * T * F + i] = GARBAGE * (i % 2 ? 1 : -1);
      }
      const L = batchM.numLayers * batchM.numDirections;
      const h0Data = bp.randn([L, N, H]);
      const c0Data = bp.randn([L, N, H]);
      const R = bp.randn([N, T, 2 * H]); // weights at padded steps too: padded outputs must be 0 to not count
      const S = [bp.randn([L, N, H]), bp.randn([L, N, H])];

      // The padded batch.
      const x = bp.tensor(xData.toArray(), { requiresGrad: true });
      const h0 = bp.tensor(h0Data.toArray(), { requiresGrad: true });
      const c0 = bp.tensor(c0Data.toArray(), { requiresGrad: true });
      const mask = bp.zeros([N, T]);
      LENGTHS.forEach((len, n) => mask.data.fill(1, n * T, n * T + len));
      const [out, finals] = runLayer(batchM, x, h0, c0, via === 'lengths' ? { lengths: LENGTHS } : { mask });
      let loss = weighted(out, R);
      finals.forEach((f, i) => (loss = bp.add(loss, weighted(f, S[i]))));
      loss.backward();

      const o = out.toArray() as number[][][];
      for (let n = 0; n < N; n++) {
        for (let t = LENGTHS[n]; t < T; t++) assert.ok(o[n][t].every((v) => v === 0), `padded output [${n}, ${t}] is 0`);
        for (let t = LENGTHS[n]; t < T; t++) {
          assert.ok((x.grad!.toArray() as number[][][])[n][t].every((v) => v === 0), `no gradient reaches padded input [${n}, ${t}]`);
        }
      }

      // One sequence at a time, unpadded; gradients add up over the three runs.
      for (let n = 0; n < N; n++) {
        const len = LENGTHS[n];
        const xn = bp.tensor(rows(xData, n, len).toArray(), { requiresGrad: true });
        const h0n = bp.tensor(column(h0Data, n).toArray(), { requiresGrad: true });
        const c0n = bp.tensor(column(c0Data, n).toArray(), { requiresGrad: true });
        const [outN, finN] = runLayer(singleM, xn, h0n, c0n);
        let lossN = weighted(outN, rows(R, n, len));
        finN.forEach((f, i) => (lossN = bp.add(lossN, weighted(f, column(S[i], n)))));
        lossN.backward();
        assertClose(outN, rows(out, n, len).toArray(), 1e-5, 1e-4, `${name} output of sequence ${n}`);
        finN.forEach((f, i) => assertClose(f, column(finals[i], n).toArray(), 1e-5, 1e-4, `${name} final state ${i} of sequence ${n}`));
        assertClose(xn.grad!, rows(x.grad!, n, len).toArray(), 1e-5, 1e-4, `${name} ∂L/∂x of sequence ${n}`);
        assertClose(h0n.grad!, column(h0.grad!, n).toArray(), 1e-5, 1e-4, `${name} ∂L/∂h0 of sequence ${n}`);
        if (batchM instanceof bp.LSTM) assertClose(c0n.grad!, column(c0.grad!, n).toArray(), 1e-5, 1e-4, `${name} ∂L/∂c0 of sequence ${n}`);
      }
      const single = new Map(singleM.namedParameters());
      for (const [pn, p] of batchM.namedParameters()) {
        assert.ok(p.grad && p.grad.data.every(Number.isFinite), `${pn} has a finite gradient`);
        assertClose(p.grad, single.get(pn)!.grad!.toArray(), 1e-5, 1e-4, `${name} ∂L/∂${pn}`);
      }
    });
  }
}

test('a mask that is not a prefix carries the state over the gap, as lengths cannot express', () => {
  bp.manualSeed(22);
  const gru = new bp.GRU(2, 3);
  const x = bp.randn([1, 4, 2]);
  const [out, hN] = gru.call(x, null, { mask: bp.tensor([[1, 0, 0, 1]]) });
  // Steps 0 and 3 only: the same as running the two real steps back to back.
  const [ref, refN] = gru.call(bp.concat([bp.slice(x, 0, 1, 1), bp.slice(x, 3, 4, 1)], 1));
  const o = out.toArray() as number[][][];
  assert.ok([...o[0][1], ...o[0][2]].every((v) => v === 0));
  assertClose([o[0][0], o[0][3]], (ref.toArray() as number[][][])[0]);
  assertClose(hN, refN.toArray());
});
