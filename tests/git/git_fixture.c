/*
 * The git test fixture (git_fixture.h). Shell commands run through
 * /bin/sh -c; the paths they see come from mkdtemp, so they need no quoting.
 */
#include "git_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pg_alloc.h"
#include "pg_buf.h"

static char *test_home; /* the HOME of the tests, removed at exit */

static void remove_home(void)
{
    if (test_home && fx_sh("rm -rf %s", test_home) == 0)
        free(test_home);
}

void fx_init(void)
{
    /* go keeps its caches under HOME: point them at the real ones so that
     * builds in tests stay warm. */
    const char *home = getenv("HOME");
    if (home && !getenv("GOCACHE")) {
        char *v = pg_xasprintf("%s/.cache/go-build", home);
        setenv("GOCACHE", v, 1);
        free(v);
    }
    if (home && !getenv("GOPATH")) {
        char *v = pg_xasprintf("%s/go", home);
        setenv("GOPATH", v, 1);
        free(v);
    }
    setenv("GOTOOLCHAIN", "local", 1);
    char *dir = test_home = fx_mkdtemp();
    atexit(remove_home);
    setenv("HOME", dir, 1);
    setenv("XDG_CONFIG_HOME", dir, 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    unsetenv("GIT_DIR");
    unsetenv("GIT_WORK_TREE");
    char *cfg = pg_xasprintf("%s/.gitconfig", dir);
    fx_write(cfg, "[user]\n\tname = Perf Gate\n\temail = gate@example.com\n"
                  "[init]\n\tdefaultBranch = main\n"
                  "[advice]\n\tdetachedHead = false\n");
    free(cfg);
}

char *fx_mkdtemp(void)
{
    const char *tmp = getenv("TMPDIR");
    char *path = pg_xasprintf("%s/pgtest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(path))
        fail_msg("mkdtemp %s failed", path);
    return path;
}

static int vsh(const char *fmt, va_list ap)
{
    pg_buf cmd = {0};
    pg_buf_vprintf(&cmd, fmt, ap);
    int st = system(pg_buf_str(&cmd));
    pg_buf_free(&cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int fx_sh(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vsh(fmt, ap);
    va_end(ap);
    return rc;
}

void fx_run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_buf cmd = {0};
    pg_buf_vprintf(&cmd, fmt, ap);
    va_end(ap);
    int st = system(pg_buf_str(&cmd));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("command failed (status %d): %s", st, pg_buf_str(&cmd));
    pg_buf_free(&cmd);
}

char *fx_out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_buf cmd = {0};
    pg_buf_vprintf(&cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(pg_buf_str(&cmd), "r");
    if (!p)
        fail_msg("popen failed: %s", pg_buf_str(&cmd));
    pg_buf out = {0};
    int rd = pg_buf_read(&out, p);
    int st = pclose(p);
    if (rd < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("command failed (status %d): %s", st, pg_buf_str(&cmd));
    pg_buf_free(&cmd);
    while (out.len && out.data[out.len - 1] == '\n')
        pg_buf_truncate(&out, out.len - 1);
    return pg_buf_detach(&out);
}

void fx_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

char *fx_read(const char *path)
{
    pg_buf b = {0};
    if (pg_buf_read_file(&b, path) < 0) {
        if (errno == ENOENT) {
            pg_buf_free(&b);
            return NULL;
        }
        fail_msg("cannot read %s", path);
    }
    return pg_buf_detach(&b);
}

void fx_rm_rf(const char *dir)
{
    fx_run("chmod -R u+rwx %s && rm -rf %s", dir, dir);
}

void fx_repo(const char *dir, int n, char **sha)
{
    fx_run("git init -q %s", dir);
    for (int i = 0; i < n; i++) {
        fx_run("cd %s && printf %d > f.txt && git add f.txt && git commit -qm c%d", dir, i, i);
        sha[i] = fx_out("git -C %s rev-parse HEAD", dir);
    }
}

pg_git *fx_open(const char *path)
{
    pg_error err = {{0}};
    pg_git *g = pg_git_open(path, &err);
    if (!g)
        fail_msg("pg_git_open(%s): %s", path, err.msg);
    return g;
}

/* A free TCP port on the loopback interface (free when asked, at least). */
static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) < 0)
        fail_msg("cannot find a free port");
    close(s);
    return ntohs(a.sin_port);
}

pid_t fx_git_daemon(const char *root, const char *repo, char **url)
{
    int port = free_port();
    char *base = pg_xasprintf("--base-path=%s", root), *portarg = pg_xasprintf("--port=%d", port);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("git", "git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
               "--listen=127.0.0.1", portarg, base, root, (char *)NULL);
        _exit(127);
    }
    free(base);
    free(portarg);
    *url = pg_xasprintf("git://127.0.0.1:%d/%s", port, repo);
    for (int i = 0; i < 100; i++) {
        if (fx_sh("git ls-remote %s >/dev/null 2>&1", *url) == 0)
            return pid;
        usleep(50000);
    }
    kill(pid, SIGTERM);
    fail_msg("git daemon did not come up on port %d", port);
    return -1;
}
