// Internal contract between the GEMM driver (gemm.c) and the per-CPU micro-kernels
// (gemm_tiles.c). Not part of the public API.
#pragma once
#include <stddef.h>

/// A packed micro-tile: C[0:mr, 0:nr] = alpha * A_panel * B_panel + beta * C.
/// `a` is an MR-interleaved panel (element (i, p) at a[p * MR + i]); `b` is an NR-wide,
/// zero-padded panel (element (p, j) at b[p * NR + j]). beta == 0 never reads C.
typedef void (*lw_packed_tile_fn)(int k, const float *a, const float *b, float *c, ptrdiff_t ldc,
                                  int mr, int nr, float alpha, float beta);

/// An unpacked micro-tile: element (i, p) of A at a[i * ars + p * acs]; row p of B starts at
/// b + p * brs with `nr` valid columns (paths whose `reads_unpadded_b` is 0 need NR readable
/// columns, zero-padded). Used for small products where packing costs more than it saves.
typedef void (*lw_direct_tile_fn)(int k, const float *a, ptrdiff_t ars, ptrdiff_t acs,
                                  const float *b, ptrdiff_t brs, float *c, ptrdiff_t ldc, int mr,
                                  int nr, float alpha, float beta);

/// Products with few output columns and B stored transposed (C = A B^T with B n x k, as in a
/// Dense layer with few units): C[i][j] = alpha * dot(A row i, B row j) + beta * C[i][j] for
/// rows i < m and j < n <= LW_DOT_MAX_N, both operands read contiguously. Each dot product is
/// summed in a fixed order (vector lanes over p, then the lanes in order), so a row's result
/// does not depend on which rows are computed with it.
typedef void (*lw_dot_rows_fn)(int m, int n, int k, float alpha, const float *a, ptrdiff_t lda,
                               const float *b, ptrdiff_t ldb, float beta, float *c,
                               ptrdiff_t ldc);
#define LW_DOT_MAX_N 16

/// One instruction-set path: micro-tile shape, cache blocking and its kernels.
typedef struct {
    int mr, nr;            // micro-tile rows and columns
    int kc, mc, nc;        // cache blocks: depth (L1-resident B sliver), A block (L2), B panel
    int reads_unpadded_b;  // direct tile masks its B loads, so row-major B needs no copy
    lw_packed_tile_fn packed_tile;
    lw_direct_tile_fn direct_tile;
    lw_dot_rows_fn dot_rows;  // NULL: the path has no dot-product kernel
} lw_gemm_path;

extern const lw_gemm_path lw_path_portable;
#if defined(__x86_64__)
extern const lw_gemm_path lw_path_avx2;
extern const lw_gemm_path lw_path_avx512;
#endif

/// A unit of parallel work: chunk `index` of a job described by `context`.
typedef void (*lw_task_fn)(const void *context, int index);

/// Runs task(context, i) for i in 0 ..< tasks on the GEMM thread pool (the calling thread
/// included; the global thread count; serially while workers are being descheduled), and
/// returns when all have finished. Tasks must not depend on which thread runs them.
void lw_parallel_for(int tasks, lw_task_fn task, const void *context);

/// The GEMM epilogue on a block of C (rows x cols, row stride ldx), in place: adds `bias`
/// (NULL: none), then with `relu` applies `v < 0 ? 0 : v`, then with `column_max` non-NULL
/// keeps column_max[j] = max(column_max[j], x[i][j]) (the dead-unit statistic).
void lw_bias_act_block(int rows, int cols, float *x, int ldx, const float *bias, int relu,
                       float *column_max);

/// The ReLU-backward epilogue on a block of C (rows x cols, row stride ldx), in place:
/// x[i][j] = activation[i][j] > 0 ? x[i][j] : 0, then with `column_sums` non-NULL
/// column_sums[j] += x[i][j] for each row in order.
void lw_mask_sum_block(int rows, int cols, float *x, int ldx, const float *activation, int lda,
                       float *column_sums);

/// Rows per block of the ReLU-backward column sums: each block of C's rows is summed in row
/// order on its own, then the blocks are added in order, so the sums do not depend on how
/// the rows are split between threads.
#define LW_SUM_ROWS 32

/// The path a call with an explicit `path` runs on: `path` itself when it is a supported
/// instruction-set path, else (LW_KERNEL_AUTO, or one this CPU lacks) the active one.
int lw_requested_path(int path);
