/*
 * pg_compare's builder state, shared by compare.c (grouping results into
 * cells) and model.c (computing the comparison). Private to pg_compare.
 */
#ifndef PG_COMPARE_INT_H
#define PG_COMPARE_INT_H

#include <stdint.h>

#include "group.h"
#include "pg_compare.h"

/* The samples of one (table, row, column). */
typedef struct cell {
    uint32_t table, row, col;
    uint32_t res0; /* first residue key; more in res */
    uint32_t *res;
    size_t nres, res_cap;
    double *v;
    size_t n, cap;
} cell;

/* Per unit value id: the cell its values went to for the current context. */
typedef struct unit_cache {
    uint64_t gen;
    uint32_t cell;
} unit_cache;

struct pg_compare {
    grouping g;
    projection *table, *row, *col, *residue;
    int residue_empty; /* default flags: nothing can vary within a cell */
    /* the previous result's context, to skip re-projecting */
    int have_last;
    pg_buf last_file, last_config, last_name;
    uint32_t name_id;
    uint64_t gen;
    uint32_t row_key, col_key, res_key;
    unit_cache *ucache;
    size_t ucache_cap;
    const char *last_unit_ptr[8];
    uint32_t last_unit_id[8];
    cell *cells;
    size_t ncells, cells_cap;
    uint32_t *slots; /* cell index + 1, keyed by (table, row, col) */
    size_t nslots;
    unsigned char *keep;
    size_t keep_cap;
};

#endif
