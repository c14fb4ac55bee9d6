/*
 * benchstat -format csv (benchstat-spec §6): Go encoding/csv records, full
 * precision (%v) centers and geomeans, ragged data records, and warnings
 * on a separate stream labelled with spreadsheet-style cell references.
 */
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_bench_unicode.h"
#include "pg_fmt.h"
#include "pg_report.h"

typedef struct record {
    pg_buf *fields;
    size_t n, cap;
} record;

static void add(record *r, const char *s)
{
    if (r->n == r->cap) {
        size_t old = r->cap;
        r->fields = pg_xgrow(r->fields, &r->cap, r->n + 1, sizeof *r->fields);
        memset(r->fields + old, 0, (r->cap - old) * sizeof *r->fields);
    }
    pg_buf_truncate(&r->fields[r->n], 0);
    pg_buf_puts(&r->fields[r->n], s);
    r->n++;
}

static void clear_to(record *r, size_t col)
{
    while (r->n < col)
        add(r, "");
}

/* encoding/csv's fieldNeedsQuotes */
static int needs_quotes(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (n == 2 && s[0] == '\\' && s[1] == '.')
        return 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '"' || s[i] == ',')
            return 1;
    size_t w;
    return pg_bench_is_space(pg_bench_utf8_decode(s, n, &w));
}

static void emit(pg_buf *out, record *r, size_t *count)
{
    for (size_t i = 0; i < r->n; i++) {
        const pg_buf *f = &r->fields[i];
        const char *s = pg_buf_str(f);
        if (i > 0)
            pg_buf_putc(out, ',');
        if (!needs_quotes(s, f->len)) {
            pg_buf_append(out, s, f->len);
            continue;
        }
        pg_buf_putc(out, '"');
        for (size_t k = 0; k < f->len; k++) {
            if (s[k] == '"')
                pg_buf_putc(out, '"');
            pg_buf_putc(out, s[k]);
        }
        pg_buf_putc(out, '"');
    }
    pg_buf_putc(out, '\n');
    r->n = 0;
    (*count)++;
}

/* Warnings are labelled with the column the next field goes to, as a
 * little-endian base-26 number (benchstat's own scheme: 26 is "BA"). */
static void warn(pg_buf *w, const record *r, size_t row, const char *const *msgs, size_t n)
{
    char name[16];
    size_t pos = sizeof name;
    name[--pos] = '\0';
    for (size_t x = r->n; x > 0; x /= 26)
        name[--pos] = (char)('A' + x % 26);
    if (r->n == 0)
        name[--pos] = 'A';
    for (size_t i = 0; i < n; i++)
        pg_buf_printf(w, "%s%zu: %s\n", name + pos, row, msgs[i]);
}

static size_t start_col(size_t e)
{
    return e == 0 ? 1 : 1 + 2 + (e - 1) * 4;
}

static size_t table_csv(pg_buf *out, pg_buf *warnings, const pg_cmp_table *t, size_t start_row,
                        record *r)
{
    size_t count = 0;
    pg_buf s = {0};
    size_t width = start_col(t->ncols);
    size_t nlevels = t->ncols > 0 ? t->cols[0].nfields : 0;
    for (size_t f = 0; f < nlevels; f++) {
        for (size_t e = 0; e < t->ncols; e++) {
            clear_to(r, start_col(e));
            add(r, t->cols[e].fields[f].value);
        }
        clear_to(r, width);
        emit(out, r, &count);
    }
    for (size_t e = 0; e < t->ncols; e++) {
        clear_to(r, start_col(e));
        add(r, t->unit);
        add(r, "CI");
        if (e > 0) {
            add(r, "vs base");
            add(r, "P");
        }
    }
    emit(out, r, &count);
    for (size_t i = 0; i < t->nrows; i++) {
        const pg_cmp_row *row = &t->rows[i];
        add(r, row->label);
        for (size_t e = 0; e < t->ncols; e++) {
            const pg_cmp_cell *c = row->cells[e];
            if (!c)
                continue;
            clear_to(r, start_col(e));
            warn(warnings, r, start_row + count, c->warnings, c->nwarnings);
            pg_buf_truncate(&s, 0);
            pg_fmt_go_float(&s, c->summary.center);
            add(r, pg_buf_str(&s));
            pg_buf_truncate(&s, 0);
            pg_cmp_cell_range_text(&s, c);
            add(r, pg_buf_str(&s));
            if (e > 0 && c->has_baseline) {
                warn(warnings, r, start_row + count, c->cmp_warnings, c->ncmp_warnings);
                pg_buf_truncate(&s, 0);
                pg_cmp_cell_delta_text(&s, c);
                add(r, pg_buf_str(&s));
                pg_buf_truncate(&s, 0);
                pg_cmp_cell_test_text(&s, c);
                add(r, pg_buf_str(&s));
            }
        }
        emit(out, r, &count);
    }
    add(r, "geomean");
    for (size_t e = 0; e < t->ncols; e++) {
        const pg_cmp_geomean *g = &t->geomeans[e];
        clear_to(r, start_col(e));
        warn(warnings, r, start_row + count, g->warnings, g->nwarnings);
        if (g->has_value) {
            pg_buf_truncate(&s, 0);
            pg_fmt_go_float(&s, g->value);
            add(r, pg_buf_str(&s));
        }
        if (e > 0) {
            clear_to(r, start_col(e) + 2);
            pg_buf_truncate(&s, 0);
            pg_cmp_geomean_ratio_text(&s, g);
            add(r, pg_buf_str(&s));
        }
    }
    clear_to(r, width);
    emit(out, r, &count);
    pg_buf_free(&s);
    return count;
}

void pg_report_csv(pg_buf *out, pg_buf *warnings, const pg_comparison *m)
{
    record r = {0};
    size_t row = 1, ignored = 0;
    for (size_t i = 0; i < m->ntables; i++) {
        const pg_cmp_table *t = &m->tables[i];
        if (i > 0) {
            add(&r, "");
            emit(out, &r, &ignored);
            row++;
        }
        for (size_t f = 0; f < t->nconfig; f++) {
            const pg_cmp_field *k = &t->config[f];
            if (i == 0 || strcmp(k->value, m->tables[i - 1].config[f].value) != 0) {
                pg_buf h = {0};
                pg_buf_printf(&h, "%s: %s", k->name, k->value);
                add(&r, pg_buf_str(&h));
                emit(out, &r, &ignored);
                pg_buf_free(&h);
                row++;
            }
        }
        row += table_csv(out, warnings, t, row, &r);
    }
    for (size_t i = 0; i < r.cap; i++)
        pg_buf_free(&r.fields[i]);
    free(r.fields);
}
