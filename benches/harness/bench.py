"""`scripts/bench` runs this after building: every comparison of issue 8 in one go, then
docs/BENCHMARKS.md. Usage: bench.py --repo DIR --bin DIR --venv DIR [--vendor-guide FILE] [--quick]"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time

import latency
import load
import report
import transfers
from app import measure_app

TOKEN = "sandbox-token"
# 2,260,000 generated rows of ~222 bytes: ~500 MB of corrections.
UPLOAD_ROWS = 2_260_000
PREFLIGHT_ROWS = 1_000_000
BIG_SOV = "s-bench-big"


class Context:
    def __init__(self, args):
        self.repo = os.path.abspath(args.repo)
        bindir = os.path.abspath(args.bin)
        self.cli = os.path.join(bindir, "sov-update")
        self.sandbox_bin = os.path.join(bindir, "sovfixer-sandbox")
        self.preflight_bench = os.path.join(bindir, "preflight-bench")
        self.engine_load = os.path.abspath(args.engine_load)
        self.app_bin = os.path.join(bindir, "sov-updater")
        venv = os.path.abspath(args.venv)
        self.venv_python = os.path.join(venv, "bin", "python")
        self.sovfixerapi = os.path.join(venv, "bin", "sovfixerapi")
        self.work = os.path.abspath(args.work)
        self.logs = os.path.join(self.work, "logs")
        self.corrections = os.path.join(self.repo, "samples", "corrections.csv")
        self.vendor_script = None
        self.sandbox = None
        self.started = time.monotonic()

    def progress(self, message):
        minutes = (time.monotonic() - self.started) / 60
        print(f"[bench {minutes:5.1f} min] {message}", flush=True)


def machine_info(venv_python):
    def first(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "unknown"
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        mem_kb = int(info.readline().split()[1])
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "mem_gb": mem_kb / 1024 / 1024,
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "rustc": first(["rustc", "--version"]),
        "python": platform.python_version(),
        "pingintel": first([venv_python, "-c", "import importlib.metadata as m; print(m.version('pingintel-api'))"]),
        "kernel": platform.release(),
        "note": "",
    }


def extract_vendor_script(guide, target, api_url):
    """The vendor's runnable demo is the last `update_sov.py` block of its guide; it is pointed at
    the sandbox by rewriting its settings lines (the guide's own text is not committed here)."""
    with open(guide, encoding="utf-8") as text:
        lines = text.read().splitlines()
    markers = [i for i, line in enumerate(lines) if line.strip() == "update_sov.py"]
    if not markers:
        return "no `update_sov.py` block found in the guide"
    script = "\n".join(lines[markers[-1] + 1:]) + "\n"
    replacements = {
        r'^BASE_URL = .*$': f'BASE_URL = "{api_url}"',
        r'^SOVID = .*$': 'SOVID = "s-demo-sample"',
        r'^LOCATIONS_CSV = .*$': 'LOCATIONS_CSV = "corrections.csv"',
    }
    for pattern, line in replacements.items():
        script, count = re.subn(pattern, line, script, flags=re.MULTILINE)
        if count != 1:
            return f"the guide's script has no single `{pattern}` line to point at the sandbox"
    with open(target, "w", encoding="utf-8") as out:
        out.write(script)
    return None


def ensure_generated(ctx, path, rows):
    if not os.path.exists(path):
        subprocess.run([ctx.preflight_bench, "generate", path, str(rows)], check=True)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--bin", required=True, help="folder of the release binaries")
    parser.add_argument("--engine-load", required=True)
    parser.add_argument("--venv", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--vendor-guide")
    parser.add_argument("--deb", default="pending")
    parser.add_argument("--skip-app", default="")
    parser.add_argument("--quick", action="store_true", help="fewer runs, small files: checks the harness only")
    parser.add_argument("--read-current", action="store_true",
                        help="also measure reading a 500,000-building SOV's current data (section 6)")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    ctx = Context(args)
    os.makedirs(ctx.logs, exist_ok=True)
    runs = 2 if args.quick else 5
    notes = []
    machine = machine_info(ctx.venv_python)
    ctx.progress(f"machine: {machine['nproc']} cores, load average {machine['loadavg']}")
    results = {"machine": machine, "notes": notes}

    from sandbox import Sandbox
    ctx.sandbox = Sandbox(ctx.sandbox_bin, TOKEN, 1000, os.path.join(ctx.logs, "sandbox.log"))
    try:
        if args.vendor_guide and os.path.exists(args.vendor_guide):
            target = os.path.join(ctx.work, "update_sov.py")
            problem = extract_vendor_script(args.vendor_guide, target, ctx.sandbox.base_url + "/api/v1")
            if problem:
                notes.append(f"The vendor's script was skipped: {problem}.")
            else:
                ctx.vendor_script = target
        else:
            notes.append("The vendor's script was skipped: its guide (`../shared/update-sov-workflow.txt`) is not "
                         "next to this repository.")
        for note in notes:
            ctx.progress(note)

        plan = [(1, runs, False), (5, runs, True), (30, runs, True)]
        if args.quick:
            plan = [(1, runs, False), (5, runs, True)]
        results["latency"] = latency.run_all(ctx, plan)

        big_buildings = 2_000 if args.quick else int(os.environ.get("BENCH_BIG_SOV_BUILDINGS", "450000"))
        ctx.progress(f"download: generating an SOV of {big_buildings} buildings and its JSON output")
        update_id, outputs = transfers.prepare_download(ctx, BIG_SOV, big_buildings)
        results["downloads"] = transfers.measure_downloads(ctx, update_id, outputs, runs)

        upload_rows = 20_000 if args.quick else UPLOAD_ROWS
        upload_csv = ensure_generated(ctx, os.path.join(ctx.work, f"upload-{upload_rows}.csv"), upload_rows)
        ctx.progress(f"upload: {os.path.getsize(upload_csv) / 1e6:.0f} MB")
        results["uploads"] = transfers.measure_uploads(ctx, upload_csv, runs)

        ctx.progress("load: 50 jobs at once through the engine")
        results["load"] = load.measure_load(ctx, jobs=50, runs=runs, processing_s=5)
    finally:
        ctx.sandbox.stop()

    preflight_rows = 50_000 if args.quick else PREFLIGHT_ROWS
    preflight_csv = ensure_generated(ctx, os.path.join(ctx.work, f"preflight-{preflight_rows}.csv"), preflight_rows)
    ctx.progress("pre-flight: preflight-bench compare")
    baseline = os.path.join(ctx.repo, "src-tauri/crates/sov-preflight/benches/python_baseline.py")
    compared = subprocess.run([ctx.preflight_bench, "compare", preflight_csv, baseline, str(runs)],
                              capture_output=True, text=True)
    results["preflight"] = compared.stdout if compared.returncode == 0 else ""
    if compared.returncode != 0:
        notes.append(f"preflight-bench compare failed: {compared.stderr.strip()[-300:]}")

    if args.skip_app:
        notes.append(f"The desktop app was not measured: {args.skip_app}")
    else:
        ctx.progress("app: launch to first paint, idle memory")
        results["app"] = measure_app(ctx.app_bin, runs, idle_s=5, log_path=os.path.join(ctx.logs, "app.log"))
    results["deb"] = args.deb

    if args.read_current:
        results["read_current"] = measure_read_current(ctx, args.quick, notes)

    results["elapsed_min"] = (time.monotonic() - ctx.started) / 60
    results["commands"] = commands(ctx, update_id, upload_rows, preflight_rows)
    with open(os.path.join(ctx.work, "results.json"), "w") as out:
        json.dump(results, out, indent=1)
    if args.quick:
        ctx.progress("quick mode: results in " + os.path.join(ctx.work, "results.json") + "; docs not written")
        args.output = os.path.join(ctx.work, "BENCHMARKS.quick.md")
    old = open(args.output).read() if os.path.exists(args.output) else ""
    if not old and args.quick:
        old = open(os.path.join(ctx.repo, "docs", "BENCHMARKS.md")).read()
    text = report.render(results, old)
    # No paths of this machine in the document: name files as a clone of the repository sees them.
    for local, shown in ((ctx.work + "/", ""), (ctx.repo + "/", "")):
        text = text.replace(local, shown)
    with open(args.output, "w") as out:
        out.write(text)
    ctx.progress(f"wrote {args.output} in {results['elapsed_min']:.1f} minutes")


def measure_read_current(ctx, quick, notes):
    """Section 6: benches/read-current/run.py with the release binaries, its figures read back as JSON."""
    buildings, rounds = (20_000, 1) if quick else (500_000, 3)
    ctx.progress(f"read-current: an SOV of {buildings} buildings, ours against json.load, {rounds} rounds")
    figures = os.path.join(ctx.work, "read-current.json")
    script = os.path.join(ctx.repo, "benches", "read-current", "run.py")
    done = subprocess.run([sys.executable, script, "--buildings", str(buildings), "--rounds", str(rounds),
                           "--cli", ctx.cli, "--json", figures], capture_output=True, text=True)
    if done.returncode != 0:
        notes.append(f"The read-current benchmark failed: {(done.stderr or done.stdout).strip()[-300:]}")
        return None
    with open(figures) as source:
        return json.load(source)


def commands(ctx, update_id, upload_rows, preflight_rows):
    return [
        "cargo build --release -p sov-update-cli -p sovfixer-sandbox -p sov-preflight -p sov-updater",
        "cargo build --release --manifest-path benches/engine-load/Cargo.toml",
        "sovfixer-sandbox --port 0 --token TOKEN --processing-ms 1000",
        "curl -X POST http://127.0.0.1:PORT/__sandbox/config -d '{\"processing_ms\": 5000}'   # 1000, 5000, 30000",
        "# 1. end-to-end, in a folder holding samples/corrections.csv as corrections.csv",
        "sov-update -u http://127.0.0.1:PORT --auth-token TOKEN run s-demo-sample corrections.csv -o JSON -E 'insured_name=Acme Corp' --out .",
        "sovfixerapi -u http://127.0.0.1:PORT --auth-token TOKEN update s-demo-sample corrections.csv -o JSON -E 'insured_name=Acme Corp' --noinput",
        "SOVFIXER_AUTH_TOKEN=TOKEN python update_sov.py   # the guide's script, BASE_URL/SOVID pointed at the sandbox",
        "# 2. transfers",
        f"preflight-bench generate upload.csv {upload_rows}",
        "sov-update -u http://127.0.0.1:PORT --auth-token TOKEN --json run s-demo-large upload.csv --nowait",
        "sovfixerapi -u http://127.0.0.1:PORT --auth-token TOKEN update s-demo-large upload.csv --nowait --no-write",
        f"curl -X POST http://127.0.0.1:PORT/__sandbox/sovs -d '{{\"id\": \"{BIG_SOV}\", \"buildings\": N}}'",
        f"sov-update … run {BIG_SOV} one-row.csv -o JSON -o DEBUGJSON   # once, to produce the big outputs",
        f"sov-update -u http://127.0.0.1:PORT --auth-token TOKEN status {update_id} --download --out DIR",
        "python -c 'SOVFixerAPIClient(api_url=…, auth_token=…).download_file(URL, PATH, actually_write=True)'  # per output",
        "# 3. pre-flight",
        f"preflight-bench generate preflight.csv {preflight_rows}",
        "preflight-bench compare preflight.csv src-tauri/crates/sov-preflight/benches/python_baseline.py 5",
        "# 4. app (under Xvfb; see benches/harness/app.py)",
        "sov-updater",
        "# 5. load",
        "engine-load --api-url http://127.0.0.1:PORT --token TOKEN --sov s-demo-large --file corrections-1000.csv --jobs 50 --out DIR",
        "# 6. with --read-current only",
        "cargo build --release -p sov-data --example read_current",
        "python3 benches/read-current/run.py --buildings 500000 --rounds 3 --cli target/release/sov-update",
    ]


if __name__ == "__main__":
    sys.exit(main())
