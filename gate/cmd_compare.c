/*
 * `perfgate compare [flags] OLD NEW...`: benchstat, byte for byte in its
 * text and CSV output, plus JSON and Markdown.
 *
 * Flags are benchstat's and are read the way Go's flag package reads them
 * (`-alpha 0.1`, `--alpha=0.1`; flags stop at the first file argument).
 * Files are read one after another as benchstat reads them: `label=path`
 * sets the column label, a repeated path is labelled path#0, path#1, ...,
 * and `-` is standard input. Unlike benchstat, which exits 0 even on fatal
 * errors, a usage error or an unreadable file exits 2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "pg_alloc.h"
#include "pg_bench.h"
#include "pg_bench_num.h"
#include "pg_compare.h"
#include "pg_report.h"

static const char usage_text[] =
    "usage: perfgate compare [flags] inputs...\n"
    "\n"
    "Summarizes and compares Go benchmark results as benchstat does: a table\n"
    "per configuration and unit, a row per benchmark, a column per input, and\n"
    "A/B comparisons of every column with the first. An input is a file of\n"
    "`go test -bench` output (or a `go test -json` stream), `label=path` to\n"
    "name its column, or - for standard input.\n"
    "\n"
    "flags:\n"
    "  -alpha A          consider a change significant if p <= A (default 0.05)\n"
    "  -confidence C     confidence level of the ranges (default 0.95)\n"
    "  -format F         text, csv, json or markdown (default text)\n"
    "  -table KEYS       split results into tables by KEYS (default .config)\n"
    "  -row KEYS         split results into rows by KEYS (default .fullname)\n"
    "  -col KEYS         split results into columns by KEYS (default .file)\n"
    "  -ignore KEYS      ignore variations in KEYS\n"
    "  -filter QUERY     use only benchmarks matching QUERY (default *)\n"
    "\n"
    "Flags may also be written --flag or --flag=value. Exit status: 0, or 2 on\n"
    "a usage error or an unreadable input.\n";

static int usage_error(const char *fmt, const char *arg)
{
    if (fmt) {
        fputs("perfgate compare: ", stderr);
        fprintf(stderr, fmt, arg);
        fputc('\n', stderr);
    }
    fputs(usage_text, stderr);
    return PG_EXIT_USAGE;
}

static int fatal(int status, const char *msg)
{
    fprintf(stderr, "perfgate: %s\n", msg);
    return status;
}

/* Go's flag.Float64: strconv.ParseFloat syntax. */
static int parse_float_flag(const char *name, const char *s, double *out)
{
    int rc = pg_bench_parse_float(s, strlen(s), out);
    if (rc == PG_NUM_OK)
        return 0;
    fprintf(stderr, "perfgate compare: invalid value \"%s\" for flag -%s: %s\n", s, name,
            rc == PG_NUM_RANGE ? "value out of range" : "parse error");
    return -1;
}

static void print_diag(void *ctx, const char *path, size_t line, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "%s:%zu: %s\n", path, line, msg);
}

typedef struct input {
    const char *path;
    char *label;
} input;

/* benchfmt.Files: label=path, and path#N for repeated unlabeled paths. */
static input *inputs_of(char **args, size_t n)
{
    input *in = pg_xcalloc(n + 1, sizeof *in);
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(args[i], '=');
        in[i].path = eq ? eq + 1 : args[i];
        if (eq)
            in[i].label = pg_xstrndup(args[i], (size_t)(eq - args[i]));
    }
    for (size_t i = 0; i < n; i++) {
        if (in[i].label)
            continue;
        size_t count = 0, index = 0;
        for (size_t j = 0; j < n; j++) {
            if (strchr(args[j], '=') || strcmp(in[j].path, in[i].path) != 0)
                continue;
            count++;
            index += j < i;
        }
        in[i].label =
            count > 1 ? pg_xasprintf("%s#%zu", in[i].path, index) : pg_xstrdup(in[i].path);
    }
    return in;
}

int cmd_compare(int argc, char **argv)
{
    pg_compare_opts opts = {0};
    double alpha = 0.05, confidence = 0.95;
    const char *format = "text";
    static const struct option longopts[] = {
        {"alpha", required_argument, NULL, 'a'},  {"confidence", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'}, {"table", required_argument, NULL, 't'},
        {"row", required_argument, NULL, 'r'},    {"col", required_argument, NULL, 'C'},
        {"ignore", required_argument, NULL, 'i'}, {"filter", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    opterr = 0;
    optind = 1;
    int opt;
    while ((opt = getopt_long_only(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'a':
            if (parse_float_flag("alpha", optarg, &alpha) < 0)
                return usage_error(NULL, NULL);
            break;
        case 'c':
            if (parse_float_flag("confidence", optarg, &confidence) < 0)
                return usage_error(NULL, NULL);
            break;
        case 'f':
            format = optarg;
            break;
        case 't':
            opts.table = optarg;
            break;
        case 'r':
            opts.row = optarg;
            break;
        case 'C':
            opts.col = optarg;
            break;
        case 'i':
            opts.ignore = optarg;
            break;
        case 'F':
            opts.filter = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return PG_EXIT_OK;
        default:
            if (optopt || argv[optind - 1][0] == '-') {
                const char *arg = argv[optind - 1];
                return usage_error(optopt ? "flag needs an argument: %s"
                                          : "flag provided but not defined: %s",
                                   arg);
            }
            return usage_error(NULL, NULL);
        }
    }
    size_t nfiles = (size_t)(argc - optind);
    if (nfiles == 0)
        return usage_error("no input files", NULL);

    /* benchstat's order of checks: queries, then -alpha, -confidence, -format */
    pg_error err;
    pg_compare *c = pg_compare_create(&opts, &err);
    if (!c)
        return fatal(PG_EXIT_USAGE, err.msg);
    int status = PG_EXIT_OK;
    if (alpha < 0 || alpha > 1) {
        pg_compare_free(c);
        return fatal(PG_EXIT_USAGE, "-alpha must be in range [0, 1]");
    }
    if (confidence < 0 || confidence > 1) {
        pg_compare_free(c);
        return fatal(PG_EXIT_USAGE, "-confidence must be in range [0, 1]");
    }
    if (strcmp(format, "text") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0 &&
        strcmp(format, "markdown") != 0) {
        pg_compare_free(c);
        fprintf(stderr, "perfgate: -format must be text, csv, json or markdown, not \"%s\"\n",
                format);
        return PG_EXIT_USAGE;
    }

    pg_bench_units *units = pg_bench_units_create();
    input *in = inputs_of(argv + optind, nfiles);
    for (size_t i = 0; i < nfiles && status == PG_EXIT_OK; i++) {
        pg_bench_reader *r = pg_bench_reader_open(in[i].path, in[i].label, units, &err);
        if (!r) {
            status = fatal(PG_EXIT_USAGE, err.msg);
            break;
        }
        pg_bench_reader_set_diag(r, print_diag, NULL);
        pg_bench_result res;
        int rc;
        while ((rc = pg_bench_reader_next(r, &res, &err)) > 0)
            pg_compare_add(c, &res);
        if (rc < 0) {
            status = fatal(PG_EXIT_USAGE, err.msg);
        } else if (pg_bench_reader_blank(r)) {
            /* benchstat shrugs; an empty input is almost always a failed run */
            fprintf(stderr, "perfgate: %s: empty input: no benchmark results to compare\n",
                    in[i].path);
            status = PG_EXIT_USAGE;
        }
        pg_bench_reader_free(r);
    }
    if (status == PG_EXIT_OK) {
        pg_compare_params params = {alpha, confidence, units};
        pg_comparison *m = pg_compare_run(c, &params);
        pg_buf out = {0}, warnings = {0};
        if (strcmp(format, "csv") == 0)
            pg_report_csv(&out, &warnings, m);
        else if (strcmp(format, "json") == 0)
            pg_report_json(&out, m);
        else if (strcmp(format, "markdown") == 0)
            pg_report_markdown(&out, m);
        else
            pg_report_text(&out, m);
        if (pg_buf_write(&warnings, stderr) < 0 || pg_buf_write(&out, stdout) < 0 ||
            fflush(stdout) != 0)
            status = fatal(PG_EXIT_RUNTIME, "writing the comparison failed");
        pg_buf_free(&out);
        pg_buf_free(&warnings);
        pg_comparison_free(m);
    }
    for (size_t i = 0; i < nfiles; i++)
        free(in[i].label);
    free(in);
    pg_bench_units_free(units);
    pg_compare_free(c);
    return status;
}
