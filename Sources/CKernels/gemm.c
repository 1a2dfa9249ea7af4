// SGEMM driver: CPU dispatch, the small-matrix direct path, the packed cache-blocked path
// (BLIS loop order: jc -> pc -> ic -> jr -> ir) and the thread pool that splits large products.
#include "CKernels.h"
#include "gemm_internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define LW_CPU_RELAX() _mm_pause()
#else
#define LW_CPU_RELAX() ((void)0)
#endif

static inline int min_int(int a, int b) { return a < b ? a : b; }
static inline int max_int(int a, int b) { return a > b ? a : b; }
static inline int round_up(int x, int to) { return (x + to - 1) / to * to; }

// MARK: - Kernel path

static atomic_int forced_path;  // LW_KERNEL_AUTO until lw_set_kernel_path forces one

int lw_kernel_path_supported(int path) {
    switch (path) {
    case LW_KERNEL_AUTO:
    case LW_KERNEL_PORTABLE: return 1;
#if defined(__x86_64__)
    // compiler-rt's checks include the OS's XSAVE support for the wider registers.
    case LW_KERNEL_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case LW_KERNEL_AVX512: return __builtin_cpu_supports("avx512f");
#endif
    default: return 0;
    }
}

static int best_path(void) {
    static atomic_int best;  // computed once; racing first calls compute the same value
    int path = atomic_load_explicit(&best, memory_order_relaxed);
    if (path == 0) {
        path = lw_kernel_path_supported(LW_KERNEL_AVX512) ? LW_KERNEL_AVX512
               : lw_kernel_path_supported(LW_KERNEL_AVX2) ? LW_KERNEL_AVX2
                                                          : LW_KERNEL_PORTABLE;
        atomic_store_explicit(&best, path, memory_order_relaxed);
    }
    return path;
}

int lw_set_kernel_path(int path) {
    if (!lw_kernel_path_supported(path)) return 0;
    atomic_store(&forced_path, path);
    return 1;
}

int lw_kernel_path(void) {
    int path = atomic_load_explicit(&forced_path, memory_order_relaxed);
    return path == LW_KERNEL_AUTO ? best_path() : path;
}

int lw_requested_path(int path) {
    return path == LW_KERNEL_AUTO || !lw_kernel_path_supported(path) ? lw_kernel_path() : path;
}

static const lw_gemm_path *path_table(int path) {
    switch (path) {
#if defined(__x86_64__)
    case LW_KERNEL_AVX512: return &lw_path_avx512;
    case LW_KERNEL_AVX2: return &lw_path_avx2;
#endif
    default: return &lw_path_portable;
    }
}

// MARK: - Threads

static atomic_int thread_setting;  // 0: default

static int default_thread_count(void) {
    // Cached: glibc answers _SC_NPROCESSORS_ONLN by reading /sys, microseconds per call.
    static atomic_int cached;
    int count = atomic_load_explicit(&cached, memory_order_relaxed);
    if (count == 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        count = online < 1 ? 1 : online > LW_MAX_THREADS ? LW_MAX_THREADS : (int)online;
        atomic_store_explicit(&cached, count, memory_order_relaxed);
    }
    return count;
}

void lw_set_thread_count(int count) {
    atomic_store(&thread_setting, count <= 0 ? 0 : min_int(count, LW_MAX_THREADS));
}

/// This thread's own setting (lw_set_local_thread_count), 0 when it has none.
static _Thread_local int local_thread_setting;

void lw_set_local_thread_count(int count) {
    local_thread_setting = count <= 0 ? 0 : min_int(count, LW_MAX_THREADS);
}

int lw_thread_count(void) {
    if (local_thread_setting > 0) return local_thread_setting;
    int count = atomic_load_explicit(&thread_setting, memory_order_relaxed);
    return count > 0 ? count : default_thread_count();
}

// Measured on 2 Zen 4 cores, worker awake or asleep: 96x96x96 (1.8 MFLOP) runs 1.6-1.75x
// faster on 2 threads; at 1 MFLOP the gain is 0-20% and at 0.5 MFLOP noise, not worth a core.
#define PARALLEL_MIN_FLOPS 1.5e6

double lw_parallel_min_flops(void) { return PARALLEL_MIN_FLOPS; }

// MARK: - Packing buffers

// Per-thread and grow-only, so steady-state calls never allocate. Freed when the thread exits.
typedef struct {
    float *data;
    size_t capacity;  // floats
} scratch_buffer;

typedef struct {
    scratch_buffer a, b;
    scratch_buffer shared_b;  // the direct path's copy of B, made once and read by every chunk
    scratch_buffer chunk_max; // per-chunk column maxima of lw_sgemm_bias_act
    scratch_buffer panels;    // the packed plan's two shared B panels
    scratch_buffer partials;  // per-block column sums of lw_sgemm_relu_backward
    scratch_buffer counters;  // the packed plan's per-block progress counters (atomic ints)
} thread_scratch;

static _Thread_local thread_scratch scratch;
static pthread_key_t scratch_key;
static pthread_once_t scratch_key_once = PTHREAD_ONCE_INIT;

static void free_scratch(void *value) {
    thread_scratch *s = value;
    free(s->a.data);
    free(s->b.data);
    free(s->shared_b.data);
    free(s->chunk_max.data);
    free(s->panels.data);
    free(s->counters.data);
    free(s->partials.data);
    s->partials = (scratch_buffer){0};
    s->chunk_max = (scratch_buffer){0};
    s->panels = (scratch_buffer){0};
    s->counters = (scratch_buffer){0};
    s->a = (scratch_buffer){0};
    s->b = (scratch_buffer){0};
    s->shared_b = (scratch_buffer){0};
}

static void make_scratch_key(void) { pthread_key_create(&scratch_key, free_scratch); }

/// A 64-byte aligned buffer of at least `count` floats, or NULL if memory is exhausted.
static float *scratch_floats(scratch_buffer *buffer, size_t count) {
    if (buffer->capacity >= count) return buffer->data;
    pthread_once(&scratch_key_once, make_scratch_key);
    pthread_setspecific(scratch_key, &scratch);
    free(buffer->data);
    size_t capacity = (count + count / 4 + 15) & ~(size_t)15;  // headroom avoids regrowing
    buffer->data = aligned_alloc(64, capacity * sizeof(float));
    buffer->capacity = buffer->data ? capacity : 0;
    return buffer->data;
}

// MARK: - Serial drivers

/// C = beta * C (the whole product when alpha == 0 or k == 0).
static void scale_c(int m, int n, float beta, float *c, int ldc) {
    for (int i = 0; i < m; i++) {
        float *ci = c + (size_t)i * ldc;
        if (beta == 0.0f)
            memset(ci, 0, (size_t)n * sizeof(float));
        else if (beta != 1.0f)
            for (int j = 0; j < n; j++) ci[j] *= beta;
    }
}

/// The naive product; only used if a packing buffer cannot be allocated.
static void gemm_reference(int ta, int tb, int m, int n, int k, float alpha, const float *a,
                           int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            float sum = 0.0f;
            for (int p = 0; p < k; p++) {
                float av = ta ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
                float bv = tb ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
                sum += av * bv;
            }
            float *cij = c + (size_t)i * ldc + j;
            *cij = alpha * sum + (beta == 0.0f ? 0.0f : beta * *cij);
        }
    }
}

// MARK: - Transposition (packing transposed operands)

/// dst[p * ldd + j] = src[j * lds + p] for j < rows, p < cols: a rows x cols block of a
/// row-major matrix written transposed. Scalar: 8 or 16 read streams, contiguous writes.
static void transpose_scalar(int rows, int cols, const float *src, ptrdiff_t lds, float *dst,
                             ptrdiff_t ldd) {
    for (int j0 = 0; j0 < rows; j0 += 16) {
        const int count = min_int(16, rows - j0);
        for (int p = 0; p < cols; p++) {
            float *row = dst + (size_t)p * ldd + j0;
            for (int j = 0; j < count; j++) row[j] = src[(size_t)(j0 + j) * lds + p];
        }
    }
}

#if defined(__x86_64__)
/// One 8 x 8 block through registers: eight row loads, the unpack / shuffle / lane-permute
/// network, eight row stores.
__attribute__((target("avx2"), always_inline)) static inline void transpose8x8_avx(
    const float *src, ptrdiff_t lds, float *dst, ptrdiff_t ldd) {
    const __m256 r0 = _mm256_loadu_ps(src + 0 * lds), r1 = _mm256_loadu_ps(src + 1 * lds);
    const __m256 r2 = _mm256_loadu_ps(src + 2 * lds), r3 = _mm256_loadu_ps(src + 3 * lds);
    const __m256 r4 = _mm256_loadu_ps(src + 4 * lds), r5 = _mm256_loadu_ps(src + 5 * lds);
    const __m256 r6 = _mm256_loadu_ps(src + 6 * lds), r7 = _mm256_loadu_ps(src + 7 * lds);
    const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst + 0 * ldd, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + 1 * ldd, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(u3, u7, 0x31));
}

__attribute__((target("avx2"))) static void transpose_avx(int rows, int cols, const float *src,
                                                          ptrdiff_t lds, float *dst,
                                                          ptrdiff_t ldd) {
    const int rows8 = rows & ~7, cols8 = cols & ~7;
    // Column blocks outermost: the 8 source rows of a block stream through L1 once.
    for (int j = 0; j < rows8; j += 8) {
        const float *s = src + (size_t)j * lds;
        for (int p = 0; p < cols8; p += 8)
            transpose8x8_avx(s + p, lds, dst + (size_t)p * ldd + j, ldd);
    }
    if (cols8 < cols)
        transpose_scalar(rows8, cols - cols8, src + cols8, lds, dst + (size_t)cols8 * ldd, ldd);
    if (rows8 < rows)
        transpose_scalar(rows - rows8, cols, src + (size_t)rows8 * lds, lds, dst + rows8, ldd);
}
#endif

/// dst[p * ldd + j] = src[j * lds + p] for j < rows, p < cols (8 x 8 register transposes when
/// the CPU has AVX; the path choice never changes the copied values).
static void transpose_block(int rows, int cols, const float *src, ptrdiff_t lds, float *dst,
                            ptrdiff_t ldd) {
#if defined(__x86_64__)
    if (lw_kernel_path() >= LW_KERNEL_AVX2) {
        transpose_avx(rows, cols, src, lds, dst, ldd);
        return;
    }
#endif
    transpose_scalar(rows, cols, src, lds, dst, ldd);
}

/// Copies op(B)[0:k, 0:n] into a row-major k x npad buffer, zero-padding columns n..npad.
static void copy_b_rows(int tb, const float *b, int ldb, int k, int n, int npad, float *dst) {
    if (tb) {
        transpose_block(n, k, b, ldb, dst, npad);
    } else {
        for (int p = 0; p < k; p++)
            memcpy(dst + (size_t)p * npad, b + (size_t)p * ldb, (size_t)n * sizeof(float));
    }
    if (npad > n)
        for (int p = 0; p < k; p++)
            memset(dst + (size_t)p * npad + n, 0, (size_t)(npad - n) * sizeof(float));
}

/// Small products: no packing of A (the tile reads it through strides) and none of B when it is
/// already row-major and the tile can mask its ragged edge. One pass over k, no blocking.
/// `b_ready`: B is already a row-major copy the tile can read (zero-padded to NR columns when
/// the path needs it), made once by the caller for every chunk.
static int gemm_direct(const lw_gemm_path *P, int b_ready, int ta, int tb, int m, int n, int k,
                       float alpha, const float *a, int lda, const float *b, int ldb, float beta,
                       float *c, int ldc) {
    const ptrdiff_t ars = ta ? 1 : lda, acs = ta ? lda : 1;
    const float *rows_b = b;
    ptrdiff_t brs = ldb;
    if (!b_ready && (tb || !P->reads_unpadded_b)) {
        const int npad = round_up(n, P->nr);
        float *copy = scratch_floats(&scratch.b, (size_t)k * npad);
        if (!copy) return 0;
        copy_b_rows(tb, b, ldb, k, n, npad, copy);
        rows_b = copy;
        brs = npad;
    }
    if ((size_t)k * n <= 16384) {
        // All of B fits in L1/L2 (a shallow product, such as dX = dY W with few outputs): row
        // blocks outermost, so C is written row by row instead of in NR-wide strips down every
        // row (with a large power-of-two ldc those strips alias the same cache sets).
        for (int ir = 0; ir < m; ir += P->mr) {
            const int mr = min_int(P->mr, m - ir);
            for (int jr = 0; jr < n; jr += P->nr) {
                P->direct_tile(k, a + ir * ars, ars, acs, rows_b + jr, brs,
                               c + (size_t)ir * ldc + jr, ldc, mr, min_int(P->nr, n - jr), alpha,
                               beta);
            }
        }
        return 1;
    }
    // Column slabs outermost: one k x NR slab of B stays in L1 while every row block uses it.
    for (int jr = 0; jr < n; jr += P->nr) {
        const int nr = min_int(P->nr, n - jr);
        for (int ir = 0; ir < m; ir += P->mr) {
            P->direct_tile(k, a + ir * ars, ars, acs, rows_b + jr, brs, c + (size_t)ir * ldc + jr,
                           ldc, min_int(P->mr, m - ir), nr, alpha, beta);
        }
    }
    return 1;
}

/// Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row slivers: element (i, p) of a sliver at
/// sliver[p * MR + i]. Ragged last slivers are not padded: the tile reads only mr rows.
static void pack_a(int ta, const float *a, int lda, int ic, int pc, int mc, int kc, int MR,
                   float *dst) {
    for (int ir = 0; ir < mc; ir += MR) {
        const int rows = min_int(MR, mc - ir);
        float *sliver = dst + (size_t)ir * kc;
        if (ta) {  // op(A) column p is stored contiguously: copy runs of `rows`
            for (int p = 0; p < kc; p++) {
                const float *src = a + (size_t)(pc + p) * lda + ic + ir;
                for (int i = 0; i < rows; i++) sliver[p * MR + i] = src[i];
            }
        } else {  // a rows x kc block of A, written transposed
            transpose_block(rows, kc, a + (size_t)(ic + ir) * lda + pc, lda, sliver, MR);
        }
    }
}

/// Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column slivers, zero-padded to NR: element (p, j)
/// of a sliver at sliver[p * NR + j].
static void pack_b(int tb, const float *b, int ldb, int pc, int jc, int kc, int nc, int NR,
                   float *dst) {
    for (int jr = 0; jr < nc; jr += NR) {
        const int cols = min_int(NR, nc - jr);
        float *sliver = dst + (size_t)jr * kc;
        if (tb) {  // a cols x kc block of the stored B, written transposed
            transpose_block(cols, kc, b + (size_t)(jc + jr) * ldb + pc, ldb, sliver, NR);
            if (cols < NR)
                for (int p = 0; p < kc; p++)
                    memset(sliver + p * NR + cols, 0, (size_t)(NR - cols) * sizeof(float));
        } else {
            const float *src = b + (size_t)pc * ldb + jc + jr;
            if (cols == 32 && NR == 32) {  // the AVX-512 panel: a fixed-size copy is inlined
                for (int p = 0; p < kc; p++)
                    memcpy(sliver + p * 32, src + (size_t)p * ldb, 32 * sizeof(float));
            } else if (cols == 16 && NR == 16) {  // the AVX2 panel
                for (int p = 0; p < kc; p++)
                    memcpy(sliver + p * 16, src + (size_t)p * ldb, 16 * sizeof(float));
            } else {
                for (int p = 0; p < kc; p++) {
                    float *row = sliver + p * NR;
                    memcpy(row, src + (size_t)p * ldb, (size_t)cols * sizeof(float));
                    if (cols < NR) memset(row + cols, 0, (size_t)(NR - cols) * sizeof(float));
                }
            }
        }
    }
}

/// The depth of each k block: k split into equal blocks of at most KC, so a k slightly over KC
/// does not leave a tiny, inefficient last block. Depends on k and the path only.
static int k_block(const lw_gemm_path *P, int k) {
    const int blocks = (k + P->kc - 1) / P->kc;
    return (k + blocks - 1) / blocks;
}

/// What to do to a finished block of C (rows ic ..< ic + rows, columns jc ..< jc + cols of the
/// product gemm_packed computes, `c` at its first element) while it is still in cache.
typedef struct {
    void (*apply)(const void *context, int ic, int rows, int jc, int cols, float *c);
    const void *context;
} block_finisher;

/// Large products: pack B panels (KC x NC) and A blocks (MC x KC) so the tile streams
/// contiguous, cache-resident memory. C accumulates across k blocks (beta applies once).
/// `finisher` (or NULL) runs on each MC x NC block of C after its last k block.
static int gemm_packed(const lw_gemm_path *P, int ta, int tb, int m, int n, int k, float alpha,
                       const float *a, int lda, const float *b, int ldb, float beta, float *c,
                       int ldc, const block_finisher *finisher) {
    const int MR = P->mr, NR = P->nr;
    const int kc_max = k_block(P, k);
    const int mc_max = min_int(P->mc, round_up(m, MR));
    const int nc_max = min_int(P->nc, round_up(n, NR));
    float *packed_a = scratch_floats(&scratch.a, (size_t)round_up(mc_max, MR) * kc_max);
    float *packed_b = scratch_floats(&scratch.b, (size_t)round_up(nc_max, NR) * kc_max);
    if (!packed_a || !packed_b) return 0;
    for (int jc = 0; jc < n; jc += P->nc) {
        const int nc = min_int(P->nc, n - jc);
        for (int pc = 0; pc < k; pc += kc_max) {
            const int kc = min_int(kc_max, k - pc);
            const float beta_block = pc == 0 ? beta : 1.0f;
            pack_b(tb, b, ldb, pc, jc, kc, nc, NR, packed_b);
            for (int ic = 0; ic < m; ic += P->mc) {
                const int mc = min_int(P->mc, m - ic);
                pack_a(ta, a, lda, ic, pc, mc, kc, MR, packed_a);
                for (int jr = 0; jr < nc; jr += NR) {
                    const int nr = min_int(NR, nc - jr);
                    const float *sliver_b = packed_b + (size_t)jr * kc;
                    float *c_block = c + (size_t)ic * ldc + jc + jr;
                    for (int ir = 0; ir < mc; ir += MR) {
                        P->packed_tile(kc, packed_a + (size_t)ir * kc, sliver_b,
                                       c_block + (size_t)ir * ldc, ldc, min_int(MR, mc - ir), nr,
                                       alpha, beta_block);
                    }
                }
                if (finisher && pc + kc >= k)
                    finisher->apply(finisher->context, ic, mc, jc, nc, c + (size_t)ic * ldc + jc);
            }
        }
    }
    return 1;
}

/// Below this much work per call the packing costs more than the contiguous reads save.
/// The direct path also needs A's rows and the B slab to stay cache-resident over all of k.
static int prefers_direct(const lw_gemm_path *P, int m, int n, int k) {
    (void)P;
    return k <= 512 && (double)m * n * k <= 512.0 * 512.0 * 64.0;
}

// MARK: - ReLU-backward epilogue

/// What lw_sgemm_relu_backward applies to C after the product (see CKernels.h).
typedef struct {
    const float *activation;
    int ld;
    float *partials;  // [ceil(m / LW_SUM_ROWS)][n] column sums per row block, zeroed; or NULL
    int n;
} relu_mask;

/// Masks rows [row0, row0 + rows) x columns [col0, col0 + cols) of C (`c` at C[row0][col0])
/// and adds each row block's column sums into its row of partials. row0 must start a block
/// and the range must cover each block it touches to its end (or to m), so that every
/// (block, column) partial is written by exactly one call, in row order.
static void apply_mask(const relu_mask *mask, int row0, int rows, int col0, int cols, float *c,
                       int ldc) {
    for (int r = 0; r < rows; r += LW_SUM_ROWS) {
        const int block = (row0 + r) / LW_SUM_ROWS;
        lw_mask_sum_block(min_int(LW_SUM_ROWS, rows - r), cols, c + (size_t)r * ldc, ldc,
                          mask->activation + (size_t)(row0 + r) * mask->ld + col0, mask->ld,
                          mask->partials ? mask->partials + (size_t)block * mask->n + col0 : NULL);
    }
}

// MARK: - Packed products as a plan of items
//
// Used for a transposed B on several threads where the direct path would first transpose all
// of B on the caller (a Dense forward, x W^T, of medium's size; see sgemm_epilogue), so k is
// one k block (at most the path's KC). The product runs as a sequence of column blocks (jc):
// B's panel for the block is packed into one of two shared buffers by a few "pack" items, then
// "compute" items each pack one MC-row block of A (for a range of the panel's columns), run
// the tiles against the shared panel and apply the epilogue to their block of C while it is in
// cache. Items are numbered block by block and claimed in that order by any thread (the
// pool's dynamic claiming, the caller included), so every operand is packed once, a slow
// thread costs one item rather than half the product, and a thread that finishes its part of
// one block goes on to pack the next panel (two buffers) instead of waiting. Pack items of
// block t wait only for the compute items of block t - 2 (whose buffer they overwrite),
// compute items for the pack items of their block. Each element of C is one tile's pass over
// k, as on the direct path, so results are bit-identical at every thread count.

typedef struct {
    const lw_gemm_path *path;
    int ta, tb, m, n, k;
    float alpha, beta;
    const float *a, *b;
    float *c;
    int lda, ldb, ldc;
    int nc_max, mc;   // panel width; A block rows
    int blocks;       // column blocks of nc_max
    int pack_items;   // per block, each packing `pack_slivers` NR-wide slivers
    int pack_slivers;
    int row_blocks, column_groups, group_width;  // compute items per block = rows x groups
    int items_per_block;
    float *panels[2];
    atomic_int *packed;    // [blocks]: pack items finished
    atomic_int *computed;  // [blocks]: compute items finished
    // Epilogue (see gemm_job): maxima of row block r go to chunk_max row r.
    const float *bias;
    int relu, epilogue;
    float *chunk_max;
    const relu_mask *mask;  // the ReLU-backward epilogue, or NULL
} packed_plan;

static int64_t now_ns(void);

/// Nanoseconds this thread has spent in `wait_until_count`: the pool counts them as waiting
/// on late workers (its serial back-off), like the wait at the end of a job.
static _Thread_local int64_t item_wait_ns;

static void wait_until_count(atomic_int *counter, int target) {
    if (atomic_load_explicit(counter, memory_order_acquire) >= target) return;
    const int64_t start = now_ns();
    int spins = 0;
    while (atomic_load_explicit(counter, memory_order_acquire) < target) {
        if (++spins < 4096) LW_CPU_RELAX();
        else sched_yield();  // the thread holding that item was descheduled
    }
    item_wait_ns += now_ns() - start;
}

static void run_packed_item(const void *context, int index) {
    const packed_plan *plan = context;
    const lw_gemm_path *P = plan->path;
    const int t = index / plan->items_per_block, item = index % plan->items_per_block;
    const int jc = t * plan->nc_max, nc = min_int(plan->nc_max, plan->n - jc);
    const int kc = plan->k;
    float *panel = plan->panels[t & 1];
    if (item < plan->pack_items) {
        if (t >= 2)
            wait_until_count(&plan->computed[t - 2], plan->items_per_block - plan->pack_items);
        const int first = item * plan->pack_slivers * P->nr;
        const int count = min_int(plan->pack_slivers * P->nr, nc - first);
        if (count > 0)
            pack_b(plan->tb, plan->b, plan->ldb, 0, jc + first, kc, count, P->nr,
                   panel + (size_t)first * kc);
        atomic_fetch_add_explicit(&plan->packed[t], 1, memory_order_release);
        return;
    }
    const int compute = item - plan->pack_items;
    const int rb = compute / plan->column_groups, group = compute % plan->column_groups;
    wait_until_count(&plan->packed[t], plan->pack_items);
    const int ic = rb * plan->mc, mc = min_int(plan->mc, plan->m - ic);
    const int j0 = group * plan->group_width, j1 = min_int(nc, j0 + plan->group_width);
    if (mc > 0 && j1 > j0) {
        const int MR = P->mr, NR = P->nr;
        float *packed_a = scratch_floats(&scratch.a, (size_t)round_up(plan->mc, MR) * kc);
        if (packed_a) {
            pack_a(plan->ta, plan->a, plan->lda, ic, 0, mc, kc, MR, packed_a);
            for (int jr = j0; jr < j1; jr += NR) {
                const int nr = min_int(NR, j1 - jr);
                const float *sliver_b = panel + (size_t)jr * kc;
                float *c_block = plan->c + (size_t)ic * plan->ldc + jc + jr;
                for (int ir = 0; ir < mc; ir += MR)
                    P->packed_tile(kc, packed_a + (size_t)ir * kc, sliver_b,
                                   c_block + (size_t)ir * plan->ldc, plan->ldc,
                                   min_int(MR, mc - ir), nr, plan->alpha, plan->beta);
            }
        } else {  // no memory for A's block: the naive product of this item
            const float *a = plan->ta ? plan->a + ic : plan->a + (size_t)ic * plan->lda;
            const float *b = plan->tb ? plan->b + (size_t)(jc + j0) * plan->ldb : plan->b + jc + j0;
            gemm_reference(plan->ta, plan->tb, mc, j1 - j0, kc, plan->alpha, a, plan->lda, b,
                           plan->ldb, plan->beta, plan->c + (size_t)ic * plan->ldc + jc + j0,
                           plan->ldc);
        }
        if (plan->epilogue)
            lw_bias_act_block(mc, j1 - j0, plan->c + (size_t)ic * plan->ldc + jc + j0, plan->ldc,
                              plan->bias ? plan->bias + jc + j0 : NULL, plan->relu,
                              plan->chunk_max ? plan->chunk_max + (size_t)rb * plan->n + jc + j0
                                              : NULL);
        if (plan->mask)  // mc is a multiple of LW_SUM_ROWS
            apply_mask(plan->mask, ic, mc, jc + j0, j1 - j0,
                       plan->c + (size_t)ic * plan->ldc + jc + j0, plan->ldc);
    }
    atomic_fetch_add_explicit(&plan->computed[t], 1, memory_order_release);
}

/// Runs a packed product with k at most the path's KC as a plan of items on `threads` threads
/// (1: in order on the caller, the same sums). Returns 0, having written nothing, when its
/// buffers cannot be allocated.
static int run_packed_plan(const lw_gemm_path *P, int threads, int ta, int tb, int m, int n,
                           int k, float alpha, const float *a, int lda, const float *b, int ldb,
                           float beta, float *c, int ldc, const float *bias, int relu,
                           float *column_max, const relu_mask *mask);

// MARK: - Partitioned execution

typedef struct {
    const lw_gemm_path *path;
    int direct, dot, b_ready, split_columns, chunks, unit, threads;
    int ta, tb, m, n, k;
    float alpha, beta;
    const float *a, *b;
    float *c;
    int lda, ldb, ldc;
    // Epilogue (lw_sgemm_bias_act): bias, ReLU, column maxima. With rows split over chunks,
    // each chunk keeps its maxima in its own row of `chunk_max` (merged in chunk order).
    const float *bias;
    int relu, epilogue;
    float *column_max, *chunk_max;
    const relu_mask *mask;  // the ReLU-backward epilogue, or NULL
} gemm_job;

/// Where a chunk of a job sits in C, for finishing its blocks (see finish_block).
typedef struct {
    const gemm_job *job;
    int row0, col0;  // the chunk's first row and column in C
    float *maxima;   // column maxima of the chunk's columns (column col0 first), or NULL
} chunk_finish;

/// The job's epilogue on one finished block of a chunk, while it is in cache.
static void finish_block(const void *context, int ic, int rows, int jc, int cols, float *c) {
    const chunk_finish *finish = context;
    const gemm_job *job = finish->job;
    if (job->epilogue)
        lw_bias_act_block(rows, cols, c, job->ldc,
                          job->bias ? job->bias + finish->col0 + jc : NULL, job->relu,
                          finish->maxima ? finish->maxima + jc : NULL);
    if (job->mask)
        apply_mask(job->mask, finish->row0 + ic, rows, finish->col0 + jc, cols, c, job->ldc);
}

/// Computes a part of C (a chunk, or all of it). A packed product also applies the job's
/// epilogue to each block as it is finished, when `finish` is given (and, with the ReLU-backward
/// epilogue, its row blocks fall on the sums' block boundaries). Returns whether it did; if not,
/// the caller applies the epilogue to the part afterwards.
static int run_serial(const gemm_job *job, int m, int n, const float *a, const float *b,
                      float *c, const chunk_finish *finish) {
    if (job->dot) {
        job->path->dot_rows(m, n, job->k, job->alpha, a, job->lda, b, job->ldb, job->beta, c,
                            job->ldc);
        return 0;
    }
    if (job->direct) {
        if (gemm_direct(job->path, job->b_ready, job->ta, job->tb, m, n, job->k, job->alpha, a,
                        job->lda, b, job->ldb, job->beta, c, job->ldc))
            return 0;
    } else {
        const int inside = finish && (job->epilogue || job->mask) &&
                           (!job->mask || job->path->mc % LW_SUM_ROWS == 0);
        const block_finisher finisher = {finish_block, finish};
        if (gemm_packed(job->path, job->ta, job->tb, m, n, job->k, job->alpha, a, job->lda, b,
                        job->ldb, job->beta, c, job->ldc, inside ? &finisher : NULL))
            return inside;
    }
    gemm_reference(job->ta, job->tb, m, n, job->k, job->alpha, a, job->lda, b, job->ldb,
                   job->beta, c, job->ldc);
    return 0;
}

/// Runs chunk `index` of `job->chunks`: a fixed slice of C's columns (or rows), in whole tiles.
/// Which thread runs a chunk never matters: each element's arithmetic is the same everywhere.
static void run_chunk(const gemm_job *job, int index) {
    const int extent = job->split_columns ? job->n : job->m;
    const int units = (extent + job->unit - 1) / job->unit;
    const int first = (int)((long)units * index / job->chunks) * job->unit;
    const int end = min_int(extent, (int)((long)units * (index + 1) / job->chunks) * job->unit);
    if (first >= end) return;
    if (job->split_columns) {
        const float *b = job->tb ? job->b + (size_t)first * job->ldb : job->b + first;
        const chunk_finish finish = {
            job, 0, first, job->column_max ? job->column_max + first : NULL};
        if (run_serial(job, job->m, end - first, job->a, b, job->c + first, &finish)) return;
        if (job->epilogue)  // this chunk owns columns first ..< end of the maxima
            lw_bias_act_block(job->m, end - first, job->c + first, job->ldc,
                              job->bias ? job->bias + first : NULL, job->relu,
                              job->column_max ? job->column_max + first : NULL);
        if (job->mask) apply_mask(job->mask, 0, job->m, first, end - first, job->c + first,
                                  job->ldc);
    } else {
        const float *a = job->ta ? job->a + first : job->a + (size_t)first * job->lda;
        float *c = job->c + (size_t)first * job->ldc;
        const chunk_finish finish = {
            job, first, 0, job->chunk_max ? job->chunk_max + (size_t)index * job->n : NULL};
        if (run_serial(job, end - first, job->n, a, job->b, c, &finish)) return;
        if (job->epilogue)
            lw_bias_act_block(end - first, job->n, c, job->ldc, job->bias, job->relu,
                              job->chunk_max ? job->chunk_max + (size_t)index * job->n : NULL);
        if (job->mask) apply_mask(job->mask, first, end - first, 0, job->n, c, job->ldc);
    }
}

// The pool: persistent workers that spin briefly after each job (a training step issues GEMMs
// back to back) and then sleep on a condition variable. Chunks are claimed from one atomic word
// holding (epoch, chunk count, next chunk), so a worker that wakes late either claims a chunk
// of the current job or finds none; it never touches a finished job. The caller claims chunks
// too, so a descheduled worker delays nothing but its own claimed chunk.
static struct {
    pthread_mutex_t busy;  // one caller at a time; others run serially (same results)
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int workers, sleeping;
    unsigned epoch_counter;  // owned by the caller holding `busy`
    atomic_uint epoch;
    _Atomic uint64_t claims;  // epoch << 32 | chunks << 16 | next chunk
    atomic_int finished;
    lw_task_fn task;      // what a chunk runs: task(context, index); set before `claims`
    const void *context;  // the caller's, alive until every chunk has finished
} pool = {
    .busy = PTHREAD_MUTEX_INITIALIZER,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

// A worker spins this long for the next job, then sleeps. It should outlast the serial
// stretches between a training step's products (the loss, the small layers, the next batch:
// 40-60 us on medium): a worker woken from sleep arrives 20-40 us late, which made medium's
// first product (256x50x256) take 70-90 us instead of 48. Longer only burns a core, and on a
// busy machine a spinning worker loses the scheduler's preference for threads that sleep.
// Medium per epoch, same session: 50 us 0.36-0.38 s (p50), 100 us 0.31-0.34, 200 us 0.33-0.46.
#define WORKER_SPIN_NS 100000
// The caller waiting this long on a worker means it was descheduled holding a chunk: products
// then run on the caller alone for a while, in proportion to the wait and at most 20 ms, twice
// as long each time it happens again (up to 64x). A one-off hiccup of the hypervisor (tens of
// us) costs well under a millisecond of one-core work; a busy machine (waits of scheduler
// ticks) goes serial for 20 ms, then longer while it lasts. A fixed 20 ms turned medium's one
// hiccup in ~100 products into 40-60% of its products running on one core (0.36-0.39 s/epoch
// vs 0.31); 64x the wait with no cap sent large's products serial for 0.5-1.7 s of 5 s.
#define LATE_WORKER_NS 20000
#define BACKOFF_PER_WAIT 8
#define MAX_FIRST_BACKOFF_NS 20000000

// Deadline (monotonic ns) before which products run on the calling thread only. Thread count
// never changes results, so this adapts to load without affecting determinism.
static _Atomic int64_t serial_until_ns;

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int claim_chunk(unsigned epoch) {
    uint64_t current = atomic_load(&pool.claims);
    for (;;) {
        const unsigned chunks = (unsigned)(current >> 16) & 0xFFFF, next = current & 0xFFFF;
        if ((unsigned)(current >> 32) != epoch || next >= chunks) return -1;
        if (atomic_compare_exchange_weak(&pool.claims, &current, current + 1)) return (int)next;
    }
}

static void run_claimed_chunks(unsigned epoch) {
    int index;
    while ((index = claim_chunk(epoch)) >= 0) {
        pool.task(pool.context, index);
        atomic_fetch_add_explicit(&pool.finished, 1, memory_order_release);
    }
}

static void *worker_main(void *argument) {
    unsigned seen = (unsigned)(uintptr_t)argument;
    for (;;) {
        unsigned epoch;
        unsigned spins = 0;
        const int64_t spin_start = now_ns();
        while ((epoch = atomic_load_explicit(&pool.epoch, memory_order_acquire)) == seen) {
            // While the caller backs off (the machine is oversubscribed) no job will come for
            // a while, and a spinning worker would take time slices from the threads that work.
            if ((++spins & 255) != 0 ||
                (now_ns() - spin_start < WORKER_SPIN_NS &&
                 now_ns() >= atomic_load_explicit(&serial_until_ns, memory_order_relaxed))) {
                LW_CPU_RELAX();
                continue;
            }
            pthread_mutex_lock(&pool.lock);
            pool.sleeping++;
            while (atomic_load(&pool.epoch) == seen) pthread_cond_wait(&pool.wake, &pool.lock);
            pool.sleeping--;
            pthread_mutex_unlock(&pool.lock);
        }
        seen = epoch;
        run_claimed_chunks(epoch);
    }
    return NULL;
}

/// Starts workers up to `count`; returns how many exist (fewer if thread creation fails).
static int ensure_workers(int count) {
    while (pool.workers < count) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        const unsigned epoch = atomic_load(&pool.epoch);
        const int failed =
            pthread_create(&thread, &attributes, worker_main, (void *)(uintptr_t)epoch);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        pool.workers++;
    }
    return pool.workers;
}

/// Runs task(context, 0 ..< chunks) on the caller and up to `threads - 1` workers.
static void run_tasks(int chunks, int threads, lw_task_fn task, const void *context) {
    if (pthread_mutex_trylock(&pool.busy) != 0) {  // another thread's job has the workers
        for (int index = 0; index < chunks; index++) task(context, index);
        return;
    }
    // One worker per extra thread, not per chunk: chunks are claimed dynamically, and more
    // runnable threads than cores would time-slice against the caller.
    ensure_workers(min_int(chunks, threads) - 1);
    pool.task = task;
    pool.context = context;
    atomic_store(&pool.finished, 0);
    const unsigned epoch = ++pool.epoch_counter;
    atomic_store(&pool.claims, (uint64_t)epoch << 32 | (uint64_t)chunks << 16);
    pthread_mutex_lock(&pool.lock);
    atomic_store(&pool.epoch, epoch);
    if (pool.sleeping > 0) pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);

    item_wait_ns = 0;
    const int64_t start = now_ns();
    run_claimed_chunks(epoch);
    const int64_t own_done = now_ns();
    int spins = 0;
    while (atomic_load_explicit(&pool.finished, memory_order_acquire) < chunks) {
        if (++spins < 4096) LW_CPU_RELAX();
        else sched_yield();  // the worker holding the last chunk was descheduled
    }
    const int64_t waited = now_ns() - own_done + item_wait_ns;

    // Doubling while workers keep arriving late; each punctual run undoes one doubling. Only
    // the caller holding `busy` touches `late_runs`.
    static int late_runs;
    if (waited > LATE_WORKER_NS && waited > (own_done - start - item_wait_ns) / 2) {
        int64_t backoff = waited * BACKOFF_PER_WAIT;
        if (backoff > MAX_FIRST_BACKOFF_NS) backoff = MAX_FIRST_BACKOFF_NS;
        backoff <<= min_int(late_runs++, 6);
        atomic_store(&serial_until_ns, now_ns() + backoff);
    } else if (late_runs > 0) {
        late_runs--;
    }
    pthread_mutex_unlock(&pool.busy);
}

static void gemm_task(const void *context, int index) { run_chunk(context, index); }

static void run_parallel(const gemm_job *job) {
    run_tasks(job->chunks, job->threads, gemm_task, job);
}

static int serial_backoff_active(void) {
    return now_ns() < atomic_load_explicit(&serial_until_ns, memory_order_relaxed);
}

void lw_parallel_for(int tasks, lw_task_fn task, const void *context) {
    const int threads = lw_thread_count();
    if (tasks > 1 && threads > 1 && !serial_backoff_active()) {
        run_tasks(tasks, threads, task, context);
        return;
    }
    for (int index = 0; index < tasks; index++) task(context, index);
}

static int run_packed_plan(const lw_gemm_path *P, int threads, int ta, int tb, int m, int n,
                           int k, float alpha, const float *a, int lda, const float *b, int ldb,
                           float beta, float *c, int ldc, const float *bias, int relu,
                           float *column_max, const relu_mask *mask) {
    const int MR = P->mr, NR = P->nr;
    packed_plan plan = {
        .path = P, .ta = ta, .tb = tb, .m = m, .n = n, .k = k, .alpha = alpha, .beta = beta,
        .a = a, .b = b, .c = c, .lda = lda, .ldb = ldb, .ldc = ldc,
        .bias = bias, .relu = relu != 0, .epilogue = bias != NULL || relu || column_max != NULL,
        .mask = mask,
    };
    plan.nc_max = min_int(P->nc, round_up(n, NR));
    plan.blocks = (n + plan.nc_max - 1) / plan.nc_max;
    const int slivers = (plan.nc_max + NR - 1) / NR;
    const int target = threads > 1 ? 4 * threads : 1;
    // About four compute items per thread per block: A blocks of fewer rows (down to one tile),
    // then column groups of the panel when the rows run out (a short, wide C).
    plan.mc = threads > 1
                  ? min_int(P->mc, max_int(MR, round_up((m + target - 1) / target, MR)))
                  : P->mc;
    if (mask && plan.mc < m)  // row blocks on the column sums' block boundaries
        plan.mc = max_int(LW_SUM_ROWS, plan.mc / LW_SUM_ROWS * LW_SUM_ROWS);
    plan.row_blocks = (m + plan.mc - 1) / plan.mc;
    plan.column_groups = min_int(slivers, (target + plan.row_blocks - 1) / plan.row_blocks);
    plan.pack_items = threads > 1 ? min_int(slivers, 2 * threads) : 1;
    plan.group_width = round_up((plan.nc_max + plan.column_groups - 1) / plan.column_groups, NR);
    plan.column_groups = (plan.nc_max + plan.group_width - 1) / plan.group_width;
    plan.pack_slivers = (slivers + plan.pack_items - 1) / plan.pack_items;
    plan.pack_items = (slivers + plan.pack_slivers - 1) / plan.pack_slivers;
    plan.items_per_block = plan.pack_items + plan.row_blocks * plan.column_groups;
    const long items = (long)plan.items_per_block * plan.blocks;

    const size_t panel = (size_t)round_up(plan.nc_max, NR) * k;
    float *panels = scratch_floats(&scratch.panels, (plan.blocks > 1 ? 2 : 1) * panel);
    float *counters = scratch_floats(&scratch.counters, 2 * (size_t)plan.blocks);
    if (!panels || !counters) return 0;
    plan.panels[0] = panels;
    plan.panels[1] = plan.blocks > 1 ? panels + panel : panels;
    plan.packed = (atomic_int *)counters;
    plan.computed = plan.packed + plan.blocks;
    for (int i = 0; i < 2 * plan.blocks; i++) atomic_init(&plan.packed[i], 0);
    if (column_max && plan.row_blocks > 1) {
        plan.chunk_max = scratch_floats(&scratch.chunk_max, (size_t)plan.row_blocks * n);
        if (!plan.chunk_max) return 0;
        memset(plan.chunk_max, 0, (size_t)plan.row_blocks * n * sizeof(float));
    } else {
        plan.chunk_max = column_max;  // one row block: its maxima go straight to the result
    }

    if (threads > 1 && items <= 0xFFFF) {
        run_tasks((int)items, threads, run_packed_item, &plan);
    } else {
        for (long index = 0; index < items; index++) run_packed_item(&plan, (int)index);
    }
    if (column_max && plan.chunk_max != column_max)
        for (int r = 0; r < plan.row_blocks; r++)  // in row-block order: deterministic
            lw_bias_act_block(1, n, plan.chunk_max + (size_t)r * n, n, NULL, 0, column_max);
    return 1;
}

// MARK: - Entry points

static void sgemm_epilogue(int path, int threads, int trans_a, int trans_b, int m, int n, int k,
                           float alpha, const float *a, int lda, const float *b, int ldb,
                           float beta, float *c, int ldc, const float *bias, int relu,
                           float *column_max, const relu_mask *mask) {
    if (m <= 0 || n <= 0) return;
    const int epilogue = bias != NULL || relu || column_max != NULL;
    if (k <= 0 || alpha == 0.0f) {
        scale_c(m, n, beta, c, ldc);
        if (epilogue) lw_bias_act_block(m, n, c, ldc, bias, relu, column_max);
        if (mask) apply_mask(mask, 0, m, 0, n, c, ldc);
        return;
    }
    const lw_gemm_path *P = path_table(lw_requested_path(path));
    gemm_job job = {
        .path = P, .direct = prefers_direct(P, m, n, k), .chunks = 1,
        .ta = trans_a != 0, .tb = trans_b != 0, .m = m, .n = n, .k = k,
        .alpha = alpha, .beta = beta, .a = a, .b = b, .c = c, .lda = lda, .ldb = ldb, .ldc = ldc,
        .bias = bias, .relu = relu != 0, .epilogue = epilogue, .column_max = column_max,
        .mask = mask,
    };
    // A few output columns from a transposed B (a Dense layer's x W^T with few units): dot
    // products over contiguous rows of both operands beat a 32-wide tile that is mostly padding
    // and, on the packed path, packing all of A for a handful of columns.
    job.dot = P->dot_rows && !job.ta && job.tb && n <= LW_DOT_MAX_N && k >= 32;
    if (job.dot) job.direct = 0;
    int count = threads > 0 ? min_int(threads, LW_MAX_THREADS) : lw_thread_count();
    const int wide = count > 1 && 2.0 * m * n * k >= PARALLEL_MIN_FLOPS;
    // A transposed B (a Dense forward, x W^T) on several threads: the plan packs B's panel on
    // every thread, where the direct path transposes all of B on the caller first (medium's
    // 256x256x256: 166-171 us vs 172-185). With one k block both sum each element in one
    // pass, so the results stay bit-identical to the direct path at every thread count.
    const int plans_transposed_b = wide && job.direct && job.tb && k <= P->kc;
    if (plans_transposed_b) {
        const int plan_threads = wide && !serial_backoff_active() ? count : 1;
        if (run_packed_plan(P, plan_threads, job.ta, job.tb, m, n, k, alpha, a, lda, b, ldb, beta,
                            c, ldc, bias, relu, column_max, mask))
            return;
        // No memory for the packing buffers: the naive product.
        gemm_reference(job.ta, job.tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        if (epilogue) lw_bias_act_block(m, n, c, ldc, bias, relu, column_max);
        if (mask) apply_mask(mask, 0, m, 0, n, c, ldc);
        return;
    }
    if (wide) {
        // Split the larger side of C into whole tiles; the direct path prefers rows so each
        // thread reads the same (shared, read-only) B.
        job.split_columns = job.dot ? 0 : job.direct ? m < 2 * P->mr : n >= m;
        // Row chunks on the column sums' block boundaries with the ReLU-backward epilogue.
        job.unit = job.split_columns ? P->nr : mask ? LW_SUM_ROWS : P->mr;
        const int units = ((job.split_columns ? n : m) + job.unit - 1) / job.unit;
        // The direct path over-splits (chunks are claimed dynamically) so a worker the OS is
        // slow to schedule costs a small chunk, not half the product. Packed chunks each
        // repack A (or B) but keep their own part of the other operand in their core's L2: one
        // chunk per thread. (The packed plan, which packs each operand once and balances by
        // items, measured 3-8% slower on large's products in training: each item read the
        // whole shared B panel, half of it packed on the other core.)
        job.chunks = min_int(job.direct || job.dot ? 4 * count : count, min_int(units, 0xFFFF));
        job.threads = count;
    }
    const int parallel = job.chunks > 1 && !serial_backoff_active();
    if (parallel && job.direct && (job.tb || !P->reads_unpadded_b)) {
        // Copy (transpose) B once here rather than once per chunk.
        const int npad = round_up(n, P->nr);
        float *copy = scratch_floats(&scratch.shared_b, (size_t)k * npad);
        if (copy) {
            copy_b_rows(job.tb, b, ldb, k, n, npad, copy);
            job.b = copy;
            job.ldb = npad;
            job.tb = 0;
            job.b_ready = 1;
        }
    }
    if (parallel) {
        if (column_max && !job.split_columns) {
            job.chunk_max = scratch_floats(&scratch.chunk_max, (size_t)job.chunks * n);
            if (!job.chunk_max) {  // no memory for per-chunk maxima: take them afterwards
                job.column_max = NULL;
                job.epilogue = bias != NULL || relu;
            } else {
                memset(job.chunk_max, 0, (size_t)job.chunks * n * sizeof(float));
            }
        }
        run_parallel(&job);
        if (job.chunk_max) {
            for (int index = 0; index < job.chunks; index++)
                lw_bias_act_block(1, n, job.chunk_max + (size_t)index * n, n, NULL, 0,
                                  column_max);
        } else if (column_max && !job.column_max) {
            lw_bias_act_block(m, n, c, ldc, NULL, 0, column_max);
        }
    } else {
        const chunk_finish finish = {&job, 0, 0, column_max};
        if (run_serial(&job, m, n, a, b, c, &finish)) return;
        if (epilogue) lw_bias_act_block(m, n, c, ldc, bias, relu, column_max);
        if (mask) apply_mask(mask, 0, m, 0, n, c, ldc);
    }
}

void lw_sgemm_with(int path, int threads, int trans_a, int trans_b, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b, int ldb, float beta,
                   float *c, int ldc) {
    sgemm_epilogue(path, threads, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                   NULL, 0, NULL, NULL);
}

void lw_sgemm_bias_act(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
                       const float *b, int ldb, float *c, int ldc, const float *bias, int relu,
                       float *column_max) {
    sgemm_epilogue(LW_KERNEL_AUTO, 0, trans_a, trans_b, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c,
                   ldc, bias, relu, column_max, NULL);
}

void lw_sgemm_relu_backward(int trans_a, int trans_b, int m, int n, int k, const float *a,
                            int lda, const float *b, int ldb, float *c, int ldc,
                            const float *activation, int ld_activation, float *column_sums) {
    if (m <= 0 || n <= 0) return;
    const int blocks = (m + LW_SUM_ROWS - 1) / LW_SUM_ROWS;
    relu_mask mask = {.activation = activation, .ld = ld_activation, .n = n};
    if (column_sums) {
        mask.partials = scratch_floats(&scratch.partials, (size_t)blocks * n);
        if (mask.partials) memset(mask.partials, 0, (size_t)blocks * n * sizeof(float));
    }
    sgemm_epilogue(LW_KERNEL_AUTO, 0, trans_a, trans_b, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c,
                   ldc, NULL, 0, NULL, &mask);
    if (!column_sums) return;
    if (mask.partials) {
        lw_column_sums(blocks, n, mask.partials, n, 0.0f, column_sums);
        return;
    }
    // No memory for the partials: the same block order, one block at a time.
    for (int j = 0; j < n; j++) column_sums[j] = 0.0f;
    for (int b = 0; b < blocks; b++) {
        const int rows = min_int(LW_SUM_ROWS, m - b * LW_SUM_ROWS);
        for (int j = 0; j < n; j++) {
            float sum = 0.0f;
            for (int i = 0; i < rows; i++) sum += c[(size_t)(b * LW_SUM_ROWS + i) * ldc + j];
            column_sums[j] += sum;
        }
    }
}

void lw_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
              int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    lw_sgemm_with(LW_KERNEL_AUTO, 0, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c,
                  ldc);
}
