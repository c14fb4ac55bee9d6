/*
 * benchproc/internal/parse, ported: a tokenizer whose whitespace skipping
 * advances the caller's position (as Go's pointer-receiver methods do, which
 * decides where error carets point), the filter grammar
 *
 *     expr    = andExpr {"OR" andExpr}
 *     andExpr = match {"AND"? match}
 *     match   = "(" expr ")" | "-" match | "*" | key ":" value
 *             | key ":" "(" value {"OR" value} ")"
 *
 * and the projection grammar `part {","? part}`, part = key [@order |
 * @(word ...)]. After the first error the tokenizer reads as empty, so the
 * parse unwinds and the first error is the one reported.
 */
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_chars.h"
#include "pg_scan.h"
#include "pg_bench_unicode.h"

typedef struct errt {
    const char *orig;
    size_t orig_len;
    int failed;
    size_t off;
    pg_buf msg;
} errt;

typedef struct toks {
    const char *q;
    size_t len;
} toks;

typedef struct tok {
    char kind; /* 0 end, ( ) : @ , - *, 'w' word, 'q' quoted, 'A' AND, 'O' OR, 'r' regexp */
    size_t off;
    const char *s;
    size_t len;
    size_t re; /* 'r': index into the parser's regexp pool */
} tok;

typedef struct parser {
    errt e;
    char **strs; /* unescaped quoted words */
    size_t nstrs, strs_cap;
    pg_regex **pool; /* compiled regexps; taken (set NULL) by the tree */
    size_t npool, pool_cap;
} parser;

static size_t pos(const parser *p, const toks *t)
{
    return p->e.orig_len - t->len;
}

static int is_op(uint32_t c)
{
    return c == '(' || c == ')' || c == ':' || c == '@' || c == ',';
}

static int is_start_op(uint32_t c)
{
    return is_op(c) || c == '-' || c == '*';
}

static size_t space_len(const toks *t)
{
    if (t->q[0] == ' ')
        return 1;
    size_t w;
    uint32_t r = pg_bench_utf8_decode(t->q, t->len, &w);
    return pg_bench_is_space(r) ? w : 0;
}

static tok mktok(parser *p, toks *t, char kind, const char *s, size_t len, size_t restoff,
                 toks *rest)
{
    tok k = {kind, pos(p, t), s, len, 0};
    rest->q = t->q + restoff;
    rest->len = t->len - restoff;
    return k;
}

static void record_error(parser *p, const toks *t, const char *msg)
{
    if (p->e.failed)
        return;
    p->e.failed = 1;
    p->e.off = pos(p, t);
    pg_buf_puts(&p->e.msg, msg);
}

/* tokenizer.error: records the error and returns an end token with an
 * empty rest. */
static tok tok_error(parser *p, toks *t, const char *msg, toks *rest)
{
    record_error(p, t, msg);
    tok k = {0, pos(p, t), "", 0, 0};
    rest->q = t->q + t->len;
    rest->len = 0;
    return k;
}

static int is_print(uint32_t r)
{
    if (r < 0x80)
        return r >= 0x20 && r < 0x7F;
    /* unicode.IsPrint: graphic runes except the non-ASCII space separators */
    static const uint32_t zs[] = {0xA0,   0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
                                  0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x202F, 0x205F, 0x3000};
    for (size_t i = 0; i < sizeof zs / sizeof zs[0]; i++)
        if (r == zs[i])
            return 0;
    return pg_bench_is_graphic(r);
}

void q_quote(pg_buf *b, const char *s, size_t n)
{
    pg_buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        size_t w;
        uint32_t r = pg_bench_utf8_decode(s + i, n - i, &w);
        if (w == 1 && r == PG_RUNE_ERROR) {
            pg_buf_printf(b, "\\x%02x", (unsigned char)s[i]);
            i++;
            continue;
        }
        if (r == '"' || r == '\\') {
            pg_buf_putc(b, '\\');
            pg_buf_putc(b, (char)r);
        } else if (is_print(r)) {
            pg_buf_append(b, s + i, w);
        } else {
            switch (r) {
            case '\a':
                pg_buf_puts(b, "\\a");
                break;
            case '\b':
                pg_buf_puts(b, "\\b");
                break;
            case '\f':
                pg_buf_puts(b, "\\f");
                break;
            case '\n':
                pg_buf_puts(b, "\\n");
                break;
            case '\r':
                pg_buf_puts(b, "\\r");
                break;
            case '\t':
                pg_buf_puts(b, "\\t");
                break;
            case '\v':
                pg_buf_puts(b, "\\v");
                break;
            default:
                if (r < ' ' || r == 0x7F)
                    pg_buf_printf(b, "\\x%02x", (unsigned)r);
                else if (r < 0x10000)
                    pg_buf_printf(b, "\\u%04x", (unsigned)r);
                else
                    pg_buf_printf(b, "\\U%08x", (unsigned)r);
            }
        }
        i += w;
    }
    pg_buf_putc(b, '"');
}

static void put_utf8(pg_buf *b, uint32_t r)
{
    if (r < 0x80) {
        pg_buf_putc(b, (char)r);
    } else if (r < 0x800) {
        pg_buf_putc(b, (char)(0xC0 | (r >> 6)));
        pg_buf_putc(b, (char)(0x80 | (r & 0x3F)));
    } else if (r < 0x10000) {
        pg_buf_putc(b, (char)(0xE0 | (r >> 12)));
        pg_buf_putc(b, (char)(0x80 | ((r >> 6) & 0x3F)));
        pg_buf_putc(b, (char)(0x80 | (r & 0x3F)));
    } else {
        pg_buf_putc(b, (char)(0xF0 | (r >> 18)));
        pg_buf_putc(b, (char)(0x80 | ((r >> 12) & 0x3F)));
        pg_buf_putc(b, (char)(0x80 | ((r >> 6) & 0x3F)));
        pg_buf_putc(b, (char)(0x80 | (r & 0x3F)));
    }
}

/* strconv.Unquote of a double-quoted literal s[0..n) (quotes included). */
static int go_unquote(const char *s, size_t n, pg_buf *out)
{
    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return -1;
    size_t i = 1, end = n - 1;
    while (i < end) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\n')
            return -1;
        if (c >= 0x80) {
            size_t w;
            uint32_t r = pg_bench_utf8_decode(s + i, end - i, &w);
            put_utf8(out, r); /* an invalid byte becomes U+FFFD */
            i += w;
            continue;
        }
        if (c != '\\') {
            pg_buf_putc(out, (char)c);
            i++;
            continue;
        }
        if (i + 1 >= end)
            return -1;
        char e = s[i + 1];
        i += 2;
        switch (e) {
        case 'a':
            pg_buf_putc(out, '\a');
            break;
        case 'b':
            pg_buf_putc(out, '\b');
            break;
        case 'f':
            pg_buf_putc(out, '\f');
            break;
        case 'n':
            pg_buf_putc(out, '\n');
            break;
        case 'r':
            pg_buf_putc(out, '\r');
            break;
        case 't':
            pg_buf_putc(out, '\t');
            break;
        case 'v':
            pg_buf_putc(out, '\v');
            break;
        case '\\':
        case '"':
            pg_buf_putc(out, e);
            break;
        case 'x':
        case 'u':
        case 'U': {
            size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            if (end - i < digits)
                return -1;
            uint32_t v = 0;
            for (size_t j = 0; j < digits; j++) {
                int h = pg_hex_digit(s[i + j]);
                if (h < 0)
                    return -1;
                v = v << 4 | (uint32_t)h;
            }
            i += digits;
            if (e == 'x') {
                pg_buf_putc(out, (char)v);
                break;
            }
            if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                return -1;
            put_utf8(out, v);
            break;
        }
        default:
            if (e >= '0' && e <= '7') {
                if (end - i < 2)
                    return -1;
                uint32_t v = (uint32_t)(e - '0');
                for (size_t j = 0; j < 2; j++) {
                    if (s[i + j] < '0' || s[i + j] > '7')
                        return -1;
                    v = v << 3 | (uint32_t)(s[i + j] - '0');
                }
                i += 2;
                if (v > 255)
                    return -1;
                pg_buf_putc(out, (char)v);
                break;
            }
            return -1;
        }
    }
    return 0;
}

static const char *keep_str(parser *p, pg_buf *b)
{
    p->strs = pg_xgrow(p->strs, &p->strs_cap, p->nstrs + 1, sizeof *p->strs);
    return p->strs[p->nstrs++] = pg_buf_detach(b);
}

static tok quoted_word(parser *p, toks *t, toks *rest)
{
    size_t i = 1;
    while (i < t->len && (t->q[i] != '"' || t->q[i - 1] == '\\'))
        i++;
    if (i == t->len)
        return tok_error(p, t, "missing end quote", rest);
    pg_buf w = {0};
    if (go_unquote(t->q, i + 1, &w) < 0) {
        pg_buf_free(&w);
        return tok_error(p, t, "bad escape sequence", rest);
    }
    size_t len = w.len;
    const char *s = keep_str(p, &w);
    return mktok(p, t, 'q', s, len, i + 1, rest);
}

static tok bare_word(parser *p, toks *t, toks *rest)
{
    size_t end = 0;
    while (end < t->len) {
        size_t w;
        uint32_t r = pg_bench_utf8_decode(t->q + end, t->len - end, &w);
        if (pg_bench_is_space(r) || is_op(r))
            break;
        end += w;
    }
    char kind = 'w';
    if (end == 3 && memcmp(t->q, "AND", 3) == 0)
        kind = 'A';
    else if (end == 2 && memcmp(t->q, "OR", 2) == 0)
        kind = 'O';
    return mktok(p, t, kind, t->q, end, end, rest);
}

static tok regexp_tok(parser *p, toks *t, toks *rest)
{
    /* regexpParseUntil(str, "/") */
    size_t n = pg_scan_regexp_until(t->q + 1, t->len - 1, "/");
    if (n == t->len - 1)
        return tok_error(p, t, "missing close \"/\"", rest);
    pg_buf err = {0};
    pg_regex *re = pg_regex_compile(t->q + 1, n, &err);
    if (!re) {
        tok k = tok_error(p, t, pg_buf_str(&err), rest);
        pg_buf_free(&err);
        return k;
    }
    size_t after = n + 2; /* the slashes */
    if (after < t->len) {
        uint32_t c = (unsigned char)t->q[after]; /* Go: unicode.IsSpace(rune(q2[0])) */
        if (!pg_bench_is_space(c) && !is_start_op(c)) {
            pg_regex_free(re);
            toks at = {t->q + after, t->len - after};
            return tok_error(
                p, &at, "regexp must be followed by space or an operator (unescaped \"/\"?)", rest);
        }
    }
    p->pool = pg_xgrow(p->pool, &p->pool_cap, p->npool + 1, sizeof *p->pool);
    p->pool[p->npool] = re;
    tok k = mktok(p, t, 'r', t->q + 1, n, after, rest);
    k.re = p->npool++;
    return k;
}

/* tokenizer.next: skips whitespace in *t itself. */
static tok next(parser *p, toks *t, int allow_re, toks *rest)
{
    while (t->len > 0) {
        unsigned char c = (unsigned char)t->q[0];
        size_t n;
        if (is_start_op(c))
            return mktok(p, t, (char)c, t->q, 1, 1, rest);
        if ((n = space_len(t)) > 0) {
            t->q += n;
            t->len -= n;
        } else if (allow_re && c == '/') {
            return regexp_tok(p, t, rest);
        } else if (c == '"') {
            return quoted_word(p, t, rest);
        } else {
            return bare_word(p, t, rest);
        }
    }
    return mktok(p, t, 0, "", 0, 0, rest);
}

static tok key_or_op(parser *p, toks *t, toks *rest)
{
    return next(p, t, 0, rest);
}

static tok value_or_op(parser *p, toks *t, toks *rest)
{
    return next(p, t, 1, rest);
}

/* parser.error: records msg at t and returns the (empty) tokenizer. */
static toks perror_at(parser *p, toks t, const char *msg)
{
    toks rest;
    tok_error(p, &t, msg, &rest);
    return rest;
}

static void unexpected(parser *p, toks *t, const tok *k, toks *rest)
{
    pg_buf m = {0};
    pg_buf_puts(&m, "unexpected ");
    q_quote(&m, k->s, k->len);
    *rest = perror_at(p, *t, pg_buf_str(&m));
    pg_buf_free(&m);
}

static toks end(parser *p, toks t)
{
    toks rest;
    tok k = key_or_op(p, &t, &rest);
    if (k.kind != 0) {
        unexpected(p, &t, &k, &rest);
        return rest;
    }
    return t;
}

/* --- filters ---------------------------------------------------------- */

static q_node *node(q_op op)
{
    q_node *n = pg_xcalloc(1, sizeof *n);
    n->op = op;
    return n;
}

static void add_sub(q_node *n, q_node *sub, size_t *cap)
{
    n->subs = pg_xgrow(n->subs, cap, n->nsubs + 1, sizeof *n->subs);
    n->subs[n->nsubs++] = sub;
}

void q_node_free(q_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nsubs; i++)
        q_node_free(n->subs[i]);
    free(n->subs);
    free(n->key);
    free(n->lit);
    pg_regex_free(n->re);
    free(n);
}

static q_node *mk_match(parser *p, size_t off, const tok *key, const tok *val)
{
    q_node *n = node(Q_MATCH);
    n->key = pg_xstrndup(key->s, key->len);
    n->key_len = key->len;
    n->off = off;
    if (val->kind == 'r') {
        n->re = p->pool[val->re];
        p->pool[val->re] = NULL;
    } else {
        n->lit = pg_xmalloc(val->len + 1);
        memcpy(n->lit, val->s, val->len);
        n->lit[val->len] = '\0';
        n->lit_len = val->len;
    }
    return n;
}

static q_node *expr(parser *p, toks *t);

static q_node *match(parser *p, toks *start)
{
    toks rest;
    tok k = key_or_op(p, start, &rest);
    switch (k.kind) {
    case '(': {
        q_node *q = expr(p, &rest);
        toks after;
        tok op = key_or_op(p, &rest, &after);
        if (op.kind != ')') {
            *start = perror_at(p, rest, "missing \")\"");
            q_node_free(q);
            return NULL;
        }
        *start = after;
        return q;
    }
    case '-': {
        q_node *q = match(p, &rest);
        q_node *n = node(Q_NOT);
        size_t cap = 0;
        add_sub(n, q, &cap);
        *start = rest;
        return n;
    }
    case '*':
        *start = rest;
        return node(Q_AND);
    case 'w':
    case 'q': {
        size_t off = k.off;
        toks t2;
        tok op = key_or_op(p, &rest, &t2);
        if (op.kind != ':') {
            *start = perror_at(p, *start, "expected key:value");
            return NULL;
        }
        rest = t2;
        toks r2;
        tok val = value_or_op(p, &rest, &r2);
        if (val.kind == 'w' || val.kind == 'q' || val.kind == 'r') {
            *start = r2;
            return mk_match(p, off, &k, &val);
        }
        if (val.kind != '(') {
            *start = perror_at(p, *start, "expected key:value");
            return NULL;
        }
        rest = r2;
        q_node *n = node(Q_OR);
        size_t cap = 0;
        for (;;) {
            val = value_or_op(p, &rest, &t2);
            if (!(val.kind == 'w' || val.kind == 'q' || val.kind == 'r')) {
                *start = perror_at(p, rest, "expected value");
                q_node_free(n);
                return NULL;
            }
            add_sub(n, mk_match(p, off, &k, &val), &cap);
            rest = t2;
            val = value_or_op(p, &rest, &t2);
            if (val.kind == ')') {
                *start = t2;
                return n;
            }
            if (val.kind != 'O') {
                *start = perror_at(p, rest, "value list must be separated by OR");
                q_node_free(n);
                return NULL;
            }
            rest = t2;
        }
    }
    }
    *start = perror_at(p, *start, "expected key:value or subexpression");
    return NULL;
}

static q_node *and_expr(parser *p, toks *t)
{
    q_node *first = match(p, t);
    q_node *n = NULL;
    size_t cap = 0;
    for (;;) {
        toks t2;
        tok op = key_or_op(p, t, &t2);
        if (op.kind == 'A') {
            *t = t2;
            continue;
        }
        if (op.kind == '(' || op.kind == '-' || op.kind == '*' || op.kind == 'w' ||
            op.kind == 'q') {
            if (!n) {
                n = node(Q_AND);
                add_sub(n, first, &cap);
            }
            add_sub(n, match(p, t), &cap);
            continue;
        }
        if (op.kind == ')' || op.kind == 'O' || op.kind == 0)
            break;
        unexpected(p, t, &op, t);
        q_node_free(n ? n : first);
        return NULL;
    }
    return n ? n : first;
}

static q_node *expr(parser *p, toks *t)
{
    q_node *first = NULL, *n = NULL;
    size_t cap = 0;
    for (;;) {
        q_node *q = and_expr(p, t);
        if (!first) {
            first = q;
        } else {
            if (!n) {
                n = node(Q_OR);
                add_sub(n, first, &cap);
            }
            add_sub(n, q, &cap);
        }
        toks t2;
        tok op = key_or_op(p, t, &t2);
        if (op.kind != 'O')
            break;
        *t = t2;
    }
    return n ? n : first;
}

static void parser_init(parser *p, const char *q)
{
    memset(p, 0, sizeof *p);
    p->e.orig = q;
    p->e.orig_len = strlen(q);
}

static void parser_done(parser *p)
{
    for (size_t i = 0; i < p->nstrs; i++)
        free(p->strs[i]);
    free(p->strs);
    for (size_t i = 0; i < p->npool; i++)
        pg_regex_free(p->pool[i]);
    free(p->pool);
    pg_buf_free(&p->e.msg);
}

void q_syntax_error(pg_buf *err, const char *query, size_t off, const char *msg)
{
    /* the caret counts graphic runes before the offset */
    size_t col = 0, n = strlen(query);
    for (size_t i = 0; i < n && i < off;) {
        size_t w;
        uint32_t r = pg_bench_utf8_decode(query + i, n - i, &w);
        if (pg_bench_is_graphic(r))
            col++;
        i += w;
    }
    pg_buf_printf(err, "syntax error: %s\n\t%s\n\t%*s^", msg, query, (int)col, "");
}

static int finish(parser *p, pg_buf *err)
{
    if (!p->e.failed)
        return 0;
    q_syntax_error(err, p->e.orig, p->e.off, pg_buf_str(&p->e.msg));
    return -1;
}

int q_parse_filter(const char *query, q_node **out, pg_buf *err)
{
    parser p;
    parser_init(&p, query);
    toks t = {query, p.e.orig_len};
    q_node *q = expr(&p, &t);
    end(&p, t);
    int rc = finish(&p, err);
    parser_done(&p);
    if (rc < 0) {
        q_node_free(q);
        return -1;
    }
    *out = q;
    return 0;
}

/* --- projections ------------------------------------------------------ */

static char *dup_tok(const tok *k)
{
    char *s = pg_xmalloc(k->len + 1);
    memcpy(s, k->s, k->len);
    s[k->len] = '\0';
    return s;
}

static toks parse_field(parser *p, toks t, q_field *f)
{
    memset(f, 0, sizeof *f);
    toks t2;
    tok key = key_or_op(p, &t, &t2);
    if (!(key.kind == 'w' || key.kind == 'q'))
        return perror_at(p, t, "expected key");
    t = t2;
    f->key = dup_tok(&key);
    f->key_len = key.len;
    f->key_off = key.off;
    f->order = pg_xstrdup("first");
    f->order_off = key.off + key.len;
    tok sep = key_or_op(p, &t, &t2);
    if (sep.kind != '@')
        return t;
    t = t2;
    tok order = key_or_op(p, &t, &t2);
    f->order_off = order.off;
    if (order.kind == 'w' || order.kind == 'q') {
        free(f->order);
        f->order = dup_tok(&order);
        return t2;
    }
    if (order.kind == '(') {
        free(f->order);
        f->order = pg_xstrdup("fixed");
        t = t2;
        size_t cap = 0, lcap = 0;
        for (;;) {
            tok w = key_or_op(p, &t, &t2);
            if (w.kind == 'w' || w.kind == 'q') {
                t = t2;
                f->fixed = pg_xgrow(f->fixed, &cap, f->nfixed + 1, sizeof *f->fixed);
                f->fixed_len = pg_xgrow(f->fixed_len, &lcap, f->nfixed + 1, sizeof *f->fixed_len);
                f->fixed_len[f->nfixed] = w.len;
                f->fixed[f->nfixed++] = dup_tok(&w);
            } else if (w.kind == ')') {
                if (f->nfixed == 0)
                    t = perror_at(p, t, "nothing to match");
                else
                    t = t2;
                break;
            } else {
                t = perror_at(p, t, "missing )");
                break;
            }
        }
        return t;
    }
    return perror_at(p, t, "expected named sort order or parenthesized list");
}

void q_fields_free(q_field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].key);
        free(f[i].order);
        for (size_t j = 0; j < f[i].nfixed; j++)
            free(f[i].fixed[j]);
        free(f[i].fixed);
        free(f[i].fixed_len);
    }
    free(f);
}

int q_parse_projection(const char *query, q_field **out, size_t *n, pg_buf *err)
{
    parser p;
    parser_init(&p, query);
    toks t = {query, p.e.orig_len};
    q_field *fields = NULL;
    size_t nf = 0, cap = 0;
    for (;;) {
        toks t2;
        tok k = key_or_op(&p, &t, &t2);
        if (k.kind == 0)
            break;
        if (k.kind == ',' && nf > 0)
            t = t2;
        fields = pg_xgrow(fields, &cap, nf + 1, sizeof *fields);
        t = parse_field(&p, t, &fields[nf++]);
    }
    end(&p, t);
    int rc = finish(&p, err);
    parser_done(&p);
    if (rc < 0) {
        q_fields_free(fields, nf);
        return -1;
    }
    *out = fields;
    *n = nf;
    return 0;
}
