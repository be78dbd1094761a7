/**
 * The WebAssembly SIMD backend: kernels compiled from C (src/kernels/wasm/*.c, rebuilt by
 * scripts/build-wasm.sh) and embedded as base64 in module.generated.ts, so nothing is compiled or
 * downloaded at install. Two builds of the same source: relaxed SIMD (f32x4.relaxed_madd, a fused
 * multiply-add where the engine validates it) and plain SIMD (f32x4.mul + f32x4.add) otherwise.
 *
 * Memory: one WebAssembly.Memory per variant, grown as needed and never shrunk. Each call copies
 * its operands in above the module's own data (__heap_base) and copies the result out into a
 * fresh Float32Array (the optimiser steps: back into the caller's arrays), so callers keep
 * ordinary typed arrays. Float64 arrays (gradient checks) go to the cpu kernels.
 *
 * Feature detection validates the two embedded modules themselves. Compilation is synchronous
 * (`new WebAssembly.Module`), which browsers allow on the main thread for modules under 8 MB
 * (Chrome's limit); this one is about 28 KB. Node 20 (V8 11.3) validates relaxed SIMD only with
 * --experimental-wasm-relaxed-simd, so it runs the plain build by default.
 */
import type { Backend, Kernels } from '../backend.js';
import type { FloatArray } from '../types.js';
import { matmul as cpuMatmul, type MatmulOptions } from '../cpu/matmul.js';
import * as cpuOptim from '../cpu/optim.js';
import { sumAxis as cpuSumAxis } from '../cpu/reduce.js';
import { addRowInPlace as cpuAddRowInPlace } from '../cpu/elementwise.js';
import {
  recurrenceStep as cpuRecurrenceStep, recurrenceStepGrad as cpuRecurrenceStepGrad,
  type RecurrenceDims, type RecurrenceForwardBuffers, type RecurrenceGradBuffers,
} from '../cpu/recurrence.js';
import { simdWasm, relaxedWasm } from './module.generated.js';

/** Which build of the kernels: plain SIMD or relaxed SIMD (fused multiply-add). */
export type WasmVariant = 'simd' | 'relaxed';

/** The exports of the GEMM module. */
interface GemmExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  gemm_batch(
    a: number, b: number, c: number, m: number, k: number, n: number,
    transA: number, transB: number, batch: number, strideA: number, strideB: number,
  ): void;
  sgd_step(
    theta: number, grad: number, buf: number, n: number, hasBuf: number,
    lr: number, mu: number, dampening: number, nesterov: number, wd: number, maximize: number, first: number,
  ): void;
  adam_step(
    theta: number, grad: number, m: number, v: number, vmax: number, n: number, hasVmax: number,
    beta1: number, beta2: number, eps: number, wd: number, decoupled: number, maximize: number,
    stepSize: number, bc2Sqrt: number, shrink: number,
  ): void;
  rmsprop_step(
    theta: number, grad: number, v: number, gAvg: number, buf: number, n: number, hasGAvg: number, hasBuf: number,
    lr: number, alpha: number, eps: number, wd: number, mu: number, maximize: number,
  ): void;
  rnn_step(x: number, hh: number, b: number, mask: number, hprev: number, act: number, hnew: number, n: number, h: number, relu: number): void;
  lstm_step(
    x: number, hh: number, b: number, mask: number, hprev: number, cprev: number, act: number, hnew: number, cnew: number,
    n: number, h: number,
  ): void;
  sum_axis(x: number, out: number, outer: number, n: number, inner: number, acc: number): void;
  add_row(x: number, bias: number, rows: number, cols: number): void;
  rnn_step_grad(dy: number, dh: number, back: number, act: number, mask: number, dx: number, n: number, h: number, relu: number): void;
  lstm_step_grad(
    dy: number, dh: number, dc: number, back: number, act: number, cprev: number, mask: number, dx: number, n: number, h: number,
  ): void;
}

/** One instantiated variant and the first free byte above its data. */
interface Instance {
  exports: GemmExports;
  heapBase: number;
}

const PAGE = 65536;
/** Memory the kernels use at most: their offsets are signed 32-bit; larger operands stay on the cpu kernels. */
const MAX_BYTES = 2 ** 31 - PAGE;
const bytesCache = new Map<WasmVariant, Uint8Array<ArrayBuffer>>();
const instanceCache = new Map<WasmVariant, Instance>();
let features: { simd: boolean; relaxedSimd: boolean } | undefined;

/** Decodes the embedded base64 module of a variant (once). */
function moduleBytes(variant: WasmVariant): Uint8Array<ArrayBuffer> {
  let bytes = bytesCache.get(variant);
  if (!bytes) {
    const bin = atob(variant === 'relaxed' ? relaxedWasm : simdWasm);
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    bytesCache.set(variant, bytes);
  }
  return bytes;
}

/** Whether this engine has WebAssembly SIMD and relaxed SIMD (each module validated once). */
export function wasmFeatures(): { simd: boolean; relaxedSimd: boolean } {
  if (!features) {
    const ok = (v: WasmVariant): boolean => {
      try {
        return typeof WebAssembly === 'object' && WebAssembly.validate(moduleBytes(v));
      } catch {
        return false;
      }
    };
    features = { simd: ok('simd'), relaxedSimd: ok('relaxed') };
  }
  return { ...features };
}

/** Compiles and instantiates a variant synchronously (once). */
function instance(variant: WasmVariant): Instance {
  let inst = instanceCache.get(variant);
  if (!inst) {
    const mod = new WebAssembly.Module(moduleBytes(variant));
    const exports = new WebAssembly.Instance(mod, {}).exports as unknown as GemmExports;
    inst = { exports, heapBase: align(Number(exports.__heap_base.value)) };
    instanceCache.set(variant, inst);
  }
  return inst;
}

/** Rounds a byte offset up to a multiple of 64 (a cache line). */
function align(x: number): number {
  return (x + 63) & ~63;
}

/** Grows the memory so that it holds at least `bytes` bytes; false when it cannot (past the engine's limit). */
function ensureBytes(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  if (bytes > MAX_BYTES) return false;
  try {
    memory.grow(Math.ceil((bytes - have) / PAGE));
    return true;
  } catch {
    return false;
  }
}

/** The matmul kernel (same contract as the cpu kernel) of one variant; float64 falls back to cpu. */
export function wasmMatmul(variant: WasmVariant): (a: FloatArray, b: FloatArray, m: number, k: number, n: number, opts?: MatmulOptions) => FloatArray {
  const inst = instance(variant);
  const ex = inst.exports;
  return function matmul(a, b, m, k, n, opts = {}) {
    if (a instanceof Float64Array || b instanceof Float64Array) return cpuMatmul(a, b, m, k, n, opts);
    let batch = opts.batch ?? 1;
    const sa = opts.strideA ?? m * k;
    const sb = opts.strideB ?? k * n;
    const transA = opts.transA === true;
    const transB = opts.transB === true;
    const len = batch * m * n;
    if (len === 0 || k === 0) return new Float32Array(len);
    let rows = m;
    // A batch of row-major A's against one shared B is a single taller product.
    if (batch > 1 && sb === 0 && !transA && sa === m * k) {
      rows = batch * m;
      batch = 1;
    }
    const aOff = inst.heapBase;
    const bOff = align(aOff + 4 * a.length);
    const cOff = align(bOff + 4 * b.length);
    // Operands that do not fit the memory (past 4 GiB, or the engine refuses to grow) stay on the cpu.
    if (!ensureBytes(ex.memory, cOff + 4 * len)) return cpuMatmul(a, b, m, k, n, opts);
    const buf = ex.memory.buffer;
    new Float32Array(buf, aOff, a.length).set(a);
    new Float32Array(buf, bOff, b.length).set(b);
    ex.gemm_batch(aOff, bOff, cOff, rows, k, n, transA ? 1 : 0, transB ? 1 : 0, batch, sa, sb);
    return new Float32Array(ex.memory.buffer, cOff, len).slice();
  };
}

/**
 * Copies n elements of each array into the memory (one after another above __heap_base), runs
 * `body` with their byte offsets (0 for a null array), then copies the arrays in `out` back.
 * Returns false, having done nothing, when the memory cannot grow to hold them.
 */
function inPlace(inst: Instance, n: number, arrays: (Float32Array | null)[], out: boolean[], body: (offs: number[]) => void): boolean {
  const offs: number[] = [];
  let end = inst.heapBase;
  for (const x of arrays) {
    offs.push(x ? end : 0);
    if (x) end = align(end + 4 * n);
  }
  if (!ensureBytes(inst.exports.memory, end)) return false;
  let buf = inst.exports.memory.buffer;
  arrays.forEach((x, i) => {
    if (x) new Float32Array(buf, offs[i], n).set(x.length === n ? x : x.subarray(0, n));
  });
  body(offs);
  buf = inst.exports.memory.buffer;
  arrays.forEach((x, i) => {
    if (x && out[i]) x.set(new Float32Array(buf, offs[i], n));
  });
  return true;
}

/** Whether every non-null array is float32 (the wasm kernels' type; float64 falls back to cpu). */
function allF32(...xs: (FloatArray | null)[]): boolean {
  return xs.every((x) => x === null || x instanceof Float32Array);
}

/** The optimiser kernels of one variant: results identical to the cpu kernels; float64 falls back to cpu. */
export function wasmOptimKernels(variant: WasmVariant): Pick<Kernels, 'sgdStep' | 'adamStep' | 'rmspropStep'> {
  const inst = instance(variant);
  const ex = inst.exports;
  const b = (x: boolean): number => (x ? 1 : 0);
  return {
    sgdStep(theta, grad, buf, o) {
      if (!allF32(theta, grad, buf)) return cpuOptim.sgdStep(theta, grad, buf, o);
      const n = theta.length;
      const done = inPlace(inst, n, [theta as Float32Array, grad as Float32Array, buf as Float32Array | null], [true, false, true], ([t, g, u]) =>
        ex.sgd_step(t, g, u, n, b(buf !== null), o.lr, o.momentum, o.dampening, b(o.nesterov), o.weightDecay, b(o.maximize), b(o.first)),
      );
      if (!done) cpuOptim.sgdStep(theta, grad, buf, o);
    },
    adamStep(theta, grad, m, v, vmax, o) {
      if (!allF32(theta, grad, m, v, vmax)) return cpuOptim.adamStep(theta, grad, m, v, vmax, o);
      const n = theta.length;
      // The same expressions as the cpu kernel, so the factors round identically.
      const stepSize = o.lr / (1 - o.beta1 ** o.step);
      const bc2Sqrt = Math.sqrt(1 - o.beta2 ** o.step);
      const shrink = 1 - o.lr * o.weightDecay;
      const arrays = [theta, grad, m, v, vmax] as (Float32Array | null)[];
      const done = inPlace(inst, n, arrays, [true, false, true, true, true], ([t, g, mo, vo, vm]) =>
        ex.adam_step(t, g, mo, vo, vm, n, b(vmax !== null), o.beta1, o.beta2, o.eps, o.weightDecay, b(o.decoupled), b(o.maximize), stepSize, bc2Sqrt, shrink),
      );
      if (!done) cpuOptim.adamStep(theta, grad, m, v, vmax, o);
    },
    rmspropStep(theta, grad, v, gAvg, buf, o) {
      if (!allF32(theta, grad, v, gAvg, buf)) return cpuOptim.rmspropStep(theta, grad, v, gAvg, buf, o);
      const n = theta.length;
      const arrays = [theta, grad, v, gAvg, buf] as (Float32Array | null)[];
      const done = inPlace(inst, n, arrays, [true, false, true, true, true], ([t, g, vo, ga, u]) =>
        ex.rmsprop_step(t, g, vo, ga, u, n, b(gAvg !== null), b(buf !== null), o.lr, o.alpha, o.eps, o.weightDecay, o.momentum, b(o.maximize)),
      );
      if (!done) cpuOptim.rmspropStep(theta, grad, v, gAvg, buf, o);
    },
  };
}

/** Byte offsets above __heap_base for arrays of the given float counts (0 for a count of 0), or null when the memory cannot hold them. */
function layout(inst: Instance, counts: number[]): number[] | null {
  const offs: number[] = [];
  let end = inst.heapBase;
  for (const c of counts) {
    offs.push(c > 0 ? end : 0);
    end = align(end + 4 * c);
  }
  return ensureBytes(inst.exports.memory, end) ? offs : null;
}

/**
 * The forward recurrence step of one variant: tanh/ReLU RNN and LSTM in wasm (the step's slices
 * copied in and out), the GRU and float64 buffers on the cpu kernel. Results equal the cpu
 * kernel's or differ by one float32 rounding (σ and tanh go through a polynomial e^x).
 */
export function wasmRecurrenceStep(variant: WasmVariant): Kernels['recurrenceStep'] {
  const inst = instance(variant);
  const ex = inst.exports;
  return function recurrenceStep(dims: RecurrenceDims, s: number, t: number, hh: FloatArray, buf: RecurrenceForwardBuffers): void {
    const { kind, n, t: T, h: H } = dims;
    const lstm = kind === 'lstm';
    if (kind === 'gru' || !allF32(hh, buf.xProj, buf.bHh, buf.mask, buf.h, buf.c, buf.act, buf.states)) {
      cpuRecurrenceStep(dims, s, t, hh, buf);
      return;
    }
    const G = (lstm ? 4 : 1) * H;
    const A = (lstm ? 5 : 1) * H;
    const nH = n * H;
    const offs = layout(inst, [n * G, n * G, G, buf.mask ? n : 0, nH, lstm ? nH : 0, n * A, nH, lstm ? nH : 0]);
    if (!offs) {
      cpuRecurrenceStep(dims, s, t, hh, buf);
      return;
    }
    const [oX, oHh, oB, oMask, oHp, oCp, oAct, oHn, oCn] = offs;
    const mem = ex.memory.buffer;
    const x = buf.xProj as Float32Array;
    const xw = new Float32Array(mem, oX, n * G);
    for (let i = 0; i < n; i++) {
      const at = (i * T + t) * G;
      xw.set(x.subarray(at, at + G), i * G);
    }
    new Float32Array(mem, oHh, n * G).set((hh as Float32Array).subarray(0, n * G));
    new Float32Array(mem, oB, G).set((buf.bHh as Float32Array).subarray(0, G));
    if (buf.mask) {
      const mw = new Float32Array(mem, oMask, n);
      for (let i = 0; i < n; i++) mw[i] = buf.mask[i * T + t];
    }
    const prev = s * nH;
    const next = prev + nH;
    const hs = buf.h as Float32Array;
    new Float32Array(mem, oHp, nH).set(hs.subarray(prev, next));
    const cs = buf.c as Float32Array | null;
    if (lstm) new Float32Array(mem, oCp, nH).set((cs as Float32Array).subarray(prev, next));
    if (lstm) ex.lstm_step(oX, oHh, oB, oMask, oHp, oCp, oAct, oHn, oCn, n, H);
    else ex.rnn_step(oX, oHh, oB, oMask, oHp, oAct, oHn, n, H, kind === 'rnnRelu' ? 1 : 0);
    const out = ex.memory.buffer;
    (buf.act as Float32Array).set(new Float32Array(out, oAct, n * A), buf.keepAll ? s * n * A : 0);
    const hNew = new Float32Array(out, oHn, nH);
    hs.set(hNew, next);
    const states = buf.states as Float32Array;
    if (lstm) {
      const cNew = new Float32Array(out, oCn, nH);
      (cs as Float32Array).set(cNew, next);
      for (let i = 0; i < n; i++) {
        const so = (i * T + t) * 2 * H;
        states.set(hNew.subarray(i * H, i * H + H), so);
        states.set(cNew.subarray(i * H, i * H + H), so + H);
      }
    } else {
      for (let i = 0; i < n; i++) states.set(hNew.subarray(i * H, i * H + H), (i * T + t) * H);
    }
  };
}

/**
 * The backward recurrence step of one variant: tanh/ReLU RNN and LSTM in wasm (the step's slices
 * copied in and out), bit-for-bit the cpu kernel's results; the GRU and float64 buffers on the cpu.
 */
export function wasmRecurrenceStepGrad(variant: WasmVariant): Kernels['recurrenceStepGrad'] {
  const inst = instance(variant);
  const ex = inst.exports;
  return function recurrenceStepGrad(
    dims: RecurrenceDims, s: number, t: number, back: FloatArray | null, fwd: RecurrenceForwardBuffers, grad: RecurrenceGradBuffers,
  ): void {
    const { kind, n, t: T, h: H } = dims;
    const lstm = kind === 'lstm';
    const arrays = [back, fwd.mask, fwd.act, fwd.c, grad.dStates, grad.dh, grad.dc, grad.dx, grad.dhh];
    if (kind === 'gru' || !allF32(...arrays)) {
      cpuRecurrenceStepGrad(dims, s, t, back, fwd, grad);
      return;
    }
    const G = (lstm ? 4 : 1) * H;
    const A = (lstm ? 5 : 1) * H;
    const S = (lstm ? 2 : 1) * H;
    const nH = n * H;
    const offs = layout(inst, [n * S, nH, lstm ? nH : 0, back ? nH : 0, n * A, lstm ? nH : 0, fwd.mask ? n : 0, n * G]);
    if (!offs) {
      cpuRecurrenceStepGrad(dims, s, t, back, fwd, grad);
      return;
    }
    const [oDy, oDh, oDc, oBack, oAct, oCp, oMask, oDx] = offs;
    const mem = ex.memory.buffer;
    const dy = grad.dStates as Float32Array;
    const dyW = new Float32Array(mem, oDy, n * S);
    for (let i = 0; i < n; i++) {
      const at = (i * T + t) * S;
      dyW.set(dy.subarray(at, at + S), i * S);
    }
    const dh = grad.dh as Float32Array;
    new Float32Array(mem, oDh, nH).set(dh.subarray(0, nH));
    const dc = grad.dc as Float32Array | null;
    if (lstm) new Float32Array(mem, oDc, nH).set((dc as Float32Array).subarray(0, nH));
    if (back) new Float32Array(mem, oBack, nH).set((back as Float32Array).subarray(0, nH));
    new Float32Array(mem, oAct, n * A).set((fwd.act as Float32Array).subarray(s * n * A, (s + 1) * n * A));
    if (lstm) new Float32Array(mem, oCp, nH).set((fwd.c as Float32Array).subarray(s * nH, (s + 1) * nH));
    if (fwd.mask) {
      const mw = new Float32Array(mem, oMask, n);
      for (let i = 0; i < n; i++) mw[i] = fwd.mask[i * T + t];
    }
    if (lstm) ex.lstm_step_grad(oDy, oDh, oDc, oBack, oAct, oCp, oMask, oDx, n, H);
    else ex.rnn_step_grad(oDy, oDh, oBack, oAct, oMask, oDx, n, H, kind === 'rnnRelu' ? 1 : 0);
    const out = ex.memory.buffer;
    dh.set(new Float32Array(out, oDh, nH));
    if (lstm) (dc as Float32Array).set(new Float32Array(out, oDc, nH));
    const dxW = new Float32Array(out, oDx, n * G);
    (grad.dhh as Float32Array).set(dxW, s * n * G);
    const dx = grad.dx as Float32Array;
    for (let i = 0; i < n; i++) dx.set(dxW.subarray(i * G, i * G + G), (i * T + t) * G);
  };
}

/** sumAxis and addRowInPlace of one variant, bit for bit the cpu kernels; float64 on the cpu. */
export function wasmReduceKernels(variant: WasmVariant): Pick<Kernels, 'sumAxis' | 'addRowInPlace'> {
  const inst = instance(variant);
  const ex = inst.exports;
  return {
    sumAxis(x, outer, n, inner) {
      const len = outer * n * inner;
      // acc: `inner` doubles of scratch (two float slots each)
      const offs = x instanceof Float32Array ? layout(inst, [len, outer * inner, inner > 1 ? 2 * inner : 0]) : null;
      if (!offs) return cpuSumAxis(x, outer, n, inner);
      const [oX, oOut, oAcc] = offs;
      new Float32Array(ex.memory.buffer, oX, len).set(x.length === len ? x : x.subarray(0, len));
      ex.sum_axis(oX, oOut, outer, n, inner, oAcc);
      return new Float32Array(ex.memory.buffer, oOut, outer * inner).slice();
    },
    addRowInPlace(x, bias, rows, cols) {
      const len = rows * cols;
      const offs = x instanceof Float32Array && bias instanceof Float32Array ? layout(inst, [len, cols]) : null;
      if (!offs) return cpuAddRowInPlace(x, bias, rows, cols);
      const [oX, oB] = offs;
      const mem = ex.memory.buffer;
      new Float32Array(mem, oX, len).set(x.length === len ? x : x.subarray(0, len));
      new Float32Array(mem, oB, cols).set(bias.length === cols ? bias : bias.subarray(0, cols));
      ex.add_row(oX, oB, rows, cols);
      x.set(new Float32Array(ex.memory.buffer, oX, len));
    },
  };
}

/** The wasm backend (relaxed SIMD where validated, plain SIMD otherwise), or null without WebAssembly SIMD. */
export function wasmBackend(): Backend | null {
  const f = wasmFeatures();
  if (!f.simd) return null;
  const variant: WasmVariant = f.relaxedSimd ? 'relaxed' : 'simd';
  return {
    name: 'wasm',
    kernels: {
      matmul: wasmMatmul(variant),
      ...wasmOptimKernels(variant),
      ...wasmReduceKernels(variant),
      recurrenceStep: wasmRecurrenceStep(variant),
      recurrenceStepGrad: wasmRecurrenceStepGrad(variant),
    },
  };
}
