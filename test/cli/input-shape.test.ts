// The CLI and input shapes: MNIST trains as [N, 1, 28, 28] into a model that records inputShape [1, 28, 28];
// info shows it with a summary table; eval and predict reshape inputs to [N, ...inputShape]; older models still work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, digitPng, tempFolder } from './harness.js';
import * as bp from '../../src/index.js';
import { readDigit } from '../../src/cli/image.js';

const dir = tempFolder('bp-input-shape-cli-');
const run = join(dir, 'mnist');

function config(name: string, cfg: object): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ data: { name: 'mnist', train: 600, test: 100 }, epochs: 1, schedule: null, ...cfg }));
  return path;
}

function architecture(folder: string): bp.ModuleConfig {
  return (JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as { architecture: bp.ModuleConfig }).architecture;
}


test('train on MNIST: the model is an mlp on [1, 28, 28] and saves that input shape', () => {
  const r = cli('train', '--config', config('tiny', { model: { type: 'mlp', sizes: [784, 32, 10] } }), '--progress', 'none', '--out', run);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /\(0\): Flatten\(\)/);
  const arch = architecture(run);
  assert.deepEqual(arch.inputShape, [1, 28, 28]);
  assert.deepEqual((arch.layers as { type: string }[]).map((l) => l.type), ['Flatten', 'Linear', 'ReLU', 'Linear']);
});

test('info shows the input shape and the summary table', () => {
  const r = cli('info', run);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^input shape: \[1, 28, 28\]$/m);
  assert.match(r.out, /^Model: Sequential \(input \[-1, 1, 28, 28\]\)$/m);
  assert.match(r.out, /^0 \(Flatten\)\s+\[-1, 784\]\s+0$/m);
  assert.match(r.out, /^1 \(Linear\)\s+\[-1, 32\]\s+25,120$/m); // 784·32 + 32
  assert.match(r.out, /^3 \(Linear\)\s+\[-1, 10\]\s+330$/m); // 32·10 + 10
  assert.match(r.out, /^Total params: 25,450$/m);
  assert.match(r.out, /^parameters: 25450$/m);
});

test('eval and predict take images, flat rows and PNG files, shaped to [N, 1, 28, 28]', () => {
  const ev = cli('eval', run);
  assert.equal(ev.code, 0, ev.err);
  assert.match(ev.out, /^test set: 100 samples$/m);
  assert.match(ev.out, /accuracy \d+\.\d\d %/);
  const png = digitPng(dir, { train: 600, test: 100 }).path;
  const p = cli('predict', run, '--input', png);
  assert.equal(p.code, 0, p.err);
  const cls = Number(/^sample 0: class (\d)/m.exec(p.out)?.[1]);
  // The same image through the library, as [1, 1, 28, 28]: the CLI predicted what the model gives.
  const { model } = bp.loadModule(join(run, 'model'));
  const scores = model.call(readDigit(png).reshape([1, 1, 28, 28])).toArray() as number[][];
  assert.equal(cls, scores[0].indexOf(Math.max(...scores[0])));
  // A flat JSON row of 784 values is a sample too; a row of 3 is refused, naming the shape the model takes.
  const row = JSON.stringify([Array.from(readDigit(png).data)]);
  assert.match(cli('predict', run, '--input', row).out, new RegExp(`^sample 0: class ${cls} `, 'm'));
  const bad = cli('predict', run, '--input', '[[1,2,3]]');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /predict: the model takes inputs of shape \[1, 28, 28\] \(784 values\) per sample, but the input has shape \[1, 3\]/);
});

test('a model saved without inputShape (before this change) falls back to its first Linear, and still evaluates and predicts', () => {
  bp.manualSeed(3);
  const old = bp.mlp([784, 16, 10]);
  old.inputShape = undefined;
  const folder = join(dir, 'old');
  const meta = JSON.parse(readFileSync(join(run, 'model.json'), 'utf8')) as { metadata: Record<string, unknown> };
  bp.saveModule(old, join(folder, 'model'), { config: meta.metadata.config });
  assert.equal('inputShape' in architecture(folder), false);
  const info = cli('info', folder);
  assert.equal(info.code, 0, info.err);
  assert.match(info.out, /^input shape: \[784\] \(not recorded in this older model file: taken from its first Linear layer's in-features\)$/m);
  assert.match(info.out, /^0 \(Linear\)\s+\[-1, 16\]\s+12,560$/m);
  const ev = cli('eval', folder);
  assert.equal(ev.code, 0, ev.err);
  assert.match(ev.out, /^test set: 100 samples$/m);
  const p = cli('predict', folder, '--input', digitPng(dir, { train: 600, test: 100 }).path);
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /^sample 0: class \d/m);
});

test('config.model.inputShape chooses how the data goes in; one that does not fit the data is refused', () => {
  const flat = join(dir, 'flat');
  const r = cli('train', '--config', config('flat', { model: { type: 'mlp', sizes: [784, 10], inputShape: [784] } }), '--progress', 'none', '--out', flat);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(architecture(flat).inputShape, [784]);
  assert.deepEqual((architecture(flat).layers as { type: string }[]).map((l) => l.type), ['Linear']);
  assert.equal(cli('predict', flat, '--input', digitPng(dir, { train: 600, test: 100 }).path).code, 0);
  const bad = cli('train', '--config', config('bad', { model: { type: 'mlp', sizes: [784, 10], inputShape: [28, 27] } }), '--progress', 'none', '--out', join(dir, 'bad'));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /config.model.inputShape: \[28, 27\] has 756 values per sample, but the data has 784 \(shape \[1, 28, 28\]\)/);
  const notShape = cli('train', '--config', config('bad2', { model: { type: 'logistic', inputShape: 'big' } }), '--progress', 'none', '--out', join(dir, 'bad2'));
  assert.equal(notShape.code, 2);
  assert.match(notShape.err, /config.model.inputShape must be a non-empty list of whole numbers/);
});

test('a saved architecture without inputShape trains on images through its first Linear', () => {
  const folder = join(dir, 'raw');
  const model = { type: 'Sequential', layers: [{ type: 'Linear', inFeatures: 784, outFeatures: 10 }] };
  const r = cli('train', '--config', config('raw', { model }), '--progress', 'none', '--out', folder);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(architecture(folder).inputShape, [784]);
});

test('info on a model declaring a huge input shape does not allocate it: the summary is skipped with a reason', () => {
  const huge = new bp.Sequential(new bp.Flatten());
  huge.inputShape = [1, 100_000, 1_000]; // 10⁸ values per sample: 400 MB a dummy batch
  const base = join(dir, 'huge');
  bp.saveModule(huge, base);
  const r = cli('info', base);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^input shape: \[1, 100000, 1000\]$/m);
  assert.match(r.out, /^summary: not shown for inputs of shape \[1, 100000, 1000\] \(info: the summary: would allocate more than the 67108864 values allowed\)$/m);
});
