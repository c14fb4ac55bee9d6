/*
 * Reporters of the gate's verdict (gate/decide): the text summary printed
 * by `perfgate gate`, and its JSON form written to the report directory for
 * later rendering (`perfgate report`) and for other tools.
 */
#ifndef PG_REPORT_VERDICT_H
#define PG_REPORT_VERDICT_H

#include <stddef.h>

#include "pg_buf.h"
#include "pg_decide.h"

/* What the verdict was measured on, for the headline. */
typedef struct pg_report_run {
    const char *base_commit, *head_commit; /* full SHAs */
    const char *base_how;                  /* "merge-base of HEAD and origin/main" */
    int head_dirty;
    int against_stored;     /* base from stored results, not rebuilt */
    const char *go_version; /* "go1.26.8 linux/amd64" */
    int rounds;
    int confirm_rounds; /* second look: rounds added to each benchmark in doubt */
    size_t confirmed;   /* benchmarks that got them */
    const char *benchtime;
    size_t benchmarks; /* leaf benchmarks run */
    size_t failures;   /* benchmarks that crashed, hung or printed nothing */
    /* Wall time of the whole run, of go list + go test -c, and inside the
     * benchmark (and discovery) processes; the rest is perfgate's own. */
    double total_sec, build_sec, process_sec;
} pg_report_run;

/* The summary: headline, regressions (each with the trace units of the same
 * benchmark that moved significantly), improvements, the other significant
 * changes and too-few-samples rows, a count of the rest, the verdict line. */
void pg_report_verdict_text(pg_buf *out, const pg_verdict *v, const pg_report_run *run);
/* Markdown for a GitHub step summary: headline, `summary` (the text
 * summary) in a safely fenced block, benchstat's tables of `cmp`. */
void pg_report_verdict_markdown(pg_buf *out, const pg_verdict *v, const pg_report_run *run,
                                const char *summary, const pg_comparison *cmp);
/* One JSON document: run, verdict, every row with its numbers. */
void pg_report_verdict_json(pg_buf *out, const pg_verdict *v, const pg_report_run *run);

#endif
