/*
 * Projections, keys and filters (group.h), ported from benchproc.
 *
 * Every key value is interned once in g->strs, so a key is a short tuple of
 * value ids and comparing values is comparing ids. Values derived from a
 * benchmark name are cached per distinct name, and configuration-derived
 * values are recomputed only when the configuration changes, which keeps
 * the per-result cost to a few comparisons in the common case.
 */
#include "group.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_bench_num.h"

static uint32_t intern(grouping *g, const char *s, size_t n)
{
    return (uint32_t)pg_intern_add(g->strs, s, n, NULL);
}

static const char *str(const grouping *g, uint32_t id, size_t *len)
{
    return pg_intern_key(g->strs, id, len);
}

void grouping_init(grouping *g)
{
    memset(g, 0, sizeof *g);
    g->strs = pg_intern_create();
    intern(g, "", 0);
    g->config_keys = pg_intern_create();
    g->names = pg_intern_create();
}

static void field_free(field *f)
{
    if (!f)
        return;
    free(f->name);
    free(f->rank);
    free(f->cache);
    pg_intern_free(f->fixed);
    free(f);
}

static void projection_free(projection *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nfields; i++)
        field_free(p->all[i]);
    free(p->all);
    free(p->entries);
    free(p->members);
    pg_intern_free(p->member_ids);
    free(p->flat);
    free(p->row);
    free(p->pool);
    free(p->key_off);
    free(p->key_len);
    free(p->slots);
    free(p);
}

static void fnode_free(fnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nsubs; i++)
        fnode_free(n->subs[i]);
    free(n->subs);
    pg_intern_free(n->set);
    free(n->mask);
    free(n);
}

void grouping_free(grouping *g)
{
    for (size_t i = 0; i < g->nprojs; i++)
        projection_free(g->projs[i]);
    fnode_free(g->filter);
    q_node_free(g->filter_tree);
    for (size_t i = 0; i < g->nraw; i++)
        field_free(g->raw[i]);
    free(g->raw);
    for (size_t i = 0; i < g->nname_keys; i++)
        free(g->name_keys[i]);
    free(g->name_keys);
    free(g->parts);
    pg_intern_free(g->strs);
    pg_intern_free(g->config_keys);
    pg_intern_free(g->names);
    pg_buf_free(&g->tmp);
}

/* --- extraction ------------------------------------------------------- */

static field *new_field(const char *name, size_t len, ext_kind ext, cmp_kind cmp)
{
    field *f = pg_xcalloc(1, sizeof *f);
    f->name = pg_xmalloc(len + 1);
    memcpy(f->name, name, len);
    f->name[len] = '\0';
    f->name_len = len;
    f->ext = ext;
    f->cmp = cmp;
    return f;
}

static ext_kind ext_of(const char *key, size_t len)
{
    if (len == 5 && memcmp(key, ".name", 5) == 0)
        return EXT_NAME;
    if (len == 9 && memcmp(key, ".fullname", 9) == 0)
        return EXT_FULLNAME;
    if (len == 11 && memcmp(key, "/gomaxprocs", 11) == 0)
        return EXT_GOMAXPROCS;
    if (len > 0 && key[0] == '/')
        return EXT_PART;
    return EXT_CONFIG;
}

static int has_prefix(const char *s, size_t n, const char *p, size_t pn)
{
    return n >= pn && memcmp(s, p, pn) == 0;
}

/* The parts of a name (pg_bench_name_parts) in g->parts. */
static size_t parts_of(grouping *g, const char *name, size_t len)
{
    const char *base;
    size_t n = pg_bench_name_parts(name, len, &base, &g->base_len, g->parts, g->parts_cap);
    if (n > g->parts_cap) {
        g->parts = pg_xgrow(g->parts, &g->parts_cap, n, sizeof *g->parts);
        pg_bench_name_parts(name, len, &base, &g->base_len, g->parts, g->parts_cap);
    }
    return n;
}

/* extractNamePart: the value of a /key (or /gomaxprocs) field. */
static void name_part(grouping *g, const field *f, const char *name, size_t len, const char **v,
                      size_t *vlen)
{
    size_t n = parts_of(g, name, len);
    const pg_bench_name_part *parts = g->parts;
    if (f->ext == EXT_GOMAXPROCS && n > 0 && parts[n - 1].s[0] == '-') {
        *v = parts[n - 1].s + 1;
        *vlen = parts[n - 1].len - 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const pg_bench_name_part *pt = &parts[i];
        if (pt->len > f->name_len && memcmp(pt->s, f->name, f->name_len) == 0 &&
            pt->s[f->name_len] == '=') {
            *v = pt->s + f->name_len + 1;
            *vlen = pt->len - f->name_len - 1;
            return;
        }
    }
    *v = "";
    *vlen = 0;
}

/* extractFullExcluded: the full name without the sub-name keys projected
 * on their own. */
static void fullname(grouping *g, const char *name, size_t len, pg_buf *out)
{
    int found = g->exclude_name;
    for (size_t i = 0; !found && i < g->nname_keys; i++)
        if (memmem(name, len, g->name_keys[i], strlen(g->name_keys[i])) != NULL)
            found = 1;
    if (!found && g->exclude_gomaxprocs && memchr(name, '-', len))
        found = 1;
    if (!found) {
        pg_buf_append(out, name, len);
        return;
    }
    size_t n = parts_of(g, name, len);
    if (g->exclude_name)
        pg_buf_putc(out, '*');
    else
        pg_buf_append(out, name, g->base_len);
    for (size_t i = 0; i < n; i++) {
        const pg_bench_name_part *pt = &g->parts[i];
        int skip = g->exclude_gomaxprocs && pt->s[0] == '-';
        for (size_t k = 0; !skip && k < g->nname_keys; k++)
            if (has_prefix(pt->s, pt->len, g->name_keys[k], strlen(g->name_keys[k])))
                skip = 1;
        if (!skip)
            pg_buf_append(out, pt->s, pt->len);
    }
}

static void config_value(const field *f, const pg_bench_result *r, const char **v, size_t *vlen)
{
    if (f->name_len == 5 && memcmp(f->name, ".file", 5) == 0) {
        *v = r->file ? r->file : "";
        *vlen = strlen(*v);
        return;
    }
    for (size_t i = 0; i < r->nconfig; i++) {
        const pg_bench_kv *kv = &r->config[i];
        if (kv->key_len == f->name_len && memcmp(kv->key, f->name, f->name_len) == 0) {
            *v = kv->val;
            *vlen = kv->val_len;
            return;
        }
    }
    *v = "";
    *vlen = 0;
}

/* The raw value of a field (filters see the unexcluded full name). Uses
 * g->tmp for computed values. */
static void raw_value(grouping *g, const field *f, const pg_bench_result *r, const char **v,
                      size_t *vlen)
{
    switch (f->ext) {
    case EXT_NAME:
        pg_bench_name_base(r->name, r->name_len, v, vlen);
        return;
    case EXT_FULLNAME:
        *v = r->name;
        *vlen = r->name_len;
        return;
    case EXT_PART:
    case EXT_GOMAXPROCS:
        name_part(g, f, r->name, r->name_len, v, vlen);
        return;
    case EXT_CONFIG:
        config_value(f, r, v, vlen);
        return;
    case EXT_UNIT:
        break;
    }
    *v = "";
    *vlen = 0;
}

uint32_t grouping_name_id(grouping *g, const pg_bench_result *r)
{
    return (uint32_t)pg_intern_add(g->names, r->name, r->name_len, NULL);
}

/* A name-derived value, computed once per distinct name. */
static uint32_t name_value(grouping *g, field *f, const pg_bench_result *r, uint32_t name_id)
{
    if (name_id < f->cache_cap && f->cache[name_id])
        return f->cache[name_id] - 1;
    size_t old = f->cache_cap;
    f->cache = pg_xgrow(f->cache, &f->cache_cap, (size_t)name_id + 1, sizeof *f->cache);
    memset(f->cache + old, 0, (f->cache_cap - old) * sizeof *f->cache);
    uint32_t id;
    if (f->ext == EXT_FULLNAME) {
        pg_buf_truncate(&g->tmp, 0);
        fullname(g, r->name, r->name_len, &g->tmp);
        id = intern(g, pg_buf_str(&g->tmp), g->tmp.len);
    } else {
        const char *v;
        size_t vlen;
        raw_value(g, f, r, &v, &vlen);
        id = intern(g, v, vlen);
    }
    f->cache[name_id] = id + 1;
    return id;
}

/* --- projections ------------------------------------------------------ */

static void add_field(projection *p, field *f, int top)
{
    f->idx = p->nfields;
    f->top = top;
    p->all = pg_xgrow(p->all, &p->all_cap, p->nfields + 1, sizeof *p->all);
    p->all[p->nfields++] = f;
    size_t old = p->row_cap;
    p->row = pg_xgrow(p->row, &p->row_cap, p->nfields, sizeof *p->row);
    memset(p->row + old, 0, (p->row_cap - old) * sizeof *p->row);
    p->flat_stale = 1;
    if (top) {
        p->entries = pg_xgrow(p->entries, &p->entries_cap, p->nentries + 1, sizeof *p->entries);
        p->entries[p->nentries++] = (proj_entry){f, f->cmp};
    }
}

static projection *new_projection(grouping *g)
{
    projection *p = pg_xcalloc(1, sizeof *p);
    p->nslots = 64;
    p->slots = pg_xcalloc(p->nslots, sizeof *p->slots);
    g->projs[g->nprojs++] = p;
    return p;
}

static int syntax_error(pg_buf *err, const char *query, size_t off, const char *msg)
{
    q_syntax_error(err, query, off, msg);
    return -1;
}

/* benchproc's fixed-order filter: the raw value must be one of the list. */
static fnode *fixed_filter(grouping *g, const char *key, size_t len, const q_field *qf)
{
    fnode *n = pg_xcalloc(1, sizeof *n);
    n->op = Q_MATCH;
    n->ext = new_field(key, len, ext_of(key, len), CMP_NONE);
    g->raw = pg_xgrow(g->raw, &g->raw_cap, g->nraw + 1, sizeof *g->raw);
    g->raw[g->nraw++] = n->ext;
    n->set = pg_intern_create();
    for (size_t i = 0; i < qf->nfixed; i++)
        pg_intern_add(n->set, qf->fixed[i], qf->fixed_len[i], NULL);
    return n;
}

static void and_filter(grouping *g, fnode **parts, size_t nparts)
{
    fnode *n = pg_xcalloc(1, sizeof *n);
    n->op = Q_AND;
    n->nsubs = nparts + (g->filter ? 1 : 0);
    n->subs = pg_xmalloc(n->nsubs * sizeof *n->subs);
    memcpy(n->subs, parts, nparts * sizeof *parts);
    if (g->filter)
        n->subs[nparts] = g->filter;
    g->filter = n;
}

static int make_field(grouping *g, projection *p, const char *query, const q_field *qf,
                      fnode **filter_part, pg_buf *err)
{
    cmp_kind cmp;
    int fixed = 0;
    if (strcmp(qf->order, "fixed") == 0) {
        cmp = CMP_FIXED;
        fixed = 1;
    } else if (strcmp(qf->order, "first") == 0) {
        cmp = CMP_FIRST;
    } else if (strcmp(qf->order, "alpha") == 0) {
        cmp = CMP_ALPHA;
    } else if (strcmp(qf->order, "num") == 0) {
        cmp = CMP_NUM;
    } else {
        pg_buf m = {0};
        pg_buf_puts(&m, "unknown order ");
        q_quote(&m, qf->order, strlen(qf->order));
        syntax_error(err, query, qf->order_off, pg_buf_str(&m));
        pg_buf_free(&m);
        return -1;
    }
    const char *key = qf->key;
    size_t len = qf->key_len;
    if (len == 7 && memcmp(key, ".config", 7) == 0) {
        if (fixed)
            return syntax_error(err, query, qf->order_off, "fixed order not allowed for .config");
        g->have_config = 1;
        p->has_group = 1;
        p->member_ids = pg_intern_create();
        p->entries = pg_xgrow(p->entries, &p->entries_cap, p->nentries + 1, sizeof *p->entries);
        /* members are never ranked by first appearance (benchproc only
         * ranks top-level fields), so "first" means string order */
        p->entries[p->nentries++] = (proj_entry){NULL, cmp == CMP_FIRST ? CMP_NONE : cmp};
        p->flat_stale = 1;
        return 0;
    }
    if (len == 5 && memcmp(key, ".unit", 5) == 0)
        return syntax_error(err, query, qf->key_off, ".unit is only allowed in filters");
    if (len == 9 && memcmp(key, ".fullname", 9) == 0) {
        g->have_fullname = 1;
    } else {
        if (len == 5 && memcmp(key, ".name", 5) == 0) {
            g->exclude_name = 1;
        } else if (len > 0 && key[0] == '/') {
            /* removed from .fullname: parts starting with "/key=" */
            g->name_keys =
                pg_xgrow(g->name_keys, &g->name_keys_cap, g->nname_keys + 1, sizeof *g->name_keys);
            char *k = pg_xmalloc(len + 2);
            memcpy(k, key, len);
            memcpy(k + len, "=", 2);
            g->name_keys[g->nname_keys++] = k;
            if (len == 11 && memcmp(key, "/gomaxprocs", 11) == 0)
                g->exclude_gomaxprocs = 1;
        } else {
            pg_intern_add(g->config_keys, key, len, NULL);
        }
        if (len == 0)
            return syntax_error(err, query, qf->key_off, "key must not be empty");
    }
    field *f = new_field(key, len, ext_of(key, len), cmp);
    if (fixed) {
        f->fixed = pg_intern_create();
        for (size_t i = 0; i < qf->nfixed; i++)
            pg_intern_add(f->fixed, qf->fixed[i], qf->fixed_len[i], NULL);
        *filter_part = fixed_filter(g, key, len, qf);
    }
    add_field(p, f, 1);
    return 0;
}

projection *grouping_parse(grouping *g, const char *query, int with_unit, pg_buf *err)
{
    q_field *qf;
    size_t n;
    if (q_parse_projection(query, &qf, &n, err) < 0)
        return NULL;
    projection *p = new_projection(g);
    fnode **parts = pg_xcalloc(n + 1, sizeof *parts);
    size_t nparts = 0;
    for (size_t i = 0; i < n; i++) {
        fnode *part = NULL;
        if (make_field(g, p, query, &qf[i], &part, err) < 0) {
            for (size_t j = 0; j < nparts; j++)
                fnode_free(parts[j]);
            free(parts);
            q_fields_free(qf, n);
            return NULL;
        }
        if (part)
            parts[nparts++] = part;
    }
    if (nparts > 0)
        and_filter(g, parts, nparts);
    free(parts);
    q_fields_free(qf, n);
    if (with_unit) {
        p->unit = new_field(".unit", 5, EXT_UNIT, CMP_FIRST);
        add_field(p, p->unit, 1);
    }
    return p;
}

projection *grouping_residue(grouping *g)
{
    projection *p = new_projection(g);
    if (!g->have_config) {
        p->has_group = 1;
        p->member_ids = pg_intern_create();
        p->entries = pg_xgrow(p->entries, &p->entries_cap, p->nentries + 1, sizeof *p->entries);
        p->entries[p->nentries++] = (proj_entry){NULL, CMP_NONE};
    }
    if (!g->have_fullname)
        add_field(p, new_field(".fullname", 9, EXT_FULLNAME, CMP_FIRST), 1);
    return p;
}

void projection_fill(grouping *g, projection *p, const pg_bench_result *r, uint32_t name_id,
                     int config_changed, int file_changed)
{
    for (size_t i = 0; i < p->nentries; i++) {
        field *f = p->entries[i].f;
        if (!f)
            continue;
        const char *v;
        size_t vlen;
        switch (f->ext) {
        case EXT_NAME:
        case EXT_FULLNAME:
        case EXT_PART:
        case EXT_GOMAXPROCS:
            p->row[f->idx] = name_value(g, f, r, name_id);
            break;
        case EXT_CONFIG:
            if (f->name_len == 5 && memcmp(f->name, ".file", 5) == 0 ? file_changed
                                                                     : config_changed) {
                config_value(f, r, &v, &vlen);
                p->row[f->idx] = intern(g, v, vlen);
            }
            break;
        case EXT_UNIT:
            break;
        }
    }
    if (!p->has_group || !config_changed)
        return;
    for (size_t i = 0; i < p->nmembers; i++)
        p->row[p->members[i]->idx] = 0;
    for (size_t i = 0; i < r->nconfig; i++) {
        const pg_bench_kv *kv = &r->config[i];
        size_t m = pg_intern_find(p->member_ids, kv->key, kv->key_len);
        if (m == PG_INTERN_NONE) {
            if (pg_intern_find(g->config_keys, kv->key, kv->key_len) != PG_INTERN_NONE)
                continue;
            m = pg_intern_add(p->member_ids, kv->key, kv->key_len, NULL);
            cmp_kind cmp = CMP_NONE;
            for (size_t e = 0; e < p->nentries; e++)
                if (!p->entries[e].f)
                    cmp = p->entries[e].cmp;
            field *f = new_field(kv->key, kv->key_len, EXT_CONFIG, cmp);
            add_field(p, f, 0);
            p->members = pg_xgrow(p->members, &p->members_cap, p->nmembers + 1, sizeof *p->members);
            p->members[p->nmembers++] = f;
        }
        p->row[p->members[m]->idx] = intern(g, kv->val, kv->val_len);
    }
}

static uint64_t hash_tuple(const uint32_t *v, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= v[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    return h;
}

static size_t find_slot(const projection *p, const uint32_t *row, size_t n, uint64_t h)
{
    size_t mask = p->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t s = p->slots[i];
        if (!s)
            return i;
        size_t k = s - 1;
        if (p->key_len[k] == n && memcmp(p->pool + p->key_off[k], row, n * sizeof *row) == 0)
            return i;
    }
}

static void rank(field *f, uint32_t v)
{
    if (v < f->rank_cap && f->rank[v])
        return;
    size_t old = f->rank_cap;
    f->rank = pg_xgrow(f->rank, &f->rank_cap, (size_t)v + 1, sizeof *f->rank);
    memset(f->rank + old, 0, (f->rank_cap - old) * sizeof *f->rank);
    f->rank[v] = (uint32_t)++f->nranks;
}

uint32_t projection_key(projection *p)
{
    size_t n = p->nfields;
    while (n > 0 && p->row[n - 1] == 0)
        n--;
    uint64_t h = hash_tuple(p->row, n);
    size_t slot = find_slot(p, p->row, n, h);
    if (p->slots[slot])
        return p->slots[slot] - 1;
    size_t k = p->nkeys++;
    size_t kcap = p->keys_cap;
    p->key_off = pg_xgrow(p->key_off, &kcap, p->nkeys, sizeof *p->key_off);
    p->key_len = pg_xgrow(p->key_len, &p->keys_cap, p->nkeys, sizeof *p->key_len);
    p->pool = pg_xgrow(p->pool, &p->pool_cap, p->pool_len + n + 1, sizeof *p->pool);
    memcpy(p->pool + p->pool_len, p->row, n * sizeof *p->row);
    p->key_off[k] = p->pool_len;
    p->key_len[k] = n;
    p->pool_len += n;
    p->slots[slot] = (uint32_t)(k + 1);
    /* benchproc records first appearances when a key is created, for
     * top-level fields in first-appearance order */
    for (size_t i = 0; i < p->nentries; i++) {
        field *f = p->entries[i].f;
        if (f && f->cmp == CMP_FIRST)
            rank(f, f->idx < n ? p->row[f->idx] : 0);
    }
    if (p->nkeys * 4 > p->nslots * 3) {
        free(p->slots);
        p->nslots *= 2;
        p->slots = pg_xcalloc(p->nslots, sizeof *p->slots);
        for (size_t j = 0; j < p->nkeys; j++) {
            const uint32_t *t = p->pool + p->key_off[j];
            size_t i = hash_tuple(t, p->key_len[j]) & (p->nslots - 1);
            while (p->slots[i])
                i = (i + 1) & (p->nslots - 1);
            p->slots[i] = (uint32_t)(j + 1);
        }
    }
    return (uint32_t)k;
}

uint32_t projection_get(const projection *p, uint32_t key, const field *f)
{
    return f->idx < p->key_len[key] ? p->pool[p->key_off[key] + f->idx] : 0;
}

field *const *projection_flat(projection *p, size_t *n)
{
    if (p->flat_stale) {
        p->flat = pg_xrealloc(p->flat, (p->nfields + 1) * sizeof *p->flat);
        p->nflat = 0;
        for (size_t i = 0; i < p->nentries; i++) {
            if (p->entries[i].f) {
                p->flat[p->nflat++] = p->entries[i].f;
                continue;
            }
            for (size_t m = 0; m < p->nmembers; m++)
                p->flat[p->nflat++] = p->members[m];
        }
        p->flat_stale = 0;
    }
    *n = p->nflat;
    return p->flat;
}

static int go_compare(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c)
        return c < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn;
}

/* benchproc's parseNum: a Go float, or a number with an SI/IEC prefix and
 * an optional B (`^([+-]?[0-9.]+)([kKMGTPEZY]i?)?[bB]?$`). */
static int parse_num(const char *s, size_t n, double *out)
{
    if (pg_bench_parse_float(s, n, out) == PG_NUM_OK)
        return 0;
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t start = i;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
        i++;
    if (i == start)
        return -1;
    size_t num_end = i;
    static const char prefixes[] = "KMGTPEZY";
    int exp = 0, iec = 0;
    if (i < n && (s[i] == 'k' || strchr(prefixes, s[i]))) {
        char pre = s[i] == 'k' ? 'K' : s[i];
        exp = 1 + (int)(strchr(prefixes, pre) - prefixes);
        i++;
        if (i < n && s[i] == 'i') {
            iec = 1;
            i++;
        }
    }
    if (i < n && (s[i] == 'b' || s[i] == 'B'))
        i++;
    if (i != n || pg_bench_parse_float(s, num_end, out) != PG_NUM_OK)
        return -1;
    *out *= pow(iec ? 1024 : 1000, exp);
    return 0;
}

static int num_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    double x, y;
    int ea = parse_num(a, an, &x), eb = parse_num(b, bn, &y);
    if (ea == 0 && eb == 0) {
        if (x < y || (!isnan(x) && isnan(y)))
            return -1;
        if (x > y || (isnan(x) && !isnan(y)))
            return 1;
        return 0;
    }
    if (ea != 0 && eb != 0)
        return 0;
    return ea == 0 ? -1 : 1;
}

int projection_cmp(grouping *g, projection *p, uint32_t a, uint32_t b)
{
    size_t nf;
    field *const *flat = projection_flat(p, &nf);
    for (size_t i = 0; i < nf; i++) {
        const field *f = flat[i];
        uint32_t va = projection_get(p, a, f), vb = projection_get(p, b, f);
        if (va == vb)
            continue;
        size_t al, bl;
        const char *as = str(g, va, &al), *bs = str(g, vb, &bl);
        long c = 0;
        switch (f->cmp) {
        case CMP_FIRST:
            c = (long)(va < f->rank_cap ? f->rank[va] : 0) -
                (long)(vb < f->rank_cap ? f->rank[vb] : 0);
            break;
        case CMP_NONE:
            break;
        case CMP_ALPHA:
            c = go_compare(as, al, bs, bl);
            break;
        case CMP_NUM:
            c = num_cmp(as, al, bs, bl);
            break;
        case CMP_FIXED: {
            size_t ia = pg_intern_find(f->fixed, as, al), ib = pg_intern_find(f->fixed, bs, bl);
            c = (long)(ia == PG_INTERN_NONE ? 0 : ia) - (long)(ib == PG_INTERN_NONE ? 0 : ib);
            break;
        }
        }
        if (c != 0)
            return c < 0 ? -1 : 1;
        return go_compare(as, al, bs, bl);
    }
    return 0;
}

void projection_label(grouping *g, projection *p, uint32_t key, pg_buf *out)
{
    size_t nf, start = out->len;
    field *const *flat = projection_flat(p, &nf);
    for (size_t i = 0; i < nf; i++) {
        uint32_t v = projection_get(p, key, flat[i]);
        if (v == 0)
            continue;
        if (out->len > start)
            pg_buf_putc(out, ' ');
        size_t len;
        const char *s = str(g, v, &len);
        pg_buf_append(out, s, len);
    }
}

/* --- filters ---------------------------------------------------------- */

static fnode *compile(grouping *g, const char *query, q_node *q, pg_buf *err)
{
    fnode *n = pg_xcalloc(1, sizeof *n);
    n->op = q->op;
    if (q->op != Q_MATCH) {
        n->nsubs = q->nsubs;
        n->subs = pg_xcalloc(q->nsubs ? q->nsubs : 1, sizeof *n->subs);
        for (size_t i = 0; i < q->nsubs; i++) {
            n->subs[i] = compile(g, query, q->subs[i], err);
            if (!n->subs[i]) {
                fnode_free(n);
                return NULL;
            }
        }
        return n;
    }
    n->q = q;
    if (q->key_len == 5 && memcmp(q->key, ".unit", 5) == 0) {
        n->unit = 1;
        return n;
    }
    const char *msg = NULL;
    if (q->key_len == 7 && memcmp(q->key, ".config", 7) == 0)
        msg = ".config is only allowed in projections";
    else if (q->key_len == 0)
        msg = "key must not be empty";
    if (msg) {
        syntax_error(err, query, q->off, msg);
        fnode_free(n);
        return NULL;
    }
    n->ext = new_field(q->key, q->key_len, ext_of(q->key, q->key_len), CMP_NONE);
    g->raw = pg_xgrow(g->raw, &g->raw_cap, g->nraw + 1, sizeof *g->raw);
    g->raw[g->nraw++] = n->ext;
    return n;
}

int grouping_filter(grouping *g, const char *query, pg_buf *err)
{
    if (q_parse_filter(query, &g->filter_tree, err) < 0)
        return -1;
    /* `*` alone needs no evaluation */
    if (g->filter_tree->op == Q_AND && g->filter_tree->nsubs == 0)
        return 0;
    g->filter = compile(g, query, g->filter_tree, err);
    return g->filter ? 0 : -1;
}

static int lit_match(q_node *q, const char *v, size_t len)
{
    if (q->re)
        return pg_regex_match(q->re, v, len);
    return q->lit_len == len && memcmp(q->lit, v, len) == 0;
}

/* benchproc's filterFn: returns 1 with a value mask in n->mask, or 0 with
 * the verdict in *x. */
static int eval(grouping *g, fnode *n, const pg_bench_result *r, size_t words, int *x)
{
    if (n->mask_cap < words) {
        n->mask = pg_xrealloc(n->mask, words * sizeof *n->mask);
        n->mask_cap = words;
    }
    uint64_t *m = n->mask;
    switch (n->op) {
    case Q_MATCH:
        if (n->unit) {
            memset(m, 0, words * sizeof *m);
            for (size_t i = 0; i < r->nvalues; i++) {
                const pg_bench_value *v = &r->values[i];
                if (lit_match(n->q, v->unit, strlen(v->unit)) ||
                    (v->orig_unit && lit_match(n->q, v->orig_unit, strlen(v->orig_unit))))
                    m[i / 64] |= (uint64_t)1 << (i % 64);
            }
            return 1;
        }
        {
            const char *v;
            size_t len;
            raw_value(g, n->ext, r, &v, &len);
            *x =
                n->set ? pg_intern_find(n->set, v, len) != PG_INTERN_NONE : lit_match(n->q, v, len);
        }
        return 0;
    case Q_NOT: {
        int sx;
        if (!eval(g, n->subs[0], r, words, &sx)) {
            *x = !sx;
            return 0;
        }
        for (size_t i = 0; i < words; i++)
            m[i] = ~n->subs[0]->mask[i];
        return 1;
    }
    case Q_AND:
    case Q_OR: {
        int have = 0, is_and = n->op == Q_AND;
        for (size_t s = 0; s < n->nsubs; s++) {
            int sx;
            if (!eval(g, n->subs[s], r, words, &sx)) {
                if (is_and ? !sx : sx) {
                    *x = !is_and;
                    return 0;
                }
                continue;
            }
            const uint64_t *sm = n->subs[s]->mask;
            for (size_t i = 0; i < words; i++)
                m[i] = !have ? sm[i] : is_and ? m[i] & sm[i] : m[i] | sm[i];
            have = 1;
        }
        if (have)
            return 1;
        *x = is_and;
        return 0;
    }
    }
    *x = 0;
    return 0;
}

size_t grouping_match(grouping *g, const pg_bench_result *r, unsigned char *keep)
{
    int x = 1;
    size_t words = (r->nvalues + 63) / 64;
    int masked = g->filter ? eval(g, g->filter, r, words ? words : 1, &x) : 0;
    size_t kept = 0;
    for (size_t i = 0; i < r->nvalues; i++) {
        keep[i] = masked ? (g->filter->mask[i / 64] >> (i % 64)) & 1 : (unsigned char)x;
        kept += keep[i];
    }
    return kept;
}
