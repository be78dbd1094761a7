/** Deterministic inputs shared by the backprop and TensorFlow.js sides, so both see the same numbers. */
import { loadMnist, manualSeed } from '../src/index.js';

/** A small seeded generator (mulberry32) returning uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Float32Array of n uniform numbers in [-1, 1). */
export function randomFloats(n: number, seed: number): Float32Array {
  const rnd = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * rnd() - 1;
  return out;
}

/** One batch of a classification problem: inputs [batch, features] row-major and integer class labels. */
export interface ClassBatch {
  readonly batch: number;
  readonly features: number;
  readonly classes: number;
  readonly x: Float32Array;
  readonly labels: Int32Array;
}

/** A random batch: uniform inputs and uniformly drawn labels in [0, classes). */
export function randomBatch(batch: number, features: number, classes: number, seed: number): ClassBatch {
  const rnd = seededRandom(seed + 1);
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = Math.floor(rnd() * classes);
  return { batch, features, classes, x: randomFloats(batch * features, seed), labels };
}

/**
 * The first `n` training digits of the bundled MNIST set exactly as `loadMnist` splits them after `manualSeed(seed)`
 * (with n = 8000, seed 0: the CLI's default job), flattened to [n, 784] in [0, 1], as arrays both sides train on.
 * The field `batch` holds the number of digits.
 */
export function mnistTrainDigits(n: number, seed: number): ClassBatch {
  manualSeed(seed);
  const { train } = loadMnist({ train: n, flatten: true });
  const x = train.x.data instanceof Float32Array ? train.x.data : Float32Array.from(train.x.data);
  return { batch: n, features: 784, classes: 10, x, labels: Int32Array.from(train.y.data) };
}
