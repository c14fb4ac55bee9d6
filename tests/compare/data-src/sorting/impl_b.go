//go:build variant_b

package sorting

func sortInts(xs []int) int {
	cmps := 0
	for i := 1; i < len(xs); i++ {
		v := xs[i]
		lo, hi := 0, i
		for lo < hi {
			cmps++
			mid := (lo + hi) / 2
			if xs[mid] <= v {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		copy(xs[lo+1:i+1], xs[lo:i])
		xs[lo] = v
	}
	return cmps
}
