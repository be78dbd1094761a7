// Resuming from a checkpoint whose metadata fields fit reads (history, optimiser and schedule
// state, early-stopping memory, the partial epoch, epoch/step/RNG) were changed and re-signed:
// every resume either works or throws a BackpropError naming what was wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bp from '../../src/index.js';
import { Adam } from '../../src/optim/index.js';
import { assertAllTyped, fuzz, fuzzSeconds, mutate, rng, type FuzzTotals } from '../fuzz/mutate.js';

const dir = mkdtempSync(join(tmpdir(), 'bp-resume-fuzz-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

bp.manualSeed(100);
const data = { x: bp.randn([16, 2]), y: bp.tensor(Array.from({ length: 16 }, (_, i) => i % 2)) };
const validationData = { x: bp.randn([6, 2]), y: bp.tensor([0, 1, 0, 1, 0, 1]) };

/** A run with every part a checkpoint can carry: Adam, a schedule, early stopping, ‖∇‖ sums. */
function parts() {
  const model = bp.mlp([2, 3, 2]);
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new bp.StepLR(optimizer, { stepSize: 1, gamma: 0.9 });
  const options: bp.FitOptions = {
    loss: 'crossEntropy', optimizer, scheduler, batchSize: 4, metrics: ['accuracy'], validationData, progress: 'none',
    earlyStopping: { patience: 3 }, stop: { gradNorm: 1e-9 },
  };
  return { model, options };
}

/** A real checkpoint written by fit in the middle of epoch 2 (so it holds a partial epoch too). */
function realCheckpoint(): Uint8Array {
  const path = join(dir, 'seed.safetensors');
  bp.manualSeed(3);
  const { model, options } = parts();
  bp.fit(model, data, { ...options, epochs: 3, maxSteps: 6, checkpoint: { path } });
  return new Uint8Array(readFileSync(path));
}

/** The header (JSON) and the data section of a safetensors file. */
function split(bytes: Uint8Array): { header: Record<string, unknown> & { __metadata__: Record<string, string> }; body: Uint8Array } {
  const n = Number(Buffer.from(bytes.buffer, bytes.byteOffset, 8).readBigUInt64LE(0));
  return { header: JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8')), body: bytes.subarray(8 + n) };
}

/**
 * The file with metadata[field] = text, signed as src/io/checkpoint.ts signs it: SHA-256 of the
 * whole file with the 64 hex digits of "sha256" read as "0"s, then written in their place.
 */
function resign(base: Uint8Array, field: string, text: string): Uint8Array {
  const { header, body } = split(base);
  header.__metadata__[field] = text;
  header.__metadata__.sha256 = '0'.repeat(64);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + len + body.length);
  Buffer.from(out.buffer).writeBigUInt64LE(BigInt(len), 0);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + len);
  out.set(body, 8 + len);
  const digest = createHash('sha256').update(out).digest('hex');
  const at = Buffer.from(out.buffer).indexOf(`"sha256":"${'0'.repeat(64)}"`, 8, 'latin1') + '"sha256":"'.length;
  out.set(Buffer.from(digest, 'latin1'), at);
  return out;
}

let resumes = 0;
/** Writes the bytes and resumes a fresh run from them for up to 2 more epochs, saving a checkpoint again. */
function resume(bytes: Uint8Array): bp.History {
  const path = join(dir, 'mutant.safetensors');
  writeFileSync(path, bytes);
  bp.manualSeed(resumes++);
  const { model, options } = parts();
  const epoch = Number(split(bytes).header.__metadata__.epoch);
  const epochs = Number.isSafeInteger(epoch) && epoch >= 0 && epoch < 3 ? epoch + 2 : 3;
  return bp.fit(model, data, { ...options, epochs, resumeFrom: path, checkpoint: { path: join(dir, 'again.safetensors') } });
}

const base = realCheckpoint();
const FIELDS = ['history', 'extra', 'optimizer', 'epoch', 'step', 'rng'] as const;

test('the unmutated checkpoint, re-signed by the test, resumes (the re-signing is what checkpoint.ts expects)', () => {
  const meta = split(base).header.__metadata__;
  for (const f of ['history', 'extra', 'optimizer']) assert.ok(meta[f]?.length > 10, `the seed checkpoint holds ${f}`);
  assert.ok(JSON.parse(meta.extra).partial, 'the seed checkpoint holds a partial epoch');
  assert.ok(JSON.parse(meta.extra).earlyStopping, 'the seed checkpoint holds early-stopping memory');
  const h = resume(resign(base, 'history', meta.history));
  assert.equal(h.stopReason, 'epochs');
  assert.equal(h.epochs.length, 3, 'epoch 2 finished and epoch 3 run');
});

test('fields of the wrong shape are refused with a FileFormatError naming the field', () => {
  const meta = split(base).header.__metadata__;
  const history = JSON.parse(meta.history);
  const extra = JSON.parse(meta.extra);
  const optim = JSON.parse(meta.optimizer);
  const cases: [string, unknown, RegExp][] = [
    ['history', { ...history, epochs: 3 }, /checkpoint field history.epochs must be a list of per-epoch logs, got 3/],
    ['history', { ...history, epochs: [null] }, /history.epochs\[0\] must be an object of numbers, got null/],
    ['history', { ...history, epochs: [{ loss: 'low' }] }, /history.epochs\[0\].loss must be a number, got "low"/],
    ['history', { ...history, steps: -2 }, /history.steps must be a whole number ≥ 0, got -2/],
    ['history', [], /checkpoint field history must be an object \{epochs, steps\}, got a list of 0/],
    ['extra', { ...extra, partial: 'x' }, /checkpoint field extra.partial must be an object, got "x"/],
    ['extra', { ...extra, partial: { ...extra.partial, batch: 99 } }, /extra.partial.batch must be at most the 4 batches an epoch of this data has/],
    ['extra', { ...extra, partial: { ...extra.partial, rngAtEpochStart: [0, 0, 0, 0] } }, /extra.partial.rngAtEpochStart must be a generator state/],
    ['extra', { ...extra, partial: { ...extra.partial, gradSum: [[1]] } }, /extra.partial.gradSum must hold one list of numbers per parameter/],
    // (every tensor the file holds must stay referenced, so the lists keep their entries)
    ['extra', { ...extra, earlyStopping: { ...extra.earlyStopping, best: [...extra.earlyStopping.best, extra.earlyStopping.best[0]] } }, /extra.earlyStopping.best must be a list of 4 tensors \(one per parameter\), got a list of 5/],
    ['extra', { ...extra, earlyStopping: { ...extra.earlyStopping, best: [...extra.earlyStopping.best].reverse() } }, /extra.earlyStopping.best\[0\] must be a tensor of 6 values, got a tensor of 2 values/],
    ['extra', { ...extra, earlyStopping: { ...extra.earlyStopping, sinceBest: 'x' } }, /extra.earlyStopping.sinceBest must be a whole number ≥ 0/],
    ['optimizer', { ...optim, state: { 0: null } }, /tensor "optim.state.0.expAvg" is not referenced from metadata "optimizer"/],
    ['optimizer', { ...optim, paramGroups: [1] }, /optimizer.paramGroups must be a list of objects/],
  ];
  for (const [field, value, re] of cases) {
    assert.throws(() => resume(resign(base, field, JSON.stringify(value))), (e: unknown) => {
      assert.ok(e instanceof bp.FileFormatError, `${field} = ${JSON.stringify(value).slice(0, 80)}: ${(e as Error).constructor.name}: ${(e as Error).message}`);
      assert.match((e as Error).message, re);
      assert.match((e as Error).message, /mutant\.safetensors/, 'the error names the file');
      return true;
    });
  }
});

// ------------------------------------------------------------------ fuzzing

/** A value of another kind, to put where a field was: the type confusions a hand edit or a bug makes. */
function oddValue(r: () => number, donor: unknown): unknown {
  const odd: unknown[] = [null, true, 'x', '', 0, -1, 1.5, 2 ** 53, 1e308, -1e308, [], {}, [1, 2, 3], [[]], { $number: 'NaN' }, { $number: 'Infinity' }, { $f32: 'model.layers.0.weight' }, { $tensor: 'model.layers.0.bias' }, { $tensor: 'nope' }, donor];
  return odd[Math.floor(r() * odd.length)];
}

/** Every node of a JSON value with a setter and a remover. */
function nodes(v: unknown, out: { get: () => unknown; set: (x: unknown) => void; remove: () => void }[] = []) {
  if (v !== null && typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      out.push({
        get: () => obj[k],
        set: (x) => (obj[k] = x),
        remove: Array.isArray(obj) ? () => (obj as unknown[]).splice(Number(k), 1) : () => delete obj[k],
      });
      nodes(obj[k], out);
    }
  }
  return out;
}

/** 1–3 structural edits of the JSON text: a node replaced by an odd value, removed, or swapped with another. */
function mutateJson(text: string, r: () => number): string {
  const root = { v: JSON.parse(text) as unknown };
  const edits = 1 + Math.floor(r() * 3);
  for (let e = 0; e < edits; e++) {
    const all = nodes(root);
    const pick = all[Math.floor(r() * all.length)];
    const other = all[Math.floor(r() * all.length)];
    const kind = r();
    if (kind < 0.6) pick.set(oddValue(r, structuredClone(other.get())));
    else if (kind < 0.85 && pick !== all[0]) pick.remove!();
    else pick.set(structuredClone(other.get()));
  }
  return JSON.stringify(root.v);
}

/** Runs `load` on `make(r)` for the fuzz time and returns totals like fuzz() does. */
function fuzzStructured(name: string, make: (r: () => number) => Uint8Array): FuzzTotals {
  const r = rng(11);
  const totals: FuzzTotals = { name, tried: 0, loaded: 0, typedErrors: 0, untyped: [] };
  const deadline = Date.now() + 1000 * fuzzSeconds();
  while (totals.tried < 100 || Date.now() < deadline) {
    totals.tried++;
    const input = make(r);
    try {
      resume(input);
      totals.loaded++;
    } catch (e) {
      if (e instanceof bp.BackpropError) totals.typedErrors++;
      else totals.untyped.push({ input: totals.tried, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e) });
    }
  }
  return totals;
}

test('fuzz: resuming from checkpoints whose metadata JSON was changed structurally and re-signed throws only BackpropErrors', () => {
  const meta = split(base).header.__metadata__;
  const t = fuzzStructured('resume (structural JSON edits, re-signed)', (r) => {
    const field = FIELDS[Math.floor(r() * 3)]; // history, extra, optimizer
    return resign(base, field, mutateJson(meta[field], r));
  });
  assertAllTyped(t);
  assert.ok(t.loaded > 0 && t.typedErrors > 0, 'some mutants resume and some are refused');
});

test('fuzz: resuming from checkpoints whose metadata bytes were mutated and re-signed throws only BackpropErrors', () => {
  const meta = split(base).header.__metadata__;
  const seeds = FIELDS.map((f) => Buffer.from(`${f}\n${meta[f]}`, 'utf8'));
  const t = fuzz('resume (metadata bytes mutated, re-signed)', seeds, (bytes) => {
    const text = Buffer.from(bytes).toString('utf8');
    const nl = text.indexOf('\n');
    const field = FIELDS.find((f) => text.slice(0, Math.max(0, nl)) === f) ?? 'history';
    return resume(resign(base, field, text.slice(nl + 1)));
  }, { seed: 5, minInputs: 100 });
  assertAllTyped(t);
});

test('mutate() and the re-signing are deterministic (same seed, same mutants)', () => {
  const a = mutate(base.subarray(0, 64), rng(1));
  const b = mutate(base.subarray(0, 64), rng(1));
  assert.deepEqual(a, b);
});
