/*
 * libFuzzer target: arbitrary bytes as one line of a result store. Stored
 * result sets are external input (anyone who can push the notes ref, or
 * edit a results file, writes them), so parsing must never crash and must
 * reject what it cannot represent. A line that parses must also survive a
 * round trip: written out and parsed again it gives the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pg_resultset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pg_error err;
    pg_resultset *rs = pg_resultset_parse((const char *)data, size, "fuzz", &err);
    if (!rs)
        return 0;
    pg_buf once = {0}, twice = {0};
    pg_resultset_to_json(rs, &once);
    pg_resultset *back = pg_resultset_parse(once.data, once.len - 1, "round trip", &err);
    if (!back)
        abort(); /* perfgate wrote a line it cannot read */
    pg_resultset_to_json(back, &twice);
    if (once.len != twice.len || memcmp(once.data, twice.data, once.len) != 0)
        abort();
    pg_buf_free(&once);
    pg_buf_free(&twice);
    pg_resultset_free(back);
    pg_resultset_free(rs);
    return 0;
}
