/*
 * Footnote numbering and superscripts (notes.h).
 */
#include "notes.h"

#include <stdlib.h>
#include <string.h>

#include "pg_alloc.h"

size_t notes_number(notes *fn, const char *msg)
{
    size_t k = 0;
    while (k < fn->n && strcmp(fn->msgs[k], msg) != 0)
        k++;
    if (k == fn->n) {
        fn->msgs = pg_xgrow(fn->msgs, &fn->cap, fn->n + 1, sizeof *fn->msgs);
        fn->msgs[fn->n++] = msg;
    }
    return k + 1;
}

void notes_superscript(pg_buf *b, size_t i)
{
    static const char *const digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    char d[24];
    int n = 0;
    do {
        d[n++] = (char)(i % 10);
        i /= 10;
    } while (i > 0);
    while (n > 0)
        pg_buf_puts(b, digits[(int)d[--n]]);
}

void notes_free(notes *fn)
{
    free(fn->msgs);
}
