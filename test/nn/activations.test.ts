// Activation names live in one table (src/nn/activations.ts); the layers, mlp, config validation and errors read it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { validateConfig } from '../../src/cli/config.js';
import { assertClose } from '../helpers.js';

test('ACTIVATION_NAMES lists the table; each name builds its layer and function', () => {
  assert.deepEqual([...bp.ACTIVATION_NAMES], ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'softplus', 'elu', 'identity', 'softmax', 'logSoftmax', 'step']);
  const layerClass: Record<bp.ActivationName, string> = {
    sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'ReLU', leakyRelu: 'LeakyReLU', softplus: 'Softplus', elu: 'ELU',
    identity: 'Identity', softmax: 'Softmax', logSoftmax: 'LogSoftmax', step: 'Step',
  };
  const x = bp.tensor([[-2, -0.5, 0, 1.5]]);
  for (const name of bp.ACTIVATION_NAMES) {
    const layer = bp.activationLayer(name);
    assert.equal(layer.constructor.name, layerClass[name], name);
    assertClose(bp.activation(name)(x), layer.forward(x).toArray() as number[][], 0, 0, name);
  }
  // Two values worked by hand: tanh(0.5·ln 3) = 0.5, σ(ln 3) = 0.75.
  assertClose(bp.activation('tanh')(bp.tensor([0.5 * Math.log(3)])), [0.5], 1e-6, 0);
  assertClose(bp.activation('sigmoid')(bp.tensor([Math.log(3)])), [0.75], 1e-6, 0);
});

test('an unknown name is a ConfigError listing every known name, from the mlp builder and from a config', () => {
  const known = bp.ACTIVATION_NAMES.join(', ');
  assert.throws(() => bp.activationLayer('swish' as never), (e: unknown) => e instanceof bp.ConfigError && e.message === `unknown activation 'swish' (known: ${known})`);
  assert.throws(() => bp.mlp([2, 1], { outputActivation: 'gelu' as never }), /unknown activation 'gelu'/);
  assert.throws(() => validateConfig({ model: { type: 'mlp', sizes: [784, 10], activation: 'swish' } }),
    (e: unknown) => e instanceof bp.ConfigError && e.message.includes(`config.model.activation: must be one of ${bp.ACTIVATION_NAMES.map((n) => `'${n}'`).join(', ')}`));
  assert.equal(bp.isActivationName('relu'), true);
  assert.equal(bp.isActivationName('toString'), false, 'inherited object keys are not names');
});

test('the mlp builder takes its init gain from the table (tanh: 5/3 for kaiming)', () => {
  bp.manualSeed(5);
  const net = bp.mlp([400, 300, 1], { activation: 'tanh', init: 'kaimingNormal' });
  const w = net.stateDict()['0.weight'];
  const variance = Array.from(w.data).reduce((s, v) => s + v * v, 0) / w.size;
  // Kaiming normal: std = gain/√fanIn, gain(tanh) = 5/3, so variance = (25/9)/400.
  assert.ok(Math.abs(variance / (25 / 9 / 400) - 1) < 0.03, `variance ${variance}`);
});

test('no other source file keeps its own list of activation names', () => {
  const dirs = ['src/nn', 'src/models', 'src/cli', 'src/train'];
  const offenders: string[] = [];
  for (const dir of dirs) {
    for (const f of readdirSync(dir)) {
      // init.ts keeps PyTorch's calculate_gain table (keyed by nonlinearity, with 'linear'), which the table's `gain` column points into.
      if (!f.endsWith('.ts') || f === 'activations.ts' || f === 'init.ts') continue;
      const text = readFileSync(join(dir, f), 'utf8');
      // A list of names shows itself by naming several of the table's rarer entries.
      const named = ['softplus', 'logSoftmax', 'leakyRelu', 'identity'].filter((n) => text.includes(`'${n}'`));
      if (named.length >= 3) offenders.push(`${dir}/${f}: ${named.join(', ')}`);
    }
  }
  assert.deepEqual(offenders, []);
});
