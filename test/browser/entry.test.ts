// The browser entry is the Node entry minus the file-system parts: every name it exports is
// exported by src/index.ts too, and is the same object there except fit (the browser's refuses
// checkpoints); in Node the browser fit trains like the Node one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as node from '../../src/index.js';
import * as browser from '../../src/browser.js';

const DIFFERENT = new Set(['fit']);

test('every export of src/browser.ts is an export of src/index.ts (the same value, fit aside)', () => {
  const nodeNames = new Set(Object.keys(node));
  for (const [name, value] of Object.entries(browser)) {
    assert.ok(nodeNames.has(name), `${name} is exported by the browser entry only`);
    if (!DIFFERENT.has(name)) assert.equal(value, (node as Record<string, unknown>)[name], name);
  }
});

test('the browser entry leaves out exactly the file-backed names', () => {
  const missing = Object.keys(node).filter((n) => !(n in browser)).sort();
  // A name new in src/index.ts lands here: export it from src/browser.ts too, unless it needs files.
  assert.deepEqual(missing, [
    'FASHION_MNIST_CLASSES', 'FASHION_MNIST_DIR', 'TEXT_CORPORA', 'decodeCheckpoint', 'decodeSafetensors',
    'encodeCheckpoint', 'encodeIdx', 'encodeSafetensors', 'loadCheckpoint', 'loadCsv', 'loadFashionMnist',
    'loadIdxDataset', 'loadIdxFolder', 'loadMnist', 'loadMnistAll', 'loadMnistFolder', 'loadModelFiles',
    'loadModule', 'loadSafetensors', 'loadText', 'parseIdx', 'readIdx', 'saveCheckpoint', 'saveModel',
    'saveModule', 'saveSafetensors', 'writeIdx',
  ]);
});

test("the browser fit trains as Node's and refuses checkpoints with a ConfigError", () => {
  const run = (fit: typeof node.fit): number[] => {
    node.manualSeed(3);
    const { x, y } = node.xorData();
    const model = new node.Sequential(new node.Linear(2, 4), new node.Tanh(), new node.Linear(4, 1));
    const history = fit(model, { x, y }, { loss: 'mse', optimizer: new node.SGD(model.parameters(), { lr: 0.3 }), epochs: 5, progress: 'none' });
    return history.epochs.map((e) => e.loss);
  };
  assert.deepEqual(run(browser.fit), run(node.fit));
  const model = new node.Sequential(new node.Linear(2, 1));
  const { x, y } = node.xorData();
  assert.throws(
    () => browser.fit(model, { x, y }, { loss: 'mse', optimizer: new node.SGD(model.parameters(), { lr: 0.1 }), checkpoint: { path: 'ck.safetensors' } }),
    (e: unknown) => e instanceof node.ConfigError && /checkpoint needs a file system/.test(e.message),
  );
});
