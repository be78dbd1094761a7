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
 * Every tensor `layer` outputs while `run` runs the model (the first tensor of a tuple output),
 * in call order, in evaluation mode and without a graph.
 */
export function captureOutputs(model: AnyModule, layer: AnyModule, run: () => unknown): Tensor[] {
  const seen: Tensor[] = [];
  const wasTraining = model.training;
  const handle = (layer as AnyModule & { forward(...inputs: unknown[]): unknown }).registerForwardHook((_m: unknown, _in: unknown[], out: unknown) => {
    const t = Array.isArray(out) ? out[0] : out;
    if (t instanceof Tensor) seen.push(t);
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

/**
 * A recurrent layer's outputs [1, T, H] over one sequence: a layer called once gives its output;
 * one called step by step (a decoder writing a token at a time) gives its steps joined in time.
 * Null if it never ran or the calls are not [1, t, H] each.
 */
export function captureSequence(model: AnyModule, layer: AnyModule, run: () => unknown): Tensor | null {
  const outs = captureOutputs(model, layer, run);
  if (outs.length === 0) return null;
  const h = outs[0].shape[2];
  if (!outs.every((t) => t.ndim === 3 && t.shape[0] === 1 && t.shape[2] === h)) return null;
  if (outs.length === 1) return outs[0];
  const steps = outs.reduce((n, t) => n + t.shape[1], 0);
  const data = new Float64Array(steps * h);
  let at = 0;
  for (const t of outs) {
    data.set(t.data, at);
    at += t.size;
  }
  return new Tensor(outs[0].data instanceof Float32Array ? Float32Array.from(data) : data, [1, steps, h]);
}

/**
 * The tensor `layer` outputs while `run` runs the model (the first tensor of a tuple output, as a
 * recurrent layer's [outputs, state]), in evaluation mode and without a graph; null if the layer never ran.
 */
export function captureOutput(model: AnyModule, layer: AnyModule, run: () => unknown): Tensor | null {
  return captureOutputs(model, layer, run)[0] ?? null;
}
