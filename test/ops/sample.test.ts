// sampleLogits: draw frequencies match softmax(z / T) over many seeded draws, temperature
// sharpens and flattens, T = 0 and greedy give the argmax, manualSeed repeats the draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { throwsWith } from '../helpers.js';

const LOGITS = [2, 0.5, -1, 1];

/** softmax(z / T) in float64. */
function softmaxT(z: readonly number[], t: number): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp((v - m) / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Frequencies of each index over `n` draws from a [n, V] batch of the same logits. */
function frequencies(z: readonly number[], t: number, n: number): number[] {
  const batch = bp.tensor(Array.from({ length: n }, () => [...z]));
  const counts = new Array<number>(z.length).fill(0);
  for (const i of bp.sampleLogits(batch, { temperature: t })) counts[i]++;
  return counts.map((c) => c / n);
}

for (const t of [1, 0.5, 2]) {
  test(`sampleLogits at T = ${t}: 40,000 draws match softmax(z / T) within 5 standard errors`, () => {
    bp.manualSeed(100 + t * 10);
    const n = 40_000;
    const p = softmaxT(LOGITS, t);
    const f = frequencies(LOGITS, t, n);
    for (let i = 0; i < p.length; i++) {
      // A frequency of n draws has standard error √(p(1−p)/n) ≤ 0.0025 here.
      const tol = 5 * Math.sqrt((p[i] * (1 - p[i])) / n);
      assert.ok(Math.abs(f[i] - p[i]) <= tol, `index ${i}: frequency ${f[i]} vs probability ${p[i].toFixed(4)} (tolerance ${tol.toFixed(4)})`);
    }
  });
}

test('temperature sharpens (T < 1) and flattens (T > 1) the distribution', () => {
  bp.manualSeed(7);
  const top = (t: number) => frequencies(LOGITS, t, 5000)[0];
  const cold = top(0.25);
  const warm = top(1);
  const hot = top(4);
  // softmax(z / T)_0 is 0.980, 0.610 and 0.340 for T = 0.25, 1, 4 (5,000 draws: standard error ≤ 0.007).
  assert.ok(cold > 0.96 && warm > 0.575 && warm < 0.645 && hot > 0.305 && hot < 0.375, `${cold} ${warm} ${hot}`);
});

test('greedy or T = 0 gives the argmax (the first of ties) and draws no random number', () => {
  const z = bp.tensor([[0.1, 3, -2, 3], [5, 1, 1, 4]]);
  bp.manualSeed(1);
  const before = bp.getRngState();
  assert.deepEqual(bp.sampleLogits(z, { greedy: true }), [1, 0]);
  assert.deepEqual(bp.sampleLogits(z, { temperature: 0 }), [1, 0]);
  assert.deepEqual(bp.getRngState(), before);
  assert.deepEqual(bp.sampleLogits(bp.tensor([0, 0, 9]), { temperature: 0, greedy: false }), [2]);
  // A very low temperature is all but greedy.
  assert.deepEqual(bp.sampleLogits(bp.tensor([[1, 1.5, 0.9]]), { temperature: 1e-4 }), [1]);
});

test('manualSeed makes the draws repeatable; [V] gives one index, [N, V] one per row', () => {
  const z = bp.tensor([[0, 0, 0, 0, 0], [1, 2, 3, 4, 5]]);
  bp.manualSeed(42);
  const a = [...bp.sampleLogits(z), ...bp.sampleLogits(z), ...bp.sampleLogits(bp.tensor([1, 1]))];
  bp.manualSeed(42);
  const b = [...bp.sampleLogits(z), ...bp.sampleLogits(z), ...bp.sampleLogits(bp.tensor([1, 1]))];
  assert.deepEqual(a, b);
  assert.equal(a.length, 5);
  assert.ok(a.every((i) => Number.isInteger(i) && i >= 0 && i < 5));
});

test('a −Infinity logit is never drawn', () => {
  bp.manualSeed(3);
  const draws = bp.sampleLogits(bp.tensor(Array.from({ length: 2000 }, () => [0, -Infinity, 0])), { temperature: 3 });
  assert.ok(!draws.includes(1));
  assert.ok(draws.includes(0) && draws.includes(2));
});

test('sampleLogits: bad shapes, logits and options are typed errors', () => {
  throwsWith(() => bp.sampleLogits(bp.zeros([2, 2, 2])), bp.ShapeError, /\[V\] or \[N, V\].*\[2, 2, 2\]/);
  throwsWith(() => bp.sampleLogits(bp.zeros([2, 0])), bp.ShapeError, /V ≥ 1, got shape \[2, 0\]/);
  throwsWith(() => bp.sampleLogits(bp.tensor([1, NaN])), bp.ValueError, /logit NaN at row 0, index 1/);
  throwsWith(() => bp.sampleLogits(bp.tensor([[1, 2], [Infinity, 0]])), bp.ValueError, /logit Infinity at row 1, index 0/);
  throwsWith(() => bp.sampleLogits(bp.tensor([-Infinity, -Infinity])), bp.ValueError, /every logit of row 0 is −Infinity/);
  throwsWith(() => bp.sampleLogits(bp.tensor([1, 2]), { temperature: -1 }), bp.ValueError, /temperature must be a finite number ≥ 0, got -1/);
  throwsWith(() => bp.sampleLogits(bp.tensor([1, 2]), { temperature: NaN }), bp.ValueError, /temperature/);
});
