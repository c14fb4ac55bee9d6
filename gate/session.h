/*
 * What `perfgate run` and `perfgate gate` share: the command line (the
 * config's override flags plus their own), finding the Go module and its
 * repository, the result-set metadata of one side, and storing results.
 */
#ifndef PG_SESSION_H
#define PG_SESSION_H

#include "pg_compare.h"
#include "pg_config.h"
#include "pg_error.h"
#include "pg_git.h"
#include "pg_go.h"
#include "pg_resultset.h"
#include "pg_store.h"
#include "progress.h"
#include "pg_suite.h"

/* A command-specific flag besides the config's override flags. */
typedef struct pg_session_flag {
    const char *name;    /* "--push" */
    const char *metavar; /* "REMOTE"; NULL for a switch */
    const char *help;
} pg_session_flag;

typedef struct pg_session {
    const char *command; /* "run" or "gate" */
    pg_config *cfg;
    pg_git *git;
    pg_git_head head;
    char *module_dir; /* absolute, no trailing '/': where go.mod is */
    char *module_rel; /* module_dir relative to the work tree root ("" at the root) */
    pg_go *go;
    pg_progress *progress;
    /* Values of the command's own flags, by index into its flag table
     * (NULL: not given; a switch given is "1"). */
    const char **own;
} pg_session;

/* Parses argv, loads the config (--config F, else .perfgate.yml at the
 * module root), applies the override flags, opens the repository, reads
 * HEAD and finds the toolchain. Returns -1 when the command should go on;
 * otherwise the session is closed and the return value is the exit status
 * (0 after --help; 2 or 3 after printing an error). */
int pg_session_open(pg_session *s, const char *command, const char *summary, int argc, char **argv,
                    const pg_session_flag *own, size_t nown);
void pg_session_close(pg_session *s);

/* Before anything runs: a --push remote must be reachable (its notes are
 * fetched and merged, as the push would); -1 after printing why. */
int pg_session_check_push(pg_session *s, pg_store *store, const char *push_remote);

/* A result set for `commit` measured on this machine with this config. */
pg_resultset *pg_session_resultset(pg_session *s, const char *commit, int dirty, pg_error *err);
/* Opens the configured store. */
pg_store *pg_session_store(pg_session *s, pg_error *err);
/* Stores `rs` (a dirty one is not stored, with a note why) and pushes
 * the notes to `push_remote` if not NULL. Returns 0, or -1 after printing
 * the error (an exit-3 failure). */
int pg_session_save(pg_session *s, pg_store *store, const pg_resultset *rs,
                    const char *push_remote);
/* The comparison of result sets `base` and `head` (columns "base" and
 * "head", values tidied as benchstat tidies them), with the config's alpha
 * and confidence. `head` alone gives a one-column comparison. Free the
 * comparison, then *compare. */
pg_comparison *pg_session_compare(const pg_config *cfg, const pg_resultset *base,
                                  const pg_resultset *head, pg_compare **compare);
/* Progress events for pg_suite that draw on s->progress. */
pg_suite_events pg_session_events(pg_session *s);
/* Builds and enumerates side `which` (PG_SIDE_BASE or PG_SIDE_HEAD) of the
 * module in `dir` into `suite`; a compile failure is printed with the
 * compiler's output. Returns 0, or -1 (an exit-3 failure). */
int pg_session_add_side(pg_session *s, pg_suite *suite, int which, const char *dir,
                        pg_resultset *rs);
/* Adds the work tree's module (s->module_dir) as the head side, measured
 * into `head` (after the base side, if the caller added one), runs the
 * suite and ends the progress display. Returns 0, or the exit status after
 * printing why perfgate could not go on: 2 when no benchmark matches the
 * configured pattern (a gate that measured nothing must not pass), 3 when
 * the head side does not build or a process could not be started. */
int pg_session_run_suite(pg_session *s, pg_suite *suite, pg_resultset *head);
/* Prints the warnings and failures of a suite run (benchmark, side, what,
 * output). */
void pg_session_print_failures(const pg_suite *suite, FILE *out);

#endif
