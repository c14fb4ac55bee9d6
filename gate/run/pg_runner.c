/*
 * Interleaved A/B execution of benchmark processes (see pg_runner.h).
 */
#include "pg_runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg_alloc.h"
#include "pg_go.h"
#include "pg_intern.h"

/* splitmix64: a tiny, well-mixed generator; the seed is printed by the
 * caller so that an order can be replayed. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void shuffle(size_t *v, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(next_random(rng) % i);
        size_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* File-name-safe form of a benchmark name for its trace file. */
static void sanitize(pg_buf *out, const char *name)
{
    for (const char *p = name; *p; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '=';
        pg_buf_putc(out, ok ? c : '_');
    }
}

static int run_one(const pg_runner_job *jobs, size_t j, int side, int round,
                   const pg_runner_opts *opts, pg_runner_sample_fn on_sample, void *ctx,
                   pg_error *err)
{
    const pg_runner_job *job = &jobs[j];
    pg_buf bench = {0}, benchtime = {0}, cpu = {0}, trace = {0};
    pg_buf_puts(&bench, "-test.bench=");
    pg_go_bench_pattern(&bench, job->name);
    const char *argv[12];
    size_t n = 0;
    argv[n++] = job->bin[side];
    argv[n++] = "-test.run=^$";
    argv[n++] = pg_buf_str(&bench);
    argv[n++] = "-test.count=1";
    argv[n++] = "-test.benchmem";
    if (opts->benchtime) {
        pg_buf_printf(&benchtime, "-test.benchtime=%s", opts->benchtime);
        argv[n++] = pg_buf_str(&benchtime);
    }
    if (job->cpu > 0) {
        pg_buf_printf(&cpu, "-test.cpu=%d", job->cpu);
        argv[n++] = pg_buf_str(&cpu);
    }
    if (opts->trace_dir) {
        pg_buf_printf(&trace, "%s/", opts->trace_dir);
        sanitize(&trace, job->name);
        pg_buf_printf(&trace, "-cpu%d-%s-%d.trace", job->cpu, side ? "head" : "base", round);
        argv[n++] = "-test.trace";
        argv[n++] = pg_buf_str(&trace);
    }
    argv[n] = NULL;

    pg_proc_spec spec = {
        .argv = argv, .env = opts->env, .cwd = job->dir[side], .timeout_sec = opts->timeout_sec};
    pg_proc_result res;
    int rc = pg_proc_run(&spec, &res, err);
    if (rc == 0) {
        pg_runner_sample s = {j,    side, round,
                              argv, &res, opts->trace_dir ? pg_buf_str(&trace) : NULL};
        rc = on_sample(ctx, &s, err);
        pg_proc_result_free(&res);
    } else {
        rc = PG_RUNNER_ABORT;
    }
    pg_buf_free(&bench);
    pg_buf_free(&benchtime);
    pg_buf_free(&cpu);
    pg_buf_free(&trace);
    return rc;
}

int pg_runner_run(const pg_runner_job *jobs, size_t njobs, const pg_runner_opts *opts,
                  pg_runner_sample_fn on_sample, pg_runner_progress_fn on_progress, void *ctx,
                  pg_error *err)
{
    uint64_t rng = opts->seed ? opts->seed : (uint64_t)time(NULL);
    size_t *order = pg_xcalloc(njobs ? njobs : 1, sizeof *order);
    /* Per job: 0 runs, FAILED dropped after a failure, UNSELECTED not in
     * opts->only (never counted in the total). */
    enum { FAILED = 1, UNSELECTED = 2 };
    char *dropped = pg_xcalloc(njobs ? njobs : 1, 1);
    size_t total = 0, done = 0;
    for (size_t j = 0; j < njobs; j++)
        dropped[j] = opts->only && !opts->only[j] ? UNSELECTED : 0;
    int rounds = opts->count - opts->first_round;
    for (size_t j = 0; j < njobs; j++)
        if (!dropped[j])
            total += (size_t)rounds * (size_t)((jobs[j].bin[0] != NULL) + (jobs[j].bin[1] != NULL));
    double start = now_sec();
    int rc = 0;
    for (int round = opts->first_round; round < opts->count && rc == 0; round++) {
        for (size_t j = 0; j < njobs; j++)
            order[j] = j;
        shuffle(order, njobs, &rng);
        for (size_t k = 0; k < njobs && rc == 0; k++) {
            size_t j = order[k];
            int first = (int)(next_random(&rng) & 1);
            for (int i = 0; i < 2 && rc == 0; i++) {
                int side = i ? !first : first;
                if (!jobs[j].bin[side])
                    continue;
                if (dropped[j]) {
                    total -= dropped[j] == FAILED;
                    continue;
                }
                if (on_progress)
                    on_progress(ctx, done, total, round, &jobs[j], side, now_sec() - start);
                int r = run_one(jobs, j, side, round, opts, on_sample, ctx, err);
                done++;
                if (r == PG_RUNNER_FAILED)
                    dropped[j] = FAILED;
                else if (r != PG_RUNNER_OK)
                    rc = -1;
            }
        }
    }
    if (on_progress && rc == 0)
        on_progress(ctx, done, done, opts->count - 1, NULL, 0, now_sec() - start);
    free(order);
    free(dropped);
    return rc;
}

int pg_runner_discover(const char *bin, const char *dir, const char *bench_regex,
                       const char *const *env, double timeout_sec, pg_buf *leaves, pg_error *err)
{
    pg_buf bench = {0};
    pg_buf_printf(&bench, "-test.bench=%s", bench_regex);
    const char *argv[] = {bin,
                          "-test.run=^$",
                          pg_buf_str(&bench),
                          "-test.benchtime=1x",
                          "-test.count=1",
                          "-test.cpu=1",
                          NULL};
    pg_proc_spec spec = {
        .argv = argv, .env = env, .cwd = dir, .timeout_sec = timeout_sec, .merge_stderr = 1};
    pg_proc_result res;
    int rc = pg_proc_run(&spec, &res, err);
    pg_buf_free(&bench);
    if (rc < 0)
        return -1;
    if (!pg_proc_ok(&res)) {
        pg_buf why = {0};
        pg_proc_describe(&res, &spec, &why);
        pg_buf_truncate(&res.out, 8000);
        pg_error_set(err, "%s (listing its benchmarks) failed (%s):\n%s", bin, pg_buf_str(&why),
                     pg_buf_str(&res.out));
        pg_buf_free(&why);
        pg_proc_result_free(&res);
        return -1;
    }
    /* A result line is "BenchmarkName<ws><iterations><ws>...". */
    int count = 0;
    pg_intern *seen = pg_intern_create();
    char *cursor = res.out.data;
    for (char *line; (line = pg_buf_next_line(&cursor));) {
        if (strncmp(line, "Benchmark", 9) != 0)
            continue;
        size_t len = strcspn(line, " \t");
        const char *rest = line + len;
        rest += strspn(rest, " \t");
        if (!len || *rest < '0' || *rest > '9')
            continue;
        int added;
        pg_intern_add(seen, line, len, &added);
        if (!added)
            continue;
        pg_buf_append(leaves, line, len);
        pg_buf_putc(leaves, '\0');
        count++;
    }
    pg_intern_free(seen);
    pg_proc_result_free(&res);
    return count;
}
