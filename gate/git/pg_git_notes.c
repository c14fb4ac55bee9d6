/*
 * Notes as sets of lines, and sharing a notes ref with a remote (pg_git.h).
 *
 * Every update of a ref here is a compare-and-swap: read the tip, build the
 * new commit on it, move the ref only if it still points at that tip, and
 * start over when another process got there first. That one rule makes
 * local writers, fetches and pushes safe to run concurrently. Merges never
 * conflict because a note is a set of lines: the union of two versions is
 * their lines, sorted, without duplicates.
 */
#include "pg_git_private.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pg_alloc.h"

/* Local compare-and-swap retries: only other processes on this machine
 * compete, and each holds the ref for milliseconds. */
#define LOCAL_ATTEMPTS   50
#define LOCAL_BACKOFF_MS 5

#define DEFAULT_ATTEMPTS   10
#define DEFAULT_BACKOFF_MS 100

static int check_ref(const char *ref, pg_error *err)
{
    int valid = 0;
    if (!ref || strncmp(ref, "refs/", 5) != 0 || git_reference_name_is_valid(&valid, ref) < 0 ||
        !valid)
        return pg_error_set(err,
                            "'%s' is not a valid notes ref: use a full name such as "
                            "refs/notes/perfgate",
                            ref ? ref : "(null)");
    return 0;
}

/* Notes commits are authored as the user when git knows who that is, else
 * as perfgate (CI runners rarely configure user.name). */
static int signature(git_repository *repo, git_signature **out, pg_error *err)
{
    if (git_signature_default(out, repo) == 0)
        return 0;
    if (git_signature_now(out, "perfgate", "perfgate@localhost") == 0)
        return 0;
    return pg_git_lg2_error(err, "cannot create a signature for the notes commit");
}

/* The commit `ref` points to; *exists = 0 (and *tip zero) when there is no such ref. */
static int ref_tip(git_repository *repo, const char *ref, git_oid *tip, int *exists, pg_error *err)
{
    *exists = 0;
    int rc = git_reference_name_to_id(tip, repo, ref);
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        memset(tip, 0, sizeof *tip);
        return 0;
    }
    if (rc < 0)
        return pg_git_lg2_error(err, "cannot read %s", ref);
    *exists = 1;
    return 0;
}

/* Points `ref` at `to` if it still points at `from` (zero: if it does not
 * exist). Returns 0, 1 when the ref moved or was locked meanwhile (a lost
 * race: start over), or -1. Creation too goes through create_matching with
 * the zero id, which libgit2 checks under the ref's lock: create without
 * force checks for an existing ref before it takes the lock, so two
 * processes creating the ref at once both succeed and the second write
 * silently replaces the first (a lost note line, seen in CI). */
static int ref_cas(git_repository *repo, const char *ref, const git_oid *to, const git_oid *from,
                   const char *why, pg_error *err)
{
    git_reference *out = NULL;
    int rc = git_reference_create_matching(&out, repo, ref, to, 1, from, why);
    git_reference_free(out);
    if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED) {
        git_error_clear();
        return 1;
    }
    if (rc < 0)
        return pg_git_lg2_error(err, "cannot update %s", ref);
    return 0;
}

typedef struct span {
    const char *p;
    size_t n;
} span;

/* The non-empty lines of text (without their '\n'). */
static size_t split_lines(const char *text, size_t len, span **out)
{
    size_t n = 0, cap = 0;
    span *v = NULL;
    const char *end = text + len;
    for (const char *p = text; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (e > p) {
            v = pg_xgrow(v, &cap, n + 1, sizeof *v);
            v[n++] = (span){p, (size_t)(e - p)};
        }
        p = nl ? nl + 1 : end;
    }
    *out = v;
    return n;
}

static int span_cmp(const void *a, const void *b)
{
    const span *x = a, *y = b;
    int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static int has_line(const char *text, size_t len, const char *line, size_t n)
{
    span *v;
    size_t count = split_lines(text, len, &v);
    int found = 0;
    for (size_t i = 0; i < count && !found; i++)
        found = v[i].n == n && memcmp(v[i].p, line, n) == 0;
    free(v);
    return found;
}

/* The union of the lines of a and b, sorted, each once. */
static void union_lines(const char *a, size_t alen, const char *b, size_t blen, pg_buf *out)
{
    span *va, *vb;
    size_t na = split_lines(a, alen, &va), nb = split_lines(b, blen, &vb);
    span *all = pg_xmalloc((na + nb) * sizeof *all);
    memcpy(all, va, na * sizeof *all);
    memcpy(all + na, vb, nb * sizeof *all);
    qsort(all, na + nb, sizeof *all, span_cmp);
    for (size_t i = 0; i < na + nb; i++) {
        if (i > 0 && span_cmp(&all[i - 1], &all[i]) == 0)
            continue;
        pg_buf_append(out, all[i].p, all[i].n);
        pg_buf_putc(out, '\n');
    }
    free(all);
    free(va);
    free(vb);
}

static int append_blob(git_repository *repo, const git_oid *id, pg_buf *out, pg_error *err)
{
    git_blob *blob;
    if (git_blob_lookup(&blob, repo, id) < 0)
        return pg_git_lg2_error(err, "cannot read note blob");
    pg_buf_append(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    return 0;
}

/* The note on `target` in notes commit `notes` (NULL: none), appended to
 * out. Returns 1 if there is one, 0 if not, -1 on error. */
static int read_note_in(git_repository *repo, git_commit *notes, const git_oid *target, pg_buf *out,
                        pg_error *err)
{
    if (!notes)
        return 0;
    git_note *note;
    int rc = git_note_commit_read(&note, repo, notes, target);
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        return 0;
    }
    if (rc < 0)
        return pg_git_lg2_error(err, "cannot read a note");
    rc = append_blob(repo, git_note_id(note), out, err);
    git_note_free(note);
    return rc < 0 ? -1 : 1;
}

int pg_git_note_read(pg_git *g, const char *notes_ref, const char *sha, pg_buf *text, pg_error *err)
{
    git_oid target, tip;
    int exists;
    if (check_ref(notes_ref, err) < 0 || pg_git_parse_sha(sha, "commit", &target, err) < 0 ||
        ref_tip(g->repo, notes_ref, &tip, &exists, err) < 0)
        return -1;
    if (!exists)
        return 0;
    git_commit *notes;
    if (git_commit_lookup(&notes, g->repo, &tip) < 0)
        return pg_git_lg2_error(err, "%s does not point to a commit", notes_ref);
    int rc = read_note_in(g->repo, notes, &target, text, err);
    git_commit_free(notes);
    if (rc < 0)
        pg_error_prefix(err, "note of commit %.12s in %s: ", sha, notes_ref);
    return rc;
}

int pg_git_note_add_line(pg_git *g, const char *notes_ref, const char *sha, const char *line,
                         size_t len, int *added, pg_error *err)
{
    git_oid target;
    if (check_ref(notes_ref, err) < 0 || pg_git_parse_sha(sha, "commit", &target, err) < 0)
        return -1;
    if (len == 0 || memchr(line, '\n', len) || memchr(line, '\0', len))
        return pg_error_set(err, "a note line must be non-empty and hold no newline or NUL byte");
    git_signature *sig;
    if (signature(g->repo, &sig, err) < 0)
        return -1;
    pg_buf text = {0};
    int ret = -1;
    for (int attempt = 1;; attempt++) {
        git_oid tip, commit, blob;
        int exists;
        git_commit *parent = NULL;
        pg_buf_truncate(&text, 0);
        if (ref_tip(g->repo, notes_ref, &tip, &exists, err) < 0)
            break;
        if (exists && git_commit_lookup(&parent, g->repo, &tip) < 0) {
            pg_git_lg2_error(err, "%s does not point to a commit", notes_ref);
            break;
        }
        if (read_note_in(g->repo, parent, &target, &text, err) < 0) {
            git_commit_free(parent);
            break;
        }
        if (has_line(text.data, text.len, line, len)) {
            git_commit_free(parent);
            if (added)
                *added = 0;
            ret = 0;
            break;
        }
        if (text.len && text.data[text.len - 1] != '\n')
            pg_buf_putc(&text, '\n');
        pg_buf_append(&text, line, len);
        pg_buf_putc(&text, '\n');
        int rc = git_note_commit_create(&commit, &blob, g->repo, parent, sig, sig, &target,
                                        pg_buf_str(&text), 1);
        git_commit_free(parent);
        if (rc < 0) {
            pg_git_lg2_error(err, "cannot write the note of commit %.12s in %s", sha, notes_ref);
            break;
        }
        rc = ref_cas(g->repo, notes_ref, &commit, &tip, "perfgate: add a note line", err);
        if (rc < 0)
            break;
        if (rc == 0) {
            if (added)
                *added = 1;
            ret = 0;
            break;
        }
        if (attempt == LOCAL_ATTEMPTS) {
            pg_error_set(err,
                         "%s kept changing while perfgate wrote to it (%d attempts): other "
                         "processes are writing notes; try again when they are done",
                         notes_ref, attempt);
            break;
        }
        pg_git_sleep_ms(pg_git_backoff_ms(LOCAL_BACKOFF_MS, attempt));
    }
    pg_buf_free(&text);
    git_signature_free(sig);
    return ret;
}

typedef struct note_entry {
    git_oid target, blob;
} note_entry;

static int entry_cmp(const void *a, const void *b)
{
    return git_oid_cmp(&((const note_entry *)a)->target, &((const note_entry *)b)->target);
}

/* All notes of a notes commit, sorted by annotated object. */
static int load_notes(git_repository *repo, const git_oid *tip, note_entry **out, size_t *count,
                      pg_error *err)
{
    *out = NULL;
    *count = 0;
    git_commit *c;
    if (git_commit_lookup(&c, repo, tip) < 0)
        return pg_git_lg2_error(err, "cannot read notes commit");
    git_note_iterator *it = NULL;
    int rc = git_note_commit_iterator_new(&it, c);
    size_t n = 0, cap = 0;
    note_entry *v = NULL;
    while (rc == 0) {
        note_entry e;
        rc = git_note_next(&e.blob, &e.target, it);
        if (rc == 0) {
            v = pg_xgrow(v, &cap, n + 1, sizeof *v);
            v[n++] = e;
        }
    }
    git_note_iterator_free(it);
    git_commit_free(c);
    if (rc != GIT_ITEROVER && rc != GIT_ENOTFOUND) {
        free(v);
        return pg_git_lg2_error(err, "cannot list notes");
    }
    git_error_clear();
    qsort(v, n, sizeof *v, entry_cmp);
    *out = v;
    *count = n;
    return 0;
}

int pg_git_notes_foreach(pg_git *g, const char *notes_ref, int (*fn)(const char *sha, void *arg),
                         void *arg, pg_error *err)
{
    git_oid tip;
    int exists;
    if (check_ref(notes_ref, err) < 0 || ref_tip(g->repo, notes_ref, &tip, &exists, err) < 0)
        return -1;
    if (!exists)
        return 0;
    note_entry *v;
    size_t n;
    if (load_notes(g->repo, &tip, &v, &n, err) < 0)
        return pg_error_prefix(err, "%s: ", notes_ref);
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++) {
        if (i > 0 && git_oid_equal(&v[i - 1].target, &v[i].target))
            continue;
        char hex[PG_GIT_HEX_SIZE];
        git_oid_tostr(hex, sizeof hex, &v[i].target);
        ret = fn(hex, arg);
    }
    free(v);
    return ret;
}

/* A note whose two versions differ: the union of their lines, as a new blob. */
static int union_blob(git_repository *repo, const git_oid *a, const git_oid *b, git_oid *out,
                      pg_error *err)
{
    pg_buf ta = {0}, tb = {0}, merged = {0};
    int rc = -1;
    if (append_blob(repo, a, &ta, err) == 0 && append_blob(repo, b, &tb, err) == 0) {
        union_lines(ta.data, ta.len, tb.data, tb.len, &merged);
        rc = git_blob_create_from_buffer(out, repo, merged.data, merged.len);
        if (rc < 0)
            pg_git_lg2_error(err, "cannot write a merged note");
    }
    pg_buf_free(&ta);
    pg_buf_free(&tb);
    pg_buf_free(&merged);
    return rc < 0 ? -1 : 0;
}

/* The notes commit holding the union of notes commits `ours` and `theirs`:
 * one of them when it already contains the other, else a new merge commit
 * with both as parents. The merged tree is written flat (one entry per
 * annotated commit, no fan-out directories); git and libgit2 read either. */
static int union_commit(git_repository *repo, const git_oid *ours, const git_oid *theirs,
                        git_oid *out, pg_error *err)
{
    if (git_oid_equal(ours, theirs) || git_graph_descendant_of(repo, ours, theirs) == 1) {
        *out = *ours;
        return 0;
    }
    if (git_graph_descendant_of(repo, theirs, ours) == 1) {
        *out = *theirs;
        return 0;
    }
    git_error_clear();
    note_entry *a = NULL, *b = NULL;
    size_t na = 0, nb = 0, i = 0, j = 0;
    git_treebuilder *tb = NULL;
    git_signature *sig = NULL;
    git_commit *parents[2] = {NULL, NULL};
    git_tree *tree = NULL;
    git_oid tree_id;
    int ret = -1;
    if (load_notes(repo, ours, &a, &na, err) < 0 || load_notes(repo, theirs, &b, &nb, err) < 0)
        goto out;
    if (git_treebuilder_new(&tb, repo, NULL) < 0) {
        pg_git_lg2_error(err, "cannot build the merged notes tree");
        goto out;
    }
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : git_oid_cmp(&a[i].target, &b[j].target);
        const git_oid *target = c <= 0 ? &a[i].target : &b[j].target;
        git_oid blob = c <= 0 ? a[i].blob : b[j].blob;
        if (c == 0 && !git_oid_equal(&a[i].blob, &b[j].blob) &&
            union_blob(repo, &a[i].blob, &b[j].blob, &blob, err) < 0)
            goto out;
        char name[PG_GIT_HEX_SIZE];
        git_oid_tostr(name, sizeof name, target);
        if (git_treebuilder_insert(NULL, tb, name, &blob, GIT_FILEMODE_BLOB) < 0) {
            pg_git_lg2_error(err, "cannot build the merged notes tree");
            goto out;
        }
        i += c <= 0;
        j += c >= 0;
    }
    if (git_treebuilder_write(&tree_id, tb) < 0 || git_tree_lookup(&tree, repo, &tree_id) < 0 ||
        git_commit_lookup(&parents[0], repo, ours) < 0 ||
        git_commit_lookup(&parents[1], repo, theirs) < 0) {
        pg_git_lg2_error(err, "cannot write the merged notes");
        goto out;
    }
    if (signature(repo, &sig, err) < 0)
        goto out;
    if (git_commit_create(out, repo, NULL, sig, sig, NULL,
                          "Notes merged by perfgate (union of lines)\n", tree, 2,
                          (const git_commit **)parents) < 0) {
        pg_git_lg2_error(err, "cannot write the merged notes commit");
        goto out;
    }
    ret = 0;
out:
    git_tree_free(tree);
    git_commit_free(parents[0]);
    git_commit_free(parents[1]);
    git_signature_free(sig);
    git_treebuilder_free(tb);
    free(a);
    free(b);
    return ret;
}

/* Makes local ref `ref` hold the union of itself and `theirs`; the new tip
 * in *tip. */
static int merge_into(git_repository *repo, const char *ref, const git_oid *theirs, git_oid *tip,
                      pg_error *err)
{
    for (int attempt = 1;; attempt++) {
        git_oid ours, merged;
        int exists;
        if (ref_tip(repo, ref, &ours, &exists, err) < 0)
            return -1;
        if (!exists)
            merged = *theirs;
        else if (union_commit(repo, &ours, theirs, &merged, err) < 0)
            return pg_error_prefix(err, "merging into %s: ", ref);
        if (exists && git_oid_equal(&merged, &ours)) {
            *tip = ours;
            return 0;
        }
        int rc = ref_cas(repo, ref, &merged, &ours, "perfgate: merge notes", err);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            *tip = merged;
            return 0;
        }
        if (attempt == LOCAL_ATTEMPTS)
            return pg_error_set(err,
                                "%s kept changing while perfgate merged into it (%d attempts): "
                                "other processes are writing notes; try again when they are done",
                                ref, attempt);
        pg_git_sleep_ms(pg_git_backoff_ms(LOCAL_BACKOFF_MS, attempt));
    }
}

int pg_git_notes_merge(pg_git *g, const char *into, const char *from, pg_error *err)
{
    git_oid theirs, tip;
    int exists;
    if (check_ref(into, err) < 0 || check_ref(from, err) < 0 ||
        ref_tip(g->repo, from, &theirs, &exists, err) < 0)
        return -1;
    if (!exists)
        return pg_error_set(err, "cannot merge %s into %s: there is no %s", from, into, from);
    return merge_into(g->repo, into, &theirs, &tip, err);
}

/*
 * Remotes.
 */

typedef struct remote_ctx {
    git_remote *remote;
    const char *name; /* as the caller gave it */
    char *local_path; /* the remote is a repository on this file system */
    git_strarray headers;
    int cred_calls;
    int rejected;
    pg_buf rejection;
} remote_ctx;

static int credentials_cb(git_credential **out, const char *url, const char *user,
                          unsigned int allowed, void *payload)
{
    remote_ctx *ctx = payload;
    (void)url;
    /* One try: libgit2 asks again after a refusal, which would loop forever. */
    if (ctx->cred_calls++ == 0 && (allowed & GIT_CREDENTIAL_SSH_KEY))
        return git_credential_ssh_key_from_agent(out, user ? user : "git");
    return GIT_PASSTHROUGH;
}

static int push_update_cb(const char *refname, const char *status, void *payload)
{
    remote_ctx *ctx = payload;
    (void)refname;
    if (status) {
        ctx->rejected = 1;
        pg_buf_truncate(&ctx->rejection, 0);
        pg_buf_puts(&ctx->rejection, status);
    }
    return 0;
}

/* git's http.extraheader and http.<url>.extraheader values that apply to
 * `url`, in configuration order; an empty value clears the list (git's
 * rule). actions/checkout stores its token this way, and libgit2 does not
 * read the setting itself. */
static void collect_extraheaders(git_repository *repo, const char *url, git_strarray *out)
{
    git_config *cfg = NULL;
    git_config_iterator *it = NULL;
    /* All entries, filtered here: libgit2 1.5's regex iterator leaks the
     * match data of every entry that does not match. */
    if (git_repository_config_snapshot(&cfg, repo) < 0 || git_config_iterator_new(&it, cfg) < 0) {
        git_config_free(cfg);
        git_error_clear();
        return;
    }
    size_t cap = 0;
    git_config_entry *e;
    while (git_config_next(&e, it) == 0) {
        /* http.extraheader applies everywhere, http.<url>.extraheader where
         * the remote's URL starts with <url>. */
        size_t n = strlen(e->name), scope = n - strlen("http.extraheader");
        if (n < strlen("http.extraheader") || strncmp(e->name, "http.", 5) != 0 ||
            strcmp(e->name + n - 11, "extraheader") != 0 || e->name[n - 12] != '.')
            continue;
        if (scope > 0 && (scope < 2 || strncmp(url, e->name + 5, scope - 1) != 0))
            continue;
        if (!e->value || !*e->value) {
            for (size_t i = 0; i < out->count; i++)
                free(out->strings[i]);
            out->count = 0;
            continue;
        }
        out->strings = pg_xgrow(out->strings, &cap, out->count + 1, sizeof *out->strings);
        out->strings[out->count++] = pg_xstrdup(e->value);
    }
    git_config_iterator_free(it);
    git_config_free(cfg);
    git_error_clear();
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void remote_close(remote_ctx *ctx)
{
    git_remote_free(ctx->remote);
    free(ctx->local_path);
    for (size_t i = 0; i < ctx->headers.count; i++)
        free(ctx->headers.strings[i]);
    free(ctx->headers.strings);
    pg_buf_free(&ctx->rejection);
}

static int remote_open(pg_git *g, const char *name, remote_ctx *ctx, pg_error *err)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->name = name;
    int rc = git_remote_lookup(&ctx->remote, g->repo, name);
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
        git_error_clear();
        rc = git_remote_create_anonymous(&ctx->remote, g->repo, name);
    }
    if (rc < 0)
        return pg_git_lg2_error(err, "'%s' is neither a remote of %s nor a URL", name,
                                g->workdir ? g->workdir : g->gitdir);
    const char *url = git_remote_pushurl(ctx->remote);
    if (!url)
        url = git_remote_url(ctx->remote);
    if (!url) {
        remote_close(ctx);
        return pg_error_set(err, "remote '%s' has no URL: set one with git remote set-url", name);
    }
    /* The same rule libgit2 uses to pick its local transport. */
    if (strncmp(url, "file://", 7) == 0)
        ctx->local_path = pg_xstrdup(url + 7);
    else if (!strstr(url, "://") && is_dir(url))
        ctx->local_path = pg_xstrdup(url);
    collect_extraheaders(g->repo, url, &ctx->headers);
    return 0;
}

/* What every fetch and push passes to libgit2: our callbacks, the
 * configured extra headers, and a fresh count of credential attempts. */
static void remote_options(remote_ctx *ctx, git_remote_callbacks *cb, git_strarray *headers)
{
    cb->credentials = credentials_cb;
    cb->push_update_reference = push_update_cb;
    cb->payload = ctx;
    *headers = ctx->headers;
    ctx->cred_calls = 0;
}

/* "while talking to 'origin'" errors, with a hint for the usual causes. */
static int remote_error(remote_ctx *ctx, int rc, const char *what, const char *ref, pg_error *err)
{
    const char *hint = "";
    if (rc == GIT_EAUTH)
        hint = "; check the credentials (in GitHub Actions: keep persist-credentials in "
               "actions/checkout and grant the job contents: write)";
    else if (!ctx->local_path && !strchr(ctx->name, ':') && !strchr(ctx->name, '/'))
        hint = " (git remote -v lists the configured remotes)";
    return pg_error_set(err, "cannot %s %s %s '%s': %s%s", what, ref,
                        strcmp(what, "push") == 0 ? "to" : "from", ctx->name, pg_git_lg2_message(),
                        hint);
}

/* Fetches the remote's `ref`; *theirs is its commit, *found = 0 if the
 * remote has no such ref. The fetch writes into a private temporary ref,
 * deleted right after: given the notes ref itself (or no destination),
 * libgit2 fast-forwards the local notes ref with a check-then-set that can
 * overwrite a line another process appended in between. Only perfgate's
 * compare-and-swap merges move the notes ref. */
static int fetch_notes(remote_ctx *ctx, git_repository *repo, const char *ref, git_oid *theirs,
                       int *found, pg_error *err)
{
    static unsigned serial;
    char *tmpref = pg_xasprintf("refs/perfgate-fetch/%ld-%u", (long)getpid(), serial++);
    char *spec = pg_xasprintf("+%s:%s", ref, tmpref);
    git_strarray specs = {&spec, 1};
    git_fetch_options fo;
    git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
    remote_options(ctx, &fo.callbacks, &fo.custom_headers);
    fo.update_fetchhead = 0;
    fo.prune = GIT_FETCH_NO_PRUNE;
    fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    int rc = git_remote_fetch(ctx->remote, &specs, &fo, NULL);
    free(spec);
    git_reference *tmp = NULL;
    if (git_reference_lookup(&tmp, repo, tmpref) == 0) {
        git_reference_delete(tmp);
        git_reference_free(tmp);
    }
    git_error_clear();
    free(tmpref);
    if (rc < 0)
        return remote_error(ctx, rc, "fetch", ref, err);
    const git_remote_head **heads;
    size_t n;
    if (git_remote_ls(&heads, &n, ctx->remote) < 0)
        return remote_error(ctx, -1, "list the refs of", "", err);
    *found = 0;
    for (size_t i = 0; i < n && !*found; i++) {
        if (strcmp(heads[i]->name, ref) == 0) {
            *theirs = heads[i]->oid;
            *found = 1;
        }
    }
    if (*found) {
        git_odb *odb = NULL;
        int have = git_repository_odb(&odb, repo) == 0 && git_odb_exists(odb, theirs) == 1;
        git_odb_free(odb);
        if (!have)
            return pg_error_set(err, "fetching %s from '%s' did not bring its commit", ref,
                                ctx->name);
    }
    return 0;
}

/* Pushes to a repository on this file system: copy the new objects into
 * its object store, then move its ref by compare-and-swap. libgit2's own
 * local transport overwrites the ref unconditionally, which loses the
 * update of a pusher that raced us. Returns 0, 1 on a lost race, -1. */
static int push_local(git_repository *repo, remote_ctx *ctx, const char *ref, const git_oid *ours,
                      const git_oid *theirs, pg_error *err)
{
    git_repository *remote = NULL;
    git_packbuilder *pb = NULL;
    git_revwalk *walk = NULL;
    git_buf objects = {0};
    char *packdir = NULL;
    int ret = -1;
    if (git_repository_open_ext(&remote, ctx->local_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) <
            0 ||
        git_repository_item_path(&objects, remote, GIT_REPOSITORY_ITEM_OBJECTS) < 0) {
        remote_error(ctx, -1, "push", ref, err);
        goto out;
    }
    packdir = pg_xasprintf("%spack", objects.ptr);
    if (git_packbuilder_new(&pb, repo) < 0 || git_revwalk_new(&walk, repo) < 0 ||
        git_revwalk_push(walk, ours) < 0 ||
        (!git_oid_is_zero(theirs) && git_revwalk_hide(walk, theirs) < 0) ||
        git_packbuilder_insert_walk(pb, walk) < 0 ||
        (git_packbuilder_object_count(pb) > 0 &&
         git_packbuilder_write(pb, packdir, 0, NULL, NULL) < 0)) {
        remote_error(ctx, -1, "push", ref, err);
        goto out;
    }
    ret = ref_cas(remote, ref, ours, theirs, "perfgate: push notes", err);
    if (ret == 1) {
        pg_buf_truncate(&ctx->rejection, 0);
        pg_buf_puts(&ctx->rejection, "the remote ref moved while pushing");
    } else if (ret < 0) {
        pg_error_prefix(err, "cannot push to '%s': ", ctx->name);
    }
out:
    git_revwalk_free(walk);
    git_packbuilder_free(pb);
    git_buf_dispose(&objects);
    free(packdir);
    git_repository_free(remote);
    return ret;
}

/* Returns 0 when pushed, 1 when the push lost a race, -1 on error. */
static int push_notes(git_repository *repo, remote_ctx *ctx, const char *ref, const git_oid *ours,
                      const git_oid *theirs, pg_error *err)
{
    if (ctx->local_path)
        return push_local(repo, ctx, ref, ours, theirs, err);
    char *spec = pg_xasprintf("%s:%s", ref, ref);
    git_strarray specs = {&spec, 1};
    git_push_options po;
    git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
    remote_options(ctx, &po.callbacks, &po.custom_headers);
    ctx->rejected = 0;
    int rc = git_remote_push(ctx->remote, &specs, &po);
    free(spec);
    if (rc == GIT_ENONFASTFORWARD) {
        git_error_clear();
        pg_buf_truncate(&ctx->rejection, 0);
        pg_buf_puts(&ctx->rejection, "non-fast-forward");
        return 1;
    }
    if (rc < 0)
        return remote_error(ctx, rc, "push", ref, err);
    return ctx->rejected;
}

static int sync_notes(pg_git *g, const char *remote, const char *ref, int push,
                      const pg_git_sync_opts *opts, pg_git_sync_result *result, pg_error *err)
{
    pg_git_sync_result res = {0};
    remote_ctx ctx;
    if (check_ref(ref, err) < 0 || remote_open(g, remote, &ctx, err) < 0)
        return -1;
    int max = opts && opts->max_attempts > 0 ? opts->max_attempts : DEFAULT_ATTEMPTS;
    unsigned base = opts && opts->backoff_ms > 0 ? (unsigned)opts->backoff_ms : DEFAULT_BACKOFF_MS;
    int ret = -1;
    for (int attempt = 1;; attempt++) {
        git_oid theirs = {{0}}, ours = {{0}};
        int found = 0, exists = 0;
        res.attempts = attempt;
        if (fetch_notes(&ctx, g->repo, ref, &theirs, &found, err) < 0)
            break;
        if (found) {
            if (merge_into(g->repo, ref, &theirs, &ours, err) < 0)
                break;
            exists = 1;
        } else if (ref_tip(g->repo, ref, &ours, &exists, err) < 0) {
            break;
        }
        if (exists)
            git_oid_tostr(res.tip, sizeof res.tip, &ours);
        if (!push || !exists || (found && git_oid_equal(&ours, &theirs))) {
            ret = 0;
            break;
        }
        int rc = push_notes(g->repo, &ctx, ref, &ours, &theirs, err);
        if (rc < 0)
            break;
        if (rc == 0) {
            /* Read the write back: the push counts only once the remote's
             * tip contains what we pushed. A server that took a racing
             * update over ours would otherwise lose results silently. */
            git_oid now = {{0}};
            int there = 0;
            if (fetch_notes(&ctx, g->repo, ref, &now, &there, err) < 0)
                break;
            if (there && (git_oid_equal(&now, &ours) ||
                          git_graph_descendant_of(g->repo, &now, &ours) == 1)) {
                res.pushed = 1;
                ret = 0;
                break;
            }
            pg_buf_truncate(&ctx.rejection, 0);
            pg_buf_puts(&ctx.rejection, "the pushed notes were not on the remote afterwards");
        }
        if (attempt >= max) {
            pg_error_set(err,
                         "cannot push %s to '%s': %d attempts each lost the race with another "
                         "pusher (last: %s); try again later",
                         ref, remote, attempt, pg_buf_str(&ctx.rejection));
            break;
        }
        pg_git_sleep_ms(pg_git_backoff_ms(base, attempt));
    }
    remote_close(&ctx);
    if (result)
        *result = res;
    return ret;
}

int pg_git_notes_fetch(pg_git *g, const char *remote, const char *notes_ref,
                       pg_git_sync_result *result, pg_error *err)
{
    return sync_notes(g, remote, notes_ref, 0, NULL, result, err);
}

int pg_git_notes_push(pg_git *g, const char *remote, const char *notes_ref,
                      const pg_git_sync_opts *opts, pg_git_sync_result *result, pg_error *err)
{
    return sync_notes(g, remote, notes_ref, 1, opts, result, err);
}
