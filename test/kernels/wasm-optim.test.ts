// The WebAssembly optimiser kernels against the cpu kernels: bit-for-bit equal updates of θ and
// every state buffer over every option combination, odd lengths, both builds; float64 falls back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import * as cpu from '../../src/kernels/cpu/optim.js';
import { wasmBackend, wasmFeatures, wasmOptimKernels, type WasmVariant } from '../../src/kernels/wasm/index.js';
import type { FloatArray } from '../../src/kernels/types.js';
import { rng } from './data.js';

if (!wasmFeatures().relaxedSimd) setFlagsFromString('--experimental-wasm-relaxed-simd');
const variants: WasmVariant[] = ['simd', 'relaxed'];
const LENGTHS = [1, 2, 7, 1000, 4099];

/** n seeded values in [lo, lo + 2·scale); float64 on request. */
function randomArray(n: number, seed: number, scale = 1, lo = -scale, f64 = false): FloatArray {
  const next = rng(seed);
  const x = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = lo + (next() + 1) * scale;
  return x;
}

/** Copies of the arrays (null stays null), so the cpu and wasm kernels start from the same state. */
function clone<T extends (FloatArray | null)[]>(xs: T): T {
  return xs.map((x) => (x ? x.slice() : null)) as T;
}

/** Asserts the two runs left every array identical (Object.is per element: NaN, ±0 included). */
function same(what: string, got: (FloatArray | null)[], want: (FloatArray | null)[]): void {
  got.forEach((x, i) => assert.deepStrictEqual(x, want[i], `${what}: array ${i} differs`));
}

/** Every combination of the boolean flags named. */
function* flags<K extends string>(...names: K[]): Generator<Record<K, boolean>> {
  for (let bits = 0; bits < 1 << names.length; bits++) {
    yield Object.fromEntries(names.map((k, i) => [k, (bits >> i) & 1 ? true : false])) as Record<K, boolean>;
  }
}

describe('wasm optimiser kernels', () => {
  test('the wasm backend provides the optimiser steps', () => {
    const b = wasmBackend();
    assert.ok(b !== null);
    for (const k of ['sgdStep', 'adamStep', 'rmspropStep'] as const) assert.equal(typeof b.kernels[k], 'function');
  });

  for (const variant of variants) {
    const k = wasmOptimKernels(variant);

    test(`${variant}: sgdStep equals the cpu kernel (plain, momentum, first step, Nesterov, decay, maximize)`, () => {
      let seed = 1;
      for (const n of LENGTHS) {
        for (const f of flags('momentum', 'first', 'nesterov', 'decay', 'maximize')) {
          const o: cpu.SgdStep = {
            lr: 0.05, momentum: f.momentum ? 0.9 : 0, dampening: f.nesterov ? 0 : 0.1, nesterov: f.nesterov,
            weightDecay: f.decay ? 0.01 : 0, maximize: f.maximize, first: f.first,
          };
          const init = [randomArray(n, seed++), randomArray(n, seed++), f.momentum ? randomArray(n, seed++, 0.5) : null];
          const want = clone(init);
          const got = clone(init);
          cpu.sgdStep(want[0]!, want[1]!, want[2], o);
          k.sgdStep(got[0]!, got[1]!, got[2], o);
          same(`sgd n=${n} ${JSON.stringify(f)}`, got, want);
        }
      }
    });

    test(`${variant}: adamStep equals the cpu kernel (Adam, AdamW, AMSGrad, maximize, steps 1 and 7)`, () => {
      let seed = 100;
      for (const n of LENGTHS) {
        for (const f of flags('amsgrad', 'decay', 'decoupled', 'maximize', 'later')) {
          const o: cpu.AdamStep = {
            lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: f.decay ? 0.01 : 0,
            decoupled: f.decoupled, maximize: f.maximize, step: f.later ? 7 : 1,
          };
          const init = [
            randomArray(n, seed++), randomArray(n, seed++), randomArray(n, seed++, 0.1),
            randomArray(n, seed++, 0.01, 0), f.amsgrad ? randomArray(n, seed++, 0.01, 0) : null,
          ];
          const want = clone(init);
          const got = clone(init);
          cpu.adamStep(want[0]!, want[1]!, want[2]!, want[3]!, want[4], o);
          k.adamStep(got[0]!, got[1]!, got[2]!, got[3]!, got[4], o);
          same(`adam n=${n} ${JSON.stringify(f)}`, got, want);
        }
      }
    });

    test(`${variant}: rmspropStep equals the cpu kernel (centered, momentum, decay, maximize)`, () => {
      let seed = 200;
      for (const n of LENGTHS) {
        for (const f of flags('centered', 'momentum', 'decay', 'maximize')) {
          const o: cpu.RmspropStep = {
            lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: f.decay ? 0.01 : 0, momentum: f.momentum ? 0.9 : 0, maximize: f.maximize,
          };
          // v ≥ gAvg² keeps the centered square root real, as a running variance does.
          const gAvg = f.centered ? randomArray(n, seed++, 0.05) : null;
          const v = randomArray(n, seed++, 0.01, 0.01);
          const init = [randomArray(n, seed++), randomArray(n, seed++), v, gAvg, f.momentum ? randomArray(n, seed++, 0.1) : null];
          const want = clone(init);
          const got = clone(init);
          cpu.rmspropStep(want[0]!, want[1]!, want[2]!, want[3], want[4], o);
          k.rmspropStep(got[0]!, got[1]!, got[2]!, got[3], got[4], o);
          same(`rmsprop n=${n} ${JSON.stringify(f)}`, got, want);
        }
      }
    });

    test(`${variant}: NaN and Infinity in the gradient propagate as in the cpu kernels`, () => {
      const grad = Float32Array.from([1, NaN, Infinity, -Infinity, 0, -0, 3]);
      const n = grad.length;
      const init = [randomArray(n, 300), grad, randomArray(n, 301, 0.1), randomArray(n, 302, 0.01, 0), null];
      const want = clone(init);
      const got = clone(init);
      const o: cpu.AdamStep = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, step: 3 };
      cpu.adamStep(want[0]!, want[1]!, want[2]!, want[3]!, null, o);
      k.adamStep(got[0]!, got[1]!, got[2]!, got[3]!, null, o);
      same('adam with NaN/Inf gradient', got, want);
    });
  }

  test('float64 arrays fall back to the cpu kernels', () => {
    const k = wasmOptimKernels('simd');
    const n = 33;
    const init = [randomArray(n, 400, 1, -1, true), randomArray(n, 401, 1, -1, true), randomArray(n, 402, 0.1, -0.1, true), randomArray(n, 403, 0.01, 0, true)];
    const want = clone(init);
    const got = clone(init);
    const o: cpu.AdamStep = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, maximize: false, step: 2 };
    cpu.adamStep(want[0], want[1], want[2], want[3], null, o);
    k.adamStep(got[0], got[1], got[2], got[3], null, o);
    same('adam f64', got, want);
    assert.ok(got[0] instanceof Float64Array);
  });
});
