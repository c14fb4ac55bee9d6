/*
 * benchproc's projections: how a result maps to a table, row, column and
 * residue key, how keys are interned and ordered, and how filters (with
 * the fixed-order filters projections add) select results and values.
 * Private to pg_compare.
 */
#ifndef PG_COMPARE_GROUP_H
#define PG_COMPARE_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "pg_bench.h"
#include "pg_buf.h"
#include "pg_intern.h"
#include "query.h"

typedef enum ext_kind {
    EXT_NAME,       /* .name */
    EXT_FULLNAME,   /* .fullname (minus the sub-name keys projected elsewhere) */
    EXT_PART,       /* /key */
    EXT_GOMAXPROCS, /* /gomaxprocs: the -N suffix or a /gomaxprocs=N part */
    EXT_CONFIG,     /* a file configuration key, or .file */
    EXT_UNIT,       /* .unit (table projection only) */
} ext_kind;

typedef enum cmp_kind {
    CMP_FIRST, /* first appearance */
    CMP_NONE,  /* .config members: never ranked, so string order */
    CMP_ALPHA,
    CMP_NUM,
    CMP_FIXED,
} cmp_kind;

typedef struct field {
    char *name; /* ".fullname", "goos", "/size", ".unit", a .config member's key */
    size_t name_len;
    ext_kind ext;
    cmp_kind cmp;
    int top; /* a top-level field: records first appearance */
    size_t idx;
    uint32_t *rank; /* value id → first-appearance rank + 1 (0: unseen) */
    size_t rank_cap, nranks;
    pg_intern *fixed; /* CMP_FIXED: listed values, in order */
    uint32_t *cache;  /* EXT_NAME/FULLNAME/PART/GOMAXPROCS: name id → value id + 1 */
    size_t cache_cap;
} field;

typedef struct proj_entry {
    field *f;     /* NULL for the .config group */
    cmp_kind cmp; /* the group's order, for members created later */
} proj_entry;

typedef struct projection {
    proj_entry *entries;
    size_t nentries, entries_cap;
    field **members; /* .config group members, first-seen order */
    size_t nmembers, members_cap;
    pg_intern *member_ids; /* config key → index in members */
    int has_group;
    field **all; /* by idx */
    size_t nfields, all_cap;
    field **flat; /* flattened order; rebuilt when members are added */
    size_t nflat;
    int flat_stale;
    field *unit;   /* .unit in the table projection */
    uint32_t *row; /* the key being built, by idx */
    size_t row_cap;
    /* interned keys: tuples of value ids with trailing "" (0) trimmed */
    uint32_t *pool;
    size_t pool_len, pool_cap;
    size_t *key_off, *key_len;
    size_t nkeys, keys_cap;
    uint32_t *slots; /* key id + 1 */
    size_t nslots;
} projection;

/* One filter test or fixed-order test, compiled. */
typedef struct fnode {
    q_op op;
    struct fnode **subs;
    size_t nsubs;
    int unit;       /* a .unit match: selects values */
    field *ext;     /* how to read the key (raw, without exclusions) */
    q_node *q;      /* literal or regexp (borrowed from the parse tree) */
    pg_intern *set; /* a fixed order's accepted values */
    uint64_t *mask; /* scratch for this node's value mask */
    size_t mask_cap;
} fnode;

/* The projection parser's shared state (benchproc.ProjectionParser) and
 * the string table every key value lives in. */
typedef struct grouping {
    pg_intern *strs;        /* value strings; id 0 is "" */
    pg_intern *config_keys; /* keys projected on their own (removed from .config) */
    char **name_keys;       /* "/key=" of each /key projected on its own (removed from .fullname) */
    size_t nname_keys, name_keys_cap;
    int have_config, have_fullname;
    int exclude_name, exclude_gomaxprocs;
    projection *projs[5]; /* table, row, col, ignore, residue */
    size_t nprojs;
    q_node *filter_tree;
    fnode *filter; /* NULL: `*` with no fixed orders */
    field **raw;   /* filter extractors */
    size_t nraw, raw_cap;
    pg_intern *names;          /* full names seen → name id */
    pg_bench_name_part *parts; /* scratch for name parts */
    size_t parts_cap, base_len;
    pg_buf tmp;
} grouping;

void grouping_init(grouping *g);
void grouping_free(grouping *g);
/* Parses a projection flag value; `with_unit` adds .unit (the -table flag).
 * On error appends benchproc's message to err and returns NULL. */
projection *grouping_parse(grouping *g, const char *query, int with_unit, pg_buf *err);
/* The residue projection; call after every grouping_parse. */
projection *grouping_residue(grouping *g);
/* Parses -filter (before any projection, as benchstat does). */
int grouping_filter(grouping *g, const char *query, pg_buf *err);

/* Applies the filter: returns the number of values kept (0: drop the
 * result) and sets keep[i] for each kept value. */
size_t grouping_match(grouping *g, const pg_bench_result *r, unsigned char *keep);

/* The id of result r's name in g->names (interned once per result). */
uint32_t grouping_name_id(grouping *g, const pg_bench_result *r);
/* Fills p->row for r. `config_changed`/`file_changed` say whether config
 * and .file may differ from the previous call on this projection. */
void projection_fill(grouping *g, projection *p, const pg_bench_result *r, uint32_t name_id,
                     int config_changed, int file_changed);
/* Interns p->row as a key, records first appearances; returns the key id. */
uint32_t projection_key(projection *p);
/* The key's value of field f ("" if the key predates f). */
uint32_t projection_get(const projection *p, uint32_t key, const field *f);
/* The flattened fields (members of .config in place of the group). */
field *const *projection_flat(projection *p, size_t *n);
/* Key order (benchproc.SortKeys): negative if a sorts before b. */
int projection_cmp(grouping *g, projection *p, uint32_t a, uint32_t b);
/* Appends the key's non-empty values joined by spaces (Key.StringValues). */
void projection_label(grouping *g, projection *p, uint32_t key, pg_buf *out);

#endif
