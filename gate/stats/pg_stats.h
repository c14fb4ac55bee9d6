/*
 * benchstat's statistics, exactly (reference/benchstat-spec.md §3), plus the
 * multiple-comparison corrections the gate adds on top.
 *
 * All sample arguments are tidied float64 values sorted ascending (NaN
 * first, as Go's sort.Float64s). Results have the bits benchstat (built for
 * linux/amd64, as `go install` does by default) computes, except U-test
 * p-values, which agree to about 1e-14 relative (benchstat's own rounding;
 * tests/stats/test_stats_oracle checks both). Nothing here allocates per
 * call in the hot path and nothing prints; interval caches and U-test
 * scratch memory are static, so these functions are not thread-safe.
 */
#ifndef PG_STATS_H
#define PG_STATS_H

#include <stddef.h>

/* benchstat's assumption for one unit (Unit metadata `assume=exact`). */
typedef enum pg_assume {
    PG_ASSUME_NOTHING = 0, /* median, order-statistic CI, Mann-Whitney U */
    PG_ASSUME_EXACT = 1,   /* mode, [min, max], no test (p = 0) */
} pg_assume;

/* "need > 50 samples for confidence interval ..." is reported as this N. */
#define PG_STATS_CI_NEED_MORE_THAN_50 51
/* "need > 10 samples to detect a difference ..." is reported as this N.
 * (benchstat-spec.md §3.5 says "> 9"; benchmath prints len(uTestMinP),
 * which is 10, and so does the benchstat binary.) */
#define PG_STATS_UTEST_NEED_MORE_THAN_10 11

typedef struct pg_summary {
    double center;     /* median (nothing) or mode (exact) */
    double lo, hi;     /* interval bounds; -INFINITY / +INFINITY when unbounded */
    double confidence; /* achieved confidence (never printed by benchstat) */
    /* Warning "need >= N samples for confidence interval at level C": N when
     * a bound is infinite (PG_STATS_CI_NEED_MORE_THAN_50 for "> 50"), else 0. */
    int ci_need_n;
    /* AssumeExact with values not all equal: warning "exact distribution
     * expected, but values range from <lo> to <hi>". */
    int exact_spread;
} pg_summary;

/* Summary of one cell (n >= 1; n = 0 gives a NaN center and infinite
 * bounds). `confidence` in [0, 1]. */
void pg_stats_summarize(const double *sorted, size_t n, pg_assume assume, double confidence,
                        pg_summary *out);
/* R type-8 median: X[k] + 0.5*(X[k+1]-X[k]) for even n. */
double pg_stats_median(const double *sorted, size_t n);
/* Order statistics (1-based L, H) of the distribution-free median CI;
 * L = 0 means -inf, H = n+1 means +inf. Matches benchstat bit for bit,
 * including its lgamma asymmetry for 21 <= n <= 30. */
void pg_stats_median_ci_ranks(size_t n, double confidence, size_t *lo, size_t *hi,
                              double *achieved);
/* N of the "need >= N samples for confidence interval" warning. */
int pg_stats_ci_min_samples(double confidence);

typedef struct pg_utest {
    /* Two-sided p-value, unclamped as benchstat's (may be 0 or > 1).
     * NaN when a sample is empty or holds a NaN (benchstat never returns on
     * a NaN): test significance as p <= alpha, which NaN never is. */
    double p;
    int all_equal; /* every value in both samples is equal: p is 1, warn "all samples are equal" */
    int exact;     /* 1 if the exact distribution was used, 0 for the normal approximation */
} pg_utest;

/* Two-sided Mann-Whitney U test, sample 1 = baseline. Exact with ties via a
 * dense dynamic programme where benchstat uses the exact distribution. */
void pg_stats_utest(const double *x, size_t n1, const double *y, size_t n2, pg_utest *out);
/* N of the "need >= N samples to detect a difference at alpha level A" warning
 * (PG_STATS_UTEST_NEED_MORE_THAN_10 for "> 10"). */
int pg_stats_utest_min_samples(double alpha);

/* Geometric mean as a running mean of logs (m += (ln x - m)/i; exp(m)).
 * NaN if n == 0 or any value is <= 0 or NaN. */
double pg_stats_geomean(const double *x, size_t n);

/* Standard normal CDF, Phi(z) = erfc(-z/sqrt 2)/2, and its inverse as
 * go-moremath computes it (Acklam + one refinement step). */
double pg_stats_norm_cdf(double z);
double pg_stats_norm_quantile(double p);

/* Multiple-comparison corrections over a family of n p-values: adjusted
 * p-values (monotone, clamped to 1), comparable to alpha directly.
 * Holm (1979) controls the family-wise error rate; Benjamini-Hochberg (1995)
 * controls the false discovery rate. NaN p-values are ignored (their
 * adjusted value is NaN) and do not count towards n. `adjusted` may be `p`.
 * These allocate (a sorted copy); they run once per suite. */
void pg_stats_holm(const double *p, size_t n, double *adjusted);
void pg_stats_benjamini_hochberg(const double *p, size_t n, double *adjusted);

#endif
