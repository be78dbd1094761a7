// manualSeed takes the integers 0 … 2^32 − 1 and refuses anything else; setRngState refuses malformed and all-zero states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, MAX_SEED, getRngState, setRngState, random, randn, ValueError } from '../../src/index.js';
import { throwsWith } from '../helpers.js';

function firstDraws(seed: number): number[] {
  manualSeed(seed);
  return [random(), random(), random()];
}

test('MAX_SEED is 2^32 − 1', () => {
  assert.equal(MAX_SEED, 4294967295);
});

test('seeds 0, 1, 42 and 2^32 − 1 give the generator states and streams they gave before seeds were checked', () => {
  manualSeed(0);
  assert.deepEqual(getRngState(), [2462723854, 1020716019, 454327756, 1275600319]);
  assert.deepEqual(firstDraws(0), [0.8868539502021594, 0.012474988946590604, 0.032522145755498943]);
  assert.deepEqual(firstDraws(1), [0.5686059948349658, 0.8893939367683266, 0.4705824180198359]);
  assert.deepEqual(firstDraws(42), [0.6606157208001621, 0.1117019639532224, 0.0791056456144914]);
  manualSeed(MAX_SEED);
  assert.deepEqual(getRngState(), [920564995, 4230986166, 697614773, 1778835764]);
});

test('the edge seeds 0, 1, 2^31 and 2^32 − 1 give four different runs', () => {
  const runs = [0, 1, 2 ** 31, MAX_SEED].map((s) => firstDraws(s).join(','));
  assert.equal(new Set(runs).size, 4);
});

test('manualSeed refuses negative, too large, fractional and non-numeric seeds with a ValueError naming the range', () => {
  for (const bad of [-1, 2 ** 32, 2 ** 32 + 1, 0.5, -0.5, NaN, Infinity, -Infinity, 1e300]) {
    throwsWith(() => manualSeed(bad), ValueError, /manualSeed: seed must be an integer in 0 … 4294967295/);
  }
  throwsWith(() => manualSeed('3' as unknown as number), ValueError, /got string "3"/);
  throwsWith(() => manualSeed(undefined as unknown as number), ValueError, /got undefined/);
});

test('a refused seed leaves the generator where it was', () => {
  manualSeed(5);
  const before = getRngState();
  assert.throws(() => manualSeed(-1), ValueError);
  assert.deepEqual(getRngState(), before);
});

test('setRngState refuses the all-zero state, which would make randn loop forever', () => {
  manualSeed(9);
  const before = getRngState();
  throwsWith(() => setRngState([0, 0, 0, 0]), ValueError, /all-zero state/);
  assert.deepEqual(getRngState(), before);
  assert.equal(randn([3]).size, 3); // still draws
});

test('setRngState refuses malformed states with a ValueError showing them', () => {
  const bad: unknown[] = [
    [1, 2, 3], [1, 2, 3, 4, 5], [1, 2, 3, -1], [1, 2, 3, 2 ** 32], [1, 2, 3, 0.5], [1, 2, 3, NaN], [1, 2, '3', 4], 'abcd', null, 17,
  ];
  for (const s of bad) throwsWith(() => setRngState(s as number[]), ValueError, /setRngState: expected four integers in 0 … 4294967295, got /);
});

test('setRngState accepts any other state of four 32-bit words and replays from it', () => {
  setRngState([0, 0, 0, 1]);
  const a = [random(), random()];
  setRngState([0, 0, 0, 1]);
  assert.deepEqual([random(), random()], a);
  setRngState([MAX_SEED, MAX_SEED, MAX_SEED, MAX_SEED]);
  assert.ok(random() >= 0);
});
