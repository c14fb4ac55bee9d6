/*
 * The A/B interleaver: runs every benchmark of both sides `count` times,
 * one process per (benchmark, round, side), in an order that cancels drift.
 *
 * Each round visits the benchmarks in a fresh random order, and for each
 * benchmark runs A then B or B then A at random, so slow changes of the
 * machine (thermal state, neighbours on a CI runner) hit both sides alike.
 * The two sides of a benchmark in a round run back to back and are handed
 * over together: their samples are prepared (traces read) on two threads
 * at once while no benchmark runs, then reported in run order.
 * The runner only schedules and executes; what a finished process means
 * (parsing its output, reading its trace, storing samples) is the caller's
 * business, through the on_sample callback.
 */
#ifndef PG_RUNNER_H
#define PG_RUNNER_H

#include <stdint.h>

#include "pg_error.h"
#include "pg_proc.h"

enum { PG_SIDE_BASE = 0, PG_SIDE_HEAD = 1 };

/* One benchmark to run: a leaf benchmark of one package at one -test.cpu. */
typedef struct pg_runner_job {
    const char *name; /* full leaf name, "BenchmarkRender/mode=pixel", no -N suffix */
    int cpu;          /* -test.cpu value; 0: leave GOMAXPROCS alone */
    /* Per side: the test binary and the package directory to run it in;
     * bin NULL when the benchmark does not exist on that side. */
    const char *bin[2];
    const char *dir[2];
} pg_runner_job;

struct pg_runner_sample;
/* Optional: the heavy, side-effect-free part of handling a finished run
 * (reading its trace), called on a thread of its own for the two sides of
 * a pair at once; it must touch nothing but its sample and its own
 * allocations. Its result reaches on_sample as sample->prepared. */
typedef void *(*pg_runner_prepare_fn)(void *ctx, const struct pg_runner_sample *s);
/* Frees a prepare result that never reached on_sample: the second sample of
 * a pair whose first one made on_sample abort. on_sample owns the others. */
typedef void (*pg_runner_release_fn)(void *ctx, void *prepared);

typedef struct pg_runner_opts {
    int count;                 /* rounds = samples per side */
    int first_round;           /* rounds first_round .. count-1 run (0: all) */
    const unsigned char *only; /* NULL: every job; else only jobs j with only[j] */
    const char *benchtime;     /* -test.benchtime value, NULL: go's default */
    double timeout_sec;        /* per process */
    const char *const *env;    /* extra environment, NULL-terminated */
    const char *trace_dir; /* NULL: no traces; else -test.trace=<dir>/<job>-<side>-<round>.trace */
    uint64_t seed;         /* order of benchmarks and sides; 0: from the clock */
    pg_runner_prepare_fn prepare; /* NULL: none */
    pg_runner_release_fn release; /* NULL: free() */
} pg_runner_opts;

/* What one finished process produced. */
typedef struct pg_runner_sample {
    size_t job; /* index into the jobs array */
    int side;   /* PG_SIDE_BASE or PG_SIDE_HEAD */
    int round;  /* 0-based */
    const char *const *argv;
    const pg_proc_result *proc;
    const char *trace_path; /* NULL without traces; may not exist if the run failed */
    void *prepared;         /* what opts->prepare returned, or NULL */
} pg_runner_sample;

/* What the sample callback says of a run. */
enum {
    PG_RUNNER_ABORT = -1, /* stop everything; err is set */
    PG_RUNNER_OK = 0,
    /* The process failed (crash, timeout, no result): the job is dropped
     * from the remaining rounds on both sides, since a one-sided sample set
     * cannot be compared and a hung benchmark would cost a timeout a round. */
    PG_RUNNER_FAILED = 1,
};
/* Called after every run; returns one of the values above. */
typedef int (*pg_runner_sample_fn)(void *ctx, const pg_runner_sample *s, pg_error *err);
/* Called before every run (for progress): runs done so far, total runs,
 * the 0-based round; job is NULL once after the last run. */
typedef void (*pg_runner_progress_fn)(void *ctx, size_t done, size_t total, int round,
                                      const pg_runner_job *job, int side, double elapsed_sec);

int pg_runner_run(const pg_runner_job *jobs, size_t njobs, const pg_runner_opts *opts,
                  pg_runner_sample_fn on_sample, pg_runner_progress_fn on_progress, void *ctx,
                  pg_error *err);

/* Discovery: runs `bin` once with -test.benchtime=1x -test.cpu=1 (so no
 * name carries a -N suffix) for the benchmarks matching `bench_regex` and
 * appends the leaf names it reports (deduplicated, in order) NUL-separated
 * to `leaves`. Returns the number of leaves, or -1 with the output of a
 * failing binary in err. */
int pg_runner_discover(const char *bin, const char *dir, const char *bench_regex,
                       const char *const *env, double timeout_sec, pg_buf *leaves, pg_error *err);

#endif
