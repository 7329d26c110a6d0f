"""Starts the sandbox binary and talks to its loopback-only admin API."""

import json
import subprocess
import threading
import urllib.request


class Sandbox:
    def __init__(self, binary, token, processing_ms, log_path):
        self.token = token
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--token", token, "--processing-ms", str(processing_ms)],
            stdout=subprocess.PIPE,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
        )
        first = self.proc.stdout.readline().decode().strip()
        if not first.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError(f"the sandbox did not start: {first!r}")
        self.base_url = first.removeprefix("listening on ")
        # Keep draining stdout so the sandbox can never block on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for raw in self.proc.stdout:
            self._log.write(raw)

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=600) as response:
            text = response.read()
            return json.loads(text) if text else None

    def set_processing_ms(self, ms):
        self._call("POST", "/__sandbox/config", {"processing_ms": ms})

    def add_sov(self, sov_id, buildings):
        self._call("POST", "/__sandbox/sovs", {"id": sov_id, "buildings": buildings})

    def reset(self):
        self._call("POST", "/__sandbox/reset", {})

    def state(self):
        return self._call("GET", "/__sandbox/state")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()
