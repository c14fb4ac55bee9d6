/*
 * libFuzzer target for the benchmark-format reader and everything that
 * consumes its output: arbitrary bytes are read as a benchmark file (text
 * or go test -json), split into two columns, compared, and rendered as
 * text and CSV. An input starting with '?' carries a -filter query on its
 * first line, so the query parser and regexp translation are fuzzed too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_bench.h"
#include "pg_compare.h"
#include "pg_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore_diag(void *ctx, const char *path, size_t line, const char *msg)
{
    (void)ctx;
    (void)path;
    (void)line;
    (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char *filter = NULL;
    if (size > 0 && text[0] == '?') {
        const char *nl = memchr(text, '\n', size);
        size_t n = nl ? (size_t)(nl - text) : size;
        filter = pg_xstrndup(text + 1, n - 1);
        text += nl ? n + 1 : n;
        size -= nl ? n + 1 : n;
    }
    pg_compare_opts opts = {.filter = filter};
    pg_error err;
    pg_compare *c = pg_compare_create(&opts, &err);
    free(filter);
    if (!c)
        return 0;
    pg_bench_units *units = pg_bench_units_create();
    pg_bench_reader *r = pg_bench_reader_mem(text, size, "fuzz.txt", units);
    pg_bench_reader_set_diag(r, ignore_diag, NULL);
    pg_bench_result res;
    size_t n = 0;
    while (pg_bench_reader_next(r, &res, &err) > 0) {
        /* alternate results between two inputs so comparisons run */
        res.file = n++ % 2 ? "new" : "old";
        pg_compare_add(c, &res);
    }
    pg_bench_reader_free(r);
    pg_compare_params params = {0.05, 0.95, units};
    pg_comparison *m = pg_compare_run(c, &params);
    pg_buf out = {0}, warnings = {0};
    pg_report_text(&out, m);
    pg_report_csv(&out, &warnings, m);
    pg_buf_free(&out);
    pg_buf_free(&warnings);
    pg_comparison_free(m);
    pg_bench_units_free(units);
    pg_compare_free(c);
    return 0;
}
