/*
 * Allocation that cannot fail.
 *
 * perfgate is a command-line tool: when malloc fails there is nothing useful
 * left to do, so these wrappers print one line and exit with status 3
 * (runtime failure) instead of making every caller check for NULL.
 */
#ifndef PG_ALLOC_H
#define PG_ALLOC_H

#include <stddef.h>

void *pg_xmalloc(size_t size);
void *pg_xcalloc(size_t count, size_t size);
void *pg_xrealloc(void *ptr, size_t size);
/* Grows an array of `count` elements of `size` bytes to hold at least `need`
 * elements, doubling; updates *cap. Overflow is treated like OOM. */
void *pg_xgrow(void *ptr, size_t *cap, size_t need, size_t size);
char *pg_xstrdup(const char *s);
char *pg_xstrndup(const char *s, size_t n);
/* printf into a freshly allocated string. */
char *pg_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
