/*
 * Progress display: terminal bar or CI log lines (see progress.h).
 */
#include "progress.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_alloc.h"

struct pg_progress {
    FILE *out;
    int tty;        /* draw a bar */
    int github;     /* emit ::group:: folding */
    int open_round; /* round of the open group, or -1 */
    int line_drawn; /* the bar is on screen and must be cleared first */
    size_t done, total;
    size_t finished; /* runs reported by pg_progress_finished in this pass */
};

pg_progress *pg_progress_create(FILE *out)
{
    pg_progress *p = pg_xcalloc(1, sizeof *p);
    const char *ci = getenv("CI");
    p->out = out;
    p->tty = isatty(fileno(out)) && !(ci && strcmp(ci, "true") == 0);
    p->github = getenv("GITHUB_ACTIONS") && strcmp(getenv("GITHUB_ACTIONS"), "true") == 0;
    p->open_round = -1;
    return p;
}

static void clear_line(pg_progress *p)
{
    if (p->line_drawn) {
        fputs("\r\033[K", p->out);
        p->line_drawn = 0;
    }
}

static void format_duration(char *buf, size_t size, double sec)
{
    long s = (long)(sec + 0.5);
    if (s >= 3600)
        snprintf(buf, size, "%ldh%02ldm", s / 3600, s / 60 % 60);
    else if (s >= 60)
        snprintf(buf, size, "%ldm%02lds", s / 60, s % 60);
    else
        snprintf(buf, size, "%lds", s);
}

void pg_progress_update(pg_progress *p, size_t done, size_t total, int round, int rounds,
                        const char *name, const char *side, double elapsed_sec)
{
    if (done == 0)
        p->finished = 0; /* a new pass (the second look starts from 0) */
    p->done = done;
    p->total = total;
    if (!p->tty) {
        if (p->github && round != p->open_round) {
            if (p->open_round >= 0)
                fputs("::endgroup::\n", p->out);
            fprintf(p->out, "::group::perfgate round %d/%d\n", round + 1, rounds);
            p->open_round = round;
        }
        return;
    }
    char eta[32] = "?";
    if (done > 0)
        format_duration(eta, sizeof eta, elapsed_sec / (double)done * (double)(total - done));
    enum { WIDTH = 24 };
    int filled = total ? (int)(WIDTH * done / total) : 0;
    char bar[WIDTH + 1];
    memset(bar, '#', (size_t)filled);
    memset(bar + filled, '.', (size_t)(WIDTH - filled));
    bar[WIDTH] = '\0';
    clear_line(p);
    fprintf(p->out, "[%s] %zu/%zu round %d/%d ETA %s  %.60s (%s)", bar, done, total, round + 1,
            rounds, eta, name, side);
    fflush(p->out);
    p->line_drawn = 1;
}

void pg_progress_finished(pg_progress *p, const char *name, const char *side, double wall_sec,
                          const char *failure)
{
    /* Counted here, not from `done`: both sides of a pair run before
     * either is reported. */
    p->finished++;
    if (p->tty && !failure)
        return;
    clear_line(p);
    fprintf(p->out, "[%zu/%zu] %s (%s) %.2fs%s%s\n", p->finished, p->total, name, side, wall_sec,
            failure ? ": " : "", failure ? failure : "");
    fflush(p->out);
}

void pg_progress_note(pg_progress *p, const char *fmt, ...)
{
    clear_line(p);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->out, fmt, ap);
    va_end(ap);
    fputc('\n', p->out);
    fflush(p->out);
}

void pg_progress_end(pg_progress *p)
{
    clear_line(p);
    if (p->open_round >= 0)
        fputs("::endgroup::\n", p->out);
    p->open_round = -1;
    fflush(p->out);
}

void pg_progress_free(pg_progress *p)
{
    if (!p)
        return;
    pg_progress_end(p);
    free(p);
}
