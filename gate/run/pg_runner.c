/*
 * Interleaved A/B execution of benchmark processes (see pg_runner.h).
 */
#include "pg_runner.h"

#include <pthread.h>
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

/* One executed process, between its run and its report. */
typedef struct run {
    pg_buf bench, benchtime, cpu, trace; /* argv's storage */
    const char *argv[12];
    pg_proc_result res;
    pg_runner_sample sample;
} run;

/* Runs job j on `side` into r; -1 when the process could not be started. */
static int run_exec(const pg_runner_job *jobs, size_t j, int side, int round,
                    const pg_runner_opts *opts, run *r, pg_error *err)
{
    const pg_runner_job *job = &jobs[j];
    memset(r, 0, sizeof *r);
    pg_buf_puts(&r->bench, "-test.bench=");
    pg_go_bench_pattern(&r->bench, job->name);
    size_t n = 0;
    r->argv[n++] = job->bin[side];
    r->argv[n++] = "-test.run=^$";
    r->argv[n++] = pg_buf_str(&r->bench);
    r->argv[n++] = "-test.count=1";
    r->argv[n++] = "-test.benchmem";
    if (opts->benchtime) {
        pg_buf_printf(&r->benchtime, "-test.benchtime=%s", opts->benchtime);
        r->argv[n++] = pg_buf_str(&r->benchtime);
    }
    if (job->cpu > 0) {
        pg_buf_printf(&r->cpu, "-test.cpu=%d", job->cpu);
        r->argv[n++] = pg_buf_str(&r->cpu);
    }
    if (opts->trace_dir) {
        pg_buf_printf(&r->trace, "%s/", opts->trace_dir);
        sanitize(&r->trace, job->name);
        pg_buf_printf(&r->trace, "-cpu%d-%s-%d.trace", job->cpu, side ? "head" : "base", round);
        r->argv[n++] = "-test.trace";
        r->argv[n++] = pg_buf_str(&r->trace);
    }
    r->argv[n] = NULL;
    pg_proc_spec spec = {
        .argv = r->argv, .env = opts->env, .cwd = job->dir[side], .timeout_sec = opts->timeout_sec};
    if (pg_proc_run(&spec, &r->res, err) < 0)
        return -1;
    r->sample = (pg_runner_sample){
        j, side, round, r->argv, &r->res, opts->trace_dir ? pg_buf_str(&r->trace) : NULL, NULL};
    return 0;
}

static void run_free(run *r)
{
    pg_proc_result_free(&r->res);
    pg_buf_free(&r->bench);
    pg_buf_free(&r->benchtime);
    pg_buf_free(&r->cpu);
    pg_buf_free(&r->trace);
}

typedef struct prepare_task {
    const pg_runner_opts *opts;
    void *ctx;
    run *r;
} prepare_task;

static void *prepare_thread(void *arg)
{
    prepare_task *t = arg;
    t->r->sample.prepared = t->opts->prepare(t->ctx, &t->r->sample);
    return NULL;
}

/* opts->prepare for the n (1 or 2) runs, the two at once on two threads:
 * between benchmark processes the machine is otherwise idle. */
static void prepare_runs(const pg_runner_opts *opts, void *ctx, run *runs, int n)
{
    if (!opts->prepare)
        return;
    prepare_task tasks[2] = {{opts, ctx, &runs[0]}, {opts, ctx, &runs[1]}};
    pthread_t th;
    int threaded = n == 2 && pthread_create(&th, NULL, prepare_thread, &tasks[1]) == 0;
    prepare_thread(&tasks[0]);
    if (threaded)
        pthread_join(th, NULL);
    else if (n == 2)
        prepare_thread(&tasks[1]);
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
            if (dropped[j]) {
                if (dropped[j] == FAILED)
                    total -= (size_t)((jobs[j].bin[0] != NULL) + (jobs[j].bin[1] != NULL));
                continue;
            }
            /* Both sides run back to back; their samples are prepared (the
             * traces read) together afterwards, then reported in run
             * order. When the first process crashed or hung, the other
             * side does not run: the job is dropped. */
            run runs[2];
            int n = 0;
            for (int i = 0; i < 2 && rc == 0; i++) {
                int side = i ? !first : first;
                if (!jobs[j].bin[side])
                    continue;
                if (n == 1 && !pg_proc_ok(&runs[0].res)) {
                    total--; /* the other side is dropped with the job */
                    break;
                }
                if (on_progress)
                    on_progress(ctx, done, total, round, &jobs[j], side, now_sec() - start);
                if (run_exec(jobs, j, side, round, opts, &runs[n], err) < 0) {
                    run_free(&runs[n]);
                    rc = -1;
                    break;
                }
                n++;
                done++;
            }
            if (rc == 0)
                prepare_runs(opts, ctx, runs, n);
            for (int i = 0; i < n; i++) {
                if (rc == 0) {
                    int r = on_sample(ctx, &runs[i].sample, err);
                    if (r == PG_RUNNER_FAILED)
                        dropped[j] = FAILED;
                    else if (r != PG_RUNNER_OK)
                        rc = -1;
                } else if (runs[i].sample.prepared) {
                    if (opts->release)
                        opts->release(ctx, runs[i].sample.prepared);
                    else
                        free(runs[i].sample.prepared);
                }
                run_free(&runs[i]);
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
