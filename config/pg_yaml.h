/*
 * A small YAML document tree built from libyaml's event stream, for the
 * config loader (internal to the config module).
 *
 * libyaml checks the syntax; this layer adds the rules a configuration file
 * wants on top of YAML: one document at most, mapping keys are scalars and
 * unique, no aliases (a config is written out, not a graph), only the core
 * tags, and bounded size and depth. Every node keeps its 1-based line and
 * column so that each later error can point at it.
 */
#ifndef PG_YAML_H
#define PG_YAML_H

#include <stddef.h>

#include "pg_error.h"

typedef enum pg_yaml_kind {
    PG_YAML_SCALAR,
    PG_YAML_SEQUENCE,
    PG_YAML_MAPPING,
} pg_yaml_kind;

typedef struct pg_yaml_node pg_yaml_node;
struct pg_yaml_node {
    pg_yaml_kind kind;
    size_t line, col; /* 1-based; col counts characters, as libyaml does */
    /* Scalars: the value, NUL-terminated (it may also contain NUL bytes). */
    char *text;
    size_t len;
    int quoted; /* quoted, block (| >) or tagged !!str: always a string */
    /* Sequences: items[0..n). Mappings: items[2i] is a key (a scalar),
     * items[2i+1] its value, in file order. */
    pg_yaml_node **items;
    size_t n;
};

/* Limits that keep a hostile file cheap; real configs are far below them. */
#define PG_YAML_MAX_DEPTH 32
#define PG_YAML_MAX_NODES 100000

/* Parses `data` (named `name` in messages) into *root: NULL when the stream
 * holds no document at all (an empty file, or only comments). Returns 0, or
 * -1 with err set to "name:line:col: what is wrong; what to do". */
int pg_yaml_parse(const char *data, size_t len, const char *name, pg_yaml_node **root,
                  pg_error *err);
void pg_yaml_free(pg_yaml_node *node);

#endif
