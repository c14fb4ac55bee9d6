/*
 * Finding the top-level separators of a Go regexp without parsing it.
 *
 * Go's testing (splitRegexp, for -test.bench) and benchstat's query syntax
 * (regexpParseUntil, for `/re/`) both cut a regexp at a delimiter that stands
 * outside brackets and parentheses, with the same bracket and paren
 * counting; it lives here once so that both agree with Go in the same way.
 */
#ifndef PG_SCAN_H
#define PG_SCAN_H

#include <stddef.h>

/* The offset of the first byte of s[0..n) that is one of `stops` (a
 * NUL-terminated set) and stands outside [...] and (...), skipping the byte
 * after each '\\'; n when there is none. An unmatched ']' is legal, and an
 * unmatched ')' leaves the rest of s inside parentheses, as in Go. */
size_t pg_scan_regexp_until(const char *s, size_t n, const char *stops);

#endif
