/*
 * gate/stats against benchstat's own code: tests/stats/oracle (Go, run once,
 * output checked in) printed what golang.org/x/perf/benchmath,
 * go-moremath and Go's math package compute for a few thousand inputs; this
 * program recomputes each line and demands the same bits, except for
 * U-test p-values, which may differ by benchstat's rounding (1e-13
 * relative at most; the tally says how many are bit-identical) but must
 * print the same with %.3f and take the same side of alpha = 0.05.
 *
 * With file arguments it checks those tables instead of the checked-in
 * ones (e.g. `go run . -random 100000` output) and prints the tally.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pg_alloc.h"
#include "pg_error.h"
#include "pg_gomath.h"
#include "pg_lines.h"
#include "pg_stats.h"

#define MAX_FIELDS  256
#define P_TOLERANCE 1e-13

/* U tests by the path benchstat takes. */
enum { EXACT_NO_TIES, EXACT_TIES, NORMAL, PATHS };
static const char *const path_name[PATHS] = {"exact without ties", "exact with ties",
                                             "normal approximation"};

typedef struct tally {
    const char *path;
    size_t line;
    size_t cases, failures;
    size_t utests[PATHS], p_identical[PATHS];
    double p_max_rel[PATHS];
} tally;

static void mismatch(tally *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void mismatch(tally *t, const char *fmt, ...)
{
    if (t->failures++ < 30) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "%s:%zu: ", t->path, t->line);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
}

static double num(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    assert_true(*end == '\0' && errno != EINVAL);
    return v;
}

static long integer(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    assert_true(*end == '\0');
    return v;
}

static int same_bits(double a, double b)
{
    if (isnan(a) && isnan(b))
        return 1;
    return memcmp(&a, &b, sizeof a) == 0;
}

/* want is the oracle's value for fn(arg). */
static void check_unary(tally *t, const char *what, double (*fn)(double), char **f)
{
    double arg = num(f[1]), want = num(f[2]), got = fn(arg);
    if (!same_bits(got, want))
        mismatch(t, "%s(%a) = %a, Go has %a", what, arg, got, want);
}

static double *values(char **f, long n)
{
    double *v = pg_xmalloc((size_t)(n ? n : 1) * sizeof *v);
    for (long i = 0; i < n; i++)
        v[i] = num(f[i]);
    return v;
}

static void check_ci(tally *t, char **f)
{
    double conf = num(f[1]), achieved;
    long n = integer(f[2]);
    size_t lo, hi;
    pg_stats_median_ci_ranks((size_t)n, conf, &lo, &hi, &achieved);
    if ((long)lo != integer(f[3]) || (long)hi != integer(f[4]) || !same_bits(achieved, num(f[5])))
        mismatch(t, "median CI n=%ld conf=%g: (%zu, %zu, %a), Go has (%s, %s, %s)", n, conf, lo, hi,
                 achieved, f[3], f[4], f[5]);
}

static void check_cigrid(tally *t, char **f, int nf)
{
    double conf = num(f[1]);
    for (long n = 1; 2 * n + 1 < nf; n++) {
        size_t lo, hi;
        pg_stats_median_ci_ranks((size_t)n, conf, &lo, &hi, NULL);
        if ((long)lo != integer(f[2 * n]) || (long)hi != integer(f[2 * n + 1]))
            mismatch(t, "median CI n=%ld conf=%g: (%zu, %zu), Go has (%s, %s)", n, conf, lo, hi,
                     f[2 * n], f[2 * n + 1]);
    }
}

static void check_summary(tally *t, char **f)
{
    double conf = num(f[1]);
    long n = integer(f[7]);
    double *v = values(f + 8, n);
    pg_summary s;
    pg_stats_summarize(v, (size_t)n, PG_ASSUME_NOTHING, conf, &s);
    if (!same_bits(s.center, num(f[2])) || !same_bits(s.lo, num(f[3])) ||
        !same_bits(s.hi, num(f[4])) || !same_bits(s.confidence, num(f[5])) ||
        s.ci_need_n != integer(f[6]) || s.exact_spread)
        mismatch(
            t,
            "summary n=%ld conf=%g: center %a [%a, %a] conf %a need %d, Go has %s [%s, %s] %s %s",
            n, conf, s.center, s.lo, s.hi, s.confidence, s.ci_need_n, f[2], f[3], f[4], f[5], f[6]);
    free(v);
}

static void check_exact(tally *t, char **f)
{
    long n = integer(f[5]);
    double *v = values(f + 6, n);
    pg_summary s;
    pg_stats_summarize(v, (size_t)n, PG_ASSUME_EXACT, 0.95, &s);
    if (!same_bits(s.center, num(f[1])) || !same_bits(s.lo, num(f[2])) ||
        !same_bits(s.hi, num(f[3])) || s.exact_spread != integer(f[4]) || s.confidence != 1 ||
        s.ci_need_n)
        mismatch(t, "exact summary n=%ld: %a [%a, %a] spread %d, Go has %s [%s, %s] %s", n,
                 s.center, s.lo, s.hi, s.exact_spread, f[1], f[2], f[3], f[4]);
    free(v);
}

static void check_geomean(tally *t, char **f)
{
    long n = integer(f[2]);
    double *v = values(f + 3, n);
    double got = pg_stats_geomean(v, (size_t)n);
    if (!same_bits(got, num(f[1])))
        mismatch(t, "geomean of %ld values: %a, Go has %s", n, got, f[1]);
    free(v);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int has_ties(const double *x, long n1, const double *y, long n2)
{
    double *all = pg_xmalloc((size_t)(n1 + n2) * sizeof *all);
    memcpy(all, x, (size_t)n1 * sizeof *x);
    memcpy(all + n1, y, (size_t)n2 * sizeof *y);
    qsort(all, (size_t)(n1 + n2), sizeof *all, cmp_double);
    int ties = 0;
    for (long i = 1; i < n1 + n2; i++)
        ties |= all[i] == all[i - 1];
    free(all);
    return ties;
}

static void check_utest(tally *t, char **f)
{
    double want = num(f[1]);
    long equal = integer(f[2]), n1 = integer(f[3]), n2 = integer(f[4]);
    double *x = values(f + 5, n1), *y = values(f + 5 + n1, n2);
    pg_utest u;
    pg_stats_utest(x, (size_t)n1, y, (size_t)n2, &u);
    int path = !u.exact ? NORMAL : has_ties(x, n1, y, n2) ? EXACT_TIES : EXACT_NO_TIES;
    t->utests[path]++;
    double rel = want == u.p ? 0 : fabs(u.p - want) / fabs(want);
    if (same_bits(u.p, want))
        t->p_identical[path]++;
    else if (rel > t->p_max_rel[path] || isnan(rel))
        t->p_max_rel[path] = isnan(rel) ? INFINITY : rel;
    char got_s[32], want_s[32];
    snprintf(got_s, sizeof got_s, "%.3f", u.p);
    snprintf(want_s, sizeof want_s, "%.3f", want);
    if (!(rel <= P_TOLERANCE) || u.all_equal != equal || strcmp(got_s, want_s) != 0 ||
        (u.p <= 0.05) != (want <= 0.05))
        mismatch(t, "utest n=%ld+%ld: p=%a (%s) all_equal=%d, Go has p=%a (%s) all_equal=%ld", n1,
                 n2, u.p, got_s, u.all_equal, want, want_s, equal);
    free(x);
    free(y);
}

static void check_line(tally *t, char **f, int nf)
{
    const char *kind = f[0];
    t->cases++;
    if (!strcmp(kind, "fma")) {
        pg_gomath_set_fma((int)integer(f[1]));
    } else if (!strcmp(kind, "exp")) {
        check_unary(t, "exp", pg_gomath_exp, f);
    } else if (!strcmp(kind, "log")) {
        check_unary(t, "log", pg_gomath_log, f);
    } else if (!strcmp(kind, "erfc")) {
        check_unary(t, "erfc", pg_gomath_erfc, f);
    } else if (!strcmp(kind, "normq")) {
        check_unary(t, "norm_quantile", pg_stats_norm_quantile, f);
    } else if (!strcmp(kind, "normcdf")) {
        check_unary(t, "norm_cdf", pg_stats_norm_cdf, f);
    } else if (!strcmp(kind, "choose")) {
        int n = (int)integer(f[1]), k = (int)integer(f[2]);
        double got = pg_gomath_choose(n, k), want = num(f[3]);
        if (!same_bits(got, want))
            mismatch(t, "choose(%d, %d) = %a, Go has %a", n, k, got, want);
    } else if (!strcmp(kind, "ci")) {
        check_ci(t, f);
    } else if (!strcmp(kind, "cigrid")) {
        check_cigrid(t, f, nf);
    } else if (!strcmp(kind, "cineed")) {
        int got = pg_stats_ci_min_samples(num(f[1]));
        if (got != integer(f[2]))
            mismatch(t, "ci_min_samples(%s) = %d, Go has %s", f[1], got, f[2]);
    } else if (!strcmp(kind, "uneed")) {
        int got = pg_stats_utest_min_samples(num(f[1]));
        if (got != integer(f[2]))
            mismatch(t, "utest_min_samples(%s) = %d, Go has %s", f[1], got, f[2]);
    } else if (!strcmp(kind, "summary")) {
        check_summary(t, f);
    } else if (!strcmp(kind, "exact")) {
        check_exact(t, f);
    } else if (!strcmp(kind, "geomean")) {
        check_geomean(t, f);
    } else if (!strcmp(kind, "utest")) {
        check_utest(t, f);
    } else {
        mismatch(t, "unknown case kind %s", kind);
    }
}

static tally check_table(const char *path)
{
    tally t = {.path = path};
    pg_error err;
    pg_lines *r = pg_lines_open(path, NULL, 1 << 20, &err);
    if (!r)
        fail_msg("%s", err.msg);
    const char *line;
    size_t len;
    int rc;
    char *buf = NULL;
    while ((rc = pg_lines_next(r, &line, &len, &err)) == 1) {
        t.line = pg_lines_number(r);
        if (len == 0 || line[0] == '#')
            continue;
        buf = pg_xrealloc(buf, len + 1);
        memcpy(buf, line, len);
        buf[len] = '\0';
        char *fields[MAX_FIELDS];
        int nf = 0;
        for (char *s = strtok(buf, " "); s && nf < MAX_FIELDS; s = strtok(NULL, " "))
            fields[nf++] = s;
        assert_true(nf >= 2 && nf < MAX_FIELDS);
        check_line(&t, fields, nf);
    }
    if (rc < 0)
        fail_msg("%s", err.msg);
    free(buf);
    pg_lines_close(r);
    pg_gomath_set_fma(-1);
    printf("%s: %zu cases, %zu failures\n", path, t.cases, t.failures);
    for (int i = 0; i < PATHS; i++)
        if (t.utests[i])
            printf("  U tests, %s: %zu, p bit-identical in %zu, others within %.3g relative\n",
                   path_name[i], t.utests[i], t.p_identical[i], t.p_max_rel[i]);
    return t;
}

static void test_table(void **state)
{
    tally t = check_table(*state);
    assert_true(t.cases > 100);
    assert_int_equal(t.failures, 0);
}

int main(int argc, char **argv)
{
    static char fma[] = PG_ORACLE_DIR "/table-fma.txt";
    static char nofma[] = PG_ORACLE_DIR "/table-nofma.txt";
    struct CMUnitTest tests[64];
    int n = 0;
    if (argc > 1) {
        for (int i = 1; i < argc && n < 64; i++)
            tests[n++] = (struct CMUnitTest){argv[i], test_table, NULL, NULL, argv[i]};
    } else {
        tests[n++] = (struct CMUnitTest){"table-fma", test_table, NULL, NULL, fma};
        tests[n++] = (struct CMUnitTest){"table-nofma", test_table, NULL, NULL, nofma};
    }
    return _cmocka_run_group_tests("test_stats_oracle", tests, (size_t)n, NULL, NULL);
}
