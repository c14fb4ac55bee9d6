/*
 * Tests of the trace reader (gate/trace/pg_trace.h) beyond the golden
 * comparison with Go's reader (check_golden.sh): the API's fields on real
 * traces, reading from a pipe, hand-built traces that pin down ordering and
 * framing rules, and damage: every kind of broken input must give an error
 * naming the byte offset, with the complete generations before the damage
 * delivered and nothing else, and never a crash or a hang.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dump_line.h"
#include "pg_alloc.h"
#include "pg_buf.h"
#include "pg_trace.h"

#define NONE PG_TRACE_NONE

static char *testdata(const char *name)
{
    return pg_xasprintf("%s/%s", TRACE_TESTDATA, name);
}

static uint8_t *slurp(const char *name, size_t *len)
{
    char *path = testdata(name);
    pg_buf b = {0};
    assert_int_equal(pg_buf_read_file(&b, path), 0);
    free(path);
    *len = b.len;
    return (uint8_t *)pg_buf_detach(&b);
}

/* The outcome of reading a whole trace: its dump, one line per event. */
typedef struct run {
    pg_buf dump;
    size_t events, syncs;
    size_t sync_at[64]; /* dump offset of each sync line */
    int rc, partial, version;
    uint64_t gens;
    pg_error err;
} run;

static void drain(pg_trace_reader *r, run *out)
{
    pg_trace_event ev;
    while ((out->rc = pg_trace_reader_next(r, &ev, &out->err)) > 0) {
        if (ev.kind == PG_TRACE_SYNC && out->syncs < 64)
            out->sync_at[out->syncs++] = out->dump.len;
        dump_line(&out->dump, &ev);
        out->events++;
    }
    out->partial = pg_trace_reader_partial(r);
    out->gens = pg_trace_reader_generations(r);
    /* Once spent, the reader keeps saying so. */
    pg_error again;
    assert_int_equal(pg_trace_reader_next(r, &ev, &again), out->rc);
}

static void run_mem(const uint8_t *data, size_t len, run *out)
{
    memset(out, 0, sizeof *out);
    pg_trace_reader *r = pg_trace_reader_open_mem(data, len, "mem.trace", &out->err);
    if (!r) {
        out->rc = -1;
        return;
    }
    out->version = pg_trace_reader_version(r);
    drain(r, out);
    pg_trace_reader_free(r);
}

static void run_free(run *r)
{
    pg_buf_free(&r->dump);
}

/* ---- real traces ---- */

/* Reads a trace and calls check on every event. */
static size_t each_event(const char *name, void (*check)(const pg_trace_event *, void *), void *ctx,
                         pg_trace_reader **keep)
{
    char *path = testdata(name);
    pg_error err;
    pg_trace_reader *r = pg_trace_reader_open(path, &err);
    assert_non_null(r);
    pg_trace_event ev;
    size_t n = 0;
    int rc;
    while ((rc = pg_trace_reader_next(r, &ev, &err)) > 0) {
        check(&ev, ctx);
        n++;
    }
    assert_int_equal(rc, 0);
    free(path);
    *keep = r;
    return n;
}

static int str_is(pg_trace_str s, const char *want)
{
    return s.len == strlen(want) && memcmp(s.s, want, s.len) == 0 && s.s[s.len] == 0;
}

typedef struct chanblock_facts {
    int64_t first_time, last_time;
    int syncs, restated, created_reader, stw_end_start_trace, task_end_pool, sleeps;
    int regions_work;
} chanblock_facts;

static void chanblock_check(const pg_trace_event *ev, void *ctx)
{
    chanblock_facts *f = ctx;
    if (!f->first_time)
        f->first_time = ev->time;
    assert_true(ev->time > f->last_time); /* strictly increasing */
    f->last_time = ev->time;
    switch (ev->kind) {
    case PG_TRACE_SYNC:
        f->syncs++;
        assert_int_equal(ev->u.sync.n, f->syncs);
        assert_int_equal(ev->m, NONE);
        assert_int_equal(ev->u.sync.gen, f->syncs == 1 ? 1 : 0);
        break;
    case PG_TRACE_GO_STATE:
        f->restated += ev->u.go.restated;
        if (ev->u.go.restated && ev->u.go.from != PG_TRACE_G_UNDETERMINED)
            assert_int_equal(ev->u.go.from, ev->u.go.to);
        /* The runtime's CPU-sample reader goroutine, created by StartTrace. */
        if (ev->u.go.g == 6 && ev->u.go.from == PG_TRACE_G_NOTEXIST) {
            assert_int_equal(ev->u.go.to, PG_TRACE_G_RUNNABLE);
            assert_int_equal(ev->u.go.stack.n, 1);
            assert_true(str_is(ev->u.go.stack.frames[0].func, "runtime.traceStartReadCPU.func1"));
            assert_true(ev->stack.n >= 2);
            assert_true(str_is(ev->stack.frames[0].func, "runtime.traceStartReadCPU"));
            assert_int_equal(ev->g, 1); /* created by main */
            f->created_reader++;
        }
        if (ev->u.go.to == PG_TRACE_G_WAITING && str_is(ev->u.go.reason, "sleep"))
            f->sleeps++;
        break;
    case PG_TRACE_STW_END:
        f->stw_end_start_trace += str_is(ev->u.range.kind, "start trace");
        assert_int_equal(ev->u.range.g, ev->g);
        break;
    case PG_TRACE_TASK_END:
        f->task_end_pool += ev->u.task.id == 1 && str_is(ev->u.task.name, "pool");
        assert_int_equal(ev->u.task.parent, 0);
        break;
    case PG_TRACE_REGION_BEGIN:
        f->regions_work += str_is(ev->u.region.name, "work") && ev->u.region.task == 1;
        break;
    default:
        break;
    }
}

static void test_api_on_real_trace(void **state)
{
    (void)state;
    chanblock_facts f = {0};
    pg_trace_reader *r;
    size_t n = each_event("go123-chanblock.trace", chanblock_check, &f, &r);
    assert_int_equal(n, 1421); /* as Go's reader */
    assert_int_equal(pg_trace_reader_version(r), 23);
    assert_string_equal(pg_trace_reader_go_version(r), "1.23 or 1.24");
    assert_int_equal(pg_trace_reader_generations(r), 1);
    assert_int_equal(pg_trace_reader_partial(r), 0);
    assert_int_equal(pg_trace_reader_offset(r), 10326); /* the file size */
    assert_int_equal(pg_trace_reader_start_time(r), f.first_time);
    assert_int_equal(pg_trace_reader_end_time(r), f.last_time);
    assert_int_equal(f.first_time, 860541512320);
    assert_int_equal(f.syncs, 2);
    assert_int_equal(f.created_reader, 1);
    assert_int_equal(f.stw_end_start_trace, 1);
    assert_int_equal(f.task_end_pool, 1);
    assert_int_equal(f.regions_work, 200);
    assert_true(f.restated > 0);
    assert_true(f.sleeps > 0);
    pg_trace_reader_free(r);
}

typedef struct count_facts {
    int kinds[PG_TRACE_EXPERIMENTAL + 1];
    int with_stack, clock, task_end_named;
    uint64_t last_gen;
} count_facts;

static void count_check(const pg_trace_event *ev, void *ctx)
{
    count_facts *f = ctx;
    f->kinds[ev->kind]++;
    if (ev->kind == PG_TRACE_CPU_SAMPLE)
        f->with_stack += ev->stack.n > 0;
    if (ev->kind == PG_TRACE_SYNC) {
        f->clock += ev->u.sync.has_clock;
        if (ev->u.sync.gen)
            f->last_gen = ev->u.sync.gen;
        if (ev->u.sync.has_clock) {
            assert_true(ev->u.sync.wall_sec > 1700000000); /* after 2023 */
            assert_true(ev->u.sync.wall_nsec < 1000000000);
            assert_true(ev->u.sync.mono_ns > 0);
        }
    }
    if (ev->kind == PG_TRACE_TASK_END)
        f->task_end_named += str_is(ev->u.task.name, "pool");
    if (ev->kind == PG_TRACE_EXPERIMENTAL)
        assert_true(ev->u.exp.nargs >= 1 && ev->u.exp.nargs <= 3);
}

static void test_generations_samples_experiments(void **state)
{
    (void)state;
    pg_trace_reader *r;
    count_facts f = {0};
    /* Four generations; the task begins in the first and ends in the last,
     * where the string table no longer knows its name. */
    each_event("go123-chanblock-multigen.trace", count_check, &f, &r);
    assert_int_equal(pg_trace_reader_generations(r), 4);
    assert_int_equal(f.kinds[PG_TRACE_SYNC], 5);
    assert_int_equal(f.task_end_named, 1);
    pg_trace_reader_free(r);

    memset(&f, 0, sizeof f);
    each_event("go123-gcheavy-multigen-cpu.trace", count_check, &f, &r);
    assert_int_equal(f.kinds[PG_TRACE_CPU_SAMPLE], 10);
    assert_int_equal(f.with_stack, 10);
    assert_int_equal(f.kinds[PG_TRACE_GC_ACTIVE], 1);
    assert_int_equal(f.kinds[PG_TRACE_ASSIST_ACTIVE], 2);
    assert_int_equal(f.clock, 0);
    pg_trace_reader_free(r);

    memset(&f, 0, sizeof f);
    each_event("go123-chanblock-allocfree.trace", count_check, &f, &r);
    assert_int_equal(f.kinds[PG_TRACE_EXPERIMENTAL], 324);
    pg_trace_reader_free(r);

    /* Go 1.26: clock snapshots in every sync, an end-of-generation byte. */
    memset(&f, 0, sizeof f);
    each_event("go126-chanblock.trace", count_check, &f, &r);
    assert_int_equal(pg_trace_reader_version(r), 26);
    assert_string_equal(pg_trace_reader_go_version(r), "1.26");
    assert_int_equal(f.clock, f.kinds[PG_TRACE_SYNC] - 1); /* all but the final one */
    pg_trace_reader_free(r);

    /* A flight-recorder snapshot starts at a late generation number. */
    memset(&f, 0, sizeof f);
    each_event("go125-flightrec.trace", count_check, &f, &r);
    assert_int_equal(pg_trace_reader_version(r), 25);
    assert_true(f.last_gen > pg_trace_reader_generations(r));
    pg_trace_reader_free(r);
}

/* The same dump whether the trace comes from a file, memory or a pipe
 * (read through the spool file). */
static void test_pipe_and_memory(void **state)
{
    (void)state;
    size_t len;
    uint8_t *data = slurp("go125-all-multigen.trace", &len);
    run mem;
    run_mem(data, len, &mem);
    assert_int_equal(mem.rc, 0);

    char *path = testdata("go125-all-multigen.trace");
    run file = {0};
    pg_trace_reader *r = pg_trace_reader_open(path, &file.err);
    assert_non_null(r);
    drain(r, &file);
    pg_trace_reader_free(r);
    assert_int_equal(file.rc, 0);
    assert_string_equal(pg_buf_str(&file.dump), pg_buf_str(&mem.dump));

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        size_t off = 0;
        while (off < len) {
            ssize_t k = write(fds[1], data + off, len - off > 4096 ? 4096 : len - off);
            if (k <= 0)
                _exit(1);
            off += (size_t)k;
        }
        _exit(0);
    }
    close(fds[1]);
    /* Read it as stdin ("-"), as `perfgate trace -` would. */
    int saved = dup(0);
    assert_int_equal(dup2(fds[0], 0), 0);
    close(fds[0]);
    run piped = {0};
    r = pg_trace_reader_open("-", &piped.err);
    assert_non_null(r);
    drain(r, &piped);
    pg_trace_reader_free(r);
    dup2(saved, 0);
    close(saved);
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(piped.rc, 0);
    assert_string_equal(pg_buf_str(&piped.dump), pg_buf_str(&mem.dump));

    run_free(&mem);
    run_free(&file);
    run_free(&piped);
    free(path);
    free(data);
}

/* ---- headers ---- */

static void expect_open_error(const void *data, size_t len, const char *want1, const char *want2)
{
    pg_error err;
    pg_trace_reader *r = pg_trace_reader_open_mem(data, len, "t.trace", &err);
    assert_null(r);
    if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
        fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", err.msg, want1, want2 ? want2 : "");
}

static void test_headers(void **state)
{
    (void)state;
    expect_open_error("", 0, "t.trace: empty file", "expected a Go execution trace");
    expect_open_error("hello, world, not a trace", 25, "t.trace: byte 0: not a Go execution trace",
                      "\"hello, world, no\"");
    expect_open_error("go 1.21 trace\0\0\0", 16, "written by Go 1.21 or older", "Go 1.22 or newer");
    expect_open_error("go 1.5 trace\0\0\0\0", 16, "written by Go 1.5 or older", "Go 1.22");
    expect_open_error("go 1.24 trace\0\0\0", 16, "unknown trace format version 24",
                      "22, 23, 25, 26");
    expect_open_error("go 1.27 trace\0\0\0", 16, "unknown trace format version 27", NULL);
    expect_open_error("go 1.2", 6, "t.trace: byte 6: truncated header", NULL);
    expect_open_error("go 1.23 trace\0\0X", 16, "not a Go execution trace", NULL);

    pg_error err;
    assert_null(pg_trace_reader_open("/nonexistent/x.trace", &err));
    assert_non_null(strstr(err.msg, "cannot open trace /nonexistent/x.trace"));

    /* A header and nothing else. */
    run out;
    run_mem((const uint8_t *)"go 1.23 trace\0\0\0", 16, &out);
    assert_int_equal(out.rc, -1);
    assert_non_null(strstr(out.err.msg, "byte 16: the trace has no generations"));
    assert_int_equal(out.partial, 1);
    run_free(&out);
}

/* ---- hand-built traces ---- */

static void uv(pg_buf *b, uint64_t v)
{
    do {
        uint8_t c = v & 0x7f;
        v >>= 7;
        pg_buf_putc(b, (char)(c | (v ? 0x80 : 0)));
    } while (v);
}

/* An event: type byte and its arguments (dt first). */
static void ev(pg_buf *b, int typ, int n, ...)
{
    pg_buf_putc(b, (char)typ);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        uv(b, va_arg(ap, uint64_t));
    va_end(ap);
}

#define M_NONE UINT64_MAX
enum {
    PROC_STOP = 11,
    PROC_STATUS = 13,
    GO_START = 16,
    GO_BLOCK = 20,
    GO_UNBLOCK = 21,
    GO_STATUS = 25,
    P_RUNNING = 1,
    P_IDLE = 2,
    G_RUNNING = 2,
    G_WAITING = 4,
};

/* An event batch header announcing `size` payload bytes. */
static void batch_header(pg_buf *out, uint64_t gen, uint64_t m, uint64_t time, uint64_t size)
{
    pg_buf_putc(out, 1);
    uv(out, gen);
    uv(out, m);
    uv(out, time);
    uv(out, size);
}

static void batch(pg_buf *out, uint64_t gen, uint64_t m, uint64_t time, const pg_buf *payload)
{
    batch_header(out, gen, m, time, payload->len);
    pg_buf_append(out, payload->data, payload->len);
}

static void header(pg_buf *out, int version)
{
    char h[16] = {0};
    snprintf(h, sizeof h, "go 1.%d trace", version);
    pg_buf_append(out, h, 16);
}

/* The frequency record (version < 25) or sync batch (>= 25) of a
 * generation: 64 ns per tick. */
static void clock_batch(pg_buf *out, int version, uint64_t gen, uint64_t time)
{
    pg_buf p = {0};
    if (version >= 25)
        pg_buf_putc(&p, 0x32);
    ev(&p, 8, 1, (uint64_t)15625000);
    if (version >= 25)
        ev(&p, 0x33, 4, (uint64_t)5, (uint64_t)777, (uint64_t)1700000000, (uint64_t)123);
    batch(out, gen, M_NONE, time, &p);
    pg_buf_free(&p);
}

/* One generation: thread 1 runs goroutine 1 on P 0, which blocks ("sleep",
 * string 1), and the P stops. */
static void simple_gen(pg_buf *out, int version, uint64_t gen, uint64_t time)
{
    clock_batch(out, version, gen, time);
    pg_buf p = {0};
    ev(&p, PROC_STATUS, 3, (uint64_t)1, (uint64_t)0, (uint64_t)P_RUNNING);
    ev(&p, GO_STATUS, 4, (uint64_t)1, (uint64_t)1, (uint64_t)1, (uint64_t)G_RUNNING);
    ev(&p, GO_BLOCK, 3, (uint64_t)1, (uint64_t)1, (uint64_t)0);
    ev(&p, PROC_STOP, 1, (uint64_t)1);
    batch(out, gen, 1, time, &p);
    pg_buf_truncate(&p, 0);
    pg_buf_putc(&p, 4);
    ev(&p, 5, 1, (uint64_t)1);
    uv(&p, 5);
    pg_buf_append(&p, "sleep", 5);
    batch(out, gen, M_NONE, time, &p);
    pg_buf_free(&p);
    if (version >= 26)
        pg_buf_putc(out, 0x34);
}

static void run_buf(const pg_buf *b, run *out)
{
    run_mem((const uint8_t *)b->data, b->len, out);
}

static void test_minimal_traces(void **state)
{
    (void)state;
    static const char *const want =
        "64000 Sync M=-1 P=-1 G=-1 n=1\n"
        "64064 ProcState M=1 P=-1 G=-1 p=0 Undetermined->Running\n"
        "64128 GoState M=1 P=0 G=-1 g=1 Undetermined->Running reason=\"\"\n"
        "64192 GoState M=1 P=0 G=1 g=1 Running->Waiting reason=\"sleep\"\n"
        "64256 ProcState M=1 P=0 G=-1 p=0 Running->Idle\n"
        "64257 Sync M=-1 P=-1 G=-1 n=2\n";
    for (int v = 22; v <= 26; v++) {
        if (v == 24)
            continue;
        pg_buf b = {0};
        header(&b, v);
        simple_gen(&b, v, 1, 1000);
        run out;
        run_buf(&b, &out);
        assert_int_equal(out.rc, 0);
        if (v < 25) {
            assert_string_equal(pg_buf_str(&out.dump), want);
        } else {
            /* The snapshot: 5 ticks after the sync batch's time. */
            const char *first = "64000 Sync M=-1 P=-1 G=-1 n=1 clock=64320 mono=777 "
                                "wall=1700000000.000000123\n";
            assert_memory_equal(pg_buf_str(&out.dump), first, strlen(first));
            assert_string_equal(pg_buf_str(&out.dump) + strlen(first), strchr(want, '\n') + 1);
        }
        run_free(&out);
        pg_buf_free(&b);
    }
}

/* Thread 2 starts goroutine 2 at t=1005, before thread 1 unblocks it at
 * t=1013: the reader must hold the start back (it cannot happen yet) and
 * hand it out after the unblock, with its time forced past it. */
static void test_ordering_waits(void **state)
{
    (void)state;
    pg_buf b = {0}, p = {0};
    header(&b, 23);
    clock_batch(&b, 23, 1, 1000);
    ev(&p, PROC_STATUS, 3, (uint64_t)1, (uint64_t)0, (uint64_t)P_RUNNING);
    ev(&p, GO_STATUS, 4, (uint64_t)1, (uint64_t)1, (uint64_t)1, (uint64_t)G_RUNNING);
    ev(&p, GO_STATUS, 4, (uint64_t)1, (uint64_t)2, M_NONE, (uint64_t)G_WAITING);
    ev(&p, GO_UNBLOCK, 4, (uint64_t)10, (uint64_t)2, (uint64_t)1, (uint64_t)0);
    batch(&b, 1, 1, 1000, &p);
    pg_buf_truncate(&p, 0);
    ev(&p, PROC_STATUS, 3, (uint64_t)2, (uint64_t)1, (uint64_t)P_RUNNING);
    ev(&p, GO_START, 3, (uint64_t)3, (uint64_t)2, (uint64_t)2);
    batch(&b, 1, 2, 1000, &p);
    run out;
    run_buf(&b, &out);
    assert_int_equal(out.rc, 0);
    const char *d = pg_buf_str(&out.dump);
    const char *unblock = strstr(d, "64832 GoState M=1 P=0 G=1 g=2 Waiting->Runnable");
    const char *start = strstr(d, "64833 GoState M=2 P=1 G=-1 g=2 Runnable->Running");
    if (!unblock || !start || start < unblock)
        fail_msg("wrong order:\n%s", d);
    run_free(&out);

    /* A start whose sequence number nothing can satisfy: stuck. */
    pg_buf_truncate(&b, 0);
    header(&b, 23);
    clock_batch(&b, 23, 1, 1000);
    pg_buf_truncate(&p, 0);
    ev(&p, PROC_STATUS, 3, (uint64_t)1, (uint64_t)1, (uint64_t)P_RUNNING);
    ev(&p, GO_STATUS, 4, (uint64_t)1, (uint64_t)2, M_NONE, (uint64_t)G_WAITING);
    ev(&p, GO_START, 3, (uint64_t)3, (uint64_t)2, (uint64_t)5);
    batch(&b, 1, 2, 1000, &p);
    run_buf(&b, &out);
    assert_int_equal(out.rc, -1);
    assert_int_equal(out.partial, 1);
    if (!strstr(out.err.msg, "no thread's next event can happen (GoStart at byte 60 on thread 2)"))
        fail_msg("%s", out.err.msg);
    assert_non_null(strstr(out.err.msg, "0 complete generations"));
    run_free(&out);
    pg_buf_free(&b);
    pg_buf_free(&p);
}

static void expect_damage(const pg_buf *b, const char *want, size_t syncs)
{
    /* syncs: those delivered before the error; when the damage is found
     * before a generation starts, the last one closes the complete part. */
    run out;
    run_buf(b, &out);
    assert_int_equal(out.rc, -1);
    assert_int_equal(out.partial, 1);
    if (!strstr(out.err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", out.err.msg, want);
    assert_non_null(strstr(out.err.msg, "the trace is damaged or truncated"));
    if (out.syncs != syncs)
        fail_msg("%zu syncs before \"%s\", want %zu", out.syncs, out.err.msg, syncs);
    run_free(&out);
}

static void test_framing_errors(void **state)
{
    (void)state;
    pg_buf b = {0}, p = {0};

    /* An unknown event type in generation 2, after its first event: the
     * damage shows while generation 2 is being handed out (after its sync),
     * and the message counts generation 1 as the complete one. */
    header(&b, 23);
    simple_gen(&b, 23, 1, 1000);
    clock_batch(&b, 23, 2, 2000);
    ev(&p, PROC_STATUS, 3, (uint64_t)1, (uint64_t)0, (uint64_t)P_IDLE);
    size_t at = b.len + 1 + 1 + 1 + 2 + 1 + p.len; /* header: type gen m time(2) size */
    pg_buf_putc(&p, 0x60);
    batch(&b, 2, 1, 2000, &p);
    char want[96];
    snprintf(want, sizeof want,
             "byte %zu: expected an event in the batch of thread 1, found "
             "unknown event type 0x60",
             at);
    expect_damage(&b, want, 2);

    /* A varint longer than 64 bits in a batch header. */
    pg_buf_truncate(&b, 0);
    header(&b, 23);
    pg_buf_putc(&b, 1);
    for (int i = 0; i < 10; i++)
        pg_buf_putc(&b, (char)0xff);
    pg_buf_putc(&b, 1);
    expect_damage(&b,
                  "byte 17: batch header at byte 16: expected the generation, found a varint "
                  "longer than 64 bits",
                  1);

    /* A batch length past the end of the file. */
    pg_buf_truncate(&b, 0);
    header(&b, 23);
    batch_header(&b, 1, 1, 1000, 60000);
    pg_buf_append(&b, "\x0d\x01\x00\x01", 4);
    expect_damage(&b,
                  "the file ends inside a batch: the header at byte 16 announces 60000 bytes, "
                  "only 4 follow",
                  1);

    /* A batch larger than the runtime ever writes. */
    pg_buf_truncate(&b, 0);
    header(&b, 23);
    batch_header(&b, 1, 1, 1000, 70000);
    expect_damage(&b, "byte 16: batch size 70000 exceeds the maximum 65536", 1);

    /* Version 26 without the end-of-generation byte after the last one. */
    pg_buf_truncate(&b, 0);
    header(&b, 26);
    simple_gen(&b, 26, 1, 1000);
    simple_gen(&b, 26, 2, 2000);
    pg_buf_truncate(&b, b.len - 1);
    expect_damage(&b, "the file ends inside generation 2, which has no end-of-generation byte", 2);

    /* The end-of-generation byte does not exist before version 26. */
    pg_buf_truncate(&b, 0);
    header(&b, 25);
    simple_gen(&b, 25, 1, 1000);
    pg_buf_putc(&b, 0x34);
    expect_damage(&b, "found an end-of-generation byte (0x34), which only version 26 traces have",
                  1);

    /* Generations out of order, and a missing frequency. */
    pg_buf_truncate(&b, 0);
    header(&b, 23);
    simple_gen(&b, 23, 1, 1000);
    simple_gen(&b, 23, 3, 2000);
    expect_damage(&b, "a batch of generation 3 after generation 1: generations out of order", 1);

    pg_buf_truncate(&b, 0);
    header(&b, 22);
    pg_buf_truncate(&p, 0);
    ev(&p, PROC_STATUS, 3, (uint64_t)1, (uint64_t)0, (uint64_t)P_RUNNING);
    batch(&b, 1, 1, 1000, &p);
    expect_damage(&b, "byte 16: generation 1 has no frequency batch", 1);

    /* A goroutine status contradicting the state. */
    pg_buf_truncate(&b, 0);
    header(&b, 23);
    clock_batch(&b, 23, 1, 1000);
    pg_buf_truncate(&p, 0);
    ev(&p, PROC_STATUS, 3, (uint64_t)1, (uint64_t)0, (uint64_t)P_RUNNING);
    ev(&p, GO_STATUS, 4, (uint64_t)1, (uint64_t)1, (uint64_t)1, (uint64_t)G_RUNNING);
    ev(&p, GO_STATUS, 4, (uint64_t)1, (uint64_t)1, (uint64_t)1, (uint64_t)G_WAITING);
    batch(&b, 1, 1, 1000, &p);
    expect_damage(&b,
                  "GoStatus event of thread 1, generation 1: inconsistent status for "
                  "goroutine 1: old Running vs. new Waiting",
                  1);

    /* A string id the table does not define. */
    pg_buf_truncate(&b, 0);
    header(&b, 23);
    clock_batch(&b, 23, 1, 1000);
    pg_buf_truncate(&p, 0);
    ev(&p, PROC_STATUS, 3, (uint64_t)1, (uint64_t)0, (uint64_t)P_RUNNING);
    ev(&p, GO_STATUS, 4, (uint64_t)1, (uint64_t)1, (uint64_t)1, (uint64_t)G_RUNNING);
    ev(&p, GO_BLOCK, 3, (uint64_t)1, (uint64_t)9, (uint64_t)0);
    batch(&b, 1, 1, 1000, &p);
    expect_damage(&b,
                  "GoBlock event of thread 1, generation 1: string 9 is not in the "
                  "generation's string table",
                  1);

    pg_buf_free(&b);
    pg_buf_free(&p);
}

/* ---- damage to real traces ---- */

/* Where each generation of a trace ends: for version 26 after its
 * end-of-generation byte; before, once the generation number of the next
 * generation's first batch has been read (until then nobody can tell that
 * the generation is complete). */
static size_t gen_ends(const uint8_t *d, size_t len, size_t *ends, size_t max)
{
    int v26 = memcmp(d, "go 1.26", 7) == 0;
    size_t off = 16, n = 0;
    uint64_t gen = 0;
    while (off < len && n < max) {
        if (d[off] == 0x34) {
            ends[n++] = ++off;
            continue;
        }
        size_t start = off;
        off += d[off] == 0x31 ? 2 : 1;
        uint64_t f[4];
        for (int i = 0; i < 4; i++) {
            unsigned s = 0;
            f[i] = 0;
            while (d[off] & 0x80)
                f[i] |= (uint64_t)(d[off++] & 0x7f) << s, s += 7;
            f[i] |= (uint64_t)d[off++] << s;
            if (i == 0 && !v26 && gen && f[0] != gen)
                ends[n++] = off; /* the next generation's number, read */
        }
        (void)start;
        gen = f[0];
        off += f[3];
    }
    if (!v26 && n < max)
        ends[n++] = len;
    return n;
}

static void check_cut(const uint8_t *d, size_t len, size_t cut, const run *full, const size_t *ends,
                      size_t nends, int v26)
{
    run out;
    run_mem(d, cut, &out);
    if (cut < 16) {
        assert_int_equal(out.rc, -1); /* the header is incomplete */
        assert_true(strstr(out.err.msg, "byte ") || strstr(out.err.msg, "empty file"));
        return;
    }
    size_t complete = 0;
    while (complete < nends && ends[complete] <= cut)
        complete++;
    if (out.rc < 0) {
        assert_int_equal(out.partial, 1);
        if (!strstr(out.err.msg, "byte "))
            fail_msg("cut at %zu: no byte offset in \"%s\"", cut, out.err.msg);
        if (out.gens != complete)
            fail_msg("cut at %zu: %llu generations delivered, %zu complete (%s)", cut,
                     (unsigned long long)out.gens, complete, out.err.msg);
    } else if (out.gens != complete + (cut == len || v26 ? 0 : 1)) {
        /* Without a terminator, a cut at a batch boundary of the last
         * generation looks like a complete (shorter) trace. */
        fail_msg("cut at %zu: %llu generations read cleanly, %zu complete", cut,
                 (unsigned long long)out.gens, complete);
    }
    /* The complete generations' events are exactly the trace's first ones. */
    assert_true(out.syncs > complete);
    size_t upto = out.sync_at[complete];
    if (upto != full->sync_at[complete] || memcmp(out.dump.data, full->dump.data, upto))
        fail_msg("cut at %zu: the events delivered are not the trace's first events", cut);
    run_free(&out);
}

static void truncations(const char *name)
{
    size_t len;
    uint8_t *d = slurp(name, &len);
    run full;
    run_mem(d, len, &full);
    assert_int_equal(full.rc, 0);
    size_t ends[256];
    size_t nends = gen_ends(d, len, ends, 256);
    assert_int_equal(nends, full.gens);
    int v26 = memcmp(d, "go 1.26", 7) == 0;
    /* ~150 cuts spread over the file, plus every generation boundary and
     * its neighbours. */
    size_t step = len / 150 + 1;
    for (size_t cut = 0; cut <= len; cut += step)
        check_cut(d, len, cut, &full, ends, nends, v26);
    for (size_t i = 0; i < nends; i++)
        for (size_t k = ends[i] - 2; k <= ends[i] + 2 && k <= len; k++)
            check_cut(d, len, k, &full, ends, nends, v26);
    run_free(&full);
    free(d);
}

static void test_truncation(void **state)
{
    (void)state;
    truncations("go122-chanblock-multigen.trace");
    truncations("go123-gcheavy-multigen-cpu.trace");
    truncations("go125-flightrec.trace");
    truncations("go126-flightrec.trace");
}

/* Flipped bytes anywhere: an error with a byte offset or a clean read,
 * never a crash (ASan and UBSan watch this in the sanitizer pass). */
static void test_flipped_bytes(void **state)
{
    (void)state;
    static const char *const names[] = {"go123-chanblock.trace", "go125-chanblock.trace",
                                        "go126-coro-allocfree.trace"};
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t t = 0; t < sizeof names / sizeof names[0]; t++) {
        size_t len;
        uint8_t *d = slurp(names[t], &len);
        for (int i = 0; i < 300; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t at = 16 + (size_t)(x % (len - 16));
            uint8_t old = d[at];
            d[at] ^= (uint8_t)(1u << (x >> 61)) | (i % 3 == 0 ? 0x80 : 0);
            run out;
            run_mem(d, len, &out);
            if (out.rc < 0 && !strstr(out.err.msg, "byte "))
                fail_msg("%s, byte %zu flipped: no offset in \"%s\"", names[t], at, out.err.msg);
            run_free(&out);
            d[at] = old;
        }
        free(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_on_real_trace),
        cmocka_unit_test(test_generations_samples_experiments),
        cmocka_unit_test(test_pipe_and_memory),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_minimal_traces),
        cmocka_unit_test(test_ordering_waits),
        cmocka_unit_test(test_framing_errors),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_flipped_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
