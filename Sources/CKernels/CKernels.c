#include "CKernels.h"

// Reference implementation; the engine work replaces it with packed, dispatched kernels.
void lw_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
              int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            float sum = 0.0f;
            for (int p = 0; p < k; p++) {
                float av = trans_a ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
                float bv = trans_b ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
                sum += av * bv;
            }
            float prior = beta == 0.0f ? 0.0f : beta * c[(size_t)i * ldc + j];
            c[(size_t)i * ldc + j] = alpha * sum + prior;
        }
    }
}
