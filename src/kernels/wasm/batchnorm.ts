/** The wasm batch normalisation kernels (batchnorm.c): bit for bit the cpu kernels (src/kernels/cpu/batchnorm.ts). */
import type { Kernels } from '../backend.js';
import * as cpuBn from '../cpu/batchnorm.js';
import { span, type FloatArray } from '../types.js';
import { instance, type WasmVariant } from './instance.js';
import { allF32, wasmCall, type WasmCall } from './call.js';

/** The batchnorm.c exports this file calls (mean and variance as doubles). */
interface BatchNormExports {
  batch_norm_stats(x: number, mean: number, variance: number, n: number, c: number, s: number, c0: number, c1: number): void;
  batch_norm(x: number, mean: number, variance: number, weight: number, bias: number, eps: number, y: number, n: number, c: number, s: number, c0: number, c1: number): void;
  batch_norm_grad(
    dy: number, x: number, mean: number, variance: number, weight: number, eps: number, batchStats: number,
    dx: number, dWeight: number, dBias: number, n: number, c: number, s: number, c0: number, c1: number,
  ): void;
}

/** The batch normalisation kernels the wasm backend makes native. */
export type WasmBatchNormKernels = Pick<Kernels, 'batchNormStats' | 'batchNorm' | 'batchNormGrad'>;

/** Places the first n values of a statistics array in the call's memory as doubles (exact) and returns their offset. */
function doubles(c: WasmCall, x: FloatArray, n: number): number {
  const at = c.scratch(2 * n);
  const v = c.view(at, 2 * n);
  new Float64Array(v.buffer, v.byteOffset, n).set(x.length === n ? x : span(x, 0, n));
  return at;
}

/** The first n elements of an optional float32 array in the call's memory (0 when null). */
function optional(c: WasmCall, x: FloatArray | null, n: number): number {
  if (!x) return 0;
  const f = x as Float32Array;
  return c.input(f.length === n ? f : span(f, 0, n));
}

/** The batch normalisation kernels of one variant; float64 tensors fall back to cpu. */
export function wasmBatchNormKernels(variant: WasmVariant): WasmBatchNormKernels {
  const inst = instance(variant);
  const ex = inst.exports as unknown as BatchNormExports;
  return {
    batchNormStats(x, g) {
      const { n, c, s } = g;
      const out = allF32(x) && n * s > 0 && c > 0 && wasmCall(inst, (k) => {
        const px = optional(k, x, n * c * s);
        const pm = k.output(2 * c);
        const pv = k.output(2 * c);
        ex.batch_norm_stats(px, pm, pv, n, c, s, 0, c);
      });
      if (!out) return cpuBn.batchNormStats(x, g);
      return { mean: new Float64Array(out[0].buffer, out[0].byteOffset, c), variance: new Float64Array(out[1].buffer, out[1].byteOffset, c) };
    },
    batchNorm(x, mean, variance, weight, bias, eps, g) {
      const { n, c, s } = g;
      const len = n * c * s;
      const out = allF32(x, weight, bias) && len > 0 && wasmCall(inst, (k) => {
        const px = optional(k, x, len);
        const pm = doubles(k, mean, c);
        const pv = doubles(k, variance, c);
        const py = k.output(len);
        ex.batch_norm(px, pm, pv, optional(k, weight, c), optional(k, bias, c), eps, py, n, c, s, 0, c);
      });
      return out ? out[0] : cpuBn.batchNorm(x, mean, variance, weight, bias, eps, g);
    },
    batchNormGrad(dy, x, mean, variance, weight, eps, g, batchStats) {
      const { n, c, s } = g;
      const len = n * c * s;
      const out = allF32(dy, x, weight) && len > 0 && wasmCall(inst, (k) => {
        const pdy = optional(k, dy, len);
        const px = optional(k, x, len);
        const pm = doubles(k, mean, c);
        const pv = doubles(k, variance, c);
        const pw = optional(k, weight, c);
        const pdx = k.output(len);
        const pdw = k.output(c);
        const pdb = k.output(c);
        ex.batch_norm_grad(pdy, px, pm, pv, pw, eps, batchStats ? 1 : 0, pdx, pdw, pdb, n, c, s, 0, c);
      });
      if (!out) return cpuBn.batchNormGrad(dy, x, mean, variance, weight, eps, g, batchStats);
      return { dx: out[0], dWeight: out[1], dBias: out[2] };
    },
  };
}
