// Package allocbench holds a GC-heavy benchmark for the trace corpus: every
// operation builds a small binary tree and a byte slice while a few megabytes
// of long-lived pointers stay live, so the collector runs often, its mark
// phase has real work, and the allocating goroutines are drafted into mark
// assists.
package allocbench

import "testing"

type node struct {
	left, right *node
	value       int
}

func tree(depth int) *node {
	if depth == 0 {
		return &node{value: 1}
	}
	return &node{left: tree(depth - 1), right: tree(depth - 1), value: depth}
}

func (n *node) sum() int {
	if n == nil {
		return 0
	}
	return n.value + n.left.sum() + n.right.sum()
}

// live is the long-lived heap every GC cycle must mark: 64 trees of 2047
// nodes, about 4 MiB.
var live = func() []*node {
	trees := make([]*node, 64)
	for i := range trees {
		trees[i] = tree(10)
	}
	return trees
}()

// BenchmarkAlloc allocates a 255-node tree and a 4 KiB slice per operation
// on every P, replacing one slot of a per-goroutine window of 32 recent
// results so that young objects survive a little while.
func BenchmarkAlloc(b *testing.B) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var window [32]*node
		var bytes [32][]byte
		sum := 0
		for i := 0; pb.Next(); i++ {
			window[i%len(window)] = tree(7)
			bytes[i%len(bytes)] = make([]byte, 4<<10)
			sum += window[(i+1)%len(window)].sum()
		}
		if sum < 0 || len(live) != 64 {
			b.Fatal("unreachable: keeps sum and live alive")
		}
	})
}
