#!/bin/sh
# check-golden.sh TRACE_DUMP TRACE GOLDEN: the C reader's summary of TRACE
# must equal GOLDEN, Go's reader's summary of it (gen-golden.sh).
set -eu
dump=$1 trace=$2 golden=$3
if [ ! -f "$golden" ]; then
  echo "no golden file $golden for $trace: run tests/trace/reader/gen-golden.sh" >&2
  exit 1
fi
out=$("$dump" --summary "$trace")
if [ "$out" != "$(cat "$golden")" ]; then
  echo "$trace: the C reader disagrees with Go's reader" >&2
  echo "$out" | diff -u "$golden" - >&2 || true
  echo "see tests/trace/reader/dev-diff.sh $trace for the first differing event" >&2
  exit 1
fi
