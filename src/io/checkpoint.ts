/**
 * Training checkpoints: everything needed to resume a run, in one safetensors file that
 * PyTorch tooling can open too.
 *
 *   tensors       model.<name>      the state dict
 *                 optim.<path>      Float32Array / Tensor buffers inside the optimiser state
 *                 history.<path>, extra.<path>   the same, should those fields hold any
 *   __metadata__  format = "backprop.checkpoint", format_version = "1",
 *                 epoch, step, rng, optimizer, history, extra: each a JSON string
 *                 sha256: SHA-256 of the whole file with these 64 hex digits read as "0"s
 *
 * Inside those JSON strings a buffer appears as {"$f32": tensorName} (a Float32Array comes
 * back) or {"$tensor": tensorName} (a Tensor with its shape comes back), and a number JSON
 * cannot hold as {"$number": "NaN" | "Infinity" | "-Infinity" | "-0"}, so a diverged loss in
 * the history is not silently turned into null. A user key that starts with "$" is stored with
 * one more "$" in front, so it can never be mistaken for one of these tags.
 *
 * The file is written atomically: a crash mid-save leaves the previous checkpoint whole. The
 * checksum covers every other byte of the file, so a truncated or bit-flipped checkpoint is
 * refused on load rather than resuming training from damaged weights.
 */
import { readFileChecked } from './read.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { FileFormatError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { writeFileAtomicSync, type AtomicWriteOptions } from './atomic.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { MAX_JSON_DEPTH, hasToJSON, isPlainObject, kindOf, parseJsonText, setOwn } from './json.js';

/** A value in a checkpoint's optimiser state, history or extra: JSON plus float32 buffers. */
export type CheckpointValue =
  | null | boolean | number | string
  | Float32Array | Tensor
  | CheckpointValue[]
  | { [key: string]: CheckpointValue };

/** What saveCheckpoint stores. */
export interface Checkpoint {
  /** The model's state dict. */
  model: Record<string, Tensor>;
  /** The optimiser's state: JSON, where number arrays may also be Float32Arrays or Tensors. */
  optimizer?: unknown;
  /** Epochs completed. */
  epoch: number;
  /** Optimiser steps taken. */
  step?: number;
  /** The random generator's state (getRngState(): four 32-bit unsigned integers). */
  rng?: readonly number[];
  /** The training history (per-epoch metrics), as JSON. */
  history?: unknown;
  /** Anything else the caller wants back on resume, as JSON. */
  extra?: unknown;
}

/** What loadCheckpoint gives back: a Checkpoint whose free-form fields are typed as stored. */
export interface LoadedCheckpoint extends Checkpoint {
  optimizer?: CheckpointValue;
  rng?: number[];
  history?: CheckpointValue;
  extra?: CheckpointValue;
}

const FORMAT = 'backprop.checkpoint';
const PLACEHOLDER = '0'.repeat(64);
const VERSION = 1;
const FIELDS = [
  ['optimizer', 'optim'],
  ['history', 'history'],
  ['extra', 'extra'],
] as const;

// ------------------------------------------------------------------ encoding

/** Tagged JSON for special numbers; -0 too, since JSON writes it as 0. */
function encodeNumber(v: number): number | { $number: string } {
  if (Number.isNaN(v)) return { $number: 'NaN' };
  if (v === Infinity) return { $number: 'Infinity' };
  if (v === -Infinity) return { $number: '-Infinity' };
  if (Object.is(v, -0)) return { $number: '-0' };
  return v;
}

/** Turns one field into JSON text, moving its buffers into `tensors` under `prefix.`. */
function encodeField(value: unknown, field: string, prefix: string, tensors: Record<string, Tensor>): string {
  const stored = new Map<object, unknown>(); // one buffer referenced twice is stored once
  const seen = new Set<object>();
  const nameFor = (segments: readonly string[]): string => {
    const base = [prefix, ...segments].join('.');
    let name = base;
    for (let i = 2; Object.prototype.hasOwnProperty.call(tensors, name); i++) name = `${base}#${i}`;
    return name;
  };
  const walk = (v: unknown, path: string, segments: readonly string[]): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return encodeNumber(v);
    const where = `saveCheckpoint: ${path}`;
    if (typeof v !== 'object') throw new ValueError(`${where} is ${kindOf(v)}, which a checkpoint cannot hold`);
    const again = stored.get(v);
    if (again !== undefined) return again;
    if (v instanceof Float32Array || v instanceof Tensor) {
      const name = nameFor(segments);
      setOwn(tensors, name, v instanceof Tensor ? v.detach() : new Tensor(v, [v.length]));
      const tag = v instanceof Tensor ? { $tensor: name } : { $f32: name };
      stored.set(v, tag);
      return tag;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
      throw new ValueError(`${where} is ${kindOf(v)}; a checkpoint stores buffers as Float32Array or Tensor (or plain number arrays)`);
    }
    if (seen.has(v)) throw new ValueError(`${where} refers back to an enclosing value (a cycle)`);
    // one level is kept for the {"$tensor": …} / {"$number": …} tags a leaf may become
    if (seen.size >= MAX_JSON_DEPTH - 1) throw new ValueError(`${where} nests too deeply (a checkpoint holds at most ${MAX_JSON_DEPTH} levels of JSON)`);
    seen.add(v);
    try {
      if (hasToJSON(v)) return walk(v.toJSON(), path, segments);
      if (Array.isArray(v)) {
        return v.map((x: unknown, i) => {
          if (x === undefined) throw new ValueError(`${where}[${i}] is undefined, which a checkpoint cannot hold in a list`);
          return walk(x, `${path}[${i}]`, [...segments, String(i)]);
        });
      }
      if (!isPlainObject(v)) throw new ValueError(`${where} is ${kindOf(v)}; use plain objects, arrays, numbers, strings, booleans, Float32Array or Tensor`);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x !== undefined) setOwn(out, k.startsWith('$') ? `$${k}` : k, walk(x, `${path}.${k}`, [...segments, k]));
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return JSON.stringify(walk(value, field, []));
}

function checkCount(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new ValueError(`saveCheckpoint: ${field} must be a whole number ≥ 0, got ${kindOf(v)}`);
  }
  return v;
}

function isRngState(v: unknown): v is number[] {
  return Array.isArray(v) && v.length === 4 && v.every((x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0xffffffff);
}

/** Encodes a checkpoint as the bytes of its safetensors file. */
export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  if (typeof ckpt !== 'object' || ckpt === null) {
    throw new ValueError(`saveCheckpoint: expected a checkpoint object, got ${kindOf(ckpt)}`);
  }
  if (typeof ckpt.model !== 'object' || ckpt.model === null) {
    throw new ValueError(`saveCheckpoint: model must be a state dict (name → Tensor), got ${kindOf(ckpt.model)}`);
  }
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(ckpt.model)) {
    if (!(t instanceof Tensor)) throw new ValueError(`saveCheckpoint: model["${name}"] is ${kindOf(t)}, not a Tensor`);
    setOwn(tensors, `model.${name}`, t);
  }
  const metadata: Record<string, string> = { format: FORMAT, format_version: String(VERSION) };
  metadata.epoch = String(checkCount(ckpt.epoch, 'epoch'));
  if (ckpt.step !== undefined) metadata.step = String(checkCount(ckpt.step, 'step'));
  if (ckpt.rng !== undefined) {
    if (!isRngState(ckpt.rng)) throw new ValueError(`saveCheckpoint: rng must be four 32-bit unsigned integers (getRngState()), got ${JSON.stringify(ckpt.rng)}`);
    metadata.rng = JSON.stringify(ckpt.rng);
  }
  for (const [field, prefix] of FIELDS) {
    const v = ckpt[field];
    if (v !== undefined) metadata[field] = encodeField(v, field, prefix, tensors);
  }
  metadata.sha256 = PLACEHOLDER;
  const bytes = encodeSafetensors(tensors, metadata);
  const at = checksumPosition(bytes, PLACEHOLDER);
  if (at < 0) throw new Error('encodeCheckpoint: checksum placeholder not found in the header (a bug)');
  bytes.set(Buffer.from(fileDigest(bytes, at), 'latin1'), at);
  return bytes;
}

/** Where the 64 hex digits of the "sha256" metadata value start in the header, or -1. */
function checksumPosition(bytes: Uint8Array, hex: string): number {
  const headerEnd = 8 + Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  // Metadata values are JSON strings whose quotes are escaped, so this exact unescaped
  // key-and-value can only be the "sha256" entry itself.
  const needle = `"sha256":"${hex}"`;
  const i = Buffer.from(bytes.buffer, bytes.byteOffset, headerEnd).indexOf(needle, 8, 'latin1');
  return i < 0 ? -1 : i + needle.length - 65;
}

/** SHA-256 (hex) of the file with the 64 bytes at `at` read as "0"s. */
function fileDigest(bytes: Uint8Array, at: number): string {
  return createHash('sha256').update(bytes.subarray(0, at)).update(PLACEHOLDER, 'latin1').update(bytes.subarray(at + 64)).digest('hex');
}

/** Saves a training checkpoint (model, optimiser state, epoch, step, RNG state, history) atomically to one file. */
export function saveCheckpoint(path: string, ckpt: Checkpoint, options: AtomicWriteOptions = {}): void {
  const bytes = encodeCheckpoint(ckpt); // before touching the disk: a bad value fails here
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicSync(path, bytes, options);
}

// ------------------------------------------------------------------ decoding

function decodeField(
  text: string,
  field: string,
  tensors: Record<string, Tensor>,
  used: Set<string>,
  fail: (msg: string) => never,
): CheckpointValue {
  const json = parseJsonText(text, `metadata "${field}"`, fail);
  const cache = new Map<string, Float32Array | Tensor>();
  const buffer = (name: unknown, kind: '$f32' | '$tensor', path: string): Float32Array | Tensor => {
    if (typeof name !== 'string') fail(`${path}: ${kind} must name a tensor, got ${kindOf(name)}`);
    const key = name as string;
    const hit = cache.get(`${kind}:${key}`);
    if (hit !== undefined) return hit;
    if (!Object.prototype.hasOwnProperty.call(tensors, key)) fail(`${path} refers to tensor "${key}", which the file does not hold`);
    const t = tensors[key];
    if (kind === '$f32' && t.ndim !== 1) fail(`${path}: tensor "${key}" should be 1-D for a Float32Array but has shape ${fmtShape(t.shape)}`);
    const v = kind === '$f32' ? (t.data as Float32Array) : t;
    used.add(key);
    cache.set(`${kind}:${key}`, v);
    return v;
  };
  const walk = (v: unknown, path: string): CheckpointValue => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0].startsWith('$') && !keys[0].startsWith('$$')) {
      const [tag] = keys;
      const arg = obj[tag];
      if (tag === '$f32' || tag === '$tensor') return buffer(arg, tag, path);
      if (tag === '$number') {
        const special: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity, '-0': -0 };
        if (typeof arg === 'string' && Object.prototype.hasOwnProperty.call(special, arg)) return special[arg];
        fail(`${path}: unknown $number ${JSON.stringify(arg)}`);
      }
      fail(`${path}: unknown tag "${tag}"`);
    }
    const out: Record<string, CheckpointValue> = {};
    for (const k of keys) {
      if (k.startsWith('$') && !k.startsWith('$$')) fail(`${path}: unexpected key "${k}" (tags stand alone in their object)`);
      const name = k.startsWith('$') ? k.slice(1) : k;
      setOwn(out, name, walk(obj[k], `${path}.${name}`));
    }
    return out;
  };
  return walk(json, field);
}

/** Decodes the bytes of a checkpoint file; `source` (a file name) prefixes every error. */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): LoadedCheckpoint {
  const fail = (msg: string): never => {
    throw new FileFormatError(`${source}: ${msg}`);
  };
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata.format !== FORMAT) {
    fail(`not a backprop checkpoint (metadata "format" is ${metadata.format === undefined ? 'missing' : JSON.stringify(metadata.format)}, expected "${FORMAT}")`);
  }
  const version = Number(metadata.format_version);
  if (!Number.isInteger(version) || version < 1) fail(`metadata "format_version" is ${JSON.stringify(metadata.format_version)}, expected "${VERSION}"`);
  if (version > VERSION) fail(`written by a newer backprop (checkpoint format ${version}; this version reads up to ${VERSION})`);

  const hex = metadata.sha256;
  if (hex === undefined || !/^[0-9a-f]{64}$/.test(hex)) fail(`metadata "sha256" is ${hex === undefined ? 'missing' : `malformed (${JSON.stringify(hex)})`}`);
  const at = checksumPosition(bytes, hex as string);
  if (at < 0) fail('metadata "sha256" is not written the way saveCheckpoint writes it, so the file cannot be checked');
  if (fileDigest(bytes, at) !== hex) fail('checksum mismatch: the file was changed or damaged after it was written');

  const count = (field: 'epoch' | 'step'): number | undefined => {
    const s = metadata[field];
    if (s === undefined) return undefined;
    const n = Number(s);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(n)) fail(`metadata "${field}" must be a whole number ≥ 0, got ${JSON.stringify(s)}`);
    return n;
  };
  const epoch = count('epoch');
  if (epoch === undefined) fail('metadata "epoch" is missing');
  const out: LoadedCheckpoint = { model: {}, epoch: epoch as number };
  const step = count('step');
  if (step !== undefined) out.step = step;
  if (metadata.rng !== undefined) {
    let rng: unknown = null;
    try {
      rng = JSON.parse(metadata.rng);
    } catch {
      // reported just below
    }
    if (!isRngState(rng)) fail(`metadata "rng" must be four 32-bit unsigned integers, got ${JSON.stringify(metadata.rng)}`);
    out.rng = rng as number[];
  }

  const used = new Set<string>();
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith('model.')) {
      setOwn(out.model, name.slice('model.'.length), t);
      used.add(name);
    }
  }
  for (const [field, prefix] of FIELDS) {
    const text = metadata[field];
    if (text !== undefined) out[field] = decodeField(text, field, tensors, used, fail);
    for (const name of Object.keys(tensors)) {
      if (name.startsWith(`${prefix}.`) && !used.has(name)) fail(`tensor "${name}" is not referenced from metadata "${field}"`);
    }
  }
  for (const name of Object.keys(tensors)) {
    if (!used.has(name)) fail(`tensor "${name}" belongs to no part of a checkpoint (expected a model., optim., history. or extra. prefix)`);
  }
  return out;
}

/** Loads a checkpoint written by saveCheckpoint; a truncated or corrupt file is refused with a FileFormatError. */
export function loadCheckpoint(path: string): LoadedCheckpoint {
  return decodeCheckpoint(readFileChecked(path), path);
}
