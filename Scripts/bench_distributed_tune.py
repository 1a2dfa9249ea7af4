#!/usr/bin/env python3
"""Trials per minute of one `tune` study shared by 1, 2 and 4 worker processes on PostgreSQL,
beside the SQLite folder study with the same number of in-process workers (issue 17).

Each configuration tunes the same spec for --trials trials with pruning off (every trial
trains to its early stop, so the counts compare); worker processes run `--workers 1` each. The
rate is trials / (last trial's finish - first trial's start), by the server's clock for
PostgreSQL (psql on the study's rows) and by the file's own timestamps for SQLite (sqlite3), so
the final best-trial training each process does after the search is not counted. Also printed:
the mean trial's own seconds, beside which the store's cost per trial (TuneBenchmarks) is set.

  Scripts/bench_distributed_tune.py --layerwise .build/release/layerwise \\
      --storage postgresql://layerwise:layerwise-test@127.0.0.1:55432/layerwise_test \\
      [--spec Specs/breast_cancer.yaml] [--trials 40] [--workers 1,2,4]

Needs psql, sqlite3 and a running server (Scripts/test-postgres.sh).
"""
import argparse, csv, os, subprocess, tempfile, time, uuid


def psql(url, sql):
    out = subprocess.run(["psql", url, "-qtAc", sql], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def trial_seconds(folder):
    with open(os.path.join(folder, "trials.csv")) as f:
        return [float(row["seconds"]) for row in csv.DictReader(f) if row["seconds"]]


def spec_with_no_pruning(spec, scratch):
    path = os.path.join(scratch, "bench.yaml")
    text = open(spec).read()
    data_dir = os.path.dirname(os.path.abspath(spec))
    # Absolute data path, so the copy beside the scratch folder finds the CSV.
    lines = []
    for line in text.splitlines():
        if line.strip().startswith("path:"):
            key, value = line.split("path:", 1)
            line = f"{key}path: {os.path.normpath(os.path.join(data_dir, value.strip()))}"
        lines.append(line)
    text = "\n".join(lines) + "\ntune: {pruning: false}\n"
    open(path, "w").write(text)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerwise", required=True)
    ap.add_argument("--storage", required=True)
    ap.add_argument("--spec", default="Specs/breast_cancer.yaml")
    ap.add_argument("--trials", type=int, default=40)
    ap.add_argument("--workers", default="1,2,4")
    args = ap.parse_args()
    scratch = tempfile.mkdtemp(prefix="layerwise-bench-dist-")
    spec = spec_with_no_pruning(args.spec, scratch)
    print(f"{args.spec}, {args.trials} trials, pruning off; {os.cpu_count()} cores")
    print("| workers | PostgreSQL, K processes | SQLite, 1 process x K | mean trial s (PG) |")
    print("|---:|---:|---:|---:|")
    for k in [int(x) for x in args.workers.split(",")]:
        study = f"bench-{k}-{uuid.uuid4().hex[:8]}"
        procs = [
            subprocess.Popen(
                [args.layerwise, "tune", spec, "--storage", args.storage, "--study", study,
                 "--trials", str(args.trials), "--workers", "1", "--quiet",
                 "--out", os.path.join(scratch, f"{study}-{i}")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for i in range(k)
        ]
        for p in procs:
            p.wait()
        span = float(psql(args.storage, f"""
            SELECT extract(epoch FROM max(t.finished_at) - min(t.started_at))
            FROM layerwise_trials t JOIN layerwise_studies s ON s.id = t.study_id
            WHERE s.name = '{study}' AND t.state = 'complete'"""))
        count = int(psql(args.storage, f"""
            SELECT count(*) FROM layerwise_trials t JOIN layerwise_studies s ON s.id = t.study_id
            WHERE s.name = '{study}' AND t.state = 'complete'"""))
        mean = float(psql(args.storage, f"""
            SELECT avg(t.seconds) FROM layerwise_trials t
            JOIN layerwise_studies s ON s.id = t.study_id WHERE s.name = '{study}'"""))
        pg_rate = count / span * 60

        folder = os.path.join(scratch, f"sqlite-{k}")
        subprocess.run(
            [args.layerwise, "tune", spec, "--trials", str(args.trials), "--workers", str(k),
             "--quiet", "--out", folder], stdout=subprocess.DEVNULL, check=True)
        out = subprocess.run(
            ["sqlite3", os.path.join(folder, "study.sqlite"),
             "SELECT max(finished_at) - min(started_at), count(*) FROM trials "
             "WHERE state = 'complete'"], capture_output=True, text=True, check=True)
        sqlite_span, sqlite_count = out.stdout.strip().split("|")
        sqlite_rate = int(sqlite_count) / float(sqlite_span) * 60
        print(f"| {k} | {pg_rate:.0f} /min ({count} in {span:.1f} s) | "
              f"{sqlite_rate:.0f} /min ({sqlite_count} in {float(sqlite_span):.1f} s) | "
              f"{mean:.3f} |")

if __name__ == "__main__":
    main()
