/*
 * The mutator-utilisation series of a trace and its exact minimum mutator
 * utilisation (MMU), for pg_trace_metrics (trace-metrics.md sections 1.4-1.6).
 *
 * Utilisation is a step function u(t) = m/procs: m of the GOMAXPROCS Ps are
 * running the mutator (the others are in GC). The metrics pass appends a
 * point after every event; the series keeps only changes, the way Go's
 * addUtil does (an equal value is dropped, and of several values at one
 * timestamp the lowest is kept), so the bug-compatible and the corrected
 * definitions differ only in what the caller appends.
 *
 * Size bound: this is the one structure of the metrics that grows with the
 * trace (at most one point per event). Points are delta-encoded into chunks:
 * uvarint(dt) and uvarint(m << 1 | procs changed) [+ uvarint(procs class)],
 * 2-4 bytes for a typical point, never more than MMU_POINT_MAX; chunks grow
 * from 4 KiB to 1 MiB so memory is the encoded size plus under 1 MiB.
 *
 * The MMU of one window size is computed exactly in one O(points) sweep of
 * two cursors over the encoded series (every position where either window
 * edge meets a change point is visited). Integrals are exact integers per
 * GOMAXPROCS value ("P-ns of mutator", 128-bit), so the only rounding is in
 * the final division: results agree with Go's band algorithm to ~1e-15.
 */
#ifndef PG_MMU_H
#define PG_MMU_H

#include <stddef.h>
#include <stdint.h>

/* Longest encoding of one point: three uvarints. */
#define MMU_POINT_MAX 30

typedef struct mmu_chunk mmu_chunk;

/* One change point: u = m / procs[cls] from `t` on. */
typedef struct mmu_point {
    int64_t t;
    uint32_t m;
    uint32_t cls;
} mmu_point;

typedef struct mmu_series {
    mmu_chunk *first, *last;
    size_t bytes;   /* encoded bytes, all chunks */
    size_t npoints; /* points stored (encoded + the pending one) */
    /* The last point stays unencoded until a later one arrives, so that a
     * lower value at the same timestamp can still replace it. */
    mmu_point pending;
    double pending_u;
    int has_pending;
    uint32_t pending_gc_ps, pending_procs; /* the inputs that gave it */
    int64_t prev_t;                        /* time of the last encoded point (0 before the first,
                                              which is encoded with its absolute time) */
    uint32_t prev_cls;                     /* its procs class */
    uint32_t *procs;                       /* procs class -> GOMAXPROCS value */
    size_t nprocs, cap_procs;
} mmu_series;

/* A position in the series: the MMU "from a mark" covers [time of the mark,
 * end], with the utilisation in force at the mark. */
typedef struct mmu_mark {
    const mmu_chunk *chunk; /* where the next point will be encoded */
    size_t off;
    int64_t prev_t;
    uint32_t prev_cls;
    mmu_point at; /* the point in force at the mark */
    int64_t time; /* when the mark was taken */
    int valid;    /* 0: taken before the series had a point */
} mmu_mark;

void mmu_series_init(mmu_series *s);
void mmu_series_free(mmu_series *s);
/* Appends the utilisation after an event at `t`: gc_ps of `procs` Ps are
 * non-mutator (gc_ps <= procs, procs >= 1). Times never decrease and stay
 * in [0, 2^62] (pg_trace_metrics keeps them relative to the first event). */
void mmu_series_add_point(mmu_series *s, int64_t t, uint32_t gc_ps, uint32_t procs);
/* Whether a point with these inputs, at any later time, would change
 * nothing: the inputs of the last point give its value, which
 * mmu_series_add_point would drop. */
static inline int mmu_series_holds(const mmu_series *s, uint32_t gc_ps, uint32_t procs)
{
    return s->has_pending && gc_ps == s->pending_gc_ps && procs == s->pending_procs;
}
static inline void mmu_series_add(mmu_series *s, int64_t t, uint32_t gc_ps, uint32_t procs)
{
    if (!mmu_series_holds(s, gc_ps, procs))
        mmu_series_add_point(s, t, gc_ps, procs);
}
/* Remembers the current end of the series as the start of a later suffix
 * (the timed window); `t` is the time of the mark. */
void mmu_series_mark(const mmu_series *s, int64_t t, mmu_mark *mark);
/* MMU over [from, end] (from = NULL: the whole series from its first point)
 * for a window of `window_ns`: min over window positions of the mean of u.
 * A window longer than the span is clamped to it (Go's MMUCurve does the
 * same); an empty span, an empty series or window_ns <= 0 gives 0. */
double mmu_series_min(const mmu_series *s, const mmu_mark *from, int64_t end, int64_t window_ns);

#endif
