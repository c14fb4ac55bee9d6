/*
 * Unit tests of gate/util: Go float formatting, interning, line splitting,
 * reading streams into buffers, cutting regexps at top-level separators.
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
#include <unistd.h>

#include <cmocka.h>

#include "pg_buf.h"
#include "pg_fmt.h"
#include "pg_intern.h"
#include "pg_lines.h"
#include "pg_scan.h"

static void check_go_float(double v, const char *want)
{
    pg_buf b = {0};
    pg_fmt_go_float(&b, v);
    assert_string_equal(pg_buf_str(&b), want);
    pg_buf_free(&b);
}

/* Expected strings are Go's fmt.Sprint of the same float64. */
static void test_go_float(void **state)
{
    (void)state;
    check_go_float(0, "0");
    check_go_float(-0.0, "-0");
    check_go_float(1, "1");
    check_go_float(100000, "100000");
    check_go_float(999999, "999999");
    check_go_float(123456.7, "123456.7");
    check_go_float(1e6, "1e+06");
    check_go_float(1048576, "1.048576e+06");
    check_go_float(3.298534883328e12, "3.298534883328e+12");
    check_go_float(0.0001, "0.0001");
    check_go_float(0.000123, "0.000123");
    check_go_float(1e-5, "1e-05");
    volatile double nano = 1e-9; /* runtime multiplication, as benchstat tidies */
    check_go_float(1718 * nano, "1.7180000000000001e-06");
    check_go_float(1726 * nano, "1.726e-06");
    check_go_float(3 * nano, "3.0000000000000004e-09");
    check_go_float(1.5e300, "1.5e+300");
    check_go_float(5e-324, "5e-324");
    check_go_float(1.7976931348623157e308, "1.7976931348623157e+308");
    check_go_float(0.1 + 0.2, "0.30000000000000004");
    check_go_float(-2.5, "-2.5");
    check_go_float(NAN, "NaN");
    check_go_float(INFINITY, "+Inf");
    check_go_float(-INFINITY, "-Inf");
}

static void test_positional(void **state)
{
    (void)state;
    const struct {
        double v;
        const char *want;
    } cases[] = {{0, "0"},           {5, "5"},
                 {0.5, "0.5"},       {1e-07, "0.0000001"},
                 {123.25, "123.25"}, {1e21, "1000000000000000000000"},
                 {-2.5, "-2.5"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pg_buf b = {0};
        pg_fmt_positional(&b, cases[i].v);
        assert_string_equal(pg_buf_str(&b), cases[i].want);
        pg_buf_free(&b);
    }
}

static void test_intern(void **state)
{
    (void)state;
    pg_intern *t = pg_intern_create();
    char key[32];
    for (int i = 0; i < 10000; i++) {
        int n = snprintf(key, sizeof key, "Benchmark%d", i);
        int added = 0;
        assert_int_equal(pg_intern_add(t, key, (size_t)n, &added), (size_t)i);
        assert_true(added);
    }
    int added = 1;
    assert_int_equal(pg_intern_add(t, "Benchmark42", 11, &added), 42);
    assert_false(added);
    assert_int_equal(pg_intern_find(t, "Benchmark9999", 13), 9999);
    assert_int_equal(pg_intern_find(t, "Benchmark10000", 14), PG_INTERN_NONE);
    size_t len;
    assert_string_equal(pg_intern_key(t, 7, &len), "Benchmark7");
    assert_int_equal(len, 10);
    /* Keys with NUL bytes are distinct from their prefixes. */
    size_t a = pg_intern_add(t, "a\0b", 3, NULL);
    size_t b = pg_intern_add(t, "a", 1, NULL);
    assert_int_not_equal(a, b);
    assert_int_equal(pg_intern_count(t), 10002);
    pg_intern_free(t);
}

static void test_lines(void **state)
{
    (void)state;
    const char text[] = "one\r\ntwo\n\nthree";
    pg_lines *r = pg_lines_from_mem(text, sizeof text - 1, "mem", 0);
    const char *line;
    size_t len;
    pg_error err;
    const char *want[] = {"one", "two", "", "three"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pg_lines_next(r, &line, &len, &err), 1);
        assert_int_equal(len, strlen(want[i]));
        assert_memory_equal(line, want[i], len);
        assert_int_equal(pg_lines_number(r), (size_t)i + 1);
    }
    assert_int_equal(pg_lines_next(r, &line, &len, &err), 0);
    pg_lines_close(r);

    r = pg_lines_from_mem("short\nmuch too long\n", 19, "mem", 8);
    assert_int_equal(pg_lines_next(r, &line, &len, &err), 1);
    assert_int_equal(pg_lines_next(r, &line, &len, &err), -1);
    assert_string_equal(err.msg, "mem:1: line 2 is longer than 8 bytes");
    pg_lines_close(r);
}

/* More than one read's worth, with a NUL inside, appended after what the
 * buffer holds. */
static void test_buf_read(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    for (int i = 0; i < 10000; i++)
        fputc(i == 5000 ? '\0' : 'a' + i % 26, f);
    rewind(f);
    pg_buf b = {0};
    pg_buf_puts(&b, "head:");
    assert_int_equal(pg_buf_read(&b, f), 0);
    assert_int_equal(b.len, 5 + 10000);
    assert_memory_equal(b.data, "head:abc", 8);
    assert_int_equal(b.data[5 + 5000], '\0');
    assert_int_equal(b.data[5 + 9999], 'a' + 9999 % 26);
    assert_int_equal(b.data[b.len], '\0');
    /* At the end of the stream: nothing more, no error. */
    assert_int_equal(pg_buf_read(&b, f), 0);
    assert_int_equal(b.len, 5 + 10000);
    fclose(f);
    pg_buf_free(&b);
}

/* A whole file appended; a missing one is -1 with errno, the buffer kept. */
static void test_buf_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/pg_buf_read_file.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "line 1\nline 2\n", 14), 14);
    close(fd);
    pg_buf b = {0};
    pg_buf_puts(&b, ">");
    assert_int_equal(pg_buf_read_file(&b, path), 0);
    assert_string_equal(pg_buf_str(&b), ">line 1\nline 2\n");
    unlink(path);
    errno = 0;
    assert_int_equal(pg_buf_read_file(&b, path), -1);
    assert_int_equal(errno, ENOENT);
    assert_string_equal(pg_buf_str(&b), ">line 1\nline 2\n");
    pg_buf_free(&b);
}

static void check_scan(const char *re, const char *stops, size_t want)
{
    assert_int_equal(pg_scan_regexp_until(re, strlen(re), stops), want);
}

/* The counting of testing.splitRegexp and benchstat's regexpParseUntil,
 * corner cases included: it counts brackets, it does not parse classes. */
static void test_scan_regexp(void **state)
{
    (void)state;
    check_scan("", "/", 0);
    check_scan("abc", "/", 3);
    check_scan("a/b|c", "/|", 1);
    check_scan("a|b/c", "/|", 1);
    check_scan("a|b/c", "/", 3);
    check_scan("[/|]x/y", "/|", 5);
    check_scan("(a/b|c)|d", "/|", 7);
    check_scan("([)]/x)/y", "/", 7); /* ')' inside brackets does not close */
    check_scan("a\\/b/c", "/", 4);   /* an escaped '/' is no separator */
    check_scan("abc\\", "/", 4);     /* a trailing backslash stays inside */
    check_scan("]/x", "/", 1);       /* an unmatched ']' is legal */
    check_scan("a)/b", "/", 4);      /* an unmatched ')' never closes */
    check_scan("[[]/]/x", "/", 5);   /* Go counts the second '[' as nesting */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_go_float),    cmocka_unit_test(test_positional),
        cmocka_unit_test(test_intern),      cmocka_unit_test(test_lines),
        cmocka_unit_test(test_buf_read),    cmocka_unit_test(test_buf_read_file),
        cmocka_unit_test(test_scan_regexp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
