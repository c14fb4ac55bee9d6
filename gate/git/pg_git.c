/*
 * Repositories, revisions, HEAD and the state of the work tree, history
 * walks, and snapshots of a commit's files (pg_git.h). The notes half of the
 * module is pg_git_notes.c.
 */
#include "pg_git_private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pg_alloc.h"

const char *pg_git_lg2_message(void)
{
    const git_error *e = git_error_last();
    return e && e->message && *e->message ? e->message : "unknown libgit2 error";
}

int pg_git_lg2_error(pg_error *err, const char *fmt, ...)
{
    char what[PG_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return pg_error_set(err, "%s: %s", what, pg_git_lg2_message());
}

int pg_git_is_sha(const char *s)
{
    return s && strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40;
}

int pg_git_parse_sha(const char *sha, const char *what, git_oid *oid, pg_error *err)
{
    if (!pg_git_is_sha(sha) || git_oid_fromstr(oid, sha) < 0)
        return pg_error_set(err, "%s '%s' is not a commit SHA (40 lowercase hex digits)", what,
                            sha ? sha : "(null)");
    return 0;
}

unsigned pg_git_backoff_ms(unsigned base, int attempt)
{
    static unsigned seed;
    if (!seed) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed = (unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec;
    }
    unsigned cap = 5000;
    unsigned d = base ? base : 1;
    for (int i = 1; i < attempt && d < cap; i++)
        d *= 2;
    if (d > cap)
        d = cap;
    return d / 2 + (unsigned)rand_r(&seed) % (d / 2 + 1);
}

void pg_git_sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

pg_git *pg_git_open(const char *path, pg_error *err)
{
    git_libgit2_init();
    git_repository *repo = NULL;
    int rc = git_repository_open_ext(&repo, path, 0, NULL);
    if (rc < 0) {
        if (rc == GIT_ENOTFOUND)
            pg_error_set(err,
                         "%s is not inside a git repository: run perfgate in a clone of the "
                         "project",
                         path);
        else if (rc == GIT_EOWNER)
            pg_error_set(err,
                         "cannot open the repository at %s: %s; if that owner is expected (a "
                         "container, a CI checkout), mark it safe: git config --global --add "
                         "safe.directory <repository path>",
                         path, pg_git_lg2_message());
        else
            pg_git_lg2_error(err, "cannot open the repository at %s", path);
        git_libgit2_shutdown();
        return NULL;
    }
    pg_git *g = pg_xcalloc(1, sizeof *g);
    g->repo = repo;
    const char *wd = git_repository_workdir(repo);
    g->workdir = wd ? pg_xstrdup(wd) : NULL;
    g->gitdir = pg_xstrdup(git_repository_path(repo));
    return g;
}

void pg_git_free(pg_git *g)
{
    if (!g)
        return;
    git_repository_free(g->repo);
    free(g->workdir);
    free(g->gitdir);
    free(g);
    git_libgit2_shutdown();
}

const char *pg_git_workdir(const pg_git *g)
{
    return g->workdir;
}

const char *pg_git_gitdir(const pg_git *g)
{
    return g->gitdir;
}

static const char *repo_name(const pg_git *g)
{
    return g->workdir ? g->workdir : g->gitdir;
}

static const char *shallow_hint(pg_git *g)
{
    return git_repository_is_shallow(g->repo) == 1
               ? "; the repository is a shallow clone, so older history is missing: fetch it "
                 "(git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"
               : "";
}

/* "did you mean 'origin/main'?" when `rev` is the name of a remote-tracking
 * branch only: in CI the configured branch usually exists only that way. */
static void suggest_remote_branch(pg_git *g, const char *rev, pg_buf *out)
{
    git_reference_iterator *it = NULL;
    if (git_reference_iterator_glob_new(&it, g->repo, "refs/remotes/*") < 0) {
        git_error_clear();
        return;
    }
    const char *name;
    size_t rlen = strlen(rev);
    while (git_reference_next_name(&name, it) == 0) {
        size_t n = strlen(name);
        size_t prefix = strlen("refs/remotes/");
        /* refs/remotes/<remote>/<rev> with a one-component remote name */
        if (n > prefix + rlen + 1 && strcmp(name + n - rlen, rev) == 0 &&
            name[n - rlen - 1] == '/' &&
            memchr(name + prefix, '/', n - rlen - 1 - prefix) == NULL) {
            pg_buf_printf(out, "; did you mean '%s'?", name + prefix);
            break;
        }
    }
    git_reference_iterator_free(it);
    git_error_clear();
}

static int resolve_error(pg_git *g, const char *rev, int rc, pg_error *err)
{
    pg_buf hint = {0};
    switch (rc) {
    case GIT_EAMBIGUOUS:
        pg_error_set(err,
                     "'%s' is ambiguous in %s: give more hex digits, or a full ref name such as "
                     "refs/heads/%s",
                     rev, repo_name(g), rev);
        break;
    case GIT_EUNBORNBRANCH:
        pg_error_set(err, "'%s' cannot be resolved: %s has no commits yet", rev, repo_name(g));
        break;
    case GIT_ENOTFOUND:
        suggest_remote_branch(g, rev, &hint);
        if (!hint.len)
            pg_buf_puts(&hint, shallow_hint(g));
        if (!hint.len)
            pg_buf_puts(&hint, "; if it exists on the remote, fetch it first (git fetch origin)");
        pg_error_set(err, "cannot resolve '%s' in %s: no branch, tag or commit of that name%s", rev,
                     repo_name(g), pg_buf_str(&hint));
        break;
    case GIT_EINVALIDSPEC:
        pg_error_set(err, "'%s' is not a valid revision (%s): give a branch, tag or commit SHA",
                     rev, pg_git_lg2_message());
        break;
    default:
        pg_git_lg2_error(err, "cannot resolve '%s' in %s", rev, repo_name(g));
    }
    pg_buf_free(&hint);
    return -1;
}

static int lookup_commit(pg_git *g, const char *rev, git_commit **out, pg_error *err)
{
    git_object *obj = NULL;
    int rc = git_revparse_single(&obj, g->repo, rev);
    if (rc == GIT_ENOTFOUND && git_repository_head_unborn(g->repo) == 1 &&
        strncmp(rev, "HEAD", 4) == 0)
        rc = GIT_EUNBORNBRANCH;
    if (rc < 0)
        return resolve_error(g, rev, rc, err);
    git_object *peeled = NULL;
    rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
    git_object_t type = git_object_type(obj);
    git_object_free(obj);
    if (rc < 0)
        return pg_error_set(err, "'%s' names a %s, not a commit: give a branch, tag or commit", rev,
                            git_object_type2string(type));
    *out = (git_commit *)peeled;
    return 0;
}

int pg_git_resolve(pg_git *g, const char *rev, char sha[PG_GIT_HEX_SIZE], pg_error *err)
{
    git_commit *c;
    if (lookup_commit(g, rev, &c, err) < 0)
        return -1;
    git_oid_tostr(sha, PG_GIT_HEX_SIZE, git_commit_id(c));
    git_commit_free(c);
    return 0;
}

int pg_git_merge_base(pg_git *g, const char *a, const char *b, char sha[PG_GIT_HEX_SIZE],
                      pg_error *err)
{
    git_commit *ca = NULL, *cb = NULL;
    int ret = -1;
    if (lookup_commit(g, a, &ca, err) < 0 || lookup_commit(g, b, &cb, err) < 0)
        goto out;
    git_oid base;
    int rc = git_merge_base(&base, g->repo, git_commit_id(ca), git_commit_id(cb));
    if (rc == GIT_ENOTFOUND) {
        const char *hint = shallow_hint(g);
        pg_error_set(err, "'%s' and '%s' have no common ancestor in %s%s", a, b, repo_name(g),
                     *hint ? hint : ": name the base commit explicitly (--base)");
        goto out;
    }
    if (rc < 0) {
        /* In a shallow clone the walk hits a missing parent object. */
        pg_git_lg2_error(err, "cannot find the merge base of '%s' and '%s'", a, b);
        if (err) {
            size_t len = strlen(err->msg);
            snprintf(err->msg + len, sizeof err->msg - len, "%s", shallow_hint(g));
        }
        goto out;
    }
    git_oid_tostr(sha, PG_GIT_HEX_SIZE, &base);
    ret = 0;
out:
    git_commit_free(ca);
    git_commit_free(cb);
    return ret;
}

/* perfgate's own directory (directory store, reports) is not the user's
 * change: results written there must not make the next run "dirty". */
static int in_perfgate_dir(const char *path)
{
    static const char dir[] = ".perfgate";
    for (const char *p = path; p; p = strchr(p, '/')) {
        if (*p == '/')
            p++;
        if (strncmp(p, dir, sizeof dir - 1) == 0 &&
            (p[sizeof dir - 1] == '/' || p[sizeof dir - 1] == '\0'))
            return 1;
    }
    return 0;
}

static const char *status_word(unsigned s)
{
    if (s & GIT_STATUS_CONFLICTED)
        return "conflicted";
    if (s & GIT_STATUS_WT_NEW)
        return "untracked";
    if (s & GIT_STATUS_INDEX_NEW)
        return "added";
    if (s & (GIT_STATUS_INDEX_DELETED | GIT_STATUS_WT_DELETED))
        return "deleted";
    if (s & (GIT_STATUS_INDEX_RENAMED | GIT_STATUS_WT_RENAMED))
        return "renamed";
    if (s & (GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_WT_TYPECHANGE))
        return "type changed";
    return "modified";
}

static int scan_status(pg_git *g, pg_git_head *out, pg_error *err)
{
    git_status_options so;
    git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
    so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    /* Untracked files count: an untracked .go file changes what go builds.
     * Ignored files do not. */
    so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED;
    git_status_list *list = NULL;
    if (git_status_list_new(&list, g->repo, &so) < 0)
        return pg_git_lg2_error(err, "cannot read the state of the work tree %s", g->workdir);
    size_t n = git_status_list_entrycount(list);
    for (size_t i = 0; i < n; i++) {
        const git_status_entry *e = git_status_byindex(list, i);
        if (e->status == GIT_STATUS_CURRENT || e->status == GIT_STATUS_IGNORED)
            continue;
        const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
        const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
        if (in_perfgate_dir(path))
            continue;
        if (!out->dirty_paths++)
            out->dirty_example = pg_xasprintf("%s: %s", status_word(e->status), path);
    }
    out->dirty = out->dirty_paths > 0;
    git_status_list_free(list);
    return 0;
}

int pg_git_head_read(pg_git *g, pg_git_head *out, pg_error *err)
{
    memset(out, 0, sizeof *out);
    git_reference *head = NULL;
    int rc = git_repository_head(&head, g->repo);
    if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND)
        return pg_error_set(err, "%s has no commits yet: commit the code to benchmark first",
                            repo_name(g));
    if (rc < 0)
        return pg_git_lg2_error(err, "cannot read HEAD of %s", repo_name(g));
    git_object *commit = NULL;
    rc = git_reference_peel(&commit, head, GIT_OBJECT_COMMIT);
    if (rc < 0) {
        git_reference_free(head);
        return pg_git_lg2_error(err, "HEAD of %s does not name a commit", repo_name(g));
    }
    git_oid_tostr(out->sha, sizeof out->sha, git_object_id(commit));
    git_object_free(commit);
    if (git_reference_is_branch(head))
        out->ref = pg_xstrdup(git_reference_name(head));
    git_reference_free(head);
    if (g->workdir && scan_status(g, out, err) < 0) {
        pg_git_head_clear(out);
        return -1;
    }
    return 0;
}

void pg_git_head_clear(pg_git_head *h)
{
    free(h->ref);
    free(h->dirty_example);
    memset(h, 0, sizeof *h);
}

int pg_git_walk(pg_git *g, const char *rev, size_t max,
                int (*fn)(const pg_git_commit *c, void *arg), void *arg, pg_error *err)
{
    git_commit *start;
    if (lookup_commit(g, rev, &start, err) < 0)
        return -1;
    git_revwalk *walk = NULL;
    int ret = 0;
    if (git_revwalk_new(&walk, g->repo) < 0 || git_revwalk_push(walk, git_commit_id(start)) < 0) {
        ret = pg_git_lg2_error(err, "cannot walk the history of '%s'", rev);
        goto out;
    }
    git_revwalk_simplify_first_parent(walk);
    git_oid id;
    size_t n = 0;
    int rc = 0;
    while ((max == 0 || n < max) && (rc = git_revwalk_next(&id, walk)) == 0) {
        git_commit *c;
        if (git_commit_lookup(&c, g->repo, &id) < 0) {
            rc = -1;
            break;
        }
        pg_git_commit info;
        git_oid_tostr(info.sha, sizeof info.sha, &id);
        info.time = git_commit_time(c);
        info.tz_offset = git_commit_time_offset(c);
        const git_signature *author = git_commit_author(c);
        info.author = author && author->name ? author->name : "";
        const char *summary = git_commit_summary(c);
        info.summary = summary ? summary : "";
        ret = fn(&info, arg);
        git_commit_free(c);
        if (ret)
            goto out;
        n++;
    }
    if (rc < 0 && rc != GIT_ITEROVER)
        ret = pg_error_set(err, "cannot walk the history of '%s': %s%s", rev, pg_git_lg2_message(),
                           shallow_hint(g));
out:
    git_revwalk_free(walk);
    git_commit_free(start);
    return ret;
}

struct pg_git_snapshot {
    char *path;
    char sha[PG_GIT_HEX_SIZE];
};

/* Removes `name` (relative to the directory open as `dir`) and everything
 * under it. `path` is its full name, for messages. */
static int remove_at(int dir, const char *name, pg_buf *path, pg_error *err)
{
    if (unlinkat(dir, name, 0) == 0 || errno == ENOENT)
        return 0;
    int unlink_errno = errno;
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : pg_error_errno(err, pg_buf_str(path));
    if (!S_ISDIR(st.st_mode)) {
        errno = unlink_errno;
        return pg_error_errno(err, pg_buf_str(path));
    }
    /* go leaves read-only trees behind (the module cache under a GOPATH);
     * their entries can only be removed once the directory is writable. */
    if ((st.st_mode & S_IRWXU) != S_IRWXU)
        fchmodat(dir, name, st.st_mode | S_IRWXU, 0);
    int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0)
            close(fd);
        return pg_error_errno(err, pg_buf_str(path));
    }
    size_t len = path->len;
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        pg_buf_putc(path, '/');
        pg_buf_puts(path, de->d_name);
        rc = remove_at(fd, de->d_name, path, err);
        pg_buf_truncate(path, len);
    }
    closedir(d);
    if (rc == 0 && unlinkat(dir, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        rc = pg_error_errno(err, pg_buf_str(path));
    return rc;
}

static int remove_tree(const char *dir, pg_error *err)
{
    pg_buf path = {0};
    pg_buf_puts(&path, dir);
    int rc = remove_at(AT_FDCWD, dir, &path, err);
    pg_buf_free(&path);
    if (rc < 0)
        pg_error_prefix(err, "cannot remove the temporary directory %s: ", dir);
    return rc;
}

pg_git_snapshot *pg_git_snapshot_create(pg_git *g, const char *rev, const char *parent,
                                        pg_error *err)
{
    git_commit *c;
    if (lookup_commit(g, rev, &c, err) < 0)
        return NULL;
    pg_git_snapshot *s = pg_xcalloc(1, sizeof *s);
    git_oid_tostr(s->sha, sizeof s->sha, git_commit_id(c));
    if (!parent || !*parent)
        parent = getenv("TMPDIR");
    if (!parent || !*parent)
        parent = "/tmp";
    s->path = pg_xasprintf("%s/perfgate-%.12s-XXXXXX", parent, s->sha);
    if (!mkdtemp(s->path)) {
        pg_error_set(err,
                     "cannot create a temporary directory in %s: %s (set TMPDIR to a writable "
                     "directory)",
                     parent, strerror(errno));
        goto fail;
    }
    git_checkout_options co;
    git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
    /* FORCE writes every file of the tree, since none exists in the empty
     * target yet; the index flags keep the repository's own index (which
     * checkout would otherwise move to this commit) untouched. */
    co.checkout_strategy =
        GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX | GIT_CHECKOUT_DONT_WRITE_INDEX;
    co.target_directory = s->path;
    if (git_checkout_tree(g->repo, (const git_object *)c, &co) < 0) {
        pg_git_lg2_error(err, "cannot write the files of commit %s into %s", s->sha, s->path);
        remove_tree(s->path, NULL);
        goto fail;
    }
    git_commit_free(c);
    return s;
fail:
    git_commit_free(c);
    free(s->path);
    free(s);
    return NULL;
}

const char *pg_git_snapshot_path(const pg_git_snapshot *s)
{
    return s->path;
}

const char *pg_git_snapshot_commit(const pg_git_snapshot *s)
{
    return s->sha;
}

int pg_git_snapshot_free(pg_git_snapshot *s, pg_error *err)
{
    if (!s)
        return 0;
    int rc = remove_tree(s->path, err);
    free(s->path);
    free(s);
    return rc;
}
