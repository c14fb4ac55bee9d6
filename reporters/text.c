/*
 * benchstat's text output (benchstat-spec §5): the table-key header lines,
 * then per table a grid laid out by a port of benchstat's texttab (cells
 * with spans, left margins and alignments; column widths grown by span;
 * shrink columns that spans may not widen), then the footnotes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_bench_unicode.h"
#include "pg_bench_unit.h"
#include "notes.h"
#include "pg_report.h"

enum { LEFT, CENTER, RIGHT };

/* Margins are few distinct strings; cells refer to them by index. */
static const char *const margins[] = {"", " ", " ± ", " │ ", " │", "  "};

/* One cell, compact: a table of a million rows has ten million of them. */
typedef struct tcell {
    uint32_t row, col, span;
    uint32_t value_runes;
    size_t value; /* offset into the table's text */
    unsigned char margin, align;
} tcell;

typedef struct ttab {
    tcell *cells;
    size_t ncells, cap;
    size_t cols;
    unsigned char *shrink;
    size_t shrink_cap;
    size_t cur_row, cur_col;
    pg_buf text; /* NUL-terminated strings */
} ttab;

static const char *txt(const ttab *t, size_t off)
{
    return t->text.data + off;
}

static size_t keep(ttab *t, const char *s)
{
    size_t off = t->text.len;
    pg_buf_puts(&t->text, s);
    pg_buf_putc(&t->text, '\0');
    return off;
}

static size_t runes(const char *s)
{
    return pg_bench_utf8_count(s, strlen(s));
}

static unsigned char margin_index(const char *margin)
{
    unsigned char i = 0;
    while (strcmp(margins[i], margin) != 0)
        i++;
    return i;
}

static long margin_runes(const tcell *c)
{
    return (long)runes(margins[c->margin]);
}

static void t_row(ttab *t)
{
    if (t->ncells > 0)
        t->cur_row++;
    t->cur_col = 0;
}

static void t_col(ttab *t, size_t col)
{
    t->cur_col = col;
}

/* Span with an explicit margin (NULL: benchstat's default, a space unless
 * the cell is in column 0 or empty). */
static void t_span(ttab *t, size_t span, const char *value, int align, const char *margin)
{
    if (!margin)
        margin = t->cur_col == 0 || value[0] == '\0' ? "" : " ";
    t->cells = pg_xgrow(t->cells, &t->cap, t->ncells + 1, sizeof *t->cells);
    t->cells[t->ncells] = (tcell){
        (uint32_t)t->cur_row, (uint32_t)t->cur_col, (uint32_t)span,      (uint32_t)runes(value),
        keep(t, value),       margin_index(margin), (unsigned char)align};
    t->ncells++;
    t->cur_col += span;
    if (t->cur_col > t->cols)
        t->cols = t->cur_col;
}

static void t_cell(ttab *t, const char *value, int align, const char *margin)
{
    t_span(t, 1, value, align, margin);
}

static void t_shrink(ttab *t, size_t col)
{
    size_t old = t->shrink_cap;
    if (col >= old) {
        t->shrink = pg_xgrow(t->shrink, &t->shrink_cap, col + 1, 1);
        memset(t->shrink + old, 0, t->shrink_cap - old);
    }
    t->shrink[col] = 1;
}

static int is_shrink(const ttab *t, size_t col)
{
    return col < t->shrink_cap && t->shrink[col];
}

/* strings.TrimSpace(s) == "" */
static int blank(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t w;
        if (!pg_bench_is_space(pg_bench_utf8_decode(s + i, n - i, &w)))
            return 0;
        i += w;
    }
    return 1;
}

/* Multi-column cells by span; ties keep their order (see below). */
static int by_span(const void *a, const void *b, void *ctx)
{
    const tcell *cells = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    if (cells[x].span != cells[y].span)
        return cells[x].span < cells[y].span ? -1 : 1;
    return x < y ? -1 : x > y;
}

static void pad(pg_buf *b, long n)
{
    pg_buf_pad(b, ' ', (size_t)(n < 0 ? -n : n));
}

/* texttab.Table.Format */
static void t_format(ttab *t, pg_buf *out)
{
    size_t ncols = t->cols;
    long *lmargin = pg_xcalloc(ncols + 1, sizeof *lmargin);
    long *ws = pg_xcalloc(ncols + 1, sizeof *ws);
    long *offs = pg_xcalloc(ncols + 2, sizeof *offs);
    size_t *span_cols = pg_xcalloc(ncols + 1, sizeof *span_cols);
    size_t *spans = pg_xmalloc((t->ncells + 1) * sizeof *spans), nspans = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        const tcell *c = &t->cells[i];
        if (margin_runes(c) > lmargin[c->col])
            lmargin[c->col] = margin_runes(c);
    }
    /* single-column cells set widths; then cells spanning several columns
     * widen them in order of span. benchstat sorts all cells with Go's
     * unstable sort.Slice; the order among equal spans matters only for
     * multi-level column headers, where this keeps insertion order. */
    for (size_t i = 0; i < t->ncells; i++) {
        const tcell *c = &t->cells[i];
        long w = (long)c->value_runes + lmargin[c->col];
        if (c->span > 1)
            spans[nspans++] = i;
        else if (w > ws[c->col])
            ws[c->col] = w;
    }
    qsort_r(spans, nspans, sizeof *spans, by_span, t->cells);
    for (size_t i = 0; i < nspans; i++) {
        const tcell *c = &t->cells[spans[i]];
        long w = (long)c->value_runes + lmargin[c->col];
        long tw = 0;
        for (size_t k = c->col; k < c->col + c->span; k++)
            tw += ws[k];
        if (tw >= w)
            continue;
        size_t n = 0;
        for (size_t k = c->col; k < c->col + c->span; k++) {
            if (is_shrink(t, k))
                w -= ws[k];
            else
                span_cols[n++] = k;
        }
        /* widest first (insertion sort: stable for equal widths) */
        for (size_t a = 1; a < n; a++)
            for (size_t b = a; b > 0 && ws[span_cols[b]] > ws[span_cols[b - 1]]; b--) {
                size_t tmp = span_cols[b];
                span_cols[b] = span_cols[b - 1];
                span_cols[b - 1] = tmp;
            }
        long left = (long)n;
        for (size_t k = 0; k < n; k++) {
            long avg = (w + left - 1) / left;
            if (avg > ws[span_cols[k]])
                ws[span_cols[k]] = avg;
            w -= ws[span_cols[k]];
            left--;
        }
    }
    free(spans);
    long off = 0;
    for (size_t i = 0; i < ncols; i++) {
        offs[i] = off;
        off += ws[i];
    }
    offs[ncols] = off;
    /* cells were added in (row, column) order, the order they print in */
    size_t row = 0;
    off = 0;
    for (size_t i = 0; i < t->ncells; i++) {
        const tcell *c = &t->cells[i];
        const char *value = txt(t, c->value), *margin = margins[c->margin];
        if (blank(value) && blank(margin))
            continue;
        for (; c->row > row; row++) {
            pg_buf_putc(out, '\n');
            off = 0;
        }
        long spaces = offs[c->col] - off;
        pad(out, spaces);
        long mw = lmargin[c->col], mr = margin_runes(c);
        if (mr < mw)
            pad(out, mw - mr);
        pg_buf_puts(out, margin);
        off += spaces + mw;
        long tw = offs[c->col + c->span] - offs[c->col] - lmargin[c->col];
        long vr = (long)c->value_runes;
        long printed = vr;
        if (c->align == CENTER) {
            long l = (tw - vr) / 2;
            pad(out, l);
            printed += l < 0 ? -l : l;
            pg_buf_puts(out, value);
        } else if (c->align == RIGHT) {
            /* Go's %*s: a negative width pads on the right */
            long w = tw < 0 ? -tw : tw;
            if (tw >= 0 && vr < w)
                pad(out, w - vr);
            pg_buf_puts(out, value);
            if (tw < 0 && vr < w)
                pad(out, w - vr);
            if (vr < w)
                printed = w;
        } else {
            pg_buf_puts(out, value);
        }
        off += printed;
    }
    if (t->ncells > 0)
        pg_buf_putc(out, '\n');
    free(lmargin);
    free(ws);
    free(offs);
    free(span_cols);
}

/* The footnotes of one table, numbered by first use. */

/* benchtab's warn(): a cell of footnote references, joined by spaces. */
static void warn_cell(ttab *t, notes *fn, const char *const *msgs, size_t n)
{
    pg_buf refs = {0};
    for (size_t i = 0; i < n; i++) {
        if (refs.len > 0)
            pg_buf_putc(&refs, ' ');
        notes_superscript(&refs, notes_number(fn, msgs[i]));
    }
    t_cell(t, pg_buf_str(&refs), LEFT, NULL);
    pg_buf_free(&refs);
}

static size_t start_col(size_t e)
{
    return e == 0 ? 1 : 1 + 3 + (e - 1) * 6;
}

/* benchproc.NewKeyHeader, one level at a time: the nodes of `level` within
 * [from, to) of the columns. */
static void header_level(ttab *t, const pg_cmp_table *tb, size_t level, size_t from, size_t to,
                         size_t nlevels, size_t *next_from, size_t *next_to, size_t *nnext)
{
    size_t start = from;
    for (size_t i = from + 1; i <= to; i++) {
        if (i < to &&
            strcmp(tb->cols[i].fields[level].value, tb->cols[start].fields[level].value) == 0)
            continue;
        size_t l = start_col(start), r = start_col(i);
        t_col(t, l);
        t_span(t, r - l, tb->cols[start].fields[level].value, CENTER, " │ ");
        if (level + 1 < nlevels) {
            next_from[*nnext] = start;
            next_to[(*nnext)++] = i;
        }
        start = i;
    }
}

static void table_text(pg_buf *out, const pg_cmp_table *tb)
{
    ttab t = {0};
    notes fn = {0};
    pg_buf s = {0};
    size_t redge = start_col(tb->ncols + 1);
    size_t nlevels = tb->ncols > 0 ? tb->cols[0].nfields : 0;
    /* header rows, breadth first as benchstat walks its key header */
    size_t *from = pg_xmalloc((tb->ncols + 1) * sizeof *from);
    size_t *to = pg_xmalloc((tb->ncols + 1) * sizeof *to);
    size_t *nfrom = pg_xmalloc((tb->ncols + 1) * sizeof *nfrom);
    size_t *nto = pg_xmalloc((tb->ncols + 1) * sizeof *nto);
    size_t nnodes = tb->ncols > 0 && nlevels > 0, level = 0;
    from[0] = 0;
    to[0] = tb->ncols;
    while (nnodes > 0) {
        t_row(&t);
        size_t nnext = 0;
        for (size_t i = 0; i < nnodes; i++)
            header_level(&t, tb, level, from[i], to[i], nlevels, nfrom, nto, &nnext);
        t_col(&t, redge);
        t_cell(&t, "", LEFT, " │");
        memcpy(from, nfrom, nnext * sizeof *from);
        memcpy(to, nto, nnext * sizeof *to);
        nnodes = nnext;
        level++;
    }
    free(from);
    free(to);
    free(nfrom);
    free(nto);
    /* units */
    t_row(&t);
    for (size_t i = 0; i < tb->ncols; i++) {
        size_t l = start_col(i);
        t_col(&t, l);
        t_span(&t, 3, tb->unit, CENTER, " │ ");
        if (i > 0)
            t_span(&t, 3, "vs base", LEFT, "  ");
        for (size_t j = l + 1; j < t.cur_col; j++)
            t_shrink(&t, j);
    }
    t_col(&t, redge);
    t_cell(&t, "", LEFT, " │");
    /* measurements */
    double *centers = pg_xmalloc((tb->ncols + 1) * sizeof *centers);
    for (size_t r = 0; r < tb->nrows; r++) {
        const pg_cmp_row *row = &tb->rows[r];
        t_row(&t);
        t_cell(&t, row->label, LEFT, NULL);
        size_t nc = 0;
        for (size_t e = 0; e < tb->ncols; e++)
            if (row->cells[e])
                centers[nc++] = row->cells[e]->summary.center;
        pg_bench_scaler sc = pg_bench_common_scale(centers, nc, tb->unit_class);
        for (size_t e = 0; e < tb->ncols; e++) {
            const pg_cmp_cell *c = row->cells[e];
            if (!c)
                continue;
            t_col(&t, start_col(e));
            pg_buf_truncate(&s, 0);
            pg_bench_scaler_format(&s, &sc, c->summary.center);
            t_cell(&t, pg_buf_str(&s), RIGHT, NULL);
            pg_buf_truncate(&s, 0);
            pg_cmp_cell_range_text(&s, c);
            t_cell(&t, pg_buf_str(&s), RIGHT, " ± ");
            warn_cell(&t, &fn, c->warnings, c->nwarnings);
            if (e > 0 && c->has_baseline) {
                pg_buf_truncate(&s, 0);
                pg_cmp_cell_delta_text(&s, c);
                t_cell(&t, pg_buf_str(&s), RIGHT, NULL);
                pg_buf_truncate(&s, 0);
                pg_buf_putc(&s, '(');
                pg_cmp_cell_test_text(&s, c);
                pg_buf_putc(&s, ')');
                t_cell(&t, pg_buf_str(&s), LEFT, NULL);
                warn_cell(&t, &fn, c->cmp_warnings, c->ncmp_warnings);
            }
        }
    }
    free(centers);
    /* the geomean row, only under more than one row */
    if (tb->nrows > 1) {
        t_row(&t);
        t_cell(&t, "geomean", LEFT, NULL);
        for (size_t e = 0; e < tb->ncols; e++) {
            const pg_cmp_geomean *g = &tb->geomeans[e];
            if (g->has_value) {
                t_col(&t, start_col(e));
                pg_buf_truncate(&s, 0);
                pg_bench_scale(&s, g->value, tb->unit_class);
                t_cell(&t, pg_buf_str(&s), RIGHT, NULL);
            }
            if (e > 0) {
                t_col(&t, start_col(e) + 3);
                pg_buf_truncate(&s, 0);
                pg_cmp_geomean_ratio_text(&s, g);
                t_cell(&t, pg_buf_str(&s), g->has_ratio ? RIGHT : LEFT, NULL);
            }
            t_col(&t, start_col(e + 1) - 1);
            warn_cell(&t, &fn, g->warnings, g->nwarnings);
        }
    }
    t_format(&t, out);
    for (size_t i = 0; i < fn.n; i++) {
        notes_superscript(out, i + 1);
        pg_buf_printf(out, " %s\n", fn.msgs[i]);
    }
    notes_free(&fn);
    free(t.cells);
    free(t.shrink);
    pg_buf_free(&t.text);
    pg_buf_free(&s);
}

void pg_report_text(pg_buf *out, const pg_comparison *m)
{
    for (size_t i = 0; i < m->ntables; i++) {
        const pg_cmp_table *tb = &m->tables[i];
        if (i > 0)
            pg_buf_putc(out, '\n');
        for (size_t f = 0; f < tb->nconfig; f++) {
            const pg_cmp_field *k = &tb->config[f];
            if (i == 0 || f >= m->tables[i - 1].nconfig ||
                strcmp(k->value, m->tables[i - 1].config[f].value) != 0)
                pg_buf_printf(out, "%s: %s\n", k->name, k->value);
        }
        table_text(out, tb);
    }
}
