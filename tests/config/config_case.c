/*
 * Driver for the declarative config cases: tests/config/cases/<name>/ holds
 * perfgate.yml, optionally `args` (override flags, one per line: "--count 20",
 * "--no-trace"), and `expected`: either "error: <message>" or the canonical
 * YAML of the resulting config (pg_config_write). CTest runs one test per
 * case; `config_case DIR --update` rewrites `expected` after a deliberate
 * change (review the diff).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_alloc.h"
#include "pg_buf.h"
#include "pg_config.h"

/* Applies each line of `args`: a flag, then its argument if it takes one. */
static int apply_args(pg_config *cfg, const char *text, pg_error *err)
{
    while (*text) {
        const char *end = strchr(text, '\n');
        size_t len = end ? (size_t)(end - text) : strlen(text);
        char *line = pg_xstrndup(text, len);
        char *arg = strchr(line, ' ');
        if (arg)
            *arg++ = '\0';
        const pg_config_flag *flag = pg_config_flag_find(line);
        if (!flag) {
            fprintf(stderr, "config_case: args: unknown flag %s\n", line);
            exit(2);
        }
        int rc = pg_config_apply_flag(cfg, flag, arg, err);
        free(line);
        if (rc < 0)
            return -1;
        text += len + (end != NULL);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (argc == 3 && strcmp(argv[2], "--update") != 0) || argc > 3) {
        fprintf(stderr, "usage: config_case CASE_DIR [--update]\n");
        return 2;
    }
    if (chdir(argv[1]) < 0) {
        fprintf(stderr, "config_case: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    pg_error err = {{0}};
    pg_buf got = {0}, args = {0}, want = {0};
    pg_config *cfg = pg_config_load("perfgate.yml", &err);
    if (cfg && pg_buf_read_file(&args, "args") == 0 &&
        apply_args(cfg, pg_buf_str(&args), &err) < 0) {
        pg_config_free(cfg);
        cfg = NULL;
    }
    if (cfg)
        pg_config_write(cfg, PG_CONFIG_ALL, &got);
    else
        pg_buf_printf(&got, "error: %s\n", err.msg);
    pg_config_free(cfg);

    int rc = 0;
    if (argc == 3) {
        FILE *f = fopen("expected", "wb");
        if (!f || pg_buf_write(&got, f) < 0 || fclose(f) != 0) {
            fprintf(stderr, "config_case: cannot write %s/expected\n", argv[1]);
            rc = 2;
        }
    } else if (pg_buf_read_file(&want, "expected") < 0) {
        fprintf(stderr, "config_case: %s/expected is missing\n", argv[1]);
        rc = 2;
    } else if (strcmp(pg_buf_str(&got), pg_buf_str(&want)) != 0) {
        fprintf(stderr, "config_case: %s: output differs\n--- expected\n%s--- got\n%s", argv[1],
                pg_buf_str(&want), pg_buf_str(&got));
        rc = 1;
    }
    pg_buf_free(&got);
    pg_buf_free(&args);
    pg_buf_free(&want);
    return rc;
}
