#!/usr/bin/env bash
# Runs the API-key storage tests against a real OS keychain (Linux: the Secret Service):
#  1. in a private D-Bus session with its own gnome-keyring, whose files live in a scratch folder, so the
#     keychain of the person running the tests is never touched;
#  2. with no session bus at all, as on a desktop without a keychain, where the app must offer its fallback.
# Any arguments are passed on to cargo test (scripts/test passes none). `--workspace` keeps the feature set of the
# main test run, so nothing is rebuilt.
set -euo pipefail
cd "$(dirname "$0")/../.."

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# Only the keyring daemon gets the scratch home; cargo keeps the real one (its registry cache lives there).
dbus-run-session -- bash -c '
  printf "%s" "scratch-keyring-password" |
    HOME="$1" XDG_DATA_HOME="$1/data" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  shift
  exec cargo test "$@" --workspace --lib tests::real_keychain_holds -- --include-ignored
' keychain "$scratch" "$@"

DBUS_SESSION_BUS_ADDRESS="unix:path=$scratch/no-session-bus" \
  cargo test "$@" --workspace --lib tests::real_keychain_absent -- --include-ignored
