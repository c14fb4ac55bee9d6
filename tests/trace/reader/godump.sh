#!/usr/bin/env bash
# Builds godump (./godump) against the installed Go toolchain's own
# internal/trace and prints the path of the binary. Usage: godump.sh OUTDIR
#
# internal/trace cannot be imported from outside GOROOT, so the package (and
# the internal packages it uses) is copied into a scratch copy of the godump
# module and its import paths rewritten. The result reads traces exactly as
# `go tool trace` of that Go release does.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: godump.sh OUTDIR}
goroot=$(go env GOROOT)
src=$goroot/src/internal/trace
mod=$(mktemp -d)
trap 'rm -rf "$mod"' EXIT
cp "$here/godump/go.mod" "$here/godump/main.go" "$mod/"
for pkg in . tracev2 version internal/tracev1; do
  mkdir -p "$mod/internal/trace/$pkg"
  for f in "$src/$pkg"/*.go; do
    case $f in *_test.go) continue ;; esac
    sed 's|"internal/trace|"perfgate.local/godump/internal/trace|' "$f" >"$mod/internal/trace/$pkg/$(basename "$f")"
  done
done
mkdir -p "$out"
(cd "$mod" && GOFLAGS=-mod=mod go build -o "$out/godump" .)
echo "$out/godump"
