/*
 * Tests of gate/git's notes on real repositories: notes as sets of lines,
 * union merges of diverged notes refs, and fetch/push through a bare
 * repository on disk and through git daemon (the smart protocol that HTTPS
 * and SSH remotes speak too). Every result is checked with the git CLI as
 * well, so "perfgate wrote it" and "git sees it" cannot drift apart.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "git_fixture.h"
#include "pg_alloc.h"
#include "pg_git.h"

#define REF "refs/notes/perfgate"

typedef struct fixture {
    char *top, *repo;
    char *c[3]; /* three commits on main */
} fixture;

static int setup(void **state)
{
    fixture *f = pg_xcalloc(1, sizeof *f);
    f->top = fx_mkdtemp();
    f->repo = pg_xasprintf("%s/repo", f->top);
    fx_repo(f->repo, 3, f->c);
    *state = f;
    return 0;
}

/* git daemon, if a test started one: stopped here even when the test failed. */
static pid_t daemon_pid;

static int teardown(void **state)
{
    fixture *f = *state;
    if (daemon_pid > 0) {
        kill(daemon_pid, SIGTERM);
        waitpid(daemon_pid, NULL, 0);
    }
    fx_rm_rf(f->top);
    for (int i = 0; i < 3; i++)
        free(f->c[i]);
    free(f->top);
    free(f->repo);
    free(f);
    return 0;
}

static void add(pg_git *g, const char *ref, const char *sha, const char *line, int want_added)
{
    pg_error err = {{0}};
    int added = -1;
    if (pg_git_note_add_line(g, ref, sha, line, strlen(line), &added, &err) < 0)
        fail_msg("add %s: %s", line, err.msg);
    assert_int_equal(added, want_added);
}

static void check_note(pg_git *g, const char *ref, const char *sha, const char *want)
{
    pg_buf text = {0};
    pg_error err = {{0}};
    int rc = pg_git_note_read(g, ref, sha, &text, &err);
    if (rc < 0)
        fail_msg("read: %s", err.msg);
    if (!want) {
        assert_int_equal(rc, 0);
    } else {
        assert_int_equal(rc, 1);
        assert_string_equal(pg_buf_str(&text), want);
    }
    pg_buf_free(&text);
}

/* What `git notes show` prints, without its final newline. */
static char *git_note(const char *repo, const char *ref, const char *sha)
{
    return fx_out("git --git-dir=%s notes --ref=%s show %s", repo, ref, sha);
}

typedef struct seen {
    int n;
    char sha[8][PG_GIT_HEX_SIZE];
} seen;

static int collect(const char *sha, void *arg)
{
    seen *s = arg;
    assert_true(s->n < 8);
    snprintf(s->sha[s->n++], PG_GIT_HEX_SIZE, "%s", sha);
    return 0;
}

static void test_note_lines(void **state)
{
    fixture *f = *state;
    pg_git *g = fx_open(f->repo);
    const char *ref = "refs/notes/lines";
    check_note(g, ref, f->c[0], NULL);
    add(g, ref, f->c[0], "alpha", 1);
    add(g, ref, f->c[0], "alpha", 0); /* a set: not twice */
    add(g, ref, f->c[0], "beta", 1);
    check_note(g, ref, f->c[0], "alpha\nbeta\n");
    char *dotgit = pg_xasprintf("%s/.git", f->repo);
    char *shown = git_note(dotgit, ref, f->c[0]);
    assert_string_equal(shown, "alpha\nbeta");
    free(shown);

    /* A note that git wrote gets our line appended. */
    fx_run("git -C %s notes --ref=%s add -m gamma %s", f->repo, ref, f->c[2]);
    add(g, ref, f->c[2], "delta", 1);
    check_note(g, ref, f->c[2], "gamma\ndelta\n");
    check_note(g, ref, f->c[1], NULL);

    seen s = {0};
    pg_error err = {{0}};
    assert_int_equal(pg_git_notes_foreach(g, ref, collect, &s, &err), 0);
    assert_int_equal(s.n, 2);
    int order = strcmp(f->c[0], f->c[2]) < 0;
    assert_string_equal(s.sha[0], order ? f->c[0] : f->c[2]);
    assert_string_equal(s.sha[1], order ? f->c[2] : f->c[0]);
    memset(&s, 0, sizeof s);
    assert_int_equal(pg_git_notes_foreach(g, "refs/notes/none", collect, &s, &err), 0);
    assert_int_equal(s.n, 0);

    /* Bad arguments. */
    assert_int_equal(pg_git_note_add_line(g, "perfgate", f->c[0], "x", 1, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "'perfgate' is not a valid notes ref"));
    assert_int_equal(pg_git_note_add_line(g, ref, "abc", "x", 1, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "'abc' is not a commit SHA"));
    assert_int_equal(pg_git_note_add_line(g, ref, f->c[0], "x\ny", 3, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "no newline"));
    pg_git_free(g);
    free(dotgit);
}

/* Processes that add the first lines of a notes ref at the same moment all
 * keep theirs. libgit2's create-without-force checks for the ref before it
 * locks it, so with it about one such race in twenty lost a line (the first
 * creator's commit silently replaced); every trial here is such a race. */
#define CREATORS 4
#define TRIALS   120

static void test_first_lines_race(void **state)
{
    fixture *f = *state;
    for (int t = 0; t < TRIALS; t++) {
        char ref[64];
        snprintf(ref, sizeof ref, "refs/notes/race%d", t);
        int go[2];
        assert_int_equal(pipe(go), 0);
        pid_t pids[CREATORS];
        for (int i = 0; i < CREATORS; i++) {
            pids[i] = fork();
            assert_true(pids[i] >= 0);
            if (pids[i] == 0) {
                char c, line[32];
                close(go[1]);
                pg_error err;
                pg_git *g = pg_git_open(f->repo, &err);
                if (!g || read(go[0], &c, 1) != 0) /* EOF: everyone starts now */
                    _exit(2);
                snprintf(line, sizeof line, "creator %d", i);
                _exit(pg_git_note_add_line(g, ref, f->c[i % 3], line, strlen(line), NULL, &err)
                          ? 1
                          : 0);
            }
        }
        close(go[0]);
        usleep(2000); /* the creators have opened the repository */
        close(go[1]);
        for (int i = 0; i < CREATORS; i++) {
            int st;
            assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
            assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        }
        pg_git *g = fx_open(f->repo);
        for (int i = 0; i < CREATORS; i++) {
            pg_buf text = {0};
            pg_error err = {{0}};
            char line[32];
            snprintf(line, sizeof line, "creator %d\n", i);
            if (pg_git_note_read(g, ref, f->c[i % 3], &text, &err) < 0)
                fail_msg("read: %s", err.msg);
            if (!strstr(pg_buf_str(&text), line))
                fail_msg("trial %d: the line of creator %d was lost", t, i);
            pg_buf_free(&text);
        }
        pg_git_free(g);
    }
}

static char *tip(const char *gitdir, const char *ref)
{
    return fx_out("git --git-dir=%s rev-parse %s", gitdir, ref);
}

static void test_union_merge(void **state)
{
    fixture *f = *state;
    char *dotgit = pg_xasprintf("%s/.git", f->repo);
    pg_git *g = fx_open(f->repo);
    const char *a = "refs/notes/a", *b = "refs/notes/b";
    add(g, a, f->c[0], "l0", 1);
    fx_run("git --git-dir=%s update-ref %s %s", dotgit, b, a);
    /* Diverge: both add to c0 (one line in common), each annotates another commit. */
    add(g, a, f->c[0], "l2", 1);
    add(g, a, f->c[0], "l1", 1);
    add(g, a, f->c[1], "x", 1);
    add(g, b, f->c[0], "l1", 1);
    add(g, b, f->c[0], "l3", 1);
    add(g, b, f->c[1], "x", 1);
    add(g, b, f->c[2], "y", 1);
    char *tip_a = tip(dotgit, a), *tip_b = tip(dotgit, b);

    pg_error err = {{0}};
    assert_int_equal(pg_git_notes_merge(g, a, b, &err), 0);
    check_note(g, a, f->c[0], "l0\nl1\nl2\nl3\n");
    check_note(g, a, f->c[1], "x\n");
    check_note(g, a, f->c[2], "y\n");
    char *shown = git_note(dotgit, a, f->c[0]);
    assert_string_equal(shown, "l0\nl1\nl2\nl3");
    free(shown);
    /* A real merge: both former tips are its parents. */
    char *parents = fx_out("git --git-dir=%s rev-list --parents -n 1 %s", dotgit, a);
    char *merged = tip(dotgit, a);
    char *want = pg_xasprintf("%s %s %s", merged, tip_a, tip_b);
    assert_string_equal(parents, want);
    /* git agrees it is a valid notes tree: list every note. */
    char *list = fx_out("git --git-dir=%s notes --ref=%s list | wc -l", dotgit, a);
    assert_string_equal(list, "3");

    /* Merging again changes nothing; the other way round fast-forwards. */
    assert_int_equal(pg_git_notes_merge(g, a, b, &err), 0);
    char *again = tip(dotgit, a);
    assert_string_equal(again, merged);
    assert_int_equal(pg_git_notes_merge(g, b, a, &err), 0);
    char *ff = tip(dotgit, b);
    assert_string_equal(ff, merged);

    /* Into a ref that does not exist yet: it becomes the other. */
    assert_int_equal(pg_git_notes_merge(g, "refs/notes/c", a, &err), 0);
    char *c = tip(dotgit, "refs/notes/c");
    assert_string_equal(c, merged);
    assert_int_equal(pg_git_notes_merge(g, a, "refs/notes/missing", &err), -1);
    assert_non_null(strstr(err.msg, "there is no refs/notes/missing"));

    pg_git_free(g);
    free(c);
    free(ff);
    free(again);
    free(list);
    free(want);
    free(merged);
    free(parents);
    free(tip_a);
    free(tip_b);
    free(dotgit);
}

static pg_git *clone_of(const fixture *f, const char *url, const char *name)
{
    char *dir = pg_xasprintf("%s/%s", f->top, name);
    fx_run("git clone -q %s %s", url, dir);
    pg_git *g = fx_open(dir);
    free(dir);
    return g;
}

static void push(pg_git *g, const char *remote, int want_pushed, pg_git_sync_result *res)
{
    pg_error err = {{0}};
    if (pg_git_notes_push(g, remote, REF, NULL, res, &err) < 0)
        fail_msg("push to %s: %s", remote, err.msg);
    assert_int_equal(res->pushed, want_pushed);
}

/* Two clones push diverged notes through one remote and end up with both. */
static void exchange(fixture *f, const char *bare, const char *url, const char *tag)
{
    char name[64];
    snprintf(name, sizeof name, "%s-1", tag);
    pg_git *g1 = clone_of(f, url, name);
    snprintf(name, sizeof name, "%s-2", tag);
    pg_git *g2 = clone_of(f, url, name);
    pg_git_sync_result res;
    pg_error err = {{0}};

    /* A remote without the notes ref: fetch is a no-op, push creates it. */
    assert_int_equal(pg_git_notes_fetch(g1, "origin", REF, &res, &err), 0);
    assert_string_equal(res.tip, "");
    add(g1, REF, f->c[0], "one", 1);
    push(g1, "origin", 1, &res);
    assert_int_equal(res.attempts, 1);
    char *remote_tip = tip(bare, REF);
    assert_string_equal(res.tip, remote_tip);
    free(remote_tip);
    char *shown = git_note(bare, "perfgate", f->c[0]);
    assert_string_equal(shown, "one");
    free(shown);

    /* The second clone never fetched: its notes diverge and get merged. */
    add(g2, REF, f->c[0], "two", 1);
    add(g2, REF, f->c[1], "three", 1);
    push(g2, "origin", 1, &res);
    shown = git_note(bare, "perfgate", f->c[0]);
    assert_string_equal(shown, "one\ntwo");
    free(shown);
    shown = git_note(bare, "perfgate", f->c[1]);
    assert_string_equal(shown, "three");
    free(shown);

    /* Fetching brings everything back to the first. */
    assert_int_equal(pg_git_notes_fetch(g1, "origin", REF, &res, &err), 0);
    check_note(g1, REF, f->c[0], "one\ntwo\n");
    check_note(g1, REF, f->c[1], "three\n");
    remote_tip = tip(bare, REF);
    assert_string_equal(res.tip, remote_tip);
    /* Up to date: nothing to push. */
    push(g1, "origin", 0, &res);
    assert_int_equal(res.attempts, 1);
    char *after = tip(bare, REF);
    assert_string_equal(after, remote_tip);
    free(after);
    free(remote_tip);
    pg_git_free(g1);
    pg_git_free(g2);
}

static void test_push_fetch_local(void **state)
{
    fixture *f = *state;
    char *bare = pg_xasprintf("%s/local.git", f->top);
    fx_run("git clone -q --bare %s %s", f->repo, bare);
    exchange(f, bare, bare, "local");

    /* The remote can be named by path or file:// URL instead of by name. */
    pg_git *g = clone_of(f, bare, "local-3");
    pg_git_sync_result res;
    add(g, REF, f->c[2], "by-path", 1);
    push(g, bare, 1, &res);
    char *url = pg_xasprintf("file://%s", bare);
    add(g, REF, f->c[2], "by-url", 1);
    push(g, url, 1, &res);
    char *shown = git_note(bare, "perfgate", f->c[2]);
    assert_string_equal(shown, "by-path\nby-url");
    free(shown);

    pg_error err = {{0}};
    assert_int_equal(pg_git_notes_push(g, "nosuch", REF, NULL, &res, &err), -1);
    assert_non_null(strstr(err.msg, "'nosuch'"));
    assert_non_null(strstr(err.msg, "git remote -v"));
    pg_git_free(g);
    free(url);
    free(bare);
}
static void test_push_fetch_daemon(void **state)
{
    fixture *f = *state;
    char *root = pg_xasprintf("%s/served", f->top);
    char *bare = pg_xasprintf("%s/remote.git", root);
    fx_run("mkdir -p %s && git clone -q --bare %s %s", root, f->repo, bare);
    char *url;
    daemon_pid = fx_git_daemon(root, "remote.git", &url);
    exchange(f, bare, url, "daemon");
    kill(daemon_pid, SIGTERM);
    waitpid(daemon_pid, NULL, 0);
    daemon_pid = 0;
    free(url);
    free(bare);
    free(root);
}

/* Accepts one HTTP request on `listener`, answers 404, and writes the
 * request's head into `path`. */
static void serve_one(int listener, const char *path)
{
    int c = accept(listener, NULL, NULL);
    pg_buf req = {0};
    char block[4096];
    ssize_t n;
    while (!strstr(pg_buf_str(&req), "\r\n\r\n") && (n = read(c, block, sizeof block)) > 0)
        pg_buf_append(&req, block, (size_t)n);
    static const char reply[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    if (write(c, reply, sizeof reply - 1) < 0)
        _exit(1);
    close(c);
    fx_write(path, pg_buf_str(&req));
    _exit(0);
}

/* actions/checkout leaves its token as http.<url>.extraheader; libgit2
 * ignores that setting, perfgate sends it. */
static void test_extraheader(void **state)
{
    fixture *f = *state;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s, 1), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
    char *dump = pg_xasprintf("%s/request.txt", f->top);
    pid_t server = fork();
    if (server == 0)
        serve_one(s, dump);
    close(s);
    char *url = pg_xasprintf("http://127.0.0.1:%d/remote.git", ntohs(a.sin_port));
    char *clone = pg_xasprintf("%s/clone-http", f->top);
    fx_run("git clone -q %s %s && cd %s && "
           "git config http.extraheader 'X-Everywhere: 1' && "
           "git config http.http://127.0.0.1:%d/.extraheader 'AUTHORIZATION: basic dGVzdA==' && "
           "git config http.https://example.com/.extraheader 'X-Elsewhere: 1'",
           f->repo, clone, clone, ntohs(a.sin_port));
    pg_git *g = fx_open(clone);
    pg_error err = {{0}};
    assert_int_equal(pg_git_notes_fetch(g, url, REF, NULL, &err), -1);
    char *want = pg_xasprintf("cannot fetch %s from '%s': ", REF, url);
    assert_int_equal(strncmp(err.msg, want, strlen(want)), 0);
    waitpid(server, NULL, 0);
    char *request = fx_read(dump);
    assert_non_null(request);
    assert_non_null(strstr(request, "GET /remote.git/info/refs?service=git-upload-pack"));
    assert_non_null(strstr(request, "\r\nAUTHORIZATION: basic dGVzdA==\r\n"));
    assert_non_null(strstr(request, "\r\nX-Everywhere: 1\r\n"));
    assert_null(strstr(request, "X-Elsewhere"));
    pg_git_free(g);
    free(request);
    free(want);
    free(clone);
    free(url);
    free(dump);
}

int main(void)
{
    fx_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_note_lines),        cmocka_unit_test(test_first_lines_race),
        cmocka_unit_test(test_union_merge),       cmocka_unit_test(test_push_fetch_local),
        cmocka_unit_test(test_push_fetch_daemon), cmocka_unit_test(test_extraheader),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
