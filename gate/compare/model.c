/*
 * The comparison model (pg_compare_run): benchtab.ToTables and the
 * statistics of every cell, computed once so that every reporter and the
 * gate read the same numbers. Everything the model points to lives in one
 * arena freed with it.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_int.h"
#include "pg_alloc.h"
#include "pg_fmt.h"

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    max_align_t data[];
} chunk;

struct pg_cmp_arena {
    /* -confidence and -alpha as warnings quote them (Go %v), formatted once */
    char confidence[32], alpha[32];
    int utest_need; /* pg_stats_utest_min_samples(alpha) */
    chunk *chunks;
    pg_intern *strs; /* every string of the model, once: labels and warnings repeat a lot */
};

static void *arena_alloc(struct pg_cmp_arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    chunk *c = a->chunks;
    if (!c || c->size - c->used < size) {
        size_t cap = size > 64 * 1024 ? size : 64 * 1024;
        c = pg_xmalloc(sizeof *c + cap);
        c->next = a->chunks;
        c->used = 0;
        c->size = cap;
        a->chunks = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

static const char *arena_str(struct pg_cmp_arena *a, const char *s, size_t n)
{
    return pg_intern_key(a->strs, pg_intern_add(a->strs, s, n, NULL), NULL);
}

void pg_comparison_free(pg_comparison *m)
{
    if (!m)
        return;
    for (chunk *c = m->arena->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    pg_intern_free(m->arena->strs);
    free(m->arena);
    free(m);
}

/* Go's sort.Float64s order: NaN first. */
static int float_less(double a, double b)
{
    return a < b || (isnan(a) && !isnan(b));
}

static int cmp_float(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return float_less(a, b) ? -1 : float_less(b, a);
}

static void sort_floats(double *v, size_t n)
{
    if (n > 32) {
        qsort(v, n, sizeof *v, cmp_float);
        return;
    }
    /* cells usually hold 5-30 samples: insertion sort beats qsort there */
    for (size_t i = 1; i < n; i++) {
        double x = v[i];
        size_t j = i;
        for (; j > 0 && float_less(x, v[j - 1]); j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

typedef struct sorter {
    grouping *g;
    projection *p;
} sorter;

static int cmp_key(const void *a, const void *b, void *ctx)
{
    const sorter *s = ctx;
    return projection_cmp(s->g, s->p, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* Keys in benchproc's order (a strict total order, so any sort agrees). */
static void sort_keys(grouping *g, projection *p, uint32_t *keys, size_t n)
{
    sorter s = {g, p};
    qsort_r(keys, n, sizeof *keys, cmp_key, &s);
}

/* Warning lists are built in a pg_buf of NUL-separated messages. */
typedef struct warns {
    pg_buf text;
    size_t n;
} warns;

static void warn(warns *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(warns *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_buf_vprintf(&w->text, fmt, ap);
    va_end(ap);
    pg_buf_putc(&w->text, '\0');
    w->n++;
}

static const char *const *warn_list(struct pg_cmp_arena *a, const warns *w)
{
    if (w->n == 0)
        return NULL;
    const char **list = arena_alloc(a, w->n * sizeof *list);
    const char *p = w->text.data;
    for (size_t i = 0; i < w->n; i++) {
        size_t len = strlen(p);
        list[i] = arena_str(a, p, len);
        p += len + 1;
    }
    return list;
}

static void go_float(pg_buf *b, double v)
{
    pg_fmt_go_float(b, v);
}

/* "benchmarks vary in F1, F2": the residue fields that differ in a cell. */
static void residue_warning(pg_compare *c, const cell *x, warns *w)
{
    if (x->nres == 0)
        return;
    size_t nf;
    field *const *flat = projection_flat(c->residue, &nf);
    pg_buf msg = {0};
    pg_buf_puts(&msg, "benchmarks vary in ");
    int any = 0;
    for (size_t i = 0; i < nf; i++) {
        uint32_t base = projection_get(c->residue, x->res0, flat[i]);
        int varies = 0;
        for (size_t k = 0; k < x->nres && !varies; k++)
            varies = projection_get(c->residue, x->res[k], flat[i]) != base;
        if (!varies)
            continue;
        if (any)
            pg_buf_puts(&msg, ", ");
        pg_buf_append(&msg, flat[i]->name, flat[i]->name_len);
        any = 1;
    }
    if (any)
        warn(w, "%s", pg_buf_str(&msg));
    pg_buf_free(&msg);
}

static void summarize(pg_compare *c, const cell *x, pg_cmp_cell *out, pg_assume assume,
                      double confidence, struct pg_cmp_arena *a)
{
    double *v = arena_alloc(a, x->n * sizeof *v);
    memcpy(v, x->v, x->n * sizeof *v);
    sort_floats(v, x->n);
    out->n = x->n;
    out->values = v;
    pg_stats_summarize(v, x->n, assume, confidence, &out->summary);
    warns w = {0};
    residue_warning(c, x, &w);
    out->nsample_warnings = w.n;
    pg_buf num = {0};
    if (out->summary.ci_need_n) {
        if (out->summary.ci_need_n == PG_STATS_CI_NEED_MORE_THAN_50)
            warn(&w, "need > 50 samples for confidence interval at level %s", a->confidence);
        else
            warn(&w, "need >= %d samples for confidence interval at level %s",
                 out->summary.ci_need_n, a->confidence);
    }
    if (out->summary.exact_spread) {
        go_float(&num, v[0]);
        pg_buf_puts(&num, " to ");
        go_float(&num, v[x->n - 1]);
        warn(&w, "exact distribution expected, but values range from %s", num.data);
    }
    out->warnings = warn_list(a, &w);
    out->nwarnings = w.n;
    pg_buf_free(&num);
    pg_buf_free(&w.text);
}

/* benchmath's Compare and FormatDelta for a cell and its baseline. */
static void compare_cell(pg_cmp_cell *pc, const pg_cmp_cell *base, pg_assume assume, double alpha,
                         struct pg_cmp_arena *a)
{
    pc->has_baseline = 1;
    pc->baseline = base;
    warns w = {0};
    double cmp_alpha = 0;
    if (assume == PG_ASSUME_EXACT) {
        pc->p = 0;
    } else {
        cmp_alpha = alpha;
        pg_utest u;
        pg_stats_utest(base->values, base->n, pc->values, pc->n, &u);
        pc->utest_exact = u.exact;
        if (u.all_equal) {
            pc->p = 1;
            warn(&w, "all samples are equal");
        } else {
            pc->p = u.p;
            if (pc->p > alpha) {
                /* benchmath: (">=", N) or, past its table, (">", 10) */
                int need = a->utest_need;
                int more = need == PG_STATS_UTEST_NEED_MORE_THAN_10;
                if (more)
                    need = 10;
                if (base->n < (size_t)need && pc->n < (size_t)need)
                    warn(&w, "need %s %d samples to detect a difference at alpha level %s",
                         more ? ">" : ">=", need, a->alpha);
            }
        }
    }
    double old = base->summary.center, new = pc->summary.center;
    pc->significant = !(pc->p > cmp_alpha);
    pc->delta_pct = ((new / old) - 1.0) * 100.0;
    if (!pc->significant)
        pc->delta = PG_DELTA_INSIGNIFICANT;
    else if (old == new)
        pc->delta = PG_DELTA_EQUAL;
    else if (old == 0)
        pc->delta = PG_DELTA_UNDEFINED;
    else
        pc->delta = PG_DELTA_CHANGE;
    pc->cmp_warnings = warn_list(a, &w);
    pc->ncmp_warnings = w.n;
    pg_buf_free(&w.text);
}

/* benchtab's summarizeCol. */
static void geomean(const pg_cmp_table *t, size_t col, pg_cmp_geomean *out, size_t nbase,
                    struct pg_cmp_arena *a)
{
    double *centers = malloc((t->nrows + 1) * sizeof *centers);
    double *ratios = malloc((t->nrows + 1) * sizeof *ratios);
    if (!centers || !ratios)
        pg_xmalloc(SIZE_MAX); /* reports the allocation failure and exits */
    size_t nc = 0, nr = 0;
    int bad_ratio = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const pg_cmp_cell *pc = t->rows[r].cells[col];
        if (!pc)
            continue;
        centers[nc++] = pc->summary.center;
        if (!pc->has_baseline)
            continue;
        double x = pc->summary.center, b = pc->baseline->summary.center;
        if (x == b) {
            ratios[nr++] = 1;
        } else if (b == 0) {
            bad_ratio = 1;
            ratios[nr++] = 0;
        } else {
            ratios[nr++] = x / b;
        }
    }
    warns w = {0};
    if (col > 0 && nbase != nr)
        warn(&w, "benchmark set differs from baseline; geomeans may not be comparable");
    double gm = pg_stats_geomean(centers, nc);
    if (isnan(gm)) {
        warn(&w, "summaries must be >0 to compute geomean");
    } else {
        out->has_value = 1;
        out->value = gm;
    }
    if (col > 0 && !bad_ratio) {
        gm = pg_stats_geomean(ratios, nr);
        if (isnan(gm)) {
            warn(&w, "ratios must be >0 to compute geomean");
        } else {
            out->has_ratio = 1;
            out->ratio = gm;
        }
    }
    out->warnings = warn_list(a, &w);
    out->nwarnings = w.n;
    pg_buf_free(&w.text);
    free(centers);
    free(ratios);
}

static const pg_cmp_field *key_fields(pg_compare *c, projection *p, uint32_t key, size_t *n,
                                      int skip_unit, struct pg_cmp_arena *a)
{
    size_t nf;
    field *const *flat = projection_flat(p, &nf);
    pg_cmp_field *fields = arena_alloc(a, (nf + 1) * sizeof *fields);
    size_t k = 0;
    for (size_t i = 0; i < nf; i++) {
        if (skip_unit && flat[i] == p->unit)
            continue;
        size_t len;
        const char *v = pg_intern_key(c->g.strs, projection_get(p, key, flat[i]), &len);
        fields[k].name = arena_str(a, flat[i]->name, flat[i]->name_len);
        fields[k].value = arena_str(a, v, len);
        k++;
    }
    *n = k;
    return fields;
}

static const char *key_label(pg_compare *c, projection *p, uint32_t key, struct pg_cmp_arena *a)
{
    pg_buf b = {0};
    projection_label(&c->g, p, key, &b);
    const char *s = arena_str(a, pg_buf_str(&b), b.len);
    pg_buf_free(&b);
    return s;
}

/* The distinct row (which = 0) or column (1) keys of a table's cells, in
 * key order; pos[key] becomes each key's index. pos has an entry per key
 * of the projection and is only read for keys of this table. */
static uint32_t *distinct(pg_compare *c, const uint32_t *cells, size_t ncells, int which,
                          projection *p, uint32_t *pos, size_t *n)
{
    uint32_t *keys = pg_xmalloc((ncells + 1) * sizeof *keys);
    size_t k = 0;
    for (size_t i = 0; i < ncells; i++) {
        uint32_t key = which ? c->cells[cells[i]].col : c->cells[cells[i]].row;
        if (pos[key] != UINT32_MAX)
            continue; /* seen in this table */
        pos[key] = 0;
        keys[k++] = key;
    }
    sort_keys(&c->g, p, keys, k);
    for (size_t i = 0; i < k; i++)
        pos[keys[i]] = (uint32_t)i;
    *n = k;
    return keys;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void build_table(pg_compare *c, const pg_compare_params *prm, uint32_t tkey,
                        const uint32_t *cells, size_t ncells, pg_cmp_table *t, uint32_t *row_pos,
                        uint32_t *col_pos, struct pg_cmp_arena *a)
{
    t->config = key_fields(c, c->table, tkey, &t->nconfig, 1, a);
    size_t ulen;
    const char *unit =
        pg_intern_key(c->g.strs, projection_get(c->table, tkey, c->table->unit), &ulen);
    t->unit = arena_str(a, unit, ulen);
    t->unit_class = pg_bench_unit_class_of(unit, ulen);
    t->assume = prm->units && pg_bench_units_exact(prm->units, t->unit) ? PG_ASSUME_EXACT
                                                                        : PG_ASSUME_NOTHING;
    size_t nrows, ncols;
    uint32_t *rows = distinct(c, cells, ncells, 0, c->row, row_pos, &nrows);
    uint32_t *cols = distinct(c, cells, ncells, 1, c->col, col_pos, &ncols);
    pg_cmp_row *r = arena_alloc(a, (nrows + 1) * sizeof *r);
    pg_cmp_col *k = arena_alloc(a, (ncols + 1) * sizeof *k);
    for (size_t i = 0; i < ncols; i++) {
        k[i].fields = key_fields(c, c->col, cols[i], &k[i].nfields, 0, a);
        k[i].label = key_label(c, c->col, cols[i], a);
    }
    pg_cmp_cell *grid = arena_alloc(a, (ncells + 1) * sizeof *grid);
    for (size_t i = 0; i < nrows; i++) {
        r[i].fields = key_fields(c, c->row, rows[i], &r[i].nfields, 0, a);
        r[i].label = key_label(c, c->row, rows[i], a);
        r[i].cells = arena_alloc(a, (ncols + 1) * sizeof *r[i].cells);
    }
    /* summaries first, so that comparisons can read their baselines */
    for (size_t i = 0; i < ncells; i++) {
        const cell *x = &c->cells[cells[i]];
        size_t ri = row_pos[x->row], ci = col_pos[x->col];
        summarize(c, x, &grid[i], t->assume, prm->confidence, a);
        ((const pg_cmp_cell **)r[ri].cells)[ci] = &grid[i];
    }
    for (size_t i = 0; i < nrows; i++)
        for (size_t j = 1; j < ncols; j++)
            if (r[i].cells[j] && r[i].cells[0])
                compare_cell((pg_cmp_cell *)r[i].cells[j], r[i].cells[0], t->assume, prm->alpha, a);
    t->rows = r;
    t->nrows = nrows;
    t->cols = k;
    t->ncols = ncols;
    size_t nbase = 0;
    for (size_t i = 0; i < nrows; i++)
        nbase += r[i].cells[0] != NULL;
    pg_cmp_geomean *g = arena_alloc(a, (ncols + 1) * sizeof *g);
    for (size_t j = 0; j < ncols; j++)
        geomean(t, j, &g[j], nbase, a);
    t->geomeans = g;
    /* leave pos clean for the next table */
    for (size_t i = 0; i < nrows; i++)
        row_pos[rows[i]] = UINT32_MAX;
    for (size_t i = 0; i < ncols; i++)
        col_pos[cols[i]] = UINT32_MAX;
    free(rows);
    free(cols);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

pg_comparison *pg_compare_run(pg_compare *c, const pg_compare_params *prm)
{
    pg_comparison *m = pg_xcalloc(1, sizeof *m);
    m->arena = pg_xcalloc(1, sizeof *m->arena);
    m->arena->strs = pg_intern_create();
    pg_buf num = {0};
    pg_fmt_go_float(&num, prm->confidence);
    snprintf(m->arena->confidence, sizeof m->arena->confidence, "%s", pg_buf_str(&num));
    pg_buf_truncate(&num, 0);
    pg_fmt_go_float(&num, prm->alpha);
    snprintf(m->arena->alpha, sizeof m->arena->alpha, "%s", pg_buf_str(&num));
    pg_buf_free(&num);
    m->arena->utest_need = pg_stats_utest_min_samples(prm->alpha);
    m->alpha = prm->alpha;
    m->confidence = prm->confidence;
    /* cells grouped by table: (table key, cell index) sorted */
    uint64_t *by_table = pg_xmalloc((c->ncells + 1) * sizeof *by_table);
    for (size_t i = 0; i < c->ncells; i++)
        by_table[i] = (uint64_t)c->cells[i].table << 32 | i;
    qsort(by_table, c->ncells, sizeof *by_table, cmp_u64);
    uint32_t *cells = pg_xmalloc((c->ncells + 1) * sizeof *cells);
    uint32_t *tkeys = pg_xmalloc((c->ncells + 1) * sizeof *tkeys);
    size_t *run = pg_xmalloc((c->ncells + 2) * sizeof *run); /* run[t] = first cell of tkeys[t] */
    size_t ntables = 0;
    for (size_t i = 0; i < c->ncells; i++) {
        cells[i] = (uint32_t)by_table[i];
        uint32_t t = (uint32_t)(by_table[i] >> 32);
        if (ntables == 0 || tkeys[ntables - 1] != t) {
            run[ntables] = i;
            tkeys[ntables++] = t;
        }
    }
    run[ntables] = c->ncells;
    uint32_t *sorted = pg_xmalloc((ntables + 1) * sizeof *sorted);
    memcpy(sorted, tkeys, ntables * sizeof *sorted);
    sort_keys(&c->g, c->table, sorted, ntables);
    pg_cmp_table *tables = arena_alloc(m->arena, (ntables + 1) * sizeof *tables);
    uint32_t *row_pos = pg_xmalloc((c->row->nkeys + 1) * sizeof *row_pos);
    uint32_t *col_pos = pg_xmalloc((c->col->nkeys + 1) * sizeof *col_pos);
    memset(row_pos, 0xFF, (c->row->nkeys + 1) * sizeof *row_pos);
    memset(col_pos, 0xFF, (c->col->nkeys + 1) * sizeof *col_pos);
    for (size_t i = 0; i < ntables; i++) {
        const uint32_t *at = bsearch(&sorted[i], tkeys, ntables, sizeof *tkeys, cmp_u32);
        size_t ti = (size_t)(at - tkeys);
        build_table(c, prm, sorted[i], cells + run[ti], run[ti + 1] - run[ti], &tables[i], row_pos,
                    col_pos, m->arena);
    }
    free(row_pos);
    free(col_pos);
    m->tables = tables;
    m->ntables = ntables;
    free(by_table);
    free(cells);
    free(tkeys);
    free(run);
    free(sorted);
    return m;
}

void pg_cmp_cell_test_text(pg_buf *b, const pg_cmp_cell *c)
{
    if (c->p != 0) {
        pg_buf_puts(b, "p=");
        pg_bench_fmt_fixed(b, c->p, 3, 0);
        pg_buf_putc(b, ' ');
    }
    if (c->baseline->n == c->n)
        pg_buf_printf(b, "n=%zu", c->n);
    else
        pg_buf_printf(b, "n=%zu+%zu", c->baseline->n, c->n);
}

void pg_cmp_cell_delta_text(pg_buf *b, const pg_cmp_cell *c)
{
    switch (c->delta) {
    case PG_DELTA_NONE:
        break;
    case PG_DELTA_INSIGNIFICANT:
        pg_buf_putc(b, '~');
        break;
    case PG_DELTA_EQUAL:
        pg_buf_puts(b, "0.00%");
        break;
    case PG_DELTA_UNDEFINED:
        pg_buf_putc(b, '?');
        break;
    case PG_DELTA_CHANGE:
        pg_bench_fmt_fixed(b, c->delta_pct, 2, 1);
        pg_buf_putc(b, '%');
        break;
    }
}

void pg_cmp_cell_range_text(pg_buf *b, const pg_cmp_cell *c)
{
    pg_bench_fmt_range_pct(b, c->summary.center, c->summary.lo, c->summary.hi);
}

void pg_cmp_geomean_ratio_text(pg_buf *b, const pg_cmp_geomean *g)
{
    if (!g->has_ratio) {
        pg_buf_putc(b, '?');
        return;
    }
    pg_bench_fmt_fixed(b, (g->ratio - 1) * 100, 2, 1);
    pg_buf_putc(b, '%');
}
