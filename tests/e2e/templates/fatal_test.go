package work

import "testing"

// BenchmarkFatal fails through the testing package once it is measured for
// real, after passing its first short run (-benchtime=1x).
func BenchmarkFatal(b *testing.B) {
	if b.N > 1 {
		b.Fatalf("e2e: deliberate failure at b.N=%d", b.N)
	}
	for i := 0; i < b.N; i++ {
		sink += uint64(Sum(10))
	}
}
