// The WebAssembly convolution kernels against the cpu kernels on seeded random data, over strides,
// padding, dilation, groups, odd sizes, batch 1, a pointwise filter, and column budgets from one
// sample per product to the whole batch (chunks that do not divide the batch included), both builds.
// Tolerance: the products sum in gemm.c's blocked order (and, in the relaxed build, with fused
// multiply-adds), the cpu kernels in their own; each output is a sum of `terms` products of values
// in [-1, 1), so the two may differ by a few float32 roundings of partial sums bounded by `terms`:
// |wasm − cpu| ≤ 1e-6 · terms (≈ 16 ulps of 1 per term). An indexing error is of order 0.1–1.
// The bias gradient sums in the cpu kernel's order and is compared exactly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import * as cpu from '../../src/kernels/cpu/conv.js';
import type { Conv2dGeometry } from '../../src/kernels/cpu/conv.js';
import { wasmBackend, wasmConvKernels, wasmFeatures, type WasmVariant } from '../../src/kernels/wasm/index.js';
import type { FloatArray } from '../../src/kernels/types.js';
import { setParallelMinMacs } from '../../src/kernels/wasm/matmul.js';
import { instance } from '../../src/kernels/wasm/instance.js';
import { poolWorkers, setThreads } from '../../src/kernels/wasm/pool.js';
import { randomArray } from './data.js';

if (!wasmFeatures().relaxedSimd) setFlagsFromString('--experimental-wasm-relaxed-simd');
const variants: WasmVariant[] = ['simd', 'relaxed'];

/** A geometry from the layer's sizes, with symmetric padding; the output size as PyTorch's. */
function geom(n: number, c: number, h: number, w: number, o: number, kh: number, kw: number,
  opt: { s?: [number, number]; p?: [number, number]; d?: [number, number]; groups?: number } = {}): Conv2dGeometry {
  const [sh, sw] = opt.s ?? [1, 1];
  const [ph, pw] = opt.p ?? [0, 0];
  const [dh, dw] = opt.d ?? [1, 1];
  const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  return { n, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, groups: opt.groups ?? 1 };
}

const CASES: [string, Conv2dGeometry][] = [
  ['LeNet conv1 (batch 4)', geom(4, 1, 28, 28, 6, 5, 5, { p: [2, 2] })],
  ['LeNet conv2 (batch 4)', geom(4, 6, 14, 14, 16, 5, 5)],
  ['batch 1, 3×3, padding 1', geom(1, 3, 9, 11, 5, 3, 3, { p: [1, 1] })],
  ['stride 2, odd sizes', geom(3, 4, 13, 9, 7, 3, 3, { s: [2, 2], p: [1, 1] })],
  ['stride (2, 3), padding (0, 2)', geom(2, 3, 10, 12, 5, 3, 4, { s: [2, 3], p: [0, 2] })],
  ['dilation 2, padding 2', geom(2, 3, 12, 10, 4, 3, 3, { p: [2, 2], d: [2, 2] })],
  ['dilation (1, 3), stride 2', geom(3, 2, 11, 15, 3, 2, 3, { s: [2, 1], d: [1, 3], p: [1, 0] })],
  ['groups 2', geom(3, 4, 8, 8, 6, 3, 3, { p: [1, 1], groups: 2 })],
  ['depthwise (groups = C = O)', geom(2, 5, 9, 7, 5, 3, 3, { p: [1, 1], groups: 5 })],
  ['groups 3, 1×1, stride 2', geom(2, 6, 7, 7, 9, 1, 1, { s: [2, 2], groups: 3 })],
  ['pointwise 1×1', geom(3, 8, 6, 5, 12, 1, 1)],
  ['pointwise 1×1, batch 1', geom(1, 16, 4, 4, 20, 1, 1)],
  ['grouped pointwise 1×1, groups 4', geom(3, 8, 5, 6, 12, 1, 1, { groups: 4 })],
  ['1-D (H = 1), k 5, padding 2', geom(3, 4, 1, 23, 6, 1, 5, { p: [0, 2] })],
  ['padding larger than the filter', geom(2, 2, 4, 4, 3, 2, 2, { p: [3, 3] })],
  ['one output channel, wide', geom(2, 3, 17, 40, 1, 3, 3, { p: [1, 1] })],
  ['kernel as large as the input', geom(5, 3, 6, 6, 8, 6, 6)],
];

/** Asserts |got − want| ≤ tol elementwise, naming the first index that differs. */
function close(what: string, got: FloatArray, want: FloatArray, tol: number): void {
  assert.equal(got.length, want.length, `${what}: length`);
  assert.ok(got instanceof Float32Array, `${what}: float32 result`);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol)) assert.fail(`${what}: element ${i} is ${got[i]}, the cpu kernel gives ${want[i]} (tolerance ${tol})`);
  }
}

/** Column budgets: one sample per product, two samples (a ragged last chunk for odd batches), the whole batch. */
function budgets(g: Conv2dGeometry): number[] {
  const per = g.c * g.kh * g.kw * g.oh * g.ow;
  return [0, 2 * per, g.n * per];
}

describe('wasm convolution kernels', () => {
  test('the wasm backend provides the convolution kernels', () => {
    const b = wasmBackend();
    assert.ok(b !== null);
    for (const k of ['conv2d', 'conv2dInputGrad', 'conv2dWeightGrad', 'conv2dBiasGrad'] as const) assert.equal(typeof b.kernels[k], 'function');
  });

  for (const variant of variants) {
    for (const [name, g] of CASES) {
      test(`${variant}: ${name}: forward, input, filter and bias gradients match the cpu kernels`, () => {
        const kg = (g.c / g.groups) * g.kh * g.kw;
        const og = g.o / g.groups;
        const x = randomArray(g.n * g.c * g.h * g.w, 11);
        const w = randomArray(g.o * kg, 12);
        const b = randomArray(g.o, 13);
        const dy = randomArray(g.n * g.o * g.oh * g.ow, 14);
        const want = {
          y: cpu.conv2d(x, w, b, g),
          yNoBias: cpu.conv2d(x, w, null, g),
          dx: cpu.conv2dInputGrad(dy, w, g),
          dw: cpu.conv2dWeightGrad(x, dy, g),
          db: cpu.conv2dBiasGrad(dy, g),
        };
        for (const budget of budgets(g)) {
          const k = wasmConvKernels(variant, budget);
          const at = `budget ${budget}`;
          close(`${at} y`, k.conv2d(x, w, b, g), want.y, 1e-6 * (kg + 1));
          close(`${at} y without bias`, k.conv2d(x, w, null, g), want.yNoBias, 1e-6 * kg);
          close(`${at} dx`, k.conv2dInputGrad(dy, w, g), want.dx, 1e-6 * og * g.kh * g.kw);
          close(`${at} dw`, k.conv2dWeightGrad(x, dy, g), want.dw, 1e-6 * g.n * g.oh * g.ow);
          assert.deepStrictEqual(k.conv2dBiasGrad(dy, g), want.db, `${at} db`);
        }
      });
    }
  }

  test('forward and input gradient split over 2 and 3 threads equal 1 thread bit for bit (every case, every chunk budget)', () => {
    const before = setParallelMinMacs(1); // split every pass, however small
    try {
      for (const variant of variants) {
        for (const [name, g] of CASES) {
          const x = randomArray(g.n * g.c * g.h * g.w, 31);
          const w = randomArray((g.o * g.c * g.kh * g.kw) / g.groups, 32);
          const b = randomArray(g.o, 33);
          const dy = randomArray(g.n * g.o * g.oh * g.ow, 34);
          for (const budget of budgets(g)) {
            const k = wasmConvKernels(variant, budget);
            setThreads(1);
            const one = { y: k.conv2d(x, w, b, g), dx: k.conv2dInputGrad(dy, w, g) };
            for (const t of [2, 3]) {
              setThreads(t);
              const at = `${variant} ${name}, budget ${budget}, ${t} threads`;
              assert.deepStrictEqual(k.conv2d(x, w, b, g), one.y, `${at}: y`);
              assert.deepStrictEqual(k.conv2dInputGrad(dy, w, g), one.dx, `${at}: dx`);
            }
          }
        }
        assert.ok(poolWorkers(instance(variant)) >= 1, `${variant}: the passes ran on worker threads`);
      }
    } finally {
      setParallelMinMacs(before);
      setThreads(undefined);
    }
  });

  test('float64 operands go to the cpu kernels (same results)', () => {
    const g = geom(2, 3, 7, 7, 4, 3, 3, { p: [1, 1] });
    const x = randomArray(g.n * g.c * g.h * g.w, 21, true);
    const w = randomArray(g.o * g.c * 9, 22, true);
    const dy = randomArray(g.n * g.o * g.oh * g.ow, 23, true);
    const k = wasmConvKernels('simd');
    assert.deepStrictEqual(k.conv2d(x, w, null, g), cpu.conv2d(x, w, null, g));
    assert.deepStrictEqual(k.conv2dInputGrad(dy, w, g), cpu.conv2dInputGrad(dy, w, g));
    assert.deepStrictEqual(k.conv2dWeightGrad(x, dy, g), cpu.conv2dWeightGrad(x, dy, g));
    assert.deepStrictEqual(k.conv2dBiasGrad(dy, g), cpu.conv2dBiasGrad(dy, g));
  });

  test('operands longer than the geometry needs are read up to its sizes', () => {
    const g = geom(2, 2, 5, 5, 3, 3, 3);
    const x = randomArray(g.n * g.c * 25 + 7, 31) as Float32Array;
    const w = randomArray(g.o * g.c * 9 + 3, 32) as Float32Array;
    const k = wasmConvKernels('simd');
    close('y', k.conv2d(x, w, null, g), cpu.conv2d(x, w, null, g), 1e-6 * 18);
  });
});
