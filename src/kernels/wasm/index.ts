/**
 * The WebAssembly SIMD backend: kernels compiled from C (src/kernels/wasm/*.c, rebuilt by
 * scripts/build-wasm.sh) and embedded as base64 in module.generated.ts, so nothing is compiled or
 * downloaded at install. Two builds of the same source: relaxed SIMD (f32x4.relaxed_madd, a fused
 * multiply-add where the engine validates it) and plain SIMD (f32x4.mul + f32x4.add) otherwise.
 *
 * Memory: one WebAssembly.Memory per variant, grown as needed and never shrunk. Each call copies
 * its operands in above the module's own data (__heap_base) and copies the result out into a
 * fresh Float32Array, so callers keep ordinary typed arrays.
 */
import type { Backend } from '../backend.js';
import type { FloatArray } from '../types.js';
import { matmul as cpuMatmul, type MatmulOptions } from '../cpu/matmul.js';
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
}

/** One instantiated variant and the first free byte above its data. */
interface Instance {
  exports: GemmExports;
  heapBase: number;
}

const PAGE = 65536;
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

/** Grows the memory so that it holds at least `bytes` bytes. */
function ensureBytes(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
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
    ensureBytes(ex.memory, cOff + 4 * len);
    const buf = ex.memory.buffer;
    new Float32Array(buf, aOff, a.length).set(a);
    new Float32Array(buf, bOff, b.length).set(b);
    ex.gemm_batch(aOff, bOff, cOff, rows, k, n, transA ? 1 : 0, transB ? 1 : 0, batch, sa, sb);
    return new Float32Array(ex.memory.buffer, cOff, len).slice();
  };
}

/** The wasm backend (relaxed SIMD where validated, plain SIMD otherwise), or null without WebAssembly SIMD. */
export function wasmBackend(): Backend | null {
  const f = wasmFeatures();
  if (!f.simd) return null;
  return { name: 'wasm', kernels: { matmul: wasmMatmul(f.relaxedSimd ? 'relaxed' : 'simd') } };
}
