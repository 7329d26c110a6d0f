"""Comparison 5: 50 update jobs at once through the engine (one process, one shared client), as a
pipeline's night run would push many SOVs; all must finish with their outputs on disk."""

import json
import os
import shutil

from measure import run_measured

SOV = "s-demo-large"


def write_corrections(path, rows):
    with open(path, "w") as out:
        out.write("sheet_name,sheet_row_number,bldg_name\n")
        for row in range(2, 2 + rows):
            out.write(f"Locations,{row},Night run building {row}\n")


def measure_load(ctx, jobs, runs, processing_s):
    corrections = os.path.join(ctx.work, "load-corrections.csv")
    write_corrections(corrections, 1000)
    ctx.sandbox.set_processing_ms(int(processing_s * 1000))
    reports = []
    for attempt in range(runs):
        out = os.path.join(ctx.work, "load-out")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        cmd = [ctx.engine_load, "--api-url", ctx.sandbox.base_url, "--token", ctx.sandbox.token,
               "--sov", SOV, "--file", corrections, "--jobs", str(jobs), "--out", out]
        run = run_measured(cmd, log_path=os.path.join(ctx.logs, f"load-{attempt}.log"), timed_lines=True)
        lines = [text for _, text in run.lines if text.startswith("{")]
        if not lines:
            raise RuntimeError(f"engine-load run {attempt} printed no report (exit {run.returncode})")
        report = json.loads(lines[-1])
        report["process_wall_s"] = run.wall_s
        report["process_rss_mb"] = run.rss_mb
        reports.append(report)
        shutil.rmtree(out, ignore_errors=True)
        # Jobs and their stored outputs accumulate in the sandbox; forget them between runs.
        ctx.sandbox.reset()
        ctx.sandbox.set_processing_ms(int(processing_s * 1000))
        ctx.progress(f"load run {attempt + 1}/{runs}: {report['succeeded']}/{jobs} finished in {report['total_s']} s")
    return {"jobs": jobs, "processing_s": processing_s, "runs": reports}
