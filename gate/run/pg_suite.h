/*
 * A suite run: the benchmarks of a Go module measured on one side
 * (`perfgate run`) or on two sides, base and head, interleaved
 * (`perfgate gate`).
 *
 * For each side the suite builds every configured package's test binary
 * once (`go test -c`), lists its benchmarks with -test.list, and finds the
 * leaf benchmarks with one cheap -test.benchtime=1x run per top-level
 * benchmark (so one broken benchmark cannot hide the others). It then runs
 * every (leaf, -cpu value) once per round and side through pg_runner, in
 * random interleaved order, each process with its own execution trace.
 * Each process's output is parsed as the Go benchmark format and its trace
 * metrics are added to the sample as further units (totals divided by the
 * iteration count: block-sync-sec/op, ...; ratios as they are: p-util,
 * mmu-1ms, ...), each with the unit metadata source=trace and its better=
 * direction. Samples land in the caller's result sets.
 *
 * A benchmark that crashes, hangs (killed at the timeout with its process
 * group) or prints no result is recorded as a failure with its output and
 * is not run again; the other benchmarks go on.
 */
#ifndef PG_SUITE_H
#define PG_SUITE_H

#include <stddef.h>

#include "pg_buf.h"
#include "pg_config.h"
#include "pg_error.h"
#include "pg_go.h"
#include "pg_resultset.h"
#include "pg_runner.h"

typedef struct pg_suite pg_suite;

/* What went wrong with one benchmark (or one side's build or listing). */
typedef struct pg_suite_failure {
    const char *side;   /* "base" or "head" */
    const char *name;   /* "BenchmarkX/y" (cpu suffix excluded), or the package */
    const char *what;   /* "exit status 2", "timed out after 10s", "printed no result" */
    const char *output; /* the tail of what it printed */
} pg_suite_failure;

/* Progress notifications; every member may be NULL. */
typedef struct pg_suite_events {
    void *ctx;
    void (*phase)(void *ctx, const char *message);
    void (*before_run)(void *ctx, size_t done, size_t total, int round, int rounds,
                       const char *name, const char *side, double elapsed_sec);
    void (*after_run)(void *ctx, const char *name, const char *side, double wall_sec,
                      const char *failure);
} pg_suite_events;

/* A suite with a private temporary directory for binaries and traces. */
pg_suite *pg_suite_create(pg_go *go, const pg_config *cfg, const pg_suite_events *events,
                          pg_error *err);
/* Removes the temporary directory. */
void pg_suite_free(pg_suite *s);

/* Builds and enumerates side `side` (PG_SIDE_BASE or PG_SIDE_HEAD) of the
 * module in `module_dir`; its samples will go to `rs`, labelled `label`.
 * A compile failure returns -1 with an error naming the side and package
 * and the compiler's output in `log` (an exit-3 failure). */
int pg_suite_add_side(pg_suite *s, int side, const char *label, const char *module_dir,
                      pg_resultset *rs, pg_buf *log, pg_error *err);

/* Runs every benchmark `count` rounds. Returns -1 only when perfgate itself
 * cannot go on (a process cannot be started); failing benchmarks are
 * recorded, see pg_suite_failures. */
int pg_suite_run(pg_suite *s, pg_error *err);

/* Whether the benchmark whose results are called `name` ("X/y-8", as in
 * the result sets) in package `pkg` is in doubt after the first look. */
typedef int (*pg_suite_in_doubt_fn)(void *ctx, const char *pkg, const char *name);
/* The second look (pg_decide.h): runs confirm_count more rounds, after the
 * first `count`, of every benchmark in doubt that has not failed. Returns
 * how many benchmarks it ran (0 with confirm_count 0), or -1 as
 * pg_suite_run. */
int pg_suite_confirm(pg_suite *s, pg_suite_in_doubt_fn in_doubt, void *ctx, pg_error *err);

size_t pg_suite_failures(const pg_suite *s, const pg_suite_failure **out);
/* Problems that cost no sample, one per line: a trace that could not be
 * read (that sample has no trace units), benchmark output with syntax
 * errors. */
const char *pg_suite_warnings(const pg_suite *s);
/* Benchmark leaves per side after enumeration (for added/removed counts). */
size_t pg_suite_leaves(const pg_suite *s, int side);

/* Where the time went: the whole run, and inside benchmark processes. */
typedef struct pg_suite_timing {
    double total_sec;   /* pg_suite_add_side + pg_suite_run, wall */
    double build_sec;   /* go list + go test -c, wall */
    double process_sec; /* benchmark and discovery processes, wall */
    size_t processes;
} pg_suite_timing;
void pg_suite_timing_get(const pg_suite *s, pg_suite_timing *out);

#endif
