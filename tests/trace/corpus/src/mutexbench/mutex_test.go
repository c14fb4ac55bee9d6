// Package mutexbench holds a mutex-contention benchmark for the trace
// corpus: every goroutine of b.RunParallel (one per P) updates one shared map
// under one sync.Mutex, so with more than one P the goroutines queue on the
// lock and block in the runtime's semaphore ("sync" blocking).
package mutexbench

import (
	"sync"
	"testing"
)

// work is n steps of arithmetic, about a nanosecond each.
func work(x uint64, n int) uint64 {
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// BenchmarkMutex holds the lock for about 80% of each operation, long enough
// that a waiter running beside the holder gives up spinning and sleeps.
func BenchmarkMutex(b *testing.B) {
	var (
		mu     sync.Mutex
		counts = make(map[uint64]int)
	)
	b.RunParallel(func(pb *testing.PB) {
		x := uint64(1)
		for pb.Next() {
			x = work(x, 2000)
			mu.Lock()
			x = work(x, 8000)
			counts[x%1024]++
			mu.Unlock()
		}
	})
	if len(counts) == 0 {
		b.Fatal("no operations counted")
	}
}
