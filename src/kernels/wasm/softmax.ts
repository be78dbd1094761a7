/**
 * The wasm softmax family and reductions (softmax.c): softmax / log-softmax and their gradient,
 * sumAll and extremeAxis. sumAll, extremeAxis and the softmax gradient are bit for bit the cpu
 * kernels; softmax and the log-softmax gradient (Math.exp, Math.log there) are equal or one float32
 * rounding step off. Float64 arrays run on the cpu kernels.
 */
import type { Kernels } from '../backend.js';
import * as cpu from '../cpu/reduce.js';
import { instance, type WasmVariant } from './instance.js';
import { allF32, wasmCall } from './call.js';

/** The softmax.c exports this file calls. */
interface SoftmaxExports {
  softmax_f(x: number, y: number, outer: number, n: number, inner: number, log: number, e: number): void;
  softmax_grad_f(dy: number, y: number, dz: number, outer: number, n: number, inner: number, log: number): void;
  sum_all(x: number, n: number): number;
  extreme_axis(x: number, values: number, indices: number, outer: number, n: number, inner: number, wantMax: number): void;
}

/** softmax, softmaxGrad, sumAll and extremeAxis of one variant. */
export function wasmSoftmaxKernels(variant: WasmVariant): Pick<Kernels, 'softmax' | 'softmaxGrad' | 'sumAll' | 'extremeAxis'> {
  const inst = instance(variant);
  const ex = inst.exports as unknown as SoftmaxExports;
  return {
    softmax(x, outer, n, inner, log) {
      const r = allF32(x) && wasmCall(inst, (c) => {
        const px = c.input(x as Float32Array);
        // e: n doubles of scratch (two float slots each)
        ex.softmax_f(px, c.output(x.length), outer, n, inner, log ? 1 : 0, c.scratch(2 * n + 2));
      });
      return r ? r[0] : cpu.softmax(x, outer, n, inner, log);
    },
    softmaxGrad(dy, y, outer, n, inner, log) {
      const r = allF32(dy, y) && wasmCall(inst, (c) => {
        ex.softmax_grad_f(c.input(dy as Float32Array), c.input(y as Float32Array), c.output(dy.length), outer, n, inner, log ? 1 : 0);
      });
      return r ? r[0] : cpu.softmaxGrad(dy, y, outer, n, inner, log);
    },
    sumAll(x) {
      let s = 0;
      const r = allF32(x) && wasmCall(inst, (c) => {
        s = ex.sum_all(c.input(x as Float32Array), x.length);
      });
      return r ? s : cpu.sumAll(x);
    },
    extremeAxis(x, outer, n, inner, wantMax) {
      const len = outer * inner;
      const r = allF32(x) && n > 0 && wasmCall(inst, (c) => {
        ex.extreme_axis(c.input(x as Float32Array), c.output(len), c.output(len), outer, n, inner, wantMax ? 1 : 0);
      });
      if (!r) return cpu.extremeAxis(x, outer, n, inner, wantMax);
      return { values: r[0], indices: new Int32Array(r[1].buffer, r[1].byteOffset, len) };
    },
  };
}
