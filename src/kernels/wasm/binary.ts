/**
 * The wasm broadcasting binary ops, sumToShape (their gradient), addInPlace and axpyInPlace
 * (binary.c): bit for bit the cpu kernels. Float64 arrays run on the cpu kernels.
 */
import type { Kernels } from '../backend.js';
import * as cpu from '../cpu/elementwise.js';
import { span, type BinaryOp } from '../types.js';
import { instance, type WasmVariant } from './instance.js';
import { allF32, wasmCall, type WasmCall } from './call.js';

/** The binary.c exports this file calls. */
interface BinaryExports {
  binary_flat(op: number, a: number, ia: number, b: number, ib: number, out: number, n: number): void;
  binary_nd(op: number, a: number, b: number, out: number, nd: number, shape: number, sa: number, sb: number, idx: number): void;
  sum_to_shape(g: number, out: number, outLen: number, nd: number, shape: number, st: number, idx: number): void;
  add_in_place(a: number, b: number, n: number): void;
  axpy_in_place(a: number, alpha: number, b: number, n: number): void;
}

const OPS: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };

/** Product of a shape's sizes. */
function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Strides of `shape` seen inside the broadcast `outShape` (0 along broadcast axes), as the cpu kernel. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = cpu.stridesOf(shape);
  const off = outShape.length - shape.length;
  const s = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) s[i + off] = shape[i] === 1 ? 0 : own[i];
  return s;
}

/** Int32 values in the call's scratch (zeros when `values` is a length); their byte offset. */
function ints(c: WasmCall, values: readonly number[] | number): number {
  const n = typeof values === 'number' ? values : values.length;
  const at = c.scratch(Math.max(n, 1), true);
  const v = c.view(at, n);
  if (typeof values !== 'number') new Int32Array(v.buffer, v.byteOffset, n).set(values);
  return at;
}

/** binary, sumToShape, addInPlace and axpyInPlace of one variant. */
export function wasmBinaryKernels(variant: WasmVariant): Pick<Kernels, 'binary' | 'sumToShape' | 'addInPlace' | 'axpyInPlace'> {
  const inst = instance(variant);
  const ex = inst.exports as unknown as BinaryExports;
  return {
    binary(op, a, aShape, b, bShape, outShape) {
      const n = sizeOf(outShape);
      if (!allF32(a, b)) return cpu.binary(op, a, aShape, b, bShape, outShape);
      const code = OPS[op];
      const r = wasmCall(inst, (c) => {
        const pa = c.input(a as Float32Array);
        const pb = c.input(b as Float32Array);
        if ((a.length === n || a.length === 1) && (b.length === n || b.length === 1)) {
          ex.binary_flat(code, pa, a.length === n ? 1 : 0, pb, b.length === n ? 1 : 0, c.output(n), n);
          return;
        }
        const shape = ints(c, outShape);
        const sa = ints(c, broadcastStrides(aShape, outShape));
        const sb = ints(c, broadcastStrides(bShape, outShape));
        ex.binary_nd(code, pa, pb, c.output(n), outShape.length, shape, sa, sb, ints(c, outShape.length));
      });
      return r ? r[0] : cpu.binary(op, a, aShape, b, bShape, outShape);
    },
    sumToShape(g, fromShape, toShape) {
      const m = sizeOf(toShape);
      if (!allF32(g)) return cpu.sumToShape(g, fromShape, toShape);
      const r = wasmCall(inst, (c) => {
        const pg = c.input(g as Float32Array);
        const shape = ints(c, fromShape);
        const st = ints(c, broadcastStrides(toShape, fromShape));
        ex.sum_to_shape(pg, c.output(m, true), m, fromShape.length, shape, st, ints(c, fromShape.length));
      });
      return r ? r[0] : cpu.sumToShape(g, fromShape, toShape);
    },
    addInPlace(a, b) {
      const n = a.length;
      const done = allF32(a, b) && wasmCall(inst, (c) => ex.add_in_place(c.inout(a as Float32Array), c.input(span((b as Float32Array), 0, n)), n));
      if (!done) cpu.addInPlace(a, b);
    },
    axpyInPlace(a, alpha, b) {
      const n = a.length;
      const done = allF32(a, b) && wasmCall(inst, (c) => ex.axpy_in_place(c.inout(a as Float32Array), alpha, c.input(span((b as Float32Array), 0, n)), n));
      if (!done) cpu.axpyInPlace(a, alpha, b);
    },
  };
}
