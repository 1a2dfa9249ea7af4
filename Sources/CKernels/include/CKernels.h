// Layerwise CPU kernels: a packed, cache-blocked, multi-threaded SGEMM with runtime CPU dispatch
// (AVX-512, AVX2+FMA, portable C) and the fused elementwise passes the engine's layers use.
// All matrices are row-major float32; `ld*` arguments are row strides in floats.
#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Matrix multiply

/// Single-precision GEMM on row-major matrices: C = alpha * op(A) * op(B) + beta * C.
/// op(A) is m x k, op(B) is k x n, C is m x n. `lda`, `ldb`, `ldc` are row strides in floats.
/// `trans_a` / `trans_b` non-zero means the stored matrix is transposed (A stored k x m).
/// beta == 0 overwrites C without reading it (NaN in C is ignored); alpha == 0 or k == 0 only
/// scales C. Uses the active kernel path and the global thread count; results are bit-identical
/// at every thread count (the partitioning never changes any element's summation order).
void lw_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
              int lda, const float *b, int ldb, float beta, float *c, int ldc);

/// `lw_sgemm` with an explicit kernel path and thread count, leaving the global settings alone
/// (for tests and benchmarks that run concurrently with other work).
/// - path: an `LW_KERNEL_*` value; LW_KERNEL_AUTO or an unsupported path means the active one.
/// - threads: threads to use at most; <= 0 means the global `lw_thread_count()`.
void lw_sgemm_with(int path, int threads, int trans_a, int trans_b, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b, int ldb, float beta,
                   float *c, int ldc);

/// `C = op(A) op(B) + bias` (bias broadcast over rows; NULL for none), then with `relu` non-zero
/// `C = C < 0 ? 0 : C` (NaN kept), applied to each thread's part of C right after its product
/// while it is still in cache: the Dense forward with its bias and a following ReLU fused.
/// When `column_max` is non-NULL also column_max[j] = max(column_max[j], C[i][j]) over the rows
/// (the dead-unit statistic of `lw_relu_forward`). Same threading and determinism as `lw_sgemm`
/// (the products are identical; the epilogue is elementwise, and the maxima merge in a fixed
/// chunk order).
void lw_sgemm_bias_act(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
                       const float *b, int ldb, float *c, int ldc, const float *bias, int relu,
                       float *column_max);

/// `C = op(A) op(B)`, then the backward of a ReLU whose output is `activation` (m x n, row
/// stride `ld_activation`) applied to each part of C right after its product:
/// `C = activation > 0 ? C : 0` (d loss / d the ReLU's input, from d loss / d its output).
/// When `column_sums` is non-NULL also column_sums[j] = sum over i of C[i][j] (the bias
/// gradient of the layer before the ReLU), summed in row order within blocks of 32 rows and
/// then over the blocks in order: the same at every thread count. The backward of a Dense
/// layer's input gradient fused with the ReLU below it.
void lw_sgemm_relu_backward(int trans_a, int trans_b, int m, int n, int k, const float *a,
                            int lda, const float *b, int ldb, float *c, int ldc,
                            const float *activation, int ld_activation, float *column_sums);

// MARK: - Kernel path (runtime CPU dispatch)

/// The best path the CPU supports (chosen once via __builtin_cpu_supports).
#define LW_KERNEL_AUTO 0
/// Plain C vectorized for the baseline ISA; works everywhere. 4 x 8 tiles.
#define LW_KERNEL_PORTABLE 1
/// x86-64 AVX2 + FMA. 6 x 16 tiles.
#define LW_KERNEL_AVX2 2
/// x86-64 AVX-512F. 8 x 32 tiles.
#define LW_KERNEL_AVX512 3

/// Non-zero when this CPU (and OS) can run `path`.
int lw_kernel_path_supported(int path);

/// Forces every later call to use `path` (LW_KERNEL_AUTO restores the automatic choice).
/// Returns non-zero on success, 0 (and changes nothing) when the CPU lacks the path.
int lw_set_kernel_path(int path);

/// The path in use now: LW_KERNEL_PORTABLE, LW_KERNEL_AVX2 or LW_KERNEL_AVX512.
int lw_kernel_path(void);

// MARK: - Threads

/// Sets the thread count GEMMs may use; <= 0 restores the default, the active processor count
/// (capped at LW_MAX_THREADS). 1 makes everything single-threaded. When the caller keeps
/// waiting on descheduled workers (an oversubscribed machine), products run on the calling
/// thread for a back-off period (in proportion to the wait, at most 20 ms at first, doubling
/// while it repeats, up to ~1.3 s); results never change.
void lw_set_thread_count(int count);

/// The thread count GEMMs may use now.
int lw_thread_count(void);

/// Overrides the thread count for products started on the calling thread only (<= 0 removes the
/// override), so code sharing the process (concurrent tests, a library caller) keeps its own.
void lw_set_local_thread_count(int count);

/// Upper bound on threads used by one GEMM.
#define LW_MAX_THREADS 16

/// A GEMM is split over threads only when 2*m*n*k reaches this many floating-point operations
/// (measured on a 2-core Zen 4: below it, waking the second core costs more than it saves).
double lw_parallel_min_flops(void);

// MARK: - Elementwise passes
// Each uses the active kernel path's instruction set; single-threaded (they are memory-bound
// and run on matrices whose GEMM already dominates) unless noted.

/// Adds `bias` (cols floats) to every row of x (rows x cols, row stride ldx), in place; with
/// `relu` non-zero also applies max(0, .) in the same pass: the Dense forward epilogue.
void lw_add_bias_rows(int rows, int cols, float *x, int ldx, const float *bias, int relu);

/// Column sums: out[j] = beta * out[j] + sum_i x[i * ldx + j] (the bias gradient, summing the
/// upstream gradient over the batch). beta == 0 ignores NaN in out. Rows are added in order,
/// so the result is deterministic.
void lw_column_sums(int rows, int cols, const float *x, int ldx, float beta, float *out);

/// ReLU backward fused with the bias gradient: dx = activation > 0 ? upstream : 0 over rows x
/// cols contiguous floats (dx may alias upstream), and sums[j] = sum over rows of dx[i][j],
/// added in row order (the same sums as `lw_column_sums` on dx with beta 0). Large passes run
/// on the GEMM pool in slices of whole columns (same results on any number of threads).
void lw_relu_backward_column_sums(int rows, int cols, const float *activation,
                                  const float *upstream, float *dx, float *sums);

/// ReLU backward: dx[i] = activation[i] > 0 ? upstream[i] : 0, where `activation` is the
/// ReLU's output (or its input: the sign is the same). dx may alias upstream.
void lw_relu_backward(size_t count, const float *activation, const float *upstream, float *dx);

/// One Adam / AdamW step over `count` parameters, in place (Kingma & Ba 2015; AdamW:
/// Loshchilov & Hutter 2019, PyTorch semantics):
///   param -= lr * weight_decay * param            (decoupled decay; 0 for plain Adam)
///   m = beta1 * m + (1 - beta1) * grad;  v = beta2 * v + (1 - beta2) * grad^2
///   param -= lr * (m / bias_correction1) / (sqrt(v / bias_correction2) + eps)
/// where bias_correction1 = 1 - beta1^t and bias_correction2 = 1 - beta2^t at step t >= 1.
void lw_adam_update(size_t count, float *param, const float *grad, float *m, float *v, float lr,
                    float beta1, float beta2, float eps, float bias_correction1,
                    float bias_correction2, float weight_decay);

/// ReLU forward in training: y = x < 0 ? 0 : x (NaN kept) over rows x cols contiguous floats
/// (y may alias x); when `column_max` is non-NULL also column_max[j] = max(column_max[j], y[i][j])
/// over the rows, the dead-unit statistic (a unit whose maximum stays 0 never activated).
void lw_relu_forward(int rows, int cols, const float *x, float *y, float *column_max);

/// Logistic sigmoid, s[i] = 1 / (1 + exp(-x[i])), computed without overflow as
/// 1 / (1 + e) for x >= 0 and e / (1 + e) below, with e = exp(-|x|) from Cephes' expf
/// polynomial in 16 lanes (relative error under 3e-7 against the exact value); NaN stays NaN,
/// and below -87 e is held at exp(-87) (s under 2e-38). `s` may alias `x`. The Sigmoid and
/// Swish layers' exponentials, which libm's expf took one element at a time.
/// - path: an `LW_KERNEL_*` value; LW_KERNEL_AUTO (or an unsupported one) means the active one.
void lw_sigmoid(int path, size_t count, const float *x, float *s);

/// The logistic loss's exponential parts of logits x, 16 lanes at a time: tail[i] =
/// log(1 + exp(-|x[i]|)) (log1p by 2 atanh(e / (2 + e)), its series to the 13th power) and
/// s[i] = sigmoid(x[i]) as lw_sigmoid; relative error under 1e-6 and 3e-7 against the exact
/// values (below -87 e is held at exp(-87)); NaN stays NaN. The binary cross-entropy's loss and
/// gradient, which libm's log1pf and expf took one row at a time.
/// - path: an `LW_KERNEL_*` value; LW_KERNEL_AUTO (or an unsupported one) means the active one.
void lw_logistic_parts(int path, size_t count, const float *x, float *tail, float *s);

/// ELU and SELU, y[i] = x > 0 ? scale x : scale alpha expm1(x) (ELU: scale 1; SELU: Klambauer
/// et al.'s constants), 16 lanes at a time: expm1 from its Taylor series above -1 and from
/// Cephes' expf below (relative error under 3e-7); NaN stays NaN. `y` may alias `x`.
/// - path: an `LW_KERNEL_*` value; LW_KERNEL_AUTO (or an unsupported one) means the active one.
void lw_elu(int path, size_t count, const float *x, float *y, float scale, float alpha);

/// tanh, y[i] = tanh(x[i]), 16 lanes at a time: Cephes' tanhf (an odd polynomial below 0.625
/// in magnitude, (1 - e) / (1 + e) with e = exp(-2|x|) above; relative error under 3e-7 against
/// the exact value); NaN stays NaN, +-1 beyond |x| = 43.5. `y` may alias `x`.
/// - path: an `LW_KERNEL_*` value; LW_KERNEL_AUTO (or an unsupported one) means the active one.
void lw_tanh(int path, size_t count, const float *x, float *y);

/// GELU, exact erf form: y[i] = x Phi(x) and derivative[i] = Phi(x) + x phi(x) (the backward
/// factor, for the layer to keep), with Phi the standard normal CDF through Cephes' erff/erfcf
/// polynomials and phi its density; 16 lanes at a time. `y` may alias `x`; `derivative` may not.
/// - path: an `LW_KERNEL_*` value; LW_KERNEL_AUTO (or an unsupported one) means the active one.
void lw_gelu(int path, size_t count, const float *x, float *y, float *derivative);

/// Sum of x[i]^2 in a fixed order (16 interleaved partial sums added in order at the end), so
/// the result is deterministic for a given kernel path.
float lw_sum_squares(size_t count, const float *x);

/// Adds the penalty gradient to g in place, g += l1 * sign(w) + 2 * l2 * w (L1 / L2 as Keras
/// regularizers; pass 0 for the one not used), and returns the sum of squares of the new g
/// (the order of `lw_sum_squares`).
float lw_penalize_sum_squares(size_t count, const float *w, float *g, float l1, float l2);

/// The engine's Adam / AdamW step over one tensor (PyTorch's single-tensor Adam), with the
/// gradient prepared and the diagnostics' norms fused in:
///   d = clamp(g * scale, -clip, clip)            (clipnorm scale; clip = +inf for none)
///   m += (1 - beta1) (d - m);  v = beta2 v + (1 - beta2) d^2
///   w' = w * decay_factor                        (AdamW: 1 - lr * decay; 1 for Adam)
///   w  = w' - step_size * m / (sqrt(v) / correction2_root + eps)
/// with step_size = lr / (1 - beta1^t) and correction2_root = sqrt(1 - beta2^t). On exit
/// g holds the change w - w'. When `squares` is non-NULL, squares[0] = sum of the changes
/// squared and squares[1] = sum of the new weights squared (fixed order).
void lw_adam_step(size_t count, float *w, float *g, float *m, float *v, float scale, float clip,
                  float beta1, float beta2, float eps, float step_size, float correction2_root,
                  float decay_factor, float *squares);

/// The engine's SGD step over one tensor (PyTorch semantics), norms fused as in lw_adam_step:
///   d = clamp(g * scale, -clip, clip)
///   with a momentum `buffer` (NULL for plain SGD): buffer = first ? d
///       : momentum * buffer + (1 - dampening) * d;  direction = nesterov ? d + momentum *
///       buffer : buffer
///   delta = -lr * direction;  w += delta;  g = delta.
void lw_sgd_step(size_t count, float *w, float *g, float *buffer, float lr, float momentum,
                 float dampening, int nesterov, int first, float scale, float clip,
                 float *squares);

// MARK: - Batch gather

/// Copies rows indices[0 ..< rows] of src (width floats each, contiguous) into dst in order,
/// prefetching a few rows ahead (the shuffled batch gather).
void lw_gather_rows(int rows, int width, const float *src, const ptrdiff_t *indices,
                    float *dst);

#ifdef __cplusplus
}
#endif
