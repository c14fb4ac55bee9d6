/*
 * libyaml events -> pg_yaml_node tree, with the config file's extra rules
 * (see pg_yaml.h) and error messages that point at a line and column and say
 * what to change.
 */
#include "pg_yaml.h"

#include <string.h>
#include <yaml.h>

#include "pg_alloc.h"
#include "pg_buf.h"
#include "pg_intern.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

/* An open collection while its children are being read. */
typedef struct frame {
    pg_yaml_node *node;
    size_t cap;
    pg_intern *keys; /* mappings: the keys seen, to reject duplicates */
} frame;

typedef struct builder {
    const char *data;
    size_t len;
    const char *name;
    frame stack[PG_YAML_MAX_DEPTH];
    size_t depth;
    size_t nodes;
    pg_yaml_node *root;
    int documents;
} builder;

void pg_yaml_free(pg_yaml_node *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->n; i++)
        pg_yaml_free(node->items[i]);
    free(node->items);
    free(node->text);
    free(node);
}

static pg_yaml_node *new_node(pg_yaml_kind kind, yaml_mark_t mark)
{
    pg_yaml_node *n = pg_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->line = mark.line + 1;
    n->col = mark.column + 1;
    return n;
}

static const char *kind_name(const pg_yaml_node *n)
{
    return n->kind == PG_YAML_MAPPING    ? "a mapping"
           : n->kind == PG_YAML_SEQUENCE ? "a sequence"
                                         : "a scalar";
}

static int fail_at(pg_error *err, const builder *b, size_t line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail_at(pg_error *err, const builder *b, size_t line, size_t col, const char *fmt, ...)
{
    pg_buf m = {0};
    pg_buf_printf(&m, "%s:%zu:%zu: ", b->name, line, col);
    va_list ap;
    va_start(ap, fmt);
    pg_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    pg_error_set(err, "%s", pg_buf_str(&m));
    pg_buf_free(&m);
    return -1;
}

/* The byte offset of 1-based (line, col), counting '\n' as the line break and
 * UTF-8 characters as columns, or SIZE_MAX when outside the data. */
static size_t offset_of(const builder *b, size_t line, size_t col)
{
    size_t i = 0;
    for (size_t l = 1; l < line; l++) {
        const char *nl = memchr(b->data + i, '\n', b->len - i);
        if (!nl)
            return SIZE_MAX;
        i = (size_t)(nl - b->data) + 1;
    }
    for (size_t c = 1; c < col && i < b->len && b->data[i] != '\n'; c++)
        do
            i++;
        while (i < b->len && ((unsigned char)b->data[i] & 0xC0) == 0x80);
    return i < b->len ? i : SIZE_MAX;
}

/* The tag as written (!!int for the core schema), for messages. */
static void put_tag(pg_buf *m, const char *tag)
{
    if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) == 0)
        pg_buf_printf(m, "!!%s", tag + strlen(TAG_PREFIX));
    else
        pg_buf_puts(m, tag);
}

static int check_tag(builder *b, const yaml_event_t *ev, const char *tag, const char *allowed,
                     pg_error *err)
{
    if (!tag)
        return 0;
    if (strcmp(tag, allowed) == 0 || strcmp(tag, "!") == 0)
        return 0;
    pg_buf t = {0};
    put_tag(&t, tag);
    fail_at(err, b, ev->start_mark.line + 1, ev->start_mark.column + 1,
            "the YAML tag `%s` is not supported in a config file; remove it and write the value "
            "plainly",
            pg_buf_str(&t));
    pg_buf_free(&t);
    return -1;
}

/* Adds a finished node to the open collection (or makes it the root). */
static int attach(builder *b, pg_yaml_node *n, pg_error *err)
{
    if (++b->nodes > PG_YAML_MAX_NODES) {
        fail_at(err, b, n->line, n->col,
                "the document has more than %d values; a config file is far smaller, so check "
                "that this is the right file",
                PG_YAML_MAX_NODES);
        pg_yaml_free(n);
        return -1;
    }
    if (b->depth == 0) {
        b->root = n;
        return 0;
    }
    frame *f = &b->stack[b->depth - 1];
    pg_yaml_node *parent = f->node;
    if (parent->kind == PG_YAML_MAPPING && parent->n % 2 == 0) {
        /* n is a key */
        if (n->kind != PG_YAML_SCALAR) {
            fail_at(err, b, n->line, n->col,
                    "a mapping key must be a name, found %s; write `name: value`", kind_name(n));
            pg_yaml_free(n);
            return -1;
        }
        int added;
        size_t id = pg_intern_add(f->keys, n->text, n->len, &added);
        if (!added) {
            const pg_yaml_node *first = parent->items[2 * id];
            pg_buf k = {0};
            pg_buf_append(&k, n->text, strnlen(n->text, n->len));
            fail_at(err, b, n->line, n->col,
                    "duplicate key `%s` (first set at line %zu, column %zu); keep only one of them",
                    pg_buf_str(&k), first->line, first->col);
            pg_buf_free(&k);
            pg_yaml_free(n);
            return -1;
        }
    }
    parent->items = pg_xgrow(parent->items, &f->cap, parent->n + 1, sizeof *parent->items);
    parent->items[parent->n++] = n;
    return 0;
}

static int open_collection(builder *b, pg_yaml_node *n, pg_error *err)
{
    if (b->depth == PG_YAML_MAX_DEPTH) {
        fail_at(err, b, n->line, n->col,
                "values are nested more than %d levels deep; a config file needs at most 4",
                PG_YAML_MAX_DEPTH);
        pg_yaml_free(n);
        return -1;
    }
    frame *f = &b->stack[b->depth++];
    f->node = n;
    f->cap = 0;
    f->keys = n->kind == PG_YAML_MAPPING ? pg_intern_create() : NULL;
    return 0;
}

static int close_collection(builder *b, pg_error *err)
{
    frame *f = &b->stack[--b->depth];
    if (f->keys)
        pg_intern_free(f->keys);
    return attach(b, f->node, err);
}

static int on_event(builder *b, const yaml_event_t *ev, pg_error *err)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1)
            return fail_at(err, b, ev->start_mark.line + 1, ev->start_mark.column + 1,
                           "a second YAML document starts here; a config file holds one document, "
                           "so remove this `---` and merge what follows into the first");
        return 0;
    case YAML_ALIAS_EVENT:
        return fail_at(err, b, ev->start_mark.line + 1, ev->start_mark.column + 1,
                       "YAML aliases (`*%s`) are not supported in a config file; write the value "
                       "out in full",
                       (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT: {
        if (check_tag(b, ev, (const char *)ev->data.scalar.tag, TAG_PREFIX "str", err) < 0)
            return -1;
        pg_yaml_node *n = new_node(PG_YAML_SCALAR, ev->start_mark);
        n->len = ev->data.scalar.length;
        n->text = pg_xmalloc(n->len + 1);
        memcpy(n->text, ev->data.scalar.value, n->len);
        n->text[n->len] = '\0';
        n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || ev->data.scalar.tag != NULL;
        return attach(b, n, err);
    }
    case YAML_SEQUENCE_START_EVENT:
        if (check_tag(b, ev, (const char *)ev->data.sequence_start.tag, TAG_PREFIX "seq", err) < 0)
            return -1;
        return open_collection(b, new_node(PG_YAML_SEQUENCE, ev->start_mark), err);
    case YAML_MAPPING_START_EVENT:
        if (check_tag(b, ev, (const char *)ev->data.mapping_start.tag, TAG_PREFIX "map", err) < 0)
            return -1;
        return open_collection(b, new_node(PG_YAML_MAPPING, ev->start_mark), err);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return close_collection(b, err);
    default:
        return 0;
    }
}

/* libyaml's own error, located and with a hint for the usual causes. */
static int syntax_error(builder *b, const yaml_parser_t *p, pg_error *err)
{
    if (p->error == YAML_MEMORY_ERROR)
        return pg_error_set(err, "%s: out of memory while parsing YAML", b->name);
    if (p->error == YAML_READER_ERROR) {
        /* Only a byte offset is known: turn it into a line and column. */
        size_t off = p->problem_offset < b->len ? p->problem_offset : b->len;
        size_t line = 1, col = 1;
        for (size_t i = 0; i < off; i++) {
            if (b->data[i] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)b->data[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        return fail_at(err, b, line, col,
                       "%s (byte offset %zu); a config file must be UTF-8 text without control "
                       "characters",
                       p->problem, p->problem_offset);
    }
    size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;
    pg_buf m = {0};
    pg_buf_printf(&m, "YAML syntax error: %s", p->problem ? p->problem : "unknown problem");
    if (p->context)
        pg_buf_printf(&m, " (%s at line %zu, column %zu)", p->context, p->context_mark.line + 1,
                      p->context_mark.column + 1);
    size_t at = offset_of(b, line, col);
    if (at != SIZE_MAX && b->data[at] == '\t')
        pg_buf_puts(&m, "; YAML does not allow tabs here: indent with spaces");
    else
        pg_buf_puts(&m, "; check the indentation, and quote values that contain `: ` or ` #` "
                        "or start with one of `[]{}*&!|>'\"%@`");
    fail_at(err, b, line, col, "%s", pg_buf_str(&m));
    pg_buf_free(&m);
    return -1;
}

static void unwind(builder *b)
{
    while (b->depth > 0) {
        frame *f = &b->stack[--b->depth];
        if (f->keys)
            pg_intern_free(f->keys);
        pg_yaml_free(f->node);
    }
    pg_yaml_free(b->root);
    b->root = NULL;
}

int pg_yaml_parse(const char *data, size_t len, const char *name, pg_yaml_node **root,
                  pg_error *err)
{
    builder b = {.data = data, .len = len, .name = name};
    yaml_parser_t p;
    *root = NULL;
    if (!yaml_parser_initialize(&p))
        return pg_error_set(err, "%s: out of memory while parsing YAML", name);
    yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
    int rc = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = syntax_error(&b, &p, err);
            break;
        }
        int done = ev.type == YAML_STREAM_END_EVENT;
        rc = on_event(&b, &ev, err);
        yaml_event_delete(&ev);
        if (rc < 0 || done)
            break;
    }
    yaml_parser_delete(&p);
    if (rc < 0) {
        unwind(&b);
        return -1;
    }
    *root = b.root;
    return 0;
}
