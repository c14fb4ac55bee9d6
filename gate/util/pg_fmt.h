/*
 * Number formatting that matches Go's fmt and strconv byte for byte.
 *
 * benchstat's CSV prints floats with Go's `%v`, and its warnings quote values
 * the same way; C's printf has no equivalent of Go's shortest round-trip
 * `%v`, so it lives here, once.
 */
#ifndef PG_FMT_H
#define PG_FMT_H

#include "pg_buf.h"

/* Go's `%v` / strconv.FormatFloat(v, 'g', -1, 64): shortest round-trip digits,
 * exponent form (e+06, e-05) when the decimal exponent is < -4 or >= 6,
 * "NaN", "+Inf", "-Inf". */
void pg_fmt_go_float(pg_buf *b, double v);
/* The same shortest round-trip digits, always in positional notation
 * (1e+58 as 1 and 58 zeros, 1e-07 as 0.0000001): for syntaxes that accept
 * no exponent. v must be finite. */
void pg_fmt_positional(pg_buf *b, double v);
/* Shortest decimal digits that round-trip: writes up to 17 digits (no sign,
 * no point, NUL-terminated) into `digits` and the exponent of the first
 * digit into *exp10 (v = 0.d1d2... x 10^(exp10+1)). v must be finite and
 * non-zero; the sign is ignored. Returns the number of digits. */
int pg_fmt_shortest_digits(double v, char digits[18], int *exp10);

#endif
