// The WebAssembly batch normalisation kernels against the cpu kernels: bit for bit equal statistics,
// outputs and gradients (batch and running statistics, with and without γ/β, float32 and float64
// running statistics, [N, C] and [N, C, S] layouts, batch 1), both builds; float64 tensors fall back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import * as cpu from '../../src/kernels/cpu/batchnorm.js';
import type { BatchNormGeometry } from '../../src/kernels/cpu/batchnorm.js';
import { wasmBackend, wasmBatchNormKernels, wasmFeatures, type WasmVariant } from '../../src/kernels/wasm/index.js';
import { randomArray } from './data.js';

if (!wasmFeatures().relaxedSimd) setFlagsFromString('--experimental-wasm-relaxed-simd');
const variants: WasmVariant[] = ['simd', 'relaxed'];
const SHAPES: BatchNormGeometry[] = [
  { n: 8, c: 6, s: 49 }, { n: 1, c: 3, s: 17 }, { n: 32, c: 10, s: 1 }, { n: 5, c: 16, s: 64 }, { n: 2, c: 1, s: 1 },
];

describe('wasm batch normalisation kernels', () => {
  test('the wasm backend provides the batch normalisation kernels', () => {
    const b = wasmBackend();
    assert.ok(b !== null);
    for (const k of ['batchNormStats', 'batchNorm', 'batchNormGrad'] as const) assert.equal(typeof b.kernels[k], 'function');
  });

  for (const variant of variants) {
    const k = wasmBatchNormKernels(variant);
    for (const g of SHAPES) {
      test(`${variant}: [${g.n}, ${g.c}, ${g.s}]: statistics, forward and gradients equal the cpu kernels`, () => {
        const len = g.n * g.c * g.s;
        const x = randomArray(len, 71) as Float32Array;
        for (let i = 0; i < len; i++) x[i] = 3 * x[i] + 0.5; // mean away from 0
        const dy = randomArray(len, 72);
        const weight = randomArray(g.c, 73);
        const bias = randomArray(g.c, 74);
        const stats = k.batchNormStats(x, g);
        assert.deepStrictEqual(stats, cpu.batchNormStats(x, g), 'statistics');
        const running = { mean: Float32Array.from(stats.mean), variance: Float32Array.from(stats.variance) };
        for (const st of [stats, running]) {
          for (const [w, b] of [[weight, bias], [null, null]] as const) {
            assert.deepStrictEqual(k.batchNorm(x, st.mean, st.variance, w, b, 1e-5, g), cpu.batchNorm(x, st.mean, st.variance, w, b, 1e-5, g), 'forward');
            for (const batchStats of [true, false]) {
              assert.deepStrictEqual(
                k.batchNormGrad(dy, x, st.mean, st.variance, w, 1e-5, g, batchStats),
                cpu.batchNormGrad(dy, x, st.mean, st.variance, w, 1e-5, g, batchStats),
                `gradient (batch statistics ${batchStats}, γ ${w !== null})`,
              );
            }
          }
        }
      });
    }
  }

  test('float64 tensors go to the cpu kernels (same results)', () => {
    const g = { n: 4, c: 3, s: 5 };
    const x = randomArray(60, 81, true);
    const dy = randomArray(60, 82, true);
    const k = wasmBatchNormKernels('simd');
    const st = k.batchNormStats(x, g);
    assert.deepStrictEqual(st, cpu.batchNormStats(x, g));
    assert.deepStrictEqual(k.batchNorm(x, st.mean, st.variance, null, null, 1e-5, g), cpu.batchNorm(x, st.mean, st.variance, null, null, 1e-5, g));
    assert.deepStrictEqual(k.batchNormGrad(dy, x, st.mean, st.variance, null, 1e-5, g, true), cpu.batchNormGrad(dy, x, st.mean, st.variance, null, 1e-5, g, true));
  });
});
