// A CNN described in a config file: a sequential list of layer configs (the toConfig() format of
// each layer) or a builder by name (lenet5, alexnet); trained, evaluated and used by the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, digitPng, tempFolder } from './harness.js';
import { validateConfig, buildModel } from '../../src/cli/config.js';

const dir = tempFolder('bp-cnn-config-');

/** A tiny CNN: Conv(4, 3×3) - ReLU - MaxPool 2 - Flatten - Linear(4·13·13 → 10). */
const tinyLayers = [
  { type: 'Conv2d', inChannels: 1, outChannels: 4, kernelSize: 3 },
  { type: 'ReLU' },
  { type: 'MaxPool2d', kernelSize: 2 },
  { type: 'Flatten' },
  { type: 'Linear', inFeatures: 676, outFeatures: 10 },
];

/** Writes a config file with a sequential model of `layers` (and other fields) and returns its path. */
function configFile(name: string, model: unknown, extra: Record<string, unknown> = {}): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({
    name, data: { name: 'mnist', train: 1000, test: 300 }, model, loss: 'crossEntropy',
    optimizer: { type: 'adam', lr: 0.005 }, batchSize: 32, epochs: 2, metrics: ['accuracy'], seed: 0, ...extra,
  }));
  return path;
}


test('a sequential CNN from a config file trains on an MNIST subset; eval, predict (PNG) and info use the saved model', () => {
  const out = join(dir, 'tiny');
  const r = cli('train', '--config', configFile('tiny', { type: 'sequential', layers: tinyLayers }), '--progress', 'none', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /\(0\): Conv2d\(1, 4, kernelSize=\[3, 3\]/);
  // 4·1·9 + 4 conv + 676·10 + 10 linear parameters.
  assert.match(r.err, /6810 trainable parameters/);
  const acc = Number(/test accuracy ([\d.]+) %/.exec(r.out)?.[1]);
  assert.ok(acc >= 85, `test accuracy ${acc} % (expected ≥ 85 % after 2 epochs on 1000 digits; 86.33 % measured)`);
  // The saved architecture is the Sequential's own config, with the data's input shape.
  const arch = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { architecture: { type: string; inputShape: number[]; layers: { type: string }[] } };
  assert.equal(arch.architecture.type, 'Sequential');
  assert.deepEqual(arch.architecture.inputShape, [1, 28, 28]);
  assert.deepEqual(arch.architecture.layers.map((l) => l.type), tinyLayers.map((l) => l.type));

  const e = cli('eval', out);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /test set: 300 samples/);
  assert.equal(Number(/accuracy ([\d.]+) %/.exec(e.out)?.[1]), acc);

  const digit = digitPng(dir, { train: 1000, test: 300 });
  const p = cli('predict', out, '--input', digit.path);
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, new RegExp(`^sample 0: class ${digit.label} `));

  const i = cli('info', out);
  assert.equal(i.code, 0, i.err);
  assert.match(i.out, /input shape: \[1, 28, 28\]/);
  assert.match(i.out, /0\.weight\s+\[4, 1, 3, 3\]/);
});

test('model by builder name: lenet5 and alexnet from the table, with their fields checked', () => {
  const lenet = buildModel(validateConfig({ model: { type: 'lenet5', numClasses: 10 } }).model, [1, 28, 28]);
  assert.equal(lenet.numParameters(), 61706);
  assert.deepEqual(lenet.inputShape, [1, 28, 28]);
  const alex = validateConfig({ model: { type: 'alexnet', numClasses: 10, dropout: 0.2 } }).model;
  assert.deepEqual(alex, { type: 'alexnet', numClasses: 10, dropout: 0.2 });
  assert.throws(() => validateConfig({ model: { type: 'lenet5', classes: 10 } }), /^ConfigError: config\.model: unknown field 'classes' \(allowed: type, numClasses, inputShape, activation\)/);
  assert.throws(() => validateConfig({ model: { type: 'lenet5', numClasses: 0 } }), /config\.model\.numClasses: must be ≥ 1, got 0/);
  assert.throws(() => validateConfig({ model: { type: 'alexnet', dropout: 1 } }), /config\.model\.dropout: must be below 1, got 1/);
  // lenet5 needs [C, H, W] with H, W ≥ 12: the data's shape does not fit a 784-feature CSV-like input.
  assert.throws(() => buildModel(validateConfig({ model: { type: 'lenet5', inputShape: [1, 8, 8] } }).model, [64]), /config\.model: lenet5: inputShape must be \[channels, height, width\] with height and width ≥ 12, got \[1, 8, 8\]/);
  assert.throws(() => buildModel(validateConfig({ model: { type: 'lenet5' } }).model, [64]), /config\.model\.inputShape: \[1, 28, 28\] has 784 values per sample, but the data has 64/);
});

test('errors in a sequential config name the layer index and the field', () => {
  const layers = (i: number, layer: unknown) => tinyLayers.map((l, k) => (k === i ? layer : l));
  const bad = (model: unknown) => () => validateConfig({ model });
  assert.throws(bad({ type: 'sequential', layers: layers(2, { type: 'MaxPool2d', kernelSize: 'big' }) }), /^ConfigError: config\.model\.layers\[2\]\.kernelSize: /);
  assert.throws(bad({ type: 'sequential', layers: layers(0, { ...tinyLayers[0], outChannels: 2.5 }) }), /^ConfigError: config\.model\.layers\[0\]\.outChannels: must be a whole number ≥ 1, got 2\.5/);
  assert.throws(bad({ type: 'sequential', layers: layers(1, { type: 'Relu' }) }), /^ConfigError: config\.model\.layers\[1\]: unknown module type 'Relu' \(known: .*ReLU/);
  assert.throws(bad({ type: 'sequential', layers: layers(0, { ...tinyLayers[0], kernel: 3 }) }), /^ConfigError: config\.model\.layers\[0\]: unknown field 'kernel' \(allowed: type, inputShape, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias\)/);
  assert.throws(bad({ type: 'sequential', layers: layers(3, 'Flatten') }), /^ConfigError: config\.model\.layers\[3\]: must be an object like \{"type": "ReLU"\}, got "Flatten"/);
  assert.throws(bad({ type: 'sequential', layers: [] }), /^ConfigError: config\.model\.layers: must be a non-empty list/);
  assert.throws(bad({ type: 'sequential', layers: tinyLayers, activation: 'relu' }), /^ConfigError: config\.model: unknown field 'activation' \(allowed: type, layers, inputShape\)/);
  // A nested sequential is named by both indices.
  assert.throws(bad({ type: 'sequential', layers: [{ type: 'sequential', layers: layers(4, { type: 'Linear', inFeatures: 676 }) }] }), /^ConfigError: config\.model\.layers\[0\]\.layers\[4\]\.outFeatures: must be a number, got undefined/);
  // A layer that does not fit the shape before it is named when the model meets the data's shape.
  const wrongFc = validateConfig({ model: { type: 'sequential', layers: layers(4, { type: 'Linear', inFeatures: 784, outFeatures: 10 }) } }).model;
  assert.throws(() => buildModel(wrongFc, [1, 28, 28]), /^ConfigError: config\.model\.layers\[4\] \(Linear\): takes no input of shape \[1, 676\] here: /);
});
