/*
 * ASCII character classes shared by the parsers of Go syntaxes (regexps,
 * benchstat queries): small enough to inline, used often enough to exist
 * once.
 */
#ifndef PG_CHARS_H
#define PG_CHARS_H

/* The value of hexadecimal digit c, or -1. */
static inline int pg_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
