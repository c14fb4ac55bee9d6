/*
 * The git repository, through libgit2, as perfgate needs it.
 *
 * The runner asks which commits to compare (resolve a revision, the merge
 * base with the configured branch, HEAD and whether the work tree is dirty)
 * and needs each commit's files on disk to build its test binaries
 * (snapshots). The result store keeps one git note per commit and shares
 * the notes ref with other runners by fetching, union-merging and pushing it
 * (notes). Everything goes through libgit2; nothing here runs the git CLI.
 *
 * Commits are passed around as 40-digit lowercase hex strings (SHA-1; the
 * libgit2 1.5 we build against has no SHA-256 repositories).
 */
#ifndef PG_GIT_H
#define PG_GIT_H

#include <stddef.h>
#include <stdint.h>

#include "pg_buf.h"
#include "pg_error.h"

/* 40 hex digits and a NUL. */
#define PG_GIT_HEX_SIZE 41

typedef struct pg_git pg_git;

/* 1 if s is a full commit SHA as this module writes them: 40 lowercase hex
 * digits. */
int pg_git_is_sha(const char *s);

/* Opens the repository that contains `path` (searching upwards like git). */
pg_git *pg_git_open(const char *path, pg_error *err);
void pg_git_free(pg_git *g);
/* Root of the work tree, with a trailing '/'; NULL for a bare repository. */
const char *pg_git_workdir(const pg_git *g);
/* The git directory (".git/" or the bare repository), with a trailing '/'. */
const char *pg_git_gitdir(const pg_git *g);

/* Resolves a revision as `git rev-parse REV^{commit}` does: branch names,
 * remote-tracking branches (origin/main), tags (annotated ones peeled),
 * full or abbreviated SHAs, HEAD~N, ... */
int pg_git_resolve(pg_git *g, const char *rev, char sha[PG_GIT_HEX_SIZE], pg_error *err);
/* The best common ancestor of two revisions (git merge-base A B). */
int pg_git_merge_base(pg_git *g, const char *a, const char *b, char sha[PG_GIT_HEX_SIZE],
                      pg_error *err);

typedef struct pg_git_head {
    char sha[PG_GIT_HEX_SIZE];
    char *ref; /* "refs/heads/main"; NULL when HEAD is detached */
    /* The index or the work tree differs from HEAD: modified, staged,
     * deleted or untracked (not ignored) files. Paths inside a directory
     * named .perfgate (perfgate's own results) do not count. Always 0 in a
     * bare repository. */
    int dirty;
    size_t dirty_paths;  /* how many paths differ */
    char *dirty_example; /* the first of them, e.g. "modified: go.sum"; NULL if clean */
} pg_git_head;

/* HEAD's commit and state. Free with pg_git_head_clear. */
int pg_git_head_read(pg_git *g, pg_git_head *out, pg_error *err);
void pg_git_head_clear(pg_git_head *h);

typedef struct pg_git_commit {
    char sha[PG_GIT_HEX_SIZE];
    int64_t time;        /* committer time, seconds since the epoch */
    int tz_offset;       /* committer time zone, minutes east of UTC */
    const char *author;  /* author name */
    const char *summary; /* first paragraph of the message, on one line */
} pg_git_commit;

/* Calls fn for `rev` and its first-parent ancestors, newest first, at most
 * `max` commits (0: all). A non-zero return from fn stops the walk and is
 * returned (use a positive value). The strings in *c live until fn returns. */
int pg_git_walk(pg_git *g, const char *rev, size_t max,
                int (*fn)(const pg_git_commit *c, void *arg), void *arg, pg_error *err);

/* The files of one commit, written into a fresh temporary directory: what
 * the runner builds each side's test binaries from. The repository, its
 * index and its work tree are not touched (a plain checkout of the tree into
 * the directory, not a registered git worktree, so a crash leaves nothing
 * behind in the repository). Submodules come out as empty directories. */
typedef struct pg_git_snapshot pg_git_snapshot;

/* Checks out `rev` into a new directory under `parent` (NULL: $TMPDIR, else
 * /tmp), named perfgate-<short sha>-XXXXXX. */
pg_git_snapshot *pg_git_snapshot_create(pg_git *g, const char *rev, const char *parent,
                                        pg_error *err);
/* The directory, without a trailing '/'. */
const char *pg_git_snapshot_path(const pg_git_snapshot *s);
const char *pg_git_snapshot_commit(const pg_git_snapshot *s);
/* Removes the directory and everything in it, including what builds added
 * (read-only directories as the go module cache makes them too), and frees
 * the snapshot. Returns -1 if something could not be removed; the memory is
 * freed either way. */
int pg_git_snapshot_free(pg_git_snapshot *s, pg_error *err);

/*
 * Notes. A notes ref (refs/notes/perfgate) maps commits to text. perfgate
 * treats each note as a set of lines: lines are only ever added, an
 * identical line is never added twice, and two versions of a note merge by
 * the union of their lines, sorted (git's `notes merge -s cat_sort_uniq`).
 * So notes written by different runners never conflict.
 */

/* Appends the text of the note on `sha` to `text`. Returns 1 if there is a
 * note, 0 if there is none (or no notes ref yet), -1 on error. */
int pg_git_note_read(pg_git *g, const char *notes_ref, const char *sha, pg_buf *text,
                     pg_error *err);
/* Adds `line` (no '\n' in it) to the note on `sha` unless the note already
 * holds an identical line; *added (may be NULL) says which. Safe against
 * other processes writing the same ref: the ref is updated by
 * compare-and-swap and the update retried when it lost a race. */
int pg_git_note_add_line(pg_git *g, const char *notes_ref, const char *sha, const char *line,
                         size_t len, int *added, pg_error *err);
/* Calls fn with each annotated commit, in ascending SHA order. A non-zero
 * return from fn stops and is returned. No notes ref means no calls. */
int pg_git_notes_foreach(pg_git *g, const char *notes_ref, int (*fn)(const char *sha, void *arg),
                         void *arg, pg_error *err);
/* Merges the notes of ref `from` into ref `into` by union of lines. When
 * one contains the other this is a fast-forward (or nothing); otherwise the
 * merge commit has both as parents. */
int pg_git_notes_merge(pg_git *g, const char *into, const char *from, pg_error *err);

typedef struct pg_git_sync_opts {
    int max_attempts; /* pushes tried before giving up; 0: 10 */
    int backoff_ms;   /* first wait after a lost race, doubled each time (randomised,
                         at most 5 s); 0: 100 */
} pg_git_sync_opts;

typedef struct pg_git_sync_result {
    int attempts;              /* fetch/merge/push rounds used */
    int pushed;                /* 1 if the remote ref was updated */
    char tip[PG_GIT_HEX_SIZE]; /* the notes commit both sides have now; "" if none */
} pg_git_sync_result;

/* Fetches `notes_ref` from `remote` (a configured remote's name, a URL or a
 * path) and merges it into the local ref. A remote without the ref is not an
 * error. `result` may be NULL. */
int pg_git_notes_fetch(pg_git *g, const char *remote, const char *notes_ref,
                       pg_git_sync_result *result, pg_error *err);
/* Fetches, merges and pushes `notes_ref`, so that the remote ends up with
 * the union of both sides' notes. A push that loses a race with another
 * pusher (non-fast-forward, or the ref moved under it) is retried from the
 * fetch after a randomised backoff, up to opts->max_attempts times. Pushes
 * to a remote on the local file system update the ref by compare-and-swap
 * (libgit2's local transport would overwrite a concurrent update). For
 * HTTPS, http.extraheader from the git configuration is sent (how
 * actions/checkout passes its token); SSH uses the ssh-agent. */
int pg_git_notes_push(pg_git *g, const char *remote, const char *notes_ref,
                      const pg_git_sync_opts *opts, pg_git_sync_result *result, pg_error *err);

#endif
