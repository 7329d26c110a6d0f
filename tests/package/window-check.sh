#!/usr/bin/env bash
# Launches the packaged release binary as a user would (no automation hooks) with a fresh HOME, waits for its
# window, screenshots it, and checks that the page painted (not blank) and that the app logged no Content-Security-
# Policy or permission errors. Needs a display (run under xvfb-run), xdotool and imagemagick.
# Usage: window-check.sh BINARY OUTPUT_DIR
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tests/package/tap.sh
source "$here/tap.sh"

binary="$1"
out="$2"
mkdir -p "$out"
# A blank page is one flat colour (spread 0); the painted UI measures about 0.1. Same threshold as tests/app/window.rs.
blank_threshold=0.05

home="$(mktemp -d)"
log="$out/app-stderr.txt"
start_isolated "$home" "$out/app-stdout.txt" "$log" "$binary"
cleanup() {
  kill "$app_pid" 2>/dev/null
  wait "$app_pid" 2>/dev/null
  rm -rf "$home"
}
trap cleanup EXIT

# Generous bounded waits: a loaded 2-core machine can take many seconds to start WebKit.
window=""
for _ in $(seq 1 360); do
  window="$(xdotool search --onlyvisible --name '^SOV Updater$' 2>/dev/null | head -n 1)"
  [ -n "$window" ] && break
  alive "$app_pid" || break
  sleep 0.25
done
if [ -z "$window" ]; then
  reason="no window within 90 s"
  alive "$app_pid" || reason="the app exited without showing a window"
  fail "the release binary opens a window titled 'SOV Updater'" "$reason; its stderr (last lines):" \
    "$(tail -n 15 "$log")"
  exit 1
fi
pass "the release binary opens a window titled 'SOV Updater'"

# The window maps before WebKit paints: retake the screenshot until it shows more than one flat colour.
shot="$out/window.png"
spread=0
for _ in $(seq 1 120); do
  if import -window "$window" "$shot" 2>/dev/null; then
    spread="$(convert "$shot" -format '%[fx:standard_deviation]' info: 2>/dev/null || echo 0)"
    awk -v s="$spread" -v t="$blank_threshold" 'BEGIN { exit !(s > t) }' && break
  fi
  sleep 0.5
done
if awk -v s="$spread" -v t="$blank_threshold" 'BEGIN { exit !(s > t) }'; then
  pass "the window shows the page, not a blank one (pixel spread $spread > $blank_threshold; screenshot $shot)"
else
  fail "the window shows the page, not a blank one" "pixel spread $spread <= $blank_threshold after 60 s; see $shot"
fi

# Give the page's scripts time to run their first commands before reading the log; keep a picture of that state.
sleep 3
check "the app is still running after showing its page" alive "$app_pid"
import -window "$window" "$out/window-settled.png" 2>/dev/null || true
problems="$(grep -iE 'content.security.policy|refused to (load|execute|apply|connect)|not allowed|panicked' "$log")"
if [ -z "$problems" ]; then
  pass "the app logged no CSP violation, 'not allowed' or panic"
else
  fail "the app logged no CSP violation, 'not allowed' or panic" "$(head -n 10 <<<"$problems")"
fi
