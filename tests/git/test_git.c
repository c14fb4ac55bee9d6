/*
 * Tests of gate/git on real repositories built with the git CLI: revision
 * resolution (branches, remote-tracking branches, tags, SHAs, HEAD~N), merge
 * bases, HEAD and dirty work trees, snapshots of an older commit (file
 * contents, modes, symlinks, a Go module in a subdirectory that go builds),
 * and first-parent history walks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "git_fixture.h"
#include "pg_alloc.h"
#include "pg_git.h"

typedef struct fixture {
    char *top, *repo;
    /* main: c1 - c2 - c4 - m5 (merges topic t1, branched at c2);
     * feature: c2 - c3. Tags v1 (annotated) and light on c1. */
    char *c1, *c2, *c3, *c4, *t1, *m5;
} fixture;

static char *rev(const char *repo, const char *r)
{
    return fx_out("git -C %s rev-parse %s", repo, r);
}

static int setup(void **state)
{
    fixture *f = pg_xcalloc(1, sizeof *f);
    f->top = fx_mkdtemp();
    f->repo = pg_xasprintf("%s/repo", f->top);
    const char *r = f->repo;
    fx_run("git init -q %s", r);
    fx_run("cd %s && printf one > a.txt && printf '#!/bin/sh\\necho hi\\n' > tool.sh && "
           "chmod +x tool.sh && ln -s a.txt link && mkdir sub && "
           "printf 'module example.com/sub\\n\\ngo 1.22\\n' > sub/go.mod && "
           "printf 'package main\\n\\nfunc main() {}\\n' > sub/main.go && "
           "printf '*.log\\n' > .gitignore && git add -A && git commit -qm 'first commit' && "
           "git tag -a v1 -m 'release 1' && git tag light",
           r);
    f->c1 = rev(r, "HEAD");
    fx_run("cd %s && printf two > a.txt && git rm -q tool.sh && printf b > b.txt && "
           "git add -A && git commit -qm second",
           r);
    f->c2 = rev(r, "HEAD");
    fx_run("cd %s && git checkout -qb feature && printf f > f.txt && git add f.txt && "
           "git commit -qm 'feature work' && git checkout -q main",
           r);
    f->c3 = rev(r, "feature");
    fx_run("cd %s && git checkout -qb topic && printf t > t.txt && git add t.txt && "
           "git commit -qm 'topic work' && git checkout -q main",
           r);
    f->t1 = rev(r, "topic");
    fx_run("cd %s && printf four > a.txt && git commit -qam fourth", r);
    f->c4 = rev(r, "HEAD");
    fx_run("cd %s && git merge -q --no-ff -m 'merge topic' topic", r);
    f->m5 = rev(r, "HEAD");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    fx_rm_rf(f->top);
    free(f->top);
    free(f->repo);
    free(f->c1);
    free(f->c2);
    free(f->c3);
    free(f->c4);
    free(f->t1);
    free(f->m5);
    free(f);
    return 0;
}

static void check_resolve(pg_git *g, const char *r, const char *want)
{
    char sha[PG_GIT_HEX_SIZE];
    pg_error err = {{0}};
    if (pg_git_resolve(g, r, sha, &err) < 0)
        fail_msg("resolve %s: %s", r, err.msg);
    assert_string_equal(sha, want);
}

static void check_resolve_error(pg_git *g, const char *r, const char *want1, const char *want2)
{
    char sha[PG_GIT_HEX_SIZE];
    pg_error err = {{0}};
    assert_int_equal(pg_git_resolve(g, r, sha, &err), -1);
    if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2)))
        fail_msg("resolve %s: unexpected error: %s", r, err.msg);
}

static void test_resolve(void **state)
{
    fixture *f = *state;
    pg_git *g = fx_open(f->repo);
    check_resolve(g, "main", f->m5);
    check_resolve(g, "HEAD", f->m5);
    check_resolve(g, "feature", f->c3);
    check_resolve(g, "refs/heads/feature", f->c3);
    check_resolve(g, "v1", f->c1); /* annotated tag, peeled */
    check_resolve(g, "light", f->c1);
    check_resolve(g, f->c2, f->c2);
    char abbrev[9];
    snprintf(abbrev, sizeof abbrev, "%.8s", f->c2);
    check_resolve(g, abbrev, f->c2);
    check_resolve(g, "HEAD~1", f->c4);
    check_resolve(g, "main~2", f->c2);
    check_resolve(g, "HEAD^2", f->t1);
    check_resolve_error(g, "nosuch", "cannot resolve 'nosuch'", "no branch, tag or commit");
    check_resolve_error(g, "v1^{tree}", "names a tree, not a commit", NULL);
    check_resolve_error(g, "main..feature", "is not a valid revision", NULL);
    pg_git_free(g);

    /* Running from a subdirectory finds the repository, as git does. */
    char *sub = pg_xasprintf("%s/sub", f->repo);
    g = fx_open(sub);
    check_resolve(g, "HEAD", f->m5);
    char *wd = pg_xasprintf("%s/", f->repo);
    assert_string_equal(pg_git_workdir(g), wd);
    pg_git_free(g);
    free(wd);
    free(sub);
}

static void test_remote_tracking(void **state)
{
    fixture *f = *state;
    char *clone = pg_xasprintf("%s/clone-rt", f->top);
    fx_run("git clone -q %s %s", f->repo, clone);
    pg_git *g = fx_open(clone);
    check_resolve(g, "origin/feature", f->c3);
    check_resolve(g, "refs/remotes/origin/main", f->m5);
    /* The branch exists only as origin/feature: the error says so. */
    check_resolve_error(g, "feature", "cannot resolve 'feature'", "did you mean 'origin/feature'?");
    char sha[PG_GIT_HEX_SIZE];
    pg_error err = {{0}};
    assert_int_equal(pg_git_merge_base(g, "HEAD", "origin/feature", sha, &err), 0);
    assert_string_equal(sha, f->c2);
    pg_git_free(g);
    fx_rm_rf(clone);
    free(clone);
}

static void test_merge_base(void **state)
{
    fixture *f = *state;
    char *clone = pg_xasprintf("%s/clone-mb", f->top);
    fx_run("git clone -q %s %s", f->repo, clone);
    fx_run("cd %s && git checkout -q --orphan lonely && git commit -qm alone && "
           "git checkout -q main",
           clone);
    pg_git *g = fx_open(clone);
    char sha[PG_GIT_HEX_SIZE];
    pg_error err = {{0}};
    assert_int_equal(pg_git_merge_base(g, "main", "origin/feature", sha, &err), 0);
    assert_string_equal(sha, f->c2);
    /* topic is merged into main: the merge base is topic itself. */
    assert_int_equal(pg_git_merge_base(g, "HEAD", "origin/topic", sha, &err), 0);
    assert_string_equal(sha, f->t1);
    assert_int_equal(pg_git_merge_base(g, "main", "lonely", sha, &err), -1);
    assert_non_null(strstr(err.msg, "'main' and 'lonely' have no common ancestor"));
    assert_int_equal(pg_git_merge_base(g, "main", "nosuch", sha, &err), -1);
    assert_non_null(strstr(err.msg, "cannot resolve 'nosuch'"));
    pg_git_free(g);
    fx_rm_rf(clone);
    free(clone);
}

static void check_head(pg_git *g, const char *sha, const char *ref, const char *example)
{
    pg_git_head h;
    pg_error err = {{0}};
    if (pg_git_head_read(g, &h, &err) < 0)
        fail_msg("pg_git_head_read: %s", err.msg);
    assert_string_equal(h.sha, sha);
    if (ref)
        assert_string_equal(h.ref, ref);
    else
        assert_null(h.ref);
    if (example) {
        assert_int_equal(h.dirty, 1);
        assert_int_equal(h.dirty_paths, 1);
        assert_string_equal(h.dirty_example, example);
    } else {
        assert_int_equal(h.dirty, 0);
        assert_int_equal(h.dirty_paths, 0);
        assert_null(h.dirty_example);
    }
    pg_git_head_clear(&h);
}

static void test_head_and_dirty(void **state)
{
    fixture *f = *state;
    char *clone = pg_xasprintf("%s/clone-dirty", f->top);
    fx_run("git clone -q %s %s", f->repo, clone);
    pg_git *g = fx_open(clone);
    check_head(g, f->m5, "refs/heads/main", NULL);

    fx_run("printf changed > %s/a.txt", clone);
    check_head(g, f->m5, "refs/heads/main", "modified: a.txt");
    fx_run("git -C %s checkout -q -- a.txt", clone);
    check_head(g, f->m5, "refs/heads/main", NULL);

    fx_run("printf 'package main\\n' > %s/sub/extra.go", clone);
    check_head(g, f->m5, "refs/heads/main", "untracked: sub/extra.go");
    fx_run("rm %s/sub/extra.go", clone);

    fx_run("printf x > %s/b.txt && git -C %s add b.txt", clone, clone);
    check_head(g, f->m5, "refs/heads/main", "modified: b.txt");
    fx_run("git -C %s reset -q --hard", clone);

    fx_run("git -C %s rm -q b.txt", clone);
    check_head(g, f->m5, "refs/heads/main", "deleted: b.txt");
    fx_run("git -C %s reset -q --hard", clone);

    /* Ignored files and perfgate's own directory do not make it dirty. */
    fx_run("cd %s && printf x > build.log && mkdir -p .perfgate/results sub/.perfgate && "
           "printf '{}\\n' > .perfgate/results/x.jsonl && printf x > sub/.perfgate/y",
           clone);
    check_head(g, f->m5, "refs/heads/main", NULL);
    /* ... but a file merely named like it does. */
    fx_run("printf x > %s/.perfgate.yml", clone);
    check_head(g, f->m5, "refs/heads/main", "untracked: .perfgate.yml");
    fx_run("rm %s/.perfgate.yml", clone);

    fx_run("git -C %s checkout -q --detach HEAD~1", clone);
    check_head(g, f->c4, NULL, NULL);
    pg_git_free(g);

    char *empty = pg_xasprintf("%s/empty", f->top);
    fx_run("git init -q %s", empty);
    g = fx_open(empty);
    pg_git_head h;
    pg_error err = {{0}};
    assert_int_equal(pg_git_head_read(g, &h, &err), -1);
    assert_non_null(strstr(err.msg, "has no commits yet"));
    check_resolve_error(g, "HEAD", "has no commits yet", NULL);
    pg_git_free(g);
    fx_rm_rf(empty);
    free(empty);
    fx_rm_rf(clone);
    free(clone);
}

static int is_exec(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void check_file(const char *dir, const char *name, const char *want)
{
    char *path = pg_xasprintf("%s/%s", dir, name);
    char *got = fx_read(path);
    if (!got)
        fail_msg("%s is missing", path);
    assert_string_equal(got, want);
    free(got);
    free(path);
}

static void test_snapshot(void **state)
{
    fixture *f = *state;
    fx_run("cp %s/.git/index %s/index.before", f->repo, f->top);
    pg_git *g = fx_open(f->repo);
    pg_error err = {{0}};
    pg_git_snapshot *s = pg_git_snapshot_create(g, "v1", f->top, &err);
    if (!s)
        fail_msg("snapshot: %s", err.msg);
    const char *dir = pg_git_snapshot_path(s);
    assert_string_equal(pg_git_snapshot_commit(s), f->c1);
    assert_int_equal(strncmp(dir, f->top, strlen(f->top)), 0);
    assert_non_null(strstr(dir, "/perfgate-"));

    /* The files of the older commit, not of HEAD. */
    check_file(dir, "a.txt", "one");
    check_file(dir, "tool.sh", "#!/bin/sh\necho hi\n");
    check_file(dir, "sub/go.mod", "module example.com/sub\n\ngo 1.22\n");
    check_file(dir, ".gitignore", "*.log\n");
    char *tool = pg_xasprintf("%s/tool.sh", dir);
    assert_true(is_exec(tool));
    char *link = pg_xasprintf("%s/link", dir), target[64] = {0};
    assert_int_equal(readlink(link, target, sizeof target - 1), 5);
    assert_string_equal(target, "a.txt");
    char *b = pg_xasprintf("%s/b.txt", dir), *ft = pg_xasprintf("%s/f.txt", dir);
    assert_false(exists(b));
    assert_false(exists(ft));
    char *dotgit = pg_xasprintf("%s/.git", dir);
    assert_false(exists(dotgit));

    /* The Go module in the subdirectory builds from the snapshot. */
    fx_run("cd %s/sub && go build -o %s/sub.bin . && test -x %s/sub.bin", dir, f->top, f->top);

    /* The repository is untouched: index bytes, work tree, status. */
    fx_run("cmp %s/.git/index %s/index.before", f->repo, f->top);
    check_file(f->repo, "a.txt", "four");
    char *status = fx_out("git -C %s status --porcelain", f->repo);
    assert_string_equal(status, "");

    /* Cleanup removes what a build left, read-only directories included. */
    fx_run("mkdir -p %s/ro/deep && printf x > %s/ro/deep/f && chmod 555 %s/ro/deep %s/ro", dir, dir,
           dir, dir);
    char *saved = pg_xstrdup(dir);
    assert_int_equal(pg_git_snapshot_free(s, &err), 0);
    assert_false(exists(saved));

    /* Default parent directory: $TMPDIR. */
    setenv("TMPDIR", f->top, 1);
    s = pg_git_snapshot_create(g, f->c3, NULL, &err);
    if (!s)
        fail_msg("snapshot: %s", err.msg);
    assert_int_equal(strncmp(pg_git_snapshot_path(s), f->top, strlen(f->top)), 0);
    check_file(pg_git_snapshot_path(s), "f.txt", "f");
    check_file(pg_git_snapshot_path(s), "a.txt", "two");
    assert_int_equal(pg_git_snapshot_free(s, &err), 0);
    unsetenv("TMPDIR");

    assert_null(pg_git_snapshot_create(g, "nosuch", f->top, &err));
    assert_non_null(strstr(err.msg, "cannot resolve 'nosuch'"));
    char *missing = pg_xasprintf("%s/no/such/dir", f->top);
    assert_null(pg_git_snapshot_create(g, "HEAD", missing, &err));
    assert_non_null(strstr(err.msg, "cannot create a temporary directory in"));
    assert_non_null(strstr(err.msg, "TMPDIR"));

    pg_git_free(g);
    free(missing);
    free(saved);
    free(status);
    free(dotgit);
    free(b);
    free(ft);
    free(link);
    free(tool);
}

static void test_snapshot_bare(void **state)
{
    fixture *f = *state;
    char *bare = pg_xasprintf("%s/bare-snap.git", f->top);
    fx_run("git clone -q --bare %s %s", f->repo, bare);
    pg_git *g = fx_open(bare);
    assert_null(pg_git_workdir(g));
    pg_git_head h;
    pg_error err = {{0}};
    assert_int_equal(pg_git_head_read(g, &h, &err), 0);
    assert_string_equal(h.sha, f->m5);
    assert_int_equal(h.dirty, 0);
    pg_git_head_clear(&h);
    pg_git_snapshot *s = pg_git_snapshot_create(g, "feature", f->top, &err);
    if (!s)
        fail_msg("snapshot: %s", err.msg);
    check_file(pg_git_snapshot_path(s), "f.txt", "f");
    check_file(pg_git_snapshot_path(s), "b.txt", "b");
    assert_int_equal(pg_git_snapshot_free(s, &err), 0);
    pg_git_free(g);
    fx_rm_rf(bare);
    free(bare);
}

typedef struct walked {
    size_t n;
    char sha[8][PG_GIT_HEX_SIZE];
    char summary[8][64];
    int stop_at;
} walked;

static int collect(const pg_git_commit *c, void *arg)
{
    walked *w = arg;
    assert_true(w->n < 8);
    snprintf(w->sha[w->n], PG_GIT_HEX_SIZE, "%s", c->sha);
    snprintf(w->summary[w->n], 64, "%s", c->summary);
    assert_string_equal(c->author, "Perf Gate");
    assert_true(c->time > 1600000000);
    w->n++;
    return w->stop_at && (int)w->n == w->stop_at ? 7 : 0;
}

static void test_walk(void **state)
{
    fixture *f = *state;
    pg_git *g = fx_open(f->repo);
    pg_error err = {{0}};
    walked w = {0};
    assert_int_equal(pg_git_walk(g, "main", 0, collect, &w, &err), 0);
    assert_int_equal(w.n, 4); /* first parent only: t1 is not on it */
    assert_string_equal(w.sha[0], f->m5);
    assert_string_equal(w.sha[1], f->c4);
    assert_string_equal(w.sha[2], f->c2);
    assert_string_equal(w.sha[3], f->c1);
    assert_string_equal(w.summary[0], "merge topic");
    assert_string_equal(w.summary[3], "first commit");

    memset(&w, 0, sizeof w);
    assert_int_equal(pg_git_walk(g, "feature", 2, collect, &w, &err), 0);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.sha[0], f->c3);
    assert_string_equal(w.sha[1], f->c2);

    memset(&w, 0, sizeof w);
    w.stop_at = 3;
    assert_int_equal(pg_git_walk(g, "main", 0, collect, &w, &err), 7);
    assert_int_equal(w.n, 3);
    assert_int_equal(pg_git_walk(g, "nosuch", 0, collect, &w, &err), -1);
    pg_git_free(g);
}

static void test_open_errors(void **state)
{
    fixture *f = *state;
    char *plain = pg_xasprintf("%s/plain", f->top);
    fx_run("mkdir -p %s", plain);
    pg_error err = {{0}};
    assert_null(pg_git_open(plain, &err));
    assert_non_null(strstr(err.msg, "is not inside a git repository"));
    assert_non_null(strstr(err.msg, plain));
    fx_rm_rf(plain);
    free(plain);
}

int main(void)
{
    fx_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve),    cmocka_unit_test(test_remote_tracking),
        cmocka_unit_test(test_merge_base), cmocka_unit_test(test_head_and_dirty),
        cmocka_unit_test(test_snapshot),   cmocka_unit_test(test_snapshot_bare),
        cmocka_unit_test(test_walk),       cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
