#!/usr/bin/env python3
"""Time pandas.read_csv and polars.read_csv on the numeric CSVs that the Dataset benchmarks read.

The files are written by `registerDatasetBenchmarks()` (Benchmarks/LayerwiseBenchmarks/
DatasetBenchmarks.swift) into $TMPDIR/layerwise-bench/. Run the Swift benchmark first, then:

    python3 Benchmarks/pandas_compare.py [--repeat 5]

The readers run in turn within each round (pandas, polars, pandas, ...), so on a shared, noisy
machine they see the same load; the report gives each one's best and median wall time, MB/s and
the resident memory of the loaded frame. Alternate this script with the Swift benchmark and
compare within a round. Only needed here: pip install pandas polars.
"""
import argparse
import os
import statistics
import tempfile
import time


def resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def readers(engine):
    import pandas as pd

    found = {f"pandas {pd.__version__} ({engine})":
             lambda path: pd.read_csv(path, engine=engine, dtype="float32")}
    try:
        import polars as pl

        found[f"polars {pl.__version__}"] = lambda path: pl.read_csv(
            path, schema_overrides=None).cast(pl.Float32)
    except ImportError:
        print("polars is not installed: pip install polars")
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engine", default="c", help="pandas parser engine: c or pyarrow")
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    args = parser.parse_args()
    directory = os.path.join(tempfile.gettempdir(), "layerwise-bench")
    for rows in args.rows:
        path = os.path.join(directory, f"numeric_{rows}x50.csv")
        if not os.path.exists(path):
            print(f"{path}: missing; run `swift package benchmark --filter 'CSV read'` first")
            continue
        size = os.path.getsize(path)
        found = readers(args.engine)
        times = {name: [] for name in found}
        resident = {}
        for _ in range(args.repeat):
            for name, read in found.items():
                before = resident_bytes()
                start = time.perf_counter()
                frame = read(path)
                times[name].append(time.perf_counter() - start)
                resident[name] = resident_bytes() - before
                del frame
        for name, measured in times.items():
            best = min(measured)
            print(f"{name:28} {rows:>9} x 50: best {best * 1000:6.0f} ms "
                  f"({size / 1e6 / best:6.1f} MB/s), median "
                  f"{statistics.median(measured) * 1000:6.0f} ms; frame RSS "
                  f"{resident[name] / (rows * 50 * 4) * 100:.0f}% of float32")


if __name__ == "__main__":
    main()
