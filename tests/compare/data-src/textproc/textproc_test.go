package textproc

import (
	"fmt"
	"strings"
	"testing"
)

func text(n int) string {
	return strings.Repeat("lorem ipsum dolor sit amet ", n)
}

func BenchmarkWords(b *testing.B) {
	for _, n := range []int{10, 1000} {
		s := text(n)
		b.Run(fmt.Sprintf("size=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(s)))
			for i := 0; i < b.N; i++ {
				Words(s)
			}
		})
	}
}

func BenchmarkJoin(b *testing.B) {
	parts := Words(text(50))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Join(parts, ",")
	}
}

func BenchmarkUpper(b *testing.B) {
	s := text(100)
	b.SetBytes(int64(len(s)))
	for i := 0; i < b.N; i++ {
		Upper(s)
	}
}
