/**
 * The TensorFlow.js side of the benchmarks: backend set-up (cpu, wasm), matrix product, one MLP training step, one
 * epoch of model.fit, LeNet-5 training steps and one conv2d forward (+ backward).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { ClassBatch } from './data.js';
import { LENET_NAMES, LENET_SHAPES, oneHot, type LenetWeights } from './lenet-data.js';
import { checkEpochLosses, timeRepeated, timeRepeatedAsync, type RepeatOptions } from './stats.js';

/** The TensorFlow.js backends compared against. */
export type TfBackend = 'cpu' | 'wasm';

/** tfjs version string, for the report. */
export const tfjsVersion: string = tf.version.tfjs;

// In tfjs 4.22 the PROD flag only silences warnings (here the cpu backend's "install tfjs-node" banner, printed on
// first use); it changes no computation.
tf.enableProdMode();

let wasmPathsSet = false;

/**
 * Switches tfjs to `backend`. For wasm in Node, points the loader at the package's dist/ folder (a file path with a
 * trailing slash): Node's emscripten loader then reads the .wasm binary with fs. (Without it the loader falls back to
 * the directory of tf-backend-wasm.node.js, which is the same folder; being explicit survives bundling.)
 */
export async function useBackend(backend: TfBackend): Promise<void> {
  if (backend === 'wasm' && !wasmPathsSet) {
    const require = createRequire(import.meta.url);
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    setWasmPaths(dist);
    wasmPathsSet = true;
  }
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) throw new Error(`tfjs: could not switch to the ${backend} backend (now ${tf.getBackend()})`);
}

/** Which wasm build tfjs loaded (SIMD or not, threads), as detected by tfjs itself; call after useBackend('wasm'). */
export function wasmVariant(): string {
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threaded = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  const threads = getThreadsCount();
  const file = simd && threaded ? 'threaded-simd' : simd ? 'simd' : 'plain';
  return `${file} build, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/** Median ms of one tf.matMul of two [n,n] matrices on the current backend, read back with dataSync(). */
export function matmulMs(a: Float32Array, b: Float32Array, n: number, opts: RepeatOptions): number {
  const ta = tf.tensor2d(a, [n, n]);
  const tb = tf.tensor2d(b, [n, n]);
  let sink = 0;
  try {
    return timeRepeated(() => {
      const c = tf.matMul(ta, tb);
      sink += c.dataSync()[0];
      c.dispose();
    }, opts);
  } finally {
    ta.dispose();
    tb.dispose();
    if (Number.isNaN(sink)) console.error('tfjs matmul produced NaN');
  }
}

/**
 * Median ms of one training step of a features-hidden-classes MLP (ReLU, softmax cross-entropy, plain SGD) with
 * optimizer.minimize on the current backend; the loss is read back with dataSync() so the step has finished.
 */
export function mlpStepMs(data: ClassBatch, hidden: number, lr: number, opts: RepeatOptions): number {
  const { batch, features, classes } = data;
  const x = tf.tensor2d(data.x, [batch, features]);
  const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), classes).toFloat();
  const w1 = tf.variable(tf.randomNormal([features, hidden], 0, Math.sqrt(2 / features)));
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = tf.variable(tf.randomNormal([hidden, classes], 0, Math.sqrt(2 / hidden)));
  const b2 = tf.variable(tf.zeros([classes]));
  const optimizer = tf.train.sgd(lr);
  const lossFn = (): tf.Scalar => {
    const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const logits = tf.add(tf.matMul(h, w2), b2);
    return tf.losses.softmaxCrossEntropy(y, logits);
  };
  let loss = 0;
  const step = (): void => {
    const cost = tf.tidy((): tf.Scalar => {
      const c = optimizer.minimize(lossFn, true);
      if (!c) throw new Error('tfjs: minimize returned no cost');
      return c;
    });
    loss = cost.dataSync()[0];
    cost.dispose();
  };
  try {
    step();
    const tensorsBefore = tf.memory().numTensors;
    const ms = timeRepeated(step, opts);
    const leaked = tf.memory().numTensors - tensorsBefore;
    if (leaked !== 0) console.error(`tfjs ${tf.getBackend()}: ${leaked} tensors leaked during the MLP steps`);
    if (!Number.isFinite(loss)) throw new Error(`tfjs: loss became ${loss}`);
    return ms;
  } finally {
    tf.dispose([x, y, w1, b1, w2, b2]);
    optimizer.dispose();
  }
}

/**
 * Median seconds of one training epoch through tfjs's own loop on the current backend: `model.fit` (one epoch per
 * call, shuffled each epoch, verbose 0) of a tf.sequential features-hidden(ReLU)-classes model with softmax
 * cross-entropy on the logits (tf.losses.softmaxCrossEntropy against one-hot labels) and tf.train.sgd. As on the
 * backprop side the runs are consecutive epochs of one training. tfjs shuffles with Math.random (not seedable), and
 * its dense layers start from Glorot-uniform weights: neither changes the work per epoch.
 */
export async function mlpEpochSeconds(data: ClassBatch, hidden: number, lr: number, batchSize: number, opts: RepeatOptions): Promise<number> {
  const { batch: n, features, classes } = data;
  const x = tf.tensor2d(data.x, [n, features]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels, 'int32'), classes).toFloat());
  const optimizer = tf.train.sgd(lr);
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [features], units: hidden, activation: 'relu' }), tf.layers.dense({ units: classes })],
  });
  model.compile({ optimizer, loss: (yTrue: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, logits) });
  const losses: number[] = [];
  const epoch = async (): Promise<void> => {
    const history = await model.fit(x, y, { epochs: 1, batchSize, shuffle: true, verbose: 0 });
    const loss = history.history.loss[0];
    losses.push(typeof loss === 'number' ? loss : NaN);
  };
  try {
    await epoch(); // the first warm-up epoch, run here so that the tensor count below starts after fit's set-up
    const tensorsBefore = tf.memory().numTensors;
    const ms = await timeRepeatedAsync(epoch, { warmup: Math.max(0, opts.warmup - 1), reps: opts.reps });
    const leaked = tf.memory().numTensors - tensorsBefore;
    if (leaked !== 0) console.error(`tfjs ${tf.getBackend()}: ${leaked} tensors leaked during the fit epochs`);
    checkEpochLosses(`tfjs ${tf.getBackend()}`, losses);
    return ms / 1000;
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
  }
}

/** LeNet-5 parameters as tfjs variables in its layouts: conv filters [kH, kW, in, out], dense weights [in, out]. */
function lenetVariables(weights: LenetWeights): Record<keyof LenetWeights, tf.Variable> {
  return tf.tidy(() => {
    const t = (name: keyof LenetWeights): tf.Tensor => tf.tensor(weights[name], [...LENET_SHAPES[name]]);
    const filter = (name: keyof LenetWeights): tf.Tensor => tf.transpose(t(name), [2, 3, 1, 0]);
    // FC1 reads the [16, 5, 5] maps flattened channel-first in PyTorch; tfjs flattens [5, 5, 16] channel-last.
    const f1 = tf.reshape(tf.transpose(tf.reshape(t('f1w'), [120, 16, 5, 5]), [0, 2, 3, 1]), [120, 400]);
    const vars = { c1w: filter('c1w'), c2w: filter('c2w'), f1w: tf.transpose(f1), f2w: tf.transpose(t('f2w')), f3w: tf.transpose(t('f3w')) };
    const biases = { c1b: t('c1b'), c2b: t('c2b'), f1b: t('f1b'), f2b: t('f2b'), f3b: t('f3b') };
    const all: Record<string, tf.Tensor> = { ...vars, ...biases };
    const out = {} as Record<keyof LenetWeights, tf.Variable>;
    for (const name of LENET_NAMES) out[name] = tf.variable(all[name]);
    return out;
  });
}

/** LeNet-5's loss in NHWC: CONV6-5×5 pad 2, ReLU, pool, CONV16-5×5, ReLU, pool, FC120, ReLU, FC84, ReLU, FC10, cross-entropy. */
function lenetLoss(p: Record<keyof LenetWeights, tf.Variable>, x: tf.Tensor4D, y: tf.Tensor2D): tf.Scalar {
  const pool = (h: tf.Tensor): tf.Tensor => tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
  const conv = (h: tf.Tensor, w: tf.Tensor, pad: number): tf.Tensor => tf.conv2d(h as tf.Tensor4D, w as tf.Tensor4D, 1, pad);
  let h = pool(tf.relu(tf.add(conv(x, p.c1w, 2), p.c1b)));
  h = pool(tf.relu(tf.add(conv(h, p.c2w, 0), p.c2b)));
  h = tf.reshape(h, [h.shape[0], -1]);
  h = tf.relu(tf.add(tf.matMul(h, p.f1w), p.f1b));
  h = tf.relu(tf.add(tf.matMul(h, p.f2w), p.f2b));
  return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, p.f3w), p.f3b));
}

/** LeNet-5 training throughput in samples/s on the current backend (median SGD step, optimizer.minimize, over the batches in turn). */
export function lenetSamplesPerSec(batches: readonly ClassBatch[], weights: LenetWeights, lr: number, opts: RepeatOptions): { value: number; losses: number[] } {
  const p = lenetVariables(weights);
  const data = batches.map((b) => ({ x: tf.tensor4d(b.x, [b.batch, 28, 28, 1]), y: tf.tensor2d(oneHot(b), [b.batch, b.classes]) }));
  const optimizer = tf.train.sgd(lr);
  const losses: number[] = [];
  let i = 0;
  const step = (): void => {
    const { x, y } = data[i++ % data.length];
    const cost = tf.tidy((): tf.Scalar => {
      const c = optimizer.minimize(() => lenetLoss(p, x, y), true);
      if (!c) throw new Error('tfjs: minimize returned no cost');
      return c;
    });
    losses.push(cost.dataSync()[0]);
    cost.dispose();
  };
  try {
    const tensorsBefore = tf.memory().numTensors;
    const ms = timeRepeated(step, opts);
    const leaked = tf.memory().numTensors - tensorsBefore;
    if (leaked !== 0) console.error(`tfjs ${tf.getBackend()}: ${leaked} tensors leaked during the LeNet-5 steps`);
    if (!losses.every(Number.isFinite)) throw new Error(`tfjs LeNet-5: loss became ${losses.find((l) => !Number.isFinite(l))}`);
    return { value: (batches[0].batch * 1000) / ms, losses };
  } finally {
    tf.dispose([...Object.values(p), ...data.flatMap(({ x, y }) => [x, y])]);
    optimizer.dispose();
  }
}

/**
 * Median ms of one conv2d on the current backend, NHWC: x [N, H, W, C], filter [k, k, C, O], stride 1, 'same', no
 * bias; with `backward`, also the gradients of Σ conv(x, w)·dy with respect to x and the filter (tf.grads), all read
 * back with dataSync().
 */
export function conv2dMs(x: Float32Array, w: Float32Array, dy: Float32Array, dims: { n: number; c: number; o: number; h: number; k: number }, backward: boolean, opts: RepeatOptions): number {
  const { n, c, o, h, k } = dims;
  const xs = tf.tensor4d(x, [n, h, h, c]);
  const ws = tf.tensor4d(w, [k, k, c, o]);
  const dys = tf.tensor4d(dy, [n, h, h, o]);
  const f = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D => tf.conv2d(a, b, 1, 'same');
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), dys)));
  let sink = 0;
  try {
    return timeRepeated(() => {
      const outs = backward ? grads([xs, ws]) : [f(xs, ws)];
      for (const t of outs) sink += t.dataSync()[0];
      tf.dispose(outs);
    }, opts);
  } finally {
    tf.dispose([xs, ws, dys]);
    if (Number.isNaN(sink)) console.error('tfjs conv2d produced NaN');
  }
}

/** The current backend's name. */
export function currentBackend(): string {
  return tf.getBackend();
}
