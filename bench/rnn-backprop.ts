/**
 * The backprop side of the RNN and LSTM rows: the library's own `RNN` / `LSTM` layers (batch first) and a `Linear`
 * head, loaded with the shared weights through stateDict names, trained by `SGD` as a user writes it.
 */
import { fromTypedArray, Linear, LSTM, mse, reshape, RNN, SGD, type Tensor } from '../src/index.js';
import type { RnnProblem } from './rnn-data.js';
import { timeRepeated, type RepeatOptions } from './stats.js';

/** Which function runs the recurrence inside the layers: the fused op, or the graph unrolled step by step. */
export type RecurrenceImpl = 'fused' | 'unrolled';

/** The row's recurrent layer with the shared weights (PyTorch parameter names), and its head. */
function buildModel(p: RnnProblem): { layer: RNN | LSTM; head: Linear } {
  const { f, h } = p.dims;
  const gh = p.wIh.length / f;
  const layer = p.kind === 'lstm' ? new LSTM(f, h) : new RNN(f, h);
  layer.loadStateDict({
    weight_ih_l0: fromTypedArray(p.wIh.slice(), [gh, f]),
    weight_hh_l0: fromTypedArray(p.wHh.slice(), [gh, h]),
    bias_ih_l0: fromTypedArray(p.bIh.slice(), [gh]),
    bias_hh_l0: fromTypedArray(p.bHh.slice(), [gh]),
  });
  const head = new Linear(h, 1);
  head.loadStateDict({ weight: fromTypedArray(p.headW.slice(), [1, h]), bias: fromTypedArray(p.headB.slice(), [1]) });
  return { layer, head };
}

/** h_T [N, H]: the final hidden state the layer returns (hN is [layers·directions = 1, N, H]). */
function lastHidden(layer: RNN | LSTM, x: Tensor): Tensor {
  const hN = layer instanceof LSTM ? layer.call(x)[1][0] : layer.call(x)[1];
  return reshape(hN, [hN.shape[1], hN.shape[2]]);
}

/**
 * Median ms of one training step of the row's net: forward over the T steps, mean squared error of the head on the last
 * hidden state, backward through time and the SGD update; also the losses of the steps run. `impl` picks the layers'
 * recurrence (default: the layer's own choice).
 */
export function rnnStepMs(p: RnnProblem, lr: number, opts: RepeatOptions, impl?: RecurrenceImpl): { value: number; losses: number[] } {
  const { n, t, f } = p.dims;
  const { layer, head } = buildModel(p);
  if (impl) layer.impl = impl;
  const x = fromTypedArray(p.x, [n, t, f]);
  const y = fromTypedArray(p.y, [n, 1]);
  const optimizer = new SGD([...layer.parameters(), ...head.parameters()], { lr });
  const losses: number[] = [];
  const ms = timeRepeated(() => {
    optimizer.zeroGrad();
    const loss = mse(head.call(lastHidden(layer, x)), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }, opts);
  if (!losses.every(Number.isFinite)) throw new Error(`backprop ${p.kind}: loss became ${losses.find((l) => !Number.isFinite(l))}`);
  return { value: ms, losses };
}
