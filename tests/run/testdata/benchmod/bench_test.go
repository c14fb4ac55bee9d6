// Benchmarks for perfgate's runner tests: a flat benchmark, one with
// sub-benchmarks, and two that misbehave when asked to (panic, hang).
package benchmod

import (
	"os"
	"testing"
	"time"
)

var sink int

func work(n int) {
	for i := 0; i < n; i++ {
		sink += i * i
	}
}

func BenchmarkFlat(b *testing.B) {
	for i := 0; i < b.N; i++ {
		work(100)
	}
}

func BenchmarkSizes(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run("n="+itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				work(n)
			}
		})
	}
}

func BenchmarkMisbehave(b *testing.B) {
	switch os.Getenv("PERFGATE_TEST_MISBEHAVE") {
	case "panic":
		panic("benchmark exploded")
	case "hang":
		time.Sleep(time.Hour)
	}
	for i := 0; i < b.N; i++ {
		work(10)
	}
}

func TestNothing(t *testing.T) {}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
