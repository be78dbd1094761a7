// The sequence presets: parity (many-to-one) in full, reverse (encoder–decoder) on a stated smaller
// budget, a seq2seq config file; eval, predict with text, info; config errors that name the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempFolder } from './harness.js';

const dir = tempFolder('bp-seq-presets-');

/** The test accuracy (in %) a run printed. */
function accuracyOf(text: string): number {
  const m = /accuracy ([\d.]+) %|([\d.]+) % written exactly right/.exec(text);
  assert.ok(m, `no accuracy in: ${text}`);
  return Number(m[1] ?? m[2]);
}

test('parity: the full preset (4 epochs) classifies ≥ 95 % of 500 unseen bit strings (100 % measured); eval agrees; predict reads bit strings', () => {
  const out = join(dir, 'parity');
  const r = cli('train', '--preset', 'parity', '--progress', 'none', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /SequenceClassifier\(/);
  const acc = accuracyOf(r.out);
  assert.ok(acc >= 95, `test accuracy ${acc} %`);
  const e = cli('eval', out);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /test set: 500 samples/);
  assert.equal(accuracyOf(e.out), acc);
  const p = cli('predict', out, '--input', '["0110", "1", "111"]');
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /^sample 0: "0110" → class 0 \(even\)/m);
  assert.match(p.out, /^sample 1: "1" → class 1 \(odd\)/m);
  assert.match(p.out, /^sample 2: "111" → class 1 \(odd\)/m);
  const bad = cli('predict', out, '--input', '"0120"');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /"2" is not one of the symbols "01"/);
});

test('reverse: one epoch of the preset (of its 3) writes ≥ 75 % of 500 unseen digit strings reversed exactly (83.80 % measured); eval, predict and info', () => {
  const out = join(dir, 'reverse');
  const r = cli('train', '--preset', 'reverse', '--epochs', '1', '--progress', 'none', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /Seq2Seq\(/);
  const acc = accuracyOf(r.out);
  assert.ok(acc >= 75, `test accuracy ${acc} %`);
  const e = cli('eval', out);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /test set: 500 sequences/);
  assert.equal(accuracyOf(e.out), acc);
  const p = cli('predict', out, '--input', '["4321", "907"]');
  assert.equal(p.code, 0, p.err);
  const lines = p.out.split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^sample 0: "4321" → "\d*"$/);
  const i = cli('info', out);
  assert.equal(i.code, 0, i.err);
  assert.match(i.out, /input shape: \[6\]/);
  assert.match(i.out, /tokens: "0123456789\+"/);
});

test('a seq2seq config file (GRU 32, 1000 strings of 2–3 digits, 4 epochs) reverses ≥ 70 % of 100 unseen ones (85 % measured); errors name the field', () => {
  const config = join(dir, 'tiny-reverse.json');
  writeFileSync(config, JSON.stringify({
    name: 'tiny-reverse', data: { name: 'reverse', train: 1000, test: 100, minLen: 2, maxLen: 3 },
    model: { type: 'seq2seq', srcVocab: 14, embeddingDim: 16, hiddenSize: 32, cell: 'gru' },
    loss: 'crossEntropy', optimizer: { type: 'adam', lr: 0.02 }, batchSize: 16, epochs: 4, metrics: ['accuracy'], clipGradNorm: 1, schedule: null, seed: 1,
  }));
  const r = cli('train', '--config', config, '--progress', 'none', '--out', join(dir, 'tiny'));
  assert.equal(r.code, 0, r.err);
  assert.ok(accuracyOf(r.out) >= 70, r.out);

  const bad = (model: object, extra: object = {}) => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ data: { name: 'reverse', train: 50, test: 10 }, model, loss: 'crossEntropy', optimizer: { type: 'adam' }, metrics: [], ...extra }));
    return cli('train', '--config', path, '--out', join(dir, 'bad'));
  };
  let b = bad({ type: 'seq2seq', srcVocab: 14, hidden: 8 });
  assert.equal(b.code, 2);
  assert.match(b.err, /config\.model: unknown field 'hidden'/);
  b = bad({ type: 'seq2seq', srcVocab: 14, cell: 'tcn' });
  assert.equal(b.code, 2);
  assert.match(b.err, /config\.model\.cell/);
  b = bad({ type: 'seq2seq', srcVocab: 14 }, { validationSplit: 0.1 });
  assert.equal(b.code, 2);
  assert.match(b.err, /config\.validationSplit: a seq2seq model is scored on the test set/);
  b = bad({ type: 'sequenceClassifier', vocabSize: 5 });
  assert.equal(b.code, 2);
  assert.match(b.err, /config\.model\.numClasses/);
});
