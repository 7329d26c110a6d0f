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

# shellcheck source=tests/windows/support.sh
source "$repo/tests/windows/support.sh"

finish() {
  echo "ctrl-c checks: $passed passed, $failed failed"
  # In cargo's words too, so scripts/test counts these checks into its total.
  echo "test result: $([ "$failed" -eq 0 ] && echo ok || echo FAILED). $passed passed; $failed failed;"
  [ "$failed" -eq 0 ]
  exit
}

x86_64-w64-mingw32-gcc -O2 -o "$work/console-ctrl-c.exe" "$repo/tests/windows/console-ctrl-c.c"

# Processing takes a minute, so Ctrl-C comes while the server works on the update.
# At most 3 minutes for each wait: a new wine prefix starts slowly.
start_sandbox "$cli" 60000 1800
if [ -z "$base" ]; then
  check "the sandbox starts under wine" false
  cat "$work/sandbox.err" >&2
  finish
fi

mkdir "$work/run"
cp "$repo/samples/corrections.csv" "$work/run/corrections.csv"
(cd "$work/run" && exec "$wine_run" "$work/console-ctrl-c.exe" "$work/trigger" "$cli" -u "$base" \
  --auth-token sandbox-token --json run s-demo-sample corrections.csv -o JSON --out outputs) \
  >"$work/run.out" 2>"$work/run.err" &
run_pid=$!
if wait_for_line "$work/run.out" '"phase":"processing"' "$run_pid" 1800; then
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
