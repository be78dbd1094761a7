// oneHot, Standardizer / standardize, and trainTestSplit (sizes, stratification, seeding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ShapeError, ValueError, arange, manualSeed, randn, reshape, tensor, type Tensor } from '../../src/index.js';
import { Standardizer, oneHot, standardize, trainTestSplit } from '../../src/data/index.js';
import { assertClose } from '../helpers.js';

test('oneHot: exact rows from an array or a tensor, classes inferred or given', () => {
  assert.deepEqual(oneHot([1, 0, 2], 3).toArray(), [[0, 1, 0], [1, 0, 0], [0, 0, 1]]);
  assert.deepEqual(oneHot(tensor([2, 2, 0])).toArray(), [[0, 0, 1], [0, 0, 1], [1, 0, 0]]);
  assert.deepEqual(oneHot(tensor([[1], [0]]), 4).toArray(), [[0, 1, 0, 0], [1, 0, 0, 0]]);
  assert.deepEqual(oneHot([], 3).shape, [0, 3]);
  assert.equal(oneHot([0, 1], 2).dtype, 'float32');
});

test('oneHot: bad labels and shapes are reported', () => {
  assert.throws(() => oneHot([0, 3], 3), (e: unknown) => e instanceof ValueError && e.message.includes('label 3 at position 1'));
  assert.throws(() => oneHot([0.5], 2), ValueError);
  assert.throws(() => oneHot([-1], 2), ValueError);
  assert.throws(() => oneHot(tensor([[0, 1], [1, 0]]), 2), ShapeError);
  assert.throws(() => oneHot([0], 0), ConfigError);
});

test('Standardizer: per-feature mean/std fitted on train, applied to test; a constant feature is only centred', () => {
  const train = tensor([[1, 10, 5], [3, 10, 7]]);
  const s = new Standardizer().fit(train);
  assert.deepEqual(s.mean?.toArray(), [2, 10, 6]);
  assert.deepEqual(s.std?.toArray(), [1, 1, 1], 'population std; the constant column gets σ = 1');
  assert.deepEqual(s.transform(train).toArray(), [[-1, 0, -1], [1, 0, 1]]);
  assert.deepEqual(s.transform(tensor([[5, 12, 6]])).toArray(), [[3, 2, 0]]);
  assertClose(s.inverseTransform(s.transform(tensor([[0.5, -3, 8]]))), [[0.5, -3, 8]], 1e-6);
  const copy = Standardizer.fromJSON(JSON.parse(JSON.stringify(s)));
  assert.deepEqual(copy.transform(tensor([[5, 12, 6]])).toArray(), [[3, 2, 0]]);
});

test('Standardizer: works on image-like examples, one statistic per position', () => {
  const x = reshape(arange(16), [4, 1, 2, 2]);
  const s = new Standardizer().fit(x);
  assert.deepEqual(s.mean?.shape, [1, 2, 2]);
  assert.deepEqual(s.mean?.toArray(), [[[6, 7], [8, 9]]]);
  assertClose(s.std!, [[[Math.sqrt(20), Math.sqrt(20)], [Math.sqrt(20), Math.sqrt(20)]]], 1e-5);
});

test('standardize(train, test): standardised train has mean 0 and std 1 per feature; test uses train statistics', () => {
  manualSeed(2);
  const train = randn([200, 3], { mean: 5, std: 3 });
  const test = randn([50, 3], { mean: 5, std: 3 });
  const out = standardize(train, test);
  const stats = (t: Tensor, f: number): [number, number] => {
    const n = t.shape[0];
    let m = 0;
    for (let i = 0; i < n; i++) m += t.data[i * 3 + f] / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (t.data[i * 3 + f] - m) ** 2 / n;
    return [m, Math.sqrt(v)];
  };
  for (let f = 0; f < 3; f++) {
    const [m, sd] = stats(out.train, f);
    assert.ok(Math.abs(m) < 1e-5 && Math.abs(sd - 1) < 1e-4, `feature ${f}: mean ${m}, std ${sd}`);
  }
  // The test rows use the statistics of the train rows (population std), computed here by hand.
  const trainStats = [0, 1, 2].map((f) => stats(train, f));
  const expectedTest = (test.toArray() as number[][]).map((row) => row.map((v, f) => (v - trainStats[f][0]) / trainStats[f][1]));
  assertClose(out.test, expectedTest, 1e-5, 1e-5);
  assertClose(out.standardizer.mean!, trainStats.map((st) => st[0]), 1e-5, 1e-5);
  assertClose(out.standardizer.std!, trainStats.map((st) => st[1]), 1e-5, 1e-5);
  assert.deepEqual(standardize(train).train.toArray(), out.train.toArray());
});

test('Standardizer: unfitted use and wrong feature shapes are errors', () => {
  assert.throws(() => new Standardizer().transform(tensor([[1]])), ConfigError);
  const s = new Standardizer().fit(tensor([[1, 2], [3, 4]]));
  assert.throws(() => s.transform(tensor([[1, 2, 3]])), (e: unknown) => e instanceof ShapeError && e.message.includes('[1, 3]'));
  assert.throws(() => new Standardizer().fit(tensor([])), ShapeError);
});

/** x [n, 1] holding the row number, y [n] from the given labels. */
function rows(labels: number[]): { x: Tensor; y: Tensor } {
  return { x: reshape(arange(labels.length), [labels.length, 1]), y: tensor(labels) };
}

const counts = (y: Tensor, k: number): number[] => {
  const c = new Array<number>(k).fill(0);
  for (const v of y.data) c[v]++;
  return c;
};

test('trainTestSplit: sizes from testFraction (rounded) or testSize; a partition of the rows with x and y paired', () => {
  const { x, y } = rows(Array.from({ length: 10 }, (_, i) => i * 2));
  manualSeed(1);
  const a = trainTestSplit(x, y, { testFraction: 0.3 });
  assert.deepEqual(a.train.x.shape, [7, 1]);
  assert.deepEqual(a.test.y.shape, [3]);
  const all = [...a.trainIndices, ...a.testIndices].sort((p, q) => p - q);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(a.train.x.data), Array.from(a.trainIndices));
  assert.deepEqual(Array.from(a.train.y.data), Array.from(a.trainIndices, (i) => 2 * i));
  assert.equal(trainTestSplit(x, y, { testSize: 4 }).test.x.shape[0], 4);
  assert.equal(trainTestSplit(x, y).test.x.shape[0], 3, 'default testFraction 0.25 of 10 rounds to 3');
  assert.equal(trainTestSplit(x, y, { testFraction: 0 }).train.x.shape[0], 10);
  assert.equal(trainTestSplit(x, y, { testFraction: 1 }).test.x.shape[0], 10);
});

test('trainTestSplit: shuffle=false keeps order, the last rows are the test set', () => {
  const { x, y } = rows([0, 0, 1, 1, 0, 1]);
  const s = trainTestSplit(x, y, { testSize: 2, shuffle: false });
  assert.deepEqual(Array.from(s.trainIndices), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(s.testIndices), [4, 5]);
});

test('trainTestSplit: seeded — same seed same split, another seed another split', () => {
  const { x, y } = rows(Array.from({ length: 50 }, (_, i) => i % 3));
  manualSeed(42);
  const a = trainTestSplit(x, y, { testFraction: 0.2 });
  const b = trainTestSplit(x, y, { testFraction: 0.2 });
  manualSeed(42);
  const c = trainTestSplit(x, y, { testFraction: 0.2 });
  assert.deepEqual(Array.from(c.testIndices), Array.from(a.testIndices));
  assert.deepEqual(Array.from(c.trainIndices), Array.from(a.trainIndices));
  assert.notDeepEqual(Array.from(b.testIndices), Array.from(a.testIndices));
});

test('trainTestSplit stratify: each class keeps its share in train and test (exact counts)', () => {
  // 60 / 30 / 10 of classes 0 / 1 / 2, interleaved (37 is coprime to 100, so i·37 mod 100 permutes).
  const labels = [...new Array<number>(60).fill(0), ...new Array<number>(30).fill(1), ...new Array<number>(10).fill(2)];
  const perm = labels.map((_, i) => labels[(i * 37) % 100]);
  manualSeed(7);
  const { x, y } = rows(perm);
  const s = trainTestSplit(x, y, { testFraction: 0.2, stratify: true });
  assert.deepEqual(counts(s.test.y, 3), [12, 6, 2]);
  assert.deepEqual(counts(s.train.y, 3), [48, 24, 8]);
  // Rows are still a partition and y matches the original rows.
  assert.deepEqual([...s.trainIndices, ...s.testIndices].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  s.testIndices.forEach((r, j) => assert.equal(s.test.y.data[j], perm[r]));

  // Uneven: 7 / 5 / 3 with 5 in test → ideal 2.33 / 1.67 / 1 → largest remainder gives 2 / 2 / 1.
  const uneven = rows([...new Array<number>(7).fill(0), ...new Array<number>(5).fill(1), ...new Array<number>(3).fill(2)]);
  const u = trainTestSplit(uneven.x, uneven.y, { testSize: 5, stratify: true });
  assert.deepEqual(counts(u.test.y, 3), [2, 2, 1]);
  assert.deepEqual(counts(u.train.y, 3), [5, 3, 2]);

  // One-hot targets stratify by row.
  const oh = trainTestSplit(x, oneHotRows(perm), { testFraction: 0.2, stratify: true });
  assert.deepEqual(counts(tensor(Array.from(oh.testIndices, (r) => perm[r])), 3), [12, 6, 2]);
});

function oneHotRows(labels: number[]): Tensor {
  return tensor(labels.map((l) => [0, 1, 2].map((k) => (k === l ? 1 : 0))));
}

test('trainTestSplit: option and shape errors', () => {
  const { x, y } = rows([0, 1, 0, 1]);
  assert.throws(() => trainTestSplit(x, y, { testFraction: 0.5, testSize: 2 }), ConfigError);
  assert.throws(() => trainTestSplit(x, y, { testFraction: 1.5 }), (e: unknown) => e instanceof ConfigError && e.message.includes('testFraction'));
  assert.throws(() => trainTestSplit(x, y, { testSize: 5 }), (e: unknown) => e instanceof ConfigError && e.message.includes('testSize'));
  assert.throws(() => trainTestSplit(x, tensor([0, 1, 0])), (e: unknown) => e instanceof ShapeError && e.message.includes('[4, 1]') && e.message.includes('[3]'));
});
