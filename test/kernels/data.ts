// Seeded test data shared by the kernel tests, so a failure reproduces from its seed.
import assert from 'node:assert/strict';
import type { FloatArray } from '../../src/kernels/types.js';

/** A seeded generator of uniform numbers in [-1, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  };
}

/** An array of n seeded values in [-1, 1), float32 or float64. */
export function randomArray(n: number, seed: number, f64 = false): FloatArray {
  const next = rng(seed);
  const x = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = next();
  return x;
}

/** Storage lengths of A and B for a product (with batch and strides) so every accessed element exists. */
export function operandSizes(m: number, k: number, n: number, opts: { batch?: number; strideA?: number; strideB?: number }): [number, number] {
  const batch = opts.batch ?? 1;
  const sa = opts.strideA ?? m * k;
  const sb = opts.strideB ?? k * n;
  return [(batch - 1) * sa + m * k, (batch - 1) * sb + k * n];
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The position of a float32 on the line of float32s (ordered integers). */
function ordinal(v: number): number {
  f32[0] = v;
  const u = u32[0];
  return u & 0x80000000 ? -(u & 0x7fffffff) : u;
}

/** Asserts float32 arrays equal but for one float32 rounding step (1 ulp); NaN and infinities exactly. */
export function within1Ulp(what: string, got: ArrayLike<number>, want: ArrayLike<number>): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    const ok = Number.isFinite(w) ? Math.abs(ordinal(g) - ordinal(w)) <= 1 || (g === 0 && w === 0) : Object.is(g, w);
    if (!ok) assert.fail(`${what}[${i}] = ${g}, cpu ${w}`);
  }
}
