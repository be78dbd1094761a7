// Saved models: <base>.safetensors + <base>.json round trip, and any disagreement between the two is refused by name.
import { FileAccessError } from '../../src/errors.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Tensor, ValueError, manualSeed, randn, tensor } from '../../src/index.js';
import { loadModelFiles, loadSafetensors, saveModel, saveSafetensors, type ModelFiles } from '../../src/io/index.js';
import { modelPaths } from '../../src/io/model.js';
import { assertSameTensor, f32FromBits, listDir, tempDir, throwsFormat } from './helpers.js';

function mlp(): ModelFiles {
  manualSeed(3);
  return {
    architecture: { type: 'Sequential', layers: [{ type: 'Linear', inFeatures: 3, outFeatures: 4, bias: true }, { type: 'ReLU' }, { type: 'Linear', inFeatures: 4, outFeatures: 2, bias: true }] },
    stateDict: {
      '0.weight': randn([4, 3]),
      '0.bias': new Tensor(f32FromBits([0x7fc00001, 0x80000000, 0x00000001, 0x7f800000]), [4]),
      '2.weight': randn([2, 4]),
      '2.bias': randn([2]),
    },
    metadata: { dataset: 'xor', accuracy: 1, epochs: 200, tags: ['demo'] },
  };
}

/** Rewrites the JSON's weights digest after a test edited the weights by hand, so the edit reaches the checks behind the checksum. */
function resign(json: string, weights: string): void {
  const doc = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
  doc.weightsSha256 = createHash('sha256').update(readFileSync(weights)).digest('hex');
  writeFileSync(json, JSON.stringify(doc));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

test('round trip through a base path: architecture, weights (bit-exact) and metadata', () => {
  const dir = tempDir();
  const m = mlp();
  const paths = saveModel(join(dir, 'xor'), m);
  assert.deepEqual(paths, { weights: join(dir, 'xor.safetensors'), json: join(dir, 'xor.json') });
  assert.deepEqual(listDir(dir), ['xor.json', 'xor.safetensors']);
  const back = loadModelFiles(join(dir, 'xor'));
  assert.deepEqual(back.architecture, m.architecture);
  assert.deepEqual(back.metadata, m.metadata);
  assert.deepEqual(Object.keys(back.stateDict), Object.keys(m.stateDict));
  for (const [k, t] of Object.entries(m.stateDict)) assertSameTensor(back.stateDict[k], t, k);
  // either file's name works as the base too
  assert.deepEqual(Object.keys(loadModelFiles(join(dir, 'xor.json')).stateDict), Object.keys(m.stateDict));
  assert.deepEqual(Object.keys(loadModelFiles(join(dir, 'xor.safetensors')).stateDict), Object.keys(m.stateDict));
});

test('a directory gets model.safetensors + model.json; a trailing slash makes a new directory', () => {
  const dir = tempDir();
  saveModel(dir, mlp());
  assert.deepEqual(listDir(dir), ['model.json', 'model.safetensors']);
  assert.equal(Object.keys(loadModelFiles(dir).stateDict).length, 4);
  const fresh = join(dir, 'nested', 'out') + '/';
  const paths = saveModel(fresh, mlp());
  assert.equal(paths.weights, join(dir, 'nested', 'out', 'model.safetensors'));
  assert.equal(Object.keys(loadModelFiles(join(dir, 'nested', 'out')).stateDict).length, 4);
  assert.deepEqual(modelPaths('/x/y.safetensors'), { weights: '/x/y.safetensors', json: '/x/y.json' });
});

test('the JSON names the format, its version and every parameter with its shape; the weights are plain safetensors', () => {
  const dir = tempDir();
  const { json, weights } = saveModel(join(dir, 'm'), mlp());
  const doc = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
  assert.equal(doc.format, 'backprop.model');
  assert.equal(doc.formatVersion, 2);
  assert.equal(doc.weightsSha256, createHash('sha256').update(readFileSync(weights)).digest('hex'));
  assert.deepEqual(doc.parameters, [
    { name: '0.weight', shape: [4, 3] }, { name: '0.bias', shape: [4] }, { name: '2.weight', shape: [2, 4] }, { name: '2.bias', shape: [2] },
  ]);
  const st = loadSafetensors(weights);
  assert.deepEqual(Object.keys(st.tensors), ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.deepEqual(st.metadata, { format: 'pt' });
});

test('what JSON would silently change is refused before any file is written', () => {
  const dir = tempDir();
  const base = join(dir, 'm');
  const cases: [Partial<ModelFiles>, RegExp][] = [
    [{ metadata: { loss: NaN } }, /metadata\.loss is NaN; JSON cannot hold NaN/],
    [{ architecture: { layers: [1, undefined] } }, /architecture\.layers\[1\] is undefined/],
    [{ architecture: { init: () => 0 } }, /architecture\.init is a function/],
    [{ architecture: undefined }, /architecture is missing/],
    [{ stateDict: { w: 1 as unknown as Tensor } }, /stateDict\["w"\] is number 1, not a Tensor/],
    [{ metadata: [1] as unknown as Record<string, unknown> }, /metadata must be an object/],
  ];
  for (const [patch, pattern] of cases) {
    assert.throws(() => saveModel(base, { ...mlp(), ...patch }), (e: unknown) => e instanceof ValueError && pattern.test(e.message), String(pattern));
  }
  assert.deepEqual(listDir(dir), []);
});

test('a parameter missing from the weights is named with its shape', () => {
  const dir = tempDir();
  const { weights, json } = saveModel(join(dir, 'm'), mlp());
  const { tensors } = loadSafetensors(weights);
  delete tensors['2.bias'];
  saveSafetensors(weights, tensors);
  resign(json, weights);
  throwsFormat(() => loadModelFiles(join(dir, 'm')), new RegExp(`^${escape(json)}: parameter "2\\.bias" \\(shape \\[2\\] here\\) is missing from ${escape(weights)}`));
});

test('a shape that differs between the JSON and the weights is named with both shapes', () => {
  const dir = tempDir();
  const { weights, json } = saveModel(join(dir, 'm'), mlp());
  const { tensors } = loadSafetensors(weights);
  tensors['0.weight'] = randn([3, 4]);
  saveSafetensors(weights, tensors);
  resign(json, weights);
  throwsFormat(() => loadModelFiles(join(dir, 'm')), /parameter "0\.weight" has shape \[4, 3\] here but \[3, 4\] in .*m\.safetensors/);
});

test('a tensor in the weights that the JSON does not list is refused', () => {
  const dir = tempDir();
  const { weights, json } = saveModel(join(dir, 'm'), mlp());
  const { tensors } = loadSafetensors(weights);
  tensors.extra = tensor([1, 2, 3]);
  saveSafetensors(weights, tensors);
  resign(json, weights);
  throwsFormat(() => loadModelFiles(join(dir, 'm')), /m\.safetensors holds "extra" \(shape \[3\]\), which the parameter list here does not name/);
});

test('weights replaced or damaged after saving are refused by the checksum, naming the weights file', () => {
  const dir = tempDir();
  const { weights, json } = saveModel(join(dir, 'm'), mlp());
  const good = readFileSync(weights);
  for (const at of [0, 100, good.length - 1]) {
    const bad = Uint8Array.from(good);
    bad[at] ^= 0x10;
    writeFileSync(weights, bad);
    throwsFormat(() => loadModelFiles(join(dir, 'm')), new RegExp(`^${escape(weights)}: checksum mismatch: .* but ${escape(json)} records [0-9a-f]{64}`));
  }
  // Replaced on purpose (e.g. fine-tuned in PyTorch): loads once the JSON records the new digest.
  writeFileSync(weights, good);
  const st = loadSafetensors(weights).tensors;
  st['2.bias'] = tensor([5, 6]);
  saveSafetensors(weights, st);
  throwsFormat(() => loadModelFiles(join(dir, 'm')), /checksum mismatch/);
  resign(json, weights);
  assert.deepEqual(loadModelFiles(join(dir, 'm')).stateDict['2.bias'].toArray(), [5, 6]);
});

test('format 1 files (save id instead of a digest) still load, and a torn format-1 pair is still recognised', () => {
  const dir = tempDir();
  const base = join(dir, 'm');
  const m = mlp();
  const v1 = (saveId: string): void => {
    saveSafetensors(`${base}.safetensors`, m.stateDict, { format: 'pt', 'backprop.save_id': saveId });
    const parameters = Object.entries(m.stateDict).map(([name, t]) => ({ name, shape: [...t.shape] }));
    writeFileSync(`${base}.json`, JSON.stringify({ format: 'backprop.model', formatVersion: 1, saveId: 'aaaa', architecture: m.architecture, parameters, metadata: m.metadata }));
  };
  v1('aaaa');
  const back = loadModelFiles(base);
  for (const [k, t] of Object.entries(m.stateDict)) assertSameTensor(back.stateDict[k], t, k);
  assert.deepEqual(back.metadata, m.metadata);
  v1('bbbb');
  throwsFormat(() => loadModelFiles(base), /m\.json and .*m\.safetensors come from different saves \(save id aaaa vs bbbb\)/);
  // Saving over a format-1 pair writes format 2.
  saveModel(base, m);
  assert.equal((JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { formatVersion: number }).formatVersion, 2);
  assert.equal(Object.keys(loadModelFiles(base).stateDict).length, 4);
});

test('a broken or foreign JSON file is refused by name', () => {
  const dir = tempDir();
  const base = join(dir, 'm');
  const { json } = saveModel(base, mlp());
  const good = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
  const cases: [string, RegExp][] = [
    ['{"format": ', /not valid JSON/],
    ['[]', /expected a JSON object, got an array/],
    [JSON.stringify({ ...good, format: 'keras' }), /not a backprop model file \("format" is "keras"/],
    [JSON.stringify({ ...good, formatVersion: 3 }), /written by a newer backprop \(model format 3/],
    [JSON.stringify({ ...good, weightsSha256: undefined }), /"weightsSha256" must be the 64 hex digits of the weights' SHA-256, got nothing/],
    [JSON.stringify({ ...good, weightsSha256: 12 }), /"weightsSha256" must be the 64 hex digits .*, got 12/],
    [JSON.stringify({ ...good, formatVersion: 1 }), /"weightsSha256" appears in a format 1 file/],
    [JSON.stringify({ ...good, saveId: 7 }), /"saveId" must be a string, got number 7/],
    [JSON.stringify({ ...good, extra: true }), /unknown field "extra"/],
    [JSON.stringify({ ...good, architecture: 'mlp' }), /"architecture" must be a module config \(an object with a string "type"\), got a string/],
    [JSON.stringify({ ...good, architecture: { type: 3 } }), /"architecture" must be a module config/],
    [JSON.stringify({ ...good, metadata: { nested: JSON.parse('['.repeat(300) + ']'.repeat(300)) as unknown } }), /the file nests 302 levels deep; at most 256 are allowed/],
    [JSON.stringify({ ...good, parameters: [{ name: 'w', shape: [2, 2147483648] }] }), /parameter "w": shape \[2, 2147483648\] has 4\.295e\+9 elements, more than/],
    [JSON.stringify({ ...good, formatVersion: '1' }), /"formatVersion" must be a whole number/],
    [JSON.stringify({ ...good, architecture: undefined }), /"architecture" is missing/],
    [JSON.stringify({ ...good, parameters: {} }), /"parameters" must be a list of \{name, shape\}/],
    [JSON.stringify({ ...good, parameters: [{ shape: [1] }] }), /parameters\[0\] must be \{name, shape\}/],
    [JSON.stringify({ ...good, parameters: [{ name: 'w', shape: [-1] }] }), /parameter "w": shape must be a list of whole numbers/],
    [JSON.stringify({ ...good, parameters: [...(good.parameters as unknown[]), (good.parameters as unknown[])[0]] }), /parameter "0\.weight" is listed twice/],
    [JSON.stringify({ ...good, metadata: 3 }), /"metadata" must be an object/],
  ];
  for (const [text, pattern] of cases) {
    writeFileSync(json, text);
    throwsFormat(() => loadModelFiles(base), new RegExp(`^${escape(json)}: `), pattern);
  }
});

test('a missing file is reported by the file system, not mistaken for a format problem', () => {
  const dir = tempDir();
  assert.throws(() => loadModelFiles(join(dir, 'nothing')), (e: unknown) => e instanceof FileAccessError && e.code === 'ENOENT' && /nothing\.json: cannot read the file \(no such file\)/.test(e.message));
  mkdirSync(join(dir, 'half'));
  saveModel(join(dir, 'half'), mlp());
  writeFileSync(join(dir, 'half', 'model.safetensors'), new Uint8Array(4));
  throwsFormat(() => loadModelFiles(join(dir, 'half')), /model\.safetensors: checksum mismatch/);
  resign(join(dir, 'half', 'model.json'), join(dir, 'half', 'model.safetensors'));
  throwsFormat(() => loadModelFiles(join(dir, 'half')), /model\.safetensors: file is 4 bytes long/);
  rmSync(join(dir, 'half', 'model.safetensors'));
  assert.throws(() => loadModelFiles(join(dir, 'half')), (e: unknown) => e instanceof FileAccessError && e.code === 'ENOENT' && /model\.safetensors: cannot read the file/.test(e.message));
  assert.ok(existsSync(join(dir, 'half', 'model.json')));
});
