/**
 * The TensorFlow.js side of the RNN and LSTM rows: tf.layers.simpleRNN / tf.layers.lstm and a dense head, one SGD
 * step by optimizer.minimize on the current backend, as a tfjs user writes it.
 */
import * as tf from '@tensorflow/tfjs';
import { addVectors, transpose, type RnnProblem } from './rnn-data.js';
import { timeRepeated, type RepeatOptions } from './stats.js';

/**
 * The row's recurrent layer (returning the last hidden state only) and head, built and loaded with the shared weights.
 * tfjs stores kernels [in, out] and one bias (b_ih + b_hh); its LSTM has PyTorch's gate order (i, f, c, o) but a hard
 * sigmoid by default, so the gates are given the logistic sigmoid to compute the same function.
 */
function buildModel(p: RnnProblem): tf.Sequential {
  const { t, f, h } = p.dims;
  const gh = p.wIh.length / f;
  // Zero initialisers: the shared weights replace them at once (the default orthogonal init of [H, G·H] is slow).
  const common = { units: h, inputShape: [t, f], returnSequences: false, kernelInitializer: 'zeros' as const, recurrentInitializer: 'zeros' as const };
  const rnn = p.kind === 'lstm' ? tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid' }) : tf.layers.simpleRNN({ ...common, activation: 'tanh' });
  const model = tf.sequential({ layers: [rnn, tf.layers.dense({ units: 1 })] });
  const weights = [
    tf.tensor2d(transpose(p.wIh, gh, f), [f, gh]),
    tf.tensor2d(transpose(p.wHh, gh, h), [h, gh]),
    tf.tensor1d(addVectors(p.bIh, p.bHh)),
    tf.tensor2d(p.headW, [h, 1]),
    tf.tensor1d(p.headB),
  ];
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

/**
 * Median ms of one training step of the row's net on the current backend: forward over the T steps, mean squared error
 * of the head on the last hidden state, backward through time and the SGD update (optimizer.minimize); the loss is
 * read back with dataSync() so the step has finished. Also returns the losses of the steps run.
 */
export function rnnStepMs(p: RnnProblem, lr: number, opts: RepeatOptions): { value: number; losses: number[] } {
  const { n, t, f } = p.dims;
  const model = buildModel(p);
  const x = tf.tensor3d(p.x, [n, t, f]);
  const y = tf.tensor2d(p.y, [n, 1]);
  const optimizer = tf.train.sgd(lr);
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  const step = (): void => {
    const cost = tf.tidy((): tf.Scalar => {
      const c = optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor2D), true, varList);
      if (!c) throw new Error('tfjs: minimize returned no cost');
      return c;
    });
    losses.push(cost.dataSync()[0]);
    cost.dispose();
  };
  try {
    step(); // warm-up run outside the count below: tfjs creates lazily on the first step
    const tensorsBefore = tf.memory().numTensors;
    const ms = timeRepeated(step, { ...opts, warmup: Math.max(0, opts.warmup - 1) });
    const leaked = tf.memory().numTensors - tensorsBefore;
    if (leaked !== 0) console.error(`tfjs ${tf.getBackend()}: ${leaked} tensors leaked during the ${p.kind} steps`);
    if (!losses.every(Number.isFinite)) throw new Error(`tfjs ${p.kind}: loss became ${losses.find((l) => !Number.isFinite(l))}`);
    return { value: ms, losses };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
  }
}
