/*
 * A growable byte buffer, always NUL-terminated (Redis's sds, git's strbuf).
 *
 * Used to build output text, messages and keys. The struct is public so it
 * can live on the stack: `pg_buf b = {0}; ... pg_buf_free(&b);`.
 */
#ifndef PG_BUF_H
#define PG_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef struct pg_buf {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
} pg_buf;

void pg_buf_reserve(pg_buf *b, size_t extra);
void pg_buf_append(pg_buf *b, const void *data, size_t len);
void pg_buf_puts(pg_buf *b, const char *s);
void pg_buf_putc(pg_buf *b, char c);
/* Appends `n` copies of `c`. */
void pg_buf_pad(pg_buf *b, char c, size_t n);
void pg_buf_printf(pg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pg_buf_vprintf(pg_buf *b, const char *fmt, va_list ap);
void pg_buf_truncate(pg_buf *b, size_t len);
/* The contents as a C string ("" for an empty buffer, never NULL). */
const char *pg_buf_str(const pg_buf *b);
/* Hands the allocation to the caller (never NULL) and resets the buffer. */
char *pg_buf_detach(pg_buf *b);
void pg_buf_free(pg_buf *b);
/* Splits a buffer's contents into lines in place: returns the next line
 * (its '\n' replaced by NUL) and advances *cursor, or NULL at the end.
 * Start with `char *cursor = b.data;` (NULL for an empty buffer is fine). */
char *pg_buf_next_line(char **cursor);
/* Writes the contents to `f`; returns 0, or -1 if the write failed. */
int pg_buf_write(const pg_buf *b, FILE *f);
/* Appends the rest of `f` (git's strbuf_read, on a FILE); returns 0, or -1 if a read
 * failed. */
int pg_buf_read(pg_buf *b, FILE *f);
/* Appends the whole file at `path`; returns 0, or -1 with errno set if it
 * cannot be opened or read. */
int pg_buf_read_file(pg_buf *b, const char *path);

#endif
