// The WebAssembly SIMD matmul against the cpu kernel: many shapes, every transpose, batches with
// strides (0 = broadcast), float64 fallback. Both builds are checked: plain SIMD, and relaxed SIMD
// (fused multiply-add) after enabling it in V8 where the engine ships it behind a flag (Node 20).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { matmul as cpuMatmul, type MatmulOptions } from '../../src/kernels/cpu/matmul.js';
import { wasmBackend, wasmFeatures, wasmMatmul, type WasmVariant } from '../../src/kernels/wasm/index.js';
import { instance } from '../../src/kernels/wasm/instance.js';
import { DEFAULT_BUDGET, storageOf } from '../../src/kernels/wasm/storage.js';
import { randomArray, operandSizes as sizes } from './data.js';

const features = wasmFeatures();
if (!features.relaxedSimd) setFlagsFromString('--experimental-wasm-relaxed-simd');
const variants: WasmVariant[] = ['simd', 'relaxed'];

/**
 * Asserts the wasm product equals the cpu kernel within the float32 rounding bound of a k-term
 * sum, (k + 2)·2⁻²⁴·Σ|a||b| per element (Σ|a||b| from the cpu kernel on |A|, |B|).
 */
function check(variant: WasmVariant, m: number, k: number, n: number, opts: MatmulOptions, seed: number): void {
  const [la, lb] = sizes(m, k, n, opts);
  const a = randomArray(la, seed) as Float32Array;
  const b = randomArray(lb, seed + 1) as Float32Array;
  const got = wasmMatmul(variant)(a, b, m, k, n, opts);
  const want = cpuMatmul(a, b, m, k, n, opts);
  const scale = cpuMatmul(a.map(Math.abs), b.map(Math.abs), m, k, n, opts);
  const what = `${variant} ${m}x${k}x${n} ${JSON.stringify(opts)}`;
  assert.ok(got instanceof Float32Array, `${what}: not a Float32Array`);
  assert.equal(got.length, want.length, `${what}: wrong length`);
  const rtol = (k + 2) * 2 ** -24;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= rtol * scale[i] + 1e-30)) {
      assert.fail(`${what}: element ${i} is ${got[i]}, cpu ${want[i]} (error ${err}, allowed ${rtol * scale[i]})`);
    }
  }
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [33, 17, 65], [128, 128, 128], [1024, 64, 128], [32, 128, 512], [32, 128, 128],
  [3, 5, 7], [4, 8, 8], [5, 9, 9], [1, 300, 1], [2, 600, 3], [7, 513, 5], [130, 70, 257],
  [1, 64, 100], [100, 64, 1], [197, 300, 1030], [64, 784, 10], [2, 5000, 37], [70, 4500, 1], [3, 40, 70],
];
const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

describe('wasm matmul kernel', () => {
  test('the engine has WebAssembly SIMD and the backend provides matmul', () => {
    assert.ok(features.simd, 'Node 20 validates the SIMD module');
    const backend = wasmBackend();
    assert.ok(backend !== null);
    assert.equal(backend.name, 'wasm');
    assert.equal(typeof backend.kernels.matmul, 'function');
  });

  for (const variant of variants) {
    let seed = variant === 'simd' ? 1 : 1000;
    for (const [m, k, n] of SHAPES) {
      test(`${variant}: ${m}x${k}x${n}, every transpose`, () => {
        for (const [transA, transB] of TRANSPOSES) check(variant, m, k, n, { transA, transB }, (seed += 2));
      });
    }

    test(`${variant}: batches with default, zero (broadcast) and padded strides`, () => {
      const cases: [number, number, number, MatmulOptions][] = [
        [5, 7, 3, { batch: 3 }],
        [17, 40, 9, { batch: 4, strideA: 0 }],
        [17, 40, 9, { batch: 4, strideB: 0 }],
        [20, 300, 30, { batch: 3, strideB: 0 }],
        [6, 9, 11, { batch: 2, strideA: 0, strideB: 0 }],
        [9, 12, 5, { batch: 3, strideA: 9 * 12 + 7, strideB: 12 * 5 + 3 }],
        [64, 130, 33, { batch: 2 }],
        [2, 50, 40, { batch: 3, strideA: 0 }],
        [30, 50, 1, { batch: 2, strideB: 0 }],
        [32, 128, 128, { batch: 5, strideB: 0 }],
      ];
      for (const [m, k, n, base] of cases) {
        for (const [transA, transB] of TRANSPOSES) check(variant, m, k, n, { ...base, transA, transB }, (seed += 2));
      }
    });

    test(`${variant}: a product larger than every block (k, m and n blocked, memory grows)`, () => {
      check(variant, 200, 600, 1100, {}, (seed += 2));
      check(variant, 200, 600, 1100, { transA: true, transB: true }, (seed += 2));
    });
  }

  test('a large ordinary-array A runs in row chunks: the same bits as unchunked, and the memory grows by a chunk, not by A', () => {
    const mm = wasmMatmul('simd');
    const inst = instance('simd');
    for (const transB of [false, true]) {
      const [m, k, n] = [3000, 784, 130]; // A: 9.4 MB, over the 4 MiB chunk
      const a = randomArray(m * k, 40) as Float32Array;
      const b = randomArray(k * n, 41) as Float32Array;
      const chunked = mm(a, b, m, k, n, { transB });
      const st = storageOf(inst);
      st.setBudgets({ tensors: 256 * 2 ** 20 }); // earlier tests filled the default one (nothing is collected within a test file)
      const resident = st.allocView(m * k, false);
      st.setBudgets(DEFAULT_BUDGET);
      assert.ok(resident, 'a pool view for A (then A goes by address, in one piece)');
      resident.set(a);
      assert.deepEqual(chunked, mm(resident, b, m, k, n, { transB }), `transB ${transB}`);
    }
    const big = randomArray(8000 * 784, 42) as Float32Array; // 25 MB
    const before = inst.memory.buffer.byteLength;
    const c = mm(big, randomArray(784 * 10, 43), 8000, 784, 10, { transB: true });
    assert.equal(c.length, 80_000);
    const grew = inst.memory.buffer.byteLength - before;
    assert.ok(grew < 8 * 2 ** 20, `the memory grew by ${grew} bytes for a 25 MB A`);
  });

  test('float64 inputs fall back to the cpu kernel exactly', () => {
    const mm = wasmMatmul('simd');
    for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [33, 17, 65]] as [number, number, number][]) {
      for (const [transA, transB] of TRANSPOSES) {
        const opts = { transA, transB };
        const a = randomArray(m * k, 7, true);
        const b = randomArray(k * n, 8, true);
        const b32 = randomArray(k * n, 9);
        const got = mm(a, b, m, k, n, opts);
        assert.ok(got instanceof Float64Array);
        assert.deepEqual(got, cpuMatmul(a, b, m, k, n, opts));
        assert.deepEqual(mm(a, b32, m, k, n, opts), cpuMatmul(a, b32, m, k, n, opts));
      }
    }
    const opts = { batch: 3, strideA: 0, transB: true };
    const [la, lb] = sizes(4, 6, 5, opts);
    const a = randomArray(la, 10, true);
    const b = randomArray(lb, 11, true);
    assert.deepEqual(mm(a, b, 4, 6, 5, opts), cpuMatmul(a, b, 4, 6, 5, opts));
  });

  test('empty dimensions give zero-filled results; every call returns a fresh array', () => {
    const mm = wasmMatmul('simd');
    assert.deepEqual(Array.from(mm(new Float32Array(6), new Float32Array(0), 2, 3, 0)), []);
    assert.deepEqual(Array.from(mm(new Float32Array(0), new Float32Array(0), 2, 0, 3)), [0, 0, 0, 0, 0, 0]);
    const a = randomArray(60 * 70, 12);
    const b = randomArray(70 * 50, 13);
    const c1 = mm(a, b, 60, 70, 50);
    const c2 = mm(a, b, 60, 70, 50);
    assert.notEqual(c1, c2);
    // Fresh storage: another buffer, or (tensors in the wasm memory's pool) bytes that do not overlap.
    const apart = c1.buffer !== c2.buffer || c1.byteOffset + c1.byteLength <= c2.byteOffset || c2.byteOffset + c2.byteLength <= c1.byteOffset;
    assert.ok(apart, 'two results share storage');
    assert.deepEqual(c1, c2);
  });

  test('NaN and Infinity propagate like the naive product', () => {
    const m = 10, k = 20, n = 30;
    const a = randomArray(m * k, 14) as Float32Array;
    const b = randomArray(k * n, 15) as Float32Array;
    a[3 * k + 5] = NaN; // row 3 of C
    b[7 * n + 11] = Infinity; // column 11 of C, infinite unless the row hit the NaN
    for (const variant of variants) {
      const c = wasmMatmul(variant)(a, b, m, k, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const v = c[i * n + j];
          if (i === 3) assert.ok(Number.isNaN(v), `${variant} C[${i},${j}] should be NaN`);
          else if (j === 11) assert.ok(Math.abs(v) === Infinity, `${variant} C[${i},${j}] should be ±Infinity, got ${v}`);
          else assert.ok(Number.isFinite(v), `${variant} C[${i},${j}] should be finite`);
        }
      }
    }
  });
});
