/*
 * Test fixture for the git and store tests: a hermetic git environment
 * (HOME in a temporary directory, no system configuration, a fixed
 * identity) and small helpers to build real repositories with the git CLI
 * and to look at files. Failures end the current cmocka test.
 */
#ifndef GIT_FIXTURE_H
#define GIT_FIXTURE_H

#include <sys/types.h>

#include "pg_git.h"

/* Call once at the start of main(), before anything opens a repository. */
void fx_init(void);
/* A new empty directory under $TMPDIR (or /tmp). */
char *fx_mkdtemp(void);
/* Runs a shell command; returns its exit status. */
int fx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs a shell command that must succeed. */
void fx_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The standard output of a shell command that must succeed, without its
 * trailing newline. */
char *fx_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fx_write(const char *path, const char *text);
/* The whole file, or NULL if it cannot be read. */
char *fx_read(const char *path);
void fx_rm_rf(const char *dir);
/* A new repository at `dir` with n commits on main, each changing one
 * file; their SHAs (allocated) into sha[0..n), oldest first. */
void fx_repo(const char *dir, int n, char **sha);
/* The repository at path, opened with pg_git_open. */
pg_git *fx_open(const char *path);
/* Starts git daemon on a free loopback port, serving the repositories under
 * `root` for fetch and push, and waits until it answers for `repo` (a
 * directory in root). *url is git://127.0.0.1:PORT/<repo>. Returns the
 * daemon's pid, to kill. */
pid_t fx_git_daemon(const char *root, const char *repo, char **url);

#endif
