/**
 * The wasm pooling kernels (pool.c): max, average and adaptive average pooling and their
 * gradients, bit for bit the cpu kernels' results (src/kernels/cpu/pool.ts).
 */
import type { Kernels } from '../backend.js';
import * as cpuPool from '../cpu/pool.js';
import type { Pool2dGeometry } from '../cpu/pool.js';
import { span, type FloatArray } from '../types.js';
import { instance, type WasmVariant } from './instance.js';
import { allF32, wasmCall, type WasmCall } from './call.js';

/** The pool.c exports this file calls (g: the geometry as 11 ints; win: windows, 3 ints each). */
interface PoolExports {
  max_pool2d(g: number, x: number, values: number, indices: number, p0: number, p1: number): void;
  max_pool2d_grad(dy: number, indices: number, dx: number, q0: number, q1: number): void;
  pool_avg_windows(win: number, out: number, s: number, p: number, k: number, n: number): void;
  pool_adaptive_windows(win: number, out: number, n: number): void;
  window_means(x: number, y: number, h: number, w: number, wy: number, oh: number, wx: number, ow: number, padded: number, p0: number, p1: number): void;
  window_means_grad(dy: number, dx: number, h: number, w: number, wy: number, oh: number, wx: number, ow: number, padded: number, p0: number, p1: number): void;
}

/** The pooling kernels the wasm backend makes native. */
export type WasmPoolKernels = Pick<
  Kernels,
  'maxPool2d' | 'maxPool2dGrad' | 'avgPool2d' | 'avgPool2dGrad' | 'adaptiveAvgPool2d' | 'adaptiveAvgPool2dGrad'
>;

/** Places ints in the call's memory and returns their byte offset. */
function ints(c: WasmCall, values: readonly number[]): number {
  const at = c.scratch(values.length);
  const v = c.view(at, values.length);
  new Int32Array(v.buffer, v.byteOffset, values.length).set(values);
  return at;
}

/** x's first n elements as float32 (the caller checked the type). */
function head(x: FloatArray, n: number): Float32Array {
  const f = x as Float32Array;
  return f.length === n ? f : span(f, 0, n);
}

/** Separable windows (rows, columns) of one pooling: offsets of 3·oh and 3·ow ints filled by pool.c. */
type Windows = (c: WasmCall) => { wy: number; wx: number };

/** Means of separable windows (float32 in, float32 out); null when the memory cannot hold them. */
function means(variant: WasmVariant, x: Float32Array, planes: number, h: number, w: number, oh: number, ow: number, padded: boolean, win: Windows): Float32Array | null {
  const inst = instance(variant);
  const ex = inst.exports as unknown as PoolExports;
  const out = wasmCall(inst, (c) => {
    const px = c.input(head(x, planes * h * w));
    const py = c.output(planes * oh * ow, true);
    const { wy, wx } = win(c);
    ex.window_means(px, py, h, w, wy, oh, wx, ow, padded ? 1 : 0, 0, planes);
  });
  return out ? out[0] : null;
}

/** The adjoint of `means`; null when the memory cannot hold the operands. */
function meansGrad(variant: WasmVariant, dy: Float32Array, planes: number, h: number, w: number, oh: number, ow: number, padded: boolean, win: Windows): Float32Array | null {
  const inst = instance(variant);
  const ex = inst.exports as unknown as PoolExports;
  const out = wasmCall(inst, (c) => {
    const pdy = c.input(head(dy, planes * oh * ow));
    const pdx = c.output(planes * h * w, true);
    const { wy, wx } = win(c);
    ex.window_means_grad(pdy, pdx, h, w, wy, oh, wx, ow, padded ? 1 : 0, 0, planes);
  });
  return out ? out[0] : null;
}

/** The windows of average pooling with geometry g, filled in the call's memory. */
function avgWindows(ex: PoolExports, g: Pool2dGeometry): Windows {
  return (c) => {
    const wy = c.scratch(3 * g.oh);
    const wx = c.scratch(3 * g.ow);
    ex.pool_avg_windows(wy, g.oh, g.sh, g.ph, g.kh, g.h);
    ex.pool_avg_windows(wx, g.ow, g.sw, g.pw, g.kw, g.w);
    return { wy, wx };
  };
}

/** The windows of adaptive average pooling from h×w to oh×ow, filled in the call's memory. */
function adaptiveWindows(ex: PoolExports, h: number, w: number, oh: number, ow: number): Windows {
  return (c) => {
    const wy = c.scratch(3 * oh);
    const wx = c.scratch(3 * ow);
    ex.pool_adaptive_windows(wy, oh, h);
    ex.pool_adaptive_windows(wx, ow, w);
    return { wy, wx };
  };
}

/** The pooling kernels of one variant; float64 falls back to cpu. */
export function wasmPoolKernels(variant: WasmVariant): WasmPoolKernels {
  const inst = instance(variant);
  const ex = inst.exports as unknown as PoolExports;
  return {
    maxPool2d(x, g) {
      const len = g.planes * g.oh * g.ow;
      const out = allF32(x) && len > 0 && wasmCall(inst, (c) => {
        const pg = ints(c, [g.planes, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.oh, g.ow]);
        const px = c.input(head(x, g.planes * g.h * g.w));
        const pv = c.output(len);
        const pi = c.output(len);
        ex.max_pool2d(pg, px, pv, pi, 0, g.planes);
      });
      if (!out) return cpuPool.maxPool2d(x, g);
      return { values: out[0], indices: new Int32Array(out[1].buffer, out[1].byteOffset, len) };
    },
    maxPool2dGrad(dy, indices, inputSize) {
      const n = indices.length;
      const out = allF32(dy) && n > 0 && wasmCall(inst, (c) => {
        const pdy = c.input(head(dy, n));
        const pi = c.input(new Float32Array(indices.buffer, indices.byteOffset, n));
        const pdx = c.output(inputSize, true);
        ex.max_pool2d_grad(pdy, pi, pdx, 0, n);
      });
      return out ? out[0] : cpuPool.maxPool2dGrad(dy, indices, inputSize);
    },
    avgPool2d(x, g, countIncludePad) {
      const y = allF32(x) && g.planes * g.oh * g.ow > 0
        ? means(variant, x as Float32Array, g.planes, g.h, g.w, g.oh, g.ow, countIncludePad, avgWindows(ex, g))
        : null;
      return y ?? cpuPool.avgPool2d(x, g, countIncludePad);
    },
    avgPool2dGrad(dy, g, countIncludePad) {
      const dx = allF32(dy) && g.planes * g.oh * g.ow > 0
        ? meansGrad(variant, dy as Float32Array, g.planes, g.h, g.w, g.oh, g.ow, countIncludePad, avgWindows(ex, g))
        : null;
      return dx ?? cpuPool.avgPool2dGrad(dy, g, countIncludePad);
    },
    adaptiveAvgPool2d(x, planes, h, w, oh, ow) {
      const y = allF32(x) && planes * oh * ow > 0
        ? means(variant, x as Float32Array, planes, h, w, oh, ow, true, adaptiveWindows(ex, h, w, oh, ow))
        : null;
      return y ?? cpuPool.adaptiveAvgPool2d(x, planes, h, w, oh, ow);
    },
    adaptiveAvgPool2dGrad(dy, planes, h, w, oh, ow) {
      const dx = allF32(dy) && planes * oh * ow > 0
        ? meansGrad(variant, dy as Float32Array, planes, h, w, oh, ow, true, adaptiveWindows(ex, h, w, oh, ow))
        : null;
      return dx ?? cpuPool.adaptiveAvgPool2dGrad(dy, planes, h, w, oh, ow);
    },
  };
}
