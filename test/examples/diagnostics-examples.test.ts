// The diagnostics examples reproduce the lecture's phenomena with numbers (fixed seeds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepStacks } from '../../examples/vanishing-gradient-diagnostics.js';
import { deadRelu } from '../../examples/dead-relu.js';
import { saturation } from '../../examples/saturation.js';
import { nanHunt } from '../../examples/nan-hunt.js';

test('examples/vanishing-gradient-diagnostics: a deep sigmoid stack loses orders of magnitude of gradient towards the input; ReLU stays within a small factor', () => {
  const { sigmoid, relu } = deepStacks();
  assert.equal(sigmoid.norms.length, 10);
  assert.equal(relu.norms.length, 10);
  // Sigmoid: every hidden layer's gradient is smaller than the next one's, 7.6e-6 of the last hidden layer's at the input.
  for (let k = 0; k + 2 < sigmoid.norms.length; k++) assert.ok(sigmoid.norms[k] < sigmoid.norms[k + 1], `sigmoid layer ${k}: ${sigmoid.norms}`);
  assert.ok(sigmoid.ratio < 1e-4, `sigmoid first/last-hidden ratio ${sigmoid.ratio}`);
  assert.ok(sigmoid.norms[0] < 1e-5, `sigmoid first layer ${sigmoid.norms[0]}`);
  // ReLU with He init: the first layer keeps 0.58 of the last hidden layer's gradient; every layer within 3× of any other.
  assert.ok(relu.ratio > 0.2 && relu.ratio < 5, `ReLU ratio ${relu.ratio}`);
  assert.ok(Math.max(...relu.norms) / Math.min(...relu.norms) < 3, `ReLU norms ${relu.norms}`);
  assert.ok(relu.ratio / sigmoid.ratio > 1e4);
});

test('examples/dead-relu: at lr 5 most units of the second ReLU layer die; at lr 0.05 none does', () => {
  const [small, high] = deadRelu();
  assert.equal(small.lr, 0.05);
  assert.equal(high.lr, 5);
  assert.equal(small.dead.length, 5);
  assert.ok(small.deadOverall.every((d) => d === 0), `lr 0.05: ${small.deadOverall}`);
  const last = high.dead[high.dead.length - 1];
  assert.ok(last['3'] > 0.9, `lr 5, layer 3: ${last['3']}`);
  assert.ok(high.deadOverall[4] > 0.4, `lr 5 overall: ${high.deadOverall}`);
  assert.ok(high.loss > small.loss, `losses ${high.loss} vs ${small.loss}`);
});

test('examples/saturation: weights 5× Xavier saturate most tanh units (tanh′ < 0.01); Xavier weights almost none', () => {
  const [xavier, large] = saturation();
  assert.equal(xavier.scale, 1);
  assert.equal(large.scale, 5);
  for (const layer of ['1', '3']) {
    assert.ok(xavier.saturated[0][layer] < 0.02, `Xavier layer ${layer}: ${xavier.saturated[0][layer]}`);
    assert.ok(large.saturated[0][layer] > 0.5, `5× layer ${layer}: ${large.saturated[0][layer]}`);
  }
});

test('examples/nan-hunt: a log of a negative number and an exploding learning rate are traced to their ops', () => {
  const [logCase, lrCase] = nanHunt();
  assert.deepEqual(logCase.history.firstNonFinite, { op: 'log', scope: '', phase: 'forward' });
  assert.equal(logCase.history.stopReason, 'nonFinite');
  assert.equal(logCase.history.steps, 0);
  assert.deepEqual(lrCase.history.firstNonFinite, { op: 'linear', scope: 'Sequential > 2 (Linear)', phase: 'forward' });
  assert.equal(lrCase.history.steps, 2);
});
