/*
 * Errors returned up the stack, libgit2-style.
 *
 * Library code never prints. A function that can fail takes a `pg_error *`
 * as its last argument, fills it with one complete sentence that names the
 * file, the line (or byte offset) and what to do, and returns -1. Only the
 * subcommand (gate/cmd_*.c) prints it, prefixed with "perfgate: ".
 *
 * `err` may be NULL when the caller does not want the message.
 */
#ifndef PG_ERROR_H
#define PG_ERROR_H

#include <stdarg.h>

#define PG_ERROR_MAX 2048

typedef struct pg_error {
    char msg[PG_ERROR_MAX];
} pg_error;

/* Sets the message and returns -1, so `return pg_error_set(err, ...)` works. */
int pg_error_set(pg_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pg_error_setv(pg_error *err, const char *fmt, va_list ap);
/* Prepends context ("file.txt: ") to an existing message; returns -1. */
int pg_error_prefix(pg_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the message from errno: "<what>: <strerror(errno)>"; returns -1. */
int pg_error_errno(pg_error *err, const char *what);
void pg_error_clear(pg_error *err);

#endif
