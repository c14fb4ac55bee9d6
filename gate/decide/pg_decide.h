/*
 * The verdict: which rows of an A/B comparison fail the gate.
 *
 * A row fails only when both hold:
 *   1. its change is statistically significant after the configured
 *      multiple-comparison correction (Holm by default, Benjamini-Hochberg,
 *      or none) over every gated row of the run, so that a suite of hundreds
 *      of rows does not fail by chance on an unchanged commit; and
 *   2. the change of the centers (medians) is beyond the row's threshold
 *      rule in the bad direction of its unit.
 * A gated row is one some threshold rule matches with a limit other than
 * `none`, that has samples on both sides and a p-value, and whose pooled
 * samples are not all equal. (Such a row's permutation test is degenerate:
 * p = 1 whatever the data, so by Tarone's argument it cannot contribute a
 * false alarm and only dilutes the correction; allocs/op is often like
 * that. It is reported as unchanged.)
 *
 * Two looks (confirm_count > 0, the default). After `count` rounds a row
 * is in doubt when its change is beyond the threshold in the bad direction
 * but not significant; the gate runs its benchmark confirm_count more
 * rounds and decides again on all the samples. Each look is a test at
 * alpha/2: a row's p for the correction is min(p_first, p_all) * 2, where
 * p_all counts only for rows that got more rounds. By the union bound that
 * is a valid p-value however the rows were chosen, so the false-alarm rate
 * of the suite stays at alpha, while a row that count 10 leaves at the edge
 * of significance gets the power of count 20. Clear passes and clear
 * regressions cost no extra round.
 *
 * Rows whose sample counts make significance impossible (even a complete
 * separation of the two samples could not reach the corrected level) are
 * marked UNDECIDABLE and reported as a warning with the count that would
 * be needed: too few samples is never a pass in disguise.
 *
 * The comparison is expected to have the base in column 0 and the head in
 * column 1 (more columns are ignored).
 */
#ifndef PG_DECIDE_H
#define PG_DECIDE_H

#include <stddef.h>

#include "pg_compare.h"
#include "pg_config.h"

typedef enum pg_row_status {
    PG_ROW_REGRESSION,  /* fails the gate */
    PG_ROW_IMPROVEMENT, /* significant and beyond the limit in the good direction */
    PG_ROW_WITHIN,      /* significant, but the change is within the limit */
    PG_ROW_UNCHANGED,   /* not significant after correction */
    PG_ROW_UNDECIDABLE, /* too few samples for the corrected level */
    PG_ROW_INFO,        /* no rule gates this row: reported only */
    PG_ROW_ADDED,       /* head only */
    PG_ROW_REMOVED,     /* base only */
} pg_row_status;

typedef struct pg_verdict_row {
    const pg_cmp_table *table;
    const pg_cmp_row *row;
    const pg_cmp_cell *base, *head; /* NULL on the side without samples */
    const char *package;            /* the table's pkg, or "" */
    const pg_threshold *rule;       /* NULL if no rule matches */
    pg_better better;               /* the direction that counts as improvement */
    double p;                       /* the U-test p-value (NaN if none) */
    double p_first;                 /* second look: p at the first look (NaN: single look,
                                       or the row is new) */
    int confirmed;                  /* second look: got more rounds after the first */
    double p_adjusted;              /* after the correction (NaN if not gated) */
    double delta_pct;               /* (head/base - 1) * 100 of the centers */
    int gated;                      /* counted in the multiple-comparison family */
    pg_row_status status;
} pg_verdict_row;

typedef struct pg_verdict {
    /* Every row of every table, regressions first, then improvements, then
     * the rest in comparison order. */
    pg_verdict_row *rows;
    size_t nrows;
    size_t family;      /* gated rows: the size of the correction's family */
    size_t count[8];    /* rows per pg_row_status */
    int needed_samples; /* with UNDECIDABLE rows: the samples per side that
                           would make a complete separation significant, or 0 */
    pg_correction correction;
    double alpha;
    int looks;  /* 1, or 2 when alpha is split between two looks */
    int second; /* this is the second look */
} pg_verdict;

/* Judges `cmp` with the rules, alpha and correction of `cfg`. `looks` is 1
 * (one look, the whole alpha) or 2; with 2, `first` is NULL at the first
 * look and the first look's verdict at the second (its comparison must
 * still be alive). */
pg_verdict *pg_decide(const pg_comparison *cmp, const pg_config *cfg, int looks,
                      const pg_verdict *first);
void pg_verdict_free(pg_verdict *v);
/* 1 if any row is a regression. */
int pg_verdict_failed(const pg_verdict *v);
/* At the first of two looks: the row is gated, not significant, and its
 * change is beyond its threshold in the bad direction. */
int pg_verdict_row_in_doubt(const pg_verdict_row *row);
/* "regression", "improvement", "within limit", "unchanged", ... */
const char *pg_row_status_name(pg_row_status s);
/* The smallest two-sided Mann-Whitney p-value any data can give with these
 * sample sizes (a complete separation without ties). */
double pg_decide_min_p(size_t n1, size_t n2);

#endif
