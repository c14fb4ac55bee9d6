/*
 * The number syntax of benchfmt (its private copy of Go 1.13's strconv):
 * iteration counts through Atoi, measurements through ParseFloat, with the
 * same accepted spellings and the same syntax/range errors. benchproc's
 * numeric sort order (key@num) parses numbers with the same rules.
 */
#ifndef PG_BENCH_NUM_H
#define PG_BENCH_NUM_H

#include <stddef.h>

enum { PG_NUM_OK = 0, PG_NUM_SYNTAX = 1, PG_NUM_RANGE = 2 };

/* strconv.Atoi on a 64-bit platform. */
int pg_bench_parse_int(const char *s, size_t n, long long *out);
/* benchfmt's atof: all-digit strings as integers, else strconv.ParseFloat(s, 64)
 * (decimal and hex-with-p-exponent floats, '_' separators, inf/infinity/nan). */
int pg_bench_parse_float(const char *s, size_t n, double *out);
/* The message Go prints for an error code ("invalid syntax", "value out of range"). */
const char *pg_bench_num_strerror(int code);

#endif
