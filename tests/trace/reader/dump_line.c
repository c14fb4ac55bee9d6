/*
 * The canonical event line (dump_line.h).
 */
#include <inttypes.h>

#include "dump_line.h"

static void quote(pg_buf *b, pg_trace_str s)
{
    pg_buf_putc(b, '"');
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            pg_buf_putc(b, (char)c);
        else
            pg_buf_printf(b, "\\x%02x", c);
    }
    pg_buf_putc(b, '"');
}

static void stack(pg_buf *b, const char *label, pg_trace_stack s)
{
    if (s.n == 0)
        return;
    pg_buf_printf(b, " %s=[", label);
    for (size_t i = 0; i < s.n; i++) {
        const pg_trace_frame *f = &s.frames[i];
        if (i)
            pg_buf_putc(b, ';');
        quote(b, f->func);
        pg_buf_putc(b, '@');
        quote(b, f->file);
        pg_buf_printf(b, ":%" PRIu64 "#0x%" PRIx64, f->line, f->pc);
    }
    pg_buf_putc(b, ']');
}

void dump_line(pg_buf *b, const pg_trace_event *ev)
{
    const pg_trace_range *r = &ev->u.range;
    pg_buf_printf(b, "%" PRId64 " %s M=%" PRId64 " P=%" PRId64 " G=%" PRId64, ev->time,
                  pg_trace_kind_name(ev->kind), ev->m, ev->p, ev->g);
    switch (ev->kind) {
    case PG_TRACE_SYNC:
        pg_buf_printf(b, " n=%" PRIu64, ev->u.sync.n);
        if (ev->u.sync.has_clock) {
            /* Go normalises the wall clock through time.Unix(sec, nsec). */
            int64_t sec = ev->u.sync.wall_sec + ev->u.sync.wall_nsec / 1000000000;
            int64_t nsec = ev->u.sync.wall_nsec % 1000000000;
            pg_buf_printf(b, " clock=%" PRId64 " mono=%" PRIu64 " wall=%" PRId64 ".%09" PRId64,
                          ev->u.sync.clock_ns, ev->u.sync.mono_ns, sec, nsec);
        }
        break;
    case PG_TRACE_GO_STATE:
        pg_buf_printf(b, " g=%" PRId64 " %s->%s reason=", ev->u.go.g,
                      pg_trace_gstate_name(ev->u.go.from), pg_trace_gstate_name(ev->u.go.to));
        quote(b, ev->u.go.reason);
        stack(b, "tstk", ev->u.go.stack);
        break;
    case PG_TRACE_PROC_STATE:
        pg_buf_printf(b, " p=%" PRId64 " %s->%s", ev->u.proc.p,
                      pg_trace_pstate_name(ev->u.proc.from), pg_trace_pstate_name(ev->u.proc.to));
        break;
    case PG_TRACE_STW_BEGIN:
    case PG_TRACE_STW_END:
        pg_buf_printf(b, " g=%" PRId64 " kind=", r->g);
        quote(b, r->kind);
        break;
    case PG_TRACE_SWEEP_ACTIVE:
    case PG_TRACE_SWEEP_BEGIN:
        pg_buf_printf(b, " p=%" PRId64, r->p);
        break;
    case PG_TRACE_SWEEP_END:
        pg_buf_printf(b, " p=%" PRId64 " swept=%" PRIu64 " reclaimed=%" PRIu64, r->p, r->swept,
                      r->reclaimed);
        break;
    case PG_TRACE_ASSIST_ACTIVE:
    case PG_TRACE_ASSIST_BEGIN:
    case PG_TRACE_ASSIST_END:
        pg_buf_printf(b, " g=%" PRId64, r->g);
        break;
    case PG_TRACE_GO_LABEL:
        pg_buf_printf(b, " g=%" PRId64 " label=", ev->u.label.g);
        quote(b, ev->u.label.label);
        break;
    case PG_TRACE_TASK_BEGIN:
    case PG_TRACE_TASK_END:
        pg_buf_printf(b, " id=%" PRIu64 " parent=%" PRIu64 " name=", ev->u.task.id,
                      ev->u.task.parent);
        quote(b, ev->u.task.name);
        break;
    case PG_TRACE_REGION_BEGIN:
    case PG_TRACE_REGION_END:
        pg_buf_printf(b, " task=%" PRIu64 " name=", ev->u.region.task);
        quote(b, ev->u.region.name);
        break;
    case PG_TRACE_LOG:
        pg_buf_printf(b, " task=%" PRIu64 " cat=", ev->u.log.task);
        quote(b, ev->u.log.category);
        pg_buf_puts(b, " msg=");
        quote(b, ev->u.log.message);
        break;
    case PG_TRACE_HEAP_ALLOC:
    case PG_TRACE_HEAP_GOAL:
    case PG_TRACE_GOMAXPROCS:
        pg_buf_printf(b, " value=%" PRIu64, ev->u.metric.value);
        break;
    case PG_TRACE_EXPERIMENTAL:
        pg_buf_printf(b, " name=%s args=[", ev->u.exp.name);
        for (int i = 0; i < ev->u.exp.nargs; i++)
            pg_buf_printf(b, "%s%" PRIu64, i ? "," : "", ev->u.exp.args[i]);
        pg_buf_putc(b, ']');
        break;
    default:
        break;
    }
    stack(b, "stk", ev->stack);
    pg_buf_putc(b, '\n');
}
