"""Runs the workbook benchmark: ours against openpyxl (writing) and pandas (preview), alternating, in one
invocation, and prints the Markdown table for docs/BENCHMARKS.md. Called by scripts/bench-workbook.

Usage: run.py --bin WORKBOOK_BENCH --python VENV_PYTHON --work DIR [--rounds N] [--buildings N]
"""

import argparse
import json
import os
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def measure(command):
    """Runs `command` under GNU time: (its JSON line, wall s, CPU s, peak RSS MB)."""
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    rss_kb, user, system = result.stderr.strip().splitlines()[-1].split()
    return json.loads(result.stdout.strip().splitlines()[-1]), wall, float(user) + float(system), int(rss_kb) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--buildings", type=int, default=50_000)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    generated, *_ = measure([args.bin, "generate", args.work, str(args.buildings), "40"])
    baseline = os.path.join(HERE, "baseline.py")
    edited = os.path.join(args.work, "edited.xlsx")
    tools = {
        ("write", "ours"): [args.bin, "write", args.work, os.path.join(args.work, "ours.xlsx")],
        ("write", "openpyxl"): [args.python, baseline, "write", args.work, os.path.join(args.work, "openpyxl.xlsx")],
        ("preview", "ours"): [args.bin, "preview", args.work, edited],
        ("preview", "pandas"): [args.python, baseline, "preview", args.work, edited],
    }
    runs = {key: [] for key in tools}
    for _ in range(args.rounds):
        for key, command in tools.items():
            runs[key].append(measure(command))
    load = os.getloadavg()
    print(f"{generated['generated']:,} buildings × {generated['attributes']} attributes; the edited workbook has "
          f"{generated['edits']:,} changed cells in 1 row of 100, rows re-sorted. {args.rounds} rounds, tools alternating; "
          f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}.\n")
    print("| step | tool | result | wall s median (min–max) | CPU s median | peak RSS MB (max) | CPU vs ours | wall vs ours |")
    print("|---|---|---|---|---|---|---|---|")
    for step, tools_of_step in (("write", ("ours", "openpyxl")), ("preview", ("ours", "pandas"))):
        ours_wall = statistics.median(run[1] for run in runs[(step, "ours")])
        ours_cpu = statistics.median(run[2] for run in runs[(step, "ours")])
        for tool in tools_of_step:
            measured = runs[(step, tool)]
            walls = [run[1] for run in measured]
            wall, cpu = statistics.median(walls), statistics.median(run[2] for run in measured)
            rss = max(run[3] for run in measured)
            outcome = measured[-1][0]
            result = (f"{outcome['rows']:,} rows" if step == "write" else f"{outcome['changes']:,} changes")
            label = "ours (`workbook-bench`)" if tool == "ours" else f"`{tool}` (`baseline.py`)"
            print(f"| {step} | {label} | {result} | {wall:.2f} ({min(walls):.2f}–{max(walls):.2f}) | {cpu:.2f} | "
                  f"{rss:.0f} | {cpu / ours_cpu:.1f}× | {wall / ours_wall:.1f}× |")


if __name__ == "__main__":
    main()
