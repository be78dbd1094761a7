/**
 * The safetensors format, as Hugging Face specifies it and PyTorch users exchange weights in:
 *
 *   [8 bytes: N, little-endian u64] [N bytes: UTF-8 JSON header] [data buffer]
 *
 * The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets
 * relative to the start of the data buffer) and may hold "__metadata__": {string: string}.
 * Tensors lie back to back in the buffer, little-endian, row-major, and together cover it
 * exactly. We write F32 (our storage type) and read every integer and float dtype a PyTorch
 * user is likely to hand us, converting to float32. Anything malformed is refused with a
 * FileFormatError that names the file and what was wrong — never a silent partial load.
 */
import { readFileChecked } from './read.js';
import { FileFormatError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { sizeOf } from '../tensor/shape.js';
import { writeFileAtomicSync, type AtomicWriteOptions } from './atomic.js';
import { parseJsonText, setOwn } from './json.js';

/** Element types we can read (all converted to float32); we write only F32. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

const DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

/** What a safetensors file holds once decoded. */
export interface SafetensorsContents {
  /** The tensors, as float32, in the order the header lists them. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` strings (empty when the file has none). */
  metadata: Record<string, string>;
  /** The dtype each tensor was stored as before conversion to float32. */
  dtypes: Record<string, SafetensorsDType>;
}

const METADATA_KEY = '__metadata__';
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function isDType(s: string): s is SafetensorsDType {
  return Object.prototype.hasOwnProperty.call(DTYPE_BYTES, s);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array (${JSON.stringify(v)})`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

// ------------------------------------------------------------------ writing

/** Encodes tensors (as F32) and optional string metadata into the bytes of a safetensors file. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) throw new ValueError(`encodeSafetensors: metadata must be an object of strings, got ${describe(metadata)}`);
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new ValueError(`encodeSafetensors: metadata "${k}" must be a string, got ${describe(v)}`);
    }
    setOwn(header, METADATA_KEY, metadata);
  }
  const entries = Object.entries(tensors);
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === METADATA_KEY) throw new ValueError(`encodeSafetensors: "${METADATA_KEY}" is reserved by the format and cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new ValueError(`encodeSafetensors: "${name}" is ${describe(t)}, not a Tensor`);
    const nbytes = t.size * 4;
    setOwn(header, name, { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + nbytes] });
    offset += nbytes;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  // Pad with spaces so the data buffer starts 8-byte aligned, as the reference writer does.
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const [, t] of entries) {
    // Copy bits, not values: NaN payloads, -0 and subnormals survive unchanged.
    const f32 = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    const src = new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
    if (LITTLE_ENDIAN_HOST) out.set(src, pos);
    else for (let i = 0; i < src.length; i += 4) for (let b = 0; b < 4; b++) out[pos + i + b] = src[i + 3 - b];
    pos += src.length;
  }
  return out;
}

/** Writes tensors (and optional string metadata) to a .safetensors file atomically. */
export function saveSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
  options: AtomicWriteOptions = {},
): void {
  writeFileAtomicSync(path, encodeSafetensors(tensors, metadata), options);
}

// ------------------------------------------------------------------ reading

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** Decodes the bytes of a safetensors file to float32 tensors; `source` (a file name) prefixes every error. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsContents {
  const fail = (msg: string): never => {
    throw new FileFormatError(`${source}: ${msg}`);
  };
  const n = bytes.length;
  if (n < 8) fail(`file is ${n} byte${n === 1 ? '' : 's'} long; a safetensors file starts with an 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen64 = view.getBigUint64(0, true);
  if (headerLen64 > BigInt(n - 8)) {
    fail(`header length ${headerLen64} goes beyond the end of the file (${n} bytes, so at most ${n - 8} for the header); the file is truncated or not safetensors`);
  }
  const headerLen = Number(headerLen64);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    fail('header is not valid UTF-8');
  }
  const header = parseJsonText(text, 'header', fail);
  if (!isPlainObject(header)) fail(`header must be a JSON object, got ${describe(header)}`);
  const dataStart = 8 + headerLen;
  const bufferLen = n - dataStart;

  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (raw === null) continue;
      if (!isPlainObject(raw)) fail(`"${METADATA_KEY}" must map strings to strings, got ${describe(raw)}`);
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`"${METADATA_KEY}" value "${k}" must be a string, got ${describe(v)}`);
        setOwn(metadata, k, v as string);
      }
      continue;
    }
    entries.push(parseEntry(name, raw, bufferLen, fail));
  }

  // The tensors must tile the buffer: sorted by offset, each starts where the previous ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let prev: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < covered) {
      fail(`tensor "${e.name}" (bytes ${e.begin}…${e.end}) overlaps tensor "${prev?.name}" (bytes ${prev?.begin}…${prev?.end})`);
    }
    if (e.begin > covered) fail(`bytes ${covered}…${e.begin} of the data buffer belong to no tensor (before "${e.name}")`);
    covered = e.end;
    prev = e;
  }
  if (covered !== bufferLen) {
    fail(`data buffer is ${bufferLen} bytes but the tensors cover only ${covered}; ${bufferLen - covered} trailing bytes belong to no tensor`);
  }

  const tensors: Record<string, Tensor> = {};
  const dtypes: Record<string, SafetensorsDType> = {};
  for (const e of entries) {
    setOwn(tensors, e.name, new Tensor(convert(view, dataStart + e.begin, e), e.shape));
    setOwn(dtypes, e.name, e.dtype);
  }
  return { tensors, metadata, dtypes };
}

function parseEntry(name: string, raw: unknown, bufferLen: number, fail: (msg: string) => never): Entry {
  const where = `tensor "${name}"`;
  if (!isPlainObject(raw)) fail(`${where}: entry must be an object with dtype, shape and data_offsets, got ${describe(raw)}`);
  const entry = raw as Record<string, unknown>;
  const { dtype, shape, data_offsets: offsets } = entry;
  if (dtype === undefined) fail(`${where}: dtype is missing`);
  if (typeof dtype !== 'string') fail(`${where}: dtype must be a string, got ${describe(dtype)}`);
  if (!isDType(dtype as string)) {
    fail(`${where}: unsupported dtype "${String(dtype)}" (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (shape === undefined) fail(`${where}: shape is missing`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    fail(`${where}: shape must be a list of whole numbers ≥ 0, got ${JSON.stringify(shape)}`);
  }
  if (offsets === undefined) fail(`${where}: data_offsets is missing`);
  if (
    !Array.isArray(offsets) || offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0) || (offsets[0] as number) > (offsets[1] as number)
  ) {
    fail(`${where}: data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > bufferLen) {
    fail(`${where}: data_offsets [${begin}, ${end}] go beyond the end of the data buffer (${bufferLen} bytes); the file is truncated or corrupt`);
  }
  const dims = shape as number[];
  const d = dtype as SafetensorsDType;
  const expected = sizeOf(dims) * DTYPE_BYTES[d];
  if (end - begin !== expected) {
    fail(`${where}: holds ${end - begin} bytes but shape ${fmtShape(dims)} of ${d} needs ${expected} (${sizeOf(dims)} × ${DTYPE_BYTES[d]})`);
  }
  return { name, dtype: d, shape: dims.slice(), begin, end };
}

/** Reads one tensor's bytes (little-endian) starting at `at` and converts them to float32. */
function convert(view: DataView, at: number, e: Entry): Float32Array {
  const count = sizeOf(e.shape);
  const out = new Float32Array(count);
  switch (e.dtype) {
    case 'F32': {
      // Copy bits so NaN payloads survive exactly (a float64 round trip need not keep them).
      const bytes = new Uint8Array(view.buffer, view.byteOffset + at, count * 4);
      const dst = new Uint8Array(out.buffer);
      if (LITTLE_ENDIAN_HOST) dst.set(bytes);
      else for (let i = 0; i < dst.length; i += 4) for (let b = 0; b < 4; b++) dst[i + b] = bytes[i + 3 - b];
      break;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: widen the bits.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(at + 2 * i, true) << 16;
      break;
    }
    case 'F16': {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) {
        const h = view.getUint16(at + 2 * i, true);
        const sign = h >>> 15;
        const exp = (h >>> 10) & 0x1f;
        const frac = h & 0x3ff;
        if (exp === 0x1f) bits[i] = ((sign << 31) | (0xff << 23) | (frac << 13)) >>> 0; // Inf / NaN, payload kept
        else if (exp === 0) out[i] = (sign ? -1 : 1) * frac * 2 ** -24; // zero or subnormal (keeps -0)
        else out[i] = (sign ? -1 : 1) * (1024 + frac) * 2 ** (exp - 25);
      }
      break;
    }
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, true);
      break;
    case 'I64':
      for (let i = 0; i < count; i++) out[i] = bigintToFloat(view.getBigInt64(at + 8 * i, true));
      break;
    case 'U64':
      for (let i = 0; i < count; i++) out[i] = bigintToFloat(view.getBigUint64(at + 8 * i, true));
      break;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(at + 4 * i, true);
      break;
    case 'U32':
      for (let i = 0; i < count; i++) out[i] = view.getUint32(at + 4 * i, true);
      break;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(at + 2 * i, true);
      break;
    case 'U16':
      for (let i = 0; i < count; i++) out[i] = view.getUint16(at + 2 * i, true);
      break;
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(at + i);
      break;
    case 'U8':
      for (let i = 0; i < count; i++) out[i] = view.getUint8(at + i);
      break;
    case 'BOOL':
      for (let i = 0; i < count; i++) out[i] = view.getUint8(at + i) !== 0 ? 1 : 0;
      break;
  }
  return out;
}

/**
 * A 64-bit integer as a double that rounds to the same float32 the integer itself rounds to.
 * Number(v) alone rounds twice (to 53 bits, then to 24), which can land on the wrong side of
 * a tie; rounding to odd at 53 bits first makes the second rounding exact.
 */
function bigintToFloat(v: bigint): number {
  const neg = v < 0n;
  const a = neg ? -v : v;
  if (a <= 0x1fffffffffffffn) return Number(v);
  const shift = BigInt(a.toString(2).length - 53);
  let t = a >> shift;
  if (t << shift !== a) t |= 1n;
  const r = Number(t) * 2 ** Number(shift);
  return neg ? -r : r;
}

/** Reads a .safetensors file; errors name the file and the problem. */
export function loadSafetensors(path: string): SafetensorsContents {
  return decodeSafetensors(readFileChecked(path), path);
}
