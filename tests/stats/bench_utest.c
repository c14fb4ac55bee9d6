/*
 * Per-call cost of pg_stats_utest on benchmark-shaped data. Not a test: it
 * prints nanoseconds per call for each scenario, e.g.
 *
 *   build/tests/stats/bench_utest [seconds per scenario, default 0.5]
 *
 * Each scenario cycles through 512 different sample pairs so that neither
 * the caches nor the branch predictor see one input only. "Timings" are
 * 1000 * (1 + 0.02|N(0,1)|) rounded to 3 significant digits (as go test
 * prints ns/op around 1µs), so that about half of the values are tied;
 * "continuous" keeps 9 digits (no ties). "same" draws both samples from one
 * distribution (U near its centre, the most work), "shifted" moves the new
 * sample up by 2%.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pg_stats.h"

#define PAIRS 512
#define MAX_N 64

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static double uniform(void)
{
    /* splitmix64 */
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void)
{
    return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform());
}

static double round_digits(double v, int digits)
{
    double scale = pow(10, digits - ceil(log10(v)));
    return round(v * scale) / scale;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void sample(double *v, size_t n, double base, int digits)
{
    for (size_t i = 0; i < n; i++)
        v[i] = round_digits(base * (1 + 0.02 * fabs(normal())), digits);
    qsort(v, n, sizeof *v, cmp_double);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double x[PAIRS][MAX_N], y[PAIRS][MAX_N];

static void scenario(const char *name, size_t n, int digits, double shift, double seconds)
{
    size_t tied = 0, exact = 0, total = 0;
    for (int i = 0; i < PAIRS; i++) {
        sample(x[i], n, 1000, digits);
        sample(y[i], n, 1000 * shift, digits);
        double all[2 * MAX_N];
        for (size_t j = 0; j < n; j++) {
            all[j] = x[i][j];
            all[n + j] = y[i][j];
        }
        qsort(all, 2 * n, sizeof *all, cmp_double);
        for (size_t j = 0; j < 2 * n; j++)
            tied += (j > 0 && all[j] == all[j - 1]) || (j + 1 < 2 * n && all[j] == all[j + 1]);
        total += 2 * n;
    }
    pg_utest u;
    double psum = 0;
    long calls = 0;
    double start = now(), elapsed;
    do {
        for (int i = 0; i < PAIRS; i++) {
            pg_stats_utest(x[i], n, y[i], n, &u);
            psum += u.p;
            exact += (size_t)u.exact;
        }
        calls += PAIRS;
        elapsed = now() - start;
    } while (elapsed < seconds);
    printf("%-34s n=%2zu+%-2zu %5.1f%% of values tied, %3.0f%% exact: %9.2f us/call "
           "(mean p %.3f)\n",
           name, n, n, 100.0 * (double)tied / (double)total, 100.0 * (double)exact / (double)calls,
           1e6 * elapsed / (double)calls, psum / (double)calls);
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 0.5;
    scenario("timings, same distribution", 20, 4, 1, seconds);
    scenario("timings, shifted 2%", 20, 4, 1.02, seconds);
    scenario("coarse timings, same distribution", 20, 3, 1, seconds);
    scenario("continuous, same distribution", 20, 9, 1, seconds);
    scenario("continuous, shifted 2%", 20, 9, 1.02, seconds);
    scenario("timings, same (largest exact)", 25, 3, 1, seconds);
    scenario("continuous, same (largest exact)", 50, 9, 1, seconds);
    scenario("timings, same (normal approx.)", 30, 3, 1, seconds);
    return 0;
}
