/**
 * The wasm convolution kernels (conv.c): conv2d, its input, filter and bias gradients, with the
 * contracts of the cpu kernels (src/kernels/cpu/conv.ts). Products go through gemm.c; the bias
 * gradient is bit for bit the cpu kernel's, the others sum in gemm.c's order (a few ulps apart).
 *
 * Samples per product: conv.c unrolls a chunk of samples side by side and multiplies once per
 * chunk; a chunk holds as many samples as fit COLUMN_BUDGET floats of columns (one sample at least).
 * One sample per product was measured as fast or faster (bench/wasm-conv.ts; table in conv.c).
 * Threads: the forward and input-gradient passes split the batch into sample ranges over the pool
 * (each thread on its own scratch) when the work warrants it (threadsFor); the filter gradient sums
 * over the samples into one dW and stays on the calling thread, as the bias gradient does.
 */
import type { Kernels } from '../backend.js';
import * as cpuConv from '../cpu/conv.js';
import type { Conv2dGeometry } from '../cpu/conv.js';
import { span, type FloatArray } from '../types.js';
import { instance, type WasmInstance, type WasmVariant } from './instance.js';
import { allF32, wasmCall, type WasmCall } from './call.js';
import { threadsFor } from './matmul.js';
import { parallelFor } from './pool.js';

/** The conv.c exports this file calls (g: the geometry as 16 ints). */
interface ConvExports {
  conv2d_forward(g: number, x: number, w: number, b: number, y: number, s0: number, s1: number, chunk: number, col: number, tmp: number, gs: number): void;
  conv2d_input_grad(g: number, dy: number, w: number, dx: number, s0: number, s1: number, chunk: number, col: number, tmp: number, gs: number): void;
  conv2d_weight_grad(g: number, x: number, dy: number, dw: number, s0: number, s1: number, chunk: number, col: number, tmp: number, part: number, gs: number): void;
  conv2d_bias_grad(g: number, dy: number, db: number, s0: number, s1: number): void;
  gemm_scratch(m: number, k: number, n: number): number;
}

/** Floats of unrolled columns per product: 0, one sample per product (measured fastest, see conv.c's header). */
export const COLUMN_BUDGET = 0;

/** The conv kernels the wasm backend makes native. */
export type WasmConvKernels = Pick<Kernels, 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad' | 'conv2dBiasGrad'>;

/** Places the geometry in the call's memory as conv.c's Geom (16 ints) and returns its offset. */
function geometry(c: WasmCall, g: Conv2dGeometry): number {
  const at = c.scratch(16);
  const v = c.view(at, 16);
  new Int32Array(v.buffer, v.byteOffset, 16).set([
    g.n, g.c, g.h, g.w, g.o, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.groups,
  ]);
  return at;
}

/** x's first n elements as float32 (the caller checked the type). */
function head(x: FloatArray | null, n: number): Float32Array {
  const f = x as Float32Array;
  return f.length === n ? f : span(f, 0, n);
}

/** Scratch of `threads` threads for chunks of `chunk` samples: columns, gathered rows, gemm.c's packing buffers; thread t's lie t·stride floats past these. */
interface ChunkScratch {
  col: number;
  tmp: number;
  gs: number;
  stride: number;
}

/** The scratch a chunk of `chunk` samples needs (columns, gathered rows, and gemm.c's packing buffers for the largest product), for each of `threads` threads. */
function chunkScratch(c: WasmCall, ex: ConvExports, g: Conv2dGeometry, chunk: number, threads = 1): ChunkScratch {
  const cols = g.oh * g.ow;
  const og = g.o / g.groups;
  const kg = (g.c * g.kh * g.kw) / g.groups;
  const ld = chunk * cols;
  const gemm = Math.max(ex.gemm_scratch(og, kg, ld), ex.gemm_scratch(kg, og, ld), ex.gemm_scratch(og, ld, kg));
  const line = (n: number): number => Math.ceil(n / 16) * 16; // floats, so every thread's buffers start on a cache line
  const colN = line(Math.max(1, g.c * g.kh * g.kw * chunk * cols));
  const tmpN = chunk > 1 ? line(g.o * chunk * cols) : 0;
  const stride = colN + tmpN + line(Math.max(16, gemm));
  const col = c.scratch(threads * stride);
  return { col, tmp: chunk > 1 ? col + 4 * colN : 0, gs: col + 4 * (colN + tmpN), stride };
}

/**
 * Runs samples [0, n) of a forward or input-gradient pass (`name`: its `*_part` export, which
 * takes `args` then per, chunk, col, tmp, gs, stride) over the threads the work warrants, or as
 * one serial call (`serial`) when it warrants one.
 */
function bySamples(inst: WasmInstance, c: WasmCall, ex: ConvExports, g: Conv2dGeometry, chunk: number, name: string, args: number[], serial: (s: ChunkScratch) => void): void {
  const kg = (g.c * g.kh * g.kw) / g.groups;
  const threads = Math.min(g.n, threadsFor(g.n * g.o * kg * g.oh * g.ow));
  const s = chunkScratch(c, ex, g, chunk, threads);
  if (threads <= 1) {
    serial(s);
    return;
  }
  // Whole chunks per part (so each product is the serial one's), about four parts per thread (so a busy core takes fewer).
  const per = Math.ceil(Math.ceil(g.n / (4 * threads)) / chunk) * chunk;
  parallelFor(inst, name, [...args, per, chunk, s.col, s.tmp, s.gs, s.stride], Math.ceil(g.n / per));
}

/** Whether the geometry has no empty axis (empty ones stay on the cpu kernels). */
function nonEmpty(g: Conv2dGeometry): boolean {
  return g.n > 0 && g.c > 0 && g.o > 0 && g.kh > 0 && g.kw > 0 && g.oh > 0 && g.ow > 0;
}

/** Samples per product: as many as fit `budget` floats of columns, at least one. */
export function convChunk(g: Conv2dGeometry, budget: number): number {
  const perSample = g.c * g.kh * g.kw * g.oh * g.ow;
  return Math.max(1, Math.min(g.n, Math.floor(budget / Math.max(1, perSample))));
}

/** The conv kernels of one variant (chunks of at most `budget` floats of columns); float64 falls back to cpu. */
export function wasmConvKernels(variant: WasmVariant, budget = COLUMN_BUDGET): WasmConvKernels {
  const inst = instance(variant);
  const ex = inst.exports as unknown as ConvExports;
  return {
    conv2d(x, w, b, g) {
      const cols = g.oh * g.ow;
      const kg = (g.c / g.groups) * g.kh * g.kw;
      const out = allF32(x, w, b) && nonEmpty(g) && wasmCall(inst, (c) => {
        const chunk = convChunk(g, budget);
        const pg = geometry(c, g);
        const px = c.input(head(x, g.n * g.c * g.h * g.w));
        const pw = c.input(head(w, g.o * kg));
        const pb = b ? c.input(head(b, g.o)) : 0;
        const py = c.output(g.n * g.o * cols);
        bySamples(inst, c, ex, g, chunk, 'conv2d_forward_part', [pg, px, pw, pb, py], (s) => ex.conv2d_forward(pg, px, pw, pb, py, 0, g.n, chunk, s.col, s.tmp, s.gs));
      });
      return out ? out[0] : cpuConv.conv2d(x, w, b, g);
    },
    conv2dInputGrad(dy, w, g) {
      const kg = (g.c / g.groups) * g.kh * g.kw;
      const out = allF32(dy, w) && nonEmpty(g) && wasmCall(inst, (c) => {
        const chunk = convChunk(g, budget);
        const pg = geometry(c, g);
        const pdy = c.input(head(dy, g.n * g.o * g.oh * g.ow));
        const pw = c.input(head(w, g.o * kg));
        const pdx = c.output(g.n * g.c * g.h * g.w, true);
        bySamples(inst, c, ex, g, chunk, 'conv2d_input_grad_part', [pg, pdy, pw, pdx], (s) => ex.conv2d_input_grad(pg, pdy, pw, pdx, 0, g.n, chunk, s.col, s.tmp, s.gs));
      });
      return out ? out[0] : cpuConv.conv2dInputGrad(dy, w, g);
    },
    conv2dWeightGrad(x, dy, g) {
      const kg = (g.c / g.groups) * g.kh * g.kw;
      const out = allF32(x, dy) && nonEmpty(g) && wasmCall(inst, (c) => {
        const chunk = convChunk(g, budget);
        const pg = geometry(c, g);
        const px = c.input(head(x, g.n * g.c * g.h * g.w));
        const pdy = c.input(head(dy, g.n * g.o * g.oh * g.ow));
        const pdw = c.output(g.o * kg, true);
        const s = chunkScratch(c, ex, g, chunk);
        ex.conv2d_weight_grad(pg, px, pdy, pdw, 0, g.n, chunk, s.col, s.tmp, c.scratch(g.o * kg), s.gs);
      });
      return out ? out[0] : cpuConv.conv2dWeightGrad(x, dy, g);
    },
    conv2dBiasGrad(dy, g) {
      const out = allF32(dy) && g.o > 0 && wasmCall(inst, (c) => {
        const pg = geometry(c, g);
        const pdy = c.input(head(dy, g.n * g.o * g.oh * g.ow));
        const pdb = c.output(g.o, true);
        ex.conv2d_bias_grad(pg, pdy, pdb, 0, g.n);
      });
      return out ? out[0] : cpuConv.conv2dBiasGrad(dy, g);
    },
  };
}
