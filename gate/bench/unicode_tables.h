/*
 * Code-point range tables generated from Go's unicode package
 * (gen_unicode.go); private to pg_bench's unicode.c.
 */
#ifndef PG_BENCH_UNICODE_TABLES_H
#define PG_BENCH_UNICODE_TABLES_H

typedef struct pg_rune_range {
    unsigned lo, hi;
} pg_rune_range;

extern const pg_rune_range pg_unicode_space[], pg_unicode_lower[], pg_unicode_upper[],
    pg_unicode_graphic[];
extern const unsigned pg_unicode_space_len, pg_unicode_lower_len, pg_unicode_upper_len,
    pg_unicode_graphic_len;

#endif
