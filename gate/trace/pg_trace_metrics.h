/*
 * Metrics of a Go execution trace, computed in one streaming pass.
 *
 * The definitions are those of go tool trace where it is right, and the
 * corrected ones where it is not (trace-metrics.md; tests/trace/reference/
 * README.md lists go tool trace's defects). Every metric exists twice: over
 * the whole trace, and over the *timed window* (below). The gate
 * (`perfgate gate`) reads them as units through pg_trace_metrics_units.
 *
 *     pg_trace_metrics *m = pg_trace_metrics_compute(path, NULL, &err);
 *     if (!m) ... unreadable: err.msg; exit 2
 *     if (pg_trace_metrics_partial(m)) ... damaged: the figures cover the
 *                                          complete generations before it
 *     const pg_trace_figures *f = pg_trace_metrics_timed(m);  // or _whole
 *     pg_trace_metrics_free(m);
 *
 * Definitions (all times in ns on the trace clock; "goroutine-time" adds up
 * over goroutines and can exceed wall time):
 *
 * duration_ns      last event - first event (CPU samples, experimental
 *                  events and the reader's Sync markers excluded).
 * gomaxprocs       GOMAXPROCS at the end of the span.
 * goroutines_created  goroutine creations (transitions out of NotExist).
 * P-time           integral of GOMAXPROCS over the span (the first value
 *                  applies back to the first event), partitioned exactly
 *                  (trace-metrics.md 4): GC STW open -> gc_stw; other STW
 *                  open -> stw_other; otherwise one P per Running goroutine
 *                  by class -- GC mark workers (ever labelled "GC (...)" or
 *                  entry runtime.gcBgMarkWorker) by their latest label mode,
 *                  runtime goroutines (entry runtime.*, not runtime.main, or
 *                  unknown) -> runtime_other, user goroutines inside a mark
 *                  assist -> user_assist, other user goroutines -> user --
 *                  and GOMAXPROCS minus the Running goroutines -> idle
 *                  (which includes Ps held in syscalls).
 *                  p_utilization = user / P-time        (higher is better)
 *                  p_gc = (gc_stw + user_assist + workers) / P-time (lower)
 *                  p_idle = idle / P-time                          (lower)
 * gc.count         GC mark phases begun in the span; forced = begun by
 *                  runtime.GC, forced_by_benchmark = from testing.(*B).runN;
 *                  active_at_start = already running when the trace began.
 * gc.stw_*         stop-the-world ranges of the GC (reason contains "GC":
 *                  sweep and mark termination) begun in the span: count,
 *                  total, max (lower is better). stw[] has every reason
 *                  (read mem stats, GOMAXPROCS, start trace, ...).
 * mmu[w]           minimum mutator utilisation over windows of w (higher is
 *                  better): go tool trace's default flags (GC STW, background
 *                  workers, assists; system view), u(t) = 1 - (Ps in GC) /
 *                  GOMAXPROCS, u = 0 during a GC STW, with the corrected
 *                  utilisation function (a worker counts for the run its
 *                  non-idle label announces, an assist while its goroutine
 *                  runs, the series closed at the last event). Domain: the
 *                  first GOMAXPROCS event (or the window start) to the last
 *                  event. Exact for each window (mmu.h).
 * block_ns.sync / .network / .syscall, sched_latency_ns
 *                  go tool trace -pprof=sync|net|syscall|sched totals after
 *                  golang/go#74850: goroutine-time Waiting with a reason
 *                  containing chan/sync/select, Waiting with reason
 *                  "network", in Syscall, Runnable; each interval from the
 *                  transition into the state to the next transition out of
 *                  it, clipped to the goroutine's [first run, end] (so the
 *                  wait before a goroutine's first run never counts; a
 *                  goroutine ID re-created by cgo callbacks is a new
 *                  goroutine each time, where go tool trace clips every
 *                  life to the last one);
 *                  intervals still open at the end are dropped. Lower is
 *                  better.
 * runnable_ns      the same Runnable intervals unclipped: includes creation
 *                  to first run, the cost goroutine-per-item designs hide.
 * regions, tasks   runtime/trace regions and tasks with both ends in the
 *                  trace, by name: count, total, max duration. Nested
 *                  regions each count.
 *
 * The timed window. `go test` runs every benchmark as runN(1), runN(n), ...;
 * each runN starts with runtime.GC() and ReadMemStats stop-the-worlds around
 * the timer (trace-metrics.md 7). The timed window is [the end of the GC
 * stop-the-world in which the *last* runN-forced GC's mark phase ended (the
 * world restarting after the forced collection), trace end]: a GC mark phase
 * is runN-forced when the stack of its begin event holds both runtime.GC and
 * testing.(*B).runN. With one benchmark per process and a fixed -benchtime
 * Nx (the gate's runner), that is the measured runN(N) plus runtime.GC's
 * final sweep, StartTimer/StopTimer's ReadMemStats and the harness epilogue.
 * A quantity anchored at an instant (a creation, a GC begin, a STW begin, a
 * region end) counts in the window when that instant is in it; durations
 * (P-time, blocking intervals, regions) are clipped to it. Traces without a
 * runN-forced GC (not from `go test -bench`) have no timed window.
 *
 * Memory: one generation of the file (the reader) plus per live goroutine
 * ~60 bytes, per open region/task/STW a few words, per distinct region/task
 * name/STW reason two stat records, plus the utilisation series: at most one
 * point per event, 2-4 bytes each (mmu.h) -- the only part that grows with
 * the trace.
 */
#ifndef PG_TRACE_METRICS_H
#define PG_TRACE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "pg_error.h"

typedef struct pg_trace_metrics pg_trace_metrics;

/* count / total / max of durations. */
typedef struct pg_trace_stat {
    int64_t count;
    int64_t total_ns;
    int64_t max_ns;
} pg_trace_stat;

/* A named stat: a region or task name, or a STW reason. The name comes from
 * the trace: untrusted bytes, possibly with NULs (name_len is
 * authoritative). */
typedef struct pg_trace_named_stat {
    const char *name;
    size_t name_len;
    pg_trace_stat stat;
} pg_trace_named_stat;

/* The P-time partition in P-ns (see the header comment). */
typedef struct pg_trace_ptime {
    int64_t total_ns; /* integral of GOMAXPROCS */
    int64_t user_ns;
    int64_t user_assist_ns;
    int64_t worker_dedicated_ns;
    int64_t worker_fractional_ns;
    int64_t worker_idle_ns;
    int64_t worker_unlabelled_ns; /* a worker's run at trace start, before any label */
    int64_t runtime_other_ns;
    int64_t gc_stw_ns;
    int64_t stw_other_ns;
    int64_t idle_ns;
    int64_t overcommit_ns; /* Running goroutines beyond GOMAXPROCS (0 in valid traces) */
} pg_trace_ptime;

/* Every metric over one span (the whole trace or the timed window). */
typedef struct pg_trace_figures {
    int64_t start_ns; /* span start, from the first event of the trace */
    int64_t duration_ns;
    int64_t gomaxprocs;
    int64_t goroutines_created;

    pg_trace_ptime ptime;
    /* Fractions of P-time (0 when P-time is 0). */
    double p_utilization; /* user */
    double p_user_assist;
    double p_gc; /* gc_stw + user_assist + all workers */
    double p_gc_workers;
    double p_gc_stw;
    double p_stw_other;
    double p_runtime_other;
    double p_idle;

    struct {
        int64_t count;
        int64_t active_at_start;
        int64_t forced;
        int64_t forced_by_benchmark;
        int64_t mark_total_ns; /* completed mark phases begun in the span */
        int64_t mark_max_ns;
        pg_trace_stat stw; /* GC stop-the-worlds */
    } gc;
    const pg_trace_named_stat *stw; /* every STW reason seen in the span */
    size_t n_stw;

    /* MMU per window of pg_trace_metrics_mmu_windows, same order; n_mmu is 0
     * when the trace had no GOMAXPROCS event. */
    const double *mmu;
    size_t n_mmu;

    int64_t block_sync_ns;
    /* The part of block_sync_ns that package testing spent waiting for the
     * benchmark goroutine (a goroutine blocked with its first frame outside
     * runtime/sync in package testing). Excluded from the gate's
     * block-sync-sec unit; go tool trace's sync total includes it. */
    int64_t block_harness_ns;
    int64_t block_network_ns;
    int64_t block_syscall_ns;
    int64_t sched_latency_ns;
    int64_t runnable_ns;

    const pg_trace_named_stat *regions;
    size_t n_regions;
    const pg_trace_named_stat *tasks;
    size_t n_tasks;
} pg_trace_figures;

/* The MMU windows of go tool trace's documentation and the gate. */
#define PG_TRACE_MMU_DEFAULT_WINDOWS                                                               \
    {                                                                                              \
        100000, 1000000, 10000000, 100000000                                                       \
    }

typedef struct pg_trace_metrics_options {
    const int64_t *mmu_windows_ns; /* NULL: PG_TRACE_MMU_DEFAULT_WINDOWS */
    size_t n_mmu_windows;
} pg_trace_metrics_options;

/* Computes the metrics of the trace at `path` (opts may be NULL). Returns
 * NULL with err set when the file cannot be read at all or holds no
 * complete generation. A trace damaged after its first generation gives a
 * result marked partial (pg_trace_metrics_partial). */
pg_trace_metrics *pg_trace_metrics_compute(const char *path, const pg_trace_metrics_options *opts,
                                           pg_error *err);
/* The same for a trace in memory (not copied); `name` names it in messages. */
pg_trace_metrics *pg_trace_metrics_compute_mem(const void *data, size_t len, const char *name,
                                               const pg_trace_metrics_options *opts, pg_error *err);
void pg_trace_metrics_free(pg_trace_metrics *m);

/* NULL for a complete trace; otherwise the reader's message (file, byte
 * offset, what is wrong): the figures cover the generations before it. */
const char *pg_trace_metrics_partial(const pg_trace_metrics *m);
/* Trace format version from the header (22, 23, 25, 26) and the Go
 * release(s) that write it ("1.23 or 1.24"). */
int pg_trace_metrics_format(const pg_trace_metrics *m);
const char *pg_trace_metrics_go_release(const pg_trace_metrics *m);

const pg_trace_figures *pg_trace_metrics_whole(const pg_trace_metrics *m);
/* NULL when the trace has no runN-forced GC (not a `go test -bench` trace). */
const pg_trace_figures *pg_trace_metrics_timed(const pg_trace_metrics *m);
/* The MMU window sizes (ns) in figure order; returns how many. */
size_t pg_trace_metrics_mmu_windows(const pg_trace_metrics *m, const int64_t **windows_ns);

/* The name of an MMU window in JSON keys and units: the shortest exact
 * spelling, "100us", "1ms", "2500us", "1s". */
void pg_trace_metrics_window_name(int64_t ns, char *buf, size_t n);

/* What the pass read and kept: for the speed benchmark and --verbose. */
typedef struct pg_trace_metrics_info {
    uint64_t events;         /* events read (all kinds) */
    uint64_t generations;    /* complete generations */
    uint64_t bytes;          /* bytes of the file read */
    uint64_t max_goroutines; /* most goroutines tracked at once */
    uint64_t mmu_points;     /* utilisation change points */
    uint64_t mmu_bytes;      /* their encoded size */
} pg_trace_metrics_info;

const pg_trace_metrics_info *pg_trace_metrics_info_of(const pg_trace_metrics *m);

/* Direction of a unit for the gate. */
enum {
    PG_TRACE_LOWER_IS_BETTER = -1,
    PG_TRACE_HIGHER_IS_BETTER = 1,
};

/* One metric as a benchmark unit: the gate treats it like sec/op or B/op.
 * per_op = 1: a total over the span; the gate divides it by the iteration
 * count of the benchmark line and appends "/op" (block-sync-sec ->
 * block-sync-sec/op). per_op = 0: a ratio or a maximum, used as is. */
typedef struct pg_trace_unit {
    const char *unit;
    double value;
    int better; /* PG_TRACE_LOWER_IS_BETTER or PG_TRACE_HIGHER_IS_BETTER */
    int per_op;
} pg_trace_unit;

/* The units of the timed window, or of the whole trace when there is none
 * (*timed says which; may be NULL). Owned by m. Units, in order:
 *   block-sync-sec (without the testing harness's own wait: block_sync_ns -
 *   block_harness_ns), block-net-sec, block-syscall-sec, sched-latency-sec,
 *   runnable-sec, gc-cycles, gc-stw-sec, goroutines  (per op, lower better)
 *   gc-stw-max-sec (lower), p-util (higher), p-gc (lower), p-idle (lower),
 *   mmu-<window> per MMU window, e.g. mmu-1ms (higher; absent when n_mmu is
 *   0). */
const pg_trace_unit *pg_trace_metrics_units(const pg_trace_metrics *m, size_t *n, int *timed);
/* The same units over the whole trace, timed window or not (the config's
 * trace.window: whole). Owned by m. */
const pg_trace_unit *pg_trace_metrics_whole_units(const pg_trace_metrics *m, size_t *n);

#endif
