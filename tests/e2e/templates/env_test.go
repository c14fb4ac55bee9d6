package work

import (
	"os"
	"strconv"
	"testing"
)

// BenchmarkEnv reports $E2E_FACTOR, as the benchmark process sees it, in a
// custom unit: the end-to-end tests check that the configured environment
// reaches every run.
func BenchmarkEnv(b *testing.B) {
	factor, err := strconv.ParseFloat(os.Getenv("E2E_FACTOR"), 64)
	if err != nil {
		b.Fatalf("E2E_FACTOR: %v", err)
	}
	for i := 0; i < b.N; i++ {
		sink += uint64(Sum(10))
	}
	b.ReportMetric(factor, "factor/op")
}
