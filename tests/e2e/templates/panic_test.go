package work

import "testing"

// BenchmarkPanic passes its first short run (-benchtime=1x, how perfgate
// finds benchmarks) and panics once it is measured for real.
func BenchmarkPanic(b *testing.B) {
	if b.N > 1 {
		panic("e2e: deliberate panic in BenchmarkPanic")
	}
	for i := 0; i < b.N; i++ {
		sink += uint64(Sum(10))
	}
}
