/*
 * Go-compatible float formatting.
 *
 * The shortest round-trip digit string is found by asking printf for 1, 2,
 * ... 17 significant digits and keeping the first that parses back to the
 * same double; glibc's printf and strtod are correctly rounded, so this gives
 * exactly the digits Go's Ryu-based strconv produces.
 */
#include "pg_fmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pg_fmt_shortest_digits(double v, char digits[18], int *exp10)
{
    char tmp[40];
    v = fabs(v);
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
        if (prec < 17 && strtod(tmp, NULL) != v)
            continue;
        /* tmp is "d.ddde[+-]XX" */
        int n = 0;
        const char *p = tmp;
        for (; *p && *p != 'e'; p++)
            if (*p != '.')
                digits[n++] = *p;
        while (n > 1 && digits[n - 1] == '0')
            n--;
        digits[n] = '\0';
        *exp10 = atoi(p + 1);
        return n;
    }
    return 0; /* not reached */
}

/* Digits d (n of them, first digit's exponent x) without an exponent. */
static void put_positional(pg_buf *b, const char *d, int n, int x)
{
    if (x < 0) {
        pg_buf_puts(b, "0.");
        pg_buf_pad(b, '0', (size_t)(-x - 1));
        pg_buf_append(b, d, (size_t)n);
    } else if (n <= x + 1) {
        pg_buf_append(b, d, (size_t)n);
        pg_buf_pad(b, '0', (size_t)(x + 1 - n));
    } else {
        pg_buf_append(b, d, (size_t)x + 1);
        pg_buf_putc(b, '.');
        pg_buf_append(b, d + x + 1, (size_t)(n - x - 1));
    }
}

/* Sign, then the shortest digits, in exponent form (Go's %v rule) when
 * `exponent` allows and the exponent is < -4 or >= 6. v is finite. */
static void put_shortest(pg_buf *b, double v, int exponent)
{
    if (signbit(v))
        pg_buf_putc(b, '-');
    if (v == 0) {
        pg_buf_putc(b, '0');
        return;
    }
    char d[18];
    int x;
    int n = pg_fmt_shortest_digits(v, d, &x);
    if (exponent && (x < -4 || x >= 6)) {
        pg_buf_putc(b, d[0]);
        if (n > 1) {
            pg_buf_putc(b, '.');
            pg_buf_append(b, d + 1, (size_t)n - 1);
        }
        pg_buf_printf(b, "e%c%02d", x < 0 ? '-' : '+', abs(x));
    } else {
        put_positional(b, d, n, x);
    }
}

void pg_fmt_positional(pg_buf *b, double v)
{
    put_shortest(b, v, 0);
}

void pg_fmt_go_float(pg_buf *b, double v)
{
    if (isnan(v))
        pg_buf_puts(b, "NaN");
    else if (isinf(v))
        pg_buf_puts(b, v > 0 ? "+Inf" : "-Inf");
    else
        put_shortest(b, v, 1);
}
