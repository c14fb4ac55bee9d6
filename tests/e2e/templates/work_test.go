package work

import (
	"strconv"
	"testing"
)

var sink uint64

func BenchmarkHash(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += Hash(uint64(i))
	}
}

var keep []byte

func BenchmarkFill(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		keep = Fill(1024)
	}
}

func BenchmarkSum(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink += uint64(Sum(n))
			}
		})
	}
}

func TestHash(t *testing.T) {
	if Hash(1) == Hash(2) {
		t.Fatal("Hash ignores its seed")
	}
}
