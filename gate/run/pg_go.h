/*
 * The go toolchain driver: everything perfgate asks of `go` and of the test
 * binaries it builds.
 *
 * Both sides of a comparison must be built and run by the same toolchain
 * with the same flags, so one pg_go handle is created per gate run and
 * records the toolchain facts that go into every result set.
 */
#ifndef PG_GO_H
#define PG_GO_H

#include <stddef.h>

#include "pg_buf.h"
#include "pg_error.h"

typedef struct pg_go pg_go;

/* Finds the toolchain: `go_bin`, else $PERFGATE_GO, else `go` in PATH, and
 * reads `go env`. Fails (exit-3 class) when go is missing or older than 1.22. */
pg_go *pg_go_create(const char *go_bin, pg_error *err);
void pg_go_free(pg_go *go);
const char *pg_go_version(const pg_go *go); /* "go1.26.8" */
const char *pg_go_goos(const pg_go *go);
const char *pg_go_goarch(const pg_go *go);

/* One package of the module under test. */
typedef struct pg_go_package {
    char *import_path; /* example.com/m/pkg */
    char *dir;         /* absolute directory */
    int has_tests;     /* has _test.go files (benchmarks can only live there) */
} pg_go_package;

typedef struct pg_go_packages {
    pg_go_package *items;
    size_t count;
} pg_go_packages;

/* `go list` of `patterns` (e.g. "./...") run in `dir`. Build errors of the
 * listed packages are reported in err with go's own message. */
int pg_go_list(pg_go *go, const char *dir, const char *const *patterns, size_t npatterns,
               pg_go_packages *out, pg_error *err);
void pg_go_packages_free(pg_go_packages *pkgs);

/* `go test -c -o out_path [build_flags] import_path` in `dir` with the extra
 * environment `env` ("KEY=value", NULL-terminated; may be NULL). On a compile
 * failure returns -1 with the compiler's output in `log` and a one-line
 * summary in err. *built is 0 when the package has no test files. */
int pg_go_build_test(pg_go *go, const char *dir, const char *import_path, const char *out_path,
                     const char *const *build_flags, size_t nflags, const char *const *env,
                     double timeout_sec, int *built, pg_buf *log, pg_error *err);

/* Top-level benchmark functions (e.g. "BenchmarkRender") whose names match
 * the Go regexp `top_regex`, from `test_bin -test.list`, which lists them
 * without running anything. Names are appended to `names` NUL-separated;
 * returns the count, or -1 on failure. */
int pg_go_list_benchmarks(pg_go *go, const char *test_bin, const char *dir, const char *top_regex,
                          pg_buf *names, pg_error *err);

/* Go's regexp.QuoteMeta: escapes a benchmark name for -test.bench. */
void pg_go_quote_meta(pg_buf *out, const char *s, size_t len);
/* The -test.bench pattern that selects exactly one benchmark: every level
 * of the '/'-separated name anchored and quoted ("^Render$/^mode=pixel$"). */
void pg_go_bench_pattern(pg_buf *out, const char *name);
#endif
