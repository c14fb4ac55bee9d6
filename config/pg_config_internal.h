/*
 * What the config module's sources share: the pg_config struct, the key
 * table (the schema: one row per key, with its type, default, and the
 * sentence that tells the user what a valid value looks like), the value
 * being validated (a YAML node or command-line text) and the message helpers
 * that give every error its location and its fix.
 */
#ifndef PG_CONFIG_INTERNAL_H
#define PG_CONFIG_INTERNAL_H

#include <stdarg.h>

#include "pg_buf.h"
#include "pg_config.h"
#include "pg_yaml.h"

typedef struct pg_strlist {
    char **items;
    size_t n;
} pg_strlist;

struct pg_config {
    char *path;
    pg_strlist packages;
    char *bench;
    int count;
    int confirm_count;
    char *benchtime; /* canonical text */
    int64_t benchtime_n, benchtime_ns;
    int *cpus;
    size_t ncpus;
    int64_t timeout_ns;
    pg_config_envvar *env; /* owned strings */
    size_t nenv;
    pg_strlist build_flags;
    int trace_enabled;
    int trace_window;
    int64_t *mmu;
    size_t nmmu;
    int base_mode;
    char *base_ref;
    int store;
    char *notes_ref;
    char *store_dir;
    pg_threshold *rules; /* owned strings */
    size_t nrules;
    double alpha;
    int correction;
    double confidence;
    unsigned formats; /* bit (1u << pg_config_format) */
    char *report_dir;
    int gh_step_summary;
};

typedef enum cfg_type {
    CFG_SECTION,
    CFG_REGEXP,     /* Go -test.bench pattern */
    CFG_REVISION,   /* a git revision */
    CFG_NOTES_REF,  /* refs/notes/... */
    CFG_PATH,       /* a file-system path */
    CFG_PACKAGES,   /* list of Go package patterns */
    CFG_FLAGS,      /* list of go build flags */
    CFG_INT,        /* integer in [min, max] */
    CFG_BENCHTIME,  /* duration or Nx */
    CFG_DURATION,   /* Go duration >= 0 */
    CFG_CPUS,       /* list of integers in [min, max] */
    CFG_ENV,        /* mapping NAME: value */
    CFG_BOOL,       /* true / false */
    CFG_ENUM,       /* one of names[] */
    CFG_DURATIONS,  /* list of Go durations > 0 */
    CFG_FRACTION,   /* float in (0, 1) */
    CFG_FORMATS,    /* set of names[] */
    CFG_THRESHOLDS, /* list of rules (pg_config_rules.c) */
} cfg_type;

enum {
    CFG_MEASUREMENT = 1, /* part of the measurement hash */
    CFG_EMPTY_OK = 2,    /* CFG_PATH: "" is allowed */
};

typedef struct cfg_key {
    const char *path; /* "trace.window" */
    cfg_type type;
    size_t offset; /* of the field in struct pg_config */
    const char *const *names;
    long min, max;
    unsigned flags;
    const char *def;    /* the default as command-line text (NULL: none, or built in) */
    const char *expect; /* "a whole number of rounds from 1 to 10000, such as 10" */
} cfg_key;

/* The schema, in canonical order. */
extern const cfg_key pg_config_keys[];
extern const size_t pg_config_nkeys;
const cfg_key *pg_config_key_find(const char *path, size_t len);
/* The key's last path component. */
const char *pg_config_key_name(const cfg_key *k);

/* A value being validated: a YAML node, or text from the command line. */
typedef struct cfg_val {
    const pg_yaml_node *node; /* NULL: command-line text */
    const char *text;         /* scalar text (node->text, or a part of it) */
    size_t len;
    int quoted;          /* a YAML string that cannot be a number, bool or null */
    const char *file;    /* YAML: file name, with node's line/col */
    const char *origin;  /* command line: the flag ("--count"), or NULL */
    const char *context; /* after the location: "threshold rule 2", or NULL */
} cfg_val;

cfg_val pg_config_val_node(const pg_yaml_node *node, const char *file);
cfg_val pg_config_val_text(const char *text, const char *origin);
/* A YAML null: an empty plain scalar, ~, null, Null or NULL. */
int pg_config_val_null(const cfg_val *v);

/* Sets err to "<where>: <message>". Returns -1. */
int pg_config_fail(pg_error *err, const cfg_val *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "<where>: `what` expects <expect>, found <v>[: <detail>]". Returns -1. */
int pg_config_expect(pg_error *err, const cfg_val *v, const char *what, const char *expect,
                     const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));
/* Appends v as the messages quote it: `text` (shortened, escaped), "the
 * string `10`" when quoting matters, "a mapping", "no value". */
void pg_config_put_found(pg_buf *m, const cfg_val *v);
/* The candidate closest to `word` by edit distance, if close enough, or NULL. */
const char *pg_config_suggest(const char *word, size_t len, const char *const *cands, size_t n);
/* Rejects NUL, control characters (unless allow_controls) and invalid
 * UTF-8 in v's text. */
int pg_config_check_text(pg_error *err, const cfg_val *v, const char *what, int allow_controls);
/* A finite YAML float or integer: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
int pg_config_parse_number(const char *s, size_t len, double *out);
/* Appends s as a double-quoted YAML string. */
void pg_config_put_quoted(pg_buf *b, const char *s);

/* Validates v for key k (not a section) and stores it in cfg, replacing the
 * old value; or leaves cfg unchanged and returns -1. */
int pg_config_parse_value(pg_config *cfg, const cfg_key *k, const cfg_val *v, pg_error *err);
/* Appends the canonical YAML text of k's value (no key, no newline). */
void pg_config_write_value(const pg_config *cfg, const cfg_key *k, pg_buf *out);
/* Frees what k's field owns (and zeroes it). */
void pg_config_free_value(pg_config *cfg, const cfg_key *k);
/* Sets one environment variable (env.NAME from the command line). */
int pg_config_set_env(pg_config *cfg, const char *name, const cfg_val *v, pg_error *err);

/* Threshold rules (pg_config_rules.c). */
int pg_config_rules_parse(pg_config *cfg, const cfg_val *v, pg_error *err);
void pg_config_rules_default(pg_config *cfg);
void pg_config_rules_write(const pg_config *cfg, pg_buf *out);
void pg_config_rules_free(pg_config *cfg);

#endif
