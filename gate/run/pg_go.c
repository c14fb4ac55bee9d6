/*
 * Driving the go command and test binaries: toolchain facts, package
 * listing, `go test -c`, and -test.list. Every call goes through pg_proc so
 * that a hung toolchain cannot hang perfgate.
 */
#include "pg_go.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "pg_alloc.h"
#include "pg_proc.h"

/* Generous bounds for commands that should take seconds. */
#define GO_ENV_TIMEOUT    120.0
#define GO_LIST_TIMEOUT   600.0
#define TEST_LIST_TIMEOUT 120.0

struct pg_go {
    char *bin;
    char *version, *goos, *goarch;
};

/* Runs a command and fails with its stderr when it does not exit 0. */
static int run_checked(const char *const *argv, const char *cwd, double timeout,
                       pg_proc_result *res, pg_error *err)
{
    pg_proc_spec spec = {.argv = argv, .cwd = cwd, .timeout_sec = timeout};
    if (pg_proc_run(&spec, res, err) < 0)
        return -1;
    if (pg_proc_ok(res))
        return 0;
    pg_buf why = {0};
    pg_proc_describe(res, &spec, &why);
    pg_buf_truncate(&res->err, 4000);
    pg_error_set(err, "`%s %s` in %s failed (%s):\n%s", argv[0], argv[1] ? argv[1] : "",
                 cwd ? cwd : ".", pg_buf_str(&why), pg_buf_str(&res->err));
    pg_buf_free(&why);
    pg_proc_result_free(res);
    return -1;
}

static char *json_str(json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return pg_xstrdup(v ? v : "");
}

/* Accepts go1.22 and later, and development builds. */
static int version_ok(const char *v)
{
    int major, minor;
    if (strncmp(v, "devel", 5) == 0)
        return 1;
    if (sscanf(v, "go%d.%d", &major, &minor) != 2)
        return 0;
    return major > 1 || minor >= 22;
}

pg_go *pg_go_create(const char *go_bin, pg_error *err)
{
    if (!go_bin)
        go_bin = getenv("PERFGATE_GO");
    if (!go_bin || !*go_bin)
        go_bin = "go";
    const char *argv[] = {go_bin, "env", "-json", "GOVERSION", "GOOS", "GOARCH", NULL};
    pg_proc_result res;
    if (run_checked(argv, NULL, GO_ENV_TIMEOUT, &res, err) < 0) {
        pg_error_prefix(err, "cannot use the Go toolchain (install Go >= 1.22 or set "
                             "PERFGATE_GO to its go binary): ");
        return NULL;
    }
    json_error_t jerr;
    json_t *env = json_loads(pg_buf_str(&res.out), 0, &jerr);
    pg_proc_result_free(&res);
    if (!json_is_object(env)) {
        json_decref(env);
        pg_error_set(err, "`%s env -json` printed something that is not a JSON object: %s", go_bin,
                     jerr.text);
        return NULL;
    }
    pg_go *go = pg_xcalloc(1, sizeof *go);
    go->bin = pg_xstrdup(go_bin);
    go->version = json_str(env, "GOVERSION");
    go->goos = json_str(env, "GOOS");
    go->goarch = json_str(env, "GOARCH");
    json_decref(env);
    if (!version_ok(go->version)) {
        pg_error_set(err, "%s is %s, but perfgate needs Go >= 1.22 (execution trace format v2)",
                     go_bin, go->version);
        pg_go_free(go);
        return NULL;
    }
    return go;
}

void pg_go_free(pg_go *go)
{
    if (!go)
        return;
    free(go->bin);
    free(go->version);
    free(go->goos);
    free(go->goarch);
    free(go);
}

const char *pg_go_version(const pg_go *go)
{
    return go->version;
}

const char *pg_go_goos(const pg_go *go)
{
    return go->goos;
}

const char *pg_go_goarch(const pg_go *go)
{
    return go->goarch;
}

int pg_go_list(pg_go *go, const char *dir, const char *const *patterns, size_t npatterns,
               pg_go_packages *out, pg_error *err)
{
    memset(out, 0, sizeof *out);
    const char **argv = pg_xcalloc(npatterns + 5, sizeof *argv);
    size_t n = 0;
    argv[n++] = go->bin;
    argv[n++] = "list";
    argv[n++] = "-f";
    argv[n++] = "{{.ImportPath}}\t{{.Dir}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}";
    for (size_t i = 0; i < npatterns; i++)
        argv[n++] = patterns[i];
    pg_proc_result res;
    int rc = run_checked(argv, dir, GO_LIST_TIMEOUT, &res, err);
    free(argv);
    if (rc < 0)
        return -1;
    size_t cap = 0;
    char *cursor = res.out.data;
    for (char *line; (line = pg_buf_next_line(&cursor));) {
        char *f[4];
        int nf = 0;
        for (char *p = line; nf < 4; nf++) {
            f[nf] = p;
            p = strchr(p, '\t');
            if (!p) {
                nf++;
                break;
            }
            *p++ = '\0';
        }
        if (nf != 4)
            continue;
        out->items = pg_xgrow(out->items, &cap, out->count + 1, sizeof *out->items);
        out->items[out->count++] =
            (pg_go_package){pg_xstrdup(f[0]), pg_xstrdup(f[1]), atoi(f[2]) + atoi(f[3]) > 0};
    }
    pg_proc_result_free(&res);
    return 0;
}

void pg_go_packages_free(pg_go_packages *pkgs)
{
    for (size_t i = 0; i < pkgs->count; i++) {
        free(pkgs->items[i].import_path);
        free(pkgs->items[i].dir);
    }
    free(pkgs->items);
    memset(pkgs, 0, sizeof *pkgs);
}

int pg_go_build_test(pg_go *go, const char *dir, const char *import_path, const char *out_path,
                     const char *const *build_flags, size_t nflags, const char *const *env,
                     double timeout_sec, int *built, pg_buf *log, pg_error *err)
{
    *built = 0;
    const char **argv = pg_xcalloc(nflags + 7, sizeof *argv);
    size_t n = 0;
    argv[n++] = go->bin;
    argv[n++] = "test";
    argv[n++] = "-c";
    argv[n++] = "-o";
    argv[n++] = out_path;
    for (size_t i = 0; i < nflags; i++)
        argv[n++] = build_flags[i];
    argv[n++] = import_path;
    pg_proc_spec spec = {
        .argv = argv, .env = env, .cwd = dir, .timeout_sec = timeout_sec, .merge_stderr = 1};
    pg_proc_result res;
    int rc = pg_proc_run(&spec, &res, err);
    free(argv);
    if (rc < 0)
        return -1;
    pg_buf_append(log, res.out.data ? res.out.data : "", res.out.len);
    if (!pg_proc_ok(&res)) {
        pg_buf why = {0};
        pg_proc_describe(&res, &spec, &why);
        pg_error_set(err, "go test -c %s failed (%s)", import_path, pg_buf_str(&why));
        pg_buf_free(&why);
        pg_proc_result_free(&res);
        return -1;
    }
    pg_proc_result_free(&res);
    struct stat st;
    *built = stat(out_path, &st) == 0; /* no binary: the package has no test files */
    return 0;
}

int pg_go_list_benchmarks(pg_go *go, const char *test_bin, const char *dir, const char *top_regex,
                          pg_buf *names, pg_error *err)
{
    (void)go;
    const char *argv[] = {test_bin, "-test.list", top_regex, NULL};
    pg_proc_result res;
    if (run_checked(argv, dir, TEST_LIST_TIMEOUT, &res, err) < 0)
        return -1;
    int count = 0;
    char *cursor = res.out.data;
    for (char *line; (line = pg_buf_next_line(&cursor));) {
        if (strncmp(line, "Benchmark", 9) != 0 || strchr(line, ' '))
            continue;
        pg_buf_append(names, line, strlen(line) + 1);
        count++;
    }
    pg_proc_result_free(&res);
    return count;
}

void pg_go_quote_meta(pg_buf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (strchr("\\.+*?()|[]{}^$", s[i]) && s[i] != '\0')
            pg_buf_putc(out, '\\');
        pg_buf_putc(out, s[i]);
    }
}

void pg_go_bench_pattern(pg_buf *out, const char *name)
{
    for (;;) {
        const char *slash = strchr(name, '/');
        size_t len = slash ? (size_t)(slash - name) : strlen(name);
        pg_buf_putc(out, '^');
        pg_go_quote_meta(out, name, len);
        pg_buf_putc(out, '$');
        if (!slash)
            return;
        pg_buf_putc(out, '/');
        name = slash + 1;
    }
}
