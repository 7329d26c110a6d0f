"""Runs a command and measures it: wall time, its peak RSS (GNU time's %M) and, optionally,
when each stdout line arrived (for phase timings from `sov-update --json`)."""

import os
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Run:
    wall_s: float
    rss_mb: float
    returncode: int
    cpu_s: float = 0.0  # user + system
    lines: list = field(default_factory=list)  # [(seconds since start, text)]


def run_measured(cmd, cwd=None, env=None, log_path=None, timed_lines=False, timeout_s=900):
    """Starts `cmd`, waits for it and returns a `Run`. stderr (and stdout unless timed_lines)
    goes to log_path so a failing run can be looked at afterwards."""
    log = open(log_path or os.devnull, "ab")
    # Peak RSS through GNU time: the kernel's high-water mark survives exec, so a child forked
    # from this Python process would report Python's size; time's own footprint is ~2 MB.
    rss_file = tempfile.NamedTemporaryFile(prefix="bench-rss-", delete=False)
    rss_file.close()
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file.name, *cmd],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if timed_lines else log,
        stderr=log,
    )
    lines = []
    reader = None
    if timed_lines:
        def read():
            for raw in proc.stdout:
                lines.append((time.perf_counter() - started, raw.decode("utf-8", "replace").rstrip("\n")))
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
    killer = threading.Timer(timeout_s, proc.kill)
    killer.start()
    try:
        _, status, _ = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if reader:
        reader.join(timeout=10)
    log.close()
    with open(rss_file.name) as written:
        # The last line is "%M %U %S" (KB, s, s); a line before it says so when the command failed.
        fields = ((written.read().strip().splitlines() or ["0 0 0"])[-1].split() + ["0", "0"])[:3]
    os.unlink(rss_file.name)
    rss_kb, user, system = int(fields[0]), float(fields[1]), float(fields[2])
    return Run(wall_s=wall, rss_mb=rss_kb / 1024.0, returncode=proc.returncode, lines=lines,
               cpu_s=user + system)


def spread(values):
    """(median, min, max) of a list of numbers."""
    values = sorted(values)
    return statistics.median(values), values[0], values[-1]


def fmt_spread(values, digits=2):
    if not values:
        return "n/a"
    median, low, high = spread(values)
    return f"{median:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def median(values):
    return statistics.median(values) if values else float("nan")
