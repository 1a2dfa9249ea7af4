#!/usr/bin/env python3
"""Runs a Layerwise ONNX network in onnxruntime and compares it with the engine's outputs.

  check_onnx_network.py MODEL.onnx INPUTS.f32 EXPECTED.f32 ROWS [TOLERANCE]

INPUTS and EXPECTED are little-endian float32, row-major ([ROWS, in] and [ROWS, out]). Prints
the largest absolute difference; exits 1 above TOLERANCE (default 1e-5), 2 when onnxruntime
or numpy is missing, 3 when the model fails the ONNX checker.
"""
import sys

try:
    import numpy as np
    import onnx
    import onnxruntime as ort
except ImportError as error:
    print(f"needs numpy, onnx and onnxruntime: {error}")
    sys.exit(2)

model_path, inputs_path, expected_path, rows = sys.argv[1:5]
tolerance = float(sys.argv[5]) if len(sys.argv) > 5 else 1e-5
rows = int(rows)
try:
    onnx.checker.check_model(onnx.load(model_path), full_check=True)
except Exception as error:  # the checker's own exception types vary by version
    print(f"onnx checker: {error}")
    sys.exit(3)
session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
inputs = np.fromfile(inputs_path, dtype="<f4").reshape(rows, -1)
expected = np.fromfile(expected_path, dtype="<f4").reshape(rows, -1)
(got,) = session.run(None, {session.get_inputs()[0].name: inputs})
if got.shape != expected.shape:
    print(f"shape {got.shape}, expected {expected.shape}")
    sys.exit(1)
difference = float(np.max(np.abs(got - expected))) if got.size else 0.0
print(f"max abs difference {difference:.3g}")
sys.exit(0 if difference <= tolerance else 1)
