/*
 * The state tables of the ordering state machine (Go's order.go): the
 * goroutine, P, thread and task records, created and dropped here, and the
 * cold helpers of the handlers (error messages, range lists, interned
 * names). The handlers themselves, on the per-event path, are in
 * trace_drive.h, compiled into each consumer of the events.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "trace_internal.h"

void trace_order_init(trace_order *o)
{
    memset(o, 0, sizeof *o);
    o->names = pg_intern_create();
    trace_cmap_init(&o->g_of_id);
    trace_cmap_init(&o->p_of_id);
    trace_pool_init(&o->tasks, sizeof(trace_task));
}

void trace_order_free(trace_order *o)
{
    for (size_t i = 0; i < o->ngs; i++) {
        free(o->gs[i].regions);
        free(o->gs[i].ranges.v);
    }
    for (size_t i = 0; i < o->nps; i++)
        free(o->ps[i].ranges.v);
    free(o->gs);
    free(o->gs_free);
    trace_cmap_free(&o->g_of_id);
    free(o->ps);
    trace_cmap_free(&o->p_of_id);
    free(o->ms);
    trace_map_free(&o->m_of_id);
    trace_pool_free(&o->tasks);
    trace_map_free(&o->task_of_id);
    pg_intern_free(o->names);
    free(o->name_of_str);
    memset(o, 0, sizeof *o);
}

/* ---- state tables ---- */

uint32_t trace_order_gnew(trace_order *o, int64_t id, uint8_t status, uint64_t gen)
{
    uint32_t i;
    if (o->ngs_free) {
        i = o->gs_free[--o->ngs_free];
    } else {
        o->gs = pg_xgrow(o->gs, &o->gs_cap, o->ngs + 1, sizeof *o->gs);
        i = (uint32_t)o->ngs++;
        memset(&o->gs[i], 0, sizeof o->gs[i]);
    }
    trace_gstate *s = &o->gs[i];
    s->id = id;
    s->status = status;
    s->slot = i;
    s->seq_gen = gen;
    s->seq = 0;
    s->nregions = 0;
    s->ranges.n = 0;
    trace_cmap_put(&o->g_of_id, (uint64_t)id, i);
    return i;
}

void trace_order_gdel(trace_order *o, int64_t id)
{
    uint32_t i = trace_cmap_get(&o->g_of_id, (uint64_t)id);
    trace_cmap_del(&o->g_of_id, (uint64_t)id);
    o->gs_free = pg_xgrow(o->gs_free, &o->gs_free_cap, o->ngs_free + 1, sizeof *o->gs_free);
    o->gs_free[o->ngs_free++] = i;
}

void trace_order_pnew(trace_order *o, int64_t id, uint8_t status, uint64_t gen)
{
    o->ps = pg_xgrow(o->ps, &o->ps_cap, o->nps + 1, sizeof *o->ps);
    trace_pstate *s = &o->ps[o->nps];
    memset(s, 0, sizeof *s);
    s->id = id;
    s->status = status;
    s->seq_gen = gen;
    trace_cmap_put(&o->p_of_id, (uint64_t)id, (uint32_t)o->nps++);
}

uint32_t trace_order_mfind(trace_order *o, int64_t id)
{
    return trace_map_get(&o->m_of_id, (uint64_t)id);
}

uint32_t trace_order_mnew(trace_order *o, int64_t id, int64_t g, int64_t p)
{
    o->ms = pg_xgrow(o->ms, &o->ms_cap, o->nms + 1, sizeof *o->ms);
    o->ms[o->nms] = (trace_mstate){id, g, p};
    trace_map_put(&o->m_of_id, (uint64_t)id, (uint32_t)o->nms);
    return (uint32_t)o->nms++;
}

/* ---- ranges (rangeState) ---- */

void trace_order_add_range(trace_ranges *r, uint8_t typ, uint64_t desc)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 2;
        r->v = pg_xrealloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n++] = (trace_range){typ, desc};
}

/* ---- errors ---- */

int trace_order_broken(pg_error *err, const trace_gen *g, const trace_cursor *c, const char *fmt,
                       ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pg_error_set(err, "%s: byte %llu: %s event of thread %lld, generation %llu: %s", g->name,
                        (unsigned long long)trace_cursor_off(g, c), trace_specs[c->typ].name,
                        (long long)c->m, (unsigned long long)g->gen, what);
}

const char *trace_order_gstatus_name(uint8_t s)
{
    static const char *const n[GS_COUNT] = {"Bad", "Runnable", "Running", "Syscall", "Waiting"};
    return s < GS_COUNT ? n[s] : "Bad";
}

const char *trace_order_pstatus_name(uint8_t s)
{
    static const char *const n[PS_COUNT] = {"Bad", "Running", "Idle", "Syscall",
                                            "SyscallAbandoned"};
    return s < PS_COUNT ? n[s] : "Bad";
}

size_t trace_order_name(trace_order *o, const trace_gen *gt, uint64_t id, pg_trace_str name)
{
    uint32_t si = id ? trace_gen_string(gt, id) : TRACE_NONE_IDX;
    if (si == TRACE_NONE_IDX)
        return pg_intern_add(o->names, name.s, name.len, NULL);
    if (o->name_serial != gt->serial) {
        o->name_serial = gt->serial;
        o->name_of_str =
            pg_xgrow(o->name_of_str, &o->name_of_str_cap, gt->nstrs, sizeof *o->name_of_str);
        memset(o->name_of_str, 0xff, gt->nstrs * sizeof *o->name_of_str);
    }
    if (o->name_of_str[si] == SIZE_MAX)
        o->name_of_str[si] = pg_intern_add(o->names, name.s, name.len, NULL);
    return o->name_of_str[si];
}
