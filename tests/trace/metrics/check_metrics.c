/*
 * check_metrics PERFGATE ROOT EXPECTED.json
 *
 * Runs `PERFGATE trace --json ROOT/<file>` for the trace named by the
 * "file" field of EXPECTED.json (written once by the Go reference tool,
 * tests/trace/reference; its MMU keys give --mmu-windows when they are not
 * the default four) and compares the two objects field by field:
 *
 *   - block_ns.*, sched_latency_ns, runnable_ns: exact (go tool trace's
 *     -pprof totals are exact integers of the same event times);
 *   - counts (count, gomaxprocs, goroutines_created, gc.*, ...): exact;
 *   - mmu.*: within 1e-9;
 *   - other *_ns durations: within 5 us (p_time.total_ns, a GOMAXPROCS
 *     integral: 5 us per P);
 *   - P-time fractions (p_utilization, p_time.*): within 1e-6;
 *   - objects (stw, regions, tasks, mmu, timed) must have the same keys;
 *     "partial" must be null in both or a message in both; "file" is not
 *     compared.
 *
 * A partial trace must exit 2 and say "partial: " on stderr. An expected
 * {"file": ..., "error": MESSAGE} means the trace is unreadable: perfgate
 * must exit 2, print nothing on stdout and MESSAGE on stderr.
 *
 * Every difference is printed with its path; the exit status is 1 if any.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

static int failures;

static void fail(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "  %s: ", path);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    failures++;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The tolerance of a numeric field, from its path and name. */
static double tolerance(const char *path, const char *key, int64_t procs)
{
    if (strstr(path, ".mmu."))
        return 1e-9;
    if (strstr(path, ".block_ns.") || strcmp(key, "sched_latency_ns") == 0 ||
        strcmp(key, "runnable_ns") == 0 || strcmp(key, "overcommit_ns") == 0)
        return 0;
    if (strcmp(key, "total_ns") == 0 && strstr(path, ".p_time."))
        return 5000.0 * (double)(procs > 0 ? procs : 1);
    if (ends_with(key, "_ns"))
        return 5000;
    if (strcmp(key, "p_utilization") == 0 || strstr(path, ".p_time."))
        return 1e-6;
    return 0; /* counts */
}

static void compare(const char *path, const char *key, json_t *want, json_t *got, int64_t procs);

static void compare_object(const char *path, json_t *want, json_t *got, int64_t procs)
{
    const char *k;
    json_t *v;
    json_t *gp = json_object_get(want, "gomaxprocs");
    if (gp)
        procs = json_integer_value(gp);
    json_object_foreach(want, k, v)
    {
        if (strcmp(path, "") == 0 && strcmp(k, "file") == 0)
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s.%s", path, k);
        json_t *g = json_object_get(got, k);
        if (!g) {
            fail(sub, "missing in perfgate's output");
            continue;
        }
        compare(sub, k, v, g, procs);
    }
    json_object_foreach(got, k, v)
    {
        if (!json_object_get(want, k)) {
            char sub[1024];
            snprintf(sub, sizeof sub, "%s.%s", path, k);
            fail(sub, "not in the reference");
        }
    }
}

static void compare(const char *path, const char *key, json_t *want, json_t *got, int64_t procs)
{
    if (strcmp(key, "partial") == 0) {
        if (json_is_null(want) != json_is_null(got))
            fail(path, "reference %s, perfgate %s", json_is_null(want) ? "complete" : "partial",
                 json_is_null(got) ? "complete" : "partial");
        return;
    }
    if (json_is_number(want) && json_is_number(got)) {
        double w = json_number_value(want), g = json_number_value(got);
        double tol = tolerance(path, key, procs);
        if (json_is_integer(want) && json_is_integer(got) && tol == 0) {
            if (json_integer_value(want) != json_integer_value(got))
                fail(path, "perfgate %lld, reference %lld (must be equal)",
                     (long long)json_integer_value(got), (long long)json_integer_value(want));
        } else if (!(fabs(w - g) <= tol)) {
            fail(path, "perfgate %.17g, reference %.17g (difference %.3g > %.3g)", g, w,
                 fabs(w - g), tol);
        }
        return;
    }
    if (json_typeof(want) != json_typeof(got)) {
        fail(path, "different JSON types");
        return;
    }
    if (json_is_object(want))
        compare_object(path, want, got, procs);
    else if (!json_equal(want, got))
        fail(path, "values differ");
}

/* Reads all of fd into a NUL-terminated string. */
static char *slurp(int fd)
{
    size_t len = 0, cap = 65536;
    char *buf = malloc(cap);
    ssize_t n;
    while (buf && (n = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (cap - len < 2)
            buf = realloc(buf, cap *= 2);
    }
    if (buf)
        buf[len] = 0;
    return buf;
}

/* The --mmu-windows list for the reference's MMU keys, or "" for the
 * default four (then perfgate runs without the option). */
static void windows_of(json_t *want, char *list, size_t n)
{
    static const char *defaults[] = {"100us", "1ms", "10ms", "100ms"};
    json_t *mmu = json_object_get(want, "mmu");
    const char *k;
    json_t *v;
    int is_default = json_object_size(mmu) == 4;
    list[0] = 0;
    json_object_foreach(mmu, k, v)
    {
        int known = 0;
        for (int i = 0; i < 4; i++)
            known |= strcmp(k, defaults[i]) == 0;
        is_default &= known;
        snprintf(list + strlen(list), n - strlen(list), "%s%s", list[0] ? "," : "", k);
    }
    if (is_default || !mmu)
        list[0] = 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: check_metrics PERFGATE ROOT EXPECTED.json\n");
        return 2;
    }
    json_error_t jerr;
    json_t *want = json_load_file(argv[3], 0, &jerr);
    if (!want || !json_is_string(json_object_get(want, "file"))) {
        fprintf(stderr, "%s:%d: %s\n", argv[3], jerr.line, want ? "no \"file\"" : jerr.text);
        return 2;
    }
    char trace[4096], windows[1024];
    snprintf(trace, sizeof trace, "%s/%s", argv[2],
             json_string_value(json_object_get(want, "file")));
    windows_of(want, windows, sizeof windows);

    int out[2], errp[2];
    if (pipe(out) != 0 || pipe(errp) != 0) {
        perror("pipe");
        return 2;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(errp[1], 2);
        close(out[0]);
        close(out[1]);
        close(errp[0]);
        close(errp[1]);
        if (windows[0])
            execl(argv[1], argv[1], "trace", "--json", "--mmu-windows", windows, trace,
                  (char *)NULL);
        else
            execl(argv[1], argv[1], "trace", "--json", trace, (char *)NULL);
        perror(argv[1]);
        _exit(127);
    }
    close(out[1]);
    close(errp[1]);
    char *stdout_text = slurp(out[0]);
    char *stderr_text = slurp(errp[0]);
    close(out[0]);
    close(errp[0]);
    int status;
    waitpid(pid, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

    json_t *error = json_object_get(want, "error");
    if (error) {
        /* An unreadable trace: exit 2, nothing on stdout, the reason on stderr. */
        if (code != 2)
            fail(trace, "perfgate exited with status %d, want 2", code);
        if (stdout_text[0])
            fail(trace, "perfgate printed metrics for an unreadable trace");
        if (!strstr(stderr_text, json_string_value(error)))
            fail(trace, "perfgate's message \"%s\" does not say \"%s\"", stderr_text,
                 json_string_value(error));
    } else {
        json_t *got = json_loads(stdout_text, 0, &jerr);
        int partial = !json_is_null(json_object_get(want, "partial"));
        if (!got) {
            fprintf(stderr, "%s: perfgate printed no JSON (%s); stderr: %s\n", trace, jerr.text,
                    stderr_text);
            return 1;
        }
        /* Exit 0 for a complete trace, 2 for a partial one (DESIGN.md). */
        if (code != (partial ? 2 : 0))
            fail(trace, "perfgate exited with status %d, want %d", code, partial ? 2 : 0);
        if (partial && !strstr(stderr_text, "partial: "))
            fail(trace, "no \"partial: <error>\" on stderr for a damaged trace");
        compare_object("", want, got, 0);
        json_decref(got);
    }
    json_decref(want);
    free(stdout_text);
    free(stderr_text);
    if (failures) {
        fprintf(stderr, "%s: %d difference(s) from the reference\n", trace, failures);
        return 1;
    }
    printf("%s: all metrics agree with the reference\n", trace);
    return 0;
}
