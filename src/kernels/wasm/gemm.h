// gemm.c's product as other C kernels call it (conv.c): C[t] = op(A[t])·op(B[t]) for t < batch,
// offsets in elements, C written entirely (not accumulated). Calling it, rather than a copy of the
// micro-kernel, gives those kernels the relaxed fused multiply-add build and gemm.c's blocking.
#ifndef BACKPROP_GEMM_H
#define BACKPROP_GEMM_H
// products first..last-1; scratch: gemm_scratch(m, k, n) floats (per calling thread).
void gemm_batch(const float *a, const float *b, float *c, int m, int k, int n, int transA, int transB,
                int first, int last, int strideA, int strideB, float *scratch);
int gemm_scratch(int m, int k, int n);
#endif
