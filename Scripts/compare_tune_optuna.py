#!/usr/bin/env python3
"""`layerwise tune` against Optuna's TPE over scikit-learn's MLP, on the quality suite's rows.

Quality: for each dataset of ../shared/bench/suite.json and each of its three seeded 80/20
splits (the quality harness's files), `layerwise tune --trials T` on the 80% (validation 20% of
it, as Optuna's objective holds out; the rows differ, the share is the same), the best trial's
config trained as `train` would and scored once on the 20% with `layerwise evaluate`. Optuna's
number is `optuna_tpe_50` from baselines.json (same splits, TPE over width, depth, alpha, lr,
batch, activation; scikit-learn's MLP), or measured here with --optuna N.

Speed: --speed DATASET runs both with 20 trials on one split side by side, alternately, and
prints the wall-clock ratio (same machine, same moment: this machine is shared and noisy).

  compare_tune_optuna.py --layerwise .build/release/layerwise [--trials 20] [--only a,b]
                         [--extra 'tune: {cv: 5}']
  compare_tune_optuna.py --layerwise .build/release/layerwise --speed swiss_labor [--repeat 3]

Needs pandas, scikit-learn and (for --optuna / --speed) optuna:
  python3 -m pip install pandas scikit-learn optuna
Results go to $TUNE_COMPARE_DIR (default /tmp/layerwise-tune-compare).
"""
import argparse, json, os, re, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.normpath(os.path.join(HERE, "../../shared/bench"))
sys.path.insert(0, BENCH)
try:
    import quality  # the harness: splits, scoring, Optuna's objective
except ImportError as error:
    sys.exit(f"needs ../shared/bench/quality.py and pandas + scikit-learn ({error})")


def tune(binary, name, meta, train, test, out, trials, workers, extra=""):
    spec = f"{out}.yaml"
    with open(spec, "w") as f:
        f.write(f"name: {name}\ndata:\n  path: {train}\n  target: {meta['target']}\n"
                f"  split: {{validation: 0.2, test: 0}}\n" + extra)
    subprocess.run(["rm", "-rf", out])
    cmd = [binary, "tune", spec, "--trials", str(trials), "--out", out, "--quiet"]
    if workers:
        cmd += ["--workers", str(workers)]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if r.returncode != 0:
        return None, seconds, (r.stdout + r.stderr)[-600:]
    m = re.search(r"^Run\s+(\S+)", r.stdout, re.M)
    if not m:
        return None, seconds, "no best run in: " + r.stdout[-400:]
    e = subprocess.run([binary, "evaluate", m.group(1), test], capture_output=True, text=True)
    s = re.search(r"accuracy (-?[0-9.]+)" if meta["clf"] else r"R² (-?[0-9.]+)", e.stdout)
    if not s:
        return None, seconds, "evaluate: " + (e.stdout + e.stderr)[-400:]
    return float(s.group(1)), seconds, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerwise", required=True)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--only", default="")
    ap.add_argument("--optuna", type=int, default=0, metavar="N", help="measure Optuna here")
    ap.add_argument("--speed", metavar="DATASET")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--extra", default="", help="YAML appended to each spec (`tune: {cv: 5}`)")
    a = ap.parse_args()
    binary = os.path.abspath(a.layerwise)
    suite = quality.load_suite(f"{BENCH}/suite.json")
    baselines = json.load(open(f"{BENCH}/baselines.json"))
    out = os.environ.get("TUNE_COMPARE_DIR", "/tmp/layerwise-tune-compare")
    os.makedirs(out, exist_ok=True)
    if a.speed:
        meta = suite[a.speed]
        (_, tr, te) = quality.splits(a.speed, meta, out)[0]
        rows = sum(1 for _ in open(tr)) - 1
        for r in range(a.repeat):
            _, lw, err = tune(binary, a.speed, meta, tr, te, f"{out}/speed-{a.speed}", 20, a.workers)
            if err:
                sys.exit(err)
            _, op = quality.fit_optuna(meta, tr, te, 0, 20)
            print(f"{a.speed} ({rows} training rows), 20 trials: layerwise tune {lw:.1f} s, "
                  f"Optuna + scikit-learn {op:.1f} s: {op / lw:.1f}x")
        return
    only = set(a.only.split(",")) if a.only else None
    results, wins, of = {}, 0, 0
    print(f"| dataset | tune {a.trials} | optuna_tpe_{a.optuna or 50} | zero-trial (baselines: "
          "see quality-results.md) | tune seconds |")
    print("|---|---:|---:|---|---:|")
    for name, meta in suite.items():
        if only and name not in only:
            continue
        scores, seconds = [], 0.0
        optuna_scores = []
        for seed, tr, te in quality.splits(name, meta, out):
            s, t, err = tune(binary, name, meta, tr, te, f"{out}/{name}-{seed}", a.trials, a.workers,
                             a.extra.replace("\\n", "\n") + ("\n" if a.extra else ""))
            if err:
                print(f"{name} seed {seed}: {err}", file=sys.stderr)
                continue
            scores.append(s)
            seconds += t
            if a.optuna:
                optuna_scores.append(quality.fit_optuna(meta, tr, te, seed, a.optuna)[0])
        if not scores:
            continue
        mean = sum(scores) / len(scores)
        reference = (sum(optuna_scores) / len(optuna_scores) if optuna_scores
                     else baselines.get(name, {}).get("optuna_tpe_50", {}).get("mean"))
        results[name] = {"mean": mean, "scores": scores, "seconds": seconds, "optuna": reference}
        if reference is not None:
            of += 1
            wins += mean >= reference
        ref = f"{reference:.3f}" if reference is not None else "—"
        print(f"| {name} | {mean:.3f} | {ref} | | {seconds:.1f} |", flush=True)
    print(f"\ntune {a.trials} >= Optuna TPE on {wins}/{of}")
    json.dump(results, open(f"{out}/tune-{a.trials}.json", "w"), indent=1)


if __name__ == "__main__":
    main()
