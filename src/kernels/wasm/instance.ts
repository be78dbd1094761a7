/**
 * The compiled WebAssembly kernels: decoding the embedded module (module.generated.ts, built by
 * scripts/build-wasm.sh), feature detection, synchronous instantiation (once per variant) and the
 * memory the kernels work in. Each kernel file declares the exports it calls as its own interface
 * (see gemm's MatmulExports in matmul.ts), so adding a C kernel touches no shared list.
 *
 * Compilation is synchronous (`new WebAssembly.Module`), which browsers allow on the main thread
 * for modules under 8 MB (Chrome's limit); this one is tens of KB. Node 20 (V8 11.3) validates
 * relaxed SIMD only with --experimental-wasm-relaxed-simd, so it runs the plain build by default.
 */
import { simdWasm, relaxedWasm } from './module.generated.js';

/** Which build of the kernels: plain SIMD or relaxed SIMD (fused multiply-add). */
export type WasmVariant = 'simd' | 'relaxed';

/** An instantiated variant: its exports, the memory its kernels address, and the first free byte above its data. */
export interface WasmInstance {
  exports: Record<string, unknown>;
  memory: WebAssembly.Memory;
  heapBase: number;
}

const PAGE = 65536;
/** Memory the kernels use at most: their offsets are signed 32-bit; larger operands stay on the cpu kernels. */
const MAX_BYTES = 2 ** 31 - PAGE;
const bytesCache = new Map<WasmVariant, Uint8Array<ArrayBuffer>>();
const instanceCache = new Map<WasmVariant, WasmInstance>();
let features: { simd: boolean; relaxedSimd: boolean } | undefined;

/** Decodes the embedded base64 module of a variant (once). */
export function moduleBytes(variant: WasmVariant): Uint8Array<ArrayBuffer> {
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

/** The variant this engine runs best: relaxed SIMD where validated, plain SIMD otherwise. */
export function bestVariant(): WasmVariant {
  return wasmFeatures().relaxedSimd ? 'relaxed' : 'simd';
}

/** Compiles and instantiates a variant synchronously (once). */
export function instance(variant: WasmVariant): WasmInstance {
  let inst = instanceCache.get(variant);
  if (!inst) {
    const mod = new WebAssembly.Module(moduleBytes(variant));
    const exports = new WebAssembly.Instance(mod, {}).exports as Record<string, unknown>;
    const memory = exports.memory as WebAssembly.Memory;
    const heapBase = align(Number((exports.__heap_base as WebAssembly.Global).value));
    inst = { exports, memory, heapBase };
    instanceCache.set(variant, inst);
  }
  return inst;
}

/** Rounds a byte offset up to a multiple of 64 (a cache line). */
export function align(x: number): number {
  return (x + 63) & ~63;
}

/** Grows the memory so that it holds at least `bytes` bytes; false when it cannot (past the engine's limit). */
export function ensureBytes(memory: WebAssembly.Memory, bytes: number): boolean {
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
