#!/usr/bin/env python3
"""Reading the current data of a large SOV: ours (sov-data) against Python's json.load of the same file.

    python3 benches/read-current/run.py [--buildings 500000] [--rounds 3] [--cli PATH] [--json FILE]

`scripts/bench --read-current` runs it as section 6 of docs/BENCHMARKS.md (with the release `sov-update`).

Starts the sandbox (`sov-update sandbox`), adds a generated SOV of N buildings, fetches its JSON output
once through get_or_create_output (that fetch is timed too, for information), then runs, alternating,
in the same invocation on the same file:
  - `read_current index FILE`: what SOV Updater does to answer "what does the SOV hold for building X":
    index by item_key and by (sheet_name, sheet_row_number), then read the first and last building by both;
  - `read_current stream FILE`: every building once, in file order (what `show --buildings` does);
  - `python3 -c json.load(FILE)`: the baseline, the whole file parsed into memory, nothing more.
Wall time and peak RSS of each process come from GNU time (`/usr/bin/time -f '%e %M'`).
Needs: the debug `sov-update` binary (cargo build -p sov-update-cli) and the release example
(cargo build --release -p sov-data --example read_current). Honours CARGO_TARGET_DIR.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
CLI = os.path.join(TARGET, "debug", "sov-update")
READER = os.path.join(TARGET, "release", "examples", "read_current")
TOKEN = "bench-token"


def request(method, url, body=None, token=True):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Token {TOKEN}")
    with urllib.request.urlopen(req, timeout=600) as answer:
        return answer.read()


def fetch(base, sov_id, count, dest):
    request("POST", f"{base}/__sandbox/sovs", {"id": sov_id, "buildings": count}, token=False)
    began = time.monotonic()
    answer = json.loads(request("POST", f"{base}/api/v1/sov/{sov_id}/get_or_create_output",
                                {"output_format": "JSON", "revision": -1}))
    while answer["request"]["status"] not in ("COMPLETE", "FAILED"):
        time.sleep(0.25)
        answer = json.loads(request("GET", f"{base}/api/v1/sov/get_or_create_output/{answer['request']['id']}"))
    if answer["request"]["status"] != "COMPLETE":
        sys.exit(f"the sandbox could not make the output: {answer}")
    url = answer["result"]["url"]
    req = urllib.request.Request(url, headers={"Authorization": f"Token {TOKEN}"})
    with urllib.request.urlopen(req, timeout=600) as body, open(dest, "wb") as out:
        while chunk := body.read(1 << 20):
            out.write(chunk)
    return time.monotonic() - began


def measure(command):
    """(wall seconds, peak RSS MB) of one run, from GNU time."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%e %M", *command],
                       check=True, stdout=subprocess.DEVNULL)
        wall, rss_kb = report.read().split()[-2:]
    return float(wall), int(rss_kb) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--buildings", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cli", default=CLI, help="the sov-update binary whose `sandbox` serves the file")
    parser.add_argument("--json", help="also write the figures to this file (for scripts/bench's report)")
    args = parser.parse_args()
    for tool in (args.cli, READER):
        if not os.path.exists(tool):
            sys.exit(f"missing {tool}: build it first (see this script's help)")
    work = tempfile.mkdtemp(prefix="read-current-")
    data = os.path.join(work, "s-bench.json")
    sandbox = subprocess.Popen([args.cli, "sandbox", "--port", "0", "--token", TOKEN],
                               stdout=subprocess.PIPE, text=True)
    try:
        base = sandbox.stdout.readline().split()[-1]
        fetch_seconds = fetch(base, "s-bench", args.buildings, data)
    finally:
        sandbox.terminate()
        sandbox.wait()
    size_mb = os.path.getsize(data) / 1e6
    tools = {
        "ours: index (item_key + sheet/row) and 4 lookups": [READER, "index", data],
        "ours: stream every building": [READER, "stream", data],
        "Python json.load": [sys.executable, "-c",
                             "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['buildings']))", data],
    }
    results = {name: [] for name in tools}
    for _ in range(args.rounds):
        for name, command in tools.items():
            results[name].append(measure(command))
    baseline = results["Python json.load"]
    base_wall = statistics.median(w for w, _ in baseline)
    base_rss = max(r for _, r in baseline)
    load = os.getloadavg()[0]
    rows = []
    for name, runs in results.items():
        walls = [w for w, _ in runs]
        wall = statistics.median(walls)
        rss = max(r for _, r in runs)
        rows.append({"reader": name, "wall_median": wall, "wall_min": min(walls), "wall_max": max(walls),
                     "rss_max_mb": rss, "time_ratio": wall / base_wall, "memory_ratio": rss / base_rss})
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"buildings": args.buildings, "size_mb": size_mb, "fetch_s": fetch_seconds,
                       "rounds": args.rounds, "loadavg": load, "rows": rows}, out, indent=1)
    print(f"{args.buildings} buildings, {size_mb:.0f} MB of JSON; fetching it from the sandbox took "
          f"{fetch_seconds:.1f} s; {args.rounds} rounds, alternating; load average {load:.2f}")
    print()
    print("| reader | wall s median (min–max) | peak RSS MB (max) | time vs json.load | memory vs json.load |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['reader']} | {row['wall_median']:.2f} ({row['wall_min']:.2f}–{row['wall_max']:.2f}) | "
              f"{row['rss_max_mb']:.0f} | {row['time_ratio']:.2f}× | {row['memory_ratio']:.3f}× |")
    os.remove(data)
    os.rmdir(work)


if __name__ == "__main__":
    main()
