/*
 * A result set: every sample of every benchmark that one perfgate run
 * measured on one commit, with what is needed to judge whether two result
 * sets can be compared (toolchain, machine, configuration hash, run
 * parameters). Serialised as one line of JSON; the schema is
 * gate/store/SCHEMA.md.
 *
 * A sample is a set of (unit -> value) pairs: sec/op and B/op from the
 * benchmark line and the trace metrics of the same run side by side, so
 * everything downstream treats them alike. Values are stored as measured,
 * in the units the benchmark printed (ns/op, not benchstat's tidied sec/op).
 *
 * The model is built by the runner (create, add benchmarks and samples) and
 * read by everyone else through const views. All strings are copied in;
 * text that is not valid UTF-8 is stored with U+FFFD in place of each bad
 * byte sequence, as Go's encoding/json (and so `go test -json`) does.
 */
#ifndef PG_RESULTSET_H
#define PG_RESULTSET_H

#include <stddef.h>
#include <stdint.h>

#include "pg_buf.h"
#include "pg_error.h"

/* The schema version this perfgate writes and reads. */
#define PG_RESULTSET_SCHEMA 1

typedef struct pg_resultset pg_resultset;

typedef struct pg_rs_kv {
    const char *key;
    const char *value;
} pg_rs_kv;

/* Which side of an A/B run a sample belongs to. */
typedef enum pg_rs_side {
    PG_RS_SIDE_NONE = 0, /* not an A/B run (perfgate run) */
    PG_RS_SIDE_BASE,
    PG_RS_SIDE_HEAD,
} pg_rs_side;

typedef struct pg_rs_toolchain {
    const char *go_version; /* "go1.26.0" (go env GOVERSION) */
    const char *goos, *goarch;
} pg_rs_toolchain;

typedef struct pg_rs_machine {
    const char *cpu;    /* CPU model, "" if unknown */
    int64_t cores;      /* online CPUs, 0 if unknown */
    const char *kernel; /* "Linux 6.1.0-18-amd64" */
    const char *host;   /* CI runner name, or a hash of the host name */
    const char *ci;     /* "github-actions", "gitlab-ci", ..., "" when not in CI */
} pg_rs_machine;

typedef struct pg_rs_params {
    int64_t count;         /* rounds: samples per benchmark and side (-count) */
    const char *benchtime; /* -benchtime, e.g. "1s" or "100x" */
    const char *bench;     /* the -bench regular expression */
    const int64_t *cpu;    /* -cpu list; ncpu = 0: GOMAXPROCS's default */
    size_t ncpu;
} pg_rs_params;

/* Everything but the samples. */
typedef struct pg_rs_meta {
    const char *commit;      /* 40 lowercase hex digits */
    int dirty;               /* measured on a work tree with uncommitted changes */
    const char *const *refs; /* names the commit was reached by ("refs/heads/main") */
    size_t nrefs;
    int64_t created; /* Unix seconds, UTC */
    const char *perfgate_version;
    const char *config_hash; /* identifies the effective configuration */
    pg_rs_toolchain toolchain;
    pg_rs_machine machine;
    pg_rs_params params;
    /* Set by --shard i/n (1 <= index <= count); both 0 when not sharded. */
    int64_t shard_index, shard_count;
} pg_rs_meta;

typedef struct pg_rs_value {
    const char *unit;
    double value; /* NaN and infinities allowed */
} pg_rs_value;

typedef struct pg_rs_sample {
    int64_t iters; /* the benchmark line's iteration count */
    int64_t round; /* interleaving round, from 0 */
    pg_rs_side side;
    const char *trace;         /* the execution trace of this run, or NULL */
    const pg_rs_value *values; /* units distinct */
    size_t nvalues;
} pg_rs_sample;

typedef struct pg_rs_bench {
    const char *pkg;  /* import path of the package the benchmark is in */
    const char *name; /* full name without "Benchmark", with the -N suffix: "Render/w=4-8" */
    const pg_rs_kv
        *config; /* configuration lines in force (goos, goarch, pkg, cpu, ...), in order */
    size_t nconfig;
    const pg_rs_sample *samples;
    size_t nsamples;
} pg_rs_bench;

/* Metadata of a unit, as Go's "Unit <unit> <key>=<value>..." lines give it:
 * "better" (lower|higher) and "assume" (nothing|exact) are the keys
 * perfgate and benchstat use. */
typedef struct pg_rs_unit {
    const char *unit;
    const pg_rs_kv *meta;
    size_t nmeta;
} pg_rs_unit;

/* A new result set with no benchmarks. Checks the metadata (commit is 40
 * hex digits, count >= 1, a valid shard, no NULL strings); NULL and an
 * error when it is not valid. */
pg_resultset *pg_resultset_create(const pg_rs_meta *meta, pg_error *err);
void pg_resultset_free(pg_resultset *rs);

/* The benchmark identified by (pkg, name, config), added if new; returns
 * its index. */
size_t pg_resultset_add_bench(pg_resultset *rs, const char *pkg, const char *name,
                              const pg_rs_kv *config, size_t nconfig);
/* Appends a copy of sample `s` to benchmark `bench`. Fails if a unit
 * appears twice in it or bench is out of range. */
int pg_resultset_add_sample(pg_resultset *rs, size_t bench, const pg_rs_sample *s, pg_error *err);
/* Sets metadata `key` of `unit`. Setting a different value for a key that
 * is already set is an error (benchfmt's rule). */
int pg_resultset_set_unit_meta(pg_resultset *rs, const char *unit, const char *key,
                               const char *value, pg_error *err);

const pg_rs_meta *pg_resultset_meta(const pg_resultset *rs);
size_t pg_resultset_nbench(const pg_resultset *rs);
const pg_rs_bench *pg_resultset_bench(const pg_resultset *rs, size_t i);
size_t pg_resultset_nunits(const pg_resultset *rs);
const pg_rs_unit *pg_resultset_unit(const pg_resultset *rs, size_t i);
/* The value of metadata `key` of `unit`, or NULL. */
const char *pg_resultset_unit_meta(const pg_resultset *rs, const char *unit, const char *key);

/* Appends the result set as one line of compact JSON and a '\n'. */
void pg_resultset_to_json(const pg_resultset *rs, pg_buf *out);
/* Parses one line (without its '\n'). The schema is checked strictly;
 * fields this version does not know are ignored. Errors start with
 * `source` ("note of commit 1a2b3c4d5e6f, line 3", "results/x.jsonl:3")
 * and name the field and what is wrong with it. */
pg_resultset *pg_resultset_parse(const char *line, size_t len, const char *source, pg_error *err);

/* Adds the benchmarks, samples, unit metadata and refs of `from` to `into`
 * (shards of one run, or several runs of one commit). Both must be of the
 * same commit, work-tree state, configuration and toolchain; everything
 * else of `into` stays. */
int pg_resultset_merge(pg_resultset *into, const pg_resultset *from, pg_error *err);

/* Facts about this machine for pg_rs_meta.machine. The strings are static,
 * computed on the first call. */
void pg_rs_machine_detect(pg_rs_machine *out);

#endif
