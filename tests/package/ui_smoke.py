#!/usr/bin/env python3
"""Drives the packaged release binary through WebKitWebDriver (the WebDriver server that ships with WebKitGTK) and
checks that the UI really works under the release Content-Security-Policy and capabilities: the page's scripts and
styles load, commands reach the Rust side, the About box shows the package's version, and the CSP is strict (an
injected inline script does not run).

Usage: ui_smoke.py BINARY OUTPUT_DIR EXPECTED_VERSION EXPECTED_COMMIT
Needs a display (run under xvfb-run) and WebKitWebDriver on PATH. Prints one "ok - …" / "not ok - …" line per
check. Only the standard library is used, so it runs with any python3.
"""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

# Generous: a loaded 2-core CI machine can take a long time to start WebKit.
SESSION_TIMEOUT_S = 120
LOGGED_PROBLEM = re.compile(
    r"content.security.policy|refused to (load|execute|apply|connect)|not allowed|panicked", re.IGNORECASE
)
RENDER_TIMEOUT_S = 60


class WebDriverError(Exception):
    pass


class WebDriver:
    """The handful of W3C WebDriver endpoints the checks need."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None, timeout=SESSION_TIMEOUT_S):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.load(response).get("value")
        except urllib.error.HTTPError as error:
            raise WebDriverError(error.read().decode(errors="replace")) from error

    def wait_until_listening(self, deadline):
        while time.monotonic() < deadline:
            try:
                self.call("GET", "/status", timeout=5)
                return
            except (OSError, WebDriverError):
                time.sleep(0.25)
        raise WebDriverError("WebKitWebDriver did not start listening")

    def start(self, binary):
        options = {"binary": binary, "args": []}
        value = self.call("POST", "/session", {"capabilities": {"alwaysMatch": {"webkitgtk:browserOptions": options}}})
        self.session = value["sessionId"]

    def run(self, script, *args):
        return self.call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": list(args)})

    def run_async(self, script, *args):
        return self.call("POST", f"/session/{self.session}/execute/async", {"script": script, "args": list(args)})

    def click(self, css):
        found = self.call(
            "POST", f"/session/{self.session}/element", {"using": "css selector", "value": css}
        )
        element = next(iter(found.values()))
        self.call("POST", f"/session/{self.session}/element/{element}/click", {})

    def screenshot(self, path):
        with open(path, "wb") as png:
            png.write(base64.b64decode(self.call("GET", f"/session/{self.session}/screenshot")))

    def stop(self):
        if self.session:
            try:
                self.call("DELETE", f"/session/{self.session}", timeout=30)
            except (OSError, WebDriverError):
                pass


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(driver, script, timeout_s):
    """Polls a JS expression until it is truthy; returns its last value."""
    deadline = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < deadline:
        value = driver.run(script)
        if value:
            return value
        time.sleep(0.25)
    return value


class Report:
    def __init__(self):
        self.failed = 0

    def check(self, description, passed, detail=""):
        print(("ok - " if passed else "not ok - ") + description, flush=True)
        if not passed:
            self.failed += 1
            if detail:
                print(f"    {detail}", flush=True)


def isolated_environment(home):
    """Nothing of the caller's: a fresh HOME puts the app in demo mode; no SOVFIXER_AUTH_TOKEN* variables."""
    for sub in ("config", "data", "cache"):
        os.makedirs(os.path.join(home, sub), exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DISPLAY": os.environ.get("DISPLAY", ""),
        "XAUTHORITY": os.environ.get("XAUTHORITY", ""),
        "LANG": "C.UTF-8",
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        # Tauri only lets a WebDriver attach to its webview when this is set (tauri-driver sets it the same way).
        "TAURI_WEBVIEW_AUTOMATION": "true",
    }


RECORD_CSP_VIOLATIONS = """
window.__packageCheckViolations = [];
document.addEventListener("securitypolicyviolation", (event) =>
  window.__packageCheckViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline")));
return true;
"""

STYLESHEETS_LOADED = """
const links = [...document.querySelectorAll('link[rel="stylesheet"]')];
return links.length > 0 && links.every((link) => link.sheet && link.sheet.cssRules.length > 0);
"""

INLINE_SCRIPT_BLOCKED = """
window.__inlineScriptRan = false;
const script = document.createElement("script");
script.textContent = "window.__inlineScriptRan = true;";
document.head.appendChild(script);
script.remove();
return window.__inlineScriptRan === false;
"""

ABOUT_VERSION = """
const version = document.querySelector('[data-testid="about-version"]');
const commit = document.querySelector('[data-testid="about-commit"]');
const dialog = document.getElementById("about-dialog");
return version && commit && dialog && dialog.open ? [version.textContent, commit.textContent] : null;
"""


def run_checks(driver, report, output_dir, expected_version, expected_commit):
    rendered = wait_for(
        driver, "return document.querySelector('#connect-body')?.children.length > 0;", RENDER_TIMEOUT_S
    )
    report.check(
        "the page's scripts ran under the release CSP (step 1 was built by ui/js)",
        bool(rendered),
        f"#connect-body stayed empty for {RENDER_TIMEOUT_S} s: main.js did not load or failed",
    )
    driver.run(RECORD_CSP_VIOLATIONS)
    report.check("every stylesheet loaded under the release CSP", bool(driver.run(STYLESHEETS_LOADED)))

    banner = wait_for(driver, "return !document.getElementById('demo-banner').hidden;", RENDER_TIMEOUT_S)
    report.check(
        "a command reached the app through IPC (settings loaded: the fresh profile shows the demo banner)",
        bool(banner),
        "the demo banner stayed hidden: get_settings was refused (CSP connect-src or capabilities) or failed",
    )

    driver.click('[data-testid="about-open"]')
    about = wait_for(driver, ABOUT_VERSION, RENDER_TIMEOUT_S)
    version, commit = about if about else (None, None)
    report.check(
        f"the About box shows version {expected_version} and build {expected_commit}",
        version == expected_version and commit == expected_commit,
        f"About box shows version {version!r}, commit {commit!r}",
    )
    driver.screenshot(os.path.join(output_dir, "about-box.png"))
    driver.click("#about-close")

    violations = driver.run("return window.__packageCheckViolations;")
    report.check(
        "the UI caused no CSP violations while in use",
        violations == [],
        f"violations: {violations}",
    )

    report.check(
        "the CSP is strict in the release build (an injected inline script does not run)",
        bool(driver.run(INLINE_SCRIPT_BLOCKED)),
        "an inline <script> ran: the release build has no script-src restriction",
    )


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    binary, output_dir, expected_version, expected_commit = os.path.abspath(sys.argv[1]), *sys.argv[2:]
    native_driver = shutil.which("WebKitWebDriver")
    report = Report()
    if native_driver is None:
        report.check(
            "WebKitWebDriver is installed (Debian package webkit2gtk-driver)",
            False,
            "install it with scripts/install-deps --test",
        )
        return 1

    os.makedirs(output_dir, exist_ok=True)
    port = free_port()
    log_path = os.path.join(output_dir, "webdriver-log.txt")
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as home, open(log_path, "wb") as log:
        server = subprocess.Popen(
            [native_driver, f"--port={port}", "--host=127.0.0.1"],
            env=isolated_environment(home),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        driver = WebDriver(port)
        try:
            driver.wait_until_listening(time.monotonic() + 30)
            driver.start(binary)
            report.check("WebDriver attached to the release binary's webview", True)
            run_checks(driver, report, output_dir, expected_version, expected_commit)
        except (OSError, WebDriverError, KeyError, StopIteration) as error:
            report.check("the WebDriver session ran to the end", False, str(error)[:500])
        finally:
            driver.stop()
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    # The app's stderr went to the same log: Tauri reports refused commands and panics there.
    with open(log_path, encoding="utf-8", errors="replace") as log:
        problems = [line.strip() for line in log if LOGGED_PROBLEM.search(line)]
    report.check(
        "the app logged no CSP violation, 'not allowed' or panic while driven", not problems, "; ".join(problems[:5])
    )
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
