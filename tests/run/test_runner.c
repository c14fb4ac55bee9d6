/*
 * Tests of the go driver and the interleaver against a real Go module
 * (testdata/benchmod): build with `go test -c`, list, discover leaves, run
 * interleaved rounds, and drop a benchmark that panics or hangs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pg_go.h"
#include "pg_runner.h"

static char tmpdir[] = "/tmp/pg-runner-XXXXXX";
static char bin[256];
static const char *moddir = PG_TESTS_DIR "/run/testdata/benchmod";

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(bin, sizeof bin, "%s/benchmod.test", tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd);
}

static void test_build_and_list(void **state)
{
    (void)state;
    pg_error err;
    pg_go *go = pg_go_create(NULL, &err);
    assert_non_null(go);
    assert_int_equal(strncmp(pg_go_version(go), "go1.", 4), 0);

    const char *patterns[] = {"./..."};
    pg_go_packages pkgs;
    assert_int_equal(pg_go_list(go, moddir, patterns, 1, &pkgs, &err), 0);
    assert_int_equal(pkgs.count, 1);
    assert_string_equal(pkgs.items[0].import_path, "example.com/benchmod");
    assert_true(pkgs.items[0].has_tests);

    pg_buf log = {0};
    int built = 0;
    assert_int_equal(pg_go_build_test(go, moddir, pkgs.items[0].import_path, bin, NULL, 0, NULL,
                                      300, &built, &log, &err),
                     0);
    assert_true(built);

    pg_buf names = {0};
    assert_int_equal(pg_go_list_benchmarks(go, bin, moddir, ".", &names, &err), 3);
    assert_string_equal(names.data, "BenchmarkFlat");

    pg_buf leaves = {0};
    assert_int_equal(pg_runner_discover(bin, moddir, "Flat|Sizes", NULL, 60, &leaves, &err), 3);
    const char *want[] = {"BenchmarkFlat", "BenchmarkSizes/n=10", "BenchmarkSizes/n=1000"};
    const char *p = leaves.data;
    for (int i = 0; i < 3; i++, p += strlen(p) + 1)
        assert_string_equal(p, want[i]);

    pg_buf_free(&log);
    pg_buf_free(&names);
    pg_buf_free(&leaves);
    pg_go_packages_free(&pkgs);
    pg_go_free(go);
}

typedef struct tally {
    int runs[4][2];     /* per job and side */
    int prepared_ok;    /* every sample carried its own prepare result */
    int last_round[4];  /* the round of the job's last run */
    int interleaved_ok; /* each job's two sides ran within the same round */
    int failed;
} tally;

static int on_sample(void *ctx, const pg_runner_sample *s, pg_error *err)
{
    (void)err;
    tally *t = ctx;
    t->runs[s->job][s->side]++;
    if (s->prepared) {
        const int *id = s->prepared;
        if (*id != (int)s->job * 1000 + s->side * 100 + s->round)
            t->prepared_ok = 0;
        free(s->prepared);
    } else if (pg_proc_ok(s->proc)) {
        t->prepared_ok = 0;
    }
    if (t->runs[s->job][s->side] != s->round + 1)
        t->interleaved_ok = 0;
    if (!pg_proc_ok(s->proc) || !strstr(pg_buf_str(&s->proc->out), "ns/op")) {
        t->failed++;
        return PG_RUNNER_FAILED;
    }
    return PG_RUNNER_OK;
}

/* Runs on a runner thread: touches only its own allocation. A run that
 * failed is not prepared (as the suite does with its trace). */
static void *prepare(void *ctx, const pg_runner_sample *s)
{
    (void)ctx;
    if (!pg_proc_ok(s->proc))
        return NULL;
    int *id = malloc(sizeof *id);
    *id = (int)s->job * 1000 + s->side * 100 + s->round;
    return id;
}

static void test_interleaved_rounds(void **state)
{
    (void)state;
    pg_runner_job jobs[] = {
        {"BenchmarkFlat", 1, {bin, bin}, {moddir, moddir}},
        {"BenchmarkSizes/n=10", 2, {bin, bin}, {moddir, moddir}},
        {"BenchmarkSizes/n=1000", 0, {NULL, bin}, {NULL, moddir}}, /* head only */
        {"BenchmarkMisbehave", 1, {bin, bin}, {moddir, moddir}},
    };
    const char *env[] = {"PERFGATE_TEST_MISBEHAVE=panic", NULL};
    pg_runner_opts opts = {.count = 3,
                           .benchtime = "100x",
                           .timeout_sec = 60,
                           .env = env,
                           .trace_dir = tmpdir,
                           .seed = 42,
                           .prepare = prepare};
    tally t = {.interleaved_ok = 1, .prepared_ok = 1};
    pg_error err;
    assert_int_equal(pg_runner_run(jobs, 4, &opts, on_sample, NULL, &t, &err), 0);
    assert_true(t.interleaved_ok);
    assert_true(t.prepared_ok);
    assert_int_equal(t.runs[0][0], 3);
    assert_int_equal(t.runs[0][1], 3);
    assert_int_equal(t.runs[1][1], 3);
    assert_int_equal(t.runs[2][0], 0);
    assert_int_equal(t.runs[2][1], 3);
    /* The panicking benchmark failed once and was not run again. */
    assert_int_equal(t.runs[3][0] + t.runs[3][1], 1);
    assert_int_equal(t.failed, 1);
    char trace[400];
    snprintf(trace, sizeof trace, "%s/BenchmarkSizes_n=10-cpu2-head-2.trace", tmpdir);
    assert_int_equal(access(trace, R_OK), 0);

    /* A second look: rounds 3 and 4 of job 1 only. */
    unsigned char only[] = {0, 1, 0, 0};
    opts.first_round = 3;
    opts.count = 5;
    opts.only = only;
    assert_int_equal(pg_runner_run(jobs, 4, &opts, on_sample, NULL, &t, &err), 0);
    assert_true(t.interleaved_ok); /* rounds continue at 4, 5 per side */
    assert_true(t.prepared_ok);
    assert_int_equal(t.runs[1][0], 5);
    assert_int_equal(t.runs[1][1], 5);
    assert_int_equal(t.runs[0][0], 3);
    assert_int_equal(t.runs[2][1], 3);
}

static void test_hang_times_out(void **state)
{
    (void)state;
    pg_runner_job jobs[] = {{"BenchmarkMisbehave", 1, {bin, bin}, {moddir, moddir}}};
    const char *env[] = {"PERFGATE_TEST_MISBEHAVE=hang", NULL};
    pg_runner_opts opts = {.count = 5, .benchtime = "1x", .timeout_sec = 1, .env = env, .seed = 1};
    tally t = {.interleaved_ok = 1};
    pg_error err;
    assert_int_equal(pg_runner_run(jobs, 1, &opts, on_sample, NULL, &t, &err), 0);
    assert_int_equal(t.runs[0][0] + t.runs[0][1], 1);
    assert_int_equal(t.failed, 1);
}

typedef struct abort_tally {
    int samples, released;
} abort_tally;

static int on_sample_abort(void *ctx, const pg_runner_sample *s, pg_error *err)
{
    abort_tally *t = ctx;
    t->samples++;
    free(s->prepared);
    pg_error_set(err, "stop here");
    return PG_RUNNER_ABORT;
}

static void release(void *ctx, void *prepared)
{
    abort_tally *t = ctx;
    t->released++;
    free(prepared);
}

/* An abort on the first sample of a pair: the second one never reaches
 * on_sample, and what prepare made for it is released, not leaked. */
static void test_abort_releases_prepared(void **state)
{
    (void)state;
    pg_runner_job jobs[] = {{"BenchmarkFlat", 1, {bin, bin}, {moddir, moddir}}};
    pg_runner_opts opts = {.count = 2,
                           .benchtime = "1x",
                           .timeout_sec = 60,
                           .trace_dir = tmpdir,
                           .seed = 7,
                           .prepare = prepare,
                           .release = release};
    abort_tally t = {0};
    pg_error err;
    assert_int_equal(pg_runner_run(jobs, 1, &opts, on_sample_abort, NULL, &t, &err), -1);
    assert_string_equal(err.msg, "stop here");
    assert_int_equal(t.samples, 1);
    assert_int_equal(t.released, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_list),
        cmocka_unit_test(test_interleaved_rounds),
        cmocka_unit_test(test_hang_times_out),
        cmocka_unit_test(test_abort_releases_prepared),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
