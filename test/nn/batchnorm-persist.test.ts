// loadModule can rebuild BatchNorm layers even when a program imports only the persistence module
// (this file imports nothing else, and node:test runs each test file in its own process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleFromConfig } from '../../src/nn/module.js';
import '../../src/models/persist.js';

test('importing models/persist registers BatchNorm1d and BatchNorm2d', () => {
  for (const type of ['BatchNorm1d', 'BatchNorm2d']) {
    const m = moduleFromConfig({ type, numFeatures: 3 });
    assert.deepEqual(Object.keys(m.stateDict()), ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  }
});
