# Sourced by the package checks: one "ok - …" or "not ok - …" line per check, so check-deb.sh can count them.
# shellcheck shell=bash

tap_passed=0
tap_failed=0

pass() {
  echo "ok - $1"
  tap_passed=$((tap_passed + 1))
}

fail() {
  echo "not ok - $1"
  tap_failed=$((tap_failed + 1))
  shift
  local line
  for line in "$@"; do echo "    $line"; done
}

# check "what a user relies on" command args…: passes when the command succeeds; on failure its output follows.
check() {
  local description="$1" output
  shift
  if output="$("$@" 2>&1)"; then
    pass "$description"
  else
    fail "$description"
    # shellcheck disable=SC2001 # indent every line of the output
    [ -z "$output" ] || sed 's/^/    /' <<<"$output"
  fi
}

# Starts a command in the background with nothing of the caller's environment: a fresh HOME (so no saved key, no
# keychain, no ini file: the app opens in demo mode) and no SOVFIXER_AUTH_TOKEN* variables. Sets app_pid to the
# command's own pid (env execs it), so killing app_pid really ends the app.
# Usage: start_isolated HOME_DIR STDOUT_FILE STDERR_FILE command args…
start_isolated() {
  local home="$1" stdout="$2" stderr="$3"
  shift 3
  mkdir -p "$home/config" "$home/data" "$home/cache"
  env -i PATH="$PATH" DISPLAY="${DISPLAY:-}" XAUTHORITY="${XAUTHORITY:-}" LANG=C.UTF-8 \
    HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" \
    "$@" >"$stdout" 2>"$stderr" &
  # shellcheck disable=SC2034 # read by the scripts that source this file
  app_pid=$!
}

# True while process PID runs; a child that exited but was not yet reaped (a zombie) counts as gone.
alive() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "${state:0:1}" != "Z" ]
}
