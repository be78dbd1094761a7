/** Shared test helpers: approximate comparison of nested arrays and inputs away from kinks. */
import assert from 'node:assert/strict';
import { BackpropError, Tensor, randn, type NestedArray } from '../src/index.js';

/** Asserts two numbers or nested arrays agree within |a−b| ≤ atol + rtol·|b|. */
export function assertClose(actual: NestedArray | Tensor, expected: NestedArray, atol = 1e-6, rtol = 1e-5, path = 'value'): void {
  const a = actual instanceof Tensor ? actual.toArray() : actual;
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(a), `${path}: expected a list, got ${String(a)}`);
    assert.equal(a.length, expected.length, `${path}: length ${a.length} vs ${expected.length}`);
    expected.forEach((e, i) => assertClose(a[i], e, atol, rtol, `${path}[${i}]`));
    return;
  }
  assert.equal(typeof a, 'number', `${path}: expected a number`);
  const x = a as number;
  if (Number.isNaN(expected)) return assert.ok(Number.isNaN(x), `${path}: expected NaN, got ${x}`);
  assert.ok(Math.abs(x - expected) <= atol + rtol * Math.abs(expected), `${path}: ${x} differs from expected ${expected}`);
}

/** A seeded normal tensor whose entries are at least `gap` away from 0 (for ReLU-like kinks). */
export function randnAway(shape: number[], gap = 0.1): Tensor {
  const t = randn(shape, { requiresGrad: true });
  for (let i = 0; i < t.size; i++) {
    const v = t.data[i];
    if (Math.abs(v) < gap) t.data[i] = v < 0 ? v - gap : v + gap;
  }
  return t;
}

/** Asserts fn throws a BackpropError of `type` whose message matches `pattern`. */
export function throwsWith(fn: () => unknown, type: new (...a: never[]) => Error, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    assert.ok(e instanceof BackpropError);
    assert.match((e as Error).message, pattern);
    return true;
  });
}
