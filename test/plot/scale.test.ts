import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearScale, logScale, niceStep, formatTick } from '../../src/plot/scale.js';

test('niceStep rounds up to 1, 2 or 5 times a power of ten', () => {
  assert.deepEqual([0.7, 1, 1.3, 2.5, 4.9, 7, 0.013, 130].map(niceStep), [1, 1, 2, 5, 5, 10, 0.02, 200]);
});

test('linearScale widens the range to round ticks', () => {
  const s = linearScale(0.13, 0.92, 5);
  assert.deepEqual(s.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(s.labels, ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  assert.deepEqual(s.domain, [0, 1]);
  assert.equal(s.map(0.5, 0, 100), 50);
  assert.equal(s.map(1, 300, 100), 100);
  const epochs = linearScale(1, 8, 5);
  assert.deepEqual(epochs.ticks, [0, 2, 4, 6, 8]);
  assert.deepEqual(epochs.labels, ['0', '2', '4', '6', '8']);
  const big = linearScale(-1234, 5678, 4);
  assert.deepEqual(big.ticks, [-2000, 0, 2000, 4000, 6000]);
});

test('linearScale of a single value spreads it around', () => {
  const s = linearScale(3, 3);
  assert.ok(s.domain[0] < 3 && s.domain[1] > 3);
  assert.equal(formatTick(-0.0001, 0.1), '0.0');
});

test('logScale ticks at the powers of ten around the range', () => {
  const s = logScale(0.004, 37);
  assert.deepEqual(s.ticks, [0.001, 0.01, 0.1, 1, 10, 100]);
  assert.deepEqual(s.labels, ['0.001', '0.01', '0.1', '1', '10', '100']);
  assert.equal(s.map(1, 0, 500), 300);
  assert.equal(s.map(100, 0, 500), 500);
  const wide = logScale(1e-9, 1e3);
  assert.ok(wide.ticks.length <= 8);
  for (const t of wide.ticks) assert.ok(Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-12, String(t));
  assert.ok(wide.labels.includes('1e-9'));
  assert.throws(() => logScale(0, 1), /positive/);
});
