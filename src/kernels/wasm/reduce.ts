/** The wasm sumAxis and addRowInPlace (elementwise.c): bit for bit the cpu kernels. */
import type { Kernels } from '../backend.js';
import { sumAxis as cpuSumAxis } from '../cpu/reduce.js';
import { addRowInPlace as cpuAddRowInPlace } from '../cpu/elementwise.js';
import { instance, type WasmVariant } from './instance.js';
import { wasmCall } from './call.js';
import { span } from '../types.js';

/** The elementwise.c exports this file calls. */
interface ReduceExports {
  sum_axis(x: number, out: number, outer: number, n: number, inner: number, acc: number): void;
  add_row(x: number, bias: number, rows: number, cols: number): void;
}

/** sumAxis and addRowInPlace of one variant; float64 on the cpu. */
export function wasmReduceKernels(variant: WasmVariant): Pick<Kernels, 'sumAxis' | 'addRowInPlace'> {
  const inst = instance(variant);
  const ex = inst.exports as unknown as ReduceExports;
  return {
    sumAxis(x, outer, n, inner) {
      const len = outer * n * inner;
      const out = x instanceof Float32Array && wasmCall(inst, (c) => {
        const px = c.input(x.length === len ? x : span(x, 0, len));
        const po = c.output(outer * inner);
        // acc: `inner` doubles of scratch (two float slots each)
        ex.sum_axis(px, po, outer, n, inner, inner > 1 ? c.scratch(2 * inner) : 0);
      });
      return out ? out[0] : cpuSumAxis(x, outer, n, inner);
    },
    addRowInPlace(x, bias, rows, cols) {
      const len = rows * cols;
      const done = x instanceof Float32Array && bias instanceof Float32Array && wasmCall(inst, (c) => {
        ex.add_row(c.inout(x.length === len ? x : span(x, 0, len)), c.input(bias.length === cols ? bias : span(bias, 0, cols)), rows, cols);
      });
      if (!done) cpuAddRowInPlace(x, bias, rows, cols);
    },
  };
}
