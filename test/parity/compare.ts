/** Comparing backprop tensors with PyTorch fixture values within float32 tolerance. */
import assert from 'node:assert/strict';
import type { NestedArray, Tensor } from '../../src/index.js';

/** float32 tolerance: |actual − expected| ≤ ATOL + RTOL·|expected|. */
export const ATOL = 1e-5;
export const RTOL = 1e-4;

/** Shape and row-major elements of a nested list (a bare number is a 0-d tensor). */
export function unpack(value: NestedArray): { shape: number[]; data: number[] } {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  const data: number[] = [];
  const walk = (v: NestedArray): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else data.push(v);
  };
  walk(value);
  return { shape, data };
}

/** Asserts `actual` has the shape of `expected` and agrees elementwise within float32 tolerance. */
export function assertClose(what: string, actual: Tensor | null, expected: NestedArray): void {
  assert.ok(actual, `${what}: missing (null), expected a tensor`);
  const want = unpack(expected);
  assert.deepEqual([...actual.shape], want.shape, `${what}: shape [${actual.shape.join(', ')}] differs from PyTorch's [${want.shape.join(', ')}]`);
  assert.equal(actual.size, want.data.length, `${what}: ${actual.size} elements vs ${want.data.length}`);
  const bad: string[] = [];
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const a = actual.data[i];
    const b = want.data[i];
    const err = Math.abs(a - b);
    const ok = err <= ATOL + RTOL * Math.abs(b); // false for NaN
    if (!ok) {
      worst = Number.isNaN(err) ? NaN : Math.max(worst, err);
      if (bad.length < 6) bad.push(`  [${i}] backprop ${a} vs torch ${b} (|diff| ${err.toExponential(2)})`);
    }
  }
  if (bad.length > 0) {
    assert.fail(`${what}: ${want.data.length} elements, worst |diff| ${worst}; first mismatches (flat row-major index):\n${bad.join('\n')}`);
  }
}
