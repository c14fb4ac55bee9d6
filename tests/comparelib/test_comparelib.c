/*
 * Unit tests of gate/compare and its reporters: the -filter and projection
 * parsers (benchstat's exact messages and carets), filter semantics over
 * results added programmatically (as the gate adds them), benchstat's
 * ordering of tables, rows and columns, the numbers of the comparison model,
 * and the text, CSV, Markdown and JSON renderings of one model. Expected
 * texts were produced by the benchstat binary on the same data.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "pg_bench.h"
#include "pg_compare.h"
#include "pg_report.h"

static void expect_error(const char *flag, const char *query, const char *want)
{
    pg_compare_opts o = {0};
    if (strcmp(flag, "filter") == 0)
        o.filter = query;
    else if (strcmp(flag, "row") == 0)
        o.row = query;
    else
        o.table = query;
    pg_error err;
    pg_compare *c = pg_compare_create(&o, &err);
    assert_null(c);
    assert_string_equal(err.msg, want);
}

static void test_query_errors(void **state)
{
    (void)state;
    expect_error("filter", "foo", "parsing -filter: syntax error: expected key:value\n\tfoo\n\t^");
    expect_error("filter", "(.name:A",
                 "parsing -filter: syntax error: missing \")\"\n\t(.name:A\n\t        ^");
    expect_error("filter", ".name:A)",
                 "parsing -filter: syntax error: unexpected \")\"\n\t.name:A)\n\t       ^");
    expect_error("filter", ".name:\"abc",
                 "parsing -filter: syntax error: missing end quote\n\t.name:\"abc\n\t      ^");
    expect_error("filter", ".name:\"\\q\"",
                 "parsing -filter: syntax error: bad escape sequence\n\t.name:\"\\q\"\n\t      ^");
    expect_error("filter", ".name:/abc",
                 "parsing -filter: syntax error: missing close \"/\"\n\t.name:/abc\n\t      ^");
    expect_error("filter", ".name:/a/b",
                 "parsing -filter: syntax error: regexp must be followed by space or an operator "
                 "(unescaped \"/\"?)\n\t.name:/a/b\n\t         ^");
    expect_error("filter", ".name:(a b)",
                 "parsing -filter: syntax error: value list must be separated by OR\n\t.name:(a "
                 "b)\n\t         ^");
    expect_error("filter", ".name:(",
                 "parsing -filter: syntax error: expected value\n\t.name:(\n\t       ^");
    expect_error("filter", ".config:x",
                 "parsing -filter: syntax error: .config is only allowed in projections\n\t."
                 "config:x\n\t^");
    expect_error("filter", "a:b AND :",
                 "parsing -filter: syntax error: unexpected \":\"\n\ta:b AND :\n\t        ^");
    expect_error("filter", "x:y OR",
                 "parsing -filter: syntax error: expected key:value or subexpression\n\tx:y "
                 "OR\n\t      ^");
    expect_error("filter", "\"\":x",
                 "parsing -filter: syntax error: key must not be empty\n\t\"\":x\n\t^");
    /* the caret counts runes, not bytes */
    expect_error("filter", "é)", "parsing -filter: syntax error: expected key:value\n\té)\n\t^");
    expect_error("filter", ".name:é )",
                 "parsing -filter: syntax error: unexpected \")\"\n\t.name:é )\n\t        ^");
    expect_error("row", ".unit",
                 "parsing -row: syntax error: .unit is only allowed in filters\n\t.unit\n\t^");
    expect_error("row", "x@bogus",
                 "parsing -row: syntax error: unknown order \"bogus\"\n\tx@bogus\n\t  ^");
    expect_error("row", ".config@(a)",
                 "parsing -row: syntax error: fixed order not allowed for .config\n\t.config@("
                 "a)\n\t        ^");
    expect_error("row", "x@()", "parsing -row: syntax error: nothing to match\n\tx@()\n\t   ^");
    expect_error("row", "x@(a", "parsing -row: syntax error: missing )\n\tx@(a\n\t    ^");
    expect_error("row", "x@",
                 "parsing -row: syntax error: expected named sort order or parenthesized "
                 "list\n\tx@\n\t  ^");
    expect_error("row", "x,,y", "parsing -row: syntax error: expected key\n\tx,,y\n\t  ^");
    expect_error("table", "a b c)",
                 "parsing -table: syntax error: expected key\n\ta b c)\n\t     ^");
}

/* A result as the gate would build one: label, config, name, values. */
static size_t add(pg_compare *c, const char *file, const char *pkg, const char *name,
                  const char *unit, double v)
{
    pg_bench_kv kv[] = {{"pkg", 3, pkg, strlen(pkg)}};
    pg_bench_value val = {v, unit, v, NULL};
    pg_bench_result r = {.file = file,
                         .config = kv,
                         .nconfig = pkg[0] ? 1 : 0,
                         .name = name,
                         .name_len = strlen(name),
                         .iters = 1,
                         .values = &val,
                         .nvalues = 1};
    return pg_compare_add(c, &r);
}

static size_t kept(const char *filter, const char *file, const char *pkg, const char *name)
{
    pg_compare_opts o = {.filter = filter};
    pg_error err;
    pg_compare *c = pg_compare_create(&o, &err);
    assert_non_null(c);
    size_t n = add(c, file, pkg, name, "sec/op", 1);
    pg_compare_free(c);
    return n;
}

static void test_filter(void **state)
{
    (void)state;
    assert_int_equal(kept("*", "f", "p", "Encode/format=json-8"), 1);
    assert_int_equal(kept(".name:Encode", "f", "p", "Encode/format=json-8"), 1);
    assert_int_equal(kept(".name:Enc", "f", "p", "Encode/format=json-8"), 0);
    assert_int_equal(kept(".fullname:Encode/format=json-8", "f", "p", "Encode/format=json-8"), 1);
    assert_int_equal(kept("/format:json", "f", "p", "Encode/format=json-8"), 1);
    assert_int_equal(kept("/format:(gob OR json)", "f", "p", "Encode/format=json-8"), 1);
    assert_int_equal(kept("/gomaxprocs:8", "f", "p", "Encode/format=json-8"), 1);
    assert_int_equal(kept("-/format:json", "f", "p", "Encode/format=json-8"), 0);
    assert_int_equal(kept("pkg:p .file:f", "f", "p", "A"), 1);
    assert_int_equal(kept("pkg:p AND .file:g", "f", "p", "A"), 0);
    assert_int_equal(kept("pkg:q OR .file:f", "f", "p", "A"), 1);
    assert_int_equal(kept("pkg:\"p\"", "f", "p", "A"), 1);
    assert_int_equal(kept("goos:\"\"", "f", "p", "A"), 1); /* a missing key reads as "" */
    assert_int_equal(kept(".name:/^E\\w+e$/", "f", "p", "Encode/x-8"), 1);
    assert_int_equal(kept(".name:/^\\d/", "f", "p", "Encode/x-8"), 0);
    assert_int_equal(kept(".name:/(?i)encode/", "f", "p", "Encode/x-8"), 1);
    assert_int_equal(kept(".name:/^.$/", "f", "p", "é"), 1); /* . is a rune */
    assert_int_equal(kept(".fullname:/x{2}/", "f", "p", "Axx"), 1);
    assert_int_equal(kept(".fullname:/a{/", "f", "p", "a{"), 1); /* a literal { in Go */
    assert_int_equal(kept(".unit:sec/op", "f", "p", "A"), 1);
    assert_int_equal(kept(".unit:B/op", "f", "p", "A"), 0);
    /* .unit selects values; the original unit matches too */
    pg_compare_opts o = {.filter = ".unit:(ns/op OR allocs/op)"};
    pg_error err;
    pg_compare *c = pg_compare_create(&o, &err);
    pg_bench_value vals[] = {
        {1e-9, "sec/op", 1, "ns/op"}, {8, "B/op", 8, NULL}, {2, "allocs/op", 2, NULL}};
    pg_bench_result r = {.file = "f", .name = "A", .name_len = 1, .values = vals, .nvalues = 3};
    assert_int_equal(pg_compare_add(c, &r), 2);
    pg_compare_free(c);
    /* a fixed order filters too */
    pg_compare_opts fixed = {.col = "/format@(gob json)"};
    c = pg_compare_create(&fixed, &err);
    assert_int_equal(add(c, "f", "p", "E/format=xml", "sec/op", 1), 0);
    assert_int_equal(add(c, "f", "p", "E/format=gob", "sec/op", 1), 1);
    pg_compare_free(c);
}

static pg_compare *example(void)
{
    pg_compare_opts o = {0};
    pg_error err;
    pg_compare *c = pg_compare_create(&o, &err);
    assert_non_null(c);
    volatile double ns = 1e-9;
    for (int i = 0; i < 6; i++)
        add(c, "old", "x", "A", "sec/op", (10 + i) * ns);
    for (int i = 0; i < 4; i++)
        add(c, "old", "x", "B", "sec/op", 5 * ns);
    for (int i = 0; i < 6; i++)
        add(c, "new", "x", "A", "sec/op", (20 + i) * ns);
    for (int i = 0; i < 4; i++)
        add(c, "new", "x", "B", "sec/op", 5 * ns);
    return c;
}

static const pg_compare_params params = {0.05, 0.95, NULL};

static void test_model(void **state)
{
    (void)state;
    pg_compare *c = example();
    pg_comparison *m = pg_compare_run(c, &params);
    assert_int_equal(m->ntables, 1);
    const pg_cmp_table *t = &m->tables[0];
    assert_string_equal(t->unit, "sec/op");
    assert_int_equal(t->nconfig, 1);
    assert_string_equal(t->config[0].name, "pkg");
    assert_string_equal(t->config[0].value, "x");
    assert_int_equal(t->ncols, 2);
    assert_string_equal(t->cols[0].label, "old");
    assert_int_equal(t->nrows, 2);
    assert_string_equal(t->rows[0].label, "A");
    const pg_cmp_cell *a0 = t->rows[0].cells[0], *a1 = t->rows[0].cells[1];
    /* benchstat -format csv prints these centers */
    assert_true(a0->summary.center == 1.2500000000000001e-08);
    assert_true(a1->summary.center == 2.2500000000000003e-08);
    assert_true(a0->summary.lo == 1e-08 && a0->summary.hi == 1.5000000000000002e-08);
    assert_false(a0->has_baseline);
    assert_true(a1->has_baseline && a1->baseline == a0);
    assert_true(fabs(a1->p - 0.0021645021645021645) < 1e-15); /* 2/C(12,6) */
    assert_true(a1->significant);
    assert_int_equal(a1->delta, PG_DELTA_CHANGE);
    assert_true(fabs(a1->delta_pct - 80) < 1e-9);
    assert_int_equal(a1->nwarnings, 0);
    const pg_cmp_cell *b1 = t->rows[1].cells[1];
    assert_true(b1->p == 1);
    assert_false(b1->significant);
    assert_int_equal(b1->delta, PG_DELTA_INSIGNIFICANT);
    assert_int_equal(b1->ncmp_warnings, 1);
    assert_string_equal(b1->cmp_warnings[0], "all samples are equal");
    assert_int_equal(b1->nwarnings, 1);
    assert_string_equal(b1->warnings[0], "need >= 6 samples for confidence interval at level 0.95");
    assert_true(t->geomeans[0].has_value && t->geomeans[0].value == 7.905694150420951e-09);
    assert_true(t->geomeans[1].has_value && t->geomeans[1].value == 1.0606601717798216e-08);
    assert_true(t->geomeans[1].has_ratio &&
                fabs(t->geomeans[1].ratio - 1.3416407864998738) < 1e-12);
    pg_comparison_free(m);
    pg_compare_free(c);
}

static void test_ordering(void **state)
{
    (void)state;
    pg_compare_opts o = {0};
    pg_error err;
    pg_compare *c = pg_compare_create(&o, &err);
    /* .config values sort alphabetically; units, rows and columns by first
     * appearance; a column without results in a table has no column there */
    add(c, "one", "zeta", "Z", "B/op", 1);
    add(c, "one", "alpha", "Y", "sec/op", 1);
    add(c, "one", "alpha", "X", "B/op", 1);
    add(c, "two", "alpha", "X", "B/op", 2);
    add(c, "two", "alpha", "W", "B/op", 2);
    add(c, "two", "zeta", "Z", "sec/op", 2);
    pg_comparison *m = pg_compare_run(c, &params);
    assert_int_equal(m->ntables, 4);
    static const char *const want[][3] = {
        {"alpha", "B/op", "X W"},
        {"alpha", "sec/op", "Y"},
        {"zeta", "B/op", "Z"},
        {"zeta", "sec/op", "Z"},
    };
    for (size_t i = 0; i < 4; i++) {
        const pg_cmp_table *t = &m->tables[i];
        assert_string_equal(t->config[0].value, want[i][0]);
        assert_string_equal(t->unit, want[i][1]);
        char rows[32] = "";
        for (size_t r = 0; r < t->nrows; r++) {
            strcat(rows, r ? " " : "");
            strcat(rows, t->rows[r].label);
        }
        assert_string_equal(rows, want[i][2]);
    }
    assert_int_equal(m->tables[0].ncols, 2);
    assert_null(m->tables[0].rows[1].cells[0]); /* W only in "two" */
    assert_int_equal(m->tables[3].ncols, 1);
    assert_string_equal(m->tables[3].cols[0].label, "two"); /* the baseline is "two" here */
    pg_comparison_free(m);
    pg_compare_free(c);
}

static const char want_text[] =
    "pkg: x\n"
    "        │      old       │                   new                   │\n"
    "        │     sec/op     │     sec/op      vs base                 │\n"
    "A         12.50n ± 20%     22.50n ± 11%    +80.00% (p=0.002 n=6)\n"
    "B         5.000n ±   ∞ ¹   5.000n ±   ∞ ¹        ~ (p=1.000 n=4) ²\n"
    "geomean   7.906n           10.61n          +34.16%\n"
    "¹ need >= 6 samples for confidence interval at level 0.95\n"
    "² all samples are equal\n";

static const char want_csv[] =
    "pkg: x\n"
    ",old,,new,,,\n"
    ",sec/op,CI,sec/op,CI,vs base,P\n"
    "A,1.2500000000000001e-08,20%,2.2500000000000003e-08,11%,+80.00%,p=0.002 n=6\n"
    "B,5e-09,∞,5e-09,∞,~,p=1.000 n=4\n"
    "geomean,7.905694150420951e-09,,1.0606601717798216e-08,,+34.16%,\n";

static const char want_csv_warnings[] =
    "B5: need >= 6 samples for confidence interval at level 0.95\n"
    "D5: need >= 6 samples for confidence interval at level 0.95\n"
    "F5: all samples are equal\n";

static void test_text_csv(void **state)
{
    (void)state;
    pg_compare *c = example();
    pg_comparison *m = pg_compare_run(c, &params);
    pg_buf text = {0}, csv = {0}, warn = {0};
    pg_report_text(&text, m);
    assert_string_equal(pg_buf_str(&text), want_text);
    pg_report_csv(&csv, &warn, m);
    assert_string_equal(pg_buf_str(&csv), want_csv);
    assert_string_equal(pg_buf_str(&warn), want_csv_warnings);
    pg_buf_free(&text);
    pg_buf_free(&csv);
    pg_buf_free(&warn);
    pg_comparison_free(m);
    pg_compare_free(c);
}

static void test_markdown(void **state)
{
    (void)state;
    pg_compare_opts o = {0};
    pg_error err;
    pg_compare *c = pg_compare_create(&o, &err);
    volatile double ns = 1e-9;
    for (int i = 0; i < 6; i++) {
        add(c, "old", "ex<a>&b", "Mix|*_`<b>&@x#1[y](z)", "sec/op", (10 + i) * ns);
        add(c, "new", "ex<a>&b", "Mix|*_`<b>&@x#1[y](z)", "sec/op", (20 + i) * ns);
    }
    pg_comparison *m = pg_compare_run(c, &params);
    pg_buf md = {0};
    pg_report_markdown(&md, m);
    assert_string_equal(
        pg_buf_str(&md),
        "pkg: **ex&lt;a&gt;&amp;b**\n"
        "\n"
        "| | old (sec/op) | new (sec/op) | vs base |\n"
        "|:--|--:|--:|--:|\n"
        "| Mix\\|\\*\\_\\`&lt;b&gt;&amp;&#64;x&#35;1\\[y\\]\\(z\\) | 12\\.50n ± 20% "
        "| 22\\.50n ± 11% | **\\+80\\.00% \\(p=0\\.002 n=6\\)** |\n");
    pg_buf_free(&md);
    pg_comparison_free(m);
    pg_compare_free(c);
}

static void test_json(void **state)
{
    (void)state;
    pg_compare *c = example();
    pg_comparison *m = pg_compare_run(c, &params);
    pg_buf out = {0};
    pg_report_json(&out, m);
    json_error_t jerr;
    json_t *doc = json_loads(pg_buf_str(&out), 0, &jerr);
    assert_non_null(doc);
    double alpha, center, p, delta, gm, ratio;
    int significant;
    const char *range, *kind;
    json_int_t n;
    assert_int_equal(json_unpack(doc,
                                 "{s:F,s:[{s:[{s:[{}, {s:I,s:F,s:s,s:{s:F,s:b,s:F,s:s}}]}, *],"
                                 "s:[{}, {s:F,s:F}]}]}",
                                 "alpha", &alpha, "tables", "rows", "cells", "n", &n, "center",
                                 &center, "range", &range, "comparison", "p", &p, "significant",
                                 &significant, "delta_pct", &delta, "delta_kind", &kind, "geomean",
                                 "value", &gm, "ratio", &ratio),
                     0);
    assert_true(alpha == 0.05);
    assert_int_equal(n, 6);
    assert_true(center == 2.2500000000000003e-08); /* exact after the round trip */
    assert_string_equal(range, "11%");
    assert_true(fabs(p - 0.0021645021645021645) < 1e-15);
    assert_true(significant);
    assert_true(fabs(delta - 80) < 1e-9);
    assert_string_equal(kind, "change");
    assert_true(gm == 1.0606601717798216e-08);
    assert_true(fabs(ratio - 1.3416407864998738) < 1e-12);
    /* infinite bounds, which JSON cannot hold, are strings */
    json_t *lo = json_object_get(
        json_array_get(
            json_object_get(
                json_array_get(
                    json_object_get(json_array_get(json_object_get(doc, "tables"), 0), "rows"), 1),
                "cells"),
            0),
        "lo");
    assert_string_equal(json_string_value(lo), "-Inf");
    json_decref(doc);
    pg_buf_free(&out);
    pg_comparison_free(m);
    pg_compare_free(c);
}

static void test_residue(void **state)
{
    (void)state;
    /* -row .name pools sub-benchmarks: the cell warns about .fullname */
    pg_compare_opts o = {.row = ".name"};
    pg_error err;
    pg_compare *c = pg_compare_create(&o, &err);
    add(c, "f", "p", "E/format=json", "sec/op", 1);
    add(c, "f", "p", "E/format=gob", "sec/op", 2);
    pg_comparison *m = pg_compare_run(c, &params);
    const pg_cmp_cell *cell = m->tables[0].rows[0].cells[0];
    assert_int_equal(cell->n, 2);
    assert_int_equal(cell->nsample_warnings, 1);
    assert_string_equal(cell->warnings[0], "benchmarks vary in .fullname");
    pg_comparison_free(m);
    pg_compare_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_errors), cmocka_unit_test(test_filter),
        cmocka_unit_test(test_model),        cmocka_unit_test(test_ordering),
        cmocka_unit_test(test_text_csv),     cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_json),         cmocka_unit_test(test_residue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
