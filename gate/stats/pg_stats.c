/*
 * Cell summaries (median and its order-statistic interval, or the mode),
 * geomeans, the normal distribution and the multiple-comparison
 * corrections: benchmath and go-moremath/stats ported so that every result
 * has the bits benchstat's has (benchstat-spec.md §3). The Mann-Whitney U
 * test lives in pg_utest.c.
 *
 * Go's float64 arithmetic is plain IEEE double with no fused operations on
 * amd64, so each expression below keeps Go's order of operations; the
 * transcendental functions come from pg_gomath.c.
 */
#include "pg_stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_gomath.h"

static const double sqrt2 = 1.41421356237309504880168872420969808;

/* Go's int(f) on amd64 (CVTTSD2SQ): truncation, and 0x8000000000000000 for
 * NaN or out of range, where C would have undefined behaviour. */
static int64_t go_int(double f)
{
    if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)f;
}

double pg_stats_median(const double *sorted, size_t n)
{
    if (n == 0)
        return NAN;
    /* stats.Sample.Quantile(0.5), R type 8. */
    double h = 1 / 3.0 + 0.5 * ((double)n + 1 / 3.0);
    double kf;
    double frac = modf(h, &kf);
    int64_t k = go_int(kf);
    if (k <= 0)
        return sorted[0];
    if ((uint64_t)k >= n)
        return sorted[n - 1];
    return sorted[k - 1] + frac * (sorted[k] - sorted[k - 1]);
}

/* NormalDist{mu, sigma}.CDF(x). */
static double normal_cdf(double x, double mu, double sigma)
{
    return pg_gomath_erfc(-(x - mu) / (sigma * sqrt2)) / 2;
}

double pg_stats_norm_cdf(double z)
{
    return normal_cdf(z, 0, 1);
}

/* NormalDist.InvCDF for mean 0 and deviation 1: Acklam's rational
 * approximation, then one Halley step. */
double pg_stats_norm_quantile(double p)
{
    const double a1 = -3.969683028665376e+01, a2 = 2.209460984245205e+02,
                 a3 = -2.759285104469687e+02, a4 = 1.383577518672690e+02,
                 a5 = -3.066479806614716e+01, a6 = 2.506628277459239e+00;
    const double b1 = -5.447609879822406e+01, b2 = 1.615858368580409e+02,
                 b3 = -1.556989798598866e+02, b4 = 6.680131188771972e+01,
                 b5 = -1.328068155288572e+01;
    const double c1 = -7.784894002430293e-03, c2 = -3.223964580411365e-01,
                 c3 = -2.400758277161838e+00, c4 = -2.549732539343734e+00,
                 c5 = 4.374664141464968e+00, c6 = 2.938163982698783e+00;
    const double d1 = 7.784695709041462e-03, d2 = 3.224671290700398e-01, d3 = 2.445134137142996e+00,
                 d4 = 3.754408661907416e+00;
    const double plow = 0.02425, phigh = 0.97575; /* Go: phigh = 1 - plow, exact */
    const double sqrt2pi = 2.50662827463100050241576528481104525;

    if (p < 0 || p > 1)
        return NAN;
    if (p == 0)
        return -HUGE_VAL;
    if (p == 1)
        return HUGE_VAL;

    double x;
    if (p < plow) {
        double q = sqrt(-2 * pg_gomath_log(p));
        x = (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) /
            ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
    } else if (phigh < p) {
        double q = sqrt(-2 * pg_gomath_log(1 - p));
        x = -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) /
            ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
    } else {
        double q = p - 0.5;
        double r = q * q;
        x = (((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q /
            (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1);
    }
    double e = 0.5 * pg_gomath_erfc(-x / sqrt2) - p;
    double u = e * sqrt2pi * pg_gomath_exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

typedef struct ci_ranks {
    int64_t lo, hi;
    double achieved;
} ci_ranks;

/* BinomialDist{n, 0.5}.PMF(k): Choose(n,k) * 0.5^k * 0.5^(n-k), where Go's
 * Pow makes both powers exact. */
static double binom_half_pmf(int64_t n, int64_t k)
{
    if (k < 0 || k > n)
        return 0;
    return ldexp(pg_gomath_choose((int)n, (int)k), (int)-n);
}

/* stats.QuantileCI(n, 0.5, confidence). */
static ci_ranks quantile_ci(int64_t n, double confidence)
{
    ci_ranks res;
    if (confidence >= 1) {
        res.lo = 0;
        res.hi = n + 1;
        res.achieved = 1;
        return res;
    }
    int64_t l, r;
    if (n <= 30) {
        /* Start at the lower mode and add the larger neighbour until the
         * confidence is reached, left first on ties. */
        int64_t x = go_int(ceil((double)(n + 1) * 0.5) - 1);
        double accum = binom_half_pmf(n, x);
        l = x;
        r = x + 1;
        double lp = binom_half_pmf(n, l - 1), rp = binom_half_pmf(n, r);
        while (accum < confidence && (lp > 0 || rp > 0)) {
            if (lp >= rp) {
                accum += lp;
                l--;
                lp = binom_half_pmf(n, l - 1);
            } else {
                accum += rp;
                r++;
                rp = binom_half_pmf(n, r);
            }
        }
        res.achieved = accum;
    } else {
        /* Normal approximation N(n/2, n/4) with continuity correction. */
        double mu = (double)n * 0.5;
        double sigma = sqrt((double)n * 0.5 * (1 - 0.5));
        double alpha = (1 - confidence) / 2;
        double l1 = pg_stats_norm_quantile(alpha) * sigma + mu;
        double r1 = 2 * mu - l1;
        l = go_int(floor(floor(l1 - 0.5) + 0.5)) + 1;
        r = go_int(floor(ceil(r1 - 0.5) + 0.5)) + 1;
        double cdf_l = normal_cdf((double)l - 0.5, mu, sigma);
        res.achieved = normal_cdf((double)r - 0.5, mu, sigma) - cdf_l;
        double biased = normal_cdf((double)(r - 1) - 0.5, mu, sigma) - cdf_l;
        /* The interval is symmetric; take the left-biased one if it is
         * narrower yet still covers. */
        if (biased >= confidence && biased < res.achieved) {
            res.achieved = biased;
            r--;
        }
        if (l <= 0 && r >= n + 1)
            res.achieved = 1;
    }
    res.lo = l < 0 ? 0 : l;
    res.hi = r > n + 1 ? n + 1 : r;
    return res;
}

/* benchmath caches intervals per (n, confidence) because each costs up to
 * thirty exp(lgamma) evaluations; so do we, for the sizes benchmarks have.
 * One confidence at a time: a run uses a single -confidence. */
#define CI_CACHE_N 256
static struct {
    uint64_t confidence_bits;
    unsigned char have[CI_CACHE_N + 1];
    ci_ranks ranks[CI_CACHE_N + 1];
} ci_cache;

static ci_ranks median_ci(size_t n, double confidence)
{
    if (n > CI_CACHE_N)
        return quantile_ci((int64_t)n, confidence);
    uint64_t cb;
    memcpy(&cb, &confidence, sizeof cb);
    if (cb != ci_cache.confidence_bits) {
        memset(ci_cache.have, 0, sizeof ci_cache.have);
        ci_cache.confidence_bits = cb;
    }
    if (!ci_cache.have[n]) {
        ci_cache.ranks[n] = quantile_ci((int64_t)n, confidence);
        ci_cache.have[n] = 1;
    }
    return ci_cache.ranks[n];
}

void pg_stats_median_ci_ranks(size_t n, double confidence, size_t *lo, size_t *hi, double *achieved)
{
    ci_ranks c = median_ci(n, confidence);
    *lo = (size_t)c.lo;
    *hi = (size_t)c.hi;
    if (achieved)
        *achieved = c.achieved;
}

int pg_stats_ci_min_samples(double confidence)
{
    for (size_t n = 2; n <= 50; n++) {
        ci_ranks c = median_ci(n, confidence);
        if (0 < c.lo && c.hi <= (int64_t)n)
            return (int)n;
    }
    return PG_STATS_CI_NEED_MORE_THAN_50;
}

void pg_stats_summarize(const double *sorted, size_t n, pg_assume assume, double confidence,
                        pg_summary *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0) {
        out->center = NAN;
        out->lo = -HUGE_VAL;
        out->hi = HUGE_VAL;
        out->confidence = 0;
        return;
    }
    if (assume == PG_ASSUME_EXACT) {
        /* The mode; a later run wins only if strictly longer, so the
         * smallest of equally frequent values is kept. */
        double val = sorted[0], mode = val;
        size_t count = 1, mode_count = 1;
        for (size_t i = 1; i < n; i++) {
            if (sorted[i] == val) {
                if (++count > mode_count) {
                    mode = val;
                    mode_count = count;
                }
            } else {
                val = sorted[i];
                count = 1;
            }
        }
        out->center = mode;
        out->lo = sorted[0];
        out->hi = sorted[n - 1];
        out->confidence = 1;
        out->exact_spread = mode_count != n;
        return;
    }
    ci_ranks c = median_ci(n, confidence);
    out->center = pg_stats_median(sorted, n);
    out->lo = c.lo < 1 ? -HUGE_VAL : sorted[c.lo - 1];
    out->hi = c.hi - 1 >= (int64_t)n ? HUGE_VAL : sorted[c.hi - 1];
    out->confidence = c.achieved;
    /* benchmath tests the bounds' values, so an infinite sample value
     * at a finite rank warns too. */
    if (isinf(out->lo) || isinf(out->hi))
        out->ci_need_n = pg_stats_ci_min_samples(confidence);
}

int pg_stats_utest_min_samples(double alpha)
{
    /* benchmath's uTestMinP[n]: the smallest two-sided p of two samples of
     * size n (complete separation). */
    static const double min_p[] = {
        1,
        0.3333333333333333,
        0.1,
        0.02857142857142857,
        0.007936507936507936,
        0.0021645021645021645,
        0.0005827505827505828,
        0.0001554001554001554,
        4.113533525298231e-05,
    };
    for (size_t i = 0; i < sizeof min_p / sizeof min_p[0]; i++)
        if (min_p[i] <= alpha)
            return (int)i + 1;
    return PG_STATS_UTEST_NEED_MORE_THAN_10;
}

double pg_stats_geomean(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        if (x[i] <= 0)
            return NAN;
        m += (pg_gomath_log(x[i]) - m) / (double)(i + 1);
    }
    return pg_gomath_exp(m);
}

typedef struct ranked {
    double p;
    size_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* The non-NaN p-values with their positions, ascending; NaN positions of
 * `adjusted` are set to NaN here. */
static ranked *rank_p(const double *p, size_t n, double *adjusted, size_t *m)
{
    ranked *r = pg_xmalloc((n ? n : 1) * sizeof *r);
    *m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(p[i]))
            continue;
        r[*m].p = p[i];
        r[*m].i = i;
        (*m)++;
    }
    for (size_t i = 0; i < n; i++)
        if (isnan(p[i]))
            adjusted[i] = NAN;
    qsort(r, *m, sizeof *r, cmp_ranked);
    return r;
}

void pg_stats_holm(const double *p, size_t n, double *adjusted)
{
    size_t m;
    ranked *r = rank_p(p, n, adjusted, &m);
    double run = 0;
    for (size_t j = 0; j < m; j++) {
        double v = (double)(m - j) * r[j].p;
        if (v > 1)
            v = 1;
        if (v > run)
            run = v;
        adjusted[r[j].i] = run;
    }
    free(r);
}

void pg_stats_benjamini_hochberg(const double *p, size_t n, double *adjusted)
{
    size_t m;
    ranked *r = rank_p(p, n, adjusted, &m);
    double run = 1;
    for (size_t j = m; j-- > 0;) {
        double v = (double)m / (double)(j + 1) * r[j].p;
        if (v < run)
            run = v;
        adjusted[r[j].i] = run;
    }
    free(r);
}
