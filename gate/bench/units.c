/*
 * The unit metadata table (pg_bench_units): benchfmt's UnitMetadataMap,
 * keyed by (tidied unit, key), first value wins.
 */
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_bench.h"
#include "pg_bench_unit.h"
#include "pg_buf.h"
#include "pg_intern.h"

struct pg_bench_units {
    pg_intern *keys; /* "<tidied unit>\0<key>" → id */
    char **values;   /* by id */
    size_t cap;
};

pg_bench_units *pg_bench_units_create(void)
{
    pg_bench_units *u = pg_xcalloc(1, sizeof *u);
    u->keys = pg_intern_create();
    return u;
}

void pg_bench_units_free(pg_bench_units *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < pg_intern_count(u->keys); i++)
        free(u->values[i]);
    free(u->values);
    pg_intern_free(u->keys);
    free(u);
}

static void make_key(pg_buf *k, const char *unit, const char *key)
{
    pg_bench_unit_tidy(unit, strlen(unit), k);
    pg_buf_putc(k, '\0');
    pg_buf_puts(k, key);
}

int pg_bench_units_set(pg_bench_units *u, const char *unit, const char *key, const char *value,
                       pg_error *err)
{
    pg_buf k = {0};
    make_key(&k, unit, key);
    int added;
    size_t id = pg_intern_add(u->keys, k.data, k.len, &added);
    pg_buf_free(&k);
    if (!added) {
        if (strcmp(u->values[id], value) == 0)
            return 0;
        return pg_error_set(err, "metadata %s of unit %s already set to %s", key, unit,
                            u->values[id]);
    }
    u->values = pg_xgrow(u->values, &u->cap, id + 1, sizeof *u->values);
    u->values[id] = pg_xstrdup(value);
    return 0;
}

const char *pg_bench_units_get(const pg_bench_units *u, const char *unit, const char *key)
{
    pg_buf k = {0};
    make_key(&k, unit, key);
    size_t id = pg_intern_find(u->keys, k.data, k.len);
    pg_buf_free(&k);
    return id == PG_INTERN_NONE ? NULL : u->values[id];
}

int pg_bench_units_exact(const pg_bench_units *u, const char *unit)
{
    const char *v = pg_bench_units_get(u, unit, "assume");
    return v && strcmp(v, "exact") == 0;
}
