#!/usr/bin/env bash
# Shows that scripts/windows/check-imports can fail: a program that needs a DLL Windows lacks is refused, the same
# program passes once that DLL is allowed, and a program using only system DLLs passes.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cc=x86_64-w64-mingw32-gcc
printf '__declspec(dllexport) int helper(void) { return 1; }\n' >"$work/helper.c"
printf '__declspec(dllimport) int helper(void);\nint main(void) { return helper(); }\n' >"$work/uses_helper.c"
printf '#include <windows.h>\nint main(void) { return (int)GetTickCount() & 0; }\n' >"$work/plain.c"
"$cc" -shared -o "$work/StrayHelper.dll" "$work/helper.c"
"$cc" -o "$work/uses_helper.exe" "$work/uses_helper.c" -L"$work" -l:StrayHelper.dll
"$cc" -o "$work/plain.exe" "$work/plain.c"

passed=0 failed=0
expect() { # expect pass|fail DESCRIPTION COMMAND...
  local want="$1" what="$2"; shift 2
  if "$@" >"$work/out" 2>&1; then got=pass; else got=fail; fi
  if [ "$got" = "$want" ]; then passed=$((passed + 1)); echo "ok: $what"
  else failed=$((failed + 1)); echo "FAILED: $what (expected $want, got $got)"; cat "$work/out"; fi
}
expect fail "a stray DLL is refused" "$repo/scripts/windows/check-imports" "$work/uses_helper.exe"
expect pass "an allowed DLL is accepted (case-insensitive)" \
  "$repo/scripts/windows/check-imports" --allow strayhelper.dll "$work/uses_helper.exe"
expect pass "system DLLs only" "$repo/scripts/windows/check-imports" "$work/plain.exe"
expect fail "a file that is not a Windows program is refused" "$repo/scripts/windows/check-imports" "$work/plain.c"
echo "check-imports selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
