/*
 * The schema of .perfgate.yml and the validation of every value in it.
 *
 * One table lists the keys in canonical order with their types, defaults and
 * the phrase that tells the user what a valid value looks like; the same
 * code validates a value whether it comes from the file (a YAML node with a
 * line and column) or from a command-line flag, so that `--count 0` and
 * `count: 0` fail with the same sentence. Values are validated completely
 * before anything is stored, so a failed override leaves the config as it was.
 */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_config_internal.h"
#include "pg_fmt.h"
#include "pg_gosyntax.h"

static const char *const window_names[] = {"whole", "timed", NULL};
static const char *const base_names[] = {"merge-base", "fixed", NULL};
static const char *const store_names[] = {"notes", "dir", NULL};
static const char *const correction_names[] = {"holm", "benjamini-hochberg", "none", NULL};
static const char *const format_names[] = {"text", "csv", "json", "markdown", NULL};

#define F(field) offsetof(struct pg_config, field)
#define MAX_LIST 64 /* items in cpu, trace.mmu_windows */

const cfg_key pg_config_keys[] = {
    {"packages", CFG_PACKAGES, F(packages), NULL, 0, 0, 0, "./...",
     "a list of Go package patterns, such as [./...]"},
    {"bench", CFG_REGEXP, F(bench), NULL, 0, 0, 0, ".",
     "a Go regular expression selecting benchmarks as `go test -bench` does, such as `.` or "
     "`^BenchmarkParse`"},
    {"count", CFG_INT, F(count), NULL, 1, 10000, 0, "10",
     "a whole number of rounds from 1 to 10000, such as 10"},
    {"confirm_count", CFG_INT, F(confirm_count), NULL, 0, 10000, 0, "10",
     "a whole number of rounds from 0 to 10000, such as 10 (0: no second look)"},
    {"benchtime", CFG_BENCHTIME, F(benchtime), NULL, 0, 0, CFG_MEASUREMENT, "1s",
     "a duration such as `1s` or `500ms`, or an iteration count such as `1000x`"},
    {"cpu", CFG_CPUS, 0, NULL, 1, 1024, CFG_MEASUREMENT, "",
     "a list of GOMAXPROCS values from 1 to 1024, such as [1, 4], or [] to leave GOMAXPROCS alone"},
    {"timeout", CFG_DURATION, F(timeout_ns), NULL, 0, 0, 0, "10m",
     "a duration such as `10m` or `1m30s`, or 0 for no timeout"},
    {"env", CFG_ENV, 0, NULL, 0, 0, CFG_MEASUREMENT, NULL,
     "a mapping of environment variable names to values, such as {GOGC: 100}"},
    {"build_flags", CFG_FLAGS, F(build_flags), NULL, 0, 0, CFG_MEASUREMENT, "",
     "a list of `go test -c` flags, such as [-tags=integration]"},
    {"trace", CFG_SECTION, 0, NULL, 0, 0, CFG_MEASUREMENT, NULL, NULL},
    {"trace.enabled", CFG_BOOL, F(trace_enabled), NULL, 0, 0, CFG_MEASUREMENT, "true",
     "true or false"},
    {"trace.window", CFG_ENUM, F(trace_window), window_names, 0, 0, CFG_MEASUREMENT, "timed",
     "`whole` or `timed`"},
    {"trace.mmu_windows", CFG_DURATIONS, 0, NULL, 0, 0, CFG_MEASUREMENT, "100us,1ms,10ms,100ms",
     "a list of durations, such as [1ms, 10ms]"},
    {"base", CFG_SECTION, 0, NULL, 0, 0, 0, NULL, NULL},
    {"base.mode", CFG_ENUM, F(base_mode), base_names, 0, 0, 0, "merge-base",
     "`merge-base` or `fixed`"},
    {"base.ref", CFG_REVISION, F(base_ref), NULL, 0, 0, 0, "origin/main",
     "a git revision, such as `origin/main` or a commit id"},
    {"store", CFG_SECTION, 0, NULL, 0, 0, 0, NULL, NULL},
    {"store.backend", CFG_ENUM, F(store), store_names, 0, 0, 0, "notes", "`notes` or `dir`"},
    {"store.notes_ref", CFG_NOTES_REF, F(notes_ref), NULL, 0, 0, 0, "refs/notes/perfgate",
     "a ref under refs/notes/, such as `refs/notes/perfgate`"},
    {"store.dir", CFG_PATH, F(store_dir), NULL, 0, 0, 0, ".perfgate/results",
     "a directory, such as `.perfgate/results`"},
    {"thresholds", CFG_THRESHOLDS, 0, NULL, 0, 0, 0, NULL,
     "a list of rules, such as [{unit: sec/op, limit: 5%}]"},
    {"alpha", CFG_FRACTION, F(alpha), NULL, 0, 0, 0, "0.05",
     "a significance level between 0 and 1, such as 0.05"},
    {"correction", CFG_ENUM, F(correction), correction_names, 0, 0, 0, "holm",
     "`holm`, `benjamini-hochberg` or `none`"},
    {"confidence", CFG_FRACTION, F(confidence), NULL, 0, 0, 0, "0.95",
     "a confidence level between 0 and 1, such as 0.95"},
    {"report", CFG_SECTION, 0, NULL, 0, 0, 0, NULL, NULL},
    {"report.formats", CFG_FORMATS, F(formats), format_names, 0, 0, 0, "text,json,markdown",
     "a list of formats from `text`, `csv`, `json`, `markdown`"},
    {"report.dir", CFG_PATH, F(report_dir), NULL, 0, 0, CFG_EMPTY_OK, "",
     "a directory, such as `perfgate-report`, or \"\" for none"},
    {"report.github", CFG_SECTION, 0, NULL, 0, 0, 0, NULL, NULL},
    {"report.github.step_summary", CFG_BOOL, F(gh_step_summary), NULL, 0, 0, 0, "true",
     "true or false"},
};
const size_t pg_config_nkeys = sizeof pg_config_keys / sizeof pg_config_keys[0];

#define FIELD(cfg, k, type)  ((type *)(void *)((char *)(cfg) + (k)->offset))
#define CFIELD(cfg, k, type) ((const type *)(const void *)((const char *)(cfg) + (k)->offset))

const cfg_key *pg_config_key_find(const char *path, size_t len)
{
    for (size_t i = 0; i < pg_config_nkeys; i++)
        if (strlen(pg_config_keys[i].path) == len && memcmp(pg_config_keys[i].path, path, len) == 0)
            return &pg_config_keys[i];
    return NULL;
}

const char *pg_config_key_name(const cfg_key *k)
{
    const char *dot = strrchr(k->path, '.');
    return dot ? dot + 1 : k->path;
}

/* ---- values and messages ---- */

cfg_val pg_config_val_node(const pg_yaml_node *node, const char *file)
{
    cfg_val v = {.node = node, .file = file};
    if (node->kind == PG_YAML_SCALAR) {
        v.text = node->text;
        v.len = node->len;
        v.quoted = node->quoted;
    }
    return v;
}

cfg_val pg_config_val_text(const char *text, const char *origin)
{
    cfg_val v = {.text = text, .len = strlen(text), .origin = origin};
    return v;
}

static int text_is(const cfg_val *v, const char *s)
{
    return v->text && strlen(s) == v->len && memcmp(v->text, s, v->len) == 0;
}

int pg_config_val_null(const cfg_val *v)
{
    if (!v->node || v->node->kind != PG_YAML_SCALAR || v->quoted)
        return 0;
    return v->len == 0 || text_is(v, "~") || text_is(v, "null") || text_is(v, "Null") ||
           text_is(v, "NULL");
}

static void put_where(pg_buf *m, const cfg_val *v)
{
    if (v->node)
        pg_buf_printf(m, "%s:%zu:%zu: ", v->file, v->node->line, v->node->col);
    else if (v->origin)
        pg_buf_printf(m, "%s: ", v->origin);
    if (v->context)
        pg_buf_printf(m, "%s: ", v->context);
}

/* Appends text for a message: at most 60 bytes (cut on a character
 * boundary), control characters and backticks escaped. */
static void put_text(pg_buf *m, const char *s, size_t len)
{
    size_t n = len;
    if (n > 60) {
        n = 60;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '`')
            pg_buf_printf(m, "\\x%02x", c);
        else
            pg_buf_putc(m, (char)c);
    }
    if (n < len)
        pg_buf_puts(m, "...");
}

void pg_config_put_found(pg_buf *m, const cfg_val *v)
{
    if (v->node && v->node->kind == PG_YAML_MAPPING) {
        pg_buf_puts(m, v->node->n ? "a mapping" : "an empty mapping");
    } else if (v->node && v->node->kind == PG_YAML_SEQUENCE) {
        pg_buf_puts(m, v->node->n ? "a list" : "an empty list");
    } else if (pg_config_val_null(v)) {
        pg_buf_puts(m, "no value");
    } else {
        if (v->node && v->quoted)
            pg_buf_puts(m, "the string ");
        pg_buf_putc(m, '`');
        put_text(m, v->text, v->len);
        pg_buf_putc(m, '`');
    }
}

static int finish(pg_error *err, pg_buf *m)
{
    pg_error_set(err, "%s", pg_buf_str(m));
    pg_buf_free(m);
    return -1;
}

int pg_config_fail(pg_error *err, const cfg_val *v, const char *fmt, ...)
{
    pg_buf m = {0};
    put_where(&m, v);
    va_list ap;
    va_start(ap, fmt);
    pg_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    return finish(err, &m);
}

int pg_config_expect(pg_error *err, const cfg_val *v, const char *what, const char *expect,
                     const char *detail_fmt, ...)
{
    pg_buf m = {0};
    put_where(&m, v);
    pg_buf_printf(&m, "`%s` expects %s, found ", what, expect);
    pg_config_put_found(&m, v);
    if (detail_fmt) {
        va_list ap;
        va_start(ap, detail_fmt);
        pg_buf_vprintf(&m, detail_fmt, ap);
        va_end(ap);
    }
    return finish(err, &m);
}

/* Optimal string alignment distance, ignoring case and '-' vs '_'. */
static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
    if (n > 64 || m > 64)
        return SIZE_MAX;
    size_t d[65][65];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
#define NORM(c) ((c) == '-' ? '_' : tolower((unsigned char)(c)))
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t cost = NORM(a[i - 1]) != NORM(b[j - 1]);
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && NORM(a[i - 1]) == NORM(b[j - 2]) &&
                NORM(a[i - 2]) == NORM(b[j - 1]) && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
#undef NORM
    return d[n][m];
}

const char *pg_config_suggest(const char *word, size_t len, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    size_t limit = len < 3 ? 1 : (len + 2) / 3;
    for (size_t i = 0; i < n; i++) {
        size_t clen = strlen(cands[i]);
        size_t d = distance(word, len, cands[i], clen);
        /* "benchmark" for "bench", "thresh" for "thresholds": a long prefix. */
        size_t shorter = clen < len ? clen : len;
        if (d > limit && shorter >= 4 && strncasecmp(word, cands[i], shorter) == 0)
            d = limit;
        if (d <= limit && d < best_d) {
            best = cands[i];
            best_d = d;
        }
    }
    return best;
}

/* Length of the valid UTF-8 sequence at s[i], or 0. */
static size_t utf8_len(const unsigned char *s, size_t len, size_t i)
{
    unsigned char c = s[i];
    size_t n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, min = 0x10000;
    else
        return 0;
    if (i + n > len)
        return 0;
    unsigned v = c & (0x7F >> n);
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i + k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    return n;
}

int pg_config_check_text(pg_error *err, const cfg_val *v, const char *what, int allow_controls)
{
    const unsigned char *s = (const unsigned char *)v->text;
    for (size_t i = 0; i < v->len;) {
        if (s[i] == 0)
            return pg_config_fail(err, v, "`%s` contains a NUL character; remove it", what);
        if (!allow_controls && (s[i] < 0x20 || s[i] == 0x7f))
            return pg_config_fail(err, v, "`%s` contains the control character \\x%02x; remove it",
                                  what, s[i]);
        size_t n = utf8_len(s, v->len, i);
        if (n == 0)
            return pg_config_fail(err, v, "`%s` is not valid UTF-8 (byte \\x%02x); use UTF-8 text",
                                  what, s[i]);
        i += n;
    }
    return 0;
}

/* Whether YAML would not read code point c back as itself inside a
 * double-quoted scalar: a control character, one of YAML's line breaks
 * (NEL, LS, PS, which it folds), or outside its printable set. */
static int yaml_needs_escape(unsigned c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
           c == 0xfeff || c == 0xfffe || c == 0xffff;
}

void pg_config_put_quoted(pg_buf *b, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s);
    pg_buf_putc(b, '"');
    for (size_t i = 0; i < len;) {
        size_t n = utf8_len(u, len, i);
        unsigned c = u[i];
        if (n > 1) {
            c &= 0x7F >> n;
            for (size_t k = 1; k < n; k++)
                c = (c << 6) | (u[i + k] & 0x3F);
        }
        if (c == '"' || c == '\\')
            pg_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            pg_buf_puts(b, "\\n");
        else if (c == '\t')
            pg_buf_puts(b, "\\t");
        else if (n > 0 && yaml_needs_escape(c))
            pg_buf_printf(b, c <= 0xff ? "\\x%02x" : "\\u%04x", c);
        else
            pg_buf_append(b, s + i, n ? n : 1); /* (invalid UTF-8 never reaches here) */
        i += n ? n : 1;
    }
    pg_buf_putc(b, '"');
}

/* ---- scalars ---- */

/* v must be one value: not a mapping or list, not null. */
static int want_scalar(const cfg_key *k, const cfg_val *v, pg_error *err)
{
    if ((v->node && v->node->kind != PG_YAML_SCALAR) || pg_config_val_null(v))
        return pg_config_expect(err, v, k->path, k->expect, NULL);
    return 0;
}

/* Numbers and booleans are plain YAML scalars; quoting makes them strings. */
static int want_plain(const cfg_key *k, const cfg_val *v, pg_error *err)
{
    if (want_scalar(k, v, err) < 0)
        return -1;
    if (v->quoted)
        return pg_config_expect(err, v, k->path, k->expect, "; remove the quotes");
    return 0;
}

static int parse_long(const char *s, size_t len, long *out)
{
    size_t i = 0;
    int neg = 0;
    if (len > 0 && (s[0] == '-' || s[0] == '+'))
        neg = s[i++] == '-';
    if (i == len)
        return -1;
    long v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v > (1L << 40)) /* far beyond any range in the schema */
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

int pg_config_parse_number(const char *s, size_t len, double *out)
{
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    for (; i < len && isdigit((unsigned char)s[i]); i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && isdigit((unsigned char)s[i]); i++)
            digits++;
    if (digits == 0)
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t e = i;
        for (; i < len && isdigit((unsigned char)s[i]); i++)
            ;
        if (i == e)
            return -1;
    }
    if (i != len)
        return -1;
    char *copy = pg_xstrndup(s, len);
    *out = strtod(copy, NULL);
    free(copy);
    return isfinite(*out) ? 0 : -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int has_space(const cfg_val *v)
{
    for (size_t i = 0; i < v->len; i++)
        if (is_space(v->text[i]))
            return 1;
    return 0;
}

/* Go duration >= 0 (or > 0 when positive is set), with Go's reason on error. */
static int parse_duration(const cfg_key *k, const cfg_val *v, int positive, int64_t *ns,
                          pg_error *err)
{
    size_t uoff = 0, ulen = 0;
    switch (pg_gosyntax_duration_parse(v->text, v->len, ns, &uoff, &ulen)) {
    case PG_GOSYNTAX_DURATION_OK:
        break;
    case PG_GOSYNTAX_DURATION_MISSING_UNIT:
        return pg_config_expect(err, v, k->path, k->expect,
                                ": a number needs a unit (ns, us, ms, s, m, h)");
    case PG_GOSYNTAX_DURATION_UNKNOWN_UNIT: {
        pg_buf u = {0};
        put_text(&u, v->text + uoff, ulen);
        pg_config_expect(err, v, k->path, k->expect,
                         ": unknown unit `%s` (Go knows ns, us, ms, s, m, h)", pg_buf_str(&u));
        pg_buf_free(&u);
        return -1;
    }
    case PG_GOSYNTAX_DURATION_OVERFLOW:
        return pg_config_expect(err, v, k->path, k->expect,
                                ": Go durations end at 2562047h47m16.854775807s");
    case PG_GOSYNTAX_DURATION_INVALID:
        return pg_config_expect(err, v, k->path, k->expect, NULL);
    }
    if (*ns < 0 || (positive && *ns == 0))
        return pg_config_expect(err, v, k->path, k->expect, ": it must be %s",
                                positive ? "positive" : "0 or positive");
    return 0;
}

/* ---- lists ---- */

typedef struct item_list {
    cfg_val *v;
    size_t n, cap;
} item_list;

static void items_add(item_list *it, cfg_val v)
{
    it->v = pg_xgrow(it->v, &it->cap, it->n + 1, sizeof *it->v);
    it->v[it->n++] = v;
}

/* The items of a list value: a YAML sequence of scalars, or one scalar (from
 * the file or the command line) split at white space, and at commas too when
 * `commas` is set. */
static int get_items(const cfg_key *k, const cfg_val *v, int commas, item_list *out, pg_error *err)
{
    *out = (item_list){0};
    if (v->node && v->node->kind == PG_YAML_SEQUENCE) {
        for (size_t i = 0; i < v->node->n; i++) {
            cfg_val item = pg_config_val_node(v->node->items[i], v->file);
            if (item.node->kind != PG_YAML_SCALAR || pg_config_val_null(&item)) {
                free(out->v);
                return pg_config_expect(err, &item, k->path, k->expect, " in the list");
            }
            items_add(out, item);
        }
        return 0;
    }
    if (want_scalar(k, v, err) < 0)
        return -1;
    for (size_t i = 0; i < v->len;) {
        if (is_space(v->text[i]) || (commas && v->text[i] == ',')) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < v->len && !is_space(v->text[j]) && !(commas && v->text[j] == ','))
            j++;
        cfg_val item = *v;
        item.text = v->text + i;
        item.len = j - i;
        item.quoted = 0;
        items_add(out, item);
        i = j;
    }
    return 0;
}

static void strlist_free(pg_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    *l = (pg_strlist){0};
}

static int parse_strlist(pg_config *cfg, const cfg_key *k, const cfg_val *v, pg_error *err)
{
    item_list it;
    if (get_items(k, v, 0, &it, err) < 0)
        return -1;
    if (k->type == CFG_PACKAGES && it.n == 0) {
        free(it.v);
        return pg_config_expect(err, v, k->path, k->expect, ": give at least one pattern");
    }
    for (size_t i = 0; i < it.n; i++) {
        const cfg_val *x = &it.v[i];
        int bad = pg_config_check_text(err, x, k->path, 0) < 0;
        if (!bad && k->type == CFG_PACKAGES) {
            if (x->len == 0 || x->text[0] == '-' || has_space(x))
                bad = pg_config_expect(err, x, k->path, k->expect,
                                       ": a package pattern has no spaces and does not start "
                                       "with `-`") < 0;
        } else if (!bad) {
            int is_o = (x->len >= 2 && memcmp(x->text, "-o", 2) == 0 &&
                        (x->len == 2 || x->text[2] == '=')) ||
                       (x->len >= 3 && memcmp(x->text, "--o", 3) == 0 &&
                        (x->len == 3 || x->text[3] == '='));
            int is_c = (x->len == 2 && memcmp(x->text, "-c", 2) == 0) ||
                       (x->len == 3 && memcmp(x->text, "--c", 3) == 0) ||
                       (x->len >= 3 && memcmp(x->text, "-c=", 3) == 0);
            if (x->len == 0 || x->text[0] != '-')
                bad = pg_config_expect(err, x, k->path, k->expect, ": a flag starts with `-`") < 0;
            else if (is_o || is_c)
                bad = pg_config_expect(err, x, k->path, k->expect,
                                       ": perfgate passes -c and -o itself") < 0;
        }
        if (bad) {
            free(it.v);
            return -1;
        }
    }
    pg_strlist *l = FIELD(cfg, k, pg_strlist);
    strlist_free(l);
    l->n = it.n;
    l->items = pg_xcalloc(it.n ? it.n : 1, sizeof *l->items);
    for (size_t i = 0; i < it.n; i++)
        l->items[i] = pg_xstrndup(it.v[i].text, it.v[i].len);
    free(it.v);
    return 0;
}

static int parse_cpus(pg_config *cfg, const cfg_key *k, const cfg_val *v, pg_error *err)
{
    item_list it;
    if (get_items(k, v, 1, &it, err) < 0)
        return -1;
    int *cpus = pg_xcalloc(it.n ? it.n : 1, sizeof *cpus);
    for (size_t i = 0; i < it.n; i++) {
        long n = 0;
        const cfg_val *x = &it.v[i];
        int bad = 0;
        if (i >= MAX_LIST)
            bad = pg_config_expect(err, x, k->path, k->expect, ": at most %d values", MAX_LIST);
        else if (x->quoted)
            bad = pg_config_expect(err, x, k->path, k->expect, "; remove the quotes");
        else if (parse_long(x->text, x->len, &n) < 0 || n < k->min || n > k->max)
            bad = pg_config_expect(err, x, k->path, k->expect, NULL);
        for (size_t j = 0; !bad && j < i; j++) /* by value: 04 and 4 are one */
            if (cpus[j] == (int)n)
                bad = pg_config_expect(err, x, k->path, k->expect, ": it is listed twice") < 0;
        if (bad) {
            free(cpus);
            free(it.v);
            return -1;
        }
        cpus[i] = (int)n;
    }
    free(cfg->cpus);
    cfg->cpus = cpus;
    cfg->ncpus = it.n;
    free(it.v);
    return 0;
}

static int parse_durations(pg_config *cfg, const cfg_key *k, const cfg_val *v, pg_error *err)
{
    item_list it;
    if (get_items(k, v, 1, &it, err) < 0)
        return -1;
    int64_t *ns = pg_xcalloc(it.n ? it.n : 1, sizeof *ns);
    for (size_t i = 0; i < it.n; i++) {
        int bad = 0;
        if (i >= MAX_LIST)
            bad = pg_config_expect(err, &it.v[i], k->path, k->expect, ": at most %d values",
                                   MAX_LIST);
        else if (parse_duration(k, &it.v[i], 1, &ns[i], err) < 0)
            bad = 1;
        for (size_t j = 0; !bad && j < i; j++)
            if (ns[j] == ns[i])
                bad = pg_config_expect(err, &it.v[i], k->path, k->expect,
                                       ": that duration is listed twice") < 0;
        if (bad) {
            free(ns);
            free(it.v);
            return -1;
        }
    }
    free(cfg->mmu);
    cfg->mmu = ns;
    cfg->nmmu = it.n;
    free(it.v);
    return 0;
}

static size_t name_count(const char *const *names)
{
    size_t n = 0;
    while (names[n])
        n++;
    return n;
}

/* The index of v's text in names, or -1 with an error (and a suggestion). */
static int lookup_name(const cfg_key *k, const cfg_val *v, pg_error *err)
{
    for (size_t i = 0; k->names[i]; i++)
        if (text_is(v, k->names[i]))
            return (int)i;
    const char *s = pg_config_suggest(v->text, v->len, k->names, name_count(k->names));
    if (s)
        return pg_config_expect(err, v, k->path, k->expect, "; did you mean `%s`?", s);
    return pg_config_expect(err, v, k->path, k->expect, NULL);
}

static int parse_formats(pg_config *cfg, const cfg_key *k, const cfg_val *v, pg_error *err)
{
    item_list it;
    if (get_items(k, v, 1, &it, err) < 0)
        return -1;
    unsigned set = 0;
    for (size_t i = 0; i < it.n; i++) {
        int f = lookup_name(k, &it.v[i], err);
        if (f >= 0 && (set & (1u << f)))
            f = pg_config_expect(err, &it.v[i], k->path, k->expect, ": it is listed twice");
        if (f < 0) {
            free(it.v);
            return -1;
        }
        set |= 1u << f;
    }
    free(it.v);
    *FIELD(cfg, k, unsigned) = set;
    return 0;
}

static int env_name_ok(const char *s, size_t len)
{
    if (len == 0 || isdigit((unsigned char)s[0]))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return 1;
}

static void env_free(pg_config_envvar *env, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)env[i].name);
        free((char *)env[i].value);
    }
    free(env);
}

/* A variable's value: any scalar (numbers and booleans as written), no NUL. */
static int check_env_value(const char *what, const cfg_val *v, pg_error *err)
{
    if ((v->node && v->node->kind != PG_YAML_SCALAR) || pg_config_val_null(v))
        return pg_config_expect(err, v, what, "a value such as `100` or \"\" for empty", NULL);
    return pg_config_check_text(err, v, what, 1);
}

static int parse_env(pg_config *cfg, const cfg_key *k, const cfg_val *v, pg_error *err)
{
    if (!v->node)
        return pg_config_fail(err, v, "set one environment variable at a time, as `env.NAME`");
    if (pg_config_val_null(v)) {
        env_free(cfg->env, cfg->nenv);
        cfg->env = NULL;
        cfg->nenv = 0;
        return 0;
    }
    if (v->node->kind != PG_YAML_MAPPING)
        return pg_config_expect(err, v, k->path, k->expect, NULL);
    size_t n = v->node->n / 2;
    pg_config_envvar *env = pg_xcalloc(n ? n : 1, sizeof *env);
    for (size_t i = 0; i < n; i++) {
        cfg_val name = pg_config_val_node(v->node->items[2 * i], v->file);
        cfg_val value = pg_config_val_node(v->node->items[2 * i + 1], v->file);
        int bad = 0;
        if (!env_name_ok(name.text, name.len)) {
            pg_buf m = {0};
            pg_config_put_found(&m, &name);
            bad = pg_config_fail(err, &name,
                                 "`env` has the key %s, which is not an environment variable "
                                 "name; use letters, digits and `_`, not starting with a digit",
                                 pg_buf_str(&m));
            pg_buf_free(&m);
        } else {
            char *what = pg_xasprintf("env.%.*s", (int)name.len, name.text);
            bad = check_env_value(what, &value, err) < 0;
            free(what);
        }
        if (bad) {
            env_free(env, i);
            return -1;
        }
        env[i].name = pg_xstrndup(name.text, name.len);
        env[i].value = pg_xstrndup(value.text, value.len);
    }
    env_free(cfg->env, cfg->nenv);
    cfg->env = env;
    cfg->nenv = n;
    return 0;
}

int pg_config_set_env(pg_config *cfg, const char *name, const cfg_val *v, pg_error *err)
{
    if (!env_name_ok(name, strlen(name)))
        return pg_config_fail(err, v,
                              "`%s` is not an environment variable name; use letters, digits and "
                              "`_`, not starting with a digit",
                              name);
    char *what = pg_xasprintf("env.%s", name);
    int bad = check_env_value(what, v, err) < 0;
    free(what);
    if (bad)
        return -1;
    for (size_t i = 0; i < cfg->nenv; i++) {
        if (strcmp(cfg->env[i].name, name) == 0) {
            free((char *)cfg->env[i].value);
            cfg->env[i].value = pg_xstrndup(v->text, v->len);
            return 0;
        }
    }
    size_t cap = cfg->nenv;
    cfg->env = pg_xgrow(cfg->env, &cap, cfg->nenv + 1, sizeof *cfg->env);
    cfg->env[cfg->nenv].name = pg_xstrdup(name);
    cfg->env[cfg->nenv].value = pg_xstrndup(v->text, v->len);
    cfg->nenv++;
    return 0;
}

/* git check-ref-format's rules for the part after refs/notes/. */
static int notes_ref_ok(const char *s, size_t len)
{
    static const char prefix[] = "refs/notes/";
    size_t p = sizeof prefix - 1;
    if (len <= p || memcmp(s, prefix, p) != 0)
        return 0;
    if (s[len - 1] == '/' || s[len - 1] == '.' ||
        (len >= 5 && memcmp(s + len - 5, ".lock", 5) == 0))
        return 0;
    for (size_t i = p; i < len; i++) {
        char c = s[i];
        if (strchr(" ~^:?*[\\", c) || (c == '.' && (i + 1 < len && s[i + 1] == '.')) ||
            (c == '/' && i + 1 < len && (s[i + 1] == '/' || s[i + 1] == '.')) ||
            (c == '@' && i + 1 < len && s[i + 1] == '{'))
            return 0;
    }
    return s[p] != '.';
}

static int set_string(pg_config *cfg, const cfg_key *k, const cfg_val *v)
{
    char **field = FIELD(cfg, k, char *);
    free(*field);
    *field = pg_xstrndup(v->text, v->len);
    return 0;
}

static int parse_string(pg_config *cfg, const cfg_key *k, const cfg_val *v, pg_error *err)
{
    if (want_scalar(k, v, err) < 0 || pg_config_check_text(err, v, k->path, 0) < 0)
        return -1;
    if (v->len == 0 && !(k->flags & CFG_EMPTY_OK))
        return pg_config_expect(err, v, k->path, k->expect, NULL);
    switch (k->type) {
    case CFG_REGEXP: {
        pg_buf why = {0};
        if (pg_gosyntax_bench_check(v->text, v->len, &why) < 0) {
            pg_config_expect(err, v, k->path, k->expect, ": %s", pg_buf_str(&why));
            pg_buf_free(&why);
            return -1;
        }
        break;
    }
    case CFG_REVISION:
        if (has_space(v) || v->text[0] == '-')
            return pg_config_expect(err, v, k->path, k->expect,
                                    ": a revision has no spaces and does not start with `-`");
        break;
    case CFG_NOTES_REF:
        if (!notes_ref_ok(v->text, v->len))
            return pg_config_expect(err, v, k->path, k->expect,
                                    ": it must start with `refs/notes/` and be a valid git ref "
                                    "name");
        break;
    default:
        break;
    }
    return set_string(cfg, k, v);
}

/* ---- the dispatcher ---- */

int pg_config_parse_value(pg_config *cfg, const cfg_key *k, const cfg_val *v, pg_error *err)
{
    switch (k->type) {
    case CFG_REGEXP:
    case CFG_REVISION:
    case CFG_NOTES_REF:
    case CFG_PATH:
        return parse_string(cfg, k, v, err);
    case CFG_PACKAGES:
    case CFG_FLAGS:
        return parse_strlist(cfg, k, v, err);
    case CFG_INT: {
        long n;
        if (want_plain(k, v, err) < 0)
            return -1;
        if (parse_long(v->text, v->len, &n) < 0 || n < k->min || n > k->max)
            return pg_config_expect(err, v, k->path, k->expect, NULL);
        *FIELD(cfg, k, int) = (int)n;
        return 0;
    }
    case CFG_BENCHTIME: {
        int64_t n, ns;
        const char *why;
        if (want_scalar(k, v, err) < 0)
            return -1;
        if (pg_gosyntax_benchtime_parse(v->text, v->len, &n, &ns, &why) < 0) {
            if (v->len > 0 && strspn(v->text, "0123456789") == v->len)
                return pg_config_expect(err, v, k->path, k->expect,
                                        ": add a unit (`%.*ss`) or an `x` for iterations "
                                        "(`%.*sx`)",
                                        (int)v->len, v->text, (int)v->len, v->text);
            return pg_config_expect(err, v, k->path, k->expect, ": %s", why);
        }
        pg_buf b = {0};
        if (n > 0)
            pg_buf_printf(&b, "%lldx", (long long)n);
        else
            pg_gosyntax_duration_format(&b, ns);
        free(cfg->benchtime);
        cfg->benchtime = pg_buf_detach(&b);
        cfg->benchtime_n = n;
        cfg->benchtime_ns = ns;
        return 0;
    }
    case CFG_DURATION: {
        int64_t ns;
        if (want_scalar(k, v, err) < 0 || parse_duration(k, v, 0, &ns, err) < 0)
            return -1;
        *FIELD(cfg, k, int64_t) = ns;
        return 0;
    }
    case CFG_CPUS:
        return parse_cpus(cfg, k, v, err);
    case CFG_ENV:
        return parse_env(cfg, k, v, err);
    case CFG_BOOL: {
        if (want_plain(k, v, err) < 0)
            return -1;
        int b = text_is(v, "true") || text_is(v, "True") || text_is(v, "TRUE")      ? 1
                : text_is(v, "false") || text_is(v, "False") || text_is(v, "FALSE") ? 0
                                                                                    : -1;
        if (b < 0)
            return pg_config_expect(err, v, k->path, k->expect, NULL);
        *FIELD(cfg, k, int) = b;
        return 0;
    }
    case CFG_ENUM: {
        int i;
        if (want_scalar(k, v, err) < 0 || (i = lookup_name(k, v, err)) < 0)
            return -1;
        *FIELD(cfg, k, int) = i;
        return 0;
    }
    case CFG_DURATIONS:
        return parse_durations(cfg, k, v, err);
    case CFG_FRACTION: {
        double x;
        if (want_plain(k, v, err) < 0)
            return -1;
        if (pg_config_parse_number(v->text, v->len, &x) < 0 || !(x > 0 && x < 1))
            return pg_config_expect(err, v, k->path, k->expect, NULL);
        *FIELD(cfg, k, double) = x;
        return 0;
    }
    case CFG_FORMATS:
        return parse_formats(cfg, k, v, err);
    case CFG_THRESHOLDS:
        return pg_config_rules_parse(cfg, v, err);
    case CFG_SECTION:
        break;
    }
    abort(); /* sections hold no value: the loader and pg_config_set never pass one */
}

/* ---- canonical text ---- */

static void write_quoted_list(pg_buf *out, char *const *items, size_t n)
{
    pg_buf_putc(out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            pg_buf_puts(out, ", ");
        pg_config_put_quoted(out, items[i]);
    }
    pg_buf_putc(out, ']');
}

static int env_cmp(const void *a, const void *b)
{
    return strcmp(((const pg_config_envvar *)a)->name, ((const pg_config_envvar *)b)->name);
}

void pg_config_write_value(const pg_config *cfg, const cfg_key *k, pg_buf *out)
{
    switch (k->type) {
    case CFG_REGEXP:
    case CFG_REVISION:
    case CFG_NOTES_REF:
    case CFG_PATH:
    case CFG_BENCHTIME:
        pg_config_put_quoted(out, *CFIELD(cfg, k, char *));
        break;
    case CFG_PACKAGES:
    case CFG_FLAGS: {
        const pg_strlist *l = CFIELD(cfg, k, pg_strlist);
        write_quoted_list(out, l->items, l->n);
        break;
    }
    case CFG_INT:
        pg_buf_printf(out, "%d", *CFIELD(cfg, k, int));
        break;
    case CFG_DURATION: {
        pg_buf d = {0};
        pg_gosyntax_duration_format(&d, *CFIELD(cfg, k, int64_t));
        pg_config_put_quoted(out, pg_buf_str(&d));
        pg_buf_free(&d);
        break;
    }
    case CFG_CPUS:
        pg_buf_putc(out, '[');
        for (size_t i = 0; i < cfg->ncpus; i++)
            pg_buf_printf(out, "%s%d", i ? ", " : "", cfg->cpus[i]);
        pg_buf_putc(out, ']');
        break;
    case CFG_ENV: {
        /* Sorted: the order of variables does not change what runs. */
        pg_config_envvar *sorted = pg_xcalloc(cfg->nenv ? cfg->nenv : 1, sizeof *sorted);
        if (cfg->nenv)
            memcpy(sorted, cfg->env, cfg->nenv * sizeof *sorted);
        qsort(sorted, cfg->nenv, sizeof *sorted, env_cmp);
        pg_buf_putc(out, '{');
        for (size_t i = 0; i < cfg->nenv; i++) {
            if (i)
                pg_buf_puts(out, ", ");
            pg_config_put_quoted(out, sorted[i].name);
            pg_buf_puts(out, ": ");
            pg_config_put_quoted(out, sorted[i].value);
        }
        pg_buf_putc(out, '}');
        free(sorted);
        break;
    }
    case CFG_BOOL:
        pg_buf_puts(out, *CFIELD(cfg, k, int) ? "true" : "false");
        break;
    case CFG_ENUM:
        pg_buf_puts(out, k->names[*CFIELD(cfg, k, int)]);
        break;
    case CFG_DURATIONS:
        pg_buf_putc(out, '[');
        for (size_t i = 0; i < cfg->nmmu; i++) {
            pg_buf d = {0};
            pg_gosyntax_duration_format(&d, cfg->mmu[i]);
            if (i)
                pg_buf_puts(out, ", ");
            pg_config_put_quoted(out, pg_buf_str(&d));
            pg_buf_free(&d);
        }
        pg_buf_putc(out, ']');
        break;
    case CFG_FRACTION:
        pg_fmt_go_float(out, *CFIELD(cfg, k, double));
        break;
    case CFG_FORMATS: {
        unsigned set = *CFIELD(cfg, k, unsigned);
        int first = 1;
        pg_buf_putc(out, '[');
        for (int f = 0; k->names[f]; f++) {
            if (set & (1u << f)) {
                pg_buf_printf(out, "%s%s", first ? "" : ", ", k->names[f]);
                first = 0;
            }
        }
        pg_buf_putc(out, ']');
        break;
    }
    case CFG_THRESHOLDS:
        pg_config_rules_write(cfg, out);
        break;
    case CFG_SECTION:
        break;
    }
}

void pg_config_free_value(pg_config *cfg, const cfg_key *k)
{
    switch (k->type) {
    case CFG_REGEXP:
    case CFG_REVISION:
    case CFG_NOTES_REF:
    case CFG_PATH:
    case CFG_BENCHTIME: {
        char **s = FIELD(cfg, k, char *);
        free(*s);
        *s = NULL;
        break;
    }
    case CFG_PACKAGES:
    case CFG_FLAGS:
        strlist_free(FIELD(cfg, k, pg_strlist));
        break;
    case CFG_CPUS:
        free(cfg->cpus);
        cfg->cpus = NULL;
        cfg->ncpus = 0;
        break;
    case CFG_ENV:
        env_free(cfg->env, cfg->nenv);
        cfg->env = NULL;
        cfg->nenv = 0;
        break;
    case CFG_DURATIONS:
        free(cfg->mmu);
        cfg->mmu = NULL;
        cfg->nmmu = 0;
        break;
    case CFG_THRESHOLDS:
        pg_config_rules_free(cfg);
        break;
    default:
        break;
    }
}
