#!/usr/bin/env python3
"""Checks that a Layerwise model file is usable from Python alone.

Loads RUN/model.safetensors with the `safetensors` package and numpy, rebuilds the data
encoding and the network from the file's metadata, runs the forward pass on a CSV file (the
mean over an ensemble's members, `members.<k>.` tensors, ENSEMBLE-SMALL-DATA), and compares
the result with `layerwise predict RUN data.csv` (a CSV of predictions).

    pip install safetensors numpy
    swift run layerwise predict RUN data.csv -o predictions.csv
    python3 Scripts/check_model_interop.py RUN data.csv predictions.csv

Exits 0 when every prediction agrees (labels equal, numbers within 1e-4 relative), 1 otherwise.
"""
import csv
import json
import math
import sys

import numpy as np
from safetensors import safe_open


def level_index(text, levels):
    """The level a field names; numbers compare by value ("2.0" is level "2")."""
    if text in levels:
        return levels.index(text)
    try:
        value = float(text)
    except ValueError:
        return -2
    for index, level in enumerate(levels):
        try:
            if float(level) == value:
                return index
        except ValueError:
            pass
    return -2


def encode(rows, header, encoding):
    """The inputs as the model saw them in training (DataEncoding in Sources/Dataset)."""
    missing = set(encoding["format"]["missingMarkers"])
    columns = []
    for feature in encoding["features"]:
        values = [row[header.index(feature["name"])] for row in rows]
        kind, p = next(iter(feature["method"].items()))
        if kind == "number":
            main, flag = [], []
            for text in values:
                absent = text.strip() in missing
                x = p["median"] if absent else float(text)
                main.append((x - p["mean"]) / p["standardDeviation"])
                flag.append(1.0 if absent else 0.0)
            columns.append(main)
            # ENC-NUMERIC-PLE: one column per bin of the filled value, in float32 as the data
            # layer computes it: clip((x - low) * (1 / (high - low)), 0, 1).
            edges = [np.float32(e) for e in p.get("edges") or []]
            for low, high in zip(edges, edges[1:]):
                scale = np.float32(1) / (high - low)
                filled = [np.float32(p["median"] if t.strip() in missing else float(t))
                          for t in values]
                columns.append([float(min(max((x - low) * scale, 0), 1)) for x in filled])
            if p["missingIndicator"]:
                columns.append(flag)
        elif kind == "binary":
            levels = p["levels"]
            columns.append([1.0 if level_index(t, levels) == 1 else 0.0 for t in values])
            if p["missingIndicator"]:
                columns.append([1.0 if t.strip() in missing else 0.0 for t in values])
        elif kind == "oneHot":
            levels = p["levels"]
            width = len(levels) + (1 if p["missingLevel"] else 0)
            block = np.zeros((len(values), width))
            for r, text in enumerate(values):
                if text.strip() in missing:
                    if p["missingLevel"]:
                        block[r, len(levels)] = 1
                    continue
                index = level_index(text, levels)
                if index >= 0:
                    block[r, index] = 1
            columns.extend(block.T.tolist())
        else:
            raise SystemExit(f"unknown encoding {kind}")
    return np.array(columns, dtype=np.float64).T


def erf(x):
    return np.vectorize(math.erf)(x)


def forward(x, description, tensors):
    """The network in numpy, inference mode (dropout off, batch norm on running statistics)."""
    for index, layer in enumerate(description["layers"]):
        kind, p = next(iter(layer.items()))
        name = f"layers.{index}."
        if kind == "dense":
            x = x @ tensors[name + "weight"].T
            if name + "bias" in tensors:
                x = x + tensors[name + "bias"]
        elif kind == "batchNorm":
            eps = p.get("epsilon", 1e-5)
            x = (x - tensors[name + "running_mean"]) / np.sqrt(tensors[name + "running_var"] + eps)
            x = x * tensors[name + "weight"] + tensors[name + "bias"]
        elif kind == "dropout":
            pass
        elif kind == "activation":
            # Format 3 names the function as a spec does; 1 and 2 wrote Swift's case names.
            if "function" in p:
                function, q = p["function"], p
                function = {"leaky_relu": "leakyReLU", "linear": "identity"}.get(function, function)
            else:
                (function, q), = p["_0"].items()
            if function == "relu":
                x = np.maximum(x, 0)
            elif function == "leakyReLU":
                x = np.where(x > 0, x, q["slope"] * x)
            elif function == "prelu":
                x = np.where(x > 0, x, tensors[name + "weight"] * x)
            elif function == "elu":
                x = np.where(x > 0, x, q["alpha"] * np.expm1(x))
            elif function == "selu":
                scale, alpha = 1.0507009873554805, 1.6732632423543772
                x = np.where(x > 0, scale * x, scale * alpha * np.expm1(x))
            elif function == "tanh":
                x = np.tanh(x)
            elif function == "sigmoid":
                x = 1 / (1 + np.exp(-x))
            elif function == "swish":
                x = x / (1 + np.exp(-x))
            elif function == "gelu":
                x = 0.5 * x * (1 + erf(x / math.sqrt(2)))
            elif function == "maxout":
                x = x.reshape(x.shape[0], -1, q["pieces"]).max(axis=2)
            elif function == "softmax":
                e = np.exp(x - x.max(axis=1, keepdims=True))
                x = e / e.sum(axis=1, keepdims=True)
            elif function == "identity":
                pass
            else:
                raise SystemExit(f"unknown activation {function}")
        else:
            raise SystemExit(f"unknown layer {kind}")
    return x


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    run, data, predictions = sys.argv[1:]
    with safe_open(f"{run}/model.safetensors", "np") as model:
        metadata = model.metadata()
        tensors = {key: model.get_tensor(key).astype(np.float64) for key in model.keys()}
    description = json.loads(metadata["model"])
    encoding = json.loads(metadata["encoding"])
    with open(data, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader)]
        rows = [row for row in reader if row]
    inputs = encode(rows, header, encoding)
    members = int(metadata.get("members", "1"))
    prefixes = [""] + [f"members.{k}." for k in range(1, members)]
    outputs = sum(
        forward(inputs, description, {
            key[len(prefix):]: value for key, value in tensors.items()
            if key.startswith(prefix) and (prefix or not key.startswith("members."))
        }) for prefix in prefixes) / members
    with open(predictions, newline="") as handle:
        reader = csv.reader(handle)
        predicted_header = next(reader)
        expected = list(reader)
    target_kind, target = next(iter(encoding["target"].items()))
    failures = 0
    for r, row in enumerate(expected):
        if target_kind == "classes":
            labels = target["labels"]
            probabilities = outputs[r]
            if len(labels) == 2 and probabilities.shape[0] == 1:
                probabilities = np.array([1 - probabilities[0], probabilities[0]])
            label = labels[int(np.argmax(probabilities))]
            theirs = [float(v) for v in row[-len(labels):]]
            ok = row[-len(labels) - 1] == label and np.allclose(probabilities, theirs, atol=1e-4)
        elif target_kind == "logRegression":
            # ENC-TARGET-LOG: exp of the standardised log, times the smearing factor.
            value = math.exp(outputs[r, 0] * target["standardDeviation"] + target["mean"])
            value *= target["smearing"]
            ok = math.isclose(value, float(row[-1]), rel_tol=1e-4, abs_tol=1e-4)
        else:
            value = outputs[r, 0] * target["standardDeviation"] + target["mean"]
            ok = math.isclose(value, float(row[-1]), rel_tol=1e-4, abs_tol=1e-4)
        if not ok:
            failures += 1
            if failures <= 5:
                print(f"row {r + 1}: python {outputs[r]} vs layerwise {row}")
    print(f"{len(expected) - failures} of {len(expected)} predictions agree "
          f"({', '.join(predicted_header)})")
    sys.exit(1 if failures or len(expected) != len(rows) else 0)


if __name__ == "__main__":
    main()
