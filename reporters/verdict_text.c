/*
 * The gate's text summary: what failed and why, first; everything else
 * after. Benchmark names come from the code under test and are printed as
 * they are (a terminal is not a markup language), but control characters
 * are replaced so they cannot rewrite the screen.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_bench_unit.h"
#include "pg_report_verdict.h"

/* How many related units to show under a regression. */
#define MAX_MOVED 8

static void put_safe(pg_buf *out, const char *s)
{
    for (; *s; s++)
        pg_buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* "1.234m ± 2%" with the scale shared by both cells of the row. */
static void put_cell(pg_buf *out, const pg_bench_scaler *sc, const pg_cmp_cell *c)
{
    pg_bench_scaler_format(out, sc, c->summary.center);
    pg_buf_puts(out, " ± ");
    pg_bench_fmt_range_pct(out, c->summary.center, c->summary.lo, c->summary.hi);
}

static void put_p(pg_buf *out, double p)
{
    if (isnan(p))
        pg_buf_puts(out, "p=?");
    else
        pg_buf_printf(out, "p=%.3f", p);
}

/* Columns a unit takes on a terminal: one per UTF-8 character (units come
 * from b.ReportMetric and may hold any). */
static int unit_width(const char *unit)
{
    int w = 0;
    for (; *unit; unit++)
        w += ((unsigned char)*unit & 0xc0) != 0x80;
    return w;
}

/* One row: unit (padded to `width` columns), both cells, delta, p (and the
 * corrected p), the limit. */
static void put_row(pg_buf *out, const pg_verdict *v, const pg_verdict_row *r, int indent,
                    int width)
{
    pg_buf_pad(out, ' ', (size_t)indent);
    put_safe(out, r->table->unit);
    pg_buf_pad(out, ' ', (size_t)(width - unit_width(r->table->unit) + 2));
    if (r->base && r->head) {
        double centers[2] = {r->base->summary.center, r->head->summary.center};
        pg_bench_scaler sc = pg_bench_common_scale(centers, 2, r->table->unit_class);
        put_cell(out, &sc, r->base);
        pg_buf_puts(out, " → ");
        put_cell(out, &sc, r->head);
        pg_buf_puts(out, "  ");
        if (isnan(r->delta_pct))
            pg_buf_puts(out, "?");
        else
            pg_buf_printf(out, "%+.2f%%", r->delta_pct);
        pg_buf_puts(out, "  ");
        put_p(out, r->p);
        pg_buf_printf(out, " n=%zu+%zu", r->base->n, r->head->n);
        if (r->gated) {
            pg_buf_printf(out, " (%s ",
                          v->correction == PG_CORRECTION_HOLM   ? "Holm"
                          : v->correction == PG_CORRECTION_NONE ? "uncorrected"
                                                                : "BH");
            put_p(out, r->p_adjusted);
            pg_buf_putc(out, ')');
        }
    } else {
        const pg_cmp_cell *c = r->base ? r->base : r->head;
        pg_bench_scaler sc = pg_bench_common_scale(&c->summary.center, 1, r->table->unit_class);
        put_cell(out, &sc, c);
        pg_buf_printf(out, "  n=%zu (%s only)", c->n, r->base ? "base" : "head");
    }
    if (r->rule && r->rule->limit != PG_CONFIG_LIMIT_NONE) {
        pg_buf_puts(out, "  limit ");
        switch (r->rule->limit) {
        case PG_CONFIG_LIMIT_RELATIVE:
            pg_buf_printf(out, "%g%%", r->rule->value);
            break;
        case PG_CONFIG_LIMIT_ABSOLUTE:
            pg_buf_printf(out, "%g", r->rule->value);
            break;
        default:
            pg_buf_puts(out, "any");
        }
        pg_buf_puts(out, r->better == PG_BETTER_HIGHER ? ", higher is better" : "");
    }
    pg_buf_putc(out, '\n');
}

static int same_benchmark(const pg_verdict_row *a, const pg_verdict_row *b)
{
    return strcmp(a->row->label, b->row->label) == 0 && strcmp(a->package, b->package) == 0;
}

/* Rows too small to decide are listed only when they look like a change:
 * those are the regressions the sample count may be hiding. */
static int listed(const pg_verdict *v, const pg_verdict_row *r, pg_row_status status)
{
    return r->status == status && (status != PG_ROW_UNDECIDABLE || r->p <= v->alpha);
}

/* A row of the same benchmark, outside the section, whose change is
 * significant: usually the trace metrics that explain a time/op change. */
static int moved(const pg_verdict *v, const pg_verdict_row *r, pg_row_status status)
{
    return r->status != status && r->base && r->head && r->p <= v->alpha &&
           r->head->summary.center != r->base->summary.center;
}

/* The rows of one status, grouped by package and benchmark; with `why`,
 * each benchmark also shows its other units that moved significantly. */
static void section(pg_buf *out, const pg_verdict *v, const char *title, pg_row_status status,
                    int why)
{
    size_t n = 0;
    for (size_t i = 0; i < v->nrows; i++)
        n += listed(v, &v->rows[i], status);
    if (n == 0)
        return;
    pg_buf_printf(out, "\n%s (%zu)\n", title, n);
    char *done = pg_xcalloc(v->nrows, 1);
    const pg_verdict_row **shown = pg_xcalloc(v->nrows, sizeof *shown);
    const char *pkg = NULL;
    for (size_t i = 0; i < v->nrows; i++) {
        const pg_verdict_row *first = &v->rows[i];
        if (done[i] || !listed(v, first, status))
            continue;
        if (!pkg || strcmp(pkg, first->package) != 0) {
            pkg = first->package;
            pg_buf_puts(out, "  ");
            put_safe(out, *pkg ? pkg : "(no package)");
            pg_buf_putc(out, '\n');
        }
        pg_buf_puts(out, "    ");
        put_safe(out, first->row->label);
        pg_buf_putc(out, '\n');
        /* The benchmark's rows in the section, then those that moved. */
        size_t nshown = 0, nlisted;
        for (size_t j = i; j < v->nrows; j++) {
            if (!done[j] && listed(v, &v->rows[j], status) && same_benchmark(first, &v->rows[j])) {
                shown[nshown++] = &v->rows[j];
                done[j] = 1;
            }
        }
        nlisted = nshown;
        for (size_t j = 0; why && j < v->nrows && nshown - nlisted < MAX_MOVED; j++)
            if (same_benchmark(first, &v->rows[j]) && moved(v, &v->rows[j], status))
                shown[nshown++] = &v->rows[j];
        /* One unit column for all of them, so that the values line up; the
         * moved rows stand 2 further in. */
        int width = 0;
        for (size_t k = 0; k < nshown; k++) {
            int w = unit_width(shown[k]->table->unit) + (k < nlisted ? 0 : 2);
            if (w > width)
                width = w;
        }
        for (size_t k = 0; k < nshown; k++) {
            if (k == nlisted)
                pg_buf_puts(out, "      what moved with it:\n");
            put_row(out, v, shown[k], k < nlisted ? 6 : 8, k < nlisted ? width : width - 2);
        }
    }
    free(shown);
    free(done);
}

void pg_report_verdict_text(pg_buf *out, const pg_verdict *v, const pg_report_run *run)
{
    pg_buf_printf(out, "perfgate: base %.12s (%s) vs head %.12s%s\n", run->base_commit,
                  run->base_how, run->head_commit,
                  run->head_dirty ? " with uncommitted changes" : "");
    pg_buf_printf(out, "  %s, %d rounds %s, benchtime %s, %zu benchmark%s\n", run->go_version,
                  run->rounds,
                  run->against_stored ? "(base from stored results)" : "A/B interleaved",
                  run->benchtime, run->benchmarks, run->benchmarks == 1 ? "" : "s");
    if (run->confirmed)
        pg_buf_printf(out, "  second look: %zu benchmark%s in doubt after %d rounds got %d more\n",
                      run->confirmed, run->confirmed == 1 ? "" : "s", run->rounds,
                      run->confirm_rounds);
    section(out, v, "REGRESSIONS", PG_ROW_REGRESSION, 1);
    section(out, v, "IMPROVEMENTS", PG_ROW_IMPROVEMENT, 0);
    section(out, v, "SIGNIFICANT BUT WITHIN LIMITS", PG_ROW_WITHIN, 0);
    section(out, v, "CHANGED, BUT TOO FEW SAMPLES TO DECIDE", PG_ROW_UNDECIDABLE, 0);
    section(out, v, "ADDED (head only)", PG_ROW_ADDED, 0);
    section(out, v, "REMOVED (base only)", PG_ROW_REMOVED, 0);
    pg_buf_printf(out, "\n%zu row%s unchanged, %zu not gated by any threshold.\n",
                  v->count[PG_ROW_UNCHANGED], v->count[PG_ROW_UNCHANGED] == 1 ? "" : "s",
                  v->count[PG_ROW_INFO]);
    if (v->count[PG_ROW_UNDECIDABLE])
        pg_buf_printf(out,
                      "warning: %zu gated row%s cannot reach significance with these sample "
                      "counts; run with --count %d or more.\n",
                      v->count[PG_ROW_UNDECIDABLE], v->count[PG_ROW_UNDECIDABLE] == 1 ? "" : "s",
                      v->needed_samples);
    double own = run->total_sec - run->build_sec - run->process_sec;
    if (run->total_sec > 0)
        pg_buf_printf(out,
                      "time: %.1fs in all: %.1fs building, %.1fs in benchmark processes, %.2fs "
                      "perfgate itself (%.2f%%)\n",
                      run->total_sec, run->build_sec, run->process_sec, own,
                      100 * own / run->total_sec);
    if (run->against_stored)
        pg_buf_puts(out, "note: the base was measured earlier, possibly on another machine: "
                         "cross-machine baselines are noisier than an interleaved A/B run.\n");
    const char *corr = v->correction == PG_CORRECTION_HOLM   ? "Holm"
                       : v->correction == PG_CORRECTION_NONE ? "no correction"
                                                             : "Benjamini-Hochberg";
    char looks[32] = "";
    if (v->looks == 2)
        snprintf(looks, sizeof looks, ", two looks");
    size_t reg = v->count[PG_ROW_REGRESSION];
    if (reg)
        pg_buf_printf(out,
                      "\nverdict: FAIL: %zu regression%s among %zu gated rows (%s, alpha %g%s)\n",
                      reg, reg == 1 ? "" : "s", v->family, corr, v->alpha, looks);
    else if (run->failures)
        pg_buf_printf(out,
                      "\nverdict: INCOMPLETE: no regression among %zu gated rows (%s, alpha %g%s), "
                      "but %zu benchmark%s failed to run\n",
                      v->family, corr, v->alpha, looks, run->failures,
                      run->failures == 1 ? "" : "s");
    else
        pg_buf_printf(out, "\nverdict: PASS: no regression among %zu gated rows (%s, alpha %g%s)\n",
                      v->family, corr, v->alpha, looks);
}
