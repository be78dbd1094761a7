// The sequence-mode examples run and do what they say (on the budgets their main runs use, or smaller).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainParity } from '../../examples/seq-classify.js';
import { trainNumberWords } from '../../examples/seq-generate.js';
import { trainSeq2Seq } from '../../examples/seq2seq.js';
import { numberWords } from '../../src/index.js';

test('examples/seq-classify: parity of unseen bit strings goes from chance to ≥ 95 % (measured 44.4 % → 100 %)', () => {
  const r = trainParity();
  assert.ok(r.before < 0.6, `before training ${r.before}`);
  assert.ok(r.accuracy >= 0.95, `after training ${r.accuracy}`);
  for (const a of r.answers) assert.equal(a.odd, (a.bits.match(/1/g) ?? []).length % 2 === 1, a.bits);
  assert.ok(r.answers.filter((a) => a.said === a.odd).length >= 7, 'the shown answers are (nearly all) right');
});

test('examples/seq-generate: English words of unseen numbers, ≥ 95 % exactly right (measured 98 %); sampling writes letters and spaces', () => {
  const r = trainNumberWords();
  assert.ok(r.accuracy >= 0.95, `held-out exact match ${r.accuracy}`);
  for (const w of r.written) assert.equal(w.truth, numberWords(w.number));
  assert.ok(r.written.filter((w) => w.words === w.truth).length >= 7, JSON.stringify(r.written));
  assert.equal(r.samples.length, 4);
  for (const s of r.samples) assert.match(s, /^[a-z ]*$/);
});

test('examples/seq2seq: reversal after 1 epoch ≥ 75 % (measured 83.8 %); 2-digit addition after 3 epochs ≥ 30 % (measured 46.8 %)', () => {
  const rev = trainSeq2Seq({ task: 'reverse', epochs: 1 });
  assert.ok(rev.accuracy >= 0.75, `reverse: held-out exact match ${rev.accuracy}`);
  for (const a of rev.answers) assert.equal(a.truth, [...a.input].reverse().join(''));
  const add = trainSeq2Seq({ task: 'add', epochs: 3 });
  assert.ok(add.accuracy >= 0.3, `add: held-out exact match ${add.accuracy}`);
  for (const a of add.answers) {
    const [x, y] = a.input.split('+').map(Number);
    assert.equal(Number(a.truth), x + y);
  }
});
