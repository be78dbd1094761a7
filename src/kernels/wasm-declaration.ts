/**
 * The wasm backend's declaration: the kernels src/kernels/wasm implements natively come with its
 * kernel set; every other kernel is named here, one by one, as run by the cpu kernel. When a
 * kernel moves into WebAssembly, take its name out of WASM_FALLBACK (registration refuses a kernel
 * declared both ways, and one declared neither way), so no gap is ever silent.
 */
import type { Backend, KernelName } from './backend.js';
import { wasmBackend } from './wasm/index.js';
/** Which WebAssembly features the engine validates: {simd, relaxedSimd}. */
export { wasmFeatures } from './wasm/index.js';

/** Kernels the wasm backend leaves to the cpu kernels (layout, and a few elementwise kernels, for now). */
export const WASM_FALLBACK: readonly KernelName[] = [
  // forward
  'broadcastTo', 'step', 'powScalar', 'permute', 'sliceAxis', 'indexSelect', 'gather', 'concat',
  // backward
  'powScalarGrad', 'expandAxis', 'scatterAxis', 'unsliceAxis', 'indexAdd', 'scatterAdd',
  // accumulation and optimiser updates
  'batchNormUpdateRunning',
];

/** Why the wasm backend may not run: the message when wasmBackend() returns null. */
export const WASM_UNAVAILABLE = 'this JavaScript engine does not validate WebAssembly SIMD (128-bit) modules';

/** The wasm backend with its explicit fallback list, or null where WebAssembly SIMD is missing. */
export function loadWasmBackend(): Backend | null {
  const b = wasmBackend();
  if (!b) return null;
  // A declaration that comes with its own fallback list (from src/kernels/wasm) takes precedence.
  return { ...b, fallback: b.fallback ?? WASM_FALLBACK };
}
