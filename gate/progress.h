/*
 * Progress of a long benchmark run, for people and for CI logs.
 *
 * On a terminal: one self-overwriting line with a bar, the current
 * benchmark and an ETA. In CI (CI=true) or without a TTY: one plain line
 * per finished run, and on GitHub Actions each round folded in a
 * ::group:: so the log stays readable.
 */
#ifndef PG_PROGRESS_H
#define PG_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

typedef struct pg_progress pg_progress;

pg_progress *pg_progress_create(FILE *out);
/* Before a run: `done` of `total` runs finished, `name`/`side` about to run. */
void pg_progress_update(pg_progress *p, size_t done, size_t total, int round, int rounds,
                        const char *name, const char *side, double elapsed_sec);
/* After a run: its wall time and whether it failed. */
void pg_progress_finished(pg_progress *p, const char *name, const char *side, double wall_sec,
                          const char *failure);
/* Clears the terminal line and closes the open group: the run is over. */
void pg_progress_end(pg_progress *p);
/* Ends and frees. */
void pg_progress_free(pg_progress *p);
/* Prints a plain message (a warning, a phase) without breaking the bar. */
void pg_progress_note(pg_progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
