#!/usr/bin/env python3
"""Times numpy's float32 np.dot at the GEMM benchmark shapes, for a side-by-side GFLOP/s ratio
with EngineBenchmarks' `GEMM` cases (shapes are batch x inputs x outputs: (m x k) . (k x n)).

Run it with OpenBLAS's core-type overrides unset, in this command only, so numpy uses the
kernel it would pick for this CPU:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 Benchmarks/gemm_numpy.py
Set OPENBLAS_NUM_THREADS=1 to compare against single-threaded Layerwise.
"""
import os
import time

import numpy as np

# (m, k, n): the same shapes as the GEMM benchmarks (names read m x k x n).
SHAPES = [(32, 30, 64), (256, 50, 256), (512, 784, 1024), (1024, 1024, 1024)]


def best_seconds(m, k, n, repeats=7):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    flops = 2.0 * m * n * k
    inner = max(1, int(0.2e9 / flops))  # about 0.2 GFLOP of work per timing
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            np.dot(a, b, out=c)
        best = min(best, (time.perf_counter() - start) / inner)
    return best


def main():
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            print(f"# {pool.get('internal_api')} {pool.get('version')} "
                  f"core={pool.get('architecture')} threads={pool.get('num_threads')}")
    except ImportError:
        print("# threadpoolctl not installed: BLAS kernel unknown")
    print(f"# OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    for m, k, n in SHAPES:
        seconds = best_seconds(m, k, n)
        gflops = 2.0 * m * n * k / seconds / 1e9
        print(f"numpy np.dot {m}x{k}x{n}: {seconds * 1e6:10.2f} us  {gflops:7.1f} GFLOP/s")


if __name__ == "__main__":
    main()
