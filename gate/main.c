/*
 * perfgate's entry point: dispatches argv[1] to a subcommand (git's builtin
 * table). Everything else lives in the cmd_*.c files and the libraries.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

struct subcommand {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct subcommand commands[] = {
    {"gate", cmd_gate, "A/B gate: base vs work tree, exit 1 on a regression"},
    {"run", cmd_run, "benchmark HEAD with traces and store the results"},
    {"compare", cmd_compare, "compare benchmark results as benchstat does"},
    {"trace", cmd_trace, "metrics of Go execution traces (blocking, P utilisation, MMU, GC)"},
    {"version", cmd_version, "print perfgate's version and its libraries'"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: perfgate <command> [options] [args]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'perfgate <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return PG_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return PG_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0)
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "perfgate: '%s' is not a perfgate command\n\n", name);
    usage(stderr);
    return PG_EXIT_USAGE;
}
