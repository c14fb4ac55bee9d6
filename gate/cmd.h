/*
 * The subcommands. Each lives in its own cmd_<name>.c, parses its own flags,
 * and returns the process exit status (see below); only these functions and
 * main() print to stdout/stderr.
 */
#ifndef PG_CMD_H
#define PG_CMD_H

/* Exit statuses, the contract of DESIGN.md. */
enum {
    PG_EXIT_OK = 0,         /* pass */
    PG_EXIT_REGRESSION = 1, /* the gate found a regression */
    PG_EXIT_USAGE = 2,      /* usage or configuration error, unreadable input */
    PG_EXIT_RUNTIME = 3,    /* build failed, go missing, store unreadable, ... */
};

int cmd_compare(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_gate(int argc, char **argv);
int cmd_trace(int argc, char **argv);

#endif
