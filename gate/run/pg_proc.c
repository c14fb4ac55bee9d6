/*
 * Process spawning with a deadline.
 *
 * posix_spawn puts the child in a new process group; one poll(2) loop
 * watches its stdout, its stderr and a pidfd for its exit, so the loop
 * sleeps until something happens or the deadline passes. When the leader
 * exits, or at the deadline, the whole group gets SIGKILL: a benchmark
 * cannot leave stragglers holding our pipes open.
 */
#include "pg_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pg_alloc.h"

extern char **environ;

#define DEFAULT_MAX_OUTPUT ((size_t)64 << 20)
/* How long output may still arrive after the process group is gone. */
#define DRAIN_SEC 2.0

/* A captured stream: the first half of the budget verbatim, then a ring of
 * the most recent bytes, so a crash's last words survive a flood of output. */
typedef struct capture {
    pg_buf *head;
    size_t head_max;
    char *ring;
    size_t ring_size, ring_pos, ring_len;
    size_t dropped;
} capture;

static void capture_add(capture *c, const char *p, size_t n)
{
    size_t room = c->head->len < c->head_max ? c->head_max - c->head->len : 0;
    size_t take = n < room ? n : room;
    pg_buf_append(c->head, p, take);
    p += take;
    n -= take;
    if (!n)
        return;
    if (!c->ring) {
        c->ring = pg_xmalloc(c->ring_size);
    }
    for (size_t i = 0; i < n; i++) {
        if (c->ring_len == c->ring_size)
            c->dropped++;
        else
            c->ring_len++;
        c->ring[c->ring_pos] = p[i];
        c->ring_pos = (c->ring_pos + 1) % c->ring_size;
    }
}

/* Joins head and tail; returns 1 if bytes were dropped. */
static int capture_finish(capture *c)
{
    int truncated = c->dropped > 0;
    if (truncated)
        pg_buf_printf(c->head, "\n[... perfgate dropped %zu bytes of output ...]\n", c->dropped);
    size_t start = (c->ring_pos + c->ring_size - c->ring_len) % c->ring_size;
    for (size_t i = 0; i < c->ring_len; i++)
        pg_buf_putc(c->head, c->ring[(start + i) % c->ring_size]);
    free(c->ring);
    return truncated;
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* environ with `extra` entries replacing same-named variables. */
static char **build_env(const char *const *extra)
{
    size_t n = 0, m = 0;
    while (environ[n])
        n++;
    while (extra && extra[m])
        m++;
    char **env = pg_xcalloc(n + m + 1, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t keylen = eq ? (size_t)(eq - environ[i]) + 1 : strlen(environ[i]);
        int overridden = 0;
        for (size_t j = 0; j < m && !overridden; j++)
            overridden = strncmp(extra[j], environ[i], keylen) == 0;
        if (!overridden)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        env[k++] = (char *)extra[j];
    return env;
}

static void set_nonblock_cloexec(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static int spawn(const pg_proc_spec *spec, int out_w, int err_w, pid_t *pid, pg_error *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_w, 1);
    posix_spawn_file_actions_adddup2(&fa, err_w, 2);
    if (spec->cwd)
        posix_spawn_file_actions_addchdir_np(&fa, spec->cwd);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    char **env = build_env(spec->env);
    int rc = posix_spawnp(pid, spec->argv[0], &fa, &attr, (char *const *)spec->argv, env);
    free(env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        return pg_error_set(err, "cannot run %s%s%s: %s", spec->argv[0], spec->cwd ? " in " : "",
                            spec->cwd ? spec->cwd : "", strerror(rc));
    }
    return 0;
}

int pg_proc_run(const pg_proc_spec *spec, pg_proc_result *res, pg_error *err)
{
    memset(res, 0, sizeof *res);
    int out_pipe[2], err_pipe[2] = {-1, -1};
    if (pipe(out_pipe) < 0)
        return pg_error_errno(err, "pipe");
    if (!spec->merge_stderr && pipe(err_pipe) < 0) {
        close(out_pipe[0]);
        close(out_pipe[1]);
        return pg_error_errno(err, "pipe");
    }
    set_nonblock_cloexec(out_pipe[0]);
    if (err_pipe[0] >= 0)
        set_nonblock_cloexec(err_pipe[0]);

    double start = now_sec();
    pid_t pid;
    int rc = spawn(spec, out_pipe[1], spec->merge_stderr ? out_pipe[1] : err_pipe[1], &pid, err);
    close(out_pipe[1]);
    if (err_pipe[1] >= 0)
        close(err_pipe[1]);
    if (rc < 0) {
        close(out_pipe[0]);
        if (err_pipe[0] >= 0)
            close(err_pipe[0]);
        return -1;
    }

    size_t max = spec->max_output ? spec->max_output : DEFAULT_MAX_OUTPUT;
    capture caps[2] = {{&res->out, max / 2, NULL, max - max / 2, 0, 0, 0},
                       {&res->err, max / 2, NULL, max - max / 2, 0, 0, 0}};
    struct pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {-1, POLLIN, 0}};
    int pidfd = pidfd_open(pid, 0);
    fds[2].fd = pidfd; /* -1 (ignored by poll) on kernels without pidfd: we then poll at 10ms */
    double deadline = spec->timeout_sec > 0 ? start + spec->timeout_sec : 0;
    int reaped = 0, draining = 0, status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    char chunk[65536];

    while (fds[0].fd >= 0 || fds[1].fd >= 0 || !reaped) {
        int wait_ms = -1;
        if (deadline) {
            double left = deadline - now_sec();
            wait_ms = left > 0 ? (int)(left * 1000) + 1 : 0;
        }
        if (!reaped && pidfd < 0 && (wait_ms < 0 || wait_ms > 10))
            wait_ms = 10;
        if (poll(fds, 3, wait_ms) < 0 && errno != EINTR)
            kill(-pid, SIGKILL); /* cannot watch it any more: end it, then reap below */
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !fds[i].revents)
                continue;
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n > 0) {
                capture_add(&caps[i], chunk, (size_t)n);
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(fds[i].fd);
                fds[i].fd = -1;
            }
        }
        if (!reaped && wait4(pid, &status, WNOHANG, &ru) == pid) {
            reaped = 1;
            kill(-pid, SIGKILL); /* stragglers in the group would hold the pipes open */
            if (pidfd >= 0) {
                close(pidfd);
                pidfd = fds[2].fd = -1;
            }
            /* Only a process that left the group (setsid) can still hold a pipe. */
            draining = 1;
            deadline = now_sec() + DRAIN_SEC;
        }
        if (deadline && now_sec() >= deadline) {
            if (draining)
                break;
            res->timed_out = 1;
            kill(-pid, SIGKILL);
            while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
                ;
            reaped = draining = 1;
            deadline = now_sec() + DRAIN_SEC;
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    if (pidfd >= 0)
        close(pidfd);

    res->wall_sec = now_sec() - start;
    res->cpu_sec = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
                   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    res->max_rss_kb = ru.ru_maxrss;
    res->truncated = capture_finish(&caps[0]) | capture_finish(&caps[1]);
    if (WIFEXITED(status)) {
        res->exited = 1;
        res->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->signal = WTERMSIG(status);
    }
    return 0;
}

void pg_proc_result_free(pg_proc_result *res)
{
    pg_buf_free(&res->out);
    pg_buf_free(&res->err);
}

int pg_proc_ok(const pg_proc_result *res)
{
    return res->exited && res->exit_code == 0 && !res->timed_out;
}

void pg_proc_describe(const pg_proc_result *res, const pg_proc_spec *spec, pg_buf *out)
{
    if (res->timed_out)
        pg_buf_printf(out, "timed out after %gs (killed with its process group)",
                      spec->timeout_sec);
    else if (res->exited)
        pg_buf_printf(out, "exit status %d", res->exit_code);
    else
        pg_buf_printf(out, "killed by signal %d (%s)", res->signal, strsignal(res->signal));
}
