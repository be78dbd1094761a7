// loadModule can rebuild the conv, pooling and residual layers even when a program imports only the
// persistence module (this file imports nothing else, and node:test runs each test file in its own process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleFromConfig } from '../../src/nn/module.js';
import '../../src/models/persist.js';

test('importing models/persist registers Conv1d/2d, the pooling layers and Residual', () => {
  const conv = { type: 'Conv2d', inChannels: 2, outChannels: 3, kernelSize: 3 };
  assert.deepEqual(Object.entries(moduleFromConfig(conv).stateDict()).map(([k, t]) => [k, t.shape]), [['weight', [3, 2, 3, 3]], ['bias', [3]]]);
  assert.deepEqual(Object.keys(moduleFromConfig({ type: 'Conv1d', inChannels: 2, outChannels: 3, kernelSize: 3, bias: false }).stateDict()), ['weight']);
  for (const type of ['MaxPool1d', 'MaxPool2d', 'AvgPool1d', 'AvgPool2d']) assert.equal(moduleFromConfig({ type, kernelSize: 2 }).constructor.name, type);
  assert.equal(moduleFromConfig({ type: 'AdaptiveAvgPool2d', outputSize: 1 }).constructor.name, 'AdaptiveAvgPool2d');
  assert.equal(moduleFromConfig({ type: 'GlobalAvgPool' }).constructor.name, 'GlobalAvgPool');
  const block = moduleFromConfig({ type: 'Residual', body: conv, shortcut: { ...conv, kernelSize: 1 }, activation: 'relu' });
  assert.deepEqual(Object.keys(block.stateDict()), ['body.weight', 'body.bias', 'shortcut.weight', 'shortcut.bias']);
});
