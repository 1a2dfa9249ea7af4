#!/usr/bin/env python3
"""`layerwise train` against PyTorch on one network per activation, side by side in one run.

The network: cps1988 (../shared/bench/datasets/cps1988.csv, wage; 19,709 training rows after
Layerwise's default split, 9 inputs), 2 hidden layers (128, 64) of the activation, no dropout,
Adam 1e-3, batch 32, 50 epochs, one thread. Layerwise's time is the whole `train` command (CSV,
encoding, validation after each epoch, files); PyTorch's is its training loop alone (eager,
float32, the same shapes and step count, random data). For each activation the two run
alternately `--repeat` times; the medians and their ratio are printed.

    python3 Benchmarks/activation_compare.py --layerwise .build/release/layerwise \\
        [--activations relu,swish,gelu,tanh,elu,selu] [--repeat 3]

Needs torch (pip install torch); without it only Layerwise's times are printed.
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = (ROOT / "../shared/bench/datasets/cps1988.csv").resolve()
TORCH = {"relu": "ReLU", "swish": "SiLU", "gelu": "GELU", "tanh": "Tanh", "elu": "ELU",
         "selu": "SELU", "leaky_relu": "LeakyReLU", "sigmoid": "Sigmoid"}


def layerwise_seconds(binary, activation, folder):
    spec = folder / f"{activation}.yaml"
    spec.write_text(
        f"name: cps-{activation}\n"
        f"data: {{path: {DATA}, target: wage}}\n"
        f"model: {{hidden_layers: 2, neurons: [128, 64], dropout: 0, activation: {activation}}}\n"
        "training: {epochs: 50, early_stopping: false, batch_size: 32, learning_rate: 0.001}\n")
    run = folder / "run"
    shutil.rmtree(run, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([binary, "train", str(spec), "--out", str(run), "--quiet", "--threads", "1"],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def torch_seconds(torch, activation, rows=19709, inputs=9):
    torch.manual_seed(0)
    x, y = torch.randn(rows, inputs), torch.randn(rows, 1)
    make = getattr(torch.nn, TORCH[activation])
    model = torch.nn.Sequential(torch.nn.Linear(inputs, 128), make(), torch.nn.Linear(128, 64),
                                make(), torch.nn.Linear(64, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss = torch.nn.MSELoss()
    start = time.perf_counter()
    for _ in range(50):
        order = torch.randperm(rows)
        for first in range(0, rows, 32):
            batch = order[first:first + 32]
            optimizer.zero_grad()
            loss(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layerwise", required=True)
    parser.add_argument("--activations", default="relu,swish,gelu,tanh,elu,selu")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"needs {DATA} (the quality suite's datasets)")
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
        print("torch not installed: Layerwise's times only (pip install torch)")
    binary = os.path.abspath(options.layerwise)
    with tempfile.TemporaryDirectory(prefix="layerwise-activations-") as folder:
        for activation in options.activations.split(","):
            ours, theirs = [], []
            for _ in range(options.repeat):
                ours.append(layerwise_seconds(binary, activation, pathlib.Path(folder)))
                if torch:
                    theirs.append(torch_seconds(torch, activation))
            line = f"{activation:10} layerwise {statistics.median(ours):6.2f} s"
            if theirs:
                line += (f"   PyTorch {statistics.median(theirs):6.2f} s   "
                         f"{statistics.median(theirs) / statistics.median(ours):5.1f}x")
            print(line, flush=True)


if __name__ == "__main__":
    main()
