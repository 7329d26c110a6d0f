#!/usr/bin/env bash
# One cold start of BINARY with a fresh HOME: exits as soon as its window is on screen, so that
#   hyperfine --warmup 2 --runs 15 'tests/package/time-to-window.sh path/to/sov-updater'
# measures the start-up time a user waits for (docs/packaging.md). Needs DISPLAY (Xvfb) and xdotool.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tests/package/tap.sh
source "$here/tap.sh"

home="$(mktemp -d)"
start_isolated "$home" /dev/null /dev/null "$1"
# shellcheck disable=SC2317 # run by the EXIT trap
stop_app() {
  kill "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  rm -rf "$home"
}
trap stop_app EXIT

# Poll every 10 ms, for at most 60 s.
for _ in $(seq 1 6000); do
  xdotool search --onlyvisible --name '^SOV Updater$' >/dev/null 2>&1 && exit 0
  alive "$app_pid" || { echo "the app exited before showing a window" >&2; exit 1; }
  sleep 0.01
done
echo "no window within 60 s" >&2
exit 1
