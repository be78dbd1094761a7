// The WebAssembly elementwise kernels (unary.c, binary.c via unary.ts, binary.ts) against the cpu
// kernels on seeded random data with edge values (±0, ±Inf, NaN, large |x|, float32 subnormals):
// bit for bit where the arithmetic is the cpu kernel's; within one float32 rounding step where
// the cpu kernel calls Math.exp/log/tanh/log1p/expm1/sin/cos and wasm uses the polynomials of vmath.h
// (a few float64 ulps from the true value, so the float32 rounding may land on the other side).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as cpu from '../../src/kernels/cpu/elementwise.js';
import { wasmBinaryKernels, wasmFeatures, wasmUnaryKernels } from '../../src/kernels/wasm/index.js';
import type { FloatArray } from '../../src/kernels/types.js';
import { randomArray, rng, within1Ulp } from './data.js';

const EDGES = [0, -0, 1, -1, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1e-30, 3e38, -3e38, 88.7, -87.3, 100, -100, 20, -20, 1e-5, -1e-5, 0.5, 0.00999, 0.01];

/** n seeded values: most in [-scale, scale), a few scaled much larger, and the edge values in front. */
function data(n: number, seed: number, scale = 4): Float32Array {
  const next = rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = next() * (i % 17 === 0 ? 1000 : scale);
  x.set(EDGES.slice(0, Math.min(n, EDGES.length)));
  return x;
}

/** Float32 arrays equal bit for bit (NaN equals NaN; +0 and −0 differ). */
function same(what: string, got: FloatArray, want: FloatArray): void {
  assert.ok(got instanceof Float32Array, `${what}: float32 result`);
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}[${i}] = ${got[i]}, cpu ${want[i]}`);
  }
}

const variants = (['simd', 'relaxed'] as const).filter((v) => (v === 'simd' ? wasmFeatures().simd : wasmFeatures().relaxedSimd));

for (const variant of variants) {
  describe(`wasm elementwise kernels (${variant})`, () => {
    const k = wasmUnaryKernels(variant);
    const b = wasmBinaryKernels(variant);
    const sizes = [0, 1, 3, 4, 7, 37, 1031];

    test('unary: exact ops bit for bit, Math-function ops within 1 float32 ulp', () => {
      for (const n of sizes) {
        const x = data(n, 10 + n);
        for (const op of ['neg', 'sqrt', 'abs', 'relu', 'sign'] as const) same(`${op} n=${n}`, k.unary(op, x), cpu.unary(op, x));
        for (const op of ['exp', 'log', 'sigmoid', 'tanh', 'sin', 'cos'] as const) within1Ulp(`${op} n=${n}`, k.unary(op, x), cpu.unary(op, x));
      }
    });

    test('unary: log of positive values and tanh/σ of small ones, all float32 ulps counted', () => {
      const next = rng(5);
      const pos = Float32Array.from({ length: 4000 }, (_, i) => Math.abs(next()) * 10 ** ((i % 80) - 40));
      within1Ulp('log', k.unary('log', pos), cpu.unary('log', pos));
      const small = Float32Array.from({ length: 4000 }, (_, i) => next() * 10 ** -(i % 9));
      for (const op of ['tanh', 'sigmoid', 'exp'] as const) within1Ulp(op, k.unary(op, small), cpu.unary(op, small));
    });

    test('sin and cos beyond |x| = 1e5 run on the cpu kernel, exactly', () => {
      const x = Float32Array.from([1, 2e5, -3]);
      for (const op of ['sin', 'cos'] as const) {
        same(op, k.unary(op, x), cpu.unary(op, x));
        same(`${op}'`, k.unaryGrad(op, x, x), cpu.unaryGrad(op, x, x));
      }
    });

    test('unaryGrad: every op (σ, tanh, sqrt in float64 steps: bit for bit; sin, cos within 1 ulp)', () => {
      for (const n of sizes) {
        const dy = data(n, 20 + n);
        const saved = data(n, 30 + n);
        const y01 = Float32Array.from(saved, (v) => 1 / (1 + Math.exp(-v)));
        for (const op of ['sigmoid', 'tanh', 'relu', 'exp', 'log', 'sqrt', 'abs'] as const) {
          const s = op === 'sigmoid' ? y01 : saved;
          same(`${op}' n=${n}`, k.unaryGrad(op, dy, s), cpu.unaryGrad(op, dy, s));
        }
        for (const op of ['sin', 'cos'] as const) within1Ulp(`${op}' n=${n}`, k.unaryGrad(op, dy, saved), cpu.unaryGrad(op, dy, saved));
      }
    });

    test('parametrised activations and their gradients', () => {
      for (const n of sizes) {
        const x = data(n, 40 + n);
        const dy = data(n, 50 + n);
        for (const [beta, thr] of [[1, 20], [2.5, 10], [0.5, 5]]) {
          within1Ulp(`softplus β=${beta} n=${n}`, k.softplus(x, beta, thr), cpu.softplus(x, beta, thr));
          within1Ulp(`softplusGrad β=${beta} n=${n}`, k.softplusGrad(dy, x, beta, thr), cpu.softplusGrad(dy, x, beta, thr));
        }
        same(`leakyRelu n=${n}`, k.leakyRelu(x, 0.01), cpu.leakyRelu(x, 0.01));
        same(`leakyReluGrad n=${n}`, k.leakyReluGrad(dy, x, 0.2), cpu.leakyReluGrad(dy, x, 0.2));
        const y = cpu.elu(x, 1.3);
        within1Ulp(`elu n=${n}`, k.elu(x, 1.3), y);
        same(`eluGrad n=${n}`, k.eluGrad(dy, x, y, 1.3), cpu.eluGrad(dy, x, y, 1.3));
        same(`clamp n=${n}`, k.clamp(x, -0.7, 0.3), cpu.clamp(x, -0.7, 0.3));
        same(`clamp open n=${n}`, k.clamp(x, -Infinity, 0.1), cpu.clamp(x, -Infinity, 0.1));
        same(`clampGrad n=${n}`, k.clampGrad(dy, x, -0.7, 0.3), cpu.clampGrad(dy, x, -0.7, 0.3));
        same(`affine n=${n}`, k.affine(x, 0.1, -1 / 3), cpu.affine(x, 0.1, -1 / 3));
      }
    });

    test('binary cross-entropy and its gradients (y in [0, 1] with 0 and 1 themselves)', () => {
      for (const n of sizes) {
        const next = rng(60 + n);
        const y = Float32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? i % 2 : (next() + 1) / 2));
        const d = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? (next() + 1) / 2 : i % 2));
        const dy = data(n, 70 + n);
        within1Ulp(`bce n=${n}`, k.binaryCrossEntropy(y, d), cpu.binaryCrossEntropy(y, d));
        same(`bceGrad n=${n}`, k.binaryCrossEntropyGrad(dy, y, d), cpu.binaryCrossEntropyGrad(dy, y, d));
        within1Ulp(`bceTargetGrad n=${n}`, k.binaryCrossEntropyTargetGrad(dy, y), cpu.binaryCrossEntropyTargetGrad(dy, y));
      }
    });

    test('binary: every op and broadcasting shape, bit for bit', () => {
      const cases: [number[], number[], number[]][] = [
        [[5, 7], [5, 7], [5, 7]], [[5, 7], [1], [5, 7]], [[], [3, 4], [3, 4]], [[64, 10], [10], [64, 10]],
        [[64, 10], [64, 1], [64, 10]], [[2, 1, 5], [3, 1], [2, 3, 5]], [[4, 1], [1, 6], [4, 6]],
        [[2, 3, 4, 5], [3, 1, 5], [2, 3, 4, 5]], [[1, 3, 1], [2, 1, 7], [2, 3, 7]], [[1], [1], [1]], [[0, 3], [3], [0, 3]],
      ];
      for (const [as, bs, os] of cases) {
        const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);
        const a = data(size(as), size(as) + 1);
        const bb = data(size(bs), size(bs) + 2).reverse();
        for (const op of ['add', 'sub', 'mul', 'div'] as const) {
          same(`${op} ${as}|${bs}`, b.binary(op, a, as, bb, bs, os), cpu.binary(op, a, as, bb, bs, os));
          same(`${op} ${bs}|${as}`, b.binary(op, bb, bs, a, as, os), cpu.binary(op, bb, bs, a, as, os));
        }
      }
    });

    test('sumToShape: every broadcast pattern, bit for bit', () => {
      const cases: [number[], number[]][] = [
        [[64, 10], [10]], [[64, 10], [64, 1]], [[64, 10], [1]], [[64, 10], []], [[2, 3, 5], [3, 1]], [[2, 3, 5], [2, 1, 5]],
        [[2, 3, 4, 5], [3, 1, 5]], [[4, 6], [4, 6]], [[7], [1]], [[3, 129], [129]],
      ];
      for (const [from, to] of cases) {
        const g = randomArray(from.reduce((p, d) => p * d, 1), 80 + from.length);
        same(`sumToShape ${from}→${to}`, b.sumToShape(g, from, to), cpu.sumToShape(g, from, to));
      }
    });

    test('addInPlace and axpyInPlace, bit for bit', () => {
      for (const n of sizes) {
        const a = data(n, 90 + n);
        const x = data(n, 91 + n).reverse();
        const a1 = a.slice(), a2 = a.slice();
        b.addInPlace(a1, x);
        cpu.addInPlace(a2, x);
        same(`addInPlace n=${n}`, a1, a2);
        for (const alpha of [-0.1, 1 / 3, 1e-8]) {
          const c1 = a.slice(), c2 = a.slice();
          b.axpyInPlace(c1, alpha, x);
          cpu.axpyInPlace(c2, alpha, x);
          same(`axpyInPlace α=${alpha} n=${n}`, c1, c2);
        }
      }
    });

    test('float64 arrays go to the cpu kernels', () => {
      const x = randomArray(33, 3, true);
      assert.deepEqual(k.unary('tanh', x), cpu.unary('tanh', x));
      assert.ok(k.unary('exp', x) instanceof Float64Array);
      assert.deepEqual(b.binary('mul', x, [33], x, [33], [33]), cpu.binary('mul', x, [33], x, [33], [33]));
    });
  });
}
