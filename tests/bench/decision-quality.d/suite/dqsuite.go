// Package dqsuite is the code under test of perfgate's decision-quality
// benchmark (tests/bench/decision-quality): a suite of about thirty small
// benchmarks of the kinds real Go suites have — strings, maps, sorting,
// JSON, hashing, channels, locks, allocation — some quiet and some noisy.
// The script gates it against itself (A/A) and against commits where
// Checksum does a known amount of extra work.
package dqsuite

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Checksum is FNV-1a (64 bits) of p. Its cost is one dependent xor and
// multiply per byte, so it is exactly linear in the bytes hashed: hashing
// extraPermille/1000 of p again slows it down by that fraction, whatever
// the machine, which is what makes the injected slowdown precise.
func Checksum(p []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range p {
		h ^= uint64(c)
		h *= fnvPrime
	}
	for _, c := range p[:len(p)*extraPermille/1000] {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// Record is the payload of the JSON benchmarks.
type Record struct {
	ID      int               `json:"id"`
	Name    string            `json:"name"`
	Email   string            `json:"email"`
	Score   float64           `json:"score"`
	Active  bool              `json:"active"`
	Tags    []string          `json:"tags"`
	Attrs   map[string]string `json:"attrs"`
	Friends []int             `json:"friends"`
}

// Node is an element of the linked-list benchmarks.
type Node struct {
	Value int
	Next  *Node
}
