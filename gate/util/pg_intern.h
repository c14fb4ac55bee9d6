/*
 * String interning: each distinct byte string gets a dense id 0, 1, 2, ...
 * in order of first insertion.
 *
 * benchstat orders rows, columns and units by first appearance, and the trace
 * reader maps string-table ids to names; both want "string -> small integer"
 * with stable, insertion-ordered ids, so this one structure serves both.
 * Keys may contain any bytes (including NUL); the stored copies are
 * NUL-terminated and never move, so pointers returned by pg_intern_key stay
 * valid until pg_intern_free.
 */
#ifndef PG_INTERN_H
#define PG_INTERN_H

#include <stddef.h>
#include <stdint.h>

#define PG_INTERN_NONE SIZE_MAX

typedef struct pg_intern pg_intern;

pg_intern *pg_intern_create(void);
void pg_intern_free(pg_intern *t);
/* The id of `key`, added with the next id if absent (*added = 1 then; `added` may be NULL). */
size_t pg_intern_add(pg_intern *t, const char *key, size_t len, int *added);
/* The id of `key`, or PG_INTERN_NONE. */
size_t pg_intern_find(const pg_intern *t, const char *key, size_t len);
/* The stored copy of key `id` (NUL-terminated); its length in *len if len != NULL. */
const char *pg_intern_key(const pg_intern *t, size_t id, size_t *len);
size_t pg_intern_count(const pg_intern *t);

#endif
