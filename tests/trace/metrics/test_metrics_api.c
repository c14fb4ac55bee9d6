/*
 * Unit tests of the pg_trace_metrics API beyond what the JSON comparison
 * covers: the units the gate reads (values, directions, per-op flags, the
 * span they come from), options, traces in memory, damaged and unreadable
 * input. Values are those of checked-in traces (PG_SOURCE_DIR).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pg_buf.h"
#include "pg_trace_metrics.h"

#define TRACE(name) PG_SOURCE_DIR "/tests/trace/" name

static const pg_trace_unit *unit(const pg_trace_metrics *m, const char *name)
{
    size_t n;
    const pg_trace_unit *u = pg_trace_metrics_units(m, &n, NULL);
    for (size_t i = 0; i < n; i++)
        if (strcmp(u[i].unit, name) == 0)
            return &u[i];
    fail_msg("no unit %s", name);
    return NULL;
}

/* A benchmark trace: the units are the timed window's. */
static void test_units_timed(void **state)
{
    (void)state;
    pg_error err;
    pg_trace_metrics *m =
        pg_trace_metrics_compute(TRACE("corpus/go126-mandel-pixel.trace"), NULL, &err);
    assert_non_null(m);
    assert_null(pg_trace_metrics_partial(m));
    assert_int_equal(pg_trace_metrics_format(m), 26);
    const pg_trace_figures *t = pg_trace_metrics_timed(m), *w = pg_trace_metrics_whole(m);
    assert_non_null(t);
    /* The timed window is the last runN: after the trace start, shorter. */
    assert_true(t->start_ns > 0 && t->duration_ns < w->duration_ns);
    assert_int_equal(t->start_ns + t->duration_ns, w->duration_ns);
    assert_true(w->gc.forced_by_benchmark > 0 && t->gc.forced_by_benchmark == 0);
    int timed;
    size_t n;
    pg_trace_metrics_units(m, &n, &timed);
    assert_int_equal(timed, 1);
    assert_int_equal(n, 12 + 4);

    /* The gate's block-sync-sec leaves out package testing waiting for the
     * benchmark goroutine: in the timed window of a sub-benchmark two
     * goroutines wait (the top level in B.Run, its parent in B.run1), each
     * for most of the b.N loop; the workers' own waits remain. */
    const pg_trace_unit *u = unit(m, "block-sync-sec");
    assert_true(t->block_harness_ns < t->block_sync_ns);
    assert_true(t->block_harness_ns > t->duration_ns && t->block_harness_ns <= 2 * t->duration_ns);
    assert_true(u->value == (double)(t->block_sync_ns - t->block_harness_ns) / 1e9);
    assert_true(u->value > 0);
    assert_int_equal(u->per_op, 1);
    assert_int_equal(u->better, PG_TRACE_LOWER_IS_BETTER);
    u = unit(m, "runnable-sec");
    assert_true(u->value == (double)t->runnable_ns / 1e9);
    /* Goroutine per pixel: nearly all runnable time precedes a first run. */
    assert_true(t->runnable_ns > 100 * t->sched_latency_ns);
    u = unit(m, "goroutines");
    assert_true(u->value == (double)t->goroutines_created && u->value > 1000);
    u = unit(m, "gc-stw-max-sec");
    assert_true(u->value == (double)t->gc.stw.max_ns / 1e9);
    assert_int_equal(u->per_op, 0);
    u = unit(m, "p-util");
    assert_true(u->value == t->p_utilization && u->value > 0 && u->value < 1);
    assert_int_equal(u->better, PG_TRACE_HIGHER_IS_BETTER);
    u = unit(m, "mmu-1ms");
    assert_true(u->value == t->mmu[1]);
    assert_int_equal(u->better, PG_TRACE_HIGHER_IS_BETTER);
    unit(m, "mmu-100us");
    unit(m, "mmu-100ms");
    /* The P-time fractions partition P-time. */
    double sum = t->p_utilization + t->p_gc + t->p_stw_other + t->p_runtime_other + t->p_idle;
    assert_true(sum > 1 - 1e-9 && sum < 1 + 1e-9);
    pg_trace_metrics_free(m);
}

/* Not a benchmark: no timed window, units of the whole trace; options. */
static void test_units_whole_and_windows(void **state)
{
    (void)state;
    static const int64_t windows[] = {50000, 2500000};
    pg_trace_metrics_options opts = {windows, 2};
    pg_error err;
    pg_trace_metrics *m =
        pg_trace_metrics_compute(TRACE("reader/testdata/go123-gcheavy.trace"), &opts, &err);
    assert_non_null(m);
    assert_null(pg_trace_metrics_timed(m));
    int timed;
    size_t n;
    pg_trace_metrics_units(m, &n, &timed);
    assert_int_equal(timed, 0);
    assert_int_equal(n, 12 + 2);
    const int64_t *w;
    assert_int_equal(pg_trace_metrics_mmu_windows(m, &w), 2);
    assert_int_equal(w[1], 2500000);
    const pg_trace_figures *f = pg_trace_metrics_whole(m);
    assert_int_equal(f->n_mmu, 2);
    assert_true(unit(m, "mmu-2500us")->value == f->mmu[1]);
    assert_true(unit(m, "mmu-50us")->value == f->mmu[0]);
    /* Values of the reference tool (expected/go123-gcheavy.windows.json). */
    assert_int_equal(f->block_sync_ns, 65185216);
    assert_int_equal(f->sched_latency_ns, 121878142);
    assert_int_equal(f->gc.count, 11);
    assert_int_equal(f->gc.stw.count, 22);
    char name[32];
    pg_trace_metrics_window_name(1000000000, name, sizeof name);
    assert_string_equal(name, "1s");
    pg_trace_metrics_window_name(1500, name, sizeof name);
    assert_string_equal(name, "1500ns");
    pg_trace_metrics_free(m);
}

static void *slurp(const char *path, size_t *len)
{
    pg_buf b = {0};
    assert_int_equal(pg_buf_read_file(&b, path), 0);
    *len = b.len;
    return pg_buf_detach(&b);
}

/* A trace in memory gives the same figures as the file; the damaged one
 * that cannot be ordered mid-generation is read again up to the last
 * complete generation, from memory too. */
static void test_mem_and_damage(void **state)
{
    (void)state;
    static const char *const paths[] = {
        TRACE("reader/testdata/go122-bench.trace"),
        TRACE("metrics/damaged/chanblock-multigen-unorderable.trace")};
    for (int i = 0; i < 2; i++) {
        size_t len;
        void *data = slurp(paths[i], &len);
        pg_error err;
        pg_trace_metrics *a = pg_trace_metrics_compute(paths[i], NULL, &err);
        pg_trace_metrics *b = pg_trace_metrics_compute_mem(data, len, "mem", NULL, &err);
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(!pg_trace_metrics_partial(a), i == 0);
        assert_int_equal(!pg_trace_metrics_partial(b), i == 0);
        const pg_trace_figures *fa = pg_trace_metrics_whole(a), *fb = pg_trace_metrics_whole(b);
        assert_int_equal(fa->duration_ns, fb->duration_ns);
        assert_int_equal(fa->block_sync_ns, fb->block_sync_ns);
        assert_int_equal(fa->ptime.user_ns, fb->ptime.user_ns);
        assert_true(fa->mmu[2] == fb->mmu[2]);
        if (i == 1) {
            /* Two complete generations of four (expected/...-unorderable.json). */
            assert_int_equal(pg_trace_metrics_info_of(a)->generations, 2);
            assert_int_equal(fa->duration_ns, 5711104);
            assert_non_null(strstr(pg_trace_metrics_partial(b), "mem: generation 3"));
        }
        pg_trace_metrics_free(a);
        pg_trace_metrics_free(b);
        free(data);
    }
}

static void test_unreadable(void **state)
{
    (void)state;
    pg_error err;
    assert_null(pg_trace_metrics_compute(TRACE("metrics/damaged/first-generation-truncated.trace"),
                                         NULL, &err));
    assert_non_null(strstr(err.msg, "first-generation-truncated.trace"));
    assert_non_null(strstr(err.msg, "no complete generation"));
    assert_null(pg_trace_metrics_compute(TRACE("metrics/README.md"), NULL, &err));
    assert_null(pg_trace_metrics_compute_mem("", 0, "empty", NULL, &err));
    assert_non_null(strstr(err.msg, "empty"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units_timed),
        cmocka_unit_test(test_units_whole_and_windows),
        cmocka_unit_test(test_mem_and_damage),
        cmocka_unit_test(test_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
