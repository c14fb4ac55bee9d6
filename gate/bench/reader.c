/*
 * The benchmark-format reader (pg_bench.h): benchfmt.Reader's line
 * classification, result and metadata parsing and configuration scoping,
 * plus the `go test -json` front end that turns events back into lines.
 *
 * Each logical stream of lines (the file, or one package of a -json
 * stream) has its own configuration. Strings a result points to live in
 * the reader (interned units and config keys) or in the line buffer, so
 * nothing is allocated per result.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pg_bench_num.h"
#include "pg_alloc.h"
#include "pg_bench.h"
#include "pg_bench_unicode.h"
#include "pg_bench_unit.h"
#include "pg_buf.h"
#include "pg_intern.h"
#include "pg_lines.h"

typedef struct cfg_entry {
    size_t key; /* id in reader->strs */
    pg_buf val;
} cfg_entry;

/* One stream of lines with its own configuration. */
typedef struct stream {
    cfg_entry *cfg;
    size_t ncfg, cap;
    pg_bench_kv *kv; /* cfg as handed out; rebuilt when cfg changes */
    size_t kvcap;
    int kv_stale;
    pg_buf pending; /* -json: output text not yet split into lines */
    size_t done;    /* bytes of pending already consumed */
} stream;

typedef struct unit_info {
    const char *unit, *tidied; /* interned in units_tab */
    size_t len;                /* of unit */
    double factor;
} unit_info;

enum { MODE_UNKNOWN, MODE_TEXT, MODE_JSON };

struct pg_bench_reader {
    pg_lines *lines;
    char *path, *label;
    pg_bench_units *units;
    pg_bench_diag_fn *diag;
    void *diag_ctx;
    int mode;
    int at_eof;
    pg_intern *strs;      /* config keys */
    pg_intern *units_tab; /* units as written and tidied */
    unit_info *uinfo;     /* by id in units_tab; unit == NULL until looked up */
    size_t uinfo_cap;
    const unit_info *recent[8]; /* the unit of the i-th value of the last result line */
    stream *streams;            /* text: one; -json: one per Package, "" first */
    size_t nstreams, scap;
    pg_intern *pkgs;  /* package → stream index */
    size_t cur;       /* -json: the stream whose pending lines are being read */
    size_t flush_pos; /* -json at EOF: next stream to flush */
    pg_bench_value *values;
    size_t vcap;
    pg_buf tmp;
};

static pg_bench_reader *create(pg_lines *lines, const char *path, const char *label,
                               pg_bench_units *units)
{
    pg_bench_reader *r = pg_xcalloc(1, sizeof *r);
    r->lines = lines;
    r->path = pg_xstrdup(path);
    r->label = pg_xstrdup(label ? label : path);
    r->units = units;
    r->strs = pg_intern_create();
    r->units_tab = pg_intern_create();
    r->pkgs = pg_intern_create();
    return r;
}

pg_bench_reader *pg_bench_reader_open(const char *path, const char *label, pg_bench_units *units,
                                      pg_error *err)
{
    pg_lines *lines = pg_lines_open(path, path, PG_BENCH_MAX_LINE, err);
    if (!lines)
        return NULL;
    return create(lines, path, label, units);
}

pg_bench_reader *pg_bench_reader_mem(const char *data, size_t len, const char *name,
                                     pg_bench_units *units)
{
    return create(pg_lines_from_mem(data, len, name, PG_BENCH_MAX_LINE), name, name, units);
}

void pg_bench_reader_set_diag(pg_bench_reader *r, pg_bench_diag_fn *fn, void *ctx)
{
    r->diag = fn;
    r->diag_ctx = ctx;
}

int pg_bench_reader_is_json(const pg_bench_reader *r)
{
    return r->mode == MODE_JSON;
}

int pg_bench_reader_blank(const pg_bench_reader *r)
{
    return r->mode == MODE_UNKNOWN;
}

void pg_bench_reader_free(pg_bench_reader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nstreams; i++) {
        stream *s = &r->streams[i];
        for (size_t j = 0; j < s->cap; j++)
            pg_buf_free(&s->cfg[j].val);
        free(s->cfg);
        free(s->kv);
        pg_buf_free(&s->pending);
    }
    free(r->streams);
    free(r->uinfo);
    free(r->values);
    pg_buf_free(&r->tmp);
    pg_intern_free(r->strs);
    pg_intern_free(r->units_tab);
    pg_intern_free(r->pkgs);
    pg_lines_close(r->lines);
    free(r->path);
    free(r->label);
    free(r);
}

static size_t stream_for(pg_bench_reader *r, const char *pkg, size_t len)
{
    int added;
    size_t id = pg_intern_add(r->pkgs, pkg, len, &added);
    if (added) {
        r->streams = pg_xgrow(r->streams, &r->scap, id + 1, sizeof *r->streams);
        memset(&r->streams[id], 0, sizeof r->streams[id]);
        r->nstreams = id + 1;
    }
    return id;
}

static void diag(pg_bench_reader *r, size_t line, const char *msg)
{
    if (r->diag)
        r->diag(r->diag_ctx, r->path, line, msg);
}

/* --- benchfmt's line syntax ------------------------------------------- */

/* 0 for a non-space byte, 1 for ASCII whitespace, 2 for a byte that starts
 * a multi-byte rune (decoded to test unicode.IsSpace). */
static int byte_class(unsigned char c)
{
    if (c >= 0x80)
        return 2;
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int is_space_at(const char *s, size_t n, size_t *w)
{
    int c = byte_class((unsigned char)s[0]);
    *w = 1;
    if (c < 2)
        return c;
    return pg_bench_is_space(pg_bench_utf8_decode(s, n, w));
}

/* benchfmt's splitField: the next run of non-space bytes, and the rest
 * after the following whitespace. */
static void split_field(const char **s, size_t *n, const char **f, size_t *flen)
{
    const char *p = *s;
    size_t len = *n, i = 0, w = 1;
    int found = 0;
    while (i < len) {
        int c = byte_class((unsigned char)p[i]);
        if (c == 0) {
            i++;
            continue;
        }
        if (c == 1 || is_space_at(p + i, len - i, &w)) {
            found = 1;
            w = c == 1 ? 1 : w;
            break;
        }
        i += w;
    }
    *f = p;
    *flen = i;
    if (!found) {
        *s = p + len;
        *n = 0;
        return;
    }
    i += w;
    while (i < len) {
        int c = byte_class((unsigned char)p[i]);
        if (c == 0 || (c == 2 && !is_space_at(p + i, len - i, &w)))
            break;
        i += c == 1 ? 1 : w;
    }
    *s = p + i;
    *n = len - i;
}

static void grow_uinfo(pg_bench_reader *r, size_t id)
{
    size_t old = r->uinfo_cap;
    if (id < old)
        return;
    r->uinfo = pg_xgrow(r->uinfo, &r->uinfo_cap, id + 1, sizeof *r->uinfo);
    memset(r->uinfo + old, 0, (r->uinfo_cap - old) * sizeof *r->uinfo);
}

/* The tidied form of a unit, computed once per distinct unit. Lines of one
 * file repeat their units in the same positions, so check those first. */
static const unit_info *unit_lookup(pg_bench_reader *r, size_t pos, const char *unit, size_t len)
{
    const unit_info **recent = &r->recent[pos % 8];
    if (*recent && (*recent)->len == len && memcmp((*recent)->unit, unit, len) == 0)
        return *recent;
    size_t id = pg_intern_add(r->units_tab, unit, len, NULL);
    grow_uinfo(r, id);
    if (!r->uinfo[id].unit) {
        pg_buf_truncate(&r->tmp, 0);
        double factor = pg_bench_unit_tidy(unit, len, &r->tmp);
        size_t t = pg_intern_add(r->units_tab, r->tmp.data, r->tmp.len, NULL);
        grow_uinfo(r, t);
        r->uinfo[id] = (unit_info){pg_intern_key(r->units_tab, id, NULL),
                                   pg_intern_key(r->units_tab, t, NULL), len, factor};
        /* uinfo may have moved */
        memset(r->recent, 0, sizeof r->recent);
    }
    return *recent = &r->uinfo[id];
}

/* Returns 1 with a result in out, 0 for a skipped line, -1 after a diagnostic. */
static int parse_result(pg_bench_reader *r, stream *st, const char *line, size_t len, size_t lineno,
                        pg_bench_result *out)
{
    line += 9; /* "Benchmark" */
    len -= 9;
    size_t line_len = len;
    const char *name, *f;
    size_t name_len, flen;
    split_field(&line, &len, &name, &name_len);
    if (len == 0 && name_len == line_len)
        return 0; /* "go test -v" prints the bare name when a benchmark starts */
    split_field(&line, &len, &f, &flen);
    if (flen == 0) {
        diag(r, lineno, "missing iteration count");
        return -1;
    }
    long long iters;
    int rc = pg_bench_parse_int(f, flen, &iters);
    if (rc != PG_NUM_OK) {
        pg_buf_truncate(&r->tmp, 0);
        pg_buf_printf(&r->tmp, "parsing iteration count: %s", pg_bench_num_strerror(rc));
        diag(r, lineno, r->tmp.data);
        return -1;
    }
    size_t nv = 0;
    for (;;) {
        split_field(&line, &len, &f, &flen);
        if (flen == 0) {
            if (nv > 0)
                break;
            diag(r, lineno, "missing measurements");
            return -1;
        }
        double v;
        rc = pg_bench_parse_float(f, flen, &v);
        if (rc != PG_NUM_OK) {
            pg_buf_truncate(&r->tmp, 0);
            pg_buf_printf(&r->tmp, "parsing measurement: %s", pg_bench_num_strerror(rc));
            diag(r, lineno, r->tmp.data);
            return -1;
        }
        split_field(&line, &len, &f, &flen);
        if (flen == 0) {
            diag(r, lineno, "missing units");
            return -1;
        }
        const unit_info *ui = unit_lookup(r, nv, f, flen);
        r->values = pg_xgrow(r->values, &r->vcap, nv + 1, sizeof *r->values);
        pg_bench_value *pv = &r->values[nv++];
        double tv = v * ui->factor;
        if (tv == v)
            *pv = (pg_bench_value){v, ui->unit, v, NULL};
        else
            *pv = (pg_bench_value){tv, ui->tidied, v, ui->unit};
    }
    if (st->kv_stale) {
        st->kv = pg_xgrow(st->kv, &st->kvcap, st->ncfg, sizeof *st->kv);
        for (size_t i = 0; i < st->ncfg; i++) {
            size_t klen;
            const char *k = pg_intern_key(r->strs, st->cfg[i].key, &klen);
            st->kv[i] = (pg_bench_kv){k, klen, pg_buf_str(&st->cfg[i].val), st->cfg[i].val.len};
        }
        st->kv_stale = 0;
    }
    *out = (pg_bench_result){
        .file = r->label,
        .config = st->kv,
        .nconfig = st->ncfg,
        .name = name,
        .name_len = name_len,
        .iters = iters,
        .values = r->values,
        .nvalues = nv,
        .path = r->path,
        .line = lineno,
    };
    return 1;
}

static void parse_unit_line(pg_bench_reader *r, const char *line, size_t len, size_t lineno)
{
    const char *f;
    size_t flen;
    split_field(&line, &len, &f, &flen); /* "Unit" */
    split_field(&line, &len, &f, &flen);
    if (flen == 0) {
        diag(r, lineno, "missing unit");
        return;
    }
    char *unit = pg_xstrndup(f, flen);
    for (;;) {
        split_field(&line, &len, &f, &flen);
        if (flen == 0)
            break;
        const char *eq = memchr(f, '=', flen);
        if (!eq || eq == f) {
            diag(r, lineno, "expected key=value");
            continue;
        }
        char *key = pg_xstrndup(f, (size_t)(eq - f));
        char *val = pg_xstrndup(eq + 1, flen - (size_t)(eq - f) - 1);
        pg_error err;
        if (pg_bench_units_set(r->units, unit, key, val, &err) < 0)
            diag(r, lineno, err.msg);
        free(key);
        free(val);
    }
    free(unit);
}

/* benchfmt's parseKeyValueLine: returns 1 for a configuration line. */
static int parse_kv(const char *line, size_t len, size_t *key_len, const char **val,
                    size_t *val_len)
{
    size_t i = 0, klen = 0;
    while (i < len) {
        size_t w;
        uint32_t c = pg_bench_utf8_decode(line + i, len - i, &w);
        if (i == 0 && !pg_bench_is_lower(c))
            return 0;
        if (pg_bench_is_space(c) || pg_bench_is_upper(c))
            return 0;
        if (i > 0 && c == ':') {
            klen = i;
            break;
        }
        i += w;
    }
    if (klen == 0)
        return 0;
    const char *v = line + klen + 1;
    size_t vlen = len - klen - 1;
    *key_len = klen;
    if (vlen == 0) {
        *val = v;
        *val_len = 0;
        return 1;
    }
    int ok = 0;
    while (vlen > 0 && (v[0] == ' ' || v[0] == '\t')) {
        v++;
        vlen--;
        ok = 1;
    }
    *val = v;
    *val_len = vlen;
    return ok;
}

static void set_config(pg_bench_reader *r, stream *st, const char *key, size_t klen,
                       const char *val, size_t vlen)
{
    size_t id = pg_intern_add(r->strs, key, klen, NULL);
    size_t pos = 0;
    while (pos < st->ncfg && st->cfg[pos].key != id)
        pos++;
    st->kv_stale = 1;
    if (vlen == 0) {
        if (pos == st->ncfg)
            return;
        /* benchfmt swaps the deleted entry with the last one */
        cfg_entry tmp = st->cfg[pos];
        st->cfg[pos] = st->cfg[st->ncfg - 1];
        st->cfg[st->ncfg - 1] = tmp;
        st->ncfg--;
        return;
    }
    if (pos == st->ncfg) {
        size_t old = st->cap;
        st->cfg = pg_xgrow(st->cfg, &st->cap, st->ncfg + 1, sizeof *st->cfg);
        memset(st->cfg + old, 0, (st->cap - old) * sizeof *st->cfg);
        st->ncfg++;
    }
    st->cfg[pos].key = id;
    pg_buf_truncate(&st->cfg[pos].val, 0);
    pg_buf_append(&st->cfg[pos].val, val, vlen);
}

/* One line of benchmark text; returns 1 if it produced a result. */
static int text_line(pg_bench_reader *r, stream *st, const char *line, size_t len, size_t lineno,
                     pg_bench_result *out)
{
    if (len >= 9 && memcmp(line, "Benchmark", 9) == 0)
        return parse_result(r, st, line, len, lineno, out) == 1;
    if (len > 0 && line[0] == 'U') {
        const char *rest = line, *f;
        size_t rlen = len, flen;
        split_field(&rest, &rlen, &f, &flen);
        if (flen == 4 && memcmp(f, "Unit", 4) == 0) {
            parse_unit_line(r, line, len, lineno);
            return 0;
        }
    }
    size_t klen, vlen;
    const char *val;
    if (parse_kv(line, len, &klen, &val, &vlen))
        set_config(r, st, line, klen, val, vlen);
    return 0;
}

/* --- go test -json ---------------------------------------------------- */

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
            return 0;
    return 1;
}

static int starts_json(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    return i < n && s[i] == '{';
}

/* Returns 1 and the next complete line of stream `st` (or, when `final`,
 * its unterminated tail) without the '\n' and a trailing '\r'; 0 if there
 * is none yet; -1 if the line is longer than benchfmt's limit. */
static int pending_line(stream *st, int final, const char **line, size_t *len)
{
    size_t avail = st->pending.len - st->done;
    if (avail == 0)
        return 0;
    const char *p = st->pending.data + st->done;
    const char *nl = memchr(p, '\n', avail);
    size_t n;
    if (nl) {
        n = (size_t)(nl - p);
        st->done += n + 1;
    } else if (final) {
        n = avail;
        st->done += n;
    } else {
        return 0;
    }
    if (n > PG_BENCH_MAX_LINE)
        return -1;
    if (n > 0 && p[n - 1] == '\r')
        n--;
    *line = p;
    *len = n;
    return 1;
}

static int too_long(pg_bench_reader *r, size_t lineno, const char *pkg, size_t plen, pg_error *err)
{
    return pg_error_set(err,
                        "%s:%zu: package \"%.*s\" printed a line longer than %d bytes, the limit "
                        "of the Go benchmark format",
                        r->path, lineno, (int)plen, pkg, PG_BENCH_MAX_LINE);
}

/* Adds an output event's text to its package's stream. */
static int json_event(pg_bench_reader *r, const char *line, size_t len, size_t lineno,
                      pg_error *err)
{
    json_error_t jerr;
    json_t *ev = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
    if (!ev || !json_is_object(ev)) {
        pg_buf_truncate(&r->tmp, 0);
        pg_buf_printf(&r->tmp, "not a go test -json event: %s",
                      ev ? "not a JSON object" : jerr.text);
        diag(r, lineno, r->tmp.data);
        json_decref(ev);
        return 0;
    }
    const char *action = json_string_value(json_object_get(ev, "Action"));
    json_t *output = json_object_get(ev, "Output");
    if (!action || strcmp(action, "output") != 0 || !json_is_string(output)) {
        json_decref(ev);
        return 0;
    }
    json_t *pkg = json_object_get(ev, "Package");
    const char *pname = json_is_string(pkg) ? json_string_value(pkg) : "";
    size_t plen = json_is_string(pkg) ? json_string_length(pkg) : 0;
    size_t id = stream_for(r, pname, plen);
    stream *st = &r->streams[id];
    if (st->done > 0) {
        size_t rest = st->pending.len - st->done;
        memmove(st->pending.data, st->pending.data + st->done, rest);
        pg_buf_truncate(&st->pending, rest);
        st->done = 0;
    }
    pg_buf_append(&st->pending, json_string_value(output), json_string_length(output));
    json_decref(ev);
    /* bounded memory: an unterminated line may not grow past benchfmt's limit */
    const char *nl = st->pending.len ? memrchr(st->pending.data, '\n', st->pending.len) : NULL;
    size_t tail = nl ? (size_t)(st->pending.data + st->pending.len - nl - 1) : st->pending.len;
    if (tail > PG_BENCH_MAX_LINE)
        return too_long(r, lineno, pname, plen, err);
    r->cur = id;
    return 0;
}

int pg_bench_reader_next(pg_bench_reader *r, pg_bench_result *out, pg_error *err)
{
    const char *line;
    size_t len;
    for (;;) {
        if (r->mode == MODE_JSON) {
            /* drain lines already reassembled, then read the next event */
            while (r->cur < r->nstreams) {
                stream *st = &r->streams[r->cur];
                int got = pending_line(st, r->at_eof, &line, &len);
                if (got < 0) {
                    size_t plen;
                    const char *pkg = pg_intern_key(r->pkgs, r->cur, &plen);
                    return too_long(r, pg_lines_number(r->lines), pkg, plen, err);
                }
                if (got == 0)
                    break;
                if (text_line(r, st, line, len, pg_lines_number(r->lines), out))
                    return 1;
            }
            if (r->at_eof) {
                if (++r->flush_pos > r->nstreams)
                    return 0;
                r->cur = r->flush_pos - 1;
                continue;
            }
        }
        int rc = pg_lines_next(r->lines, &line, &len, err);
        if (rc < 0)
            return -1;
        size_t lineno = pg_lines_number(r->lines);
        if (rc == 0) {
            if (r->mode != MODE_JSON)
                return 0;
            r->at_eof = 1;
            r->cur = r->nstreams; /* start flushing from stream 0 */
            r->flush_pos = 0;
            continue;
        }
        if (memchr(line, '\0', len)) {
            return pg_error_set(err,
                                "%s:%zu: binary data (a NUL byte), not Go benchmark output: check "
                                "that this is the output of go test -bench",
                                r->path, lineno);
        }
        if (r->mode == MODE_UNKNOWN) {
            if (blank(line, len))
                continue;
            r->mode = starts_json(line, len) ? MODE_JSON : MODE_TEXT;
            stream_for(r, "", 0); /* text stream, or -json's non-event lines */
        }
        if (r->mode == MODE_JSON && starts_json(line, len)) {
            if (json_event(r, line, len, lineno, err) < 0)
                return -1;
            continue;
        }
        if (text_line(r, &r->streams[0], line, len, lineno, out))
            return 1;
    }
}

/* --- names ------------------------------------------------------------ */

/* benchfmt's splitGomaxprocs: the length of the name without "-N". */
static size_t gomaxprocs_cut(const char *n, size_t len)
{
    for (size_t i = len; i > 0; i--) {
        char c = n[i - 1];
        if (c == '-' && i < len)
            return i - 1;
        if (!(c >= '0' && c <= '9'))
            break;
    }
    return len;
}

void pg_bench_name_base(const char *name, size_t len, const char **base, size_t *base_len)
{
    const char *slash = memchr(name, '/', len);
    *base = name;
    *base_len = slash ? (size_t)(slash - name) : gomaxprocs_cut(name, len);
}

size_t pg_bench_name_parts(const char *name, size_t len, const char **base, size_t *base_len,
                           pg_bench_name_part *parts, size_t max)
{
    size_t cut = gomaxprocs_cut(name, len), count = 0, prev = 0;
    int first = 1;
    for (size_t i = 0; i <= cut; i++) {
        if (i < cut && name[i] != '/')
            continue;
        if (first) {
            *base = name;
            *base_len = i;
            first = 0;
        } else {
            if (count < max)
                parts[count] = (pg_bench_name_part){name + prev, i - prev};
            count++;
        }
        prev = i;
    }
    if (cut < len) {
        if (count < max)
            parts[count] = (pg_bench_name_part){name + cut, len - cut};
        count++;
    }
    return count;
}
