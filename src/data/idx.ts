/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): two zero bytes, a type byte, the
 * number of dimensions, each dimension as a big-endian int32, then the elements big-endian in
 * row-major order. Files may be gzipped; we look at the gzip magic bytes, not the file name.
 */
import { readFileChecked } from '../io/read.js';
import { existsSync } from 'node:fs';
import { writeFileAtomicSync } from '../io/atomic.js';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConfigError, FileFormatError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { Sample, TrainTest } from './dataset.js';

/** Element type of an IDX file, by the name of its JavaScript array. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array holding an IDX file's elements. */
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** The decoded contents of an IDX file. */
export interface IdxData {
  readonly shape: number[];
  readonly type: IdxType;
  /** The elements in row-major order (host byte order). */
  readonly data: IdxArray;
}

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'uint8', bytes: 1 },
  0x09: { type: 'int8', bytes: 1 },
  0x0b: { type: 'int16', bytes: 2 },
  0x0c: { type: 'int32', bytes: 4 },
  0x0d: { type: 'float32', bytes: 4 },
  0x0e: { type: 'float64', bytes: 8 },
};

const CODES: Record<IdxType, number> = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };

const hex = (v: number, digits = 2): string => `0x${v.toString(16).padStart(digits, '0')}`;

/** True when bytes start with the gzip magic number 1f 8b. */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decodes IDX bytes (gzipped or not); `name` (usually the path) is named in every error. */
export function parseIdx(input: Uint8Array, name = 'IDX data'): IdxData {
  let bytes = input;
  let where = name;
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new FileFormatError(`${name}: the gzip stream is corrupt or truncated (${(e as Error).message})`);
    }
    where = `${name} (after gunzip)`;
  }
  if (bytes.length < 4) {
    throw new FileFormatError(`${where}: truncated: ${bytes.length} bytes, but an IDX header needs at least 4`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
    throw new FileFormatError(`${where}: wrong magic number ${hex(magic, 8)}: an IDX file starts with two zero bytes, a type byte and a dimension count`);
  }
  const kind = TYPES[bytes[2]];
  if (!kind) {
    throw new FileFormatError(`${where}: unknown IDX data type byte ${hex(bytes[2])} (known: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64)`);
  }
  const ndim = bytes[3];
  if (ndim === 0) throw new FileFormatError(`${where}: the header declares 0 dimensions`);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new FileFormatError(`${where}: truncated header: ${ndim} dimensions need ${headerBytes} header bytes, but the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) {
    const size = view.getInt32(4 + 4 * d, false);
    if (size < 0) throw new FileFormatError(`${where}: dimension ${d} has negative size ${size}`);
    shape.push(size);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * kind.bytes;
  const have = bytes.length - headerBytes;
  if (have < need) {
    throw new FileFormatError(
      `${where}: truncated: the header says shape ${fmtShape(shape)} of ${kind.type} (${need} data bytes), but only ${have} bytes follow the header`,
    );
  }
  if (have > need) {
    throw new FileFormatError(
      `${where}: size does not match the header: shape ${fmtShape(shape)} of ${kind.type} needs ${need} data bytes, but ${have} follow the header (${have - need} extra)`,
    );
  }
  return { shape, type: kind.type, data: decode(bytes, view, headerBytes, count, kind.type) };
}

function decode(bytes: Uint8Array, view: DataView, at: number, n: number, type: IdxType): IdxArray {
  switch (type) {
    case 'uint8':
      // A copy (not a view), so the data does not pin the whole file buffer or alias Node's Buffer.
      return new Uint8Array(bytes.subarray(at, at + n));
    case 'int8':
      return Int8Array.from(new Int8Array(bytes.buffer, bytes.byteOffset + at, n));
    case 'int16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(at + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, false);
      return out;
    }
  }
}

/** Reads an IDX file (plain or gzipped, recognised by its magic bytes) into {shape, type, data}. */
export function readIdx(path: string): IdxData {
  return parseIdx(readFileChecked(path), path);
}

/** Encodes data as IDX bytes; the type defaults to the array's own (uint8 for a Uint8Array, …). */
export function encodeIdx(idx: { shape: readonly number[]; data: IdxArray; type?: IdxType }): Uint8Array {
  const type = idx.type ?? arrayType(idx.data);
  const count = idx.shape.reduce((a, b) => a * b, 1);
  if (count !== idx.data.length) {
    throw new FileFormatError(`encodeIdx: shape ${fmtShape(idx.shape)} needs ${count} elements, got ${idx.data.length}`);
  }
  const bytes = TYPES[CODES[type]].bytes;
  const header = 4 + 4 * idx.shape.length;
  const out = new Uint8Array(header + count * bytes);
  const view = new DataView(out.buffer);
  out[2] = CODES[type];
  out[3] = idx.shape.length;
  idx.shape.forEach((d, i) => view.setInt32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const v = idx.data[i];
    const at = header + i * bytes;
    if (type === 'uint8') view.setUint8(at, v);
    else if (type === 'int8') view.setInt8(at, v);
    else if (type === 'int16') view.setInt16(at, v, false);
    else if (type === 'int32') view.setInt32(at, v, false);
    else if (type === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}

function arrayType(a: IdxArray): IdxType {
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Float32Array) return 'float32';
  return 'float64';
}

/** Writes an IDX file, gzipped when `gzip` is set (default: when the path ends in .gz). */
export function writeIdx(path: string, idx: { shape: readonly number[]; data: IdxArray; type?: IdxType }, options: { gzip?: boolean } = {}): void {
  const raw = encodeIdx(idx);
  const gzip = options.gzip ?? path.endsWith('.gz');
  writeFileAtomicSync(path, gzip ? gzipSync(raw) : raw);
}

/** Options of the IDX dataset loaders. */
export interface IdxDatasetOptions {
  /** Scale uint8 pixels from 0…255 to [0, 1] (default true); other element types are kept as stored. */
  normalize?: boolean;
  /** Give x as [N, H·W] instead of [N, 1, H, W] (default false). */
  flatten?: boolean;
}

// k / 255 for every byte value, so scaling is one table look-up per pixel.
const BYTE_SCALE = Float32Array.from({ length: 256 }, (_, k) => k / 255);

/** Pairs an IDX image file [N, H, W] with a label file [N]: x [N, 1, H, W] (in [0, 1]), y [N] as float. */
export function loadIdxDataset(imagesPath: string, labelsPath: string, options: IdxDatasetOptions = {}): Sample {
  const { normalize = true, flatten = false } = options;
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (images.shape.length !== 3) {
    throw new FileFormatError(`${imagesPath}: expected images of 3 dimensions [N, H, W], got shape ${fmtShape(images.shape)}`);
  }
  if (labels.shape.length !== 1) {
    throw new FileFormatError(`${labelsPath}: expected labels of 1 dimension [N], got shape ${fmtShape(labels.shape)}`);
  }
  const [n, h, w] = images.shape;
  if (labels.shape[0] !== n) {
    throw new FileFormatError(`image/label count mismatch: ${imagesPath} has ${n} images but ${labelsPath} has ${labels.shape[0]} labels`);
  }
  const src = images.data;
  const x = new Float32Array(src.length);
  if (normalize && images.type === 'uint8') for (let i = 0; i < src.length; i++) x[i] = BYTE_SCALE[src[i]];
  else x.set(src);
  const y = new Float32Array(n);
  y.set(labels.data);
  return { x: new Tensor(x, flatten ? [n, h * w] : [n, 1, h, w]), y: new Tensor(y, [n]) };
}

/** The file in dir for one split and kind, trying the usual spellings, with or without .gz. */
function findIdxFile(dir: string, split: 'train' | 'test', kind: 'images' | 'labels'): string {
  const prefix = split === 'train' ? 'train' : 't10k';
  const dims = kind === 'images' ? 3 : 1;
  const bases = [`${prefix}-${kind}-idx${dims}-ubyte`, `${prefix}-${kind}.idx${dims}-ubyte`];
  const tried: string[] = [];
  for (const base of bases) {
    for (const name of [base, `${base}.gz`]) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
      tried.push(name);
    }
  }
  throw new ConfigError(`no ${split} ${kind} file in ${dir} (looked for ${tried.join(', ')})`);
}

/** One split ('train' or 'test') of an MNIST-style folder holding the four standard IDX files. */
export function loadIdxFolder(dir: string, split: 'train' | 'test', options: IdxDatasetOptions = {}): Sample {
  if (split !== 'train' && split !== 'test') throw new ConfigError(`loadIdxFolder: split must be 'train' or 'test', got ${String(split)}`);
  return loadIdxDataset(findIdxFile(dir, split, 'images'), findIdxFile(dir, split, 'labels'), options);
}

/** Where Debian's dataset-fashion-mnist package installs Fashion-MNIST. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's class names, by label 0…9. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** Fashion-MNIST (60,000 train and 10,000 test images, 28×28) from a folder of IDX files. */
export function loadFashionMnist(dir: string = FASHION_MNIST_DIR, options: IdxDatasetOptions = {}): TrainTest {
  return { train: loadIdxFolder(dir, 'train', options), test: loadIdxFolder(dir, 'test', options) };
}

/** The original MNIST (60,000 + 10,000 digits) from a folder of the four IDX files you downloaded. */
export function loadMnistFolder(dir: string, options: IdxDatasetOptions = {}): TrainTest {
  return { train: loadIdxFolder(dir, 'train', options), test: loadIdxFolder(dir, 'test', options) };
}
