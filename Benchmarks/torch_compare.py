#!/usr/bin/env python3
"""Times issue 4's three training cases in PyTorch (CPU, float32, eager), for a side-by-side
ratio with `swift package benchmark --filter "Training.*"`.

    python3 Benchmarks/torch_compare.py [--cases small,medium,large] [--large-rows 200000]
                                        [--threads 2]

small:  30-64-32-2 ReLU on breast cancer (Specs/data/breast_cancer.csv, z-scored), Adam,
        batch 32: milliseconds per step.
medium: 50-256-256-5 ReLU on 100,000 x 50 synthetic rows, Adam, batch 256: seconds per epoch.
large:  784-1024-1024-10 ReLU on 200,000 x 784 synthetic rows, Adam, batch 512: seconds per
        epoch (--large-rows to use fewer rows; the time is scaled to 200,000).
Every case shuffles each epoch and uses softmax cross-entropy, like the Swift benchmarks.
Needs torch and numpy (pip install torch numpy); exits with a message when torch is missing.
"""
import argparse
import csv
import pathlib
import sys
import time

try:
    import numpy as np
    import torch
except ImportError as error:  # a comparison script: say what is missing and stop
    sys.exit(f"torch_compare.py needs torch and numpy ({error}); pip install torch numpy")

ROOT = pathlib.Path(__file__).resolve().parent.parent


def breast_cancer():
    with open(ROOT / "Specs/data/breast_cancer.csv") as handle:
        rows = list(csv.reader(handle))[1:]
    x = np.array([[float(v) for v in row[:-1]] for row in rows], dtype=np.float32)
    y = np.array([1 if row[-1] == "malignant" else 0 for row in rows], dtype=np.int64)
    x = (x - x.mean(0)) / np.maximum(x.std(0), 1e-6)
    return torch.from_numpy(x), torch.from_numpy(y)


def synthetic(rows, width, classes, seed):
    generator = np.random.default_rng(seed)
    teacher = generator.standard_normal((width, classes), dtype=np.float32)
    x = generator.standard_normal((rows, width), dtype=np.float32)
    y = (x @ teacher).argmax(1)
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))


def mlp(widths):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def run_steps(model, optimizer, x, y, batch, steps):
    """Runs `steps` optimizer steps over shuffled epochs; returns seconds."""
    loss_fn = torch.nn.CrossEntropyLoss()
    done = 0
    start = time.perf_counter()
    while done < steps:
        order = torch.randperm(x.shape[0])
        for first in range(0, x.shape[0], batch):
            if done == steps:
                break
            index = order[first:first + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
            done += 1
    return time.perf_counter() - start


def case(name, widths, x, y, batch, steps, repeats):
    torch.manual_seed(1)
    model = mlp(widths)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    run_steps(model, optimizer, x, y, batch, min(steps, 20))  # warm-up
    times = [run_steps(model, optimizer, x, y, batch, steps) for _ in range(repeats)]
    return sorted(times)[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", default="small,medium,large")
    parser.add_argument("--large-rows", type=int, default=200_000)
    parser.add_argument("--threads", type=int, default=2)
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    cases = arguments.cases.split(",")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    if "small" in cases:
        x, y = breast_cancer()
        seconds = case("small", [30, 64, 32, 2], x, y, 32, 2000, 5)
        print(f"small  30-64-32-2 batch 32:        {seconds / 2000 * 1e3:.4f} ms/step")
    if "medium" in cases:
        x, y = synthetic(100_000, 50, 5, 3)
        steps = (100_000 + 255) // 256
        seconds = case("medium", [50, 256, 256, 5], x, y, 256, steps, 3)
        print(f"medium 50-256-256-5 batch 256:     {seconds:.3f} s/epoch")
    if "large" in cases:
        rows = arguments.large_rows
        x, y = synthetic(rows, 784, 10, 4)
        steps = (rows + 511) // 512
        seconds = case("large", [784, 1024, 1024, 10], x, y, 512, steps, 1)
        scaled = seconds * 200_000 / rows
        print(f"large  784-1024-1024-10 batch 512: {scaled:.2f} s/epoch (measured on {rows} rows)")


if __name__ == "__main__":
    main()
