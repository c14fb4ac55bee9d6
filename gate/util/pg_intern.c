/*
 * String interning with open addressing (linear probing, power-of-two table)
 * over keys copied into fixed chunks, so stored keys never move.
 */
#include "pg_intern.h"

#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"

#define CHUNK_SIZE (64 * 1024)

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    char data[];
} chunk;

typedef struct entry {
    const char *key;
    size_t len;
    uint64_t hash;
} entry;

struct pg_intern {
    entry *entries; /* by id */
    size_t count, cap;
    uint32_t *slots; /* id + 1, 0 = empty */
    size_t nslots;
    chunk *chunks;
};

static uint64_t hash_bytes(const char *p, size_t n)
{
    /* FNV-1a, then a final avalanche so linear probing sees all bits. */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

pg_intern *pg_intern_create(void)
{
    pg_intern *t = pg_xcalloc(1, sizeof *t);
    t->nslots = 64;
    t->slots = pg_xcalloc(t->nslots, sizeof *t->slots);
    return t;
}

void pg_intern_free(pg_intern *t)
{
    if (!t)
        return;
    for (chunk *c = t->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(t->entries);
    free(t->slots);
    free(t);
}

static const char *store_key(pg_intern *t, const char *key, size_t len)
{
    chunk *c = t->chunks;
    if (!c || c->size - c->used < len + 1) {
        size_t size = len + 1 > CHUNK_SIZE ? len + 1 : CHUNK_SIZE;
        c = pg_xmalloc(sizeof *c + size);
        c->used = 0;
        c->size = size;
        c->next = t->chunks;
        t->chunks = c;
    }
    char *p = c->data + c->used;
    memcpy(p, key, len);
    p[len] = '\0';
    c->used += len + 1;
    return p;
}

static size_t lookup(const pg_intern *t, const char *key, size_t len, uint64_t h)
{
    size_t mask = t->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t s = t->slots[i];
        if (!s)
            return i;
        const entry *e = &t->entries[s - 1];
        if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0)
            return i;
    }
}

static void rehash(pg_intern *t)
{
    free(t->slots);
    t->nslots *= 2;
    t->slots = pg_xcalloc(t->nslots, sizeof *t->slots);
    size_t mask = t->nslots - 1;
    for (size_t id = 0; id < t->count; id++) {
        size_t i = t->entries[id].hash & mask;
        while (t->slots[i])
            i = (i + 1) & mask;
        t->slots[i] = (uint32_t)(id + 1);
    }
}

size_t pg_intern_add(pg_intern *t, const char *key, size_t len, int *added)
{
    uint64_t h = hash_bytes(key, len);
    size_t slot = lookup(t, key, len, h);
    if (t->slots[slot]) {
        if (added)
            *added = 0;
        return t->slots[slot] - 1;
    }
    if (t->count >= UINT32_MAX - 1)
        abort(); /* more than 4 billion distinct strings: a caller bug */
    t->entries = pg_xgrow(t->entries, &t->cap, t->count + 1, sizeof *t->entries);
    size_t id = t->count++;
    t->entries[id] = (entry){store_key(t, key, len), len, h};
    t->slots[slot] = (uint32_t)(id + 1);
    if (t->count * 4 > t->nslots * 3)
        rehash(t);
    if (added)
        *added = 1;
    return id;
}

size_t pg_intern_find(const pg_intern *t, const char *key, size_t len)
{
    size_t slot = lookup(t, key, len, hash_bytes(key, len));
    return t->slots[slot] ? t->slots[slot] - 1 : PG_INTERN_NONE;
}

const char *pg_intern_key(const pg_intern *t, size_t id, size_t *len)
{
    if (len)
        *len = t->entries[id].len;
    return t->entries[id].key;
}

size_t pg_intern_count(const pg_intern *t)
{
    return t->count;
}
