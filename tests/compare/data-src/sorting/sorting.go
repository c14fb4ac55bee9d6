// Package sorting is a second small real workload for perfgate's compare
// test corpus: an insertion sort that counts its comparisons, reported as a
// custom benchmark metric. variant_b switches to a binary insertion sort.
package sorting

// Sort sorts xs in place and returns the number of comparisons it made.
func Sort(xs []int) int { return sortInts(xs) }
