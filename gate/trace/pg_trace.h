/*
 * Streaming reader for Go execution traces, formats 1.22 through 1.26.
 *
 * A trace (`go test -trace`, runtime/trace.Start, /debug/pprof/trace) is a
 * sequence of generations; the reader buffers one generation at a time,
 * orders its events across threads exactly as Go's own reader
 * (internal/trace) does, tracks goroutine and P states, and hands the events
 * out one by one as semantic events: "goroutine 7 went Running -> Waiting
 * because of `chan receive`", "GC mark phase began", never raw wire bytes.
 * Memory stays bounded by one generation plus the live goroutines, whatever
 * the file size.
 *
 *     pg_trace_reader *r = pg_trace_reader_open(path, &err);   // "-" = stdin
 *     pg_trace_event ev;
 *     int rc;
 *     while ((rc = pg_trace_reader_next(r, &ev, &err)) > 0)
 *         consume(&ev);
 *     if (rc < 0) ...  // err.msg names the byte offset; events delivered so
 *                      // far are valid, pg_trace_reader_partial(r) is 1
 *     pg_trace_reader_free(r);
 *
 * The event stream is the one Go's reader (Go 1.26 internal/trace,
 * golang.org/x/exp/trace) produces for the same file: same events, same
 * order, same nanosecond timestamps (strictly increasing), same contexts.
 * The one difference in shape: Go's Range/Metric/StateTransition kinds are
 * split here into one kind per meaning (PG_TRACE_STW_BEGIN, ...).
 *
 * Lifetimes: strings (pg_trace_str) and stacks in an event stay valid until
 * the reader returns the next PG_TRACE_SYNC event (i.e. for the rest of the
 * generation they belong to); copy or intern what you keep longer. Task
 * names in PG_TRACE_TASK_END are the names seen at the task's Begin (Go does
 * the same), valid under the same rule.
 */
#ifndef PG_TRACE_H
#define PG_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "pg_error.h"

typedef struct pg_trace_reader pg_trace_reader;

/* "None" for thread, P and goroutine ids (Go's NoThread, NoProc, NoGoroutine). */
#define PG_TRACE_NONE ((int64_t)-1)

/* What an event means. Values are stable; new kinds are only appended. */
typedef enum pg_trace_kind {
    /* Generation boundary (Go's EventSync). One precedes the first event of
     * every generation; one more follows the last event of the trace (or the
     * last complete generation before damage). Events between two syncs
     * belong to one generation; the goroutine and P status events right after
     * a sync are mostly re-statements (see pg_trace_go_state.restated). */
    PG_TRACE_SYNC = 1,
    /* A goroutine changed state: u.go. */
    PG_TRACE_GO_STATE,
    /* A P changed state: u.proc. */
    PG_TRACE_PROC_STATE,
    /* Stop-the-world range on the current goroutine: u.range (kind = reason,
     * e.g. "GC mark termination"); Go names it "stop-the-world (<kind>)". */
    PG_TRACE_STW_BEGIN,
    PG_TRACE_STW_END,
    /* Global GC concurrent mark phase ("GC concurrent mark phase"). ACTIVE:
     * the phase was already running when the generation started. */
    PG_TRACE_GC_ACTIVE,
    PG_TRACE_GC_BEGIN,
    PG_TRACE_GC_END,
    /* Incremental sweep on a P (u.range.p; "GC incremental sweep"). END
     * carries u.range.swept / u.range.reclaimed bytes. */
    PG_TRACE_SWEEP_ACTIVE,
    PG_TRACE_SWEEP_BEGIN,
    PG_TRACE_SWEEP_END,
    /* Mark assist by a goroutine (u.range.g; "GC mark assist"). */
    PG_TRACE_ASSIST_ACTIVE,
    PG_TRACE_ASSIST_BEGIN,
    PG_TRACE_ASSIST_END,
    /* Label on a goroutine (u.label): GC workers' "GC (dedicated)" etc. */
    PG_TRACE_GO_LABEL,
    /* runtime/trace user annotations: u.task, u.region, u.log. */
    PG_TRACE_TASK_BEGIN,
    PG_TRACE_TASK_END,
    PG_TRACE_REGION_BEGIN,
    PG_TRACE_REGION_END,
    PG_TRACE_LOG,
    /* Metrics (u.metric.value): "/memory/classes/heap/objects:bytes",
     * "/gc/heap/goal:bytes", "/sched/gomaxprocs:threads". GOMAXPROCS is
     * re-stated at every generation start, so compare with the last value. */
    PG_TRACE_HEAP_ALLOC,
    PG_TRACE_HEAP_GOAL,
    PG_TRACE_GOMAXPROCS,
    /* CPU profile sample (Go's EventStackSample): m/p/g and stack of the
     * sampled thread. */
    PG_TRACE_CPU_SAMPLE,
    /* An experimental event (GODEBUG=traceallocfree=1): u.exp. No state. */
    PG_TRACE_EXPERIMENTAL,
} pg_trace_kind;

/* Goroutine states, numbered as Go's trace.GoState. */
typedef enum pg_trace_gstate {
    PG_TRACE_G_UNDETERMINED = 0, /* before a first-generation status: unknown */
    PG_TRACE_G_NOTEXIST,
    PG_TRACE_G_RUNNABLE,
    PG_TRACE_G_RUNNING,
    PG_TRACE_G_WAITING,
    PG_TRACE_G_SYSCALL,
} pg_trace_gstate;

/* P states, numbered as Go's trace.ProcState. A P held by a goroutine in a
 * syscall is Running, as in Go. */
typedef enum pg_trace_pstate {
    PG_TRACE_P_UNDETERMINED = 0,
    PG_TRACE_P_NOTEXIST,
    PG_TRACE_P_RUNNING,
    PG_TRACE_P_IDLE,
} pg_trace_pstate;

/* A string from the trace: `s` is NUL-terminated (the bytes may also contain
 * NULs and need not be UTF-8; `len` is authoritative). Never NULL: the empty
 * string is {"", 0}. */
typedef struct pg_trace_str {
    const char *s;
    size_t len;
} pg_trace_str;

/* One frame of a stack, innermost first. */
typedef struct pg_trace_frame {
    uint64_t pc;       /* program counter */
    pg_trace_str func; /* function name, e.g. "runtime.gcBgMarkWorker" */
    pg_trace_str file; /* source file path */
    uint64_t line;     /* line number */
} pg_trace_frame;

/* A stack: `n` frames, innermost (leaf) first; n == 0 means "no stack".
 * Frames stay valid like strings (until the next PG_TRACE_SYNC). */
typedef struct pg_trace_stack {
    const pg_trace_frame *frames;
    size_t n;
} pg_trace_stack;

/* PG_TRACE_GO_STATE. */
typedef struct pg_trace_go_state {
    int64_t g;            /* the goroutine that changed state (not always ev.g:
                             GoCreate/GoUnblock name another goroutine) */
    pg_trace_gstate from; /* state before (UNDETERMINED for a goroutine first
                             seen in the trace's first generation) */
    pg_trace_gstate to;   /* state after */
    pg_trace_str reason;  /* GoBlock/GoStop reason ("chan receive", "sleep",
                             "preempted", ...); "" for other transitions */
    pg_trace_stack stack; /* Go's StateTransition.Stack: for creations
                             (NotExist -> Runnable/Waiting) the new goroutine's
                             entry function (one frame); for GoStop/GoBlock/
                             GoSyscallBegin/GoStatusStack the goroutine's own
                             stack; otherwise empty. The creator's stack is
                             ev.stack, the creator goroutine ev.g. */
    int restated;         /* 1: a status re-statement (GoStatus at a generation
                             start or end, section 7.3), not a real transition;
                             from == to except in the first generation */
} pg_trace_go_state;

/* PG_TRACE_PROC_STATE. */
typedef struct pg_trace_proc_state {
    int64_t p;            /* the P that changed state */
    pg_trace_pstate from; /* state before */
    pg_trace_pstate to;   /* state after */
    int restated;         /* 1: ProcStatus re-statement at a generation start */
    int stolen;           /* 1: ProcSteal (P taken from a syscalling thread) */
} pg_trace_proc_state;

/* STW, GC, sweep and assist ranges (PG_TRACE_STW_* .. PG_TRACE_ASSIST_*). */
typedef struct pg_trace_range {
    pg_trace_str kind;  /* STW reason, e.g. "GC sweep termination" (BEGIN and
                           END); "" for the other ranges */
    int64_t p;          /* sweep ranges: the P sweeping; else PG_TRACE_NONE */
    int64_t g;          /* STW and assist ranges: the goroutine; else NONE */
    uint64_t swept;     /* SWEEP_END: bytes swept */
    uint64_t reclaimed; /* SWEEP_END: bytes reclaimed */
} pg_trace_range;

/* PG_TRACE_TASK_BEGIN / PG_TRACE_TASK_END. */
typedef struct pg_trace_task {
    uint64_t id;       /* task id (process-wide, never 0) */
    uint64_t parent;   /* parent task id, 0 = none (END: as seen at BEGIN) */
    pg_trace_str name; /* task type name; "" for an END whose BEGIN is not in
                          the trace */
} pg_trace_task;

/* PG_TRACE_REGION_BEGIN / PG_TRACE_REGION_END, on goroutine ev.g. */
typedef struct pg_trace_region {
    uint64_t task;     /* task the region belongs to, 0 = background */
    pg_trace_str name; /* region type name */
} pg_trace_region;

/* PG_TRACE_LOG. */
typedef struct pg_trace_log {
    uint64_t task;         /* task, 0 = background */
    pg_trace_str category; /* key / category */
    pg_trace_str message;  /* message, at most 1024 bytes (runtime truncates) */
} pg_trace_log;

/* PG_TRACE_GO_LABEL. */
typedef struct pg_trace_label {
    int64_t g;          /* labelled goroutine (the current one) */
    pg_trace_str label; /* "GC (dedicated)", "GC (fractional)", "GC (idle)" */
} pg_trace_label;

/* PG_TRACE_HEAP_ALLOC / PG_TRACE_HEAP_GOAL / PG_TRACE_GOMAXPROCS. */
typedef struct pg_trace_metric {
    uint64_t value; /* bytes, or the GOMAXPROCS value */
} pg_trace_metric;

/* PG_TRACE_SYNC. */
typedef struct pg_trace_sync {
    uint64_t n;        /* 1 for the first sync of the trace, then 2, 3, ... */
    uint64_t gen;      /* wire generation number of the generation that
                          starts here; 0 for the final sync */
    int has_clock;     /* 1 when a clock snapshot follows (format >= 25) */
    int64_t clock_ns;  /* snapshot: trace time (ns, same clock as ev.time) */
    uint64_t mono_ns;  /* snapshot: runtime monotonic clock (ns) */
    int64_t wall_sec;  /* snapshot: wall clock, Unix seconds */
    int64_t wall_nsec; /* snapshot: wall clock, nanoseconds part */
} pg_trace_sync;

/* PG_TRACE_EXPERIMENTAL. */
typedef struct pg_trace_exp {
    const char *name; /* e.g. "HeapObjectAlloc" (static storage) */
    uint64_t args[4]; /* arguments after the timestamp, in wire order */
    int nargs;        /* how many of args[] are set */
} pg_trace_exp;

/* One event. Fields outside the union apply to every kind. */
typedef struct pg_trace_event {
    pg_trace_kind kind;
    int64_t time;         /* ns on the trace clock (nanotime-based on Linux);
                             strictly increasing within a trace */
    int64_t m;            /* thread (OS thread id) that wrote the event, or
                             PG_TRACE_NONE (syncs, late status batches) */
    int64_t p;            /* P bound to that thread then, or PG_TRACE_NONE */
    int64_t g;            /* goroutine running on that thread then (for a
                             goroutine's own transition: before it), or
                             PG_TRACE_NONE */
    pg_trace_stack stack; /* the event's stack (Go's Event.Stack()): block /
                             unblock / create / GC begin / region ... site;
                             n == 0 when none */
    union {
        pg_trace_go_state go;
        pg_trace_proc_state proc;
        pg_trace_range range;
        pg_trace_task task;
        pg_trace_region region;
        pg_trace_log log;
        pg_trace_label label;
        pg_trace_metric metric;
        pg_trace_sync sync;
        pg_trace_exp exp;
    } u;
} pg_trace_event;

/* Opens a trace file; `path` "-" reads standard input. Reads and checks the
 * 16-byte header: traces written by Go <= 1.21 and unknown versions are
 * refused with a message naming the Go version that wrote them. */
pg_trace_reader *pg_trace_reader_open(const char *path, pg_error *err);
/* Reads from an already open descriptor (a pipe is fine; nothing seeks).
 * `name` is used in error messages; the descriptor is not closed by free. */
pg_trace_reader *pg_trace_reader_open_fd(int fd, const char *name, pg_error *err);
/* Reads a trace held in memory (`len` bytes, not copied: keep it alive until
 * free). For tests and the fuzz target. */
pg_trace_reader *pg_trace_reader_open_mem(const void *data, size_t len, const char *name,
                                          pg_error *err);
void pg_trace_reader_free(pg_trace_reader *r);

/* The next event into *ev: returns 1, 0 at the end of the trace, or -1 on
 * damage (err: file, byte offset, what was expected, how many complete
 * generations came before). After -1 the reader is spent (further calls
 * return -1 again) and pg_trace_reader_partial is 1. Damage in the framing
 * (truncation, bad batch headers, tables) is found before a generation is
 * handed out: the last event delivered is then a PG_TRACE_SYNC closing the
 * last complete generation. Damage inside event batches or contradicting
 * events show while a generation is being handed out: the events since
 * the last PG_TRACE_SYNC belong to that incomplete generation. */
int pg_trace_reader_next(pg_trace_reader *r, pg_trace_event *ev, pg_error *err);

/* Trace format version from the header: 22, 23, 25 or 26. */
int pg_trace_reader_version(const pg_trace_reader *r);
/* The Go release(s) that write this format: "1.22", "1.23 or 1.24", "1.25",
 * "1.26". */
const char *pg_trace_reader_go_version(const pg_trace_reader *r);
/* Time (ns) of the first and of the latest event delivered so far; both 0
 * before the first event. After the end these span the whole trace. */
int64_t pg_trace_reader_start_time(const pg_trace_reader *r);
int64_t pg_trace_reader_end_time(const pg_trace_reader *r);
/* Number of generations started so far (complete or being delivered). */
uint64_t pg_trace_reader_generations(const pg_trace_reader *r);
/* 1 once the read stopped on damage (next returned -1), else 0. */
int pg_trace_reader_partial(const pg_trace_reader *r);
/* Bytes of the file consumed so far (header included). */
uint64_t pg_trace_reader_offset(const pg_trace_reader *r);

/* Names for diagnostics and dumps: "GoState", "Running", "Idle", ... */
const char *pg_trace_kind_name(pg_trace_kind k);
const char *pg_trace_gstate_name(pg_trace_gstate s);
const char *pg_trace_pstate_name(pg_trace_pstate s);

#endif
