/*
 * The notes and directory backends of the result store (pg_store.h). Both
 * keep one result set per line; this file only decides where the lines go
 * and names the place in every error, so that a damaged line can be found
 * and fixed by hand.
 */
#include "pg_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pg_alloc.h"
#include "pg_lines.h"

/* A result set of a large suite runs to megabytes on its one line. */
#define MAX_LINE ((size_t)1 << 30)

typedef enum { NOTES, DIRECTORY } kind;

struct pg_store {
    kind kind;
    pg_git *git; /* NOTES */
    char *ref;   /* NOTES */
    char *dir;   /* DIRECTORY */
    char *describe;
};

pg_store *pg_store_open_notes(pg_git *git, const char *notes_ref, pg_error *err)
{
    if (!git)
        return pg_error_set(err, "the notes store needs a git repository"), NULL;
    pg_store *s = pg_xcalloc(1, sizeof *s);
    s->kind = NOTES;
    s->git = git;
    s->ref = pg_xstrdup(notes_ref ? notes_ref : PG_STORE_NOTES_REF);
    const char *where = pg_git_workdir(git) ? pg_git_workdir(git) : pg_git_gitdir(git);
    s->describe = pg_xasprintf("git notes %s in %s", s->ref, where);
    return s;
}

pg_store *pg_store_open_dir(const char *dir, pg_error *err)
{
    if (!dir || !*dir)
        return pg_error_set(err, "the directory store needs a directory"), NULL;
    pg_store *s = pg_xcalloc(1, sizeof *s);
    s->kind = DIRECTORY;
    s->dir = pg_xstrdup(dir);
    s->describe = pg_xasprintf("directory %s", dir);
    return s;
}

pg_store *pg_store_open(pg_git *git, const char *spec, pg_error *err)
{
    if (!spec || !*spec || strcmp(spec, "notes") == 0)
        return pg_store_open_notes(git, PG_STORE_NOTES_REF, err);
    if (strncmp(spec, "notes:", 6) == 0 && spec[6]) {
        const char *ref = spec + 6;
        char *full =
            strncmp(ref, "refs/", 5) == 0 ? pg_xstrdup(ref) : pg_xasprintf("refs/notes/%s", ref);
        pg_store *s = pg_store_open_notes(git, full, err);
        free(full);
        return s;
    }
    if (strcmp(spec, "dir") == 0) {
        if (!git || !pg_git_workdir(git))
            return pg_error_set(err,
                                "--store dir: there is no work tree to keep %s in; give a "
                                "directory: --store dir:PATH",
                                PG_STORE_DIR),
                   NULL;
        char *dir = pg_xasprintf("%s%s", pg_git_workdir(git), PG_STORE_DIR);
        pg_store *s = pg_store_open_dir(dir, err);
        free(dir);
        return s;
    }
    if (strncmp(spec, "dir:", 4) == 0 && spec[4])
        return pg_store_open_dir(spec + 4, err);
    pg_error_set(err, "unknown store '%s': use notes, notes:REF, dir or dir:PATH", spec);
    return NULL;
}

void pg_store_free(pg_store *s)
{
    if (!s)
        return;
    free(s->ref);
    free(s->dir);
    free(s->describe);
    free(s);
}

const char *pg_store_describe(const pg_store *s)
{
    return s->describe;
}

static char *dir_file(const pg_store *s, const char *sha)
{
    return pg_xasprintf("%s/%s.jsonl", s->dir, sha);
}

static int mkdir_p(const char *dir, pg_error *err)
{
    char *path = pg_xstrdup(dir);
    int rc = 0;
    for (char *p = path + 1; rc == 0; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0777) < 0 && errno != EEXIST)
            rc = pg_error_errno(err, path);
        *p = c;
        if (!c)
            break;
    }
    free(path);
    return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Appends `line` (with its '\n') to the commit's file unless it is there.
 * The file is locked meanwhile, so concurrent runs append whole lines. */
static int dir_append(pg_store *s, const char *sha, const char *line, size_t len, int *added,
                      pg_error *err)
{
    if (mkdir_p(s->dir, err) < 0)
        return pg_error_prefix(err, "cannot create the result store: ");
    char *path = dir_file(s, sha);
    int ret = -1;
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd < 0) {
        pg_error_errno(err, path);
        goto out;
    }
    if (flock(fd, LOCK_EX) < 0) {
        pg_error_errno(err, path);
        goto out;
    }
    pg_lines *r = pg_lines_from_fd(fd, path, MAX_LINE);
    const char *l;
    size_t n;
    int rc = 0, found = 0;
    while (!found && (rc = pg_lines_next(r, &l, &n, err)) == 1)
        found = n == len - 1 && memcmp(l, line, n) == 0;
    pg_lines_close(r);
    if (!found && rc < 0)
        goto out;
    if (!found) {
        /* A run that died mid-write leaves a partial last line; start on a
         * line of our own so that ours stays whole (the partial one is
         * reported when the file is read). */
        struct stat st;
        char last = '\n';
        if (fstat(fd, &st) < 0 || (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1) ||
            (last != '\n' && write_all(fd, "\n", 1) < 0) || write_all(fd, line, len) < 0) {
            pg_error_errno(err, path);
            goto out;
        }
    }
    if (added)
        *added = !found;
    ret = 0;
out:
    if (fd >= 0)
        close(fd); /* releases the lock */
    free(path);
    return ret;
}

int pg_store_append(pg_store *s, const pg_resultset *rs, int *added, pg_error *err)
{
    const pg_rs_meta *m = pg_resultset_meta(rs);
    if (m->dirty)
        return pg_error_set(err,
                            "not storing the results of commit %.12s in %s: they were measured "
                            "on a work tree with uncommitted changes, so they are no baseline of "
                            "that commit; commit (or stash) the changes and run again",
                            m->commit, s->describe);
    pg_buf line = {0};
    pg_resultset_to_json(rs, &line);
    int rc;
    if (s->kind == NOTES)
        rc = pg_git_note_add_line(s->git, s->ref, m->commit, line.data, line.len - 1, added, err);
    else
        rc = dir_append(s, m->commit, line.data, line.len, added, err);
    pg_buf_free(&line);
    if (rc < 0)
        pg_error_prefix(err, "cannot store the results of commit %.12s in %s: ", m->commit,
                        s->describe);
    return rc;
}

/* Parses every line from r into out; `hint` says how to fix a bad line. */
static int load_lines(pg_lines *r, const char *source_fmt, const char *hint, pg_rs_list *out,
                      pg_error *err)
{
    const char *l;
    size_t n;
    int rc;
    while ((rc = pg_lines_next(r, &l, &n, err)) == 1) {
        if (n == 0)
            continue;
        char source[512];
        snprintf(source, sizeof source, source_fmt, pg_lines_number(r));
        pg_resultset *rs = pg_resultset_parse(l, n, source, err);
        if (!rs) {
            size_t len = strlen(err->msg);
            snprintf(err->msg + len, sizeof err->msg - len, "; %s", hint);
            return -1;
        }
        out->sets = pg_xgrow(out->sets, &out->cap, out->n + 1, sizeof *out->sets);
        out->sets[out->n++] = rs;
    }
    return rc;
}

int pg_store_load(pg_store *s, const char *sha, pg_rs_list *out, pg_error *err)
{
    /* Also keeps the directory store's file name inside its directory. */
    if (!pg_git_is_sha(sha))
        return pg_error_set(err, "'%s' is not a commit SHA (40 lowercase hex digits)",
                            sha ? sha : "(null)");
    pg_error scratch;
    if (!err)
        err = &scratch;
    size_t before = out->n;
    int rc;
    if (s->kind == NOTES) {
        pg_buf text = {0};
        rc = pg_git_note_read(s->git, s->ref, sha, &text, err);
        if (rc == 1) {
            char *fmt = pg_xasprintf("note of commit %.12s in %s, line %%zu", sha, s->ref);
            /* Notes merge by union: a line deleted in one clone alone comes back. */
            char *hint =
                pg_xasprintf("fix or delete that line: git notes --ref=%s edit %s (where the notes "
                             "are shared, then push them with --force, or merging brings the line "
                             "back)",
                             s->ref, sha);
            pg_lines *r = pg_lines_from_mem(text.data, text.len, s->ref, MAX_LINE);
            rc = load_lines(r, fmt, hint, out, err);
            pg_lines_close(r);
            free(fmt);
            free(hint);
        }
        pg_buf_free(&text);
    } else {
        char *path = dir_file(s, sha);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            rc = errno == ENOENT ? 0 : pg_error_errno(err, path);
        } else if (flock(fd, LOCK_SH) < 0) { /* no half-appended last line */
            rc = pg_error_errno(err, path);
            close(fd);
        } else {
            char *fmt = pg_xasprintf("%s:%%zu", path);
            pg_lines *r = pg_lines_from_fd(fd, path, MAX_LINE);
            rc = load_lines(r, fmt, "fix or delete that line of the file", out, err);
            pg_lines_close(r);
            close(fd);
            free(fmt);
        }
        free(path);
    }
    if (rc < 0) {
        while (out->n > before) /* all or nothing: *out is as it was */
            pg_resultset_free(out->sets[--out->n]);
        if (before == 0)
            pg_rs_list_free(out);
        return pg_error_prefix(err, "cannot read the result store (%s): ", s->describe);
    }
    return 0;
}

void pg_rs_list_free(pg_rs_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        pg_resultset_free(list->sets[i]);
    free(list->sets);
    memset(list, 0, sizeof *list);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dir_commits(pg_store *s, int (*fn)(const char *sha, void *arg), void *arg, pg_error *err)
{
    DIR *d = opendir(s->dir);
    if (!d)
        return errno == ENOENT ? 0 : pg_error_errno(err, s->dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (strlen(name) != 46 || strcmp(name + 40, ".jsonl") != 0)
            continue;
        char *sha = pg_xstrndup(name, 40);
        if (!pg_git_is_sha(sha)) {
            free(sha);
            continue;
        }
        names = pg_xgrow(names, &cap, n + 1, sizeof *names);
        names[n++] = sha;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int ret = 0;
    for (size_t i = 0; i < n; i++) {
        if (ret == 0)
            ret = fn(names[i], arg);
        free(names[i]);
    }
    free(names);
    return ret;
}

int pg_store_commits(pg_store *s, int (*fn)(const char *sha, void *arg), void *arg, pg_error *err)
{
    int rc = s->kind == NOTES ? pg_git_notes_foreach(s->git, s->ref, fn, arg, err)
                              : dir_commits(s, fn, arg, err);
    if (rc < 0)
        pg_error_prefix(err, "cannot list the result store (%s): ", s->describe);
    return rc;
}

static int notes_only(pg_store *s, const char *what, pg_error *err)
{
    if (s->kind == NOTES)
        return 0;
    return pg_error_set(err,
                        "cannot %s the %s: only the git notes store is shared through a remote; "
                        "use --store notes, or copy the directory",
                        what, s->describe);
}

int pg_store_fetch(pg_store *s, const char *remote, pg_error *err)
{
    if (notes_only(s, "fetch into", err) < 0)
        return -1;
    return pg_git_notes_fetch(s->git, remote, s->ref, NULL, err);
}

int pg_store_push(pg_store *s, const char *remote, const pg_git_sync_opts *opts,
                  pg_git_sync_result *result, pg_error *err)
{
    if (notes_only(s, "push", err) < 0)
        return -1;
    return pg_git_notes_push(s->git, remote, s->ref, opts, result, err);
}
