/**
 * Splitting data into training and test sets, optionally stratified so every class keeps its
 * share in both. All randomness comes from the seeded generator.
 */
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import { indexSelect } from '../ops/shape.js';
import { randperm } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Sample } from './dataset.js';

/**
 * Shares `total` out among groups in proportion to `counts` (largest remainder), never giving a
 * group more than its cap. The caps must add up to at least `total`.
 */
export function apportion(total: number, counts: readonly number[], caps: readonly number[] = counts): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const ideal = counts.map((c) => (n === 0 ? 0 : (total * c) / n));
  const out = ideal.map((v, g) => Math.min(Math.floor(v), caps[g]));
  let left = total - out.reduce((a, b) => a + b, 0);
  while (left > 0) {
    // Hand out the rest one by one, biggest shortfall first; ties go to the lower group index.
    const order = out
      .map((_, g) => g)
      .filter((g) => out[g] < caps[g])
      .sort((a, b) => ideal[b] - out[b] - (ideal[a] - out[a]) || a - b);
    if (order.length === 0) throw new ConfigError(`apportion: cannot place ${left} more items; every group is full`);
    for (const g of order) {
      if (left === 0) break;
      out[g]++;
      left--;
    }
  }
  return out;
}

/** Group index of every row of y (rows compared by value), and how many rows each group has. */
export function groupRows(y: Tensor): { groups: Int32Array; counts: number[] } {
  const n = y.ndim === 0 ? 1 : y.shape[0];
  const inner = n === 0 ? 0 : y.size / n;
  const groups = new Int32Array(n);
  const ids = new Map<string, number>();
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = inner === 1 ? String(y.data[i]) : Array.from(y.data.subarray(i * inner, (i + 1) * inner)).join(',');
    let g = ids.get(key);
    if (g === undefined) {
      g = counts.length;
      ids.set(key, g);
      counts.push(0);
    }
    counts[g]++;
    groups[i] = g;
  }
  return { groups, counts };
}

/**
 * Splits row indices 0…n−1 into train and test. Stratified when `groups` is given: each group
 * contributes to the test set in proportion to its size. With `shuffle`, rows are drawn at
 * random (and each output is in random order); without, earlier rows go to train and later to test.
 */
export function splitIndices(
  n: number,
  nTest: number,
  options: { shuffle: boolean; groups?: Int32Array; counts?: readonly number[]; nTrain?: number },
): { train: Int32Array; test: Int32Array } {
  const { shuffle, groups, counts } = options;
  const nTrain = options.nTrain ?? n - nTest;
  if (!groups || !counts) {
    const order = shuffle ? randperm(n) : Int32Array.from({ length: n }, (_, i) => i);
    return { train: order.slice(0, nTrain), test: order.slice(n - nTest) };
  }
  const testPer = apportion(nTest, counts);
  const trainPer = apportion(nTrain, counts, counts.map((c, g) => c - testPer[g]));
  const members: number[][] = counts.map(() => []);
  for (let i = 0; i < n; i++) members[groups[i]].push(i);
  const train: number[] = [];
  const test: number[] = [];
  for (let g = 0; g < counts.length; g++) {
    let rows = members[g];
    if (shuffle) {
      const p = randperm(rows.length);
      rows = Array.from(p, (j) => members[g][j]);
    }
    for (let j = 0; j < trainPer[g]; j++) train.push(rows[j]);
    for (let j = rows.length - testPer[g]; j < rows.length; j++) test.push(rows[j]);
  }
  const mix = (rows: number[]): Int32Array => {
    if (!shuffle) return Int32Array.from(rows.sort((a, b) => a - b));
    const p = randperm(rows.length);
    return Int32Array.from(p, (j) => rows[j]);
  };
  return { train: mix(train), test: mix(test) };
}

/** Options of trainTestSplit: give either testFraction or testSize. */
export interface TrainTestSplitOptions {
  /** Share of the examples that go to the test set, in [0, 1] (default 0.25); rounded to a count. */
  testFraction?: number;
  /** Number of examples that go to the test set (instead of testFraction). */
  testSize?: number;
  /** Draw the split at random from the seeded generator (default true). */
  shuffle?: boolean;
  /** Keep every class's proportion equal in train and test, classes read from y's rows (default false). */
  stratify?: boolean;
}

/** The result of trainTestSplit: both splits and which original rows went where. */
export interface TrainTestSplitResult {
  readonly train: Sample;
  readonly test: Sample;
  /** Original row of every training example, in the order of train. */
  readonly trainIndices: Int32Array;
  /** Original row of every test example, in the order of test. */
  readonly testIndices: Int32Array;
}

/** Splits x [N, …] and y [N, …] into train and test sets, seeded and optionally stratified by y. */
export function trainTestSplit(x: Tensor, y: Tensor, options: TrainTestSplitOptions = {}): TrainTestSplitResult {
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(`trainTestSplit: x of shape ${fmtShape(x.shape)} and y of shape ${fmtShape(y.shape)} must have the same size along the first axis`);
  }
  const n = x.shape[0];
  const { testFraction, testSize, shuffle = true, stratify = false } = options;
  if (testFraction !== undefined && testSize !== undefined) {
    throw new ConfigError(`trainTestSplit: give testFraction (${testFraction}) or testSize (${testSize}), not both`);
  }
  let nTest: number;
  if (testSize !== undefined) {
    if (!Number.isInteger(testSize) || testSize < 0 || testSize > n) {
      throw new ConfigError(`trainTestSplit: testSize must be a whole number in 0…${n} (the number of examples), got ${testSize}`);
    }
    nTest = testSize;
  } else {
    const f = testFraction ?? 0.25;
    if (typeof f !== 'number' || !(f >= 0 && f <= 1)) throw new ConfigError(`trainTestSplit: testFraction must be in [0, 1], got ${String(f)}`);
    nTest = Math.round(f * n);
  }
  const grouping = stratify ? groupRows(y) : undefined;
  const { train, test } = splitIndices(n, nTest, { shuffle, groups: grouping?.groups, counts: grouping?.counts });
  return {
    train: { x: indexSelect(x, 0, train), y: indexSelect(y, 0, train) },
    test: { x: indexSelect(x, 0, test), y: indexSelect(y, 0, test) },
    trainIndices: train,
    testIndices: test,
  };
}

