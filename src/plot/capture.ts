/**
 * What the CNN and RNN plots need from a model: its first convolution layer, that layer's output
 * (the feature maps) for an input, and a recurrent layer's outputs (the hidden states) for a
 * sequence — read through a forward hook, so the model is not edited.
 */
import { Conv1d, Conv2d } from '../nn/conv.js';
import { RNN, LSTM, GRU } from '../nn/rnn.js';
import type { AnyModule } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/graph.js';

/** The first Conv2d (or Conv1d) in the model's module tree, or null. */
export function firstConv(model: AnyModule): Conv2d | Conv1d | null {
  for (const [, m] of model.namedModules()) if (m instanceof Conv2d || m instanceof Conv1d) return m;
  return null;
}

/** The first recurrent layer (RNN, LSTM or GRU) in the model's module tree, or null. */
export function firstRecurrent(model: AnyModule): RNN | LSTM | GRU | null {
  for (const [, m] of model.namedModules()) if (m instanceof RNN || m instanceof LSTM || m instanceof GRU) return m;
  return null;
}

/**
 * The tensor `layer` outputs while `run` runs the model (the first tensor of a tuple output, as a
 * recurrent layer's [outputs, state]), in evaluation mode and without a graph; null if the layer never ran.
 */
export function captureOutput(model: AnyModule, layer: AnyModule, run: () => unknown): Tensor | null {
  let seen: Tensor | null = null;
  const wasTraining = model.training;
  const handle = (layer as AnyModule & { forward(...inputs: unknown[]): unknown }).registerForwardHook((_m: unknown, _in: unknown[], out: unknown) => {
    const t = Array.isArray(out) ? out[0] : out;
    if (seen === null && t instanceof Tensor) seen = t;
  });
  model.train(false);
  try {
    noGrad(run);
  } finally {
    handle.remove();
    model.train(wasTraining);
  }
  return seen;
}
