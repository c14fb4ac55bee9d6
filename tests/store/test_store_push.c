/*
 * Eight concurrent pushers, one bare repository, no lost result.
 *
 * Each round starts eight store_pusher processes; each stores its own
 * result set in a clone (half of them on the same commit) and, once all are
 * ready, pushes the notes ref at the same moment. Afterwards the remote must
 * hold every result set of every round, and the seed stored before the
 * first round. Rounds run against the bare repository as a path (perfgate's
 * compare-and-swap local push) and through git daemon (the smart protocol,
 * where the server rejects stale updates), there with two pushers sharing
 * each clone so that local ref updates race as well.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "git_fixture.h"
#include "pg_alloc.h"
#include "pg_store.h"

#define PUSHERS      8
#define LOCAL_ROUNDS 5
#define SMART_ROUNDS 3
#define COMMITS      4

typedef struct fixture {
    char *top, *bare;
    char *c[COMMITS];
    int next_id; /* result sets pushed so far have ids 1 .. next_id-1 */
    pid_t daemon;
} fixture;

static int setup(void **state)
{
    fixture *f = pg_xcalloc(1, sizeof *f);
    f->top = fx_mkdtemp();
    char *repo = pg_xasprintf("%s/repo", f->top);
    fx_repo(repo, COMMITS, f->c);
    f->bare = pg_xasprintf("%s/served/remote.git", f->top);
    fx_run("mkdir -p %s/served && git clone -q --bare %s %s", f->top, repo, f->bare);
    free(repo);
    f->next_id = 1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->daemon > 0) {
        kill(f->daemon, SIGTERM);
        waitpid(f->daemon, NULL, 0);
    }
    fx_rm_rf(f->top);
    for (int i = 0; i < COMMITS; i++)
        free(f->c[i]);
    free(f->top);
    free(f->bare);
    free(f);
    return 0;
}

/* Ids of the result sets the remote holds for each commit. */
static void remote_ids(const fixture *f, int *present, int max)
{
    pg_error err = {{0}};
    pg_git *git = fx_open(f->bare);
    pg_store *s = pg_store_open(git, NULL, &err);
    if (!s)
        fail_msg("%s", err.msg);
    for (int i = 0; i < COMMITS; i++) {
        pg_rs_list list = {0};
        if (pg_store_load(s, f->c[i], &list, &err) < 0)
            fail_msg("%s", err.msg);
        for (size_t k = 0; k < list.n; k++) {
            const pg_resultset *rs = list.sets[k];
            assert_string_equal(pg_resultset_meta(rs)->commit, f->c[i]);
            int64_t id = pg_resultset_bench(rs, 0)->samples[0].iters;
            assert_true(id >= 0 && id < max);
            present[id]++;
        }
        pg_rs_list_free(&list);
    }
    pg_store_free(s);
    pg_git_free(git);
}

/* Lines of all notes on the remote, counted by git itself. */
static int remote_lines(const fixture *f)
{
    int total = 0;
    for (int i = 0; i < COMMITS; i++) {
        if (fx_sh("git --git-dir=%s notes --ref=perfgate show %s >/dev/null 2>&1", f->bare,
                  f->c[i]) != 0)
            continue;
        char *n =
            fx_out("git --git-dir=%s notes --ref=perfgate show %s | grep -c .", f->bare, f->c[i]);
        total += atoi(n);
        free(n);
    }
    return total;
}

/* One round: PUSHERS processes, `per_clone` of them sharing each clone. */
static void race(fixture *f, const char *url, const char *tag, int round, int per_clone)
{
    int ready[2], go[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    fcntl(go[1], F_SETFD, FD_CLOEXEC);
    fcntl(ready[0], F_SETFD, FD_CLOEXEC);
    pid_t pids[PUSHERS];
    char *clone = NULL;
    int first_id = f->next_id;
    for (int i = 0; i < PUSHERS; i++) {
        if (i % per_clone == 0) {
            free(clone);
            clone = pg_xasprintf("%s/%s-r%d-%d", f->top, tag, round, i);
            fx_run("git clone -q %s %s", url, clone);
        }
        /* Half the pushers annotate the same commit, the rest spread out. */
        const char *sha = f->c[i < PUSHERS / 2 ? 0 : 1 + (i + round) % (COMMITS - 1)];
        char id[16], rfd[16], gfd[16];
        snprintf(id, sizeof id, "%d", f->next_id++);
        snprintf(rfd, sizeof rfd, "%d", ready[1]);
        snprintf(gfd, sizeof gfd, "%d", go[0]);
        char *out = pg_xasprintf("%s/%s-r%d-%d.out", f->top, tag, round, i);
        pids[i] = fork();
        if (pids[i] == 0) {
            int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(fd, 1);
            execl(STORE_PUSHER, STORE_PUSHER, clone, url, sha, id, rfd, gfd, (char *)NULL);
            _exit(127);
        }
        free(out);
    }
    free(clone);
    close(ready[1]);
    close(go[0]);
    char c;
    int n = 0;
    while (n < PUSHERS && read(ready[0], &c, 1) == 1)
        n++;
    assert_int_equal(n, PUSHERS);
    close(go[1]); /* go: every pusher reads end of file */
    close(ready[0]);
    int status[PUSHERS];
    for (int i = 0; i < PUSHERS; i++) /* all of them before any assertion ends the test */
        waitpid(pids[i], &status[i], 0);
    int max_attempts = 0, total_attempts = 0;
    for (int i = 0; i < PUSHERS; i++) {
        assert_true(WIFEXITED(status[i]));
        assert_int_equal(WEXITSTATUS(status[i]), 0);
        char *path = pg_xasprintf("%s/%s-r%d-%d.out", f->top, tag, round, i);
        char *out = fx_read(path);
        int attempts = 0, pushed = 0;
        assert_int_equal(sscanf(out, "attempts=%d pushed=%d", &attempts, &pushed), 2);
        /* Alone in its clone, a pusher must push; sharing one, the other
         * pusher may already have pushed both result sets. */
        if (per_clone == 1)
            assert_int_equal(pushed, 1);
        total_attempts += attempts;
        if (attempts > max_attempts)
            max_attempts = attempts;
        free(out);
        free(path);
    }

    /* Nothing lost: every id ever pushed, exactly once. */
    int present[256] = {0};
    remote_ids(f, present, 256);
    for (int id = 0; id < f->next_id; id++)
        if (present[id] != 1)
            fail_msg("%s round %d: result set %d is on the remote %d times", tag, round, id,
                     present[id]);
    assert_int_equal(remote_lines(f), f->next_id);
    print_message("%s round %d: ids %d-%d all present; push attempts %d in total, at most %d\n",
                  tag, round, first_id, f->next_id - 1, total_attempts, max_attempts);
}

static void seed(fixture *f)
{
    /* id 0: stored before any race, must survive all of them. */
    char *clone = pg_xasprintf("%s/seed", f->top);
    fx_run("git clone -q %s %s", f->bare, clone);
    int ready[2], go[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    close(go[1]);
    char *cmd = pg_xasprintf("%s %s %s %s 0 %d %d >/dev/null", STORE_PUSHER, clone, f->bare,
                             f->c[0], ready[1], go[0]);
    fx_run("%s", cmd);
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    free(cmd);
    free(clone);
}

static void test_local_race(void **state)
{
    fixture *f = *state;
    seed(f);
    for (int r = 1; r <= LOCAL_ROUNDS; r++)
        race(f, f->bare, "local", r, 1);
}

static void test_smart_race(void **state)
{
    fixture *f = *state;
    char *root = pg_xasprintf("%s/served", f->top);
    char *url;
    f->daemon = fx_git_daemon(root, "remote.git", &url);
    for (int r = 1; r <= SMART_ROUNDS; r++)
        race(f, url, "smart", r, 2);
    free(url);
    free(root);
}

int main(void)
{
    fx_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_race),
        cmocka_unit_test(test_smart_race),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
