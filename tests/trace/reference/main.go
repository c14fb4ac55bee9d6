// Command reference is perfgate's independent oracle for `perfgate trace`:
// it prints, per trace, the same JSON object (same field names) computed
// with Go's own trace reader and a separate implementation of every
// definition in gate/trace/pg_trace_metrics.h. The test suite compares
// perfgate's output with what this tool printed once (tests/trace/metrics/
// expected/), so the tests need neither Go modules nor network.
//
//	reference [-mmu-windows LIST] TRACE...       metrics, one JSON object per line
//	reference -gotool [-mmu-windows LIST] TRACE...  check against go tool trace
//
// -gotool runs the installed `go tool trace` on each trace and compares its
// -pprof totals and its live /mmu endpoint with this tool (validate.go).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// window is one MMU window size and the JSON key perfgate gives it.
type window struct {
	name string
	d    time.Duration
}

// parseWindows reads "100us,1ms,10ms,100ms" (units ns, us, µs, ms, s).
func parseWindows(list string) ([]window, error) {
	var out []window
	for _, w := range strings.Split(list, ",") {
		w = strings.TrimSpace(w)
		i := strings.IndexFunc(w, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i <= 0 {
			return nil, fmt.Errorf("MMU window %q: want a number and a unit (ns, us, ms, s)", w)
		}
		v, err := strconv.ParseFloat(w[:i], 64)
		if err != nil {
			return nil, fmt.Errorf("MMU window %q: %v", w, err)
		}
		unit := map[string]float64{"ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9}[w[i:]]
		if unit == 0 || v <= 0 {
			return nil, fmt.Errorf("MMU window %q: want a positive number and a unit (ns, us, ms, s)", w)
		}
		ns := int64(v*unit + 0.5)
		out = append(out, window{windowName(ns), time.Duration(ns)})
	}
	return out, nil
}

// windowName is the shortest exact spelling: 1ms, 2500us, 1s.
func windowName(ns int64) string {
	switch {
	case ns%1e9 == 0:
		return fmt.Sprintf("%ds", ns/1e9)
	case ns%1e6 == 0:
		return fmt.Sprintf("%dms", ns/1e6)
	case ns%1e3 == 0:
		return fmt.Sprintf("%dus", ns/1e3)
	}
	return fmt.Sprintf("%dns", ns)
}

func main() {
	windowsFlag := flag.String("mmu-windows", "100us,1ms,10ms,100ms", "MMU window sizes")
	gotool := flag.Bool("gotool", false, "compare with the installed go tool trace instead of printing metrics")
	flag.Parse()
	windows, err := parseWindows(*windowsFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reference:", err)
		os.Exit(2)
	}
	status := 0
	enc := json.NewEncoder(os.Stdout)
	for _, path := range flag.Args() {
		if *gotool {
			if !validate(path, windows) {
				status = 1
			}
			continue
		}
		res, err := compute(path, windows)
		if errors.Is(err, errNoGeneration) {
			// What perfgate must say (exit 2, this in its message).
			enc.Encode(map[string]string{"file": path, "error": err.Error()})
			status = 2
			continue
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "reference:", err)
			status = 2
			continue
		}
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, "reference:", err)
			os.Exit(3)
		}
	}
	os.Exit(status)
}
