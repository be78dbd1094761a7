// Saving a model is atomic as a pair: killed at any step, the folder loads as the old or the new model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Tensor, tensor } from '../../src/index.js';
import { loadModelFiles, saveModel, type ModelFiles, type ModelSaveStep } from '../../src/io/index.js';
import { listDir, tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A two-parameter model whose weights all hold `v`, so a load tells which save it came from. */
function model(v: number): ModelFiles {
  return {
    architecture: { type: 'Linear', inFeatures: 2, outFeatures: 1, bias: true },
    stateDict: { weight: tensor([[v, v]]), bias: tensor([v]) },
    metadata: { version: v },
  };
}

/** Which save a folder loads as: the value its weights hold (and its metadata agrees), or an error. */
function loadsAs(dir: string): number {
  const { stateDict, metadata } = loadModelFiles(dir);
  const v = (stateDict.bias as Tensor).data[0];
  assert.deepEqual(Array.from(stateDict.weight.data), [v, v]);
  assert.equal(metadata.version, v, 'weights and JSON from the same save');
  return v;
}

/** Every step of one save, in order, with the path it acts on. */
function stepsOfASave(): [ModelSaveStep, string][] {
  const dir = tempDir();
  saveModel(dir, model(1));
  const steps: [ModelSaveStep, string][] = [];
  saveModel(dir, model(2), { onStep: (s, p) => steps.push([s, p]) });
  return steps;
}

/**
 * Saves `m` into `dir`, "killed" just before step number `k`: from then on every step throws,
 * as if the process had stopped there (nothing after that point reaches the disk).
 */
function saveKilledAt(dir: string, m: ModelFiles, k: number): void {
  let n = 0;
  assert.throws(() => saveModel(dir, m, { onStep: () => { if (n++ >= k) throw new Error('killed'); } }), /killed/);
}

test('killed before any step of a save, the folder loads as the old or the new model, never neither', () => {
  const steps = stepsOfASave();
  // staged weights (6 steps), model.json (6 steps, its rename the commit point), the promote rename, and cleanup
  assert.deepEqual(steps.map(([s]) => s), [
    'cleanup', 'open', 'write', 'fsync', 'close', 'rename', 'fsyncDir', 'open', 'write', 'fsync', 'close', 'rename', 'fsyncDir', 'promote',
  ]);
  const outcomes: number[] = [];
  for (let k = 0; k < steps.length; k++) {
    const dir = tempDir();
    saveModel(dir, model(1));
    saveKilledAt(dir, model(2), k);
    const v = loadsAs(dir);
    outcomes.push(v);
    // the rename of model.json (step 11) commits: before it the old model, from then on the new one
    assert.equal(v, k <= 11 ? 1 : 2, `killed before step ${k} (${steps[k][0]})`);
    // and the next save, killed nowhere, leaves just the pair
    saveModel(dir, model(3));
    assert.equal(loadsAs(dir), 3);
    assert.deepEqual(listDir(dir), ['model.json', 'model.safetensors'], `no stray file after a kill before step ${k}`);
  }
  assert.deepEqual([outcomes.filter((v) => v === 1).length, outcomes.filter((v) => v === 2).length], [12, 2]);
});

test('a save killed after its commit, then a second save killed anywhere: the folder loads as one of the two', () => {
  const steps = stepsOfASave();
  const promote = steps.findIndex(([s]) => s === 'promote');
  // The next save first finishes that rename, so it has one more step; k = steps.length + 1 lets it complete.
  for (let k = 0; k <= steps.length + 1; k++) {
    const dir = tempDir();
    saveModel(dir, model(1));
    saveKilledAt(dir, model(2), promote); // committed, weights still staged
    assert.equal(loadsAs(dir), 2);
    let n = 0;
    try {
      saveModel(dir, model(3), { onStep: () => { if (n++ >= k) throw new Error('killed'); } });
    } catch {
      // killed
    }
    assert.equal(loadsAs(dir), k <= 12 ? 2 : 3, `second save killed before its step ${k}`);
  }
});

test('stray temp and staged files of killed saves are removed by the next save; other files are left alone', () => {
  const dir = tempDir();
  saveModel(dir, model(1));
  const strays = [
    '.model.safetensors.4999999.0a1b2c3d4e5f.tmp',
    '.model.json.4999999.0a1b2c3d4e5f.tmp',
    `.model.safetensors.${'ab'.repeat(32)}.staged`,
    `..model.safetensors.${'cd'.repeat(32)}.staged.4999999.00ff00ff00ff.tmp`,
  ];
  const others = ['notes.txt', '.other.json.4999999.0a1b2c3d4e5f.tmp', `.model.safetensors.${'ab'.repeat(31)}.staged`];
  for (const n of [...strays, ...others]) writeFileSync(join(dir, n), 'x');
  assert.equal(loadsAs(dir), 1, 'strays do not disturb loading');
  saveModel(dir, model(2));
  assert.deepEqual(listDir(dir), [...others, 'model.json', 'model.safetensors'].sort());
  assert.equal(loadsAs(dir), 2);
});

test('a process killed (SIGKILL) right after the commit leaves a folder that loads as the new model', { skip: process.platform === 'win32' }, () => {
  const dir = tempDir();
  saveModel(dir, model(1));
  const child = join(tempDir(), 'child.mts');
  writeFileSync(child, [
    `import { saveModel } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/io/index.ts')).href)};`,
    `import { tensor } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/index.ts')).href)};`,
    `saveModel(${JSON.stringify(dir)}, { architecture: { type: 'Linear' }, stateDict: { weight: tensor([[2, 2]]), bias: tensor([2]) }, metadata: { version: 2 } }, {`,
    "  onStep: (s) => { if (s === 'promote') process.kill(process.pid, 'SIGKILL'); },",
    '});',
  ].join('\n'));
  const res = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', child], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(res.signal, 'SIGKILL', res.stderr);
  assert.equal(listDir(dir).filter((n) => n.endsWith('.staged')).length, 1, 'the new weights are still staged');
  assert.equal(loadsAs(dir), 2);
  const json = readFileSync(join(dir, 'model.json'));
  saveModel(dir, model(3));
  assert.notDeepEqual(readFileSync(join(dir, 'model.json')), json);
  assert.deepEqual(listDir(dir), ['model.json', 'model.safetensors']);
  assert.equal(loadsAs(dir), 3);
});
