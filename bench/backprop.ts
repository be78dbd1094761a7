/**
 * The backprop side of the benchmarks: matrix product, one MLP training step, one epoch of `fit`, heap use over many
 * steps, LeNet-5 training steps and one conv2d forward + backward.
 */
import {
  backward,
  conv2d,
  fit,
  fromTypedArray,
  gather,
  linear,
  logSoftmax,
  matmul,
  maxPool2d,
  mean,
  mlp,
  neg,
  noGrad,
  randn,
  relu,
  reshape,
  SGD,
  zeros,
  type Tensor,
} from '../src/index.js';
import type { ClassBatch } from './data.js';
import { LENET_NAMES, LENET_SHAPES, type LenetWeights } from './lenet-data.js';
import { checkEpochLosses, timeRepeated, type RepeatOptions } from './stats.js';

/** Median ms of one [n,n]·[n,n] product of the given row-major matrices. */
export function matmulMs(a: Float32Array, b: Float32Array, n: number, opts: RepeatOptions): number {
  const ta = fromTypedArray(a, [n, n]);
  const tb = fromTypedArray(b, [n, n]);
  let sink = 0;
  const ms = timeRepeated(() => {
    sink += matmul(ta, tb).data[0];
  }, opts);
  if (Number.isNaN(sink)) throw new Error('matmul produced NaN');
  return ms;
}

/** A fully connected network's parameters, weights stored [out, in] as `linear` expects. */
interface Mlp {
  readonly layers: { readonly w: Tensor; readonly b: Tensor }[];
}

/** He-initialised MLP with layer sizes e.g. [784, 128, 10]. */
function makeMlp(sizes: readonly number[]): Mlp {
  const layers = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const w = randn([sizes[i + 1], sizes[i]], { std: Math.sqrt(2 / sizes[i]), requiresGrad: true });
    const b = zeros([sizes[i + 1]], { requiresGrad: true });
    layers.push({ w, b });
  }
  return { layers };
}

/** Mean softmax cross-entropy of logits [batch, classes] against class indices [batch, 1]. */
function crossEntropy(logits: Tensor, targets: Tensor): Tensor {
  return neg(mean(gather(logSoftmax(logits, 1), 1, targets)));
}

/** Backward from the loss, then p ← p − lr·∂loss/∂p in place for every parameter (gradients cleared). Returns the loss. */
function sgdUpdate(loss: Tensor, params: readonly Tensor[], lr: number): number {
  loss.backward();
  noGrad(() => {
    for (const p of params) {
      const g = p.grad;
      if (!g) throw new Error('sgdUpdate: parameter received no gradient');
      const pd = p.data;
      const gd = g.data;
      for (let i = 0; i < pd.length; i++) pd[i] -= lr * gd[i];
      p.grad = null;
    }
  });
  return loss.item();
}

/** One SGD step: ReLU hidden layers, softmax cross-entropy on the last, backward, in-place update. Returns the loss. */
function sgdStep(mlp: Mlp, x: Tensor, targets: Tensor, lr: number): number {
  let h = x;
  mlp.layers.forEach(({ w, b }, i) => {
    const z = linear(h, w, b);
    h = i + 1 < mlp.layers.length ? relu(z) : z;
  });
  return sgdUpdate(crossEntropy(h, targets), mlp.layers.flatMap(({ w, b }) => [w, b]), lr);
}

/** The batch as backprop tensors: inputs [batch, features] (or `shape`) and targets [batch, 1] for gather. */
function batchTensors(data: ClassBatch, shape: readonly number[] = [data.batch, data.features]): { x: Tensor; targets: Tensor } {
  const x = fromTypedArray(data.x, [...shape]);
  const targets = fromTypedArray(Float32Array.from(data.labels), [data.batch, 1]);
  return { x, targets };
}

/** Median ms of one training step (forward, backward, SGD update) of an MLP with `hidden` units on the batch. */
export function mlpStepMs(data: ClassBatch, hidden: number, lr: number, opts: RepeatOptions): number {
  const mlp = makeMlp([data.features, hidden, data.classes]);
  const { x, targets } = batchTensors(data);
  let loss = 0;
  const ms = timeRepeated(() => {
    loss = sgdStep(mlp, x, targets, lr);
  }, opts);
  if (!Number.isFinite(loss)) throw new Error(`mlpStepMs: loss became ${loss}`);
  return ms;
}

/**
 * Median seconds of one training epoch through the library's own loop: `fit` on an `mlp([features, hidden, classes])`
 * (ReLU, PyTorch's default init) with softmax cross-entropy and plain SGD, reshuffled each epoch from the seeded
 * generator. Every run is one `fit(…, {epochs: 1})` call continuing on the same model and optimiser, so the runs are
 * consecutive epochs of one training. Warns on stderr if the loss is not finite or did not fall.
 */
export function mlpEpochSeconds(data: ClassBatch, hidden: number, lr: number, batchSize: number, opts: RepeatOptions): number {
  const model = mlp([data.features, hidden, data.classes]);
  const optimizer = new SGD(model.parameters(), { lr });
  const x = fromTypedArray(data.x, [data.batch, data.features]);
  const y = fromTypedArray(Float32Array.from(data.labels), [data.batch]);
  const losses: number[] = [];
  const ms = timeRepeated(() => {
    const history = fit(model, { x, y }, { loss: 'crossEntropy', optimizer, epochs: 1, batchSize, shuffle: true, progress: 'none' });
    losses.push(history.epochs[0]?.loss ?? NaN);
  }, opts);
  checkEpochLosses('backprop', losses);
  return ms / 1000;
}

/** Heap use around a long training run, in bytes. */
export interface HeapReport {
  readonly before: number;
  readonly after: number;
  /** Whether global.gc was available (node --expose-gc) and forced before each reading. */
  readonly gcForced: boolean;
  readonly firstLoss: number;
  readonly lastLoss: number;
}

/** Forces a full garbage collection when node runs with --expose-gc; returns whether it could. */
function forceGc(): boolean {
  if (typeof globalThis.gc !== 'function') return false;
  globalThis.gc();
  globalThis.gc();
  return true;
}

/** Heap used before and after `steps` SGD steps (after 10 uncounted warm-up steps) of a small MLP (sizes e.g. [20, 32, 2]) on one batch. */
export function heapOverTraining(data: ClassBatch, sizes: readonly number[], steps: number, lr: number): HeapReport {
  const mlp = makeMlp(sizes);
  const { x, targets } = batchTensors(data);
  const firstLoss = sgdStep(mlp, x, targets, lr); // warm-up (JIT, lazily created state), not counted
  for (let i = 0; i < 9; i++) sgdStep(mlp, x, targets, lr);
  const gcForced = forceGc();
  const before = process.memoryUsage().heapUsed;
  let lastLoss = firstLoss;
  for (let i = 0; i < steps; i++) lastLoss = sgdStep(mlp, x, targets, lr);
  forceGc();
  const after = process.memoryUsage().heapUsed;
  return { before, after, gcForced, firstLoss, lastLoss };
}

/** LeNet-5 parameters as backprop tensors (PyTorch layouts), requiring gradients. */
type LenetParams = Record<keyof LenetWeights, Tensor>;

/** LeNet-5's loss: CONV6-5×5 pad 2, ReLU, pool, CONV16-5×5, ReLU, pool, FC120, ReLU, FC84, ReLU, FC10, cross-entropy. */
function lenetLoss(p: LenetParams, x: Tensor, targets: Tensor): Tensor {
  let h = maxPool2d(relu(conv2d(x, p.c1w, p.c1b, { padding: 2 })), 2);
  h = maxPool2d(relu(conv2d(h, p.c2w, p.c2b)), 2);
  h = reshape(h, [h.shape[0], -1]);
  h = relu(linear(h, p.f1w, p.f1b));
  h = relu(linear(h, p.f2w, p.f2b));
  return crossEntropy(linear(h, p.f3w, p.f3b), targets);
}

/** LeNet-5 training throughput in samples/s (median SGD step over the batches in turn), and the losses of the steps run. */
export function lenetSamplesPerSec(batches: readonly ClassBatch[], weights: LenetWeights, lr: number, opts: RepeatOptions): { value: number; losses: number[] } {
  const p = {} as LenetParams;
  for (const name of LENET_NAMES) p[name] = fromTypedArray(weights[name].slice(), [...LENET_SHAPES[name]], { requiresGrad: true });
  const params = LENET_NAMES.map((name) => p[name]);
  const data = batches.map((b) => batchTensors(b, [b.batch, 1, 28, 28]));
  const losses: number[] = [];
  let i = 0;
  const ms = timeRepeated(() => {
    const { x, targets } = data[i++ % data.length];
    losses.push(sgdUpdate(lenetLoss(p, x, targets), params, lr));
  }, opts);
  if (!losses.every(Number.isFinite)) throw new Error(`backprop LeNet-5: loss became ${losses.find((l) => !Number.isFinite(l))}`);
  return { value: (batches[0].batch * 1000) / ms, losses };
}

/**
 * Median ms of one conv2d forward + backward: x [N, C, H, W], weight [O, C, k, k], stride 1, padding k>>1, no bias;
 * backward(out, dy) fills the gradients of x and w for a fixed upstream gradient dy.
 */
export function conv2dForwardBackwardMs(x: Float32Array, w: Float32Array, dy: Float32Array, dims: { n: number; c: number; o: number; h: number; k: number }, opts: RepeatOptions): number {
  const { n, c, o, h, k } = dims;
  const xs = fromTypedArray(x, [n, c, h, h], { requiresGrad: true });
  const ws = fromTypedArray(w, [o, c, k, k], { requiresGrad: true });
  const dys = fromTypedArray(dy, [n, o, h, h]);
  let sink = 0;
  const ms = timeRepeated(() => {
    xs.grad = null;
    ws.grad = null;
    backward(conv2d(xs, ws, null, { padding: k >> 1 }), dys);
    const [gx, gw] = [xs.grad as Tensor | null, ws.grad as Tensor | null]; // assigned by backward
    sink += (gx?.data[0] ?? NaN) + (gw?.data[0] ?? NaN);
  }, opts);
  if (Number.isNaN(sink)) throw new Error('backprop conv2d: a gradient is missing or NaN');
  return ms;
}
