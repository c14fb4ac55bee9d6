/*
 * The verdict (see pg_decide.h): thresholds, the multiple-comparison
 * correction over all gated rows, and the too-few-samples check.
 */
#include "pg_decide.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_buf.h"
#include "pg_intern.h"
#include "pg_stats.h"

double pg_decide_min_p(size_t n1, size_t n2)
{
    if (n1 == 0 || n2 == 0)
        return NAN;
    double *x = pg_xmalloc((n1 + n2) * sizeof *x);
    for (size_t i = 0; i < n1 + n2; i++)
        x[i] = (double)i;
    pg_utest t;
    pg_stats_utest(x, n1, x + n1, n2, &t);
    free(x);
    return t.p;
}

/* Every sample of both cells is the same value (cells are sorted). */
static int all_equal(const pg_cmp_cell *a, const pg_cmp_cell *b)
{
    double v = a->values[0];
    return a->values[a->n - 1] == v && b->values[0] == v && b->values[b->n - 1] == v;
}

static const char *table_package(const pg_cmp_table *t)
{
    for (size_t i = 0; i < t->nconfig; i++)
        if (strcmp(t->config[i].name, "pkg") == 0)
            return t->config[i].value;
    return "";
}

/* Whether base -> head is beyond the rule's limit in the good direction. */
static int improved_beyond(const pg_threshold *rule, pg_better better, double base, double head)
{
    double change = better == PG_BETTER_LOWER ? base - head : head - base;
    if (!(change > 0))
        return 0;
    switch (rule->limit) {
    case PG_CONFIG_LIMIT_RELATIVE:
        return base != 0 && change / fabs(base) * 100 > rule->value;
    case PG_CONFIG_LIMIT_ABSOLUTE:
        return change > rule->value;
    case PG_CONFIG_LIMIT_ANY:
        return 1;
    case PG_CONFIG_LIMIT_NONE:
        return 0;
    }
    return 0;
}

static int status_rank(pg_row_status s)
{
    return s == PG_ROW_REGRESSION ? 0 : s == PG_ROW_IMPROVEMENT ? 1 : 2;
}

/* Stable ordering: regressions, improvements, the rest as they came. */
static void sort_rows(pg_verdict_row *rows, size_t n)
{
    pg_verdict_row *tmp = pg_xmalloc((n ? n : 1) * sizeof *tmp);
    size_t k = 0;
    for (int rank = 0; rank < 3; rank++)
        for (size_t i = 0; i < n; i++)
            if (status_rank(rows[i].status) == rank)
                tmp[k++] = rows[i];
    memcpy(rows, tmp, n * sizeof *rows);
    free(tmp);
}

/* The samples per side at which a complete separation reaches `level`. */
static int samples_needed(double level)
{
    for (int n = 2; n <= 200; n++)
        if (pg_decide_min_p((size_t)n, (size_t)n) <= level)
            return n;
    return 0;
}

/* A row's identity across the two looks: unit, package, benchmark. */
static void row_key(pg_buf *b, const pg_verdict_row *row)
{
    b->len = 0;
    pg_buf_printf(b, "%s\n%s\n%s", row->table->unit, row->package, row->row->label);
}

/* Each row's p at the first look, and whether it got more samples since. */
static void match_first_look(pg_verdict *v, const pg_verdict *first)
{
    pg_intern *keys = pg_intern_create();
    size_t *row_of = pg_xmalloc((first->nrows + 1) * sizeof *row_of);
    pg_buf key = {0};
    for (size_t i = 0; i < first->nrows; i++) {
        row_key(&key, &first->rows[i]);
        int added;
        size_t id = pg_intern_add(keys, key.data, key.len, &added);
        if (added)
            row_of[id] = i;
    }
    for (size_t i = 0; i < v->nrows; i++) {
        pg_verdict_row *row = &v->rows[i];
        row_key(&key, row);
        size_t id = pg_intern_find(keys, key.data, key.len);
        if (id == PG_INTERN_NONE)
            continue; /* new since the first look: its p covers all samples */
        const pg_verdict_row *fr = &first->rows[row_of[id]];
        row->p_first = fr->p;
        row->confirmed = row->base && row->head && fr->base && fr->head &&
                         (row->base->n > fr->base->n || row->head->n > fr->head->n);
    }
    pg_buf_free(&key);
    free(row_of);
    pg_intern_free(keys);
}

/* The p-value the correction sees. One look: the row's p. Two looks: each
 * look is a test at alpha/2 (the union bound), so the row's p is the
 * smaller of the first look's p and, if it got more rounds, the p over all
 * its samples, doubled; a valid p-value whatever chose the rows to
 * confirm, so Holm and BH apply to it unchanged. */
static double decision_p(const pg_verdict *v, const pg_verdict_row *row)
{
    if (v->looks == 1)
        return row->p;
    double p = row->p;
    if (!isnan(row->p_first))
        p = row->confirmed ? fmin(row->p_first, row->p) : row->p_first;
    return fmin(1, 2 * p);
}

pg_verdict *pg_decide(const pg_comparison *cmp, const pg_config *cfg, int looks,
                      const pg_verdict *first)
{
    pg_verdict *v = pg_xcalloc(1, sizeof *v);
    v->alpha = pg_config_alpha(cfg);
    v->correction = pg_config_correction(cfg);
    v->looks = looks == 2 ? 2 : 1;
    v->second = v->looks == 2 && first != NULL;
    size_t cap = 0;
    for (size_t ti = 0; ti < cmp->ntables; ti++) {
        const pg_cmp_table *t = &cmp->tables[ti];
        for (size_t ri = 0; ri < t->nrows; ri++) {
            const pg_cmp_row *r = &t->rows[ri];
            pg_verdict_row row = {.table = t, .row = r, .package = table_package(t)};
            row.base = t->ncols > 0 ? r->cells[0] : NULL;
            row.head = t->ncols > 1 ? r->cells[1] : NULL;
            row.rule = pg_config_threshold_match(cfg, row.package, r->label, t->unit);
            row.better = row.rule ? pg_config_threshold_better(row.rule, t->unit)
                                  : pg_config_unit_better(t->unit);
            row.p = row.p_adjusted = row.p_first = row.delta_pct = NAN;
            if (row.base && row.head) {
                row.p = row.head->p;
                row.delta_pct = row.head->delta_pct;
                int gateable = row.rule && row.rule->limit != PG_CONFIG_LIMIT_NONE;
                row.gated = gateable && !isnan(row.p) && !all_equal(row.base, row.head);
                row.status =
                    gateable && (row.gated || !isnan(row.p)) ? PG_ROW_UNCHANGED : PG_ROW_INFO;
            } else {
                row.status = row.head ? PG_ROW_ADDED : PG_ROW_REMOVED;
            }
            v->rows = pg_xgrow(v->rows, &cap, v->nrows + 1, sizeof *v->rows);
            v->rows[v->nrows++] = row;
        }
    }

    if (v->second)
        match_first_look(v, first);
    double *p = pg_xmalloc((v->nrows ? v->nrows : 1) * sizeof *p);
    for (size_t i = 0; i < v->nrows; i++)
        if (v->rows[i].gated) /* benchstat's p may exceed 1 */
            p[v->family++] = fmin(fmax(decision_p(v, &v->rows[i]), 0), 1);
    switch (v->correction) {
    case PG_CORRECTION_HOLM:
        pg_stats_holm(p, v->family, p);
        break;
    case PG_CORRECTION_BENJAMINI_HOCHBERG:
        pg_stats_benjamini_hochberg(p, v->family, p);
        break;
    case PG_CORRECTION_NONE:
        break;
    }
    /* A lone change must reach alpha/m under Holm and BH alike, and each
     * look gets half of it. */
    double level = v->correction == PG_CORRECTION_NONE || v->family == 0
                       ? v->alpha
                       : v->alpha / (double)v->family;
    level /= v->looks;
    /* At the first of two looks a row in doubt may still get more rounds. */
    size_t more = v->looks == 2 && !v->second ? (size_t)pg_config_confirm_count(cfg) : 0;
    size_t k = 0;
    for (size_t i = 0; i < v->nrows; i++) {
        pg_verdict_row *row = &v->rows[i];
        if (!row->gated)
            continue;
        row->p_adjusted = p[k++];
        double base = row->base->summary.center, head = row->head->summary.center;
        if (row->p_adjusted <= v->alpha) {
            if (pg_config_threshold_exceeded(row->rule, row->table->unit, base, head))
                row->status = PG_ROW_REGRESSION;
            else if (improved_beyond(row->rule, row->better, base, head))
                row->status = PG_ROW_IMPROVEMENT;
            else
                row->status = PG_ROW_WITHIN;
        } else if (pg_decide_min_p(row->base->n + more, row->head->n + more) > level) {
            row->status = PG_ROW_UNDECIDABLE;
        }
    }
    free(p);
    for (size_t i = 0; i < v->nrows; i++)
        v->count[v->rows[i].status]++;
    if (v->count[PG_ROW_UNDECIDABLE])
        v->needed_samples = samples_needed(level);
    sort_rows(v->rows, v->nrows);
    return v;
}

void pg_verdict_free(pg_verdict *v)
{
    if (!v)
        return;
    free(v->rows);
    free(v);
}

int pg_verdict_failed(const pg_verdict *v)
{
    return v->count[PG_ROW_REGRESSION] > 0;
}

int pg_verdict_row_in_doubt(const pg_verdict_row *row)
{
    return (row->status == PG_ROW_UNCHANGED || row->status == PG_ROW_UNDECIDABLE) && row->gated &&
           pg_config_threshold_exceeded(row->rule, row->table->unit, row->base->summary.center,
                                        row->head->summary.center);
}

const char *pg_row_status_name(pg_row_status s)
{
    static const char *const names[] = {
        [PG_ROW_REGRESSION] = "regression",
        [PG_ROW_IMPROVEMENT] = "improvement",
        [PG_ROW_WITHIN] = "within limit",
        [PG_ROW_UNCHANGED] = "unchanged",
        [PG_ROW_UNDECIDABLE] = "too few samples",
        [PG_ROW_INFO] = "not gated",
        [PG_ROW_ADDED] = "added",
        [PG_ROW_REMOVED] = "removed",
    };
    return names[s];
}
