/**
 * The LeNet-5 rows' shared inputs: one set of initial weights (PyTorch layouts) and a few MNIST batches, so that every
 * library trains the same network from the same start on the same digits (their first-step losses agree).
 */
import type { ClassBatch } from './data.js';
import { randomFloats } from './data.js';

/** LeNet-5 weights in PyTorch layouts: conv [out, in, kH, kW], linear [out, in]; biases [out]. */
export interface LenetWeights {
  readonly c1w: Float32Array;
  readonly c1b: Float32Array;
  readonly c2w: Float32Array;
  readonly c2b: Float32Array;
  readonly f1w: Float32Array;
  readonly f1b: Float32Array;
  readonly f2w: Float32Array;
  readonly f2b: Float32Array;
  readonly f3w: Float32Array;
  readonly f3b: Float32Array;
}

/** Shape of every LeNet-5 parameter (PyTorch layouts), in forward order. */
export const LENET_SHAPES: { readonly [K in keyof LenetWeights]: readonly number[] } = {
  c1w: [6, 1, 5, 5],
  c1b: [6],
  c2w: [16, 6, 5, 5],
  c2b: [16],
  f1w: [120, 400],
  f1b: [120],
  f2w: [84, 120],
  f2b: [84],
  f3w: [10, 84],
  f3b: [10],
};

/** Fan-in of the layer each parameter belongs to. */
const FAN_IN: { readonly [K in keyof LenetWeights]: number } = {
  c1w: 25,
  c1b: 25,
  c2w: 150,
  c2b: 150,
  f1w: 400,
  f1b: 400,
  f2w: 120,
  f2b: 120,
  f3w: 84,
  f3b: 84,
};

/** Parameter names in forward order. */
export const LENET_NAMES = Object.keys(LENET_SHAPES) as (keyof LenetWeights)[];

/** Initial weights, uniform in ±1/√fan-in as PyTorch's default init, drawn from the seeded generator. */
export function lenetWeights(seed: number): LenetWeights {
  const out: Partial<Record<keyof LenetWeights, Float32Array>> = {};
  LENET_NAMES.forEach((name, i) => {
    const size = LENET_SHAPES[name].reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(FAN_IN[name]);
    out[name] = randomFloats(size, seed + i).map((v) => v * bound);
  });
  return out as LenetWeights;
}

/** The digits cut into `count` consecutive batches of `size` (inputs [size, 784] in [0, 1], labels). */
export function digitBatches(digits: ClassBatch, size: number, count: number): ClassBatch[] {
  if (size * count > digits.batch) throw new Error(`digitBatches: ${count} batches of ${size} need more than ${digits.batch} digits`);
  return Array.from({ length: count }, (_, i) => ({
    batch: size,
    features: digits.features,
    classes: digits.classes,
    x: digits.x.slice(i * size * digits.features, (i + 1) * size * digits.features),
    labels: digits.labels.slice(i * size, (i + 1) * size),
  }));
}

/** One-hot rows [batch, classes] of the labels. */
export function oneHot(data: ClassBatch): Float32Array {
  const out = new Float32Array(data.batch * data.classes);
  data.labels.forEach((label, i) => (out[i * data.classes + label] = 1));
  return out;
}
