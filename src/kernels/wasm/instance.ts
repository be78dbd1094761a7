/**
 * The compiled WebAssembly kernels: decoding the embedded module (module.generated.ts, built by
 * scripts/build-wasm.sh), feature detection, synchronous instantiation (once per variant) and the
 * memory the kernels work in. Each kernel file declares the exports it calls as its own interface
 * (see gemm's MatmulExports in matmul.ts), so adding a C kernel touches no shared list.
 *
 * Compilation is synchronous (`new WebAssembly.Module`), which browsers allow on the main thread
 * for modules under 8 MB (Chrome's limit); this one is tens of KB. Node 20 (V8 11.3) validates
 * relaxed SIMD only with --experimental-wasm-relaxed-simd, so it runs the plain build by default.
 *
 * Memory: the module imports its memory, declared shared (built with wasm-ld --shared-memory, see
 * scripts/build-wasm.sh), so that worker threads (pool.ts) can instantiate the same module on the
 * same memory. Views over a shared memory's buffer stay valid after it grows (they just do not see
 * the new pages; take `memory.buffer` again for those). Where shared memory is unavailable (a
 * browser page that is not cross-origin isolated: no SharedArrayBuffer), the same bytes are
 * instantiated with the import's shared flag cleared (one byte patched in a copy) on an ordinary
 * memory: atomic instructions are valid on unshared memories, and the start function's only wait
 * happens when another thread is initialising, which cannot happen with one thread. So one build
 * serves both and the embedded size does not double; that instance runs single-threaded.
 * Each instance reserves a stack region per possible worker above the module's data (workerStackTop).
 */
import { BackpropError, FileFormatError } from '../../errors.js';
import { simdWasm, relaxedWasm } from './module.generated.js';

/** Which build of the kernels: plain SIMD or relaxed SIMD (fused multiply-add). */
export type WasmVariant = 'simd' | 'relaxed';

/** An instantiated variant: its exports, the memory its kernels address, and the first free byte above its data. */
export interface WasmInstance {
  exports: Record<string, unknown>;
  memory: WebAssembly.Memory;
  heapBase: number;
  /** The compiled module (workers instantiate it again on the same memory). */
  module: WebAssembly.Module;
  /** Whether the memory is shared (threads possible); when not, `unshared` says why. */
  shared: boolean;
  unshared?: string;
  /** The first byte of the worker stacks (MAX_WORKERS regions of WORKER_STACK_BYTES), 0 when unshared. */
  stacks: number;
}

/** Most worker threads a pool may start (besides the calling thread). */
export const MAX_WORKERS = 15;
/** Bytes of stack each worker's instance gets (the same as the linker's default for the main one). */
export const WORKER_STACK_BYTES = 65536;

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

/** Compiles and instantiates a variant synchronously (once), on shared memory where the engine allows it. */
export function instance(variant: WasmVariant): WasmInstance {
  let inst = instanceCache.get(variant);
  if (!inst) {
    inst = instantiate(variant, true);
    instanceCache.set(variant, inst);
  }
  return inst;
}

/** A new instance of a variant on a new memory: shared when asked and possible, otherwise unshared. */
export function instantiate(variant: WasmVariant, wantShared: boolean): WasmInstance {
  const bytes = moduleBytes(variant);
  const imp = memoryImport(bytes);
  let unshared = wantShared ? undefined : 'single thread asked for';
  if (wantShared) {
    try {
      const memory = new WebAssembly.Memory({ initial: imp.initial, maximum: imp.maximum, shared: true });
      return finish(new WebAssembly.Module(bytes), memory, true);
    } catch (e) {
      unshared = `shared WebAssembly memory unavailable (${e instanceof Error ? e.message : String(e)})`;
    }
  }
  const patched = bytes.slice();
  patched[imp.flagsAt] = imp.flags & ~SHARED_FLAG;
  const memory = new WebAssembly.Memory({ initial: imp.initial, maximum: imp.maximum });
  return { ...finish(new WebAssembly.Module(patched), memory, false), unshared };
}

/** Instantiates a compiled module on a memory and reserves the worker stacks when shared. */
function finish(module: WebAssembly.Module, memory: WebAssembly.Memory, shared: boolean): WasmInstance {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, unknown>;
  const dataEnd = align(Number((exports.__heap_base as WebAssembly.Global).value));
  const stacks = shared ? dataEnd : 0;
  const heapBase = shared ? dataEnd + MAX_WORKERS * WORKER_STACK_BYTES : dataEnd;
  if (!ensureBytes(memory, heapBase)) throw new BackpropError('wasm: cannot reserve the worker stacks (memory does not grow)');
  return { exports, memory, heapBase, module, shared, stacks };
}

/** The initial stack pointer (top, the stack grows down) of worker i (0-based) of a shared instance. */
export function workerStackTop(inst: WasmInstance, i: number): number {
  return inst.stacks + (i + 1) * WORKER_STACK_BYTES;
}

const SHARED_FLAG = 0x02;

/** Where the module's memory import is: the byte offset of its limits flags, and its page limits. */
export function memoryImport(bytes: Uint8Array): { flagsAt: number; flags: number; initial: number; maximum: number } {
  let at = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++] as number;
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return result;
    }
  };
  const skipTable = (): void => {
    at++; // element type
    const flags = bytes[at++] as number;
    leb();
    if (flags & 1) leb();
  };
  while (at < bytes.length) {
    const id = bytes[at++] as number;
    const size = leb();
    const end = at + size;
    if (id === 2) {
      const count = leb();
      for (let i = 0; i < count; i++) {
        for (let name = 0; name < 2; name++) {
          const len = leb(); // module name, then field name
          at += len;
        }
        const kind = bytes[at++] as number;
        if (kind === 2) {
          const flagsAt = at;
          const flags = bytes[at++] as number;
          const initial = leb();
          const maximum = flags & 1 ? leb() : 65536;
          return { flagsAt, flags, initial, maximum };
        }
        if (kind === 0) leb(); // function: type index
        else if (kind === 1) skipTable();
        else if (kind === 3) at += 2; // global: type, mutability
        else throw new FileFormatError(`wasm module: unknown import kind ${kind}`);
      }
    }
    at = end;
  }
  throw new FileFormatError('wasm module: imports no memory');
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
