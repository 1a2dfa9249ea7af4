// Fused elementwise passes for the layers and optimizers. Each body is written once as plain C
// and compiled three times (portable, AVX2+FMA, AVX-512) so the vectorizer can use the wide
// registers; the active kernel path picks the variant.
#include "CKernels.h"

#include <math.h>

#define LW_INLINE static inline __attribute__((always_inline))

LW_INLINE void add_bias_rows_body(int rows, int cols, float *x, int ldx, const float *bias,
                                  int relu) {
    for (int i = 0; i < rows; i++) {
        float *restrict xi = x + (size_t)i * ldx;
        if (relu) {
            // `v < 0 ? 0 : v` keeps NaN (unlike `v > 0 ? v : 0`): non-finite checks must see it.
            for (int j = 0; j < cols; j++) {
                const float v = xi[j] + bias[j];
                xi[j] = v < 0.0f ? 0.0f : v;
            }
        } else {
            for (int j = 0; j < cols; j++) xi[j] += bias[j];
        }
    }
}

LW_INLINE void column_sums_body(int rows, int cols, const float *x, int ldx, float beta,
                                float *restrict out) {
    for (int j = 0; j < cols; j++) out[j] = beta == 0.0f ? 0.0f : beta * out[j];
    // Row by row: vectorized across columns, and each column is summed in row order.
    for (int i = 0; i < rows; i++) {
        const float *restrict xi = x + (size_t)i * ldx;
        for (int j = 0; j < cols; j++) out[j] += xi[j];
    }
}

LW_INLINE void relu_backward_body(size_t count, const float *activation, const float *upstream,
                                  float *dx) {
    for (size_t i = 0; i < count; i++) dx[i] = activation[i] > 0.0f ? upstream[i] : 0.0f;
}

LW_INLINE void adam_update_body(size_t count, float *restrict param, const float *restrict grad,
                                float *restrict m, float *restrict v, float lr, float beta1,
                                float beta2, float eps, float bias_correction1,
                                float bias_correction2, float weight_decay) {
    const float step = lr / bias_correction1;
    const float inverse_correction2 = 1.0f / bias_correction2;
    const float decay = 1.0f - lr * weight_decay;
    for (size_t i = 0; i < count; i++) {
        const float g = grad[i];
        const float mi = beta1 * m[i] + (1.0f - beta1) * g;
        const float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        param[i] = param[i] * decay - step * mi / (sqrtf(vi * inverse_correction2) + eps);
    }
}

#define LW_AVX2 __attribute__((target("avx2,fma")))
#define LW_AVX512 __attribute__((target("avx512f")))

#if defined(__x86_64__)
#define LW_VARIANTS(NAME, PARAMS, ARGS)                                  \
    static void NAME##_portable PARAMS { NAME##_body ARGS; }             \
    static LW_AVX2 void NAME##_avx2 PARAMS { NAME##_body ARGS; }         \
    static LW_AVX512 void NAME##_avx512 PARAMS { NAME##_body ARGS; }
#define LW_DISPATCH(NAME, ARGS)                                          \
    switch (lw_kernel_path()) {                                          \
    case LW_KERNEL_AVX512: NAME##_avx512 ARGS; break;                    \
    case LW_KERNEL_AVX2: NAME##_avx2 ARGS; break;                        \
    default: NAME##_portable ARGS; break;                                \
    }
#else
#define LW_VARIANTS(NAME, PARAMS, ARGS) static void NAME##_portable PARAMS { NAME##_body ARGS; }
#define LW_DISPATCH(NAME, ARGS) NAME##_portable ARGS
#endif

LW_VARIANTS(add_bias_rows,
            (int rows, int cols, float *x, int ldx, const float *bias, int relu),
            (rows, cols, x, ldx, bias, relu))
LW_VARIANTS(column_sums, (int rows, int cols, const float *x, int ldx, float beta, float *out),
            (rows, cols, x, ldx, beta, out))
LW_VARIANTS(relu_backward,
            (size_t count, const float *activation, const float *upstream, float *dx),
            (count, activation, upstream, dx))
LW_VARIANTS(adam_update,
            (size_t count, float *param, const float *grad, float *m, float *v, float lr,
             float beta1, float beta2, float eps, float bias_correction1,
             float bias_correction2, float weight_decay),
            (count, param, grad, m, v, lr, beta1, beta2, eps, bias_correction1,
             bias_correction2, weight_decay))

void lw_add_bias_rows(int rows, int cols, float *x, int ldx, const float *bias, int relu) {
    if (rows <= 0 || cols <= 0) return;
    LW_DISPATCH(add_bias_rows, (rows, cols, x, ldx, bias, relu))
}

void lw_column_sums(int rows, int cols, const float *x, int ldx, float beta, float *out) {
    if (cols <= 0) return;
    LW_DISPATCH(column_sums, (rows < 0 ? 0 : rows, cols, x, ldx, beta, out))
}

void lw_relu_backward(size_t count, const float *activation, const float *upstream, float *dx) {
    LW_DISPATCH(relu_backward, (count, activation, upstream, dx))
}

void lw_adam_update(size_t count, float *param, const float *grad, float *m, float *v, float lr,
                    float beta1, float beta2, float eps, float bias_correction1,
                    float bias_correction2, float weight_decay) {
    LW_DISPATCH(adam_update, (count, param, grad, m, v, lr, beta1, beta2, eps, bias_correction1,
                              bias_correction2, weight_decay))
}
