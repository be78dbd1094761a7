// gemm.c's product as other C kernels call it (conv.c): C[t] = op(A[t])·op(B[t]) for t < batch,
// offsets in elements, C written entirely (not accumulated). Calling it, rather than a copy of the
// micro-kernel, gives those kernels the relaxed fused multiply-add build and gemm.c's blocking.
#ifndef BACKPROP_GEMM_H
#define BACKPROP_GEMM_H
void gemm_batch(const float *a, const float *b, float *c, int m, int k, int n, int transA, int transB,
                int batch, int strideA, int strideB);
#endif
