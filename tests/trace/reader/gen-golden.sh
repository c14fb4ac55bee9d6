#!/usr/bin/env bash
# Regenerates golden/*.summary: Go's own reading of every trace in
# testdata/ and tests/trace/corpus/ (godump -summary: event count, count per
# kind, FNV-1a hash of the canonical dump), which CTest's golden_* tests
# compare the C reader against. Needs Go (>= 1.26: its internal/trace reads
# every format the C reader does); run after adding or re-recording traces.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
godump=$("$here/godump.sh" "$tmp")
echo "godump built with $(go version)"
mkdir -p "$here/golden"
rm -f "$here"/golden/*.summary # traces may have been removed
shopt -s nullglob globstar
n=0
for trace in "$here"/testdata/*.trace "$here"/../corpus/**/*.trace; do
  rel=$(realpath --relative-to="$here/.." "$trace")
  rel=${rel#reader/testdata/}
  name=${rel%.trace}
  name=${name//\//__}
  "$godump" -summary "$trace" >"$here/golden/$name.summary"
  n=$((n + 1))
done
echo "wrote $n golden summaries to $here/golden"
