// Loss names live in one table: LOSS_NAMES, LossName, lossByName, fit and the CLI config all read it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOSS_NAMES, lossByName, isLossName, tensor, klDiv, logSoftmax, ConfigError, type LossName } from '../../src/index.js';
import { validateConfig } from '../../src/cli/config.js';
import { throwsWith } from '../helpers.js';

test('LOSS_NAMES lists the built-in losses in table order', () => {
  assert.deepEqual([...LOSS_NAMES], ['l2', 'mse', 'mae', 'binaryCrossEntropy', 'binaryCrossEntropyWithLogits', 'crossEntropy', 'nll', 'klDiv']);
  assert.ok(Object.isFrozen(LOSS_NAMES));
  const n: LossName = LOSS_NAMES[0];
  assert.equal(n, 'l2');
});

test('every listed name resolves to a loss; the named klDiv is the per-sample KL (batchmean)', () => {
  for (const name of LOSS_NAMES) assert.equal(typeof lossByName(name), 'function', name);
  const x = logSoftmax(tensor([[0.1, 1.2, -0.4], [0.3, 0.2, 0.1]]), 1);
  const d = tensor([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]);
  assert.equal(lossByName('klDiv')(x, d).item(), klDiv(x, d, { reduction: 'batchmean' }).item());
  assert.equal(lossByName('mse')(tensor([1, 2]), tensor([0, 0])).item(), 2.5);
});

test('an unknown loss (inherited Object names included) is a ConfigError listing the known ones', () => {
  for (const bad of ['hinge', 'toString', 'constructor', '__proto__', '']) {
    throwsWith(() => lossByName(bad), ConfigError, new RegExp(`unknown loss '${bad}' \\(known: l2, mse, mae, binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, nll, klDiv\\)`));
    assert.equal(isLossName(bad), false);
  }
  assert.equal(isLossName(3), false);
  assert.equal(isLossName('nll'), true);
});

test('the CLI config accepts every listed loss and refuses others with the list', () => {
  for (const loss of LOSS_NAMES) assert.equal(validateConfig({ loss }).loss, loss);
  throwsWith(() => validateConfig({ loss: 'hinge' }), ConfigError, /config\.loss.*must be one of l2, mse, mae, binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, nll, klDiv/);
  throwsWith(() => validateConfig({ loss: 'toString' }), ConfigError, /config\.loss/);
});
