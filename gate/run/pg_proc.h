/*
 * Child processes with a deadline: the runner's one way to execute
 * `go test -c`, `pkg.test -test.list`, and every benchmark process.
 *
 * The child gets its own process group, so a timeout (or an interrupt of
 * perfgate) kills the benchmark and everything it started; stdout and
 * stderr are captured into memory (bounded, keeping the head and the tail
 * of an overlong stream) while the deadline is enforced with poll(2).
 */
#ifndef PG_PROC_H
#define PG_PROC_H

#include <stddef.h>

#include "pg_buf.h"
#include "pg_error.h"

typedef struct pg_proc_spec {
    const char *const *argv; /* argv[0] is looked up in PATH when it has no '/' */
    const char *const *env;  /* extra "KEY=value" entries (NULL-terminated), or NULL */
    const char *cwd;         /* NULL: perfgate's working directory */
    double timeout_sec;      /* <= 0: no deadline */
    size_t max_output;       /* per stream; 0: 64 MiB. Beyond it the middle is dropped */
    int merge_stderr;        /* 1: stderr goes into `out` as well, interleaved */
} pg_proc_spec;

typedef struct pg_proc_result {
    pg_buf out, err; /* captured stdout / stderr */
    int exited;      /* 1 if the child exited normally: status in exit_code */
    int exit_code;   /* valid when exited */
    int signal;      /* the terminating signal when !exited */
    int timed_out;   /* 1 if perfgate killed it at the deadline */
    int truncated;   /* 1 if output beyond max_output was dropped */
    double wall_sec; /* start to reap */
    double cpu_sec;  /* user + system time of the child and its waited-for children */
    long max_rss_kb; /* the child's peak resident set */
} pg_proc_result;

/* Runs the process to completion (or kills its group at the deadline).
 * Returns 0 when it ran, whatever its exit status; -1 (with err) when it
 * could not be started. Free the result with pg_proc_result_free. */
int pg_proc_run(const pg_proc_spec *spec, pg_proc_result *res, pg_error *err);
void pg_proc_result_free(pg_proc_result *res);
/* "exit status 2", "killed by SIGSEGV", "timed out after 30s". */
void pg_proc_describe(const pg_proc_result *res, const pg_proc_spec *spec, pg_buf *out);
/* True if the process ran and exited with status 0. */
int pg_proc_ok(const pg_proc_result *res);

#endif
