/*
 * benchproc's query syntax: filter expressions (-filter) and projections
 * (-table/-row/-col/-ignore), parsed exactly as benchproc/internal/parse
 * does, with its error messages and caret positions. Private to pg_compare.
 */
#ifndef PG_COMPARE_QUERY_H
#define PG_COMPARE_QUERY_H

#include <stddef.h>

#include "pg_buf.h"
#include "re2posix.h"

typedef enum q_op { Q_AND = 1, Q_OR, Q_NOT, Q_MATCH } q_op;

/* A filter expression tree. An AND with no operands is `*`. */
typedef struct q_node {
    q_op op;
    struct q_node **subs;
    size_t nsubs;
    /* Q_MATCH: key:value or key:/regexp/ */
    char *key;
    size_t key_len;
    size_t off; /* byte offset of the key in the query */
    char *lit;  /* literal (NULL for a regexp) */
    size_t lit_len;
    pg_regex *re;
} q_node;

/* One field of a projection: key[@order | @(v1 v2 ...)]. */
typedef struct q_field {
    char *key;
    size_t key_len;
    char *order; /* "first", "fixed", or a named order ("alpha", "num", ...) */
    char **fixed;
    size_t *fixed_len;
    size_t nfixed;
    size_t key_off, order_off;
} q_field;

/* Both return 0, or -1 with benchproc's "syntax error: MSG\n\tQUERY\n\t   ^"
 * appended to err. */
int q_parse_filter(const char *query, q_node **out, pg_buf *err);
int q_parse_projection(const char *query, q_field **out, size_t *n, pg_buf *err);
void q_node_free(q_node *n);
void q_fields_free(q_field *f, size_t n);
/* Go's strconv.Quote. */
void q_quote(pg_buf *b, const char *s, size_t n);
/* A benchproc SyntaxError message for `msg` at byte `off` of `query`. */
void q_syntax_error(pg_buf *err, const char *query, size_t off, const char *msg);

#endif
