/*
 * Ports of the Go parsers behind the config values that end up on a Go
 * command line: time.ParseDuration and Duration.String, testing's
 * -test.benchtime flag and -test.bench pattern splitting, and the syntax
 * checks of regexp/syntax.Parse with the Perl flags regexp.Compile uses.
 * Each function follows its Go original step by step (the comments name it),
 * because the point is to agree with Go, including its corner cases; the
 * unit tests hold vectors produced by Go 1.26 itself.
 */
#include "pg_gosyntax.h"

#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_chars.h"
#include "pg_scan.h"

#define NS_US INT64_C(1000)
#define NS_MS INT64_C(1000000)
#define NS_S  INT64_C(1000000000)
#define TWO63 (UINT64_C(1) << 63)

/* ---- durations (src/time/format.go, src/time/time.go) ---- */

/* leadingInt: consumes [0-9]*; -1 on overflow past 1<<63. */
static int leading_int(const char *s, size_t len, size_t *i, uint64_t *x)
{
    *x = 0;
    for (; *i < len && s[*i] >= '0' && s[*i] <= '9'; (*i)++) {
        if (*x > TWO63 / 10)
            return -1;
        *x = *x * 10 + (uint64_t)(s[*i] - '0');
        if (*x > TWO63)
            return -1;
    }
    return 0;
}

/* leadingFraction: consumes [0-9]*, silently dropping precision on overflow. */
static void leading_fraction(const char *s, size_t len, size_t *i, uint64_t *x, double *scale)
{
    int overflow = 0;
    *x = 0;
    *scale = 1;
    for (; *i < len && s[*i] >= '0' && s[*i] <= '9'; (*i)++) {
        if (overflow)
            continue;
        if (*x > (TWO63 - 1) / 10) {
            overflow = 1;
            continue;
        }
        uint64_t y = *x * 10 + (uint64_t)(s[*i] - '0');
        if (y > TWO63) {
            overflow = 1;
            continue;
        }
        *x = y;
        *scale *= 10;
    }
}

static uint64_t unit_ns(const char *u, size_t n)
{
    static const struct {
        const char *name;
        uint64_t ns;
    } units[] = {
        {"ns", 1},
        {"us", NS_US},
        {"\xc2\xb5s", NS_US}, /* U+00B5 micro sign */
        {"\xce\xbcs", NS_US}, /* U+03BC Greek mu */
        {"ms", NS_MS},
        {"s", NS_S},
        {"m", 60 * NS_S},
        {"h", 3600 * NS_S},
    };
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (strlen(units[k].name) == n && memcmp(units[k].name, u, n) == 0)
            return units[k].ns;
    return 0;
}

pg_gosyntax_duration_error pg_gosyntax_duration_parse(const char *s, size_t len, int64_t *ns,
                                                      size_t *unit_off, size_t *unit_len)
{
    size_t i = 0;
    int neg = 0;
    uint64_t d = 0;
    if (len > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (len - i == 1 && s[i] == '0') {
        *ns = 0;
        return PG_GOSYNTAX_DURATION_OK;
    }
    if (i == len)
        return PG_GOSYNTAX_DURATION_INVALID;
    while (i < len) {
        uint64_t v, f = 0;
        double scale = 1;
        if (!(s[i] == '.' || (s[i] >= '0' && s[i] <= '9')))
            return PG_GOSYNTAX_DURATION_INVALID;
        size_t start = i;
        if (leading_int(s, len, &i, &v) < 0)
            return PG_GOSYNTAX_DURATION_OVERFLOW;
        int pre = i != start, post = 0;
        if (i < len && s[i] == '.') {
            i++;
            size_t fstart = i;
            leading_fraction(s, len, &i, &f, &scale);
            post = i != fstart;
        }
        if (!pre && !post)
            return PG_GOSYNTAX_DURATION_INVALID;
        size_t u = i;
        while (i < len && s[i] != '.' && !(s[i] >= '0' && s[i] <= '9'))
            i++;
        if (i == u)
            return PG_GOSYNTAX_DURATION_MISSING_UNIT;
        uint64_t unit = unit_ns(s + u, i - u);
        if (unit == 0) {
            if (unit_off)
                *unit_off = u;
            if (unit_len)
                *unit_len = i - u;
            return PG_GOSYNTAX_DURATION_UNKNOWN_UNIT;
        }
        if (v > TWO63 / unit)
            return PG_GOSYNTAX_DURATION_OVERFLOW;
        v *= unit;
        if (f > 0) {
            /* Go: float64 is needed to be nanosecond accurate for fractions of hours. */
            v += (uint64_t)((double)f * ((double)unit / scale));
            if (v > TWO63)
                return PG_GOSYNTAX_DURATION_OVERFLOW;
        }
        d += v;
        if (d > TWO63)
            return PG_GOSYNTAX_DURATION_OVERFLOW;
    }
    if (neg) {
        *ns = d == TWO63 ? INT64_MIN : -(int64_t)d;
        return PG_GOSYNTAX_DURATION_OK;
    }
    if (d > TWO63 - 1)
        return PG_GOSYNTAX_DURATION_OVERFLOW;
    *ns = (int64_t)d;
    return PG_GOSYNTAX_DURATION_OK;
}

/* fmtFrac: writes ".ddd" of v/10^prec backwards before *w, trailing zeros
 * (and the point) omitted; returns v/10^prec. */
static uint64_t fmt_frac(char *buf, size_t *w, uint64_t v, int prec)
{
    int print = 0;
    for (int i = 0; i < prec; i++) {
        unsigned digit = (unsigned)(v % 10);
        print = print || digit != 0;
        if (print)
            buf[--*w] = (char)('0' + digit);
        v /= 10;
    }
    if (print)
        buf[--*w] = '.';
    return v;
}

static void fmt_int(char *buf, size_t *w, uint64_t v)
{
    if (v == 0) {
        buf[--*w] = '0';
        return;
    }
    for (; v > 0; v /= 10)
        buf[--*w] = (char)('0' + v % 10);
}

void pg_gosyntax_duration_format(pg_buf *b, int64_t ns)
{
    char buf[32];
    size_t w = sizeof buf;
    uint64_t u = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;
    if (u < (uint64_t)NS_S) {
        int prec;
        buf[--w] = 's';
        if (u == 0) {
            buf[--w] = '0';
            pg_buf_append(b, buf + w, sizeof buf - w);
            return;
        } else if (u < (uint64_t)NS_US) {
            prec = 0;
            buf[--w] = 'n';
        } else if (u < (uint64_t)NS_MS) {
            prec = 3;
            buf[--w] = '\xb5'; /* U+00B5 'µ' */
            buf[--w] = '\xc2';
        } else {
            prec = 6;
            buf[--w] = 'm';
        }
        u = fmt_frac(buf, &w, u, prec);
        fmt_int(buf, &w, u);
    } else {
        buf[--w] = 's';
        u = fmt_frac(buf, &w, u, 9);
        fmt_int(buf, &w, u % 60);
        u /= 60;
        if (u > 0) {
            buf[--w] = 'm';
            fmt_int(buf, &w, u % 60);
            u /= 60;
            /* Go stops at hours because days can be different lengths. */
            if (u > 0) {
                buf[--w] = 'h';
                fmt_int(buf, &w, u);
            }
        }
    }
    if (ns < 0)
        buf[--w] = '-';
    pg_buf_append(b, buf + w, sizeof buf - w);
}

/* ---- -test.benchtime (src/testing/benchmark.go, durationOrCountFlag.Set) ---- */

/* strconv.ParseInt(s, 10, 64): an optional sign and at least one digit. */
static int parse_int64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len)
        return -1;
    uint64_t v = 0, limit = neg ? TWO63 : TWO63 - 1;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned digit = (unsigned)(s[i] - '0');
        if (v > (limit - digit) / 10)
            return -1;
        v = v * 10 + digit;
    }
    *out = neg ? (v == TWO63 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return 0;
}

int pg_gosyntax_benchtime_parse(const char *s, size_t len, int64_t *iterations, int64_t *ns,
                                const char **why)
{
    *iterations = 0;
    *ns = 0;
    if (len > 0 && s[len - 1] == 'x') {
        int64_t n;
        if (parse_int64(s, len - 1, &n) < 0 || n <= 0) {
            *why = "invalid count";
            return -1;
        }
        *iterations = n;
        return 0;
    }
    int64_t d;
    if (pg_gosyntax_duration_parse(s, len, &d, NULL, NULL) != PG_GOSYNTAX_DURATION_OK || d <= 0) {
        *why = "invalid duration";
        return -1;
    }
    *ns = d;
    return 0;
}

/* ---- regular expressions (src/regexp/syntax/parse.go) ---- */

typedef enum re_code {
    RE_OK = 0,
    RE_INVALID_CHAR_RANGE,
    RE_INVALID_ESCAPE,
    RE_INVALID_NAMED_CAPTURE,
    RE_INVALID_PERL_OP,
    RE_INVALID_REPEAT_OP,
    RE_INVALID_REPEAT_SIZE,
    RE_MISSING_BRACKET,
    RE_MISSING_PAREN,
    RE_MISSING_REPEAT_ARGUMENT,
    RE_TRAILING_BACKSLASH,
    RE_UNEXPECTED_PAREN,
} re_code;

static const char *const re_messages[] = {
    [RE_INVALID_CHAR_RANGE] = "invalid character class range",
    [RE_INVALID_ESCAPE] = "invalid escape sequence",
    [RE_INVALID_NAMED_CAPTURE] = "invalid named capture",
    [RE_INVALID_PERL_OP] = "invalid or unsupported Perl syntax",
    [RE_INVALID_REPEAT_OP] = "invalid nested repetition operator",
    [RE_INVALID_REPEAT_SIZE] = "invalid repeat count",
    [RE_MISSING_BRACKET] = "missing closing ]",
    [RE_MISSING_PAREN] = "missing closing )",
    [RE_MISSING_REPEAT_ARGUMENT] = "missing argument to repetition operator",
    [RE_TRAILING_BACKSLASH] = "trailing backslash at end of expression",
    [RE_UNEXPECTED_PAREN] = "unexpected )",
};

/* Go's syntax.Error: a code and the offending part [lo, hi) of the input. */
typedef struct re_error {
    re_code code;
    size_t lo, hi;
} re_error;

#define RUNE_ERROR 0xFFFD
#define MAX_RUNE   0x10FFFF
/* The largest repetition count regexp/syntax allows, also for nested products. */
#define REPEAT_MAX 1000
/* Nested groups tracked for the repetition-product rule; deeper nesting is
 * beyond Go's own limit (1000) long before it matters here. */
#define MAX_GROUPS 1024

/* utf8.DecodeRuneInString: the rune at s[i] and its size (0 at the end,
 * RUNE_ERROR with size 1 for an invalid byte; the caller guarantees UTF-8). */
static size_t next_rune(const char *s, size_t len, size_t i, int32_t *r)
{
    if (i >= len) {
        *r = RUNE_ERROR;
        return 0;
    }
    unsigned char c = (unsigned char)s[i];
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || i + n > len) {
        *r = RUNE_ERROR;
        return 1;
    }
    int32_t v = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; k++)
        v = (v << 6) | ((unsigned char)s[i + k] & 0x3F);
    *r = v;
    return n;
}

static int is_alnum(int32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int fail(re_error *e, re_code code, size_t lo, size_t hi)
{
    e->code = code;
    e->lo = lo;
    e->hi = hi;
    return -1;
}

/* parseEscape: the escape at s[i] == '\\'; sets *end past it and *r to the rune. */
static int parse_escape(const char *s, size_t len, size_t i, size_t *end, int32_t *r, re_error *e)
{
    size_t t = i + 1;
    if (t >= len)
        return fail(e, RE_TRAILING_BACKSLASH, len, len);
    int32_t c;
    t += next_rune(s, len, t, &c);
    switch (c) {
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
        /* A single non-zero digit is a backreference: not supported. */
        if (t >= len || s[t] < '0' || s[t] > '7')
            break;
        /* fallthrough */
    case '0':
        *r = c - '0';
        for (int k = 1; k < 3 && t < len && s[t] >= '0' && s[t] <= '7'; k++)
            *r = *r * 8 + (s[t++] - '0');
        *end = t;
        return 0;
    case 'x': {
        if (t >= len)
            break;
        t += next_rune(s, len, t, &c);
        if (c == '{') {
            int nhex = 0;
            int32_t v = 0;
            for (;;) {
                if (t >= len)
                    return fail(e, RE_INVALID_ESCAPE, i, t);
                t += next_rune(s, len, t, &c);
                if (c == '}')
                    break;
                int h = pg_hex_digit(c);
                if (h < 0)
                    return fail(e, RE_INVALID_ESCAPE, i, t);
                v = v * 16 + h;
                if (v > MAX_RUNE)
                    return fail(e, RE_INVALID_ESCAPE, i, t);
                nhex++;
            }
            if (nhex == 0)
                break;
            *r = v;
            *end = t;
            return 0;
        }
        int x = pg_hex_digit(c);
        t += next_rune(s, len, t, &c);
        int y = pg_hex_digit(c);
        if (x < 0 || y < 0)
            break;
        *r = x * 16 + y;
        *end = t;
        return 0;
    }
    case 'a':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
        *r = c == 'a'   ? '\a'
             : c == 'f' ? '\f'
             : c == 'n' ? '\n'
             : c == 'r' ? '\r'
             : c == 't' ? '\t'
                        : '\v';
        *end = t;
        return 0;
    default:
        /* Escaped non-word ASCII characters are themselves (\_ included). */
        if (c < 0x80 && !is_alnum(c)) {
            *r = c;
            *end = t;
            return 0;
        }
    }
    return fail(e, RE_INVALID_ESCAPE, i, t);
}

/* parseUnicodeClass at s[i] == '\\', s[i+1] in "pP": 0 with *end set, or -1.
 * Go looks names up in its Unicode tables; see the header for what is checked. */
static int parse_unicode_class(const char *s, size_t len, size_t i, size_t *end, re_error *e)
{
    size_t t = i + 2;
    int32_t c;
    size_t n = next_rune(s, len, t, &c);
    size_t name_lo, name_hi, seq_hi;
    if (c != '{') {
        name_lo = t;
        name_hi = seq_hi = t + n;
    } else {
        const char *close = memchr(s + i, '}', len - i);
        if (!close)
            return fail(e, RE_INVALID_CHAR_RANGE, i, len);
        seq_hi = (size_t)(close - s) + 1;
        name_lo = i + 3;
        name_hi = seq_hi - 1;
    }
    if (name_hi > name_lo && s[name_lo] == '^')
        name_lo++;
    int ok;
    if (c != '{') {
        /* One-letter names are the general categories; Go canonicalises the case. */
        ok = name_hi - name_lo == 1 && strchr("CLMNPSZclmnpsz", s[name_lo]) != NULL;
    } else {
        ok = name_hi > name_lo;
    }
    if (!ok)
        return fail(e, RE_INVALID_CHAR_RANGE, i, seq_hi);
    *end = seq_hi;
    return 0;
}

/* parsePerlClassEscape: \d \D \s \S \w \W. */
static int is_perl_class(const char *s, size_t len, size_t i)
{
    return i + 1 < len && s[i] == '\\' && s[i + 1] != '\0' && strchr("dDsSwW", s[i + 1]) != NULL;
}

/* parseNamedClass at s[i] == '[', s[i+1] == ':': 1 if a POSIX class was
 * consumed, 0 if this is not one (no ":]" follows), -1 on an unknown name. */
static int parse_named_class(const char *s, size_t len, size_t i, size_t *end, re_error *e)
{
    static const char *const names[] = {"alnum", "alpha", "ascii", "blank", "cntrl",
                                        "digit", "graph", "lower", "print", "punct",
                                        "space", "upper", "word",  "xdigit"};
    size_t j = i + 2;
    while (j + 1 < len && !(s[j] == ':' && s[j + 1] == ']'))
        j++;
    if (j + 1 >= len)
        return 0;
    size_t lo = i + 2, hi = j;
    *end = j + 2;
    if (hi > lo && s[lo] == '^')
        lo++;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strlen(names[k]) == hi - lo && memcmp(names[k], s + lo, hi - lo) == 0)
            return 1;
    return fail(e, RE_INVALID_CHAR_RANGE, i, *end);
}

/* parseClassChar: one character of a class, escaped or not. */
static int parse_class_char(const char *s, size_t len, size_t i, size_t class_lo, size_t *end,
                            int32_t *r, re_error *e)
{
    if (i >= len)
        return fail(e, RE_MISSING_BRACKET, class_lo, len);
    if (s[i] == '\\')
        return parse_escape(s, len, i, end, r, e);
    *end = i + next_rune(s, len, i, r);
    return 0;
}

/* parseClass at s[i] == '['; sets *end past the closing ']'. */
static int parse_class(const char *s, size_t len, size_t i, size_t *end, re_error *e)
{
    size_t t = i + 1;
    if (t < len && s[t] == '^')
        t++;
    int first = 1; /* ']' and '-' are fine as the first character */
    while (t >= len || s[t] != ']' || first) {
        first = 0;
        if (t + 2 < len && s[t] == '[' && s[t + 1] == ':') {
            size_t next;
            int r = parse_named_class(s, len, t, &next, e);
            if (r < 0)
                return -1;
            if (r > 0) {
                t = next;
                continue;
            }
        }
        if (t + 1 < len && s[t] == '\\' && (s[t + 1] == 'p' || s[t + 1] == 'P')) {
            if (parse_unicode_class(s, len, t, &t, e) < 0)
                return -1;
            continue;
        }
        if (is_perl_class(s, len, t)) {
            t += 2;
            continue;
        }
        size_t range_lo = t;
        int32_t lo, hi;
        if (parse_class_char(s, len, t, i, &t, &lo, e) < 0)
            return -1;
        hi = lo;
        /* [a-] means (a|-): a '-' just before ']' is a literal. */
        if (t + 1 < len && s[t] == '-' && s[t + 1] != ']') {
            if (parse_class_char(s, len, t + 1, i, &t, &hi, e) < 0)
                return -1;
            if (hi < lo)
                return fail(e, RE_INVALID_CHAR_RANGE, range_lo, t);
        }
    }
    *end = t + 1;
    return 0;
}

/* parseInt for repeat counts: no leading zeros; -1 for values >= 1e8. */
static int parse_repeat_int(const char *s, size_t len, size_t *i, int *n)
{
    if (*i >= len || s[*i] < '0' || s[*i] > '9')
        return 0;
    if (*i + 1 < len && s[*i] == '0' && s[*i + 1] >= '0' && s[*i + 1] <= '9')
        return 0;
    *n = 0;
    for (; *i < len && s[*i] >= '0' && s[*i] <= '9'; (*i)++) {
        if (*n >= 100000000)
            *n = -1;
        if (*n >= 0)
            *n = *n * 10 + (s[*i] - '0');
    }
    return 1;
}

/* parseRepeat at s[i] == '{': {min}, {min,} (max -1) or {min,max}. Returns 0
 * when the text is not of that form (then '{' is a literal). */
static int parse_repeat(const char *s, size_t len, size_t i, int *min, int *max, size_t *end)
{
    size_t t = i + 1;
    if (!parse_repeat_int(s, len, &t, min) || t >= len)
        return 0;
    if (s[t] != ',') {
        *max = *min;
    } else {
        t++;
        if (t >= len)
            return 0;
        if (s[t] == '}')
            *max = -1;
        else if (!parse_repeat_int(s, len, &t, max))
            return 0;
        else if (*max < 0)
            *min = -1;
    }
    if (t >= len || s[t] != '}')
        return 0;
    *end = t + 1;
    return 1;
}

static int is_capture_name(const char *s, size_t lo, size_t hi)
{
    if (hi == lo)
        return 0;
    for (size_t k = lo; k < hi; k++)
        if (s[k] != '_' && !is_alnum((unsigned char)s[k]))
            return 0;
    return 1;
}

/* What parsePerlFlags found at "(?". */
enum perl_group { PERL_FLAGS_ONLY, PERL_GROUP };

static int parse_perl_flags(const char *s, size_t len, size_t i, size_t *end, enum perl_group *kind,
                            re_error *e)
{
    size_t n = len - i;
    int with_p = n > 4 && s[i + 2] == 'P' && s[i + 3] == '<';
    int with_name = n > 3 && s[i + 2] == '<';
    if (with_p || with_name) {
        const char *gt = memchr(s + i, '>', n);
        if (!gt)
            return fail(e, RE_INVALID_NAMED_CAPTURE, i, len);
        size_t close = (size_t)(gt - s);
        if (!is_capture_name(s, i + (with_name ? 3 : 4), close))
            return fail(e, RE_INVALID_NAMED_CAPTURE, i, close + 1);
        *kind = PERL_GROUP;
        *end = close + 1;
        return 0;
    }
    size_t t = i + 2;
    int negated = 0, saw_flag = 0;
    while (t < len) {
        int32_t c;
        t += next_rune(s, len, t, &c);
        switch (c) {
        case 'i':
        case 'm':
        case 's':
        case 'U':
            saw_flag = 1;
            continue;
        case '-':
            if (negated)
                break;
            negated = 1;
            saw_flag = 0;
            continue;
        case ':':
        case ')':
            if (negated && !saw_flag)
                break;
            *kind = c == ':' ? PERL_GROUP : PERL_FLAGS_ONLY;
            *end = t;
            return 0;
        }
        break;
    }
    return fail(e, RE_INVALID_PERL_OP, i, t);
}

/*
 * What the parse loop keeps of Go's parse stack: the open groups, whether
 * the stack top is an expression a repetition can apply to (not a '(' or '|'
 * marker), and, per group, the largest product of nested {n,m} counts, which
 * repeatIsValid limits to 1000.
 */
typedef struct re_stack {
    int done_max[MAX_GROUPS + 1]; /* per open group: largest product among finished pieces */
    size_t depth;
    int operand;     /* stack top can be repeated */
    int operand_max; /* repetition product inside that operand */
} re_stack;

static void finish_piece(re_stack *st)
{
    if (st->operand && st->operand_max > st->done_max[st->depth])
        st->done_max[st->depth] = st->operand_max;
}

/* An expression (literal, class, group, ...) with repetition product m. */
static void push_operand(re_stack *st, int m)
{
    finish_piece(st);
    st->operand = 1;
    st->operand_max = m;
}

/* A '(' or '|': nothing to repeat until the next expression. */
static void push_marker(re_stack *st)
{
    finish_piece(st);
    st->operand = 0;
}

/* The parse loop of syntax.parse, keeping only what decides validity. */
static int check(const char *s, size_t len, re_error *e)
{
    re_stack st = {.done_max = {1}, .operand_max = 1};
    size_t last_repeat = SIZE_MAX; /* start of the previous token if it was a repetition */
    size_t i = 0;

    while (i < len) {
        size_t repeat = SIZE_MAX;
        switch (s[i]) {
        case '(':
            if (i + 1 < len && s[i + 1] == '?') {
                enum perl_group kind;
                if (parse_perl_flags(s, len, i, &i, &kind, e) < 0)
                    return -1;
                if (kind == PERL_FLAGS_ONLY)
                    break;
            } else {
                i++;
            }
            push_marker(&st);
            if (st.depth == MAX_GROUPS)
                return 0; /* beyond what we track; Go rejects it as too deep */
            st.done_max[++st.depth] = 1;
            break;
        case '|':
            push_marker(&st);
            i++;
            break;
        case ')': {
            if (st.depth == 0)
                return fail(e, RE_UNEXPECTED_PAREN, 0, len);
            finish_piece(&st);
            int m = st.done_max[st.depth--];
            /* The group replaces its '(' marker as the parent's operand. */
            st.operand = 0;
            push_operand(&st, m);
            i++;
            break;
        }
        case '^':
        case '$':
        case '.':
            push_operand(&st, 1);
            i++;
            break;
        case '[':
            if (parse_class(s, len, i, &i, e) < 0)
                return -1;
            push_operand(&st, 1);
            break;
        case '*':
        case '+':
        case '?':
        case '{': {
            size_t before = i, after;
            int min = 0, max = 0;
            if (s[i] == '{') {
                if (!parse_repeat(s, len, i, &min, &max, &after)) {
                    push_operand(&st, 1); /* not a repeat: '{' is a literal */
                    i++;
                    break;
                }
                if (min < 0 || min > REPEAT_MAX || max > REPEAT_MAX || (max >= 0 && min > max))
                    return fail(e, RE_INVALID_REPEAT_SIZE, before, after);
            } else {
                after = i + 1;
            }
            if (after < len && s[after] == '?')
                after++; /* non-greedy */
            if (last_repeat != SIZE_MAX)
                return fail(e, RE_INVALID_REPEAT_OP, last_repeat, after);
            if (!st.operand)
                return fail(e, RE_MISSING_REPEAT_ARGUMENT, before, after);
            if (s[i] == '{') {
                /* repeatIsValid: x{0} hides what it repeats; x{n,} counts n. */
                int m = max == -1 ? min : max;
                if (max == 0) {
                    st.operand_max = 1;
                } else if (m > 0) {
                    if ((min >= 2 || max >= 2) && st.operand_max > REPEAT_MAX / m)
                        return fail(e, RE_INVALID_REPEAT_SIZE, before, after);
                    st.operand_max *= m;
                }
            }
            repeat = before;
            i = after;
            break;
        }
        case '\\':
            if (i + 1 < len) {
                char c = s[i + 1];
                if (c == 'A' || c == 'b' || c == 'B' || c == 'z') {
                    push_operand(&st, 1);
                    i += 2;
                    break;
                }
                if (c == 'C') /* any byte: not supported */
                    return fail(e, RE_INVALID_ESCAPE, i, i + 2);
                if (c == 'Q') {
                    /* \Q...\E: literal text; an empty one pushes nothing. */
                    size_t lit = i + 2, stop = lit;
                    while (stop < len && !(s[stop] == '\\' && stop + 1 < len && s[stop + 1] == 'E'))
                        stop++;
                    if (stop > lit)
                        push_operand(&st, 1);
                    i = stop < len ? stop + 2 : len;
                    break;
                }
                if (c == 'p' || c == 'P') {
                    if (parse_unicode_class(s, len, i, &i, e) < 0)
                        return -1;
                    push_operand(&st, 1);
                    break;
                }
                if (is_perl_class(s, len, i)) {
                    push_operand(&st, 1);
                    i += 2;
                    break;
                }
            }
            {
                int32_t r;
                if (parse_escape(s, len, i, &i, &r, e) < 0)
                    return -1;
            }
            push_operand(&st, 1);
            break;
        default: {
            int32_t r;
            i += next_rune(s, len, i, &r);
            push_operand(&st, 1);
        }
        }
        last_repeat = repeat;
    }
    if (st.depth != 0)
        return fail(e, RE_MISSING_PAREN, 0, len);
    return 0;
}

static void append_go_error(pg_buf *msg, const char *s, const re_error *e)
{
    pg_buf_printf(msg, "error parsing regexp: %s: `", re_messages[e->code]);
    pg_buf_append(msg, s + e->lo, e->hi - e->lo);
    pg_buf_putc(msg, '`');
}

int pg_gosyntax_regexp_check(const char *re, size_t len, pg_buf *msg)
{
    re_error e;
    if (check(re, len, &e) == 0)
        return 0;
    append_go_error(msg, re, &e);
    return -1;
}

/* testing's rewrite(): white space in a pattern element becomes '_' before
 * compiling (the names it matches are rewritten the same way). */
static size_t space_width(const char *s, size_t len, size_t i)
{
    int32_t r;
    size_t n = next_rune(s, len, i, &r);
    int space = r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || r == ' ' ||
                r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200a) ||
                r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000;
    return space ? n : 0;
}

static int check_element(const char *s, size_t len, int alone, pg_buf *msg)
{
    pg_buf el = {0};
    for (size_t i = 0; i < len;) {
        size_t w = space_width(s, len, i);
        if (w) {
            pg_buf_putc(&el, '_');
            i += w;
        } else {
            pg_buf_putc(&el, s[i++]);
        }
    }
    re_error e;
    int rc = 0;
    if (check(pg_buf_str(&el), el.len, &e) < 0) {
        if (!alone) {
            pg_buf_puts(msg, "in the part `");
            pg_buf_append(msg, s, len);
            pg_buf_puts(msg, "` (go test splits the pattern at `/` and `|`): ");
        }
        append_go_error(msg, pg_buf_str(&el), &e);
        rc = -1;
    }
    pg_buf_free(&el);
    return rc;
}

size_t pg_gosyntax_bench_split(const char *re, size_t len, pg_gosyntax_bench_part *parts,
                               size_t max)
{
    size_t n = 0, start = 0;
    int level = 0, alt = 0;
    for (;;) {
        size_t i = start + pg_scan_regexp_until(re + start, len - start, "/|");
        if (n < max)
            parts[n] = (pg_gosyntax_bench_part){start, i - start, level, alt};
        n++;
        if (i == len)
            return n;
        if (re[i] == '/') {
            level++;
        } else {
            level = 0;
            alt++;
        }
        start = i + 1;
    }
}

int pg_gosyntax_bench_check(const char *re, size_t len, pg_buf *msg)
{
    size_t n = pg_gosyntax_bench_split(re, len, NULL, 0);
    pg_gosyntax_bench_part *parts = pg_xcalloc(n, sizeof *parts);
    pg_gosyntax_bench_split(re, len, parts, n);
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++)
        rc = check_element(re + parts[k].off, parts[k].len, n == 1, msg);
    free(parts);
    return rc;
}
