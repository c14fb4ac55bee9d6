/*
 * libFuzzer target: the trace metrics (gate/trace/pg_trace_metrics.h) over
 * arbitrary bytes. The reader rejects or stops at damage; the metrics pass
 * must survive whatever event sequence a damaged-but-decodable trace yields
 * (unknown goroutines, ends without begins, re-reads after mid-generation
 * damage) without a crash, a leak or a hang.
 */
#include <stddef.h>
#include <stdint.h>

#include "pg_trace_metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_error err;
    pg_trace_metrics *m = pg_trace_metrics_compute_mem(data, size, "fuzz", NULL, &err);
    if (!m)
        return 0;
    size_t n;
    const pg_trace_unit *u = pg_trace_metrics_units(m, &n, NULL);
    volatile double sink = 0;
    for (size_t i = 0; i < n; i++)
        sink += u[i].value;
    (void)sink;
    pg_trace_metrics_free(m);
    return 0;
}
