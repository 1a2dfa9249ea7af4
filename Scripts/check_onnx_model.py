#!/usr/bin/env python3
"""Runs an exported Layerwise model (`layerwise export RUN -o model.onnx`) in onnxruntime on a
CSV's raw columns and compares it with `layerwise predict RUN data.csv` (issue 18).

  check_onnx_model.py MODEL.onnx DATA.csv PREDICTIONS.csv [TOLERANCE]

Each graph input is filled from the CSV column of its name: float inputs parsed (empty, NA,
NaN, ? and the like are NaN), string inputs as the text is, double inputs (date columns) as
seconds since 1970-01-01T00:00:00Z (a time without a zone is taken as UTC, fractions of a
second dropped; what is not a date is NaN). Probabilities and regression values
must agree within TOLERANCE (default 1e-5, relative to max(1, |value|)), labels exactly. Exits
0 when they agree, 1 when not, 2 when numpy/onnx/onnxruntime are missing, 3 when the model
fails the ONNX checker.
"""
import csv, datetime, math, sys

try:
    import numpy as np
    import onnx
    import onnxruntime as ort
except ImportError as error:
    print(f"needs numpy, onnx and onnxruntime: {error}")
    sys.exit(2)

model_path, data_path, predictions_path = sys.argv[1:4]
tolerance = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-5
try:
    onnx.checker.check_model(onnx.load(model_path), full_check=True)
except Exception as error:
    print(f"onnx checker: {error}")
    sys.exit(3)
session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
with open(data_path, newline="") as f:
    rows = list(csv.DictReader(f))
with open(predictions_path, newline="") as f:
    predicted = list(csv.DictReader(f))

def number(text):
    try:
        return float(text)
    except ValueError:
        return float("nan")

def epoch_seconds(text):
    try:
        instant = datetime.datetime.fromisoformat(text)
    except ValueError:
        return float("nan")
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=datetime.timezone.utc)
    return float(math.floor(instant.timestamp()))

feed = {}
for item in session.get_inputs():
    column = [row[item.name].strip() for row in rows]
    if item.type == "tensor(string)":
        feed[item.name] = np.array(column, dtype=object).reshape(-1, 1)
    elif item.type == "tensor(double)":
        feed[item.name] = np.array([epoch_seconds(v) for v in column]).reshape(-1, 1)
    else:
        feed[item.name] = np.array([number(v) for v in column], dtype=np.float32).reshape(-1, 1)
names = [o.name for o in session.get_outputs()]
results = dict(zip(names, session.run(None, feed)))
worst = 0.0
problems = []
if "probabilities" in results:
    classes = [c[len("probability_"):] for c in predicted[0] if c.startswith("probability_")]
    target = next(c for c in predicted[0] if c.startswith("predicted_"))
    expected = np.array([[float(r["probability_" + c]) for c in classes] for r in predicted])
    got = results["probabilities"]
    worst = float(np.max(np.abs(got - expected) / np.maximum(1, np.abs(expected))))
    labels = [str(v) for v in results["label"].reshape(-1)]
    wrong = [i for i, r in enumerate(predicted) if r[target] != labels[i]]
    # A label may differ only where two probabilities tie within the tolerance.
    for i in wrong:
        top = np.sort(expected[i])[-2:]
        if top[1] - top[0] > tolerance:
            problems.append(f"row {i}: label {labels[i]!r}, predict says {predicted[i][target]!r}")
else:
    target = next(c for c in predicted[0] if c.startswith("predicted_"))
    expected = np.array([float(r[target]) for r in predicted]).reshape(-1, 1)
    got = results["prediction"]
    worst = float(np.max(np.abs(got - expected) / np.maximum(1, np.abs(expected))))
print(f"{len(rows)} rows, largest relative difference {worst:.3g}")
if worst > tolerance:
    problems.append(f"difference {worst:.3g} above {tolerance}")
for problem in problems[:10]:
    print(problem)
sys.exit(1 if problems else 0)
