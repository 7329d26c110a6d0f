"""Comparison 2: a ~500 MB corrections upload and a ~500 MB output download; throughput and peak
RSS, our CLI vs the official client (pingintel-api)."""

import glob
import json
import os
import shutil
import subprocess

from measure import run_measured

UPLOAD_SOV = "s-demo-large"
# The uploads are started (both tools only return after `start`), but must not be processed while
# other measurements run: the sandbox is told to take an hour, then reset.
PARKED_PROCESSING_MS = 3_600_000

# Two formats of one big SOV: the sandbox caps an SOV at 500,000 buildings (~560 bytes of JSON
# each), so one output tops out near 280 MB; JSON + DEBUGJSON make the ~500 MB download.
FORMATS = ("JSON", "DEBUGJSON")

OFFICIAL_DOWNLOAD = """
import os, sys
from pingintel_api import SOVFixerAPIClient
base, token, folder, *urls = sys.argv[1:]
client = SOVFixerAPIClient(api_url=base, auth_token=token)
for index, url in enumerate(urls):
    client.download_file(url, os.path.join(folder, f"output-{index}.json"), actually_write=True, output_description="JSON")
"""


def phase_times(lines):
    """Seconds since start at which `sov-update --json` reported each phase first."""
    seen = {}
    for at, text in lines:
        try:
            event = json.loads(text)
        except ValueError:
            continue
        if event.get("event") == "phase":
            seen.setdefault(event["phase"], at)
    return seen


def measure_uploads(ctx, csv_path, runs):
    base, token = ctx.sandbox.base_url, ctx.sandbox.token
    size = os.path.getsize(csv_path)
    ctx.sandbox.set_processing_ms(PARKED_PROCESSING_MS)
    ours = [ctx.cli, "-u", base, "--auth-token", token, "--json", "run", UPLOAD_SOV, csv_path, "--nowait"]
    official = [ctx.sovfixerapi, "-u", base, "--auth-token", token, "update", UPLOAD_SOV, csv_path,
                "--nowait", "--no-write"]  # its --nowait refuses the default --write
    with open(csv_path, "rb") as counted:
        rows = sum(1 for _ in counted) - 1
    result = {"bytes": size, "rows": rows, "ours": [], "official": []}
    for attempt in range(runs):
        run = run_measured(ours, cwd=ctx.work, log_path=os.path.join(ctx.logs, f"upload-ours-{attempt}.log"),
                           timed_lines=True)
        phases = phase_times(run.lines)
        if run.returncode != 0 or "starting" not in phases or "uploading" not in phases:
            raise RuntimeError(f"our upload run {attempt} failed (exit {run.returncode}): {run.lines[-1:]}")
        result["ours"].append({"wall_s": run.wall_s, "rss_mb": run.rss_mb, "cpu_s": run.cpu_s,
                               # The CLI's own pre-flight pass ends when the engine starts validating;
                               # the engine's validation (check + batch plan) ends at "initiating".
                               "cli_check_s": phases.get("validating", 0.0),
                               "engine_check_s": phases.get("initiating", 0.0) - phases.get("validating", 0.0),
                               "upload_s": phases["starting"] - phases["uploading"]})
        run = run_measured(official, cwd=ctx.work, log_path=os.path.join(ctx.logs, f"upload-official-{attempt}.log"))
        if run.returncode != 0:
            raise RuntimeError(f"official upload run {attempt} failed (exit {run.returncode})")
        result["official"].append({"wall_s": run.wall_s, "rss_mb": run.rss_mb, "cpu_s": run.cpu_s})
        ctx.progress(f"upload run {attempt + 1}/{runs} done")
    # Forget the parked jobs and their stored files (GBs of disk).
    ctx.sandbox.reset()
    return result


def prepare_download(ctx, sov_id, buildings):
    """Creates a big SOV and one finished update of it; returns (update_id, [(url, size)])."""
    ctx.sandbox.add_sov(sov_id, buildings)
    ctx.sandbox.set_processing_ms(1000)
    small = os.path.join(ctx.work, "one-row.csv")
    with open(small, "w") as out:
        out.write("sheet_name,sheet_row_number,bldg_name\nLocations,2,Benchmark building\n")
    first = os.path.join(ctx.work, "download-first")
    shutil.rmtree(first, ignore_errors=True)
    os.makedirs(first)
    cmd = [ctx.cli, "-u", ctx.sandbox.base_url, "--auth-token", ctx.sandbox.token, "--json", "run", sov_id,
           small, *[arg for f in FORMATS for arg in ("-o", f)], "-E", "insured_name=Bench Big", "--out", first]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    if done.returncode != 0 or not summary.get("outputs"):
        raise RuntimeError(f"could not produce the big output: {summary.get('error')}")
    outputs = [(output["url"], output["size"]) for output in summary["outputs"]]
    shutil.rmtree(first, ignore_errors=True)
    return summary["update_id"], outputs


def measure_downloads(ctx, update_id, outputs, runs):
    base, token = ctx.sandbox.base_url, ctx.sandbox.token
    sizes = sorted(size for _, size in outputs)
    result = {"bytes": sum(sizes), "files": len(sizes), "ours": [], "official": []}
    for attempt in range(runs):
        target = os.path.join(ctx.work, "download-run")
        for name in ("ours", "official"):
            shutil.rmtree(target, ignore_errors=True)
            os.makedirs(target)
            if name == "ours":
                cmd = [ctx.cli, "-u", base, "--auth-token", token, "status", update_id, "--download", "--out", target]
            else:
                cmd = [ctx.venv_python, "-c", OFFICIAL_DOWNLOAD, base, token, target,
                       *[url for url, _ in outputs]]
            run = run_measured(cmd, cwd=ctx.work, log_path=os.path.join(ctx.logs, f"download-{name}-{attempt}.log"))
            saved = sorted(os.path.getsize(path) for path in glob.glob(os.path.join(target, "*.json")))
            if run.returncode != 0 or saved != sizes:
                raise RuntimeError(f"{name} download run {attempt} failed (exit {run.returncode}, files {saved})")
            result[name].append({"wall_s": run.wall_s, "rss_mb": run.rss_mb, "cpu_s": run.cpu_s})
        ctx.progress(f"download run {attempt + 1}/{runs} done")
    shutil.rmtree(os.path.join(ctx.work, "download-run"), ignore_errors=True)
    return result
