// Package tracefile starts and stops an execution trace written to a file,
// for the corpus programs that record their own traces.
package tracefile

import (
	"flag"
	"fmt"
	"os"
	"runtime/trace"
)

// Start creates path and starts tracing into it. The returned function stops
// tracing and closes the file; call it exactly once.
func Start(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting the execution trace: %w", err)
	}
	return func() error {
		trace.Stop()
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return nil
	}, nil
}

// OutputFlag parses the command line of a corpus program, which takes one
// flag, -o FILE, the trace to write, and returns FILE. On a bad command line
// it prints the usage and exits with status 2.
func OutputFlag(usage string) string {
	fs := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	out := fs.String("o", "", "write the execution trace to this file (required)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s -o FILE\n\n%s\n", fs.Name(), usage)
	}
	fs.Parse(os.Args[1:])
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		os.Exit(2)
	}
	return *out
}

// Fatal prints err prefixed with the program's name and exits with status 1.
func Fatal(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[0], err)
	os.Exit(1)
}
