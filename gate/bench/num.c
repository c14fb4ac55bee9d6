/*
 * Go-compatible number parsing for benchmark lines.
 *
 * The grammar checks are ports of benchfmt/internal/bytesconv (Go 1.13's
 * strconv). The value itself comes from exact double arithmetic where that
 * is exact (the common case: a few digits and a small exponent) and from
 * strtod otherwise; both are correctly rounded, as Go's conversion is, so
 * the resulting doubles are identical.
 */
#include "pg_bench_num.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "pg_alloc.h"
#include <string.h>

static char lower(char c)
{
    return (char)(c | ('x' - 'X'));
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

const char *pg_bench_num_strerror(int code)
{
    return code == PG_NUM_RANGE ? "value out of range" : "invalid syntax";
}

/* strconv's underscoreOK: '_' only between digits (or after a base prefix). */
static int underscore_ok(const char *s, size_t n)
{
    char saw = '^';
    size_t i = 0;
    if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
        s++;
        n--;
    }
    int hex = 0;
    if (n >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
        i = 2;
        saw = '0';
        hex = lower(s[1]) == 'x';
    }
    for (; i < n; i++) {
        if (is_digit(s[i]) || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
            saw = '0';
            continue;
        }
        if (s[i] == '_') {
            if (saw != '0')
                return 0;
            saw = '_';
            continue;
        }
        if (saw == '_')
            return 0;
        saw = '!';
    }
    return saw != '_';
}

/* strconv.ParseUint(s, 10, 64). */
static int parse_uint10(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || !underscore_ok(s, n))
        return PG_NUM_SYNTAX;
    const uint64_t cutoff = UINT64_MAX / 10 + 1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        unsigned d;
        if (is_digit(c))
            d = (unsigned)(c - '0');
        else if (lower(c) >= 'a' && lower(c) <= 'z')
            d = (unsigned)(lower(c) - 'a' + 10);
        else
            return PG_NUM_SYNTAX;
        if (d >= 10)
            return PG_NUM_SYNTAX;
        if (v >= cutoff) {
            *out = UINT64_MAX;
            return PG_NUM_RANGE;
        }
        v *= 10;
        uint64_t v1 = v + d;
        if (v1 < v) {
            *out = UINT64_MAX;
            return PG_NUM_RANGE;
        }
        v = v1;
    }
    *out = v;
    return PG_NUM_OK;
}

int pg_bench_parse_int(const char *s, size_t n, long long *out)
{
    if (n > 0 && n < 19) {
        const char *p = s;
        size_t m = n;
        if (p[0] == '-' || p[0] == '+') {
            p++;
            m--;
            if (m < 1)
                return PG_NUM_SYNTAX;
        }
        long long v = 0;
        for (size_t i = 0; i < m; i++) {
            if (!is_digit(p[i]))
                return PG_NUM_SYNTAX;
            v = v * 10 + (p[i] - '0');
        }
        *out = s[0] == '-' ? -v : v;
        return PG_NUM_OK;
    }
    /* strconv.ParseInt(s, 10, 64) */
    if (n == 0)
        return PG_NUM_SYNTAX;
    int neg = 0;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        s++;
        n--;
    }
    uint64_t u;
    int rc = parse_uint10(s, n, &u);
    if (rc == PG_NUM_SYNTAX)
        return rc;
    const uint64_t cutoff = (uint64_t)1 << 63;
    if ((!neg && u >= cutoff) || (neg && u > cutoff))
        return PG_NUM_RANGE;
    *out = neg ? (long long)(0 - u) : (long long)u;
    return PG_NUM_OK;
}

static int equal_fold(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        if (c != lit[i])
            return 0;
    }
    return 1;
}

/* bytesconv's special(): only these exact spellings (no signed NaN). */
static int special(const char *s, size_t n, double *out)
{
    if (n == 0)
        return 0;
    switch (s[0]) {
    case '+':
    case '-':
        if (equal_fold(s + 1, n - 1, "inf") || equal_fold(s + 1, n - 1, "infinity")) {
            *out = s[0] == '-' ? -INFINITY : INFINITY;
            return 1;
        }
        return 0;
    case 'n':
    case 'N':
        if (equal_fold(s, n, "nan")) {
            *out = NAN;
            return 1;
        }
        return 0;
    case 'i':
    case 'I':
        if (equal_fold(s, n, "inf") || equal_fold(s, n, "infinity")) {
            *out = INFINITY;
            return 1;
        }
        return 0;
    }
    return 0;
}

typedef struct float_syntax {
    uint64_t mantissa; /* first 19 significant decimal digits */
    int exp;           /* value = mantissa * 10^exp when !trunc */
    int neg, trunc, hex;
} float_syntax;

/* bytesconv's readFloat: returns 1 if s is a well-formed float literal. */
static int read_float(const char *s, size_t n, float_syntax *f)
{
    size_t i = 0;
    memset(f, 0, sizeof *f);
    if (n == 0)
        return 0;
    if (s[0] == '+') {
        i++;
    } else if (s[0] == '-') {
        f->neg = 1;
        i++;
    }
    uint64_t base = 10;
    int max_mant_digits = 19;
    char exp_char = 'e';
    if (i + 2 < n && s[i] == '0' && lower(s[i + 1]) == 'x') {
        base = 16;
        max_mant_digits = 16;
        i += 2;
        exp_char = 'p';
        f->hex = 1;
    }
    int sawdot = 0, sawdigits = 0, nd = 0, nd_mant = 0, dp = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_')
            continue;
        if (c == '.') {
            if (sawdot)
                return 0;
            sawdot = 1;
            dp = nd;
            continue;
        }
        if (is_digit(c)) {
            sawdigits = 1;
            if (c == '0' && nd == 0) {
                dp--;
                continue;
            }
            nd++;
            if (nd_mant < max_mant_digits) {
                f->mantissa = f->mantissa * base + (uint64_t)(c - '0');
                nd_mant++;
            } else if (c != '0') {
                f->trunc = 1;
            }
            continue;
        }
        if (base == 16 && lower(c) >= 'a' && lower(c) <= 'f') {
            sawdigits = 1;
            nd++;
            if (nd_mant < max_mant_digits) {
                f->mantissa = f->mantissa * 16 + (uint64_t)(lower(c) - 'a' + 10);
                nd_mant++;
            } else {
                f->trunc = 1;
            }
            continue;
        }
        break;
    }
    if (!sawdigits)
        return 0;
    if (!sawdot)
        dp = nd;
    if (base == 16) {
        dp *= 4;
        nd_mant *= 4;
    }
    if (i < n && lower(s[i]) == exp_char) {
        i++;
        if (i >= n)
            return 0;
        int esign = 1;
        if (s[i] == '+') {
            i++;
        } else if (s[i] == '-') {
            i++;
            esign = -1;
        }
        if (i >= n || !is_digit(s[i]))
            return 0;
        int e = 0;
        for (; i < n && (is_digit(s[i]) || s[i] == '_'); i++) {
            if (s[i] == '_')
                continue;
            if (e < 10000)
                e = e * 10 + (s[i] - '0');
        }
        dp += e * esign;
    } else if (base == 16) {
        return 0;
    }
    if (i != n)
        return 0;
    if (f->mantissa != 0)
        f->exp = dp - nd_mant;
    return 1;
}

static const double pow10tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* atof64exact: mantissa * 10^exp computed exactly, so correctly rounded. */
static int exact(const float_syntax *f, double *out)
{
    if (f->mantissa >> 52)
        return 0;
    double v = (double)f->mantissa;
    if (f->neg)
        v = -v;
    int exp = f->exp;
    if (exp == 0) {
        *out = v;
        return 1;
    }
    if (exp > 0 && exp <= 15 + 22) {
        if (exp > 22) {
            v *= pow10tab[exp - 22];
            exp = 22;
        }
        if (v > 1e15 || v < -1e15)
            return 0;
        *out = v * pow10tab[exp];
        return 1;
    }
    if (exp < 0 && exp >= -22) {
        *out = v / pow10tab[-exp];
        return 1;
    }
    return 0;
}

int pg_bench_parse_float(const char *s, size_t n, double *out)
{
    /* benchfmt's fast path: a plain digit string that fits in an int64. */
    int64_t iv = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        if (!is_digit(s[i]) || iv > (INT64_MAX - 10) / 10)
            break;
        iv = iv * 10 + (s[i] - '0');
    }
    if (i == n) {
        *out = (double)iv;
        return PG_NUM_OK;
    }
    if (!underscore_ok(s, n))
        return PG_NUM_SYNTAX;
    if (special(s, n, out))
        return PG_NUM_OK;
    float_syntax f;
    if (!read_float(s, n, &f))
        return PG_NUM_SYNTAX;
    if (f.hex || f.trunc || !exact(&f, out)) {
        /* strtod reads the same literal once the '_' separators are gone. */
        char small[128];
        char *buf = n < sizeof small ? small : pg_xmalloc(n + 1);
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            if (s[k] != '_')
                buf[m++] = s[k];
        buf[m] = '\0';
        *out = strtod(buf, NULL);
        if (buf != small)
            free(buf);
    }
    return isinf(*out) ? PG_NUM_RANGE : PG_NUM_OK;
}
