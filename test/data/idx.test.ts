// The IDX reader: every element type, gzip by magic bytes, corrupt files, datasets and folders,
// and the real Fashion-MNIST test set when Debian's dataset-fashion-mnist package is installed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ConfigError, FileFormatError } from '../../src/index.js';
import {
  FASHION_MNIST_DIR,
  encodeIdx,
  loadFashionMnist,
  loadIdxDataset,
  loadIdxFolder,
  loadMnistFolder,
  parseIdx,
  readIdx,
  writeIdx,
  type IdxArray,
} from '../../src/data/index.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-idx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** IDX bytes built by hand from the format's description, independently of encodeIdx. */
function idx(typeByte: number, dims: number[], body: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head[2] = typeByte;
  head[3] = dims.length;
  const v = new DataView(head.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** Big-endian bytes of values, `size` bytes each, written by `set`. */
function be(values: number[], size: number, set: (v: DataView, at: number, x: number) => void): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => set(v, i * size, x));
  return out;
}

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Asserts fn throws a FileFormatError whose message contains every fragment. */
function assertFormatError(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FileFormatError, `expected FileFormatError, got ${String(e)}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
    return true;
  });
}

test('readIdx: uint8 images [2, 2, 3] — shape, type and row-major data', () => {
  const p = file('u8.idx', idx(0x08, [2, 2, 3], Uint8Array.from([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255])));
  const r = readIdx(p);
  assert.deepEqual(r.shape, [2, 2, 3]);
  assert.equal(r.type, 'uint8');
  assert.ok(r.data instanceof Uint8Array);
  assert.deepEqual(Array.from(r.data), [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
});

test('readIdx: every element type is read big-endian', () => {
  const cases: [number, string, number[], Uint8Array][] = [
    [0x09, 'int8', [-128, -1, 0, 127], new Uint8Array(Int8Array.from([-128, -1, 0, 127]).buffer)],
    [0x0b, 'int16', [-32768, -2, 258, 32767], be([-32768, -2, 258, 32767], 2, (v, a, x) => v.setInt16(a, x, false))],
    [0x0c, 'int32', [-2147483648, -3, 65536 + 2, 2147483647], be([-2147483648, -3, 65538, 2147483647], 4, (v, a, x) => v.setInt32(a, x, false))],
    [0x0d, 'float32', [1.5, -0.25, 1e-3, 3e38], be([1.5, -0.25, 1e-3, 3e38], 4, (v, a, x) => v.setFloat32(a, x, false))],
    [0x0e, 'float64', [Math.PI, -1e-300, 0, 1e300], be([Math.PI, -1e-300, 0, 1e300], 8, (v, a, x) => v.setFloat64(a, x, false))],
  ];
  for (const [code, type, values, body] of cases) {
    const r = readIdx(file(`${type}.idx`, idx(code, [2, 2], body)));
    assert.equal(r.type, type);
    assert.deepEqual(r.shape, [2, 2]);
    const expected = type === 'float32' ? Array.from(Float32Array.from(values)) : values;
    assert.deepEqual(Array.from(r.data), expected, type);
  }
});

test('readIdx: gzip is recognised by its magic bytes, whatever the file is called', () => {
  const raw = idx(0x08, [3], Uint8Array.from([7, 8, 9]));
  const expected = { shape: [3], type: 'uint8', data: Uint8Array.from([7, 8, 9]) };
  for (const [name, bytes] of [
    ['a-idx1-ubyte.gz', gzipSync(raw)],
    ['gzipped-without-suffix', gzipSync(raw)],
    ['not-really-gzipped.gz', raw],
  ] as const) {
    assert.deepEqual(readIdx(file(name, bytes)), expected, name);
  }
});

test('readIdx: corrupt files are FileFormatErrors naming the file and what is wrong', () => {
  const good = idx(0x08, [2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6]));
  const p = (name: string, bytes: Uint8Array): string => file(name, bytes);

  assertFormatError(() => readIdx(p('empty.idx', new Uint8Array(0))), 'empty.idx', 'truncated');
  assertFormatError(() => readIdx(p('magic.idx', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]))), 'magic.idx', 'wrong magic', '0x89504e47');
  assertFormatError(() => readIdx(p('type.idx', idx(0x07, [1], Uint8Array.from([1])))), 'type.idx', 'unknown', '0x07');
  assertFormatError(() => readIdx(p('header.idx', good.subarray(0, 9))), 'header.idx', 'truncated header');
  assertFormatError(() => readIdx(p('short.idx', good.subarray(0, good.length - 2))), 'short.idx', 'truncated', '[2, 3]', '6 data bytes', 'only 4');
  const long = new Uint8Array(good.length + 3);
  long.set(good);
  assertFormatError(() => readIdx(p('long.idx', long)), 'long.idx', 'does not match the header', '3 extra');
  const gz = gzipSync(good);
  assertFormatError(() => readIdx(p('cut.idx.gz', gz.subarray(0, gz.length - 10))), 'cut.idx.gz', 'gzip');
  assertFormatError(() => readIdx(p('short.idx.gz', gzipSync(good.subarray(0, good.length - 1)))), 'short.idx.gz', 'after gunzip', 'truncated');
  assertFormatError(() => parseIdx(idx(0x0c, [2], new Uint8Array(7)), 'int32 buffer'), 'int32 buffer', '8 data bytes');
});

test('encodeIdx / writeIdx round-trip every element type, plain and gzipped', () => {
  const arrays: IdxArray[] = [
    Uint8Array.from([0, 128, 255, 1, 2, 3]),
    Int8Array.from([-128, 0, 127, -1, 2, 3]),
    Int16Array.from([-32768, 32767, 0, -1, 2, 3]),
    Int32Array.from([-2147483648, 2147483647, 0, -1, 2, 3]),
    Float32Array.from([0.1, -2.5, 1e-20, 3, 4, 5]),
    Float64Array.from([0.1, -2.5, 1e-200, Math.E, 4, 5]),
  ];
  for (const data of arrays) {
    for (const name of ['rt.idx', 'rt.idx.gz']) {
      const path = join(dir, name);
      writeIdx(path, { shape: [3, 2], data });
      const back = readIdx(path);
      assert.deepEqual(back.shape, [3, 2]);
      assert.equal(back.data.constructor, data.constructor);
      assert.deepEqual(Array.from(back.data), Array.from(data));
    }
  }
  // The encoder writes exactly the hand-built bytes.
  assert.deepEqual(encodeIdx({ shape: [1, 2], data: Uint8Array.from([5, 6]) }), idx(0x08, [1, 2], Uint8Array.from([5, 6])));
});

/** Writes an MNIST-style pair: n images h×w with pixel p = (i·7 + p) mod 256, labels i mod 10. */
function writePair(folder: string, prefix: string, n: number, h: number, w: number, gz: boolean): void {
  const pixels = Uint8Array.from({ length: n * h * w }, (_, k) => (Math.floor(k / (h * w)) * 7 + (k % (h * w))) % 256);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  const ext = gz ? '.gz' : '';
  writeFileSync(join(folder, `${prefix}-images-idx3-ubyte${ext}`), gz ? gzipSync(idx(0x08, [n, h, w], pixels)) : idx(0x08, [n, h, w], pixels));
  writeFileSync(join(folder, `${prefix}-labels-idx1-ubyte${ext}`), gz ? gzipSync(idx(0x08, [n], labels)) : idx(0x08, [n], labels));
}

test('loadIdxDataset: x [N, 1, H, W] scaled to [0, 1], y [N]; flatten and normalize options', () => {
  const images = file('img.idx', idx(0x08, [3, 2, 2], Uint8Array.from([0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8])));
  const labels = file('lab.idx', idx(0x08, [3], Uint8Array.from([4, 0, 9])));
  const d = loadIdxDataset(images, labels);
  assert.deepEqual(d.x.shape, [3, 1, 2, 2]);
  assert.equal(d.x.dtype, 'float32');
  assert.deepEqual(Array.from(d.x.data.subarray(0, 4)), Array.from(Float32Array.from([0, 1, 0.2, 0.4])));
  assert.deepEqual(d.y.toArray(), [4, 0, 9]);
  assert.deepEqual(loadIdxDataset(images, labels, { flatten: true }).x.shape, [3, 4]);
  assert.deepEqual(Array.from(loadIdxDataset(images, labels, { normalize: false }).x.data.subarray(0, 4)), [0, 255, 51, 102]);
});

test('loadIdxDataset: count mismatch and wrong ranks name the files', () => {
  const images = file('img3.idx', idx(0x08, [3, 1, 1], Uint8Array.from([1, 2, 3])));
  const two = file('lab2.idx', idx(0x08, [2], Uint8Array.from([1, 2])));
  assertFormatError(() => loadIdxDataset(images, two), 'img3.idx', 'lab2.idx', '3 images', '2 labels');
  const flat = file('flat.idx', idx(0x08, [3, 1], Uint8Array.from([1, 2, 3])));
  assertFormatError(() => loadIdxDataset(flat, two), 'flat.idx', '3 dimensions');
  const labels2d = file('lab2d.idx', idx(0x08, [3, 1], Uint8Array.from([1, 2, 3])));
  assertFormatError(() => loadIdxDataset(images, labels2d), 'lab2d.idx', '1 dimension');
});

test('loadIdxFolder / loadMnistFolder / loadFashionMnist on a folder with the standard file names', () => {
  const folder = join(dir, 'mnist-like');
  mkdirSync(folder);
  writePair(folder, 'train', 12, 4, 3, true);
  writePair(folder, 't10k', 5, 4, 3, false);
  const test5 = loadIdxFolder(folder, 'test');
  assert.deepEqual(test5.x.shape, [5, 1, 4, 3]);
  assert.deepEqual(test5.y.toArray(), [0, 1, 2, 3, 4]);
  assertClose(test5.x.data[12 * 2 + 5], ((2 * 7 + 5) % 256) / 255);
  for (const load of [loadMnistFolder, loadFashionMnist]) {
    const both = load(folder, { flatten: true });
    assert.deepEqual(both.train.x.shape, [12, 12]);
    assert.deepEqual(both.test.x.shape, [5, 12]);
    // The train pair (gzipped) and the t10k pair (plain) are each read from their own files.
    assert.deepEqual(both.train.y.toArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    assert.deepEqual(both.test.y.toArray(), [0, 1, 2, 3, 4]);
    assertClose(both.train.x.data[11 * 12 + 3], ((11 * 7 + 3) % 256) / 255);
    assertClose(both.test.x.data[4 * 12 + 11], ((4 * 7 + 11) % 256) / 255);
  }
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  assert.throws(() => loadIdxFolder(empty, 'train'), (e: unknown) => e instanceof ConfigError && e.message.includes('train-images-idx3-ubyte'));
});

function assertClose(a: number, b: number): void {
  assert.ok(Math.abs(a - b) < 1e-7, `${a} vs ${b}`);
}

const haveFashion = existsSync(FASHION_MNIST_DIR);
test(
  `Fashion-MNIST: the real test set from ${FASHION_MNIST_DIR} (skipped only if that folder is absent)`,
  { skip: haveFashion ? false : `${FASHION_MNIST_DIR} is absent (apt install dataset-fashion-mnist)` },
  () => {
    const t = loadIdxFolder(FASHION_MNIST_DIR, 'test');
    assert.deepEqual(t.x.shape, [10000, 1, 28, 28]);
    assert.deepEqual(t.y.shape, [10000]);
    // The published first labels: ankle boot, pullover, trouser, trouser, shirt, …
    assert.deepEqual(Array.from(t.y.data.subarray(0, 10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    const counts = new Array<number>(10).fill(0);
    for (const v of t.y.data) counts[v]++;
    assert.deepEqual(counts, new Array<number>(10).fill(1000), 'the test set has 1000 images of each class');
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of t.x.data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    assert.equal(lo, 0);
    assert.equal(hi, 1);
  },
);
