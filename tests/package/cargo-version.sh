#!/usr/bin/env bash
# Prints the app's version: the one place it is kept is `version` under [workspace.package] in the root Cargo.toml.
set -euo pipefail
manifest="$(dirname "$0")/../../Cargo.toml"
version="$(awk '
  /^\[/ { in_section = ($0 == "[workspace.package]") }
  in_section && /^version[[:space:]]*=/ { sub(/^[^"]*"/, ""); sub(/".*$/, ""); print; exit }
' "$manifest")"
if [ -z "$version" ]; then
  echo "No version found under [workspace.package] in $manifest." >&2
  exit 1
fi
echo "$version"
