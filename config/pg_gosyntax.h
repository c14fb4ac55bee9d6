/*
 * Go's own syntaxes for the values a .perfgate.yml hands to the Go toolchain:
 * durations (time.ParseDuration, Duration.String), -test.benchtime (a
 * duration or "Nx") and benchmark regular expressions (regexp/syntax as
 * testing's -test.bench splits it).
 *
 * They are ports of the Go sources (Go 1.26: src/time/format.go,
 * src/testing/benchmark.go, src/testing/match.go, src/regexp/syntax/parse.go),
 * so that a value the config accepts is one Go accepts, and an error is found
 * when the file is loaded, with its line and column, instead of minutes later
 * inside a test binary. The config module checks values with them; the runner
 * uses the pattern splitter to list and discover benchmarks.
 */
#ifndef PG_GOSYNTAX_H
#define PG_GOSYNTAX_H

#include <stddef.h>
#include <stdint.h>

#include "pg_buf.h"

/* Why a duration was rejected; the text follows Go's error messages. */
typedef enum pg_gosyntax_duration_error {
    PG_GOSYNTAX_DURATION_OK = 0,
    PG_GOSYNTAX_DURATION_INVALID,      /* time: invalid duration */
    PG_GOSYNTAX_DURATION_OVERFLOW,     /* the same message, for more than 2^63-1 ns */
    PG_GOSYNTAX_DURATION_MISSING_UNIT, /* time: missing unit in duration */
    PG_GOSYNTAX_DURATION_UNKNOWN_UNIT, /* time: unknown unit "x" in duration */
} pg_gosyntax_duration_error;

/* time.ParseDuration: "[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+" or "0", units ns, us,
 * µs, μs, ms, s, m, h, at most 2^63-1 ns. On an unknown unit, *unit_off and
 * *unit_len locate it in s (both may be NULL). */
pg_gosyntax_duration_error pg_gosyntax_duration_parse(const char *s, size_t len, int64_t *ns,
                                                      size_t *unit_off, size_t *unit_len);
/* time.Duration.String: "1h2m3.5s", "1.5ms", "100µs", "0s". */
void pg_gosyntax_duration_format(pg_buf *b, int64_t ns);

/* -test.benchtime as testing parses it: "Nx" with N >= 1 sets *iterations
 * (and *ns = 0); otherwise a duration > 0 sets *ns (and *iterations = 0).
 * Returns 0, or -1 with Go's reason ("invalid count", "invalid duration"). */
int pg_gosyntax_benchtime_parse(const char *s, size_t len, int64_t *iterations, int64_t *ns,
                                const char **why);

/* regexp.Compile's syntax check of `re` (valid UTF-8). Returns 0, or -1 and
 * appends Go's message to msg: "error parsing regexp: missing closing ): `a(b`".
 * Every syntax error of regexp/syntax is found except the two size limits
 * ("expression too large", "expression nests too deeply"), which need the
 * compiled program, and Unicode class names in braces (\p{Greek}), whose
 * tables change between Go releases: any non-empty name is accepted. */
int pg_gosyntax_regexp_check(const char *re, size_t len, pg_buf *msg);

/* One element of a -test.bench pattern, as testing's splitRegexp cuts it:
 * '/' (outside brackets and parentheses) starts the next level of the
 * benchmark name, '|' the next alternative, so "A/x|B" is (A then x) or B. */
typedef struct pg_gosyntax_bench_part {
    size_t off, len; /* the element's bytes within the pattern */
    int level;       /* 0: the top-level benchmark, 1: its sub-benchmarks, ... */
    int alternative; /* which '|' alternative, from 0 */
} pg_gosyntax_bench_part;

/* Splits `re` into its elements; stores at most `max` and returns how many
 * there are (at least 1). */
size_t pg_gosyntax_bench_split(const char *re, size_t len, pg_gosyntax_bench_part *parts,
                               size_t max);

/* A -test.bench (or -test.run) pattern: split at unbracketed, unparenthesised
 * '/' and '|' as testing's splitRegexp does, and each element checked as
 * above. On error, msg names the element ("element 2 (`b(`) of the pattern:
 * ..." when there is more than one). */
int pg_gosyntax_bench_check(const char *re, size_t len, pg_buf *msg);

#endif
