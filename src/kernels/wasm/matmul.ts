/** The wasm matmul kernel: gemm.c's packed, register-blocked SIMD GEMM behind the cpu kernel's contract. */
import type { FloatArray } from '../types.js';
import { matmul as cpuMatmul, type MatmulOptions } from '../cpu/matmul.js';
import { instance, type WasmVariant } from './instance.js';
import { wasmCall } from './call.js';

/** The gemm.c exports this file calls. */
interface MatmulExports {
  gemm_batch(
    a: number, b: number, c: number, m: number, k: number, n: number,
    transA: number, transB: number, first: number, last: number, strideA: number, strideB: number,
    scratch: number,
  ): void;
  gemm_scratch(m: number, k: number, n: number): number;
}

/** The matmul kernel (same contract as the cpu kernel) of one variant; float64 falls back to cpu. */
export function wasmMatmul(variant: WasmVariant): (a: FloatArray, b: FloatArray, m: number, k: number, n: number, opts?: MatmulOptions) => FloatArray {
  const inst = instance(variant);
  const ex = inst.exports as unknown as MatmulExports;
  return function matmul(a, b, m, k, n, opts = {}) {
    if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) return cpuMatmul(a, b, m, k, n, opts);
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
    const rowsOut = rows;
    const batchOut = batch;
    const out = wasmCall(inst, (c) => {
      const pa = c.input(a);
      const pb = c.input(b);
      const pc = c.output(len);
      const scratch = c.scratch(ex.gemm_scratch(rowsOut, k, n));
      ex.gemm_batch(pa, pb, pc, rowsOut, k, n, transA ? 1 : 0, transB ? 1 : 0, 0, batchOut, sa, sb, scratch);
    });
    // Operands that do not fit the memory (past 2 GiB, or the engine refuses to grow) stay on the cpu.
    return out ? out[0] : cpuMatmul(a, b, m, k, n, opts);
  };
}
