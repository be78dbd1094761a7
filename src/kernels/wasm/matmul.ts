/**
 * The wasm matmul kernel: gemm.c's packed, register-blocked SIMD GEMM behind the cpu kernel's
 * contract, spread over the pool's threads (pool.ts) when the product is large enough: a batch of
 * products by whole products, a single packed product by row blocks of C (or column panels when C
 * is wider than tall: each part repacks the other operand, so the smaller one is duplicated).
 * Every element of C is summed in the same order whatever thread computes it, so threaded results
 * equal single-threaded ones bit for bit.
 */
import { span, type FloatArray } from '../types.js';
import { matmul as cpuMatmul, type MatmulOptions } from '../cpu/matmul.js';
import { instance, type WasmInstance, type WasmVariant } from './instance.js';
import { wasmCall, type WasmCall } from './call.js';
import { storageOf } from './storage.js';
import { parallelFor, threadCount } from './pool.js';

/** The gemm.c exports this file calls. */
interface MatmulExports {
  gemm_batch(
    a: number, b: number, c: number, m: number, k: number, n: number,
    transA: number, transB: number, first: number, last: number, strideA: number, strideB: number,
    scratch: number,
  ): void;
  gemm_scratch(m: number, k: number, n: number): number;
  gemm_packed(m: number, n: number): number;
  gemm_tile_rows(): number;
  gemm_tile_cols(): number;
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
    if (batch === 1 && !transA && 4 * rows * k > CHUNK_BYTES && storageOf(inst).addressOf(a) < 0) {
      const chunked = byRowChunks(inst, ex, a, b, rows, k, n, transB);
      if (chunked) return chunked;
    }
    const rowsOut = rows;
    const batchOut = batch;
    const out = wasmCall(inst, (c) => {
      const pa = c.input(a);
      const pb = c.input(b);
      const pc = c.output(len);
      const p: Product = { a: pa, b: pb, c: pc, m: rowsOut, k, n, transA: transA ? 1 : 0, transB: transB ? 1 : 0, batch: batchOut, sa, sb };
      gemmThreaded(inst, ex, c, p);
    });
    // Operands that do not fit the memory (past 2 GiB, or the engine refuses to grow) stay on the cpu.
    return out ? out[0] : cpuMatmul(a, b, m, k, n, opts);
  };
}

/**
 * Bytes of a copied-in A above which a product runs in row chunks of about this size. The memory
 * never shrinks, so one call with a large ordinary-array operand (predict on 60,000 MNIST images
 * is 188 MB) would otherwise keep that much resident for the rest of the process. Not smaller:
 * each chunk repacks B, and 1 MiB chunks took 1024³ from 82 to 65 GFLOP/s on 2 threads.
 */
const CHUNK_BYTES = 4 << 20;

/** C = A·op(B) for an ordinary-array A (rows × k), copied in a chunk of rows at a time into one block; null when the memory is full. */
function byRowChunks(inst: WasmInstance, ex: MatmulExports, a: Float32Array, b: Float32Array, rows: number, k: number, n: number, transB: boolean): Float32Array | null {
  const step = Math.max(ex.gemm_tile_rows(), Math.floor(CHUNK_BYTES / (4 * k)));
  const last = rows % step || step;
  const out = wasmCall(inst, (c) => {
    const pb = c.input(b);
    const pc = c.output(rows * n);
    const pa = c.scratch(step * k);
    const scratch = c.scratch(threadCount() * Math.max(ex.gemm_scratch(step, k, n), ex.gemm_scratch(last, k, n)));
    for (let r0 = 0; r0 < rows; r0 += step) {
      const r = Math.min(step, rows - r0);
      c.view(pa, r * k).set(span(a, r0 * k, (r0 + r) * k));
      const p: Product = { a: pa, b: pb, c: pc + 4 * r0 * n, m: r, k, n, transA: 0, transB: transB ? 1 : 0, batch: 1, sa: r * k, sb: 0 };
      gemmThreaded(inst, ex, c, p, scratch);
    }
  });
  return out ? out[0] : null;
}

/** One call's operands (byte offsets) and shape. */
interface Product {
  a: number; b: number; c: number; m: number; k: number; n: number;
  transA: number; transB: number; batch: number; sa: number; sb: number;
}

/** Multiply-adds per thread below which a product stays on fewer threads (waking a worker costs more). */
let parallelMinMacs = 1 << 21;

/** Sets the multiply-adds per thread that a product needs before it is split (tests split small ones); returns the previous value. */
export function setParallelMinMacs(macs: number): number {
  const before = parallelMinMacs;
  parallelMinMacs = Math.max(1, macs);
  return before;
}

/** The threads a job of `macs` multiply-adds warrants: one per parallelMinMacs, at most threadCount(). */
export function threadsFor(macs: number): number {
  return Math.min(threadCount(), Math.max(1, Math.floor(macs / parallelMinMacs)));
}

/** Runs a product on as many threads as its size warrants (see setParallelMinMacs); `given`: scratch for every thread, else taken from the call. */
function gemmThreaded(inst: WasmInstance, ex: MatmulExports, c: WasmCall, p: Product, given?: number): void {
  const { m, k, n, batch } = p;
  const perThread = ex.gemm_scratch(m, k, n);
  const macs = m * k * n;
  const threads = threadsFor(macs * batch);
  const head = [p.a, p.b, p.c, m, k, n, p.transA, p.transB];
  if (threads <= 1) {
    ex.gemm_batch(p.a, p.b, p.c, m, k, n, p.transA, p.transB, 0, batch, p.sa, p.sb, given ?? c.scratch(perThread));
    return;
  }
  const scratch = given ?? c.scratch(threads * perThread);
  if (batch >= threads) {
    const chunk = Math.ceil(batch / threads);
    parallelFor(inst, 'gemm_batch_part', [...head, batch, p.sa, p.sb, chunk, scratch, perThread], Math.ceil(batch / chunk));
    return;
  }
  const byRows = m >= n;
  const unit = byRows ? ex.gemm_tile_rows() : ex.gemm_tile_cols();
  const size = byRows ? m : n;
  const chunk = Math.ceil(Math.ceil(size / threads) / unit) * unit;
  const parts = Math.ceil(size / chunk);
  for (let t = 0; t < batch; t++) {
    const at = [p.a + 4 * t * p.sa, p.b + 4 * t * p.sb, p.c + 4 * t * m * n, m, k, n, p.transA, p.transB];
    if (!ex.gemm_packed(m, n) || parts < 2) {
      ex.gemm_batch(at[0] as number, at[1] as number, at[2] as number, m, k, n, p.transA, p.transB, 0, 1, 0, 0, scratch);
    } else {
      parallelFor(inst, 'gemm_region_part', [...at, byRows ? 1 : 0, chunk, scratch, perThread], parts);
    }
  }
}
