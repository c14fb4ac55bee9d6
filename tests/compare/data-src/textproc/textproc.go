// Package textproc is a small real workload whose benchmarks produce the
// genuine `go test -bench` output used by perfgate's compare test corpus.
// The variant_b build tag swaps in a second implementation, so that two
// recordings differ for a real reason.
package textproc

import "strings"

// Words splits s at ASCII spaces and returns the non-empty fields.
func Words(s string) []string { return words(s) }

// Join joins parts with sep.
func Join(parts []string, sep string) string { return join(parts, sep) }

// Upper returns s with ASCII letters in upper case.
func Upper(s string) string { return strings.ToUpper(s) }
