/*
 * Suite runs (see pg_suite.h): build, enumerate, interleave, and turn each
 * benchmark process's output and trace into result-set samples.
 */
#include "pg_suite.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pg_alloc.h"
#include "pg_bench.h"
#include "pg_gosyntax.h"
#include "pg_intern.h"
#include "pg_trace_metrics.h"

/* `go test -c` gets its own bound: a cold build cache can take minutes,
 * and the per-benchmark timeout says nothing about the compiler. */
#define BUILD_TIMEOUT_SEC 3600.0
/* Enough of a failing benchmark's output to see its panic. */
#define FAILURE_OUTPUT_MAX 8192

typedef struct package {
    char *import_path;
    char *dir;
    char *bin;     /* NULL: no test files or no matching benchmark */
    pg_buf leaves; /* NUL-separated leaf names */
    size_t nleaves;
} package;

typedef struct side {
    char *label;
    pg_resultset *rs;
    package *pkgs;
    size_t npkgs;
    size_t nleaves;
} side;

typedef struct job_info {
    char *name;
    char *pkg; /* import path, for results whose output lacks "pkg:" */
    /* What its results are called in the result sets ("X/y-8" and the
     * package), from its first result: the second look selects by it. */
    char *result_name, *result_pkg;
    int failed;
} job_info;

struct pg_suite {
    pg_go *go;
    const pg_config *cfg;
    pg_suite_events events;
    char *tmp;
    const char **env; /* "KEY=value" from the config, NULL-terminated */
    side sides[2];
    pg_bench_units *units;
    pg_runner_job *jobs;
    job_info *info;
    size_t njobs;
    pg_suite_failure *failures;
    size_t nfailures, failures_cap;
    pg_suite_timing timing;
    int rounds;
    pg_buf warnings;
    pg_buf shown; /* shown_name's result */
};

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void phase(pg_suite *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void phase(pg_suite *s, const char *fmt, ...)
{
    if (!s->events.phase)
        return;
    pg_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    pg_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    s->events.phase(s->events.ctx, pg_buf_str(&b));
    pg_buf_free(&b);
}

static void add_failure(pg_suite *s, const char *side_label, const char *name, const char *what,
                        const char *output, size_t len)
{
    if (len > FAILURE_OUTPUT_MAX) {
        output += len - FAILURE_OUTPUT_MAX;
        len = FAILURE_OUTPUT_MAX;
    }
    s->failures = pg_xgrow(s->failures, &s->failures_cap, s->nfailures + 1, sizeof *s->failures);
    s->failures[s->nfailures++] = (pg_suite_failure){pg_xstrdup(side_label), pg_xstrdup(name),
                                                     pg_xstrdup(what), pg_xstrndup(output, len)};
}

static double timeout_sec(const pg_suite *s)
{
    return (double)pg_config_timeout_ns(s->cfg) * 1e-9;
}

pg_suite *pg_suite_create(pg_go *go, const pg_config *cfg, const pg_suite_events *events,
                          pg_error *err)
{
    const char *tmpdir = getenv("TMPDIR");
    char *tmp = pg_xasprintf("%s/perfgate-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(tmp)) {
        pg_error_set(err, "cannot create a temporary directory %s: %s", tmp, strerror(errno));
        free(tmp);
        return NULL;
    }
    pg_suite *s = pg_xcalloc(1, sizeof *s);
    s->go = go;
    s->cfg = cfg;
    if (events)
        s->events = *events;
    s->tmp = tmp;
    s->units = pg_bench_units_create();
    size_t nenv;
    const pg_config_envvar *env = pg_config_env(cfg, &nenv);
    s->env = pg_xcalloc(nenv + 1, sizeof *s->env);
    for (size_t i = 0; i < nenv; i++)
        s->env[i] = pg_xasprintf("%s=%s", env[i].name, env[i].value);
    return s;
}

static void remove_tree(const char *dir)
{
    /* Only our own mkdtemp directory, whose name we made. */
    const char *argv[] = {"rm", "-rf", dir, NULL};
    pg_proc_spec spec = {.argv = argv, .timeout_sec = 120};
    pg_proc_result res;
    if (pg_proc_run(&spec, &res, NULL) == 0)
        pg_proc_result_free(&res);
}

void pg_suite_free(pg_suite *s)
{
    if (!s)
        return;
    remove_tree(s->tmp);
    free(s->tmp);
    for (size_t i = 0; s->env[i]; i++)
        free((char *)s->env[i]);
    free(s->env);
    for (int k = 0; k < 2; k++) {
        side *sd = &s->sides[k];
        for (size_t i = 0; i < sd->npkgs; i++) {
            free(sd->pkgs[i].import_path);
            free(sd->pkgs[i].dir);
            free(sd->pkgs[i].bin);
            pg_buf_free(&sd->pkgs[i].leaves);
        }
        free(sd->pkgs);
        free(sd->label);
    }
    for (size_t i = 0; i < s->njobs; i++) {
        free(s->info[i].name);
        free(s->info[i].pkg);
        free(s->info[i].result_name);
        free(s->info[i].result_pkg);
    }
    free(s->jobs);
    free(s->info);
    for (size_t i = 0; i < s->nfailures; i++) {
        free((char *)s->failures[i].side);
        free((char *)s->failures[i].name);
        free((char *)s->failures[i].what);
        free((char *)s->failures[i].output);
    }
    free(s->failures);
    pg_bench_units_free(s->units);
    pg_buf_free(&s->warnings);
    pg_buf_free(&s->shown);
    free(s);
}

/* Finds the leaves of the package's benchmarks. The pattern's top-level
 * elements select the benchmark functions (-test.list); then each function
 * is run once alone with its sub-benchmark levels ("^BenchmarkTop$/rest"),
 * so a benchmark that panics or hangs costs only itself. A pattern with
 * several '|' alternatives ("A/x|B") cannot be cut per function that way and
 * is run once whole. */
static void discover(pg_suite *s, side *sd, package *pkg)
{
    const char *bench = pg_config_bench(s->cfg);
    size_t blen = strlen(bench);
    size_t nparts = pg_gosyntax_bench_split(bench, blen, NULL, 0);
    pg_gosyntax_bench_part *parts = pg_xcalloc(nparts, sizeof *parts);
    pg_gosyntax_bench_split(bench, blen, parts, nparts);
    int alternatives = parts[nparts - 1].alternative + 1;
    pg_buf top = {0}, names = {0}, pattern = {0};
    for (size_t i = 0; i < nparts; i++) {
        if (parts[i].level != 0)
            continue;
        pg_buf_puts(&top, top.len ? "|(" : "(");
        pg_buf_append(&top, bench + parts[i].off, parts[i].len);
        pg_buf_putc(&top, ')');
    }
    const char *rest = nparts > 1 && alternatives == 1 ? bench + parts[1].off - 1 : "";
    pg_error err;
    double t0 = now_sec();
    int n = pg_go_list_benchmarks(s->go, pkg->bin, pkg->dir, pg_buf_str(&top), &names, &err);
    s->timing.process_sec += now_sec() - t0;
    s->timing.processes++;
    if (n < 0) {
        add_failure(s, sd->label, pkg->import_path, "listing benchmarks failed", err.msg,
                    strlen(err.msg));
        n = 0;
    }
    int whole = alternatives > 1;
    const char *name = names.data;
    for (int i = 0; i < (whole ? (n > 0) : n); i++, name += strlen(name) + 1) {
        pg_buf_truncate(&pattern, 0);
        if (whole) {
            pg_buf_puts(&pattern, bench);
        } else {
            pg_buf_putc(&pattern, '^');
            pg_go_quote_meta(&pattern, name, strlen(name));
            pg_buf_putc(&pattern, '$');
            pg_buf_puts(&pattern, rest);
        }
        t0 = now_sec();
        int found = pg_runner_discover(pkg->bin, pkg->dir, pg_buf_str(&pattern), s->env,
                                       timeout_sec(s), &pkg->leaves, &err);
        s->timing.process_sec += now_sec() - t0;
        s->timing.processes++;
        if (found < 0)
            add_failure(s, sd->label, whole ? pkg->import_path : name,
                        "failed in its first run (-benchtime=1x)", err.msg, strlen(err.msg));
        else
            pkg->nleaves += (size_t)found;
    }
    sd->nleaves += pkg->nleaves;
    free(parts);
    pg_buf_free(&top);
    pg_buf_free(&names);
    pg_buf_free(&pattern);
}

/* A file-name-safe version of an import path. */
static char *bin_name(const char *tmp, const char *label, const char *import_path)
{
    pg_buf b = {0};
    pg_buf_printf(&b, "%s/%s-", tmp, label);
    for (const char *p = import_path; *p; p++)
        pg_buf_putc(&b, (*p == '/' || *p == ' ') ? '_' : *p);
    pg_buf_puts(&b, ".test");
    return pg_buf_detach(&b);
}

int pg_suite_add_side(pg_suite *s, int which, const char *label, const char *module_dir,
                      pg_resultset *rs, pg_buf *log, pg_error *err)
{
    side *sd = &s->sides[which];
    sd->label = pg_xstrdup(label);
    sd->rs = rs;
    double t0 = now_sec();
    size_t npat, nflags;
    const char *const *patterns = pg_config_packages(s->cfg, &npat);
    const char *const *flags = pg_config_build_flags(s->cfg, &nflags);
    phase(s, "%s: listing packages in %s", label, module_dir);
    pg_go_packages pkgs;
    if (pg_go_list(s->go, module_dir, patterns, npat, &pkgs, err) < 0)
        return pg_error_prefix(err, "%s: ", label);
    sd->pkgs = pg_xcalloc(pkgs.count ? pkgs.count : 1, sizeof *sd->pkgs);
    size_t with_tests = 0;
    for (size_t i = 0; i < pkgs.count; i++)
        with_tests += pkgs.items[i].has_tests;
    phase(s, "%s: building %zu test binar%s", label, with_tests, with_tests == 1 ? "y" : "ies");
    int rc = 0;
    for (size_t i = 0; i < pkgs.count && rc == 0; i++) {
        if (!pkgs.items[i].has_tests)
            continue;
        package *pkg = &sd->pkgs[sd->npkgs++];
        pkg->import_path = pg_xstrdup(pkgs.items[i].import_path);
        pkg->dir = pg_xstrdup(pkgs.items[i].dir);
        char *bin = bin_name(s->tmp, label, pkg->import_path);
        int built = 0;
        if (pg_go_build_test(s->go, module_dir, pkg->import_path, bin, flags, nflags, s->env,
                             BUILD_TIMEOUT_SEC, &built, log, err) < 0) {
            pg_error_prefix(err, "%s does not build: ", label);
            rc = -1;
        }
        if (built)
            pkg->bin = bin;
        else
            free(bin);
    }
    pg_go_packages_free(&pkgs);
    s->timing.build_sec += now_sec() - t0;
    if (rc < 0) {
        s->timing.total_sec += now_sec() - t0;
        return -1;
    }
    phase(s, "%s: finding benchmarks", label);
    for (size_t i = 0; i < sd->npkgs; i++)
        if (sd->pkgs[i].bin)
            discover(s, sd, &sd->pkgs[i]);
    phase(s, "%s: %zu benchmark%s", label, sd->nleaves, sd->nleaves == 1 ? "" : "s");
    s->timing.total_sec += now_sec() - t0;
    return 0;
}

/* The union of both sides' leaves, each at every -cpu value. */
static void build_jobs(pg_suite *s)
{
    size_t ncpu;
    const int *cpus = pg_config_cpus(s->cfg, &ncpu);
    pg_intern *ids = pg_intern_create(); /* "pkg\nleaf" -> leaf id */
    size_t cap = 0, nleaves = 0;
    struct leaf {
        const char *bin[2], *dir[2], *name, *pkg;
    } *leaves = NULL;
    for (int k = 0; k < 2; k++) {
        side *sd = &s->sides[k];
        for (size_t i = 0; i < sd->npkgs; i++) {
            package *pkg = &sd->pkgs[i];
            const char *name = pkg->leaves.data;
            for (size_t j = 0; j < pkg->nleaves; j++, name += strlen(name) + 1) {
                pg_buf key = {0};
                pg_buf_printf(&key, "%s\n%s", pkg->import_path, name);
                int added;
                size_t id = pg_intern_add(ids, key.data, key.len, &added);
                pg_buf_free(&key);
                if (added) {
                    leaves = pg_xgrow(leaves, &cap, nleaves + 1, sizeof *leaves);
                    leaves[nleaves++] =
                        (struct leaf){{NULL, NULL}, {NULL, NULL}, name, pkg->import_path};
                }
                leaves[id].bin[k] = pkg->bin;
                leaves[id].dir[k] = pkg->dir;
            }
        }
    }
    size_t per = ncpu ? ncpu : 1;
    s->jobs = pg_xcalloc(nleaves * per + 1, sizeof *s->jobs);
    s->info = pg_xcalloc(nleaves * per + 1, sizeof *s->info);
    for (size_t i = 0; i < nleaves; i++) {
        for (size_t c = 0; c < per; c++) {
            size_t j = s->njobs++;
            s->info[j].name = pg_xstrdup(leaves[i].name);
            s->info[j].pkg = pg_xstrdup(leaves[i].pkg);
            s->jobs[j] = (pg_runner_job){s->info[j].name,
                                         ncpu ? cpus[c] : 0,
                                         {leaves[i].bin[0], leaves[i].bin[1]},
                                         {leaves[i].dir[0], leaves[i].dir[1]}};
        }
    }
    free(leaves);
    pg_intern_free(ids);
}

typedef struct sample_ctx {
    pg_suite *s;
    pg_buf diag; /* syntax errors in benchmark output */
} sample_ctx;

static void on_diag(void *ctx, const char *path, size_t line, const char *msg)
{
    sample_ctx *c = ctx;
    pg_buf_printf(&c->diag, "%s:%zu: %s\n", path, line, msg);
}

static char *dup_n(const char *p, size_t n)
{
    return pg_xstrndup(p, n);
}

/* A run's trace, read by prepare_sample on a runner thread. */
typedef struct trace_read {
    pg_trace_metrics *m; /* NULL: unreadable, see err */
    pg_error err;
} trace_read;

/* pg_runner_prepare_fn: reads the trace of a run that exited cleanly. */
static void *prepare_sample(void *ctx, const pg_runner_sample *smp)
{
    const pg_suite *s = ((sample_ctx *)ctx)->s;
    if (!smp->trace_path || !pg_proc_ok(smp->proc))
        return NULL;
    size_t nwin;
    const int64_t *wins = pg_config_mmu_windows(s->cfg, &nwin);
    pg_trace_metrics_options opts = {wins, nwin};
    trace_read *t = pg_xcalloc(1, sizeof *t);
    t->m = pg_trace_metrics_compute(smp->trace_path, &opts, &t->err);
    return t;
}

static void release_sample(void *ctx, void *prepared)
{
    (void)ctx;
    trace_read *t = prepared;
    pg_trace_metrics_free(t->m);
    free(t);
}

/* Adds the trace units of a run (read by prepare_sample) to its (single)
 * result's values. */
static void add_trace_units(pg_suite *s, side *sd, const trace_read *t, long long iters,
                            pg_rs_value *values, size_t *nvalues, size_t max, char **names,
                            pg_buf *warnings)
{
    pg_trace_metrics *m = t->m;
    if (!m) {
        pg_buf_printf(warnings, "trace unreadable, no trace units: %s\n", t->err.msg);
        return;
    }
    if (pg_trace_metrics_partial(m))
        pg_buf_printf(warnings, "trace damaged, no trace units: %s\n", pg_trace_metrics_partial(m));
    else {
        size_t n;
        const pg_trace_unit *u = pg_config_trace_window(s->cfg) == PG_CONFIG_WINDOW_WHOLE
                                     ? pg_trace_metrics_whole_units(m, &n)
                                     : pg_trace_metrics_units(m, &n, NULL);
        for (size_t i = 0; i < n && *nvalues < max; i++) {
            char *name = u[i].per_op ? pg_xasprintf("%s/op", u[i].unit) : pg_xstrdup(u[i].unit);
            double v = u[i].per_op ? (iters > 0 ? u[i].value / (double)iters : NAN) : u[i].value;
            names[*nvalues] = name;
            values[(*nvalues)++] = (pg_rs_value){name, v};
            pg_resultset_set_unit_meta(sd->rs, name, "better", u[i].better > 0 ? "higher" : "lower",
                                       NULL);
            pg_resultset_set_unit_meta(sd->rs, name, "source", "trace", NULL);
        }
    }
}

/* A job as progress shows it: with a -cpu list, "BenchmarkX/y-4" as go
 * test names it (and "-1" too, so that every -cpu value is told apart). */
static const char *shown_name(pg_suite *s, const pg_runner_job *job)
{
    if (job->cpu <= 0)
        return job->name;
    s->shown.len = 0;
    pg_buf_printf(&s->shown, "%s-%d", job->name, job->cpu);
    return pg_buf_str(&s->shown);
}

static int on_sample(void *ctx, const pg_runner_sample *smp, pg_error *err)
{
    sample_ctx *c = ctx;
    pg_suite *s = c->s;
    side *sd = &s->sides[smp->side];
    const job_info *info = &s->info[smp->job];
    const pg_proc_result *proc = smp->proc;
    s->timing.process_sec += proc->wall_sec;
    s->timing.processes++;
    int rc = PG_RUNNER_OK;
    pg_buf why = {0};
    if (!pg_proc_ok(proc)) {
        pg_proc_spec spec = {.timeout_sec = timeout_sec(s)};
        pg_proc_describe(proc, &spec, &why);
        rc = PG_RUNNER_FAILED;
    }
    size_t nresults = 0;
    if (rc == PG_RUNNER_OK) {
        pg_bench_reader *r = pg_bench_reader_mem(proc->out.data ? proc->out.data : "",
                                                 proc->out.len, sd->label, s->units);
        c->diag.len = 0;
        pg_bench_reader_set_diag(r, on_diag, c);
        pg_bench_result res;
        pg_error perr;
        int got;
        while ((got = pg_bench_reader_next(r, &res, &perr)) == 1) {
            nresults++;
            const char *pkg = info->pkg;
            size_t nkv = res.nconfig;
            pg_rs_kv *kv = pg_xcalloc(nkv + 1, sizeof *kv);
            for (size_t i = 0; i < nkv; i++) {
                kv[i].key = dup_n(res.config[i].key, res.config[i].key_len);
                kv[i].value = dup_n(res.config[i].val, res.config[i].val_len);
                if (strcmp(kv[i].key, "pkg") == 0)
                    pkg = kv[i].value;
            }
            char *name = dup_n(res.name, res.name_len);
            size_t bench = pg_resultset_add_bench(sd->rs, pkg, name, kv, nkv);
            job_info *ji = &s->info[smp->job];
            if (!ji->result_name) {
                ji->result_name = pg_xstrdup(name);
                ji->result_pkg = pg_xstrdup(pkg);
            }
            size_t max = res.nvalues + 32, nvalues = 0;
            pg_rs_value *values = pg_xcalloc(max, sizeof *values);
            char **names = pg_xcalloc(max, sizeof *names);
            for (size_t i = 0; i < res.nvalues; i++) {
                const pg_bench_value *v = &res.values[i];
                values[nvalues++] = v->orig_unit ? (pg_rs_value){v->orig_unit, v->orig_value}
                                                 : (pg_rs_value){v->unit, v->value};
            }
            pg_buf warnings = {0};
            if (smp->prepared && res.nvalues > 0)
                add_trace_units(s, sd, smp->prepared, res.iters, values, &nvalues, max, names,
                                &warnings);
            if (warnings.len)
                pg_buf_printf(&s->warnings, "%s (%s, round %d): %s", info->name, sd->label,
                              smp->round + 1, warnings.data);
            pg_rs_sample sample = {res.iters,
                                   smp->round,
                                   smp->side == PG_SIDE_BASE ? PG_RS_SIDE_BASE : PG_RS_SIDE_HEAD,
                                   NULL,
                                   values,
                                   nvalues};
            if (s->sides[PG_SIDE_BASE].label == NULL)
                sample.side = PG_RS_SIDE_NONE;
            pg_error aerr;
            if (pg_resultset_add_sample(sd->rs, bench, &sample, &aerr) < 0)
                add_failure(s, sd->label, info->name, "sample not recorded", aerr.msg,
                            strlen(aerr.msg));
            for (size_t i = 0; i < nvalues; i++)
                free(names[i]);
            free(names);
            free(values);
            pg_buf_free(&warnings);
            free(name);
            for (size_t i = 0; i < nkv; i++) {
                free((char *)kv[i].key);
                free((char *)kv[i].value);
            }
            free(kv);
        }
        if (c->diag.len)
            pg_buf_printf(&s->warnings, "%s (%s): output with syntax errors:\n%s", info->name,
                          sd->label, c->diag.data);
        if (got < 0) {
            pg_buf_puts(&why, perr.msg);
            rc = PG_RUNNER_FAILED;
        } else if (nresults == 0) {
            pg_buf_puts(&why, "printed no benchmark result");
            rc = PG_RUNNER_FAILED;
        }
        pg_bench_reader_free(r);
    }
    if (smp->prepared)
        release_sample(ctx, smp->prepared);
    if (smp->trace_path)
        unlink(smp->trace_path);
    if (rc == PG_RUNNER_FAILED) {
        s->info[smp->job].failed = 1;
        pg_buf out = {0};
        pg_buf_append(&out, proc->out.data ? proc->out.data : "", proc->out.len);
        pg_buf_append(&out, proc->err.data ? proc->err.data : "", proc->err.len);
        add_failure(s, sd->label, info->name, pg_buf_str(&why), pg_buf_str(&out), out.len);
        pg_buf_free(&out);
    }
    if (s->events.after_run)
        s->events.after_run(s->events.ctx, shown_name(s, &s->jobs[smp->job]), sd->label,
                            proc->wall_sec, rc == PG_RUNNER_FAILED ? pg_buf_str(&why) : NULL);
    pg_buf_free(&why);
    (void)err;
    return rc;
}

static void on_progress(void *ctx, size_t done, size_t total, int round, const pg_runner_job *job,
                        int which, double elapsed)
{
    sample_ctx *c = ctx;
    pg_suite *s = c->s;
    if (job && s->events.before_run)
        s->events.before_run(s->events.ctx, done, total, round, s->rounds, shown_name(s, job),
                             s->sides[which].label, elapsed);
}

/* Runs rounds first..count-1 of the jobs selected by `only` (NULL: all). */
static int run_rounds(pg_suite *s, int first, int count, const unsigned char *only, pg_error *err)
{
    double t0 = now_sec();
    s->rounds = count;
    pg_runner_opts opts = {
        .count = count,
        .first_round = first,
        .only = only,
        .benchtime = pg_config_benchtime(s->cfg),
        .timeout_sec = timeout_sec(s),
        .env = s->env,
        .trace_dir = pg_config_trace_enabled(s->cfg) ? s->tmp : NULL,
        .prepare = prepare_sample,
        .release = release_sample,
    };
    sample_ctx c = {s, {0}};
    int rc = pg_runner_run(s->jobs, s->njobs, &opts, on_sample, on_progress, &c, err);
    pg_buf_free(&c.diag);
    s->timing.total_sec += now_sec() - t0;
    return rc;
}

int pg_suite_run(pg_suite *s, pg_error *err)
{
    build_jobs(s);
    return run_rounds(s, 0, pg_config_count(s->cfg), NULL, err);
}

int pg_suite_confirm(pg_suite *s, pg_suite_in_doubt_fn in_doubt, void *ctx, pg_error *err)
{
    int count = pg_config_count(s->cfg), more = pg_config_confirm_count(s->cfg);
    unsigned char *only = pg_xcalloc(s->njobs + 1, 1);
    int selected = 0;
    for (size_t j = 0; j < s->njobs; j++) {
        const job_info *ji = &s->info[j];
        only[j] = !ji->failed && ji->result_name && in_doubt(ctx, ji->result_pkg, ji->result_name);
        selected += only[j];
    }
    if (selected && more > 0) {
        phase(s, "%d benchmark%s in doubt: %d more rounds %s", selected, selected == 1 ? "" : "s",
              more, selected == 1 ? "for it" : "each");
        if (run_rounds(s, count, count + more, only, err) < 0)
            selected = -1;
    }
    free(only);
    return more > 0 ? selected : 0;
}

size_t pg_suite_failures(const pg_suite *s, const pg_suite_failure **out)
{
    *out = s->failures;
    return s->nfailures;
}

const char *pg_suite_warnings(const pg_suite *s)
{
    return pg_buf_str(&s->warnings);
}

size_t pg_suite_leaves(const pg_suite *s, int which)
{
    return s->sides[which].nleaves;
}

void pg_suite_timing_get(const pg_suite *s, pg_suite_timing *out)
{
    *out = s->timing;
}
