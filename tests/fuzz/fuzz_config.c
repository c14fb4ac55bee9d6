/*
 * libFuzzer target for the .perfgate.yml loader (config/).
 *
 * Beyond "no crash, no leak, no UB", it checks what the loader promises:
 * an error message always starts with the file name and position; a config
 * that loads has a canonical text that loads back to the same canonical
 * text; an override flag applied with the input's first line either fails
 * naming the flag, or keeps that round trip intact; and the threshold
 * lookups and the hash work on whatever was loaded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"
#include "pg_buf.h"
#include "pg_config.h"

#define NAME "fuzz.yml"

static void check_round_trip(const pg_config *cfg)
{
    pg_buf once = {0}, twice = {0};
    pg_error err = {{0}};
    pg_config_write(cfg, PG_CONFIG_ALL, &once);
    pg_config *again = pg_config_parse(once.data, once.len, "canonical", &err);
    if (!again) {
        fprintf(stderr, "canonical text does not load: %s\n%s", err.msg, pg_buf_str(&once));
        abort();
    }
    pg_config_write(again, PG_CONFIG_ALL, &twice);
    if (strcmp(pg_buf_str(&once), pg_buf_str(&twice)) != 0) {
        fprintf(stderr, "canonical text changed:\n%s---\n%s", pg_buf_str(&once),
                pg_buf_str(&twice));
        abort();
    }
    char h1[PG_CONFIG_HASH_LEN + 1], h2[PG_CONFIG_HASH_LEN + 1];
    pg_config_hash(cfg, PG_CONFIG_MEASUREMENT, h1);
    pg_config_hash(again, PG_CONFIG_MEASUREMENT, h2);
    if (strcmp(h1, h2) != 0)
        abort();
    pg_config_free(again);
    pg_buf_free(&once);
    pg_buf_free(&twice);
}

static void exercise_rules(const pg_config *cfg)
{
    static const char *const units[] = {"sec/op", "B/op", "B/s", "mmu-1ms", "p-util", "x"};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        const pg_threshold *r =
            pg_config_threshold_match(cfg, "example.com/m", "BenchmarkParse/small-8", units[i]);
        if (r)
            (void)pg_config_threshold_exceeded(r, units[i], 1.0, 1.07);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_error err = {{0}};
    pg_config *cfg = pg_config_parse((const char *)data, size, NAME, &err);
    if (!cfg) {
        if (strncmp(err.msg, NAME ":", strlen(NAME ":")) != 0) {
            fprintf(stderr, "error without a position: %s\n", err.msg);
            abort();
        }
        return 0;
    }
    check_round_trip(cfg);
    exercise_rules(cfg);

    /* An override: the flag picked by the first byte, its argument the
     * rest of the first line. */
    if (size > 0) {
        size_t n;
        const pg_config_flag *flags = pg_config_flags(&n);
        const pg_config_flag *flag = &flags[data[0] % n];
        const char *nl = memchr(data, '\n', size);
        size_t len = nl ? (size_t)(nl - (const char *)data) : size;
        char *arg = pg_xstrndup((const char *)data + 1, len > 0 ? len - 1 : 0);
        if (pg_config_apply_flag(cfg, flag, arg, &err) < 0) {
            if (strncmp(err.msg, flag->name, strlen(flag->name)) != 0) {
                fprintf(stderr, "override error without the flag: %s\n", err.msg);
                abort();
            }
        } else {
            check_round_trip(cfg);
        }
        free(arg);
    }
    pg_config_free(cfg);
    return 0;
}
