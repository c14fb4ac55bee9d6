/*
 * The Go benchmark format, read as benchstat's benchfmt reads it
 * (benchstat-spec §1), from a file, standard input or memory.
 *
 * A reader hands out one result at a time (streaming: memory is bounded by
 * the longest line, 64 KiB, as bufio.Scanner's limit in benchstat). Syntax
 * errors are not fatal: each goes to the diagnostic callback as
 * "<file>:<line>: <message>" with benchstat's exact message, and the line is
 * skipped. Only I/O errors and over-long lines stop a reader.
 *
 * `go test -json` streams are recognised by their first non-blank byte `{`:
 * the Output text of each "output" event is reassembled into lines per
 * Package (a line may arrive in several events, and packages interleave),
 * and each package's lines are then read like a file of their own, with
 * their own configuration.
 *
 * Unit metadata (`Unit ns/op assume=exact`) is global across files, as in
 * benchstat, so it lives in a pg_bench_units table shared by all readers.
 */
#ifndef PG_BENCH_H
#define PG_BENCH_H

#include <stddef.h>

#include "pg_error.h"

/* benchfmt's limit: bufio.Scanner's 64 KiB buffer holds the line and its '\n'. */
#define PG_BENCH_MAX_LINE (64 * 1024 - 1)

/* One configuration entry ("key: value"), in benchfmt's order. */
typedef struct pg_bench_kv {
    const char *key;
    size_t key_len;
    const char *val;
    size_t val_len;
} pg_bench_kv;

/* One measurement of a result line. */
typedef struct pg_bench_value {
    double value;     /* tidied: 1726 ns/op → 1.726e-06 sec/op */
    const char *unit; /* tidied unit (NUL-terminated) */
    /* The value and unit as written, if tidying changed the value; NULL
     * orig_unit otherwise (benchstat keeps "0 ns/op" in ns/op). */
    double orig_value;
    const char *orig_unit;
} pg_bench_value;

/* One benchmark result. A reader's results (and every pointer in them) stay
 * valid until its next call; results built by other code (the gate adds
 * trace metrics this way) need only live for the pg_compare_add call. */
typedef struct pg_bench_result {
    const char *file;          /* the .file label: the path, or `label` of label=path */
    const pg_bench_kv *config; /* file configuration in effect for this line */
    size_t nconfig;
    const char *name; /* full name without "Benchmark": "Encode/format=json-8" */
    size_t name_len;
    long long iters;
    const pg_bench_value *values;
    size_t nvalues;
    const char *path; /* where it came from, for messages (may be NULL) */
    size_t line;
} pg_bench_result;

/* Unit metadata, keyed by tidied unit, shared by every reader of one run. */
typedef struct pg_bench_units pg_bench_units;

pg_bench_units *pg_bench_units_create(void);
void pg_bench_units_free(pg_bench_units *u);
/* Sets metadata `key`=`value` of `unit` (tidied here). Returns 0, or -1
 * with "metadata K of unit U already set to V" in err if the key already
 * has a different value (the first value stays, as in benchstat). */
int pg_bench_units_set(pg_bench_units *u, const char *unit, const char *key, const char *value,
                       pg_error *err);
/* The value of metadata `key` for `unit` (tidied here), or NULL. */
const char *pg_bench_units_get(const pg_bench_units *u, const char *unit, const char *key);
/* benchstat's assumption for a unit: 1 if `assume=exact`, else 0. */
int pg_bench_units_exact(const pg_bench_units *u, const char *unit);

/* Receives each syntax error: `path` and 1-based `line` of the offending
 * line, and benchstat's message ("parsing measurement: invalid syntax"). */
typedef void pg_bench_diag_fn(void *ctx, const char *path, size_t line, const char *msg);

typedef struct pg_bench_reader pg_bench_reader;

/* Opens `path` ("-" is standard input). `label` is the .file value (NULL:
 * the path). Metadata lines update `units`. NULL and err on failure:
 * "open PATH: No such file or directory". */
pg_bench_reader *pg_bench_reader_open(const char *path, const char *label, pg_bench_units *units,
                                      pg_error *err);
/* Reads `len` bytes at `data` (not copied; must outlive the reader), e.g. a
 * benchmark process's stdout. `name` is used in messages and as .file. */
pg_bench_reader *pg_bench_reader_mem(const char *data, size_t len, const char *name,
                                     pg_bench_units *units);
void pg_bench_reader_set_diag(pg_bench_reader *r, pg_bench_diag_fn *fn, void *ctx);
/* Returns 1 and the next result in *out, 0 at the end of input, or -1 on
 * a fatal error: a read error, a line longer than PG_BENCH_MAX_LINE
 * ("FILE:N: line N+1 is longer than 65535 bytes", N the last good line, as
 * benchstat counts), or binary data (a NUL byte, which no benchmark output
 * contains). */
int pg_bench_reader_next(pg_bench_reader *r, pg_bench_result *out, pg_error *err);
/* 1 if the input was recognised as a `go test -json` stream. */
int pg_bench_reader_is_json(const pg_bench_reader *r);
/* 1 if every line read so far was blank: at the end, an empty input. */
int pg_bench_reader_blank(const pg_bench_reader *r);
void pg_bench_reader_free(pg_bench_reader *r);

/* benchfmt's name parts (benchstat-spec §1.3), views into `name`. */
typedef struct pg_bench_name_part {
    const char *s; /* "/key=value", "/positional" or the "-N" GOMAXPROCS suffix */
    size_t len;
} pg_bench_name_part;

/* The base name (.name): text before the first '/', or without the -N
 * suffix when there is no '/'. */
void pg_bench_name_base(const char *name, size_t len, const char **base, size_t *base_len);
/* Splits `name` into its base and parts (at most `max` are stored; the
 * total count is returned). The GOMAXPROCS suffix, if any, is the last part. */
size_t pg_bench_name_parts(const char *name, size_t len, const char **base, size_t *base_len,
                           pg_bench_name_part *parts, size_t max);

#endif
