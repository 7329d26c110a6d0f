# Sourced by the Windows shell tests (ctrl-c.sh, portable-zip.sh), which set `wine_run` first: a work folder removed
# at exit with the sandbox they started, one "ok" / "not ok" line per check, and the sandbox served by a Windows CLI.
work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
check() { # check DESCRIPTION COMMAND...: one line per check, the failing command's output after a failure
  local what="$1"; shift
  if "$@" >"$work/check.out" 2>&1; then
    passed=$((passed + 1)); echo "ok - $what"
  else
    failed=$((failed + 1)); echo "not ok - $what"; sed 's/^/  /' "$work/check.out"
  fi
}

# Polls FILE for a line matching PATTERN while PID lives, every 0.1 s, at most TENTHS times.
wait_for_line() { # wait_for_line FILE PATTERN PID TENTHS
  for _ in $(seq 1 "$4"); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Serves the sandbox from the Windows CLI under wine on a free port; sets `sandbox_pid`, and `base` to the address
# its first stdout line names ("" when it did not start within TENTHS tenths of a second).
start_sandbox() { # start_sandbox CLI PROCESSING_MS TENTHS
  "$wine_run" "$1" sandbox --port 0 --processing-ms "$2" >"$work/sandbox.out" 2>"$work/sandbox.err" &
  sandbox_pid=$!
  base=""
  if wait_for_line "$work/sandbox.out" '^listening on ' "$sandbox_pid" "$3"; then
    base="$(sed -n '1s/^listening on //p' "$work/sandbox.out" | tr -d '\r')"
  fi
}
