/**
 * A small seeded mutation fuzzer shared by the loader fuzz tests: each input is a valid file
 * with a few bytes flipped, inserted, deleted, truncated or spliced, and every loader must
 * either load it or throw a BackpropError. `BACKPROP_FUZZ_SECONDS` lengthens a run (default
 * about 2 s per loader); the totals are printed so a long run can be reported.
 */
import assert from 'node:assert/strict';
import { BackpropError } from '../../src/index.js';

/** A deterministic 32-bit generator (mulberry32), independent of backprop's own RNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Interesting byte values: boundaries of signed/unsigned bytes and ASCII digits/quotes. */
const SPECIAL = [0, 1, 0x7f, 0x80, 0xff, 0x30, 0x39, 0x22, 0x2c, 0x2d, 0x2e, 0x65, 0x7b, 0x7d, 0x5b, 0x5d, 0x0a];

/** One mutant of `base`: 1–4 random edits. */
export function mutate(base: Uint8Array, r: () => number): Uint8Array {
  let b: Uint8Array = Uint8Array.from(base);
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(r() * Math.max(1, b.length));
    const kind = Math.floor(r() * 6);
    if (kind === 0 && b.length > 0) b[pos] ^= 1 << Math.floor(r() * 8); // bit flip
    else if (kind === 1 && b.length > 0) b[pos] = SPECIAL[Math.floor(r() * SPECIAL.length)];
    else if (kind === 2) b = b.subarray(0, pos).slice(); // truncate
    else if (kind === 3) {
      const ins = Uint8Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 256));
      b = concat(b.subarray(0, pos), ins, b.subarray(pos));
    } else if (kind === 4 && b.length > 0) {
      const len = 1 + Math.floor(r() * 16);
      b = concat(b.subarray(0, pos), b.subarray(Math.min(b.length, pos + len)));
    } else if (b.length > 8) {
      // splice: copy a random run of the file over another place (duplicated headers, lengths)
      const from = Math.floor(r() * b.length);
      const len = Math.min(1 + Math.floor(r() * 32), b.length - from, b.length - pos);
      b.copyWithin(pos, from, from + len);
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Totals of one fuzz run. */
export interface FuzzTotals {
  name: string;
  tried: number;
  loaded: number;
  typedErrors: number;
  untyped: { input: number; error: string }[];
}

/** Seconds each loader is fuzzed for (BACKPROP_FUZZ_SECONDS, default 2). */
export function fuzzSeconds(): number {
  const v = Number(process.env.BACKPROP_FUZZ_SECONDS ?? 2);
  return Number.isFinite(v) && v > 0 ? v : 2;
}

/**
 * Feeds mutants of the seeds to `load` for about `seconds` (at least `minInputs` inputs) and
 * returns the totals; an error that is not a BackpropError is recorded as untyped.
 */
export function fuzz(name: string, seeds: Uint8Array[], load: (bytes: Uint8Array) => unknown, options: { seed?: number; seconds?: number; minInputs?: number } = {}): FuzzTotals {
  const r = rng(options.seed ?? 1);
  const deadline = Date.now() + 1000 * (options.seconds ?? fuzzSeconds());
  const minInputs = options.minInputs ?? 50;
  const totals: FuzzTotals = { name, tried: 0, loaded: 0, typedErrors: 0, untyped: [] };
  while (totals.tried < minInputs || Date.now() < deadline) {
    const input = mutate(seeds[Math.floor(r() * seeds.length)], r);
    totals.tried++;
    try {
      load(input);
      totals.loaded++;
    } catch (e) {
      if (e instanceof BackpropError) totals.typedErrors++;
      else if (totals.untyped.length < 20) totals.untyped.push({ input: totals.tried, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      else totals.untyped.push({ input: totals.tried, error: '' });
    }
  }
  return totals;
}

/** Prints the totals on one line and fails, listing the first few, if any error was untyped. */
export function assertAllTyped(t: FuzzTotals): void {
  console.log(`fuzz ${t.name}: ${t.tried} inputs, ${t.loaded} loaded, ${t.typedErrors} typed errors, ${t.untyped.length} untyped`);
  assert.equal(t.untyped.length, 0, `${t.name}: untyped errors:\n${t.untyped.slice(0, 5).map((u) => `  input ${u.input}: ${u.error}`).join('\n')}`);
}
