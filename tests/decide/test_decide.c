/*
 * Unit tests of gate/decide: significance after the correction AND the
 * threshold in the bad direction; directions per unit; too few samples;
 * the family-wide correction; added/removed rows; the order of rows.
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
    pg_verdict *v = pg_decide(cmp, cfg);

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
    v = pg_decide(cmp, mmu);
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
    pg_verdict *v = pg_decide(cmp, cfg);
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
    pg_verdict *v = pg_decide(cmp, holm);
    const pg_verdict_row *r = find(v, "Changed", "sec/op");
    assert_true(r->p < 0.05);
    assert_int_equal(r->status, PG_ROW_UNDECIDABLE); /* 5 vs 5 cannot reach 0.05/41 */
    assert_false(pg_verdict_failed(v));
    assert_int_equal(v->needed_samples, 7);
    pg_verdict_free(v);

    pg_config *none = config("correction: none\n");
    v = pg_decide(cmp, none);
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
    pg_verdict *v = pg_decide(cmp, cfg);
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
    pg_verdict *v = pg_decide(cmp, cfg);
    assert_int_equal(find(v, "Parse/small-8", "sec/op")->status, PG_ROW_WITHIN);
    assert_int_equal(find(v, "Other-8", "sec/op")->status, PG_ROW_INFO);
    assert_null(find(v, "Other-8", "sec/op")->rule);
    assert_int_equal(v->family, 1);
    pg_verdict_free(v);
    pg_config_free(cfg);
    pg_comparison_free(cmp);
    pg_compare_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses),   cmocka_unit_test(test_too_few_samples),
        cmocka_unit_test(test_correction), cmocka_unit_test(test_constant_rows),
        cmocka_unit_test(test_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
