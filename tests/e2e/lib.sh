# Helpers for the setup, cmd and check scripts of the end-to-end cases,
# sourced by run-case (bash). Every script runs with `set -euo pipefail` in
# a fresh scratch directory, $E2E_ROOT, with `perfgate` first on PATH.
#
#   e2e_module DIR [KEY=VALUE...]   the test module (go.mod, work.go,
#                                   work_test.go) in DIR; HASH_ROUNDS=1000
#                                   unless given (2000 makes Hash 2x slower)
#   e2e_file NAME DIR [KEY=VALUE...]  one more template file into DIR
#   e2e_repo DIR [KEY=VALUE...]     git init -b main + e2e_module + commit
#   e2e_commit MSG                  commit everything in the current repo
#   e2e_head                        the current repo's HEAD commit
#   e2e_note [GIT_DIR] COMMIT       the perfgate note of COMMIT (may fail)
#   e2e_json_check FILE <<'PY' ...  runs Python with `docs` = the JSON
#                                   documents of FILE (one per line, or the
#                                   whole file); the code asserts
#   e2e_try LABEL CMD...            runs CMD and prints its output and
#                                   status as lines "LABEL stdout: ...",
#                                   "LABEL stderr: ...", "LABEL status: N"
#                                   (for cases that try many command lines)
#   e2e_fail MSG                    fails the check with MSG
#
# Templates are Go files under templates/ with @KEY@ placeholders.

e2e_fail() {
    echo "check failed: $*" >&2
    exit 1
}

# e2e_file NAME DIR [KEY=VALUE...]: templates/NAME into DIR/NAME, with each
# @KEY@ replaced; a placeholder left over is an error in the case.
e2e_file() {
    local name=$1 dir=$2 text kv
    shift 2
    text=$(cat "$E2E_TEMPLATES/$name")
    for kv in "$@"; do
        text=${text//@${kv%%=*}@/${kv#*=}}
    done
    # Defaults, after the caller's values.
    text=${text//@HASH_ROUNDS@/1000}
    if [[ $text =~ @[A-Z_]+@ ]]; then
        e2e_fail "template $name: no value for ${BASH_REMATCH[0]}"
    fi
    mkdir -p "$dir"
    printf '%s\n' "$text" >"$dir/$name"
}

e2e_module() {
    local dir=$1 f
    shift
    for f in go.mod work.go work_test.go; do
        e2e_file "$f" "$dir" "$@"
    done
}

e2e_commit() {
    git add -A
    git commit -q -m "$1"
}

e2e_repo() {
    local dir=$1
    shift
    mkdir -p "$dir"
    git -C "$dir" init -q -b main
    e2e_module "$dir" "$@"
    (cd "$dir" && e2e_commit "work: Hash, Fill, Sum")
}

e2e_head() {
    git rev-parse HEAD
}

e2e_note() {
    if [ $# -eq 2 ]; then
        git --git-dir="$1" notes --ref=perfgate show "$2"
    else
        git notes --ref=perfgate show "$1"
    fi
}

e2e_try() {
    local label=$1 status=0
    shift
    "$@" >"$E2E_ROOT/.try.out" 2>"$E2E_ROOT/.try.err" </dev/null || status=$?
    sed "s|^|$label stdout: |" "$E2E_ROOT/.try.out"
    sed "s|^|$label stderr: |" "$E2E_ROOT/.try.err"
    echo "$label status: $status"
    rm -f "$E2E_ROOT/.try.out" "$E2E_ROOT/.try.err"
}

e2e_json_check() {
    python3 -c '
import json, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
try:
    docs = [json.loads(text)]
except ValueError:
    docs = [json.loads(line) for line in text.splitlines() if line.strip()]
code = sys.stdin.read()
exec(compile(code, "check", "exec"), {"docs": docs, "json": json, "path": path})
' "$1"
}
