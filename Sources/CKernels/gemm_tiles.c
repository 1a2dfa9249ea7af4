// GEMM micro-kernels, one set per instruction-set path. Each kernel body is an always-inline
// function whose row count and vector count are compile-time constants at every call site, so
// the accumulators live in registers; the small wrappers switch on the runtime tile size.
//
// Every element of C is one sequential chain of fused multiply-adds over p, whatever the tile
// size or position: that is what makes results independent of the thread partitioning.
#include "gemm_internal.h"

#define LW_INLINE static inline __attribute__((always_inline))

// ---------------------------------------------------------------------------------------------
// Portable path: plain C the compiler vectorizes for the baseline ISA (SSE2 on x86-64, NEON on
// arm64). 4x8 fits the 16 SSE registers. B is always zero-padded to NR columns.

#define PORTABLE_MR 4
#define PORTABLE_NR 8

LW_INLINE void tile_portable(const int rows, int k, const float *a, ptrdiff_t ars,
                             ptrdiff_t acs, const float *b, ptrdiff_t brs, float *c,
                             ptrdiff_t ldc, int nr, float alpha, float beta) {
    float acc[PORTABLE_MR][PORTABLE_NR] = {{0}};
    for (int p = 0; p < k; p++) {
        for (int i = 0; i < rows; i++) {
            const float av = a[i * ars];
            for (int j = 0; j < PORTABLE_NR; j++) acc[i][j] += av * b[j];
        }
        a += acs;
        b += brs;
    }
    for (int i = 0; i < rows; i++) {
        float *ci = c + i * ldc;
        for (int j = 0; j < nr; j++) {
            const float r = alpha * acc[i][j];
            ci[j] = beta == 0.0f ? r : r + beta * ci[j];
        }
    }
}

#define LW_SWITCH_ROWS4(CALL) \
    switch (mr) {             \
    case 1: CALL(1); break;   \
    case 2: CALL(2); break;   \
    case 3: CALL(3); break;   \
    default: CALL(4); break;  \
    }

static void packed_tile_portable(int k, const float *a, const float *b, float *c, ptrdiff_t ldc,
                                 int mr, int nr, float alpha, float beta) {
#define CALL(R) tile_portable(R, k, a, 1, PORTABLE_MR, b, PORTABLE_NR, c, ldc, nr, alpha, beta)
    LW_SWITCH_ROWS4(CALL)
#undef CALL
}

static void direct_tile_portable(int k, const float *a, ptrdiff_t ars, ptrdiff_t acs,
                                 const float *b, ptrdiff_t brs, float *c, ptrdiff_t ldc, int mr,
                                 int nr, float alpha, float beta) {
#define CALL(R) tile_portable(R, k, a, ars, acs, b, brs, c, ldc, nr, alpha, beta)
    LW_SWITCH_ROWS4(CALL)
#undef CALL
}

const lw_gemm_path lw_path_portable = {
    .mr = PORTABLE_MR, .nr = PORTABLE_NR, .kc = 256, .mc = 128, .nc = 2048,
    .reads_unpadded_b = 0,
    .packed_tile = packed_tile_portable, .direct_tile = direct_tile_portable,
};

#if defined(__x86_64__)
#include <immintrin.h>

// ---------------------------------------------------------------------------------------------
// AVX-512: 8 rows x 32 columns (2 zmm) = 16 accumulators, leaving registers for two B vectors
// and the A broadcast. Masked loads and stores handle ragged edges at no cost, so B never
// needs padding and C is never touched outside the tile.

#define AVX512_MR 8
#define AVX512_NR 32
#define LW_AVX512 __attribute__((target("avx512f")))

LW_INLINE LW_AVX512 __mmask16 mask16(int count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? 0 : (__mmask16)((1u << count) - 1u);
}

LW_INLINE LW_AVX512 void tile_avx512(const int rows, const int nv, const int packed, int k,
                                     const float *a, ptrdiff_t ars, ptrdiff_t acs,
                                     const float *b, ptrdiff_t brs, float *c, ptrdiff_t ldc,
                                     int nr, float alpha, float beta) {
    __m512 acc[AVX512_MR][2];
    for (int i = 0; i < rows; i++) {
        acc[i][0] = _mm512_setzero_ps();
        acc[i][1] = _mm512_setzero_ps();
    }
    const __mmask16 m0 = mask16(nr), m1 = mask16(nr - 16);
    for (int p = 0; p < k; p++) {
        __m512 b0, b1 = _mm512_setzero_ps();
        if (packed) {
            b0 = _mm512_loadu_ps(b);
            if (nv > 1) b1 = _mm512_loadu_ps(b + 16);
        } else {
            b0 = _mm512_maskz_loadu_ps(m0, b);
            if (nv > 1) b1 = _mm512_maskz_loadu_ps(m1, b + 16);
        }
        for (int i = 0; i < rows; i++) {
            const __m512 av = _mm512_set1_ps(a[i * ars]);
            acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);
            if (nv > 1) acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);
        }
        a += acs;
        b += brs;
    }
    const __m512 va = _mm512_set1_ps(alpha);
    if (beta == 0.0f) {  // BLAS semantics: C is write-only, so NaN or garbage in it is ignored
        for (int i = 0; i < rows; i++) {
            float *ci = c + i * ldc;
            _mm512_mask_storeu_ps(ci, m0, _mm512_mul_ps(va, acc[i][0]));
            if (nv > 1) _mm512_mask_storeu_ps(ci + 16, m1, _mm512_mul_ps(va, acc[i][1]));
        }
    } else {
        const __m512 vb = _mm512_set1_ps(beta);
        for (int i = 0; i < rows; i++) {
            float *ci = c + i * ldc;
            const __m512 r0 = _mm512_mul_ps(va, acc[i][0]);
            _mm512_mask_storeu_ps(ci, m0, _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, ci), r0));
            if (nv > 1) {
                const __m512 r1 = _mm512_mul_ps(va, acc[i][1]);
                _mm512_mask_storeu_ps(ci + 16, m1,
                                      _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, ci + 16), r1));
            }
        }
    }
}

#define LW_SWITCH_ROWS8(CALL, NV) \
    switch (mr) {                 \
    case 1: CALL(1, NV); break;   \
    case 2: CALL(2, NV); break;   \
    case 3: CALL(3, NV); break;   \
    case 4: CALL(4, NV); break;   \
    case 5: CALL(5, NV); break;   \
    case 6: CALL(6, NV); break;   \
    case 7: CALL(7, NV); break;   \
    default: CALL(8, NV); break;  \
    }

static LW_AVX512 void packed_tile_avx512(int k, const float *a, const float *b, float *c,
                                         ptrdiff_t ldc, int mr, int nr, float alpha,
                                         float beta) {
#define CALL(R, NV) \
    tile_avx512(R, NV, 1, k, a, 1, AVX512_MR, b, AVX512_NR, c, ldc, nr, alpha, beta)
    if (nr > 16) {
        LW_SWITCH_ROWS8(CALL, 2)
    } else {
        LW_SWITCH_ROWS8(CALL, 1)
    }
#undef CALL
}

static LW_AVX512 void direct_tile_avx512(int k, const float *a, ptrdiff_t ars, ptrdiff_t acs,
                                         const float *b, ptrdiff_t brs, float *c, ptrdiff_t ldc,
                                         int mr, int nr, float alpha, float beta) {
#define CALL(R, NV) tile_avx512(R, NV, 0, k, a, ars, acs, b, brs, c, ldc, nr, alpha, beta)
    if (nr > 16) {
        LW_SWITCH_ROWS8(CALL, 2)
    } else {
        LW_SWITCH_ROWS8(CALL, 1)
    }
#undef CALL
}

/// Rows of a small-n A B^T product, ROWS rows at a time: ROWS x n vector accumulators over p
/// (16 lanes per step, the k tail masked), each reduced lane by lane in order.
LW_INLINE LW_AVX512 void dot_rows_block_avx512(const int rows, int n, int k, float alpha,
                                               const float *a, ptrdiff_t lda, const float *b,
                                               ptrdiff_t ldb, float beta, float *c,
                                               ptrdiff_t ldc) {
    __m512 acc[2][LW_DOT_MAX_N];
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < n; j++) acc[r][j] = _mm512_setzero_ps();
    for (int p = 0; p < k; p += 16) {
        const __mmask16 mask = mask16(k - p);
        __m512 av[2];
        for (int r = 0; r < rows; r++) av[r] = _mm512_maskz_loadu_ps(mask, a + r * lda + p);
        for (int j = 0; j < n; j++) {
            const __m512 bv = _mm512_maskz_loadu_ps(mask, b + j * ldb + p);
            for (int r = 0; r < rows; r++) acc[r][j] = _mm512_fmadd_ps(av[r], bv, acc[r][j]);
        }
    }
    for (int r = 0; r < rows; r++) {
        float *cr = c + r * ldc;
        for (int j = 0; j < n; j++) {
            float lanes[16];
            _mm512_storeu_ps(lanes, acc[r][j]);
            float sum = 0.0f;
            for (int l = 0; l < 16; l++) sum += lanes[l];
            cr[j] = beta == 0.0f ? alpha * sum : alpha * sum + beta * cr[j];
        }
    }
}

/// All rows for one compile-time n: two rows share each B load while 2n accumulators fit the
/// 32 registers (n <= 12), one row at a time above that.
LW_INLINE LW_AVX512 void dot_rows_n_avx512(const int n, int m, int k, float alpha,
                                           const float *a, ptrdiff_t lda, const float *b,
                                           ptrdiff_t ldb, float beta, float *c, ptrdiff_t ldc) {
    int i = 0;
    if (n <= 12)
        for (; i + 2 <= m; i += 2)
            dot_rows_block_avx512(2, n, k, alpha, a + i * lda, lda, b, ldb, beta, c + i * ldc,
                                  ldc);
    for (; i < m; i++)
        dot_rows_block_avx512(1, n, k, alpha, a + i * lda, lda, b, ldb, beta, c + i * ldc, ldc);
}

static LW_AVX512 void dot_rows_avx512(int m, int n, int k, float alpha, const float *a,
                                      ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta,
                                      float *c, ptrdiff_t ldc) {
    switch (n) {
#define CASE(N) \
    case N: dot_rows_n_avx512(N, m, k, alpha, a, lda, b, ldb, beta, c, ldc); break;
    CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8)
    CASE(9) CASE(10) CASE(11) CASE(12) CASE(13) CASE(14) CASE(15) CASE(16)
#undef CASE
    default: break;  // the driver only calls it for n <= LW_DOT_MAX_N
    }
}

// Zen 4 / Skylake-X: a 256 x 32 B sliver (32 KiB) streams from L1/L2, the 128 x 256 A block
// (128 KiB) stays in L2, the B panel in L2/L3.
const lw_gemm_path lw_path_avx512 = {
    .mr = AVX512_MR, .nr = AVX512_NR, .kc = 256, .mc = 128, .nc = 2048,
    .reads_unpadded_b = 1,
    .packed_tile = packed_tile_avx512, .direct_tile = direct_tile_avx512,
    .dot_rows = dot_rows_avx512,
};

// ---------------------------------------------------------------------------------------------
// AVX2 + FMA: the classic 6 x 16 tile (12 ymm accumulators). Masked loads/stores are slower
// here, so the full-width case is a separate instantiation.

#define AVX2_MR 6
#define AVX2_NR 16
#define LW_AVX2 __attribute__((target("avx2,fma")))

LW_INLINE LW_AVX2 __m256i mask8(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// `mode`: 0 packed, 1 direct with all NR columns valid, 2 direct with a ragged right edge.
LW_INLINE LW_AVX2 void tile_avx2(const int rows, const int nv, const int mode, int k,
                                 const float *a, ptrdiff_t ars, ptrdiff_t acs, const float *b,
                                 ptrdiff_t brs, float *c, ptrdiff_t ldc, int nr, float alpha,
                                 float beta) {
    __m256 acc[AVX2_MR][2];
    for (int i = 0; i < rows; i++) {
        acc[i][0] = _mm256_setzero_ps();
        acc[i][1] = _mm256_setzero_ps();
    }
    const __m256i m0 = mask8(nr), m1 = mask8(nr - 8);
    for (int p = 0; p < k; p++) {
        __m256 b0, b1 = _mm256_setzero_ps();
        if (mode == 2) {
            b0 = _mm256_maskload_ps(b, m0);
            if (nv > 1) b1 = _mm256_maskload_ps(b + 8, m1);
        } else {
            b0 = _mm256_loadu_ps(b);
            if (nv > 1) b1 = _mm256_loadu_ps(b + 8);
        }
        for (int i = 0; i < rows; i++) {
            const __m256 av = _mm256_broadcast_ss(a + i * ars);
            acc[i][0] = _mm256_fmadd_ps(av, b0, acc[i][0]);
            if (nv > 1) acc[i][1] = _mm256_fmadd_ps(av, b1, acc[i][1]);
        }
        a += acs;
        b += brs;
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    const int full = nr >= nv * 8;
    for (int i = 0; i < rows; i++) {
        float *ci = c + i * ldc;
        for (int v = 0; v < nv; v++) {
            const __m256i mv = v == 0 ? m0 : m1;
            __m256 r = _mm256_mul_ps(va, acc[i][v]);
            if (full) {
                if (beta != 0.0f) r = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8 * v), r);
                _mm256_storeu_ps(ci + 8 * v, r);
            } else {
                if (beta != 0.0f) r = _mm256_fmadd_ps(vb, _mm256_maskload_ps(ci + 8 * v, mv), r);
                _mm256_maskstore_ps(ci + 8 * v, mv, r);
            }
        }
    }
}

#define LW_SWITCH_ROWS6(CALL, NV, MODE) \
    switch (mr) {                       \
    case 1: CALL(1, NV, MODE); break;   \
    case 2: CALL(2, NV, MODE); break;   \
    case 3: CALL(3, NV, MODE); break;   \
    case 4: CALL(4, NV, MODE); break;   \
    case 5: CALL(5, NV, MODE); break;   \
    default: CALL(6, NV, MODE); break;  \
    }

static LW_AVX2 void packed_tile_avx2(int k, const float *a, const float *b, float *c,
                                     ptrdiff_t ldc, int mr, int nr, float alpha, float beta) {
#define CALL(R, NV, MODE) \
    tile_avx2(R, NV, MODE, k, a, 1, AVX2_MR, b, AVX2_NR, c, ldc, nr, alpha, beta)
    if (nr > 8) {
        LW_SWITCH_ROWS6(CALL, 2, 0)
    } else {
        LW_SWITCH_ROWS6(CALL, 1, 0)
    }
#undef CALL
}

static LW_AVX2 void direct_tile_avx2(int k, const float *a, ptrdiff_t ars, ptrdiff_t acs,
                                     const float *b, ptrdiff_t brs, float *c, ptrdiff_t ldc,
                                     int mr, int nr, float alpha, float beta) {
#define CALL(R, NV, MODE) tile_avx2(R, NV, MODE, k, a, ars, acs, b, brs, c, ldc, nr, alpha, beta)
    if (nr == AVX2_NR) {
        LW_SWITCH_ROWS6(CALL, 2, 1)
    } else if (nr > 8) {
        LW_SWITCH_ROWS6(CALL, 2, 2)
    } else if (nr == 8) {
        LW_SWITCH_ROWS6(CALL, 1, 1)
    } else {
        LW_SWITCH_ROWS6(CALL, 1, 2)
    }
#undef CALL
}

const lw_gemm_path lw_path_avx2 = {
    .mr = AVX2_MR, .nr = AVX2_NR, .kc = 256, .mc = 120, .nc = 2048,
    .reads_unpadded_b = 1,
    .packed_tile = packed_tile_avx2, .direct_tile = direct_tile_avx2,
};
#endif
