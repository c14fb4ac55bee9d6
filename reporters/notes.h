/*
 * Footnotes shared by the text and Markdown reporters: warnings numbered
 * by first use within a table, written as superscripts (¹, ², ... ¹⁰) the
 * way benchstat writes them. Private to pg_reporters.
 */
#ifndef PG_REPORT_NOTES_H
#define PG_REPORT_NOTES_H

#include <stddef.h>

#include "pg_buf.h"

typedef struct notes {
    const char **msgs; /* borrowed from the model */
    size_t n, cap;
} notes;

/* The 1-based number of msg, numbering it if it is new. */
size_t notes_number(notes *fn, const char *msg);
/* Appends i in superscript digits. */
void notes_superscript(pg_buf *b, size_t i);
void notes_free(notes *fn);

#endif
