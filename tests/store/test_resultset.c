/*
 * Tests of the result-set model and its JSON form: the exact line written
 * (the format SCHEMA.md documents), round trips including NaN, infinities
 * and awkward doubles, every class of schema error with its message,
 * forward compatibility, UTF-8 repair, merging shards, machine facts.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>

#include "pg_alloc.h"
#include "pg_resultset.h"

#define SHA "0123456789abcdef0123456789abcdef01234567"

static const char *const main_ref[] = {"refs/heads/main"};
static const int64_t cpus[] = {1, 2};

static pg_rs_meta base_meta(void)
{
    pg_rs_meta m = {
        .commit = SHA,
        .refs = main_ref,
        .nrefs = 1,
        .created = 1700000000,
        .perfgate_version = "0.1.0",
        .config_hash = "cfg1",
        .toolchain = {"go1.26.0", "linux", "amd64"},
        .machine = {"Test CPU", 2, "Linux 6.1", "host-1", ""},
        .params = {2, "1s", ".", cpus, 2},
    };
    return m;
}

/* The small result set whose JSON is GOLDEN. */
static pg_resultset *small(void)
{
    pg_rs_meta m = base_meta();
    pg_error err;
    pg_resultset *rs = pg_resultset_create(&m, &err);
    assert_non_null(rs);
    assert_int_equal(pg_resultset_set_unit_meta(rs, "ns/op", "better", "lower", &err), 0);
    pg_rs_kv config[] = {{"goos", "linux"}, {"pkg", "example.com/m"}};
    size_t b = pg_resultset_add_bench(rs, "example.com/m", "Render/w=4-2", config, 2);
    pg_rs_value v0[] = {{"ns/op", 1.5}, {"B/op", 64}};
    pg_rs_sample s0 = {100, 0, PG_RS_SIDE_HEAD, "t/0.trace", v0, 2};
    assert_int_equal(pg_resultset_add_sample(rs, b, &s0, &err), 0);
    pg_rs_value v1[] = {{"ns/op", NAN}};
    pg_rs_sample s1 = {100, 1, PG_RS_SIDE_NONE, NULL, v1, 1};
    assert_int_equal(pg_resultset_add_sample(rs, b, &s1, &err), 0);
    return rs;
}

static const char GOLDEN[] =
    "{\"schema\":1,\"commit\":\"" SHA "\",\"dirty\":false,\"refs\":[\"refs/heads/main\"],"
    "\"created\":\"2023-11-14T22:13:20Z\",\"perfgate_version\":\"0.1.0\",\"config_hash\":\"cfg1\","
    "\"toolchain\":{\"go_version\":\"go1.26.0\",\"goos\":\"linux\",\"goarch\":\"amd64\"},"
    "\"machine\":{\"cpu\":\"Test CPU\",\"cores\":2,\"kernel\":\"Linux 6.1\",\"host\":\"host-1\","
    "\"ci\":\"\"},"
    "\"params\":{\"count\":2,\"benchtime\":\"1s\",\"bench\":\".\",\"cpu\":[1,2]},"
    "\"units\":{\"ns/op\":{\"better\":\"lower\"}},"
    "\"benchmarks\":[{\"pkg\":\"example.com/m\",\"name\":\"Render/w=4-2\","
    "\"config\":[[\"goos\",\"linux\"],[\"pkg\",\"example.com/m\"]],"
    "\"samples\":[{\"iters\":100,\"round\":0,\"side\":\"head\","
    "\"values\":{\"ns/op\":1.5,\"B/op\":64.0},\"trace\":\"t/0.trace\"},"
    "{\"iters\":100,\"round\":1,\"values\":{\"ns/op\":\"NaN\"}}]}]}\n";

static char *to_json(const pg_resultset *rs)
{
    pg_buf b = {0};
    pg_resultset_to_json(rs, &b);
    return pg_buf_detach(&b);
}

static pg_resultset *parse(const char *line)
{
    pg_error err = {{0}};
    size_t len = strlen(line);
    if (len && line[len - 1] == '\n')
        len--;
    pg_resultset *rs = pg_resultset_parse(line, len, "test", &err);
    if (!rs)
        fail_msg("parse: %s", err.msg);
    return rs;
}

static void test_golden(void **state)
{
    (void)state;
    pg_resultset *rs = small();
    char *json = to_json(rs);
    assert_string_equal(json, GOLDEN);
    /* Read back: every field. */
    pg_resultset *back = parse(json);
    const pg_rs_meta *m = pg_resultset_meta(back);
    assert_string_equal(m->commit, SHA);
    assert_int_equal(m->dirty, 0);
    assert_int_equal(m->nrefs, 1);
    assert_string_equal(m->refs[0], "refs/heads/main");
    assert_int_equal(m->created, 1700000000);
    assert_string_equal(m->perfgate_version, "0.1.0");
    assert_string_equal(m->config_hash, "cfg1");
    assert_string_equal(m->toolchain.go_version, "go1.26.0");
    assert_string_equal(m->toolchain.goarch, "amd64");
    assert_string_equal(m->machine.cpu, "Test CPU");
    assert_int_equal(m->machine.cores, 2);
    assert_int_equal(m->params.count, 2);
    assert_string_equal(m->params.benchtime, "1s");
    assert_int_equal(m->params.ncpu, 2);
    assert_int_equal(m->params.cpu[1], 2);
    assert_int_equal(m->shard_count, 0);
    assert_int_equal(pg_resultset_nunits(back), 1);
    assert_string_equal(pg_resultset_unit_meta(back, "ns/op", "better"), "lower");
    assert_null(pg_resultset_unit_meta(back, "ns/op", "assume"));
    assert_null(pg_resultset_unit_meta(back, "B/op", "better"));
    assert_int_equal(pg_resultset_nbench(back), 1);
    const pg_rs_bench *b = pg_resultset_bench(back, 0);
    assert_string_equal(b->pkg, "example.com/m");
    assert_string_equal(b->name, "Render/w=4-2");
    assert_int_equal(b->nconfig, 2);
    assert_string_equal(b->config[1].key, "pkg");
    assert_string_equal(b->config[1].value, "example.com/m");
    assert_int_equal(b->nsamples, 2);
    assert_int_equal(b->samples[0].iters, 100);
    assert_int_equal(b->samples[0].side, PG_RS_SIDE_HEAD);
    assert_string_equal(b->samples[0].trace, "t/0.trace");
    assert_int_equal(b->samples[0].nvalues, 2);
    assert_string_equal(b->samples[0].values[1].unit, "B/op");
    assert_true(b->samples[0].values[1].value == 64.0);
    assert_int_equal(b->samples[1].round, 1);
    assert_int_equal(b->samples[1].side, PG_RS_SIDE_NONE);
    assert_null(b->samples[1].trace);
    assert_true(isnan(b->samples[1].values[0].value));
    assert_null(pg_resultset_bench(back, 1));
    char *again = to_json(back);
    assert_string_equal(again, GOLDEN);
    free(again);
    pg_resultset_free(back);
    free(json);
    pg_resultset_free(rs);
}

/* Doubles that are easy to get wrong come back bit for bit. */
static void test_round_trip_values(void **state)
{
    (void)state;
    static const double values[] = {0.1,
                                    -0.0,
                                    1e300,
                                    5e-324,
                                    1.7976931348623157e308,
                                    INFINITY,
                                    -INFINITY,
                                    NAN,
                                    1.0 / 3,
                                    123456789.123456789,
                                    -2.5e-9,
                                    9007199254740993.0};
    pg_rs_meta m = base_meta();
    m.shard_index = 2;
    m.shard_count = 3;
    m.dirty = 1;
    pg_error err;
    pg_resultset *rs = pg_resultset_create(&m, &err);
    size_t b = pg_resultset_add_bench(rs, "p", "X", NULL, 0);
    char units[12][8];
    pg_rs_value v[12];
    for (size_t i = 0; i < 12; i++) {
        snprintf(units[i], sizeof units[i], "u%zu", i);
        v[i] = (pg_rs_value){units[i], values[i]};
    }
    pg_rs_sample s = {INT64_MAX, 7, PG_RS_SIDE_BASE, NULL, v, 12};
    assert_int_equal(pg_resultset_add_sample(rs, b, &s, &err), 0);
    char *json = to_json(rs);
    assert_non_null(strstr(json, "\"u5\":\"+Inf\",\"u6\":\"-Inf\",\"u7\":\"NaN\""));
    assert_non_null(strstr(json, "\"shard\":{\"index\":2,\"count\":3}"));
    assert_non_null(strstr(json, "\"dirty\":true"));
    assert_non_null(strstr(json, "\"side\":\"base\""));
    assert_ptr_equal(strchr(json, '\n'), json + strlen(json) - 1); /* one line */
    pg_resultset *back = parse(json);
    const pg_rs_sample *got = &pg_resultset_bench(back, 0)->samples[0];
    assert_int_equal(got->iters, INT64_MAX);
    assert_int_equal(got->side, PG_RS_SIDE_BASE);
    for (size_t i = 0; i < 12; i++) {
        double w = values[i], g = got->values[i].value;
        if (isnan(w))
            assert_true(isnan(g));
        else
            assert_memory_equal(&w, &g, sizeof w); /* also keeps the sign of -0 */
    }
    const pg_rs_meta *bm = pg_resultset_meta(back);
    assert_int_equal(bm->dirty, 1);
    assert_int_equal(bm->shard_index, 2);
    assert_int_equal(bm->shard_count, 3);
    char *again = to_json(back);
    assert_string_equal(again, json);
    free(again);
    free(json);
    pg_resultset_free(back);
    pg_resultset_free(rs);
}

/* GOLDEN with the first occurrence of `from` replaced by `to`. */
static char *mutate(const char *from, const char *to)
{
    const char *at = strstr(GOLDEN, from);
    if (!at)
        fail_msg("'%s' is not in GOLDEN", from);
    return pg_xasprintf("%.*s%s%s", (int)(at - GOLDEN), GOLDEN, to, at + strlen(from));
}

static void check_error(const char *line, const char *want)
{
    pg_error err = {{0}};
    size_t len = strlen(line);
    if (len && line[len - 1] == '\n')
        len--;
    pg_resultset *rs =
        pg_resultset_parse(line, len, "note of commit 0123456789ab in refs/notes/x, line 2", &err);
    if (rs)
        fail_msg("parsed, expected: %s", want);
    if (strcmp(err.msg, want) != 0)
        fail_msg("got:  %s\nwant: %s", err.msg, want);
}

static void check_mutation(const char *from, const char *to, const char *want)
{
    char *line = mutate(from, to);
    check_error(line, want);
    free(line);
}

#define SRC "note of commit 0123456789ab in refs/notes/x, line 2: "

static void test_schema_errors(void **state)
{
    (void)state;
    check_error("not json",
                SRC "not valid JSON near byte offset 3: '[' or '{' expected near 'not'");
    check_error("{\"schema\":1", SRC "not valid JSON near byte offset 11: '}' expected near end of "
                                     "file");
    check_error("[1]", SRC "expected a JSON object (a perfgate result set), found an array");
    check_error("{\"benchmarks\":[]}", SRC "not a perfgate result set: there is no \"schema\" "
                                           "field");
    check_mutation("\"schema\":1", "\"schema\":\"1\"",
                   SRC "field \"schema\": expected an integer, found a string");
    check_mutation("\"schema\":1", "\"schema\":2",
                   SRC "written by a newer perfgate (result set schema 2; this perfgate reads "
                       "schema 1): upgrade perfgate to read it");
    check_mutation("\"schema\":1", "\"schema\":0",
                   SRC "field \"schema\": unknown result set schema 0 (this perfgate reads "
                       "schema 1)");
    check_mutation("\"commit\":", "\"comit\":", SRC "field \"commit\" is missing");
    check_mutation(SHA, "xyz",
                   SRC "field \"commit\": expected 40 lowercase hex digits, found \"xyz\"");
    check_mutation("\"dirty\":false", "\"dirty\":\"no\"",
                   SRC "field \"dirty\": expected a boolean, found a string");
    check_mutation("\"refs\":[\"refs/heads/main\"]", "\"refs\":[\"a\",7]",
                   SRC "field \"refs[1]\": expected a string, found an integer");
    check_mutation("2023-11-14T22:13:20Z", "yesterday",
                   SRC "field \"created\": expected a UTC time such as "
                       "\"2025-01-31T23:59:59Z\", found \"yesterday\"");
    check_mutation("2023-11-14T22:13:20Z", "2024-02-30T00:00:00Z",
                   SRC "field \"created\": expected a UTC time such as "
                       "\"2025-01-31T23:59:59Z\", found \"2024-02-30T00:00:00Z\"");
    check_mutation("\"toolchain\":{", "\"toolchain\":[],\"x\":{",
                   SRC "field \"toolchain\": expected an object, found an array");
    check_mutation("\"goarch\":\"amd64\"", "\"goarch\":null",
                   SRC "field \"toolchain.goarch\": expected a string, found null");
    check_mutation("\"cores\":2", "\"cores\":\"2\"",
                   SRC "field \"machine.cores\": expected an integer, found a string");
    check_mutation("\"cores\":2", "\"cores\":2.5",
                   SRC "field \"machine.cores\": expected an integer, found a number");
    check_mutation("\"cores\":2", "\"cores\":-1",
                   SRC "field \"machine.cores\": must not be negative, found -1");
    check_mutation("\"count\":2", "\"count\":0",
                   SRC "field \"params.count\": must be at least 1, found 0");
    check_mutation("\"cpu\":[1,2]", "\"cpu\":[1,0]",
                   SRC "field \"params.cpu[1]\": must be at least 1, found 0");
    check_mutation("\"cpu\":[1,2]", "\"cpu\":[1,\"2\"]",
                   SRC "field \"params.cpu[1]\": expected an integer, found a string");
    check_mutation("\"units\":", "\"shard\":{\"index\":3,\"count\":2},\"units\":",
                   SRC "field \"shard\": index 3 of 2 is not a shard (1 <= index <= count)");
    check_mutation(
        "\"units\":", "\"shard\":{\"index\":1},\"units\":", SRC "field \"shard.count\" is missing");
    check_mutation("{\"better\":\"lower\"}", "\"lower\"",
                   SRC "field \"units[\"ns/op\"]\": expected an object of key/value strings, "
                       "found a string");
    check_mutation("{\"better\":\"lower\"}", "{\"better\":1}",
                   SRC "field \"units[\"ns/op\"].better\": expected a string, found an integer");
    check_mutation("\"benchmarks\":[", "\"benchmarks\":[7,",
                   SRC "field \"benchmarks[0]\": expected an object, found an integer");
    check_mutation("\"pkg\":\"example.com/m\",", "", SRC "field \"benchmarks[0].pkg\" is missing");
    check_mutation("[\"goos\",\"linux\"]", "[\"goos\"]",
                   SRC "field \"benchmarks[0].config[0]\": expected a [key, value] pair of "
                       "strings");
    check_mutation("\"samples\":[", "\"samples\":{},\"x\":[",
                   SRC "field \"benchmarks[0].samples\": expected an array of samples, found an "
                       "object");
    check_mutation("{\"iters\":100,\"round\":1,", "{\"round\":1,",
                   SRC "field \"benchmarks[0].samples[1].iters\" is missing");
    check_mutation("\"round\":1", "\"round\":-1",
                   SRC "field \"benchmarks[0].samples[1].round\": must not be negative, found -1");
    check_mutation("\"side\":\"head\"", "\"side\":\"left\"",
                   SRC "field \"benchmarks[0].samples[0].side\": expected \"base\" or \"head\", "
                       "found \"left\"");
    check_mutation("\"trace\":\"t/0.trace\"", "\"trace\":false",
                   SRC "field \"benchmarks[0].samples[0].trace\": expected a string, found a "
                       "boolean");
    check_mutation("\"ns/op\":1.5", "\"ns/op\":\"fast\"",
                   SRC "field \"benchmarks[0].samples[0].values[\"ns/op\"]\": expected a number, "
                       "\"NaN\", \"+Inf\" or \"-Inf\", found \"fast\"");
    check_mutation("\"ns/op\":\"NaN\"", "\"ns/op\":null",
                   SRC "field \"benchmarks[0].samples[1].values[\"ns/op\"]\": expected a number, "
                       "\"NaN\", \"+Inf\" or \"-Inf\", found null");
    check_mutation("\"values\":{\"ns/op\":\"NaN\"}", "\"values\":{}",
                   SRC "field \"benchmarks[0].samples[1].values\": a sample needs at least one "
                       "value");
    check_mutation("\"ns/op\":1.5", "\"ns/op\":1.5,\"ns/op\":2",
                   SRC
                   "not valid JSON near byte offset 627: duplicate object key near '\"ns/op\"'");
    check_mutation("\"ns/op\":1.5", "\"ns/op\":1e400",
                   SRC "not valid JSON near byte offset 621: real number overflow near '1e400'");
}

/* Fields this version does not know are ignored: a newer writer may add them. */
static void test_forward_compatible(void **state)
{
    (void)state;
    char *a = mutate("\"dirty\":false", "\"dirty\":false,\"future\":{\"x\":[1,2]}");
    char *b = pg_xasprintf("%s", a);
    free(a);
    a = b;
    char *at = strstr(a, "\"iters\":100,\"round\":1");
    b = pg_xasprintf("%.*s\"weight\":0.5,%s", (int)(at - a), a, at);
    pg_resultset *rs = parse(b);
    char *json = to_json(rs);
    assert_string_equal(json, GOLDEN); /* the unknown fields are not kept */
    free(json);
    pg_resultset_free(rs);
    free(a);
    free(b);
}

static void test_model_rules(void **state)
{
    (void)state;
    pg_error err = {{0}};
    pg_rs_meta m = base_meta();
    m.commit = "ABCDEF";
    assert_null(pg_resultset_create(&m, &err));
    assert_string_equal(err.msg,
                        "field \"commit\": expected 40 lowercase hex digits, found \"ABCDEF\"");
    m = base_meta();
    m.config_hash = NULL;
    assert_null(pg_resultset_create(&m, &err));
    assert_string_equal(err.msg, "field \"config_hash\" is missing");
    m = base_meta();
    m.shard_index = 1;
    assert_null(pg_resultset_create(&m, &err));
    assert_non_null(strstr(err.msg, "is not a shard"));

    pg_resultset *rs = small();
    /* The same identity is the same benchmark; another config is another. */
    pg_rs_kv config[] = {{"goos", "linux"}, {"pkg", "example.com/m"}};
    assert_int_equal(pg_resultset_add_bench(rs, "example.com/m", "Render/w=4-2", config, 2), 0);
    assert_int_equal(pg_resultset_add_bench(rs, "example.com/m", "Render/w=4-2", config, 1), 1);
    assert_int_equal(pg_resultset_add_bench(rs, "example.com/n", "Render/w=4-2", config, 2), 2);
    pg_rs_value twice[] = {{"ns/op", 1}, {"B/op", 2}, {"ns/op", 3}};
    pg_rs_sample s = {1, 0, PG_RS_SIDE_NONE, NULL, twice, 3};
    assert_int_equal(pg_resultset_add_sample(rs, 0, &s, &err), -1);
    assert_string_equal(err.msg, "sample of Render/w=4-2 has unit ns/op twice");
    assert_int_equal(pg_resultset_add_sample(rs, 9, &s, &err), -1);
    assert_int_equal(pg_resultset_bench(rs, 0)->nsamples, 2);
    assert_int_equal(pg_resultset_set_unit_meta(rs, "ns/op", "better", "lower", &err), 0);
    assert_int_equal(pg_resultset_set_unit_meta(rs, "ns/op", "better", "higher", &err), -1);
    assert_string_equal(err.msg, "metadata better of unit ns/op already set to lower");

    /* Invalid UTF-8 becomes U+FFFD per bad byte, as Go's encoding/json does. */
    size_t b = pg_resultset_add_bench(rs, "p", "Bad\xff\xc3(x)\xed\xa0\x80-2", NULL, 0);
    assert_string_equal(pg_resultset_bench(rs, b)->name,
                        "Bad\xef\xbf\xbd\xef\xbf\xbd(x)\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd-2");
    size_t ok = pg_resultset_add_bench(rs, "p", "Caf\xc3\xa9/\xf0\x9f\x9a\x80", NULL, 0);
    assert_string_equal(pg_resultset_bench(rs, ok)->name, "Caf\xc3\xa9/\xf0\x9f\x9a\x80");
    char *json = to_json(rs);
    pg_resultset *back = parse(json);
    assert_string_equal(pg_resultset_bench(back, b)->name, pg_resultset_bench(rs, b)->name);
    pg_resultset_free(back);
    free(json);
    pg_resultset_free(rs);
}

static pg_resultset *shard(int index, const char *bench, double value)
{
    pg_rs_meta m = base_meta();
    m.shard_index = index;
    m.shard_count = 2;
    const char *refs[] = {index == 1 ? "refs/heads/main" : "refs/pull/7/merge"};
    m.refs = refs;
    pg_error err;
    pg_resultset *rs = pg_resultset_create(&m, &err);
    assert_non_null(rs);
    pg_rs_value v[] = {{"ns/op", value}};
    pg_rs_sample s = {10, 0, PG_RS_SIDE_NONE, NULL, v, 1};
    assert_int_equal(
        pg_resultset_add_sample(rs, pg_resultset_add_bench(rs, "p", bench, NULL, 0), &s, &err), 0);
    assert_int_equal(
        pg_resultset_add_sample(rs, pg_resultset_add_bench(rs, "p", "Common", NULL, 0), &s, &err),
        0);
    assert_int_equal(pg_resultset_set_unit_meta(rs, "ns/op", "assume", "nothing", &err), 0);
    return rs;
}

static void test_merge(void **state)
{
    (void)state;
    pg_resultset *a = shard(1, "A", 1), *b = shard(2, "B", 2);
    pg_error err = {{0}};
    assert_int_equal(pg_resultset_set_unit_meta(b, "B/op", "better", "lower", &err), 0);
    assert_int_equal(pg_resultset_merge(a, b, &err), 0);
    assert_int_equal(pg_resultset_nbench(a), 3);
    assert_string_equal(pg_resultset_bench(a, 0)->name, "A");
    assert_string_equal(pg_resultset_bench(a, 1)->name, "Common");
    assert_string_equal(pg_resultset_bench(a, 2)->name, "B");
    const pg_rs_bench *common = pg_resultset_bench(a, 1);
    assert_int_equal(common->nsamples, 2);
    assert_true(common->samples[0].values[0].value == 1);
    assert_true(common->samples[1].values[0].value == 2);
    const pg_rs_meta *m = pg_resultset_meta(a);
    assert_int_equal(m->nrefs, 2);
    assert_string_equal(m->refs[1], "refs/pull/7/merge");
    assert_string_equal(pg_resultset_unit_meta(a, "B/op", "better"), "lower");

    pg_rs_meta other = base_meta();
    other.config_hash = "cfg2";
    pg_resultset *c = pg_resultset_create(&other, &err);
    assert_int_equal(pg_resultset_merge(a, c, &err), -1);
    assert_string_equal(err.msg, "cannot merge result sets of different configurations "
                                 "(config_hash) (cfg1 and cfg2): results are only comparable "
                                 "within one");
    pg_resultset_free(c);
    other = base_meta();
    other.toolchain.go_version = "go1.25.3";
    c = pg_resultset_create(&other, &err);
    assert_int_equal(pg_resultset_merge(a, c, &err), -1);
    assert_non_null(strstr(err.msg, "different Go versions (go1.26.0 and go1.25.3)"));
    pg_resultset_free(c);
    other = base_meta();
    other.toolchain.goarch = "arm64";
    c = pg_resultset_create(&other, &err);
    assert_int_equal(pg_resultset_merge(a, c, &err), -1);
    assert_non_null(strstr(err.msg, "(linux/amd64 and linux/arm64)"));
    pg_resultset_free(c);
    other = base_meta();
    other.commit = "1111111111111111111111111111111111111111";
    c = pg_resultset_create(&other, &err);
    assert_int_equal(pg_resultset_merge(a, c, &err), -1);
    assert_non_null(strstr(err.msg, "different commits"));
    /* A unit metadata conflict changes nothing. */
    pg_resultset_free(c);
    other = base_meta();
    c = pg_resultset_create(&other, &err);
    assert_int_equal(pg_resultset_set_unit_meta(c, "ns/op", "assume", "exact", &err), 0);
    pg_resultset_add_bench(c, "p", "New", NULL, 0);
    assert_int_equal(pg_resultset_merge(a, c, &err), -1);
    assert_string_equal(err.msg, "cannot merge result sets: metadata assume of unit ns/op is "
                                 "nothing in one and exact in the other");
    assert_int_equal(pg_resultset_nbench(a), 3);
    pg_resultset_free(c);
    pg_resultset_free(a);
    pg_resultset_free(b);
}

static void test_machine(void **state)
{
    (void)state;
    setenv("RUNNER_NAME", "runner-7", 1);
    setenv("GITHUB_ACTIONS", "true", 1);
    pg_rs_machine m;
    pg_rs_machine_detect(&m);
    assert_string_equal(m.host, "runner-7");
    assert_string_equal(m.ci, "github-actions");
    assert_int_equal(m.cores, sysconf(_SC_NPROCESSORS_ONLN));
    struct utsname u;
    uname(&u);
    char kernel[512];
    snprintf(kernel, sizeof kernel, "%s %s", u.sysname, u.release);
    assert_string_equal(m.kernel, kernel);
    assert_true(strlen(m.cpu) > 0);
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            assert_non_null(strstr(line, m.cpu));
            break;
        }
    if (f)
        fclose(f);
    unsetenv("GITHUB_ACTIONS");
    setenv("CI", "true", 1);
    pg_rs_machine_detect(&m);
    assert_string_equal(m.ci, "ci");
    setenv("CI", "false", 1);
    pg_rs_machine_detect(&m);
    assert_string_equal(m.ci, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),        cmocka_unit_test(test_round_trip_values),
        cmocka_unit_test(test_schema_errors), cmocka_unit_test(test_forward_compatible),
        cmocka_unit_test(test_model_rules),   cmocka_unit_test(test_merge),
        cmocka_unit_test(test_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
