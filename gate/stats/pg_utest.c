/*
 * The two-sided Mann-Whitney U test as benchstat runs it (go-moremath's
 * stats.MannWhitneyUTest; benchstat-spec.md §3.5), with the exact null
 * distribution counted by dense dynamic programmes instead of go-moremath's
 * hash-map recursion, which is where benchstat spends its time:
 *
 *  - without ties, the number of labellings with U1 = u is the coefficient
 *    of q^u in the Gaussian binomial [n1+n2 choose n1]_q, built by
 *    n1 polynomial products and quotients in 128-bit integers, exactly;
 *  - with ties, one pass over the tie groups counts labellings by (sample-1
 *    items so far, partial 2U1), keeping only the states that can still
 *    finish on either side of the observed statistic (the rest are settled
 *    at once), in doubles, which hold these counts (< C(50,25) < 2^53)
 *    exactly.
 *
 * p = 2 * count / C(n1+n2, n1) then differs from benchstat's only by
 * benchstat's own rounding (its counts go through exp(lgamma) for n > 20),
 * except with exactly two tie groups, where benchstat miscounts and we do
 * what it does (two_groups_count).
 * The scratch memory is static and only grows: not thread-safe.
 */
#include "pg_stats.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_gomath.h"

/* go-moremath's MannWhitneyExactLimit and MannWhitneyTiesExactLimit. */
#define EXACT_LIMIT      50
#define TIES_EXACT_LIMIT 25

__extension__ typedef unsigned __int128 u128;

static struct {
    size_t *group; /* tie group sizes in rank order */
    size_t group_cap;
    double *dp; /* ties: one row of partial 2U1 counts per sample-1 count */
    size_t dp_cap;
    long *row; /* ties: lo, hi, zeroed-up-to for each row */
    size_t row_cap;
    u128 *poly; /* no ties: Gaussian binomial coefficients */
    size_t poly_cap;
} ws;

/* Binomial coefficients up to the ties limit, exact in doubles. */
#define PASCAL_N (2 * TIES_EXACT_LIMIT)
static double pascal[PASCAL_N + 1][PASCAL_N + 1];
static int pascal_ready;

static void pascal_init(void)
{
    if (pascal_ready)
        return;
    pascal_ready = 1;
    for (int n = 0; n <= PASCAL_N; n++) {
        pascal[n][0] = pascal[n][n] = 1;
        for (int k = 1; k < n; k++)
            pascal[n][k] = pascal[n - 1][k - 1] + pascal[n - 1][k];
    }
}

static double sum(const double *v, long from, long to)
{
    double s = 0;
    for (long w = from; w <= to; w++)
        s += v[w];
    return s;
}

static void add_scaled(double *restrict dst, const double *restrict src, double c, long n)
{
    for (long w = 0; w < n; w++)
        dst[w] += c * src[w];
}

static long min_l(long a, long b)
{
    return a < b ? a : b;
}

static long max_l(long a, long b)
{
    return a > b ? a : b;
}

/*
 * Number of ways to label n1 of the n1+n2 ranked positions as sample 1 such
 * that 2*U1 <= target, where the positions form tie groups t[0..k-1] in
 * rank order.
 *
 * After the groups holding the first s positions, a state is (j sample-1
 * items among them, w = their part of 2U1); m = s - j items of sample 2 came
 * before. Adding a group of size g with r items of sample 1 adds
 * r*(2m + g - r) to w. Each of the n1-j items still to come adds between 2m
 * and 2*n2, so a state with w > target - 2(n1-j)m can no longer count and is
 * dropped, and one with w <= target - 2(n1-j)n2 counts whatever follows: it
 * is settled at once with its C(remaining, n1-j) completions. Row j keeps
 * only w in [lo_j, hi_j] between these bounds.
 */
static double count_ties(const size_t *t, size_t k, long n1, long n2, long target)
{
    long width = target + 1;
    ws.dp = pg_xgrow(ws.dp, &ws.dp_cap, (size_t)(n1 * width), sizeof *ws.dp);
    ws.row = pg_xgrow(ws.row, &ws.row_cap, (size_t)(3 * n1), sizeof *ws.row);
    long *lo = ws.row, *hi = ws.row + n1, *zeroed = ws.row + 2 * n1;
    for (long j = 0; j < n1; j++) {
        lo[j] = max_l(0, target - 2 * (n1 - j) * n2 + 1);
        hi[j] = lo[j] - 1;
        zeroed[j] = lo[j] - 1;
    }
    /* Nothing placed yet: one empty labelling, w = 0 (lo_0 = 0 as target < n1*n2). */
    ws.dp[0] = 1;
    hi[0] = zeroed[0] = 0;

    long n = n1 + n2, s = 0;
    double settled = 0;
    for (size_t g = 0; g < k; g++) {
        long size = (long)t[g], s2 = s + size;
        /* Rows are updated in place from the top, so every source row
         * (j < destination) still holds the previous group's states. */
        for (long jd = min_l(n1, s2); jd >= max_l(0, s2 - n2); jd--) {
            long m2 = s2 - jd, hn = 0;
            double *dst = NULL;
            if (jd < n1) {
                dst = ws.dp + jd * width;
                hn = min_l(target - 2 * (n1 - jd) * m2, 2 * jd * m2);
                if (hn > zeroed[jd]) {
                    long from = max_l(zeroed[jd] + 1, lo[jd]);
                    memset(dst + from, 0, (size_t)(hn - from + 1) * sizeof *dst);
                    zeroed[jd] = hn;
                }
            }
            for (long r = 1; r <= min_l(size, jd); r++) {
                long js = jd - r;
                if (js > s || s - js > n2 || hi[js] < lo[js])
                    continue;
                const double *src = ws.dp + js * width;
                long d = r * (2 * (s - js) + size - r);
                double c = pascal[size][r];
                if (jd == n1) {
                    long end = min_l(hi[js], target - d);
                    if (end >= lo[js])
                        settled += c * sum(src, lo[js], end);
                    continue;
                }
                long end = min_l(hi[js], lo[jd] - d - 1);
                if (end >= lo[js])
                    settled += c * pascal[n - s2][n1 - jd] * sum(src, lo[js], end);
                long w0 = max_l(lo[js], lo[jd] - d), w1 = min_l(hi[js], hn - d);
                if (w1 >= w0)
                    add_scaled(dst + w0 + d, src + w0, c, w1 - w0 + 1);
            }
            if (jd < n1)
                hi[jd] = hn;
        }
        s = s2;
    }
    return settled;
}

/* go-moremath's count for exactly two tie groups (its recursion's base
 * case), kept as it is: the upper bound of r2, the sample-1 items in the
 * second group, is a division that truncates towards zero. When 2U1 = twice_u
 * is below every possible value by less than t0 + t1 it comes out 0 instead
 * of -1 and C(t0, n1) labellings are counted that do not qualify, so
 * benchstat reports e.g. p = 1.455 for [4096 4096 4112] vs eight 4096s,
 * where the true p is 0. */
static double two_groups_count(size_t t0, size_t t1, long n1, long twice_u)
{
    long hi = (twice_u - n1 * ((long)t0 - n1)) / (long)(t0 + t1);
    double count = 0;
    for (long r2 = max_l(0, n1 - (long)t0); r2 <= hi; r2++)
        count += pg_gomath_choose((int)t0, (int)(n1 - r2)) * pg_gomath_choose((int)t1, (int)r2);
    return count;
}

/* Number of labellings with U1 <= u when there are no ties: the sum of the
 * first u+1 coefficients of [n choose k]_q = prod_{i=1..k}
 * (1 - q^(n-k+i)) / (1 - q^i), truncated after q^u. Every partial product
 * is again a Gaussian binomial, so the coefficients stay below C(n, k) <
 * 2^97 (n <= 100); unsigned wrap-around keeps the intermediate negative
 * ones exact. */
static u128 count_no_ties(long n, long k, long u)
{
    ws.poly = pg_xgrow(ws.poly, &ws.poly_cap, (size_t)(u + 1), sizeof *ws.poly);
    u128 *c = ws.poly;
    memset(c, 0, (size_t)(u + 1) * sizeof *c);
    c[0] = 1;
    for (long i = 1; i <= k; i++) {
        long a = n - k + i;
        for (long d = u; d >= a; d--)
            c[d] -= c[d - a];
        for (long d = i; d <= u; d++)
            c[d] += c[d - i];
    }
    u128 total = 0;
    for (long d = 0; d <= u; d++)
        total += c[d];
    return total;
}

static u128 binomial(long n, long k)
{
    u128 c = 1;
    for (long i = 1; i <= k; i++)
        c = c * (u128)(n - k + i) / (u128)i;
    return c;
}

void pg_stats_utest(const double *x, size_t n1, const double *y, size_t n2, pg_utest *out)
{
    out->p = NAN;
    out->all_equal = 0;
    out->exact = 0;
    if (n1 == 0 || n2 == 0)
        return;
    /* benchstat's tie scan never terminates on a NaN; we report NaN. */
    for (size_t i = 0; i < n1; i++)
        if (isnan(x[i]))
            return;
    for (size_t i = 0; i < n2; i++)
        if (isnan(y[i]))
            return;

    /* Merge, find the tie groups, and sum sample 1's mid-ranks as Go does. */
    size_t n = n1 + n2;
    ws.group = pg_xgrow(ws.group, &ws.group_cap, n, sizeof *ws.group);
    size_t i = 0, j = 0, pos = 0, k = 0;
    double r1 = 0;
    int ties = 0;
    while (i < n1 || j < n2) {
        double v = j >= n2 || (i < n1 && x[i] < y[j]) ? x[i] : y[j];
        size_t c1 = 0, c2 = 0;
        for (; i < n1 && x[i] == v; i++)
            c1++;
        for (; j < n2 && y[j] == v; j++)
            c2++;
        size_t end = pos + c1 + c2;
        if (c1)
            r1 += (double)(end + pos + 1) / 2 * (double)c1;
        ws.group[k++] = c1 + c2;
        ties |= c1 + c2 > 1;
        pos = end;
    }
    double u1 = r1 - (double)(n1 * (n1 + 1)) / 2;
    double u2 = (double)(n1 * n2) - u1;
    double usmall = u1 < u2 ? u1 : u2;

    if (ties ? n1 <= TIES_EXACT_LIMIT && n2 <= TIES_EXACT_LIMIT
             : n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT) {
        out->exact = 1;
        if (k == 1) {
            out->all_equal = 1;
            out->p = 1;
            return;
        }
        if (u1 == u2) {
            out->p = 1;
            return;
        }
        if (!ties) {
            long small = (long)(n1 < n2 ? n1 : n2);
            u128 count = count_no_ties((long)n, small, (long)floor(usmall));
            out->p = (double)count / (double)binomial((long)n, small) * 2;
            return;
        }
        long twice_u = (long)(2 * usmall);
        if (k == 2) {
            out->p = two_groups_count(ws.group[0], ws.group[1], (long)n1, twice_u) /
                     pg_gomath_choose((int)n, (int)n1) * 2;
            return;
        }
        /* Count with the smaller sample as "sample 1": reversing the rank
         * order turns U1 <= u into the same condition on U2. */
        long a = (long)n1, b = (long)n2;
        if (b < a) {
            for (size_t g = 0; g < k / 2; g++) {
                size_t tmp = ws.group[g];
                ws.group[g] = ws.group[k - 1 - g];
                ws.group[k - 1 - g] = tmp;
            }
            a = (long)n2;
            b = (long)n1;
        }
        pascal_init();
        double count = count_ties(ws.group, k, a, b, twice_u);
        out->p = count / pg_gomath_choose((int)n, (int)n1) * 2;
        return;
    }

    /* Normal approximation with tie and continuity corrections. Go sums
     * t^3 - t in (wrapping) int. */
    uint64_t tie_sum = 0;
    for (size_t g = 0; g < k; g++) {
        uint64_t t = ws.group[g];
        tie_sum += t * t * t - t;
    }
    double nn = (double)n;
    double mu = (double)(n1 * n2) / 2;
    double sigma =
        sqrt((double)(n1 * n2) * ((nn + 1) - (double)(int64_t)tie_sum / (nn * (nn - 1))) / 12);
    if (sigma == 0) {
        out->all_equal = 1;
        out->p = 1;
        return;
    }
    double numer = u1 - mu;
    numer -= (numer > 0 ? 1 : numer < 0 ? -1 : 0) * 0.5;
    double cdf = pg_stats_norm_cdf(numer / sigma);
    double upper = 1 - cdf;
    out->p = 2 * (cdf < upper ? cdf : upper);
}
