/*
 * benchunit, ported: unit tidying and classes share benchunit's tokenizer
 * (tokens split at '*', '/', '-' and spaces; '/' enters the denominator and
 * '*' leaves it), and scaling uses its exact thresholds.
 */
#include "pg_bench_unit.h"

#include <math.h>
#include <string.h>

#include "pg_bench_unicode.h"

typedef struct unit_tokens {
    const char *s;
    size_t len, pos; /* unread input is s[pos..len) */
    size_t tok, tok_len;
    int denom;
} unit_tokens;

static int is_sep(uint32_t r)
{
    return r == '*' || r == '/' || r == '-' || pg_bench_is_space(r);
}

static int next_token(unit_tokens *t)
{
    while (t->pos < t->len) {
        size_t w;
        uint32_t r = pg_bench_utf8_decode(t->s + t->pos, t->len - t->pos, &w);
        if (r == '*')
            t->denom = 0;
        else if (r == '/')
            t->denom = 1;
        else if (!is_sep(r))
            break;
        t->pos += w;
    }
    if (t->pos >= t->len)
        return 0;
    t->tok = t->pos;
    while (t->pos < t->len) {
        size_t w;
        uint32_t r = pg_bench_utf8_decode(t->s + t->pos, t->len - t->pos, &w);
        if (is_sep(r))
            break;
        t->pos += w;
    }
    t->tok_len = t->pos - t->tok;
    return 1;
}

static int token_is(const unit_tokens *t, const char *lit)
{
    size_t n = strlen(lit);
    return t->tok_len == n && memcmp(t->s + t->tok, lit, n) == 0;
}

static int equals(const char *s, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static int contains(const char *s, size_t len, const char *lit)
{
    return len >= 2 && memmem(s, len, lit, strlen(lit)) != NULL;
}

double pg_bench_unit_tidy(const char *unit, size_t len, pg_buf *tidied)
{
    if (equals(unit, len, "ns/op")) {
        pg_buf_puts(tidied, "sec/op");
        return 1e-9;
    }
    if (equals(unit, len, "MB/s")) {
        pg_buf_puts(tidied, "B/s");
        return 1e6;
    }
    if (!contains(unit, len, "ns") && !contains(unit, len, "MB")) {
        pg_buf_append(tidied, unit, len);
        return 1;
    }
    double factor = 1;
    size_t copied = 0;
    unit_tokens t = {unit, len, 0, 0, 0, 0};
    while (next_token(&t)) {
        if (t.denom)
            continue;
        const char *with = NULL;
        if (token_is(&t, "ns")) {
            with = "sec";
            factor /= 1e9;
        } else if (token_is(&t, "MB")) {
            with = "B";
            factor *= 1e6;
        }
        if (with) {
            pg_buf_append(tidied, unit + copied, t.tok - copied);
            pg_buf_puts(tidied, with);
            copied = t.tok + t.tok_len;
        }
    }
    pg_buf_append(tidied, unit + copied, len - copied);
    return factor;
}

pg_bench_unit_class pg_bench_unit_class_of(const char *unit, size_t len)
{
    unit_tokens t = {unit, len, 0, 0, 0, 0};
    while (next_token(&t))
        if (!t.denom && (token_is(&t, "B") || token_is(&t, "MB") || token_is(&t, "bytes")))
            return PG_BENCH_BINARY;
    return PG_BENCH_DECIMAL;
}

typedef struct factor {
    double factor;
    const char *prefix;
    double t100, t10, t1; /* the values that would round up to 100.0, 10.00, 1.000 */
} factor;

static const factor si_factors[] = {
    {1e12, "T", 99.995e12, 9.9995e12, .99995e12},
    {1e9, "G", 99.995e9, 9.9995e9, .99995e9},
    {1e6, "M", 99.995e6, 9.9995e6, .99995e6},
    {1e3, "k", 99.995e3, 9.9995e3, .99995e3},
    {1, "", 99.995, 9.9995, .99995},
    {1e-3, "m", 99.995e-3, 9.9995e-3, .99995e-3},
    {1e-6, "\xC2\xB5", 99.995e-6, 9.9995e-6, .99995e-6},
    {1e-9, "n", 99.995e-9, 9.9995e-9, .99995e-9},
};

/* benchunit writes the IEC thresholds as hex floats: 99.995, 9.9995 and
 * .99995 times 2^exp. */
#define IEC(exp, p)                                                                                \
    {                                                                                              \
        0x1p##exp, p, 0x1.8ffae147ae148p6 * 0x1p##exp, 0x1.3ffbe76c8b439p3 * 0x1p##exp,            \
            0x1.fff972474538fp-1 * 0x1p##exp                                                       \
    }
static const factor iec_factors[] = {IEC(40, "Ti"), IEC(30, "Gi"), IEC(20, "Mi"), IEC(10, "Ki"),
                                     IEC(0, "")};

static const double sigfigs[] = {9.9995e-1, 9.9995e-2, 9.9995e-3, 9.9995e-4,
                                 9.9995e-5, 9.9995e-6, 9.9995e-7, 9.9995e-8};

pg_bench_scaler pg_bench_common_scale(const double *vals, size_t n, pg_bench_unit_class cls)
{
    /* As benchunit does, NaN can become the minimum if it comes first. */
    double min = 0;
    for (size_t i = 0; i < n; i++) {
        double v = fabs(vals[i]);
        if (v != 0 && (min == 0 || v < min))
            min = v;
    }
    if (min == 0)
        return (pg_bench_scaler){3, 1, ""};
    const factor *f = cls == PG_BENCH_BINARY ? iec_factors : si_factors;
    size_t nf = cls == PG_BENCH_BINARY ? sizeof iec_factors / sizeof iec_factors[0]
                                       : sizeof si_factors / sizeof si_factors[0];
    for (size_t i = 0; i < nf; i++) {
        if (min >= f[i].t100)
            return (pg_bench_scaler){1, f[i].factor, f[i].prefix};
        if (min >= f[i].t10)
            return (pg_bench_scaler){2, f[i].factor, f[i].prefix};
        if (min >= f[i].t1)
            return (pg_bench_scaler){3, f[i].factor, f[i].prefix};
    }
    const factor *last = &f[nf - 1];
    double v = min / last->factor;
    size_t ns = sizeof sigfigs / sizeof sigfigs[0];
    for (size_t i = 0; i < ns; i++)
        if (v >= sigfigs[i] || i == ns - 1)
            return (pg_bench_scaler){(int)i + 3, last->factor, last->prefix};
    return (pg_bench_scaler){3, 1, ""}; /* not reached */
}

void pg_bench_scaler_format(pg_buf *b, const pg_bench_scaler *s, double v)
{
    pg_bench_fmt_fixed(b, v / s->factor, s->prec, 0);
    pg_buf_puts(b, s->prefix);
}

void pg_bench_scale(pg_buf *b, double v, pg_bench_unit_class cls)
{
    pg_bench_scaler s = pg_bench_common_scale(&v, 1, cls);
    pg_bench_scaler_format(b, &s, v);
}

void pg_bench_fmt_fixed(pg_buf *b, double v, int prec, int plus)
{
    if (isnan(v))
        pg_buf_puts(b, plus ? "+NaN" : "NaN");
    else if (isinf(v))
        pg_buf_puts(b, v > 0 ? "+Inf" : "-Inf");
    else
        pg_buf_printf(b, plus ? "%+.*f" : "%.*f", prec, v);
}

/* mathx.Sign: NaN for NaN, so any NaN compares unequal below. */
static double sign(double x)
{
    if (x == 0)
        return 0;
    if (x < 0)
        return -1;
    if (x > 0)
        return 1;
    return NAN;
}

void pg_bench_fmt_range_pct(pg_buf *b, double center, double lo, double hi)
{
    if (isinf(lo) || isinf(hi)) {
        pg_buf_puts(b, "\xE2\x88\x9E"); /* ∞ */
        return;
    }
    double cs = sign(center);
    if (cs != sign(lo) || cs != sign(hi)) {
        pg_buf_putc(b, '?');
        return;
    }
    if (center == 0) {
        pg_buf_puts(b, "0%");
        return;
    }
    double a = hi / center - 1, c = 1 - lo / center;
    /* Go's math.Max: NaN wins; +0 beats -0. */
    double v = isnan(a) || isnan(c) ? NAN : (a > c || (a == c && !signbit(a)) ? a : c);
    pg_bench_fmt_fixed(b, 100 * v, 0, 0);
    pg_buf_putc(b, '%');
}
