#!/usr/bin/env python3
"""Time pandas.read_csv on the numeric CSVs that the Dataset benchmarks read.

The files are written by `registerDatasetBenchmarks()` (Benchmarks/LayerwiseBenchmarks/
DatasetBenchmarks.swift) into $TMPDIR/layerwise-bench/. Run the Swift benchmark first, then:

    python3 Benchmarks/pandas_compare.py [--repeat 3]

Prints MB/s per file (best of the repeats) and the resident memory of the loaded frame, to put
side by side with the benchmark's MB/s. pandas is only needed here (pip install pandas).
"""
import argparse
import os
import tempfile
import time


def resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", default="c", help="pandas parser engine: c or pyarrow")
    args = parser.parse_args()
    import pandas as pd

    directory = os.path.join(tempfile.gettempdir(), "layerwise-bench")
    for rows in (100_000, 1_000_000):
        path = os.path.join(directory, f"numeric_{rows}x50.csv")
        if not os.path.exists(path):
            print(f"{path}: missing; run `swift package benchmark --filter 'CSV read'` first")
            continue
        size = os.path.getsize(path)
        best = float("inf")
        best_cpu = float("inf")
        for _ in range(args.repeat):
            before = resident_bytes()
            start = time.perf_counter()
            cpu_start = time.process_time()
            frame = pd.read_csv(path, engine=args.engine, dtype="float32")
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - cpu_start)
            resident = resident_bytes() - before
            del frame
        print(f"pandas {pd.__version__} ({args.engine}) {rows:>9} x 50: "
              f"{size / 1e6 / best:7.1f} MB/s ({best:.2f} s, {size / 1e6:.0f} MB), "
              f"{size / 1e6 / best_cpu:7.1f} MB per CPU second; "
              f"frame RSS {resident / (rows * 50 * 4) * 100:.0f}% of float32")


if __name__ == "__main__":
    main()
