/*
 * Block-buffered line splitting. The buffer holds at most one line plus one
 * read block; complete lines are returned as pointers into it.
 */
#include "pg_lines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_alloc.h"

#define BLOCK (64 * 1024)

struct pg_lines {
    int fd;
    int owns_fd;
    const char *mem; /* non-NULL when reading from memory */
    size_t mem_len;
    char *name;
    size_t max_line;
    char *buf;
    size_t cap, start, end; /* unread data is buf[start..end) */
    int eof;
    size_t lineno;
};

static pg_lines *create(int fd, const char *name, size_t max_line)
{
    pg_lines *r = pg_xcalloc(1, sizeof *r);
    r->fd = fd;
    r->name = pg_xstrdup(name);
    r->max_line = max_line ? max_line : PG_LINES_DEFAULT_MAX;
    return r;
}

pg_lines *pg_lines_open(const char *path, const char *name, size_t max_line, pg_error *err)
{
    if (!name)
        name = path;
    if (strcmp(path, "-") == 0)
        return pg_lines_from_fd(0, name, max_line);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pg_error_set(err, "open %s: %s", path, strerror(errno));
        return NULL;
    }
    pg_lines *r = create(fd, name, max_line);
    r->owns_fd = 1;
    return r;
}

pg_lines *pg_lines_from_fd(int fd, const char *name, size_t max_line)
{
    return create(fd, name, max_line);
}

pg_lines *pg_lines_from_mem(const char *data, size_t len, const char *name, size_t max_line)
{
    pg_lines *r = create(-1, name, max_line);
    r->mem = data;
    r->mem_len = len;
    return r;
}

/* Appends more input after buf[end]; returns bytes read, 0 at EOF, -1 on error. */
static long fill(pg_lines *r, pg_error *err)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->mem) {
        r->buf = (char *)r->mem; /* zero-copy: the whole input is already "read" */
        r->start = 0;
        r->end = r->mem_len;
        r->mem = NULL;
        return (long)r->mem_len;
    }
    if (r->cap - r->end < BLOCK)
        r->buf = pg_xgrow(r->buf, &r->cap, r->end + BLOCK, 1);
    for (;;) {
        ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n >= 0) {
            r->end += (size_t)n;
            return (long)n;
        }
        if (errno != EINTR) {
            pg_error_set(err, "read %s: %s", r->name, strerror(errno));
            return -1;
        }
    }
}

int pg_lines_next(pg_lines *r, const char **line, size_t *len, pg_error *err)
{
    size_t scanned = 0; /* bytes of the pending line already searched for '\n' */
    for (;;) {
        char *p = r->buf ? r->buf + r->start : NULL; /* NULL before the first read */
        size_t avail = r->end - r->start;
        char *nl = avail > scanned ? memchr(p + scanned, '\n', avail - scanned) : NULL;
        size_t n = nl ? (size_t)(nl - p) : avail;
        if (n > r->max_line) {
            return pg_error_set(err, "%s:%zu: line %zu is longer than %zu bytes", r->name,
                                r->lineno, r->lineno + 1, r->max_line);
        }
        if (nl || (r->eof && avail > 0)) {
            r->start += nl ? n + 1 : n;
            if (n > 0 && p[n - 1] == '\r')
                n--;
            r->lineno++;
            *line = p;
            *len = n;
            return 1;
        }
        if (r->eof)
            return 0;
        scanned = avail;
        int from_mem = r->mem != NULL;
        long got = fill(r, err);
        if (got < 0)
            return -1;
        if (got == 0 || from_mem)
            r->eof = 1;
    }
}

size_t pg_lines_number(const pg_lines *r)
{
    return r->lineno;
}

const char *pg_lines_name(const pg_lines *r)
{
    return r->name;
}

void pg_lines_close(pg_lines *r)
{
    if (!r)
        return;
    if (r->owns_fd)
        close(r->fd);
    if (r->cap)
        free(r->buf);
    free(r->name);
    free(r);
}
