"""Comparison 1: from the command's start to every output on disk, sandbox processing set to
1 s, 5 s and 30 s; our CLI vs the vendor's script vs `sovfixerapi update`."""

import glob
import os
import shutil
import threading
import time

from measure import run_measured

SOV = "s-demo-sample"
# The 30 s runs of the three tools overlap, started this far apart, so that their starts (where
# CPU is used) never coincide; the rest of a run is waiting on the sandbox's timer.
STAGGER_S = 2.0


def tools(ctx):
    base, token = ctx.sandbox.base_url, ctx.sandbox.token
    listed = {
        "ours": [ctx.cli, "-u", base, "--auth-token", token, "run", SOV, "corrections.csv",
                 "-o", "JSON", "-E", "insured_name=Acme Corp", "--out", "."],
        "official": [ctx.sovfixerapi, "-u", base, "--auth-token", token, "update", SOV,
                     "corrections.csv", "-o", "JSON", "-E", "insured_name=Acme Corp", "--noinput"],
    }
    if ctx.vendor_script:
        listed["vendor"] = [ctx.venv_python, ctx.vendor_script]
    return listed


def one_run(ctx, name, cmd, label):
    workdir = os.path.join(ctx.work, "latency", label)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    shutil.copy(ctx.corrections, os.path.join(workdir, "corrections.csv"))
    env = dict(os.environ, SOVFIXER_AUTH_TOKEN=ctx.sandbox.token)
    run = run_measured(cmd, cwd=workdir, env=env, log_path=os.path.join(ctx.logs, f"latency-{label}.log"))
    outputs = glob.glob(os.path.join(workdir, "*.json"))
    ok = run.returncode == 0 and outputs and all(os.path.getsize(p) > 0 for p in outputs)
    shutil.rmtree(workdir, ignore_errors=True)
    if not ok:
        raise RuntimeError(f"{name} failed in run {label} (exit {run.returncode}); see logs/latency-{label}.log")
    return run.wall_s


def measure_latency(ctx, processing_s, runs, overlap):
    """{tool: [wall seconds]} for one processing time."""
    ctx.sandbox.set_processing_ms(int(processing_s * 1000))
    commands = tools(ctx)
    walls = {name: [] for name in commands}
    for attempt in range(runs):
        if not overlap:
            # Alternate the order so that no tool always runs right after the same other one.
            names = list(commands)
            names = names[attempt % len(names):] + names[:attempt % len(names)]
            for name in names:
                walls[name].append(one_run(ctx, name, commands[name], f"{processing_s}s-{name}-{attempt}"))
            continue
        errors, threads = [], []
        for offset, name in enumerate(commands):
            def task(name=name, offset=offset):
                time.sleep(offset * STAGGER_S)
                try:
                    walls[name].append(one_run(ctx, name, commands[name], f"{processing_s}s-{name}-{attempt}"))
                except RuntimeError as error:
                    errors.append(str(error))
            threads.append(threading.Thread(target=task))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise RuntimeError("; ".join(errors))
        ctx.progress(f"latency {processing_s}s round {attempt + 1}/{runs} done")
    return walls


def run_all(ctx, plan):
    """plan: [(processing_s, runs, overlap)] → {"1": {tool: [walls]}, ...}"""
    results = {}
    for processing_s, runs, overlap in plan:
        ctx.progress(f"latency: processing {processing_s} s, {runs} runs each")
        results[str(processing_s)] = {
            "runs": runs,
            "overlapping": overlap,
            "walls": measure_latency(ctx, processing_s, runs, overlap),
        }
    return results
