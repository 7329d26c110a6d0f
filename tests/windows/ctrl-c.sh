#!/usr/bin/env bash
# Ctrl-C in the Windows CLI, under wine: the console control event (CTRL_C_EVENT), which is what a Windows terminal
# sends, pressed while SOV Fixer processes the update. The CLI must stop as on Linux: exit 130, the summary
# "cancelled" with the command that picks the update up again, no output file left behind.
# The event reaches every process of a console, so tests/windows/console-ctrl-c.c gives the CLI a console of its own.
#   tests/windows/ctrl-c.sh [SOV-UPDATE.EXE]   (default: the debug cross-build, target/x86_64-pc-windows-gnu/debug)
# Prints one ok / not ok line per check and ends with "ctrl-c checks: N passed, N failed".
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
cli="${1:-$target_dir/x86_64-pc-windows-gnu/debug/sov-update.exe}"
cli="$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")"
wine_run="$repo/scripts/windows/wine-run"

work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
check() { # check DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@" >"$work/check.out" 2>&1; then
    passed=$((passed + 1)); echo "ok - $what"
  else
    failed=$((failed + 1)); echo "not ok - $what"; sed 's/^/  /' "$work/check.out"
  fi
}
finish() {
  echo "ctrl-c checks: $passed passed, $failed failed"
  # In cargo's words too, so scripts/test counts these checks into its total.
  echo "test result: $([ "$failed" -eq 0 ] && echo ok || echo FAILED). $passed passed; $failed failed;"
  [ "$failed" -eq 0 ]
  exit
}
# Polls FILE for a line matching PATTERN while PID lives (at most 3 minutes: a new wine prefix starts slowly).
wait_for_line() { # wait_for_line FILE PATTERN PID
  for _ in $(seq 1 1800); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

x86_64-w64-mingw32-gcc -O2 -o "$work/console-ctrl-c.exe" "$repo/tests/windows/console-ctrl-c.c"

# Processing takes a minute, so Ctrl-C comes while the server works on the update.
"$wine_run" "$cli" sandbox --port 0 --processing-ms 60000 >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
if ! wait_for_line "$work/sandbox.out" '^listening on ' "$sandbox_pid"; then
  check "the sandbox starts under wine" false
  cat "$work/sandbox.err" >&2
  finish
fi
base="$(sed -n '1s/^listening on //p' "$work/sandbox.out" | tr -d '\r')"

mkdir "$work/run"
cp "$repo/samples/corrections.csv" "$work/run/corrections.csv"
(cd "$work/run" && exec "$wine_run" "$work/console-ctrl-c.exe" "$work/trigger" "$cli" -u "$base" \
  --auth-token sandbox-token --json run s-demo-sample corrections.csv -o JSON --out outputs) \
  >"$work/run.out" 2>"$work/run.err" &
run_pid=$!
if wait_for_line "$work/run.out" '"phase":"processing"' "$run_pid"; then
  touch "$work/trigger"
else
  check "the update reaches processing" false
fi
status=0
wait "$run_pid" || status=$?
tr -d '\r' <"$work/run.out" >"$work/run.json"
summary="$(grep '"event":"summary"' "$work/run.json" | tail -n 1 || true)"

check "Ctrl-C ends the CLI with exit code 130 (got $status)" test "$status" -eq 130
check "the summary says cancelled" grep -q '"outcome":"cancelled"' <<<"$summary"
check "the summary gives the command that picks the update up again" grep -q '"resume_command":"[^"]*status ' <<<"$summary"
check "no output file is left" bash -c '[ ! -d "$1" ] || [ -z "$(ls -A "$1")" ]' _ "$work/run/outputs"
if [ "$failed" -gt 0 ]; then
  echo "The CLI's stderr:" >&2
  sed 's/^/  /' "$work/run.err" >&2
fi
finish
