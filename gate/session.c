/*
 * Shared plumbing of `perfgate run` and `perfgate gate` (see session.h).
 */
#include "session.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "pg_alloc.h"
#include "pg_bench_unit.h"

enum { OPT_HELP = 1000, OPT_CONFIG, OPT_OWN = 2000, OPT_CFG = 3000 };

static void usage(FILE *f, const char *command, const char *summary, const pg_session_flag *own,
                  size_t nown)
{
    fprintf(f, "usage: perfgate %s [options]\n\n%s\n\noptions:\n", command, summary);
    fprintf(f, "  %-22s %s\n", "--config F",
            "read the configuration from F (default: "
            ".perfgate.yml at the module root)");
    for (size_t i = 0; i < nown; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s%s%s", own[i].name, own[i].metavar ? " " : "",
                 own[i].metavar ? own[i].metavar : "");
        fprintf(f, "  %-22s %s\n", head, own[i].help);
    }
    size_t n;
    const pg_config_flag *flags = pg_config_flags(&n);
    for (size_t i = 0; i < n; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s%s%s", flags[i].name, flags[i].metavar ? " " : "",
                 flags[i].metavar ? flags[i].metavar : "");
        fprintf(f, "  %-22s %s\n", head, flags[i].help);
    }
    fprintf(f, "\nExit status: 0 pass, 1 regression, 2 usage or configuration error, "
               "3 runtime failure.\n");
}

/* The directory at or above `start` that holds go.mod. */
static char *find_module(const char *start)
{
    char *dir = pg_xstrdup(start);
    for (;;) {
        char *gomod = pg_xasprintf("%s/go.mod", dir);
        struct stat st;
        int found = stat(gomod, &st) == 0 && S_ISREG(st.st_mode);
        free(gomod);
        if (found)
            return dir;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            free(dir);
            return NULL;
        }
        *slash = '\0';
    }
}

static int fail(const char *msg, int status)
{
    fprintf(stderr, "perfgate: %s\n", msg);
    return status;
}

int pg_session_open(pg_session *s, const char *command, const char *summary, int argc, char **argv,
                    const pg_session_flag *own, size_t nown)
{
    memset(s, 0, sizeof *s);
    s->command = command;
    s->own = pg_xcalloc(nown + 1, sizeof *s->own);
    size_t ncfg;
    const pg_config_flag *cfg_flags = pg_config_flags(&ncfg);
    struct option *opts = pg_xcalloc(nown + ncfg + 3, sizeof *opts);
    size_t k = 0;
    opts[k++] = (struct option){"help", no_argument, NULL, OPT_HELP};
    opts[k++] = (struct option){"config", required_argument, NULL, OPT_CONFIG};
    for (size_t i = 0; i < nown; i++)
        opts[k++] =
            (struct option){own[i].name + 2, own[i].metavar ? required_argument : no_argument, NULL,
                            OPT_OWN + (int)i};
    for (size_t i = 0; i < ncfg; i++)
        opts[k++] = (struct option){cfg_flags[i].name + 2,
                                    cfg_flags[i].metavar ? required_argument : no_argument, NULL,
                                    OPT_CFG + (int)i};
    /* Overrides are applied after the file is loaded, in command-line order
     * (so the first bad flag is the one reported); a repeated flag's last
     * value wins, and repeated --packages add up. */
    const char **cfg_args = pg_xcalloc(ncfg, sizeof *cfg_args);
    size_t *order = pg_xcalloc((size_t)argc + 1, sizeof *order), norder = 0;
    char *config_path = NULL;
    pg_buf packages = {0};
    int status = 0, c;
    opterr = 0;
    optind = 1;
    while (status == 0 && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h' || c == OPT_HELP) {
            usage(stdout, command, summary, own, nown);
            status = -1;
        } else if (c == OPT_CONFIG) {
            free(config_path);
            config_path = pg_xstrdup(optarg);
        } else if (c >= OPT_CFG) {
            size_t i = (size_t)(c - OPT_CFG);
            order[norder++] = i;
            if (strcmp(cfg_flags[i].name, "--packages") == 0) {
                if (packages.len)
                    pg_buf_putc(&packages, ' ');
                pg_buf_puts(&packages, optarg);
                cfg_args[i] = pg_buf_str(&packages);
            } else {
                cfg_args[i] = cfg_flags[i].metavar ? optarg : cfg_flags[i].value;
            }
        } else if (c >= OPT_OWN) {
            s->own[c - OPT_OWN] = own[c - OPT_OWN].metavar ? optarg : "1";
        } else {
            fprintf(stderr, "perfgate %s: %s %s\n", command,
                    c == ':' ? "missing value for option" : "unknown option", argv[optind - 1]);
            usage(stderr, command, summary, own, nown);
            status = PG_EXIT_USAGE;
        }
    }
    if (status == 0 && optind < argc) {
        fprintf(stderr, "perfgate %s: unexpected argument '%s'\n", command, argv[optind]);
        usage(stderr, command, summary, own, nown);
        status = PG_EXIT_USAGE;
    }
    free(opts);

    pg_error err;
    char cwd[PATH_MAX];
    if (status == 0 && !getcwd(cwd, sizeof cwd))
        status = fail("cannot read the current directory", PG_EXIT_RUNTIME);
    if (status == 0 && !(s->module_dir = find_module(cwd))) {
        pg_error_set(&err,
                     "no go.mod in %s or above it: run perfgate inside the Go module to "
                     "benchmark",
                     cwd);
        status = fail(err.msg, PG_EXIT_USAGE);
    }
    if (status == 0) {
        s->cfg =
            config_path ? pg_config_load(config_path, &err) : pg_config_find(s->module_dir, &err);
        if (!s->cfg)
            status = fail(err.msg, PG_EXIT_USAGE);
    }
    for (size_t j = 0; status == 0 && j < norder; j++) {
        size_t i = order[j];
        if (pg_config_apply_flag(s->cfg, &cfg_flags[i], cfg_args[i], &err) < 0)
            status = fail(err.msg, PG_EXIT_USAGE);
    }
    free(order);
    free(cfg_args);
    free(config_path);
    pg_buf_free(&packages);
    if (status == 0 && !(s->git = pg_git_open(s->module_dir, &err)))
        status = fail(err.msg, PG_EXIT_USAGE);
    if (status == 0) {
        const char *root = pg_git_workdir(s->git);
        size_t rootlen = root ? strlen(root) : 0;
        if (!root) {
            status = fail("perfgate needs a git work tree, not a bare repository", PG_EXIT_USAGE);
        } else {
            /* root ends in '/', module_dir does not. */
            s->module_rel = strncmp(s->module_dir, root, rootlen) == 0
                                ? pg_xstrdup(s->module_dir + rootlen)
                                : pg_xstrdup("");
        }
    }
    if (status == 0 && pg_git_head_read(s->git, &s->head, &err) < 0)
        status = fail(err.msg, PG_EXIT_RUNTIME);
    if (status == 0 && !(s->go = pg_go_create(NULL, &err)))
        status = fail(err.msg, PG_EXIT_RUNTIME);
    if (status == 0)
        s->progress = pg_progress_create(stderr);
    if (status != 0) {
        pg_session_close(s);
        return status < 0 ? PG_EXIT_OK : status;
    }
    return -1;
}

void pg_session_close(pg_session *s)
{
    pg_progress_free(s->progress);
    pg_go_free(s->go);
    pg_git_head_clear(&s->head);
    pg_git_free(s->git);
    pg_config_free(s->cfg);
    free(s->module_dir);
    free(s->module_rel);
    free(s->own);
    memset(s, 0, sizeof *s);
}

pg_resultset *pg_session_resultset(pg_session *s, const char *commit, int dirty, pg_error *err)
{
    char hash[PG_CONFIG_HASH_LEN + 1];
    pg_config_hash(s->cfg, PG_CONFIG_MEASUREMENT, hash);
    size_t ncpu;
    const int *cpus = pg_config_cpus(s->cfg, &ncpu);
    int64_t *cpu64 = pg_xcalloc(ncpu + 1, sizeof *cpu64);
    for (size_t i = 0; i < ncpu; i++)
        cpu64[i] = cpus[i];
    const char *refs[1] = {s->head.ref};
    int is_head = strcmp(commit, s->head.sha) == 0 && s->head.ref;
    pg_rs_meta meta = {
        .commit = commit,
        .dirty = dirty,
        .refs = is_head ? refs : NULL,
        .nrefs = is_head ? 1 : 0,
        .created = (int64_t)time(NULL),
        .perfgate_version = PG_VERSION,
        .config_hash = hash,
        .toolchain = {pg_go_version(s->go), pg_go_goos(s->go), pg_go_goarch(s->go)},
        .params = {pg_config_count(s->cfg), pg_config_benchtime(s->cfg), pg_config_bench(s->cfg),
                   cpu64, ncpu},
    };
    pg_rs_machine_detect(&meta.machine);
    pg_resultset *rs = pg_resultset_create(&meta, err);
    free(cpu64);
    return rs;
}

pg_store *pg_session_store(pg_session *s, pg_error *err)
{
    if (pg_config_store_backend(s->cfg) == PG_CONFIG_STORE_NOTES)
        return pg_store_open_notes(s->git, pg_config_store_notes_ref(s->cfg), err);
    const char *dir = pg_config_store_dir(s->cfg);
    if (dir[0] == '/')
        return pg_store_open_dir(dir, err);
    char *path = pg_xasprintf("%s/%s", s->module_dir, dir);
    pg_store *st = pg_store_open_dir(path, err);
    free(path);
    return st;
}

int pg_session_check_push(pg_session *s, pg_store *store, const char *push_remote)
{
    if (!push_remote)
        return 0;
    pg_error err;
    if (pg_store_fetch(store, push_remote, &err) < 0) {
        pg_progress_end(s->progress);
        fprintf(stderr,
                "perfgate: --push %s: cannot fetch the results notes from it, so the push "
                "would fail too; nothing was run: %s\n",
                push_remote, err.msg);
        return -1;
    }
    return 0;
}

int pg_session_save(pg_session *s, pg_store *store, const pg_resultset *rs, const char *push_remote)
{
    const pg_rs_meta *meta = pg_resultset_meta(rs);
    if (meta->dirty) {
        pg_progress_note(s->progress,
                         "perfgate: not storing the results of %.12s: the work tree has "
                         "uncommitted changes (%s), so they are no baseline of that commit",
                         meta->commit, s->head.dirty_example ? s->head.dirty_example : "");
        return 0;
    }
    pg_error err;
    int added = 0;
    if (pg_store_append(store, rs, &added, &err) < 0) {
        fprintf(stderr, "perfgate: cannot store the results of %.12s: %s\n", meta->commit, err.msg);
        return -1;
    }
    pg_progress_note(s->progress, "perfgate: stored the results of %.12s in %s", meta->commit,
                     pg_store_describe(store));
    if (push_remote) {
        pg_git_sync_result res;
        if (pg_store_push(store, push_remote, NULL, &res, &err) < 0) {
            fprintf(stderr, "perfgate: cannot push the results to %s: %s\n", push_remote, err.msg);
            return -1;
        }
        pg_progress_note(s->progress, "perfgate: pushed the results to %s", push_remote);
    }
    return 0;
}

static int by_package_and_name(const void *a, const void *b)
{
    const pg_rs_bench *x = *(const pg_rs_bench *const *)a, *y = *(const pg_rs_bench *const *)b;
    int c = strcmp(x->pkg, y->pkg);
    return c ? c : strcmp(x->name, y->name);
}

/* Feeds every sample of `rs` to `c` as results of column `label`. */
static void add_resultset(pg_compare *c, pg_bench_units *units, const pg_resultset *rs,
                          const char *label)
{
    for (size_t u = 0; u < pg_resultset_nunits(rs); u++) {
        const pg_rs_unit *unit = pg_resultset_unit(rs, u);
        for (size_t m = 0; m < unit->nmeta; m++)
            pg_bench_units_set(units, unit->unit, unit->meta[m].key, unit->meta[m].value, NULL);
    }
    /* Rows appear in the order results are added; the interleaved runs come
     * in random order, so add benchmarks sorted, for stable reports. */
    size_t nbench = pg_resultset_nbench(rs);
    const pg_rs_bench **sorted = pg_xcalloc(nbench + 1, sizeof *sorted);
    for (size_t b = 0; b < nbench; b++)
        sorted[b] = pg_resultset_bench(rs, b);
    qsort(sorted, nbench, sizeof *sorted, by_package_and_name);
    pg_buf tidied = {0};
    for (size_t b = 0; b < nbench; b++) {
        const pg_rs_bench *bench = sorted[b];
        pg_bench_kv *kv = pg_xcalloc(bench->nconfig + 1, sizeof *kv);
        for (size_t i = 0; i < bench->nconfig; i++)
            kv[i] = (pg_bench_kv){bench->config[i].key, strlen(bench->config[i].key),
                                  bench->config[i].value, strlen(bench->config[i].value)};
        for (size_t i = 0; i < bench->nsamples; i++) {
            const pg_rs_sample *smp = &bench->samples[i];
            pg_bench_value *vals = pg_xcalloc(smp->nvalues + 1, sizeof *vals);
            char **units_tidied = pg_xcalloc(smp->nvalues + 1, sizeof *units_tidied);
            for (size_t j = 0; j < smp->nvalues; j++) {
                const pg_rs_value *v = &smp->values[j];
                pg_buf_truncate(&tidied, 0);
                double factor = pg_bench_unit_tidy(v->unit, strlen(v->unit), &tidied);
                double t = v->value * factor;
                /* benchstat keeps the unit as written when tidying leaves the
                 * value unchanged (0 ns/op stays in ns/op). */
                if (t == v->value) {
                    vals[j] = (pg_bench_value){v->value, v->unit, 0, NULL};
                } else {
                    units_tidied[j] = pg_buf_detach(&tidied);
                    vals[j] = (pg_bench_value){t, units_tidied[j], v->value, v->unit};
                }
            }
            pg_bench_result r = {label,      kv,   bench->nconfig, bench->name, strlen(bench->name),
                                 smp->iters, vals, smp->nvalues,   NULL,        0};
            pg_compare_add(c, &r);
            for (size_t j = 0; j < smp->nvalues; j++)
                free(units_tidied[j]);
            free(units_tidied);
            free(vals);
        }
        free(kv);
    }
    free(sorted);
    pg_buf_free(&tidied);
}

pg_comparison *pg_session_compare(const pg_config *cfg, const pg_resultset *base,
                                  const pg_resultset *head, pg_compare **compare)
{
    pg_error err;
    *compare = pg_compare_create(&(pg_compare_opts){0}, &err); /* defaults cannot fail */
    pg_bench_units *units = pg_bench_units_create();
    if (base)
        add_resultset(*compare, units, base, "base");
    add_resultset(*compare, units, head, "head");
    pg_compare_params params = {pg_config_alpha(cfg), pg_config_confidence(cfg), units};
    pg_comparison *cmp = pg_compare_run(*compare, &params);
    pg_bench_units_free(units);
    return cmp;
}

static void on_phase(void *ctx, const char *message)
{
    pg_session *s = ctx;
    pg_progress_note(s->progress, "perfgate: %s", message);
}

static void on_before(void *ctx, size_t done, size_t total, int round, int rounds, const char *name,
                      const char *side, double elapsed)
{
    pg_session *s = ctx;
    pg_progress_update(s->progress, done, total, round, rounds, name, side, elapsed);
}

static void on_after(void *ctx, const char *name, const char *side, double wall,
                     const char *failure)
{
    pg_session *s = ctx;
    pg_progress_finished(s->progress, name, side, wall, failure);
}

pg_suite_events pg_session_events(pg_session *s)
{
    return (pg_suite_events){s, on_phase, on_before, on_after};
}

int pg_session_add_side(pg_session *s, pg_suite *suite, int which, const char *dir,
                        pg_resultset *rs)
{
    pg_buf log = {0};
    pg_error err;
    const char *label = which == PG_SIDE_BASE ? "base" : "head";
    int rc = pg_suite_add_side(suite, which, label, dir, rs, &log, &err);
    if (rc < 0) {
        pg_progress_end(s->progress);
        fprintf(stderr, "perfgate: %s\n%s", err.msg, pg_buf_str(&log));
    }
    pg_buf_free(&log);
    return rc;
}

int pg_session_run_suite(pg_session *s, pg_suite *suite, pg_resultset *head)
{
    if (pg_session_add_side(s, suite, PG_SIDE_HEAD, s->module_dir, head) < 0)
        return PG_EXIT_RUNTIME;
    const pg_suite_failure *failures;
    if (pg_suite_leaves(suite, PG_SIDE_BASE) + pg_suite_leaves(suite, PG_SIDE_HEAD) == 0 &&
        pg_suite_failures(suite, &failures) == 0) {
        pg_progress_end(s->progress);
        fprintf(stderr,
                "perfgate: no benchmark matches `%s` in the packages `%s` of %s: check `bench` "
                "and `packages` in the configuration (or --bench, --packages)\n",
                pg_config_bench(s->cfg), pg_config_packages(s->cfg, &(size_t){0})[0],
                s->module_dir);
        return PG_EXIT_USAGE;
    }
    pg_error err;
    int rc = pg_suite_run(suite, &err);
    pg_progress_end(s->progress);
    if (rc < 0) {
        fprintf(stderr, "perfgate: %s\n", err.msg);
        return PG_EXIT_RUNTIME;
    }
    return 0;
}

void pg_session_print_failures(const pg_suite *suite, FILE *out)
{
    const char *warnings = pg_suite_warnings(suite);
    if (*warnings)
        fprintf(out, "\nwarnings:\n%s", warnings);
    const pg_suite_failure *f;
    size_t n = pg_suite_failures(suite, &f);
    if (n)
        fprintf(out, "\nFAILED BENCHMARKS (%zu): not compared; the gate cannot pass without them\n",
                n);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "\n%s (%s): %s\n", f[i].name, f[i].side, f[i].what);
        const char *p = f[i].output;
        while (*p) {
            size_t len = strcspn(p, "\n");
            fprintf(out, "    %.*s\n", (int)len, p);
            p += len + (p[len] == '\n');
        }
    }
}
