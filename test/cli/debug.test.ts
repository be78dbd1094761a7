// `backprop train --debug`: the run stops at the first op that makes a NaN/Inf, naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempFolder } from './harness.js';

const dir = tempFolder('bp-cli-debug-');
// SGD with lr 1e12 on a ReLU net: the first update sends the weights to ~1e12, the next forward
// pass squares ~1e24-sized errors in mse and overflows float32.
const config = { data: { name: 'xor' }, model: { type: 'mlp', sizes: [2, 8, 1], activation: 'relu' }, loss: 'mse', optimizer: { type: 'sgd', lr: 1e12 }, epochs: 20, batchSize: 'full', metrics: [] };

test('train --debug names the op that first overflows (exit 1); without it the NaN guard stops the run', () => {
  const path = join(dir, 'diverge.json');
  writeFileSync(path, JSON.stringify(config));
  const r = cli('train', '--config', path, '--progress', 'none', '--out', join(dir, 'debug'), '--debug');
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /debug mode: op 'pow' \(forward\) produced Inf at element \d+ of its output \[4, 1\]; input shape \[4, 1\]/);
  const plain = cli('train', '--config', path, '--progress', 'none', '--out', join(dir, 'plain'));
  assert.doesNotMatch(plain.err + plain.out, /debug mode/);
});
