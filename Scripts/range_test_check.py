#!/usr/bin/env python3
"""Checks the learning-rate range test on real data.

For each bundled example spec: runs `layerwise lr-find SPEC`, then trains the same spec with a few
fixed learning rates, and prints one table row per spec: the suggestion (valley), steep,
minimum/10, the confidence, and the validation loss (and accuracy or R², when reported) of each
fixed rate. A reader sees whether the suggestion lands near the best fixed rate.

Usage: Scripts/range_test_check.py [--binary PATH] [--rates 1e-4,3e-4,...] [SPEC ...]
Needs PyYAML (the spec copies are edited as YAML, never by appending text).
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SPECS = ["iris", "penguins", "breast_cancer", "diabetes"]
DEFAULT_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2]


def run(args):
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def spec_copy(spec_path, folder, rate):
    """A copy of the spec with an absolute data path and training.learning_rate = rate."""
    with open(spec_path) as handle:
        spec = yaml.safe_load(handle)
    data = spec.setdefault("data", {})
    if "path" in data and not os.path.isabs(data["path"]):
        data["path"] = os.path.join(os.path.dirname(os.path.abspath(spec_path)), data["path"])
    training = spec.get("training") or {}
    training["learning_rate"] = rate
    spec["training"] = training
    path = os.path.join(folder, f"{spec.get('name', 'spec')}-lr-{rate:g}.yaml")
    with open(path, "w") as handle:
        yaml.safe_dump(spec, handle, sort_keys=False)
    return path


def validation(metrics_path):
    with open(metrics_path) as handle:
        scores = json.load(handle)["scores"]["validation"]
    score = None
    for name in ("accuracy", "r2", "r_squared"):
        if name in scores:
            score = (name, scores[name])
            break
    return scores.get("loss"), score


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="*", default=DEFAULT_SPECS)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/layerwise"))
    parser.add_argument("--rates", default=",".join(f"{r:g}" for r in DEFAULT_RATES))
    parser.add_argument("--threads", default="1")
    options = parser.parse_args()
    rates = [float(r) for r in options.rates.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="range-test-check-") as folder:
        for name in options.specs:
            spec_path = name if name.endswith(".yaml") else os.path.join(ROOT, "Specs", name + ".yaml")
            out = os.path.join(folder, os.path.basename(spec_path) + "-lr-find")
            run([options.binary, "lr-find", spec_path, "--out", out, "--threads", options.threads,
                 "--no-color"])
            with open(os.path.join(out, "lr-range-test.json")) as handle:
                test = json.load(handle)
            fixed = []
            for rate in rates:
                copy = spec_copy(spec_path, folder, rate)
                run_folder = os.path.join(folder, os.path.basename(copy) + "-run")
                run([options.binary, "train", copy, "--out", run_folder, "--quiet",
                     "--threads", options.threads, "--no-color"])
                fixed.append((rate,) + validation(os.path.join(run_folder, "metrics.json")))
            rows.append((os.path.basename(spec_path), test, fixed))

    def number(value):
        return "-" if value is None else f"{value:.3g}"

    header = ["spec", "valley (suggestion)", "steep", "min/10", "confidence"]
    header += [f"val loss @ {r:g}" for r in rates] + ["best fixed", "suggestion / best"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for spec, test, fixed in rows:
        finite = [(loss, rate) for rate, loss, _ in fixed if loss is not None and math.isfinite(loss)]
        best = min(finite)[1] if finite else None
        cells = [spec, number(test.get("suggestion")), number(test.get("steep")),
                 number(test.get("minimumOverTen")), test.get("confidence", "-")]
        for rate, loss, score in fixed:
            text = number(loss)
            if score is not None:
                text += f" ({score[0][:3]} {score[1]:.3f})"
            cells.append(("**" + text + "**") if rate == best else text)
        cells.append(number(best))
        suggestion = test.get("suggestion")
        cells.append(number(suggestion / best) if suggestion and best else "-")
        print("| " + " | ".join(cells) + " |")
    print()
    for spec, test, _ in rows:
        print(f"{spec}: {test.get('confidence')}: {test.get('reason')}")


if __name__ == "__main__":
    main()
