#!/usr/bin/env python3
"""Input-encoding experiments on the quality suite: a stand-in for the `layerwise` binary that
re-encodes the numeric inputs of the CSVs before `train` and `evaluate`, so
`../shared/bench/quality.py` measures an encoding before it is built into the data layer.

Every numeric input column with more than two values (the target left alone) is encoded with
statistics of the training CSV only, and the test CSV with the same statistics:
  quantile   scikit-learn's QuantileTransformer(output_distribution="normal")
  ple        piecewise-linear encoding (Gorishniy et al. 2022, "On embeddings for numerical
             features in tabular deep learning"): edges b_0 < ... < b_T at the training
             quantiles k/T (repeated edges merged), the column replaced by
             e_t = clip((x - b_t) / (b_{t+1} - b_t), 0, 1), t = 0 ... T-1 (missing stays missing)
  ple+x      the same bins beside the original column
  equal      0/1 indicators of pairs of columns equal on 1-99% of the training rows and over
             twice as often as chance, kept when a ridge model cross-validates better with them
             (the prototype of ENC-NUMERIC-EQUAL, 2026-12-08)

    LW_ENCODING=ple+x LW_BIN=.build/release/layerwise [LW_PLE_BINS=8] [LW_SEED=7] \\
        python3 ../shared/bench/quality.py --layerwise Scripts/input_encoding_experiment.py \\
        --name ple8x

LW_SKEWED=S encodes only the columns whose training skewness exceeds S in magnitude. LW_SEED
appends `training: {seed: N}` to each spec (the training-seed band). Other commands
pass through to LW_BIN unchanged. Needs numpy, pandas and scikit-learn.
"""
import os
import pickle
import re
import subprocess
import sys

import numpy as np
import pandas as pd

BINARY = os.environ.get("LW_BIN", ".build/release/layerwise")
MODE = os.environ.get("LW_ENCODING", "ple+x")
BINS = int(os.environ.get("LW_PLE_BINS", "8"))


SKEWED = float(os.environ.get("LW_SKEWED", "0"))


def columns(frame, target):
    """The numeric inputs with more than two values (and |skewness| above LW_SKEWED, if set)."""
    return [c for c in frame.columns
            if c != target and pd.api.types.is_numeric_dtype(frame[c]) and frame[c].nunique() > 2
            and (not SKEWED or abs(frame[c].skew()) > SKEWED)]


def equal_pairs(frame, target):
    """Pairs of numeric inputs (3+ values each) exactly equal on 1-99% of the training rows and
    at least twice as often as independent columns would be; kept when a ridge model (penalty
    0.01 x rows, 5 folds) cross-validates better with their 0/1 indicators beside the inputs."""
    import itertools
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold
    names = [c for c in frame.columns if c != target
             and pd.api.types.is_numeric_dtype(frame[c]) and frame[c].nunique() > 2]
    pairs = []
    for a, b in itertools.combinations(names, 2):
        share = float(np.mean(frame[a].to_numpy() == frame[b].to_numpy()))
        if not 0.01 <= share <= 0.99:
            continue
        pa = frame[a].value_counts(normalize=True)
        pb = frame[b].value_counts(normalize=True)
        chance = float((pa * pb.reindex(pa.index).fillna(0)).sum())
        if share > 2 * chance:
            pairs.append((a, b))
    if not pairs:
        return []
    numeric = [c for c in frame.columns if c != target and pd.api.types.is_numeric_dtype(frame[c])]
    base = frame[numeric].astype(float)
    base = base.fillna(base.median())
    extra = np.column_stack([(frame[a] == frame[b]).to_numpy(dtype=float) for a, b in pairs])
    y = frame[target]
    clf = not pd.api.types.is_float_dtype(y) or y.nunique() <= 10
    def score(x):
        x = (x - x.mean(0)) / np.where(x.std(0) > 0, x.std(0), 1)
        scores = []
        for tr, te in KFold(5, shuffle=True, random_state=0).split(x):
            if clf:
                classes = np.unique(y.astype(str))
                yy = y.astype(str).to_numpy()
                m = Ridge(alpha=0.01 * len(tr)).fit(x[tr], (yy[tr, None] == classes[None]).astype(float))
                scores.append(np.mean(classes[m.predict(x[te]).argmax(1)] == yy[te]))
            else:
                yy = y.to_numpy(dtype=float)
                m = Ridge(alpha=0.01 * len(tr)).fit(x[tr], yy[tr])
                r = yy[te] - m.predict(x[te])
                scores.append(1 - r.var() / yy[te].var())
        return np.mean(scores)
    plain = score(base.to_numpy())
    withpairs = score(np.column_stack([base.to_numpy(), extra]))
    print(f"equal pairs: {len(pairs)}, ridge {plain:.4f} -> {withpairs:.4f}", file=sys.stderr)
    return pairs if withpairs > plain else []


def fit(frame, target):
    """The encoding's statistics, from the training rows."""
    if MODE == "equal":
        return {"pairs": equal_pairs(frame, target)}
    fitted = {}
    for name in columns(frame, target):
        values = frame[name].dropna().to_numpy(dtype=float)
        if MODE == "quantile":
            from sklearn.preprocessing import QuantileTransformer
            transformer = QuantileTransformer(
                output_distribution="normal", n_quantiles=min(1000, len(values)),
                subsample=10**9, random_state=0)
            fitted[name] = transformer.fit(values.reshape(-1, 1))
        else:
            edges = np.unique(np.quantile(values, np.linspace(0, 1, BINS + 1)))
            if len(edges) >= 3:
                fitted[name] = edges
    return fitted


def encode(frame, fitted):
    if MODE == "equal":
        for a, b in fitted["pairs"]:
            frame[f"{a}__eq__{b}"] = (frame[a] == frame[b]).astype(float)
        return frame
    for name, statistic in fitted.items():
        x = frame[name].to_numpy(dtype=float)
        missing = np.isnan(x)
        if MODE == "quantile":
            out = statistic.transform(np.where(missing, 0, x).reshape(-1, 1)).ravel()
            frame[name] = np.where(missing, np.nan, out)
            continue
        for t in range(len(statistic) - 1):
            share = np.clip((x - statistic[t]) / (statistic[t + 1] - statistic[t]), 0, 1)
            frame[f"{name}__bin{t}"] = np.where(missing, np.nan, share)
        if MODE == "ple":
            frame.drop(columns=[name], inplace=True)
    return frame


def main():
    args = sys.argv[1:]
    if args and args[0] == "train":
        spec, out = args[1], args[args.index("--out") + 1]
        text = open(spec).read()
        path = re.search(r"path: (\S+)", text).group(1)
        target = re.search(r"target: (\S+)", text).group(1)
        frame = pd.read_csv(path)
        fitted = fit(frame, target)
        encoded = f"{spec}.{MODE}.csv"
        encode(frame, fitted).to_csv(encoded, index=False)
        seed = os.environ.get("LW_SEED")
        with open(f"{spec}.{MODE}.yaml", "w") as handle:
            handle.write(text.replace(path, encoded)
                         + (f"training: {{seed: {seed}}}\n" if seed else ""))
        args[1] = f"{spec}.{MODE}.yaml"
        result = subprocess.run([BINARY] + args)
        if result.returncode == 0:
            with open(os.path.join(out, "input-encoding.pkl"), "wb") as handle:
                pickle.dump(fitted, handle)
        sys.exit(result.returncode)
    if args and args[0] == "evaluate" and len(args) >= 3:
        run, test = args[1], args[2]
        with open(os.path.join(run, "input-encoding.pkl"), "rb") as handle:
            fitted = pickle.load(handle)
        encoded = os.path.join(run, "test-encoded.csv")
        encode(pd.read_csv(test), fitted).to_csv(encoded, index=False)
        args[2] = encoded
    sys.exit(subprocess.run([BINARY] + args).returncode)


if __name__ == "__main__":
    main()
