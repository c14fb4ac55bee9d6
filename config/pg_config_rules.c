/*
 * Threshold rules: which change of which (package, benchmark, unit) fails
 * the gate, in which direction, beyond what limit.
 *
 * Rules are an ordered list and the first match wins, like a firewall or
 * a CODEOWNERS-style list read top-down: a specific rule goes above the
 * general one it refines, and what a row gets is decided by reading the list
 * from the top, with no scoring to reason about. `thresholds` in the file
 * replaces the defaults below entirely, so the rules in effect are exactly
 * the ones written there (config/perfgate.example.yml lists the defaults to
 * copy from).
 */
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_config_internal.h"
#include "pg_fmt.h"
#include "pg_gosyntax.h"

/* The defaults: benchstat's units, then the trace units (DESIGN.md), each
 * with its natural direction. Fractions (MMU, P utilisation) get absolute
 * limits, since a relative change of a value near 0 means little. */
static const struct {
    const char *unit;
    pg_better better;
    pg_config_limit limit;
    double value;
} default_rules[] = {
    {"sec/op", PG_BETTER_LOWER, PG_CONFIG_LIMIT_RELATIVE, 5},
    {"B/op", PG_BETTER_LOWER, PG_CONFIG_LIMIT_RELATIVE, 5},
    {"allocs/op", PG_BETTER_LOWER, PG_CONFIG_LIMIT_RELATIVE, 5},
    {"*/s", PG_BETTER_HIGHER, PG_CONFIG_LIMIT_RELATIVE, 5},
    /* Trace units explain a change; they do not fail the gate unless a
     * rule says so. Some carry harness and short-run effects (a faster
     * benchmark has a relatively larger forced GC in its window), and every
     * gated row widens the multiple-comparison family. */
    {"mmu-*", PG_BETTER_HIGHER, PG_CONFIG_LIMIT_NONE, 0},
    {"p-util", PG_BETTER_HIGHER, PG_CONFIG_LIMIT_NONE, 0},
    {"gc-*", PG_BETTER_LOWER, PG_CONFIG_LIMIT_NONE, 0},
    {"*-sec/op", PG_BETTER_LOWER, PG_CONFIG_LIMIT_NONE, 0},
};

static const char *const rule_keys[] = {"package", "bench", "unit", "better", "limit"};
enum { RULE_PACKAGE, RULE_BENCH, RULE_UNIT, RULE_BETTER, RULE_LIMIT, RULE_NKEYS };
static const char *const rule_expect[] = {
    "a glob over package import paths, such as `example.com/mod/*`",
    "a glob over benchmark names, such as `Parse*`",
    "a glob over units, such as `sec/op` or `mmu-*`",
    "`lower` or `higher`",
    "a percentage such as `5%`, an amount in the unit such as `0.05` or `2ms`, `any` or `none`",
};
static const char *const better_names[] = {"lower", "higher"};

static void rule_free(pg_threshold *r)
{
    free((char *)r->package);
    free((char *)r->bench);
    free((char *)r->unit);
    free((char *)r->origin);
}

static void rules_free(pg_threshold *rules, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rule_free(&rules[i]);
    free(rules);
}

void pg_config_rules_free(pg_config *cfg)
{
    rules_free(cfg->rules, cfg->nrules);
    cfg->rules = NULL;
    cfg->nrules = 0;
}

void pg_config_rules_default(pg_config *cfg)
{
    size_t n = sizeof default_rules / sizeof default_rules[0];
    pg_config_rules_free(cfg);
    cfg->rules = pg_xcalloc(n, sizeof *cfg->rules);
    cfg->nrules = n;
    for (size_t i = 0; i < n; i++) {
        pg_threshold *r = &cfg->rules[i];
        r->package = pg_xstrdup("*");
        r->bench = pg_xstrdup("*");
        r->unit = pg_xstrdup(default_rules[i].unit);
        r->better = default_rules[i].better;
        r->limit = default_rules[i].limit;
        r->value = default_rules[i].value;
        r->origin = pg_xasprintf("default rule %zu", i + 1);
    }
}

/* benchstat tidies ns -> sec and MB -> B in a unit's numerator; rules see
 * the tidied unit, so "ns/op" in a rule would never match. Returns the
 * tidied spelling when `unit` has such a token, else NULL. */
static char *untidy_unit(const char *unit, size_t len)
{
    pg_buf b = {0};
    int changed = 0;
    size_t i = 0;
    while (i < len && unit[i] != '/') {
        size_t j = i;
        while (j < len && unit[j] != '/' && unit[j] != '-' && unit[j] != ' ')
            j++;
        if (j - i == 2 && memcmp(unit + i, "ns", 2) == 0) {
            pg_buf_puts(&b, "sec");
            changed = 1;
        } else if (j - i == 2 && memcmp(unit + i, "MB", 2) == 0) {
            pg_buf_puts(&b, "B");
            changed = 1;
        } else {
            pg_buf_append(&b, unit + i, j - i);
        }
        i = j;
        if (i < len && unit[i] != '/')
            pg_buf_putc(&b, unit[i++]);
    }
    pg_buf_append(&b, unit + i, len - i);
    if (!changed) {
        pg_buf_free(&b);
        return NULL;
    }
    return pg_buf_detach(&b);
}

static int parse_limit(const cfg_val *v, pg_threshold *r, pg_error *err)
{
    const char *what = rule_keys[RULE_LIMIT], *expect = rule_expect[RULE_LIMIT];
    const char *s = v->text;
    size_t len = v->len;
    double x;
    int64_t ns;
    if (len == 3 && memcmp(s, "any", 3) == 0) {
        r->limit = PG_CONFIG_LIMIT_ANY;
        r->value = 0;
        return 0;
    }
    if (len == 4 && memcmp(s, "none", 4) == 0) {
        r->limit = PG_CONFIG_LIMIT_NONE;
        r->value = 0;
        return 0;
    }
    if (len > 1 && s[len - 1] == '%') {
        /* A percentage: an unsigned decimal number before the '%'. */
        int ok = 1;
        for (size_t i = 0; ok && i + 1 < len; i++)
            ok = (s[i] >= '0' && s[i] <= '9') || s[i] == '.';
        if (!ok || pg_config_parse_number(s, len - 1, &x) < 0)
            return pg_config_expect(err, v, what, expect,
                                    ": a percentage is a plain number followed by `%%`");
        r->limit = PG_CONFIG_LIMIT_RELATIVE;
        r->value = x;
        return 0;
    }
    int amount = pg_config_parse_number(s, len, &x) == 0;
    if (!amount && pg_gosyntax_duration_parse(s, len, &ns, NULL, NULL) == PG_GOSYNTAX_DURATION_OK) {
        x = (double)ns / 1e9; /* a duration is an amount in seconds */
        amount = 1;
    }
    if (amount) {
        if (x < 0)
            return pg_config_expect(err, v, what, expect, ": a limit cannot be negative");
        r->limit = PG_CONFIG_LIMIT_ABSOLUTE;
        r->value = x + 0.0; /* -0 -> 0 */
        return 0;
    }
    static const char *const words[] = {"any", "none"};
    const char *near = pg_config_suggest(s, len, words, 2);
    if (near)
        return pg_config_expect(err, v, what, expect, "; did you mean `%s`?", near);
    return pg_config_expect(err, v, what, expect, NULL);
}

/* One `- {unit: ..., limit: ...}` item into *r. */
static int parse_rule(const cfg_val *item, pg_threshold *r, pg_error *err)
{
    const pg_yaml_node *map = item->node;
    const cfg_val *found[RULE_NKEYS] = {0};
    cfg_val vals[RULE_NKEYS];
    for (size_t i = 0; i < map->n / 2; i++) {
        cfg_val key = pg_config_val_node(map->items[2 * i], item->file);
        key.context = item->context;
        size_t k = 0;
        while (k < RULE_NKEYS &&
               !(strlen(rule_keys[k]) == key.len && memcmp(rule_keys[k], key.text, key.len) == 0))
            k++;
        if (k == RULE_NKEYS) {
            pg_buf m = {0};
            pg_config_put_found(&m, &key);
            const char *near = pg_config_suggest(key.text, key.len, rule_keys, RULE_NKEYS);
            if (near)
                pg_config_fail(err, &key, "unknown key %s; did you mean `%s`?", pg_buf_str(&m),
                               near);
            else
                pg_config_fail(err, &key,
                               "unknown key %s; a rule's keys are `package`, `bench`, `unit`, "
                               "`better` and `limit`",
                               pg_buf_str(&m));
            pg_buf_free(&m);
            return -1;
        }
        vals[k] = pg_config_val_node(map->items[2 * i + 1], item->file);
        vals[k].context = item->context;
        found[k] = &vals[k];
    }
    if (!found[RULE_LIMIT])
        return pg_config_fail(err, item,
                              "the rule has no `limit`; add one, such as `limit: 5%%` (or `limit: "
                              "none` to only report)");
    const char **pattern[] = {&r->package, &r->bench, &r->unit};
    for (int k = 0; k < RULE_NKEYS; k++) {
        const cfg_val *v = found[k];
        if (!v) {
            if (k <= RULE_UNIT)
                *pattern[k] = pg_xstrdup("*");
            continue;
        }
        if ((v->node->kind != PG_YAML_SCALAR) || pg_config_val_null(v) || v->len == 0)
            return pg_config_expect(err, v, rule_keys[k], rule_expect[k], NULL);
        if (pg_config_check_text(err, v, rule_keys[k], 0) < 0)
            return -1;
        if (k == RULE_UNIT) {
            char *tidy = untidy_unit(v->text, v->len);
            if (tidy) {
                pg_config_expect(err, v, rule_keys[k], rule_expect[k],
                                 ": rules see units as benchstat shows them, so write `%s`", tidy);
                free(tidy);
                return -1;
            }
        }
        if (k <= RULE_UNIT) {
            *pattern[k] = pg_xstrndup(v->text, v->len);
        } else if (k == RULE_BETTER) {
            if (v->len == 5 && memcmp(v->text, "lower", 5) == 0) {
                r->better = PG_BETTER_LOWER;
            } else if (v->len == 6 && memcmp(v->text, "higher", 6) == 0) {
                r->better = PG_BETTER_HIGHER;
            } else {
                const char *near = pg_config_suggest(v->text, v->len, better_names, 2);
                if (near)
                    return pg_config_expect(err, v, rule_keys[k], rule_expect[k],
                                            "; did you mean `%s`?", near);
                return pg_config_expect(err, v, rule_keys[k], rule_expect[k], NULL);
            }
        } else if (parse_limit(v, r, err) < 0) {
            return -1;
        }
    }
    r->origin = pg_xasprintf("%s:%zu:%zu", item->file, map->line, map->col);
    return 0;
}

int pg_config_rules_parse(pg_config *cfg, const cfg_val *v, pg_error *err)
{
    const cfg_key *k = pg_config_key_find("thresholds", strlen("thresholds"));
    if (!v->node)
        return pg_config_fail(err, v, "`thresholds` can only be set in the config file");
    if (v->node->kind != PG_YAML_SEQUENCE)
        return pg_config_expect(err, v, k->path, k->expect, NULL);
    size_t n = v->node->n;
    pg_threshold *rules = pg_xcalloc(n ? n : 1, sizeof *rules);
    for (size_t i = 0; i < n; i++) {
        cfg_val item = pg_config_val_node(v->node->items[i], v->file);
        char context[48];
        snprintf(context, sizeof context, "threshold rule %zu", i + 1);
        item.context = context;
        int rc = item.node->kind == PG_YAML_MAPPING
                     ? parse_rule(&item, &rules[i], err)
                     : pg_config_expect(err, &item, "rule",
                                        "a mapping such as `{unit: sec/op, limit: 5%}`", NULL);
        if (rc < 0) {
            rules_free(rules, i + 1);
            return -1;
        }
    }
    pg_config_rules_free(cfg);
    cfg->rules = rules;
    cfg->nrules = n;
    return 0;
}

static void write_limit(pg_buf *out, const pg_threshold *r)
{
    switch (r->limit) {
    case PG_CONFIG_LIMIT_RELATIVE: {
        pg_buf pct = {0};
        pg_fmt_positional(&pct, r->value); /* a percentage takes no exponent */
        pg_buf_putc(&pct, '%');
        pg_config_put_quoted(out, pg_buf_str(&pct));
        pg_buf_free(&pct);
        break;
    }
    case PG_CONFIG_LIMIT_ABSOLUTE:
        pg_fmt_go_float(out, r->value);
        break;
    case PG_CONFIG_LIMIT_ANY:
        pg_buf_puts(out, "any");
        break;
    case PG_CONFIG_LIMIT_NONE:
        pg_buf_puts(out, "none");
        break;
    }
}

void pg_config_rules_write(const pg_config *cfg, pg_buf *out)
{
    if (cfg->nrules == 0) {
        pg_buf_puts(out, "[]");
        return;
    }
    for (size_t i = 0; i < cfg->nrules; i++) {
        const pg_threshold *r = &cfg->rules[i];
        pg_buf_puts(out, "\n  - {package: ");
        pg_config_put_quoted(out, r->package);
        pg_buf_puts(out, ", bench: ");
        pg_config_put_quoted(out, r->bench);
        pg_buf_puts(out, ", unit: ");
        pg_config_put_quoted(out, r->unit);
        if (r->better != PG_BETTER_UNIT)
            pg_buf_printf(out, ", better: %s", better_names[r->better - PG_BETTER_LOWER]);
        pg_buf_puts(out, ", limit: ");
        write_limit(out, r);
        pg_buf_putc(out, '}');
    }
}

/* ---- matching ---- */

const pg_threshold *pg_config_thresholds(const pg_config *cfg, size_t *n)
{
    *n = cfg->nrules;
    return cfg->rules;
}

static int glob(const char *pattern, const char *s)
{
    return fnmatch(pattern, s, 0) == 0;
}

const pg_threshold *pg_config_threshold_match(const pg_config *cfg, const char *package,
                                              const char *bench, const char *unit)
{
    if (strncmp(bench, "Benchmark", 9) == 0)
        bench += 9;
    /* The name without its "-N" GOMAXPROCS suffix, if it has one. */
    char *bare = NULL;
    const char *dash = strrchr(bench, '-');
    if (dash && dash[1] != '\0' && strspn(dash + 1, "0123456789") == strlen(dash + 1))
        bare = pg_xstrndup(bench, (size_t)(dash - bench));
    const pg_threshold *hit = NULL;
    for (size_t i = 0; i < cfg->nrules && !hit; i++) {
        const pg_threshold *r = &cfg->rules[i];
        if (!glob(r->unit, unit))
            continue;
        if (package ? !glob(r->package, package) : strcmp(r->package, "*") != 0)
            continue;
        if (glob(r->bench, bench) || (bare && glob(r->bench, bare)))
            hit = r;
    }
    free(bare);
    return hit;
}

pg_better pg_config_unit_better(const char *unit)
{
    size_t n = strlen(unit);
    if (strncmp(unit, "mmu-", 4) == 0 || strcmp(unit, "p-util") == 0 ||
        (n > 2 && strcmp(unit + n - 2, "/s") == 0))
        return PG_BETTER_HIGHER;
    return PG_BETTER_LOWER;
}

pg_better pg_config_threshold_better(const pg_threshold *rule, const char *unit)
{
    return rule->better == PG_BETTER_UNIT ? pg_config_unit_better(unit) : rule->better;
}

int pg_config_threshold_exceeded(const pg_threshold *rule, const char *unit, double base,
                                 double head)
{
    if (isnan(base) || isnan(head))
        return 0;
    double worse =
        pg_config_threshold_better(rule, unit) == PG_BETTER_HIGHER ? base - head : head - base;
    if (!(worse > 0))
        return 0;
    switch (rule->limit) {
    case PG_CONFIG_LIMIT_ANY:
        return 1;
    case PG_CONFIG_LIMIT_ABSOLUTE:
        return worse > rule->value;
    case PG_CONFIG_LIMIT_RELATIVE:
        /* worse/|base| > value%, without dividing (base may be 0). */
        return worse * 100 > rule->value * fabs(base);
    case PG_CONFIG_LIMIT_NONE:
        break;
    }
    return 0;
}
