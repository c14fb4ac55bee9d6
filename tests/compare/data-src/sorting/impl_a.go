//go:build !variant_b

package sorting

func sortInts(xs []int) int {
	cmps := 0
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0; j-- {
			cmps++
			if xs[j-1] <= xs[j] {
				break
			}
			xs[j-1], xs[j] = xs[j], xs[j-1]
		}
	}
	return cmps
}
