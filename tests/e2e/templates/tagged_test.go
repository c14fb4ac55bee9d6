//go:build e2etag

package work

import "testing"

// BenchmarkTagged exists only when the test binary is built with
// -tags=e2etag (the build_flags key).
func BenchmarkTagged(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += uint64(Sum(20))
	}
}
