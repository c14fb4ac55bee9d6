/*
 * Reporters: render a pg_comparison (gate/compare) as text, CSV, JSON or
 * Markdown. They format; they compute no statistics. Text and CSV are
 * byte for byte benchstat's (benchstat-spec §5, §6); the JSON schema is
 * documented in compare-json.md.
 */
#ifndef PG_REPORT_H
#define PG_REPORT_H

#include "pg_buf.h"
#include "pg_compare.h"

/* benchstat's default text tables, footnotes included. */
void pg_report_text(pg_buf *out, const pg_comparison *m);
/* benchstat -format csv; its warnings ("B3: need >= 6 samples ...") go to
 * `warnings`, one per line, as benchstat prints them on stderr. */
void pg_report_csv(pg_buf *out, pg_buf *warnings, const pg_comparison *m);
/* One JSON document (compare-json.md), every number at full precision. */
void pg_report_json(pg_buf *out, const pg_comparison *m);
/* GitHub-flavoured Markdown: one table per benchstat table, untrusted
 * text (benchmark names, configuration values) escaped. */
void pg_report_markdown(pg_buf *out, const pg_comparison *m);

#endif
