/*
 * Unit tests of the utilisation series and the exact MMU sweep
 * (gate/trace/mmu.c) on synthetic series: hand-computed cases, Go's addUtil
 * de-duplication rules, and random series checked against a brute-force
 * evaluation of every candidate window position (trace-metrics.md 1.6) with
 * rational arithmetic done in long double.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mmu.h"

/* Go's MMU for w >= span is the mean over the span; a hand-made series:
 * u = 1 on [0,100), 0.5 on [100,200), 0 on [200,250), 1 on [250,1000]. */
static void test_hand(void **state)
{
    (void)state;
    mmu_series s;
    mmu_series_init(&s);
    mmu_series_add(&s, 0, 0, 2);
    mmu_series_add(&s, 100, 1, 2);
    mmu_series_add(&s, 200, 2, 2);
    mmu_series_add(&s, 250, 0, 2);
    assert_int_equal(s.npoints, 4);
    /* Window 50 fits in the zero segment. */
    assert_true(mmu_series_min(&s, NULL, 1000, 50) == 0);
    /* Window 100: best is [150,250): 50*0.5 + 50*0 = 25 -> 0.25. */
    assert_true(fabs(mmu_series_min(&s, NULL, 1000, 100) - 0.25) < 1e-15);
    /* Window 200: [100,300): 50 + 0 + 50 = 100 -> 0.5 ; [50,250): 50+50 = 100
     * -> 0.5; minimum 0.5. */
    assert_true(fabs(mmu_series_min(&s, NULL, 1000, 200) - 0.5) < 1e-15);
    /* Window longer than the span: the mean, (100 + 50 + 750) / 1000. */
    assert_true(fabs(mmu_series_min(&s, NULL, 1000, 5000) - 0.9) < 1e-15);
    assert_true(mmu_series_min(&s, NULL, 1000, 0) == 0);
    assert_true(mmu_series_min(&s, NULL, 0, 10) == 0);
    mmu_series_free(&s);
}

/* addUtil: equal values are dropped; at one timestamp the lowest wins. */
static void test_dedup(void **state)
{
    (void)state;
    mmu_series s;
    mmu_series_init(&s);
    mmu_series_add(&s, 10, 0, 4);
    mmu_series_add(&s, 20, 0, 4); /* same value: dropped */
    mmu_series_add(&s, 30, 0, 2); /* 1.0 at other GOMAXPROCS: dropped */
    assert_int_equal(s.npoints, 1);
    mmu_series_add(&s, 40, 2, 4); /* 0.5 */
    mmu_series_add(&s, 40, 1, 4); /* 0.75 at the same time: higher, ignored */
    mmu_series_add(&s, 40, 4, 4); /* 0 at the same time: lower, replaces */
    mmu_series_add(&s, 50, 2, 4); /* 0.5 */
    assert_int_equal(s.npoints, 3);
    /* [10,40) = 1, [40,50) = 0, [50,100] = 0.5. Window 10 -> 0. */
    assert_true(mmu_series_min(&s, NULL, 100, 10) == 0);
    /* Window 20: [35,55) = 5 + 0 + 2.5 = 7.5 -> 0.375; [40,60) = 0+5 = 5 -> 0.25. */
    assert_true(fabs(mmu_series_min(&s, NULL, 100, 20) - 0.25) < 1e-15);
    mmu_series_free(&s);
}

/* ---- brute force oracle ---- */

typedef struct ref_point {
    int64_t t;
    long double u;
} ref_point;

/* Integral of u over [a, b] for points p[0..n) on domain [p[0].t, end]. */
static long double integral(const ref_point *p, size_t n, int64_t end, int64_t a, int64_t b)
{
    long double sum = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t lo = p[i].t, hi = i + 1 < n ? p[i + 1].t : end;
        if (lo < a)
            lo = a;
        if (hi > b)
            hi = b;
        if (hi > lo)
            sum += p[i].u * (long double)(hi - lo);
    }
    return sum;
}

static long double brute_mmu(const ref_point *p, size_t n, int64_t start, int64_t end, int64_t w)
{
    int64_t span = end - start;
    if (w > span)
        w = span;
    long double best = 2;
    /* Candidate left edges: every point time and every point time - w,
     * within [start, end - w]. */
    for (size_t i = 0; i <= n; i++) {
        int64_t t = i < n ? p[i].t : end;
        int64_t cands[2] = {t, t - w};
        for (int k = 0; k < 2; k++) {
            int64_t s = cands[k] < start ? start : cands[k];
            if (s > end - w)
                s = end - w;
            long double mu = integral(p, n, end, s, s + w) / (long double)w;
            if (mu < best)
                best = mu;
        }
    }
    return best;
}

static void test_random(void **state)
{
    (void)state;
    static const uint32_t procs_choices[] = {1, 2, 3, 4, 8, 12};
    srand(12345);
    for (int round = 0; round < 300; round++) {
        mmu_series s;
        mmu_series_init(&s);
        size_t cap = 3000, n = 0;
        ref_point *ref = malloc(cap * sizeof *ref);
        int64_t t = 1000000000 + rand() % 1000;
        int npts = 1 + rand() % 400;
        uint32_t procs = procs_choices[rand() % 6];
        long double last_u = -1;
        int64_t mark_at = -1;
        mmu_mark mark;
        size_t mark_n = 0;
        for (int i = 0; i < npts; i++) {
            if (rand() % 20 == 0)
                procs = procs_choices[rand() % 6];
            uint32_t gc = (uint32_t)rand() % (procs + 1);
            if (rand() % 3 == 0)
                gc = 0;
            mmu_series_add(&s, t, gc, procs);
            double u = 1 - (double)gc / (double)procs;
            if ((long double)u != last_u) {
                ref[n].t = t;
                ref[n].u = (long double)(procs - gc) / procs;
                n++;
                last_u = u;
            }
            if (i == npts / 2 && mark_at < 0) {
                mark_at = t;
                mmu_series_mark(&s, t, &mark);
                mark_n = n;
            }
            t += 1 + rand() % (rand() % 4 == 0 ? 100000 : 500);
        }
        assert_int_equal(s.npoints, n);
        int64_t end = t + rand() % 1000;
        static const int64_t windows[] = {1, 7, 100, 1000, 10000, 100000, 1000000, 100000000};
        for (size_t k = 0; k < sizeof windows / sizeof windows[0]; k++) {
            long double want = brute_mmu(ref, n, ref[0].t, end, windows[k]);
            double got = mmu_series_min(&s, NULL, end, windows[k]);
            if (fabsl(want - (long double)got) > 1e-12)
                fail_msg("round %d window %lld: got %.17g want %.17Lg", round,
                         (long long)windows[k], got, want);
            /* The suffix from the mark: the point in force at the mark
             * starts at the mark's time. */
            ref_point *suffix = &ref[mark_n - 1];
            ref_point saved = *suffix;
            suffix->t = mark_at;
            want = brute_mmu(suffix, n - mark_n + 1, mark_at, end, windows[k]);
            *suffix = saved;
            got = mmu_series_min(&s, &mark, end, windows[k]);
            if (fabsl(want - (long double)got) > 1e-12)
                fail_msg("round %d suffix window %lld: got %.17g want %.17Lg", round,
                         (long long)windows[k], got, want);
        }
        free(ref);
        mmu_series_free(&s);
    }
}

/* A mark taken before the first point covers nothing. */
static void test_mark_empty(void **state)
{
    (void)state;
    mmu_series s;
    mmu_series_init(&s);
    mmu_mark mark;
    mmu_series_mark(&s, 5, &mark);
    mmu_series_add(&s, 10, 0, 1);
    assert_true(mmu_series_min(&s, &mark, 100, 10) == 0);
    assert_true(mmu_series_min(&s, NULL, 100, 10) == 1);
    mmu_series_free(&s);
}

/* Many points: the chunks grow and the sweep crosses chunk boundaries. */
static void test_large(void **state)
{
    (void)state;
    mmu_series s;
    mmu_series_init(&s);
    int64_t t = 1;
    for (int i = 0; i < 2000000; i++) {
        mmu_series_add(&s, t, (uint32_t)(i % 3), 4);
        t += 10;
    }
    /* Pattern 1, 0.75, 0.5 repeating every 30 ns: any 30 ns window averages
     * exactly 0.75; a 10 ns window can sit on the 0.5 step. */
    assert_true(fabs(mmu_series_min(&s, NULL, t, 30) - 0.75) < 1e-15);
    assert_true(mmu_series_min(&s, NULL, t, 10) == 0.5);
    assert_true(s.bytes < 2000000 * 4);
    mmu_series_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand),   cmocka_unit_test(test_dedup),
        cmocka_unit_test(test_random), cmocka_unit_test(test_mark_empty),
        cmocka_unit_test(test_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
