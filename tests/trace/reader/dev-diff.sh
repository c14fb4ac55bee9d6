#!/usr/bin/env bash
# dev-diff.sh TRACE [TRACE_DUMP]: when the C reader and Go's reader disagree
# on a trace, print both canonical dumps' first differences (diff -u, with
# context). TRACE_DUMP defaults to build/tests/trace/reader/trace_dump.
# Needs Go; a development aid, not a test.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
trace=${1:?usage: dev-diff.sh TRACE [TRACE_DUMP]}
dump=${2:-$here/../../../build/tests/trace/reader/trace_dump}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
godump=$("$here/godump.sh" "$tmp")
"$godump" "$trace" >"$tmp/go.txt"
"$dump" "$trace" >"$tmp/c.txt"
if cmp -s "$tmp/go.txt" "$tmp/c.txt"; then
  echo "identical: $(wc -l <"$tmp/go.txt") events"
  exit 0
fi
diff -u "$tmp/go.txt" "$tmp/c.txt" | head -60
exit 1
