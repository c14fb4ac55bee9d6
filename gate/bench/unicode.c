/*
 * Go-compatible UTF-8 decoding and rune classification (pg_bench_unicode.h).
 * ASCII takes a fast path; everything else is a binary search over the
 * generated range tables.
 */
#include "pg_bench_unicode.h"

#include "unicode_tables.h"

uint32_t pg_bench_utf8_decode(const char *str, size_t n, size_t *width)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[0];
    *width = 1;
    if (c < 0x80)
        return c;
    /* Lead byte → length and the valid range of the second byte (Go's
     * acceptRanges: no overlong forms, no surrogates, nothing past U+10FFFF). */
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    uint32_t r;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        r = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        r = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        r = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return PG_RUNE_ERROR;
    }
    if (n < len)
        return PG_RUNE_ERROR;
    if (s[1] < lo || s[1] > hi)
        return PG_RUNE_ERROR;
    r = (r << 6) | (s[1] & 0x3F);
    for (size_t i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF)
            return PG_RUNE_ERROR;
        r = (r << 6) | (s[i] & 0x3F);
    }
    *width = len;
    return r;
}

size_t pg_bench_utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; count++) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t w;
        pg_bench_utf8_decode(s + i, n - i, &w);
        i += w;
    }
    return count;
}

static int in_table(const pg_rune_range *t, unsigned len, uint32_t r)
{
    unsigned lo = 0, hi = len;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (r < t[mid].lo)
            hi = mid;
        else if (r > t[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

int pg_bench_is_space(uint32_t r)
{
    if (r < 0x80)
        return r == ' ' || (r >= '\t' && r <= '\r');
    return in_table(pg_unicode_space, pg_unicode_space_len, r);
}

int pg_bench_is_lower(uint32_t r)
{
    if (r < 0x80)
        return r >= 'a' && r <= 'z';
    return in_table(pg_unicode_lower, pg_unicode_lower_len, r);
}

int pg_bench_is_upper(uint32_t r)
{
    if (r < 0x80)
        return r >= 'A' && r <= 'Z';
    return in_table(pg_unicode_upper, pg_unicode_upper_len, r);
}

int pg_bench_is_graphic(uint32_t r)
{
    return in_table(pg_unicode_graphic, pg_unicode_graphic_len, r);
}
