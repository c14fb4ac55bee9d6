/*
 * The result-set model and its JSON form (pg_resultset.h, SCHEMA.md).
 *
 * Every string lives once in an intern table, so the thousands of samples
 * that repeat "ns/op" share one copy and the const views handed out stay
 * valid for the life of the result set. Parsing is strict about what the
 * schema requires and silent about fields it does not know: a newer perfgate
 * may add fields, and an older one must still read the line.
 */
#include "pg_resultset.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg_alloc.h"
#include "pg_bench_unicode.h"
#include "pg_git.h"
#include "pg_intern.h"

typedef struct bench_rec {
    pg_rs_bench pub;
    pg_rs_kv *config;
    pg_rs_sample *samples;
    size_t cap;
} bench_rec;

typedef struct unit_rec {
    pg_rs_unit pub;
    pg_rs_kv *meta;
    size_t cap;
} unit_rec;

struct pg_resultset {
    pg_intern *strings; /* owns every string below */
    pg_rs_meta meta;
    const char **refs;
    size_t refs_cap;
    int64_t *cpu;
    bench_rec *benches;
    size_t nbench, bench_cap;
    pg_intern *bench_ids; /* identity key -> index into benches */
    unit_rec *units;
    size_t nunits, unit_cap;
    pg_intern *unit_ids; /* unit -> index into units */
};

/* The interned copy of s, each invalid UTF-8 byte replaced by U+FFFD (Go's
 * decoding rules, as encoding/json applies them). */
static const char *str(pg_resultset *rs, const char *s)
{
    size_t n = strlen(s), done = 0; /* s[0..done) is in b, repaired */
    pg_buf b = {0};
    for (size_t i = 0, w = 1; i < n; i += w) {
        w = 1;
        if ((unsigned char)s[i] >= 0x80 &&
            pg_bench_utf8_decode(s + i, n - i, &w) == PG_RUNE_ERROR && w == 1) {
            pg_buf_append(&b, s + done, i - done);
            pg_buf_puts(&b, "\xEF\xBF\xBD");
            done = i + 1;
        }
    }
    if (done)
        pg_buf_append(&b, s + done, n - done);
    const char *key = done ? b.data : s;
    size_t len = done ? b.len : n;
    const char *out = pg_intern_key(rs->strings, pg_intern_add(rs->strings, key, len, NULL), NULL);
    pg_buf_free(&b);
    return out;
}

/* 9999-12-31T23:59:59Z, the last time RFC 3339 can write. */
#define MAX_TIME 253402300799LL

/* Semantic checks shared by create and parse; messages name the JSON field. */
static int check_meta(const pg_rs_meta *m, pg_error *err)
{
    const char *strings[] = {
        m->commit,         m->perfgate_version, m->config_hash,      m->toolchain.go_version,
        m->toolchain.goos, m->toolchain.goarch, m->machine.cpu,      m->machine.kernel,
        m->machine.host,   m->machine.ci,       m->params.benchtime, m->params.bench};
    static const char *names[] = {
        "commit",         "perfgate_version", "config_hash",      "toolchain.go_version",
        "toolchain.goos", "toolchain.goarch", "machine.cpu",      "machine.kernel",
        "machine.host",   "machine.ci",       "params.benchtime", "params.bench"};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (!strings[i])
            return pg_error_set(err, "field \"%s\" is missing", names[i]);
    for (size_t i = 0; i < m->nrefs; i++)
        if (!m->refs[i])
            return pg_error_set(err, "field \"refs[%zu]\" is missing", i);
    if (!pg_git_is_sha(m->commit))
        return pg_error_set(
            err, "field \"commit\": expected 40 lowercase hex digits, found \"%.64s\"", m->commit);
    if (m->created < 0 || m->created > MAX_TIME)
        return pg_error_set(err, "field \"created\": time %lld is out of range",
                            (long long)m->created);
    if (m->machine.cores < 0)
        return pg_error_set(err, "field \"machine.cores\": must not be negative, found %lld",
                            (long long)m->machine.cores);
    if (m->params.count < 1)
        return pg_error_set(err, "field \"params.count\": must be at least 1, found %lld",
                            (long long)m->params.count);
    for (size_t i = 0; i < m->params.ncpu; i++)
        if (m->params.cpu[i] < 1)
            return pg_error_set(err, "field \"params.cpu[%zu]\": must be at least 1, found %lld", i,
                                (long long)m->params.cpu[i]);
    int unsharded = m->shard_index == 0 && m->shard_count == 0;
    if (!unsharded && (m->shard_count < 1 || m->shard_index < 1 || m->shard_index > m->shard_count))
        return pg_error_set(err,
                            "field \"shard\": index %lld of %lld is not a shard (1 <= index <= "
                            "count)",
                            (long long)m->shard_index, (long long)m->shard_count);
    return 0;
}

pg_resultset *pg_resultset_create(const pg_rs_meta *meta, pg_error *err)
{
    if (check_meta(meta, err) < 0)
        return NULL;
    pg_resultset *rs = pg_xcalloc(1, sizeof *rs);
    rs->strings = pg_intern_create();
    rs->bench_ids = pg_intern_create();
    rs->unit_ids = pg_intern_create();
    pg_rs_meta *m = &rs->meta;
    *m = *meta;
    m->commit = str(rs, meta->commit);
    m->perfgate_version = str(rs, meta->perfgate_version);
    m->config_hash = str(rs, meta->config_hash);
    m->toolchain.go_version = str(rs, meta->toolchain.go_version);
    m->toolchain.goos = str(rs, meta->toolchain.goos);
    m->toolchain.goarch = str(rs, meta->toolchain.goarch);
    m->machine.cpu = str(rs, meta->machine.cpu);
    m->machine.kernel = str(rs, meta->machine.kernel);
    m->machine.host = str(rs, meta->machine.host);
    m->machine.ci = str(rs, meta->machine.ci);
    m->params.benchtime = str(rs, meta->params.benchtime);
    m->params.bench = str(rs, meta->params.bench);
    m->dirty = meta->dirty != 0;
    m->nrefs = 0;
    for (size_t i = 0; i < meta->nrefs; i++) {
        rs->refs = pg_xgrow(rs->refs, &rs->refs_cap, m->nrefs + 1, sizeof *rs->refs);
        rs->refs[m->nrefs++] = str(rs, meta->refs[i]);
    }
    m->refs = rs->refs;
    rs->cpu = pg_xmalloc((meta->params.ncpu ? meta->params.ncpu : 1) * sizeof *rs->cpu);
    if (meta->params.ncpu)
        memcpy(rs->cpu, meta->params.cpu, meta->params.ncpu * sizeof *rs->cpu);
    m->params.cpu = rs->cpu;
    return rs;
}

void pg_resultset_free(pg_resultset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->nbench; i++) {
        bench_rec *b = &rs->benches[i];
        for (size_t j = 0; j < b->pub.nsamples; j++)
            free((void *)b->samples[j].values);
        free(b->samples);
        free(b->config);
    }
    for (size_t i = 0; i < rs->nunits; i++)
        free(rs->units[i].meta);
    free(rs->benches);
    free(rs->units);
    free(rs->refs);
    free(rs->cpu);
    pg_intern_free(rs->strings);
    pg_intern_free(rs->bench_ids);
    pg_intern_free(rs->unit_ids);
    free(rs);
}

size_t pg_resultset_add_bench(pg_resultset *rs, const char *pkg, const char *name,
                              const pg_rs_kv *config, size_t nconfig)
{
    /* Identity: the strings as stored, NUL-separated (none contains NUL). */
    pkg = str(rs, pkg);
    name = str(rs, name);
    pg_buf key = {0};
    pg_buf_append(&key, pkg, strlen(pkg) + 1);
    pg_buf_append(&key, name, strlen(name) + 1);
    pg_rs_kv *kv = pg_xmalloc((nconfig ? nconfig : 1) * sizeof *kv);
    for (size_t i = 0; i < nconfig; i++) {
        kv[i].key = str(rs, config[i].key);
        kv[i].value = str(rs, config[i].value);
        pg_buf_append(&key, kv[i].key, strlen(kv[i].key) + 1);
        pg_buf_append(&key, kv[i].value, strlen(kv[i].value) + 1);
    }
    int added;
    size_t id = pg_intern_add(rs->bench_ids, key.data, key.len, &added);
    pg_buf_free(&key);
    if (!added) {
        free(kv);
        return id;
    }
    rs->benches = pg_xgrow(rs->benches, &rs->bench_cap, rs->nbench + 1, sizeof *rs->benches);
    bench_rec *b = &rs->benches[rs->nbench++];
    memset(b, 0, sizeof *b);
    b->config = kv;
    b->pub.pkg = pkg;
    b->pub.name = name;
    b->pub.config = kv;
    b->pub.nconfig = nconfig;
    return id;
}

int pg_resultset_add_sample(pg_resultset *rs, size_t bench, const pg_rs_sample *s, pg_error *err)
{
    if (bench >= rs->nbench)
        return pg_error_set(err, "benchmark index %zu out of range (%zu benchmarks)", bench,
                            rs->nbench);
    bench_rec *b = &rs->benches[bench];
    if (s->side != PG_RS_SIDE_NONE && s->side != PG_RS_SIDE_BASE && s->side != PG_RS_SIDE_HEAD)
        return pg_error_set(err, "sample of %s: side %d is not a side", b->pub.name, (int)s->side);
    if (s->round < 0)
        return pg_error_set(err, "sample of %s: round %lld is negative", b->pub.name,
                            (long long)s->round);
    pg_rs_value *v = pg_xmalloc((s->nvalues ? s->nvalues : 1) * sizeof *v);
    for (size_t i = 0; i < s->nvalues; i++) {
        v[i].unit = str(rs, s->values[i].unit);
        v[i].value = s->values[i].value;
        for (size_t j = 0; j < i; j++) {
            if (v[j].unit == v[i].unit) { /* interned: equal strings, equal pointers */
                pg_error_set(err, "sample of %s has unit %s twice", b->pub.name, v[i].unit);
                free(v);
                return -1;
            }
        }
    }
    b->samples = pg_xgrow(b->samples, &b->cap, b->pub.nsamples + 1, sizeof *b->samples);
    pg_rs_sample *out = &b->samples[b->pub.nsamples++];
    *out = *s;
    out->trace = s->trace ? str(rs, s->trace) : NULL;
    out->values = v;
    b->pub.samples = b->samples;
    return 0;
}

static unit_rec *find_unit(const pg_resultset *rs, const char *unit)
{
    size_t id = pg_intern_find(rs->unit_ids, unit, strlen(unit));
    return id == PG_INTERN_NONE ? NULL : &rs->units[id];
}

static const char *find_meta(const unit_rec *u, const char *key)
{
    for (size_t i = 0; u && i < u->pub.nmeta; i++)
        if (strcmp(u->meta[i].key, key) == 0)
            return u->meta[i].value;
    return NULL;
}

int pg_resultset_set_unit_meta(pg_resultset *rs, const char *unit, const char *key,
                               const char *value, pg_error *err)
{
    unit = str(rs, unit);
    key = str(rs, key);
    value = str(rs, value);
    int added;
    size_t id = pg_intern_add(rs->unit_ids, unit, strlen(unit), &added);
    if (added) {
        rs->units = pg_xgrow(rs->units, &rs->unit_cap, rs->nunits + 1, sizeof *rs->units);
        unit_rec *u = &rs->units[rs->nunits++];
        memset(u, 0, sizeof *u);
        u->pub.unit = unit;
    }
    unit_rec *u = &rs->units[id];
    const char *old = find_meta(u, key);
    if (old)
        return old == value
                   ? 0
                   : pg_error_set(err, "metadata %s of unit %s already set to %s", key, unit, old);
    u->meta = pg_xgrow(u->meta, &u->cap, u->pub.nmeta + 1, sizeof *u->meta);
    u->meta[u->pub.nmeta++] = (pg_rs_kv){key, value};
    u->pub.meta = u->meta;
    return 0;
}

const pg_rs_meta *pg_resultset_meta(const pg_resultset *rs)
{
    return &rs->meta;
}

size_t pg_resultset_nbench(const pg_resultset *rs)
{
    return rs->nbench;
}

const pg_rs_bench *pg_resultset_bench(const pg_resultset *rs, size_t i)
{
    return i < rs->nbench ? &rs->benches[i].pub : NULL;
}

size_t pg_resultset_nunits(const pg_resultset *rs)
{
    return rs->nunits;
}

const pg_rs_unit *pg_resultset_unit(const pg_resultset *rs, size_t i)
{
    return i < rs->nunits ? &rs->units[i].pub : NULL;
}

const char *pg_resultset_unit_meta(const pg_resultset *rs, const char *unit, const char *key)
{
    return find_meta(find_unit(rs, unit), key);
}

/*
 * JSON out.
 */

static const char *side_name(pg_rs_side s)
{
    return s == PG_RS_SIDE_BASE ? "base" : s == PG_RS_SIDE_HEAD ? "head" : NULL;
}

/* JSON has no NaN or infinity; they are written as the strings Go's
 * strconv prints ("NaN", "+Inf", "-Inf"). */
static json_t *jnum(double v)
{
    if (isnan(v))
        return json_string("NaN");
    if (isinf(v))
        return json_string(v > 0 ? "+Inf" : "-Inf");
    return json_real(v);
}

static void format_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int dump_to_buf(const char *data, size_t size, void *arg)
{
    pg_buf_append(arg, data, size);
    return 0;
}

void pg_resultset_to_json(const pg_resultset *rs, pg_buf *out)
{
    const pg_rs_meta *m = &rs->meta;
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_integer(PG_RESULTSET_SCHEMA));
    json_object_set_new(root, "commit", json_string(m->commit));
    json_object_set_new(root, "dirty", json_boolean(m->dirty));
    json_t *refs = json_array();
    for (size_t i = 0; i < m->nrefs; i++)
        json_array_append_new(refs, json_string(m->refs[i]));
    json_object_set_new(root, "refs", refs);
    char created[32];
    format_time(m->created, created);
    json_object_set_new(root, "created", json_string(created));
    json_object_set_new(root, "perfgate_version", json_string(m->perfgate_version));
    json_object_set_new(root, "config_hash", json_string(m->config_hash));
    json_object_set_new(root, "toolchain",
                        json_pack("{s:s, s:s, s:s}", "go_version", m->toolchain.go_version, "goos",
                                  m->toolchain.goos, "goarch", m->toolchain.goarch));
    json_object_set_new(root, "machine",
                        json_pack("{s:s, s:I, s:s, s:s, s:s}", "cpu", m->machine.cpu, "cores",
                                  (json_int_t)m->machine.cores, "kernel", m->machine.kernel, "host",
                                  m->machine.host, "ci", m->machine.ci));
    json_t *cpu = json_array();
    for (size_t i = 0; i < m->params.ncpu; i++)
        json_array_append_new(cpu, json_integer(m->params.cpu[i]));
    json_object_set_new(root, "params",
                        json_pack("{s:I, s:s, s:s, s:o}", "count", (json_int_t)m->params.count,
                                  "benchtime", m->params.benchtime, "bench", m->params.bench, "cpu",
                                  cpu));
    if (m->shard_count)
        json_object_set_new(root, "shard",
                            json_pack("{s:I, s:I}", "index", (json_int_t)m->shard_index, "count",
                                      (json_int_t)m->shard_count));
    json_t *units = json_object();
    for (size_t i = 0; i < rs->nunits; i++) {
        const unit_rec *u = &rs->units[i];
        json_t *meta = json_object();
        for (size_t j = 0; j < u->pub.nmeta; j++)
            json_object_set_new(meta, u->meta[j].key, json_string(u->meta[j].value));
        json_object_set_new(units, u->pub.unit, meta);
    }
    json_object_set_new(root, "units", units);
    json_t *benches = json_array();
    for (size_t i = 0; i < rs->nbench; i++) {
        const pg_rs_bench *b = &rs->benches[i].pub;
        json_t *config = json_array();
        for (size_t j = 0; j < b->nconfig; j++)
            json_array_append_new(config,
                                  json_pack("[s, s]", b->config[j].key, b->config[j].value));
        json_t *samples = json_array();
        for (size_t j = 0; j < b->nsamples; j++) {
            const pg_rs_sample *s = &b->samples[j];
            json_t *js = json_pack("{s:I, s:I}", "iters", (json_int_t)s->iters, "round",
                                   (json_int_t)s->round);
            if (side_name(s->side))
                json_object_set_new(js, "side", json_string(side_name(s->side)));
            json_t *values = json_object();
            for (size_t k = 0; k < s->nvalues; k++)
                json_object_set_new(values, s->values[k].unit, jnum(s->values[k].value));
            json_object_set_new(js, "values", values);
            if (s->trace)
                json_object_set_new(js, "trace", json_string(s->trace));
            json_array_append_new(samples, js);
        }
        json_array_append_new(benches, json_pack("{s:s, s:s, s:o, s:o}", "pkg", b->pkg, "name",
                                                 b->name, "config", config, "samples", samples));
    }
    json_object_set_new(root, "benchmarks", benches);
    json_dump_callback(root, dump_to_buf, out, JSON_COMPACT | JSON_REAL_PRECISION(17));
    pg_buf_putc(out, '\n');
    json_decref(root);
}

/*
 * JSON in.
 */

typedef struct parser {
    const char *source;
    pg_error *err;
    char path[256]; /* the field being read, for messages */
} parser;

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

static int fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parser *p, const char *fmt, ...)
{
    char what[PG_ERROR_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pg_error_set(p->err, "%s: field \"%s\": %s", p->source, p->path, what);
}

/* Sets p->path to parent.key (or key at the top). */
static void enter(parser *p, const char *parent, const char *key)
{
    if (*parent)
        snprintf(p->path, sizeof p->path, "%s.%s", parent, key);
    else
        snprintf(p->path, sizeof p->path, "%s", key);
}

/* Member `key` of obj, which must be present and of JSON type `type`. */
static json_t *need(parser *p, json_t *obj, const char *parent, const char *key, json_type type,
                    const char *what)
{
    enter(p, parent, key);
    json_t *v = json_object_get(obj, key);
    if (!v) {
        pg_error_set(p->err, "%s: field \"%s\" is missing", p->source, p->path);
        return NULL;
    }
    if (json_typeof(v) != type && !(type == JSON_TRUE && json_is_boolean(v))) {
        fail(p, "expected %s, found %s", what, type_name(v));
        return NULL;
    }
    return v;
}

static int need_str(parser *p, json_t *obj, const char *parent, const char *key, const char **out)
{
    json_t *v = need(p, obj, parent, key, JSON_STRING, "a string");
    if (!v)
        return -1;
    *out = json_string_value(v);
    return 0;
}

static int need_int(parser *p, json_t *obj, const char *parent, const char *key, int64_t *out)
{
    json_t *v = need(p, obj, parent, key, JSON_INTEGER, "an integer");
    if (!v)
        return -1;
    *out = json_integer_value(v);
    return 0;
}

/* RFC 3339 in UTC, to the second, exactly as perfgate writes it. */
static int parse_time(const char *s, int64_t *out)
{
    static const char mask[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(s) != sizeof mask - 1)
        return -1;
    for (size_t i = 0; mask[i]; i++)
        if (mask[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != mask[i])
            return -1;
    struct tm tm = {0};
    tm.tm_year = atoi(s) - 1900;
    tm.tm_mon = atoi(s + 5) - 1;
    tm.tm_mday = atoi(s + 8);
    tm.tm_hour = atoi(s + 11);
    tm.tm_min = atoi(s + 14);
    tm.tm_sec = atoi(s + 17);
    int64_t t = (int64_t)timegm(&tm);
    char back[32];
    if (t < 0 || t > MAX_TIME)
        return -1;
    format_time(t, back);
    if (strcmp(back, s) != 0) /* 2024-02-30 and friends normalise to another day */
        return -1;
    *out = t;
    return 0;
}

/* Reads everything but units and benchmarks into *m; the arrays it needs are
 * returned for the caller to free. */
static int parse_meta(parser *p, json_t *root, pg_rs_meta *m, const char ***refs, int64_t **cpu)
{
    json_t *v, *o;
    if (need_str(p, root, "", "commit", &m->commit) < 0)
        return -1;
    if (!(v = need(p, root, "", "dirty", JSON_TRUE, "a boolean")))
        return -1;
    m->dirty = json_is_true(v);
    if (!(v = need(p, root, "", "refs", JSON_ARRAY, "an array of strings")))
        return -1;
    m->nrefs = json_array_size(v);
    *refs = pg_xcalloc(m->nrefs ? m->nrefs : 1, sizeof **refs);
    m->refs = *refs;
    for (size_t i = 0; i < m->nrefs; i++) {
        json_t *r = json_array_get(v, i);
        snprintf(p->path, sizeof p->path, "refs[%zu]", i);
        if (!json_is_string(r))
            return fail(p, "expected a string, found %s", type_name(r));
        (*refs)[i] = json_string_value(r);
    }
    const char *created;
    if (need_str(p, root, "", "created", &created) < 0)
        return -1;
    if (parse_time(created, &m->created) < 0)
        return fail(p, "expected a UTC time such as \"2025-01-31T23:59:59Z\", found \"%.64s\"",
                    created);
    if (need_str(p, root, "", "perfgate_version", &m->perfgate_version) < 0 ||
        need_str(p, root, "", "config_hash", &m->config_hash) < 0)
        return -1;
    if (!(o = need(p, root, "", "toolchain", JSON_OBJECT, "an object")) ||
        need_str(p, o, "toolchain", "go_version", &m->toolchain.go_version) < 0 ||
        need_str(p, o, "toolchain", "goos", &m->toolchain.goos) < 0 ||
        need_str(p, o, "toolchain", "goarch", &m->toolchain.goarch) < 0)
        return -1;
    if (!(o = need(p, root, "", "machine", JSON_OBJECT, "an object")) ||
        need_str(p, o, "machine", "cpu", &m->machine.cpu) < 0 ||
        need_int(p, o, "machine", "cores", &m->machine.cores) < 0 ||
        need_str(p, o, "machine", "kernel", &m->machine.kernel) < 0 ||
        need_str(p, o, "machine", "host", &m->machine.host) < 0 ||
        need_str(p, o, "machine", "ci", &m->machine.ci) < 0)
        return -1;
    if (!(o = need(p, root, "", "params", JSON_OBJECT, "an object")) ||
        need_int(p, o, "params", "count", &m->params.count) < 0 ||
        need_str(p, o, "params", "benchtime", &m->params.benchtime) < 0 ||
        need_str(p, o, "params", "bench", &m->params.bench) < 0 ||
        !(v = need(p, o, "params", "cpu", JSON_ARRAY, "an array of integers")))
        return -1;
    m->params.ncpu = json_array_size(v);
    *cpu = pg_xcalloc(m->params.ncpu ? m->params.ncpu : 1, sizeof **cpu);
    m->params.cpu = *cpu;
    for (size_t i = 0; i < m->params.ncpu; i++) {
        json_t *c = json_array_get(v, i);
        snprintf(p->path, sizeof p->path, "params.cpu[%zu]", i);
        if (!json_is_integer(c))
            return fail(p, "expected an integer, found %s", type_name(c));
        (*cpu)[i] = json_integer_value(c);
    }
    if (json_object_get(root, "shard")) {
        if (!(o = need(p, root, "", "shard", JSON_OBJECT, "an object")) ||
            need_int(p, o, "shard", "index", &m->shard_index) < 0 ||
            need_int(p, o, "shard", "count", &m->shard_count) < 0)
            return -1;
        snprintf(p->path, sizeof p->path, "shard");
        if (m->shard_count < 1 || m->shard_index < 1 || m->shard_index > m->shard_count)
            return fail(p, "index %lld of %lld is not a shard (1 <= index <= count)",
                        (long long)m->shard_index, (long long)m->shard_count);
    }
    return 0;
}

static int parse_units(parser *p, json_t *root, pg_resultset *rs)
{
    json_t *units = need(p, root, "", "units", JSON_OBJECT, "an object");
    if (!units)
        return -1;
    const char *unit;
    json_t *meta;
    json_object_foreach(units, unit, meta)
    {
        snprintf(p->path, sizeof p->path, "units[\"%.100s\"]", unit);
        if (!json_is_object(meta))
            return fail(p, "expected an object of key/value strings, found %s", type_name(meta));
        const char *key;
        json_t *value;
        json_object_foreach(meta, key, value)
        {
            snprintf(p->path, sizeof p->path, "units[\"%.100s\"].%.100s", unit, key);
            if (!json_is_string(value))
                return fail(p, "expected a string, found %s", type_name(value));
            /* JSON keys are unique, so this cannot conflict. */
            if (pg_resultset_set_unit_meta(rs, unit, key, json_string_value(value), p->err) < 0)
                return -1;
        }
    }
    return 0;
}

static int parse_value(parser *p, json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    const char *s = json_string_value(v);
    if (s && strcmp(s, "NaN") == 0)
        *out = NAN;
    else if (s && strcmp(s, "+Inf") == 0)
        *out = INFINITY;
    else if (s && strcmp(s, "-Inf") == 0)
        *out = -INFINITY;
    else if (s)
        return fail(p, "expected a number, \"NaN\", \"+Inf\" or \"-Inf\", found \"%.64s\"", s);
    else
        return fail(p, "expected a number, \"NaN\", \"+Inf\" or \"-Inf\", found %s", type_name(v));
    return 0;
}

static int parse_sample(parser *p, json_t *js, const char *at, pg_resultset *rs, size_t bench)
{
    char parent[128];
    snprintf(parent, sizeof parent, "%s", at);
    if (!json_is_object(js)) {
        snprintf(p->path, sizeof p->path, "%s", parent);
        return fail(p, "expected an object, found %s", type_name(js));
    }
    pg_rs_sample s = {0};
    if (need_int(p, js, parent, "iters", &s.iters) < 0 ||
        need_int(p, js, parent, "round", &s.round) < 0)
        return -1;
    if (s.round < 0)
        return fail(p, "must not be negative, found %lld", (long long)s.round);
    if (json_object_get(js, "side")) {
        const char *side;
        if (need_str(p, js, parent, "side", &side) < 0)
            return -1;
        if (strcmp(side, "base") == 0)
            s.side = PG_RS_SIDE_BASE;
        else if (strcmp(side, "head") == 0)
            s.side = PG_RS_SIDE_HEAD;
        else
            return fail(p, "expected \"base\" or \"head\", found \"%.64s\"", side);
    }
    if (json_object_get(js, "trace") && need_str(p, js, parent, "trace", &s.trace) < 0)
        return -1;
    json_t *values = need(p, js, parent, "values", JSON_OBJECT, "an object of unit: value");
    if (!values)
        return -1;
    size_t n = json_object_size(values), i = 0;
    if (n == 0)
        return fail(p, "a sample needs at least one value");
    pg_rs_value *v = pg_xmalloc(n * sizeof *v);
    const char *unit;
    json_t *jv;
    int rc = 0;
    json_object_foreach(values, unit, jv)
    {
        snprintf(p->path, sizeof p->path, "%s.values[\"%.100s\"]", parent, unit);
        v[i].unit = unit;
        if ((rc = parse_value(p, jv, &v[i].value)) < 0)
            break;
        i++;
    }
    s.values = v;
    s.nvalues = n;
    if (rc == 0)
        rc = pg_resultset_add_sample(rs, bench, &s, p->err); /* cannot fail: keys are unique */
    free(v);
    return rc;
}

static int parse_bench(parser *p, json_t *jb, size_t index, pg_resultset *rs)
{
    char parent[64];
    snprintf(parent, sizeof parent, "benchmarks[%zu]", index);
    if (!json_is_object(jb)) {
        snprintf(p->path, sizeof p->path, "%s", parent);
        return fail(p, "expected an object, found %s", type_name(jb));
    }
    const char *pkg, *name;
    json_t *config, *samples;
    if (need_str(p, jb, parent, "pkg", &pkg) < 0 || need_str(p, jb, parent, "name", &name) < 0 ||
        !(config = need(p, jb, parent, "config", JSON_ARRAY, "an array of [key, value] pairs")) ||
        !(samples = need(p, jb, parent, "samples", JSON_ARRAY, "an array of samples")))
        return -1;
    size_t nconfig = json_array_size(config);
    pg_rs_kv *kv = pg_xmalloc((nconfig ? nconfig : 1) * sizeof *kv);
    for (size_t i = 0; i < nconfig; i++) {
        json_t *pair = json_array_get(config, i);
        snprintf(p->path, sizeof p->path, "%s.config[%zu]", parent, i);
        if (!json_is_array(pair) || json_array_size(pair) != 2 ||
            !json_is_string(json_array_get(pair, 0)) || !json_is_string(json_array_get(pair, 1))) {
            free(kv);
            return fail(p, "expected a [key, value] pair of strings");
        }
        kv[i].key = json_string_value(json_array_get(pair, 0));
        kv[i].value = json_string_value(json_array_get(pair, 1));
    }
    size_t bench = pg_resultset_add_bench(rs, pkg, name, kv, nconfig);
    free(kv);
    for (size_t i = 0; i < json_array_size(samples); i++) {
        char at[128];
        snprintf(at, sizeof at, "%s.samples[%zu]", parent, i);
        if (parse_sample(p, json_array_get(samples, i), at, rs, bench) < 0)
            return -1;
    }
    return 0;
}

pg_resultset *pg_resultset_parse(const char *line, size_t len, const char *source, pg_error *err)
{
    parser p = {.source = source, .err = err};
    json_error_t je;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        pg_error_set(err, "%s: not valid JSON near byte offset %d: %s", source, je.position,
                     je.text);
        return NULL;
    }
    pg_resultset *rs = NULL;
    const char **refs = NULL;
    int64_t *cpu = NULL;
    if (!json_is_object(root)) {
        pg_error_set(err, "%s: expected a JSON object (a perfgate result set), found %s", source,
                     type_name(root));
        goto out;
    }
    json_t *schema = json_object_get(root, "schema");
    if (!schema) {
        pg_error_set(err, "%s: not a perfgate result set: there is no \"schema\" field", source);
        goto out;
    }
    snprintf(p.path, sizeof p.path, "schema");
    if (!json_is_integer(schema)) {
        fail(&p, "expected an integer, found %s", type_name(schema));
        goto out;
    }
    json_int_t version = json_integer_value(schema);
    if (version > PG_RESULTSET_SCHEMA) {
        pg_error_set(err,
                     "%s: written by a newer perfgate (result set schema %lld; this perfgate "
                     "reads schema %d): upgrade perfgate to read it",
                     source, (long long)version, PG_RESULTSET_SCHEMA);
        goto out;
    }
    if (version < 1) {
        fail(&p, "unknown result set schema %lld (this perfgate reads schema %d)",
             (long long)version, PG_RESULTSET_SCHEMA);
        goto out;
    }
    pg_rs_meta m = {0};
    if (parse_meta(&p, root, &m, &refs, &cpu) < 0)
        goto out;
    pg_error e;
    if (!(rs = pg_resultset_create(&m, &e))) {
        pg_error_set(err, "%s: %s", source, e.msg);
        goto out;
    }
    json_t *benches;
    if (parse_units(&p, root, rs) < 0 ||
        !(benches = need(&p, root, "", "benchmarks", JSON_ARRAY, "an array of benchmarks")))
        goto fail;
    for (size_t i = 0; i < json_array_size(benches); i++)
        if (parse_bench(&p, json_array_get(benches, i), i, rs) < 0)
            goto fail;
    goto out;
fail:
    pg_resultset_free(rs);
    rs = NULL;
out:
    free(refs);
    free(cpu);
    json_decref(root);
    return rs;
}

/*
 * Merging.
 */

static int same(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

int pg_resultset_merge(pg_resultset *into, const pg_resultset *from, pg_error *err)
{
    const pg_rs_meta *a = &into->meta, *b = &from->meta;
    const char *what = NULL, *va = NULL, *vb = NULL;
    char pa[128], pb[128];
    snprintf(pa, sizeof pa, "%s/%s", a->toolchain.goos, a->toolchain.goarch);
    snprintf(pb, sizeof pb, "%s/%s", b->toolchain.goos, b->toolchain.goarch);
    if (!same(a->commit, b->commit))
        what = "commits", va = a->commit, vb = b->commit;
    else if (a->dirty != b->dirty)
        what = "work-tree states", va = a->dirty ? "dirty" : "clean",
        vb = b->dirty ? "dirty" : "clean";
    else if (!same(a->config_hash, b->config_hash))
        what = "configurations (config_hash)", va = a->config_hash, vb = b->config_hash;
    else if (!same(a->toolchain.go_version, b->toolchain.go_version))
        what = "Go versions", va = a->toolchain.go_version, vb = b->toolchain.go_version;
    else if (!same(pa, pb))
        what = "platforms (GOOS/GOARCH)", va = pa, vb = pb;
    if (what)
        return pg_error_set(err,
                            "cannot merge result sets of different %s (%s and %s): results are "
                            "only comparable within one",
                            what, va, vb);
    /* Check every unit metadata conflict before changing anything. */
    for (size_t i = 0; i < from->nunits; i++) {
        const unit_rec *u = &from->units[i];
        for (size_t j = 0; j < u->pub.nmeta; j++) {
            const char *old = pg_resultset_unit_meta(into, u->pub.unit, u->meta[j].key);
            if (old && !same(old, u->meta[j].value))
                return pg_error_set(err,
                                    "cannot merge result sets: metadata %s of unit %s is %s in "
                                    "one and %s in the other",
                                    u->meta[j].key, u->pub.unit, old, u->meta[j].value);
        }
    }
    for (size_t i = 0; i < from->nunits; i++) {
        const unit_rec *u = &from->units[i];
        for (size_t j = 0; j < u->pub.nmeta; j++)
            pg_resultset_set_unit_meta(into, u->pub.unit, u->meta[j].key, u->meta[j].value, NULL);
    }
    for (size_t i = 0; i < b->nrefs; i++) {
        const char *r = str(into, b->refs[i]);
        size_t k = 0;
        while (k < into->meta.nrefs && into->refs[k] != r)
            k++;
        if (k == into->meta.nrefs) {
            into->refs = pg_xgrow(into->refs, &into->refs_cap, k + 1, sizeof *into->refs);
            into->refs[into->meta.nrefs++] = r;
            into->meta.refs = into->refs;
        }
    }
    for (size_t i = 0; i < from->nbench; i++) {
        const pg_rs_bench *fb = &from->benches[i].pub;
        size_t k = pg_resultset_add_bench(into, fb->pkg, fb->name, fb->config, fb->nconfig);
        for (size_t j = 0; j < fb->nsamples; j++)
            pg_resultset_add_sample(into, k, &fb->samples[j], NULL); /* valid in `from` */
    }
    return 0;
}
