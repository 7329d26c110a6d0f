#!/usr/bin/env bash
# Checks a built SOV Updater .deb the way a user's desktop will meet it:
#  1. the package fields dpkg shows (name, version = the Cargo version, runtime dependencies, description);
#  2. installed into a scratch root with `dpkg -x`: the binary in usr/bin, a valid desktop entry whose Exec and
#     Icon resolve to files in the package, and icons in the hicolor theme at the sizes their folders claim;
#  3. the installed release binary under Xvfb: its window paints (window-check.sh), and through WebDriver the UI
#     works under the release CSP and capabilities (ui_smoke.py).
# Usage: tests/package/check-deb.sh [--files-only] path/to/SOV_Updater.deb   (scripts/package --check calls it)
#   --files-only skips step 3 (used by selftest.sh, which only needs the package checks).
# Prints one "ok"/"not ok" line per check and ends with "package checks: N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tests/package/tap.sh
source "$here/tap.sh"

launch=1
if [ "${1:-}" = "--files-only" ]; then
  launch=0
  shift
fi
if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then
  echo "Usage: $0 [--files-only] path/to/package.deb (build one with scripts/package)" >&2
  exit 2
fi
deb="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
version="$("$here/cargo-version.sh")" || exit 2
out="${PACKAGE_CHECK_DIR:-${CARGO_TARGET_DIR:-$(cd "$here/../.." && pwd)/target}/package-check}"
rm -rf "$out"
mkdir -p "$out"
log="$out/checks.txt"

field() { dpkg-deb -f "$deb" "$1"; }

# Depends is "a, b (>= 1), c | d": true when one alternative list names the package.
depends_on() {
  field Depends | tr ',' '\n' | sed 's/([^)]*)//g; s/|/\n/g' | tr -d ' ' | grep -qx "$1"
}

# `file` ends its description with "stripped" or "not stripped".
is_stripped_elf() {
  local kind
  kind="$(file -b "$1")"
  [[ "$kind" == ELF* && "$kind" == *", stripped"* ]]
}

desktop_key() { grep -m1 "^$1=" "$2" | cut -d= -f2-; }

# The icon is used by the desktop entry as a theme name: a PNG of that name must be in hicolor.
icon_in_theme() { compgen -G "$root/usr/share/icons/hicolor/*/apps/$1.png" >/dev/null; }

# hicolor/NxN/apps/x.png must be N by N pixels and NxN@S/apps N*S by N*S (the theme spec's scaled folders), or
# desktops show a blurry or wrongly sized icon.
icon_sizes_match_folders() {
  local icon folder logical scale expected size status=0
  for icon in "$root"/usr/share/icons/hicolor/*/apps/*.png; do
    folder="$(basename "$(dirname "$(dirname "$icon")")")"
    logical="${folder%%@*}"
    scale=1
    [[ "$folder" == *@* ]] && scale="${folder##*@}"
    expected="$((${logical%%x*} * scale))x$((${logical##*x} * scale))"
    size="$(identify -format '%wx%h' "$icon")"
    [ "$size" = "$expected" ] || { echo "$icon is $size pixels, its folder needs $expected"; status=1; }
  done
  return "$status"
}

save_package_info() { dpkg-deb -I "$deb" >"$out/dpkg-info.txt" 2>&1; }

depends_lists_each_once() {
  local repeated
  repeated="$(field Depends | tr ',' '\n' | tr -d ' ' | sort | uniq -d)"
  [ -z "$repeated" ] || { echo "listed more than once: ${repeated//$'\n'/ }"; return 1; }
}

# The commit the About box must show: the checkout's, or "unknown" when built from a tarball without git (build.rs).
expected_commit() {
  git -C "$here" rev-parse --short=12 HEAD 2>/dev/null || echo unknown
}

package_checks() {
  echo "# package fields (dpkg-deb -I)"
  check "dpkg-deb can read the package (details in dpkg-info.txt)" save_package_info
  check "Package is sov-updater" test "$(field Package)" = "sov-updater"
  check "Version is $version, the [workspace.package] version in Cargo.toml (found '$(field Version)')" \
    test "$(field Version)" = "$version"
  check "Architecture is this machine's ($(dpkg --print-architecture))" \
    test "$(field Architecture)" = "$(dpkg --print-architecture)"
  check "Depends names libwebkit2gtk-4.1-0" depends_on libwebkit2gtk-4.1-0
  check "Depends names libgtk-3-0" depends_on libgtk-3-0
  check "Depends lists each package once" depends_lists_each_once
  local description
  description="$(field Description)"
  check "Description is filled in (found '$(head -n1 <<<"$description")')" \
    test -n "$description" -a "$description" != "(none)"

  echo "# installed layout (dpkg -x into a scratch root)"
  root="$out/root"
  mkdir -p "$root"
  check "the package unpacks with dpkg -x" dpkg -x "$deb" "$root"
  binary="$root/usr/bin/sov-updater"
  check "the binary is at usr/bin/sov-updater and executable" test -x "$binary"
  check "the binary is a stripped ELF executable ($(file -b "$binary" | cut -d, -f1))" is_stripped_elf "$binary"

  local entries=("$root"/usr/share/applications/*.desktop)
  check "one desktop entry under usr/share/applications/" test "${#entries[@]}" -eq 1 -a -f "${entries[0]}"
  desktop="${entries[0]}"
  [ -f "$desktop" ] || desktop=/dev/null
  check "the desktop entry says Name=SOV Updater" test "$(desktop_key Name "$desktop")" = "SOV Updater"
  local exec_line exec_binary icon
  exec_line="$(desktop_key Exec "$desktop")"
  exec_binary="$(basename "${exec_line%% *}")"
  check "Exec ('$exec_line') starts the packaged binary" test -n "$exec_line" -a -x "$root/usr/bin/$exec_binary"
  icon="$(desktop_key Icon "$desktop")"
  check "Icon ('$icon') is a PNG in usr/share/icons/hicolor/*/apps/" icon_in_theme "$icon"
  check "Categories is set ('$(desktop_key Categories "$desktop")')" test -n "$(desktop_key Categories "$desktop")"
  check "Type=Application" test "$(desktop_key Type "$desktop")" = "Application"
  if command -v desktop-file-validate >/dev/null; then
    check "desktop-file-validate accepts the desktop entry" desktop-file-validate "$desktop"
  else
    echo "# skipped desktop-file-validate: not installed (Debian package desktop-file-utils)"
  fi
  local icons=("$root"/usr/share/icons/hicolor/*/apps/*.png)
  check "icons are installed under usr/share/icons/hicolor/*/apps/ (${#icons[@]} found)" test -f "${icons[0]}"
  check "each icon's pixel size matches its hicolor folder" icon_sizes_match_folders
}

# Runs one launch script and passes its lines through; a script that stopped without saying why is a failure.
run_launch_script() {
  local name="$1" result="$out/$1.txt" status
  shift
  "$@" >"$result" 2>&1
  status=$?
  cat "$result"
  if [ "$status" -ne 0 ] && ! grep -q '^not ok - ' "$result"; then
    fail "$name ran to the end (exit status $status)"
  fi
}

launch_checks() {
  echo "# the installed release binary under a display"
  local display_wrapper=()
  [ -n "${DISPLAY:-}" ] || display_wrapper=(xvfb-run -a -s "-screen 0 1280x800x24")
  run_launch_script window-check "${display_wrapper[@]}" "$here/window-check.sh" "$binary" "$out"
  run_launch_script ui-smoke "${display_wrapper[@]}" \
    python3 "$here/ui_smoke.py" "$binary" "$out" "$version" "$(expected_commit)"
}

{
  package_checks
  [ "$launch" = 0 ] || launch_checks
} 2>&1 | tee "$log"

passed="$(grep -c '^ok - ' "$log")"
failed="$(grep -c '^not ok - ' "$log")"
echo "Screenshots and logs: $out"
echo "package checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
