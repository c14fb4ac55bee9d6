/*
 * trace_probe: a throughput probe for the trace reader, run by hand (not a
 * test: timings depend on the machine and its load).
 *
 *     trace_probe file.trace [repeat]
 *
 * Reads every event of the trace `repeat` times (default 1) through
 * pg_trace_reader_next and prints MB/s and ns/event of the best run, plus
 * the peak RSS of the process. Only the events' kinds are looked at, so the
 * numbers are the reader's own cost: decoding, ordering, state tracking.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "pg_trace.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: trace_probe file.trace [repeat]\n");
        return 2;
    }
    int repeat = argc == 3 ? atoi(argv[2]) : 1;
    struct stat st;
    if (stat(argv[1], &st) != 0) {
        perror(argv[1]);
        return 2;
    }
    double best = 0;
    uint64_t events = 0, kinds[32] = {0};
    for (int run = 0; run < repeat; run++) {
        pg_error err = {{0}};
        double t0 = now();
        pg_trace_reader *r = pg_trace_reader_open(argv[1], &err);
        if (!r) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        pg_trace_event ev;
        int rc;
        events = 0;
        while ((rc = pg_trace_reader_next(r, &ev, &err)) > 0) {
            events++;
            kinds[ev.kind & 31]++;
        }
        double dt = now() - t0;
        if (rc < 0)
            fprintf(stderr, "%s\n", err.msg);
        pg_trace_reader_free(r);
        if (run == 0 || dt < best)
            best = dt;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%s: %.1f MB, %" PRIu64 " events, best of %d: %.3f s, %.0f MB/s, %.1f ns/event, "
           "peak RSS %ld MB\n",
           argv[1], (double)st.st_size / 1e6, events, repeat, best, (double)st.st_size / 1e6 / best,
           best * 1e9 / (double)events, ru.ru_maxrss / 1024);
    return kinds[0] == 0 ? 0 : 1;
}
