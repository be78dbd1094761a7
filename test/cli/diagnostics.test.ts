// `backprop train --diagnostics`: a compact line per epoch, diagnostics.json beside the model, and
// the first op to make a NaN/Inf named when a run diverges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempFolder } from './harness.js';

const dir = tempFolder('bp-cli-diag-');

test('train --diagnostics prints one line per epoch and saves the records in diagnostics.json and history.json', () => {
  const out = join(dir, 'xor');
  const r = cli('train', '--preset', 'xor', '--epochs', '3', '--progress', 'none', '--out', out, '--diagnostics');
  assert.equal(r.code, 0, r.err);
  const lines = r.err.split('\n').filter((l) => l.startsWith('diagnostics epoch'));
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^diagnostics epoch 1 \(step 1\): ‖∇‖ 0\.weight \d\.\de-\d+, 2\.weight \d\.\de-\d+; dead ReLU —; saturated 1 \d+\.\d %, 3 \d+\.\d %$/);
  const saved = JSON.parse(readFileSync(join(out, 'diagnostics.json'), 'utf8')) as { diagnostics: { epoch: number; step: number; gradNorms: Record<string, number> }[]; firstNonFinite: unknown };
  assert.deepEqual(saved.diagnostics.map((d) => [d.epoch, d.step]), [[0, 1], [1, 2], [2, 3]]);
  assert.deepEqual(Object.keys(saved.diagnostics[0].gradNorms), ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.equal(saved.firstNonFinite, null);
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { diagnostics: unknown };
  assert.deepEqual(history.diagnostics, saved.diagnostics);
  assert.match(r.out, /saved diagnostics: .*diagnostics\.json \(3 records\)/);
});

test('train without --diagnostics writes no diagnostics', () => {
  const out = join(dir, 'plain');
  const r = cli('train', '--preset', 'xor', '--epochs', '2', '--progress', 'none', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.err + r.out, /diagnostics/);
  assert.equal((JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { diagnostics?: unknown }).diagnostics, undefined);
});

test('train --diagnostics on a diverging run names the first op that overflowed (exit 1)', () => {
  // SGD with lr 1e12 on a ReLU net: the weights reach ~1e12 and mse's square overflows float32.
  const config = { data: { name: 'xor' }, model: { type: 'mlp', sizes: [2, 8, 1], activation: 'relu' }, loss: 'mse', optimizer: { type: 'sgd', lr: 1e12 }, epochs: 20, batchSize: 'full', metrics: [] };
  const path = join(dir, 'diverge.json');
  writeFileSync(path, JSON.stringify(config));
  const out = join(dir, 'diverge');
  const r = cli('train', '--config', path, '--progress', 'none', '--out', out, '--diagnostics');
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /first NaN\/Inf: op 'pow' \(forward\) outside any module/);
  const saved = JSON.parse(readFileSync(join(out, 'diagnostics.json'), 'utf8')) as { diagnostics: unknown[]; firstNonFinite: unknown };
  assert.deepEqual(saved.firstNonFinite, { op: 'pow', scope: '', phase: 'forward' });
  assert.ok(saved.diagnostics.length >= 1);
});

test('train --diagnostics on a character language model: gradient norms of its embedding, LSTM and head per epoch', () => {
  const path = join(dir, 'lm.json');
  writeFileSync(path, JSON.stringify({ data: { name: 'text', maxChars: 3000, seqLen: 32 }, model: { type: 'charRnn', hiddenSize: 16, embeddingDim: 8 }, schedule: null, epochs: 2, sample: { length: 10 } }));
  const out = join(dir, 'lm');
  const r = cli('train', '--config', path, '--progress', 'none', '--out', out, '--diagnostics');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err.split('\n').filter((l) => l.startsWith('diagnostics epoch')).length, 2);
  const saved = JSON.parse(readFileSync(join(out, 'diagnostics.json'), 'utf8')) as { diagnostics: { gradNorms: Record<string, number> }[] };
  assert.equal(saved.diagnostics.length, 2);
  const names = Object.keys(saved.diagnostics[0].gradNorms);
  assert.ok(names.includes('embedding.weight') && names.some((n) => n.startsWith('rnn.weight_hh')), names.join(', '));
  for (const v of Object.values(saved.diagnostics[1].gradNorms)) assert.ok(Number.isFinite(v) && v > 0);
});
