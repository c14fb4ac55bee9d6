/*
 * Byte input of the trace reader: a file, a pipe (stdin) or a buffer in
 * memory, read forward only, with the file offset always known so every
 * error can name the byte it is about. Also the 16-byte header check, which
 * decides the format version and refuses what we cannot read with a message
 * that says which Go wrote it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pg_alloc.h"
#include "trace_internal.h"

/* A pipe is read in large chunks. A regular file is read in small ones:
 * the event batches, most of the file, are skipped with lseek here and read
 * later by their cursors (trace_gen.c), so reading ahead would only copy
 * them twice. */
#define PIPE_CHUNK (256u * 1024u)
#define FILE_CHUNK (8u * 1024u)

void trace_input_open_fd(trace_input *in, int fd, int own, const char *name)
{
    memset(in, 0, sizeof *in);
    in->fd = fd;
    in->own_fd = own;
    in->name = name;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && lseek(fd, 0, SEEK_CUR) == 0) {
        in->seekable = 1;
        in->size = (uint64_t)st.st_size;
    }
    in->cap = in->seekable ? FILE_CHUNK : PIPE_CHUNK;
    in->buf = pg_xmalloc(in->cap);
}

void trace_input_open_mem(trace_input *in, const void *data, size_t len, const char *name)
{
    memset(in, 0, sizeof *in);
    in->fd = -1;
    in->name = name;
    in->buf = (uint8_t *)data;
    in->len = len;
    in->size = len;
    in->eof = 1;
    in->mem = 1;
}

void trace_input_close(trace_input *in)
{
    if (!in->mem) {
        free(in->buf);
        if (in->own_fd)
            close(in->fd);
    }
    memset(in, 0, sizeof *in);
}

/* Makes at least one more byte available; 1, 0 at EOF, -1 on error. */
static int fill(trace_input *in, pg_error *err)
{
    if (in->pos < in->len)
        return 1;
    if (in->eof)
        return 0;
    in->base += in->len;
    in->pos = in->len = 0;
    for (;;) {
        ssize_t n = read(in->fd, in->buf, in->cap);
        if (n > 0) {
            in->len = (size_t)n;
            return 1;
        }
        if (n == 0) {
            in->eof = 1;
            return 0;
        }
        if (errno == EINTR)
            continue;
        pg_error_errno(err, in->name);
        return -1;
    }
}

int trace_input_byte(trace_input *in, pg_error *err)
{
    if (in->pos == in->len) {
        int rc = fill(in, err);
        if (rc <= 0)
            return rc == 0 ? -1 : -2;
    }
    return in->buf[in->pos++];
}

int trace_input_uvarint(trace_input *in, uint64_t *v, pg_error *err)
{
    /* Fast path: the whole varint is in the buffer. */
    if (in->len - in->pos >= 10) {
        int n = trace_uvarint(in->buf + in->pos, in->buf + in->len, v);
        if (n < 0)
            return IN_OVERFLOW;
        in->pos += (size_t)n;
        return IN_OK;
    }
    uint64_t x = 0;
    unsigned s = 0;
    for (int i = 0; i < 10; i++) {
        int b = trace_input_byte(in, err);
        if (b == -2)
            return IN_IOERR;
        if (b == -1)
            return i == 0 ? IN_EOF : IN_UNEXPECTED_EOF;
        if (b < 0x80) {
            if (i == 9 && b > 1)
                return IN_OVERFLOW;
            *v = x | (uint64_t)b << s;
            return IN_OK;
        }
        x |= (uint64_t)(b & 0x7f) << s;
        s += 7;
    }
    return IN_OVERFLOW;
}

/* read(2) straight into dst: 1 progress, 0 EOF, -1 error. */
static int read_direct(trace_input *in, uint8_t *dst, size_t n, size_t *got, pg_error *err)
{
    for (;;) {
        ssize_t k = read(in->fd, dst, n);
        if (k > 0) {
            *got += (size_t)k;
            in->base += (uint64_t)k;
            return 1;
        }
        if (k == 0) {
            in->eof = 1;
            return 0;
        }
        if (errno != EINTR) {
            pg_error_errno(err, in->name);
            return -1;
        }
    }
}

long trace_input_read(trace_input *in, void *dst, size_t n, pg_error *err)
{
    size_t got = 0;
    while (got < n) {
        if (in->pos == in->len && !in->mem && !in->eof && n - got >= in->cap) {
            /* Large reads bypass the buffer (base stays the offset of buf[0]
             * = the read position, as the buffer is empty). */
            in->base += in->len;
            in->pos = in->len = 0;
            int rc = read_direct(in, (uint8_t *)dst + got, n - got, &got, err);
            if (rc < 0)
                return -1;
            if (rc == 0)
                break;
            continue;
        }
        int rc = fill(in, err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            break;
        size_t k = in->len - in->pos;
        if (k > n - got)
            k = n - got;
        memcpy((uint8_t *)dst + got, in->buf + in->pos, k);
        in->pos += k;
        got += k;
    }
    return (long)got;
}

long trace_input_skip(trace_input *in, size_t n, pg_error *err)
{
    size_t got = in->len - in->pos < n ? in->len - in->pos : n;
    in->pos += got;
    if (got == n || in->mem)
        return (long)got;
    if (in->seekable) {
        uint64_t at = in->base + in->len; /* the descriptor's position */
        uint64_t avail = in->size > at ? in->size - at : 0;
        uint64_t k = n - got < avail ? n - got : avail;
        if (k && lseek(in->fd, (off_t)k, SEEK_CUR) < 0) {
            pg_error_errno(err, in->name);
            return -1;
        }
        in->base = at + k;
        in->pos = in->len = 0;
        if (got + k == n)
            return (long)n;
        got += k; /* the file grew since we looked: read on */
    }
    while (got < n) {
        int rc = fill(in, err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            break;
        size_t k = in->len - in->pos < n - got ? in->len - in->pos : n - got;
        in->pos += k;
        got += k;
    }
    return (long)got;
}

/* The header as printable text for messages: up to the first NUL, with
 * non-printable bytes as \xNN. */
static void quote_header(const uint8_t *h, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && h[i] != 0 && o + 5 < cap; i++) {
        if (h[i] >= 0x20 && h[i] < 0x7f && h[i] != '"' && h[i] != '\\')
            out[o++] = (char)h[i];
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", h[i]);
    }
    out[o] = 0;
}

int trace_input_header(trace_input *in, pg_error *err)
{
    uint8_t h[16];
    long n = trace_input_read(in, h, sizeof h, err);
    if (n < 0)
        return -1;
    if (n == 0)
        return pg_error_set(err,
                            "%s: empty file: expected a Go execution trace (16-byte header "
                            "\"go 1.N trace\"); was the trace written completely?",
                            in->name);
    char q[80];
    quote_header(h, (size_t)n, q, sizeof q);
    int version = 0;
    size_t i = 5;
    int ok = n >= 5 && memcmp(h, "go 1.", 5) == 0;
    if (ok) {
        while (i < (size_t)n && i < 8 && h[i] >= '0' && h[i] <= '9')
            version = version * 10 + (h[i++] - '0');
        ok = i > 5 && i + 6 <= (size_t)n && memcmp(h + i, " trace", 6) == 0;
    }
    if (ok)
        for (i += 6; i < (size_t)n; i++)
            ok = ok && h[i] == 0;
    if (!ok && n == 16)
        return pg_error_set(err,
                            "%s: byte 0: not a Go execution trace: the file starts with \"%s\", "
                            "expected the header \"go 1.N trace\"",
                            in->name, q);
    if (!ok || n < 16)
        return pg_error_set(err,
                            "%s: byte %ld: truncated header \"%s\": a Go execution trace starts "
                            "with a 16-byte header \"go 1.N trace\"",
                            in->name, n, q);
    switch (version) {
    case 22:
    case 23:
    case 25:
    case 26:
        return version;
    }
    if (version <= 21)
        return pg_error_set(err,
                            "%s: this trace was written by Go 1.%d or older (header \"%s\", the "
                            "pre-1.22 trace format), which perfgate cannot read; re-record it "
                            "with Go 1.22 or newer",
                            in->name, version, q);
    return pg_error_set(err,
                        "%s: unknown trace format version %d (header \"%s\"): perfgate reads the "
                        "formats of Go 1.22 to 1.26 (versions 22, 23, 25, 26); a newer Go may "
                        "have written it",
                        in->name, version, q);
}
