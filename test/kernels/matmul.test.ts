// The blocked matmul kernel against a naive float64 triple loop: odd sizes, every transpose, batches and strides.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matmul, type MatmulOptions } from '../../src/kernels/cpu/matmul.js';
import type { FloatArray } from '../../src/kernels/types.js';
import { randomArray, operandSizes as sizes } from './data.js';

/** The naive reference in float64: C[t] = op(A[t])·op(B[t]), plus Σ|a||b| per element for the tolerance. */
function reference(a: FloatArray, b: FloatArray, m: number, k: number, n: number, opts: MatmulOptions): { c: Float64Array; scale: Float64Array } {
  const batch = opts.batch ?? 1;
  const sa = opts.strideA ?? m * k;
  const sb = opts.strideB ?? k * n;
  const c = new Float64Array(batch * m * n);
  const scale = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          const x = a[t * sa + (opts.transA ? p * m + i : i * k + p)];
          const y = b[t * sb + (opts.transB ? j * k + p : p * n + j)];
          s += x * y;
          abs += Math.abs(x * y);
        }
        c[t * m * n + i * n + j] = s;
        scale[t * m * n + i * n + j] = abs;
      }
    }
  }
  return { c, scale };
}

/** Runs the kernel and asserts type, length and every element against the reference within rtol·Σ|a||b|. */
function check(a: FloatArray, b: FloatArray, m: number, k: number, n: number, opts: MatmulOptions, rtol: number): void {
  const got = matmul(a, b, m, k, n, opts);
  const f64 = a instanceof Float64Array || b instanceof Float64Array;
  const what = `${m}x${k}x${n} ${JSON.stringify(opts)}${f64 ? ' f64' : ''}`;
  assert.ok(f64 ? got instanceof Float64Array : got instanceof Float32Array, `${what}: wrong element type`);
  assert.notEqual(got.buffer, a.buffer, `${what}: result aliases A`);
  assert.notEqual(got.buffer, b.buffer, `${what}: result aliases B`);
  const { c, scale } = reference(a, b, m, k, n, opts);
  assert.equal(got.length, c.length, `${what}: wrong length`);
  for (let i = 0; i < c.length; i++) {
    const err = Math.abs(got[i] - c[i]);
    if (!(err <= rtol * scale[i] + 1e-30)) {
      assert.fail(`${what}: element ${i} is ${got[i]}, expected ${c[i]} (error ${err}, allowed ${rtol * scale[i]})`);
    }
  }
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [3, 5, 7], [17, 33, 9], [64, 784, 128], [130, 70, 257], [4, 2, 2], [1, 300, 1], [5, 1, 6],
  [2, 600, 3], [129, 257, 131], [64, 128, 10], [128, 64, 784], [16, 16, 16], [16, 16, 17], [7, 513, 5],
  [33, 511, 1027], [1, 64, 100], [100, 64, 1],
];
const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

describe('matmul kernel', () => {
  let seed = 1;
  for (const [m, k, n] of SHAPES) {
    test(`float32 ${m}x${k}x${n}, every transpose`, () => {
      for (const [transA, transB] of TRANSPOSES) {
        const opts = { transA, transB };
        check(randomArray(m * k, seed++), randomArray(k * n, seed++), m, k, n, opts, 1e-5);
      }
    });
  }

  test('batches with default, zero and padded strides', () => {
    const cases: [number, number, number, MatmulOptions][] = [
      [5, 7, 3, { batch: 3 }],
      [17, 40, 9, { batch: 4, strideA: 0 }],
      [17, 40, 9, { batch: 4, strideB: 0 }],
      [20, 300, 30, { batch: 3, strideB: 0 }],
      [6, 9, 11, { batch: 2, strideA: 0, strideB: 0 }],
      [9, 12, 5, { batch: 3, strideA: 9 * 12 + 7, strideB: 12 * 5 + 3 }],
      [64, 130, 33, { batch: 2 }],
      [2, 50, 40, { batch: 3, strideA: 0 }],
      [3, 20, 7, { batch: 2 }],
      [30, 50, 1, { batch: 2, strideB: 0 }],
      [30, 50, 1, { batch: 3 }],
    ];
    for (const [m, k, n, base] of cases) {
      for (const [transA, transB] of TRANSPOSES) {
        const opts = { ...base, transA, transB };
        const [la, lb] = sizes(m, k, n, opts);
        check(randomArray(la, seed++), randomArray(lb, seed++), m, k, n, opts, 1e-5);
      }
    }
  });

  test('float64 inputs give a float64 result computed in double precision', () => {
    for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [17, 33, 9], [40, 300, 20]] as [number, number, number][]) {
      for (const [transA, transB] of TRANSPOSES) {
        const opts = { transA, transB };
        check(randomArray(m * k, seed++, true), randomArray(k * n, seed++, true), m, k, n, opts, 1e-12);
        check(randomArray(m * k, seed++, true), randomArray(k * n, seed++), m, k, n, opts, 1e-12);
        check(randomArray(m * k, seed++), randomArray(k * n, seed++, true), m, k, n, opts, 1e-12);
      }
    }
    const opts = { batch: 3, strideA: 0, transB: true };
    const [la, lb] = sizes(4, 6, 5, opts);
    check(randomArray(la, seed++, true), randomArray(lb, seed++, true), 4, 6, 5, opts, 1e-12);
  });

  test('empty dimensions give zero-filled results of the right length', () => {
    assert.deepEqual(Array.from(matmul(new Float32Array(6), new Float32Array(0), 2, 3, 0)), []);
    assert.deepEqual(Array.from(matmul(new Float32Array(0), new Float32Array(0), 2, 0, 3)), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(matmul(new Float32Array(0), new Float32Array(0), 2, 0, 2, { batch: 2 })), new Array(8).fill(0));
  });

  test('every call returns a fresh array and reused scratch buffers leave no trace', () => {
    const a = randomArray(200 * 300, seed++);
    const b = randomArray(300 * 150, seed++);
    const c1 = matmul(a, b, 200, 300, 150);
    const c2 = matmul(a, b, 200, 300, 150);
    assert.notEqual(c1, c2);
    assert.deepEqual(c1, c2);
    // a small product right after a big one must not read stale packed data
    check(randomArray(9 * 7, seed++), randomArray(7 * 11, seed++), 9, 7, 11, {}, 1e-5);
  });

  test('NaN and Infinity propagate like the naive product', () => {
    const m = 10, k = 20, n = 30;
    const a = randomArray(m * k, seed++) as Float32Array;
    const b = randomArray(k * n, seed++) as Float32Array;
    a[3 * k + 5] = NaN; // row 3 of C
    b[7 * n + 11] = Infinity; // column 11 of C, infinite unless row hit the NaN
    const c = matmul(a, b, m, k, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const v = c[i * n + j];
        if (i === 3) assert.ok(Number.isNaN(v), `C[${i},${j}] should be NaN`);
        else if (j === 11) assert.ok(Math.abs(v) === Infinity, `C[${i},${j}] should be ±Infinity, got ${v}`);
        else assert.ok(Number.isFinite(v), `C[${i},${j}] should be finite`);
      }
    }
  });
});
