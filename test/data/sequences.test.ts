// The sequence tasks: seeded, disjoint train/test parts, targets that are right by construction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ValueError, manualSeed } from '../../src/index.js';
import {
  TokenVocab, PAD_TOKEN, START_TOKEN, END_TOKEN, DIGITS_VOCAB, WORDS_VOCAB,
  parityTask, reverseTask, additionTask, numberWords, numberWordsTask, numberCodes,
} from '../../src/data/index.js';
import { padTokens } from '../../src/data/sequences.js';

/** The rows of a [N, T] token tensor as arrays. */
const rows = (t: { toArray(): unknown }) => t.toArray() as number[][];

test('TokenVocab: PAD 0, START 1, END 2, then the symbols; decode stops at END and skips PAD/START', () => {
  const v = new TokenVocab('ab');
  assert.equal(v.size, 5);
  assert.deepEqual(v.encode('abba', { end: true }), [3, 4, 4, 3, END_TOKEN]);
  assert.equal(v.decode([START_TOKEN, 3, 4, PAD_TOKEN, 4, END_TOKEN, 3]), 'abb');
  assert.equal(v.toJSON(), 'ab');
  assert.throws(() => v.encode('abc'), (e: Error) => e instanceof ValueError && /"c"/.test(e.message));
  assert.throws(() => v.decode([9]), ValueError);
  assert.throws(() => new TokenVocab('aa'), ConfigError);
  assert.throws(() => new TokenVocab(''), ConfigError);
  assert.deepEqual(rows(padTokens([[3], [4, 5, 6]])), [[3, 0, 0], [4, 5, 6]]);
  assert.throws(() => padTokens([[1, 2, 3]], 2), ValueError);
});

test('parityTask: class = odd number of 1s, lengths 2–12 padded with PAD, test strings distinct and unseen in training, same seed → same data', () => {
  manualSeed(3);
  const t = parityTask({ train: 300, test: 100 });
  assert.deepEqual(t.train.x.shape, [300, 12]);
  assert.deepEqual(t.test.y.shape, [100]);
  for (const part of [t.train, t.test]) {
    const x = rows(part.x);
    part.inputs.forEach((s, i) => {
      assert.equal(part.lengths[i], s.length);
      assert.ok(s.length >= 2 && s.length <= 12);
      assert.equal(part.y.data[i], (s.match(/1/g) ?? []).length % 2, s);
      assert.equal(t.vocab.decode(x[i]), s);
      assert.ok(x[i].slice(s.length).every((v) => v === PAD_TOKEN));
    });
  }
  const seen = new Set(t.train.inputs);
  assert.ok(t.test.inputs.every((s) => !seen.has(s)), 'no test string is in the training set');
  assert.equal(new Set(t.test.inputs).size, 100, 'test strings all different');
  assert.ok(t.train.inputs.filter((s) => s.length === 2).length > 10, 'training strings drawn freely: the short ones repeat');
  const ones = Array.from(t.train.y.data).filter((v) => v === 1).length;
  assert.ok(ones > 100 && ones < 200, `both classes common (${ones} odd of 300)`);
  manualSeed(3);
  assert.deepEqual(parityTask({ train: 300, test: 100 }).test.inputs, t.test.inputs);
  assert.throws(() => parityTask({ train: 50, test: 1, minLen: 2, maxLen: 2 }), (e: Error) => e instanceof ConfigError && /only 0 exist besides the training ones/.test(e.message));
  assert.throws(() => parityTask({ minLen: 5, maxLen: 3 }), ConfigError);
});

test('reverseTask: "1234" → "4321" then END; sources 3–6 digits; disjoint parts', () => {
  manualSeed(4);
  const t = reverseTask({ train: 200, test: 50 });
  assert.deepEqual(t.train.x.shape, [200, 6]);
  assert.deepEqual(t.train.y.shape, [200, 7]);
  const y = rows(t.test.y), x = rows(t.test.x);
  t.test.inputs.forEach((s, i) => {
    assert.match(s, /^\d{3,6}$/);
    assert.equal(t.test.targets[i], [...s].reverse().join(''));
    assert.equal(DIGITS_VOCAB.decode(x[i]), s);
    assert.equal(DIGITS_VOCAB.decode(y[i]), t.test.targets[i]);
    assert.equal(y[i][s.length], END_TOKEN, 'END right after the target');
  });
  const seen = new Set(t.train.inputs);
  assert.ok(t.test.inputs.every((s) => !seen.has(s)));
});

test('additionTask: "12+345" → "357", terms of up to 3 digits, disjoint parts', () => {
  manualSeed(5);
  const t = additionTask({ train: 300, test: 100 });
  assert.deepEqual(t.train.x.shape, [300, 7]);
  assert.deepEqual(t.train.y.shape, [300, 5]);
  const y = rows(t.train.y);
  t.train.inputs.forEach((s, i) => {
    const m = /^(\d{1,3})\+(\d{1,3})$/.exec(s);
    assert.ok(m, s);
    assert.equal(Number(t.train.targets[i]), Number(m[1]) + Number(m[2]));
    assert.equal(DIGITS_VOCAB.decode(y[i]), t.train.targets[i]);
  });
  const seen = new Set(t.train.inputs);
  assert.ok(t.test.inputs.every((s) => !seen.has(s)));
});

test('numberWords: the English words of 0 … 999', () => {
  const cases: [number, string][] = [
    [0, 'zero'], [7, 'seven'], [10, 'ten'], [13, 'thirteen'], [20, 'twenty'], [42, 'forty two'], [99, 'ninety nine'],
    [100, 'one hundred'], [105, 'one hundred five'], [311, 'three hundred eleven'], [340, 'three hundred forty'], [777, 'seven hundred seventy seven'],
  ];
  for (const [n, w] of cases) assert.equal(numberWords(n), w);
  assert.throws(() => numberWords(1000), ValueError);
  assert.throws(() => numberWords(1.5), ValueError);
});

test('numberWordsTask: one-hot digits (units, tens, hundreds) → words then END; the test numbers are not trained on', () => {
  manualSeed(6);
  const t = numberWordsTask({ test: 100 });
  assert.equal(t.codeSize, 30);
  assert.deepEqual(t.train.x.shape, [900, 30]);
  assert.deepEqual(t.test.x.shape, [100, 30]);
  assert.equal(t.train.y.shape[1], t.test.y.shape[1]);
  assert.equal(t.train.y.shape[1], 'seven hundred seventy seven'.length + 1);
  const x = rows(t.test.x), y = rows(t.test.y);
  t.test.inputs.forEach((s, i) => {
    const n = Number(s);
    const hot = x[i].flatMap((v, j) => (v === 1 ? [j] : []));
    assert.deepEqual(hot, [n % 10, 10 + (Math.floor(n / 10) % 10), 20 + Math.floor(n / 100)]);
    assert.equal(WORDS_VOCAB.decode(y[i]), numberWords(n));
  });
  const all = new Set([...t.train.inputs, ...t.test.inputs]);
  assert.equal(all.size, 1000, 'every number once');
});

test('numberCodes: the vectors numberWordsTask feeds in (one-hot units, tens, hundreds); numbers that do not fit are named', () => {
  const hot = (row: number[]) => row.flatMap((v, j) => (v === 1 ? [j] : []));
  const x = rows(numberCodes([342, 7, 0]));
  assert.deepEqual(x.map(hot), [[2, 14, 23], [7, 10, 20], [0, 10, 20]]);
  assert.deepEqual(rows(numberCodes([42], 2)).map(hot), [[2, 14]]);
  manualSeed(6);
  const t = numberWordsTask({ test: 100 });
  assert.deepEqual(rows(numberCodes(t.test.inputs.map(Number))), rows(t.test.x), 'the same code as the task');
  assert.throws(() => numberCodes([5, 1000]), (e: Error) => e instanceof ValueError && /number 1 must be a whole number in 0 … 999 \(3 digits\), got 1000/.test(e.message));
  assert.throws(() => numberCodes([100], 2), /0 … 99 \(2 digits\), got 100/);
  assert.throws(() => numberCodes([-1]), ValueError);
  assert.throws(() => numberCodes([2.5]), ValueError);
  assert.throws(() => numberCodes([1], 4), ConfigError);
});
