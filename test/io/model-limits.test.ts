// A model file cannot make loading allocate more than its weights justify: shapes are checked before anything is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackpropError, Linear, loadModule, manualSeed, mlp, saveModule } from '../../src/index.js';
import { tempDir, throwsFormat } from './helpers.js';

/** Saves a real Linear(2, 2), then rewrites fields of its model.json (the weights stay as saved). */
function forged(patch: (doc: Record<string, unknown>) => void): string {
  const dir = tempDir();
  manualSeed(0);
  saveModule(new Linear(2, 2), dir);
  const json = join(dir, 'model.json');
  const doc = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
  patch(doc);
  writeFileSync(json, JSON.stringify(doc));
  return dir;
}

test('a small model.json declaring Linear(1, 1e9) is refused by the budget; Linear(2, 2147483648) by the size limit', () => {
  const dir = forged((doc) => {
    doc.architecture = { type: 'Linear', inFeatures: 1, outFeatures: 1e9, bias: true };
  });
  throwsFormat(() => loadModule(dir), /the architecture cannot be built \(building it: would allocate more than the 65548 values allowed\)/);
});

test('a small model.json declaring Linear(2, 2147483648) over 24 bytes of weights is refused before anything is allocated', () => {
  const dir = forged((doc) => {
    doc.architecture = { type: 'Linear', inFeatures: 2, outFeatures: 2147483648, bias: true };
  });
  assert.ok(statSync(join(dir, 'model.json')).size < 1024);
  const before = process.memoryUsage().arrayBuffers;
  throwsFormat(() => loadModule(dir), /model\.json: the architecture cannot be built \(zeros: shape \[2147483648, 2\] has 4.295e\+9 elements, more than the 2147483647 a tensor can hold/);
  // nothing the size of that layer was allocated (it would be 16 GiB)
  assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
});

test('the allocation budget is twice the weights in the file: a layer a few times larger than its weights is refused', () => {
  const dir = forged((doc) => {
    doc.architecture = { type: 'Linear', inFeatures: 2, outFeatures: 40000, bias: true };
  });
  // 120,000 elements > 2 × 6 + 65,536
  throwsFormat(() => loadModule(dir), /model\.json: the architecture cannot be built \(building it: would allocate more than the 65548 values allowed\)/);
});

test('a parameter list declaring a shape too large for a tensor is refused by name, before the weights are read', () => {
  const dir = forged((doc) => {
    doc.parameters = [{ name: 'weight', shape: [2147483648, 2] }, { name: 'bias', shape: [2] }];
  });
  throwsFormat(() => loadModule(dir), /model\.json: parameter "weight": shape \[2147483648, 2\] has 4\.295e\+9 elements/);
});

test('real models load within the budget', () => {
  const dir = tempDir();
  manualSeed(1);
  const m = mlp([784, 128, 10]);
  saveModule(m, dir);
  const { model } = loadModule(dir);
  assert.deepEqual(Array.from(model.stateDict()['2.bias'].data), Array.from(m.stateDict()['2.bias'].data));
});

test('an architecture of the wrong kind is a typed error naming the field', () => {
  for (const arch of [null, [], 'Linear', { type: 7 }]) {
    const dir = forged((doc) => {
      doc.architecture = arch;
    });
    assert.throws(() => loadModule(dir), (e: unknown) => e instanceof BackpropError && /"architecture" must be a module config/.test(e.message), JSON.stringify(arch));
  }
});
