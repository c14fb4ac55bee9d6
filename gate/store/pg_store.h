/*
 * Where result sets live between runs, per commit.
 *
 * The default store needs nothing but the repository: the result sets of a
 * commit are the lines of its git note under refs/notes/perfgate. Notes are
 * sets of lines that merge by union (pg_git.h), so result sets from several
 * runners and shards add up and are never lost; pg_store_push shares them
 * through a remote. The directory store keeps the same lines in
 * <dir>/<sha>.jsonl for places where notes cannot be pushed.
 *
 * A store holds baselines, and a result set measured on a work tree with
 * uncommitted changes is no baseline of its commit: pg_store_append refuses
 * it. (Its JSON still says "dirty": true wherever else it is written, such
 * as a report.)
 */
#ifndef PG_STORE_H
#define PG_STORE_H

#include "pg_error.h"
#include "pg_git.h"
#include "pg_resultset.h"

#define PG_STORE_NOTES_REF "refs/notes/perfgate"
/* The directory store's default place, relative to the work tree's root. */
#define PG_STORE_DIR ".perfgate/results"

typedef struct pg_store pg_store;

/* The store named by a --store argument: NULL or "notes" (refs/notes/perfgate),
 * "notes:REF" (a full ref, or a name under refs/notes/), "dir" (PG_STORE_DIR
 * in the work tree of `git`) or "dir:PATH". `git` must outlive the store;
 * it may be NULL for "dir:PATH". */
pg_store *pg_store_open(pg_git *git, const char *spec, pg_error *err);
pg_store *pg_store_open_notes(pg_git *git, const char *notes_ref, pg_error *err);
/* The directory need not exist yet; the first append creates it. */
pg_store *pg_store_open_dir(const char *dir, pg_error *err);
void pg_store_free(pg_store *s);
/* "git notes refs/notes/perfgate in /src/app/" or "directory /src/app/.perfgate/results". */
const char *pg_store_describe(const pg_store *s);

/* Stores `rs` under its commit. A result set already stored byte for byte
 * is not stored twice (*added = 0; `added` may be NULL). Refuses a dirty
 * result set. */
int pg_store_append(pg_store *s, const pg_resultset *rs, int *added, pg_error *err);

typedef struct pg_rs_list {
    pg_resultset **sets;
    size_t n, cap;
} pg_rs_list;

/* Appends the result sets stored for commit `sha` to *out, in the order of
 * the lines (merges sort a note's lines: order by `created` where time
 * matters); none is not an error. Any line that does not parse fails the whole load
 * with an error naming it and leaves *out as it was: a store is never read
 * partially. */
int pg_store_load(pg_store *s, const char *sha, pg_rs_list *out, pg_error *err);
void pg_rs_list_free(pg_rs_list *list);

/* Calls fn for every commit that has result sets, in ascending SHA order
 * (join with pg_git_walk for history order). A non-zero return from fn
 * stops and is returned. */
int pg_store_commits(pg_store *s, int (*fn)(const char *sha, void *arg), void *arg, pg_error *err);

/* Notes stores only: merge in the remote's notes (fetch), or also send ours
 * (push: fetch, union-merge, push, retried on races; pg_git_notes_push).
 * `opts` and `result` may be NULL. */
int pg_store_fetch(pg_store *s, const char *remote, pg_error *err);
int pg_store_push(pg_store *s, const char *remote, const pg_git_sync_opts *opts,
                  pg_git_sync_result *result, pg_error *err);

#endif
