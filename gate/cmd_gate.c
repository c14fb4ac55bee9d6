/*
 * `perfgate gate`: the A/B gate. Builds the base commit (the merge-base of
 * HEAD with the configured branch, or a fixed ref) and the work tree once
 * each, runs every benchmark interleaved with traces, stores both sides'
 * results, and judges the change: exit 0 pass, 1 regression, 2 usage or
 * configuration error, 3 runtime failure (build failed, a benchmark
 * crashed or hung, results could not be stored).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "pg_alloc.h"
#include "pg_decide.h"
#include "pg_report.h"
#include "pg_report_verdict.h"
#include "session.h"

static const pg_session_flag own_flags[] = {
    {"--against-stored", NULL,
     "compare with the base's stored results instead of building and running it"},
    {"--push", "REMOTE", "push the results notes to REMOTE (fetch, merge, push)"},
};
enum { FLAG_AGAINST_STORED, FLAG_PUSH };

static const char summary[] =
    "Benchmarks the base commit and the work tree A/B interleaved, with execution traces,\n"
    "stores the results per commit and fails when a change regressed performance.";

/* The base commit and how it was chosen, for the headline. */
static int resolve_base(pg_session *s, char sha[PG_GIT_HEX_SIZE], pg_buf *how, pg_error *err)
{
    const char *ref = pg_config_base_ref(s->cfg);
    if (pg_config_base_mode(s->cfg) == PG_CONFIG_BASE_FIXED) {
        pg_buf_printf(how, "%s", ref);
        return pg_git_resolve(s->git, ref, sha, err);
    }
    pg_buf_printf(how, "merge-base of HEAD and %s", ref);
    return pg_git_merge_base(s->git, "HEAD", ref, sha, err);
}

/* The base's stored result sets of this configuration, merged into one. */
static pg_resultset *load_stored_base(pg_session *s, pg_store *store, const char *sha,
                                      pg_error *err)
{
    pg_rs_list list = {0};
    if (pg_store_load(store, sha, &list, err) < 0)
        return NULL;
    char hash[PG_CONFIG_HASH_LEN + 1];
    pg_config_hash(s->cfg, PG_CONFIG_MEASUREMENT, hash);
    pg_resultset *base = NULL;
    for (size_t i = 0; i < list.n; i++) {
        const pg_rs_meta *m = pg_resultset_meta(list.sets[i]);
        if (strcmp(m->config_hash, hash) != 0 ||
            strcmp(m->toolchain.go_version, pg_go_version(s->go)) != 0)
            continue;
        if (!base) {
            base = list.sets[i];
            list.sets[i] = NULL;
        } else if (pg_resultset_merge(base, list.sets[i], err) < 0) {
            pg_resultset_free(base);
            base = NULL;
            break;
        }
    }
    size_t stored = list.n;
    pg_rs_list_free(&list);
    if (!base && err->msg[0] == '\0')
        pg_error_set(err,
                     "%s has %zu stored result set%s but none measured with this "
                     "configuration (%s) and %s; run `perfgate run` on it, or drop "
                     "--against-stored",
                     sha, stored, stored == 1 ? "" : "s", hash, pg_go_version(s->go));
    return base;
}

/* benchstat's tables of the units the benchmarks printed (time/op, B/op,
 * custom metrics); the trace units appear in the verdict where they moved
 * and in full in the report directory. */
static void pg_report_benchmark_units(pg_buf *out, const pg_comparison *cmp,
                                      const pg_resultset *head)
{
    pg_cmp_table *tables = pg_xcalloc(cmp->ntables + 1, sizeof *tables);
    pg_comparison view = *cmp;
    view.tables = tables;
    view.ntables = 0;
    for (size_t i = 0; i < cmp->ntables; i++) {
        const char *source = pg_resultset_unit_meta(head, cmp->tables[i].unit, "source");
        if (!source || strcmp(source, "trace") != 0)
            tables[view.ntables++] = cmp->tables[i];
    }
    pg_report_text(out, &view);
    pg_buf_putc(out, '\n');
    free(tables);
}

static int write_file(const char *dir, const char *name, const pg_buf *b)
{
    char *path = pg_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    int rc = f && pg_buf_write(b, f) == 0 ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "perfgate: cannot write %s: %s\n", path, strerror(errno));
    free(path);
    return rc;
}

/* The report directory: summary, verdict JSON, the benchstat comparison in
 * the configured formats, and both result sets (for `perfgate report`). */
static int write_reports(pg_session *s, const pg_comparison *cmp, const pg_buf *text,
                         const pg_verdict *v, const pg_report_run *run, const pg_resultset *base,
                         const pg_resultset *head)
{
    const char *dir = pg_config_report_dir(s->cfg);
    if (!*dir)
        return 0;
    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "perfgate: cannot create the report directory %s: %s\n", dir,
                strerror(errno));
        return -1;
    }
    int rc = write_file(dir, "summary.txt", text);
    pg_buf b = {0};
    pg_report_verdict_json(&b, v, run);
    rc |= write_file(dir, "verdict.json", &b);
    pg_buf_truncate(&b, 0);
    if (base)
        pg_resultset_to_json(base, &b);
    pg_resultset_to_json(head, &b);
    rc |= write_file(dir, "results.jsonl", &b);
    struct {
        pg_config_format format;
        const char *file;
        void (*render)(pg_buf *, const pg_comparison *);
    } formats[] = {
        {PG_CONFIG_FORMAT_TEXT, "comparison.txt", pg_report_text},
        {PG_CONFIG_FORMAT_JSON, "comparison.json", pg_report_json},
        {PG_CONFIG_FORMAT_MARKDOWN, "comparison.md", pg_report_markdown},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (!pg_config_report_format(s->cfg, formats[i].format))
            continue;
        pg_buf_truncate(&b, 0);
        formats[i].render(&b, cmp);
        rc |= write_file(dir, formats[i].file, &b);
    }
    if (pg_config_report_format(s->cfg, PG_CONFIG_FORMAT_CSV)) {
        pg_buf warnings = {0};
        pg_buf_truncate(&b, 0);
        pg_report_csv(&b, &warnings, cmp);
        rc |= write_file(dir, "comparison.csv", &b);
        pg_buf_free(&warnings);
    }
    pg_buf_free(&b);
    return rc;
}

/* On GitHub Actions, the verdict in the job's summary page. */
static int write_step_summary(pg_session *s, const pg_verdict *v, const pg_report_run *run,
                              const pg_buf *text, const pg_comparison *cmp)
{
    const char *path = getenv("GITHUB_STEP_SUMMARY");
    if (!pg_config_github_step_summary(s->cfg) || !path || !*path)
        return 0;
    pg_buf md = {0};
    pg_report_verdict_markdown(&md, v, run, pg_buf_str(text), cmp);
    FILE *f = fopen(path, "a");
    int rc = f && pg_buf_write(&md, f) == 0 ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "perfgate: cannot append to $GITHUB_STEP_SUMMARY (%s): %s\n", path,
                strerror(errno));
    pg_buf_free(&md);
    return rc;
}

/* The first look's rows in doubt (usually few, so each benchmark's check
 * scans these rather than every row). */
typedef struct doubts {
    const pg_verdict_row **rows;
    size_t n;
} doubts;

static doubts doubts_of(const pg_verdict *v)
{
    doubts d = {pg_xcalloc(v->nrows + 1, sizeof *d.rows), 0};
    for (size_t i = 0; i < v->nrows; i++)
        if (pg_verdict_row_in_doubt(&v->rows[i]))
            d.rows[d.n++] = &v->rows[i];
    return d;
}

/* pg_suite_in_doubt_fn: a benchmark is in doubt when any of its rows is. */
static int in_doubt(void *ctx, const char *pkg, const char *name)
{
    const doubts *d = ctx;
    for (size_t i = 0; i < d->n; i++) {
        const pg_verdict_row *r = d->rows[i];
        if (strcmp(r->row->label, name) == 0 && (!*r->package || strcmp(r->package, pkg) == 0))
            return 1;
    }
    return 0;
}

int cmd_gate(int argc, char **argv)
{
    pg_session s;
    int status = pg_session_open(&s, "gate", summary, argc, argv, own_flags,
                                 sizeof own_flags / sizeof own_flags[0]);
    if (status >= 0)
        return status;
    int against_stored = s.own[FLAG_AGAINST_STORED] != NULL;
    const char *push = s.own[FLAG_PUSH];
    pg_error err = {{0}};
    char base_sha[PG_GIT_HEX_SIZE];
    pg_buf how = {0}, text = {0};
    pg_store *store = NULL;
    pg_resultset *base = NULL, *head = NULL;
    pg_suite *suite = NULL;
    pg_git_snapshot *snap = NULL;
    pg_compare *compare = NULL;
    pg_comparison *cmp = NULL, *first_cmp = NULL;
    pg_compare *first_compare = NULL;
    pg_verdict *verdict = NULL, *first = NULL;
    status = PG_EXIT_RUNTIME;

    if (resolve_base(&s, base_sha, &how, &err) < 0) {
        fprintf(stderr, "perfgate: cannot find the base: %s\n", err.msg);
        status = PG_EXIT_USAGE;
        goto done;
    }
    if (!(store = pg_session_store(&s, &err))) {
        fprintf(stderr, "perfgate: %s\n", err.msg);
        goto done;
    }
    if (pg_session_check_push(&s, store, push) < 0)
        goto done;
    if (!(head = pg_session_resultset(&s, s.head.sha, s.head.dirty, &err))) {
        fprintf(stderr, "perfgate: %s\n", err.msg);
        goto done;
    }
    pg_suite_events events = pg_session_events(&s);
    if (!(suite = pg_suite_create(s.go, s.cfg, &events, &err))) {
        fprintf(stderr, "perfgate: %s\n", err.msg);
        goto done;
    }
    if (against_stored) {
        if (!(base = load_stored_base(&s, store, base_sha, &err))) {
            fprintf(stderr, "perfgate: no stored baseline: %s\n", err.msg);
            goto done;
        }
        pg_progress_note(s.progress,
                         "perfgate: comparing with stored results of %.12s; a baseline "
                         "measured at another time or on another machine is noisier than "
                         "an interleaved A/B run",
                         base_sha);
    } else {
        if (!(base = pg_session_resultset(&s, base_sha, 0, &err))) {
            fprintf(stderr, "perfgate: %s\n", err.msg);
            goto done;
        }
        if (!(snap = pg_git_snapshot_create(s.git, base_sha, NULL, &err))) {
            fprintf(stderr, "perfgate: cannot check out the base %.12s: %s\n", base_sha, err.msg);
            goto done;
        }
        char *dir = pg_xasprintf("%s/%s", pg_git_snapshot_path(snap), s.module_rel);
        int rc = pg_session_add_side(&s, suite, PG_SIDE_BASE, dir, base);
        free(dir);
        if (rc < 0)
            goto done;
    }
    int suite_status = pg_session_run_suite(&s, suite, head);
    if (suite_status) {
        status = suite_status;
        goto done;
    }

    int looks = against_stored || pg_config_confirm_count(s.cfg) == 0 ? 1 : 2;
    cmp = pg_session_compare(s.cfg, base, head, &compare);
    verdict = pg_decide(cmp, s.cfg, looks, NULL);
    int confirmed = 0;
    if (looks == 2) {
        doubts d = doubts_of(verdict);
        confirmed = pg_suite_confirm(suite, in_doubt, &d, &err);
        free(d.rows);
        pg_progress_end(s.progress);
        if (confirmed < 0) {
            fprintf(stderr, "perfgate: %s\n", err.msg);
            goto done;
        }
        /* The first look's verdict and comparison stay alive for the second. */
        first_cmp = cmp, first_compare = compare, first = verdict;
        cmp = pg_session_compare(s.cfg, base, head, &compare);
        verdict = pg_decide(cmp, s.cfg, looks, first);
    }
    /* Stored once every round has run, second look included. */
    int store_failed = 0;
    if (!against_stored)
        store_failed |= pg_session_save(&s, store, base, NULL) < 0;
    store_failed |= pg_session_save(&s, store, head, push) < 0;
    const pg_suite_failure *failures;
    size_t nfailures = pg_suite_failures(suite, &failures);
    char go[128];
    snprintf(go, sizeof go, "%s %s/%s", pg_go_version(s.go), pg_go_goos(s.go), pg_go_goarch(s.go));
    pg_suite_timing timing;
    pg_suite_timing_get(suite, &timing);
    pg_report_run run = {
        .base_commit = base_sha,
        .head_commit = s.head.sha,
        .base_how = pg_buf_str(&how),
        .head_dirty = s.head.dirty,
        .against_stored = against_stored,
        .go_version = go,
        .rounds = pg_config_count(s.cfg),
        .confirm_rounds = pg_config_confirm_count(s.cfg),
        .confirmed = (size_t)confirmed,
        .benchtime = pg_config_benchtime(s.cfg),
        .benchmarks = pg_suite_leaves(suite, PG_SIDE_HEAD),
        .failures = nfailures,
        .total_sec = timing.total_sec,
        .build_sec = timing.build_sec,
        .process_sec = timing.process_sec,
    };
    pg_report_benchmark_units(&text, cmp, head);
    pg_report_verdict_text(&text, verdict, &run);
    printf("%s", pg_buf_str(&text));
    pg_session_print_failures(suite, stdout);
    fflush(stdout);
    int report_failed = write_reports(&s, cmp, &text, verdict, &run, base, head) < 0;
    report_failed |= write_step_summary(&s, verdict, &run, &text, cmp) < 0;
    if (pg_verdict_failed(verdict))
        status = PG_EXIT_REGRESSION;
    else if (nfailures || store_failed || report_failed)
        status = PG_EXIT_RUNTIME;
    else
        status = PG_EXIT_OK;

done:
    pg_verdict_free(verdict);
    pg_comparison_free(cmp);
    pg_compare_free(compare);
    pg_verdict_free(first);
    pg_comparison_free(first_cmp);
    pg_compare_free(first_compare);
    pg_suite_free(suite);
    if (snap && pg_git_snapshot_free(snap, &err) < 0)
        fprintf(stderr, "perfgate: %s\n", err.msg);
    pg_resultset_free(base);
    pg_resultset_free(head);
    pg_store_free(store);
    pg_buf_free(&how);
    pg_buf_free(&text);
    pg_session_close(&s);
    return status;
}
