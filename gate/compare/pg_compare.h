/*
 * benchstat's comparison, as a data model the reporters render and the gate
 * judges (benchstat-spec §3, §4).
 *
 * A pg_compare groups results, as benchstat's benchproc does: each result
 * passes the -filter, is projected to a table key (.config and .unit by
 * default), a row key (.fullname) and a column key (.file), and each of its
 * values joins the samples of one cell. Results may come from benchmark
 * files (pg_bench_reader) or be built by the caller (the gate adds trace
 * metrics that way): a pg_bench_result is all the builder needs.
 *
 * pg_compare_run then computes, with gate/stats, everything benchstat
 * prints: each cell's summary (center, interval), each comparison with the
 * table's first column (p-value, delta, significance), every warning, and
 * the geomean row; tables, rows and columns come in benchstat's order. The
 * reporters only format this model.
 */
#ifndef PG_COMPARE_H
#define PG_COMPARE_H

#include <stddef.h>

#include "pg_bench.h"
#include "pg_bench_unit.h"
#include "pg_buf.h"
#include "pg_error.h"
#include "pg_stats.h"

/* Grouping flags (benchstat-spec §4.3); NULL fields take benchstat's defaults. */
typedef struct pg_compare_opts {
    const char *table;  /* ".config" (.unit is always added) */
    const char *row;    /* ".fullname" */
    const char *col;    /* ".file" */
    const char *ignore; /* "" */
    const char *filter; /* "*" */
} pg_compare_opts;

typedef struct pg_compare pg_compare;

/* Parses the flags. NULL and benchstat's message on a bad query, e.g.
 * "parsing -filter: syntax error: expected key:value\n\tfoo\n\t^". */
pg_compare *pg_compare_create(const pg_compare_opts *opts, pg_error *err);
void pg_compare_free(pg_compare *c);
/* Adds one result (copied). Returns the number of values kept (0 if the
 * filter dropped the result). */
size_t pg_compare_add(pg_compare *c, const pg_bench_result *r);

typedef struct pg_compare_params {
    double alpha;                /* significance level, in [0, 1]; benchstat: 0.05 */
    double confidence;           /* interval confidence, in [0, 1]; benchstat: 0.95 */
    const pg_bench_units *units; /* assume=exact per unit; may be NULL */
} pg_compare_params;

/* A delta cell as benchstat decides it (Comparison.FormatDelta). */
typedef enum pg_cmp_delta {
    PG_DELTA_NONE = 0,      /* baseline column, or no baseline cell in this row */
    PG_DELTA_INSIGNIFICANT, /* p > alpha: "~" */
    PG_DELTA_EQUAL,         /* equal centers: "0.00%" */
    PG_DELTA_UNDEFINED,     /* baseline center 0: "?" */
    PG_DELTA_CHANGE,        /* "%+.2f%%" of delta_pct */
} pg_cmp_delta;

/* One key field and its value (values may contain any byte but NUL). */
typedef struct pg_cmp_field {
    const char *name;
    const char *value;
} pg_cmp_field;

typedef struct pg_cmp_cell {
    size_t n;
    const double *values; /* the samples, tidied, sorted ascending (NaN first) */
    pg_summary summary;   /* center, lo, hi, achieved confidence */
    /* Warnings of the cell: sample warnings ("benchmarks vary in ...") then
     * summary warnings (interval, exact spread), in benchstat's order. */
    const char *const *warnings;
    size_t nsample_warnings, nwarnings;
    /* The comparison with this row's cell in column 0 (has_baseline). */
    int has_baseline;
    const struct pg_cmp_cell *baseline;
    double p;           /* U-test p-value (1 if all samples are equal; 0 under assume=exact) */
    int utest_exact;    /* the exact U distribution was used (AssumeNothing) */
    int significant;    /* p <= the comparison's alpha (always, under assume=exact) */
    double delta_pct;   /* ((center/baseline center) - 1) * 100, as benchstat computes it */
    pg_cmp_delta delta; /* what benchstat shows in the delta column */
    const char *const *cmp_warnings;
    size_t ncmp_warnings;
} pg_cmp_cell;

typedef struct pg_cmp_row {
    const char *label; /* the key's non-empty values joined by spaces */
    const pg_cmp_field *fields;
    size_t nfields;
    const pg_cmp_cell *const *cells; /* by column; NULL where there is no cell */
} pg_cmp_row;

typedef struct pg_cmp_col {
    const char *label;
    const pg_cmp_field *fields; /* one per header level */
    size_t nfields;
} pg_cmp_col;

/* The geomean row's entry for one column (benchstat-spec §3.7). */
typedef struct pg_cmp_geomean {
    int has_value;
    double value; /* geomean of the column's centers */
    int has_ratio;
    double ratio; /* geomean of center/baseline ratios (not column 0) */
    const char *const *warnings;
    size_t nwarnings;
} pg_cmp_geomean;

typedef struct pg_cmp_table {
    const pg_cmp_field *config; /* the table key without .unit: every field, "" if absent */
    size_t nconfig;
    const char *unit; /* tidied unit */
    pg_bench_unit_class unit_class;
    pg_assume assume;
    const pg_cmp_col *cols;
    size_t ncols;
    const pg_cmp_row *rows;
    size_t nrows;
    const pg_cmp_geomean *geomeans; /* by column */
} pg_cmp_table;

typedef struct pg_comparison {
    const pg_cmp_table *tables;
    size_t ntables;
    double alpha, confidence;
    struct pg_cmp_arena *arena; /* private */
} pg_comparison;

/* Computes the comparison of everything added so far. */
pg_comparison *pg_compare_run(pg_compare *c, const pg_compare_params *p);
void pg_comparison_free(pg_comparison *m);

/* benchstat's texts for a cell, shared by the reporters. */
/* "p=0.000 n=10", "n=10+6", "n=3" (Comparison.String). */
void pg_cmp_cell_test_text(pg_buf *b, const pg_cmp_cell *c);
/* "~", "0.00%", "?", "+12.34%" (Comparison.FormatDelta). */
void pg_cmp_cell_delta_text(pg_buf *b, const pg_cmp_cell *c);
/* "2%", "∞", "?" (Summary.PctRangeString). */
void pg_cmp_cell_range_text(pg_buf *b, const pg_cmp_cell *c);
/* The geomean ratio as "%+.2f%%" of (ratio-1)*100, or "?". */
void pg_cmp_geomean_ratio_text(pg_buf *b, const pg_cmp_geomean *g);

#endif
