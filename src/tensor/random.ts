/**
 * The one source of randomness: a seeded xoshiro128** generator. `manualSeed(n)` makes
 * every run repeatable; its state can be saved and restored (checkpoints do).
 */
import { ValueError } from '../errors.js';

const state = new Uint32Array(4);

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** The largest seed `manualSeed` takes: seeds are the integers 0 … 2³² − 1. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * Seeds the global generator so every later random draw is repeatable. The seed is an integer
 * in 0 … 2³² − 1 (MAX_SEED); each gives a different stream. Anything else is a ValueError.
 */
export function manualSeed(seed: number): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new ValueError(`manualSeed: seed must be an integer in 0 … ${MAX_SEED} (2^32 − 1), got ${describeValue(seed)}`);
  }
  const next = splitmix32(seed);
  for (let i = 0; i < 4; i++) state[i] = next();
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
}

/** A copy of the generator's state (four 32-bit words). */
export function getRngState(): number[] {
  return Array.from(state);
}

/**
 * Restores a state returned by getRngState: four integers in 0 … 2³² − 1, not all zero
 * (xoshiro never leaves the all-zero state, so it would draw zeros forever).
 */
export function setRngState(s: readonly number[]): void {
  if (!Array.isArray(s) || s.length !== 4 || s.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
    const shown = Array.isArray(s) ? `[${s.map(describeValue).join(', ')}]` : describeValue(s);
    throw new ValueError(`setRngState: expected four integers in 0 … ${MAX_SEED}, got ${shown}`);
  }
  if (s.every((v) => v === 0)) {
    throw new ValueError('setRngState: the all-zero state is not a generator state (every draw would be 0); use a state from getRngState()');
  }
  state.set(s);
}

function describeValue(v: unknown): string {
  return typeof v === 'number' ? String(v) : `${typeof v} ${JSON.stringify(v) ?? String(v)}`;
}

/** Next 32 random bits. */
export function nextUint32(): number {
  const s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  const r = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
  const t = (s1 << 9) >>> 0;
  state[2] = s2 ^ s0;
  state[3] = s3 ^ s1;
  state[1] = s1 ^ state[2];
  state[0] = s0 ^ state[3];
  state[2] = state[2] ^ t;
  state[3] = rotl(state[3], 11);
  return r;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Uniform in [0, 1) with 53 random bits. */
export function random(): number {
  const hi = nextUint32() >>> 5; // 27 bits
  const lo = nextUint32() >>> 6; // 26 bits
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Uniform integer in [0, n). */
export function randomInt(n: number): number {
  return Math.floor(random() * n);
}

/** Standard normal draw (Box–Muller). */
export function randomNormal(): number {
  let u = 0;
  while (u === 0) u = random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A random permutation of 0…n−1 (Fisher–Yates). */
export function randperm(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

manualSeed(0x5eed);
