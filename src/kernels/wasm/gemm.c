// Single-precision GEMM for WebAssembly SIMD (wasm32 + simd128), C = op(A)·op(B), batched.
//
// GotoBLAS/BLIS structure: the n dimension is cut in blocks of NC, k in blocks of KC, m in blocks
// of MC. Each KC×NC block of op(B) is packed into column panels NR wide and each MC×KC block of
// op(A) into row panels MR tall, both k-major, so the micro-kernel reads them strictly in order.
// Transposes are absorbed by the packing, which reads either layout directly (no transposed
// copies). The micro-kernel keeps an MR×NR = 4×8 tile of C in eight f32x4 accumulators: per k
// step it loads two vectors of B, broadcasts four scalars of A (v128.load32_splat) and does eight
// multiply-adds. Measured (Node 20, x64, GFLOP/s by CPU time on a busy 2-core machine): 4×8 and
// 2×16 ≈ 50, about 90 % of the ≈ 57 a register-only multiply-add loop reaches; 6×8, 5×8, 3×12,
// 4×12, 8×4 and any unrolling of the k loop (the MR / NV / KU macros) 21–30: clang hoists the loads
// of the whole body ahead of the arithmetic, and V8, which keeps the wasm order, then needs more
// than its 15 allocatable xmm registers and spills accumulators (seen with --print-wasm-code).
// Products with fewer than MR rows, or one column, take a vector path without packing (gemv).
//
// MADD(a, b, c) = a·b + c. The plain build uses f32x4.mul + f32x4.add. The relaxed build (compiled
// with -DRELAXED) writes v128.bitselect as a placeholder, which scripts/build-wasm.sh rewrites to
// f32x4.relaxed_madd in the text form: clang 14 only knows an early, since renumbered encoding of
// the relaxed fused multiply-add. bitselect has the same type (v128 v128 v128 -> v128) and this
// file uses it nowhere else; the build script checks the count.
#include <wasm_simd128.h>

#ifdef RELAXED
#define MADD(a, b, c) wasm_v128_bitselect((a), (b), (c))
#else
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))
#endif

#ifndef MR
#define MR 4
#endif
#ifndef NV
#define NV 2
#endif
#define NR (4 * NV)
#ifndef KU
#define KU 1
#endif
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC 192
#endif
#ifndef NC
#define NC 1024
#endif

// The packed panels of op(A) (at most MC×KC) and op(B) (at most KC×NC) live in scratch the caller
// passes (gemm_scratch floats, 64-byte aligned), not in static buffers: the memory is shared by
// worker threads, each of which packs into its own scratch.

static inline int min_i(int a, int b) { return a < b ? a : b; }

// Splits total into the fewest blocks of at most ~max, of equal size rounded up to a multiple of unit.
static int block_size(int total, int max, int unit) {
  int blocks = (total + max - 1) / max;
  int size = (total + blocks - 1) / blocks;
  return (size + unit - 1) / unit * unit;
}

// Packs rows ic..ic+mc, columns pc..pc+kc of op(A) into MR-row panels (k-major, zero-padded rows).
// A not transposed: row-major m×k, element (i, p) at a[i*k + p]; transposed: stored k×m, at a[p*m + i].
static void pack_a(float *q, const float *a, int m, int k, int trans, int ic, int mc, int pc, int kc) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int h = min_i(MR, mc - i0);
    if (trans) {
      const float *s = a + (long)pc * m + ic + i0;
      if (h == MR && MR % 4 == 0) {
        for (int p = 0; p < kc; p++, s += m, q += MR)
          for (int i = 0; i < MR; i += 4) wasm_v128_store(q + i, wasm_v128_load(s + i));
      } else {
        for (int p = 0; p < kc; p++, s += m, q += MR)
          for (int i = 0; i < MR; i++) q[i] = i < h ? s[i] : 0.0f;
      }
    } else {
      const float *r0 = a + (long)(ic + i0) * k + pc;
      if (h == MR && MR == 4) {
        const float *r1 = r0 + k, *r2 = r1 + k, *r3 = r2 + k;
        int p = 0;
        // 4×4 transposes: four k steps of four rows become four k-major groups of MR.
        for (; p + 4 <= kc; p += 4, q += 4 * MR) {
          v128_t x0 = wasm_v128_load(r0 + p), x1 = wasm_v128_load(r1 + p);
          v128_t x2 = wasm_v128_load(r2 + p), x3 = wasm_v128_load(r3 + p);
          v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5);
          v128_t t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
          v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7);
          v128_t t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
          wasm_v128_store(q, wasm_i64x2_shuffle(t0, t1, 0, 2));
          wasm_v128_store(q + 4, wasm_i64x2_shuffle(t0, t1, 1, 3));
          wasm_v128_store(q + 8, wasm_i64x2_shuffle(t2, t3, 0, 2));
          wasm_v128_store(q + 12, wasm_i64x2_shuffle(t2, t3, 1, 3));
        }
        for (; p < kc; p++, q += MR) {
          q[0] = r0[p]; q[1] = r1[p]; q[2] = r2[p]; q[3] = r3[p];
        }
      } else {
        for (int p = 0; p < kc; p++, q += MR)
          for (int i = 0; i < MR; i++) q[i] = i < h ? r0[(long)i * k + p] : 0.0f;
      }
    }
  }
}

// Packs rows pc..pc+kc, columns jc..jc+nc of op(B) into NR-column panels (k-major, zero-padded columns).
// B not transposed: row-major k×n, element (p, j) at b[p*n + j]; transposed: stored n×k, at b[j*k + p].
static void pack_b(float *q, const float *b, int k, int n, int trans, int pc, int kc, int jc, int nc) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    int w = min_i(NR, nc - j0);
    if (!trans) {
      const float *s = b + (long)pc * n + jc + j0;
      if (w == NR) {
        for (int p = 0; p < kc; p++, s += n, q += NR)
          for (int j = 0; j < NR; j += 4) wasm_v128_store(q + j, wasm_v128_load(s + j));
      } else {
        for (int p = 0; p < kc; p++, s += n, q += NR)
          for (int j = 0; j < NR; j++) q[j] = j < w ? s[j] : 0.0f;
      }
    } else {
      const float *r = b + (long)(jc + j0) * k + pc;
      if (w == NR) {
        int p = 0;
        // NR/4 4×4 transposes per four k steps: rows j0..j0+3, j0+4..j0+7, … of the stored Bᵀ.
        for (; p + 4 <= kc; p += 4, q += 4 * NR) {
          for (int h = 0; h < NV; h++) {
            const float *r0 = r + (long)(4 * h) * k + p;
            v128_t x0 = wasm_v128_load(r0), x1 = wasm_v128_load(r0 + k);
            v128_t x2 = wasm_v128_load(r0 + 2 * k), x3 = wasm_v128_load(r0 + 3 * k);
            v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5);
            v128_t t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
            v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7);
            v128_t t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
            wasm_v128_store(q + 4 * h, wasm_i64x2_shuffle(t0, t1, 0, 2));
            wasm_v128_store(q + 4 * h + NR, wasm_i64x2_shuffle(t0, t1, 1, 3));
            wasm_v128_store(q + 4 * h + 2 * NR, wasm_i64x2_shuffle(t2, t3, 0, 2));
            wasm_v128_store(q + 4 * h + 3 * NR, wasm_i64x2_shuffle(t2, t3, 1, 3));
          }
        }
        for (; p < kc; p++, q += NR)
          for (int j = 0; j < NR; j++) q[j] = r[(long)j * k + p];
      } else {
        for (int p = 0; p < kc; p++, q += NR)
          for (int j = 0; j < NR; j++) q[j] = j < w ? r[(long)j * k + p] : 0.0f;
      }
    }
  }
}

// The micro-kernel: the MR×NR tile at c (row length ldc) gets packed A panel · packed B panel over
// kc steps; `first` stores (the first k block; C is not pre-zeroed), otherwise adds.
static void kernel(int kc, const float *restrict A, const float *restrict B, float *c, int ldc, int first) {
  v128_t acc[MR][NV];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NV; j++) acc[i][j] = wasm_f32x4_splat(0.0f);
#pragma clang loop unroll_count(KU)
  for (int p = 0; p < kc; p++) {
    v128_t b[NV];
    for (int j = 0; j < NV; j++) b[j] = wasm_v128_load(B + 4 * j);
    for (int i = 0; i < MR; i++) {
      v128_t a = wasm_v128_load32_splat(A + i);
      for (int j = 0; j < NV; j++) acc[i][j] = MADD(a, b[j], acc[i][j]);
    }
    A += MR;
    B += NR;
  }
  for (int i = 0; i < MR; i++) {
    float *r = c + (long)i * ldc;
    for (int j = 0; j < NV; j++) {
      v128_t x = acc[i][j];
      if (!first) x = wasm_f32x4_add(x, wasm_v128_load(r + 4 * j));
      wasm_v128_store(r + 4 * j, x);
    }
  }
}

// Multiplies the packed blocks into the mc×nc block of C at c (row length ldc). Edge tiles run the
// micro-kernel into a scratch tile and copy the valid part.
static void macro_kernel(const float *packedA, const float *packedB, float *c, int ldc, int mc, int nc, int kc, int first) {
  float tile[MR * NR] __attribute__((aligned(16)));
  for (int jr = 0; jr < nc; jr += NR) {
    const float *B = packedB + (long)jr * kc;
    int w = min_i(NR, nc - jr);
    for (int ir = 0; ir < mc; ir += MR) {
      const float *A = packedA + (long)ir * kc;
      int h = min_i(MR, mc - ir);
      float *o = c + (long)ir * ldc + jr;
      if (h == MR && w == NR) {
        kernel(kc, A, B, o, ldc, first);
      } else {
        kernel(kc, A, B, tile, NR, 1);
        for (int i = 0; i < h; i++)
          for (int j = 0; j < w; j++) o[(long)i * ldc + j] = (first ? 0.0f : o[(long)i * ldc + j]) + tile[i * NR + j];
      }
    }
  }
}

// Products with fewer than MR rows (a vector times a matrix): packing op(B) would cost as much as
// the product, and the MR-row micro-kernel would waste most of its lanes, so each row x of op(A)
// (copied to contiguous scratch in chunks of XC) multiplies B as stored:
//  - B row-major k×n: c += x[p]·B[p, :] over p, eight vectors of columns held in registers;
//  - B stored n×k (transB): c[j] = x·B[j, :], four rows of B at a time, vectorised along k.
#define XC 4096
static void gemv(float *x, const float *a, const float *b, float *c, int m, int k, int n, int transA, int transB) {
  for (int i = 0; i < m; i++) {
    float *ci = c + (long)i * n;
    for (int pc = 0; pc < k; pc += XC) {
      int kc = min_i(XC, k - pc);
      int first = pc == 0;
      if (transA) for (int p = 0; p < kc; p++) x[p] = a[(long)(pc + p) * m + i];
      else for (int p = 0; p < kc; p++) x[p] = a[(long)i * k + pc + p];
      if (transB) {
        int j = 0;
        for (; j + 4 <= n; j += 4) {
          const float *r0 = b + (long)j * k + pc, *r1 = r0 + k, *r2 = r1 + k, *r3 = r2 + k;
          v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
          int p = 0;
          for (; p + 4 <= kc; p += 4) {
            v128_t xv = wasm_v128_load(x + p);
            s0 = MADD(xv, wasm_v128_load(r0 + p), s0);
            s1 = MADD(xv, wasm_v128_load(r1 + p), s1);
            s2 = MADD(xv, wasm_v128_load(r2 + p), s2);
            s3 = MADD(xv, wasm_v128_load(r3 + p), s3);
          }
          // Horizontal sums of the four accumulators, as one vector (lane q = row j+q).
          v128_t t0 = wasm_f32x4_add(wasm_i32x4_shuffle(s0, s1, 0, 4, 1, 5), wasm_i32x4_shuffle(s0, s1, 2, 6, 3, 7));
          v128_t t1 = wasm_f32x4_add(wasm_i32x4_shuffle(s2, s3, 0, 4, 1, 5), wasm_i32x4_shuffle(s2, s3, 2, 6, 3, 7));
          v128_t sum = wasm_f32x4_add(wasm_i64x2_shuffle(t0, t1, 0, 2), wasm_i64x2_shuffle(t0, t1, 1, 3));
          float tail[4] = {0.0f, 0.0f, 0.0f, 0.0f};
          for (; p < kc; p++) {
            tail[0] += x[p] * r0[p]; tail[1] += x[p] * r1[p];
            tail[2] += x[p] * r2[p]; tail[3] += x[p] * r3[p];
          }
          sum = wasm_f32x4_add(sum, wasm_v128_load(tail));
          if (!first) sum = wasm_f32x4_add(sum, wasm_v128_load(ci + j));
          wasm_v128_store(ci + j, sum);
        }
        for (; j < n; j++) {
          const float *r0 = b + (long)j * k + pc;
          float s = 0.0f;
          for (int p = 0; p < kc; p++) s += x[p] * r0[p];
          ci[j] = first ? s : ci[j] + s;
        }
      } else {
        const float *bp = b + (long)pc * n;
        int j = 0;
        for (; j + 32 <= n; j += 32) {
          v128_t acc[8];
          for (int v = 0; v < 8; v++) acc[v] = first ? wasm_f32x4_splat(0.0f) : wasm_v128_load(ci + j + 4 * v);
          const float *r = bp + j;
          for (int p = 0; p < kc; p++, r += n) {
            v128_t xv = wasm_v128_load32_splat(x + p);
            for (int v = 0; v < 8; v++) acc[v] = MADD(xv, wasm_v128_load(r + 4 * v), acc[v]);
          }
          for (int v = 0; v < 8; v++) wasm_v128_store(ci + j + 4 * v, acc[v]);
        }
        for (; j + 4 <= n; j += 4) {
          v128_t acc = first ? wasm_f32x4_splat(0.0f) : wasm_v128_load(ci + j);
          const float *r = bp + j;
          for (int p = 0; p < kc; p++, r += n) acc = MADD(wasm_v128_load32_splat(x + p), wasm_v128_load(r), acc);
          wasm_v128_store(ci + j, acc);
        }
        for (; j < n; j++) {
          float s = first ? 0.0f : ci[j];
          const float *r = bp + j;
          for (int p = 0; p < kc; p++, r += n) s += x[p] * *r;
          ci[j] = s;
        }
      }
    }
  }
}

static inline int round_up(int x, int unit) { return (x + unit - 1) / unit * unit; }

// Floats of packed op(A) for any region of an m×k product (a bound on mcb·kcb), 64-byte aligned.
static int packed_a_floats(int m, int k) { return round_up(min_i(round_up(m, MR), MC) * min_i(k, KC), 16); }

// Floats of scratch one thread needs for any region of an m×k×n product, or for its vector path.
__attribute__((export_name("gemm_scratch")))
int gemm_scratch(int m, int k, int n) {
  int packed = packed_a_floats(m, k) + min_i(k, KC) * min_i(round_up(n, NR), NC);
  int vector = round_up(min_i(k, XC), 16);
  return packed > vector ? packed : vector;
}

// Whether an m×n product takes the packed path (1) or the vector path (0). Only packed products may
// be split into regions: every region then sums each element of C in the same order as the whole.
__attribute__((export_name("gemm_packed")))
int gemm_packed(int m, int n) { return m >= MR && n != 1; }

// Rows and columns of the micro-tile (MR, NR): regions cut at their multiples share no tile.
__attribute__((export_name("gemm_tile_rows")))
int gemm_tile_rows(void) { return MR; }
__attribute__((export_name("gemm_tile_cols")))
int gemm_tile_cols(void) { return NR; }

// Rows i0..i1 and columns j0..j1 of C = op(A)·op(B) (m×k×n, packed path) with the packed panels in
// scratch (gemm_scratch(m, k, n) floats). The k blocks depend on k alone, so each element of C gets
// the same sums in the same order whatever region computes it: split products equal whole ones bit for bit.
__attribute__((export_name("gemm_region")))
void gemm_region(const float *a, const float *b, float *c, int m, int k, int n, int transA, int transB,
                 int i0, int i1, int j0, int j1, float *scratch) {
  float *packedA = scratch;
  float *packedB = scratch + packed_a_floats(m, k);
  int ncb = block_size(j1 - j0, NC, NR);
  int kcb = block_size(k, KC, 1);
  int mcb = block_size(i1 - i0, MC, MR);
  for (int jc = j0; jc < j1; jc += ncb) {
    int nc = min_i(ncb, j1 - jc);
    for (int pc = 0; pc < k; pc += kcb) {
      int kc = min_i(kcb, k - pc);
      pack_b(packedB, b, k, n, transB, pc, kc, jc, nc);
      for (int ic = i0; ic < i1; ic += mcb) {
        int mc = min_i(mcb, i1 - ic);
        pack_a(packedA, a, m, k, transA, ic, mc, pc, kc);
        macro_kernel(packedA, packedB, c + (long)ic * n + jc, n, mc, nc, kc, pc == 0);
      }
    }
  }
}

// C (m×n, row-major, written entirely) = op(A)·op(B) for one product; k must be > 0.
static void gemm(const float *a, const float *b, float *c, int m, int k, int n, int transA, int transB, float *scratch) {
  if (m < MR) {
    gemv(scratch, a, b, c, m, k, n, transA, transB);
    return;
  }
  if (n == 1) {
    // C is a column, laid out like the row Cᵀ = op(B)ᵀ·op(A)ᵀ; the column op(B) is contiguous
    // in either layout, and op(A)ᵀ is A read with the other transpose.
    gemv(scratch, b, a, c, 1, k, m, 0, !transA);
    return;
  }
  gemm_region(a, b, c, m, k, n, transA, transB, 0, m, 0, n, scratch);
}

// C[t] = op(A[t])·op(B[t]) for t in first..last-1; A[t] starts at a + t*strideA, B[t] at b + t*strideB
// (stride 0 shares one matrix), C[t] at c + t*m*n. Offsets are in elements; scratch holds
// gemm_scratch(m, k, n) floats.
__attribute__((export_name("gemm_batch")))
void gemm_batch(const float *a, const float *b, float *c, int m, int k, int n, int transA, int transB,
                int first, int last, int strideA, int strideB, float *scratch) {
  for (int t = first; t < last; t++)
    gemm(a + (long)t * strideA, b + (long)t * strideB, c + (long)t * m * n, m, k, n, transA, transB, scratch);
}
