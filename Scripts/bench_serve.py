#!/usr/bin/env python3
"""Requests per second and latency of `layerwise serve` under wrk on loopback (issue 18).

Trains the spec (default Specs/penguins.yaml: text categories, missing values, an ensemble)
into a scratch folder, starts `layerwise serve RUN --port 0` and drives `POST /predict` with
wrk (--threads, default 2) for --duration seconds per case: bodies of 1 and 100 rows taken from the
spec's CSV (every input column, nulls where the file has none), at each --connections count.
Prints a Markdown table: requests per second, p50, p99 and max latency in milliseconds, and
non-2xx answers (must be 0). The load is bounded in time and targets 127.0.0.1 only.

  python3 Scripts/bench_serve.py --layerwise .build/release/layerwise \\
      [--spec Specs/penguins.yaml] [--duration 10] [--connections 1,8,32]

Needs wrk (Debian: apt-get install wrk), curl and PyYAML.
"""
import argparse, csv, json, os, re, shutil, subprocess, sys, tempfile, time

import yaml

LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local file = io.open(os.getenv("LAYERWISE_BODY"), "rb")
wrk.body = file:read("*a")
file:close()
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %f %f %f %f %d %d\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def rows_from_csv(path, model, count):
    """`count` rows of the CSV as the request's JSON objects, typed by GET /model's columns."""
    columns = {c["name"]: c["type"] for c in model["columns"]}
    rows = []
    with open(path, newline="") as f:
        for record in csv.DictReader(f):
            row = {}
            for name, kind in columns.items():
                text = (record.get(name) or "").strip()
                if text in ("", "NA"):
                    row[name] = None
                elif kind == "number":
                    row[name] = float(text)
                else:
                    row[name] = text
            rows.append(row)
            if len(rows) == count:
                break
    while len(rows) < count:
        rows += rows[: count - len(rows)]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layerwise", default=".build/release/layerwise")
    parser.add_argument("--spec", default="Specs/penguins.yaml")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--rows", default="1,100")
    parser.add_argument("--threads", type=int, default=2,
                        help="wrk's threads (default 2; they share the machine's cores)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    layerwise = os.path.abspath(args.layerwise)
    scratch = tempfile.mkdtemp(prefix="layerwise-bench-serve-")
    run = os.path.join(scratch, "run")
    subprocess.run([layerwise, "train", args.spec, "--out", run, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [layerwise, "serve", run, "--port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        port = None
        deadline = time.time() + 60
        while port is None and time.time() < deadline:
            line = server.stderr.readline()
            match = re.search(r"http://[^ ]*:(\d+)", line)
            if match:
                port = int(match.group(1))
        if port is None:
            sys.exit("the server did not start")
        url = f"http://127.0.0.1:{port}"
        model = json.loads(subprocess.run(
            ["curl", "-sf", url + "/model"], capture_output=True, check=True).stdout)
        spec = yaml.safe_load(open(args.spec))
        data_path = os.path.join(os.path.dirname(os.path.abspath(args.spec)), spec["data"]["path"])
        script = os.path.join(scratch, "post.lua")
        with open(script, "w") as f:
            f.write(LUA)
        print(f"model: {args.spec}, {len(model['columns'])} columns, "
              f"{model['network']['parameters']} parameters x {model['network']['members']} "
              f"member(s); wrk {args.threads} thread(s), {args.duration} s per case")
        print()
        print("| rows per request | connections | requests/s | p50 ms | p99 ms | max ms | non-200 |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for count in [int(c) for c in args.rows.split(",")]:
            body = os.path.join(scratch, f"body-{count}.json")
            with open(body, "w") as f:
                json.dump({"rows": rows_from_csv(data_path, model, count)}, f)
            for connections in [int(c) for c in args.connections.split(",")]:
                env = dict(os.environ, LAYERWISE_BODY=body)
                out = subprocess.run(
                    ["wrk", "-t", str(min(args.threads, connections)), "-c", str(connections),
                     "-d", f"{args.duration}s", "--latency", "-s", script, url + "/predict"],
                    capture_output=True, text=True, env=env, check=True).stdout
                result = [line for line in out.splitlines() if line.startswith("RESULT")]
                requests, seconds, p50, p99, worst, status, socket = result[0].split()[1:]
                print(f"| {count} | {connections} | {int(requests) / float(seconds):,.0f} | "
                      f"{float(p50):.3f} | {float(p99):.3f} | {float(worst):.2f} | "
                      f"{int(status) + int(socket)} |")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
