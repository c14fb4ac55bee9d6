// Command trace-speed-goread is the baseline of tests/bench/trace-speed: Go's
// own execution-trace reader (golang.org/x/exp/trace, the mirror of the
// internal/trace that go tool trace uses) doing nothing but reading every
// event of each trace. It prints, per trace, the file, its size and the
// number of events read, so that the script can compute MB/s and ns/event.
//
//	trace-speed-goread TRACE...
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/exp/trace"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: trace-speed-goread TRACE...")
		os.Exit(2)
	}
	for _, path := range os.Args[1:] {
		n, size, err := read(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "trace-speed-goread: %s: %v\n", path, err)
			os.Exit(1)
		}
		fmt.Printf("%s %d bytes %d events\n", path, size, n)
	}
}

func read(path string) (events, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return 0, 0, err
	}
	for {
		_, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			return events, st.Size(), nil
		}
		if err != nil {
			return events, st.Size(), err
		}
		events++
	}
}
