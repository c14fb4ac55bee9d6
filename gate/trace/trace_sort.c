/*
 * Go's slices.SortFunc (pattern-defeating quicksort, Go 1.22+), ported
 * swap for swap.
 *
 * Go's trace reader sorts two things with it: the CPU samples of a
 * generation, and the threads' cursors when the earliest event cannot
 * happen yet. pdqsort is not stable, so for equal timestamps the order Go
 * ends up with is whatever its swaps produce; replaying the very same swaps
 * is the only way to hand out tied events in Go's order. The port sorts an
 * array of indexes by a key looked up through a callback.
 */
#include "trace_internal.h"

typedef struct sorter {
    uint32_t *d;
    int64_t (*key)(const void *ctx, uint32_t i);
    const void *ctx;
} sorter;

static inline int less(const sorter *s, long i, long j)
{
    return s->key(s->ctx, s->d[i]) < s->key(s->ctx, s->d[j]);
}

static inline void swap(const sorter *s, long i, long j)
{
    uint32_t t = s->d[i];
    s->d[i] = s->d[j];
    s->d[j] = t;
}

static void insertion_sort(const sorter *s, long a, long b)
{
    for (long i = a + 1; i < b; i++)
        for (long j = i; j > a && less(s, j, j - 1); j--)
            swap(s, j, j - 1);
}

static void sift_down(const sorter *s, long lo, long hi, long first)
{
    long root = lo;
    for (;;) {
        long child = 2 * root + 1;
        if (child >= hi)
            return;
        if (child + 1 < hi && less(s, first + child, first + child + 1))
            child++;
        if (!less(s, first + root, first + child))
            return;
        swap(s, first + root, first + child);
        root = child;
    }
}

static void heap_sort(const sorter *s, long a, long b)
{
    long first = a, lo = 0, hi = b - a;
    for (long i = (hi - 1) / 2; i >= 0; i--)
        sift_down(s, i, hi, first);
    for (long i = hi - 1; i >= 0; i--) {
        swap(s, first, first + i);
        sift_down(s, lo, i, first);
    }
}

static long partition(const sorter *s, long a, long b, long pivot, int *already)
{
    swap(s, a, pivot);
    long i = a + 1, j = b - 1;
    while (i <= j && less(s, i, a))
        i++;
    while (i <= j && !less(s, j, a))
        j--;
    if (i > j) {
        swap(s, j, a);
        *already = 1;
        return j;
    }
    swap(s, i, j);
    i++;
    j--;
    for (;;) {
        while (i <= j && less(s, i, a))
            i++;
        while (i <= j && !less(s, j, a))
            j--;
        if (i > j)
            break;
        swap(s, i, j);
        i++;
        j--;
    }
    swap(s, j, a);
    *already = 0;
    return j;
}

static long partition_equal(const sorter *s, long a, long b, long pivot)
{
    swap(s, a, pivot);
    long i = a + 1, j = b - 1;
    for (;;) {
        while (i <= j && !less(s, a, i))
            i++;
        while (i <= j && less(s, a, j))
            j--;
        if (i > j)
            break;
        swap(s, i, j);
        i++;
        j--;
    }
    return i;
}

static int partial_insertion_sort(const sorter *s, long a, long b)
{
    const int max_steps = 5;
    const long shortest_shifting = 50;
    long i = a + 1;
    for (int step = 0; step < max_steps; step++) {
        while (i < b && !less(s, i, i - 1))
            i++;
        if (i == b)
            return 1;
        if (b - a < shortest_shifting)
            return 0;
        swap(s, i, i - 1);
        if (i - a >= 2) {
            /* Go's loop runs down to index 1, not a+1; kept as is. */
            for (long j = i - 1; j >= 1; j--) {
                if (!less(s, j, j - 1))
                    break;
                swap(s, j, j - 1);
            }
        }
        if (b - i >= 2) {
            for (long j = i + 1; j < b; j++) {
                if (!less(s, j, j - 1))
                    break;
                swap(s, j, j - 1);
            }
        }
    }
    return 0;
}

static unsigned bits_len(unsigned long x)
{
    unsigned n = 0;
    while (x) {
        n++;
        x >>= 1;
    }
    return n;
}

static void break_patterns(const sorter *s, long a, long b)
{
    long length = b - a;
    if (length < 8)
        return;
    uint64_t random = (uint64_t)length;
    unsigned long modulus = 1ul << bits_len((unsigned long)length);
    for (long idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; idx++) {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        long other = (long)((unsigned long)random & (modulus - 1));
        if (other >= length)
            other -= length;
        swap(s, idx, a + other);
    }
}

enum { HINT_UNKNOWN, HINT_INCREASING, HINT_DECREASING };

static long median(const sorter *s, long a, long b, long c, int *swaps)
{
    long t;
    if (less(s, b, a)) {
        (*swaps)++;
        t = a, a = b, b = t;
    }
    if (less(s, c, b)) {
        (*swaps)++;
        t = b, b = c, c = t;
    }
    if (less(s, b, a)) {
        (*swaps)++;
        t = a, a = b, b = t;
    }
    return b;
}

static long choose_pivot(const sorter *s, long a, long b, int *hint)
{
    const long shortest_ninther = 50;
    const int max_swaps = 4 * 3;
    long l = b - a;
    int swaps = 0;
    long i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;
    if (l >= 8) {
        if (l >= shortest_ninther) {
            i = median(s, i - 1, i, i + 1, &swaps);
            j = median(s, j - 1, j, j + 1, &swaps);
            k = median(s, k - 1, k, k + 1, &swaps);
        }
        j = median(s, i, j, k, &swaps);
    }
    *hint = swaps == 0 ? HINT_INCREASING : swaps == max_swaps ? HINT_DECREASING : HINT_UNKNOWN;
    return j;
}

static void reverse_range(const sorter *s, long a, long b)
{
    for (long i = a, j = b - 1; i < j; i++, j--)
        swap(s, i, j);
}

static void pdqsort(const sorter *s, long a, long b, int limit)
{
    const long max_insertion = 12;
    int was_balanced = 1, was_partitioned = 1;
    for (;;) {
        long length = b - a;
        if (length <= max_insertion) {
            insertion_sort(s, a, b);
            return;
        }
        if (limit == 0) {
            heap_sort(s, a, b);
            return;
        }
        if (!was_balanced) {
            break_patterns(s, a, b);
            limit--;
        }
        int hint;
        long pivot = choose_pivot(s, a, b, &hint);
        if (hint == HINT_DECREASING) {
            reverse_range(s, a, b);
            pivot = (b - 1) - (pivot - a);
            hint = HINT_INCREASING;
        }
        if (was_balanced && was_partitioned && hint == HINT_INCREASING) {
            if (partial_insertion_sort(s, a, b))
                return;
        }
        if (a > 0 && !less(s, a - 1, pivot)) {
            a = partition_equal(s, a, b, pivot);
            continue;
        }
        int already;
        long mid = partition(s, a, b, pivot, &already);
        was_partitioned = already;
        long left = mid - a, right = b - mid;
        long threshold = length / 8;
        if (left < right) {
            was_balanced = left >= threshold;
            pdqsort(s, a, mid, limit);
            a = mid + 1;
        } else {
            was_balanced = right >= threshold;
            pdqsort(s, mid + 1, b, limit);
            b = mid;
        }
    }
}

void trace_sort(uint32_t *idx, size_t n, int64_t (*key)(const void *ctx, uint32_t i),
                const void *ctx)
{
    sorter s = {idx, key, ctx};
    pdqsort(&s, 0, (long)n, (int)bits_len(n));
}
