// Models know their input shape: Module.inputShape, saved in config() and restored by moduleFromConfig / loadModule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { tempFolder } from '../cli/harness.js';

const dir = tempFolder('bp-input-shape-');

test('mlp with an image inputShape starts with a Flatten and takes [N, 1, 28, 28]', () => {
  bp.manualSeed(0);
  const net = bp.mlp([784, 16, 10], { inputShape: [1, 28, 28] });
  assert.deepEqual(net.inputShape, [1, 28, 28]);
  assert.equal(String(net).split('\n')[1], '  (0): Flatten()');
  assert.deepEqual(net.call(bp.zeros([3, 1, 28, 28])).shape, [3, 10]);
  assert.deepEqual(net.namedParameters().map(([n]) => n), ['1.weight', '1.bias', '3.weight', '3.bias']);
  // A flat shape adds no Flatten, and is the default.
  assert.deepEqual(bp.mlp([784, 10], { inputShape: [784] }).namedParameters().map(([n]) => n), ['0.weight', '0.bias']);
  assert.deepEqual(bp.mlp([2, 3, 1]).inputShape, [2]);
});

test('an inputShape that does not hold sizes[0] values, or is not a shape, is a ConfigError naming it', () => {
  assert.throws(() => bp.mlp([100, 10], { inputShape: [1, 28, 28] }),
    (e: unknown) => e instanceof bp.ConfigError && e.message === 'mlp: inputShape [1, 28, 28] has 784 values per sample, but the first layer takes 100');
  assert.throws(() => new bp.LogisticRegression(10, { inputShape: [3, 3] }), /LogisticRegression: inputShape \[3, 3\] has 9 values per sample, but the first layer takes 10/);
  for (const bad of [[], [0, 2], [1.5], ['2'], 'x', [2 ** 20, 2 ** 20]]) {
    assert.throws(() => bp.mlp([4, 1], { inputShape: bad as never }), bp.ConfigError, JSON.stringify(bad));
  }
  const m = bp.mlp([4, 1]);
  assert.throws(() => { m.inputShape = [2, -2]; }, /Sequential: inputShape must be a non-empty list of whole numbers ≥ 1/);
  m.inputShape = [2, 2];
  assert.ok(Object.isFrozen(m.inputShape), 'the stored shape cannot be changed behind the setter');
  m.inputShape = undefined;
  assert.equal(m.inputShape, undefined);
});

test('config() = toConfig() + inputShape; moduleFromConfig restores it', () => {
  const net = bp.mlp([784, 8, 10], { inputShape: [1, 28, 28] });
  assert.equal('inputShape' in net.toConfig(), false);
  const cfg = JSON.parse(JSON.stringify(net.config())) as bp.ModuleConfig;
  assert.deepEqual(cfg.inputShape, [1, 28, 28]);
  assert.deepEqual({ ...cfg, inputShape: undefined }, { ...net.toConfig(), inputShape: undefined });
  const back = bp.moduleFromConfig(cfg);
  assert.deepEqual(back.inputShape, [1, 28, 28]);
  assert.equal(String(back), String(net));
  // A config without one (saved before input shapes were recorded) gives undefined.
  assert.equal(bp.moduleFromConfig(net.toConfig()).inputShape, undefined);
  assert.throws(() => bp.moduleFromConfig({ ...cfg, inputShape: [1, 'a'] }), /Sequential: field 'inputShape' must be a non-empty list of whole numbers/);
});

test('LogisticRegression with an image inputShape flattens; its state dict keys do not change', () => {
  bp.manualSeed(1);
  const lr = new bp.LogisticRegression(784, { inputShape: [1, 28, 28] });
  assert.deepEqual(Object.keys(lr.stateDict()), ['linear.weight', 'linear.bias']);
  const x = bp.rand([2, 1, 28, 28]);
  const y = lr.call(x);
  assert.deepEqual(y.shape, [2, 1]);
  const back = bp.moduleFromConfig(JSON.parse(JSON.stringify(lr.config())) as bp.ModuleConfig);
  back.loadStateDict(lr.stateDict());
  assert.deepEqual(back.call(x).toArray(), y.toArray());
  assert.deepEqual(back.inputShape, [1, 28, 28]);
  // Nested in a container (toConfig, not config), the flatten survives too.
  const seq = bp.moduleFromConfig({ type: 'Sequential', layers: [lr.toConfig()] });
  assert.deepEqual(seq.call(x).shape, [2, 1]);
  assert.deepEqual(new bp.LogisticRegression(3).inputShape, [3]);
  assert.deepEqual(new bp.Perceptron(5).inputShape, [5]);
});

test('saveModule records inputShape in model.json and loadModule restores it; an old file without it still loads', () => {
  bp.manualSeed(2);
  const net = bp.mlp([784, 8, 10], { inputShape: [1, 28, 28] });
  const base = join(dir, 'img');
  const paths = bp.saveModule(net, base);
  const json = JSON.parse(readFileSync(paths.json, 'utf8')) as { architecture: bp.ModuleConfig };
  assert.deepEqual(json.architecture.inputShape, [1, 28, 28]);
  const { model } = bp.loadModule(base);
  assert.deepEqual(model.inputShape, [1, 28, 28]);
  const x = bp.rand([2, 1, 28, 28]);
  assert.deepEqual(model.call(x).toArray(), net.eval().call(x).toArray());
  // A file without inputShape, as saved before this change (the same model with its shape unset).
  net.inputShape = undefined;
  bp.saveModule(net, join(dir, 'old'));
  assert.equal('inputShape' in (JSON.parse(readFileSync(join(dir, 'old.json'), 'utf8')) as { architecture: object }).architecture, false);
  const old = bp.loadModule(join(dir, 'old')).model;
  assert.equal(old.inputShape, undefined);
  assert.deepEqual(old.call(x).shape, [2, 10], 'its Flatten layer still takes images');
});
