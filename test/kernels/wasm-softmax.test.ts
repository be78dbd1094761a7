// The WebAssembly softmax family and reductions (softmax.c via softmax.ts) against the cpu kernels:
// sumAll, extremeAxis and the softmax gradient bit for bit (float64 sums in the cpu kernel's order);
// softmax, log-softmax and the log-softmax gradient within one float32 rounding step, since the
// cpu kernel calls Math.exp/Math.log and wasm the polynomials of vmath.h (a few float64 ulps).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as cpu from '../../src/kernels/cpu/reduce.js';
import { wasmFeatures, wasmSoftmaxKernels } from '../../src/kernels/wasm/index.js';
import type { FloatArray } from '../../src/kernels/types.js';
import { randomArray, rng, within1Ulp } from './data.js';

/** Seeded logits in [-scale, scale) with some edge values sprinkled in when `edges`. */
function logits(n: number, seed: number, scale: number, edges: boolean): Float32Array {
  const next = rng(seed);
  const x = Float32Array.from({ length: n }, () => next() * scale);
  if (edges && n > 40) {
    x[3] = -Infinity;
    x[17] = 80;
    x[29] = -1e30;
  }
  return x;
}

/** Bit for bit (NaN equals NaN). */
function same(what: string, got: FloatArray, want: FloatArray): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`${what}[${i}] = ${got[i]}, cpu ${want[i]}`);
}

const variants = (['simd', 'relaxed'] as const).filter((v) => (v === 'simd' ? wasmFeatures().simd : wasmFeatures().relaxedSimd));
const shapes: [number, number, number][] = [[64, 10, 1], [3, 7, 5], [1, 1, 1], [2, 1000, 1], [4, 3, 33], [1, 129, 2]];

for (const variant of variants) {
  describe(`wasm softmax and reductions (${variant})`, () => {
    const k = wasmSoftmaxKernels(variant);

    test('softmax and log-softmax within 1 float32 ulp, any logits', () => {
      for (const [o, n, i] of shapes) {
        for (const [scale, edges] of [[3, false], [40, true]] as const) {
          const x = logits(o * n * i, o + n + i, scale, edges);
          for (const log of [false, true]) within1Ulp(`softmax log=${log} ${o}×${n}×${i}`, k.softmax(x, o, n, i, log), cpu.softmax(x, o, n, i, log));
        }
      }
      const special = Float32Array.from([-Infinity, -Infinity, 1, NaN, 2, 3, Infinity, 0, -1, -Infinity, -Infinity, -Infinity]);
      for (const log of [false, true]) same(`softmax specials log=${log}`, k.softmax(special, 4, 3, 1, log), cpu.softmax(special, 4, 3, 1, log));
    });

    test('softmaxGrad: bit for bit, log-softmax within 1 float32 ulp', () => {
      for (const [o, n, i] of shapes) {
        const x = logits(o * n * i, 7 + n, 3, false);
        const dy = randomArray(x.length, 8 + n);
        const y = cpu.softmax(x, o, n, i, false);
        same(`softmaxGrad ${o}×${n}×${i}`, k.softmaxGrad(dy, y, o, n, i, false), cpu.softmaxGrad(dy, y, o, n, i, false));
        const ly = cpu.softmax(x, o, n, i, true);
        within1Ulp(`logSoftmaxGrad ${o}×${n}×${i}`, k.softmaxGrad(dy, ly, o, n, i, true), cpu.softmaxGrad(dy, ly, o, n, i, true));
      }
    });

    test('sumAll bit for bit (float64 sum in order)', () => {
      for (const n of [0, 1, 5, 1000, 65537]) {
        const x = randomArray(n, n + 3);
        assert.equal(k.sumAll(x), cpu.sumAll(x), `n=${n}`);
      }
      assert.ok(Number.isNaN(k.sumAll(Float32Array.from([1, NaN]))));
    });

    test('extremeAxis: values and first positions, NaN wins', () => {
      for (const [o, n, i] of shapes) {
        const x = logits(o * n * i, 11 + n, 5, false);
        x[(o * n * i) >> 1] = x[0]; // a tie
        if (x.length > 20) x[13] = NaN;
        for (const wantMax of [true, false]) {
          const got = k.extremeAxis(x, o, n, i, wantMax);
          const want = cpu.extremeAxis(x, o, n, i, wantMax);
          same(`extreme ${o}×${n}×${i} max=${wantMax}`, got.values, want.values);
          assert.deepEqual(got.indices, want.indices);
        }
      }
    });
  });
}
