/*
 * Streaming line reader over a file descriptor.
 *
 * Reads in blocks and hands out one line at a time without copying when it
 * can, so memory is bounded by the longest allowed line, never by the file.
 * Lines are split on '\n'; a trailing '\r' is removed (Go's bufio.ScanLines).
 * A line longer than the limit is an error, as in benchstat (bufio.Scanner's
 * "token too long"), reported with the number of the last complete line.
 */
#ifndef PG_LINES_H
#define PG_LINES_H

#include <stddef.h>

#include "pg_error.h"

/* bufio.Scanner's default maximum token size. */
#define PG_LINES_DEFAULT_MAX (64 * 1024)

typedef struct pg_lines pg_lines;

/* Opens `path` for reading ("-" is standard input). `name` is what error
 * messages call it (NULL: the path). Returns NULL and sets err on failure. */
pg_lines *pg_lines_open(const char *path, const char *name, size_t max_line, pg_error *err);
/* Reads from an already open descriptor, which pg_lines_close does not close. */
pg_lines *pg_lines_from_fd(int fd, const char *name, size_t max_line);
/* Reads from memory (used by fuzz targets and the -json splitter). */
pg_lines *pg_lines_from_mem(const char *data, size_t len, const char *name, size_t max_line);
/* Returns 1 and the next line (not NUL-terminated; valid until the next
 * call), 0 at end of input, or -1 on a read error or an over-long line. */
int pg_lines_next(pg_lines *r, const char **line, size_t *len, pg_error *err);
/* 1-based number of the line last returned. */
size_t pg_lines_number(const pg_lines *r);
const char *pg_lines_name(const pg_lines *r);
void pg_lines_close(pg_lines *r);

#endif
