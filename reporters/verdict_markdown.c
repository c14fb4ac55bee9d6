/*
 * The verdict as GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY: a
 * headline, the text summary in a code block, then benchstat's tables.
 * The summary quotes benchmark names from the code under test, so its
 * fence is longer than any run of backticks inside it: no name can close
 * the block and inject markup.
 */
#include <string.h>

#include "pg_report.h"
#include "pg_report_verdict.h"

static size_t longest_backtick_run(const char *s)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        run = *s == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

void pg_report_verdict_markdown(pg_buf *out, const pg_verdict *v, const pg_report_run *run,
                                const char *summary, const pg_comparison *cmp)
{
    const char *verdict = pg_verdict_failed(v) ? "FAIL: regression"
                          : run->failures      ? "INCOMPLETE: benchmarks failed to run"
                                               : "PASS";
    pg_buf_printf(out, "## perfgate: %s\n\n", verdict);
    size_t fence = longest_backtick_run(summary) + 1;
    if (fence < 3)
        fence = 3;
    pg_buf_pad(out, '`', fence);
    pg_buf_puts(out, "text\n");
    pg_buf_puts(out, summary);
    if (*summary && summary[strlen(summary) - 1] != '\n')
        pg_buf_putc(out, '\n');
    pg_buf_pad(out, '`', fence);
    pg_buf_puts(out, "\n\n<details><summary>All comparisons (benchstat)</summary>\n\n");
    pg_report_markdown(out, cmp);
    pg_buf_puts(out, "\n</details>\n");
}
