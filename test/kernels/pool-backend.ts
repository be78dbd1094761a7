// A test backend whose storage is a WasmStorage over its own SHARED memory (as the wasm backend's
// will be once its memory is shared): the cpu kernels, except that matmul and sumAxis return their
// results in pool blocks, as the wasm kernels do — so the autograd engine's handling of pool
// temporaries can be checked against the cpu backend whatever memory the wasm module has.
import { cpuKernels, kernelNames, registerBackend, type Backend, type KernelName } from '../../src/kernels/backend.js';
import type { FloatArray } from '../../src/kernels/types.js';
import { WasmStorage } from '../../src/kernels/wasm/storage.js';
import type { WasmInstance } from '../../src/kernels/wasm/instance.js';

/** A stand-in wasm instance over a fresh shared (or not) memory; wasmCall and storage use only memory and heapBase. */
export function fakeInstance(shared = true): WasmInstance {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared });
  return { exports: {}, memory, heapBase: 1024, shared, stacks: 0 } as unknown as WasmInstance;
}

/** A copy of x in a pool block when the storage grants one (as a wasm kernel's output), else x. */
function inPool(st: WasmStorage, x: FloatArray): FloatArray {
  if (!(x instanceof Float32Array)) return x;
  const v = st.allocView(x.length, false);
  if (!v) return x;
  v.set(x);
  return v;
}

/** Registers the backend `name` with pool storage; returns the storage. */
export function registerPoolBackend(name: string): WasmStorage {
  const inst = fakeInstance(true);
  const st = new WasmStorage(inst.memory, inst.heapBase);
  const native: KernelName[] = ['matmul', 'sumAxis'];
  const backend: Backend = {
    name,
    kernels: {
      matmul: (...args) => inPool(st, cpuKernels.matmul(...args)),
      sumAxis: (...args) => inPool(st, cpuKernels.sumAxis(...args)),
    },
    fallback: kernelNames.filter((k) => !native.includes(k)),
    storage: st,
  };
  registerBackend(backend);
  return st;
}
