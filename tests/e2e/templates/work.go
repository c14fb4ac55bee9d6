// Package work is the code under test of perfgate's end-to-end tests: a few
// cheap functions whose cost the setup scripts scale with loop counts.
package work

// hashRounds scales Hash: twice the rounds, twice the time.
const hashRounds = @HASH_ROUNDS@

// Hash mixes hashRounds values with FNV-1a steps.
func Hash(seed uint64) uint64 {
	h := uint64(14695981039346656037) ^ seed
	for i := 0; i < hashRounds; i++ {
		h ^= uint64(i)
		h *= 1099511628211
	}
	return h
}

// Fill returns a fresh slice of n bytes counting up: one allocation of n bytes.
func Fill(n int) []byte {
	s := make([]byte, n)
	for i := range s {
		s[i] = byte(i)
	}
	return s
}

// Sum adds up the first n integers the slow way.
func Sum(n int) int {
	t := 0
	for i := 0; i < n; i++ {
		t += i
	}
	return t
}
