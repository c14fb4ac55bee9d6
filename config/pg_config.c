/*
 * The config object: defaults, loading .perfgate.yml, command-line
 * overrides, the accessors, and the canonical text and hash.
 *
 * Loading walks the YAML tree against the key table (pg_config_values.c):
 * every key found is validated into a config that starts from the defaults,
 * so a missing key keeps its default and an unknown one is an error with a
 * suggestion. The defaults themselves are text in that table, run through
 * the same validation as a command-line override.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pg_alloc.h"
#include "pg_config_internal.h"

/* ---- creating and freeing ---- */

pg_config *pg_config_default(void)
{
    pg_config *cfg = pg_xcalloc(1, sizeof *cfg);
    for (size_t i = 0; i < pg_config_nkeys; i++) {
        const cfg_key *k = &pg_config_keys[i];
        if (!k->def)
            continue;
        cfg_val v = pg_config_val_text(k->def, NULL);
        /* The defaults are valid by construction (test_config checks each). */
        if (pg_config_parse_value(cfg, k, &v, NULL) < 0)
            abort();
    }
    pg_config_rules_default(cfg);
    return cfg;
}

void pg_config_free(pg_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < pg_config_nkeys; i++)
        pg_config_free_value(cfg, &pg_config_keys[i]);
    free(cfg->path);
    free(cfg);
}

const char *pg_config_path(const pg_config *cfg)
{
    return cfg->path;
}

/* ---- loading ---- */

/* The names of the keys directly inside `section` ("" for the top level). */
static size_t children(const char *section, const char **out)
{
    size_t n = 0, plen = strlen(section);
    for (size_t i = 0; i < pg_config_nkeys; i++) {
        const char *p = pg_config_keys[i].path;
        if (plen == 0 ? strchr(p, '.') == NULL
                      : strncmp(p, section, plen) == 0 && p[plen] == '.' &&
                            strchr(p + plen + 1, '.') == NULL)
            out[n++] = pg_config_key_name(&pg_config_keys[i]);
    }
    return n;
}

static void put_names(pg_buf *m, const char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pg_buf_printf(m, "%s`%s`", i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
}

/* "`window:` indented under `trace:`" for a nested key. */
static void put_nesting(pg_buf *m, const cfg_key *k)
{
    const char *name = pg_config_key_name(k);
    pg_buf_printf(m, "`%s:` indented under `%.*s:`", name, (int)(name - 1 - k->path), k->path);
}

/* The nested key `word` spells with dots, or with the `-`/`_` of a flag
 * (`report-dir`, `base_ref`), or NULL. */
static const cfg_key *spelled_flat(const char *word, size_t len)
{
    if (len == 0 || len > 64)
        return NULL;
    char flat[65];
    for (size_t i = 0; i < len; i++)
        flat[i] = word[i] == '-' || word[i] == '_' ? '.' : word[i];
    const cfg_key *k = pg_config_key_find(word, len);
    if (!k)
        k = pg_config_key_find(flat, len);
    return k && strchr(k->path, '.') ? k : NULL;
}

static int unknown_key(const cfg_val *key, const char *section, pg_error *err)
{
    const char *names[64];
    size_t n = children(section, names);
    pg_buf m = {0};
    pg_buf_puts(&m, "unknown key ");
    pg_config_put_found(&m, key);
    if (*section)
        pg_buf_printf(&m, " in `%s`", section);
    const cfg_key *flat = spelled_flat(key->text, key->len);
    const char *near = pg_config_suggest(key->text, key->len, names, n);
    /* The same name in other sections: `dir` is store.dir or report.dir. */
    const cfg_key *elsewhere[4];
    size_t nelse = 0;
    for (size_t i = 0; i < pg_config_nkeys && nelse < 4; i++) {
        const char *name = pg_config_key_name(&pg_config_keys[i]);
        if (name != pg_config_keys[i].path && strlen(name) == key->len &&
            memcmp(name, key->text, key->len) == 0)
            elsewhere[nelse++] = &pg_config_keys[i];
    }
    if (flat && memchr(key->text, '.', key->len)) {
        pg_buf_puts(&m, "; YAML does not nest keys with dots: write ");
        put_nesting(&m, flat);
    } else if (flat) {
        pg_buf_printf(&m, "; did you mean `%s`? Write ", flat->path);
        put_nesting(&m, flat);
    } else if (near) {
        pg_buf_printf(&m, "; did you mean `%s`?", near);
    } else if (nelse > 0) {
        pg_buf_puts(&m, "; did you mean ");
        for (size_t i = 0; i < nelse; i++)
            pg_buf_printf(&m, "%s`%s`",
                          i == 0           ? ""
                          : i + 1 == nelse ? " or "
                                           : ", ",
                          elsewhere[i]->path);
        pg_buf_puts(&m, "? Write ");
        for (size_t i = 0; i < nelse; i++) {
            if (i > 0)
                pg_buf_puts(&m, i + 1 == nelse ? " or " : ", ");
            put_nesting(&m, elsewhere[i]);
        }
    } else {
        pg_buf_puts(&m, "; the keys here are ");
        put_names(&m, names, n);
    }
    pg_config_fail(err, key, "%s", pg_buf_str(&m));
    pg_buf_free(&m);
    return -1;
}

static int section_error(const cfg_val *v, const cfg_key *k, pg_error *err)
{
    const char *names[64];
    size_t n = children(k->path, names);
    pg_buf expect = {0};
    pg_buf_puts(&expect, "a mapping of its keys ");
    put_names(&expect, names, n);
    pg_config_expect(err, v, k->path, pg_buf_str(&expect), NULL);
    pg_buf_free(&expect);
    return -1;
}

static int apply_mapping(pg_config *cfg, const pg_yaml_node *map, const char *section,
                         const char *file, pg_error *err)
{
    for (size_t i = 0; i < map->n / 2; i++) {
        cfg_val key = pg_config_val_node(map->items[2 * i], file);
        cfg_val val = pg_config_val_node(map->items[2 * i + 1], file);
        pg_buf path = {0};
        if (*section)
            pg_buf_printf(&path, "%s.", section);
        pg_buf_append(&path, key.text, key.len);
        /* Keys nest by indentation, never with dots; and a key with a NUL
         * byte cannot be one of ours (strlen would stop short). */
        const cfg_key *k =
            memchr(key.text, '.', key.len) == NULL && strlen(pg_buf_str(&path)) == path.len
                ? pg_config_key_find(pg_buf_str(&path), path.len)
                : NULL;
        pg_buf_free(&path);
        int rc;
        if (!k)
            rc = unknown_key(&key, section, err);
        else if (k->type != CFG_SECTION)
            rc = pg_config_parse_value(cfg, k, &val, err);
        else if (pg_config_val_null(&val))
            rc = 0; /* a section with everything commented out */
        else if (val.node->kind == PG_YAML_MAPPING)
            rc = apply_mapping(cfg, val.node, k->path, file, err);
        else
            rc = section_error(&val, k, err);
        if (rc < 0)
            return -1;
    }
    return 0;
}

pg_config *pg_config_parse(const char *data, size_t len, const char *name, pg_error *err)
{
    pg_yaml_node *root;
    if (pg_yaml_parse(data, len, name, &root, err) < 0)
        return NULL;
    pg_config *cfg = pg_config_default();
    int rc = 0;
    if (root) {
        cfg_val v = pg_config_val_node(root, name);
        if (root->kind == PG_YAML_MAPPING) {
            rc = apply_mapping(cfg, root, "", name, err);
        } else if (!pg_config_val_null(&v)) {
            /* An empty document (a lone "---") is all defaults; anything else is not a config. */
            pg_buf m = {0};
            pg_config_put_found(&m, &v);
            rc = pg_config_fail(err, &v,
                                "the top level must be a mapping of keys, such as `count: 10`, "
                                "found %s",
                                pg_buf_str(&m));
            pg_buf_free(&m);
        }
    }
    pg_yaml_free(root);
    if (rc < 0) {
        pg_config_free(cfg);
        return NULL;
    }
    return cfg;
}

/* Reads a whole (small) file: a config is parsed as one document, and the
 * text is kept for locating libyaml's errors. */
static char *read_file(const char *path, size_t *len, pg_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pg_error_set(err, "cannot read config file %s: %s; check the path", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        pg_error_set(err, "%s is a directory; give the path of a %s file", path, PG_CONFIG_FILE);
        return NULL;
    }
    pg_buf b = {0};
    for (;;) {
        pg_buf_reserve(&b, 65536);
        ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            pg_error_set(err, "cannot read config file %s: %s", path, strerror(errno));
            break;
        }
        if (n == 0) {
            close(fd);
            *len = b.len;
            return pg_buf_detach(&b);
        }
        b.len += (size_t)n;
        b.data[b.len] = '\0';
        if (b.len > PG_CONFIG_MAX_SIZE) {
            pg_error_set(err,
                         "%s is larger than %d KiB; a config file is a few KiB, so check that "
                         "this is the right file",
                         path, PG_CONFIG_MAX_SIZE / 1024);
            break;
        }
    }
    close(fd);
    pg_buf_free(&b);
    return NULL;
}

pg_config *pg_config_load(const char *path, pg_error *err)
{
    size_t len;
    char *data = read_file(path, &len, err);
    if (!data)
        return NULL;
    pg_config *cfg = pg_config_parse(data, len, path, err);
    free(data);
    if (cfg)
        cfg->path = pg_xstrdup(path);
    return cfg;
}

pg_config *pg_config_find(const char *dir, pg_error *err)
{
    char *path = dir ? pg_xasprintf("%s/%s", dir, PG_CONFIG_FILE) : pg_xstrdup(PG_CONFIG_FILE);
    struct stat st;
    pg_config *cfg;
    if (stat(path, &st) < 0 && errno == ENOENT)
        cfg = pg_config_default();
    else
        cfg = pg_config_load(path, err);
    free(path);
    return cfg;
}

/* ---- overriding ---- */

int pg_config_set(pg_config *cfg, const char *key, const char *value, const char *origin,
                  pg_error *err)
{
    cfg_val v = pg_config_val_text(value, origin);
    if (strncmp(key, "env.", 4) == 0)
        return pg_config_set_env(cfg, key + 4, &v, err);
    const cfg_key *k = pg_config_key_find(key, strlen(key));
    if (!k) {
        const char *paths[64];
        size_t n = 0;
        for (size_t i = 0; i < pg_config_nkeys; i++)
            if (pg_config_keys[i].type != CFG_SECTION)
                paths[n++] = pg_config_keys[i].path;
        const char *near = pg_config_suggest(key, strlen(key), paths, n);
        if (near)
            return pg_config_fail(err, &v, "unknown configuration key `%s`; did you mean `%s`?",
                                  key, near);
        return pg_config_fail(err, &v,
                              "unknown configuration key `%s`; config/README.md lists them", key);
    }
    if (k->type == CFG_SECTION) {
        const char *names[64];
        size_t n = children(k->path, names);
        pg_buf m = {0};
        pg_buf_printf(&m, "`%s` is a section; set one of its keys: ", k->path);
        for (size_t i = 0; i < n; i++)
            pg_buf_printf(&m, "%s`%s.%s`", i ? ", " : "", k->path, names[i]);
        pg_config_fail(err, &v, "%s", pg_buf_str(&m));
        pg_buf_free(&m);
        return -1;
    }
    return pg_config_parse_value(cfg, k, &v, err);
}

static const pg_config_flag flags[] = {
    {"--base", "base.ref", "REF", NULL,
     "compare against REF (its merge-base with HEAD by default)"},
    {"--base-mode", "base.mode", "MODE", NULL, "merge-base (with --base) or fixed (--base itself)"},
    {"--bench", "bench", "REGEX", NULL, "benchmarks to run, as go test -bench selects them"},
    {"--packages", "packages", "P...", NULL, "package patterns to benchmark"},
    {"--count", "count", "N", NULL, "rounds: samples per side"},
    {"--confirm-count", "confirm_count", "N", NULL,
     "more rounds for benchmarks in doubt (0: decide on --count alone)"},
    {"--benchtime", "benchtime", "D", NULL, "run each benchmark for D (1s) or N iterations (Nx)"},
    {"--cpu", "cpu", "LIST", NULL, "GOMAXPROCS values, comma-separated (go test -cpu)"},
    {"--timeout", "timeout", "D", NULL, "kill a benchmark process after D (0: never)"},
    {"--no-trace", "trace.enabled", NULL, "false", "run without execution traces"},
    {"--store", "store.backend", "S", NULL, "where results live: notes or dir"},
    {"--alpha", "alpha", "A", NULL, "significance level after correction"},
    {"--correction", "correction", "C", NULL, "holm, benjamini-hochberg or none"},
    {"--report-dir", "report.dir", "D", NULL, "write report files into D"},
};

const pg_config_flag *pg_config_flags(size_t *n)
{
    *n = sizeof flags / sizeof flags[0];
    return flags;
}

const pg_config_flag *pg_config_flag_find(const char *name)
{
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (strcmp(flags[i].name, name) == 0)
            return &flags[i];
    return NULL;
}

int pg_config_apply_flag(pg_config *cfg, const pg_config_flag *flag, const char *arg, pg_error *err)
{
    if (!flag->metavar)
        return pg_config_set(cfg, flag->key, flag->value, flag->name, err);
    if (!arg)
        return pg_error_set(err, "%s needs a value (%s %s)", flag->name, flag->name, flag->metavar);
    return pg_config_set(cfg, flag->key, arg, flag->name, err);
}

/* ---- accessors ---- */

const char *const *pg_config_packages(const pg_config *cfg, size_t *n)
{
    *n = cfg->packages.n;
    return (const char *const *)cfg->packages.items;
}

const char *pg_config_bench(const pg_config *cfg)
{
    return cfg->bench;
}

int pg_config_count(const pg_config *cfg)
{
    return cfg->count;
}

int pg_config_confirm_count(const pg_config *cfg)
{
    return cfg->confirm_count;
}

const char *pg_config_benchtime(const pg_config *cfg)
{
    return cfg->benchtime;
}

int64_t pg_config_benchtime_iterations(const pg_config *cfg)
{
    return cfg->benchtime_n;
}

int64_t pg_config_benchtime_ns(const pg_config *cfg)
{
    return cfg->benchtime_ns;
}

const int *pg_config_cpus(const pg_config *cfg, size_t *n)
{
    *n = cfg->ncpus;
    return cfg->cpus;
}

int64_t pg_config_timeout_ns(const pg_config *cfg)
{
    return cfg->timeout_ns;
}

const pg_config_envvar *pg_config_env(const pg_config *cfg, size_t *n)
{
    *n = cfg->nenv;
    return cfg->env;
}

const char *const *pg_config_build_flags(const pg_config *cfg, size_t *n)
{
    *n = cfg->build_flags.n;
    return (const char *const *)cfg->build_flags.items;
}

int pg_config_trace_enabled(const pg_config *cfg)
{
    return cfg->trace_enabled;
}

pg_config_window pg_config_trace_window(const pg_config *cfg)
{
    return (pg_config_window)cfg->trace_window;
}

const int64_t *pg_config_mmu_windows(const pg_config *cfg, size_t *n)
{
    *n = cfg->nmmu;
    return cfg->mmu;
}

pg_config_base pg_config_base_mode(const pg_config *cfg)
{
    return (pg_config_base)cfg->base_mode;
}

const char *pg_config_base_ref(const pg_config *cfg)
{
    return cfg->base_ref;
}

pg_config_store pg_config_store_backend(const pg_config *cfg)
{
    return (pg_config_store)cfg->store;
}

const char *pg_config_store_notes_ref(const pg_config *cfg)
{
    return cfg->notes_ref;
}

const char *pg_config_store_dir(const pg_config *cfg)
{
    return cfg->store_dir;
}

double pg_config_alpha(const pg_config *cfg)
{
    return cfg->alpha;
}

pg_correction pg_config_correction(const pg_config *cfg)
{
    return (pg_correction)cfg->correction;
}

double pg_config_confidence(const pg_config *cfg)
{
    return cfg->confidence;
}

int pg_config_report_format(const pg_config *cfg, pg_config_format format)
{
    return format < PG_CONFIG_FORMAT_COUNT && (cfg->formats & (1u << format)) != 0;
}

const char *pg_config_report_dir(const pg_config *cfg)
{
    return cfg->report_dir;
}

int pg_config_github_step_summary(const pg_config *cfg)
{
    return cfg->gh_step_summary;
}

/* ---- canonical text and hash ---- */

void pg_config_write(const pg_config *cfg, pg_config_scope scope, pg_buf *out)
{
    for (size_t i = 0; i < pg_config_nkeys; i++) {
        const cfg_key *k = &pg_config_keys[i];
        if (scope == PG_CONFIG_MEASUREMENT && !(k->flags & CFG_MEASUREMENT))
            continue;
        for (const char *p = k->path; (p = strchr(p, '.')) != NULL; p++)
            pg_buf_puts(out, "  ");
        pg_buf_printf(out, "%s:", pg_config_key_name(k));
        if (k->type != CFG_SECTION) {
            pg_buf value = {0};
            pg_config_write_value(cfg, k, &value);
            if (pg_buf_str(&value)[0] != '\n')
                pg_buf_putc(out, ' ');
            pg_buf_append(out, value.data, value.len);
            pg_buf_free(&value);
        }
        pg_buf_putc(out, '\n');
    }
}

void pg_config_hash(const pg_config *cfg, pg_config_scope scope, char out[PG_CONFIG_HASH_LEN + 1])
{
    pg_buf text = {0};
    pg_config_write(cfg, scope, &text);
    uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a 64 offset basis */
    for (size_t i = 0; i < text.len; i++) {
        h ^= (unsigned char)text.data[i];
        h *= UINT64_C(1099511628211); /* FNV 64 prime */
    }
    pg_buf_free(&text);
    static const char hex[] = "0123456789abcdef";
    for (int i = PG_CONFIG_HASH_LEN - 1; i >= 0; i--, h >>= 4)
        out[i] = hex[h & 15];
    out[PG_CONFIG_HASH_LEN] = '\0';
}
