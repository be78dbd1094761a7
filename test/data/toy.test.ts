// The built-in toy problems: logic gates (exact tables) and seeded 2-D point clouds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, manualSeed, type Tensor } from '../../src/index.js';
import { andData, circles, moons, orData, spirals, xorData } from '../../src/data/index.js';

const INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]];

test('andData / orData / xorData: the truth tables, targets [4, 1] as 0/1 or ±1', () => {
  for (const [make, truth] of [
    [andData, [0, 0, 0, 1]],
    [orData, [0, 1, 1, 1]],
    [xorData, [0, 1, 1, 0]],
  ] as const) {
    const d = make();
    assert.deepEqual(d.x.toArray(), INPUTS);
    assert.deepEqual(d.y.shape, [4, 1]);
    assert.deepEqual(d.y.toArray(), truth.map((t) => [t]));
    assert.deepEqual(make({ labels: 'pm1' }).y.toArray(), truth.map((t) => [t === 1 ? 1 : -1]));
    assert.deepEqual(make({ labels: 'pm1' }).x.toArray(), INPUTS, 'inputs stay 0/1');
  }
  assert.throws(() => andData({ labels: 'x' as 'pm1' }), ConfigError);
});

const classCounts = (y: Tensor, k: number): number[] => {
  const c = new Array<number>(k).fill(0);
  for (const v of y.data) c[v]++;
  return c;
};

const radius = (x: Tensor, i: number): number => Math.hypot(x.data[2 * i], x.data[2 * i + 1]);

test('spirals: shapes, classes shared evenly, inside the unit disc without noise, seeded', () => {
  manualSeed(3);
  const s = spirals({ n: 101, classes: 3 });
  assert.deepEqual(s.x.shape, [101, 2]);
  assert.deepEqual(s.y.shape, [101]);
  assert.equal(s.y.dtype, 'float32');
  assert.deepEqual(classCounts(s.y, 3), [34, 34, 33]);
  for (let i = 0; i < 101; i++) assert.ok(radius(s.x, i) <= 1 + 1e-6);
  manualSeed(3);
  assert.deepEqual(spirals({ n: 101, classes: 3 }).x.toArray(), s.x.toArray());
  const two = spirals({ n: 50 });
  assert.deepEqual(classCounts(two.y, 2), [25, 25], 'two classes by default');
  // Arms are a half turn apart for two classes: same radius, opposite directions.
  const grouped = spirals({ n: 10, shuffle: false });
  assertNear(grouped.x.data[2 * 3], -grouped.x.data[2 * 8]);
  assertNear(grouped.x.data[2 * 3 + 1], -grouped.x.data[2 * 8 + 1]);
});

function assertNear(a: number, b: number, tol = 1e-6): void {
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
}

test('spirals with noise: repeatable under a seed, different under another', () => {
  manualSeed(10);
  const a = spirals({ n: 40, noise: 0.1 }).x.toArray();
  manualSeed(10);
  assert.deepEqual(spirals({ n: 40, noise: 0.1 }).x.toArray(), a);
  manualSeed(11);
  assert.notDeepEqual(spirals({ n: 40, noise: 0.1 }).x.toArray(), a);
});

test('circles: outer radius 1 is class 0, inner radius factor is class 1', () => {
  manualSeed(1);
  const c = circles({ n: 31, factor: 0.5 });
  assert.deepEqual(c.x.shape, [31, 2]);
  assert.deepEqual(classCounts(c.y, 2), [15, 16]);
  for (let i = 0; i < 31; i++) assertNear(radius(c.x, i), c.y.data[i] === 0 ? 1 : 0.5, 1e-6);
  assert.throws(() => circles({ factor: 1 }), ConfigError);
});

test('moons: points on the two half circles of make_moons', () => {
  manualSeed(1);
  const m = moons({ n: 20 });
  assert.deepEqual(classCounts(m.y, 2), [10, 10]);
  for (let i = 0; i < 20; i++) {
    const [px, py] = [m.x.data[2 * i], m.x.data[2 * i + 1]];
    // Class 0: unit circle, upper half. Class 1: unit circle around (1, 0.5), lower half.
    if (m.y.data[i] === 0) {
      assertNear(Math.hypot(px, py), 1);
      assert.ok(py >= -1e-6);
    } else {
      assertNear(Math.hypot(px - 1, py - 0.5), 1);
      assert.ok(py <= 0.5 + 1e-6);
    }
  }
  const grouped = moons({ n: 4, shuffle: false });
  assert.deepEqual(Array.from(grouped.y.data), [0, 0, 1, 1]);
  assertNear(grouped.x.data[0], 1);
  assertNear(grouped.x.data[2], -1);
});

test('point clouds: noise moves the points; bad options are ConfigErrors', () => {
  manualSeed(4);
  const clean = moons({ n: 30, shuffle: false }).x.toArray();
  const noisy = moons({ n: 30, noise: 0.2, shuffle: false }).x.toArray();
  assert.notDeepEqual(noisy, clean);
  assert.throws(() => moons({ n: 0 }), ConfigError);
  assert.throws(() => spirals({ n: 10, noise: -1 }), ConfigError);
  assert.throws(() => spirals({ classes: 0 }), ConfigError);
});
