package sorting

import (
	"fmt"
	"math/rand"
	"testing"
)

func BenchmarkSort(b *testing.B) {
	for _, n := range []int{16, 256} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			r := rand.New(rand.NewSource(1))
			src := make([]int, n)
			for i := range src {
				src[i] = r.Intn(1000)
			}
			xs := make([]int, n)
			cmps := 0
			for i := 0; i < b.N; i++ {
				copy(xs, src)
				cmps += Sort(xs)
			}
			b.ReportMetric(float64(cmps)/float64(b.N), "cmps/op")
		})
	}
}

func TestSort(t *testing.T) {
	xs := []int{5, 2, 9, 1, 5, 6}
	Sort(xs)
	for i := 1; i < len(xs); i++ {
		if xs[i-1] > xs[i] {
			t.Fatalf("not sorted: %v", xs)
		}
	}
}
