/*
 * The bracket and paren counting of Go's testing.splitRegexp and benchstat's
 * regexpParseUntil (see pg_scan.h).
 */
#include "pg_scan.h"

#include <string.h>

size_t pg_scan_regexp_until(const char *s, size_t n, const char *stops)
{
    size_t nstops = strlen(stops);
    int cs = 0, cp = 0; /* depth in [...] and in (...) */
    for (size_t i = 0; i < n; i++) {
        if (cs == 0 && cp == 0 && memchr(stops, s[i], nstops))
            return i;
        switch (s[i]) {
        case '[':
            cs++;
            break;
        case ']':
            if (--cs < 0) /* an unmatched ']' is legal */
                cs = 0;
            break;
        case '(':
            if (cs == 0)
                cp++;
            break;
        case ')':
            if (cs == 0)
                cp--;
            break;
        case '\\':
            i++;
            break;
        }
    }
    return n;
}
