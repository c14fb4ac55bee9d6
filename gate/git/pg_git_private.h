/*
 * What pg_git.c and pg_git_notes.c share: the repository handle and the way
 * libgit2 errors become perfgate messages. Not part of the module's API.
 */
#ifndef PG_GIT_PRIVATE_H
#define PG_GIT_PRIVATE_H

#include <git2.h>

#include "pg_git.h"

struct pg_git {
    git_repository *repo;
    char *workdir; /* NULL when bare */
    char *gitdir;
};

/* libgit2's last error message, never NULL. */
const char *pg_git_lg2_message(void);
/* Sets err to "<what>: <libgit2's last message>" and returns -1. */
int pg_git_lg2_error(pg_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parses a 40-digit hex SHA; an error names `what` the string is. */
int pg_git_parse_sha(const char *sha, const char *what, git_oid *oid, pg_error *err);
/* Milliseconds to sleep before retry number `attempt` (1-based) after a lost
 * race: `base` doubled per attempt, capped, and randomised ("full jitter") so
 * that racing processes spread out instead of colliding again. */
unsigned pg_git_backoff_ms(unsigned base, int attempt);
void pg_git_sleep_ms(unsigned ms);

#endif
