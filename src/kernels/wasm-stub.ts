/**
 * TEMPORARY stand-in for src/kernels/wasm/index.ts (being written on another branch), with the
 * same contract: `wasmBackend(): Backend | null` and `wasmFeatures()`. Its matmul is plain
 * TypeScript that accumulates in float32, as a SIMD kernel does, so the conformance suite meets
 * float32 rounding before the real kernel lands. Delete this file when src/kernels/wasm/ lands.
 */
import type { Backend } from './backend.js';
import { matmul as cpuMatmul, type MatmulOptions } from './cpu/matmul.js';
import type { FloatArray } from './types.js';

/** A module with one function returning a v128 constant: it validates only where SIMD exists. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b,
]);

/** Which WebAssembly features the engine validates. */
export function wasmFeatures(): { simd: boolean; relaxedSimd: boolean } {
  const simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  return { simd, relaxedSimd: false };
}

/** C = op(A)·op(B) accumulated in float32 (i-k-j order); float64 inputs go to the cpu kernel. */
function matmul(a: FloatArray, b: FloatArray, m: number, k: number, n: number, opts: MatmulOptions = {}): FloatArray {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) return cpuMatmul(a, b, m, k, n, opts);
  const batch = opts.batch ?? 1;
  const sa = opts.strideA ?? m * k;
  const sb = opts.strideB ?? k * n;
  const c = new Float32Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const oa = t * sa;
    const ob = t * sb;
    const oc = t * m * n;
    for (let i = 0; i < m; i++) {
      const row = oc + i * n;
      for (let p = 0; p < k; p++) {
        const av = a[oa + (opts.transA ? p * m + i : i * k + p)];
        if (opts.transB) for (let j = 0; j < n; j++) c[row + j] += av * b[ob + j * k + p];
        else for (let j = 0, q = ob + p * n; j < n; j++) c[row + j] += av * b[q + j];
      }
    }
  }
  return c;
}

/** The stub wasm backend: matmul only; null where WebAssembly SIMD is missing. */
export function wasmBackend(): Backend | null {
  if (!wasmFeatures().simd) return null;
  return { name: 'wasm', kernels: { matmul } };
}
