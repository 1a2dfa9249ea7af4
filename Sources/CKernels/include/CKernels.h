#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Single-precision GEMM on row-major matrices: C = alpha * op(A) * op(B) + beta * C.
/// op(A) is m x k, op(B) is k x n, C is m x n. `lda`, `ldb`, `ldc` are row strides in floats.
/// `trans_a` / `trans_b` non-zero means the stored matrix is transposed (A stored k x m).
void lw_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
              int lda, const float *b, int ldb, float beta, float *c, int ldc);

#ifdef __cplusplus
}
#endif
