/*
 * The trace metrics (pg_trace_metrics.h) in one streaming pass over the
 * reader's events.
 *
 * Everything is charged as events arrive, and what is only known later is
 * carried per goroutine until it is known: a goroutine's class (user,
 * runtime, GC worker) comes from its entry function, which may first appear
 * long after it started running, so its run time waits in an "unresolved"
 * bucket; a blocking interval closed before the goroutine's first run counts
 * only if it never runs (go tool trace clips to [first run, end]), so it
 * waits in a "pending" record. The timed window is found on the way too: at
 * every runN-forced GC the window accumulators restart, and the last restart
 * wins (a contribution is added to the window accumulators only when its
 * anchor is at or after the current window start, so a restart wipes exactly
 * what precedes it).
 *
 * The engine is the reader's sink (trace_drive.h): the reader's per-event
 * step is compiled into this file, so that each goroutine transition runs
 * the engine's code inlined where the ordering made it, with its from/to
 * states known, and finds its goroutine's record by the reader's slot
 * rather than by a second id lookup. State is per live goroutine (struct
 * gor, 40 bytes), per open region/task/STW, per distinct name, and the
 * utilisation series (mmu.h). A trace damaged in the middle of a generation
 * is read a second time up to the last complete generation, so the figures
 * never include half a generation (the reader hands out a generation's
 * events only after reading all of it, so this is rare: it takes a
 * generation that decodes but cannot be ordered).
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu.h"
#include "pg_alloc.h"
#include "pg_intern.h"
#include "pg_trace.h"
#include "pg_trace_metrics.h"
#include "trace_internal.h" /* trace_map, the reader */

/* The per-event helpers: inlined into each goroutine transition, where its
 * from/to states are known. */
#define HOT __attribute__((always_inline)) static inline

/* Goroutine classes for P-time (known once the entry function is). */
enum { CLS_UNKNOWN, CLS_USER, CLS_RUNTIME, CLS_WORKER };
/* Latest mark-worker label. */
enum { MODE_NONE, MODE_DEDICATED, MODE_FRACTIONAL, MODE_IDLE };
/* The blocking interval a goroutine has open (at most one: each needs its
 * state, and a goroutine is in one state). */
enum { OPEN_NONE, OPEN_NET, OPEN_SYNC, OPEN_SYSCALL, OPEN_RUNNABLE };
/* G_HARNESS: the open sync wait is package testing waiting for the
 * benchmark (see harness_wait). */
enum { G_STARTED = 1, G_ASSIST = 2, G_GCRUN = 4, G_HARNESS = 8 };

/* P-time classes. */
enum {
    PT_USER,
    PT_USER_ASSIST,
    PT_WORKER_DEDICATED,
    PT_WORKER_FRACTIONAL,
    PT_WORKER_IDLE,
    PT_WORKER_UNLABELLED,
    PT_RUNTIME,
    PT_GC_STW,
    PT_STW_OTHER,
    PT_IDLE,
    PT_OVERCOMMIT,
    PT_N
};

/* Blocking totals; the first four are clipped to the goroutine's life.
 * BL_HARNESS is the part of BL_SYNC spent by the testing package waiting
 * for the benchmark goroutine. */
enum { BL_NET, BL_SYNC, BL_SYSCALL, BL_SCHED, BL_RUNNABLE, BL_HARNESS, BL_N };
#define BL_CLIPPED 4

static const uint8_t open_state[] = {
    [OPEN_NET] = PG_TRACE_G_WAITING,
    [OPEN_SYNC] = PG_TRACE_G_WAITING,
    [OPEN_SYSCALL] = PG_TRACE_G_SYSCALL,
    [OPEN_RUNNABLE] = PG_TRACE_G_RUNNABLE,
};
static const uint8_t open_block[] = {
    [OPEN_NET] = BL_NET,
    [OPEN_SYNC] = BL_SYNC,
    [OPEN_SYSCALL] = BL_SYSCALL,
    [OPEN_RUNNABLE] = BL_SCHED,
};

/* wait_opens' answer for a reason and stack, by their addresses, in the
 * generation numbered `stamp`: Waiting transitions come from a few places
 * in a program, and classifying one costs string compares. */
typedef struct wait_entry {
    const char *reason;
    const pg_trace_frame *frames;
    size_t n;
    uint64_t stamp;
    uint8_t open, harness;
} wait_entry;

typedef struct gor {
    int64_t g;         /* the goroutine's id */
    int64_t open_time; /* start of the open blocking interval */
    int64_t seg_start; /* non-STW clock when the current run segment began */
    uint32_t region;   /* innermost open region frame, or TRACE_NONE_IDX */
    uint8_t live, state, cls, mode, open, flags;
} gor;

/* Run time of a goroutine whose class is not known yet: [0] plain, [1] in a
 * mark assist; `win` is valid for window `epoch` only. */
typedef struct unresolved {
    int64_t whole[2], win[2];
    uint32_t epoch;
} unresolved;

/* Blocking intervals closed before the goroutine's first run, per clipped
 * kind. Go's state machine allows at most one (a syscall the goroutine was
 * in when the trace started, left without its P). */
typedef struct pending {
    int64_t lo[BL_CLIPPED], hi[BL_CLIPPED];
    uint8_t used;
} pending;

typedef struct region_frame {
    int64_t begin;
    uint32_t name;
    uint32_t next;
} region_frame;

typedef struct task_rec {
    int64_t begin;
    uint32_t name;
} task_rec;

typedef struct stw_rec {
    int64_t g, begin;
    uint32_t reason;
    uint8_t gc;
} stw_rec;

/* Per-name stats of one span, indexed by the name's intern id. */
typedef struct stat_table {
    pg_trace_stat *s;
    size_t cap;
} stat_table;

static pg_trace_stat *stat_at(stat_table *t, size_t id)
{
    if (id >= t->cap) {
        size_t old = t->cap;
        t->s = pg_xgrow(t->s, &t->cap, id + 1, sizeof *t->s);
        memset(t->s + old, 0, (t->cap - old) * sizeof *t->s);
    }
    return &t->s[id];
}

/* Times inside the engine are ns since the first event, at most TIME_MAX
 * (146 years; a damaged trace can carry any timestamp), so differences never
 * overflow; totals of goroutine-time and P-time saturate instead. */
#define TIME_MAX ((int64_t)1 << 62)

HOT void add_sat(int64_t *acc, int64_t v)
{
    if (__builtin_add_overflow(*acc, v, acc))
        *acc = INT64_MAX;
}

HOT int64_t mul_sat(int64_t a, int64_t b)
{
    int64_t r;
    return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

static void stat_add(pg_trace_stat *s, int64_t d)
{
    s->count++;
    add_sat(&s->total_ns, d);
    if (d > s->max_ns)
        s->max_ns = d;
}

/* A string table from the trace's names to dense ids, with a cache keyed by
 * the string's address: within a generation one address is one string
 * (pg_trace.h), so most lookups skip hashing the bytes. `stamp` is the
 * generation an entry was filled in. */
#define NAME_CACHE 64

typedef struct name_table {
    pg_intern *ids;
    struct {
        const char *s;
        size_t len;
        uint64_t stamp;
        uint32_t id;
    } cache[NAME_CACHE];
} name_table;

static uint32_t name_id(name_table *n, pg_trace_str str, uint64_t stamp)
{
    size_t slot = ((uintptr_t)str.s >> 3) % NAME_CACHE;
    if (n->cache[slot].s == str.s && n->cache[slot].len == str.len && n->cache[slot].stamp == stamp)
        return n->cache[slot].id;
    uint32_t id = (uint32_t)pg_intern_add(n->ids, str.s, str.len, NULL);
    n->cache[slot].s = str.s;
    n->cache[slot].len = str.len;
    n->cache[slot].stamp = stamp;
    n->cache[slot].id = id;
    return id;
}

/* The accumulators of one span. */
typedef struct span {
    int64_t pt[PT_N];
    int64_t block[BL_N];
    int64_t created, gc_count, gc_forced, gc_bench, mark_total, mark_max;
    pg_trace_stat gc_stw;
    stat_table stw, regions, tasks; /* last: span_zero keeps their memory */
} span;

static void span_zero(span *s)
{
    memset(s, 0, offsetof(span, stw));
    stat_table *tables[] = {&s->stw, &s->regions, &s->tasks};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (tables[i]->s)
            memset(tables[i]->s, 0, tables[i]->cap * sizeof *tables[i]->s);
}

static void span_free(span *s)
{
    free(s->stw.s);
    free(s->regions.s);
    free(s->tasks.s);
}

typedef struct engine {
    gor *gs; /* by the reader's goroutine slot (trace_drive.h) */
    size_t cap_gs;
    trace_map unrmap;  /* goroutine id -> unres index */
    trace_pool unres;  /* unresolved */
    trace_map pendmap; /* goroutine id -> pend index */
    trace_pool pend;   /* pending */
    trace_pool frames; /* region_frame */
    trace_map taskmap; /* task id -> tasks index */
    trace_pool tasks;  /* task_rec */
    stw_rec *stws;     /* open stop-the-worlds */
    size_t nstw, cap_stws;
    name_table stw_names, region_names, task_names, reasons;
    uint8_t *reason_open; /* blocking reason id -> OPEN_NET / OPEN_SYNC / OPEN_NONE */
    size_t cap_reason_open;
    wait_entry wait_cache[64];

    int64_t procs; /* GOMAXPROCS, 0 until known */
    /* Before the first GOMAXPROCS value: gap time by STW kind and by the
     * number of Running goroutines, charged when the value arrives. */
    int64_t pre_gc_stw, pre_other_stw;
    int64_t *pre_by_running;
    size_t cap_pre;

    int64_t n_running, n_gc_running;
    int gc_stw_open, other_stw_open;
    /* procs, n_gc_running or gc_stw_open changed since the utilisation
     * series last took the state: engine_series has work to do */
    int series_dirty;
    int gap_plain; /* no stop-the-world open and procs known: see charge_gap */
    int64_t clock; /* time outside stop-the-worlds */

    int mark_open, mark_bench;
    int64_t mark_begin, active_at_start;

    mmu_series series;

    span whole, win;
    /* The gap-charged P-time classes (STW, idle, overcommit) are charged to
     * the whole trace only; the window's are the difference from this
     * snapshot taken at its start. */
    int64_t pt_at_window[PT_N];
    int has_window, window_pending;
    int64_t ws, win_clock;
    uint32_t epoch;
    mmu_mark win_mark;

    int64_t first_abs; /* the first event's time on the trace clock */
    int64_t now;       /* the current event's, since the first */
    int have_time;
    uint64_t events, syncs, live, max_live;
    /* the driver's: stop after the sync numbered `stop` (0: never); whether
     * the latest event was inside a generation (not a sync) */
    uint64_t stop;
    int stopped, mid;
} engine;

static void engine_init(engine *e)
{
    memset(e, 0, sizeof *e);
    trace_pool_init(&e->unres, sizeof(unresolved));
    trace_pool_init(&e->pend, sizeof(pending));
    trace_pool_init(&e->frames, sizeof(region_frame));
    trace_pool_init(&e->tasks, sizeof(task_rec));
    e->stw_names.ids = pg_intern_create();
    e->region_names.ids = pg_intern_create();
    e->task_names.ids = pg_intern_create();
    e->reasons.ids = pg_intern_create();
    mmu_series_init(&e->series);
    e->series_dirty = 1;
    e->ws = -1; /* no window yet: every time is after it */
}

static void engine_free(engine *e)
{
    trace_map_free(&e->unrmap);
    trace_map_free(&e->pendmap);
    trace_map_free(&e->taskmap);
    free(e->gs);
    trace_pool_free(&e->unres);
    trace_pool_free(&e->pend);
    trace_pool_free(&e->frames);
    trace_pool_free(&e->tasks);
    free(e->stws);
    free(e->pre_by_running);
    pg_intern_free(e->stw_names.ids);
    pg_intern_free(e->region_names.ids);
    pg_intern_free(e->task_names.ids);
    pg_intern_free(e->reasons.ids);
    free(e->reason_open);
    mmu_series_free(&e->series);
    span_free(&e->whole);
    span_free(&e->win);
}

static inline gor *gor_at(engine *e, uint32_t i)
{
    return &e->gs[i];
}

/* The record of goroutine g at the reader's slot, created in state `state`
 * when new (slots are reused once a goroutine has ended). */
HOT uint32_t gor_get(engine *e, uint32_t slot, int64_t g, uint8_t state)
{
    if (unlikely(slot >= e->cap_gs)) {
        size_t old = e->cap_gs;
        e->gs = pg_xgrow(e->gs, &e->cap_gs, (size_t)slot + 1, sizeof *e->gs);
        memset(e->gs + old, 0, (e->cap_gs - old) * sizeof *e->gs);
    }
    gor *r = &e->gs[slot];
    if (likely(r->live && r->g == g))
        return slot;
    *r = (gor){.g = g, .region = TRACE_NONE_IDX, .live = 1, .state = state};
    if (++e->live > e->max_live)
        e->max_live = e->live;
    return slot;
}

/* ---- P-time of running goroutines ---- */

HOT int run_class(const gor *r)
{
    switch (r->cls) {
    case CLS_WORKER:
        return r->mode == MODE_DEDICATED    ? PT_WORKER_DEDICATED
               : r->mode == MODE_FRACTIONAL ? PT_WORKER_FRACTIONAL
               : r->mode == MODE_IDLE       ? PT_WORKER_IDLE
                                            : PT_WORKER_UNLABELLED;
    case CLS_RUNTIME:
        return PT_RUNTIME;
    case CLS_USER:
        return r->flags & G_ASSIST ? PT_USER_ASSIST : PT_USER;
    }
    return -1;
}

/* Charges the running goroutine's time since its segment began (outside
 * stop-the-worlds, which P-time charges to the STW classes). */
HOT void seg_close(engine *e, uint32_t gi, int64_t g)
{
    gor *r = gor_at(e, gi);
    if (r->state != PG_TRACE_G_RUNNING)
        return;
    int64_t whole = e->clock - r->seg_start;
    int64_t lo = r->seg_start > e->win_clock ? r->seg_start : e->win_clock;
    int64_t win = e->clock > lo ? e->clock - lo : 0;
    r->seg_start = e->clock;
    int c = run_class(r);
    if (c >= 0) {
        add_sat(&e->whole.pt[c], whole);
        add_sat(&e->win.pt[c], win);
        return;
    }
    int k = (r->flags & G_ASSIST) != 0;
    uint32_t ui = trace_map_get(&e->unrmap, (uint64_t)g);
    if (ui == TRACE_NONE_IDX) {
        ui = trace_pool_get(&e->unres);
        trace_map_put(&e->unrmap, (uint64_t)g, ui);
    }
    unresolved *u = TRACE_POOL_AT(&e->unres, unresolved, ui);
    add_sat(&u->whole[k], whole);
    if (u->epoch != e->epoch) {
        u->win[0] = u->win[1] = 0;
        u->epoch = e->epoch;
    }
    add_sat(&u->win[k], win);
}

/* Fixes the goroutine's class and charges the time it ran before. */
static void resolve(engine *e, uint32_t gi, int64_t g, uint8_t cls)
{
    seg_close(e, gi, g);
    gor_at(e, gi)->cls = cls;
    uint32_t ui = trace_map_get(&e->unrmap, (uint64_t)g);
    if (ui == TRACE_NONE_IDX)
        return;
    const unresolved *u = TRACE_POOL_AT(&e->unres, unresolved, ui);
    for (int k = 0; k < 2; k++) {
        int c = cls == CLS_WORKER    ? PT_WORKER_UNLABELLED
                : cls == CLS_RUNTIME ? PT_RUNTIME
                : k                  ? PT_USER_ASSIST
                                     : PT_USER;
        add_sat(&e->whole.pt[c], u->whole[k]);
        if (u->epoch == e->epoch)
            add_sat(&e->win.pt[c], u->win[k]);
    }
    trace_map_del(&e->unrmap, (uint64_t)g);
    trace_pool_put(&e->unres, ui);
}

static int str_is(pg_trace_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.s, lit, n) == 0;
}

static int str_has(pg_trace_str s, const char *lit)
{
    return memmem(s.s, s.len, lit, strlen(lit)) != NULL;
}

static int str_prefix(pg_trace_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.s, lit, n) == 0;
}

/* go tool trace's goroutine name is its entry function; IsSystemGoroutine. */
static uint8_t class_of_entry(pg_trace_str fn)
{
    if (str_is(fn, "runtime.gcBgMarkWorker"))
        return CLS_WORKER;
    if (fn.len == 0 || (str_prefix(fn, "runtime.") && !str_is(fn, "runtime.main")))
        return CLS_RUNTIME;
    return CLS_USER;
}

/* Updates the assist / worker-run flags and the count of Running goroutines
 * doing GC work, which drives the utilisation series. */
static void set_gc_flags(engine *e, uint32_t gi, int64_t g, uint8_t flag, int on)
{
    seg_close(e, gi, g);
    gor *r = gor_at(e, gi);
    int running = r->state == PG_TRACE_G_RUNNING;
    int before = running && (r->flags & (G_ASSIST | G_GCRUN));
    r->flags = on ? (uint8_t)(r->flags | flag) : (uint8_t)(r->flags & ~flag);
    int after = running && (r->flags & (G_ASSIST | G_GCRUN));
    e->n_gc_running += after - before;
    e->series_dirty = 1;
}

/* ---- blocking intervals ---- */

HOT void add_block(engine *e, int k, int64_t lo, int64_t hi)
{
    if (hi > lo)
        add_sat(&e->whole.block[k], hi - lo);
    if (lo < e->ws)
        lo = e->ws;
    if (hi > lo)
        add_sat(&e->win.block[k], hi - lo);
}

static void pending_add(engine *e, int64_t g, int k, int64_t lo, int64_t hi)
{
    uint32_t pi = trace_map_get(&e->pendmap, (uint64_t)g);
    if (pi == TRACE_NONE_IDX) {
        pi = trace_pool_get(&e->pend);
        trace_map_put(&e->pendmap, (uint64_t)g, pi);
    }
    pending *p = TRACE_POOL_AT(&e->pend, pending, pi);
    if (p->used & (1u << k)) /* impossible in a valid trace: keep both */
        add_block(e, k, p->lo[k], p->hi[k]);
    p->used |= (uint8_t)(1u << k);
    p->lo[k] = lo;
    p->hi[k] = hi;
}

/* The goroutine ran (drop = 1: the pending intervals end before its life
 * starts) or ended without running (drop = 0: they are inside it). */
static void pending_settle(engine *e, int64_t g, int drop)
{
    uint32_t pi = trace_map_get(&e->pendmap, (uint64_t)g);
    if (pi == TRACE_NONE_IDX)
        return;
    const pending *p = TRACE_POOL_AT(&e->pend, pending, pi);
    for (int k = 0; k < BL_CLIPPED && !drop; k++)
        if (p->used & (1u << k))
            add_block(e, k, p->lo[k], p->hi[k]);
    trace_map_del(&e->pendmap, (uint64_t)g);
    trace_pool_put(&e->pend, pi);
}

/* The interval a block with this reason opens: network, or sync when the
 * reason contains chan, sync or select (go tool trace's filters). */
static uint8_t reason_opens(engine *e, pg_trace_str reason)
{
    uint32_t id = name_id(&e->reasons, reason, e->syncs);
    if (id >= e->cap_reason_open) {
        size_t old = e->cap_reason_open;
        e->reason_open = pg_xgrow(e->reason_open, &e->cap_reason_open, (size_t)id + 1, 1);
        memset(e->reason_open + old, 0xff, e->cap_reason_open - old);
    }
    if (e->reason_open[id] == 0xff)
        e->reason_open[id] =
            str_is(reason, "network") ? OPEN_NET
            : str_has(reason, "chan") || str_has(reason, "sync") || str_has(reason, "select")
                ? OPEN_SYNC
                : OPEN_NONE;
    return e->reason_open[id];
}

/* go tool trace's makeComputePprofFunc, all four profiles at once, after
 * golang/go#74850 (every transition counts, with or without a stack). */
/* A wait of the test harness rather than of the code under test: the
 * goroutine's first frame outside the runtime and the sync packages is in
 * package testing. That is the parent goroutine blocked on a channel for
 * the whole of every b.N loop (run1, doBench, Run, RunParallel's wait),
 * which would otherwise make block-sync track time/op for any benchmark. */
static int harness_wait(const pg_trace_stack *stack)
{
    for (size_t i = 0; i < stack->n; i++) {
        pg_trace_str f = stack->frames[i].func;
        if (str_prefix(f, "runtime.") || str_prefix(f, "sync.") || str_prefix(f, "internal/"))
            continue;
        return str_prefix(f, "testing.");
    }
    return 0;
}

/* The interval a wait opens (OPEN_NET, OPEN_SYNC or OPEN_NONE) and, in
 * *harness, whether it is the test harness's. */
HOT uint8_t wait_opens(engine *e, const pg_trace_go_state *st, uint8_t *harness)
{
    uint64_t key = (uint64_t)(uintptr_t)st->stack.frames ^ (uint64_t)(uintptr_t)st->reason.s;
    size_t slot = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 58); /* of 64 */
    wait_entry *c = &e->wait_cache[slot];
    if (c->reason != st->reason.s || c->frames != st->stack.frames || c->n != st->stack.n ||
        c->stamp != e->syncs) {
        c->reason = st->reason.s;
        c->frames = st->stack.frames;
        c->n = st->stack.n;
        c->stamp = e->syncs;
        c->open = reason_opens(e, st->reason);
        c->harness = c->open == OPEN_SYNC && harness_wait(&st->stack);
    }
    *harness = c->harness;
    return c->open;
}

HOT void block_transition(engine *e, uint32_t gi, int64_t g, const pg_trace_go_state *st, int64_t t)
{
    gor *r = gor_at(e, gi);
    if (r->open != OPEN_NONE && st->to != open_state[r->open]) {
        int k = open_block[r->open];
        int64_t lo = r->open_time;
        if (r->open == OPEN_RUNNABLE)
            add_block(e, BL_RUNNABLE, lo, t);
        r->open = OPEN_NONE;
        if (r->flags & G_STARTED) {
            add_block(e, k, lo, t);
            if (r->flags & G_HARNESS)
                add_block(e, BL_HARNESS, lo, t);
        } else if (st->to != PG_TRACE_G_RUNNING) { /* into Running: its first run, clipped to 0 */
            pending_add(e, g, k, lo, t);
        }
        r = gor_at(e, gi);
        r->flags &= (uint8_t)~G_HARNESS;
    }
    if (r->open != OPEN_NONE)
        return;
    switch (st->to) {
    case PG_TRACE_G_WAITING: {
        uint8_t harness;
        r->open = wait_opens(e, st, &harness);
        if (harness)
            r->flags |= G_HARNESS;
        break;
    }
    case PG_TRACE_G_SYSCALL:
        r->open = OPEN_SYSCALL;
        break;
    case PG_TRACE_G_RUNNABLE:
        r->open = OPEN_RUNNABLE;
        break;
    default:
        break;
    }
    r->open_time = t;
}

static void region_free_all(engine *e, uint32_t gi)
{
    uint32_t f = gor_at(e, gi)->region;
    while (f != TRACE_NONE_IDX) {
        uint32_t next = TRACE_POOL_AT(&e->frames, region_frame, f)->next;
        trace_pool_put(&e->frames, f);
        f = next;
    }
    gor_at(e, gi)->region = TRACE_NONE_IDX;
}

/* A goroutine left the trace (exit) or the trace ended: settle what waited
 * for knowledge that will not come any more. */
static void gor_settle(engine *e, uint32_t gi, int64_t g)
{
    seg_close(e, gi, g);
    if (gor_at(e, gi)->cls == CLS_UNKNOWN)
        resolve(e, gi, g, CLS_RUNTIME); /* no known name: a system goroutine */
    pending_settle(e, g, 0);
}

HOT void on_go_state(engine *e, const pg_trace_event *ev, uint32_t slot)
{
    const pg_trace_go_state *st = &ev->u.go;
    int64_t g = st->g, t = e->now;
    uint32_t gi = gor_get(e, slot, g, (uint8_t)st->from);
    /* Only gor_get grows the gs array: r stays valid to the end. */
    gor *r = gor_at(e, gi);
    int was = r->state == PG_TRACE_G_RUNNING, is = st->to == PG_TRACE_G_RUNNING;
    if (was && !is) {
        seg_close(e, gi, g);
        e->n_running--;
        if (r->flags & (G_ASSIST | G_GCRUN)) {
            e->n_gc_running--;
            e->series_dirty = 1;
        }
        r->flags &= (uint8_t)~G_GCRUN;
    }
    r->state = (uint8_t)st->to;
    /* Named by the root frame of its first real transition with a stack. */
    if (st->from != st->to && r->cls == CLS_UNKNOWN && st->stack.n > 0)
        resolve(e, gi, g, class_of_entry(st->stack.frames[st->stack.n - 1].func));
    if (!was && is) {
        r->seg_start = e->clock;
        e->n_running++;
        if (r->flags & G_ASSIST) {
            e->n_gc_running++;
            e->series_dirty = 1;
        }
    }
    block_transition(e, gi, g, st, t);
    if (is && st->from != PG_TRACE_G_RUNNING && !(r->flags & G_STARTED)) {
        r->flags |= G_STARTED;
        pending_settle(e, g, 1);
    }
    if (st->from == PG_TRACE_G_NOTEXIST) {
        e->whole.created++;
        e->win.created++;
    }
    if (st->to == PG_TRACE_G_NOTEXIST) {
        gor_settle(e, gi, g);
        region_free_all(e, gi);
        gor_at(e, gi)->live = 0;
        e->live--;
    }
}

static void on_label(engine *e, const pg_trace_event *ev, uint32_t gi)
{
    pg_trace_str l = ev->u.label.label;
    if (!str_prefix(l, "GC "))
        return;
    int64_t g = ev->u.label.g;
    if (gi == TRACE_NONE_IDX || gi >= e->cap_gs || !e->gs[gi].live || e->gs[gi].g != g)
        return;
    if (gor_at(e, gi)->cls != CLS_WORKER)
        resolve(e, gi, g, CLS_WORKER);
    seg_close(e, gi, g);
    gor *r = gor_at(e, gi);
    r->mode = str_is(l, "GC (dedicated)")    ? MODE_DEDICATED
              : str_is(l, "GC (fractional)") ? MODE_FRACTIONAL
              : str_is(l, "GC (idle)")       ? MODE_IDLE
                                             : MODE_NONE;
    /* The corrected worker rule: this run, if non-idle, is GC work. */
    set_gc_flags(e, gi, g, G_GCRUN, !str_is(l, "GC (idle)") && r->state == PG_TRACE_G_RUNNING);
}

static void window_start(engine *e, int64_t t)
{
    e->has_window = 1;
    e->ws = t;
    e->win_clock = e->clock;
    e->epoch++;
    span_zero(&e->win);
    memcpy(e->pt_at_window, e->whole.pt, sizeof e->pt_at_window);
    mmu_series_mark(&e->series, t, &e->win_mark);
}

static int stack_has(const pg_trace_stack *s, const char *fn)
{
    for (size_t i = 0; i < s->n; i++)
        if (str_is(s->frames[i].func, fn))
            return 1;
    return 0;
}

/* After a change of the stop-the-worlds open or of GOMAXPROCS. */
static void stw_or_procs_changed(engine *e)
{
    e->series_dirty = 1;
    e->gap_plain = e->gc_stw_open == 0 && e->other_stw_open == 0 && e->procs > 0;
}

/* Returns 1 when the window starts with this event. */
static int on_range(engine *e, const pg_trace_event *ev, uint32_t slot)
{
    int64_t t = e->now;
    const pg_trace_range *rg = &ev->u.range;
    switch (ev->kind) {
    case PG_TRACE_STW_BEGIN: {
        e->stws = pg_xgrow(e->stws, &e->cap_stws, e->nstw + 1, sizeof *e->stws);
        stw_rec *s = &e->stws[e->nstw++];
        s->g = rg->g;
        s->begin = t;
        s->reason = name_id(&e->stw_names, rg->kind, e->syncs);
        s->gc = str_has(rg->kind, "GC");
        if (s->gc)
            e->gc_stw_open++;
        else
            e->other_stw_open++;
        stw_or_procs_changed(e);
        return 0;
    }
    case PG_TRACE_STW_END: {
        uint32_t id = name_id(&e->stw_names, rg->kind, e->syncs);
        size_t i = e->nstw;
        while (i > 0 && !(e->stws[i - 1].g == rg->g && e->stws[i - 1].reason == id))
            i--;
        if (i == 0)
            return 0;
        stw_rec s = e->stws[i - 1];
        memmove(&e->stws[i - 1], &e->stws[i], (e->nstw - i) * sizeof *e->stws);
        e->nstw--;
        int64_t d = t - s.begin;
        span *spans[2] = {&e->whole, s.begin >= e->ws ? &e->win : NULL};
        for (int k = 0; k < 2 && spans[k]; k++) {
            stat_add(stat_at(&spans[k]->stw, s.reason), d);
            if (s.gc)
                stat_add(&spans[k]->gc_stw, d);
        }
        if (!s.gc) {
            e->other_stw_open--;
            stw_or_procs_changed(e);
            return 0;
        }
        e->gc_stw_open--;
        stw_or_procs_changed(e);
        if (e->gc_stw_open == 0 && e->window_pending) {
            e->window_pending = 0;
            return 1;
        }
        return 0;
    }
    case PG_TRACE_GC_BEGIN: {
        if (e->mark_open)
            return 0;
        e->mark_open = 1;
        e->mark_begin = t;
        int forced = stack_has(&ev->stack, "runtime.GC");
        e->mark_bench = forced && stack_has(&ev->stack, "testing.(*B).runN");
        span *spans[2] = {&e->whole, &e->win};
        for (int k = 0; k < 2; k++) {
            spans[k]->gc_count++;
            spans[k]->gc_forced += forced;
            spans[k]->gc_bench += e->mark_bench;
        }
        return 0;
    }
    case PG_TRACE_GC_ACTIVE:
        if (!e->mark_open) {
            e->mark_open = 1;
            e->mark_begin = -1; /* began before the trace: no duration */
            e->mark_bench = 0;
            e->active_at_start++;
        }
        return 0;
    case PG_TRACE_GC_END: {
        if (!e->mark_open)
            return 0;
        e->mark_open = 0;
        if (e->mark_begin >= 0) {
            int64_t d = t - e->mark_begin;
            span *spans[2] = {&e->whole, e->mark_begin >= e->ws ? &e->win : NULL};
            for (int k = 0; k < 2 && spans[k]; k++) {
                add_sat(&spans[k]->mark_total, d);
                if (d > spans[k]->mark_max)
                    spans[k]->mark_max = d;
            }
        }
        if (!e->mark_bench)
            return 0;
        /* The end of a runN-forced GC: the window starts when the world
         * restarts (the mark phase ends inside the mark-termination STW). */
        if (e->gc_stw_open > 0) {
            e->window_pending = 1;
            return 0;
        }
        return 1;
    }
    case PG_TRACE_ASSIST_ACTIVE:
    case PG_TRACE_ASSIST_BEGIN:
    case PG_TRACE_ASSIST_END:
        set_gc_flags(e, gor_get(e, slot, rg->g, PG_TRACE_G_UNDETERMINED), rg->g, G_ASSIST,
                     ev->kind != PG_TRACE_ASSIST_END);
        return 0;
    default:
        return 0;
    }
}

static void on_region(engine *e, const pg_trace_event *ev, uint32_t slot)
{
    uint32_t gi = gor_get(e, slot, ev->g, PG_TRACE_G_UNDETERMINED);
    if (ev->kind == PG_TRACE_REGION_BEGIN) {
        uint32_t f = trace_pool_get(&e->frames);
        region_frame *fr = TRACE_POOL_AT(&e->frames, region_frame, f);
        fr->begin = e->now;
        fr->name = name_id(&e->region_names, ev->u.region.name, e->syncs);
        fr->next = gor_at(e, gi)->region;
        gor_at(e, gi)->region = f;
        return;
    }
    uint32_t f = gor_at(e, gi)->region;
    if (f == TRACE_NONE_IDX)
        return; /* began before the trace */
    region_frame fr = *TRACE_POOL_AT(&e->frames, region_frame, f);
    gor_at(e, gi)->region = fr.next;
    trace_pool_put(&e->frames, f);
    stat_add(stat_at(&e->whole.regions, fr.name), e->now - fr.begin);
    stat_add(stat_at(&e->win.regions, fr.name), e->now - (fr.begin > e->ws ? fr.begin : e->ws));
}

static void on_task(engine *e, const pg_trace_event *ev)
{
    uint64_t id = ev->u.task.id;
    uint32_t ti = trace_map_get(&e->taskmap, id);
    if (ev->kind == PG_TRACE_TASK_BEGIN) {
        if (ti == TRACE_NONE_IDX) {
            ti = trace_pool_get(&e->tasks);
            trace_map_put(&e->taskmap, id, ti);
        }
        task_rec *tr = TRACE_POOL_AT(&e->tasks, task_rec, ti);
        tr->begin = e->now;
        tr->name = name_id(&e->task_names, ev->u.task.name, e->syncs);
        return;
    }
    if (ti == TRACE_NONE_IDX)
        return; /* began before the trace, or ended already */
    task_rec tr = *TRACE_POOL_AT(&e->tasks, task_rec, ti);
    trace_map_del(&e->taskmap, id);
    trace_pool_put(&e->tasks, ti);
    stat_add(stat_at(&e->whole.tasks, tr.name), e->now - tr.begin);
    stat_add(stat_at(&e->win.tasks, tr.name), e->now - (tr.begin > e->ws ? tr.begin : e->ws));
}

static void on_gomaxprocs(engine *e, const pg_trace_event *ev)
{
    uint64_t v = ev->u.metric.value;
    if (v == 0 || v > UINT32_MAX)
        return; /* not a GOMAXPROCS; nothing sane to divide by */
    if (e->procs == 0) {
        int64_t p = (int64_t)v;
        int64_t *pt = e->whole.pt;
        add_sat(&pt[PT_GC_STW], mul_sat(p, e->pre_gc_stw));
        add_sat(&pt[PT_STW_OTHER], mul_sat(p, e->pre_other_stw));
        for (size_t n = 0; n < e->cap_pre; n++) {
            int64_t dt = e->pre_by_running[n];
            add_sat(&pt[PT_IDLE], mul_sat(p > (int64_t)n ? p - (int64_t)n : 0, dt));
            add_sat(&pt[PT_OVERCOMMIT], mul_sat((int64_t)n > p ? (int64_t)n - p : 0, dt));
        }
        mmu_series_add(&e->series, e->now, 0, (uint32_t)v);
    }
    e->procs = (int64_t)v;
    stw_or_procs_changed(e);
}

/* P-time of the gap before an event, in the state before it. */
HOT void charge_gap(engine *e, int64_t dt)
{
    int64_t n = e->n_running;
    if (likely(e->gap_plain)) {
        e->clock += dt;
        if (e->procs > n)
            add_sat(&e->whole.pt[PT_IDLE], mul_sat(e->procs - n, dt));
        else
            add_sat(&e->whole.pt[PT_OVERCOMMIT], mul_sat(n - e->procs, dt));
        return;
    }
    if (e->gc_stw_open > 0 || e->other_stw_open > 0) {
        int k = e->gc_stw_open > 0 ? PT_GC_STW : PT_STW_OTHER;
        if (e->procs == 0) {
            *(k == PT_GC_STW ? &e->pre_gc_stw : &e->pre_other_stw) += dt;
            return;
        }
        add_sat(&e->whole.pt[k], mul_sat(e->procs, dt));
        return;
    }
    /* No GOMAXPROCS yet: kept by the number running until it comes. */
    e->clock += dt;
    size_t old = e->cap_pre;
    e->pre_by_running =
        pg_xgrow(e->pre_by_running, &e->cap_pre, (size_t)n + 1, sizeof *e->pre_by_running);
    memset(e->pre_by_running + old, 0, (e->cap_pre - old) * sizeof *e->pre_by_running);
    e->pre_by_running[n] += dt;
}

/* Moves the engine's clock to the event's time (ns since the first event,
 * at most TIME_MAX), charging the gap before it. */
HOT int64_t engine_time(engine *e, int64_t abs)
{
    int64_t t = 0;
    if (unlikely(!e->have_time)) {
        e->first_abs = abs;
        e->have_time = 1;
    } else {
        if (__builtin_sub_overflow(abs, e->first_abs, &t) || t > TIME_MAX)
            t = TIME_MAX;
        if (t < e->now)
            t = e->now; /* never backwards, whatever the input */
        charge_gap(e, t - e->now);
    }
    e->now = t;
    return t;
}

/* The utilisation series after an event at t. Once the series holds the
 * state (mmu_series_holds), it needs no call until the state changes. */
HOT void engine_series(engine *e, int64_t t)
{
    if (likely(!e->series_dirty) || e->procs <= 0)
        return;
    int64_t gc = e->gc_stw_open > 0 ? e->procs : e->n_gc_running;
    if (gc > e->procs)
        gc = e->procs;
    mmu_series_add(&e->series, t, (uint32_t)gc, (uint32_t)e->procs);
    e->series_dirty = !mmu_series_holds(&e->series, (uint32_t)gc, (uint32_t)e->procs);
}

/* Every event but goroutine transitions: a call of its own, so that the
 * inlined per-event path stays small. */
static void engine_other(engine *e, const pg_trace_event *ev, uint32_t slot)
{
    switch (ev->kind) {
    case PG_TRACE_SYNC:
        e->syncs = ev->u.sync.n;
        if (ev->u.sync.n == e->stop)
            e->stopped = 1;
        return;
    case PG_TRACE_CPU_SAMPLE:
    case PG_TRACE_EXPERIMENTAL:
        return;
    default:
        break;
    }
    int64_t t = engine_time(e, ev->time);
    int start_window = 0;
    switch (ev->kind) {
    case PG_TRACE_GO_LABEL:
        on_label(e, ev, slot);
        break;
    case PG_TRACE_GOMAXPROCS:
        on_gomaxprocs(e, ev);
        break;
    case PG_TRACE_REGION_BEGIN:
    case PG_TRACE_REGION_END:
        on_region(e, ev, slot);
        break;
    case PG_TRACE_TASK_BEGIN:
    case PG_TRACE_TASK_END:
        on_task(e, ev);
        break;
    default:
        start_window = on_range(e, ev, slot);
        break;
    }
    engine_series(e, t);
    if (start_window)
        window_start(e, t);
}

/* ---- the engine as the reader's sink ---- */

/* The reader's per-event step (trace_drive.h) is compiled here with the
 * engine as its consumer: a goroutine transition's code below is inlined
 * where the ordering made it, with its from/to states known. */
typedef engine trace_sink;

/* The step's local: its fields can live in registers. */
HOT pg_trace_event *trace_sink_slot(engine *e, pg_trace_event *local)
{
    (void)e;
    return local;
}

HOT void trace_sink_event(engine *e, const pg_trace_event *ev, uint32_t slot)
{
    e->events++;
    e->mid = ev->kind != PG_TRACE_SYNC;
    if (ev->kind != PG_TRACE_GO_STATE) {
        engine_other(e, ev, slot);
        return;
    }
    int64_t t = engine_time(e, ev->time);
    on_go_state(e, ev, slot);
    engine_series(e, t);
}

#include "trace_drive.h"

/* ---- results ---- */

struct pg_trace_metrics {
    pg_trace_figures whole, timed;
    int has_timed;
    pg_intern *names[3];           /* STW reasons, regions, tasks (the engine's) */
    pg_trace_named_stat *named[6]; /* whole stw/regions/tasks, timed ... */
    double *mmu[2];
    int64_t *windows;
    size_t nwindows;
    char **unit_names[2]; /* unit sets: see add_unit */
    pg_trace_unit *units[2];
    size_t nunits[2];
    char *partial;
    int format;
    char *go_release;
    pg_trace_metrics_info info;
};

static pg_trace_named_stat *named_stats(const pg_intern *ids, const stat_table *t, size_t *n)
{
    pg_trace_named_stat *out = pg_xcalloc(pg_intern_count(ids) + 1, sizeof *out);
    *n = 0;
    for (size_t id = 0; id < pg_intern_count(ids) && id < t->cap; id++) {
        if (t->s[id].count == 0)
            continue;
        out[*n].name = pg_intern_key(ids, id, &out[*n].name_len);
        out[*n].stat = t->s[id];
        (*n)++;
    }
    return out;
}

static double frac(int64_t part, int64_t total)
{
    return total > 0 ? (double)part / (double)total : 0;
}

static void fill_figures(engine *e, const span *s, pg_trace_figures *f)
{
    pg_trace_ptime *p = &f->ptime;
    p->user_ns = s->pt[PT_USER];
    p->user_assist_ns = s->pt[PT_USER_ASSIST];
    p->worker_dedicated_ns = s->pt[PT_WORKER_DEDICATED];
    p->worker_fractional_ns = s->pt[PT_WORKER_FRACTIONAL];
    p->worker_idle_ns = s->pt[PT_WORKER_IDLE];
    p->worker_unlabelled_ns = s->pt[PT_WORKER_UNLABELLED];
    p->runtime_other_ns = s->pt[PT_RUNTIME];
    p->gc_stw_ns = s->pt[PT_GC_STW];
    p->stw_other_ns = s->pt[PT_STW_OTHER];
    p->idle_ns = s->pt[PT_IDLE];
    p->overcommit_ns = s->pt[PT_OVERCOMMIT];
    int64_t total = 0;
    for (int k = 0; k < PT_OVERCOMMIT; k++)
        add_sat(&total, s->pt[k]);
    total -= total < INT64_MAX ? s->pt[PT_OVERCOMMIT] : 0;
    p->total_ns = total;
    int64_t workers = p->worker_dedicated_ns + p->worker_fractional_ns + p->worker_idle_ns +
                      p->worker_unlabelled_ns;
    f->p_utilization = frac(p->user_ns, total);
    f->p_user_assist = frac(p->user_assist_ns, total);
    f->p_gc_workers = frac(workers, total);
    f->p_gc = frac(workers + p->gc_stw_ns + p->user_assist_ns, total);
    f->p_gc_stw = frac(p->gc_stw_ns, total);
    f->p_stw_other = frac(p->stw_other_ns, total);
    f->p_runtime_other = frac(p->runtime_other_ns, total);
    f->p_idle = frac(p->idle_ns, total);

    f->gomaxprocs = e->procs;
    f->goroutines_created = s->created;
    f->gc.count = s->gc_count;
    f->gc.forced = s->gc_forced;
    f->gc.forced_by_benchmark = s->gc_bench;
    f->gc.mark_total_ns = s->mark_total;
    f->gc.mark_max_ns = s->mark_max;
    f->gc.stw = s->gc_stw;
    f->block_sync_ns = s->block[BL_SYNC];
    f->block_harness_ns = s->block[BL_HARNESS];
    f->block_network_ns = s->block[BL_NET];
    f->block_syscall_ns = s->block[BL_SYSCALL];
    f->sched_latency_ns = s->block[BL_SCHED];
    f->runnable_ns = s->block[BL_RUNNABLE];
}

/* Units of one set: 0 = the timed window (or the whole trace without
 * one), 1 = always the whole trace. */
static void add_unit(pg_trace_metrics *m, int set, const char *name, double v, int better,
                     int per_op)
{
    size_t n = m->nunits[set];
    m->units[set] = pg_xrealloc(m->units[set], (n + 1) * sizeof *m->units[set]);
    m->unit_names[set] = pg_xrealloc(m->unit_names[set], (n + 1) * sizeof *m->unit_names[set]);
    m->unit_names[set][n] = pg_xstrdup(name);
    m->units[set][n] = (pg_trace_unit){m->unit_names[set][n], v, better, per_op};
    m->nunits[set]++;
}

void pg_trace_metrics_window_name(int64_t ns, char *buf, size_t n)
{
    if (ns % 1000000000 == 0)
        snprintf(buf, n, "%llds", (long long)(ns / 1000000000));
    else if (ns % 1000000 == 0)
        snprintf(buf, n, "%lldms", (long long)(ns / 1000000));
    else if (ns % 1000 == 0)
        snprintf(buf, n, "%lldus", (long long)(ns / 1000));
    else
        snprintf(buf, n, "%lldns", (long long)ns);
}

static void build_unit_set(pg_trace_metrics *m, int set, const pg_trace_figures *f)
{
    enum { L = PG_TRACE_LOWER_IS_BETTER, H = PG_TRACE_HIGHER_IS_BETTER };
    add_unit(m, set, "block-sync-sec", (double)(f->block_sync_ns - f->block_harness_ns) / 1e9, L,
             1);
    add_unit(m, set, "block-net-sec", (double)f->block_network_ns / 1e9, L, 1);
    add_unit(m, set, "block-syscall-sec", (double)f->block_syscall_ns / 1e9, L, 1);
    add_unit(m, set, "sched-latency-sec", (double)f->sched_latency_ns / 1e9, L, 1);
    add_unit(m, set, "runnable-sec", (double)f->runnable_ns / 1e9, L, 1);
    add_unit(m, set, "gc-cycles", (double)f->gc.count, L, 1);
    add_unit(m, set, "gc-stw-sec", (double)f->gc.stw.total_ns / 1e9, L, 1);
    add_unit(m, set, "goroutines", (double)f->goroutines_created, L, 1);
    add_unit(m, set, "gc-stw-max-sec", (double)f->gc.stw.max_ns / 1e9, L, 0);
    add_unit(m, set, "p-util", f->p_utilization, H, 0);
    add_unit(m, set, "p-gc", f->p_gc, L, 0);
    add_unit(m, set, "p-idle", f->p_idle, L, 0);
    for (size_t i = 0; i < f->n_mmu; i++) {
        char name[48], w[32];
        pg_trace_metrics_window_name(m->windows[i], w, sizeof w);
        snprintf(name, sizeof name, "mmu-%s", w);
        add_unit(m, set, name, f->mmu[i], H, 0);
    }
}

static void build_units(pg_trace_metrics *m)
{
    build_unit_set(m, 0, m->has_timed ? &m->timed : &m->whole);
    build_unit_set(m, 1, &m->whole);
}

static pg_trace_metrics *finish(engine *e, const int64_t *windows, size_t nwindows)
{
    /* What waited for the end: running segments, unnamed goroutines,
     * intervals of goroutines that never ran. */
    for (size_t i = 0; i < e->cap_gs; i++)
        if (e->gs[i].live)
            gor_settle(e, (uint32_t)i, e->gs[i].g);
    pg_trace_metrics *m = pg_xcalloc(1, sizeof *m);
    m->nwindows = nwindows;
    m->windows = pg_xmalloc((nwindows ? nwindows : 1) * sizeof *m->windows);
    memcpy(m->windows, windows, nwindows * sizeof *windows);
    m->has_timed = e->has_window;
    static const int gap_classes[] = {PT_GC_STW, PT_STW_OTHER, PT_IDLE, PT_OVERCOMMIT};
    for (size_t i = 0; i < sizeof gap_classes / sizeof gap_classes[0]; i++) {
        int k = gap_classes[i];
        e->win.pt[k] = e->whole.pt[k] - e->pt_at_window[k];
    }
    for (int k = 0; k < 2; k++) {
        if (k == 1 && !m->has_timed)
            break;
        const span *s = k ? &e->win : &e->whole;
        pg_trace_figures *f = k ? &m->timed : &m->whole;
        fill_figures(e, s, f);
        f->start_ns = k ? e->ws : 0;
        f->duration_ns = e->now - f->start_ns;
        m->named[3 * k] = named_stats(e->stw_names.ids, &s->stw, &f->n_stw);
        m->named[3 * k + 1] = named_stats(e->region_names.ids, &s->regions, &f->n_regions);
        m->named[3 * k + 2] = named_stats(e->task_names.ids, &s->tasks, &f->n_tasks);
        f->stw = m->named[3 * k];
        f->regions = m->named[3 * k + 1];
        f->tasks = m->named[3 * k + 2];
        m->mmu[k] = pg_xcalloc(nwindows ? nwindows : 1, sizeof *m->mmu[k]);
        if (e->series.npoints > 0) {
            for (size_t w = 0; w < nwindows; w++)
                m->mmu[k][w] =
                    mmu_series_min(&e->series, k ? &e->win_mark : NULL, e->now, windows[w]);
            f->n_mmu = nwindows;
        }
        f->mmu = m->mmu[k];
    }
    /* The names point into the intern tables: keep them with the result. */
    m->names[0] = e->stw_names.ids;
    m->names[1] = e->region_names.ids;
    m->names[2] = e->task_names.ids;
    e->stw_names.ids = e->region_names.ids = e->task_names.ids = NULL;
    m->whole.gc.active_at_start = e->active_at_start;
    m->info.events = e->events;
    m->info.generations = e->syncs > 0 ? e->syncs - 1 : 0;
    m->info.max_goroutines = e->max_live;
    m->info.mmu_points = e->series.npoints;
    m->info.mmu_bytes = e->series.bytes;
    build_units(m);
    return m;
}

/* ---- driver ---- */

typedef struct source {
    const char *path; /* or: */
    const void *data;
    size_t len;
    const char *name;
} source;

static pg_trace_reader *source_open(const source *src, pg_error *err)
{
    if (src->path)
        return pg_trace_reader_open(src->path, err);
    return pg_trace_reader_open_mem(src->data, src->len, src->name, err);
}

/* Feeds the reader's events to the engine, stopping after the sync numbered
 * `stop` (0: never). Returns 1 when stopped there, 0 at the end, -1 on
 * damage (err set; *mid = 1 when events of the damaged generation were
 * delivered). */
static int run(engine *e, pg_trace_reader *r, uint64_t stop, int *mid, pg_error *err)
{
    int rc;
    e->stop = stop;
    e->stopped = 0;
    e->mid = 0;
    while ((rc = trace_drive_step(r, e, err)) > 0)
        if (e->stopped)
            break;
    *mid = e->mid;
    return rc;
}

static pg_trace_metrics *compute(const source *src, const pg_trace_metrics_options *opts,
                                 pg_error *err)
{
    static const int64_t defaults[] = PG_TRACE_MMU_DEFAULT_WINDOWS;
    const int64_t *windows = defaults;
    size_t nwindows = sizeof defaults / sizeof defaults[0];
    if (opts && opts->mmu_windows_ns) {
        windows = opts->mmu_windows_ns;
        nwindows = opts->n_mmu_windows;
    }
    pg_trace_reader *r = source_open(src, err);
    if (!r)
        return NULL;
    int format = pg_trace_reader_version(r);
    char *release = pg_xstrdup(pg_trace_reader_go_version(r));
    engine e;
    engine_init(&e);
    pg_error damage;
    int mid;
    int rc = run(&e, r, 0, &mid, &damage);
    uint64_t bytes = pg_trace_reader_offset(r);
    pg_trace_reader_free(r);
    if (rc < 0 && mid) {
        /* Damage after some events of its generation: read again, up to
         * the last complete generation, so that no half generation counts. */
        uint64_t stop = e.syncs;
        engine_free(&e);
        engine_init(&e);
        pg_error again;
        r = source_open(src, &again);
        if (!r || run(&e, r, stop, &mid, &again) != 1) {
            pg_trace_reader_free(r);
            engine_free(&e);
            free(release);
            pg_error_set(err, "%s (and reading it again failed: %s)", damage.msg, again.msg);
            return NULL;
        }
        pg_trace_reader_free(r);
    }
    if (rc < 0 && !e.have_time) {
        engine_free(&e);
        free(release);
        pg_error_set(err, "%s; no complete generation before it, so there is nothing to measure",
                     damage.msg);
        return NULL;
    }
    pg_trace_metrics *m = finish(&e, windows, nwindows);
    engine_free(&e);
    m->format = format;
    m->go_release = release;
    m->info.bytes = bytes;
    if (rc < 0)
        m->partial = pg_xstrdup(damage.msg);
    return m;
}

pg_trace_metrics *pg_trace_metrics_compute(const char *path, const pg_trace_metrics_options *opts,
                                           pg_error *err)
{
    source src = {.path = path};
    return compute(&src, opts, err);
}

pg_trace_metrics *pg_trace_metrics_compute_mem(const void *data, size_t len, const char *name,
                                               const pg_trace_metrics_options *opts, pg_error *err)
{
    source src = {.data = data, .len = len, .name = name};
    return compute(&src, opts, err);
}

void pg_trace_metrics_free(pg_trace_metrics *m)
{
    if (!m)
        return;
    for (int i = 0; i < 3; i++)
        pg_intern_free(m->names[i]);
    for (int i = 0; i < 6; i++)
        free(m->named[i]);
    free(m->mmu[0]);
    free(m->mmu[1]);
    free(m->windows);
    for (int set = 0; set < 2; set++) {
        for (size_t i = 0; i < m->nunits[set]; i++)
            free(m->unit_names[set][i]);
        free(m->unit_names[set]);
        free(m->units[set]);
    }
    free(m->partial);
    free(m->go_release);
    free(m);
}

const char *pg_trace_metrics_partial(const pg_trace_metrics *m)
{
    return m->partial;
}

int pg_trace_metrics_format(const pg_trace_metrics *m)
{
    return m->format;
}

const char *pg_trace_metrics_go_release(const pg_trace_metrics *m)
{
    return m->go_release;
}

const pg_trace_figures *pg_trace_metrics_whole(const pg_trace_metrics *m)
{
    return &m->whole;
}

const pg_trace_figures *pg_trace_metrics_timed(const pg_trace_metrics *m)
{
    return m->has_timed ? &m->timed : NULL;
}

size_t pg_trace_metrics_mmu_windows(const pg_trace_metrics *m, const int64_t **windows_ns)
{
    *windows_ns = m->windows;
    return m->nwindows;
}

const pg_trace_metrics_info *pg_trace_metrics_info_of(const pg_trace_metrics *m)
{
    return &m->info;
}

const pg_trace_unit *pg_trace_metrics_units(const pg_trace_metrics *m, size_t *n, int *timed)
{
    *n = m->nunits[0];
    if (timed)
        *timed = m->has_timed;
    return m->units[0];
}

const pg_trace_unit *pg_trace_metrics_whole_units(const pg_trace_metrics *m, size_t *n)
{
    *n = m->nunits[1];
    return m->units[1];
}
