/*
 * Unit tests of gate/stats that need no Go: the multiple-comparison
 * corrections against hand-computed values, the numbers benchstat-spec.md
 * §3 states (0.95 interval table, U-test quirks, exact/normal switch,
 * warnings), and the exact U distribution against brute-force enumeration
 * of every labelling.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pg_stats.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static void assert_close(double got, double want, double rel)
{
    if (isnan(want)) {
        assert_true(isnan(got));
        return;
    }
    if (!(fabs(got - want) <= rel * fabs(want))) {
        print_error("got %.17g, want %.17g\n", got, want);
        fail();
    }
}

static void check_adjusted(void (*adjust)(const double *, size_t, double *), const double *p,
                           const double *want, size_t n)
{
    double got[16];
    adjust(p, n, got);
    for (size_t i = 0; i < n; i++)
        assert_close(got[i], want[i], 1e-15);
    /* In place. */
    double inplace[16];
    memcpy(inplace, p, n * sizeof *p);
    adjust(inplace, n, inplace);
    for (size_t i = 0; i < n; i++)
        assert_close(inplace[i], want[i], 1e-15);
}

/* Hand-computed, as R's p.adjust(p, "holm") / p.adjust(p, "BH"). */
static void test_holm_bh(void **state)
{
    (void)state;
    const double p1[] = {0.01, 0.04, 0.03, 0.005};
    /* Sorted 0.005 0.01 0.03 0.04; Holm: 4p, 3p, 2p, p with a running max. */
    const double holm1[] = {0.03, 0.06, 0.06, 0.02};
    /* BH: 4/1 p, 4/2 p, 4/3 p, 4/4 p with a running min from the top. */
    const double bh1[] = {0.02, 0.04, 0.04, 0.02};
    check_adjusted(pg_stats_holm, p1, holm1, 4);
    check_adjusted(pg_stats_benjamini_hochberg, p1, bh1, 4);

    const double p2[] = {0.01, 0.02, 0.03, 0.04, 0.05};
    const double holm2[] = {0.05, 0.08, 0.09, 0.09, 0.09};
    const double bh2[] = {0.05, 0.05, 0.05, 0.05, 0.05};
    check_adjusted(pg_stats_holm, p2, holm2, 5);
    check_adjusted(pg_stats_benjamini_hochberg, p2, bh2, 5);

    /* NaN is left out (m = 4), benchstat's p = 1.25 clamps to 1, p = 0
     * stays 0, equal p-values get equal adjustments. */
    const double p3[] = {NAN, 1.25, 0, 0.2, 0.2};
    const double holm3[] = {NAN, 1, 0, 0.6, 0.6};
    const double bh3[] = {NAN, 1, 0, 4.0 / 3 * 0.2, 4.0 / 3 * 0.2};
    check_adjusted(pg_stats_holm, p3, holm3, 5);
    check_adjusted(pg_stats_benjamini_hochberg, p3, bh3, 5);

    /* A single test is its own family. */
    const double p4[] = {0.3};
    check_adjusted(pg_stats_holm, p4, p4, 1);
    check_adjusted(pg_stats_benjamini_hochberg, p4, p4, 1);
    pg_stats_holm(NULL, 0, NULL);
    pg_stats_benjamini_hochberg(NULL, 0, NULL);
}

/* benchstat-spec.md §3.3: order statistics at confidence 0.95. */
static void test_median_ci_095(void **state)
{
    (void)state;
    static const size_t want[][2] = {
        {0, 2},   {0, 3},   {0, 4},   {0, 5},   {0, 5},   {1, 6},   {1, 7},   {1, 7},   {2, 8},
        {2, 9},   {2, 9},   {3, 10},  {3, 11},  {3, 11},  {4, 12},  {4, 12},  {5, 13},  {5, 14},
        {5, 14},  {6, 15},  {6, 16},  {6, 16},  {7, 17},  {8, 18},  {8, 18},  {8, 19},  {8, 19},
        {9, 20},  {9, 20},  {10, 21}, {10, 22}, {10, 22}, {11, 23}, {11, 23}, {12, 24}, {12, 24},
        {13, 25}, {13, 26}, {13, 26}, {14, 27}, {14, 27}, {15, 28}, {15, 29}, {15, 29}, {16, 30},
        {16, 30}, {17, 31}, {17, 31}, {18, 32}, {18, 32}, {19, 33}, {19, 34}, {19, 34}, {20, 35},
        {20, 35}, {21, 36}, {21, 36}, {22, 37}, {22, 38}, {22, 38},
    };
    for (size_t n = 1; n <= LEN(want); n++) {
        size_t lo, hi;
        double achieved;
        pg_stats_median_ci_ranks(n, 0.95, &lo, &hi, &achieved);
        if (lo != want[n - 1][0] || hi != want[n - 1][1]) {
            print_error("n=%zu: (%zu, %zu), want (%zu, %zu)\n", n, lo, hi, want[n - 1][0],
                        want[n - 1][1]);
            fail();
        }
        assert_true(achieved >= 0.95);
    }
    size_t lo, hi;
    double achieved;
    pg_stats_median_ci_ranks(24, 0.95, &lo, &hi, &achieved);
    assert_close(achieved, 0.95671, 1e-5);
    /* Confidence 1: always infinite. */
    pg_stats_median_ci_ranks(1000, 1, &lo, &hi, &achieved);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 1001);
    assert_true(achieved == 1);

    assert_int_equal(pg_stats_ci_min_samples(0.95), 6);
    assert_int_equal(pg_stats_ci_min_samples(0.9), 5);
    assert_int_equal(pg_stats_ci_min_samples(0.99), 8);
    assert_int_equal(pg_stats_ci_min_samples(1), PG_STATS_CI_NEED_MORE_THAN_50);
}

static void test_summarize(void **state)
{
    (void)state;
    pg_summary s;
    const double five[] = {1, 2, 3, 4, 5};
    pg_stats_summarize(five, 5, PG_ASSUME_NOTHING, 0.95, &s);
    assert_true(s.center == 3);
    assert_true(s.lo == -INFINITY && s.hi == 5);
    assert_int_equal(s.ci_need_n, 6);

    const double eight[] = {1, 2, 3, 4, 5, 6, 7, 8};
    pg_stats_summarize(eight, 8, PG_ASSUME_NOTHING, 0.95, &s);
    assert_true(s.center == 4.5);
    assert_true(s.lo == 1 && s.hi == 7);
    assert_int_equal(s.ci_need_n, 0);
    assert_false(s.exact_spread);

    /* Even n: X[k] + 0.5*(X[k+1]-X[k]), not (a+b)/2. */
    const double two[] = {0.1, 0.7};
    assert_true(pg_stats_median(two, 2) == 0.1 + 0.5 * (0.7 - 0.1));
    assert_true(pg_stats_median(two, 2) != (0.1 + 0.7) / 2);
    assert_true(isnan(pg_stats_median(two, 0)));

    /* Exact assumption: the smallest most frequent value. */
    const double modes[] = {1, 1, 2, 2, 3};
    pg_stats_summarize(modes, 5, PG_ASSUME_EXACT, 0.95, &s);
    assert_true(s.center == 1 && s.lo == 1 && s.hi == 3 && s.confidence == 1);
    assert_true(s.exact_spread);
    const double same[] = {5, 5, 5};
    pg_stats_summarize(same, 3, PG_ASSUME_EXACT, 0.95, &s);
    assert_true(s.center == 5 && s.lo == 5 && s.hi == 5);
    assert_false(s.exact_spread);
    assert_int_equal(s.ci_need_n, 0);
}

static void test_geomean(void **state)
{
    (void)state;
    /* benchstat-spec.md §3.7: 100 ns/op as tidied. */
    const double one[] = {1.0000000000000001e-07};
    assert_true(pg_stats_geomean(one, 1) == 9.999999999999994e-08);
    const double two[] = {2, 8};
    assert_close(pg_stats_geomean(two, 2), 4, 1e-15);
    const double zero[] = {1, 0}, neg[] = {-1, 2}, nan[] = {NAN};
    assert_true(isnan(pg_stats_geomean(zero, 2)));
    assert_true(isnan(pg_stats_geomean(neg, 2)));
    assert_true(isnan(pg_stats_geomean(nan, 1)));
    assert_true(isnan(pg_stats_geomean(two, 0)));
}

static pg_utest utest(const double *x, size_t n1, const double *y, size_t n2)
{
    pg_utest u;
    pg_stats_utest(x, n1, y, n2, &u);
    return u;
}

/* benchstat-spec.md §3.5. */
static void test_utest_quirks(void **state)
{
    (void)state;
    /* Asymmetric ties: p > 1, not clamped. */
    const double a[] = {1, 2, 2, 2, 2}, b[] = {2, 2, 2};
    pg_utest u = utest(a, 5, b, 3);
    assert_true(u.p == 1.25);
    assert_true(u.exact && !u.all_equal);
    /* The observed U is below the support of the tied distribution: p = 0. */
    const double c[] = {5}, d[] = {1, 1, 2, 2};
    u = utest(c, 1, d, 4);
    assert_true(u.p == 0);
    /* Two tie groups and 2U1 just below the support: benchstat counts the
     * C(10, 3) = 120 labellings with all of sample 1 in the first group
     * (true p = 0). */
    const double two0[] = {4096, 4096, 4112},
                 two1[] = {4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096};
    u = utest(two0, 3, two1, 8);
    assert_true(u.p == 120.0 / 165 * 2);
    /* All equal: p = 1 with the warning, exact or normal. */
    const double e[] = {3, 3, 3}, f[] = {3, 3};
    u = utest(e, 3, f, 2);
    assert_true(u.p == 1 && u.all_equal && u.exact);
    double g[30];
    for (size_t i = 0; i < 30; i++)
        g[i] = 7;
    u = utest(g, 30, g, 30);
    assert_true(u.p == 1 && u.all_equal && !u.exact);
    /* U1 == U2: p = 1, no warning. */
    const double h[] = {1, 2};
    u = utest(h, 2, h, 2);
    assert_true(u.p == 1 && !u.all_equal);
    /* NaN or an empty sample: no test (benchstat would loop forever). */
    const double nan[] = {NAN, 1};
    assert_true(isnan(utest(nan, 2, h, 2).p));
    assert_true(isnan(utest(h, 2, nan, 2).p));
    assert_true(isnan(utest(h, 0, h, 2).p));
}

/* benchmath's uTestMinP: complete separation of two samples of n. */
static void test_utest_min_p(void **state)
{
    (void)state;
    static const double min_p[] = {1,
                                   0.3333333333333333,
                                   0.1,
                                   0.02857142857142857,
                                   0.007936507936507936,
                                   0.0021645021645021645,
                                   0.0005827505827505828,
                                   0.0001554001554001554,
                                   4.113533525298231e-05};
    double x[9], y[9];
    for (size_t n = 1; n <= 9; n++) {
        for (size_t i = 0; i < n; i++) {
            x[i] = (double)i;
            y[i] = (double)(n + i);
        }
        pg_utest u = utest(x, n, y, n);
        assert_close(u.p, min_p[n - 1], 1e-15);
        assert_close(utest(y, n, x, n).p, min_p[n - 1], 1e-15);
    }
    assert_int_equal(pg_stats_utest_min_samples(0.05), 4);
    assert_int_equal(pg_stats_utest_min_samples(0.01), 5);
    assert_int_equal(pg_stats_utest_min_samples(1e-5), PG_STATS_UTEST_NEED_MORE_THAN_10);
}

/* Exact while n1, n2 <= 50 without ties, <= 25 with ties anywhere. */
static void test_utest_switch(void **state)
{
    (void)state;
    double x[60], y[60];
    for (size_t i = 0; i < 60; i++) {
        x[i] = (double)i;
        y[i] = (double)i + 0.5;
    }
    assert_true(utest(x, 50, y, 50).exact);
    assert_false(utest(x, 51, y, 50).exact);
    assert_false(utest(x, 50, y, 51).exact);
    assert_true(utest(x, 25, x, 25).exact); /* every value tied */
    assert_false(utest(x, 26, x, 25).exact);
    assert_false(utest(x, 25, x, 26).exact);
    /* A tie inside one sample counts. */
    x[1] = x[0];
    assert_true(utest(x, 25, y, 30).exact == 0);
    assert_true(utest(x, 25, y, 25).exact);
    assert_false(utest(x, 26, y, 26).exact);
}

static uint64_t rng = 42;

static unsigned draw(unsigned n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng >> 33) % n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Two-sided p by enumerating all C(n1+n2, n1) labellings of the pooled
 * values, with mid-ranks: p = 2 * #{2U1' <= 2 min(U1, U2)} / C(n1+n2, n1).
 * Counts and C are exact here (n1+n2 <= 16). */
static double brute_force_p(const double *x, size_t n1, const double *y, size_t n2)
{
    size_t n = n1 + n2;
    double pool[16], twice_rank[16];
    memcpy(pool, x, n1 * sizeof *x);
    memcpy(pool + n1, y, n2 * sizeof *y);
    qsort(pool, n, sizeof *pool, cmp_double);
    size_t groups = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && pool[j] == pool[i])
            j++;
        for (size_t k = i; k < j; k++)
            twice_rank[k] = (double)(i + 1 + j); /* twice the mid-rank */
        i = j;
        groups++;
    }
    double twice_r1 = 0;
    for (size_t i = 0; i < n1; i++)
        for (size_t k = 0; k < n; k++)
            if (pool[k] == x[i]) {
                twice_r1 += twice_rank[k];
                break;
            }
    double base = (double)(n1 * (n1 + 1));
    double u1 = twice_r1 - base, u2 = 2.0 * (double)(n1 * n2) - u1; /* both doubled */
    if (groups == 1 || u1 == u2)
        return 1;
    double small = u1 < u2 ? u1 : u2, count = 0, total = 0, first_group = 0;
    size_t t0 = 0;
    while (t0 < n && pool[t0] == pool[0])
        t0++;
    for (uint32_t mask = 0; mask < (1u << n); mask++) {
        if ((size_t)__builtin_popcount(mask) != n1)
            continue;
        double r = 0;
        for (size_t k = 0; k < n; k++)
            if (mask & (1u << k))
                r += twice_rank[k];
        total++;
        count += r - base <= small;
        first_group += mask < (1u << t0);
    }
    /* benchstat's quirk with two tie groups (pg_utest.c, two_groups_count):
     * 2U1 below the labellings that fill the first group, by less than n,
     * still counts those. */
    double fill_first = (double)(n1 * t0) - (double)(n1 * n1);
    if (groups == 2 && n1 <= t0 && small < fill_first && small > fill_first - (double)n)
        count = first_group;
    return count / total * 2;
}

static void test_utest_brute_force(void **state)
{
    (void)state;
    double x[16], y[16];
    for (int iter = 0; iter < 3000; iter++) {
        size_t n1 = 1 + draw(10), n2 = 1 + draw(10);
        while (n1 + n2 > 16)
            n2--;
        unsigned spread = 2 + draw(iter % 3 ? 6 : 40);
        unsigned shift = draw(3);
        for (size_t i = 0; i < n1; i++)
            x[i] = draw(spread);
        for (size_t i = 0; i < n2; i++)
            y[i] = draw(spread) + shift;
        qsort(x, n1, sizeof *x, cmp_double);
        qsort(y, n2, sizeof *y, cmp_double);
        pg_utest u = utest(x, n1, y, n2);
        double want = brute_force_p(x, n1, y, n2);
        if (u.p != want) {
            print_error("n=%zu+%zu: p=%.17g, enumeration gives %.17g\n", n1, n2, u.p, want);
            fail();
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_holm_bh),      cmocka_unit_test(test_median_ci_095),
        cmocka_unit_test(test_summarize),    cmocka_unit_test(test_geomean),
        cmocka_unit_test(test_utest_quirks), cmocka_unit_test(test_utest_min_p),
        cmocka_unit_test(test_utest_switch), cmocka_unit_test(test_utest_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
