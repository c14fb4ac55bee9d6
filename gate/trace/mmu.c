/*
 * The utilisation series (delta-encoded change points in growing chunks) and
 * the exact MMU sweep; see mmu.h for the definitions and the size bound.
 */
#include <stdlib.h>
#include <string.h>

#include "mmu.h"
#include "pg_alloc.h"

#define CHUNK_MIN (4u << 10)
#define CHUNK_MAX (1u << 20)

struct mmu_chunk {
    mmu_chunk *next;
    size_t used, cap;
    uint8_t data[];
};

void mmu_series_init(mmu_series *s)
{
    memset(s, 0, sizeof *s);
}

void mmu_series_free(mmu_series *s)
{
    for (mmu_chunk *c = s->first, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(s->procs);
    memset(s, 0, sizeof *s);
}

static uint32_t procs_class(mmu_series *s, uint32_t procs)
{
    for (size_t i = 0; i < s->nprocs; i++)
        if (s->procs[i] == procs)
            return (uint32_t)i;
    s->procs = pg_xgrow(s->procs, &s->cap_procs, s->nprocs + 1, sizeof *s->procs);
    s->procs[s->nprocs] = procs;
    return (uint32_t)s->nprocs++;
}

static uint8_t *put_uvarint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static void encode(mmu_series *s, const mmu_point *pt)
{
    mmu_chunk *c = s->last;
    if (!c || c->cap - c->used < MMU_POINT_MAX) {
        size_t cap = c ? c->cap * 2 : CHUNK_MIN;
        if (cap > CHUNK_MAX)
            cap = CHUNK_MAX;
        mmu_chunk *n = pg_xmalloc(sizeof *n + cap);
        n->next = NULL;
        n->used = 0;
        n->cap = cap;
        if (c)
            c->next = n;
        else
            s->first = n;
        s->last = c = n;
    }
    int changed = s->bytes == 0 || pt->cls != s->prev_cls;
    uint8_t *p = c->data + c->used, *start = p;
    p = put_uvarint(p, (uint64_t)(pt->t - s->prev_t));
    p = put_uvarint(p, (uint64_t)pt->m << 1 | (uint64_t)changed);
    if (changed)
        p = put_uvarint(p, pt->cls);
    c->used += (size_t)(p - start);
    s->bytes += (size_t)(p - start);
    s->prev_t = pt->t;
    s->prev_cls = pt->cls;
}

void mmu_series_add_point(mmu_series *s, int64_t t, uint32_t gc_ps, uint32_t procs)
{
    /* Go's value and comparisons (addUtil), so that exactly the same points
     * survive de-duplication. */
    double u = 1 - (double)gc_ps / (double)procs;
    if (s->has_pending) {
        if (u == s->pending_u)
            return;
        if (t == s->pending.t) {
            if (u < s->pending_u) {
                s->pending_gc_ps = gc_ps;
                s->pending_procs = procs;
                s->pending.m = procs - gc_ps;
                s->pending.cls = procs_class(s, procs);
                s->pending_u = u;
            }
            return;
        }
        encode(s, &s->pending);
    }
    s->pending_gc_ps = gc_ps;
    s->pending_procs = procs;
    s->pending.t = t;
    s->pending.m = procs - gc_ps;
    s->pending.cls = procs_class(s, procs);
    s->pending_u = u;
    s->has_pending = 1;
    s->npoints++;
}

void mmu_series_mark(const mmu_series *s, int64_t t, mmu_mark *mark)
{
    memset(mark, 0, sizeof *mark);
    mark->time = t;
    if (!s->has_pending)
        return;
    mark->valid = 1;
    mark->chunk = s->last;
    mark->off = s->last ? s->last->used : 0;
    mark->prev_t = s->prev_t;
    mark->prev_cls = s->prev_cls;
    mark->at = s->pending;
}

/* Walks the points: the encoded ones, then the pending one. */
typedef struct mmu_iter {
    const mmu_series *s;
    const mmu_chunk *chunk;
    size_t off;
    int64_t t;
    uint32_t cls;
    int pending_done;
} mmu_iter;

static uint64_t get_uvarint(const uint8_t **pp)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
        uint8_t b = *p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (b < 0x80)
            break;
    }
    *pp = p;
    return v;
}

static int iter_next(mmu_iter *it, mmu_point *pt)
{
    while (it->chunk && it->off == it->chunk->used) {
        it->chunk = it->chunk->next;
        it->off = 0;
    }
    if (it->chunk) {
        const uint8_t *p = it->chunk->data + it->off;
        it->t += (int64_t)get_uvarint(&p);
        uint64_t mv = get_uvarint(&p);
        if (mv & 1)
            it->cls = (uint32_t)get_uvarint(&p);
        it->off = (size_t)(p - it->chunk->data);
        pt->t = it->t;
        pt->m = (uint32_t)(mv >> 1);
        pt->cls = it->cls;
        return 1;
    }
    if (it->pending_done || !it->s->has_pending)
        return 0;
    it->pending_done = 1;
    *pt = it->s->pending;
    return 1;
}

/* A window edge: position `pos` inside the segment [seg.t, next.t). */
typedef struct cursor {
    mmu_iter it;
    mmu_point seg, next;
    int has_next;
    int64_t pos, end;
} cursor;

static void cursor_step(cursor *c)
{
    c->seg = c->next;
    c->has_next = iter_next(&c->it, &c->next);
    if (!c->has_next)
        c->next.t = c->end;
}

/* Skips zero-length segments so that pos < next.t unless at the end. */
static void cursor_settle(cursor *c)
{
    while (c->has_next && c->pos >= c->next.t)
        cursor_step(c);
}

/* Mutator P-ns per GOMAXPROCS class: up to 2^32 Ps times 2^62 ns. */
typedef __int128 acc_t;

/* Moves the edge forward by d, adding sign * (mutator P-ns) per class. */
static void cursor_move(cursor *c, int64_t d, acc_t *acc, int64_t sign)
{
    while (d > 0) {
        int64_t room = c->next.t - c->pos;
        int64_t step = room < d ? room : d;
        acc[c->seg.cls] += (acc_t)sign * c->seg.m * step;
        c->pos += step;
        d -= step;
        if (c->pos == c->next.t && c->has_next)
            cursor_step(c);
        else if (step == 0)
            break;
    }
    cursor_settle(c);
}

static double mean_util(const mmu_series *s, const acc_t *acc, int64_t w)
{
    double sum = 0;
    for (size_t i = 0; i < s->nprocs; i++)
        sum += (double)acc[i] / (double)s->procs[i];
    return sum / (double)w;
}

double mmu_series_min(const mmu_series *s, const mmu_mark *from, int64_t end, int64_t window_ns)
{
    cursor left = {.it = {.s = s, .chunk = s->first}, .end = end};
    if (from) {
        if (!from->valid)
            return 0;
        left.it.chunk = from->chunk ? from->chunk : s->first;
        left.it.off = from->off;
        left.it.t = from->prev_t;
        left.it.cls = from->prev_cls;
        left.seg = from->at;
        left.pos = from->time;
    } else {
        if (!iter_next(&left.it, &left.seg))
            return 0;
        left.pos = left.seg.t;
    }
    left.has_next = iter_next(&left.it, &left.next);
    if (!left.has_next)
        left.next.t = end;
    int64_t start = left.pos, span = end - start;
    if (window_ns <= 0 || span <= 0)
        return 0;
    int64_t w = window_ns < span ? window_ns : span;
    cursor_settle(&left);

    acc_t *acc = pg_xcalloc(s->nprocs, sizeof *acc);
    cursor right = left;
    cursor_move(&right, w, acc, 1);
    double best = mean_util(s, acc, w);
    for (int64_t at = start, limit = end - w; at < limit;) {
        /* Advance to the next position where either edge meets a change
         * point: between two such positions the mean is linear in the
         * position, so its minimum is at one of them. */
        int64_t d = limit - at;
        if (left.next.t - left.pos < d)
            d = left.next.t - left.pos;
        if (right.next.t - right.pos < d)
            d = right.next.t - right.pos;
        cursor_move(&right, d, acc, 1);
        cursor_move(&left, d, acc, -1);
        at += d;
        double mu = mean_util(s, acc, w);
        if (mu < best)
            best = mu;
    }
    free(acc);
    return best;
}
