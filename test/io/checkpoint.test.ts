// Checkpoints: everything comes back exactly, a failed or killed save never costs the previous checkpoint, damage is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Adam, FileFormatError, Tensor, ValueError, getRngState, manualSeed, mlp, randn, tensor, zeros } from '../../src/index.js';
import {
  decodeCheckpoint, decodeSafetensors, encodeCheckpoint, encodeSafetensors, loadCheckpoint, saveCheckpoint,
  type Checkpoint, type AtomicWriteStep,
} from '../../src/io/index.js';
import { assertSameTensor, bitsOf, f32FromBits, listDir, tempDir, throwsFormat } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sample(epoch = 3): Checkpoint {
  manualSeed(42);
  const m = randn([2, 3]).data as Float32Array;
  return {
    model: { 'fc1.weight': randn([4, 3]), 'fc1.bias': randn([4]), 'fc2.weight': randn([2, 4]) },
    optimizer: {
      type: 'Adam',
      lr: 1e-3,
      betas: [0.9, 0.999],
      step: 17,
      state: {
        'fc1.weight': { m, v: new Float32Array([1, 2, 3]), shaped: randn([2, 2]) },
        'fc1.bias': { m, v: f32FromBits([0x7fa00001, 0x80000000, 0x00000001]) }, // the same m again, shared
      },
    },
    epoch,
    step: 170,
    rng: getRngState(),
    history: { loss: [2.3, 1.1, NaN, Infinity, -Infinity, -0], accuracy: [0.1, 0.5], note: null },
    extra: { $ref: 'user key starting with $', nested: { $$double: true, $number: 'not a tag' }, flag: false, list: [[1], []] },
  };
}

test('round trip: model, optimiser buffers, epoch, step, RNG state, history and extra come back exactly', () => {
  const dir = tempDir();
  const path = join(dir, 'ckpt.safetensors');
  const ckpt = sample();
  saveCheckpoint(path, ckpt);
  const back = loadCheckpoint(path);
  assert.deepEqual(Object.keys(back.model), Object.keys(ckpt.model));
  for (const [k, t] of Object.entries(ckpt.model)) assertSameTensor(back.model[k], t, k);
  assert.equal(back.epoch, 3);
  assert.equal(back.step, 170);
  assert.deepEqual(back.rng, ckpt.rng);

  const opt = back.optimizer as { type: string; lr: number; betas: number[]; step: number; state: Record<string, { m: Float32Array; v: Float32Array; shaped?: Tensor }> };
  assert.equal(opt.type, 'Adam');
  assert.equal(opt.lr, 1e-3);
  assert.deepEqual(opt.betas, [0.9, 0.999]);
  assert.equal(opt.step, 17);
  const srcState = (ckpt.optimizer as typeof opt).state;
  for (const key of ['fc1.weight', 'fc1.bias']) {
    assert.ok(opt.state[key].m instanceof Float32Array);
    assert.deepEqual(bitsOf(opt.state[key].m), bitsOf(srcState[key].m));
    assert.deepEqual(bitsOf(opt.state[key].v), bitsOf(srcState[key].v));
  }
  assert.equal(opt.state['fc1.weight'].m, opt.state['fc1.bias'].m, 'a buffer shared when saved is shared when loaded');
  assert.ok(opt.state['fc1.weight'].shaped instanceof Tensor);
  assertSameTensor(opt.state['fc1.weight'].shaped, srcState['fc1.weight'].shaped as Tensor, 'shaped');

  const h = back.history as { loss: number[]; accuracy: number[]; note: null };
  assert.deepEqual(h.loss.slice(0, 2), [2.3, 1.1]);
  assert.ok(Number.isNaN(h.loss[2]));
  assert.deepEqual(h.loss.slice(3, 5), [Infinity, -Infinity]);
  assert.ok(Object.is(h.loss[5], -0));
  assert.deepEqual(h.accuracy, [0.1, 0.5]);
  assert.equal(h.note, null);
  assert.deepEqual(back.extra, ckpt.extra);
});

test('minimal checkpoint (model and epoch only) leaves the optional fields out', () => {
  const back = decodeCheckpoint(encodeCheckpoint({ model: { w: tensor([1]) }, epoch: 0 }));
  assert.deepEqual(Object.keys(back).sort(), ['epoch', 'model']);
  assert.equal(back.epoch, 0);
});

test('the file is plain safetensors: model.* and optim.* tensors, JSON in __metadata__', () => {
  const bytes = encodeCheckpoint(sample());
  const { tensors, metadata } = decodeSafetensors(bytes);
  assert.deepEqual(Object.keys(tensors), [
    'model.fc1.weight', 'model.fc1.bias', 'model.fc2.weight',
    'optim.state.fc1.weight.m', 'optim.state.fc1.weight.v', 'optim.state.fc1.weight.shaped', 'optim.state.fc1.bias.v',
  ]);
  assert.deepEqual(tensors['optim.state.fc1.weight.shaped'].shape, [2, 2]);
  assert.equal(metadata.format, 'backprop.checkpoint');
  assert.equal(metadata.format_version, '1');
  assert.equal(metadata.epoch, '3');
  assert.match(metadata.sha256, /^[0-9a-f]{64}$/);
  const opt = JSON.parse(metadata.optimizer) as { state: Record<string, Record<string, unknown>> };
  assert.deepEqual(opt.state['fc1.bias'], { m: { $f32: 'optim.state.fc1.weight.m' }, v: { $f32: 'optim.state.fc1.bias.v' } });
  assert.deepEqual(JSON.parse(metadata.extra).$$ref, 'user key starting with $');
});

test('model tensors stored as float64 come back as float32; tensor names that collide get a suffix', () => {
  const ckpt: Checkpoint = {
    model: { w: new Tensor(Float64Array.from([0.1]), [1]) },
    optimizer: { 'a.b': new Float32Array([1]), a: { b: new Float32Array([2]) } },
    epoch: 1,
  };
  const { tensors } = decodeSafetensors(encodeCheckpoint(ckpt));
  assert.deepEqual(Object.keys(tensors).filter((k) => k.startsWith('optim.')), ['optim.a.b', 'optim.a.b#2']);
  const back = decodeCheckpoint(encodeCheckpoint(ckpt));
  assert.equal(back.model.w.data[0], Math.fround(0.1));
  assert.deepEqual(back.optimizer, { 'a.b': new Float32Array([1]), a: { b: new Float32Array([2]) } });
});

test('objects with toJSON() are saved through it', () => {
  class History {
    constructor(readonly loss: number[]) {}
    toJSON(): unknown {
      return { loss: this.loss };
    }
  }
  const back = decodeCheckpoint(encodeCheckpoint({ model: {}, epoch: 2, history: new History([1, 2]) }));
  assert.deepEqual(back.history, { loss: [1, 2] });
});

test('values a checkpoint cannot hold are refused before anything is written', () => {
  const dir = tempDir();
  const path = join(dir, 'c.safetensors');
  const bad: [string, Partial<Checkpoint>, RegExp][] = [
    ['negative epoch', { epoch: -1 }, /epoch must be a whole number ≥ 0, got number -1/],
    ['fractional epoch', { epoch: 1.5 }, /epoch must be a whole number/],
    ['NaN step', { step: NaN }, /step must be a whole number/],
    ['short rng', { rng: [1, 2, 3] }, /rng must be four 32-bit unsigned integers/],
    ['rng out of range', { rng: [1, 2, 3, 2 ** 32] }, /rng must be four/],
    ['non-tensor in model', { model: { w: [1, 2] as unknown as Tensor } }, /model\["w"\] is an array, not a Tensor/],
    ['Float64Array in optimiser', { optimizer: { m: new Float64Array(2) } }, /optimizer\.m is a Float64Array; a checkpoint stores buffers as Float32Array or Tensor/],
    ['Map in history', { history: { m: new Map() } }, /history\.m is a Map/],
    ['function in extra', { extra: { f: () => 1 } }, /extra\.f is a function/],
    ['bigint', { extra: [1n] }, /extra\[0\] is a bigint/],
    ['undefined in a list', { extra: [1, undefined] }, /extra\[1\] is undefined/],
  ];
  for (const [what, patch, pattern] of bad) {
    assert.throws(() => saveCheckpoint(path, { ...sample(), ...patch }), (e: unknown) => e instanceof ValueError && pattern.test(e.message), what);
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => saveCheckpoint(path, { model: {}, epoch: 0, extra: cyclic }), /extra\.self refers back to an enclosing value/);
  assert.equal(existsSync(path), false);
  assert.deepEqual(listDir(dir), []);
});

// ------------------------------------------------------------------ atomicity

test('a save that fails at any step leaves the previous checkpoint loadable and no temp file', () => {
  const dir = tempDir();
  const path = join(dir, 'ckpt.safetensors');
  saveCheckpoint(path, sample(1));
  const steps: AtomicWriteStep[] = ['open', 'write', 'fsync', 'close', 'rename'];
  for (const step of steps) {
    assert.throws(
      () => saveCheckpoint(path, sample(2), { onStep: (s) => { if (s === step) throw new Error(`crash at ${s}`); } }),
      new RegExp(`crash at ${step}`),
    );
    assert.equal(loadCheckpoint(path).epoch, 1, `old checkpoint intact after a failure at ${step}`);
    assert.deepEqual(listDir(dir), ['ckpt.safetensors'], `no temp file after a failure at ${step}`);
  }
  saveCheckpoint(path, sample(2));
  assert.equal(loadCheckpoint(path).epoch, 2);
});

test('a process killed mid-save (SIGKILL, no cleanup possible) still leaves the previous checkpoint whole', { skip: process.platform === 'win32' }, () => {
  const dir = tempDir();
  const path = join(dir, 'ckpt.safetensors');
  saveCheckpoint(path, sample(1));
  const before = readFileSync(path);
  const child = join(dir, 'child.mts');
  for (const step of ['write', 'rename'] as AtomicWriteStep[]) {
    writeFileSync(child, [
      `import { saveCheckpoint } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/io/index.ts')).href)};`,
      `import { randn } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/index.ts')).href)};`,
      `saveCheckpoint(${JSON.stringify(path)}, { model: { big: randn([256, 1024]) }, epoch: 99 }, {`,
      `  onStep: (s) => { if (s === ${JSON.stringify(step)}) process.kill(process.pid, 'SIGKILL'); },`,
      '});',
    ].join('\n'));
    const res = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', child], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(res.signal, 'SIGKILL', `child should die by SIGKILL at ${step}: ${res.stderr}`);
    assert.deepEqual(readFileSync(path), before, `checkpoint bytes unchanged after a kill at ${step}`);
    assert.equal(loadCheckpoint(path).epoch, 1);
  }
  // A killed process cannot remove its temp file; it is a dot-file next to the target, never the target.
  const leftovers = listDir(dir).filter((n) => n !== 'ckpt.safetensors' && n !== 'child.mts');
  for (const n of leftovers) assert.match(n, /^\.ckpt\.safetensors\.\d+\.[0-9a-f]+\.tmp$/);
});

// ------------------------------------------------------------------ damaged files

test('every truncation of a checkpoint is refused with a FileFormatError', () => {
  const bytes = encodeCheckpoint({ model: { w: tensor([[1, 2], [3, 4]]) }, optimizer: { m: new Float32Array([1, 2]) }, epoch: 5, history: { loss: [1] } });
  for (let n = 0; n < bytes.length; n++) {
    assert.throws(() => decodeCheckpoint(bytes.subarray(0, n), 'ckpt'), FileFormatError, `length ${n}`);
  }
});

test('every single flipped byte is refused (the checksum covers the whole file)', () => {
  const bytes = encodeCheckpoint({ model: { w: tensor([[1, 2], [3, 4]]) }, optimizer: { m: new Float32Array([1, 2]) }, epoch: 5 });
  for (let i = 0; i < bytes.length; i++) {
    const bad = bytes.slice();
    bad[i] ^= 0x04;
    assert.throws(() => decodeCheckpoint(bad, 'ckpt'), FileFormatError, `byte ${i}`);
  }
  // a flipped bit in the weights is caught by the checksum
  const bad = bytes.slice();
  bad[bad.length - 1] ^= 1;
  throwsFormat(() => decodeCheckpoint(bad, 'ckpt'), /^ckpt: checksum mismatch/);
});

test('a damaged checkpoint on disk is refused with a message naming the file', () => {
  const dir = tempDir();
  const path = join(dir, 'ckpt.safetensors');
  saveCheckpoint(path, sample());
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length - 100));
  throwsFormat(() => loadCheckpoint(path), new RegExp(`^${path.replace(/[.\\/]/g, '\\$&')}: `), /truncated/);
  writeFileSync(path, new Uint8Array(0));
  throwsFormat(() => loadCheckpoint(path), /0 bytes long/);
});

/** A checkpoint file with a hand-made metadata (and a valid checksum, so the metadata itself is what fails). */
function withMetadata(meta: Record<string, string>, tensors: Record<string, Tensor> = {}): Uint8Array {
  const placeholder = '0'.repeat(64);
  const bytes = encodeSafetensors(tensors, { format: 'backprop.checkpoint', format_version: '1', epoch: '1', ...meta, sha256: placeholder });
  const text = Buffer.from(bytes).toString('latin1');
  const at = text.indexOf(`"sha256":"${placeholder}"`) + 10;
  const hash = createHashHex(Buffer.concat([bytes.subarray(0, at), Buffer.from(placeholder), bytes.subarray(at + 64)]));
  bytes.set(Buffer.from(hash, 'latin1'), at);
  return bytes;
}

function createHashHex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

test('checkpoint metadata problems are named', () => {
  const cases: [Uint8Array, RegExp][] = [
    [encodeSafetensors({ w: tensor([1]) }), /not a backprop checkpoint \(metadata "format" is missing/],
    [encodeSafetensors({}, { format: 'pt' }), /metadata "format" is "pt", expected "backprop.checkpoint"/],
    [withMetadata({ format_version: '2' }), /written by a newer backprop \(checkpoint format 2/],
    [withMetadata({ format_version: 'x' }), /metadata "format_version" is "x"/],
    [encodeSafetensors({}, { format: 'backprop.checkpoint', format_version: '1', epoch: '1' }), /metadata "sha256" is missing/],
    [withMetadata({ epoch: '-1' }), /metadata "epoch" must be a whole number ≥ 0, got "-1"/],
    [withMetadata({ step: '1e3' }), /metadata "step" must be a whole number/],
    [withMetadata({ rng: '[1,2]' }), /metadata "rng" must be four 32-bit unsigned integers/],
    [withMetadata({ optimizer: '{"m": ' }), /metadata "optimizer" is not valid JSON/],
    [withMetadata({ optimizer: '{"m": {"$f32": "optim.m"}}' }), /optimizer\.m refers to tensor "optim\.m", which the file does not hold/],
    [withMetadata({ optimizer: '{"m": {"$f32": "optim.m"}}' }, { 'optim.m': tensor([[1]]) }), /tensor "optim.m" should be 1-D for a Float32Array but has shape \[1, 1\]/],
    [withMetadata({ optimizer: '{"m": {"$weird": 1}}' }), /optimizer\.m: unknown tag "\$weird"/],
    [withMetadata({ optimizer: '{"m": {"$number": "big"}}' }), /unknown \$number "big"/],
    [withMetadata({ optimizer: '{"m": {"$f32": "optim.m", "x": 1}}' }), /unexpected key "\$f32"/],
    [withMetadata({}, { 'optim.orphan': tensor([1]) }), /tensor "optim.orphan" is not referenced from metadata "optimizer"/],
    [withMetadata({}, { stray: tensor([1]) }), /tensor "stray" belongs to no part of a checkpoint/],
  ];
  cases.forEach(([bytes, pattern], i) => throwsFormat(() => decodeCheckpoint(bytes, `case${i}`), new RegExp(`^case${i}: `), pattern));
  // the hand-made valid one decodes
  assert.equal(decodeCheckpoint(withMetadata({ epoch: '7' })).epoch, 7);
});

/** Header length and body length of an MLP 784-hidden-10 checkpoint with one Adam step taken. */
function adamCheckpointSizes(hidden: number): { header: number; body: number; params: number; tensors: number } {
  manualSeed(0);
  const model = mlp([784, hidden, 10]);
  const opt = new Adam(model.parameters());
  for (const p of model.parameters()) p.grad = zeros([...p.shape]);
  opt.step();
  const bytes = encodeCheckpoint({ model: model.stateDict(), optimizer: opt.stateDict(), epoch: 1, step: 1 });
  const header = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const params = model.parameters().reduce((n, p) => n + p.size, 0);
  const { tensors } = decodeSafetensors(bytes);
  return { header, body: bytes.length - 8 - header, params, tensors: Object.keys(tensors).length };
}

test('Adam moments live in the body: the header does not grow with the number of parameters', () => {
  const narrow = adamCheckpointSizes(128);
  assert.equal(narrow.params, 101_770);
  // The body is exactly θ, m and v as float32: 3 × 4 bytes per parameter.
  assert.equal(narrow.body, 3 * 4 * narrow.params);
  // 4 model tensors + expAvg and expAvgSq for each of them.
  assert.equal(narrow.tensors, 12);
  // Ten times the hidden units: each tensor entry may gain one digit in each of its two offsets
  // and in one shape dimension, and alignment padding may add up to 7 bytes. Nothing more: no
  // number of the optimiser state is written into the header.
  const wide = adamCheckpointSizes(1280);
  assert.equal(wide.body, 3 * 4 * wide.params);
  assert.ok(wide.header - narrow.header <= narrow.tensors * 3 + 7, `header grew from ${narrow.header} to ${wide.header} bytes`);
});
