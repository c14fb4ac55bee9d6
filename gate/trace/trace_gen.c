/*
 * One generation of a trace: its batches and tables (Go's generation.go and
 * batch.go).
 *
 * String, stack, CPU-sample, frequency/sync batches are parsed on arrival.
 * Event batches, nearly all of a trace, are only located: chained per
 * thread (M) in file order, left in the file (read back with pread when
 * their cursor gets there) or in memory, or copied to a spool file when the
 * trace comes from a pipe. So memory holds the tables plus one 64 KiB batch
 * per thread, however large a generation is. Once the generation is
 * complete, trace_gen_finish checks the tables the way Go does and resolves
 * every stack frame to strings, so handing out an event later costs array
 * lookups only. Tables keep their capacity from one generation to the next:
 * after the first few generations, reading allocates nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_alloc.h"
#include "trace_internal.h"

void trace_gen_init(trace_gen *g, const trace_input *in)
{
    memset(g, 0, sizeof *g);
    g->name = in->name;
    g->src_mem = in->mem ? in->buf : NULL;
    g->src_fd = in->fd;
    g->scratch = pg_xmalloc(TRACE_MAX_BATCH);
}

void trace_gen_free(trace_gen *g)
{
    if (g->spool)
        fclose(g->spool);
    for (size_t i = 0; i < g->nbufs; i++)
        free(g->bufs[i]);
    free(g->bufs);
    free(g->scratch);
    free(g->batches);
    free(g->cursors);
    trace_map_free(&g->cursor_of_m);
    free(g->strbuf);
    free(g->strs);
    trace_idtab_free(&g->str_of_id);
    free(g->stk_pcs);
    free(g->stacks);
    trace_idtab_free(&g->stack_of_id);
    free(g->pcframes);
    trace_map_free(&g->pcframe_of_pc);
    free(g->frames);
    free(g->samples);
    free(g->sample_order);
    memset(g, 0, sizeof *g);
}

void trace_gen_reset(trace_gen *g)
{
    g->serial++;
    g->gen = 0;
    g->min_ts = 0;
    g->first_off = 0;
    g->nall = 0;
    g->spool_len = 0;
    g->nbatches = 0;
    g->ncursors = 0;
    trace_map_clear(&g->cursor_of_m);
    g->strbuf_len = 0;
    g->nstrs = 0;
    trace_idtab_reset(&g->str_of_id);
    g->npcs = 0;
    g->nstacks = 0;
    trace_idtab_reset(&g->stack_of_id);
    g->npcframes = 0;
    trace_map_clear(&g->pcframe_of_pc);
    g->nsamples = 0;
    g->next_sample = 0;
    g->freq = 0;
    g->has_freq = g->has_clock = 0;
    g->snap_ticks = g->snap_mono = g->snap_sec = g->snap_nsec = 0;
}

static int bad(pg_error *err, const char *name, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int bad(pg_error *err, const char *name, uint64_t off, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pg_error_set(err, "%s: byte %llu: %s", name, (unsigned long long)off, what);
}

static const char *uvarint_problem(int rc)
{
    return rc == IN_OVERFLOW ? "a varint longer than 64 bits" : "the end of the file";
}

int trace_read_bhdr(trace_input *in, int version, trace_bhdr *h, pg_error *err)
{
    memset(h, 0, sizeof *h);
    h->off = trace_input_offset(in);
    int b = trace_input_byte(in, err);
    if (b == -2)
        return -1;
    if (b == -1)
        return 0;
    if (b == EV_END_OF_GENERATION) {
        if (version < 26)
            return bad(err, in->name, h->off,
                       "found an end-of-generation byte (0x34), which only version 26 traces "
                       "have; this is a version %d trace",
                       version);
        h->eog = 1;
        return 1;
    }
    if (b != EV_EVENT_BATCH && b != EV_EXPERIMENTAL_BATCH)
        return bad(err, in->name, h->off,
                   "expected a batch header (0x01 or 0x31)%s, found byte 0x%02x",
                   version >= 26 ? " or an end-of-generation byte (0x34)" : "", b);
    if (b == EV_EXPERIMENTAL_BATCH) {
        int e = trace_input_byte(in, err);
        if (e == -2)
            return -1;
        if (e == -1)
            return bad(err, in->name, trace_input_offset(in),
                       "the file ends inside a batch header; expected the experiment id");
        h->exp = (uint8_t)e;
    }
    static const char *const field[] = {"generation", "thread id", "timestamp", "size"};
    uint64_t v[4];
    for (int i = 0; i < 4; i++) {
        uint64_t off = trace_input_offset(in);
        int rc = trace_input_uvarint(in, &v[i], err);
        if (rc == IN_IOERR)
            return -1;
        if (rc != IN_OK)
            return bad(err, in->name, off, "batch header at byte %llu: expected the %s, found %s",
                       (unsigned long long)h->off, field[i], uvarint_problem(rc));
        if (i == 0) {
            h->gen = v[0];
            h->have_gen = 1;
        }
    }
    h->m = (int64_t)v[1];
    h->time = v[2];
    h->size = v[3];
    h->data_off = trace_input_offset(in);
    if (h->size > TRACE_MAX_BATCH)
        return bad(err, in->name, h->off, "batch size %llu exceeds the maximum %u",
                   (unsigned long long)h->size, TRACE_MAX_BATCH);
    return 1;
}

/* ---- tables ---- */

/* A reader over one payload, keeping the file offset for messages. */
typedef struct payload {
    const uint8_t *p, *start, *end;
    uint64_t file_off;
    const char *name;
    const char *what; /* "string table", ... */
} payload;

static uint64_t pl_off(const payload *pl)
{
    return pl->file_off + (uint64_t)(pl->p - pl->start);
}

static int pl_uvarint(payload *pl, uint64_t *v, const char *field, pg_error *err)
{
    int n = trace_uvarint(pl->p, pl->end, v);
    if (n <= 0)
        return bad(err, pl->name, pl_off(pl), "%s: expected %s, found %s", pl->what, field,
                   n == 0 ? "the end of the batch" : "a varint longer than 64 bits");
    pl->p += n;
    return 0;
}

static int add_strings(trace_gen *g, payload *pl, pg_error *err)
{
    pl->what = "string table";
    pl->p++; /* EvStrings */
    while (pl->p < pl->end) {
        uint64_t off = pl_off(pl);
        if (*pl->p != EV_STRING)
            return bad(err, pl->name, off, "string table: expected a string (0x05), found 0x%02x",
                       *pl->p);
        pl->p++;
        uint64_t id, len;
        if (pl_uvarint(pl, &id, "a string id", err) || pl_uvarint(pl, &len, "a length", err))
            return -1;
        if (len > TRACE_MAX_STRING)
            return bad(err, pl->name, off,
                       "string table: string %llu is %llu bytes long; the "
                       "maximum is %u",
                       (unsigned long long)id, (unsigned long long)len, TRACE_MAX_STRING);
        if ((uint64_t)(pl->end - pl->p) < len)
            return bad(err, pl->name, pl_off(pl),
                       "string table: string %llu needs %llu bytes, the batch has %zu left",
                       (unsigned long long)id, (unsigned long long)len, (size_t)(pl->end - pl->p));
        /* Id 0 is the empty string and never in the table; Go reports it as
         * a duplicate like any other id seen twice. */
        if (trace_idtab_add(&g->str_of_id, id, (uint32_t)g->nstrs))
            return bad(err, pl->name, off, "string table: string id %llu defined twice",
                       (unsigned long long)id);
        g->strbuf = pg_xgrow(g->strbuf, &g->strbuf_cap, g->strbuf_len + len + 1, 1);
        memcpy(g->strbuf + g->strbuf_len, pl->p, len);
        g->strbuf[g->strbuf_len + len] = 0;
        g->strs = pg_xgrow(g->strs, &g->strs_cap, g->nstrs + 1, sizeof *g->strs);
        g->strs[g->nstrs] = (trace_str){g->strbuf_len, (uint32_t)len};
        g->nstrs++;
        g->strbuf_len += len + 1;
        pl->p += len;
    }
    return 0;
}

static int add_stacks(trace_gen *g, payload *pl, pg_error *err)
{
    pl->what = "stack table";
    pl->p++; /* EvStacks */
    while (pl->p < pl->end) {
        uint64_t off = pl_off(pl);
        if (*pl->p != EV_STACK)
            return bad(err, pl->name, off, "stack table: expected a stack (0x03), found 0x%02x",
                       *pl->p);
        pl->p++;
        uint64_t id, n;
        if (pl_uvarint(pl, &id, "a stack id", err) || pl_uvarint(pl, &n, "a frame count", err))
            return -1;
        if (n > TRACE_MAX_FRAMES)
            return bad(err, pl->name, off,
                       "stack table: stack %llu has %llu frames; the maximum "
                       "is %u",
                       (unsigned long long)id, (unsigned long long)n, TRACE_MAX_FRAMES);
        g->stk_pcs = pg_xgrow(g->stk_pcs, &g->pcs_cap, g->npcs + n, sizeof *g->stk_pcs);
        size_t first = g->npcs;
        for (uint64_t i = 0; i < n; i++) {
            trace_pcframe f;
            if (pl_uvarint(pl, &f.pc, "a frame's pc", err) ||
                pl_uvarint(pl, &f.func, "a frame's function", err) ||
                pl_uvarint(pl, &f.file, "a frame's file", err) ||
                pl_uvarint(pl, &f.line, "a frame's line", err))
                return -1;
            g->stk_pcs[g->npcs++] = f.pc;
            /* Go keeps one frame per pc for the whole generation: the first. */
            if (trace_map_get(&g->pcframe_of_pc, f.pc) == TRACE_NONE_IDX) {
                g->pcframes =
                    pg_xgrow(g->pcframes, &g->pcframes_cap, g->npcframes + 1, sizeof *g->pcframes);
                g->pcframes[g->npcframes] = f;
                trace_map_put(&g->pcframe_of_pc, f.pc, (uint32_t)g->npcframes++);
            }
        }
        if (trace_idtab_add(&g->stack_of_id, id, (uint32_t)g->nstacks))
            return bad(err, pl->name, off, "stack table: stack id %llu defined twice",
                       (unsigned long long)id);
        g->stacks = pg_xgrow(g->stacks, &g->stacks_cap, g->nstacks + 1, sizeof *g->stacks);
        g->stacks[g->nstacks] = (trace_stackent){(uint32_t)first, (uint32_t)n};
        g->nstacks++;
    }
    return 0;
}

static int add_cpu_samples(trace_gen *g, payload *pl, pg_error *err)
{
    pl->what = "CPU samples";
    pl->p++; /* EvCPUSamples */
    while (pl->p < pl->end) {
        if (*pl->p != EV_CPU_SAMPLE)
            return bad(err, pl->name, pl_off(pl),
                       "CPU samples: expected a sample (0x07), found 0x%02x", *pl->p);
        pl->p++;
        uint64_t ts, m, p, gid, stk;
        if (pl_uvarint(pl, &ts, "a timestamp", err) || pl_uvarint(pl, &m, "a thread id", err) ||
            pl_uvarint(pl, &p, "a P id", err) || pl_uvarint(pl, &gid, "a goroutine id", err) ||
            pl_uvarint(pl, &stk, "a stack id", err))
            return -1;
        g->samples = pg_xgrow(g->samples, &g->samples_cap, g->nsamples + 1, sizeof *g->samples);
        /* Absolute ticks for now; converted once the frequency is known. */
        g->samples[g->nsamples++] = (trace_cpu_sample){
            (int64_t)ts, (int64_t)m, (int64_t)p, gid == 0 ? PG_TRACE_NONE : (int64_t)gid, stk};
    }
    return 0;
}

static int set_sync(trace_gen *g, int version, payload *pl, uint64_t batch_time, pg_error *err)
{
    pl->what = version >= 25 ? "sync batch" : "frequency batch";
    if (version >= 25)
        pl->p++; /* EvSync */
    uint64_t last = batch_time;
    while (pl->p < pl->end) {
        uint64_t off = pl_off(pl);
        uint8_t t = *pl->p++;
        if (t == EV_FREQUENCY) {
            if (g->has_freq)
                return bad(err, pl->name, off, "a second frequency record in this generation");
            uint64_t f;
            if (pl_uvarint(pl, &f, "the frequency", err))
                return -1;
            if (f == 0)
                return bad(err, pl->name, off, "frequency 0 ticks per second");
            g->freq = 1.0 / ((double)f / 1e9);
            g->has_freq = 1;
        } else if (t == EV_CLOCK_SNAPSHOT && version >= 25) {
            if (g->has_clock)
                return bad(err, pl->name, off, "a second clock snapshot record in this generation");
            uint64_t dt;
            if (pl_uvarint(pl, &dt, "the snapshot time", err) ||
                pl_uvarint(pl, &g->snap_mono, "the monotonic time", err) ||
                pl_uvarint(pl, &g->snap_sec, "the wall-clock seconds", err) ||
                pl_uvarint(pl, &g->snap_nsec, "the wall-clock nanoseconds", err))
                return -1;
            last += dt;
            g->snap_ticks = last;
            g->has_clock = 1;
        } else {
            return bad(err, pl->name, off, "%s: expected a frequency (0x08)%s record, found 0x%02x",
                       pl->what, version >= 25 ? " or clock snapshot (0x33)" : "", t);
        }
    }
    return 0;
}

static void add_event_batch(trace_gen *g, const trace_bhdr *h, uint64_t src_off)
{
    g->batches = pg_xgrow(g->batches, &g->batches_cap, g->nbatches + 1, sizeof *g->batches);
    uint32_t bi = (uint32_t)g->nbatches++;
    g->batches[bi] =
        (trace_batch){h->data_off, src_off, h->time, (uint32_t)h->size, TRACE_NONE_IDX};
    uint32_t ci = trace_map_get(&g->cursor_of_m, (uint64_t)h->m);
    if (ci == TRACE_NONE_IDX) {
        g->cursors = pg_xgrow(g->cursors, &g->cursors_cap, g->ncursors + 1, sizeof *g->cursors);
        ci = (uint32_t)g->ncursors++;
        trace_cursor *c = &g->cursors[ci];
        memset(c, 0, sizeof *c);
        c->m = h->m;
        c->first = c->last = bi;
        c->batch = TRACE_NONE_IDX;
        c->mi = TRACE_NONE_IDX;
        trace_map_put(&g->cursor_of_m, (uint64_t)h->m, ci);
        if (!g->src_mem && ci == g->nbufs) {
            g->bufs = pg_xrealloc(g->bufs, (g->nbufs + 1) * sizeof *g->bufs);
            g->bufs[g->nbufs++] = pg_xmalloc(TRACE_MAX_BATCH);
        }
    } else {
        trace_cursor *c = &g->cursors[ci];
        g->batches[c->last].next = bi;
        c->last = bi;
    }
}

static int short_batch(trace_gen *g, const trace_bhdr *h, long n, pg_error *err)
{
    return bad(err, g->name, h->data_off + (uint64_t)n,
               "the file ends inside a batch: the header at byte %llu announces %llu bytes, "
               "only %ld follow",
               (unsigned long long)h->off, (unsigned long long)h->size, n);
}

/* Keeps an event batch read from a pipe in the spool file. */
static int spool(trace_gen *g, const trace_bhdr *h, pg_error *err)
{
    if (!g->spool) {
        g->spool = tmpfile();
        if (!g->spool)
            return pg_error_errno(err, "creating a temporary file for the trace from a pipe");
    }
    size_t done = 0;
    while (done < h->size) {
        ssize_t k = pwrite(fileno(g->spool), g->scratch + done, h->size - done,
                           (off_t)(g->spool_len + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return pg_error_errno(err, "writing the temporary copy of the trace from a pipe");
        done += (size_t)k;
    }
    add_event_batch(g, h, g->spool_len);
    g->spool_len += h->size;
    return 0;
}

int trace_gen_add_batch(trace_gen *g, int version, const trace_bhdr *h, trace_input *in,
                        pg_error *err)
{
    if (g->nall++ == 0)
        g->first_off = h->off;
    if (g->min_ts == 0 || h->time < g->min_ts)
        g->min_ts = h->time;
    if (h->exp) {
        /* Experimental batches (AllocFree type tables) feed no metric. */
        long n = trace_input_skip(in, h->size, err);
        if (n < 0)
            return -1;
        if ((uint64_t)n != h->size)
            return short_batch(g, h, n, err);
        return 0;
    }
    if (h->size == 0) {
        add_event_batch(g, h, h->data_off);
        return 0;
    }
    int first = trace_input_byte(in, err);
    if (first == -2)
        return -1;
    if (first == -1)
        return short_batch(g, h, 0, err);
    int table = first == EV_STRINGS || first == EV_STACKS || first == EV_CPU_SAMPLES ||
                (version < 25 && first == EV_FREQUENCY) || (version >= 25 && first == EV_SYNC) ||
                first == EV_END_OF_GENERATION;
    if (table || (!g->src_mem && !in->seekable)) {
        g->scratch[0] = (uint8_t)first;
        long n = trace_input_read(in, g->scratch + 1, h->size - 1, err);
        if (n < 0)
            return -1;
        if ((uint64_t)n != h->size - 1)
            return short_batch(g, h, n + 1, err);
    } else {
        long n = trace_input_skip(in, h->size - 1, err);
        if (n < 0)
            return -1;
        if ((uint64_t)n != h->size - 1)
            return short_batch(g, h, n + 1, err);
    }
    if (!table) {
        if (!g->src_mem && !in->seekable)
            return spool(g, h, err);
        add_event_batch(g, h, h->data_off);
        return 0;
    }
    payload pl = {g->scratch, g->scratch, g->scratch + h->size, h->data_off, g->name, ""};
    switch (first) {
    case EV_STRINGS:
        return add_strings(g, &pl, err);
    case EV_STACKS:
        return add_stacks(g, &pl, err);
    case EV_CPU_SAMPLES:
        return add_cpu_samples(g, &pl, err);
    case EV_END_OF_GENERATION:
        return bad(err, g->name, h->data_off,
                   "an event batch starting with an end-of-generation byte (0x34)");
    default:
        return set_sync(g, version, &pl, h->time, err);
    }
}

static int64_t sample_time(const void *ctx, uint32_t i)
{
    return ((const trace_cpu_sample *)ctx)[i].time;
}

int trace_gen_finish(trace_gen *g, int version, pg_error *err)
{
    if (!g->has_freq)
        return bad(err, g->name, g->first_off, "generation %llu has no %s batch",
                   (unsigned long long)g->gen, version >= 25 ? "sync" : "frequency");
    if (version >= 25 && !g->has_clock)
        return bad(err, g->name, g->first_off, "generation %llu has no clock snapshot",
                   (unsigned long long)g->gen);

    trace_idtab_seal(&g->str_of_id);
    trace_idtab_seal(&g->stack_of_id);
    g->exact_mul = g->exact_limit = 0;
    if (g->freq >= 1 && g->freq <= 1 << 20 && g->freq == (double)(uint64_t)g->freq) {
        g->exact_mul = (uint64_t)g->freq;
        g->exact_limit = ((uint64_t)1 << 53) / g->exact_mul;
    }
    g->frames = pg_xgrow(g->frames, &g->frames_cap, g->npcs ? g->npcs : 1, sizeof *g->frames);
    for (size_t s = 0; s < g->nstacks; s++) {
        for (uint32_t k = 0; k < g->stacks[s].n; k++) {
            size_t i = g->stacks[s].first + k;
            const trace_pcframe *f = &g->pcframes[trace_map_get(&g->pcframe_of_pc, g->stk_pcs[i])];
            uint64_t ids[2] = {f->func, f->file};
            pg_trace_str strs[2];
            for (int j = 0; j < 2; j++) {
                if (ids[j] == 0) {
                    strs[j] = (pg_trace_str){"", 0};
                    continue;
                }
                uint32_t si = trace_gen_string(g, ids[j]);
                if (si == TRACE_NONE_IDX)
                    return bad(err, g->name, g->first_off,
                               "generation %llu: a stack frame names %s string %llu, which the "
                               "string table does not define",
                               (unsigned long long)g->gen, j ? "file" : "function",
                               (unsigned long long)ids[j]);
                strs[j] = (pg_trace_str){g->strbuf + g->strs[si].off, g->strs[si].len};
            }
            g->frames[i] = (pg_trace_frame){f->pc, strs[0], strs[1], f->line};
        }
    }

    for (size_t i = 0; i < g->nsamples; i++)
        g->samples[i].time = trace_gen_ns(g, (uint64_t)g->samples[i].time);
    if (g->nsamples > 1) {
        g->sample_order =
            pg_xgrow(g->sample_order, &g->sample_order_cap, g->nsamples, sizeof *g->sample_order);
        for (size_t i = 0; i < g->nsamples; i++)
            g->sample_order[i] = (uint32_t)i;
        trace_sort(g->sample_order, g->nsamples, sample_time, g->samples);
        /* Apply the permutation in place through the order array's cycles. */
        for (size_t i = 0; i < g->nsamples; i++) {
            if (g->sample_order[i] == TRACE_NONE_IDX)
                continue;
            trace_cpu_sample first = g->samples[i];
            size_t j = i;
            while (g->sample_order[j] != i) {
                size_t k = g->sample_order[j];
                g->samples[j] = g->samples[k];
                g->sample_order[j] = TRACE_NONE_IDX;
                j = k;
            }
            g->samples[j] = first;
            g->sample_order[j] = TRACE_NONE_IDX;
        }
    }
    return 0;
}

/* Makes batch nb the cursor's current one, reading it in if needed. */
static int load_batch(const trace_gen *g, trace_cursor *c, uint32_t nb, size_t slot, pg_error *err)
{
    const trace_batch *b = &g->batches[nb];
    c->batch = nb;
    /* The batch's base time, before its first event is decoded: the inlined
     * trace_cursor_next needs no check for it. */
    c->last_ts = trace_gen_ns(g, b->time);
    if (g->src_mem) {
        c->start = g->src_mem + b->src_off;
    } else {
        int fd = g->spool ? fileno(g->spool) : g->src_fd;
        size_t done = 0;
        while (done < b->len) {
            ssize_t k = pread(fd, g->bufs[slot] + done, b->len - done, (off_t)(b->src_off + done));
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0)
                return pg_error_errno(err, g->name);
            if (k == 0)
                return bad(err, g->name, b->file_off + done,
                           "the file is shorter than when it was first read: was it changed "
                           "while being read?");
            done += (size_t)k;
        }
        c->start = g->bufs[slot];
    }
    c->p = c->start;
    c->end = c->start + b->len;
    return 0;
}

const uint8_t *trace_uvarint_long(const uint8_t *p, uint64_t *v, int *bad)
{
    uint64_t x = 0;
    for (unsigned s = 0;; s += 7) {
        uint64_t b = *p++;
        if (b < 0x80) {
            *bad |= s == 63 && b > 1;
            *v = x | b << s;
            return p;
        }
        if (s == 63) {
            *bad = 1;
            *v = x;
            return p;
        }
        x |= (b & 0x7f) << s;
    }
}

int trace_cursor_next_slow(const trace_gen *g, trace_cursor *c, pg_error *err)
{
    while (c->p == c->end) {
        uint32_t nb = c->batch == TRACE_NONE_IDX ? c->first : g->batches[c->batch].next;
        if (nb == TRACE_NONE_IDX)
            return 0;
        if (load_batch(g, c, nb, (size_t)(c - g->cursors), err))
            return -1;
    }
    const uint8_t *p = c->p;
    uint8_t typ = *p++;
    const trace_spec *spec = &trace_specs[typ];
    int nargs = spec->nargs - 1, n = 0;
    uint64_t dt;
    if (!spec->timed)
        goto badtype;
    n = trace_uvarint(p, c->end, &dt);
    if (n <= 0)
        goto badarg;
    p += n;
    for (int i = 0; i < nargs; i++) {
        n = trace_uvarint(p, c->end, &c->args[i]);
        if (n <= 0)
            goto badarg;
        p += n;
    }
    return trace_cursor_step(g, c, typ, dt, p);
badtype:
    c->ev_p = c->p;
    return bad(err, g->name, trace_cursor_off(g, c),
               "expected an event in the batch of thread %lld, found %s 0x%02x", (long long)c->m,
               spec->name ? "non-event record" : "unknown event type", typ);
badarg:
    c->ev_p = c->p;
    return bad(err, g->name, trace_cursor_off(g, c), "%s event: %s", spec->name,
               n == 0 ? "the batch ends inside its arguments"
                      : "an argument is a varint longer than 64 bits");
}
