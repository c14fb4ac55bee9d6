/*
 * Go's UTF-8 decoding and rune classes, byte for byte.
 *
 * benchfmt splits result lines at unicode.IsSpace, recognises configuration
 * keys with unicode.IsLower/IsUpper, benchproc's query tokenizer and the text
 * table count runes, and encoding/csv quotes fields that begin with a space
 * rune. Matching benchstat on arbitrary bytes means decoding exactly as Go's
 * utf8.DecodeRune does (an invalid byte is U+FFFD of width 1) and using Go's
 * Unicode tables (generated into unicode_tables.c).
 */
#ifndef PG_BENCH_UNICODE_H
#define PG_BENCH_UNICODE_H

#include <stddef.h>
#include <stdint.h>

#define PG_RUNE_ERROR 0xFFFDu

/* Decodes the rune at s[0..n) (n > 0) as Go's utf8.DecodeRune: returns the
 * rune and its width in *width; invalid or truncated input is
 * PG_RUNE_ERROR with width 1. */
uint32_t pg_bench_utf8_decode(const char *s, size_t n, size_t *width);
/* utf8.RuneCount: the number of runes, each invalid byte counting as one. */
size_t pg_bench_utf8_count(const char *s, size_t n);

int pg_bench_is_space(uint32_t r);   /* unicode.IsSpace */
int pg_bench_is_lower(uint32_t r);   /* unicode.IsLower */
int pg_bench_is_upper(uint32_t r);   /* unicode.IsUpper */
int pg_bench_is_graphic(uint32_t r); /* unicode.IsGraphic */

#endif
