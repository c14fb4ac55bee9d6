/*
 * Growable NUL-terminated byte buffer.
 */
#include "pg_buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"

void pg_buf_reserve(pg_buf *b, size_t extra)
{
    size_t cap = b->cap;
    b->data = pg_xgrow(b->data, &cap, b->len + extra + 1, 1);
    b->cap = cap;
}

void pg_buf_append(pg_buf *b, const void *data, size_t len)
{
    pg_buf_reserve(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void pg_buf_puts(pg_buf *b, const char *s)
{
    pg_buf_append(b, s, strlen(s));
}

void pg_buf_putc(pg_buf *b, char c)
{
    pg_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void pg_buf_pad(pg_buf *b, char c, size_t n)
{
    pg_buf_reserve(b, n);
    memset(b->data + b->len, c, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pg_buf_vprintf(pg_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        pg_buf_append(b, small, (size_t)n);
        return;
    }
    pg_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void pg_buf_printf(pg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void pg_buf_truncate(pg_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

const char *pg_buf_str(const pg_buf *b)
{
    return b->data ? b->data : "";
}

char *pg_buf_detach(pg_buf *b)
{
    char *p = b->data ? b->data : pg_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void pg_buf_free(pg_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *pg_buf_next_line(char **cursor)
{
    char *line = *cursor;
    if (!line || !*line)
        return NULL;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    } else {
        *cursor = line + strlen(line);
    }
    return line;
}

int pg_buf_write(const pg_buf *b, FILE *f)
{
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
        return -1;
    return 0;
}

int pg_buf_read(pg_buf *b, FILE *f)
{
    size_t n;
    do {
        pg_buf_reserve(b, 4096);
        n = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
        b->len += n;
        b->data[b->len] = '\0';
    } while (n > 0);
    return ferror(f) ? -1 : 0;
}

int pg_buf_read_file(pg_buf *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    int rc = pg_buf_read(b, f);
    int saved = errno;
    fclose(f);
    errno = saved;
    return rc;
}
