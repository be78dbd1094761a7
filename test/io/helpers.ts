/** Helpers for the io tests: temp directories, bit-level comparison, hand-built safetensors bytes. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createHash } from 'node:crypto';
import { FileFormatError, Tensor } from '../../src/index.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test file ends. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'backprop-io-'));
  dirs.push(d);
  return d;
}

/** The names in a directory, sorted. */
export function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** The uint32 bit patterns of a float32 array (or a tensor's data). */
export function bitsOf(x: Float32Array | Tensor): number[] {
  const f = x instanceof Tensor ? x.data : x;
  assert.ok(f instanceof Float32Array, 'expected float32 storage');
  return Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length));
}

/** A float32 array holding exactly these bit patterns. */
export function f32FromBits(bits: readonly number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bits).buffer);
}

/** Asserts a tensor holds exactly the bits and shape of another. */
export function assertSameTensor(actual: Tensor | undefined, expected: Tensor, what = 'tensor'): void {
  assert.ok(actual instanceof Tensor, `${what}: missing`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.deepEqual(bitsOf(actual), bitsOf(expected.data instanceof Float32Array ? expected : new Tensor(Float32Array.from(expected.data), expected.shape)), `${what}: bits`);
}

/** Bytes of a safetensors file built by hand: an arbitrary header (object or raw text) and buffer. */
export function rawSafetensors(header: unknown, buffer: ArrayLike<number> = [], opts: { headerLength?: bigint; pad?: boolean } = {}): Uint8Array {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  if (opts.pad ?? true) while (Buffer.byteLength(text) % 8 !== 0) text += ' ';
  const json = Buffer.from(text, 'utf8');
  const out = new Uint8Array(8 + json.length + buffer.length);
  new DataView(out.buffer).setBigUint64(0, opts.headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(Array.from(buffer), 8 + json.length);
  return out;
}

/** Asserts fn throws a FileFormatError whose message matches every pattern. */
export function throwsFormat(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FileFormatError, `expected FileFormatError, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

/**
 * Recomputes the checksum of checkpoint bytes in place (SHA-256 of the file with the 64 hex
 * digits of "sha256" read as "0"s), so an edit reaches the validation behind the checksum.
 * Returns false when the bytes hold no recognisable "sha256" entry.
 */
export function resignCheckpoint(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  const end = Number(headerLen > BigInt(bytes.length - 8) ? BigInt(bytes.length - 8) : headerLen) + 8;
  const m = /"sha256":"[0-9a-f]{64}"/.exec(Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1'));
  if (m === null) return false;
  const at = m.index + '"sha256":"'.length;
  bytes.fill(0x30, at, at + 64);
  bytes.set(Buffer.from(createHash('sha256').update(bytes).digest('hex'), 'latin1'), at);
  return true;
}
