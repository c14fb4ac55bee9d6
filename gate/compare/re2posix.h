/*
 * Regular expressions in filters (`.name:/^Encode/`), with Go regexp (RE2)
 * syntax on top of POSIX regex.h. Private to pg_compare.
 *
 * Patterns are translated to POSIX extended syntax: `(?:`, `\d \D \s \S
 * \w \W` (also inside brackets), `\A \z`, escapes such as `\t` `\x41`
 * `\x{263a}` `\.`, lazy quantifiers (whose set of matching strings is the
 * same, and a filter only asks whether there is a match), leading flags
 * `(?imsU)` (only i matters for single-line values), `\Q...\E`, and a `{`
 * that does not start a repetition (a literal in Go). Matching runs in a
 * UTF-8 locale so `.` and bracket expressions consume whole runes.
 * Differences from RE2, reported as errors where possible: Unicode classes
 * `\pL` `\p{Greek}`, flags anywhere but at the start, named groups,
 * negated Perl classes inside brackets (`[\D]`); POSIX classes such as
 * [[:alpha:]] also match non-ASCII letters (ASCII only in Go); and an invalid
 * UTF-8 subject may match differently.
 */
#ifndef PG_COMPARE_RE2POSIX_H
#define PG_COMPARE_RE2POSIX_H

#include <stddef.h>

#include "pg_buf.h"

typedef struct pg_regex pg_regex;

/* Compiles a Go regexp; NULL and a message in err on failure. */
pg_regex *pg_regex_compile(const char *pattern, size_t len, pg_buf *err);
/* 1 if the pattern matches anywhere in s[0..len). */
int pg_regex_match(pg_regex *re, const char *s, size_t len);
void pg_regex_free(pg_regex *re);

#endif
