/*
 * The comparison as one JSON document (schema: compare-json.md), built with
 * jansson. Every number of the model is there at full precision (17
 * significant digits, so each double reads back exactly); non-finite
 * numbers, which JSON cannot hold, are the strings "NaN", "+Inf", "-Inf".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pg_bench_unicode.h"
#include "pg_report.h"

/* A JSON string of s; invalid UTF-8 becomes U+FFFD as Go's encoding/json does. */
static json_t *str(const char *s)
{
    size_t n = strlen(s);
    pg_buf b = {0};
    for (size_t i = 0; i < n;) {
        size_t w;
        uint32_t r = pg_bench_utf8_decode(s + i, n - i, &w);
        if (r == PG_RUNE_ERROR && w == 1)
            pg_buf_puts(&b, "\xEF\xBF\xBD");
        else
            pg_buf_append(&b, s + i, w);
        i += w;
    }
    json_t *j = json_stringn(pg_buf_str(&b), b.len);
    pg_buf_free(&b);
    return j;
}

static json_t *num(double v)
{
    if (isnan(v))
        return json_string("NaN");
    if (isinf(v))
        return json_string(v > 0 ? "+Inf" : "-Inf");
    return json_real(v);
}

static json_t *strings(const char *const *list, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, str(list[i]));
    return a;
}

static json_t *fields(const pg_cmp_field *f, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            a, json_pack("{s:o,s:o}", "key", str(f[i].name), "value", str(f[i].value)));
    return a;
}

static json_t *text(void (*fmt)(pg_buf *, const pg_cmp_cell *), const pg_cmp_cell *c)
{
    pg_buf b = {0};
    fmt(&b, c);
    json_t *j = str(pg_buf_str(&b));
    pg_buf_free(&b);
    return j;
}

static const char *delta_kind(pg_cmp_delta d)
{
    switch (d) {
    case PG_DELTA_INSIGNIFICANT:
        return "insignificant";
    case PG_DELTA_EQUAL:
        return "equal";
    case PG_DELTA_UNDEFINED:
        return "undefined";
    case PG_DELTA_CHANGE:
        return "change";
    case PG_DELTA_NONE:
        break;
    }
    return "none";
}

static json_t *cell(const pg_cmp_cell *c, pg_assume assume)
{
    if (!c)
        return json_null();
    json_t *values = json_array();
    for (size_t i = 0; i < c->n; i++)
        json_array_append_new(values, num(c->values[i]));
    json_t *j = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "n", (json_int_t)c->n, "values",
                          values, "center", num(c->summary.center), "lo", num(c->summary.lo), "hi",
                          num(c->summary.hi), "confidence", num(c->summary.confidence), "range",
                          text(pg_cmp_cell_range_text, c), "warnings",
                          strings(c->warnings, c->nwarnings), "comparison", json_null());
    if (c->has_baseline) {
        json_t *cmp = json_pack(
            "{s:o,s:o,s:b,s:o,s:s,s:o,s:o,s:o}", "p", num(c->p), "test",
            assume == PG_ASSUME_EXACT ? json_null()
                                      : json_string(c->utest_exact ? "exact" : "normal"),
            "significant", c->significant, "delta_pct", num(c->delta_pct), "delta_kind",
            delta_kind(c->delta), "delta", text(pg_cmp_cell_delta_text, c), "text",
            text(pg_cmp_cell_test_text, c), "warnings", strings(c->cmp_warnings, c->ncmp_warnings));
        json_object_set_new(j, "comparison", cmp);
    }
    return j;
}

static json_t *table(const pg_cmp_table *t)
{
    json_t *cols = json_array(), *rows = json_array(), *geo = json_array();
    for (size_t e = 0; e < t->ncols; e++)
        json_array_append_new(cols, json_pack("{s:o,s:o}", "label", str(t->cols[e].label), "fields",
                                              fields(t->cols[e].fields, t->cols[e].nfields)));
    for (size_t r = 0; r < t->nrows; r++) {
        const pg_cmp_row *row = &t->rows[r];
        json_t *cells = json_array();
        for (size_t e = 0; e < t->ncols; e++)
            json_array_append_new(cells, cell(row->cells[e], t->assume));
        json_array_append_new(rows, json_pack("{s:o,s:o,s:o}", "label", str(row->label), "fields",
                                              fields(row->fields, row->nfields), "cells", cells));
    }
    for (size_t e = 0; e < t->ncols; e++) {
        const pg_cmp_geomean *g = &t->geomeans[e];
        pg_buf b = {0};
        if (e > 0)
            pg_cmp_geomean_ratio_text(&b, g);
        json_array_append_new(geo, json_pack("{s:o,s:o,s:o,s:o}", "value",
                                             g->has_value ? num(g->value) : json_null(), "ratio",
                                             g->has_ratio ? num(g->ratio) : json_null(), "delta",
                                             e > 0 ? str(pg_buf_str(&b)) : json_null(), "warnings",
                                             strings(g->warnings, g->nwarnings)));
        pg_buf_free(&b);
    }
    return json_pack("{s:o,s:o,s:s,s:s,s:o,s:o,s:o}", "config", fields(t->config, t->nconfig),
                     "unit", str(t->unit), "unit_class",
                     t->unit_class == PG_BENCH_BINARY ? "binary" : "decimal", "assumption",
                     t->assume == PG_ASSUME_EXACT ? "exact" : "nothing", "columns", cols, "rows",
                     rows, "geomean", geo);
}

void pg_report_json(pg_buf *out, const pg_comparison *m)
{
    json_t *tables = json_array();
    for (size_t i = 0; i < m->ntables; i++)
        json_array_append_new(tables, table(&m->tables[i]));
    json_t *doc = json_pack("{s:i,s:o,s:o,s:o}", "version", 1, "alpha", num(m->alpha), "confidence",
                            num(m->confidence), "tables", tables);
    char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    pg_buf_puts(out, s);
    pg_buf_putc(out, '\n');
    free(s);
    json_decref(doc);
}
