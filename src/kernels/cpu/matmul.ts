/**
 * Matrix multiplication C = op(A)·op(B), batched. The hot loop of every layer.
 * A first, cache-aware version: rows of C are built as running sums of scaled rows of B
 * (i-k-j order), so the inner loop walks both B and C contiguously.
 */
import { alloc, type FloatArray } from '../types.js';

/** Options of the matmul kernel. */
export interface MatmulOptions {
  /** A is stored as [k, m] and used transposed. */
  transA?: boolean;
  /** B is stored as [n, k] and used transposed. */
  transB?: boolean;
  /** Number of independent products (default 1). */
  batch?: number;
  /** Elements between consecutive A matrices; 0 reuses one A for every batch (default m·k). */
  strideA?: number;
  /** Elements between consecutive B matrices; 0 reuses one B for every batch (default k·n). */
  strideB?: number;
}

/** Returns C of [batch, m, n] with C[b] = op(A[b])·op(B[b]), A giving m×k and B k×n after op. */
export function matmul(a: FloatArray, b: FloatArray, m: number, k: number, n: number, opts: MatmulOptions = {}): FloatArray {
  const batch = opts.batch ?? 1;
  const sa = opts.strideA ?? m * k;
  const sb = opts.strideB ?? k * n;
  const c = alloc(batch * m * n, a instanceof Float64Array || b instanceof Float64Array ? new Float64Array(0) : a);
  for (let t = 0; t < batch; t++) {
    let A = a.subarray(t * sa, t * sa + m * k);
    let B = b.subarray(t * sb, t * sb + k * n);
    if (opts.transA) A = transpose2d(A, k, m);
    if (opts.transB) B = transpose2d(B, n, k);
    gemm(A, B, c, t * m * n, m, k, n);
  }
  return c;
}

function transpose2d(x: FloatArray, r: number, c: number): FloatArray {
  const out = alloc(r * c, x);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j];
  return out;
}

function gemm(A: FloatArray, B: FloatArray, C: FloatArray, off: number, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ci = off + i * n;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) C[ci + j] += aip * B[bp + j];
    }
  }
}
