#!/usr/bin/env bash
# Regenerates what the trace-metrics tests compare against, with the Go
# reference tool (needs Go >= 1.26 and, once, the module proxy for
# golang.org/x/exp):
#   tests/trace/metrics/expected/<trace>.json   the reference's metrics of
#       every trace in tests/trace/reader/testdata, tests/trace/corpus and
#       tests/trace/metrics/damaged (one more with non-default MMU windows);
#   tests/trace/reference/validation.txt        the reference checked against
#       the installed `go tool trace` (-pprof totals, the /mmu endpoint).
# Run from anywhere; review the diff before committing it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
out=tests/trace/metrics/expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd tests/trace/reference && go build -o "$tmp/reference" .)

mapfile -t traces < <(
  { ls tests/trace/reader/testdata/*.trace
    find tests/trace/corpus -name '*.trace' | sort
    ls tests/trace/metrics/damaged/*.trace; } 2>/dev/null)
rm -f "$out"/*.json
mkdir -p "$out"
for t in "${traces[@]}"; do
  name=$(basename "$t" .trace)
  if [ -e "$out/$name.json" ]; then
    echo "regen: two traces are called $name; rename one" >&2
    exit 1
  fi
  # Exit 2 is a damaged or unreadable trace, recorded as such.
  "$tmp/reference" "$t" > "$out/$name.json" || [ $? = 2 ]
done
"$tmp/reference" -mmu-windows 50us,2500us,30ms,1s tests/trace/reader/testdata/go123-gcheavy.trace \
  > "$out/go123-gcheavy.windows.json"
echo "regen: ${#traces[@]} traces -> $out"

complete=()
for t in "${traces[@]}"; do
  case "$t" in tests/trace/metrics/damaged/*) ;; *) complete+=("$t") ;; esac
done
"$tmp/reference" -gotool "${complete[@]}" > tests/trace/reference/validation.txt
echo "regen: go tool trace agrees; see tests/trace/reference/validation.txt"
