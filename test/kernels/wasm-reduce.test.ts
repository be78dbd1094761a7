// The WebAssembly sumAxis and addRowInPlace against the cpu kernels: bit-for-bit equal over many
// shapes (a whole-row sum, middle axes, empty axes), NaN/Inf included; float64 falls back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sumAxis } from '../../src/kernels/cpu/reduce.js';
import { addRowInPlace } from '../../src/kernels/cpu/elementwise.js';
import { wasmBackend, wasmReduceKernels } from '../../src/kernels/wasm/index.js';
import type { FloatArray } from '../../src/kernels/types.js';
import { rng } from './data.js';

/** n seeded values spread over several magnitudes (so float32 sums round), float32 or float64. */
function randomArray(n: number, seed: number, f64 = false): FloatArray {
  const next = rng(seed);
  const x = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = next() * 10 ** Math.floor(next() * 6 - 2);
  return x;
}

const k = wasmReduceKernels('simd');

describe('wasm reduce kernels', () => {
  test('the wasm backend provides sumAxis and addRowInPlace', () => {
    const b = wasmBackend();
    assert.equal(typeof b?.kernels.sumAxis, 'function');
    assert.equal(typeof b?.kernels.addRowInPlace, 'function');
  });

  test('sumAxis equals the cpu kernel bit for bit', () => {
    let seed = 1;
    const shapes: [number, number, number][] = [
      [1, 1, 1], [1, 1000, 1], [7, 33, 1], [1, 1024, 512], [3, 5, 7], [2, 0, 3], [0, 4, 2], [4, 3, 1], [5, 1, 9], [2, 300, 129],
    ];
    for (const [outer, n, inner] of shapes) {
      const x = randomArray(outer * n * inner, seed++);
      assert.deepStrictEqual(k.sumAxis(x, outer, n, inner), sumAxis(x, outer, n, inner), `[${outer}, ${n}, ${inner}]`);
    }
    const x = randomArray(4 * 6 * 3, seed++);
    [NaN, Infinity, -Infinity, -0].forEach((v, i) => (x[i * 7] = v));
    assert.deepStrictEqual(k.sumAxis(x, 4, 6, 3), sumAxis(x, 4, 6, 3), 'NaN/Inf');
    assert.deepStrictEqual(k.sumAxis(x, 2, 36, 1), sumAxis(x, 2, 36, 1), 'NaN/Inf, whole rows');
  });

  test('addRowInPlace equals the cpu kernel bit for bit', () => {
    let seed = 100;
    for (const [rows, cols] of [[1, 1], [3, 7], [64, 128], [1024, 512], [5, 1], [0, 3]] as [number, number][]) {
      const x = randomArray(rows * cols, seed++);
      const bias = randomArray(cols, seed++);
      bias[0] = NaN;
      const want = x.slice();
      const got = x.slice();
      addRowInPlace(want, bias, rows, cols);
      k.addRowInPlace(got, bias, rows, cols);
      assert.deepStrictEqual(got, want, `${rows}x${cols}`);
    }
  });

  test('float64 arrays fall back to the cpu kernels', () => {
    const x = randomArray(6 * 5, 7, true);
    const r = k.sumAxis(x, 2, 3, 5);
    assert.ok(r instanceof Float64Array);
    assert.deepStrictEqual(r, sumAxis(x, 2, 3, 5));
    const bias = randomArray(5, 8, true);
    const want = x.slice();
    const got = x.slice();
    addRowInPlace(want, bias, 6, 5);
    k.addRowInPlace(got, bias, 6, 5);
    assert.deepStrictEqual(got, want);
  });
});
