/*
 * The comparison as GitHub-flavoured Markdown, for step summaries and pull
 * request comments: per benchstat table, its changed configuration lines,
 * one Markdown table (a row per benchmark, a center column per input and a
 * "vs base" column per compared input, then the geomean row), and the
 * table's footnotes.
 *
 * Benchmark names and configuration values come from the code under test,
 * so every one is escaped: Markdown punctuation gets a backslash, and
 * '<', '>', '&', '@' (mentions) and '#' (issue links) become entities.
 */
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_bench_unit.h"
#include "notes.h"
#include "pg_report.h"

static void esc(pg_buf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            pg_buf_puts(out, "&amp;");
            break;
        case '<':
            pg_buf_puts(out, "&lt;");
            break;
        case '>':
            pg_buf_puts(out, "&gt;");
            break;
        case '@':
            pg_buf_puts(out, "&#64;");
            break;
        case '#':
            pg_buf_puts(out, "&#35;");
            break;
        case '\n':
        case '\r':
            pg_buf_putc(out, ' ');
            break;
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '|':
        case '~':
        case '!':
        case '(':
        case ')':
        case '{':
        case '}':
        case '+':
        case '-':
        case '.':
        case ':':
            pg_buf_putc(out, '\\');
            pg_buf_putc(out, *s);
            break;
        default:
            pg_buf_putc(out, *s);
        }
    }
}

/* Appends " ¹ ²" references to the messages, numbered by first use. */
static void refs(pg_buf *out, notes *fn, const char *const *msgs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pg_buf_putc(out, ' ');
        notes_superscript(out, notes_number(fn, msgs[i]));
    }
}

static void table_md(pg_buf *out, const pg_cmp_table *t)
{
    notes fn = {0};
    pg_buf s = {0};
    /* header: the benchmark column, then per input its center and, past
     * the first, its comparison */
    pg_buf_puts(out, "| |");
    for (size_t e = 0; e < t->ncols; e++) {
        pg_buf_putc(out, ' ');
        esc(out, t->cols[e].label);
        pg_buf_puts(out, " (");
        esc(out, t->unit);
        pg_buf_puts(out, ") |");
        if (e > 0)
            pg_buf_puts(out, " vs base |");
    }
    pg_buf_puts(out, "\n|:--|");
    for (size_t e = 0; e < t->ncols; e++)
        pg_buf_puts(out, e > 0 ? "--:|--:|" : "--:|");
    pg_buf_putc(out, '\n');
    double *centers = pg_xmalloc((t->ncols + 1) * sizeof *centers);
    for (size_t r = 0; r < t->nrows; r++) {
        const pg_cmp_row *row = &t->rows[r];
        size_t nc = 0;
        for (size_t e = 0; e < t->ncols; e++)
            if (row->cells[e])
                centers[nc++] = row->cells[e]->summary.center;
        pg_bench_scaler sc = pg_bench_common_scale(centers, nc, t->unit_class);
        pg_buf_puts(out, "| ");
        esc(out, row->label);
        pg_buf_puts(out, " |");
        for (size_t e = 0; e < t->ncols; e++) {
            const pg_cmp_cell *c = row->cells[e];
            pg_buf_putc(out, ' ');
            if (c) {
                pg_buf_truncate(&s, 0);
                pg_bench_scaler_format(&s, &sc, c->summary.center);
                pg_buf_puts(&s, " ± ");
                pg_cmp_cell_range_text(&s, c);
                esc(out, pg_buf_str(&s));
                refs(out, &fn, c->warnings, c->nwarnings);
            }
            pg_buf_puts(out, " |");
            if (e == 0)
                continue;
            pg_buf_putc(out, ' ');
            if (c && c->has_baseline) {
                pg_buf_truncate(&s, 0);
                pg_cmp_cell_delta_text(&s, c);
                pg_buf_puts(&s, " (");
                pg_cmp_cell_test_text(&s, c);
                pg_buf_putc(&s, ')');
                if (c->delta == PG_DELTA_CHANGE)
                    pg_buf_puts(out, "**");
                esc(out, pg_buf_str(&s));
                if (c->delta == PG_DELTA_CHANGE)
                    pg_buf_puts(out, "**");
                refs(out, &fn, c->cmp_warnings, c->ncmp_warnings);
            }
            pg_buf_puts(out, " |");
        }
        pg_buf_putc(out, '\n');
    }
    free(centers);
    if (t->nrows > 1) {
        pg_buf_puts(out, "| *geomean* |");
        for (size_t e = 0; e < t->ncols; e++) {
            const pg_cmp_geomean *g = &t->geomeans[e];
            pg_buf_putc(out, ' ');
            if (g->has_value) {
                pg_buf_truncate(&s, 0);
                pg_bench_scale(&s, g->value, t->unit_class);
                esc(out, pg_buf_str(&s));
            }
            if (e == 0)
                refs(out, &fn, g->warnings, g->nwarnings);
            pg_buf_puts(out, " |");
            if (e == 0)
                continue;
            pg_buf_truncate(&s, 0);
            pg_cmp_geomean_ratio_text(&s, g);
            pg_buf_putc(out, ' ');
            esc(out, pg_buf_str(&s));
            refs(out, &fn, g->warnings, g->nwarnings);
            pg_buf_puts(out, " |");
        }
        pg_buf_putc(out, '\n');
    }
    if (fn.n > 0)
        pg_buf_putc(out, '\n');
    for (size_t i = 0; i < fn.n; i++) {
        notes_superscript(out, i + 1);
        pg_buf_putc(out, ' ');
        esc(out, fn.msgs[i]);
        pg_buf_puts(out, i + 1 < fn.n ? "<br>\n" : "\n");
    }
    notes_free(&fn);
    pg_buf_free(&s);
}

void pg_report_markdown(pg_buf *out, const pg_comparison *m)
{
    for (size_t i = 0; i < m->ntables; i++) {
        const pg_cmp_table *t = &m->tables[i];
        if (i > 0)
            pg_buf_putc(out, '\n');
        size_t shown = 0;
        for (size_t f = 0; f < t->nconfig; f++) {
            const pg_cmp_field *k = &t->config[f];
            if (i > 0 && strcmp(k->value, m->tables[i - 1].config[f].value) == 0)
                continue;
            pg_buf_puts(out, shown++ ? " · " : "");
            esc(out, k->name);
            pg_buf_putc(out, ':');
            if (k->value[0]) {
                pg_buf_puts(out, " **");
                esc(out, k->value);
                pg_buf_puts(out, "**");
            }
        }
        if (shown)
            pg_buf_puts(out, "\n\n");
        table_md(out, t);
    }
}
