/**
 * Matrix multiplication C = op(A)·op(B), batched. The hot loop of every layer.
 *
 * Float32 inputs take a cache-blocked, register-blocked path (GotoBLAS-style):
 *  - the k dimension is cut in blocks of KC, the n dimension in blocks of NC, m in blocks of MC;
 *  - each KC×NC block of op(B) is packed into `packedB` as column panels NR wide, and each
 *    MC×KC block of op(A) into `packedA` as row panels MR tall, both stored k-major so the
 *    micro-kernel reads them strictly sequentially. Transposes are absorbed by the packing;
 *  - the micro-kernel keeps an MR×NR = 4×2 tile of C in eight local doubles and walks k two
 *    steps per iteration. 4×2 measured best under V8 Turbofan (Node 20): every typed or array
 *    load costs a bounds check, Turbofan issues all loads of an iteration before the arithmetic,
 *    and larger tiles (4×4, 4×8, 6×4…) then spill accumulators to the stack, which puts a
 *    store→load round trip on each accumulator's dependency chain (4×4 was ~10% slower).
 *  - packed offsets are masked with MASK so Turbofan knows they cannot overflow int32 and
 *    drops the overflow checks on `p + 1`, `p + 2`…
 * The packing buffers are plain `number[]` arrays kept in PACKED_DOUBLE_ELEMENTS mode: V8
 * loads from them with one bounds check and no base-pointer arithmetic, which measured
 * ~5–10% faster than Float64Array buffers. They are module-level and only grow (to ~2.3 MB),
 * so no allocation happens per call beyond the result.
 * Products with fewer than MR rows, or a single column, skip packing (skinnyGemm32).
 * Float64 inputs (gradient checks) take a plain i-k-j loop in double precision.
 */
import type { FloatArray } from '../types.js';

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

/** Rows of the register tile (rows of op(A) per packed panel). */
const MR = 4;
/** Columns of the register tile (columns of op(B) per packed panel). */
const NR = 2;
/** k steps per micro-kernel iteration; packed panels are zero-padded to a multiple of it. */
const KU = 2;
/** Depth of a k block: one MR×KC panel of A and one KC×NR panel of B stay in L1. */
const KC = 256;
/** Rows of op(A) per packed block (MC×KC doubles ≈ 256 KiB, in L2). */
const MC = 128;
/** Columns of op(B) per packed block. */
const NC = 1024;
/** Index mask that tells Turbofan the packed offsets are small, removing overflow checks. */
const MASK = 0x0fffffff;

/** Packed panels of op(A): row panels of MR, k-major inside a panel. */
let packedA: number[] = [0.5];
/** Packed panels of op(B): column panels of NR, k-major inside a panel. */
let packedB: number[] = [0.5];
/** The accumulators of an edge tile, copied out element by element. */
const edge = new Float64Array(MR * NR);
/** Scratch of the skinny path: one row of op(A) in double precision. */
let rowA = new Float64Array(0);
/** Scratch of the skinny path: one row of C accumulated in double precision. */
let rowC = new Float64Array(0);

/** Grows a packing buffer to at least n doubles, keeping it in packed-double mode. */
function grow(buf: number[], n: number): number[] {
  for (let i = buf.length; i < n; i++) buf.push(0.5);
  return buf;
}

/** Returns C of [batch, m, n] with C[b] = op(A[b])·op(B[b]), A giving m×k and B k×n after op. */
export function matmul(a: FloatArray, b: FloatArray, m: number, k: number, n: number, opts: MatmulOptions = {}): FloatArray {
  const batch = opts.batch ?? 1;
  const sa = opts.strideA ?? m * k;
  const sb = opts.strideB ?? k * n;
  const transA = opts.transA === true;
  const transB = opts.transB === true;
  if (a instanceof Float64Array || b instanceof Float64Array) {
    const c = new Float64Array(batch * m * n);
    for (let t = 0; t < batch; t++) matmulF64(a, b, c, t * sa, t * sb, t * m * n, m, k, n, transA, transB);
    return c;
  }
  const c = new Float32Array(batch * m * n);
  if (m === 0 || n === 0 || k === 0) return c;
  // A batch of row-major A's against one shared B is a single taller product.
  if (batch > 1 && sb === 0 && !transA && sa === m * k) {
    gemm32(a, b, c, 0, 0, 0, batch * m, k, n, false, transB);
    return c;
  }
  for (let t = 0; t < batch; t++) gemm32(a, b, c, t * sa, t * sb, t * m * n, m, k, n, transA, transB);
  return c;
}

/** Computes op(A)·op(B) into the zero-filled C for float32 data, A and B starting at aOff / bOff, C at cOff. */
function gemm32(
  a: Float32Array, b: Float32Array, c: Float32Array, aOff: number, bOff: number, cOff: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean,
): void {
  if (m < MR) {
    skinnyGemm32(a, b, c, aOff, bOff, cOff, m, k, n, transA, transB);
    return;
  }
  if (n === 1) {
    // C is a column, laid out like the row Cᵀ = op(B)ᵀ·op(A)ᵀ: a vector times a matrix.
    skinnyGemm32(b, a, c, bOff, aOff, cOff, 1, k, m, false, !transA);
    return;
  }
  // Blocks of near-equal size, so no thin leftover block pays the per-tile overheads.
  const ncb = blockSize(n, NC, NR);
  const kcb = blockSize(k, KC, KU);
  const mcb = blockSize(m, MC, MR);
  for (let jc = 0; jc < n; jc += ncb) {
    const nc = Math.min(ncb, n - jc);
    for (let pc = 0; pc < k; pc += kcb) {
      const kc = Math.min(kcb, k - pc);
      const kcp = Math.ceil(kc / KU) * KU;
      if (transB) packBT(b, bOff, k, pc, kc, kcp, jc, nc);
      else packBN(b, bOff, n, pc, kc, kcp, jc, nc);
      for (let ic = 0; ic < m; ic += mcb) {
        const mc = Math.min(mcb, m - ic);
        if (transA) packAT(a, aOff, m, ic, mc, pc, kc, kcp);
        else packAN(a, aOff, k, ic, mc, pc, kc, kcp);
        macroKernel(c, cOff + ic * n + jc, n, mc, nc, kcp);
      }
    }
  }
}

/** Splits `total` into the fewest blocks of at most ~`max`, of equal size rounded up to a multiple of `unit`. */
function blockSize(total: number, max: number, unit: number): number {
  const blocks = Math.ceil(total / max);
  return Math.ceil(Math.ceil(total / blocks) / unit) * unit;
}

/** Packs rows ic..ic+mc, columns pc..pc+kc of a row-major A (m×k) into MR-row panels. */
function packAN(a: Float32Array, aOff: number, k: number, ic: number, mc: number, pc: number, kc: number, kcp: number): void {
  const P = (packedA = grow(packedA, Math.ceil(mc / MR) * MR * kcp));
  let q = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const r0 = aOff + (ic + i0) * k + pc;
    if (mc - i0 >= MR) {
      const r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
      for (let p = 0; p < kc; p++) {
        P[q] = a[r0 + p];
        P[q + 1] = a[r1 + p];
        P[q + 2] = a[r2 + p];
        P[q + 3] = a[r3 + p];
        q += MR;
      }
    } else {
      const h = mc - i0;
      for (let p = 0; p < kc; p++) {
        for (let i = 0; i < MR; i++) P[q + i] = i < h ? a[r0 + i * k + p] : 0;
        q += MR;
      }
    }
    for (let p = kc; p < kcp; p++) for (let i = 0; i < MR; i++) P[q++] = 0;
  }
}

/** Packs the block of op(A) = Aᵀ for A stored k×m (row-major) into MR-row panels. */
function packAT(a: Float32Array, aOff: number, m: number, ic: number, mc: number, pc: number, kc: number, kcp: number): void {
  const P = (packedA = grow(packedA, Math.ceil(mc / MR) * MR * kcp));
  let q = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    let s = aOff + pc * m + ic + i0;
    if (mc - i0 >= MR) {
      for (let p = 0; p < kc; p++) {
        P[q] = a[s];
        P[q + 1] = a[s + 1];
        P[q + 2] = a[s + 2];
        P[q + 3] = a[s + 3];
        q += MR;
        s += m;
      }
    } else {
      const h = mc - i0;
      for (let p = 0; p < kc; p++) {
        for (let i = 0; i < MR; i++) P[q + i] = i < h ? a[s + i] : 0;
        q += MR;
        s += m;
      }
    }
    for (let p = kc; p < kcp; p++) for (let i = 0; i < MR; i++) P[q++] = 0;
  }
}

/** Packs rows pc..pc+kc, columns jc..jc+nc of a row-major B (k×n) into NR-column panels. */
function packBN(b: Float32Array, bOff: number, n: number, pc: number, kc: number, kcp: number, jc: number, nc: number): void {
  const P = (packedB = grow(packedB, Math.ceil(nc / NR) * NR * kcp));
  let q = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    let s = bOff + pc * n + jc + j0;
    if (nc - j0 >= NR) {
      for (let p = 0; p < kc; p++) {
        P[q] = b[s];
        P[q + 1] = b[s + 1];
        q += NR;
        s += n;
      }
    } else {
      const w = nc - j0;
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) P[q + j] = j < w ? b[s + j] : 0;
        q += NR;
        s += n;
      }
    }
    for (let p = kc; p < kcp; p++) for (let j = 0; j < NR; j++) P[q++] = 0;
  }
}

/** Packs the block of op(B) = Bᵀ for B stored n×k (row-major) into NR-column panels. */
function packBT(b: Float32Array, bOff: number, k: number, pc: number, kc: number, kcp: number, jc: number, nc: number): void {
  const P = (packedB = grow(packedB, Math.ceil(nc / NR) * NR * kcp));
  let q = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const r0 = bOff + (jc + j0) * k + pc;
    if (nc - j0 >= NR) {
      const r1 = r0 + k;
      for (let p = 0; p < kc; p++) {
        P[q] = b[r0 + p];
        P[q + 1] = b[r1 + p];
        q += NR;
      }
    } else {
      const w = nc - j0;
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) P[q + j] = j < w ? b[r0 + j * k + p] : 0;
        q += NR;
      }
    }
    for (let p = kc; p < kcp; p++) for (let j = 0; j < NR; j++) P[q++] = 0;
  }
}

/** Adds packedA (mc×kcp) · packedB (kcp×nc) into the mc×nc block of C at cOff (row length n). */
function macroKernel(c: Float32Array, cOff: number, n: number, mc: number, nc: number, kcp: number): void {
  const A = packedA;
  const B = packedB;
  const aLen = (kcp * MR) & MASK;
  for (let jr = 0; jr < nc; jr += NR) {
    const q0 = (jr * kcp) & MASK;
    for (let ir = 0; ir < mc; ir += MR) {
      const p0 = (ir * kcp) & MASK;
      const pEnd = (p0 + aLen) & MASK;
      let q = q0;
      let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
      for (let p = p0; p < pEnd; p += MR * KU) {
        const b0 = B[q], b1 = B[q + 1];
        const a0 = A[p], a1 = A[p + 1], a2 = A[p + 2], a3 = A[p + 3];
        c00 += a0 * b0; c01 += a0 * b1;
        c10 += a1 * b0; c11 += a1 * b1;
        c20 += a2 * b0; c21 += a2 * b1;
        c30 += a3 * b0; c31 += a3 * b1;
        const b2 = B[q + 2], b3 = B[q + 3];
        const a4 = A[p + 4], a5 = A[p + 5], a6 = A[p + 6], a7 = A[p + 7];
        c00 += a4 * b2; c01 += a4 * b3;
        c10 += a5 * b2; c11 += a5 * b3;
        c20 += a6 * b2; c21 += a6 * b3;
        c30 += a7 * b2; c31 += a7 * b3;
        q = (q + NR * KU) & MASK;
      }
      const o = cOff + ir * n + jr;
      if (mc - ir >= MR && nc - jr >= NR) {
        c[o] += c00; c[o + 1] += c01;
        c[o + n] += c10; c[o + n + 1] += c11;
        c[o + 2 * n] += c20; c[o + 2 * n + 1] += c21;
        c[o + 3 * n] += c30; c[o + 3 * n + 1] += c31;
      } else {
        const t = edge;
        t[0] = c00; t[1] = c01; t[2] = c10; t[3] = c11; t[4] = c20; t[5] = c21; t[6] = c30; t[7] = c31;
        const h = Math.min(MR, mc - ir), w = Math.min(NR, nc - jr);
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) c[o + i * n + j] += t[i * NR + j];
      }
    }
  }
}

/**
 * Products with fewer than MR rows (a vector times a matrix): no packing, since packing op(B)
 * would cost as much as the product. Each row of op(A) is copied to doubles, then multiplied
 * by B either as scaled row sums (B row-major, four k steps per pass over a double row of C)
 * or as dot products with two rows of the stored Bᵀ at a time.
 */
function skinnyGemm32(
  a: Float32Array, b: Float32Array, c: Float32Array, aOff: number, bOff: number, cOff: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean,
): void {
  if (rowA.length < k) rowA = new Float64Array(k);
  if (rowC.length < n) rowC = new Float64Array(n);
  const x = rowA;
  const acc = rowC;
  for (let i = 0; i < m; i++) {
    if (transA) for (let p = 0; p < k; p++) x[p] = a[aOff + p * m + i];
    else for (let p = 0; p < k; p++) x[p] = a[aOff + i * k + p];
    const ci = cOff + i * n;
    if (transB) {
      let j = 0;
      for (; j + 1 < n; j += 2) {
        const r0 = bOff + j * k, r1 = r0 + k;
        let s0 = 0, s1 = 0, t0 = 0, t1 = 0;
        let p = 0;
        for (; p + 1 < k; p += 2) {
          const x0 = x[p], x1 = x[p + 1];
          s0 += x0 * b[r0 + p]; t0 += x1 * b[r0 + p + 1];
          s1 += x0 * b[r1 + p]; t1 += x1 * b[r1 + p + 1];
        }
        if (p < k) {
          s0 += x[p] * b[r0 + p];
          s1 += x[p] * b[r1 + p];
        }
        c[ci + j] = s0 + t0;
        c[ci + j + 1] = s1 + t1;
      }
      if (j < n) {
        const r0 = bOff + j * k;
        let s0 = 0;
        for (let p = 0; p < k; p++) s0 += x[p] * b[r0 + p];
        c[ci + j] = s0;
      }
    } else {
      acc.fill(0, 0, n);
      let p = 0;
      for (; p + 3 < k; p += 4) {
        const x0 = x[p], x1 = x[p + 1], x2 = x[p + 2], x3 = x[p + 3];
        const r0 = bOff + p * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
        for (let j = 0; j < n; j++) acc[j] += x0 * b[r0 + j] + x1 * b[r1 + j] + x2 * b[r2 + j] + x3 * b[r3 + j];
      }
      for (; p < k; p++) {
        const x0 = x[p], r0 = bOff + p * n;
        for (let j = 0; j < n; j++) acc[j] += x0 * b[r0 + j];
      }
      for (let j = 0; j < n; j++) c[ci + j] = acc[j];
    }
  }
}

/** The float64 path (gradient checks): a plain i-k-j loop into a double-precision C. */
function matmulF64(
  a: FloatArray, b: FloatArray, c: Float64Array, aOff: number, bOff: number, cOff: number,
  m: number, k: number, n: number, transA: boolean, transB: boolean,
): void {
  const ai = transA ? 1 : k, ap = transA ? m : 1;
  const bj = transB ? k : 1, bp = transB ? 1 : n;
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[aOff + i * ai + p * ap];
      const row = bOff + p * bp;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[row + j * bj];
    }
  }
}
