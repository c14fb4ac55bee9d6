/*
 * libFuzzer target for the trace reader: any bytes must give events and
 * then an end or an error, never a crash, a hang or a leak. Seeds in
 * corpus/trace/ are small real traces of every format (22 to 26) and
 * hand-made edge cases.
 */
#include <stddef.h>
#include <stdint.h>

#include "pg_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_error err;
    pg_trace_reader *r = pg_trace_reader_open_mem(data, size, "fuzz.trace", &err);
    if (!r)
        return 0;
    pg_trace_event ev;
    int64_t last = INT64_MIN;
    while (pg_trace_reader_next(r, &ev, &err) > 0) {
        /* Touch what the event points to, so ASan checks it. */
        if (ev.time <= last)
            __builtin_trap();
        last = ev.time;
        for (size_t i = 0; i < ev.stack.n; i++)
            (void)(ev.stack.frames[i].func.s[ev.stack.frames[i].func.len] +
                   ev.stack.frames[i].file.s[ev.stack.frames[i].file.len]);
        if (ev.kind == PG_TRACE_GO_STATE)
            (void)ev.u.go.reason.s[ev.u.go.reason.len];
    }
    pg_trace_reader_free(r);
    return 0;
}
