// The WebAssembly pooling kernels against the cpu kernels on seeded random data: bit for bit equal
// values, indices and gradients (NaN and ±∞ inputs included) over window sizes, strides, padding,
// windows hanging over the padding (ceil mode), odd sizes, one plane, both builds.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import * as cpu from '../../src/kernels/cpu/pool.js';
import type { Pool2dGeometry } from '../../src/kernels/cpu/pool.js';
import { wasmBackend, wasmFeatures, wasmPoolKernels, type WasmVariant } from '../../src/kernels/wasm/index.js';
import { randomArray, rng } from './data.js';

if (!wasmFeatures().relaxedSimd) setFlagsFromString('--experimental-wasm-relaxed-simd');
const variants: WasmVariant[] = ['simd', 'relaxed'];

/** Output size along one axis as PyTorch's pooling (ceil mode: the last window must start inside the input or its left padding). */
function outSize(n: number, k: number, s: number, p: number, ceil: boolean): number {
  const span = n + 2 * p - k;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

/** A pooling geometry over `planes` planes of h×w. */
function geom(planes: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, ceil = false): Pool2dGeometry {
  return { planes, h, w, kh, kw, sh, sw, ph, pw, oh: outSize(h, kh, sh, ph, ceil), ow: outSize(w, kw, sw, pw, ceil) };
}

const CASES: [string, Pool2dGeometry][] = [
  ['LeNet 2×2 stride 2', geom(64 * 6, 28, 28, 2, 2, 2, 2, 0, 0)],
  ['3×3 stride 2 padding 1 (ResNet)', geom(6, 15, 15, 3, 3, 2, 2, 1, 1)],
  ['odd sizes, 2×2 stride 2 (a row and a column dropped)', geom(5, 7, 9, 2, 2, 2, 2, 0, 0)],
  ['ceil mode, windows over the padding', geom(4, 7, 8, 3, 2, 2, 2, 1, 1, true)],
  ['ceil mode, no padding', geom(3, 9, 10, 2, 3, 2, 2, 0, 0, true)],
  ['overlapping 3×3 stride 1 padding 1', geom(2, 6, 5, 3, 3, 1, 1, 1, 1)],
  ['one plane, window (1, 4) stride (1, 3)', geom(1, 1, 17, 1, 4, 1, 3, 0, 1)],
  ['window as large as the input', geom(3, 5, 6, 5, 6, 1, 1, 0, 0)],
];

/** n seeded values with NaN, +∞ and −∞ sprinkled in (about one in `every`). */
function withSpecials(n: number, seed: number, every: number): Float32Array {
  const x = randomArray(n, seed) as Float32Array;
  const next = rng(seed + 1000);
  for (let i = 0; i < n; i++) {
    const u = next();
    if (u > 1 - 3 / every) x[i] = u > 1 - 1 / every ? NaN : u > 1 - 2 / every ? Infinity : -Infinity;
  }
  return x;
}

describe('wasm pooling kernels', () => {
  test('the wasm backend provides the pooling kernels', () => {
    const b = wasmBackend();
    assert.ok(b !== null);
    for (const k of ['maxPool2d', 'maxPool2dGrad', 'avgPool2d', 'avgPool2dGrad', 'adaptiveAvgPool2d', 'adaptiveAvgPool2dGrad'] as const) {
      assert.equal(typeof b.kernels[k], 'function');
    }
  });

  for (const variant of variants) {
    const k = wasmPoolKernels(variant);
    for (const [name, g] of CASES) {
      test(`${variant}: ${name}: max and average pooling and their gradients equal the cpu kernels`, () => {
        const size = g.planes * g.h * g.w;
        const dy = randomArray(g.planes * g.oh * g.ow, 42) as Float32Array;
        for (const x of [randomArray(size, 41) as Float32Array, withSpecials(size, 43, 20)]) {
          const want = cpu.maxPool2d(x, g);
          const got = k.maxPool2d(x, g);
          assert.deepStrictEqual(got.values, want.values, 'max values');
          assert.deepStrictEqual(got.indices, want.indices, 'max indices');
          assert.deepStrictEqual(k.maxPool2dGrad(dy, got.indices, size), cpu.maxPool2dGrad(dy, want.indices, size), 'max grad');
          for (const pad of [true, false]) {
            assert.deepStrictEqual(k.avgPool2d(x, g, pad), cpu.avgPool2d(x, g, pad), `avg (countIncludePad ${pad})`);
            assert.deepStrictEqual(k.avgPool2dGrad(dy, g, pad), cpu.avgPool2dGrad(dy, g, pad), `avg grad (countIncludePad ${pad})`);
          }
        }
      });
    }

    for (const [planes, h, w, oh, ow] of [[4, 7, 9, 3, 4], [2, 10, 10, 1, 1], [3, 5, 6, 7, 8], [64, 8, 8, 2, 2], [1, 1, 13, 1, 5]]) {
      test(`${variant}: adaptive average pooling ${h}×${w} → ${oh}×${ow} and its gradient equal the cpu kernels`, () => {
        const x = withSpecials(planes * h * w, 51 + h, 50);
        const dy = randomArray(planes * oh * ow, 52);
        assert.deepStrictEqual(k.adaptiveAvgPool2d(x, planes, h, w, oh, ow), cpu.adaptiveAvgPool2d(x, planes, h, w, oh, ow));
        assert.deepStrictEqual(k.adaptiveAvgPool2dGrad(dy, planes, h, w, oh, ow), cpu.adaptiveAvgPool2dGrad(dy, planes, h, w, oh, ow));
      });
    }
  }

  test('float64 operands go to the cpu kernels (same results)', () => {
    const g = geom(2, 6, 6, 2, 2, 2, 2, 0, 0);
    const x = randomArray(72, 61, true);
    const dy = randomArray(18, 62, true);
    const k = wasmPoolKernels('simd');
    assert.deepStrictEqual(k.maxPool2d(x, g), cpu.maxPool2d(x, g));
    assert.deepStrictEqual(k.avgPool2d(x, g, true), cpu.avgPool2d(x, g, true));
    assert.deepStrictEqual(k.avgPool2dGrad(dy, g, false), cpu.avgPool2dGrad(dy, g, false));
  });
});
