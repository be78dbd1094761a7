/**
 * The public face of the wasm thread pool. A separate module so that the declarations of the
 * public API never name WebAssembly types (a consumer compiling without the DOM library, as a
 * Node project does, has no `WebAssembly` namespace).
 */
import { setThreads as setPoolThreads } from './wasm/pool.js';

/** Sets how many threads the wasm kernels use (1 = no workers); undefined restores the default. */
export function setThreads(n: number | undefined): void {
  setPoolThreads(n);
}
