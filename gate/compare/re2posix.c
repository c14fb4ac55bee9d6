/*
 * Go regexp syntax over POSIX regex.h (see regex.h for what is covered).
 * The translator walks the pattern once; literals that are special in
 * POSIX are escaped, and inside brackets every ASCII punctuation character
 * becomes a collating symbol ([.-.]) so that ']', '-' and '^' need no
 * positional tricks.
 */
#include "re2posix.h"

#include <locale.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_chars.h"
#include "pg_bench_unicode.h"

struct pg_regex {
    regex_t re;
    pg_buf subject; /* a NUL-terminated copy of the subject */
};

/* The UTF-8 locale regcomp/regexec run in (C if there is none). */
static locale_t utf8_locale(void)
{
    static locale_t loc;
    static int tried;
    if (!tried) {
        tried = 1;
        loc = newlocale(LC_CTYPE_MASK | LC_COLLATE_MASK, "C.UTF-8", (locale_t)0);
    }
    return loc;
}

/* glibc expands a bounded repetition by copying its operand, so nested
 * ones multiply: (((a{1000}){1000}){1000}) would take gigabytes. The
 * translator keeps a running estimate of the expanded size per group and
 * refuses patterns past these limits (Go allows counts up to 1000 too). */
#define MAX_DEPTH  100
#define MAX_SIZE   20000
#define MAX_REPEAT 1000

typedef struct tr {
    const char *p;
    size_t len, i;
    pg_buf *out;
    pg_buf *err;
    size_t size[MAX_DEPTH + 1]; /* expanded size of each open group so far */
    int depth;
    size_t last; /* size of the last atom or group, what a repetition copies */
    int operand; /* 1 after an atom or group, 2 after a repetition, 0 at a start */
} tr;

static int fail(tr *t, const char *msg)
{
    pg_buf_printf(t->err, "error parsing regexp: %s: `%.*s`", msg, (int)t->len, t->p);
    return -1;
}

static void put_rune(pg_buf *b, uint32_t r)
{
    char u[4];
    size_t n;
    if (r < 0x80) {
        u[0] = (char)r;
        n = 1;
    } else if (r < 0x800) {
        u[0] = (char)(0xC0 | (r >> 6));
        u[1] = (char)(0x80 | (r & 0x3F));
        n = 2;
    } else if (r < 0x10000) {
        u[0] = (char)(0xE0 | (r >> 12));
        u[1] = (char)(0x80 | ((r >> 6) & 0x3F));
        u[2] = (char)(0x80 | (r & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (r >> 18));
        u[1] = (char)(0x80 | ((r >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((r >> 6) & 0x3F));
        u[3] = (char)(0x80 | (r & 0x3F));
        n = 4;
    }
    pg_buf_append(b, u, n);
}

static int is_punct(uint32_t c)
{
    return c < 0x80 && c > ' ' && c != 0x7F && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
           !(c >= 'A' && c <= 'Z') && c != '_';
}

/* A literal rune outside brackets. */
static void put_literal(pg_buf *b, uint32_t r)
{
    if (r < 0x80 && strchr(".[]()*+?{}|^$\\", (int)r))
        pg_buf_putc(b, '\\');
    put_rune(b, r);
}

/* A literal rune inside brackets. */
static void put_bracket_literal(pg_buf *b, uint32_t r)
{
    if (is_punct(r))
        pg_buf_printf(b, "[.%c.]", (char)r);
    else
        put_rune(b, r);
}

/* After a backslash at t->i (pointing past it): an escape that stands for
 * one rune. Returns 1 with *r, 0 if the escape is not a single rune, -1 on
 * error. */
static int escape_rune(tr *t, uint32_t *r)
{
    if (t->i >= t->len)
        return fail(t, "trailing backslash at end of expression");
    char c = t->p[t->i];
    switch (c) {
    case 'a':
        *r = 7;
        break;
    case 'f':
        *r = '\f';
        break;
    case 't':
        *r = '\t';
        break;
    case 'n':
        *r = '\n';
        break;
    case 'r':
        *r = '\r';
        break;
    case 'v':
        *r = '\v';
        break;
    case 'x': {
        t->i++;
        uint32_t v = 0;
        if (t->i < t->len && t->p[t->i] == '{') {
            size_t j = t->i + 1, digits = 0;
            for (; j < t->len && pg_hex_digit(t->p[j]) >= 0; j++, digits++) {
                v = v * 16 + (uint32_t)pg_hex_digit(t->p[j]);
                if (v > 0x10FFFF)
                    return fail(t, "invalid escape sequence");
            }
            if (j >= t->len || t->p[j] != '}' || digits == 0)
                return fail(t, "invalid escape sequence");
            t->i = j + 1;
        } else {
            if (t->i + 2 > t->len || pg_hex_digit(t->p[t->i]) < 0 ||
                pg_hex_digit(t->p[t->i + 1]) < 0)
                return fail(t, "invalid escape sequence");
            v = (uint32_t)(pg_hex_digit(t->p[t->i]) * 16 + pg_hex_digit(t->p[t->i + 1]));
            t->i += 2;
        }
        *r = v;
        return 1;
    }
    default:
        if (c >= '0' && c <= '7') {
            /* octal, up to three digits (RE2 accepts \0 and \1.. only with more digits) */
            uint32_t v = 0;
            size_t j = t->i;
            for (; j < t->len && j < t->i + 3 && t->p[j] >= '0' && t->p[j] <= '7'; j++)
                v = v * 8 + (uint32_t)(t->p[j] - '0');
            if (c != '0' && j - t->i < 2)
                return fail(t, "invalid escape sequence");
            t->i = j;
            *r = v;
            return 1;
        }
        if (is_punct((unsigned char)c)) {
            *r = (unsigned char)c;
            break;
        }
        return 0;
    }
    t->i++;
    return 1;
}

static const char *perl_class(char c, int *neg)
{
    *neg = c == 'D' || c == 'S' || c == 'W';
    switch (c) {
    case 'd':
    case 'D':
        return "0-9";
    case 's':
    case 'S':
        return "\t\n\f\r ";
    case 'w':
    case 'W':
        return "0-9A-Za-z_";
    }
    return NULL;
}

static int bracket(tr *t)
{
    pg_buf *b = t->out;
    t->i++; /* '[' */
    pg_buf_putc(b, '[');
    if (t->i < t->len && t->p[t->i] == '^') {
        pg_buf_putc(b, '^');
        t->i++;
    }
    int first = 1;
    for (;;) {
        if (t->i >= t->len)
            return fail(t, "missing closing ]");
        char c = t->p[t->i];
        if (c == ']' && !first)
            break;
        first = 0;
        if (c == '[' && t->i + 1 < t->len && t->p[t->i + 1] == ':') {
            const char *end = memmem(t->p + t->i + 2, t->len - t->i - 2, ":]", 2);
            if (!end)
                return fail(t, "missing closing ]");
            pg_buf_append(b, t->p + t->i, (size_t)(end - (t->p + t->i)) + 2);
            t->i = (size_t)(end - t->p) + 2;
            continue;
        }
        uint32_t lo;
        if (c == '\\') {
            t->i++;
            int neg;
            const char *cls = t->i < t->len ? perl_class(t->p[t->i], &neg) : NULL;
            if (cls) {
                if (neg)
                    return fail(t, "negated class escape inside [] is not supported");
                pg_buf_puts(b, cls);
                t->i++;
                continue;
            }
            int rc = escape_rune(t, &lo);
            if (rc < 0)
                return -1;
            if (rc == 0)
                return fail(t, "invalid escape sequence");
        } else {
            size_t w;
            lo = pg_bench_utf8_decode(t->p + t->i, t->len - t->i, &w);
            t->i += w;
        }
        put_bracket_literal(b, lo);
        /* a range lo-hi, unless the '-' is the last character before ']' */
        if (t->i + 1 < t->len && t->p[t->i] == '-' && t->p[t->i + 1] != ']') {
            t->i++;
            uint32_t hi;
            if (t->p[t->i] == '\\') {
                t->i++;
                if (escape_rune(t, &hi) != 1)
                    return fail(t, "invalid character class range");
            } else {
                size_t w;
                hi = pg_bench_utf8_decode(t->p + t->i, t->len - t->i, &w);
                t->i += w;
            }
            if (hi < lo)
                return fail(t, "invalid character class range");
            pg_buf_putc(b, '-');
            put_bracket_literal(b, hi);
        }
    }
    t->i++;
    pg_buf_putc(b, ']');
    return 0;
}

/* Length of a repetition "{n}", "{n,}" or "{n,m}" at t->i, or 0. */
static size_t repeat_len(const tr *t)
{
    size_t j = t->i + 1, digits = 0;
    while (j < t->len && t->p[j] >= '0' && t->p[j] <= '9')
        j++, digits++;
    if (!digits || j >= t->len)
        return 0;
    if (t->p[j] == ',') {
        j++;
        while (j < t->len && t->p[j] >= '0' && t->p[j] <= '9')
            j++;
    }
    return j < t->len && t->p[j] == '}' ? j + 1 - t->i : 0;
}

static void skip_lazy(tr *t)
{
    if (t->i < t->len && t->p[t->i] == '?')
        t->i++;
}

static int grow(tr *t, size_t n)
{
    t->size[t->depth] += n;
    return t->size[t->depth] > MAX_SIZE ? fail(t, "expression too large") : 0;
}

static int atom(tr *t)
{
    t->last = 1;
    t->operand = 1;
    return grow(t, 1);
}

/* As RE2, a repetition needs an operand, and may not repeat a repetition
 * (a** is an error; glibc would also expand a+++ exponentially). */
static int repetition(tr *t)
{
    if (t->operand != 1)
        return fail(t, t->operand ? "invalid nested repetition operator"
                                  : "missing argument to repetition operator");
    t->operand = 2;
    return 0;
}

/* The largest count of a repetition "{n}", "{n,}" or "{n,m}" at t->i. */
static long repeat_max(const tr *t, size_t len)
{
    long n = 0, m = -1, *cur = &n;
    for (size_t j = t->i + 1; j < t->i + len - 1; j++) {
        if (t->p[j] == ',') {
            m = 0;
            cur = &m;
            continue;
        }
        if (*cur <= MAX_REPEAT)
            *cur = *cur * 10 + (t->p[j] - '0');
    }
    return m > n ? m : n + (m == 0); /* {n,} copies its operand n+1 times */
}

static int translate(tr *t)
{
    while (t->i < t->len) {
        char c = t->p[t->i];
        if (!strchr("({*+?)|", c) && atom(t) < 0)
            return -1;
        switch (c) {
        case '\\': {
            t->i++;
            int neg;
            const char *cls = t->i < t->len ? perl_class(t->p[t->i], &neg) : NULL;
            if (cls) {
                pg_buf_printf(t->out, "[%s%s]", neg ? "^" : "", cls);
                t->i++;
                break;
            }
            if (t->i < t->len && t->p[t->i] == 'Q') {
                /* \Q...\E: everything up to \E (or the end) is literal */
                t->i++;
                const char *e = memmem(t->p + t->i, t->len - t->i, "\\E", 2);
                size_t end = e ? (size_t)(e - t->p) : t->len;
                while (t->i < end) {
                    size_t w;
                    put_literal(t->out, pg_bench_utf8_decode(t->p + t->i, end - t->i, &w));
                    t->i += w;
                    if (atom(t) < 0)
                        return -1;
                }
                t->i = e ? end + 2 : end;
                break;
            }
            if (t->i < t->len && strchr("bBAz", t->p[t->i])) {
                char e = t->p[t->i++];
                pg_buf_puts(t->out, e == 'A' ? "^" : e == 'z' ? "$" : e == 'b' ? "\\b" : "\\B");
                break;
            }
            uint32_t r;
            int rc = escape_rune(t, &r);
            if (rc < 0)
                return -1;
            if (rc == 0)
                return fail(t, "invalid escape sequence");
            put_literal(t->out, r);
            break;
        }
        case '[':
            if (bracket(t) < 0)
                return -1;
            break;
        case '(':
            if (t->i + 1 < t->len && t->p[t->i + 1] == '?') {
                if (t->i + 2 < t->len && t->p[t->i + 2] == ':') {
                    pg_buf_putc(t->out, '(');
                    t->i += 3;
                } else {
                    return fail(t, "unsupported group flags or name");
                }
            } else {
                pg_buf_putc(t->out, '(');
                t->i++;
            }
            if (t->depth == MAX_DEPTH)
                return fail(t, "expression nests too deeply");
            t->size[++t->depth] = 0;
            t->last = 0;
            t->operand = 0;
            break;
        case ')':
            pg_buf_putc(t->out, ')');
            t->i++;
            if (t->depth > 0) {
                t->last = t->size[t->depth--] + 1;
                if (grow(t, t->last) < 0)
                    return -1;
            }
            t->operand = 1;
            break;
        case '{': {
            size_t n = repeat_len(t);
            if (n == 0) {
                pg_buf_puts(t->out, "\\{");
                t->i++;
                if (atom(t) < 0)
                    return -1;
                break;
            }
            if (repetition(t) < 0)
                return -1;
            long rep = repeat_max(t, n);
            if (rep > MAX_REPEAT)
                return fail(t, "invalid repeat count");
            if (rep > 1 && grow(t, t->last * (size_t)(rep - 1)) < 0)
                return -1;
            pg_buf_append(t->out, t->p + t->i, n);
            t->i += n;
            skip_lazy(t);
            break;
        }
        case '}':
            pg_buf_puts(t->out, "\\}");
            t->i++;
            break;
        case '*':
        case '+':
        case '?':
            if (repetition(t) < 0 || (c == '+' && grow(t, t->last) < 0))
                return -1;
            pg_buf_putc(t->out, c);
            t->i++;
            skip_lazy(t);
            break;
        default:
            if (c == '|')
                t->operand = 0;
            pg_buf_putc(t->out, c);
            t->i++;
        }
    }
    return 0;
}

pg_regex *pg_regex_compile(const char *pattern, size_t len, pg_buf *err)
{
    pg_buf out = {0};
    tr t = {.p = pattern, .len = len, .out = &out, .err = err};
    int flags = REG_EXTENDED | REG_NOSUB;
    /* leading flags: i is case folding; m, s and U change what ^ $ . and
     * greediness mean around newlines and in submatches, which a filter over
     * single-line values never sees */
    if (len >= 3 && memcmp(pattern, "(?", 2) == 0) {
        size_t i = 2;
        while (i < len && strchr("imsU", pattern[i]) && pattern[i] != '\0')
            i++;
        if (i > 2 && i < len && pattern[i] == ')') {
            if (memchr(pattern + 2, 'i', i - 2))
                flags |= REG_ICASE;
            t.i = i + 1;
        }
    }
    if (memchr(pattern, '\0', len)) {
        fail(&t, "NUL byte in pattern");
        return NULL;
    }
    if (translate(&t) < 0) {
        pg_buf_free(&out);
        return NULL;
    }
    pg_regex *re = pg_xcalloc(1, sizeof *re);
    locale_t loc = utf8_locale(), old = loc ? uselocale(loc) : (locale_t)0;
    int rc = regcomp(&re->re, pg_buf_str(&out), flags);
    if (loc)
        uselocale(old);
    pg_buf_free(&out);
    if (rc != 0) {
        char msg[256];
        regerror(rc, &re->re, msg, sizeof msg);
        fail(&t, msg);
        free(re);
        return NULL;
    }
    return re;
}

int pg_regex_match(pg_regex *re, const char *s, size_t len)
{
    /* REG_STARTEND bounds the match, but regexec (and sanitizers'
     * interceptors) may still read up to a NUL, so match a terminated copy */
    pg_buf_truncate(&re->subject, 0);
    pg_buf_append(&re->subject, s, len);
    regmatch_t m[1] = {{0, (regoff_t)len}};
    locale_t loc = utf8_locale(), old = loc ? uselocale(loc) : (locale_t)0;
    int rc = regexec(&re->re, pg_buf_str(&re->subject), 1, m, REG_STARTEND);
    if (loc)
        uselocale(old);
    return rc == 0;
}

void pg_regex_free(pg_regex *re)
{
    if (!re)
        return;
    regfree(&re->re);
    pg_buf_free(&re->subject);
    free(re);
}
