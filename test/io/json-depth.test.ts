// JSON nested deeper than MAX_JSON_DEPTH is refused with a typed error on load, and never written on save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ValueError, tensor } from '../../src/index.js';
import { MAX_JSON_DEPTH, jsonDepth } from '../../src/io/json.js';
import { decodeCheckpoint, decodeSafetensors, encodeCheckpoint, saveCheckpoint, saveModel } from '../../src/io/index.js';
import { rawSafetensors, resignCheckpoint, tempDir, throwsFormat } from './helpers.js';

const nested = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown;

test('jsonDepth counts brackets outside strings only', () => {
  assert.equal(MAX_JSON_DEPTH, 256);
  assert.equal(jsonDepth('1'), 0);
  assert.equal(jsonDepth('{"a":[1,{"b":[]}]}'), 4);
  assert.equal(jsonDepth('{"a":"[[[[\\"[["}'), 1);
  assert.equal(jsonDepth('[[],[[]],[]]'), 3);
});

test('a safetensors header nested too deeply is refused by name before it is parsed', () => {
  const header = `{"__metadata__":{"x":${'['.repeat(300)}${']'.repeat(300)}}}`;
  throwsFormat(() => decodeSafetensors(rawSafetensors(header), 'deep.safetensors'), /^deep\.safetensors: header nests 302 levels deep; at most 256 are allowed/);
});

test('a checkpoint whose metadata JSON nests too deeply is refused on load (checksum intact), and cannot be saved', () => {
  const bytes = encodeCheckpoint({ model: { w: tensor([1]) }, epoch: 0, history: 'H'.repeat(620) });
  const text = Buffer.from(bytes).toString('latin1');
  const deep = JSON.stringify(JSON.stringify(nested(300))).slice(1, -1); // as it sits inside the header string
  const at = text.indexOf(`\\"${'H'.repeat(620)}\\"`);
  assert.ok(at > 0 && deep.length <= 624);
  const edited = Buffer.from(text.slice(0, at) + deep.padEnd(624, ' ') + text.slice(at + 624), 'latin1');
  assert.ok(resignCheckpoint(edited));
  throwsFormat(() => decodeCheckpoint(edited, 'ck'), /^ck: metadata "history" nests 300 levels deep; at most 256 are allowed/);
  const dir = tempDir();
  assert.throws(() => saveCheckpoint(join(dir, 'c'), { model: {}, epoch: 0, history: nested(300) }), (e: unknown) => e instanceof ValueError && /nests too deeply \(a checkpoint holds at most 256 levels of JSON\)/.test(e.message));
  // the deepest history a checkpoint can save loads back
  const ok = nested(MAX_JSON_DEPTH - 1);
  assert.deepEqual(decodeCheckpoint(encodeCheckpoint({ model: {}, epoch: 0, history: ok })).history, ok);
});

test('a model whose metadata nests too deeply is refused before anything is written', () => {
  const dir = tempDir();
  assert.throws(
    () => saveModel(dir, { architecture: { type: 'Linear' }, stateDict: { w: tensor([1]) }, metadata: { deep: nested(300) } }),
    (e: unknown) => e instanceof ValueError && /metadata\.deep.* nests too deeply \(a file holds at most 256 levels of JSON\)/.test(e.message),
  );
});
