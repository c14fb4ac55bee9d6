/*
 * `perfgate trace [--json] [--mmu-windows LIST] TRACE...`: the metrics of Go
 * execution traces (gate/trace/pg_trace_metrics.h), as a readable summary or
 * as one JSON object per trace (the field names DESIGN.md promises; the
 * reference tool in tests/trace/reference prints the same ones).
 *
 * A damaged trace still gets its metrics -- those of the complete
 * generations before the damage -- marked "partial: <error at byte
 * offset>", and the exit status is 2, as for an unreadable trace.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "pg_alloc.h"
#include "pg_buf.h"
#include "pg_trace_metrics.h"

#define MAX_WINDOWS 32

static void usage(FILE *f)
{
    fprintf(f, "usage: perfgate trace [--json] [--mmu-windows LIST] TRACE...\n\n"
               "Prints the metrics of Go execution traces (go test -trace, runtime/trace):\n"
               "P utilisation, GC cycles and stop-the-world pauses, minimum mutator\n"
               "utilisation, blocking and scheduler latency, user regions and tasks; for the\n"
               "whole trace and for the timed window (the last benchmark runN).\n\n"
               "  --json              one JSON object per trace\n"
               "  --mmu-windows LIST  MMU window sizes, e.g. 100us,1ms,10ms,100ms (the\n"
               "                      default); units ns, us, ms, s\n");
}

/* Parses "100us,1ms,2.5ms" into ns; returns the count or -1 (message printed). */
static int parse_windows(const char *list, int64_t *out)
{
    int n = 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[64];
        if (len == 0 || len >= sizeof item) {
            fprintf(stderr, "perfgate: --mmu-windows: empty or overlong window in \"%s\"\n", list);
            return -1;
        }
        memcpy(item, p, len);
        item[len] = 0;
        char *unit;
        errno = 0;
        double v = strtod(item, &unit);
        double scale = strcmp(unit, "ns") == 0                                     ? 1
                       : strcmp(unit, "us") == 0 || strcmp(unit, "\xc2\xb5s") == 0 ? 1e3
                       : strcmp(unit, "ms") == 0                                   ? 1e6
                       : strcmp(unit, "s") == 0                                    ? 1e9
                                                                                   : 0;
        if (unit == item || errno || scale == 0 || !(v > 0) || v * scale > 1e18 ||
            v * scale < 0.5) {
            fprintf(stderr,
                    "perfgate: --mmu-windows: \"%s\" is not a window size; write a positive "
                    "number and a unit (ns, us, ms, s), e.g. 1ms\n",
                    item);
            return -1;
        }
        if (n == MAX_WINDOWS) {
            fprintf(stderr, "perfgate: --mmu-windows: at most %d windows\n", MAX_WINDOWS);
            return -1;
        }
        out[n++] = (int64_t)(v * scale + 0.5);
        if (!end)
            return n;
        p = end + 1;
    }
}

/* ---- JSON ---- */

static json_t *json_stat(const pg_trace_stat *s)
{
    return json_pack("{s:I, s:I, s:I}", "count", (json_int_t)s->count, "total_ns",
                     (json_int_t)s->total_ns, "max_ns", (json_int_t)s->max_ns);
}

/* Trace strings and paths are untrusted bytes: when they are not valid
 * UTF-8, their non-ASCII bytes are written as \xNN so that the output stays
 * valid JSON. */
static void json_text(pg_buf *out, const char *s, size_t len)
{
    json_t *probe = json_stringn(s, len);
    if (probe) {
        json_decref(probe);
        pg_buf_append(out, s, len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            pg_buf_printf(out, "\\x%02x", c);
        else
            pg_buf_putc(out, (char)c);
    }
}

static json_t *json_bytes(const char *s, size_t len)
{
    pg_buf b = {0};
    json_text(&b, s, len);
    json_t *v = json_stringn(pg_buf_str(&b), b.len);
    pg_buf_free(&b);
    return v;
}

static json_t *json_named(const pg_trace_named_stat *ns, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++) {
        pg_buf key = {0};
        json_text(&key, ns[i].name, ns[i].name_len);
        json_object_setn_new(o, pg_buf_str(&key), key.len, json_stat(&ns[i].stat));
        pg_buf_free(&key);
    }
    return o;
}

static json_t *json_figures(const pg_trace_metrics *m, const pg_trace_figures *f)
{
    const pg_trace_ptime *p = &f->ptime;
    json_t *o = json_object();
    json_object_set_new(o, "start_ns", json_integer(f->start_ns));
    json_object_set_new(o, "duration_ns", json_integer(f->duration_ns));
    json_object_set_new(o, "gomaxprocs", json_integer(f->gomaxprocs));
    json_object_set_new(o, "goroutines_created", json_integer(f->goroutines_created));
    json_object_set_new(o, "p_utilization", json_real(f->p_utilization));
    json_object_set_new(o, "p_time",
                        json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:I}", "total_ns",
                                  (json_int_t)p->total_ns, "user", f->p_utilization, "user_assist",
                                  f->p_user_assist, "gc", f->p_gc, "gc_workers", f->p_gc_workers,
                                  "gc_stw", f->p_gc_stw, "stw_other", f->p_stw_other,
                                  "runtime_other", f->p_runtime_other, "idle", f->p_idle,
                                  "overcommit_ns", (json_int_t)p->overcommit_ns));
    json_object_set_new(
        o, "gc",
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "count", (json_int_t)f->gc.count,
                  "active_at_start", (json_int_t)f->gc.active_at_start, "forced",
                  (json_int_t)f->gc.forced, "forced_by_benchmark",
                  (json_int_t)f->gc.forced_by_benchmark, "mark_total_ns",
                  (json_int_t)f->gc.mark_total_ns, "mark_max_ns", (json_int_t)f->gc.mark_max_ns,
                  "stw_count", (json_int_t)f->gc.stw.count, "stw_total_ns",
                  (json_int_t)f->gc.stw.total_ns, "stw_max_ns", (json_int_t)f->gc.stw.max_ns));
    json_object_set_new(o, "stw", json_named(f->stw, f->n_stw));
    json_t *mmu = json_object();
    const int64_t *windows;
    pg_trace_metrics_mmu_windows(m, &windows);
    for (size_t i = 0; i < f->n_mmu; i++) {
        char name[32];
        pg_trace_metrics_window_name(windows[i], name, sizeof name);
        json_object_set_new(mmu, name, json_real(f->mmu[i]));
    }
    json_object_set_new(o, "mmu", mmu);
    json_object_set_new(o, "block_ns",
                        json_pack("{s:I, s:I, s:I}", "sync", (json_int_t)f->block_sync_ns,
                                  "network", (json_int_t)f->block_network_ns, "syscall",
                                  (json_int_t)f->block_syscall_ns));
    json_object_set_new(o, "sched_latency_ns", json_integer(f->sched_latency_ns));
    json_object_set_new(o, "runnable_ns", json_integer(f->runnable_ns));
    json_object_set_new(o, "regions", json_named(f->regions, f->n_regions));
    json_object_set_new(o, "tasks", json_named(f->tasks, f->n_tasks));
    return o;
}

static int print_json(const char *path, const pg_trace_metrics *m)
{
    json_t *o = json_object();
    char version[16];
    snprintf(version, sizeof version, "1.%d", pg_trace_metrics_format(m));
    json_object_set_new(o, "file", json_bytes(path, strlen(path)));
    json_object_set_new(o, "go_version", json_string(version));
    const char *partial = pg_trace_metrics_partial(m);
    json_object_set_new(o, "partial", partial ? json_bytes(partial, strlen(partial)) : json_null());
    json_object_update_new(o, json_figures(m, pg_trace_metrics_whole(m)));
    const pg_trace_figures *timed = pg_trace_metrics_timed(m);
    json_object_set_new(o, "timed", timed ? json_figures(m, timed) : json_null());
    int rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(o);
    return rc == 0 && putchar('\n') != EOF ? 0 : -1;
}

/* ---- text ---- */

/* A duration with a scaled unit: 850ns, 43.6us, 65.19ms, 1.234s. */
static void put_dur(pg_buf *b, int64_t ns)
{
    double v = (double)ns;
    if (ns < 1000)
        pg_buf_printf(b, "%lldns", (long long)ns);
    else if (ns < 1000000)
        pg_buf_printf(b, "%.1fus", v / 1e3);
    else if (ns < 1000000000)
        pg_buf_printf(b, "%.2fms", v / 1e6);
    else
        pg_buf_printf(b, "%.3fs", v / 1e9);
}

static void put_count(pg_buf *b, int64_t n)
{
    pg_buf_printf(b, "%lld", (long long)n);
}

static void put_pct(pg_buf *b, double f)
{
    pg_buf_printf(b, "%.1f%%", f * 100);
}

/* One line of the summary: a label and a value per span (timed may be NULL). */
typedef void (*put_fn)(pg_buf *b, const pg_trace_figures *f, size_t arg);

static void row(pg_buf *out, const char *label, const pg_trace_figures *whole,
                const pg_trace_figures *timed, put_fn put, size_t arg)
{
    pg_buf cell = {0};
    pg_buf_printf(out, "  %-34s", label);
    for (int k = 0; k < 2; k++) {
        const pg_trace_figures *f = k ? timed : whole;
        if (!f)
            break;
        pg_buf_truncate(&cell, 0);
        put(&cell, f, arg);
        pg_buf_printf(out, " %16s", pg_buf_str(&cell));
    }
    pg_buf_putc(out, '\n');
    pg_buf_free(&cell);
}

static void v_duration(pg_buf *b, const pg_trace_figures *f, size_t arg)
{
    put_dur(b, f->duration_ns);
}
static void v_start(pg_buf *b, const pg_trace_figures *f, size_t arg)
{
    put_dur(b, f->start_ns);
}
static void v_procs(pg_buf *b, const pg_trace_figures *f, size_t arg)
{
    put_count(b, f->gomaxprocs);
}
static void v_created(pg_buf *b, const pg_trace_figures *f, size_t arg)
{
    put_count(b, f->goroutines_created);
}
static void v_ptime(pg_buf *b, const pg_trace_figures *f, size_t arg)
{
    put_dur(b, f->ptime.total_ns);
}
/* The P-time fractions, in the order of the summary. */
static void v_frac(pg_buf *b, const pg_trace_figures *f, size_t arg)
{
    const double v[] = {f->p_utilization, f->p_gc,        f->p_user_assist,   f->p_gc_workers,
                        f->p_gc_stw,      f->p_stw_other, f->p_runtime_other, f->p_idle};
    put_pct(b, v[arg]);
}
static void v_gc(pg_buf *b, const pg_trace_figures *f, size_t arg)
{
    const int64_t v[] = {f->gc.count, f->gc.forced, f->gc.forced_by_benchmark, f->gc.stw.count};
    put_count(b, v[arg]);
}
static void v_gc_dur(pg_buf *b, const pg_trace_figures *f, size_t arg)
{
    const int64_t v[] = {f->gc.stw.total_ns, f->gc.stw.max_ns, f->gc.mark_total_ns};
    put_dur(b, v[arg]);
}
static void v_mmu(pg_buf *b, const pg_trace_figures *f, size_t arg)
{
    if (arg < f->n_mmu)
        pg_buf_printf(b, "%.4f", f->mmu[arg]);
    else
        pg_buf_puts(b, "-");
}
static void v_block(pg_buf *b, const pg_trace_figures *f, size_t arg)
{
    const int64_t v[] = {f->block_sync_ns, f->block_network_ns, f->block_syscall_ns,
                         f->sched_latency_ns, f->runnable_ns};
    put_dur(b, v[arg]);
}

/* Untrusted names, printed with control bytes escaped and long ones cut. */
static void put_name(pg_buf *b, const char *s, size_t len, size_t width)
{
    size_t start = b->len, i = 0;
    for (; i < len && b->len - start < 60; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            pg_buf_printf(b, "\\x%02x", c);
        else
            pg_buf_putc(b, (char)c);
    }
    if (i < len)
        pg_buf_puts(b, "...");
    if (b->len - start < width)
        pg_buf_pad(b, ' ', width - (b->len - start));
}

static void table(pg_buf *out, const char *title, const pg_trace_named_stat *ns, size_t n)
{
    if (n == 0)
        return;
    pg_buf_printf(out, "  %-36s %8s %12s %12s\n", title, "count", "total", "max");
    pg_buf cell = {0};
    for (size_t i = 0; i < n; i++) {
        pg_buf_puts(out, "    ");
        put_name(out, ns[i].name, ns[i].name_len, 34);
        pg_buf_printf(out, " %8lld", (long long)ns[i].stat.count);
        pg_buf_truncate(&cell, 0);
        put_dur(&cell, ns[i].stat.total_ns);
        pg_buf_printf(out, " %12s", pg_buf_str(&cell));
        pg_buf_truncate(&cell, 0);
        put_dur(&cell, ns[i].stat.max_ns);
        pg_buf_printf(out, " %12s\n", pg_buf_str(&cell));
    }
    pg_buf_free(&cell);
}

static int print_text(const char *path, const pg_trace_metrics *m)
{
    const pg_trace_figures *w = pg_trace_metrics_whole(m), *t = pg_trace_metrics_timed(m);
    const pg_trace_metrics_info *info = pg_trace_metrics_info_of(m);
    pg_buf out = {0};
    pg_buf_printf(&out,
                  "%s: go 1.%d trace (written by Go %s), %llu generations, "
                  "%llu events\n",
                  path, pg_trace_metrics_format(m), pg_trace_metrics_go_release(m),
                  (unsigned long long)info->generations, (unsigned long long)info->events);
    if (pg_trace_metrics_partial(m))
        pg_buf_printf(&out, "  partial: %s\n", pg_trace_metrics_partial(m));
    pg_buf_printf(&out, "  %-34s %16s", "", "whole trace");
    if (t)
        pg_buf_printf(&out, " %16s", "timed window");
    pg_buf_putc(&out, '\n');
    row(&out, "duration", w, t, v_duration, 0);
    if (t)
        row(&out, "starts at", w, t, v_start, 0);
    row(&out, "GOMAXPROCS (at the end)", w, t, v_procs, 0);
    row(&out, "goroutines created", w, t, v_created, 0);
    row(&out, "P-time", w, t, v_ptime, 0);
    static const char *const fracs[] = {"  user goroutines",     "  GC",
                                        "    mark assists",      "    mark workers",
                                        "    GC stop-the-world", "  other stop-the-world",
                                        "  runtime goroutines",  "  idle"};
    for (size_t i = 0; i < sizeof fracs / sizeof fracs[0]; i++)
        row(&out, fracs[i], w, t, v_frac, i);
    row(&out, "GC cycles", w, t, v_gc, 0);
    row(&out, "  forced (runtime.GC)", w, t, v_gc, 1);
    row(&out, "    by the benchmark harness", w, t, v_gc, 2);
    row(&out, "  mark phases, total", w, t, v_gc_dur, 2);
    row(&out, "  GC stop-the-worlds", w, t, v_gc, 3);
    row(&out, "    total", w, t, v_gc_dur, 0);
    row(&out, "    longest", w, t, v_gc_dur, 1);
    const int64_t *windows;
    size_t nw = pg_trace_metrics_mmu_windows(m, &windows);
    for (size_t i = 0; i < nw; i++) {
        char label[48], name[32];
        pg_trace_metrics_window_name(windows[i], name, sizeof name);
        snprintf(label, sizeof label, "MMU %s", name);
        row(&out, label, w, t, v_mmu, i);
    }
    pg_buf_puts(&out, "  goroutine-time\n");
    static const char *const blocks[] = {"  blocked on sync", "  blocked on network",
                                         "  in syscalls", "  scheduler latency",
                                         "  runnable (incl. before 1st run)"};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        row(&out, blocks[i], w, t, v_block, i);
    for (int k = 0; k < 2; k++) {
        const pg_trace_figures *f = k ? t : w;
        if (!f || (f->n_stw + f->n_regions + f->n_tasks) == 0)
            continue;
        pg_buf_printf(&out, "  %s\n", k ? "timed window" : "whole trace");
        table(&out, "stop-the-world by reason", f->stw, f->n_stw);
        table(&out, "regions", f->regions, f->n_regions);
        table(&out, "tasks", f->tasks, f->n_tasks);
    }
    int rc = pg_buf_write(&out, stdout);
    pg_buf_free(&out);
    return rc;
}

int cmd_trace(int argc, char **argv)
{
    int json = 0, nwindows = 0;
    int64_t windows[MAX_WINDOWS];
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return PG_EXIT_OK;
        } else if (strcmp(a, "--mmu-windows") == 0 || strncmp(a, "--mmu-windows=", 14) == 0) {
            const char *list = a[13] == '=' ? a + 14 : (i + 1 < argc ? argv[++i] : NULL);
            if (!list) {
                fprintf(stderr, "perfgate: --mmu-windows needs a list, e.g. 100us,1ms\n");
                return PG_EXIT_USAGE;
            }
            if ((nwindows = parse_windows(list, windows)) < 0)
                return PG_EXIT_USAGE;
        } else {
            fprintf(stderr, "perfgate: trace: unknown option '%s'\n\n", a);
            usage(stderr);
            return PG_EXIT_USAGE;
        }
    }
    if (i == argc) {
        usage(stderr);
        return PG_EXIT_USAGE;
    }
    pg_trace_metrics_options opts = {nwindows ? windows : NULL, (size_t)nwindows};
    int status = PG_EXIT_OK;
    for (; i < argc; i++) {
        pg_error err;
        pg_trace_metrics *m = pg_trace_metrics_compute(argv[i], &opts, &err);
        if (!m) {
            fprintf(stderr, "perfgate: %s\n", err.msg);
            status = PG_EXIT_USAGE;
            continue;
        }
        if ((json ? print_json(argv[i], m) : print_text(argv[i], m)) != 0) {
            pg_trace_metrics_free(m);
            fprintf(stderr, "perfgate: writing the output: %s\n", strerror(errno));
            return PG_EXIT_RUNTIME;
        }
        if (pg_trace_metrics_partial(m)) {
            fprintf(stderr,
                    "perfgate: partial: %s; the metrics printed cover the complete "
                    "generations before it\n",
                    pg_trace_metrics_partial(m));
            status = PG_EXIT_USAGE;
        }
        pg_trace_metrics_free(m);
        if (!json && i + 1 < argc)
            putchar('\n');
    }
    return status;
}
