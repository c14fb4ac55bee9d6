package work

import "testing"

// BenchmarkOld exists only on the side that has this file: a removed benchmark.
func BenchmarkOld(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += uint64(Sum(300))
	}
}
