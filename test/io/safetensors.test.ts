// safetensors: exact layout, bit-exact round trips, PyTorch's files, and every malformed file refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileFormatError, Tensor, ValueError, manualSeed, randn, tensor, zeros, fromTypedArray } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors } from '../../src/io/index.js';
import { assertSameTensor, bitsOf, f32FromBits, listDir, rawSafetensors, tempDir, throwsFormat } from './helpers.js';

/** Float32 bit patterns a lossy writer would damage: NaN payloads, -0, infinities, subnormals, extremes. */
const SPECIAL_BITS = [
  0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x7fc00000, 0x7fa00001, 0xffc00123, 0x7f800000,
  0xff800000, 0x00000001, 0x007fffff, 0x80000005, 0x7f7fffff, 0x00800000, 0xff7fffff, 0x3dcccccd,
];

function specials(): Tensor {
  return fromTypedArray(f32FromBits(SPECIAL_BITS), [4, 4]);
}

test('encoder writes the documented layout: u64 LE header length, space-padded JSON, contiguous F32 data', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  const b = tensor([-1]);
  const bytes = encodeSafetensors({ a, b }, { note: 'hi' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  assert.equal(n % 8, 0, 'header padded to a multiple of 8');
  const text = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8');
  assert.match(text, /^\{.*\} *$/);
  assert.deepEqual(JSON.parse(text), {
    __metadata__: { note: 'hi' },
    a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
    b: { dtype: 'F32', shape: [1], data_offsets: [24, 28] },
  });
  assert.equal(bytes.length, 8 + n + 28);
  const data = Array.from({ length: 7 }, (_, i) => view.getFloat32(8 + n + 4 * i, true));
  assert.deepEqual(data, [1, 2, 3, 4, 5, 6, -1]);
});

test('round trip is bit-exact for float32: NaN payloads, -0, ±Infinity, subnormals, extremes', () => {
  manualSeed(1);
  const tensors = { specials: specials(), big: randn([3, 5, 7]), scalar: tensor(2.5), empty: zeros([0, 4]), vector: tensor([1e-45, -3e38]) };
  const back = decodeSafetensors(encodeSafetensors(tensors, { epoch: '3' }));
  assert.deepEqual(Object.keys(back.tensors), Object.keys(tensors));
  for (const [name, t] of Object.entries(tensors)) assertSameTensor(back.tensors[name], t, name);
  assert.deepEqual(bitsOf(back.tensors.specials), SPECIAL_BITS);
  assert.deepEqual(back.metadata, { epoch: '3' });
  assert.deepEqual(back.dtypes, { specials: 'F32', big: 'F32', scalar: 'F32', empty: 'F32', vector: 'F32' });
  assert.equal(back.tensors.big.requiresGrad, false);
});

test('no metadata, no tensors, subarray inputs and float64 tensors are handled', () => {
  const back = decodeSafetensors(encodeSafetensors({}));
  assert.deepEqual(back, { tensors: {}, metadata: {}, dtypes: {} });
  // a view into a larger buffer, at an odd byte offset of the file
  const inner = encodeSafetensors({ x: tensor([1, 2]) });
  const padded = new Uint8Array(inner.length + 3);
  padded.set(inner, 3);
  assert.deepEqual(decodeSafetensors(padded.subarray(3)).tensors.x.toArray(), [1, 2]);
  // float64 storage (gradcheck's) is written as F32, rounded
  const t64 = new Tensor(Float64Array.from([0.1, 1 / 3]), [2]);
  const got = decodeSafetensors(encodeSafetensors({ t64 })).tensors.t64;
  assert.deepEqual(Array.from(got.data), Array.from(Float32Array.from([0.1, 1 / 3])));
});

test('a tensor named __proto__ is data, not a prototype', () => {
  const tensors: Record<string, Tensor> = {};
  Object.defineProperty(tensors, '__proto__', { value: tensor([7]), enumerable: true });
  const back = decodeSafetensors(encodeSafetensors(tensors));
  assert.ok(Object.prototype.hasOwnProperty.call(back.tensors, '__proto__'));
  assert.equal(Object.getPrototypeOf(back.tensors), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(back.tensors, '__proto__')?.value.toArray(), [7]);
});

test('encoder refuses what the format cannot hold', () => {
  assert.throws(() => encodeSafetensors({ __metadata__: tensor([1]) }), ValueError);
  assert.throws(() => encodeSafetensors({ w: [1, 2] as unknown as Tensor }), /"w" is an array/);
  assert.throws(() => encodeSafetensors({}, { n: 3 as unknown as string }), /metadata "n" must be a string/);
});

test('saveSafetensors writes atomically and loadSafetensors reads it back', () => {
  const dir = tempDir();
  const path = join(dir, 'w.safetensors');
  saveSafetensors(path, { w: specials() }, { k: 'v' });
  saveSafetensors(path, { w: specials(), b: tensor([1, 2]) });
  assert.deepEqual(listDir(dir), ['w.safetensors']);
  const back = loadSafetensors(path);
  assert.deepEqual(bitsOf(back.tensors.w), SPECIAL_BITS);
  assert.deepEqual(back.metadata, {});
});

// ------------------------------------------------------------------ PyTorch's files

interface Expected {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; bits: number[] }>;
}

const fixtures = new URL('../fixtures/', import.meta.url);

test('reads a file PyTorch wrote (F32, F64, F16, BF16, I64, I32, U8) with torch\'s float32 values', () => {
  const path = fileURLToPath(new URL('torch.safetensors', fixtures));
  const expected = JSON.parse(readFileSync(new URL('torch-safetensors.json', fixtures), 'utf8')) as Expected;
  const got = loadSafetensors(path);
  assert.deepEqual(got.metadata, expected.metadata);
  assert.deepEqual(Object.keys(got.tensors).sort(), Object.keys(expected.tensors).sort());
  const isNaNBits = (b: number): boolean => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
  for (const [name, e] of Object.entries(expected.tensors)) {
    const t = got.tensors[name];
    assert.equal(got.dtypes[name], e.dtype, `${name}: dtype`);
    assert.deepEqual(t.shape, e.shape, `${name}: shape`);
    const bits = bitsOf(t);
    e.bits.forEach((b, i) => {
      // F32 keeps every bit; a converted NaN only has to stay NaN (payloads differ by converter).
      if (e.dtype !== 'F32' && isNaNBits(b)) assert.ok(isNaNBits(bits[i]), `${name}[${i}]: expected NaN`);
      else assert.equal(bits[i], b, `${name}[${i}]: bits 0x${bits[i].toString(16)} vs torch 0x${b.toString(16)}`);
    });
  }
});

test('reads the integer and bool dtypes PyTorch can write, converting to float32', () => {
  const cases: [string, number[], number[]][] = [
    ['I8', [0x80, 0x7f, 0xff], [-128, 127, -1]],
    ['U16', [0xff, 0xff, 0x01, 0x00], [65535, 1]],
    ['I16', [0x00, 0x80, 0xfe, 0xff], [-32768, -2]],
    ['U32', [0xff, 0xff, 0xff, 0xff], [4294967296]],
    ['U64', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [18446744073709551616]],
    ['BOOL', [0, 1, 2], [0, 1, 1]],
  ];
  for (const [dtype, bytes, values] of cases) {
    const file = rawSafetensors({ x: { dtype, shape: [values.length], data_offsets: [0, bytes.length] } }, bytes);
    const got = decodeSafetensors(file);
    assert.deepEqual(Array.from(got.tensors.x.data), values, dtype);
    assert.equal(got.dtypes.x, dtype);
  }
});

test('F16 and BF16 decode exactly, including subnormals, -0, infinities and NaN', () => {
  // half: 1, -2, 65504 (max), 2^-24 (smallest subnormal), -0, +Inf, NaN, 2^-14 (smallest normal)
  const half = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x7e00, 0x0400];
  const bytes = half.flatMap((h) => [h & 0xff, h >> 8]);
  const t = decodeSafetensors(rawSafetensors({ h: { dtype: 'F16', shape: [8], data_offsets: [0, 16] } }, bytes)).tensors.h;
  const v = Array.from(t.data);
  assert.deepEqual(v.slice(0, 4), [1, -2, 65504, 2 ** -24]);
  assert.ok(Object.is(v[4], -0));
  assert.equal(v[5], Infinity);
  assert.ok(Number.isNaN(v[6]));
  assert.equal(v[7], 2 ** -14);
  // bfloat16 is the upper half of a float32: every bit pattern maps exactly
  const bf = [0x3f80, 0x8000, 0xff80, 0x7fc1, 0x0001];
  const t2 = decodeSafetensors(rawSafetensors({ b: { dtype: 'BF16', shape: [5], data_offsets: [0, 10] } }, bf.flatMap((h) => [h & 0xff, h >> 8]))).tensors.b;
  assert.deepEqual(bitsOf(t2), bf.map((h) => (h << 16) >>> 0));
});

test('int64 rounds to the nearest float32 directly, not through float64 (no double rounding)', () => {
  const v = 2n ** 60n + 2n ** 36n + 1n; // just above a float32 midpoint; float64 would round onto it
  const buf = new Uint8Array(16);
  const dv = new DataView(buf.buffer);
  dv.setBigInt64(0, v, true);
  dv.setBigInt64(8, -v, true);
  const t = decodeSafetensors(rawSafetensors({ i: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, buf)).tensors.i;
  assert.deepEqual(Array.from(t.data), [2 ** 60 + 2 ** 37, -(2 ** 60 + 2 ** 37)]);
});

// ------------------------------------------------------------------ malformed files

const F32x2 = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
const EIGHT = [0, 0, 128, 63, 0, 0, 0, 64];

test('every malformed file is refused with a FileFormatError naming the file and the problem', () => {
  const dir = tempDir();
  const valid = encodeSafetensors({ a: tensor([1, 2]), b: tensor([[3], [4]]) });
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty file', new Uint8Array(0), /0 bytes long; a safetensors file starts with an 8-byte header length/],
    ['shorter than 8 bytes', new Uint8Array(7), /7 bytes long/],
    ['header length beyond the file', rawSafetensors({ a: F32x2 }, EIGHT, { headerLength: 1000n }), /header length 1000 goes beyond the end of the file/],
    ['header length near 2^64', rawSafetensors({}, [], { headerLength: 2n ** 64n - 1n }), /header length 18446744073709551615 goes beyond/],
    ['truncated in the header', valid.subarray(0, 20), /header length \d+ goes beyond the end of the file/],
    ['truncated in the data', valid.subarray(0, valid.length - 1), /tensor "b": data_offsets \[8, 16\] go beyond the end of the data buffer \(15 bytes\).*truncated/],
    ['header not UTF-8', rawSafetensors('{}').map((x, i) => (i === 9 ? 0xff : x)), /not valid UTF-8/],
    ['invalid JSON', rawSafetensors('{"a": {'), /header is not valid JSON/],
    ['empty header', rawSafetensors('', [], { pad: false }), /header is not valid JSON/],
    ['header is a list', rawSafetensors([1, 2]), /header must be a JSON object, got an array/],
    ['header is null', rawSafetensors('null'), /header must be a JSON object, got null/],
    ['metadata not an object', rawSafetensors({ __metadata__: 'x' }), /"__metadata__" must map strings to strings/],
    ['metadata value not a string', rawSafetensors({ __metadata__: { epoch: 3 } }), /"__metadata__" value "epoch" must be a string, got number 3/],
    ['entry not an object', rawSafetensors({ a: [1] }), /tensor "a": entry must be an object/],
    ['missing dtype', rawSafetensors({ a: { shape: [2], data_offsets: [0, 8] } }, EIGHT), /tensor "a": dtype is missing/],
    ['dtype not a string', rawSafetensors({ a: { ...F32x2, dtype: 4 } }, EIGHT), /tensor "a": dtype must be a string, got number 4/],
    ['unsupported dtype', rawSafetensors({ a: { ...F32x2, dtype: 'F8_E4M3' } }, EIGHT), /tensor "a": unsupported dtype "F8_E4M3" \(supported: F64, F32/],
    ['lower-case dtype', rawSafetensors({ a: { ...F32x2, dtype: 'f32' } }, EIGHT), /unsupported dtype "f32"/],
    ['missing shape', rawSafetensors({ a: { dtype: 'F32', data_offsets: [0, 8] } }, EIGHT), /tensor "a": shape is missing/],
    ['negative dimension', rawSafetensors({ a: { ...F32x2, shape: [-2] } }, EIGHT), /tensor "a": shape must be a list of whole numbers ≥ 0, got \[-2\]/],
    ['fractional dimension', rawSafetensors({ a: { ...F32x2, shape: [1.5] } }, EIGHT), /shape must be a list of whole numbers/],
    ['shape not a list', rawSafetensors({ a: { ...F32x2, shape: 2 } }, EIGHT), /shape must be a list/],
    ['missing offsets', rawSafetensors({ a: { dtype: 'F32', shape: [2] } }, EIGHT), /tensor "a": data_offsets is missing/],
    ['three offsets', rawSafetensors({ a: { ...F32x2, data_offsets: [0, 4, 8] } }, EIGHT), /data_offsets must be \[begin, end\]/],
    ['begin after end', rawSafetensors({ a: { ...F32x2, data_offsets: [8, 0] } }, EIGHT), /data_offsets must be \[begin, end\] with 0 ≤ begin ≤ end, got \[8,0\]/],
    ['negative offset', rawSafetensors({ a: { ...F32x2, data_offsets: [-8, 0] } }, EIGHT), /data_offsets must be/],
    ['offsets beyond the buffer', rawSafetensors({ a: { ...F32x2, data_offsets: [8, 16] } }, EIGHT), /data_offsets \[8, 16\] go beyond the end of the data buffer \(8 bytes\)/],
    ['bytes do not match the shape', rawSafetensors({ a: { ...F32x2, shape: [3] } }, EIGHT), /tensor "a": holds 8 bytes but shape \[3\] of F32 needs 12/],
    ['bytes do not match the dtype', rawSafetensors({ a: { ...F32x2, dtype: 'F64' } }, EIGHT), /holds 8 bytes but shape \[2\] of F64 needs 16/],
    ['overlapping tensors', rawSafetensors({ a: F32x2, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, EIGHT), /tensor "b" \(bytes 4…8\) overlaps tensor "a" \(bytes 0…8\)/],
    ['gap between tensors', rawSafetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, EIGHT), /bytes 0…4 of the data buffer belong to no tensor/],
    ['trailing bytes', rawSafetensors({ a: F32x2 }, [...EIGHT, 1, 2, 3, 4]), /data buffer is 12 bytes but the tensors cover only 8; 4 trailing bytes/],
    ['data but no tensors', rawSafetensors({}, EIGHT), /data buffer is 8 bytes but the tensors cover only 0/],
  ];
  cases.forEach(([what, bytes, pattern], i) => {
    const path = join(dir, `case${i}.safetensors`);
    writeFileSync(path, bytes);
    const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.throws(() => loadSafetensors(path), (e: unknown) => {
      assert.ok(e instanceof FileFormatError, `${what}: expected FileFormatError, got ${String(e)}`);
      assert.match(e.message, new RegExp(`^${escaped}: `), what);
      assert.match(e.message, pattern, what);
      return true;
    }, `${what}: accepted`);
  });
  // decodeSafetensors names the source it is given
  throwsFormat(() => decodeSafetensors(new Uint8Array(3), 'upload.bin'), /^upload\.bin: file is 3 bytes long/);
});

test('every truncation of a valid file is refused, never half-loaded', () => {
  const bytes = encodeSafetensors({ w: tensor([[1, 2], [3, 4]]), b: tensor([5]) }, { m: 'x' });
  for (let n = 0; n < bytes.length; n++) {
    assert.throws(() => decodeSafetensors(bytes.subarray(0, n), 'cut'), (e: unknown) => e instanceof Error && e.name === 'FileFormatError', `length ${n}`);
  }
});

test('unpadded headers and out-of-order offsets from other writers are accepted', () => {
  // the spec's tiling rule is about offsets, not header order; padding is recommended, not required
  const file = rawSafetensors({ b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] }, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, EIGHT, { pad: false });
  const got = decodeSafetensors(file);
  assert.deepEqual(Array.from(got.tensors.a.data), [1]);
  assert.deepEqual(Array.from(got.tensors.b.data), [2]);
});
