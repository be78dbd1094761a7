// TensorDataset and DataLoader: batch sizes, dropLast, seeded reshuffling every epoch, collation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ShapeError, Tensor, arange, manualSeed, reshape, tensor } from '../../src/index.js';
import { DataLoader, TensorDataset, type Dataset, type Sample } from '../../src/data/index.js';

/** x [n, 2] with rows [i, i + 0.5] and y [n] = 10·i, so a batch's rows can be traced back. */
function numbered(n: number): TensorDataset {
  const x = reshape(arange(0, n, 0.5), [n, 2]);
  const y = arange(0, 10 * n, 10);
  return new TensorDataset(x, y);
}

/** The original indices in a batch of numbered(): y / 10. */
const ids = (b: Sample): number[] => Array.from(b.y.data, (v) => v / 10);

test('TensorDataset: length, get(i) without the batch axis, negative index', () => {
  const ds = numbered(5);
  assert.equal(ds.length, 5);
  const s = ds.get(3);
  assert.deepEqual(s.x.shape, [2]);
  assert.deepEqual(s.x.toArray(), [3, 3.5]);
  assert.deepEqual(s.y.shape, []);
  assert.equal(s.y.item(), 30);
  assert.equal(ds.get(-1).y.item(), 40);
  assert.throws(() => ds.get(5), ShapeError);
});

test('TensorDataset: first axes must match; the error names both shapes', () => {
  assert.throws(
    () => new TensorDataset(tensor([[1, 2], [3, 4], [5, 6]]), tensor([1, 2])),
    (e: unknown) => e instanceof ShapeError && e.message.includes('[3, 2]') && e.message.includes('[2]'),
  );
  assert.throws(() => new TensorDataset(tensor(1), tensor([1])), ShapeError);
});

test('DataLoader: batch sizes and length with and without dropLast', () => {
  const ds = numbered(10);
  const keep = new DataLoader(ds, { batchSize: 4 });
  assert.equal(keep.length, 3);
  const batches = [...keep];
  assert.deepEqual(batches.map((b) => b.x.shape), [[4, 2], [4, 2], [2, 2]]);
  assert.deepEqual(batches.map((b) => b.y.shape), [[4], [4], [2]]);
  // In order without shuffle, x and y stay paired.
  assert.deepEqual(batches.map(ids), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual(batches[2].x.toArray(), [[8, 8.5], [9, 9.5]]);

  const drop = new DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.equal(drop.length, 2);
  assert.deepEqual([...drop].map((b) => b.x.shape[0]), [4, 4]);

  assert.equal(new DataLoader(ds, { batchSize: 5, dropLast: true }).length, 2);
  assert.equal(new DataLoader(ds, { batchSize: 20 }).length, 1);
  assert.equal(new DataLoader(ds, { batchSize: 20, dropLast: true }).length, 0);
  assert.deepEqual([...new DataLoader(ds, { batchSize: 20, dropLast: true })], []);
  assert.equal(new DataLoader(ds).length, 10, 'batchSize defaults to 1');
  assert.equal(new DataLoader(numbered(0), { batchSize: 3 }).length, 0);
});

test('DataLoader: keeps the trailing axes of x and y', () => {
  const x = reshape(arange(24), [6, 1, 2, 2]);
  const y = reshape(arange(12), [6, 2]);
  const shapes = [...new DataLoader(new TensorDataset(x, y), { batchSize: 4 })].map((b) => [b.x.shape, b.y.shape]);
  assert.deepEqual(shapes, [[[4, 1, 2, 2], [4, 2]], [[2, 1, 2, 2], [2, 2]]]);
});

test('DataLoader shuffle: every epoch a permutation, a different order each epoch, repeatable under manualSeed', () => {
  const loader = new DataLoader(numbered(20), { batchSize: 6, shuffle: true });
  const epoch = (): number[] => [...loader].flatMap(ids);
  manualSeed(123);
  const orders = [epoch(), epoch(), epoch()];
  for (const o of orders) assert.deepEqual([...o].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(orders[0], orders[1]);
  assert.notDeepEqual(orders[1], orders[2]);
  assert.notDeepEqual(orders[0], Array.from({ length: 20 }, (_, i) => i));
  manualSeed(123);
  assert.deepEqual([epoch(), epoch(), epoch()], orders);
  manualSeed(124);
  assert.notDeepEqual(epoch(), orders[0]);
});

test('DataLoader shuffle: rows of x stay with their y', () => {
  manualSeed(9);
  const batches = [...new DataLoader(numbered(13), { batchSize: 5, shuffle: true })];
  assert.deepEqual(batches.map((b) => b.x.shape[0]), [5, 5, 3], 'every row is delivered, in batches of 5, 5 and 3');
  let rows = 0;
  for (const b of batches) {
    const xs = b.x.toArray() as number[][];
    ids(b).forEach((i, r) => {
      assert.deepEqual(xs[r], [i, i + 0.5]);
      rows++;
    });
  }
  assert.equal(rows, 13);
  const order = batches.flatMap(ids);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 13 }, (_, i) => i), 'a permutation of the rows');
  assert.notDeepEqual(order, Array.from({ length: 13 }, (_, i) => i), 'the rows were shuffled');
});

test('DataLoader: a TensorDataset is batched with one gather per batch, never per-example get()', () => {
  class Watched extends TensorDataset {
    gets = 0;
    batches = 0;
    override get(i: number): Sample {
      this.gets++;
      return super.get(i);
    }
    override getBatch(indices: Int32Array): Sample {
      this.batches++;
      return super.getBatch(indices);
    }
  }
  const ds = new Watched(reshape(arange(20), [10, 2]), arange(10));
  const n = [...new DataLoader(ds, { batchSize: 3, shuffle: true })].length;
  assert.equal(n, 4);
  assert.equal(ds.batches, 4);
  assert.equal(ds.gets, 0);
});

test('DataLoader: a plain Dataset (get only) is collated by stacking its examples', () => {
  const squares: Dataset = {
    length: 5,
    get: (i) => ({ x: tensor([i, i * i]), y: tensor(i % 2) }),
  };
  const batches = [...new DataLoader(squares, { batchSize: 2 })];
  assert.deepEqual(batches.map((b) => b.x.toArray()), [[[0, 0], [1, 1]], [[2, 4], [3, 9]], [[4, 16]]]);
  assert.deepEqual(batches.map((b) => b.y.toArray()), [[0, 1], [0, 1], [0]]);
  assert.ok(batches[0].x instanceof Tensor);

  const ragged: Dataset = { length: 2, get: (i) => ({ x: i === 0 ? tensor([1, 2]) : tensor([1, 2, 3]), y: tensor(0) }) };
  assert.throws(() => [...new DataLoader(ragged, { batchSize: 2 })], (e: unknown) => e instanceof ShapeError && /example 1 .*\[3\]/.test(e.message));
});

test('DataLoader: bad options are ConfigErrors naming the field', () => {
  const ds = numbered(4);
  for (const batchSize of [0, -1, 1.5, NaN]) {
    assert.throws(() => new DataLoader(ds, { batchSize }), (e: unknown) => e instanceof ConfigError && e.message.includes('batchSize'));
  }
  assert.throws(() => new DataLoader({} as Dataset), ConfigError);
});
