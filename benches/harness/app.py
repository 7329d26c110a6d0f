"""The desktop app under Xvfb: launch to first painted window, idle memory of the whole process
tree (WebKit's web and network processes included), binary size."""

import os
import shutil
import subprocess
import tempfile
import time

from measure import spread

WINDOW_TITLE = "SOV Updater"
# A window that is still blank is one flat colour (white web view or the GTK background); rendered
# text and controls bring anti-aliased edges, so dozens of distinct colours mean "painted".
PAINTED_MIN_COLOURS = 32
NO_COMPOSITING = {"WEBKIT_DISABLE_COMPOSITING_MODE": "1"}


def start_xvfb(log):
    for number in range(91, 120):
        if os.path.exists(f"/tmp/.X11-unix/X{number}") or os.path.exists(f"/tmp/.X{number}-lock"):
            continue
        proc = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL,
        )
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{number}"):
                return proc, f":{number}"
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.kill()
    raise RuntimeError("could not start Xvfb on any display from :91 to :119")


def visible_window(display, pid):
    env = dict(os.environ, DISPLAY=display)
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", WINDOW_TITLE],
        env=env, capture_output=True, text=True,
    )
    ids = found.stdout.split()
    return ids[-1] if ids else None


def colour_count(display, window_id):
    env = dict(os.environ, DISPLAY=display)
    shot = subprocess.run(
        ["import", "-silent", "-window", window_id, "-format", "%k", "info:"],
        env=env, capture_output=True, text=True,
    )
    try:
        return int(shot.stdout.strip() or 0)
    except ValueError:
        return 0


def descendants(root_pid):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError):
            continue
    tree, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def tree_memory(root_pid):
    """(rss_mb, pss_mb, [(name, rss_mb)]) summed over the process and all its descendants."""
    rss_kb = pss_kb = 0
    parts = []
    for pid in descendants(root_pid):
        try:
            with open(f"/proc/{pid}/comm") as comm:
                name = comm.read().strip()
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                values = {}
                for line in rollup:
                    key, _, rest = line.partition(":")
                    if key in ("Rss", "Pss"):
                        values[key] = int(rest.split()[0])
        except OSError:
            continue
        rss_kb += values.get("Rss", 0)
        pss_kb += values.get("Pss", 0)
        parts.append((name, values.get("Rss", 0) / 1024.0))
    return rss_kb / 1024.0, pss_kb / 1024.0, parts


def launch_once(binary, display, idle_s, log, extra_env=None):
    home = tempfile.mkdtemp(prefix="sov-bench-home-")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DISPLAY": display,
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "XDG_DATA_HOME": os.path.join(home, ".local/share"),
        "XDG_CACHE_HOME": os.path.join(home, ".cache"),
        "XDG_RUNTIME_DIR": home,
        "LANG": "C.UTF-8",
        **(extra_env or {}),
    }
    started = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    window_at = painted_at = None
    try:
        deadline = started + 60
        while time.perf_counter() < deadline and proc.poll() is None:
            window_id = visible_window(display, proc.pid)
            if window_id:
                window_at = window_at or time.perf_counter() - started
                if colour_count(display, window_id) >= PAINTED_MIN_COLOURS:
                    painted_at = time.perf_counter() - started
                    break
            time.sleep(0.1)
        if painted_at is None:
            return {"error": f"no painted window within 60 s (exit code {proc.poll()})"}
        if not idle_s:
            return {"window_s": window_at, "painted_s": painted_at}
        time.sleep(idle_s)
        rss, pss, parts = tree_memory(proc.pid)
        return {"window_s": window_at, "painted_s": painted_at, "idle_rss_mb": rss,
                "idle_pss_mb": pss, "processes": parts}
    finally:
        for pid in reversed(descendants(proc.pid)):
            try:
                os.kill(pid, 15)
            except OSError:
                pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(home, ignore_errors=True)


def measure_app(binary, runs, idle_s, log_path):
    with open(log_path, "ab") as log:
        xvfb, display = start_xvfb(log)
        try:
            results = [launch_once(binary, display, idle_s, log) for _ in range(runs)]
            # Xvfb has no GPU: WebKit's accelerated compositing runs on software GL there. The same
            # launches with compositing off show how much of the wait that is.
            plain = [launch_once(binary, display, None, log, NO_COMPOSITING) for _ in range(runs)]
        finally:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    good = [r for r in results if "error" not in r]
    errors = [r["error"] for r in results if "error" in r]
    return {
        "runs": len(results),
        "painted_s": [r["painted_s"] for r in good],
        "window_s": [r["window_s"] for r in good],
        "idle_rss_mb": [r["idle_rss_mb"] for r in good],
        "idle_pss_mb": [r["idle_pss_mb"] for r in good],
        "processes": good[-1]["processes"] if good else [],
        "painted_no_compositing_s": [r["painted_s"] for r in plain if "error" not in r],
        "errors": errors + [r["error"] for r in plain if "error" in r],
        "binary_mb": os.path.getsize(binary) / 1e6,
    }


__all__ = ["measure_app", "spread"]
