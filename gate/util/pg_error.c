/*
 * Error messages carried in a fixed buffer (no allocation on the error path).
 */
#include "pg_error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int pg_error_setv(pg_error *err, const char *fmt, va_list ap)
{
    if (err)
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return -1;
}

int pg_error_set(pg_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_error_setv(err, fmt, ap);
    va_end(ap);
    return -1;
}

int pg_error_prefix(pg_error *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    char old[PG_ERROR_MAX];
    memcpy(old, err->msg, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof err->msg) {
        size_t room = sizeof err->msg - (size_t)n;
        size_t len = strnlen(old, room - 1);
        memcpy(err->msg + n, old, len);
        err->msg[(size_t)n + len] = '\0';
    }
    return -1;
}

int pg_error_errno(pg_error *err, const char *what)
{
    return pg_error_set(err, "%s: %s", what, strerror(errno));
}

void pg_error_clear(pg_error *err)
{
    if (err)
        err->msg[0] = '\0';
}
