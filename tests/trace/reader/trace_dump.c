/*
 * trace_dump: prints the C reader's view of a trace in the canonical
 * one-line-per-event form that godump/main.go prints from Go's own reader,
 * so the two can be compared line by line (dev-diff.sh) or by summary
 * (the golden files checked by CTest).
 *
 *     trace_dump [--summary] file.trace      ("-" reads stdin)
 *
 * --summary prints the event count, the count per kind and the FNV-1a 64
 * hash of the full dump. A damaged trace ends with an "error" line (its
 * message in full mode).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump_line.h"

int main(int argc, char **argv)
{
    int summary = argc == 3 && strcmp(argv[1], "--summary") == 0;
    if (argc != 2 && !summary) {
        fprintf(stderr, "usage: trace_dump [--summary] file.trace\n");
        return 2;
    }
    pg_error err = {{0}};
    pg_trace_reader *r = pg_trace_reader_open(argv[argc - 1], &err);
    uint64_t counts[64] = {0}, n = 0;
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 */
    pg_buf b = {0};
    int rc = -1;
    if (r) {
        pg_trace_event ev;
        while ((rc = pg_trace_reader_next(r, &ev, &err)) > 0) {
            pg_buf_truncate(&b, 0);
            dump_line(&b, &ev);
            n++;
            counts[ev.kind < 64 ? ev.kind : 0]++;
            if (summary) {
                for (size_t i = 0; i < b.len; i++) {
                    h ^= (unsigned char)b.data[i];
                    h *= 0x100000001b3ull;
                }
            } else {
                fwrite(b.data, 1, b.len, stdout);
            }
        }
    }
    if (summary) {
        /* Kinds sorted by name, as godump's sort.Strings. */
        const char *names[64];
        int nk = 0;
        for (int k = 0; k < 64; k++)
            if (counts[k])
                names[nk++] = pg_trace_kind_name((pg_trace_kind)k);
        for (int i = 1; i < nk; i++)
            for (int j = i; j > 0 && strcmp(names[j], names[j - 1]) < 0; j--) {
                const char *t = names[j];
                names[j] = names[j - 1];
                names[j - 1] = t;
            }
        printf("events %" PRIu64 "\n", n);
        for (int i = 0; i < nk; i++)
            for (int k = 0; k < 64; k++)
                if (counts[k] && strcmp(pg_trace_kind_name((pg_trace_kind)k), names[i]) == 0)
                    printf("kind %s %" PRIu64 "\n", names[i], counts[k]);
        printf("fnv64 %016" PRIx64 "\n", h);
    }
    if (rc < 0)
        printf(summary ? "error\n" : "error %s\n", err.msg);
    pg_buf_free(&b);
    pg_trace_reader_free(r);
    return 0;
}
