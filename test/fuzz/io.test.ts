// Fuzzing the loaders: every mutant of a valid file (safetensors, checkpoint, model.json, model
// weights) loads or throws a BackpropError, never anything else; re-signed variants recompute the
// checksum after mutating, so the mutation reaches the validation behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Adam, getRngState, loadModule, manualSeed, mlp, saveModule, tensor, zeros, type Module } from '../../src/index.js';
import { decodeCheckpoint, decodeSafetensors, encodeCheckpoint, encodeSafetensors } from '../../src/io/index.js';
import type { OptimizerStateDictInput } from '../../src/optim/index.js';
import { rawSafetensors, resignCheckpoint, tempDir } from '../io/helpers.js';
import { assertAllTyped, fuzz, rng } from './mutate.js';

/** An input taking longer than this counts as a hang (a guard against endless loops, not a timing test). */
const HANG_MS = 10_000;

/** Runs the fuzzer over `load`, counting hangs, prints the totals and fails on any untyped error or hang. */
function run(name: string, seeds: Uint8Array[], load: (bytes: Uint8Array) => unknown, seed: number): void {
  let hangs = 0;
  const totals = fuzz(name, seeds, (bytes) => {
    const t0 = Date.now();
    try {
      return load(bytes);
    } finally {
      if (Date.now() - t0 > HANG_MS) hangs++;
    }
  }, { seed });
  assertAllTyped(totals);
  console.log(`fuzz ${name}: ${hangs} hangs`);
  assert.equal(hangs, 0, `${name}: ${hangs} inputs took more than ${HANG_MS} ms`);
  assert.ok(totals.loaded + totals.typedErrors === totals.tried);
}

function smallModel(): { model: Module; opt: Adam } {
  manualSeed(5);
  const model = mlp([3, 4, 2]);
  const opt = new Adam(model.parameters(), { lr: 0.01, amsgrad: true });
  return { model, opt };
}

/** Resumes a run from a decoded checkpoint as fit does: model weights, then optimiser state. */
function resume(bytes: Uint8Array): void {
  const ck = decodeCheckpoint(bytes, 'fuzz.ckpt');
  const { model, opt } = smallModel();
  model.loadStateDict(ck.model);
  if (ck.optimizer !== undefined) opt.loadStateDict(ck.optimizer as unknown as OptimizerStateDictInput);
}

function checkpointSeeds(): Uint8Array[] {
  const { model, opt } = smallModel();
  const fresh = encodeCheckpoint({ model: model.stateDict(), optimizer: opt.stateDict(), epoch: 0 });
  for (const p of model.parameters()) p.grad = tensor(Array.from(p.data, (x) => x / 2)).reshape([...p.shape]);
  opt.step();
  const stepped = encodeCheckpoint({
    model: model.stateDict(), optimizer: opt.stateDict(), epoch: 3, step: 12, rng: getRngState(),
    history: { loss: [1.5, 0.25, NaN], accuracy: [0.5, 0.75, 1] }, extra: { scheduler: { lastEpoch: 3, baseLrs: [0.01] }, buf: new Float32Array([1, -0]) },
  });
  return [fresh, stepped];
}

function safetensorsSeeds(): Uint8Array[] {
  const plain = encodeSafetensors({ a: tensor([[1, 2], [3, 4]]), b: zeros([0, 3]), c: tensor(7) }, { note: 'seed' });
  // Other dtypes, by hand: F16 [1, -2], I64 [5], BOOL [1, 0, 1].
  const mixed = rawSafetensors({
    h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
    i: { dtype: 'I64', shape: [1], data_offsets: [4, 12] },
    t: { dtype: 'BOOL', shape: [3], data_offsets: [12, 15] },
  }, [0x00, 0x3c, 0x00, 0xc0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
  return [plain, mixed, checkpointSeeds()[1]];
}

/** A folder holding a saved small model; its JSON text and weights bytes. */
function modelFolder(): { dir: string; json: Uint8Array; weights: Uint8Array } {
  const dir = tempDir();
  manualSeed(9);
  saveModule(mlp([3, 4, 2], { activation: 'tanh' }), dir, { classes: ['a', 'b'], config: { epochs: 2 } });
  return { dir, json: readFileSync(join(dir, 'model.json')), weights: readFileSync(join(dir, 'model.safetensors')) };
}

/** The model JSON with its weights digest set to that of `weights`. */
function resignedJson(json: Uint8Array, weights: Uint8Array): string {
  const doc = JSON.parse(Buffer.from(json).toString('utf8')) as Record<string, unknown>;
  doc.weightsSha256 = createHash('sha256').update(weights).digest('hex');
  return JSON.stringify(doc);
}

test('fuzz: safetensors bytes', () => {
  run('safetensors', safetensorsSeeds(), (b) => decodeSafetensors(b, 'fuzz.safetensors'), 11);
});

test('fuzz: checkpoints (the checksum refuses what it covers)', () => {
  run('checkpoint', checkpointSeeds(), resume, 12);
});

test('fuzz: checkpoints re-signed after mutation, resumed into a model and optimiser', () => {
  run('checkpoint re-signed', checkpointSeeds(), (b) => {
    resignCheckpoint(b);
    resume(b);
  }, 13);
});

test('fuzz: model.json, loaded and built into a module', () => {
  const { dir, json } = modelFolder();
  run('model.json', [json], (b) => {
    writeFileSync(join(dir, 'model.json'), b);
    return loadModule(dir);
  }, 14);
});

test('fuzz: model weights (the digest in model.json refuses them)', () => {
  const { dir, weights } = modelFolder();
  run('model weights', [weights], (b) => {
    writeFileSync(join(dir, 'model.safetensors'), b);
    return loadModule(dir);
  }, 15);
});

test('fuzz: model weights re-signed in model.json, loaded and built into a module', () => {
  const { dir, json, weights } = modelFolder();
  run('model weights re-signed', [weights], (b) => {
    writeFileSync(join(dir, 'model.safetensors'), b);
    writeFileSync(join(dir, 'model.json'), resignedJson(json, b));
    return loadModule(dir);
  }, 16);
});

/** Values a hand-edited or forged model.json might hold where something else belongs. */
const ODD_VALUES: unknown[] = [
  -1, 0, 1, 2.5, 1e9, 2 ** 31, 2 ** 53, -0, '', 'Linear', 'x', true, false, null, [], {}, [[1]], { type: 'Linear' },
  { type: 'Sequential', layers: 'no' }, { type: 'Linear', inFeatures: 2 ** 30, outFeatures: 4 }, '__proto__', JSON.parse('{"__proto__": 1}') as unknown, JSON.parse('['.repeat(300) + ']'.repeat(300)) as unknown,
];

/** A copy of `doc` with one value somewhere inside replaced (or a key removed, or a list entry added). */
function mutateValue(doc: unknown, r: () => number): unknown {
  const copy = JSON.parse(JSON.stringify(doc)) as unknown;
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach((x, i) => { slots.push([v, i]); walk(x); });
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) { slots.push([v as Record<string, unknown>, k]); walk(x); }
  };
  walk(copy);
  const [holder, key] = slots[Math.floor(r() * slots.length)];
  const pick = ODD_VALUES[Math.floor(r() * ODD_VALUES.length)];
  const how = r();
  if (how < 0.1 && !Array.isArray(holder)) delete holder[key as string];
  else if (how < 0.2 && Array.isArray(holder)) holder.push(pick);
  else (holder as Record<string | number, unknown>)[key] = pick;
  return copy;
}

test('fuzz: model.json values replaced one at a time (structure-aware), loaded and built into a module', () => {
  const { dir, json } = modelFolder();
  const doc = JSON.parse(Buffer.from(json).toString('utf8')) as unknown;
  const r = rng(17);
  let current = doc;
  // Each input is a JSON text with one to three values changed; fuzz() adds byte mutations on top half the time.
  run('model.json values', [json], (b) => {
    current = r() < 0.3 ? doc : current;
    for (let k = 0, n = 1 + Math.floor(r() * 3); k < n; k++) current = mutateValue(current, r);
    const text = r() < 0.5 ? JSON.stringify(current) : Buffer.from(b).toString('utf8');
    writeFileSync(join(dir, 'model.json'), text);
    return loadModule(dir);
  }, 18);
});
