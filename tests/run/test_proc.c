/*
 * Unit tests of gate/run/pg_proc: capture, exit statuses, signals, the
 * deadline (which must also kill grandchildren), bounded capture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <string.h>

#include <cmocka.h>

#include "pg_proc.h"

static void run_sh(const char *script, double timeout, pg_proc_result *res)
{
    const char *argv[] = {"sh", "-c", script, NULL};
    const char *env[] = {"PG_TEST_VAR=overridden", NULL};
    pg_proc_spec spec = {.argv = argv, .env = env, .timeout_sec = timeout, .max_output = 1000};
    pg_error err;
    assert_int_equal(pg_proc_run(&spec, res, &err), 0);
}

static void test_capture_and_status(void **state)
{
    (void)state;
    pg_proc_result res;
    run_sh("echo out; echo err >&2; echo $PG_TEST_VAR; exit 7", 10, &res);
    assert_string_equal(pg_buf_str(&res.out), "out\noverridden\n");
    assert_string_equal(pg_buf_str(&res.err), "err\n");
    assert_true(res.exited);
    assert_int_equal(res.exit_code, 7);
    assert_false(res.timed_out);
    assert_false(pg_proc_ok(&res));
    pg_proc_result_free(&res);

    run_sh("kill -SEGV $$", 10, &res);
    assert_false(res.exited);
    assert_int_equal(res.signal, SIGSEGV);
    pg_proc_result_free(&res);
}

static void test_timeout_kills_group(void **state)
{
    (void)state;
    pg_proc_result res;
    /* The grandchild holds stdout open: only killing the group ends it. */
    run_sh("echo started; sleep 30 & sleep 30", 0.3, &res);
    assert_true(res.timed_out);
    assert_false(res.exited);
    assert_int_equal(res.signal, SIGKILL);
    assert_true(res.wall_sec < 5);
    assert_string_equal(pg_buf_str(&res.out), "started\n");
    pg_proc_result_free(&res);
}

static void test_bounded_capture(void **state)
{
    (void)state;
    pg_proc_result res;
    run_sh("i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done; echo LAST", 20, &res);
    assert_true(res.truncated);
    const char *out = pg_buf_str(&res.out);
    assert_int_equal(strncmp(out, "line0\nline1\n", 12), 0);
    assert_non_null(strstr(out, "perfgate dropped"));
    assert_int_equal(strcmp(out + res.out.len - 5, "LAST\n"), 0);
    pg_proc_result_free(&res);
}

static void test_missing_program(void **state)
{
    (void)state;
    const char *argv[] = {"perfgate-no-such-program", NULL};
    pg_proc_spec spec = {.argv = argv};
    pg_proc_result res;
    pg_error err;
    assert_int_equal(pg_proc_run(&spec, &res, &err), -1);
    assert_string_equal(err.msg, "cannot run perfgate-no-such-program: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_and_status),
        cmocka_unit_test(test_timeout_kills_group),
        cmocka_unit_test(test_bounded_capture),
        cmocka_unit_test(test_missing_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
