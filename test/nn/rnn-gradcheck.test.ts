// Back-propagation through time checked against finite differences (float64): the unfolded
// recurrence of every kind with respect to its input, initial state(s) and weights, forwards,
// reversed and masked; and whole layers (2 layers, bidirectional, padded) with respect to the
// input and the initial states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { withDefaultDtype } from '../../src/tensor/tensor.js';
import { recurrenceUnrolled, gateCount, type RecurrenceKind } from '../../src/nn/rnn-unrolled.js';

const g = (shape: number[]) => bp.randn(shape, { requiresGrad: true });
const KINDS: RecurrenceKind[] = ['rnnTanh', 'rnnRelu', 'lstm', 'gru'];
const N = 2, T = 3, F = 2, H = 3;

for (const kind of KINDS) {
  for (const variant of ['forward', 'reverse, masked'] as const) {
    test(`gradcheck recurrence ${kind} (${variant}): x, h0${kind === 'lstm' ? ', c0' : ''}, W_ih, W_hh, b_ih, b_hh`, () => {
      bp.manualSeed(11);
      const GH = gateCount(kind) * H;
      const lstm = kind === 'lstm';
      const inputs = [g([N, T, F]), g([N, H]), g([N, H]), g([GH, F]), g([GH, H]), g([GH]), g([GH])];
      const err = bp.gradcheck((x, h0, c0, wIh, wHh, bIh, bHh) => {
        // The mask is made here so it shares gradcheck's float64 dtype: sequence 1 has 2 real steps.
        const mask = variant === 'forward' ? null : bp.tensor([[1, 1, 1], [1, 1, 0]]);
        return recurrenceUnrolled(kind, bp.linear(x, wIh, bIh), h0, lstm ? c0 : null, wHh, bHh, { reverse: variant !== 'forward', mask });
      }, lstm ? inputs : inputs.map((t, i) => (i === 2 ? bp.zeros([N, H]) : t)));
      assert.ok(err < 1e-6, `${kind}: worst relative error ${err}`);
    });
  }
}

const layers: [string, () => bp.RNN | bp.LSTM | bp.GRU][] = [
  ['RNN tanh', () => new bp.RNN(F, H, { numLayers: 2, bidirectional: true })],
  ['RNN relu', () => new bp.RNN(F, H, { numLayers: 2, nonlinearity: 'relu' })],
  ['LSTM', () => new bp.LSTM(F, H, { numLayers: 2, bidirectional: true })],
  ['GRU', () => new bp.GRU(F, H, { numLayers: 2, bidirectional: true })],
];
for (const [name, make] of layers) {
  test(`gradcheck ${name} layer (2 layers, lengths [3, 2]): x and initial states`, () => {
    bp.manualSeed(12);
    withDefaultDtype('float64', () => {
      const m = make();
      const L = m.numLayers * m.numDirections;
      const seq = { lengths: [3, 2] };
      const err = m instanceof bp.LSTM
        ? bp.gradcheck((x, h0, c0) => {
          const [out, [hN, cN]] = m.call(x, [h0, c0], seq);
          return bp.concat([bp.flatten(out), bp.flatten(hN), bp.flatten(cN)]);
        }, [g([N, T, F]), g([L, N, H]), g([L, N, H])])
        : bp.gradcheck((x, h0) => {
          const [out, hN] = m.call(x, h0, seq);
          return bp.concat([bp.flatten(out), bp.flatten(hN)]);
        }, [g([N, T, F]), g([L, N, H])]);
      assert.ok(err < 1e-6, `${name}: worst relative error ${err}`);
    });
  });
}
