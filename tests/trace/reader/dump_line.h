/*
 * The canonical one-line form of a trace event, shared by trace_dump and the
 * reader's tests; godump/main.go prints the very same form from Go's reader.
 *
 *     <time> <Kind> M=<m> P=<p> G=<g> <details>[ stk=[...]]
 *
 * Strings are quoted "..." with bytes outside printable ASCII as \xNN;
 * stacks are [func@file:line#0xpc;...], innermost first.
 */
#ifndef DUMP_LINE_H
#define DUMP_LINE_H

#include "pg_buf.h"
#include "pg_trace.h"

/* Appends the line for ev, newline included. */
void dump_line(pg_buf *b, const pg_trace_event *ev);

#endif
