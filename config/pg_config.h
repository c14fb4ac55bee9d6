/*
 * perfgate's configuration: the .perfgate.yml file at the module root, its
 * defaults, command-line overrides, threshold rules and a stable hash.
 *
 * A pg_config is created whole and valid: from the defaults
 * (pg_config_default), from a file (pg_config_load, pg_config_find) or from
 * text (pg_config_parse), then changed only through pg_config_set, which
 * validates exactly as the loader does and leaves the config untouched on
 * error. Every key and its default are documented in config/README.md and
 * config/perfgate.example.yml (a test keeps both in step with the code).
 *
 * A subcommand's flow:
 *
 *     pg_config *cfg = config_path ? pg_config_load(config_path, &err)
 *                                  : pg_config_find(NULL, &err);
 *     if (!cfg) -> print "perfgate: <err.msg>", exit 2
 *     for each override flag:   (table: pg_config_flags)
 *         if (pg_config_apply_flag(cfg, flag, arg, &err) < 0) -> print, exit 2
 *
 * Error messages are complete sentences: "FILE:LINE:COL: `count` expects a
 * whole number of rounds from 1 to 10000, such as 10, found `ten`", or for a
 * flag "--count: ...". Unknown keys get "did you mean `X`?".
 */
#ifndef PG_CONFIG_H
#define PG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "pg_buf.h"
#include "pg_error.h"

/* The file pg_config_find looks for. */
#define PG_CONFIG_FILE ".perfgate.yml"
/* Files larger than this are refused (a config is a few KiB). */
#define PG_CONFIG_MAX_SIZE (1024 * 1024)

typedef struct pg_config pg_config;

/* ---- creating ---- */

/* The defaults. Never fails. */
pg_config *pg_config_default(void);
/* Loads the file at `path`, which must exist. An empty file (or one with only
 * comments) means all defaults. Returns NULL and sets err on any error. */
pg_config *pg_config_load(const char *path, pg_error *err);
/* Loads `dir`/.perfgate.yml (dir NULL: the current directory), or returns the
 * defaults when there is no such file. */
pg_config *pg_config_find(const char *dir, pg_error *err);
/* Loads from memory; `name` is what messages call the text (fuzzing, tests). */
pg_config *pg_config_parse(const char *data, size_t len, const char *name, pg_error *err);
void pg_config_free(pg_config *cfg);
/* The file the config came from, or NULL (defaults, or pg_config_parse). */
const char *pg_config_path(const pg_config *cfg);

/* ---- overriding ---- */

/* Sets `key` ("count", "trace.window", "env.GOGC", ...) from command-line
 * text, validated as in the file. List keys take their items separated by
 * spaces (packages, build_flags) or by commas and/or spaces (cpu,
 * trace.mmu_windows, report.formats); "" is the empty list. `origin`
 * prefixes error messages ("--count: `count` expects ..."; NULL: no prefix).
 * thresholds can only be set in the file. Returns 0, or -1 with err set and
 * cfg unchanged. */
int pg_config_set(pg_config *cfg, const char *key, const char *value, const char *origin,
                  pg_error *err);

/* The flags `perfgate run` and `perfgate gate` share to override keys. A flag
 * either takes an argument (metavar != NULL) or is a switch that sets the
 * key to `value`. --config F is not here: it picks the file, before loading. */
typedef struct pg_config_flag {
    const char *name;    /* "--count" */
    const char *key;     /* "count" */
    const char *metavar; /* "N"; NULL for a switch */
    const char *value;   /* a switch's value ("false" for --no-trace), else NULL */
    const char *help;    /* one line for usage text */
} pg_config_flag;

/* All of them, in usage order. */
const pg_config_flag *pg_config_flags(size_t *n);
/* The flag called `name` ("--count"), or NULL. */
const pg_config_flag *pg_config_flag_find(const char *name);
/* pg_config_set(cfg, flag->key, arg or flag->value, flag->name, err). For
 * --packages, join the patterns with spaces. */
int pg_config_apply_flag(pg_config *cfg, const pg_config_flag *flag, const char *arg,
                         pg_error *err);

/* ---- what to run ---- */

/* Package patterns for `go test -c` (default "./..."); never empty. */
const char *const *pg_config_packages(const pg_config *cfg, size_t *n);
/* The -test.bench regexp, Go (RE2) syntax, already checked as Go checks it:
 * hand it to the test binary, do not compile it with regcomp. */
const char *pg_config_bench(const pg_config *cfg);
/* Rounds: samples per side (default 10). */
int pg_config_count(const pg_config *cfg);
/* Rounds added to a benchmark whose change looks like a regression after
 * `count` rounds but is not significant yet (default 10; 0: one look only).
 * See pg_decide.h for why a second look keeps the false-alarm rate. */
int pg_config_confirm_count(const pg_config *cfg);
/* -test.benchtime in Go's canonical form: "1s", "1m30s", "100x". */
const char *pg_config_benchtime(const pg_config *cfg);
/* N of an "Nx" benchtime, else 0. */
int64_t pg_config_benchtime_iterations(const pg_config *cfg);
/* The benchtime duration in ns, or 0 when it is "Nx". */
int64_t pg_config_benchtime_ns(const pg_config *cfg);
/* -test.cpu values; n == 0 means "do not pass -test.cpu". */
const int *pg_config_cpus(const pg_config *cfg, size_t *n);
/* Per-process timeout in ns; 0 means none. */
int64_t pg_config_timeout_ns(const pg_config *cfg);

/* Extra environment for the build and every benchmark process, file order. */
typedef struct pg_config_envvar {
    const char *name;
    const char *value;
} pg_config_envvar;
const pg_config_envvar *pg_config_env(const pg_config *cfg, size_t *n);
/* Extra `go test -c` flags (never -c or -o, which perfgate sets). */
const char *const *pg_config_build_flags(const pg_config *cfg, size_t *n);

typedef enum pg_config_window {
    PG_CONFIG_WINDOW_WHOLE, /* the whole trace of the process */
    PG_CONFIG_WINDOW_TIMED, /* only the measured run: from the start of the last
                               b.N run (after its forced GC) to its end */
} pg_config_window;

/* trace.enabled: run with -test.trace and add trace units to each sample. */
int pg_config_trace_enabled(const pg_config *cfg);
pg_config_window pg_config_trace_window(const pg_config *cfg);
/* MMU window sizes in ns (units mmu-100us, mmu-1ms, ...), as configured. */
const int64_t *pg_config_mmu_windows(const pg_config *cfg, size_t *n);

/* ---- what to compare against and where results live ---- */

typedef enum pg_config_base {
    PG_CONFIG_BASE_MERGE_BASE, /* the merge-base of HEAD and base.ref */
    PG_CONFIG_BASE_FIXED,      /* base.ref itself */
} pg_config_base;

pg_config_base pg_config_base_mode(const pg_config *cfg);
/* A git revision: a branch, tag, "origin/main", a commit id. */
const char *pg_config_base_ref(const pg_config *cfg);

typedef enum pg_config_store {
    PG_CONFIG_STORE_NOTES, /* git notes under store.notes_ref */
    PG_CONFIG_STORE_DIR,   /* <store.dir>/<commit>.jsonl */
} pg_config_store;

pg_config_store pg_config_store_backend(const pg_config *cfg);
const char *pg_config_store_notes_ref(const pg_config *cfg);
const char *pg_config_store_dir(const pg_config *cfg);

/* ---- deciding ---- */

/* Multiple-comparison correction over all rows of a comparison. */
typedef enum pg_correction {
    PG_CORRECTION_HOLM,               /* family-wise error rate (default) */
    PG_CORRECTION_BENJAMINI_HOCHBERG, /* false discovery rate */
    PG_CORRECTION_NONE,
} pg_correction;

/* Significance level for the corrected p-values (default 0.05). */
double pg_config_alpha(const pg_config *cfg);
pg_correction pg_config_correction(const pg_config *cfg);
/* Confidence level of the reported intervals (default 0.95). */
double pg_config_confidence(const pg_config *cfg);

/* Which direction of change is an improvement. */
typedef enum pg_better {
    PG_BETTER_UNIT = 0, /* in a rule only: the unit's own direction */
    PG_BETTER_LOWER,
    PG_BETTER_HIGHER,
} pg_better;

typedef enum pg_config_limit {
    PG_CONFIG_LIMIT_RELATIVE, /* value: percent of the base (5 for "5%") */
    PG_CONFIG_LIMIT_ABSOLUTE, /* value: in the row's unit (seconds for sec/op) */
    PG_CONFIG_LIMIT_ANY,      /* any significant change in the bad direction */
    PG_CONFIG_LIMIT_NONE,     /* never fails: reported only */
} pg_config_limit;

/*
 * A threshold rule. Rules are tried in order and the FIRST match applies;
 * a row no rule matches is reported but never fails the gate. Patterns are
 * fnmatch(3) globs without flags (so `*` also matches `/`):
 *   package: the package import path (a NULL package matches only "*");
 *   bench:   the benchmark name without its "Benchmark" prefix, as benchstat
 *            shows it; a pattern matches with or without the "-N" GOMAXPROCS
 *            suffix ("Parse/small" matches "Parse/small-8");
 *   unit:    the tidied unit, as benchstat shows it (sec/op, B/s, never
 *            ns/op or MB/s).
 */
typedef struct pg_threshold {
    const char *package;
    const char *bench;
    const char *unit;
    pg_better better;
    pg_config_limit limit;
    double value;       /* see pg_config_limit */
    const char *origin; /* "FILE:LINE:COL" of the rule, or "default rule N" */
} pg_threshold;

/* The rules, in order (the defaults unless the file has `thresholds`). */
const pg_threshold *pg_config_thresholds(const pg_config *cfg, size_t *n);
/* The first rule matching (package, bench, unit), or NULL. `bench` may carry
 * the "Benchmark" prefix; it is ignored. */
const pg_threshold *pg_config_threshold_match(const pg_config *cfg, const char *package,
                                              const char *bench, const char *unit);
/* A unit's natural direction: higher is better for mmu-*, p-util and rates
 * (units ending in "/s"); lower for everything else. */
pg_better pg_config_unit_better(const char *unit);
/* The rule's direction for `unit` (resolving PG_BETTER_UNIT). */
pg_better pg_config_threshold_better(const pg_threshold *rule, const char *unit);
/* Whether going from `base` to `head` (e.g. the two medians) in `unit` is a
 * change in the rule's bad direction strictly beyond its limit. Relative
 * limits compare |head-base|/|base|; from a base of 0 any worsening is
 * beyond. Only the size of the change: significance is the caller's. 0 when
 * either value is NaN. */
int pg_config_threshold_exceeded(const pg_threshold *rule, const char *unit, double base,
                                 double head);

/* ---- reporting ---- */

typedef enum pg_config_format {
    PG_CONFIG_FORMAT_TEXT,
    PG_CONFIG_FORMAT_CSV,
    PG_CONFIG_FORMAT_JSON,
    PG_CONFIG_FORMAT_MARKDOWN,
    PG_CONFIG_FORMAT_COUNT
} pg_config_format;

/* Whether report.dir gets a report in `format`. */
int pg_config_report_format(const pg_config *cfg, pg_config_format format);
/* Where to write report files, or "" for nowhere. */
const char *pg_config_report_dir(const pg_config *cfg);
/* report.github.step_summary: append the markdown summary to
 * $GITHUB_STEP_SUMMARY when that is set (on GitHub Actions). */
int pg_config_github_step_summary(const pg_config *cfg);

/* ---- canonical form and hash ---- */

typedef enum pg_config_scope {
    PG_CONFIG_ALL,         /* every key */
    PG_CONFIG_MEASUREMENT, /* only keys that change what one sample measures:
                              benchtime, cpu, env, build_flags, trace.* */
} pg_config_scope;

/* Appends the canonical YAML of `cfg`: every key of the scope in schema
 * order, values in canonical form (Go durations, shortest floats, quoted
 * strings). It is itself a valid .perfgate.yml that loads back to an equal
 * config. */
void pg_config_write(const pg_config *cfg, pg_config_scope scope, pg_buf *out);

#define PG_CONFIG_HASH_LEN 16
/* FNV-1a 64 of pg_config_write(cfg, scope) as 16 lowercase hex digits. Store
 * the MEASUREMENT hash with each result set: two result sets are comparable
 * when their hashes are equal. */
void pg_config_hash(const pg_config *cfg, pg_config_scope scope, char out[PG_CONFIG_HASH_LEN + 1]);

#endif
