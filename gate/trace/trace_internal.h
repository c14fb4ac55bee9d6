/*
 * Private parts of the trace reader, shared by its source files.
 *
 * The reader is a port of Go's internal/trace (Go 1.26) in four layers:
 * trace_input.c reads bytes (file, pipe or memory) and the header;
 * trace_gen.c reads one generation (string/stack tables, CPU samples,
 * frequency/sync; event batches located, read back per thread by cursors);
 * trace_drive.h is Go's ordering state machine (order.go), deciding whether
 * the next event of a thread may happen yet and delivering the finished
 * pg_trace_events it yields to a sink, and the merge of the threads (a
 * min-heap of cursors, as reader.go), with its state tables in
 * trace_order.c; pg_trace.c reads generations and hands the events out.
 * trace_base.c, trace_map.c and trace_sort.c hold the event table, id maps
 * and Go's sort. Nothing here allocates per event.
 */
#ifndef PG_TRACE_INTERNAL_H
#define PG_TRACE_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "pg_intern.h"
#include "pg_trace.h"

/* Branch hints for the per-event path; the error paths are cold. */
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define TRACE_NONE_IDX   UINT32_MAX
#define TRACE_MAX_BATCH  65536u     /* tracev2.MaxBatchSize */
#define TRACE_MAX_STRING 1024u      /* tracev2.MaxEventTrailerDataSize */
#define TRACE_MAX_FRAMES 128u       /* tracev2.MaxFramesPerStack */
#define TRACE_NUM_SPECS  256        /* one per byte value; Go specs codes 0..136 */
#define TRACE_NO_TASK    UINT64_MAX /* Go's NoTask */

/* Wire event codes (tracev2). */
enum {
    EV_EVENT_BATCH = 1,
    EV_STACKS = 2,
    EV_STACK = 3,
    EV_STRINGS = 4,
    EV_STRING = 5,
    EV_CPU_SAMPLES = 6,
    EV_CPU_SAMPLE = 7,
    EV_FREQUENCY = 8,
    EV_PROCS_CHANGE = 9,
    EV_PROC_START = 10,
    EV_PROC_STOP = 11,
    EV_PROC_STEAL = 12,
    EV_PROC_STATUS = 13,
    EV_GO_CREATE = 14,
    EV_GO_CREATE_SYSCALL = 15,
    EV_GO_START = 16,
    EV_GO_DESTROY = 17,
    EV_GO_DESTROY_SYSCALL = 18,
    EV_GO_STOP = 19,
    EV_GO_BLOCK = 20,
    EV_GO_UNBLOCK = 21,
    EV_GO_SYSCALL_BEGIN = 22,
    EV_GO_SYSCALL_END = 23,
    EV_GO_SYSCALL_END_BLOCKED = 24,
    EV_GO_STATUS = 25,
    EV_STW_BEGIN = 26,
    EV_STW_END = 27,
    EV_GC_ACTIVE = 28,
    EV_GC_BEGIN = 29,
    EV_GC_END = 30,
    EV_GC_SWEEP_ACTIVE = 31,
    EV_GC_SWEEP_BEGIN = 32,
    EV_GC_SWEEP_END = 33,
    EV_GC_MARK_ASSIST_ACTIVE = 34,
    EV_GC_MARK_ASSIST_BEGIN = 35,
    EV_GC_MARK_ASSIST_END = 36,
    EV_HEAP_ALLOC = 37,
    EV_HEAP_GOAL = 38,
    EV_GO_LABEL = 39,
    EV_USER_TASK_BEGIN = 40,
    EV_USER_TASK_END = 41,
    EV_USER_REGION_BEGIN = 42,
    EV_USER_REGION_END = 43,
    EV_USER_LOG = 44,
    EV_GO_SWITCH = 45,
    EV_GO_SWITCH_DESTROY = 46,
    EV_GO_CREATE_BLOCKED = 47,
    EV_GO_STATUS_STACK = 48,
    EV_EXPERIMENTAL_BATCH = 49,
    EV_SYNC = 50,
    EV_CLOCK_SNAPSHOT = 51,
    EV_END_OF_GENERATION = 52,
    EV_SPAN = 128,
    EV_GOROUTINE_STACK_FREE = 136,
};

/* Wire goroutine and P statuses (tracev2.GoStatus, tracev2.ProcStatus). */
enum { GS_BAD, GS_RUNNABLE, GS_RUNNING, GS_SYSCALL, GS_WAITING, GS_COUNT };
enum { PS_BAD, PS_RUNNING, PS_IDLE, PS_SYSCALL, PS_ABANDONED, PS_COUNT };

/* What Go's reader knows about each event code (tracev2.Specs()). */
typedef struct trace_spec {
    const char *name; /* NULL: no such event */
    uint8_t nargs;    /* arguments including dt */
    uint8_t timed;    /* may appear in an event batch */
    uint8_t start;    /* the range-begin code this event ends/continues, or 0 */
    int8_t stack[2];  /* argument indexes (dt excluded) holding stack ids; -1 none.
                         stack[0] is the event's own stack (Event.Stack()) */
    int8_t str[2];    /* argument indexes holding string ids; -1 none */
    uint8_t exp;      /* experimental event */
} trace_spec;

extern const trace_spec trace_specs[TRACE_NUM_SPECS];
extern const uint8_t trace_go_state_of[GS_COUNT];   /* -> pg_trace_gstate */
extern const uint8_t trace_proc_state_of[PS_COUNT]; /* -> pg_trace_pstate */

/* Go's float-multiply tick conversion, with Go's amd64 result for values out
 * of int64 range (C leaves that undefined). */
int64_t trace_freq_mul(double freq, uint64_t ticks);

/* ---- int64 -> uint32 hash map (open addressing, backward-shift delete) ---- */

typedef struct trace_slot {
    uint64_t key;
    uint32_t val; /* TRACE_NONE_IDX = empty */
} trace_slot;

typedef struct trace_map {
    trace_slot *slots;
    size_t cap; /* power of two, or 0 */
    size_t n;
} trace_map;

void trace_map_free(trace_map *m);
void trace_map_clear(trace_map *m);
void trace_map_put(trace_map *m, uint64_t key, uint32_t val);
void trace_map_del(trace_map *m, uint64_t key);

/* An array of records with a free list: indexes stay valid, pointers do
 * not survive trace_pool_get. For records keyed by an id in a trace_map
 * (tasks, the metrics' per-goroutine extras, region frames). */
typedef struct trace_pool {
    char *items;
    size_t n, cap, elem;
    uint32_t *free;
    size_t nfree, cap_free;
} trace_pool;

#define TRACE_POOL_AT(p, type, i) ((type *)((p)->items + (size_t)(i) * (p)->elem))

void trace_pool_init(trace_pool *p, size_t elem);
void trace_pool_free(trace_pool *p);
/* A zeroed record's index. */
uint32_t trace_pool_get(trace_pool *p);
void trace_pool_grow_free(trace_pool *p);

/* Inline: tasks and regions come and go on the per-event path. */
static inline void trace_pool_put(trace_pool *p, uint32_t i)
{
    if (p->nfree == p->cap_free)
        trace_pool_grow_free(p);
    p->free[p->nfree++] = i;
}

static inline size_t trace_map_slot(uint64_t key, size_t mask)
{
    /* Fibonacci hashing: sequential goroutine ids spread over the table. */
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

/* The value of key, or TRACE_NONE_IDX. Inline: goroutine lookups are on
 * the per-event path. */
static inline uint32_t trace_map_get(const trace_map *m, uint64_t key)
{
    if (m->n == 0)
        return TRACE_NONE_IDX;
    size_t mask = m->cap - 1;
    for (size_t i = trace_map_slot(key, mask);; i = (i + 1) & mask) {
        const trace_slot *s = &m->slots[i];
        if (s->val == TRACE_NONE_IDX)
            return TRACE_NONE_IDX;
        if (s->key == key)
            return s->val;
    }
}

/* A trace_map with a direct-mapped cache in front, for the goroutine and
 * P ids that nearly every event looks up: the runtime hands ids out 1, 2,
 * 3, ..., so the live ones rarely collide on the low bits, and a hit costs
 * a mask and a compare instead of a hash and a probe. val TRACE_NONE_IDX
 * marks an empty cache entry. */
#define TRACE_CMAP_CACHE 256

typedef struct trace_cmap {
    trace_map map;
    struct {
        uint64_t key;
        uint32_t val;
    } cache[TRACE_CMAP_CACHE];
} trace_cmap;

void trace_cmap_init(trace_cmap *m);
void trace_cmap_free(trace_cmap *m);
void trace_cmap_put(trace_cmap *m, uint64_t key, uint32_t val);
void trace_cmap_del(trace_cmap *m, uint64_t key);

static inline uint32_t trace_cmap_get(trace_cmap *m, uint64_t key)
{
    size_t slot = key & (TRACE_CMAP_CACHE - 1);
    if (likely(m->cache[slot].key == key && m->cache[slot].val != TRACE_NONE_IDX))
        return m->cache[slot].val;
    uint32_t v = trace_map_get(&m->map, key);
    if (v != TRACE_NONE_IDX) {
        m->cache[slot].key = key;
        m->cache[slot].val = v;
    }
    return v;
}

/* A per-generation table id -> index for string and stack ids. The runtime
 * numbers them 1, 2, 3, ...: once sealed, a dense array answers lookups;
 * the hash map stays for the odd sparse table (and for hand-made traces). */
typedef struct trace_idtab {
    trace_map map;
    uint32_t *dense; /* index by id, TRACE_NONE_IDX where undefined */
    size_t ndense, dense_cap;
    uint64_t max;
} trace_idtab;

void trace_idtab_free(trace_idtab *t);
void trace_idtab_reset(trace_idtab *t);
/* Adds id -> val; -1 if id is 0 or already present. */
int trace_idtab_add(trace_idtab *t, uint64_t id, uint32_t val);
/* No more adds until the next reset: builds the dense array when it pays. */
void trace_idtab_seal(trace_idtab *t);

static inline uint32_t trace_idtab_get(const trace_idtab *t, uint64_t id)
{
    if (t->ndense)
        return id < t->ndense ? t->dense[id] : TRACE_NONE_IDX;
    return trace_map_get(&t->map, id);
}

/* ---- sorting exactly as Go's slices.SortFunc (pdqsort) ---- */

/* Sorts idx[0..n) by key(ctx, idx[i]) ascending, making the same swaps as
 * Go's slices.SortFunc with cmp.Compare on the keys, so that ties end up in
 * the same order as in Go. */
void trace_sort(uint32_t *idx, size_t n, int64_t (*key)(const void *ctx, uint32_t i),
                const void *ctx);

/* ---- input ---- */

typedef struct trace_input {
    int fd; /* -1: memory */
    int own_fd;
    int mem;       /* reading the caller's bytes: buf is all of them */
    int seekable;  /* a regular file: pread and lseek work */
    uint64_t size; /* file size (seekable, memory) */
    const char *name;
    uint8_t *buf; /* owned read buffer (fd) or the caller's bytes (memory) */
    size_t pos, len, cap;
    uint64_t base; /* file offset of buf[0] */
    int eof;
} trace_input;

enum { IN_OK = 0, IN_EOF = 1, IN_UNEXPECTED_EOF = 2, IN_OVERFLOW = 3, IN_IOERR = 4 };

static inline uint64_t trace_input_offset(const trace_input *in)
{
    return in->base + in->pos;
}
void trace_input_open_fd(trace_input *in, int fd, int own, const char *name);
void trace_input_open_mem(trace_input *in, const void *data, size_t len, const char *name);
void trace_input_close(trace_input *in);
/* The next byte, or -1 at the end of input, or -2 on a read error (err set). */
int trace_input_byte(trace_input *in, pg_error *err);
/* Go's binary.ReadUvarint: IN_OK, IN_EOF (nothing read), IN_UNEXPECTED_EOF,
 * IN_OVERFLOW, IN_IOERR (err set). */
int trace_input_uvarint(trace_input *in, uint64_t *v, pg_error *err);
/* Copies up to n bytes; returns how many (short at EOF), or -1 (err set). */
long trace_input_read(trace_input *in, void *dst, size_t n, pg_error *err);
/* Skips up to n bytes; returns how many (short at EOF), or -1 (err set). */
long trace_input_skip(trace_input *in, size_t n, pg_error *err);
/* Reads and checks the 16-byte header; returns the format version or -1. */
int trace_input_header(trace_input *in, pg_error *err);

/* Go's binary.Uvarint over memory: bytes consumed, 0 when truncated, -1 on
 * overflow. */
static inline int trace_uvarint(const uint8_t *p, const uint8_t *end, uint64_t *out)
{
    if (p < end && *p < 0x80) {
        *out = *p;
        return 1;
    }
    uint64_t x = 0;
    unsigned s = 0;
    for (int i = 0; i < 10; i++) {
        if (p + i >= end)
            return 0;
        uint8_t b = p[i];
        if (b < 0x80) {
            if (i == 9 && b > 1)
                return -1;
            *out = x | (uint64_t)b << s;
            return i + 1;
        }
        x |= (uint64_t)(b & 0x7f) << s;
        s += 7;
    }
    return -1;
}

/* ---- one generation ---- */

typedef struct trace_batch {
    uint64_t file_off; /* file offset of the payload */
    uint64_t src_off;  /* where to read it: file/memory offset, or spool offset */
    uint64_t time;     /* header timestamp (ticks) */
    uint32_t len;      /* payload length */
    uint32_t next;     /* next batch of the same M, or TRACE_NONE_IDX */
} trace_batch;

typedef struct trace_str {
    size_t off; /* into gen.strbuf (NUL-terminated copy) */
    uint32_t len;
} trace_str;

typedef struct trace_cpu_sample {
    int64_t time; /* ns after trace_freq_mul */
    int64_t m, p, g;
    uint64_t stack;
} trace_cpu_sample;

typedef struct trace_stackent {
    uint32_t first, n;
} trace_stackent;

typedef struct trace_pcframe {
    uint64_t pc, func, file, line; /* func, file: string ids */
} trace_pcframe;

/* One thread's batches and the cursor walking its events in order. */
typedef struct trace_cursor {
    int64_t m;
    uint32_t first, last;           /* batch list */
    uint32_t batch;                 /* current batch, TRACE_NONE_IDX before the first */
    uint32_t mi;                    /* its trace_mstate, TRACE_NONE_IDX until known */
    const uint8_t *start, *p, *end; /* the current batch's payload */
    int64_t last_ts;
    /* the event under the cursor (Go's batchCursor.ev) */
    int64_t time;
    uint64_t args[4];
    uint8_t typ;
    const uint8_t *ev_p; /* where it starts in the batch (trace_cursor_off) */
} trace_cursor;

typedef struct trace_gen {
    uint64_t serial; /* 1, 2, 3, ... per reset: keys caches of table indexes */
    uint64_t gen;
    uint64_t min_ts;
    uint64_t first_off; /* file offset of its first batch */
    size_t nall;        /* batches of every kind added */
    /* Event batch payloads stay where they are (memory, or the file, read
     * by pread) or, from a pipe, go to a spool file; each cursor reads its
     * current batch into its own buffer. */
    const uint8_t *src_mem;
    int src_fd;
    FILE *spool;
    uint64_t spool_len;
    uint8_t **bufs; /* TRACE_MAX_BATCH bytes each, one per cursor slot */
    size_t nbufs;
    uint8_t *scratch; /* payload of a table batch being parsed */
    trace_batch *batches;
    size_t nbatches, batches_cap;
    trace_cursor *cursors; /* one per M, in order of first batch */
    size_t ncursors, cursors_cap;
    trace_map cursor_of_m;
    /* strings */
    char *strbuf;
    size_t strbuf_len, strbuf_cap;
    trace_str *strs;
    size_t nstrs, strs_cap;
    trace_idtab str_of_id;
    /* stacks: stack i has pcs (and frames) [stacks[i].first, + stacks[i].n) */
    uint64_t *stk_pcs; /* pcs in table order */
    size_t npcs, pcs_cap;
    trace_stackent *stacks;
    size_t nstacks, stacks_cap;
    trace_idtab stack_of_id;
    trace_pcframe *pcframes; /* first definition of each pc (Go's pcs map) */
    size_t npcframes, pcframes_cap;
    trace_map pcframe_of_pc;
    pg_trace_frame *frames; /* resolved, parallel to stk_pcs */
    size_t frames_cap;
    /* CPU samples, sorted by time once the generation is complete */
    trace_cpu_sample *samples;
    size_t nsamples, samples_cap, next_sample;
    uint32_t *sample_order;
    size_t sample_order_cap;
    /* frequency / sync */
    double freq;                     /* ns per tick; 0 = not seen */
    uint64_t exact_mul, exact_limit; /* see trace_gen_ns */
    int has_freq, has_clock;
    uint64_t snap_ticks, snap_mono, snap_sec, snap_nsec;
    const char *name; /* input name, for messages */
} trace_gen;

void trace_gen_init(trace_gen *g, const trace_input *in);
void trace_gen_free(trace_gen *g);
void trace_gen_reset(trace_gen *g);

/* A batch header read from the input. */
typedef struct trace_bhdr {
    uint64_t off;      /* file offset of the type byte */
    uint64_t data_off; /* file offset of the payload */
    int eog;           /* the EndOfGeneration byte (no other fields) */
    int have_gen;      /* `gen` was read (set even when a later field failed) */
    uint8_t exp;       /* experiment id, 0 for an event batch */
    uint64_t gen;
    int64_t m;
    uint64_t time;
    uint64_t size;
} trace_bhdr;

/* Reads a batch header: 1, 0 at a clean end of input, -1 on error. */
int trace_read_bhdr(trace_input *in, int version, trace_bhdr *h, pg_error *err);
/* Reads h's payload from `in` and files it: tables are parsed, event
 * batches located for the cursors. */
int trace_gen_add_batch(trace_gen *g, int version, const trace_bhdr *h, trace_input *in,
                        pg_error *err);
/* Checks and resolves the tables once every batch is in; -1 on error. */
int trace_gen_finish(trace_gen *g, int version, pg_error *err);
/* Ticks to ns, bit-identical to trace_freq_mul: when the frequency makes
 * ns-per-tick an exact integer (64 with Linux's nanotime clock) and the
 * product stays below 2^53, the double arithmetic is exact anyway. */
static inline int64_t trace_gen_ns(const trace_gen *g, uint64_t ticks)
{
    if (ticks < g->exact_limit)
        return (int64_t)(ticks * g->exact_mul);
    return trace_freq_mul(g->freq, ticks);
}

/* The file offset of the event under cursor c, for messages. */
static inline uint64_t trace_cursor_off(const trace_gen *g, const trace_cursor *c)
{
    return g->batches[c->batch].file_off + (uint64_t)(c->ev_p - c->start);
}

/* Decodes the next event of cursor c (Go's batchCursor.nextEvent): 1, 0
 * when the thread has no more events, -1 on a malformed event. The inline
 * fast path below handles events well inside a batch; this does the rest. */
int trace_cursor_next_slow(const trace_gen *g, trace_cursor *c, pg_error *err);

/* Varints of up to three bytes inline, the rest out of line; at least 10
 * bytes must be readable at p. An overflow sets *bad (and still moves on, so
 * that callers check once per event). */
const uint8_t *trace_uvarint_long(const uint8_t *p, uint64_t *v, int *bad);

__attribute__((always_inline)) static inline const uint8_t *
trace_uvarint_fast(const uint8_t *p, uint64_t *v, int *bad)
{
    uint64_t b0 = p[0];
    if (b0 < 0x80) {
        *v = b0;
        return p + 1;
    }
    uint64_t b1 = p[1];
    if (b1 < 0x80) {
        *v = (b0 & 0x7f) | b1 << 7;
        return p + 2;
    }
    /* Three bytes still pay inline: a fifth of timestamp deltas need them. */
    uint64_t b2 = p[2];
    if (b2 < 0x80) {
        *v = (b0 & 0x7f) | (b1 & 0x7f) << 7 | b2 << 14;
        return p + 3;
    }
    return trace_uvarint_long(p, v, bad);
}

/* Moves cursor c past the event of type typ whose arguments end at p. */
__attribute__((always_inline)) static inline int
trace_cursor_step(const trace_gen *g, trace_cursor *c, uint8_t typ, uint64_t dt, const uint8_t *p)
{
    c->ev_p = c->p;
    c->typ = typ;
    c->time = (int64_t)((uint64_t)trace_gen_ns(g, dt) + (uint64_t)c->last_ts);
    c->last_ts = c->time;
    c->p = p;
    return 1;
}

/* Forced inline: it runs once per event and its call overhead alone was
 * a tenth of the reader's time. */
__attribute__((always_inline)) static inline int trace_cursor_next(const trace_gen *g,
                                                                   trace_cursor *c, pg_error *err)
{
    const uint8_t *p = c->p;
    /* 51 bytes hold the longest event: a type byte and five 10-byte varints. */
    if (unlikely(c->end - p < 51 || !trace_specs[p[0]].timed))
        return trace_cursor_next_slow(g, c, err);
    uint8_t typ = *p++;
    int nargs = trace_specs[typ].nargs - 1;
    uint64_t dt;
    int bad = 0;
    p = trace_uvarint_fast(p, &dt, &bad);
    for (int i = 0; i < nargs; i++)
        p = trace_uvarint_fast(p, &c->args[i], &bad);
    if (unlikely(bad))
        return trace_cursor_next_slow(g, c, err); /* reports the overflow */
    return trace_cursor_step(g, c, typ, dt, p);
}

static inline uint32_t trace_gen_string(const trace_gen *g, uint64_t id)
{
    return trace_idtab_get(&g->str_of_id, id);
}

static inline uint32_t trace_gen_stack(const trace_gen *g, uint64_t id)
{
    return trace_idtab_get(&g->stack_of_id, id);
}

/* ---- ordering (Go's order.go) ---- */

typedef struct trace_range {
    uint8_t typ;   /* range-begin event code */
    uint64_t desc; /* STW kind string id */
} trace_range;

typedef struct trace_ranges {
    trace_range *v;
    uint32_t n, cap;
} trace_ranges;

typedef struct trace_region {
    uint64_t task;
    size_t name; /* pg_intern id */
} trace_region;

typedef struct trace_gstate {
    int64_t id;
    uint8_t status;
    uint32_t slot; /* its own index in trace_order.gs, the sinks' slot (kept: s - gs
                      would divide by the struct's size on every event) */
    uint64_t seq_gen, seq;
    trace_region *regions;
    uint32_t nregions, regions_cap;
    trace_ranges ranges;
} trace_gstate;

typedef struct trace_pstate {
    int64_t id;
    uint8_t status;
    uint64_t seq_gen, seq;
    trace_ranges ranges;
} trace_pstate;

typedef struct trace_mstate {
    int64_t id;
    int64_t g, p;
} trace_mstate;

typedef struct trace_task {
    size_t name; /* pg_intern id */
    uint64_t parent;
} trace_task;

typedef struct trace_order {
    trace_gstate *gs;
    size_t ngs, gs_cap;
    uint32_t *gs_free;
    size_t ngs_free, gs_free_cap;
    trace_cmap g_of_id;
    trace_pstate *ps;
    size_t nps, ps_cap;
    trace_cmap p_of_id;
    trace_mstate *ms;
    size_t nms, ms_cap;
    trace_map m_of_id;
    trace_pool tasks; /* trace_task */
    trace_map task_of_id;
    pg_intern *names; /* task and region names, compared by value */
    /* names id per string-table index of generation name_serial (SIZE_MAX:
     * not interned yet): interning the bytes on every region event cost
     * more than the rest of the event */
    size_t *name_of_str;
    size_t name_of_str_cap;
    uint64_t name_serial;
    uint64_t gc_seq;
    int gc_state; /* 0 undetermined, 1 not running, 2 running */
    uint64_t initial_gen;
    int have_initial_gen;
} trace_order;

void trace_order_init(trace_order *o);
void trace_order_free(trace_order *o);

/* The state tables (trace_order.c), for the handlers in trace_drive.h. The
 * g/p/m "new" functions may move their pools: pointers into them do not
 * survive, indexes do. */
uint32_t trace_order_gnew(trace_order *o, int64_t id, uint8_t status, uint64_t gen);
void trace_order_gdel(trace_order *o, int64_t id);
void trace_order_pnew(trace_order *o, int64_t id, uint8_t status, uint64_t gen);
uint32_t trace_order_mfind(trace_order *o, int64_t id);
uint32_t trace_order_mnew(trace_order *o, int64_t id, int64_t g, int64_t p);
void trace_order_add_range(trace_ranges *r, uint8_t typ, uint64_t desc);
/* The o->names id of a task or region name: string `id` of the generation
 * (0 or unknown: interned from `name`). */
size_t trace_order_name(trace_order *o, const trace_gen *gt, uint64_t id, pg_trace_str name);
/* Sets err to "<file>: byte N: <event> event of thread M, generation G:
 * <what>" for the event under cursor c; returns -1. */
int trace_order_broken(pg_error *err, const trace_gen *g, const trace_cursor *c, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));
const char *trace_order_gstatus_name(uint8_t s);
const char *trace_order_pstatus_name(uint8_t s);

/* ---- the reader (pg_trace.c; its per-event step is trace_drive.h) ---- */

/* A frontier entry: a cursor and the time of its next event. */
typedef struct trace_hent {
    int64_t time;
    uint32_t ci;
} trace_hent;

struct pg_trace_reader {
    trace_input in;
    char *name;
    int version;
    trace_gen gen;
    int have_gen;
    trace_order order;
    trace_hent *heap; /* Go's frontier */
    size_t nheap, heap_cap;
    int64_t sample_time; /* of the next CPU sample; INT64_MAX: none; INT64_MIN: failed */
    uint32_t *order_idx; /* scratch for sorting the frontier */
    size_t order_idx_cap;
    trace_hent *heap_tmp;
    size_t heap_tmp_cap;
    /* versions < 26: the header of the next generation's first batch, read
     * already (the input stands at its payload) */
    trace_bhdr spill;
    int have_spill;
    int at_eof; /* the last generation read ended at the end of the input */
    /* damage: 1 = found, its Sync not yet delivered; 2 = report it */
    int pending;
    pg_error perr;
    int failed, done;
    uint64_t syncs, ngens;
    int64_t last_ts;  /* time of the latest event delivered to a sink */
    int64_t start_ts; /* and of the first */
    int64_t end_ts;   /* of the latest handed out by pg_trace_reader_next */
    int started;
    /* pg_trace_reader_next's sink: where the next event is built, if set
     * (the caller's struct: no copy); the rest go to a ring buffer */
    pg_trace_event *direct;
    pg_trace_event *q;
    size_t qstart, qend, qcap;
};

/* Go forces strictly increasing times on everything it hands out. */
static inline int64_t trace_reader_force_time(pg_trace_reader *r, int64_t t)
{
    if (t <= r->last_ts)
        t = r->last_ts + 1;
    r->last_ts = t;
    if (unlikely(!r->started)) {
        r->started = 1;
        r->start_ts = t;
    }
    return t;
}

size_t trace_heap_sift_up(pg_trace_reader *r, size_t i);
void trace_heap_sift_down(pg_trace_reader *r, size_t i);
void trace_heap_remove(pg_trace_reader *r, size_t i);

/* Restores the heap after the time of entry i changed. Inline because it
 * runs once per event, and usually ends at once: a thread's events come in
 * runs, so its next one mostly keeps its place (no earlier than its parent,
 * no later than its children: then neither sift would move it). */
static inline void trace_heap_update(pg_trace_reader *r, size_t i)
{
    const trace_hent *h = r->heap;
    size_t l = 2 * i + 1, n = r->nheap;
    int64_t t = h[i].time;
    if ((i == 0 || h[(i - 1) / 2].time <= t) && (l >= n || h[l].time >= t) &&
        (l + 1 >= n || h[l + 1].time >= t))
        return;
    if (trace_heap_sift_up(r, i) != i)
        return;
    trace_heap_sift_down(r, i);
}

/* The cold steps of trace_drive_step. refresh: the next generation's Sync
 * (or the final one, or the one before a damage report) into *ev: 1, or -1
 * (err set). sample: the next CPU sample into *ev. sort_frontier: Go's sort
 * of the frontier when its earliest event must wait. stuck: the error when
 * no event can happen. damaged: appends the count of complete generations
 * to the error. fail: marks the reader spent and copies its error. */
int trace_reader_refresh(pg_trace_reader *r, pg_trace_event *ev, pg_error *err);
void trace_reader_sample(pg_trace_reader *r, pg_trace_event *ev);
void trace_reader_sort_frontier(pg_trace_reader *r);
void trace_reader_stuck(pg_trace_reader *r);
void trace_reader_damaged(pg_trace_reader *r);
int trace_reader_fail(pg_trace_reader *r, pg_error *err);

#endif
