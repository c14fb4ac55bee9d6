/*
 * The verdict as one JSON document (schema in verdict-json.md): the input
 * of `perfgate report` and of anything else that wants the gate's numbers.
 * Non-finite numbers are written as the strings "NaN", "+Inf", "-Inf", as
 * in result sets (gate/store/SCHEMA.md).
 */
#include <math.h>
#include <stdlib.h>

#include <jansson.h>

#include "pg_report_verdict.h"

static json_t *number(double v)
{
    if (isnan(v))
        return json_string("NaN");
    if (isinf(v))
        return json_string(v > 0 ? "+Inf" : "-Inf");
    return json_real(v);
}

static json_t *cell(const pg_cmp_cell *c)
{
    if (!c)
        return json_null();
    json_t *values = json_array();
    for (size_t i = 0; i < c->n; i++)
        json_array_append_new(values, number(c->values[i]));
    return json_pack("{s:I, s:o, s:o, s:o, s:o}", "n", (json_int_t)c->n, "center",
                     number(c->summary.center), "lo", number(c->summary.lo), "hi",
                     number(c->summary.hi), "values", values);
}

static const char *limit_name(pg_config_limit l)
{
    switch (l) {
    case PG_CONFIG_LIMIT_RELATIVE:
        return "relative";
    case PG_CONFIG_LIMIT_ABSOLUTE:
        return "absolute";
    case PG_CONFIG_LIMIT_ANY:
        return "any";
    case PG_CONFIG_LIMIT_NONE:
        break;
    }
    return "none";
}

static json_t *row(const pg_verdict_row *r)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:s}", "package",
                          r->package, "benchmark", r->row->label, "unit", r->table->unit, "status",
                          pg_row_status_name(r->status), "base", cell(r->base), "head",
                          cell(r->head), "p", number(r->p), "p_adjusted", number(r->p_adjusted),
                          "delta_pct", number(r->delta_pct), "gated", r->gated, "better",
                          r->better == PG_BETTER_HIGHER ? "higher" : "lower");
    if (!isnan(r->p_first)) {
        json_object_set_new(o, "p_first", number(r->p_first));
        json_object_set_new(o, "confirmed", json_boolean(r->confirmed));
    }
    if (r->rule)
        json_object_set_new(o, "rule",
                            json_pack("{s:s, s:o, s:s}", "limit", limit_name(r->rule->limit),
                                      "value", number(r->rule->value), "origin", r->rule->origin));
    return o;
}

void pg_report_verdict_json(pg_buf *out, const pg_verdict *v, const pg_report_run *run)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < v->nrows; i++)
        json_array_append_new(rows, row(&v->rows[i]));
    json_t *counts = json_object();
    for (int s = PG_ROW_REGRESSION; s <= PG_ROW_REMOVED; s++)
        json_object_set_new(counts, pg_row_status_name((pg_row_status)s),
                            json_integer((json_int_t)v->count[s]));
    const char *correction = v->correction == PG_CORRECTION_HOLM   ? "holm"
                             : v->correction == PG_CORRECTION_NONE ? "none"
                                                                   : "benjamini-hochberg";
    json_t *doc = json_pack(
        "{s:i, s:{s:s, s:s, s:s, s:b, s:b, s:s, s:i, s:s, s:I, s:I}, s:s, s:b, s:f, s:s, s:I, "
        "s:o, s:i, s:o}",
        "schema", 1, "run", "base_commit", run->base_commit, "head_commit", run->head_commit,
        "base_how", run->base_how, "head_dirty", run->head_dirty, "against_stored",
        run->against_stored, "go", run->go_version, "rounds", run->rounds, "benchtime",
        run->benchtime, "benchmarks", (json_int_t)run->benchmarks, "failures",
        (json_int_t)run->failures, "verdict",
        pg_verdict_failed(v) ? "fail"
        : run->failures      ? "incomplete"
                             : "pass",
        "failed", pg_verdict_failed(v), "alpha", v->alpha, "correction", correction, "family",
        (json_int_t)v->family, "counts", counts, "needed_samples", v->needed_samples, "rows", rows);
    json_object_set_new(doc, "looks", json_integer(v->looks));
    json_object_set_new(json_object_get(doc, "run"), "confirm_rounds",
                        json_integer(run->confirm_rounds));
    json_object_set_new(json_object_get(doc, "run"), "confirmed",
                        json_integer((json_int_t)run->confirmed));
    json_object_set_new(doc, "time",
                        json_pack("{s:f, s:f, s:f}", "total_sec", run->total_sec, "build_sec",
                                  run->build_sec, "process_sec", run->process_sec));
    char *text = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(17));
    pg_buf_puts(out, text);
    pg_buf_putc(out, '\n');
    free(text);
    json_decref(doc);
}
