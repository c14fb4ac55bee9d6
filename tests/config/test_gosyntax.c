/*
 * The Go-syntax ports of config/pg_gosyntax.c against Go 1.26 itself: every
 * vector in gosyntax_vectors.inc is what time.ParseDuration,
 * Duration.String, regexp.Compile or a real test binary's -test.bench and
 * -test.benchtime said about the same input (gen/gosyntax_vectors.go).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pg_buf.h"
#include "pg_gosyntax.h"

#include "gosyntax_vectors.inc"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Go's time.quote: non-ASCII and control bytes as \xNN. */
static void go_quote(pg_buf *b, const char *s, size_t len)
{
    pg_buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c < ' ')
            pg_buf_printf(b, "\\x%02x", c);
        else if (c == '"' || c == '\\')
            pg_buf_printf(b, "\\%c", c);
        else
            pg_buf_putc(b, (char)c);
    }
    pg_buf_putc(b, '"');
}

static void test_duration_parse(void **state)
{
    (void)state;
    size_t failures = 0;
    for (size_t i = 0; i < COUNT(duration_vectors); i++) {
        const struct duration_vector *v = &duration_vectors[i];
        size_t len = strlen(v->in), uoff = 0, ulen = 0;
        int64_t ns = 0;
        pg_gosyntax_duration_error e = pg_gosyntax_duration_parse(v->in, len, &ns, &uoff, &ulen);
        /* Rebuild Go's message from our reason, to compare it exactly. */
        pg_buf got = {0};
        if (e == PG_GOSYNTAX_DURATION_UNKNOWN_UNIT) {
            pg_buf_puts(&got, "time: unknown unit ");
            go_quote(&got, v->in + uoff, ulen);
            pg_buf_puts(&got, " in duration ");
        } else if (e == PG_GOSYNTAX_DURATION_MISSING_UNIT) {
            pg_buf_puts(&got, "time: missing unit in duration ");
        } else if (e == PG_GOSYNTAX_DURATION_INVALID || e == PG_GOSYNTAX_DURATION_OVERFLOW) {
            pg_buf_puts(&got, "time: invalid duration ");
        }
        if (e != PG_GOSYNTAX_DURATION_OK)
            go_quote(&got, v->in, len);
        int ok = e == PG_GOSYNTAX_DURATION_OK;
        if (ok != v->ok || (ok && ns != v->ns) || (!ok && strcmp(pg_buf_str(&got), v->err) != 0)) {
            print_error("duration %s: got ok=%d ns=%lld %s; Go says ok=%d ns=%lld %s\n", v->in, ok,
                        (long long)ns, pg_buf_str(&got), v->ok, v->ns, v->err ? v->err : "");
            failures++;
        }
        pg_buf_free(&got);
    }
    assert_int_equal(failures, 0);
}

/* Overflow is Go's "invalid duration" too, but told apart for the message. */
static void test_duration_overflow(void **state)
{
    (void)state;
    int64_t ns;
    const char *over[] = {"9223372036854775808ns", "2562048h", "3000000h", "2562047h48m",
                          "99999999999999999999ns"};
    for (size_t i = 0; i < COUNT(over); i++)
        assert_int_equal(pg_gosyntax_duration_parse(over[i], strlen(over[i]), &ns, NULL, NULL),
                         PG_GOSYNTAX_DURATION_OVERFLOW);
    assert_int_equal(pg_gosyntax_duration_parse(".s", 2, &ns, NULL, NULL),
                     PG_GOSYNTAX_DURATION_INVALID);
}

static void test_duration_format(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(format_vectors); i++) {
        pg_buf b = {0};
        pg_gosyntax_duration_format(&b, format_vectors[i].ns);
        assert_string_equal(pg_buf_str(&b), format_vectors[i].out);
        pg_buf_free(&b);
    }
}

/* The formatted form parses back to the same value (the config's canonical
 * text relies on it). */
static void test_duration_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(format_vectors); i++) {
        pg_buf b = {0};
        pg_gosyntax_duration_format(&b, format_vectors[i].ns);
        int64_t ns;
        assert_int_equal(pg_gosyntax_duration_parse(b.data, b.len, &ns, NULL, NULL),
                         PG_GOSYNTAX_DURATION_OK);
        assert_int_equal(ns, format_vectors[i].ns);
        pg_buf_free(&b);
    }
}

static void test_benchtime(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(benchtime_vectors); i++) {
        const struct benchtime_vector *v = &benchtime_vectors[i];
        int64_t n = -1, ns = -1;
        const char *why = NULL;
        int rc = pg_gosyntax_benchtime_parse(v->in, strlen(v->in), &n, &ns, &why);
        if (v->ok) {
            assert_int_equal(rc, 0);
            assert_int_equal(n, v->n);
            assert_int_equal(ns, v->ns);
        } else {
            assert_int_equal(rc, -1);
            /* testing's two messages */
            assert_true(strcmp(why, "invalid count") == 0 || strcmp(why, "invalid duration") == 0);
        }
    }
}

static void test_regexp(void **state)
{
    (void)state;
    size_t failures = 0, invalid = 0;
    for (size_t i = 0; i < COUNT(regexp_vectors); i++) {
        const struct regexp_vector *v = &regexp_vectors[i];
        pg_buf msg = {0};
        int rc = pg_gosyntax_regexp_check(v->in, strlen(v->in), &msg);
        invalid += v->err != NULL;
        if (v->err ? rc != -1 || strcmp(pg_buf_str(&msg), v->err) != 0 : rc != 0) {
            print_error("regexp `%s`: got %s, Go says %s\n", v->in, rc ? pg_buf_str(&msg) : "ok",
                        v->err ? v->err : "ok");
            failures++;
        }
        pg_buf_free(&msg);
    }
    assert_int_equal(failures, 0);
    /* The corpus exercises both outcomes in volume. */
    assert_true(invalid > 500 && COUNT(regexp_vectors) - invalid > 500);
}

static void test_bench_pattern(void **state)
{
    (void)state;
    size_t failures = 0;
    for (size_t i = 0; i < COUNT(bench_vectors); i++) {
        const struct bench_vector *v = &bench_vectors[i];
        pg_buf msg = {0};
        int ok = pg_gosyntax_bench_check(v->in, strlen(v->in), &msg) == 0;
        if (ok != v->ok) {
            print_error("-test.bench `%s`: got %s, the test binary says %s\n", v->in,
                        ok ? "ok" : pg_buf_str(&msg), v->ok ? "ok" : "invalid");
            failures++;
        }
        pg_buf_free(&msg);
    }
    assert_int_equal(failures, 0);
}

static void test_bench_message(void **state)
{
    (void)state;
    pg_buf msg = {0};
    assert_int_equal(pg_gosyntax_bench_check("a(b", 3, &msg), -1);
    assert_string_equal(pg_buf_str(&msg), "error parsing regexp: missing closing ): `a(b`");
    pg_buf_truncate(&msg, 0);
    /* One part of a split pattern is named, with the split explained. */
    assert_int_equal(pg_gosyntax_bench_check("Parse/sub(", 10, &msg), -1);
    assert_string_equal(pg_buf_str(&msg),
                        "in the part `sub(` (go test splits the pattern at `/` and `|`): error "
                        "parsing regexp: missing closing ): `sub(`");
    pg_buf_free(&msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_parse),  cmocka_unit_test(test_duration_overflow),
        cmocka_unit_test(test_duration_format), cmocka_unit_test(test_duration_round_trip),
        cmocka_unit_test(test_benchtime),       cmocka_unit_test(test_regexp),
        cmocka_unit_test(test_bench_pattern),   cmocka_unit_test(test_bench_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
