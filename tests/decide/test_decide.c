/*
 * Unit tests of gate/decide: significance after the correction AND the
 * threshold in the bad direction; directions per unit; too few samples;
 * the family-wide correction; added/removed rows; the order of rows; and
 * the verdict's text summary (reporters/verdict_text.c).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pg_decide.h"
#include "pg_report_verdict.h"

/* Adds `n` samples around `center` (spread 1% with distinct values) of
 * benchmark `name` in `unit` (already tidied) to column `file`. */
static void add_samples(pg_compare *c, const char *file, const char *name, const char *unit,
                        double center, int n)
{
    static const pg_bench_kv config[] = {{"pkg", 3, "example.com/m", 13}};
    for (int i = 0; i < n; i++) {
        pg_bench_value v = {center * (1 + 0.01 * ((double)i / n - 0.5)), unit, 0, NULL};
        pg_bench_result r = {file, config, 1, name, strlen(name), 100, &v, 1, NULL, 0};
        pg_compare_add(c, &r);
    }
}

static pg_config *config(const char *yaml)
{
    pg_error err;
    pg_config *cfg = pg_config_parse(yaml, strlen(yaml), "test.yml", &err);
    if (!cfg)
        fail_msg("%s", err.msg);
    return cfg;
}

static const pg_verdict_row *find(const pg_verdict *v, const char *name, const char *unit)
{
    for (size_t i = 0; i < v->nrows; i++)
        if (strcmp(v->rows[i].row->label, name) == 0 && strcmp(v->rows[i].table->unit, unit) == 0)
            return &v->rows[i];
    fail_msg("no row %s %s", name, unit);
    return NULL;
}

static pg_comparison *run(pg_compare *c)
{
    pg_compare_params params = {0.05, 0.95, NULL};
    return pg_compare_run(c, &params);
}

static void test_statuses(void **state)
{
    (void)state;
    pg_error err;
    pg_compare *c = pg_compare_create(&(pg_compare_opts){0}, &err);
    add_samples(c, "base", "Slower-2", "sec/op", 1e-6, 10);
    add_samples(c, "head", "Slower-2", "sec/op", 1.10e-6, 10);
    add_samples(c, "base", "Faster-2", "sec/op", 1e-6, 10);
    add_samples(c, "head", "Faster-2", "sec/op", 0.8e-6, 10);
    add_samples(c, "base", "Slightly-2", "sec/op", 1e-6, 10);
    add_samples(c, "head", "Slightly-2", "sec/op", 1.03e-6, 10);
    add_samples(c, "base", "Same-2", "sec/op", 1e-6, 10);
    add_samples(c, "head", "Same-2", "sec/op", 1e-6, 10);
    /* Higher is better for MMU: a drop beyond 0.05 absolute regresses. */
    add_samples(c, "base", "Slower-2", "mmu-1ms", 0.9, 10);
    add_samples(c, "head", "Slower-2", "mmu-1ms", 0.7, 10);
    add_samples(c, "base", "Gone-2", "sec/op", 1e-6, 10);
    add_samples(c, "head", "New-2", "sec/op", 1e-6, 10);
    pg_comparison *cmp = run(c);
    pg_config *cfg = pg_config_default();
    pg_verdict *v = pg_decide(cmp, cfg, 1, NULL);

    assert_int_equal(find(v, "Slower-2", "sec/op")->status, PG_ROW_REGRESSION);
    assert_int_equal(find(v, "Faster-2", "sec/op")->status, PG_ROW_IMPROVEMENT);
    assert_int_equal(find(v, "Slightly-2", "sec/op")->status, PG_ROW_WITHIN);
    assert_int_equal(find(v, "Same-2", "sec/op")->status, PG_ROW_UNCHANGED);
    /* Trace units explain; by default no rule gates them. */
    assert_int_equal(find(v, "Slower-2", "mmu-1ms")->status, PG_ROW_INFO);
    assert_int_equal(find(v, "Slower-2", "mmu-1ms")->better, PG_BETTER_HIGHER);
    assert_int_equal(find(v, "Gone-2", "sec/op")->status, PG_ROW_REMOVED);
    assert_int_equal(find(v, "New-2", "sec/op")->status, PG_ROW_ADDED);
    assert_int_equal(v->family, 4);
    assert_int_equal(v->count[PG_ROW_REGRESSION], 1);
    assert_true(pg_verdict_failed(v));
    /* Regressions come first, then improvements. */
    assert_int_equal(v->rows[0].status, PG_ROW_REGRESSION);
    assert_int_equal(v->rows[1].status, PG_ROW_IMPROVEMENT);
    /* Holm: the smallest p is multiplied by the family size (ties share it). */
    const pg_verdict_row *r = find(v, "Slower-2", "sec/op");
    assert_true(r->p_adjusted >= r->p * 3 && r->p_adjusted <= r->p * 4 + 1e-15);
    assert_true(fabs(r->delta_pct - 10) < 1e-9);
    pg_verdict_free(v);

    /* With a rule, higher-is-better MMU regresses when it drops beyond
     * 0.05 absolute. */
    pg_config *mmu = config("thresholds:\n"
                            "  - {unit: sec/op, limit: 5%}\n"
                            "  - {unit: \"mmu-*\", limit: 0.05}\n");
    v = pg_decide(cmp, mmu, 1, NULL);
    assert_int_equal(find(v, "Slower-2", "mmu-1ms")->status, PG_ROW_REGRESSION);
    assert_int_equal(v->family, 5);
    assert_int_equal(v->count[PG_ROW_REGRESSION], 2);
    pg_config_free(mmu);
    pg_verdict_free(v);
    pg_config_free(cfg);
    pg_comparison_free(cmp);
    pg_compare_free(c);
}

static void test_too_few_samples(void **state)
{
    (void)state;
    pg_error err;
    pg_compare *c = pg_compare_create(&(pg_compare_opts){0}, &err);
    add_samples(c, "base", "A", "sec/op", 1e-6, 3);
    add_samples(c, "head", "A", "sec/op", 2e-6, 3);
    pg_comparison *cmp = run(c);
    pg_config *cfg = pg_config_default();
    pg_verdict *v = pg_decide(cmp, cfg, 1, NULL);
    /* 3 vs 3 can never reach p <= 0.05 (the smallest p is 0.1). */
    assert_int_equal(v->rows[0].status, PG_ROW_UNDECIDABLE);
    assert_false(pg_verdict_failed(v));
    assert_int_equal(v->needed_samples, 4);
    assert_true(fabs(pg_decide_min_p(3, 3) - 0.1) < 1e-12);
    assert_true(fabs(pg_decide_min_p(10, 10) - 2.0 / 184756) < 1e-15);
    pg_verdict_free(v);
    pg_config_free(cfg);
    pg_comparison_free(cmp);
    pg_compare_free(c);
}

/* Forty unchanged rows and one change that is significant alone: Holm
 * keeps the family-wise error at alpha, so a p of ~0.01 does not fail,
 * and without correction it does. */
static void test_correction(void **state)
{
    (void)state;
    pg_error err;
    pg_compare *c = pg_compare_create(&(pg_compare_opts){0}, &err);
    char name[32];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "Same%d", i);
        add_samples(c, "base", name, "sec/op", 1e-6, 5);
        add_samples(c, "head", name, "sec/op", 1e-6, 5);
    }
    add_samples(c, "base", "Changed", "sec/op", 1e-6, 5);
    add_samples(c, "head", "Changed", "sec/op", 1.2e-6, 5);
    pg_comparison *cmp = run(c);
    pg_config *holm = pg_config_default();
    pg_verdict *v = pg_decide(cmp, holm, 1, NULL);
    const pg_verdict_row *r = find(v, "Changed", "sec/op");
    assert_true(r->p < 0.05);
    assert_int_equal(r->status, PG_ROW_UNDECIDABLE); /* 5 vs 5 cannot reach 0.05/41 */
    assert_false(pg_verdict_failed(v));
    assert_int_equal(v->needed_samples, 7);
    pg_verdict_free(v);

    pg_config *none = config("correction: none\n");
    v = pg_decide(cmp, none, 1, NULL);
    assert_int_equal(find(v, "Changed", "sec/op")->status, PG_ROW_REGRESSION);
    pg_verdict_free(v);
    pg_config_free(none);
    pg_config_free(holm);
    pg_comparison_free(cmp);
    pg_compare_free(c);
}

/* Rows whose samples are all one value (allocs/op, usually) cannot reject
 * and stay out of the family, so they do not weaken the correction. */
static void test_constant_rows(void **state)
{
    (void)state;
    pg_error err;
    pg_compare *c = pg_compare_create(&(pg_compare_opts){0}, &err);
    static const pg_bench_kv config[] = {{"pkg", 3, "example.com/m", 13}};
    for (int i = 0; i < 6; i++) {
        pg_bench_value v = {16, "allocs/op", 0, NULL};
        pg_bench_result r = {i % 2 ? "head" : "base", config, 1, "A", 1, 100, &v, 1, NULL, 0};
        pg_compare_add(c, &r);
        pg_compare_add(c, &r);
    }
    add_samples(c, "base", "A", "sec/op", 1e-6, 6);
    add_samples(c, "head", "A", "sec/op", 1.2e-6, 6);
    pg_comparison *cmp = run(c);
    pg_config *cfg = pg_config_default();
    pg_verdict *v = pg_decide(cmp, cfg, 1, NULL);
    const pg_verdict_row *allocs = find(v, "A", "allocs/op");
    assert_int_equal(allocs->status, PG_ROW_UNCHANGED);
    assert_false(allocs->gated);
    assert_true(allocs->p == 1);
    /* A family of one: 6 vs 6 separated (p = 0.0022) fails at 0.05. */
    assert_int_equal(v->family, 1);
    assert_int_equal(find(v, "A", "sec/op")->status, PG_ROW_REGRESSION);
    pg_verdict_free(v);
    pg_config_free(cfg);
    pg_comparison_free(cmp);
    pg_compare_free(c);
}

static void test_rules(void **state)
{
    (void)state;
    pg_error err;
    pg_compare *c = pg_compare_create(&(pg_compare_opts){0}, &err);
    add_samples(c, "base", "Parse/small-8", "sec/op", 1e-6, 10);
    add_samples(c, "head", "Parse/small-8", "sec/op", 1.08e-6, 10);
    add_samples(c, "base", "Other-8", "sec/op", 1e-6, 10);
    add_samples(c, "head", "Other-8", "sec/op", 1.08e-6, 10);
    pg_comparison *cmp = run(c);
    /* First match wins; rows no rule matches are reported, not gated. */
    pg_config *cfg = config("thresholds:\n"
                            "  - {bench: \"Parse/*\", unit: sec/op, limit: 10%}\n"
                            "  - {bench: \"Parse/*\", unit: sec/op, limit: any}\n");
    pg_verdict *v = pg_decide(cmp, cfg, 1, NULL);
    assert_int_equal(find(v, "Parse/small-8", "sec/op")->status, PG_ROW_WITHIN);
    assert_int_equal(find(v, "Other-8", "sec/op")->status, PG_ROW_INFO);
    assert_null(find(v, "Other-8", "sec/op")->rule);
    assert_int_equal(v->family, 1);
    pg_verdict_free(v);
    pg_config_free(cfg);
    pg_comparison_free(cmp);
    pg_compare_free(c);
}

/* Two looks: a 10% slowdown that 4+4 samples cannot show at alpha/2 is in
 * doubt at the first look; with 10 more rounds it is a regression, and the
 * row's p for the correction is the smaller look's p doubled. */
static pg_comparison *two_rows(pg_compare **c, int slow_n)
{
    pg_error err;
    *c = pg_compare_create(&(pg_compare_opts){0}, &err);
    add_samples(*c, "base", "Slow-2", "sec/op", 1e-6, slow_n);
    add_samples(*c, "head", "Slow-2", "sec/op", 1.10e-6, slow_n);
    add_samples(*c, "base", "Same-2", "sec/op", 1e-6, 4);
    add_samples(*c, "head", "Same-2", "sec/op", 1.001e-6, 4);
    return run(*c);
}

static void test_two_looks(void **state)
{
    (void)state;
    pg_config *cfg = pg_config_default();
    assert_int_equal(pg_config_confirm_count(cfg), 10);
    pg_compare *c1, *c2;
    pg_comparison *cmp1 = two_rows(&c1, 4);
    pg_verdict *first = pg_decide(cmp1, cfg, 2, NULL);
    const pg_verdict_row *slow = find(first, "Slow-2", "sec/op");
    const pg_verdict_row *same = find(first, "Same-2", "sec/op");
    /* 4+4 in complete separation: p = 2/70; doubled and times 2 (Holm). */
    assert_true(fabs(slow->p - 2.0 / 70) < 1e-12);
    assert_true(fabs(slow->p_adjusted - 4 * 2.0 / 70) < 1e-12);
    assert_int_equal(first->looks, 2);
    assert_false(first->second);
    /* Not undecidable: 14+14 samples could reach the level. */
    assert_int_equal(slow->status, PG_ROW_UNCHANGED);
    assert_true(pg_verdict_row_in_doubt(slow));
    assert_false(pg_verdict_row_in_doubt(same)); /* +0.1%: within the limit */
    assert_false(pg_verdict_failed(first));

    pg_comparison *cmp2 = two_rows(&c2, 14);
    pg_verdict *second = pg_decide(cmp2, cfg, 2, first);
    assert_true(second->second);
    slow = find(second, "Slow-2", "sec/op");
    same = find(second, "Same-2", "sec/op");
    assert_int_equal(slow->status, PG_ROW_REGRESSION);
    assert_true(slow->confirmed);
    assert_true(fabs(slow->p_first - 2.0 / 70) < 1e-12);
    assert_true(slow->p < 1e-6);
    assert_true(fabs(slow->p_adjusted - 2 * 2 * slow->p) < 1e-15);
    assert_false(same->confirmed);
    assert_true(fabs(same->p_adjusted - fmin(1, 2 * 2 * same->p_first)) < 1e-12);
    assert_true(pg_verdict_failed(second));

    /* One look at 4+4: no doubling, but 2 * p (Holm) = 0.057 misses, and no
     * 4+4 data could reach 0.05/2: too few samples. */
    pg_config *one = config("confirm_count: 0\n");
    pg_verdict *v = pg_decide(cmp1, one, 1, NULL);
    slow = find(v, "Slow-2", "sec/op");
    assert_true(fabs(slow->p_adjusted - 2 * 2.0 / 70) < 1e-12);
    assert_int_equal(slow->status, PG_ROW_UNDECIDABLE);
    assert_true(isnan(slow->p_first));
    pg_verdict_free(v);
    pg_config_free(one);

    /* At the first of two looks a row counts as decidable by what the
     * second look could reach: 3+3 now, 13+13 then. */
    pg_config *few = config("confirm_count: 1\n");
    pg_compare *c3;
    pg_comparison *cmp3 = two_rows(&c3, 3);
    v = pg_decide(cmp3, few, 2, NULL);
    /* 4+4 at best: 2 * 2/70 = 0.057 > 0.05/2 for the lone row. */
    assert_int_equal(find(v, "Slow-2", "sec/op")->status, PG_ROW_UNDECIDABLE);
    assert_true(pg_verdict_row_in_doubt(find(v, "Slow-2", "sec/op")));
    pg_verdict_free(v);
    pg_comparison_free(cmp3);
    pg_compare_free(c3);
    pg_config_free(few);

    pg_verdict_free(second);
    pg_verdict_free(first);
    pg_comparison_free(cmp2);
    pg_comparison_free(cmp1);
    pg_compare_free(c2);
    pg_compare_free(c1);
    pg_config_free(cfg);
}

static const char want_text_report[] =
    "perfgate: base 0123456789ab (merge-base of HEAD and origin/main) vs head fedcba987654\n"
    "  go1.26.0 linux/amd64, 10 rounds A/B interleaved, benchtime 100ms, 2 benchmarks\n"
    "\n"
    "REGRESSIONS (2)\n"
    "  example.com/m\n"
    "    Slow-2\n"
    "      sec/op                  999.5n ± 0% → 1199.4n ± 0%  +20.00%  p=0.000 n=10+10 "
    "(Holm p=0.000)  limit 5%\n"
    "      B/op                    999.5 ± 0% → 1999.0 ± 0%  +100.00%  p=0.000 n=10+10 "
    "(Holm p=0.000)  limit 5%\n"
    "      what moved with it:\n"
    "        block-sync-sec/op     99.95n ± 0% → 299.85n ± 0%  +200.00%  p=0.000 n=10+10\n"
    "        sched-latency-sec/op  19.99n ± 0% → 79.96n ± 0%  +300.00%  p=0.000 n=10+10\n"
    "        µ-wakeups/op          2.998 ± 0% → 5.997 ± 0%  +100.00%  p=0.000 n=10+10\n"
    "\n"
    "1 row unchanged, 3 not gated by any threshold.\n"
    "\n"
    "verdict: FAIL: 2 regressions among 3 gated rows (Holm, alpha 0.05)\n";

/* The text summary: under a regression, the units that moved with it
 * line their values up with the regressed row's, however long their names
 * (trace units are much longer than sec/op) or how many bytes a character
 * of them takes. */
static void test_text_report(void **state)
{
    (void)state;
    pg_error err;
    pg_compare *c = pg_compare_create(&(pg_compare_opts){0}, &err);
    static const struct {
        const char *name, *unit;
        double base, head;
    } rows[] = {
        {"Slow-2", "sec/op", 1e-6, 1.2e-6},
        {"Slow-2", "B/op", 1000, 2000},
        {"Slow-2", "block-sync-sec/op", 1e-7, 3e-7},
        {"Slow-2", "sched-latency-sec/op", 2e-8, 8e-8},
        {"Slow-2", "µ-wakeups/op", 3, 6},
        {"Same-2", "sec/op", 1e-6, 1e-6},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        add_samples(c, "base", rows[i].name, rows[i].unit, rows[i].base, 10);
        add_samples(c, "head", rows[i].name, rows[i].unit, rows[i].head, 10);
    }
    pg_comparison *cmp = run(c);
    pg_config *cfg = pg_config_default();
    pg_verdict *v = pg_decide(cmp, cfg, 1, NULL);
    pg_report_run r = {.base_commit = "0123456789abcdef0123456789abcdef01234567",
                       .head_commit = "fedcba9876543210fedcba9876543210fedcba98",
                       .base_how = "merge-base of HEAD and origin/main",
                       .go_version = "go1.26.0 linux/amd64",
                       .rounds = 10,
                       .benchtime = "100ms",
                       .benchmarks = 2};
    pg_buf text = {0};
    pg_report_verdict_text(&text, v, &r);
    assert_string_equal(pg_buf_str(&text), want_text_report);
    pg_buf_free(&text);
    pg_verdict_free(v);
    pg_config_free(cfg);
    pg_comparison_free(cmp);
    pg_compare_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses),    cmocka_unit_test(test_too_few_samples),
        cmocka_unit_test(test_correction),  cmocka_unit_test(test_constant_rows),
        cmocka_unit_test(test_rules),       cmocka_unit_test(test_two_looks),
        cmocka_unit_test(test_text_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
