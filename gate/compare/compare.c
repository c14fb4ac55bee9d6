/*
 * Grouping results into cells (pg_compare.h): benchstat's benchtab.Builder.
 *
 * The hot path is one result line of a `go test -count=N` file: same file,
 * same configuration and usually the same name as the line before, so the
 * previous projection is reused and each value lands in its cell through a
 * per-unit cache, without hashing.
 */
#include <stdlib.h>
#include <string.h>

#include "compare_int.h"
#include "pg_alloc.h"

static int parse_flag(pg_compare *c, const char *flag, const char *query, int with_unit,
                      projection **out, pg_buf *first_err)
{
    pg_buf err = {0};
    *out = grouping_parse(&c->g, query, with_unit, &err);
    if (!*out && first_err->len == 0)
        pg_buf_printf(first_err, "parsing %s: %s", flag, pg_buf_str(&err));
    pg_buf_free(&err);
    return *out ? 0 : -1;
}

pg_compare *pg_compare_create(const pg_compare_opts *opts, pg_error *err)
{
    pg_compare_opts o = *opts;
    o.table = o.table ? o.table : ".config";
    o.row = o.row ? o.row : ".fullname";
    o.col = o.col ? o.col : ".file";
    o.ignore = o.ignore ? o.ignore : "";
    o.filter = o.filter ? o.filter : "*";
    pg_compare *c = pg_xcalloc(1, sizeof *c);
    grouping_init(&c->g);
    pg_buf msg = {0}, ferr = {0};
    if (grouping_filter(&c->g, o.filter, &ferr) < 0) {
        pg_buf_printf(&msg, "parsing -filter: %s", pg_buf_str(&ferr));
    } else {
        /* benchstat parses all four and reports the first error */
        projection *ignore;
        parse_flag(c, "-table", o.table, 1, &c->table, &msg);
        parse_flag(c, "-row", o.row, 0, &c->row, &msg);
        parse_flag(c, "-col", o.col, 0, &c->col, &msg);
        parse_flag(c, "-ignore", o.ignore, 0, &ignore, &msg);
        c->residue = grouping_residue(&c->g);
        size_t n;
        projection_flat(c->residue, &n);
        c->residue_empty = n == 0 && !c->residue->has_group;
    }
    pg_buf_free(&ferr);
    if (msg.len > 0) {
        pg_error_set(err, "%s", pg_buf_str(&msg));
        pg_buf_free(&msg);
        pg_compare_free(c);
        return NULL;
    }
    c->nslots = 1024;
    c->slots = pg_xcalloc(c->nslots, sizeof *c->slots);
    return c;
}

void pg_compare_free(pg_compare *c)
{
    if (!c)
        return;
    grouping_free(&c->g);
    for (size_t i = 0; i < c->ncells; i++) {
        free(c->cells[i].v);
        free(c->cells[i].res);
    }
    free(c->cells);
    free(c->slots);
    free(c->ucache);
    free(c->keep);
    pg_buf_free(&c->last_file);
    pg_buf_free(&c->last_config);
    pg_buf_free(&c->last_name);
    free(c);
}

static uint64_t hash3(uint32_t a, uint32_t b, uint32_t d)
{
    uint64_t h = ((uint64_t)a << 32 | b) * 0x9E3779B97F4A7C15ull;
    h ^= (h >> 29) ^ d;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

static uint32_t cell_for(pg_compare *c, uint32_t table, uint32_t row, uint32_t col)
{
    size_t mask = c->nslots - 1;
    size_t i = hash3(table, row, col) & mask;
    for (;; i = (i + 1) & mask) {
        uint32_t s = c->slots[i];
        if (!s)
            break;
        const cell *x = &c->cells[s - 1];
        if (x->table == table && x->row == row && x->col == col)
            return s - 1;
    }
    c->cells = pg_xgrow(c->cells, &c->cells_cap, c->ncells + 1, sizeof *c->cells);
    uint32_t id = (uint32_t)c->ncells++;
    c->cells[id] = (cell){.table = table, .row = row, .col = col};
    c->slots[i] = id + 1;
    if (c->ncells * 2 > c->nslots) {
        free(c->slots);
        c->nslots *= 2;
        c->slots = pg_xcalloc(c->nslots, sizeof *c->slots);
        for (size_t k = 0; k < c->ncells; k++) {
            const cell *x = &c->cells[k];
            size_t j = hash3(x->table, x->row, x->col) & (c->nslots - 1);
            while (c->slots[j])
                j = (j + 1) & (c->nslots - 1);
            c->slots[j] = (uint32_t)(k + 1);
        }
    }
    return id;
}

static void add_residue(cell *x, uint32_t res)
{
    if (x->n == 0) {
        x->res0 = res;
        return;
    }
    if (x->res0 == res)
        return;
    for (size_t i = 0; i < x->nres; i++)
        if (x->res[i] == res)
            return;
    x->res = pg_xgrow(x->res, &x->res_cap, x->nres + 1, sizeof *x->res);
    x->res[x->nres++] = res;
}

static int same_str(pg_buf *last, const char *s, size_t n)
{
    if (last->len == n && memcmp(pg_buf_str(last), s, n) == 0)
        return 1;
    pg_buf_truncate(last, 0);
    pg_buf_append(last, s, n);
    return 0;
}

/* Whether r's configuration equals the previous result's; remembers it. */
static int same_config(pg_buf *last, const pg_bench_result *r)
{
    size_t pos = 0;
    const char *p = pg_buf_str(last);
    int same = 1;
    for (size_t i = 0; same && i < r->nconfig; i++) {
        const pg_bench_kv *kv = &r->config[i];
        size_t need = 2 * sizeof(size_t) + kv->key_len + kv->val_len;
        if (pos + need > last->len) {
            same = 0;
            break;
        }
        size_t kl, vl;
        memcpy(&kl, p + pos, sizeof kl);
        memcpy(&vl, p + pos + sizeof kl, sizeof vl);
        pos += 2 * sizeof(size_t);
        same = kl == kv->key_len && vl == kv->val_len && memcmp(p + pos, kv->key, kl) == 0 &&
               memcmp(p + pos + kl, kv->val, vl) == 0;
        pos += kl + vl;
    }
    if (same && pos == last->len)
        return 1;
    pg_buf_truncate(last, 0);
    for (size_t i = 0; i < r->nconfig; i++) {
        const pg_bench_kv *kv = &r->config[i];
        pg_buf_append(last, &kv->key_len, sizeof kv->key_len);
        pg_buf_append(last, &kv->val_len, sizeof kv->val_len);
        pg_buf_append(last, kv->key, kv->key_len);
        pg_buf_append(last, kv->val, kv->val_len);
    }
    return 0;
}

static uint32_t unit_id(pg_compare *c, size_t i, const char *unit)
{
    /* results from one reader reuse interned unit strings: check the
     * pointer first, then the bytes */
    size_t slot = i % 8;
    if (c->last_unit_ptr[slot] == unit && c->have_last &&
        strcmp(pg_intern_key(c->g.strs, c->last_unit_id[slot], NULL), unit) == 0)
        return c->last_unit_id[slot];
    uint32_t id = (uint32_t)pg_intern_add(c->g.strs, unit, strlen(unit), NULL);
    c->last_unit_ptr[slot] = unit;
    c->last_unit_id[slot] = id;
    return id;
}

size_t pg_compare_add(pg_compare *c, const pg_bench_result *r)
{
    size_t kept = r->nvalues;
    if (c->g.filter) {
        c->keep = pg_xgrow(c->keep, &c->keep_cap, r->nvalues + 1, 1);
        kept = grouping_match(&c->g, r, c->keep);
        if (kept == 0)
            return 0;
    }
    const char *file = r->file ? r->file : "";
    int file_changed = !same_str(&c->last_file, file, strlen(file)) || !c->have_last;
    int config_changed = !same_config(&c->last_config, r) || !c->have_last;
    int name_changed = !same_str(&c->last_name, r->name, r->name_len) || !c->have_last;
    if (name_changed)
        c->name_id = grouping_name_id(&c->g, r);
    if (file_changed || config_changed || name_changed) {
        c->gen++;
        projection_fill(&c->g, c->table, r, c->name_id, config_changed, file_changed);
        projection_fill(&c->g, c->row, r, c->name_id, config_changed, file_changed);
        c->row_key = projection_key(c->row);
        projection_fill(&c->g, c->col, r, c->name_id, config_changed, file_changed);
        c->col_key = projection_key(c->col);
        if (!c->residue_empty) {
            projection_fill(&c->g, c->residue, r, c->name_id, config_changed, file_changed);
            c->res_key = projection_key(c->residue);
        }
    }
    for (size_t i = 0; i < r->nvalues; i++) {
        if (c->g.filter && !c->keep[i])
            continue;
        uint32_t u = unit_id(c, i, r->values[i].unit);
        if (u >= c->ucache_cap) {
            size_t old = c->ucache_cap;
            c->ucache = pg_xgrow(c->ucache, &c->ucache_cap, (size_t)u + 1, sizeof *c->ucache);
            memset(c->ucache + old, 0, (c->ucache_cap - old) * sizeof *c->ucache);
        }
        unit_cache *uc = &c->ucache[u];
        if (uc->gen != c->gen) {
            c->table->row[c->table->unit->idx] = u;
            uint32_t t = projection_key(c->table);
            uc->gen = c->gen;
            uc->cell = cell_for(c, t, c->row_key, c->col_key);
        }
        cell *x = &c->cells[uc->cell];
        add_residue(x, c->res_key);
        x->v = pg_xgrow(x->v, &x->cap, x->n + 1, sizeof *x->v);
        x->v[x->n++] = r->values[i].value;
    }
    c->have_last = 1;
    return kept;
}
