#!/usr/bin/env bash
# Proves check-deb.sh can fail: repacks a good .deb with one defect at a time (the kind a config slip would cause)
# and expects check-deb.sh to reject each one with the right message; the untouched repack must pass.
# Usage: tests/package/selftest.sh path/to/good.deb        (scripts/package --check runs it after check-deb.sh)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tests/package/tap.sh
source "$here/tap.sh"

good_deb="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# repack NAME EDIT-COMMAND…: unpacks the good .deb, runs the edit inside the tree, builds NAME.deb.
repack() {
  local name="$1" tree="$work/$1"
  shift
  # No compression: the repacks are thrown away, and compressing 10 MB six times is slow on a busy machine.
  dpkg-deb -R "$good_deb" "$tree" && (cd "$tree" && "$@") \
    && dpkg-deb --root-owner-group -Znone -b "$tree" "$work/$name.deb" >/dev/null
}

# expect_verdict NAME EXPECTED-LINE: check-deb.sh on NAME.deb must print EXPECTED-LINE (a prefix of an ok/not ok line).
expect_verdict() {
  local name="$1" expected="$2" result
  result="$(PACKAGE_CHECK_DIR="$work/check-$name" "$here/check-deb.sh" --files-only "$work/$name.deb" 2>&1)"
  grep -qF -- "$expected" <<<"$result" || { echo "check-deb.sh did not say: $expected"; return 1; }
  local all_passed=0
  grep -q '^package checks: [0-9]* passed, 0 failed' <<<"$result" && all_passed=1
  if [[ "$expected" == "not ok"* ]]; then
    [ "$all_passed" = 0 ] || { echo "check-deb.sh reported the problem but still passed"; return 1; }
  else
    [ "$all_passed" = 1 ] || { grep '^not ok' <<<"$result"; return 1; }
  fi
}

unchanged() { true; }
wrong_version() { sed -i 's/^Version: .*/Version: 0.0.0-stale/' DEBIAN/control; }
no_webkit_dependency() { sed -i 's/^Depends: .*/Depends: libgtk-3-0/' DEBIAN/control; }
no_desktop_entry() { rm -f usr/share/applications/*.desktop; }
icon_name_mismatch() { sed -i 's/^Icon=.*/Icon=some-other-app/' usr/share/applications/*.desktop; }
binary_elsewhere() { mkdir -p opt && mv usr/bin/sov-updater opt/; }

# run_case DEFECT EXPECTED-LINE: repack with the DEFECT edit and expect check-deb.sh's verdict.
run_case() { repack "$1" "$1" && expect_verdict "$1" "$2"; }

check "an untouched repack of the package passes every package check" run_case unchanged "package checks:"
check "check-deb.sh rejects a package whose version is not Cargo's" run_case wrong_version "not ok - Version is"
check "check-deb.sh rejects a package that does not depend on WebKitGTK" \
  run_case no_webkit_dependency "not ok - Depends names libwebkit2gtk-4.1-0"
check "check-deb.sh rejects a package without a desktop entry" run_case no_desktop_entry "not ok - one desktop entry"
check "check-deb.sh rejects a desktop entry whose icon is not installed" \
  run_case icon_name_mismatch "not ok - Icon ('some-other-app')"
check "check-deb.sh rejects a package without usr/bin/sov-updater" \
  run_case binary_elsewhere "not ok - the binary is at usr/bin/sov-updater"

echo "package check self-test: $tap_passed passed, $tap_failed failed"
[ "$tap_failed" -eq 0 ]
