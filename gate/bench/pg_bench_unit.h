/*
 * Units and numbers as benchstat shows them (benchstat-spec §2): tidying
 * units to base units, a unit's class (SI or IEC prefixes), the common
 * per-row scale of the text table, and Go's fixed-point float formatting.
 * Every reporter uses these, so they live once, here.
 */
#ifndef PG_BENCH_UNIT_H
#define PG_BENCH_UNIT_H

#include <stddef.h>

#include "pg_buf.h"

/* benchunit.Tidy's unit half: the tidied unit is appended to `tidied` and
 * the factor that converts a value to it is returned ("ns/op" → "sec/op",
 * 1e-9; "MB/s" → "B/s", 1e6; "p50-ns" → "p50-sec"; "us/op" unchanged, 1). */
double pg_bench_unit_tidy(const char *unit, size_t len, pg_buf *tidied);

typedef enum pg_bench_unit_class {
    PG_BENCH_DECIMAL = 0, /* SI prefixes: k, M, G, ... m, µ, n */
    PG_BENCH_BINARY = 1,  /* IEC prefixes: Ki, Mi, Gi, Ti (a numerator B, MB or bytes) */
} pg_bench_unit_class;

pg_bench_unit_class pg_bench_unit_class_of(const char *unit, size_t len);

/* A fixed scale for a group of values: value/factor with `prec` decimals,
 * then `prefix`. */
typedef struct pg_bench_scaler {
    int prec;
    double factor;
    const char *prefix;
} pg_bench_scaler;

/* benchunit.CommonScale: chosen from the smallest non-zero |value|. */
pg_bench_scaler pg_bench_common_scale(const double *vals, size_t n, pg_bench_unit_class cls);
void pg_bench_scaler_format(pg_buf *b, const pg_bench_scaler *s, double v);
/* benchunit.Scale: one value with its own scale (the geomean row). */
void pg_bench_scale(pg_buf *b, double v, pg_bench_unit_class cls);

/* Go's fmt "%.<prec>f" ("%+.<prec>f" when plus): printf digits, but NaN,
 * +Inf and -Inf spelled as Go spells them ("+NaN" with plus). */
void pg_bench_fmt_fixed(pg_buf *b, double v, int prec, int plus);
/* benchmath's Summary.PctRangeString: "∞" when a bound is infinite, "?"
 * when a bound's sign differs from the center's, "0%" for a zero center,
 * else the larger relative distance to a bound as "%.0f%%". */
void pg_bench_fmt_range_pct(pg_buf *b, double center, double lo, double hi);

#endif
