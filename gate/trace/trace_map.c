/*
 * A small hash map from 64-bit ids to 32-bit indexes, for everything the
 * trace reader looks up by an id it does not control: goroutines (large,
 * sparse, never reused), threads (OS thread ids), Ps, tasks, and the
 * per-generation string, stack and pc tables. Open addressing with linear
 * probing keeps a lookup to one or two cache lines; deletion shifts the
 * following entries back instead of leaving tombstones, so a map whose
 * goroutines come and go for hours does not slow down.
 *
 * Also the record pool that such maps index into (trace_pool).
 */
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "trace_internal.h"

static void grow(trace_map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 16;
    trace_slot *old = m->slots;
    size_t ocap = m->cap;
    m->slots = pg_xmalloc(ncap * sizeof *m->slots);
    for (size_t i = 0; i < ncap; i++)
        m->slots[i].val = TRACE_NONE_IDX;
    m->cap = ncap;
    m->n = 0;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].val != TRACE_NONE_IDX)
            trace_map_put(m, old[i].key, old[i].val);
    free(old);
}

void trace_map_free(trace_map *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

void trace_map_clear(trace_map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        m->slots[i].val = TRACE_NONE_IDX;
    m->n = 0;
}

void trace_map_put(trace_map *m, uint64_t key, uint32_t val)
{
    if ((m->n + 1) * 4 > m->cap * 3)
        grow(m);
    size_t mask = m->cap - 1;
    for (size_t i = trace_map_slot(key, mask);; i = (i + 1) & mask) {
        trace_slot *s = &m->slots[i];
        if (s->val == TRACE_NONE_IDX) {
            s->key = key;
            s->val = val;
            m->n++;
            return;
        }
        if (s->key == key) {
            s->val = val;
            return;
        }
    }
}

void trace_map_del(trace_map *m, uint64_t key)
{
    if (m->n == 0)
        return;
    size_t mask = m->cap - 1;
    size_t i = trace_map_slot(key, mask);
    for (;; i = (i + 1) & mask) {
        if (m->slots[i].val == TRACE_NONE_IDX)
            return;
        if (m->slots[i].key == key)
            break;
    }
    /* Backward-shift: move later entries of the probe run into the hole
     * unless their home slot lies cyclically after the hole. */
    size_t hole = i;
    for (size_t j = (hole + 1) & mask; m->slots[j].val != TRACE_NONE_IDX; j = (j + 1) & mask) {
        size_t home = trace_map_slot(m->slots[j].key, mask);
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole].val = TRACE_NONE_IDX;
    m->n--;
}

void trace_idtab_free(trace_idtab *t)
{
    trace_map_free(&t->map);
    free(t->dense);
    memset(t, 0, sizeof *t);
}

void trace_idtab_reset(trace_idtab *t)
{
    trace_map_clear(&t->map);
    t->ndense = 0;
    t->max = 0;
}

int trace_idtab_add(trace_idtab *t, uint64_t id, uint32_t val)
{
    if (id == 0 || trace_map_get(&t->map, id) != TRACE_NONE_IDX)
        return -1;
    trace_map_put(&t->map, id, val);
    if (id > t->max)
        t->max = id;
    return 0;
}

void trace_idtab_seal(trace_idtab *t)
{
    if (t->map.n == 0 || t->max > 4 * (uint64_t)t->map.n + 1024)
        return;
    size_t n = (size_t)t->max + 1;
    t->dense = pg_xgrow(t->dense, &t->dense_cap, n, sizeof *t->dense);
    for (size_t i = 0; i < n; i++)
        t->dense[i] = TRACE_NONE_IDX;
    for (size_t i = 0; i < t->map.cap; i++)
        if (t->map.slots[i].val != TRACE_NONE_IDX)
            t->dense[t->map.slots[i].key] = t->map.slots[i].val;
    t->ndense = n;
}

void trace_cmap_init(trace_cmap *m)
{
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < TRACE_CMAP_CACHE; i++)
        m->cache[i].val = TRACE_NONE_IDX;
}

void trace_cmap_free(trace_cmap *m)
{
    trace_map_free(&m->map);
}

void trace_cmap_put(trace_cmap *m, uint64_t key, uint32_t val)
{
    trace_map_put(&m->map, key, val);
    size_t slot = key & (TRACE_CMAP_CACHE - 1);
    m->cache[slot].key = key;
    m->cache[slot].val = val;
}

void trace_cmap_del(trace_cmap *m, uint64_t key)
{
    trace_map_del(&m->map, key);
    /* The value may be reused for another key: never leave it cached. */
    size_t slot = key & (TRACE_CMAP_CACHE - 1);
    if (m->cache[slot].key == key)
        m->cache[slot].val = TRACE_NONE_IDX;
}

void trace_pool_init(trace_pool *p, size_t elem)
{
    memset(p, 0, sizeof *p);
    p->elem = elem;
}

void trace_pool_free(trace_pool *p)
{
    free(p->items);
    free(p->free);
    memset(p, 0, sizeof *p);
}

uint32_t trace_pool_get(trace_pool *p)
{
    uint32_t i;
    if (p->nfree)
        i = p->free[--p->nfree];
    else {
        if (p->n >= UINT32_MAX - 1) /* 2^32 live records: out of memory (exit 3) */
            pg_xgrow(NULL, &p->cap, SIZE_MAX, 1);
        size_t cap_bytes = p->cap * p->elem;
        p->items = pg_xgrow(p->items, &cap_bytes, (p->n + 1) * p->elem, 1);
        p->cap = cap_bytes / p->elem;
        i = (uint32_t)p->n++;
    }
    memset(p->items + (size_t)i * p->elem, 0, p->elem);
    return i;
}

void trace_pool_grow_free(trace_pool *p)
{
    p->free = pg_xgrow(p->free, &p->cap_free, p->nfree + 1, sizeof *p->free);
}
