/*
 * The trace reader's public face (pg_trace.h): Go's internal/trace Reader
 * (reader.go) in C.
 *
 * A generation is read completely (trace_gen.c), then its threads are
 * merged: a binary min-heap of cursors keyed by the time of each thread's
 * next event, exactly Go's heap (ties go where Go's sift operations put
 * them). The heap top is offered to the ordering state machine
 * (trace_drive.h); when it must wait, the cursors are sorted by time and
 * tried in turn. CPU samples are slotted in by time. This file's sink puts
 * the first event of a step straight into the caller's struct and queues
 * the others (a GoSwitch makes three). Syncs mark generations, including
 * the final one and the one Go emits before reporting damage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_alloc.h"
#include "pg_buf.h"
#include "trace_internal.h"

/* ---- the frontier heap (Go's heapInsert/heapUpdate/heapRemove) ---- */

static inline void heap_swap(pg_trace_reader *r, size_t a, size_t b)
{
    trace_hent t = r->heap[a];
    r->heap[a] = r->heap[b];
    r->heap[b] = t;
}

size_t trace_heap_sift_up(pg_trace_reader *r, size_t i)
{
    while (i > 0 && r->heap[(i - 1) / 2].time > r->heap[i].time) {
        heap_swap(r, (i - 1) / 2, i);
        i = (i - 1) / 2;
    }
    return i;
}

/* Go's heapSiftDown with min3: the parent stays on ties, the left child
 * wins over the right one. */
void trace_heap_sift_down(pg_trace_reader *r, size_t i)
{
    trace_hent *h = r->heap;
    size_t n = r->nheap;
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        int64_t t = h[i].time;
        if (l < n && h[l].time < t) {
            m = l;
            t = h[l].time;
        }
        if (l + 1 < n && h[l + 1].time < t)
            m = l + 1;
        if (m == i)
            return;
        heap_swap(r, i, m);
        i = m;
    }
}

static void heap_insert(pg_trace_reader *r, uint32_t ci)
{
    r->heap = pg_xgrow(r->heap, &r->heap_cap, r->nheap + 1, sizeof *r->heap);
    r->heap[r->nheap++] = (trace_hent){r->gen.cursors[ci].time, ci};
    trace_heap_sift_up(r, r->nheap - 1);
}

void trace_heap_remove(pg_trace_reader *r, size_t i)
{
    while (i > 0) {
        heap_swap(r, (i - 1) / 2, i);
        i = (i - 1) / 2;
    }
    heap_swap(r, 0, r->nheap - 1);
    r->nheap--;
    trace_heap_sift_down(r, 0);
}

static int64_t hent_key(const void *ctx, uint32_t i)
{
    return ((const trace_hent *)ctx)[i].time;
}

/* Go sorts the frontier (slices.SortFunc) when the earliest event must
 * wait: sort positions with the same swaps, then reorder the entries. */
void trace_reader_sort_frontier(pg_trace_reader *r)
{
    size_t n = r->nheap;
    r->order_idx = pg_xgrow(r->order_idx, &r->order_idx_cap, n, sizeof *r->order_idx);
    r->heap_tmp = pg_xgrow(r->heap_tmp, &r->heap_tmp_cap, n, sizeof *r->heap_tmp);
    for (size_t i = 0; i < n; i++)
        r->order_idx[i] = (uint32_t)i;
    trace_sort(r->order_idx, n, hent_key, r->heap);
    for (size_t i = 0; i < n; i++)
        r->heap_tmp[i] = r->heap[r->order_idx[i]];
    memcpy(r->heap, r->heap_tmp, n * sizeof *r->heap);
}

/* ---- reading generations ---- */

int trace_reader_fail(pg_trace_reader *r, pg_error *err)
{
    r->failed = 1;
    r->sample_time = INT64_MIN; /* trace_drive_step's filter: see the failure */
    if (err && err != &r->perr)
        *err = r->perr;
    return -1;
}

/* The message for damage found while reading generation `gen`. */
void trace_reader_damaged(pg_trace_reader *r)
{
    /* A generation being handed out when the damage showed is incomplete. */
    uint64_t complete = r->ngens - (r->have_gen ? 1 : 0);
    char ctx[160];
    snprintf(ctx, sizeof ctx,
             "; the trace is damaged or truncated (%llu complete generation%s read before "
             "this point)",
             (unsigned long long)complete, complete == 1 ? "" : "s");
    size_t n = strlen(r->perr.msg);
    snprintf(r->perr.msg + n, sizeof r->perr.msg - n, "%s", ctx);
}

/* Reads the next generation into r->gen: 1, 0 when the input has no more,
 * -1 on damage that spoils this generation (r->perr). Damage right after a
 * complete version < 26 generation is deferred (r->pending = 1) and the
 * generation returned. */
static int read_generation(pg_trace_reader *r)
{
    trace_gen *g = &r->gen;
    pg_error *err = &r->perr;
    trace_bhdr h;
    trace_gen_reset(g);
    if (r->version >= 26) {
        for (;;) {
            int rc = trace_read_bhdr(&r->in, r->version, &h, err);
            if (rc < 0)
                return -1;
            if (rc == 0) {
                if (g->nall == 0)
                    return 0;
                return pg_error_set(err,
                                    "%s: byte %llu: the file ends inside generation %llu, which "
                                    "has no end-of-generation byte (0x34)",
                                    r->name, (unsigned long long)h.off, (unsigned long long)g->gen);
            }
            if (h.eog)
                break;
            if (h.gen == 0)
                return pg_error_set(err, "%s: byte %llu: invalid generation number 0", r->name,
                                    (unsigned long long)h.off);
            if (g->nall == 0)
                g->gen = h.gen;
            else if (h.gen != g->gen)
                return pg_error_set(err,
                                    "%s: byte %llu: a batch of generation %llu inside generation "
                                    "%llu: expected the end-of-generation byte (0x34) first",
                                    r->name, (unsigned long long)h.off, (unsigned long long)h.gen,
                                    (unsigned long long)g->gen);
            if (trace_gen_add_batch(g, r->version, &h, &r->in, err))
                return -1;
        }
        if (g->nall == 0)
            return pg_error_set(err, "%s: byte %llu: an empty generation", r->name,
                                (unsigned long long)h.off);
    } else {
        if (r->have_spill) {
            r->have_spill = 0;
            g->gen = r->spill.gen;
            if (trace_gen_add_batch(g, r->version, &r->spill, &r->in, err))
                return -1;
        }
        for (;;) {
            int rc = trace_read_bhdr(&r->in, r->version, &h, err);
            if (rc == 0) {
                r->at_eof = 1;
                break;
            }
            if (rc < 0) {
                /* Damage in a header that starts the next generation: this
                 * one is complete. (Before the generation number, nobody can
                 * tell: the damage counts as this generation's.) */
                if (g->nall > 0 && h.have_gen && h.gen == g->gen + 1) {
                    r->pending = 1;
                    break;
                }
                return -1;
            }
            if (h.gen == 0)
                return pg_error_set(err, "%s: byte %llu: invalid generation number 0", r->name,
                                    (unsigned long long)h.off);
            if (g->nall == 0) {
                g->gen = h.gen;
            } else if (h.gen == g->gen + 1) {
                r->spill = h;
                r->have_spill = 1;
                break;
            } else if (h.gen != g->gen) {
                return pg_error_set(err,
                                    "%s: byte %llu: a batch of generation %llu after generation "
                                    "%llu: generations out of order",
                                    r->name, (unsigned long long)h.off, (unsigned long long)h.gen,
                                    (unsigned long long)g->gen);
            }
            if (trace_gen_add_batch(g, r->version, &h, &r->in, err))
                return -1;
        }
        if (g->nall == 0)
            return r->pending ? -1 : 0;
    }
    if (trace_gen_finish(g, r->version, err))
        return -1;
    return 1;
}

static int deliver_sync(pg_trace_reader *r, pg_trace_event *ev, int64_t t, int with_gen)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = PG_TRACE_SYNC;
    ev->time = t;
    ev->m = ev->p = ev->g = PG_TRACE_NONE;
    ev->u.sync.n = ++r->syncs;
    if (with_gen) {
        const trace_gen *g = &r->gen;
        ev->u.sync.gen = g->gen;
        if (g->has_clock) {
            ev->u.sync.has_clock = 1;
            ev->u.sync.clock_ns = trace_freq_mul(g->freq, g->snap_ticks);
            ev->u.sync.mono_ns = g->snap_mono;
            ev->u.sync.wall_sec = (int64_t)g->snap_sec;
            ev->u.sync.wall_nsec = (int64_t)g->snap_nsec;
        }
    }
    return 1;
}

/* Keeps trace_drive_step's filter: the time of the next CPU sample. */
static void sample_filter(pg_trace_reader *r)
{
    const trace_gen *g = &r->gen;
    r->sample_time =
        r->have_gen && g->next_sample < g->nsamples ? g->samples[g->next_sample].time : INT64_MAX;
}

/* Go's "refresh the generation" step: a Sync for the new generation, the
 * final Sync, or the Sync that precedes a damage report. */
int trace_reader_refresh(pg_trace_reader *r, pg_trace_event *ev, pg_error *err)
{
    if (r->pending == 2)
        return trace_reader_fail(r, err);
    r->have_gen = 0;
    sample_filter(r);
    if (r->pending == 1) {
        trace_reader_damaged(r);
        r->pending = 2;
        return deliver_sync(r, ev, r->last_ts, 0);
    }
    if (r->at_eof) {
        r->done = 1;
        return deliver_sync(r, ev, r->last_ts, 0);
    }
    int rc = read_generation(r);
    if (rc == 0 && r->ngens == 0) {
        pg_error_set(&r->perr, "%s: byte %llu: the trace has no generations after its header",
                     r->name, (unsigned long long)trace_input_offset(&r->in));
        rc = -1;
    }
    if (rc < 0) {
        trace_reader_damaged(r);
        r->pending = 2;
        return deliver_sync(r, ev, r->last_ts, 0);
    }
    if (rc == 0) {
        r->done = 1;
        return deliver_sync(r, ev, r->last_ts, 0);
    }
    r->have_gen = 1;
    r->ngens++;
    r->nheap = 0;
    for (size_t i = 0; i < r->gen.ncursors; i++) {
        int n = trace_cursor_next(&r->gen, &r->gen.cursors[i], &r->perr);
        if (n < 0) {
            trace_reader_damaged(r);
            return trace_reader_fail(r, err);
        }
        if (n)
            heap_insert(r, (uint32_t)i);
    }
    /* Go's ordering takes the generation of the first event it orders. */
    if (!r->order.have_initial_gen && r->nheap > 0) {
        r->order.initial_gen = r->gen.gen;
        r->order.have_initial_gen = 1;
    }
    sample_filter(r);
    return deliver_sync(r, ev, trace_freq_mul(r->gen.freq, r->gen.min_ts), 1);
}

/* A stack id of a CPU sample. Go never checks those against the table (and
 * would crash on a bad one); an unknown id reads as no stack here. */
static pg_trace_stack sample_stack(const trace_gen *g, uint64_t id)
{
    uint32_t i = id ? trace_gen_stack(g, id) : TRACE_NONE_IDX;
    if (i == TRACE_NONE_IDX)
        return (pg_trace_stack){NULL, 0};
    return (pg_trace_stack){g->frames + g->stacks[i].first, g->stacks[i].n};
}

void trace_reader_sample(pg_trace_reader *r, pg_trace_event *ev)
{
    trace_gen *g = &r->gen;
    const trace_cpu_sample *s = &g->samples[g->next_sample++];
    memset(ev, 0, sizeof *ev);
    ev->kind = PG_TRACE_CPU_SAMPLE;
    ev->time = s->time;
    ev->m = s->m;
    ev->p = s->p;
    ev->g = s->g;
    ev->stack = sample_stack(g, s->stack);
    sample_filter(r);
}

/* Names the events that wait on each other when nothing can advance. */
void trace_reader_stuck(pg_trace_reader *r)
{
    pg_buf b = {0};
    for (size_t i = 0; i < r->nheap && i < 8; i++) {
        const trace_cursor *c = &r->gen.cursors[r->heap[i].ci];
        pg_buf_printf(&b, "%s%s at byte %llu on thread %lld", i ? ", " : "",
                      trace_specs[c->typ].name, (unsigned long long)trace_cursor_off(&r->gen, c),
                      (long long)c->m);
    }
    pg_error_set(&r->perr,
                 "%s: generation %llu: no thread's next event can happen (%s): the events "
                 "contradict each other",
                 r->name, (unsigned long long)r->gen.gen, pg_buf_str(&b));
    pg_buf_free(&b);
}

/* ---- handing the events out ---- */

/* The first event of a step goes straight into the caller's struct
 * (r->direct), the rest to the queue (allocated on first use: readers
 * driven by the metrics engine never need it). */
static pg_trace_event *queue_slot(pg_trace_reader *r)
{
    pg_trace_event *e = r->direct;
    if (e) {
        r->direct = NULL;
        return e;
    }
    if (r->qend - r->qstart == r->qcap) {
        size_t cap = r->qcap ? 2 * r->qcap : 8;
        pg_trace_event *nq = pg_xmalloc(cap * sizeof *nq);
        for (size_t i = r->qstart; i < r->qend; i++)
            nq[i - r->qstart] = r->q[i & (r->qcap - 1)];
        free(r->q);
        r->q = nq;
        r->qend -= r->qstart;
        r->qstart = 0;
        r->qcap = cap;
    }
    return &r->q[r->qend++ & (r->qcap - 1)];
}

/* The next queued event, valid until the next step; NULL if none. */
static const pg_trace_event *queue_pop(pg_trace_reader *r)
{
    if (r->qstart == r->qend)
        return NULL;
    return &r->q[r->qstart++ & (r->qcap - 1)];
}

typedef pg_trace_reader trace_sink;

static inline pg_trace_event *trace_sink_slot(trace_sink *r, pg_trace_event *local)
{
    (void)local;
    return queue_slot(r);
}

/* Built in place: nothing more to do. */
static inline void trace_sink_event(trace_sink *r, const pg_trace_event *ev, uint32_t slot)
{
    (void)r, (void)ev, (void)slot;
}

#include "trace_drive.h"

int pg_trace_reader_next(pg_trace_reader *r, pg_trace_event *ev, pg_error *err)
{
    for (;;) {
        const pg_trace_event *q = queue_pop(r);
        if (unlikely(q != NULL)) {
            *ev = *q;
            r->end_ts = ev->time;
            return 1;
        }
        r->direct = ev;
        int rc = trace_drive_step(r, r, err);
        int direct = r->direct == NULL;
        r->direct = NULL;
        if (rc <= 0)
            return rc;
        if (likely(direct)) {
            r->end_ts = ev->time;
            return 1;
        }
    }
}

/* ---- opening ---- */

static pg_trace_reader *start(pg_trace_reader *r, pg_error *err)
{
    trace_gen_init(&r->gen, &r->in);
    trace_order_init(&r->order);
    r->version = trace_input_header(&r->in, err);
    if (r->version < 0) {
        pg_trace_reader_free(r);
        return NULL;
    }
    return r;
}

pg_trace_reader *pg_trace_reader_open_fd(int fd, const char *name, pg_error *err)
{
    pg_trace_reader *r = pg_xcalloc(1, sizeof *r);
    r->name = pg_xstrdup(name);
    trace_input_open_fd(&r->in, fd, 0, r->name);
    return start(r, err);
}

pg_trace_reader *pg_trace_reader_open(const char *path, pg_error *err)
{
    if (strcmp(path, "-") == 0)
        return pg_trace_reader_open_fd(0, "<stdin>", err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pg_error_set(err, "cannot open trace %s: %s", path, strerror(errno));
        return NULL;
    }
    pg_trace_reader *r = pg_xcalloc(1, sizeof *r);
    r->name = pg_xstrdup(path);
    trace_input_open_fd(&r->in, fd, 1, r->name);
    return start(r, err);
}

pg_trace_reader *pg_trace_reader_open_mem(const void *data, size_t len, const char *name,
                                          pg_error *err)
{
    pg_trace_reader *r = pg_xcalloc(1, sizeof *r);
    r->name = pg_xstrdup(name);
    trace_input_open_mem(&r->in, data, len, r->name);
    return start(r, err);
}

void pg_trace_reader_free(pg_trace_reader *r)
{
    if (!r)
        return;
    trace_input_close(&r->in);
    trace_gen_free(&r->gen);
    trace_order_free(&r->order);
    free(r->q);
    free(r->heap);
    free(r->order_idx);
    free(r->heap_tmp);
    free(r->name);
    free(r);
}

/* ---- accessors ---- */

int pg_trace_reader_version(const pg_trace_reader *r)
{
    return r->version;
}

const char *pg_trace_reader_go_version(const pg_trace_reader *r)
{
    switch (r->version) {
    case 22:
        return "1.22";
    case 23:
        return "1.23 or 1.24";
    case 25:
        return "1.25";
    default:
        return "1.26";
    }
}

int64_t pg_trace_reader_start_time(const pg_trace_reader *r)
{
    return r->started ? r->start_ts : 0;
}

int64_t pg_trace_reader_end_time(const pg_trace_reader *r)
{
    return r->started ? r->end_ts : 0;
}

uint64_t pg_trace_reader_generations(const pg_trace_reader *r)
{
    return r->ngens;
}

int pg_trace_reader_partial(const pg_trace_reader *r)
{
    return r->failed;
}

uint64_t pg_trace_reader_offset(const pg_trace_reader *r)
{
    return trace_input_offset(&r->in);
}

/* ---- names ---- */

const char *pg_trace_kind_name(pg_trace_kind k)
{
    static const char *const names[] = {
        [PG_TRACE_SYNC] = "Sync",
        [PG_TRACE_GO_STATE] = "GoState",
        [PG_TRACE_PROC_STATE] = "ProcState",
        [PG_TRACE_STW_BEGIN] = "STWBegin",
        [PG_TRACE_STW_END] = "STWEnd",
        [PG_TRACE_GC_ACTIVE] = "GCActive",
        [PG_TRACE_GC_BEGIN] = "GCBegin",
        [PG_TRACE_GC_END] = "GCEnd",
        [PG_TRACE_SWEEP_ACTIVE] = "SweepActive",
        [PG_TRACE_SWEEP_BEGIN] = "SweepBegin",
        [PG_TRACE_SWEEP_END] = "SweepEnd",
        [PG_TRACE_ASSIST_ACTIVE] = "AssistActive",
        [PG_TRACE_ASSIST_BEGIN] = "AssistBegin",
        [PG_TRACE_ASSIST_END] = "AssistEnd",
        [PG_TRACE_GO_LABEL] = "GoLabel",
        [PG_TRACE_TASK_BEGIN] = "TaskBegin",
        [PG_TRACE_TASK_END] = "TaskEnd",
        [PG_TRACE_REGION_BEGIN] = "RegionBegin",
        [PG_TRACE_REGION_END] = "RegionEnd",
        [PG_TRACE_LOG] = "Log",
        [PG_TRACE_HEAP_ALLOC] = "HeapAlloc",
        [PG_TRACE_HEAP_GOAL] = "HeapGoal",
        [PG_TRACE_GOMAXPROCS] = "GOMAXPROCS",
        [PG_TRACE_CPU_SAMPLE] = "CPUSample",
        [PG_TRACE_EXPERIMENTAL] = "Experimental",
    };
    if ((unsigned)k < sizeof names / sizeof names[0] && names[k])
        return names[k];
    return "Bad";
}

const char *pg_trace_gstate_name(pg_trace_gstate s)
{
    static const char *const names[] = {"Undetermined", "NotExist", "Runnable",
                                        "Running",      "Waiting",  "Syscall"};
    return (unsigned)s < 6 ? names[s] : "Bad";
}

const char *pg_trace_pstate_name(pg_trace_pstate s)
{
    static const char *const names[] = {"Undetermined", "NotExist", "Running", "Idle"};
    return (unsigned)s < 4 ? names[s] : "Bad";
}
