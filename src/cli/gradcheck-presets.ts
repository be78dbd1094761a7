/**
 * The small networks `backprop gradcheck --preset` checks, each with the per-sample shape of
 * its input: one of each layer family (dense, convolutional, recurrent), small enough that every
 * parameter element can be checked by finite differences in a moment.
 */
import type { Module } from '../nn/module.js';
import { Sequential, Linear, Tanh, Sigmoid, Flatten } from '../nn/layers.js';
import { Conv2d } from '../nn/conv.js';
import { MaxPool2d } from '../nn/pool.js';
import { RNN, LSTM, GRU } from '../nn/rnn.js';

/** A preset: its description, the model, and one sample's input shape. */
export interface GradcheckPreset {
  description: string;
  build(): Module<never, unknown>;
  inputShape: number[];
}

/** The presets by name. */
export const GRADCHECK_PRESETS: Record<string, GradcheckPreset> = {
  mlp: {
    description: 'Linear(4→8)–tanh–Linear(8→6)–sigmoid–Linear(6→3)',
    build: () => new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 6), new Sigmoid(), new Linear(6, 3)),
    inputShape: [4],
  },
  cnn: {
    description: 'Conv2d(1→3, 3×3)–tanh–MaxPool(2)–Flatten–Linear(27→4) on 1×8×8 images',
    build: () => new Sequential(new Conv2d(1, 3, 3), new Tanh(), new MaxPool2d(2), new Flatten(), new Linear(27, 4)),
    inputShape: [1, 8, 8],
  },
  rnn: { description: 'tanh RNN (3→4), 5 steps', build: () => new RNN(3, 4), inputShape: [5, 3] },
  lstm: { description: 'LSTM (3→4), 5 steps', build: () => new LSTM(3, 4), inputShape: [5, 3] },
  gru: { description: 'GRU (3→4), 5 steps', build: () => new GRU(3, 4), inputShape: [5, 3] },
};
