/*
 * Unit tests of config/: the defaults and their documentation (example file
 * and README cannot drift from the code), canonical round trips, overrides,
 * threshold matching and limits, the hash, and loading from files. Error
 * messages of the loader are covered one case each in cases/.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pg_alloc.h"
#include "pg_buf.h"
#include "pg_config.h"
#include "pg_config_internal.h"
#include "pg_yaml.h"

#define EXAMPLE PG_SOURCE_DIR "/config/perfgate.example.yml"
#define README  PG_SOURCE_DIR "/config/README.md"

static char *slurp(const char *path, size_t *len)
{
    pg_buf b = {0};
    assert_int_equal(pg_buf_read_file(&b, path), 0);
    if (len)
        *len = b.len;
    return pg_buf_detach(&b);
}

static char *canonical(const pg_config *cfg, pg_config_scope scope)
{
    pg_buf b = {0};
    pg_config_write(cfg, scope, &b);
    return pg_buf_detach(&b);
}

static pg_config *parse_ok(const char *yaml)
{
    pg_error err = {{0}};
    pg_config *cfg = pg_config_parse(yaml, strlen(yaml), "test.yml", &err);
    if (!cfg)
        fail_msg("%s", err.msg);
    return cfg;
}

static void test_defaults(void **state)
{
    (void)state;
    pg_config *cfg = pg_config_default();
    size_t n;
    const char *const *pkgs = pg_config_packages(cfg, &n);
    assert_int_equal(n, 1);
    assert_string_equal(pkgs[0], "./...");
    assert_string_equal(pg_config_bench(cfg), ".");
    assert_int_equal(pg_config_count(cfg), 10);
    assert_string_equal(pg_config_benchtime(cfg), "1s");
    assert_int_equal(pg_config_benchtime_ns(cfg), 1000000000);
    assert_int_equal(pg_config_benchtime_iterations(cfg), 0);
    pg_config_cpus(cfg, &n);
    assert_int_equal(n, 0);
    assert_int_equal(pg_config_timeout_ns(cfg), INT64_C(600000000000));
    pg_config_env(cfg, &n);
    assert_int_equal(n, 0);
    pg_config_build_flags(cfg, &n);
    assert_int_equal(n, 0);
    assert_true(pg_config_trace_enabled(cfg));
    assert_int_equal(pg_config_trace_window(cfg), PG_CONFIG_WINDOW_TIMED);
    const int64_t *mmu = pg_config_mmu_windows(cfg, &n);
    assert_int_equal(n, 4);
    assert_int_equal(mmu[0], 100000);
    assert_int_equal(mmu[1], 1000000);
    assert_int_equal(mmu[2], 10000000);
    assert_int_equal(mmu[3], 100000000);
    assert_int_equal(pg_config_base_mode(cfg), PG_CONFIG_BASE_MERGE_BASE);
    assert_string_equal(pg_config_base_ref(cfg), "origin/main");
    assert_int_equal(pg_config_store_backend(cfg), PG_CONFIG_STORE_NOTES);
    assert_string_equal(pg_config_store_notes_ref(cfg), "refs/notes/perfgate");
    assert_string_equal(pg_config_store_dir(cfg), ".perfgate/results");
    assert_true(pg_config_alpha(cfg) == 0.05);
    assert_int_equal(pg_config_correction(cfg), PG_CORRECTION_HOLM);
    assert_true(pg_config_confidence(cfg) == 0.95);
    assert_true(pg_config_report_format(cfg, PG_CONFIG_FORMAT_TEXT));
    assert_true(pg_config_report_format(cfg, PG_CONFIG_FORMAT_JSON));
    assert_true(pg_config_report_format(cfg, PG_CONFIG_FORMAT_MARKDOWN));
    assert_false(pg_config_report_format(cfg, PG_CONFIG_FORMAT_CSV));
    assert_false(pg_config_report_format(cfg, PG_CONFIG_FORMAT_COUNT));
    assert_string_equal(pg_config_report_dir(cfg), "");
    assert_true(pg_config_github_step_summary(cfg));
    assert_null(pg_config_path(cfg));
    const pg_threshold *rules = pg_config_thresholds(cfg, &n);
    assert_int_equal(n, 8);
    assert_string_equal(rules[0].unit, "sec/op");
    assert_int_equal(rules[0].limit, PG_CONFIG_LIMIT_RELATIVE);
    assert_true(rules[0].value == 5);
    assert_string_equal(rules[0].origin, "default rule 1");
    pg_config_free(cfg);
}

/* Every path in a YAML mapping tree, dotted, appended to `out` one per line. */
static void collect_paths(const pg_yaml_node *map, const char *prefix, pg_buf *out)
{
    for (size_t i = 0; i < map->n / 2; i++) {
        pg_buf path = {0};
        pg_buf_printf(&path, "%s%s%s", prefix, *prefix ? "." : "", map->items[2 * i]->text);
        pg_buf_printf(out, "\n%s\n", pg_buf_str(&path));
        if (map->items[2 * i + 1]->kind == PG_YAML_MAPPING && strcmp(pg_buf_str(&path), "env") != 0)
            collect_paths(map->items[2 * i + 1], pg_buf_str(&path), out);
        pg_buf_free(&path);
    }
}

/* The documented example is exactly the defaults, and sets every key. */
static void test_example_is_defaults(void **state)
{
    (void)state;
    pg_error err = {{0}};
    pg_config *example = pg_config_load(EXAMPLE, &err);
    if (!example)
        fail_msg("%s", err.msg);
    pg_config *def = pg_config_default();
    char *a = canonical(example, PG_CONFIG_ALL), *b = canonical(def, PG_CONFIG_ALL);
    assert_string_equal(a, b);
    assert_string_equal(pg_config_path(example), EXAMPLE);

    size_t len;
    char *text = slurp(EXAMPLE, &len);
    pg_yaml_node *root;
    assert_int_equal(pg_yaml_parse(text, len, "example", &root, &err), 0);
    assert_non_null(root);
    pg_buf paths = {0};
    pg_buf_putc(&paths, '\n');
    collect_paths(root, "", &paths);
    for (size_t i = 0; i < pg_config_nkeys; i++) {
        char *needle = pg_xasprintf("\n%s\n", pg_config_keys[i].path);
        if (!strstr(pg_buf_str(&paths), needle))
            fail_msg("perfgate.example.yml does not set `%s`", pg_config_keys[i].path);
        free(needle);
    }
    pg_buf_free(&paths);
    pg_yaml_free(root);
    free(text);
    free(a);
    free(b);
    pg_config_free(example);
    pg_config_free(def);
}

/* README.md documents every key and every override flag. */
static void test_readme_documents_everything(void **state)
{
    (void)state;
    char *readme = slurp(README, NULL);
    for (size_t i = 0; i < pg_config_nkeys; i++) {
        char *needle = pg_xasprintf("`%s`", pg_config_keys[i].path);
        if (!strstr(readme, needle))
            fail_msg("config/README.md does not document %s", needle);
        free(needle);
    }
    size_t n;
    const pg_config_flag *flags = pg_config_flags(&n);
    assert_true(n >= 7);
    for (size_t i = 0; i < n; i++) {
        char *needle = pg_xasprintf("`%s", flags[i].name);
        if (!strstr(readme, needle))
            fail_msg("config/README.md does not document %s", flags[i].name);
        free(needle);
    }
    free(readme);
}

/* Every default parses back through the validation (pg_config_default
 * aborts otherwise), and the canonical text of a config loads back to the
 * same config: for the defaults and for one that changes every key. */
static void test_round_trip(void **state)
{
    (void)state;
    static const char custom[] =
        "packages: [./cmd/..., \"./internal/a\\\"b\"]\n"
        "bench: '^Benchmark(Render|Encode)$/size=[0-9]+'\n"
        "count: 17\nbenchtime: 250x\ncpu: 1,2,8\ntimeout: 1h30m0.5s\n"
        "env: {Z: \"tab\\there\", A: 1, M: \"line\\nbreak\", Y: \"\\P\\N\\L\\x80\\uFEFF\\e\"}\n"
        "build_flags: [\"-tags=a,b\", \"-ldflags=-s -w\"]\n"
        "trace: {enabled: false, window: timed, mmu_windows: [1.5ms, 2h]}\n"
        "base: {mode: fixed, ref: v1.0}\n"
        "store: {backend: dir, notes_ref: refs/notes/x/y, dir: \"r\\u00e9sultats\"}\n"
        "thresholds:\n"
        "  - {bench: 'Parse*', unit: sec/op, limit: 0.1%}\n"
        "  - {package: 'example.com/*', limit: 3ms}\n"
        "  - {unit: '*', better: higher, limit: any}\n"
        "  - {limit: none}\n"
        "alpha: 1e-3\ncorrection: none\nconfidence: 0.9\n"
        "report: {formats: [markdown, csv], dir: out, github: {step_summary: false}}\n";
    const char *inputs[] = {"", custom};
    for (size_t i = 0; i < 2; i++) {
        pg_config *cfg = parse_ok(inputs[i]);
        char *once = canonical(cfg, PG_CONFIG_ALL);
        pg_config *again = parse_ok(once);
        char *twice = canonical(again, PG_CONFIG_ALL);
        assert_string_equal(once, twice);
        free(once);
        free(twice);
        pg_config_free(cfg);
        pg_config_free(again);
    }
    /* The custom values as the accessors see them. */
    pg_config *cfg = parse_ok(custom);
    size_t n;
    assert_string_equal(pg_config_packages(cfg, &n)[1], "./internal/a\"b");
    assert_int_equal(pg_config_benchtime_iterations(cfg), 250);
    assert_string_equal(pg_config_benchtime(cfg), "250x");
    assert_int_equal(pg_config_timeout_ns(cfg), INT64_C(5400500000000));
    const int *cpus = pg_config_cpus(cfg, &n);
    assert_int_equal(n, 3);
    assert_int_equal(cpus[2], 8);
    const pg_config_envvar *env = pg_config_env(cfg, &n);
    assert_int_equal(n, 4);
    assert_string_equal(env[0].name, "Z"); /* file order */
    /* YAML's line breaks and non-printables, kept through the round trip */
    assert_string_equal(env[3].value, "\xe2\x80\xa9\xc2\x85\xe2\x80\xa8\xc2\x80\xef\xbb\xbf\x1b");
    assert_string_equal(env[0].value, "tab\there");
    assert_string_equal(env[1].value, "1");
    assert_string_equal(pg_config_build_flags(cfg, &n)[1], "-ldflags=-s -w");
    assert_string_equal(pg_config_store_dir(cfg), "r\xc3\xa9sultats");
    const pg_threshold *rules = pg_config_thresholds(cfg, &n);
    assert_int_equal(n, 4);
    assert_true(rules[0].value == 0.1);
    assert_int_equal(rules[1].limit, PG_CONFIG_LIMIT_ABSOLUTE);
    assert_true(rules[1].value == 0.003);
    assert_string_equal(rules[1].unit, "*");
    assert_int_equal(rules[1].better, PG_BETTER_UNIT);
    assert_string_equal(rules[1].origin, "test.yml:14:5");
    assert_true(pg_config_alpha(cfg) == 0.001);
    pg_config_free(cfg);
}

static void test_empty_documents(void **state)
{
    (void)state;
    pg_config *def = pg_config_default();
    char *want = canonical(def, PG_CONFIG_ALL);
    const char *empties[] = {"", "\n\n", "# only a comment\n", "---\n", "--- ~\n", "null\n"};
    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
        pg_config *cfg = parse_ok(empties[i]);
        char *got = canonical(cfg, PG_CONFIG_ALL);
        assert_string_equal(got, want);
        free(got);
        pg_config_free(cfg);
    }
    free(want);
    pg_config_free(def);
}

static void expect_set_error(pg_config *cfg, const char *key, const char *value, const char *origin,
                             const char *msg)
{
    char *before = canonical(cfg, PG_CONFIG_ALL);
    pg_error err = {{0}};
    assert_int_equal(pg_config_set(cfg, key, value, origin, &err), -1);
    assert_string_equal(err.msg, msg);
    char *after = canonical(cfg, PG_CONFIG_ALL);
    assert_string_equal(before, after); /* a failed override changes nothing */
    free(before);
    free(after);
}

static void test_set(void **state)
{
    (void)state;
    pg_config *cfg = pg_config_default();
    pg_error err = {{0}};
    assert_int_equal(pg_config_set(cfg, "count", "20", "--count", &err), 0);
    assert_int_equal(pg_config_count(cfg), 20);
    assert_int_equal(pg_config_set(cfg, "packages", " ./a  ./b/... ", NULL, &err), 0);
    size_t n;
    const char *const *p = pg_config_packages(cfg, &n);
    assert_int_equal(n, 2);
    assert_string_equal(p[1], "./b/...");
    assert_int_equal(pg_config_set(cfg, "cpu", "1, 2 4", NULL, &err), 0);
    assert_int_equal(pg_config_cpus(cfg, &n)[2], 4);
    assert_int_equal(pg_config_set(cfg, "cpu", "", NULL, &err), 0);
    pg_config_cpus(cfg, &n);
    assert_int_equal(n, 0);
    assert_int_equal(pg_config_set(cfg, "report.formats", "csv", NULL, &err), 0);
    assert_true(pg_config_report_format(cfg, PG_CONFIG_FORMAT_CSV));
    assert_false(pg_config_report_format(cfg, PG_CONFIG_FORMAT_TEXT));
    assert_int_equal(pg_config_set(cfg, "trace.window", "timed", NULL, &err), 0);
    assert_int_equal(pg_config_trace_window(cfg), PG_CONFIG_WINDOW_TIMED);
    assert_int_equal(pg_config_set(cfg, "benchtime", "1m30s", NULL, &err), 0);
    assert_string_equal(pg_config_benchtime(cfg), "1m30s");
    assert_int_equal(pg_config_set(cfg, "bench", "x y", NULL, &err), 0);
    assert_string_equal(pg_config_bench(cfg), "x y");
    /* env.NAME adds or replaces one variable. */
    assert_int_equal(pg_config_set(cfg, "env.GOGC", "off", NULL, &err), 0);
    assert_int_equal(pg_config_set(cfg, "env.GOGC", "50", NULL, &err), 0);
    assert_int_equal(pg_config_set(cfg, "env.EMPTY", "", NULL, &err), 0);
    const pg_config_envvar *env = pg_config_env(cfg, &n);
    assert_int_equal(n, 2);
    assert_string_equal(env[0].value, "50");
    assert_string_equal(env[1].value, "");

    expect_set_error(cfg, "count", "0", "--count",
                     "--count: `count` expects a whole number of rounds from 1 to 10000, such as "
                     "10, found `0`");
    expect_set_error(cfg, "count", "99999999999999999999", NULL,
                     "`count` expects a whole number of rounds from 1 to 10000, such as 10, found "
                     "`99999999999999999999`");
    expect_set_error(cfg, "cuont", "3", "--set",
                     "--set: unknown configuration key `cuont`; did you mean `count`?");
    expect_set_error(cfg, "zzz", "3", NULL,
                     "unknown configuration key `zzz`; config/README.md lists them");
    expect_set_error(cfg, "trace", "off", NULL,
                     "`trace` is a section; set one of its keys: `trace.enabled`, "
                     "`trace.window`, `trace.mmu_windows`");
    expect_set_error(cfg, "thresholds", "5%", NULL,
                     "`thresholds` can only be set in the config file");
    expect_set_error(cfg, "env", "A=1", "--env",
                     "--env: set one environment variable at a time, as `env.NAME`");
    expect_set_error(cfg, "env.1X", "1", NULL,
                     "`1X` is not an environment variable name; use letters, digits and `_`, not "
                     "starting with a digit");
    expect_set_error(cfg, "report.dir", "a\nb", "--report-dir",
                     "--report-dir: `report.dir` contains the control character \\x0a; remove it");
    expect_set_error(cfg, "base.ref", "ma\xffin", "--base",
                     "--base: `base.ref` is not valid UTF-8 (byte \\xff); use UTF-8 text");
    expect_set_error(cfg, "cpu", "1,x", "--cpu",
                     "--cpu: `cpu` expects a list of GOMAXPROCS values from 1 to 1024, such as "
                     "[1, 4], or [] to leave GOMAXPROCS alone, found `x`");
    expect_set_error(cfg, "packages", "", "--packages",
                     "--packages: `packages` expects a list of Go package patterns, such as "
                     "[./...], found ``: give at least one pattern");
    pg_config_free(cfg);
}

static void test_flags(void **state)
{
    (void)state;
    size_t n;
    const pg_config_flag *flags = pg_config_flags(&n);
    pg_config *def = pg_config_default();
    /* Every flag names a real key, and switches set a valid value. */
    for (size_t i = 0; i < n; i++) {
        assert_ptr_equal(pg_config_flag_find(flags[i].name), &flags[i]);
        assert_true((flags[i].metavar == NULL) != (flags[i].value == NULL));
        if (strncmp(flags[i].key, "env.", 4) != 0)
            assert_non_null(pg_config_key_find(flags[i].key, strlen(flags[i].key)));
    }
    const char *required[] = {"--base",     "--count",      "--benchtime", "--bench",
                              "--packages", "--report-dir", "--no-trace"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        assert_non_null(pg_config_flag_find(required[i]));
    assert_null(pg_config_flag_find("--config")); /* chooses the file; not an override */

    pg_config *cfg = pg_config_default();
    pg_error err = {{0}};
    assert_int_equal(pg_config_apply_flag(cfg, pg_config_flag_find("--no-trace"), NULL, &err), 0);
    assert_false(pg_config_trace_enabled(cfg));
    assert_int_equal(pg_config_apply_flag(cfg, pg_config_flag_find("--base"), "main", &err), 0);
    assert_string_equal(pg_config_base_ref(cfg), "main");
    assert_int_equal(pg_config_apply_flag(cfg, pg_config_flag_find("--count"), NULL, &err), -1);
    assert_string_equal(err.msg, "--count needs a value (--count N)");
    pg_config_free(cfg);
    pg_config_free(def);
}

static const char rules_yaml[] = "thresholds:\n"
                                 "  - {bench: 'Parse/small', unit: sec/op, limit: 20%}\n"
                                 "  - {bench: 'Parse*', unit: sec/op, limit: 10%}\n"
                                 "  - {package: 'example.com/m/internal/*', limit: none}\n"
                                 "  - {unit: sec/op, limit: 5%}\n"
                                 "  - {unit: 'items/*', better: lower, limit: any}\n";

static void test_threshold_match(void **state)
{
    (void)state;
    pg_config *def = pg_config_default();
    const pg_threshold *r;
    r = pg_config_threshold_match(def, "example.com/m", "BenchmarkFoo-8", "sec/op");
    assert_string_equal(r->origin, "default rule 1");
    assert_string_equal(pg_config_threshold_match(def, NULL, "Foo", "B/s")->origin,
                        "default rule 4");
    assert_string_equal(pg_config_threshold_match(def, NULL, "Foo", "mmu-100us")->origin,
                        "default rule 5");
    assert_string_equal(pg_config_threshold_match(def, NULL, "Foo", "p-util")->origin,
                        "default rule 6");
    assert_string_equal(pg_config_threshold_match(def, NULL, "Foo", "gc-stw-max-sec")->origin,
                        "default rule 7");
    assert_string_equal(pg_config_threshold_match(def, NULL, "Foo", "block-sync-sec/op")->origin,
                        "default rule 8");
    assert_null(pg_config_threshold_match(def, NULL, "Foo", "goroutines"));
    assert_null(pg_config_threshold_match(def, NULL, "Foo", "ns/op")); /* untidied: no rule */

    pg_config *cfg = parse_ok(rules_yaml);
    /* First match wins: the specific rule above the general one. */
    r = pg_config_threshold_match(cfg, "example.com/m", "BenchmarkParse/small-8", "sec/op");
    assert_true(r->value == 20);
    assert_string_equal(r->origin, "test.yml:2:5");
    /* The GOMAXPROCS suffix is optional for the pattern, other suffixes are not. */
    r = pg_config_threshold_match(cfg, "example.com/m", "Parse/small", "sec/op");
    assert_true(r->value == 20);
    r = pg_config_threshold_match(cfg, "example.com/m", "BenchmarkParse/small-big", "sec/op");
    assert_true(r->value == 10);
    r = pg_config_threshold_match(cfg, "example.com/m", "ParseLarge-4", "sec/op");
    assert_true(r->value == 10);
    /* Package globs; a NULL package only matches "*". */
    r = pg_config_threshold_match(cfg, "example.com/m/internal/x", "Render", "sec/op");
    assert_int_equal(r->limit, PG_CONFIG_LIMIT_NONE);
    r = pg_config_threshold_match(cfg, NULL, "Render", "sec/op");
    assert_true(r->value == 5);
    r = pg_config_threshold_match(cfg, "example.com/m", "Render-2", "items/sec");
    assert_int_equal(pg_config_threshold_better(r, "items/sec"), PG_BETTER_LOWER);
    assert_null(pg_config_threshold_match(cfg, "example.com/m", "Render", "B/op"));
    pg_config_free(cfg);
    pg_config_free(def);
}

static void test_unit_better(void **state)
{
    (void)state;
    struct {
        const char *unit;
        pg_better want;
    } cases[] = {
        {"sec/op", PG_BETTER_LOWER},
        {"B/op", PG_BETTER_LOWER},
        {"allocs/op", PG_BETTER_LOWER},
        {"B/s", PG_BETTER_HIGHER},
        {"items/s", PG_BETTER_HIGHER},
        {"mmu-100us", PG_BETTER_HIGHER},
        {"mmu-1ms", PG_BETTER_HIGHER},
        {"p-util", PG_BETTER_HIGHER},
        {"p-utility", PG_BETTER_LOWER},
        {"gc-stw-max-sec", PG_BETTER_LOWER},
        {"sched-latency-sec/op", PG_BETTER_LOWER},
        {"/s", PG_BETTER_LOWER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (pg_config_unit_better(cases[i].unit) != cases[i].want)
            fail_msg("unit %s", cases[i].unit);
    pg_threshold auto_rule = {.better = PG_BETTER_UNIT};
    assert_int_equal(pg_config_threshold_better(&auto_rule, "mmu-10ms"), PG_BETTER_HIGHER);
    pg_threshold lower = {.better = PG_BETTER_LOWER};
    assert_int_equal(pg_config_threshold_better(&lower, "mmu-10ms"), PG_BETTER_LOWER);
}

static void test_threshold_exceeded(void **state)
{
    (void)state;
    pg_threshold rel = {.better = PG_BETTER_UNIT, .limit = PG_CONFIG_LIMIT_RELATIVE, .value = 5};
    assert_false(
        pg_config_threshold_exceeded(&rel, "sec/op", 100, 105)); /* exactly 5%: not beyond */
    assert_true(pg_config_threshold_exceeded(&rel, "sec/op", 100, 105.1));
    assert_false(pg_config_threshold_exceeded(&rel, "sec/op", 100, 50));  /* an improvement */
    assert_true(pg_config_threshold_exceeded(&rel, "sec/op", -100, -94)); /* |base| */
    assert_true(pg_config_threshold_exceeded(&rel, "B/s", 100, 94));      /* higher is better */
    assert_false(pg_config_threshold_exceeded(&rel, "B/s", 100, 96));
    assert_false(pg_config_threshold_exceeded(&rel, "B/s", 100, 200));
    assert_true(pg_config_threshold_exceeded(&rel, "B/op", 0, 1)); /* from 0: any worsening */
    assert_false(pg_config_threshold_exceeded(&rel, "B/op", 0, 0));
    assert_false(pg_config_threshold_exceeded(&rel, "B/op", NAN, 1));
    assert_false(pg_config_threshold_exceeded(&rel, "B/op", 1, NAN));
    assert_true(pg_config_threshold_exceeded(&rel, "B/op", 1, INFINITY));

    pg_threshold abs = {
        .better = PG_BETTER_HIGHER, .limit = PG_CONFIG_LIMIT_ABSOLUTE, .value = 0.05};
    assert_true(pg_config_threshold_exceeded(&abs, "mmu-1ms", 0.9, 0.84));
    assert_false(pg_config_threshold_exceeded(&abs, "mmu-1ms", 0.9, 0.86));
    assert_false(pg_config_threshold_exceeded(&abs, "mmu-1ms", 0.5, 1));

    pg_threshold any = {.better = PG_BETTER_LOWER, .limit = PG_CONFIG_LIMIT_ANY};
    assert_true(pg_config_threshold_exceeded(&any, "allocs/op", 3, 3.0000001));
    assert_false(pg_config_threshold_exceeded(&any, "allocs/op", 3, 3));
    pg_threshold none = {.better = PG_BETTER_LOWER, .limit = PG_CONFIG_LIMIT_NONE};
    assert_false(pg_config_threshold_exceeded(&none, "sec/op", 1, 1000));
}

/* FNV-1a 64 as documented, independently of the module. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return h;
}

static void test_hash(void **state)
{
    (void)state;
    pg_config *def = pg_config_default();
    char all[PG_CONFIG_HASH_LEN + 1], meas[PG_CONFIG_HASH_LEN + 1], want[32];
    pg_config_hash(def, PG_CONFIG_ALL, all);
    pg_config_hash(def, PG_CONFIG_MEASUREMENT, meas);
    char *text = canonical(def, PG_CONFIG_ALL);
    snprintf(want, sizeof want, "%016llx", (unsigned long long)fnv1a(text));
    assert_string_equal(all, want);
    free(text);
    /* Pinned: a change here changes every stored hash; make it on purpose. */
    assert_string_equal(meas, "2eec2e3331e37335");
    char *mtext = canonical(def, PG_CONFIG_MEASUREMENT);
    assert_string_equal(mtext, "benchtime: \"1s\"\ncpu: []\nenv: {}\nbuild_flags: []\ntrace:\n"
                               "  enabled: true\n  window: timed\n"
                               "  mmu_windows: [\"100\xc2\xb5s\", \"1ms\", \"10ms\", \"100ms\"]\n");
    free(mtext);

    /* Decision and selection keys leave the measurement hash alone... */
    pg_config *cfg = parse_ok("count: 30\nalpha: 0.01\nbench: X\npackages: ./a\n"
                              "thresholds: []\nreport: {dir: out}\ntimeout: 1m\n");
    char h[PG_CONFIG_HASH_LEN + 1];
    pg_config_hash(cfg, PG_CONFIG_MEASUREMENT, h);
    assert_string_equal(h, meas);
    pg_config_hash(cfg, PG_CONFIG_ALL, h);
    assert_string_not_equal(h, all);
    pg_config_free(cfg);
    /* ...spelling does not matter, and env order does not either... */
    cfg = parse_ok("benchtime: 1000ms\ntrace: {mmu_windows: [100us, 1ms, 10ms, 0.1s]}\n");
    pg_config_hash(cfg, PG_CONFIG_MEASUREMENT, h);
    assert_string_equal(h, meas);
    pg_config_free(cfg);
    pg_config *e1 = parse_ok("env: {A: 1, B: 2}\n"), *e2 = parse_ok("env: {B: 2, A: 1}\n");
    char h1[PG_CONFIG_HASH_LEN + 1], h2[PG_CONFIG_HASH_LEN + 1];
    pg_config_hash(e1, PG_CONFIG_MEASUREMENT, h1);
    pg_config_hash(e2, PG_CONFIG_MEASUREMENT, h2);
    assert_string_equal(h1, h2);
    assert_string_not_equal(h1, meas);
    pg_config_free(e1);
    pg_config_free(e2);
    /* ...and what changes a sample changes it. */
    const char *changes[] = {"benchtime: 2s\n",          "cpu: [4]\n",
                             "build_flags: [-race]\n",   "trace: {enabled: false}\n",
                             "trace: {window: whole}\n", "trace: {mmu_windows: [1ms]}\n"};
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        cfg = parse_ok(changes[i]);
        pg_config_hash(cfg, PG_CONFIG_MEASUREMENT, h);
        assert_string_not_equal(h, meas);
        pg_config_free(cfg);
    }
    pg_config_free(def);
}

/* A hostile file stays cheap: the node limit (the depth limit is a case). */
static void test_limits(void **state)
{
    (void)state;
    pg_buf yaml = {0};
    pg_buf_puts(&yaml, "env: {A: [");
    for (int i = 0; i < PG_YAML_MAX_NODES; i++)
        pg_buf_puts(&yaml, "1,");
    pg_buf_puts(&yaml, "]}\n");
    pg_error err = {{0}};
    assert_null(pg_config_parse(yaml.data, yaml.len, "big.yml", &err));
    /* Node 100001 is list item 99999 (after the keys `env` and `A`), in
     * column 11 + 2 * 99998. */
    assert_string_equal(err.msg, "big.yml:1:200007: the document has more than 100000 values; a "
                                 "config file is far smaller, so check that this is the right "
                                 "file");
    pg_buf_free(&yaml);
}

static void test_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/pg_config_testXXXXXX";
    assert_non_null(mkdtemp(dir));
    pg_error err = {{0}};
    /* No .perfgate.yml: the defaults, from no file. */
    pg_config *cfg = pg_config_find(dir, &err);
    assert_non_null(cfg);
    assert_null(pg_config_path(cfg));
    pg_config_free(cfg);

    char *path = pg_xasprintf("%s/.perfgate.yml", dir);
    FILE *f = fopen(path, "w");
    fputs("count: 12\nalpha: x\n", f);
    fclose(f);
    assert_null(pg_config_find(dir, &err));
    char *want = pg_xasprintf("%s:2:8: `alpha` expects a significance level between 0 and 1, "
                              "such as 0.05, found `x`",
                              path);
    assert_string_equal(err.msg, want);
    free(want);
    f = fopen(path, "w");
    fputs("count: 12\n", f);
    fclose(f);
    cfg = pg_config_find(dir, &err);
    assert_non_null(cfg);
    assert_int_equal(pg_config_count(cfg), 12);
    assert_string_equal(pg_config_path(cfg), path);
    pg_config_free(cfg);

    /* An explicit path must exist and be a file of sane size. */
    char *missing = pg_xasprintf("%s/nope.yml", dir);
    assert_null(pg_config_load(missing, &err));
    want = pg_xasprintf("cannot read config file %s: No such file or directory; check the path",
                        missing);
    assert_string_equal(err.msg, want);
    free(want);
    assert_null(pg_config_load(dir, &err));
    want = pg_xasprintf("%s is a directory; give the path of a .perfgate.yml file", dir);
    assert_string_equal(err.msg, want);
    free(want);
    f = fopen(path, "w");
    for (int i = 0; i < PG_CONFIG_MAX_SIZE / 10 + 1; i++)
        fputs("# padding\n", f);
    fclose(f);
    assert_null(pg_config_load(path, &err));
    want = pg_xasprintf("%s is larger than 1024 KiB; a config file is a few KiB, so check that "
                        "this is the right file",
                        path);
    assert_string_equal(err.msg, want);
    free(want);
    unlink(path);
    rmdir(dir);
    free(path);
    free(missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_example_is_defaults),
        cmocka_unit_test(test_readme_documents_everything),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_empty_documents),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_threshold_match),
        cmocka_unit_test(test_unit_better),
        cmocka_unit_test(test_threshold_exceeded),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
