/*
 * The per-event path of the trace reader, written once for its two
 * consumers: a port of Go's ordering state machine (internal/trace
 * order.go) and of the merge of threads (reader.go), delivering every
 * finished event to a sink.
 *
 * Each thread's events are in order, but threads only agree through the
 * goroutine, P and GC sequence numbers and through state: a GoStart of g
 * cannot happen before the GoUnblock that made g runnable, whatever the
 * clocks say. drive_advance decides, for the next event of one thread,
 * whether it can happen now, must wait for another thread, or proves the
 * trace broken. When it happens, the handler updates the G/P/M state and
 * delivers the finished pg_trace_event (plus the extra events Go derives,
 * e.g. the three halves of a GoSwitch) with the transition it means, its
 * strings and stacks resolved (checked as Go's validateTableIDs does). The
 * rules, their order and their error cases follow Go line by line, so that
 * the merged stream is exactly Go's; the messages add the byte offset.
 *
 * This file is a template: a consumer defines, before including it,
 *
 *     typedef struct ... trace_sink;
 *     // where to build the next event: a place of the sink's, or `local`
 *     // (the step's own, valid until the event is delivered)
 *     static inline pg_trace_event *trace_sink_slot(trace_sink *s, pg_trace_event *local);
 *     // the event built there is finished
 *     static inline void trace_sink_event(trace_sink *s, const pg_trace_event *ev,
 *                                         uint32_t slot);
 *
 * and calls trace_drive_step. pg_trace.c's sink hands the events out
 * through pg_trace_reader_next; the metrics engine (metrics.c) is a sink
 * itself. Everything here is inlined into the consumer's step, so that the
 * consumer's code for an event is compiled with the event's kind and
 * transition known: the metrics pay neither a copy of the event nor a
 * second dispatch on its kind. `slot` is the goroutine's index in
 * trace_order.gs (the goroutine the event is about: the one changing
 * state, the assisting one, the one in a region), so that a consumer keeps
 * per-goroutine records in a parallel array instead of a second id map.
 */
#ifndef TRACE_DRIVE_H
#define TRACE_DRIVE_H

#include <string.h>

#include "trace_internal.h"

#define DRIVE_INLINE __attribute__((always_inline)) static inline

#define NONE PG_TRACE_NONE

#define ADVANCED 1
#define WAIT     0

typedef struct sctx {
    int64_t g, p, m;
} sctx;

enum { MUST_NOT, MAY, MUST };

enum { GC_UNDETERMINED, GC_NOT_RUNNING, GC_RUNNING };

/* ---- state lookups ---- */

DRIVE_INLINE trace_gstate *gget(trace_order *o, int64_t id)
{
    uint32_t i = trace_cmap_get(&o->g_of_id, (uint64_t)id);
    return i == TRACE_NONE_IDX ? NULL : &o->gs[i];
}

DRIVE_INLINE trace_pstate *pget(trace_order *o, int64_t id)
{
    uint32_t i = trace_cmap_get(&o->p_of_id, (uint64_t)id);
    return i == TRACE_NONE_IDX ? NULL : &o->ps[i];
}

DRIVE_INLINE int succeeds(uint64_t gen, uint64_t seq, uint64_t prev_gen, uint64_t prev_seq)
{
    return gen == prev_gen && seq == prev_seq + 1;
}

/* ---- ranges (rangeState) ---- */

DRIVE_INLINE uint8_t range_type(uint8_t typ)
{
    return trace_specs[typ].start ? trace_specs[typ].start : typ;
}

DRIVE_INLINE int has_range(const trace_ranges *r, uint8_t typ, uint64_t desc)
{
    for (uint32_t i = 0; i < r->n; i++)
        if (r->v[i].typ == typ && r->v[i].desc == desc)
            return 1;
    return 0;
}

/* One advance: the event under cursor c of generation gen, its thread's
 * context before (cur) and after (newc) the event. */
typedef struct adv {
    pg_trace_reader *r;
    trace_sink *sink;
    trace_order *o;
    const trace_gen *gt;
    trace_cursor *c;
    uint64_t gen;
    pg_error *err;
    sctx cur, newc;
    /* the locals of trace_sink_slot, not members: a consumer that takes
     * an event's address would keep the whole adv in memory. Goroutine
     * transitions have their own, so that a consumer that only reads them
     * inline can keep their fields in registers. */
    pg_trace_event *local, *go_local;
} adv;

#define BROKEN(...) trace_order_broken(a->err, a->gt, a->c, __VA_ARGS__)

DRIVE_INLINE const char *check_ctx(sctx c, int m, int p, int g)
{
    if (m == MUST && c.m == NONE)
        return "expected a thread but didn't have one";
    if (m == MUST_NOT && c.m != NONE)
        return "expected no thread but had one";
    if (p == MUST && c.p == NONE)
        return "expected a proc but didn't have one";
    if (p == MUST_NOT && c.p != NONE)
        return "expected no proc but had one";
    if (g == MUST && c.g == NONE)
        return "expected a goroutine but didn't have one";
    if (g == MUST_NOT && c.g != NONE)
        return "expected no goroutine but had one";
    return NULL;
}

#define CHECK_CTX(m, p, g)                                                                         \
    do {                                                                                           \
        const char *why_ = check_ctx(a->cur, m, p, g);                                             \
        if (why_)                                                                                  \
            return BROKEN("%s", why_);                                                             \
    } while (0)
#define CHECK_USER_CTX() CHECK_CTX(MUST, MUST, MUST)

/* ---- emitting events ---- */

/* Starts an event of this advance in context ctx, where the sink wants it
 * (or in `local`); the caller sets its kind and union member (all of it)
 * and delivers it. */
DRIVE_INLINE pg_trace_event *emit_at(adv *a, pg_trace_event *local, sctx ctx)
{
    pg_trace_event *e = trace_sink_slot(a->sink, local);
    e->m = ctx.m;
    e->p = ctx.p;
    e->g = ctx.g;
    e->stack = (pg_trace_stack){NULL, 0};
    return e;
}

DRIVE_INLINE pg_trace_event *emit_in(adv *a, sctx ctx)
{
    return emit_at(a, a->local, ctx);
}

DRIVE_INLINE pg_trace_event *emit(adv *a)
{
    return emit_in(a, a->cur);
}

/* Hands an event to the consumer, its time forced past the previous one
 * (as Go does); slot is the trace_order index of the goroutine it is about
 * (TRACE_NONE_IDX: none). */
DRIVE_INLINE void drive_deliver(pg_trace_reader *r, trace_sink *sink, pg_trace_event *ev,
                                uint32_t slot)
{
    ev->time = trace_reader_force_time(r, ev->time);
    trace_sink_event(sink, ev, slot);
}

/* The event of this advance happens at the cursor's time. */
DRIVE_INLINE void deliver(adv *a, pg_trace_event *e, uint32_t slot)
{
    e->time = a->c->time;
    drive_deliver(a->r, a->sink, e, slot);
}

DRIVE_INLINE int done(adv *a, pg_trace_event *e, uint32_t slot)
{
    deliver(a, e, slot);
    return ADVANCED;
}

/* Stack and string arguments must be in the generation's tables (Go's
 * validateTableIDs); 0 means none / "". */
DRIVE_INLINE int stack_arg(adv *a, int arg, pg_trace_stack *out)
{
    uint64_t id = a->c->args[arg];
    *out = (pg_trace_stack){NULL, 0};
    if (id == 0)
        return 0;
    uint32_t i = trace_gen_stack(a->gt, id);
    if (i == TRACE_NONE_IDX)
        return BROKEN("stack %llu is not in the generation's stack table", (unsigned long long)id);
    *out = (pg_trace_stack){a->gt->frames + a->gt->stacks[i].first, a->gt->stacks[i].n};
    return 0;
}

DRIVE_INLINE pg_trace_str str_at(const trace_gen *gt, uint32_t i)
{
    if (i == TRACE_NONE_IDX)
        return (pg_trace_str){"", 0};
    return (pg_trace_str){gt->strbuf + gt->strs[i].off, gt->strs[i].len};
}

DRIVE_INLINE int str_arg(adv *a, int arg, pg_trace_str *out)
{
    uint64_t id = a->c->args[arg];
    *out = (pg_trace_str){"", 0};
    if (id == 0)
        return 0;
    uint32_t i = trace_gen_string(a->gt, id);
    if (i == TRACE_NONE_IDX)
        return BROKEN("string %llu is not in the generation's string table",
                      (unsigned long long)id);
    *out = str_at(a->gt, i);
    return 0;
}

/* The event's own stack, from the argument the spec names. */
DRIVE_INLINE int own_stack(adv *a, pg_trace_event *e)
{
    int8_t arg = trace_specs[a->c->typ].stack[0];
    return arg >= 0 ? stack_arg(a, arg, &e->stack) : 0;
}

/* Delivers e with its own stack, if that is in the tables. */
DRIVE_INLINE int own_done(adv *a, pg_trace_event *e, uint32_t slot)
{
    return own_stack(a, e) ? -1 : done(a, e, slot);
}

DRIVE_INLINE pg_trace_event *emit_go(adv *a, sctx ctx, int64_t g, uint8_t from, uint8_t to)
{
    pg_trace_event *e = emit_at(a, a->go_local, ctx);
    e->kind = PG_TRACE_GO_STATE;
    e->u.go =
        (pg_trace_go_state){g, (pg_trace_gstate)from, (pg_trace_gstate)to, {"", 0}, {NULL, 0}, 0};
    return e;
}

DRIVE_INLINE pg_trace_event *emit_proc(adv *a, sctx ctx, int64_t p, uint8_t from, uint8_t to)
{
    pg_trace_event *e = emit_in(a, ctx);
    e->kind = PG_TRACE_PROC_STATE;
    e->u.proc = (pg_trace_proc_state){p, (pg_trace_pstate)from, (pg_trace_pstate)to, 0, 0};
    return e;
}

DRIVE_INLINE pg_trace_event *emit_range(adv *a, pg_trace_kind kind, int64_t p, int64_t g)
{
    pg_trace_event *e = emit(a);
    e->kind = kind;
    e->u.range = (pg_trace_range){{"", 0}, p, g, 0, 0};
    return e;
}

/* ---- the handlers, in the order of order.go ---- */

DRIVE_INLINE int proc_status(adv *a)
{
    trace_order *o = a->o;
    trace_cursor *c = a->c;
    int64_t pid = (int64_t)c->args[0];
    uint64_t status = c->args[1];
    if (status >= PS_COUNT)
        return BROKEN("invalid status for proc %lld: %llu", (long long)pid,
                      (unsigned long long)status);
    uint8_t old = trace_proc_state_of[status];
    uint64_t shown = status; /* the status the event reports */
    trace_pstate *s = pget(o, pid);
    if (s) {
        if (status == PS_ABANDONED && s->status == PS_SYSCALL) {
            /* Still attached to its M as far as we know: Running -> Running. */
            old = PG_TRACE_P_RUNNING;
            shown = PS_SYSCALL;
        } else if (status == PS_ABANDONED && s->status == PS_ABANDONED) {
            old = PG_TRACE_P_IDLE;
        } else if (s->status != status) {
            return BROKEN("inconsistent status for proc %lld: old %s vs. new %s", (long long)pid,
                          trace_order_pstatus_name(s->status),
                          trace_order_pstatus_name((uint8_t)status));
        }
        s->seq_gen = a->gen;
        s->seq = 0;
    } else {
        trace_order_pnew(o, pid, (uint8_t)status, a->gen);
        old = a->gen == o->initial_gen ? PG_TRACE_P_UNDETERMINED : PG_TRACE_P_NOTEXIST;
    }
    sctx ctx = a->cur;
    if (status == PS_RUNNING || status == PS_SYSCALL)
        a->newc.p = pid;
    if (status == PS_ABANDONED && old == PG_TRACE_P_RUNNING) {
        /* Emit it in the context the P is bound to. */
        size_t i = 0;
        while (i < o->nms && o->ms[i].p != pid)
            i++;
        if (i == o->nms)
            return BROKEN("failed to find sched context for proc %lld that's about to be stolen",
                          (long long)pid);
        ctx = (sctx){o->ms[i].g, pid, o->ms[i].id};
    }
    pg_trace_event *e = emit_proc(a, ctx, pid, old, trace_proc_state_of[shown]);
    e->u.proc.restated = 1;
    return done(a, e, TRACE_NONE_IDX);
}

DRIVE_INLINE int proc_start(adv *a)
{
    trace_cursor *c = a->c;
    int64_t pid = (int64_t)c->args[0];
    trace_pstate *s = pget(a->o, pid);
    if (!s || s->status != PS_IDLE || !succeeds(a->gen, c->args[1], s->seq_gen, s->seq) ||
        a->cur.p != NONE)
        return WAIT;
    CHECK_CTX(MUST, MUST_NOT, MAY);
    s->status = PS_RUNNING;
    s->seq_gen = a->gen;
    s->seq = c->args[1];
    a->newc.p = pid;
    return done(a, emit_proc(a, a->cur, pid, PG_TRACE_P_IDLE, PG_TRACE_P_RUNNING), TRACE_NONE_IDX);
}

DRIVE_INLINE int proc_stop(adv *a)
{
    trace_pstate *s = pget(a->o, a->cur.p);
    if (!s)
        return BROKEN("event ProcStop for proc (%lld) that doesn't exist", (long long)a->cur.p);
    if (s->status != PS_RUNNING && s->status != PS_SYSCALL)
        return BROKEN("ProcStop event for proc that's not Running or Syscall");
    CHECK_CTX(MUST, MUST, MAY);
    s->status = PS_IDLE;
    a->newc.p = NONE;
    return done(a, emit_proc(a, a->cur, a->cur.p, PG_TRACE_P_RUNNING, PG_TRACE_P_IDLE),
                TRACE_NONE_IDX);
}

/* A ProcSteal event; from SyscallAbandoned Go has lost track and shows the
 * P Idle -> Idle. */
DRIVE_INLINE void emit_steal(adv *a, int64_t pid, uint8_t old)
{
    pg_trace_event *e =
        emit_proc(a, a->cur, pid, old == PS_ABANDONED ? PG_TRACE_P_IDLE : PG_TRACE_P_RUNNING,
                  PG_TRACE_P_IDLE);
    e->u.proc.stolen = 1;
    deliver(a, e, TRACE_NONE_IDX);
}

DRIVE_INLINE int proc_steal(adv *a)
{
    trace_order *o = a->o;
    trace_cursor *c = a->c;
    int64_t pid = (int64_t)c->args[0];
    trace_pstate *s = pget(o, pid);
    if (!s || (s->status != PS_SYSCALL && s->status != PS_ABANDONED) ||
        !succeeds(a->gen, c->args[1], s->seq_gen, s->seq))
        return WAIT;
    CHECK_CTX(MUST, MAY, MAY);
    uint8_t old = s->status;
    s->status = PS_IDLE;
    s->seq_gen = a->gen;
    s->seq = c->args[1];
    if (old != PS_ABANDONED) {
        int64_t mid = (int64_t)c->args[2];
        if (mid == a->cur.m) {
            if (a->cur.p != pid)
                return BROKEN("tried to self-steal proc %lld (thread %lld), but got proc %lld "
                              "instead",
                              (long long)pid, (long long)mid, (long long)a->cur.p);
            a->newc.p = NONE;
        } else {
            uint32_t mi = trace_order_mfind(o, mid);
            if (mi == TRACE_NONE_IDX)
                return BROKEN("stole proc from non-existent thread %lld", (long long)mid);
            if (o->ms[mi].p != pid)
                return BROKEN("tried to steal proc %lld from thread %lld, but got proc %lld "
                              "instead",
                              (long long)pid, (long long)mid, (long long)o->ms[mi].p);
            o->ms[mi].p = NONE; /* lets that thread's GoSyscallEndBlocked happen */
        }
    }
    emit_steal(a, pid, old);
    return ADVANCED;
}

DRIVE_INLINE int go_status(adv *a)
{
    trace_order *o = a->o;
    trace_cursor *c = a->c;
    int64_t gid = (int64_t)c->args[0];
    int64_t mid = (int64_t)c->args[1];
    uint64_t status = c->args[2];
    if (status >= GS_COUNT)
        return BROKEN("invalid status for goroutine %lld: %llu", (long long)gid,
                      (unsigned long long)status);
    uint8_t old = trace_go_state_of[status];
    trace_gstate *s = gget(o, gid);
    uint32_t slot;
    if (s) {
        slot = s->slot;
        if (s->status != status)
            return BROKEN("inconsistent status for goroutine %lld: old %s vs. new %s",
                          (long long)gid, trace_order_gstatus_name(s->status),
                          trace_order_gstatus_name((uint8_t)status));
        s->seq_gen = a->gen;
        s->seq = 0;
    } else if (a->gen == o->initial_gen) {
        slot = trace_order_gnew(o, gid, (uint8_t)status, a->gen);
        old = PG_TRACE_G_UNDETERMINED;
    } else {
        return BROKEN("found goroutine status for new goroutine after the first generation: "
                      "id=%lld status=%s",
                      (long long)gid, trace_order_gstatus_name((uint8_t)status));
    }
    sctx ctx = a->cur;
    if (status == GS_RUNNING) {
        a->newc.g = gid;
    } else if (status == GS_SYSCALL) {
        if (mid == NONE)
            return BROKEN("found goroutine %lld in syscall without a thread", (long long)gid);
        if (mid == a->cur.m) {
            if (a->gen != o->initial_gen && a->cur.g != gid)
                return BROKEN("inconsistent thread for syscalling goroutine %lld: thread has "
                              "goroutine %lld",
                              (long long)gid, (long long)a->cur.g);
            a->newc.g = gid;
        } else {
            /* A goroutine sitting in a syscall on another thread all along. */
            uint32_t mi = trace_order_mfind(o, mid);
            if (mi != TRACE_NONE_IDX) {
                if (o->ms[mi].g != gid)
                    return BROKEN("inconsistent thread for syscalling goroutine %lld: thread "
                                  "has goroutine %lld",
                                  (long long)gid, (long long)o->ms[mi].g);
                ctx.g = o->ms[mi].g;
            } else {
                trace_order_mnew(o, mid, gid, NONE);
            }
            ctx.m = mid;
        }
    }
    pg_trace_event *e = emit_go(a, ctx, gid, old, trace_go_state_of[status]);
    e->u.go.restated = 1;
    pg_trace_stack st = {NULL, 0};
    if (c->typ == EV_GO_STATUS_STACK && stack_arg(a, 3, &st))
        return -1;
    e->stack = e->u.go.stack = st;
    return done(a, e, slot);
}

DRIVE_INLINE int go_create(adv *a)
{
    trace_order *o = a->o;
    trace_cursor *c = a->c;
    CHECK_CTX(MUST, MUST, MAY);
    trace_gstate *s = gget(o, a->cur.g);
    if (s && s->status != GS_RUNNING)
        return BROKEN("%s event for goroutine that's not Running", trace_specs[c->typ].name);
    int64_t newg = (int64_t)c->args[0];
    if (gget(o, newg))
        return BROKEN("tried to create goroutine (%lld) that already exists", (long long)newg);
    int blocked = c->typ == EV_GO_CREATE_BLOCKED;
    uint32_t slot = trace_order_gnew(o, newg, blocked ? GS_WAITING : GS_RUNNABLE, a->gen);
    pg_trace_event *e = emit_go(a, a->cur, newg, PG_TRACE_G_NOTEXIST,
                                blocked ? PG_TRACE_G_WAITING : PG_TRACE_G_RUNNABLE);
    if (stack_arg(a, 2, &e->stack) || stack_arg(a, 1, &e->u.go.stack))
        return -1;
    return done(a, e, slot);
}

/* The current goroutine's state, with Go's errors when it is missing or not
 * in `want`. */
DRIVE_INLINE trace_gstate *cur_g(adv *a, uint8_t want)
{
    trace_gstate *s = gget(a->o, a->cur.g);
    if (!s) {
        BROKEN("event %s for goroutine (%lld) that doesn't exist", trace_specs[a->c->typ].name,
               (long long)a->cur.g);
        return NULL;
    }
    if (s->status != want) {
        BROKEN("%s event for goroutine that's not %s", trace_specs[a->c->typ].name,
               trace_order_gstatus_name(want));
        return NULL;
    }
    return s;
}

DRIVE_INLINE int go_stop_exec(adv *a)
{
    CHECK_USER_CTX();
    trace_gstate *s = cur_g(a, GS_RUNNING);
    if (!s)
        return -1;
    uint8_t typ = a->c->typ;
    uint8_t to = PG_TRACE_G_NOTEXIST;
    if (typ == EV_GO_DESTROY) {
        trace_order_gdel(a->o, a->cur.g);
    } else {
        s->status = typ == EV_GO_STOP ? GS_RUNNABLE : GS_WAITING;
        to = typ == EV_GO_STOP ? PG_TRACE_G_RUNNABLE : PG_TRACE_G_WAITING;
    }
    a->newc.g = NONE;
    pg_trace_event *e = emit_go(a, a->cur, a->cur.g, PG_TRACE_G_RUNNING, to);
    if (typ != EV_GO_DESTROY) {
        pg_trace_stack st; /* via a local: copying e->stack stalled the store buffer */
        if (str_arg(a, 0, &e->u.go.reason) || stack_arg(a, 1, &st))
            return -1;
        e->stack = e->u.go.stack = st;
    }
    return done(a, e, s->slot);
}

DRIVE_INLINE int go_start(adv *a)
{
    trace_cursor *c = a->c;
    int64_t gid = (int64_t)c->args[0];
    trace_gstate *s = gget(a->o, gid);
    if (!s || s->status != GS_RUNNABLE || !succeeds(a->gen, c->args[1], s->seq_gen, s->seq))
        return WAIT;
    CHECK_CTX(MUST, MUST, MUST_NOT);
    s->status = GS_RUNNING;
    s->seq_gen = a->gen;
    s->seq = c->args[1];
    a->newc.g = gid;
    return done(a, emit_go(a, a->cur, gid, PG_TRACE_G_RUNNABLE, PG_TRACE_G_RUNNING), s->slot);
}

DRIVE_INLINE int go_unblock(adv *a)
{
    trace_cursor *c = a->c;
    int64_t gid = (int64_t)c->args[0];
    trace_gstate *s = gget(a->o, gid);
    if (!s || s->status != GS_WAITING || !succeeds(a->gen, c->args[1], s->seq_gen, s->seq))
        return WAIT;
    s->status = GS_RUNNABLE;
    s->seq_gen = a->gen;
    s->seq = c->args[1];
    /* No context to check: anything can unblock a goroutine (e.g. sysmon). */
    pg_trace_event *e = emit_go(a, a->cur, gid, PG_TRACE_G_WAITING, PG_TRACE_G_RUNNABLE);
    return stack_arg(a, 2, &e->stack) ? -1 : done(a, e, s->slot);
}

DRIVE_INLINE int go_switch(adv *a)
{
    trace_cursor *c = a->c;
    CHECK_USER_CTX();
    trace_gstate *s = cur_g(a, GS_RUNNING);
    if (!s)
        return -1;
    int64_t nextg = (int64_t)c->args[0];
    trace_gstate *next = gget(a->o, nextg);
    if (!next || next->status != GS_WAITING ||
        !succeeds(a->gen, c->args[1], next->seq_gen, next->seq))
        return WAIT;
    /* Unblock nextg, block (Go gives no reason, no stack) or destroy the
     * current goroutine, start nextg: three events at the same time. */
    uint32_t cur = s->slot, nexts = next->slot;
    deliver(a, emit_go(a, a->cur, nextg, PG_TRACE_G_WAITING, PG_TRACE_G_RUNNABLE), nexts);
    if (c->typ == EV_GO_SWITCH) {
        s->status = GS_WAITING;
        deliver(a, emit_go(a, a->cur, a->cur.g, PG_TRACE_G_RUNNING, PG_TRACE_G_WAITING), cur);
    } else {
        trace_order_gdel(a->o, a->cur.g);
        deliver(a, emit_go(a, a->cur, a->cur.g, PG_TRACE_G_RUNNING, PG_TRACE_G_NOTEXIST), cur);
    }
    next->status = GS_RUNNING;
    next->seq_gen = a->gen;
    next->seq = c->args[1];
    a->newc.g = nextg;
    sctx start = a->cur;
    start.g = NONE;
    return done(a, emit_go(a, start, nextg, PG_TRACE_G_RUNNABLE, PG_TRACE_G_RUNNING), nexts);
}

DRIVE_INLINE int go_syscall_begin(adv *a)
{
    trace_cursor *c = a->c;
    CHECK_USER_CTX();
    trace_gstate *s = cur_g(a, GS_RUNNING);
    if (!s)
        return -1;
    s->status = GS_SYSCALL;
    trace_pstate *p = pget(a->o, a->cur.p);
    if (!p)
        return BROKEN("uninitialized proc %lld found during GoSyscallBegin", (long long)a->cur.p);
    p->status = PS_SYSCALL;
    /* The P's sequence number disambiguates which syscall a ProcSteal takes
     * the P from; a running P's number must fit. */
    if (!succeeds(a->gen, c->args[0], p->seq_gen, p->seq))
        return BROKEN("failed to advance GoSyscallBegin: can't make sequence: %llu (gen=%llu) "
                      "-> %llu (gen=%llu)",
                      (unsigned long long)p->seq, (unsigned long long)p->seq_gen,
                      (unsigned long long)c->args[0], (unsigned long long)a->gen);
    p->seq_gen = a->gen;
    p->seq = c->args[0];
    pg_trace_event *e = emit_go(a, a->cur, a->cur.g, PG_TRACE_G_RUNNING, PG_TRACE_G_SYSCALL);
    pg_trace_stack st;
    if (stack_arg(a, 1, &st))
        return -1;
    e->stack = e->u.go.stack = st;
    return done(a, e, s->slot);
}

DRIVE_INLINE int go_syscall_end(adv *a)
{
    CHECK_USER_CTX();
    trace_gstate *s = cur_g(a, GS_SYSCALL);
    if (!s)
        return -1;
    s->status = GS_RUNNING;
    trace_pstate *p = pget(a->o, a->cur.p);
    if (!p)
        return BROKEN("uninitialized proc %lld found during GoSyscallEnd", (long long)a->cur.p);
    if (p->status != PS_SYSCALL)
        return BROKEN("expected proc %lld in state Syscall, but got %s instead",
                      (long long)a->cur.p, trace_order_pstatus_name(p->status));
    p->status = PS_RUNNING;
    return done(a, emit_go(a, a->cur, a->cur.g, PG_TRACE_G_SYSCALL, PG_TRACE_G_RUNNING), s->slot);
}

DRIVE_INLINE int go_syscall_end_blocked(adv *a)
{
    /* Wait while this thread still holds its P in Syscall: the ProcSteal or
     * ProcStop taking it away must come first. */
    if (a->cur.p != NONE) {
        trace_pstate *p = pget(a->o, a->cur.p);
        if (!p)
            return BROKEN("uninitialized proc %lld found during GoSyscallEndBlocked",
                          (long long)a->cur.p);
        if (p->status == PS_SYSCALL)
            return WAIT;
    }
    CHECK_CTX(MUST, MAY, MUST);
    trace_gstate *s = cur_g(a, GS_SYSCALL);
    if (!s)
        return -1;
    a->newc.g = NONE;
    s->status = GS_RUNNABLE;
    return done(a, emit_go(a, a->cur, a->cur.g, PG_TRACE_G_SYSCALL, PG_TRACE_G_RUNNABLE), s->slot);
}

DRIVE_INLINE int go_create_syscall(adv *a)
{
    CHECK_CTX(MUST, MAY, MUST_NOT);
    int64_t newg = (int64_t)a->c->args[0];
    if (gget(a->o, newg))
        return BROKEN("tried to create goroutine (%lld) in syscall that already exists",
                      (long long)newg);
    uint32_t slot = trace_order_gnew(a->o, newg, GS_SYSCALL, a->gen);
    a->newc.g = newg;
    return done(a, emit_go(a, a->cur, newg, PG_TRACE_G_NOTEXIST, PG_TRACE_G_SYSCALL), slot);
}

DRIVE_INLINE int go_destroy_syscall(adv *a)
{
    CHECK_CTX(MUST, MAY, MUST);
    trace_gstate *s = cur_g(a, GS_SYSCALL);
    if (!s)
        return -1;
    uint32_t slot = s->slot;
    trace_order_gdel(a->o, a->cur.g);
    a->newc.g = NONE;
    if (a->cur.p != NONE) {
        /* The thread id may be reused: forget the P, as a self-steal. */
        trace_pstate *p = pget(a->o, a->cur.p);
        if (!p)
            return BROKEN("found invalid proc %lld during GoDestroySyscall", (long long)a->cur.p);
        if (p->status != PS_SYSCALL)
            return BROKEN("proc %lld in unexpected state %s during GoDestroySyscall",
                          (long long)a->cur.p, trace_order_pstatus_name(p->status));
        p->status = PS_ABANDONED;
        a->newc.p = NONE;
        emit_steal(a, a->cur.p, PS_SYSCALL);
    }
    return done(a, emit_go(a, a->cur, a->cur.g, PG_TRACE_G_SYSCALL, PG_TRACE_G_NOTEXIST), slot);
}

DRIVE_INLINE int user_task_begin(adv *a)
{
    trace_order *o = a->o;
    trace_cursor *c = a->c;
    uint64_t id = c->args[0];
    if (trace_map_get(&o->task_of_id, id) != TRACE_NONE_IDX)
        return BROKEN("task ID conflict: %llu", (unsigned long long)id);
    /* Parent 0 means "no parent" here, not the background task. */
    uint64_t parent = c->args[1] ? c->args[1] : TRACE_NO_TASK;
    pg_trace_str name;
    if (str_arg(a, 2, &name))
        return -1;
    uint32_t ti = trace_pool_get(&o->tasks);
    *TRACE_POOL_AT(&o->tasks, trace_task, ti) =
        (trace_task){trace_order_name(a->o, a->gt, a->c->args[2], name), parent};
    trace_map_put(&o->task_of_id, id, ti);
    CHECK_USER_CTX();
    pg_trace_event *e = emit(a);
    e->kind = PG_TRACE_TASK_BEGIN;
    e->u.task = (pg_trace_task){id, parent == TRACE_NO_TASK ? 0 : parent, name};
    return own_done(a, e, TRACE_NONE_IDX);
}

DRIVE_INLINE int user_task_end(adv *a)
{
    trace_order *o = a->o;
    uint64_t id = a->c->args[0];
    uint32_t ti = trace_map_get(&o->task_of_id, id);
    pg_trace_task t = {id, 0, {"", 0}};
    if (ti != TRACE_NONE_IDX) {
        /* The name as seen at the begin, maybe generations ago. */
        const trace_task *tk = TRACE_POOL_AT(&o->tasks, trace_task, ti);
        t.parent = tk->parent == TRACE_NO_TASK ? 0 : tk->parent;
        t.name.s = pg_intern_key(o->names, tk->name, &t.name.len);
        trace_map_del(&o->task_of_id, id);
        trace_pool_put(&o->tasks, ti);
    }
    CHECK_USER_CTX();
    pg_trace_event *e = emit(a);
    e->kind = PG_TRACE_TASK_END;
    e->u.task = t;
    return own_done(a, e, TRACE_NONE_IDX);
}

DRIVE_INLINE int user_region(adv *a)
{
    trace_order *o = a->o;
    uint64_t task = a->c->args[0];
    CHECK_USER_CTX();
    pg_trace_str name;
    if (str_arg(a, 1, &name))
        return -1;
    trace_gstate *s = gget(o, a->cur.g);
    if (!s)
        return BROKEN("encountered Ev%s without known state for current goroutine %lld",
                      trace_specs[a->c->typ].name, (long long)a->cur.g);
    int begin = a->c->typ == EV_USER_REGION_BEGIN;
    if (begin) {
        if (s->nregions == s->regions_cap) {
            s->regions_cap = s->regions_cap ? 2 * s->regions_cap : 4;
            s->regions = pg_xrealloc(s->regions, s->regions_cap * sizeof *s->regions);
        }
        s->regions[s->nregions++] =
            (trace_region){task, trace_order_name(a->o, a->gt, a->c->args[1], name)};
    } else if (s->nregions) {
        /* An end without any begin is a region from before the trace. */
        const trace_region *top = &s->regions[s->nregions - 1];
        if (top->task != task || top->name != trace_order_name(a->o, a->gt, a->c->args[1], name))
            return BROKEN("misuse of region in goroutine %lld: region end {%llu %.*s} when the "
                          "inner-most active region start event is {%llu %s}",
                          (long long)a->cur.g, (unsigned long long)task, (int)name.len, name.s,
                          (unsigned long long)top->task, pg_intern_key(o->names, top->name, NULL));
        s->nregions--;
    }
    pg_trace_event *e = emit(a);
    e->kind = begin ? PG_TRACE_REGION_BEGIN : PG_TRACE_REGION_END;
    e->u.region = (pg_trace_region){task, name};
    return own_done(a, e, s->slot);
}

DRIVE_INLINE int gc_event(adv *a)
{
    trace_order *o = a->o;
    uint64_t seq = a->c->args[0];
    pg_trace_kind kind;
    switch (a->c->typ) {
    case EV_GC_ACTIVE:
        kind = PG_TRACE_GC_ACTIVE;
        if (a->gen == o->initial_gen) {
            if (o->gc_state != GC_UNDETERMINED)
                return BROKEN("GCActive in the first generation isn't first GC event");
            o->gc_seq = seq;
            o->gc_state = GC_RUNNING;
            return done(a, emit_range(a, kind, NONE, NONE), TRACE_NONE_IDX);
        }
        if (seq != o->gc_seq + 1)
            return WAIT;
        if (o->gc_state != GC_RUNNING)
            return BROKEN("encountered GCActive while GC was not in progress");
        break;
    case EV_GC_BEGIN:
        kind = PG_TRACE_GC_BEGIN;
        if (o->gc_state == GC_UNDETERMINED) {
            o->gc_seq = seq;
            o->gc_state = GC_RUNNING;
            return own_done(a, emit_range(a, kind, NONE, NONE), TRACE_NONE_IDX);
        }
        if (seq != o->gc_seq + 1)
            return WAIT;
        if (o->gc_state == GC_RUNNING)
            return BROKEN("encountered GCBegin while GC was already in progress");
        o->gc_state = GC_RUNNING;
        break;
    default: /* EV_GC_END */
        kind = PG_TRACE_GC_END;
        if (seq != o->gc_seq + 1)
            return WAIT;
        if (o->gc_state == GC_NOT_RUNNING)
            return BROKEN("encountered GCEnd when GC was not in progress");
        if (o->gc_state == GC_UNDETERMINED)
            return BROKEN("encountered GCEnd when GC was in an undetermined state");
        o->gc_state = GC_NOT_RUNNING;
        break;
    }
    o->gc_seq = seq;
    CHECK_USER_CTX();
    return own_done(a, emit_range(a, kind, NONE, NONE), TRACE_NONE_IDX);
}

DRIVE_INLINE int begin_range(adv *a, trace_ranges *r, uint64_t desc)
{
    uint8_t typ = range_type(a->c->typ);
    if (has_range(r, typ, desc))
        return BROKEN("discovered event already in-flight for when starting event %s",
                      trace_specs[typ].name);
    trace_order_add_range(r, typ, desc);
    return 0;
}

DRIVE_INLINE int active_range(adv *a, trace_ranges *r)
{
    uint8_t typ = range_type(a->c->typ);
    if (a->gen == a->o->initial_gen) {
        if (has_range(r, typ, 0))
            return BROKEN("found named active range already in first gen: %s",
                          trace_specs[typ].name);
        trace_order_add_range(r, typ, 0);
    } else if (!has_range(r, typ, 0)) {
        return BROKEN("resource is missing active range: %s", trace_specs[a->c->typ].name);
    }
    return 0;
}

DRIVE_INLINE int end_range(adv *a, trace_ranges *r, uint64_t *desc)
{
    uint8_t st = trace_specs[a->c->typ].start;
    for (uint32_t i = 0; i < r->n; i++) {
        if (r->v[i].typ == st) {
            *desc = r->v[i].desc;
            r->v[i] = r->v[--r->n]; /* swap remove, as Go */
            return 0;
        }
    }
    return BROKEN("tried to end event %s, but not in-flight", trace_specs[st].name);
}

DRIVE_INLINE int sweep_event(adv *a)
{
    trace_cursor *c = a->c;
    uint64_t desc = 0;
    if (c->typ == EV_GC_SWEEP_ACTIVE) {
        int64_t pid = (int64_t)c->args[0];
        trace_pstate *p = pget(a->o, pid);
        if (!p)
            return BROKEN("encountered GCSweepActive for unknown proc %lld", (long long)pid);
        if (active_range(a, &p->ranges))
            return -1;
        return done(a, emit_range(a, PG_TRACE_SWEEP_ACTIVE, pid, NONE), TRACE_NONE_IDX);
    }
    CHECK_CTX(MUST, MUST, MAY);
    trace_pstate *p = pget(a->o, a->cur.p);
    if (!p) /* Go would crash here; a bound P always has a state */
        return BROKEN("uninitialized proc %lld", (long long)a->cur.p);
    if (c->typ == EV_GC_SWEEP_BEGIN) {
        if (begin_range(a, &p->ranges, 0))
            return -1;
        return own_done(a, emit_range(a, PG_TRACE_SWEEP_BEGIN, a->cur.p, NONE), TRACE_NONE_IDX);
    }
    if (end_range(a, &p->ranges, &desc))
        return -1;
    pg_trace_event *e = emit_range(a, PG_TRACE_SWEEP_END, a->cur.p, NONE);
    e->u.range.swept = c->args[0];
    e->u.range.reclaimed = c->args[1];
    return done(a, e, TRACE_NONE_IDX);
}

DRIVE_INLINE int go_range(adv *a)
{
    trace_cursor *c = a->c;
    if (c->typ == EV_GC_MARK_ASSIST_ACTIVE) {
        /* May name a goroutine that is not running: no context checks. */
        int64_t gid = (int64_t)c->args[0];
        trace_gstate *s = gget(a->o, gid);
        if (!s)
            return BROKEN("uninitialized goroutine %lld found during GCMarkAssistActive",
                          (long long)gid);
        if (active_range(a, &s->ranges))
            return -1;
        return done(a, emit_range(a, PG_TRACE_ASSIST_ACTIVE, NONE, gid), s->slot);
    }
    CHECK_USER_CTX();
    trace_gstate *s = gget(a->o, a->cur.g);
    if (!s)
        return BROKEN("encountered event of type %d without known state for current goroutine "
                      "%lld",
                      c->typ, (long long)a->cur.g);
    pg_trace_event *e;
    switch (c->typ) {
    case EV_STW_BEGIN:
        if (begin_range(a, &s->ranges, c->args[0]))
            return -1;
        e = emit_range(a, PG_TRACE_STW_BEGIN, NONE, a->cur.g);
        if (str_arg(a, 0, &e->u.range.kind))
            return -1;
        break;
    case EV_GC_MARK_ASSIST_BEGIN:
        if (begin_range(a, &s->ranges, 0))
            return -1;
        e = emit_range(a, PG_TRACE_ASSIST_BEGIN, NONE, a->cur.g);
        break;
    default: {
        uint64_t desc = 0;
        if (end_range(a, &s->ranges, &desc))
            return -1;
        if (c->typ == EV_GC_MARK_ASSIST_END) {
            e = emit_range(a, PG_TRACE_ASSIST_END, NONE, a->cur.g);
        } else {
            /* The kind of the begin, which a broken trace could have carried
             * into another generation's strings: "" then. */
            e = emit_range(a, PG_TRACE_STW_END, NONE, a->cur.g);
            e->u.range.kind = str_at(a->gt, desc ? trace_gen_string(a->gt, desc) : TRACE_NONE_IDX);
        }
    }
    }
    return own_done(a, e, s->slot);
}

/* ProcsChange, GoLabel, UserLog, HeapAlloc, HeapGoal: no state. */
DRIVE_INLINE int annotation(adv *a)
{
    trace_cursor *c = a->c;
    if (c->typ == EV_HEAP_ALLOC || c->typ == EV_HEAP_GOAL)
        CHECK_CTX(MUST, MUST, MAY);
    else
        CHECK_USER_CTX();
    pg_trace_event *e = emit(a);
    uint32_t slot = TRACE_NONE_IDX;
    switch (c->typ) {
    case EV_PROCS_CHANGE:
        e->kind = PG_TRACE_GOMAXPROCS;
        e->u.metric = (pg_trace_metric){c->args[0]};
        break;
    case EV_HEAP_ALLOC:
        e->kind = PG_TRACE_HEAP_ALLOC;
        e->u.metric = (pg_trace_metric){c->args[0]};
        break;
    case EV_HEAP_GOAL:
        e->kind = PG_TRACE_HEAP_GOAL;
        e->u.metric = (pg_trace_metric){c->args[0]};
        break;
    case EV_GO_LABEL:
        e->kind = PG_TRACE_GO_LABEL;
        e->u.label.g = a->cur.g;
        if (str_arg(a, 0, &e->u.label.label))
            return -1;
        trace_gstate *s = gget(a->o, a->cur.g);
        slot = s ? s->slot : TRACE_NONE_IDX;
        break;
    default: /* EV_USER_LOG */
        e->kind = PG_TRACE_LOG;
        e->u.log.task = c->args[0];
        if (str_arg(a, 1, &e->u.log.category) || str_arg(a, 2, &e->u.log.message))
            return -1;
        break;
    }
    return own_done(a, e, slot);
}

DRIVE_INLINE int experimental(adv *a)
{
    CHECK_CTX(MUST, MAY, MAY);
    const trace_spec *s = &trace_specs[a->c->typ];
    pg_trace_event *e = emit(a);
    e->kind = PG_TRACE_EXPERIMENTAL;
    e->u.exp = (pg_trace_exp){s->name, {0}, s->nargs - 1};
    memcpy(e->u.exp.args, a->c->args, sizeof e->u.exp.args);
    return done(a, e, TRACE_NONE_IDX);
}

/* Go's ordering.Advance for the event under cursor c: 1 advanced (its
 * events delivered), 0 cannot advance yet, -1 broken trace (err set). */
DRIVE_INLINE int drive_advance(pg_trace_reader *r, trace_sink *sink, trace_cursor *c)
{
    trace_order *o = &r->order;
    const trace_gen *gt = &r->gen;
    uint64_t gen = gt->gen;
    pg_error *err = &r->perr;
    adv a;
    pg_trace_event local, go_local;
    a.local = &local;
    a.go_local = &go_local;
    a.r = r;
    a.sink = sink;
    a.o = o;
    a.gt = gt;
    a.c = c;
    a.gen = gen;
    a.err = err;
    a.cur = a.newc = (sctx){NONE, NONE, c->m};
    uint32_t mi = TRACE_NONE_IDX;
    if (c->m != NONE) {
        /* M states are never removed: the cursor keeps the index. */
        if (unlikely(c->mi == TRACE_NONE_IDX)) {
            c->mi = trace_order_mfind(o, c->m);
            if (c->mi == TRACE_NONE_IDX)
                c->mi = trace_order_mnew(o, c->m, NONE, NONE);
        }
        mi = c->mi;
        a.cur.p = o->ms[mi].p;
        a.cur.g = o->ms[mi].g;
        a.newc = a.cur;
    }
    int rc;
    switch (c->typ) {
    case EV_PROCS_CHANGE:
    case EV_GO_LABEL:
    case EV_USER_LOG:
    case EV_HEAP_ALLOC:
    case EV_HEAP_GOAL:
        rc = annotation(&a);
        break;
    case EV_PROC_START:
        rc = proc_start(&a);
        break;
    case EV_PROC_STOP:
        rc = proc_stop(&a);
        break;
    case EV_PROC_STEAL:
        rc = proc_steal(&a);
        break;
    case EV_PROC_STATUS:
        rc = proc_status(&a);
        break;
    case EV_GO_CREATE:
    case EV_GO_CREATE_BLOCKED:
        rc = go_create(&a);
        break;
    case EV_GO_CREATE_SYSCALL:
        rc = go_create_syscall(&a);
        break;
    case EV_GO_START:
        rc = go_start(&a);
        break;
    case EV_GO_DESTROY:
    case EV_GO_STOP:
    case EV_GO_BLOCK:
        rc = go_stop_exec(&a);
        break;
    case EV_GO_DESTROY_SYSCALL:
        rc = go_destroy_syscall(&a);
        break;
    case EV_GO_UNBLOCK:
        rc = go_unblock(&a);
        break;
    case EV_GO_SYSCALL_BEGIN:
        rc = go_syscall_begin(&a);
        break;
    case EV_GO_SYSCALL_END:
        rc = go_syscall_end(&a);
        break;
    case EV_GO_SYSCALL_END_BLOCKED:
        rc = go_syscall_end_blocked(&a);
        break;
    case EV_GO_STATUS:
    case EV_GO_STATUS_STACK:
        rc = go_status(&a);
        break;
    case EV_STW_BEGIN:
    case EV_STW_END:
    case EV_GC_MARK_ASSIST_ACTIVE:
    case EV_GC_MARK_ASSIST_BEGIN:
    case EV_GC_MARK_ASSIST_END:
        rc = go_range(&a);
        break;
    case EV_GC_ACTIVE:
    case EV_GC_BEGIN:
    case EV_GC_END:
        rc = gc_event(&a);
        break;
    case EV_GC_SWEEP_ACTIVE:
    case EV_GC_SWEEP_BEGIN:
    case EV_GC_SWEEP_END:
        rc = sweep_event(&a);
        break;
    case EV_USER_TASK_BEGIN:
        rc = user_task_begin(&a);
        break;
    case EV_USER_TASK_END:
        rc = user_task_end(&a);
        break;
    case EV_USER_REGION_BEGIN:
    case EV_USER_REGION_END:
        rc = user_region(&a);
        break;
    case EV_GO_SWITCH:
    case EV_GO_SWITCH_DESTROY:
        rc = go_switch(&a);
        break;
    default:
        if (trace_specs[c->typ].exp) {
            rc = experimental(&a);
            break;
        }
        return trace_order_broken(err, gt, c, "bad event type found while ordering: %d", c->typ);
    }
    if (rc == ADVANCED && mi != TRACE_NONE_IDX) {
        o->ms[mi].p = a.newc.p;
        o->ms[mi].g = a.newc.g;
    }
    return rc;
}

/* ---- the merge (reader.go) ---- */

/* Advances the cursor at frontier position i: 1, 0 (must wait), -1. */
DRIVE_INLINE int drive_try(pg_trace_reader *r, trace_sink *sink, size_t i)
{
    trace_cursor *c = &r->gen.cursors[r->heap[i].ci];
    int rc = drive_advance(r, sink, c);
    if (rc <= 0)
        return rc;
    int n = trace_cursor_next(&r->gen, c, &r->perr);
    if (unlikely(n < 0))
        return -1;
    if (likely(n)) {
        r->heap[i].time = c->time;
        trace_heap_update(r, i);
    } else {
        trace_heap_remove(r, i);
    }
    return 1;
}

/* The events of one advance: the earliest event first; rarely it must wait,
 * and the others are tried by time. */
DRIVE_INLINE int drive_events(pg_trace_reader *r, trace_sink *sink, pg_error *err)
{
    size_t i = 0;
    int rc;
    while (unlikely((rc = drive_try(r, sink, i)) == 0)) {
        if (i == 0)
            trace_reader_sort_frontier(r);
        if (++i >= r->nheap) {
            trace_reader_stuck(r);
            rc = -1;
            break;
        }
    }
    if (unlikely(rc < 0)) {
        trace_reader_damaged(r);
        return trace_reader_fail(r, err);
    }
    return 1;
}

/* One step of the reader: delivers a Sync, a CPU sample or the events of
 * one advance to sink. Returns 1, 0 at the end of the trace, -1 on damage
 * (err: see pg_trace_reader_next; the reader is spent). */
DRIVE_INLINE int trace_drive_step(pg_trace_reader *r, trace_sink *sink, pg_error *err)
{
    /* sample_time only filters: a Sync or a CPU sample can be due only when
     * the frontier is empty or a sample is earlier than its first event. A
     * finished reader has an empty frontier, a failed one sample_time
     * INT64_MIN: the one test per event covers them too. */
    if (unlikely(r->nheap == 0 || r->sample_time < r->heap[0].time)) {
        if (r->failed)
            return trace_reader_fail(r, err);
        if (r->done)
            return 0;
        trace_gen *g = &r->gen;
        pg_trace_event local, *ev;
        if (r->have_gen && g->next_sample < g->nsamples &&
            (r->nheap == 0 || g->samples[g->next_sample].time < r->heap[0].time)) {
            ev = trace_sink_slot(sink, &local);
            trace_reader_sample(r, ev);
            drive_deliver(r, sink, ev, TRACE_NONE_IDX);
            return 1;
        }
        if (r->nheap == 0) {
            ev = trace_sink_slot(sink, &local);
            int rc = trace_reader_refresh(r, ev, err);
            if (rc > 0)
                drive_deliver(r, sink, ev, TRACE_NONE_IDX);
            return rc;
        }
    }
    return drive_events(r, sink, err);
}

#undef NONE
#undef ADVANCED
#undef WAIT

#endif
