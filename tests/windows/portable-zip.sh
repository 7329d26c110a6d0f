#!/usr/bin/env bash
# The portable Windows zip as a user gets it: unzipped into an empty folder, its CLI (sov-update.exe) run as a
# Windows program under wine. The CLI from the zip serves the sandbox (`sov-update.exe sandbox`) and, as a second
# Windows process, runs a whole update against it: pre-flight, upload, processing, download. The output must be
# saved in the folder asked for, complete, and named as the summary says (the change report may be saved beside it).
#   tests/windows/portable-zip.sh ZIP     (scripts/package --windows runs it on the zip it made)
# Prints one ok / not ok line per check and ends with "portable zip checks: N passed, N failed".
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
zip="${1:?usage: tests/windows/portable-zip.sh SOV-Updater-VERSION-windows-x64.zip}"
zip="$(cd "$(dirname "$zip")" && pwd)/$(basename "$zip")"
wine_run="$repo/scripts/windows/wine-run"

# shellcheck source=tests/windows/support.sh
source "$repo/tests/windows/support.sh"

mkdir "$work/unzipped" "$work/run"
unzip -q "$zip" -d "$work/unzipped"
cli="$work/unzipped/sov-update.exe"
check "the zip holds the CLI" test -f "$cli"

# The sandbox, served by the zip's own CLI on a free port. The first start of a new wine prefix takes 20 to 40 s:
# wait for its address line (at most 2 minutes), not for a fixed time.
start_sandbox "$cli" 200 1200
check "the zip's CLI serves the sandbox under wine ($base)" test -n "$base"
if [ -z "$base" ]; then
  cat "$work/sandbox.err" >&2
  echo "portable zip checks: $passed passed, $failed failed"
  exit 1
fi

# A whole update, as a user would type it in the unzipped folder (relative paths: wine maps the current folder).
cp "$repo/samples/corrections.csv" "$work/run/corrections.csv"
status=0
(cd "$work/run" && "$wine_run" "$cli" -u "$base" --auth-token sandbox-token --json \
  run s-demo-sample corrections.csv -o JSON --out outputs) >"$work/run.out" 2>"$work/run.err" || status=$?
tr -d '\r' <"$work/run.out" >"$work/run.json"
summary="$(tail -n 1 "$work/run.json")"
check "the update finishes with exit code 0 (got $status)" test "$status" -eq 0
check "the summary says done" grep -q '"event":"summary".*"outcome":"done"' <<<"$summary"

saved=("$work/run/outputs"/*.json)
check "one JSON output is saved in the folder asked for" test "${#saved[@]}" -eq 1 -a -s "${saved[0]}"
check "the saved output is complete JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "${saved[0]}"
check "the summary names the saved file" grep -qF "$(basename "${saved[0]}")" <<<"$summary"
# Downloads are written to a hidden temporary file and renamed when complete (sov-files).
check "no temporary download is left" bash -c '! ls -A "$1" | grep "^\."' _ "$work/run/outputs"
check "the API key is not printed" bash -c '! grep -q sandbox-token "$1" "$2"' _ "$work/run.out" "$work/run.err"

if [ "$failed" -gt 0 ]; then
  echo "The CLI's stderr:" >&2
  sed 's/^/  /' "$work/run.err" >&2
fi
echo "portable zip checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
