// `backprop info` on a checkpoint and on a bare .safetensors file (besides a saved model).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempFolder } from './harness.js';
import * as bp from '../../src/index.js';

const dir = tempFolder('bp-cli-info-');

test('info on a checkpoint: epoch, step, optimiser, last metrics, model tensors and parameter count', () => {
  const out = join(dir, 'spirals');
  assert.equal(cli('train', '--preset', 'spirals', '--epochs', '2', '--progress', 'none', '--out', out).code, 0);
  const r = cli('info', join(out, 'checkpoint.safetensors'));
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.equal(lines[0], `checkpoint ${join(out, 'checkpoint.safetensors')}`);
  // 480 points in training (600 × 0.8), batches of 32 → 15 steps per epoch.
  assert.equal(lines[1], 'epoch: 2, step: 30');
  assert.match(lines[2], /^optimizer: Adam \(lr 0\.01, betas \[0\.9,0\.999\], eps 1e-8, weightDecay 0/);
  assert.match(lines[3], /^last epoch: \{"epoch":1,"loss":[0-9.]+,"accuracy":[0-9.]+,"lr":0\.01\}$/);
  // mlp [2, 64, 64, 2]: 2·64+64 + 64·64+64 + 64·2+2 = 192 + 4160 + 130
  assert.equal(lines[4], 'parameters: 4482 in 6 tensor(s)');
  assert.deepEqual(lines.slice(5, 11).map((l) => l.trim().split(/\s+/)), [
    ['0.weight', 'F32', '[64,', '2]'], ['0.bias', 'F32', '[64]'], ['2.weight', 'F32', '[64,', '64]'],
    ['2.bias', 'F32', '[64]'], ['4.weight', 'F32', '[2,', '64]'], ['4.bias', 'F32', '[2]'],
  ]);
  // Adam keeps two moments per parameter: 12 tensors, 2 × 4482 values.
  assert.equal(lines[11], 'other tensors (optimiser state, …): 12, 8964 values');
  assert.match(lines[12], /^\s+optim\.state\.0\.expAvg\s+F32\s+\[64, 2\]$/);
});

test('info on a bare .safetensors file written by PyTorch: every tensor with its dtype and shape', () => {
  const path = join(dir, 'torch.safetensors');
  copyFileSync('test/fixtures/torch.safetensors', path);
  const r = cli('info', path);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  // 16 + 8 + 8 + 10 + 8 + 6 + 4 + 1 + 0 + 24 + 6 + 2 values
  assert.equal(lines[0], `safetensors file ${path}: 12 tensor(s), 93 values`);
  assert.deepEqual(lines.slice(1, 13).map((l) => l.trim().split(/\s+/).slice(0, 2)), [
    ['f32.specials', 'F32'], ['f64', 'F64'], ['f16', 'F16'], ['bf16', 'BF16'], ['i64', 'I64'], ['i32', 'I32'],
    ['u8', 'U8'], ['scalar', 'F32'], ['empty', 'F32'], ['randn.3d', 'F32'], ['linear.weight', 'F32'], ['linear.bias', 'F32'],
  ]);
  assert.match(lines[8], /scalar\s+F32\s+\[\]$/);
  assert.match(lines[9], /empty\s+F32\s+\[0, 3\]$/);
  assert.equal(lines[13], 'metadata: {"format":"pt","producer":"scripts/make_io_fixtures.py","torch":"1.13.0a0"}');
});

test("info on a saved model's .safetensors still shows the model; a damaged checkpoint is refused (exit 1)", () => {
  const out = join(dir, 'xor');
  assert.equal(cli('train', '--preset', 'xor', '--epochs', '1', '--progress', 'none', '--out', out).code, 0);
  const r = cli('info', join(out, 'model.safetensors'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Sequential\(/);
  assert.match(r.out, /parameters: 9/);
  const bytes = readFileSync(join(out, 'checkpoint.safetensors'));
  bytes[bytes.length - 1] ^= 0x40;
  writeFileSync(join(dir, 'bad.safetensors'), bytes);
  const bad = cli('info', join(dir, 'bad.safetensors'));
  assert.equal(bad.code, 1);
  assert.match(bad.err, /bad\.safetensors/);
  assert.equal(cli('info', join(dir, 'none.safetensors')).code, 1);
});

test('info on a checkpoint whose optimiser groups are not objects shows them instead of crashing', () => {
  // found by fuzzing re-signed checkpoints: paramGroups [null] made optimizerLine throw a TypeError
  const path = join(dir, 'odd-groups.safetensors');
  bp.saveCheckpoint(path, { model: { w: bp.zeros([2]) }, epoch: 1, optimizer: { optimizer: 'SGD', paramGroups: [null, 3, { lr: 0.1, params: [0] }] } });
  const r = cli('info', path);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.split('\n')[2], 'optimizer: SGD (group null; group 3; lr 0.1)');
});
