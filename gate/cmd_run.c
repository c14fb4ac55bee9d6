/*
 * `perfgate run`: benchmarks HEAD's work tree `count` times (one process
 * per benchmark and round, with traces), prints the benchstat summary of
 * the samples and stores them as the commit's baseline, so that later
 * `perfgate gate --against-stored` runs (or the dashboard) can use them.
 * A dirty work tree is measured but not stored.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "pg_report.h"
#include "session.h"

static const pg_session_flag own_flags[] = {
    {"--push", "REMOTE", "push the results notes to REMOTE (fetch, merge, push)"},
};
enum { FLAG_PUSH };

static const char summary[] = "Benchmarks the work tree with execution traces and stores the "
                              "results as the baseline of HEAD.";

int cmd_run(int argc, char **argv)
{
    pg_session s;
    int status = pg_session_open(&s, "run", summary, argc, argv, own_flags,
                                 sizeof own_flags / sizeof own_flags[0]);
    if (status >= 0)
        return status;
    pg_error err = {{0}};
    pg_buf text = {0};
    pg_store *store = NULL;
    pg_resultset *head = NULL;
    pg_suite *suite = NULL;
    pg_compare *compare = NULL;
    pg_comparison *cmp = NULL;
    status = PG_EXIT_RUNTIME;
    pg_suite_events events = pg_session_events(&s);

    if (!(store = pg_session_store(&s, &err)) ||
        !(head = pg_session_resultset(&s, s.head.sha, s.head.dirty, &err)) ||
        !(suite = pg_suite_create(s.go, s.cfg, &events, &err))) {
        fprintf(stderr, "perfgate: %s\n", err.msg);
        goto done;
    }
    if (pg_session_check_push(&s, store, s.own[FLAG_PUSH]) < 0)
        goto done;
    int suite_status = pg_session_run_suite(&s, suite, head);
    if (suite_status) {
        status = suite_status;
        goto done;
    }
    int store_failed = pg_session_save(&s, store, head, s.own[FLAG_PUSH]) < 0;
    cmp = pg_session_compare(s.cfg, NULL, head, &compare);
    pg_report_text(&text, cmp);
    printf("%s", pg_buf_str(&text));
    pg_session_print_failures(suite, stdout);
    const pg_suite_failure *failures;
    status = pg_suite_failures(suite, &failures) || store_failed ? PG_EXIT_RUNTIME : PG_EXIT_OK;

done:
    pg_comparison_free(cmp);
    pg_compare_free(compare);
    pg_suite_free(suite);
    pg_resultset_free(head);
    pg_store_free(store);
    pg_buf_free(&text);
    pg_session_close(&s);
    return status;
}
