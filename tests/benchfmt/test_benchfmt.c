/*
 * Unit tests of gate/bench: the benchmark-format reader (result lines,
 * every syntax error benchstat reports, configuration scoping, unit
 * metadata, go test -json reassembly, over-long lines, binary input), the
 * Go number syntax, unit tidying and classes, and the text table's value
 * scaling. Expected values are benchstat's (benchstat-spec §1, §2), checked
 * with the benchstat binary where the spec does not spell them out.
 */
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
#include "pg_bench.h"
#include "pg_bench_num.h"
#include "pg_bench_unicode.h"
#include "pg_bench_unit.h"
#include "pg_buf.h"

/* Everything a reader produced, flattened to text for easy assertions:
 * results as "name|iters|value unit[ (orig value orig unit)]...|k=v,..."
 * and diagnostics as "path:line: msg". */
typedef struct parsed {
    pg_buf results, diags;
    int rc;       /* last pg_bench_reader_next status */
    pg_error err; /* its error, if -1 */
    int json, blank;
} parsed;

static void on_diag(void *ctx, const char *path, size_t line, const char *msg)
{
    parsed *p = ctx;
    pg_buf_printf(&p->diags, "%s:%zu: %s\n", path, line, msg);
}

static void format_result(pg_buf *b, const pg_bench_result *r)
{
    pg_buf_append(b, r->name, r->name_len);
    pg_buf_printf(b, "|%lld|", r->iters);
    for (size_t i = 0; i < r->nvalues; i++) {
        const pg_bench_value *v = &r->values[i];
        pg_buf_printf(b, "%s%.17g %s", i ? " " : "", v->value, v->unit);
        if (v->orig_unit)
            pg_buf_printf(b, " (%.17g %s)", v->orig_value, v->orig_unit);
    }
    pg_buf_putc(b, '|');
    for (size_t i = 0; i < r->nconfig; i++) {
        pg_buf_printf(b, "%s%.*s=%.*s", i ? "," : "", (int)r->config[i].key_len, r->config[i].key,
                      (int)r->config[i].val_len, r->config[i].val);
    }
    pg_buf_putc(b, '\n');
}

static void parse_with(parsed *p, const char *text, size_t len, pg_bench_units *units)
{
    memset(p, 0, sizeof *p);
    pg_bench_reader *r = pg_bench_reader_mem(text, len, "in.txt", units);
    pg_bench_reader_set_diag(r, on_diag, p);
    pg_bench_result res;
    while ((p->rc = pg_bench_reader_next(r, &res, &p->err)) > 0)
        format_result(&p->results, &res);
    p->json = pg_bench_reader_is_json(r);
    p->blank = pg_bench_reader_blank(r);
    pg_bench_reader_free(r);
}

static void parse(parsed *p, const char *text)
{
    pg_bench_units *u = pg_bench_units_create();
    parse_with(p, text, strlen(text), u);
    pg_bench_units_free(u);
}

static void done(parsed *p)
{
    pg_buf_free(&p->results);
    pg_buf_free(&p->diags);
}

static void expect(const char *text, const char *results, const char *diags)
{
    parsed p;
    parse(&p, text);
    assert_int_equal(p.rc, 0);
    assert_string_equal(pg_buf_str(&p.results), results);
    assert_string_equal(pg_buf_str(&p.diags), diags);
    done(&p);
}

static void test_result_lines(void **state)
{
    (void)state;
    /* -benchmem, SetBytes and ReportMetric units on one line; tidied values */
    expect("BenchmarkEncode/format=json-8 \t 690848\t 1726 ns/op\t 52.10 MB/s\t 64 B/op\t 2 "
           "allocs/op\t 3.5 widgets/op\n",
           "Encode/format=json-8|690848|1.7260000000000001e-06 sec/op (1726 ns/op) 52100000 B/s "
           "(52.100000000000001 MB/s) 64 B/op 2 allocs/op 3.5 widgets/op|\n",
           "");
    /* the same unit twice gives two samples; an empty name is a name */
    expect("BenchmarkX 1 5 ns/op 3 ns/op\nBenchmark 10 5 B/op\n",
           "X|1|5.0000000000000001e-09 sec/op (5 ns/op) 3.0000000000000004e-09 sec/op (3 "
           "ns/op)|\n|10|5 B/op|\n",
           "");
    /* go test -v prints the bare name first: skipped; zero/negative counts are fine */
    expect("BenchmarkFoo\nBenchmarkFoo 0 1 x\nBenchmarkFoo -3 1 x\n", "Foo|0|1 x|\nFoo|-3|1 x|\n",
           "");
    /* everything else is ignored */
    expect("PASS\nok  \texample.com/x\t1.2s\n--- BENCH: BenchmarkX\n=== RUN   X\n    log line\n"
           "# comment\n\nFAIL\n",
           "", "");
    /* Unicode spaces separate fields; a trailing \r is not part of the line */
    expect("BenchmarkA\xC2\xA0"
           "1\xE3\x80\x80"
           "2\tx\r\n",
           "A|1|2 x|\n", "");
}

static void test_syntax_errors(void **state)
{
    (void)state;
    /* every message of benchstat-spec §1.7, with the line of the error, and
     * the lines around still count */
    expect("BenchmarkA 1 1 x\n"
           "BenchmarkFoo \n"
           "BenchmarkFoo x 1 ns/op\n"
           "BenchmarkFoo 99999999999999999999 1 ns/op\n"
           "BenchmarkFoo 1_000 1 ns/op\n"
           "BenchmarkFoo 1\n"
           "BenchmarkFoo 1 x ns/op\n"
           "BenchmarkFoo 1 1e400 ns/op\n"
           "BenchmarkFoo 1 0x10 ns/op\n"
           "BenchmarkFoo 1 2 ns/op 3\n"
           "Unit\n"
           "Unit ns/op assume=exact bogus =x better=lower\n"
           "Unit ns/op assume=nothing\n"
           "Unit sec/op assume=exact\n"
           "BenchmarkB 1 2 x\n",
           "A|1|1 x|\nB|1|2 x|\n",
           "in.txt:2: missing iteration count\n"
           "in.txt:3: parsing iteration count: invalid syntax\n"
           "in.txt:4: parsing iteration count: value out of range\n"
           "in.txt:5: parsing iteration count: invalid syntax\n"
           "in.txt:6: missing measurements\n"
           "in.txt:7: parsing measurement: invalid syntax\n"
           "in.txt:8: parsing measurement: value out of range\n"
           "in.txt:9: parsing measurement: invalid syntax\n"
           "in.txt:10: missing units\n"
           "in.txt:11: missing unit\n"
           "in.txt:12: expected key=value\n"
           "in.txt:12: expected key=value\n"
           "in.txt:13: metadata assume of unit ns/op already set to exact\n");
}

static void test_unit_metadata(void **state)
{
    (void)state;
    pg_bench_units *u = pg_bench_units_create();
    parsed p;
    const char *text = "Unit ns/op assume=exact better=lower\nUnit MB/s better=higher\n";
    parse_with(&p, text, strlen(text), u);
    assert_string_equal(pg_buf_str(&p.diags), "");
    /* stored under the tidied unit, so both spellings find it */
    assert_true(pg_bench_units_exact(u, "sec/op"));
    assert_true(pg_bench_units_exact(u, "ns/op"));
    assert_false(pg_bench_units_exact(u, "B/op"));
    assert_string_equal(pg_bench_units_get(u, "B/s", "better"), "higher");
    assert_null(pg_bench_units_get(u, "B/s", "assume"));
    done(&p);
    /* global: a second file sees it and conflicts with it */
    const char *second = "Unit sec/op assume=nothing\n";
    parse_with(&p, second, strlen(second), u);
    assert_string_equal(pg_buf_str(&p.diags),
                        "in.txt:1: metadata assume of unit sec/op already set to exact\n");
    assert_true(pg_bench_units_exact(u, "ns/op"));
    done(&p);
    pg_error err;
    assert_int_equal(pg_bench_units_set(u, "ns/op", "assume", "exact", &err), 0);
    assert_int_equal(pg_bench_units_set(u, "ns/op", "assume", "normal", &err), -1);
    assert_string_equal(err.msg, "metadata assume of unit ns/op already set to exact");
    pg_bench_units_free(u);
}

static void test_config(void **state)
{
    (void)state;
    /* keys start lower-case, have no spaces or upper case, need ": " */
    expect("goos: linux\nKey: x\nkey:value\nkéy-1.x_y: v  \npkg:\t\texample.com/a\n"
           "bad key: x\nBenchmarkA 1 1 x\n",
           "A|1|1 x|goos=linux,kéy-1.x_y=v  ,pkg=example.com/a\n", "");
    /* scoping: a change applies to later lines; an empty value deletes by
     * swapping with the last key (so the order changes) */
    expect("a: 1\nb: 2\nc: 3\nBenchmarkA 1 1 x\nb: 20\nBenchmarkB 1 1 x\na:\n"
           "BenchmarkC 1 1 x\nc:   \t\nBenchmarkD 1 1 x\nd: 4\nBenchmarkE 1 1 x\n",
           "A|1|1 x|a=1,b=2,c=3\nB|1|1 x|a=1,b=20,c=3\nC|1|1 x|c=3,b=20\nD|1|1 x|b=20\n"
           "E|1|1 x|b=20,d=4\n",
           "");
}

static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int rc;
        double v;
    } floats[] = {
        {"1726", PG_NUM_OK, 1726},
        {"12.5", PG_NUM_OK, 12.5},
        {"1_000", PG_NUM_OK, 1000},
        {"1_0.5", PG_NUM_OK, 10.5},
        {"_1", PG_NUM_SYNTAX, 0},
        {"1__0", PG_NUM_SYNTAX, 0},
        {"1.5e3", PG_NUM_OK, 1500},
        {"2E1", PG_NUM_OK, 20},
        {"2e+01", PG_NUM_OK, 20},
        {"-2.5", PG_NUM_OK, -2.5},
        {"+.5", PG_NUM_OK, 0.5},
        {"5.", PG_NUM_OK, 5},
        {".", PG_NUM_SYNTAX, 0},
        {"e5", PG_NUM_SYNTAX, 0},
        {"0x1p-2", PG_NUM_OK, 0.25},
        {"0x_1p4", PG_NUM_OK, 16},
        {"0x10", PG_NUM_SYNTAX, 0},
        {"1e400", PG_NUM_RANGE, 0},
        {"-1e400", PG_NUM_RANGE, 0},
        {"1e-400", PG_NUM_OK, 0},
        {"Inf", PG_NUM_OK, INFINITY},
        {"-infinity", PG_NUM_OK, -INFINITY},
        {"+INF", PG_NUM_OK, INFINITY},
        {"infin", PG_NUM_SYNTAX, 0},
        {"+nan", PG_NUM_SYNTAX, 0},
        {"123456789012345678901234567890", PG_NUM_OK, 1.2345678901234568e29},
        {"0.1", PG_NUM_OK, 0.1},
        {"2.2250738585072011e-308", PG_NUM_OK, 2.2250738585072011e-308},
    };
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
        double v = -1;
        int rc = pg_bench_parse_float(floats[i].s, strlen(floats[i].s), &v);
        assert_int_equal(rc, floats[i].rc);
        if (rc == PG_NUM_OK)
            assert_true(v == floats[i].v);
    }
    double v;
    assert_int_equal(pg_bench_parse_float("nan", 3, &v), PG_NUM_OK);
    assert_true(isnan(v));
    assert_int_equal(pg_bench_parse_float("-0", 2, &v), PG_NUM_OK);
    assert_true(v == 0 && signbit(v));
    long long n;
    assert_int_equal(pg_bench_parse_int("+42", 3, &n), PG_NUM_OK);
    assert_int_equal(n, 42);
    assert_int_equal(pg_bench_parse_int("-9223372036854775808", 20, &n), PG_NUM_OK);
    assert_true(n == INT64_MIN);
    assert_int_equal(pg_bench_parse_int("9223372036854775808", 19, &n), PG_NUM_RANGE);
    assert_int_equal(pg_bench_parse_int("99999999999999999999x", 21, &n), PG_NUM_RANGE);
    assert_int_equal(pg_bench_parse_int("1_000", 5, &n), PG_NUM_SYNTAX);
    assert_int_equal(pg_bench_parse_int("-", 1, &n), PG_NUM_SYNTAX);
    assert_int_equal(pg_bench_parse_int("12345678901234567890123x", 24, &n), PG_NUM_RANGE);
    assert_int_equal(pg_bench_parse_int("1234567890123456789x", 20, &n), PG_NUM_SYNTAX);
}

static void expect_tidy(const char *unit, const char *want, double factor)
{
    pg_buf b = {0};
    double f = pg_bench_unit_tidy(unit, strlen(unit), &b);
    assert_string_equal(pg_buf_str(&b), want);
    assert_true(f == factor);
    pg_buf_free(&b);
}

static void test_units(void **state)
{
    (void)state;
    expect_tidy("ns/op", "sec/op", 1e-9);
    expect_tidy("MB/s", "B/s", 1e6);
    expect_tidy("B/op", "B/op", 1);
    expect_tidy("allocs/op", "allocs/op", 1);
    expect_tidy("ns/item", "sec/item", 1e-9);
    expect_tidy("p50-ns", "p50-sec", 1e-9);
    expect_tidy("MB", "B", 1e6);
    expect_tidy("B/ns", "B/ns", 1);
    expect_tidy("nsec/op", "nsec/op", 1);
    expect_tidy("us/op", "us/op", 1);
    expect_tidy("ns/ns", "sec/ns", 1e-9);
    expect_tidy("MB*ns/op", "B*sec/op", 1e6 / 1e9);
    expect_tidy("x/y*ns", "x/y*sec", 1e-9);
    /* a zero keeps its unit: tidying it changes nothing */
    expect("BenchmarkA 1 0 ns/op 0 MB/s 2 ns/op Inf ns/op\n",
           "A|1|0 ns/op 0 MB/s 2.0000000000000001e-09 sec/op (2 ns/op) inf ns/op|\n", "");
    assert_int_equal(pg_bench_unit_class_of("B/op", 4), PG_BENCH_BINARY);
    assert_int_equal(pg_bench_unit_class_of("B/s", 3), PG_BENCH_BINARY);
    assert_int_equal(pg_bench_unit_class_of("text-bytes", 10), PG_BENCH_BINARY);
    assert_int_equal(pg_bench_unit_class_of("sec/op", 6), PG_BENCH_DECIMAL);
    assert_int_equal(pg_bench_unit_class_of("allocs/op", 9), PG_BENCH_DECIMAL);
    assert_int_equal(pg_bench_unit_class_of("ops/B", 5), PG_BENCH_DECIMAL);
}

static void expect_scale(double v, pg_bench_unit_class cls, const char *want)
{
    pg_buf b = {0};
    pg_bench_scale(&b, v, cls);
    assert_string_equal(pg_buf_str(&b), want);
    pg_buf_free(&b);
}

static void test_scale(void **state)
{
    (void)state;
    expect_scale(900.2e-9, PG_BENCH_DECIMAL, "900.2n");
    expect_scale(1.718e-6, PG_BENCH_DECIMAL, "1.718µ");
    expect_scale(0.5e-9, PG_BENCH_DECIMAL, "0.5000n");
    expect_scale(0.0012345e-9, PG_BENCH_DECIMAL, "0.001234n");
    expect_scale(0.5, PG_BENCH_BINARY, "0.5000");
    expect_scale(1000, PG_BENCH_BINARY, "1000.0");
    expect_scale(1023.9, PG_BENCH_BINARY, "1023.9");
    expect_scale(1024, PG_BENCH_BINARY, "1.000Ki");
    expect_scale(3630, PG_BENCH_DECIMAL, "3.630k");
    expect_scale(1.53e18, PG_BENCH_DECIMAL, "1530000.0T");
    expect_scale(-2.5e-6, PG_BENCH_DECIMAL, "-2.500µ");
    expect_scale(0, PG_BENCH_DECIMAL, "0.000");
    expect_scale(99.995, PG_BENCH_DECIMAL, "100.0");
    expect_scale(99.99, PG_BENCH_DECIMAL, "99.99");
    expect_scale(INFINITY, PG_BENCH_DECIMAL, "+InfT");
    expect_scale(NAN, PG_BENCH_DECIMAL, "NaNn");
    /* one scale per row, from the smallest non-zero value */
    double row[] = {1093e-9, 0, 988.6e-9};
    pg_bench_scaler s = pg_bench_common_scale(row, 3, PG_BENCH_DECIMAL);
    pg_buf b = {0};
    pg_bench_scaler_format(&b, &s, row[0]);
    assert_string_equal(pg_buf_str(&b), "1093.0n");
    pg_buf_free(&b);
    /* percentages */
    static const struct {
        double c, lo, hi;
        const char *want;
    } pct[] = {
        {100, 98, 103, "3%"}, {100, -INFINITY, 103, "∞"}, {-10, -12, -9, "-10%"}, {10, -1, 11, "?"},
        {0, 0, 0, "0%"},      {NAN, 1, 2, "?"},           {100, 50, 100, "50%"},
    };
    for (size_t i = 0; i < sizeof pct / sizeof pct[0]; i++) {
        pg_buf p = {0};
        pg_bench_fmt_range_pct(&p, pct[i].c, pct[i].lo, pct[i].hi);
        assert_string_equal(pg_buf_str(&p), pct[i].want);
        pg_buf_free(&p);
    }
    pg_buf f = {0};
    pg_bench_fmt_fixed(&f, NAN, 2, 1);
    pg_bench_fmt_fixed(&f, INFINITY, 2, 1);
    pg_bench_fmt_fixed(&f, -0.001, 2, 1);
    pg_bench_fmt_fixed(&f, 12.345, 2, 1);
    assert_string_equal(pg_buf_str(&f), "+NaN+Inf-0.00+12.35");
    pg_buf_free(&f);
}

static void expect_parts(const char *name, const char *base, const char *parts)
{
    const char *b;
    size_t blen;
    pg_bench_name_part p[8];
    size_t n = pg_bench_name_parts(name, strlen(name), &b, &blen, p, 8);
    pg_buf got = {0};
    pg_buf_append(&got, b, blen);
    for (size_t i = 0; i < n; i++) {
        pg_buf_putc(&got, '|');
        pg_buf_append(&got, p[i].s, p[i].len);
    }
    assert_string_equal(pg_buf_str(&got), parts);
    pg_bench_name_base(name, strlen(name), &b, &blen);
    assert_int_equal(blen, strlen(base));
    assert_memory_equal(b, base, blen);
    pg_buf_free(&got);
}

static void test_names(void **state)
{
    (void)state;
    expect_parts("Encode/format=json-48", "Encode", "Encode|/format=json|-48");
    expect_parts("Sum-8", "Sum", "Sum|-8");
    expect_parts("Sum", "Sum", "Sum");
    expect_parts("Foo-", "Foo-", "Foo-");
    expect_parts("Foo/n=-5", "Foo", "Foo|/n=|-5");
    expect_parts("A/b/c=1/d", "A", "A|/b|/c=1|/d");
    expect_parts("", "", "");
    expect_parts("-8", "", "|-8");
}

static void test_json(void **state)
{
    (void)state;
    /* packages interleave; lines are split across events; only "output"
     * events count; configuration is per package */
    const char *text =
        "\n  {\"Action\":\"start\",\"Package\":\"p/a\"}\n"
        "{\"Action\":\"output\",\"Package\":\"p/a\",\"Output\":\"pkg: p/a\\n\"}\n"
        "{\"Action\":\"output\",\"Package\":\"p/b\",\"Output\":\"pkg: p/b\\nBenchm\"}\n"
        "{\"Action\":\"output\",\"Package\":\"p/a\",\"Test\":\"BenchmarkX\",\"Output\":"
        "\"BenchmarkX-8   \\t\"}\n"
        "{\"Action\":\"bench\",\"Package\":\"p/a\",\"Output\":\"BenchmarkBogus 1 1 x\\n\"}\n"
        "{\"Action\":\"output\",\"Package\":\"p/b\",\"Output\":\"arkY 10 2\"}\n"
        "{\"Action\":\"output\",\"Package\":\"p/a\",\"Output\":\"     100\\t  5.0 ns/op\\r\\n\"}\n"
        "not json at all\n"
        "{\"Action\":\"output\",\"Package\":\"p/b\",\"Output\":\" B/op\\n\"}\n"
        "{\"Action\":\"output\",\"Package\":\"p/b\",\"Output\":\"BenchmarkZ 1 x y\"}\n"
        "{\"Action\":\"output\",\"Package\"\n";
    parsed p;
    parse(&p, text);
    assert_int_equal(p.rc, 0);
    assert_true(p.json);
    assert_string_equal(pg_buf_str(&p.results),
                        "X-8|100|5.0000000000000001e-09 sec/op (5 ns/op)|pkg=p/a\n"
                        "Y|10|2 B/op|pkg=p/b\n");
    /* errors name the event line that completed the line (the message after
     * "event: " is jansson's); the unterminated last line counts at the end */
    const char *d = pg_buf_str(&p.diags);
    const char *bad = "in.txt:12: not a go test -json event: ";
    assert_memory_equal(d, bad, strlen(bad));
    const char *second = strchr(d, '\n');
    assert_non_null(second);
    assert_string_equal(second + 1, "in.txt:12: parsing measurement: invalid syntax\n");
    done(&p);
}

static void test_limits(void **state)
{
    (void)state;
    /* benchfmt's bufio.Scanner limit: the line and its '\n' in 64 KiB */
    size_t n = 65535;
    char *text = pg_xmalloc(n + 64);
    strcpy(text, "a: b\nBenchmarkA 1 ");
    size_t len = strlen(text);
    memset(text + len, ' ', n - 13 - 7);
    memcpy(text + len + n - 13 - 7, "1 ns/op\n", 9);
    parsed p;
    pg_bench_units *u = pg_bench_units_create();
    parse_with(&p, text, strlen(text), u);
    assert_int_equal(p.rc, 0);
    assert_string_equal(pg_buf_str(&p.results),
                        "A|1|1.0000000000000001e-09 sec/op (1 ns/op)|a=b\n");
    done(&p);
    /* one byte more is fatal, reported after the last good line */
    text = pg_xrealloc(text, n + 65);
    memmove(text + len + 1, text + len, strlen(text + len) + 1);
    text[len] = ' ';
    parse_with(&p, text, strlen(text), u);
    assert_int_equal(p.rc, -1);
    assert_string_equal(p.err.msg, "in.txt:1: line 2 is longer than 65535 bytes");
    done(&p);
    free(text);
    /* a 16 MiB line without a newline: an error, not 16 MiB of memory */
    size_t big = 16 << 20;
    char *huge = pg_xmalloc(big);
    memset(huge, 'x', big);
    parse_with(&p, huge, big, u);
    assert_int_equal(p.rc, -1);
    assert_string_equal(p.err.msg, "in.txt:0: line 1 is longer than 65535 bytes");
    done(&p);
    free(huge);
    /* binary input is fatal too; empty input is reported as blank */
    parse_with(&p, "BenchmarkA 1 1 x\nab\0cd\n", 22, u);
    assert_int_equal(p.rc, -1);
    assert_string_equal(p.err.msg, "in.txt:2: binary data (a NUL byte), not Go benchmark "
                                   "output: check that this is the output of go test -bench");
    done(&p);
    parse_with(&p, " \n\t\n", 4, u);
    assert_int_equal(p.rc, 0);
    assert_true(p.blank);
    done(&p);
    parse_with(&p, "PASS\n", 5, u);
    assert_false(p.blank);
    done(&p);
    pg_bench_units_free(u);
}

static void test_open_errors(void **state)
{
    (void)state;
    pg_error err;
    pg_bench_units *u = pg_bench_units_create();
    assert_null(pg_bench_reader_open("/nonexistent/x.txt", NULL, u, &err));
    assert_string_equal(err.msg, "open /nonexistent/x.txt: No such file or directory");
    pg_bench_units_free(u);
}

static void test_unicode(void **state)
{
    (void)state;
    size_t w;
    assert_int_equal(pg_bench_utf8_decode("\xC3\xA9", 2, &w), 0xE9);
    assert_int_equal(w, 2);
    assert_int_equal(pg_bench_utf8_decode("\xC3", 1, &w), PG_RUNE_ERROR);
    assert_int_equal(w, 1);
    assert_int_equal(pg_bench_utf8_decode("\xED\xA0\x80", 3, &w), PG_RUNE_ERROR); /* surrogate */
    assert_int_equal(pg_bench_utf8_decode("\xC0\x80", 2, &w), PG_RUNE_ERROR);     /* overlong */
    assert_int_equal(pg_bench_utf8_count("a\xC3\xA9\xFF", 4), 3);
    assert_true(pg_bench_is_space(0x85) && pg_bench_is_space(0x3000) && !pg_bench_is_space(0x200B));
    assert_true(pg_bench_is_lower(0xE9) && !pg_bench_is_lower('A') && pg_bench_is_upper(0xC9));
    assert_true(pg_bench_is_graphic(0xA0) && !pg_bench_is_graphic(0x7F));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_lines),  cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_unit_metadata), cmocka_unit_test(test_config),
        cmocka_unit_test(test_numbers),       cmocka_unit_test(test_units),
        cmocka_unit_test(test_scale),         cmocka_unit_test(test_names),
        cmocka_unit_test(test_json),          cmocka_unit_test(test_limits),
        cmocka_unit_test(test_open_errors),   cmocka_unit_test(test_unicode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
