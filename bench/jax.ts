/**
 * The jax-js side of the benchmarks (`@jax-js/jax`, wasm device): matrix product, MLP and LeNet-5 training steps
 * (jit of valueAndGrad plus the SGD update, as a jax user writes them), conv2d forward + backward, and its memory over
 * many steps. jax-js counts references by hand: every function consumes its array arguments, `.ref` keeps one for
 * later, results are consumed by dataSync() or disposed; the parameters of a training loop are replaced each step by
 * the new ones the jitted step returns (it consumes the old).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { blockUntilReady, defaultDevice, init, jit, lax, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import type { ClassBatch } from './data.js';
import { randomFloats } from './data.js';
import { LENET_NAMES, LENET_SHAPES, oneHot, type LenetWeights } from './lenet-data.js';
import { timeRepeated, timeRepeatedAsync, warmUp, warmUpAsync, type RepeatOptions } from './stats.js';

/** jax-js version string, for the report (read from its package.json, which the package does not export). */
export const jaxVersion: string = (() => {
  const entry = createRequire(import.meta.url).resolve('@jax-js/jax'); // <package>/dist/index.cjs
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version?: unknown };
  return String(pkg.version);
})();

/** A jax-js parameter tree: named arrays. */
export type Params = Record<string, np.Array>;

/** jax-js's wasm linear memory, caught while it first grows (null before useJax). */
let wasmMemory: WebAssembly.Memory | null = null;

/**
 * Starts the wasm device and makes it the default. To read its memory size later (jax-js does not expose it), it
 * catches the WebAssembly.Memory that grows while the first array is allocated, then restores Memory.prototype.grow.
 */
export async function useJax(): Promise<void> {
  if (wasmMemory) return;
  const devices = await init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (found ${devices.join(', ')})`);
  defaultDevice('wasm');
  const grown = new Set<WebAssembly.Memory>();
  const grow = WebAssembly.Memory.prototype.grow;
  WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, delta: number): number {
    grown.add(this);
    return grow.call(this, delta);
  };
  try {
    np.array(new Float32Array(1024)).dataSync();
  } finally {
    WebAssembly.Memory.prototype.grow = grow;
  }
  wasmMemory = [...grown][0] ?? null;
  if (!wasmMemory) throw new Error('jax-js: could not find its wasm memory');
}

/** Bytes of jax-js's wasm linear memory (it only grows: flat over a loop means nothing leaked). */
export function wasmMemoryBytes(): number {
  if (!wasmMemory) throw new Error('jax-js: call useJax() first');
  return wasmMemory.buffer.byteLength;
}

/** Runs `measure`, warning on stderr if jax-js's wasm memory grew while it ran (an array was not freed). */
async function watchMemory<T>(what: string, measure: () => T | Promise<T>): Promise<T> {
  const before = wasmMemoryBytes();
  const out = await measure();
  const grew = wasmMemoryBytes() - before;
  if (grew > 0) console.error(`jax-js ${what}: wasm memory grew by ${grew} bytes while timing`);
  return out;
}

/** Median ms of one np.matmul of two [n,n] matrices, read back with dataSync(). */
export function matmulMs(a: Float32Array, b: Float32Array, n: number, opts: RepeatOptions): Promise<number> {
  const ta = np.array(a).reshape([n, n]);
  const tb = np.array(b).reshape([n, n]);
  let sink = 0;
  const run = (): void => {
    sink += np.matmul(ta.ref, tb.ref).dataSync()[0];
  };
  warmUp(run, opts);
  return watchMemory('matmul', () => timeRepeated(run, { ...opts, warmup: 0, warmupMs: 0 })).finally(() => {
    ta.dispose();
    tb.dispose();
    if (Number.isNaN(sink)) console.error('jax-js matmul produced NaN');
  });
}

/** Mean softmax cross-entropy of logits [batch, classes] against one-hot rows; consumes both. */
function crossEntropy(logits: np.Array, target: np.Array): np.Array {
  return nn.logSoftmax(logits, -1).mul(target).sum().mul(-1 / logits.shape[0]);
}

/** A jitted SGD step: (params, x, target) → [loss, new params], consuming all three. */
export type Step = ((p: Params, x: np.Array, y: np.Array) => [np.Array, Params]) & { dispose: () => void };

/** jit(valueAndGrad(loss) + the update p − lr·g): the usual jax training step. */
export function sgdStep(loss: (p: Params, x: np.Array, y: np.Array) => np.Array, lr: number): Step {
  return jit((p: Params, x: np.Array, y: np.Array): [np.Array, Params] => {
    const [value, grads] = valueAndGrad(loss)(tree.ref(p), x, y);
    return [value, tree.map((w: np.Array, g: np.Array) => w.sub(g.mul(lr)), p, grads)];
  });
}

/** A training loop state: the current parameters, replaced after every step. */
export interface Trainer {
  params: Params;
  readonly step: Step;
}

/** One training step on (x, y), waiting until the new parameters exist; returns the loss. Keeps x and y. */
async function trainStep(t: Trainer, x: np.Array, y: np.Array): Promise<number> {
  const [loss, params] = t.step(t.params, x.ref, y.ref);
  t.params = params;
  await blockUntilReady(params);
  return loss.item();
}

/** Median ms of `trainStep` over the batches in turn (after warm-up), with the losses seen; frees everything after. */
export async function timeTraining(what: string, t: Trainer, batches: [np.Array, np.Array][], opts: RepeatOptions): Promise<{ ms: number; losses: number[] }> {
  const losses: number[] = [];
  let i = 0;
  const run = async (): Promise<void> => {
    const [x, y] = batches[i++ % batches.length];
    losses.push(await trainStep(t, x, y));
  };
  try {
    await warmUpAsync(run, opts);
    const ms = await watchMemory(what, () => timeRepeatedAsync(run, { ...opts, warmup: 0, warmupMs: 0 }));
    if (!losses.every(Number.isFinite)) throw new Error(`jax-js ${what}: loss became ${losses.find((l) => !Number.isFinite(l))}`);
    return { ms, losses };
  } finally {
    tree.dispose(t.params);
    tree.dispose(batches);
    t.step.dispose();
  }
}

/** He-initialised MLP parameters {w0, b0, w1, b1, …}, weights [in, out]. */
function mlpParams(sizes: readonly number[], seed: number): Params {
  const p: Params = {};
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [fin, fout] = [sizes[i], sizes[i + 1]];
    p[`w${i}`] = np.array(randomFloats(fin * fout, seed + i).map((v) => v * Math.sqrt(6 / fin))).reshape([fin, fout]);
    p[`b${i}`] = np.zeros([fout]);
  }
  return p;
}

/** Loss of an MLP (ReLU hidden layers) with `layers` layers. */
function mlpLoss(layers: number): (p: Params, x: np.Array, y: np.Array) => np.Array {
  return (p, x, y) => {
    let h = x;
    for (let i = 0; i < layers; i++) {
      const z = np.matmul(h, p[`w${i}`]).add(p[`b${i}`]);
      h = i + 1 < layers ? nn.relu(z) : z;
    }
    return crossEntropy(h, y);
  };
}

/** The batch as jax-js arrays: inputs [batch, features] and one-hot targets [batch, classes]. */
function batchArrays(data: ClassBatch, shape: number[] = [data.batch, data.features]): [np.Array, np.Array] {
  return [np.array(data.x).reshape(shape), np.array(oneHot(data)).reshape([data.batch, data.classes])];
}

/** Median ms of one training step (forward, backward, SGD update) of a features-hidden-classes MLP on the batch. */
export async function mlpStepMs(data: ClassBatch, hidden: number, lr: number, opts: RepeatOptions): Promise<number> {
  const t = { params: mlpParams([data.features, hidden, data.classes], 5), step: sgdStep(mlpLoss(2), lr) };
  return (await timeTraining('MLP step', t, [batchArrays(data)], opts)).ms;
}

/** jax-js's wasm memory and the JS heap before and after `steps` SGD steps of a small MLP, after 10 warm-up steps. */
export async function memoryOverTraining(data: ClassBatch, sizes: readonly number[], steps: number, lr: number): Promise<{ before: number; after: number; heapBefore: number; heapAfter: number }> {
  const t = { params: mlpParams(sizes, 6), step: sgdStep(mlpLoss(sizes.length - 1), lr) };
  const [x, y] = batchArrays(data);
  try {
    for (let i = 0; i < 10; i++) await trainStep(t, x, y);
    globalThis.gc?.();
    const before = wasmMemoryBytes();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < steps; i++) await trainStep(t, x, y);
    globalThis.gc?.();
    return { before, after: wasmMemoryBytes(), heapBefore, heapAfter: process.memoryUsage().heapUsed };
  } finally {
    tree.dispose([t.params, x, y]);
    t.step.dispose();
  }
}

/** 2×2 max pooling, stride 2, of [N, C, H, W]. */
function maxPool2(x: np.Array): np.Array {
  return lax.reduceWindow(x, (w) => w.max(), [2, 2], [2, 2]);
}

/** Conv (stride 1) of x [N, C, H, W] with w [O, C, k, k], padding `pad` on every side, plus the bias [O] if given. */
function conv(x: np.Array, w: np.Array, b: np.Array | null, pad: number): np.Array {
  const out = lax.convGeneralDilated(x, w, [1, 1], [
    [pad, pad],
    [pad, pad],
  ]);
  return b ? out.add(b.reshape([1, -1, 1, 1])) : out;
}

/** Dense layer with a PyTorch-layout weight [out, in]. */
function dense(x: np.Array, w: np.Array, b: np.Array): np.Array {
  return np.matmul(x, w.transpose()).add(b);
}

/** LeNet-5's loss: CONV6-5×5 pad 2, ReLU, pool, CONV16-5×5, ReLU, pool, FC120, ReLU, FC84, ReLU, FC10, cross-entropy. */
function lenetLoss(p: Params, x: np.Array, y: np.Array): np.Array {
  let h = maxPool2(nn.relu(conv(x, p.c1w, p.c1b, 2)));
  h = maxPool2(nn.relu(conv(h, p.c2w, p.c2b, 0)));
  h = h.reshape([h.shape[0], -1]);
  h = nn.relu(dense(h, p.f1w, p.f1b));
  h = nn.relu(dense(h, p.f2w, p.f2b));
  return crossEntropy(dense(h, p.f3w, p.f3b), y);
}

/** LeNet-5 training throughput in samples/s (median step over the batches in turn), and the losses of the steps run. */
export async function lenetSamplesPerSec(batches: readonly ClassBatch[], weights: LenetWeights, lr: number, opts: RepeatOptions): Promise<{ value: number; losses: number[] }> {
  const params: Params = {};
  for (const name of LENET_NAMES) params[name] = np.array(weights[name]).reshape([...LENET_SHAPES[name]]);
  const arrays = batches.map((b) => batchArrays(b, [b.batch, 1, 28, 28]));
  const { ms, losses } = await timeTraining('LeNet-5 step', { params, step: sgdStep(lenetLoss, lr) }, arrays, opts);
  return { value: (batches[0].batch * 1000) / ms, losses };
}

/**
 * Median ms of one conv2d forward + backward: x [N, C, H, W], weight [O, C, k, k], stride 1, padding k>>1, no bias;
 * the gradients of Σ conv(x, w)·dy with respect to x and w (a fixed upstream gradient dy), jitted, waited for.
 */
export async function conv2dForwardBackwardMs(x: Float32Array, w: Float32Array, dy: Float32Array, dims: { n: number; c: number; o: number; h: number; k: number }, opts: RepeatOptions): Promise<number> {
  const { n, c, o, h, k } = dims;
  const pad = k >> 1;
  const xs = np.array(x).reshape([n, c, h, h]);
  const ws = np.array(w).reshape([o, c, k, k]);
  const dys = np.array(dy).reshape([n, o, h, h]);
  const f = (xa: np.Array, wa: np.Array, d: np.Array): np.Array => conv(xa, wa, null, pad).mul(d).sum();
  const step = jit((xa: np.Array, wa: np.Array, d: np.Array) => valueAndGrad(f, { argnums: [0, 1] })(xa, wa, d));
  const run = async (): Promise<void> => {
    const out = step(xs.ref, ws.ref, dys.ref);
    await blockUntilReady(out);
    tree.dispose(out);
  };
  try {
    await warmUpAsync(run, opts);
    return await watchMemory('conv2d', () => timeRepeatedAsync(run, { ...opts, warmup: 0, warmupMs: 0 }));
  } finally {
    tree.dispose([xs, ws, dys]);
    step.dispose();
  }
}
