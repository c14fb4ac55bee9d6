// Command tracestat summarises Go execution traces with Go's own trace
// parser (golang.org/x/exp/trace, a mirror of the runtime's
// internal/trace), for the corpus README and as an independent check that
// every corpus file parses. It prints one tab-separated row per trace under
// a header row:
//
//	file      the path as given
//	format    the header's version: 22 for "go 1.22 trace", 26 for "go 1.26 trace"
//	bytes     file size
//	events    events the parser returns (Sync events included)
//	gens      generations (Sync events minus the final one)
//	dur_ms    last event time minus first event time
//	procs     the GOMAXPROCS values in order of change, e.g. "2" or "2,1,2"
//	gos       goroutines created during the trace
//	gcs       GC cycles begun ("GC concurrent mark phase" ranges)
//	stws      stop-the-world ranges begun, of which GC ones after the slash
//	blocks    goroutine transitions Running→Waiting
//	syscalls  goroutine transitions Running→Syscall
//	tasks, regions, logs, samples (CPU profile samples), experimental
//
// Usage: tracestat FILE...
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/exp/trace"
)

func main() {
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		fmt.Fprintln(os.Stderr, "usage: tracestat FILE...")
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(w, strings.Join(columns, "\t"))
	status := 0
	for _, path := range os.Args[1:] {
		s, err := stat(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "tracestat: %s: %v\n", path, err)
			status = 1
			continue
		}
		fmt.Fprintln(w, strings.Join(s.row(path), "\t"))
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "tracestat:", err)
		status = 1
	}
	os.Exit(status)
}

var columns = []string{"file", "format", "bytes", "events", "gens", "dur_ms", "procs",
	"gos", "gcs", "stws", "blocks", "syscalls", "tasks", "regions", "logs", "samples", "experimental"}

type summary struct {
	format, bytes, events, syncs                int64
	first, last                                 trace.Time
	procs                                       []uint64
	gos, gcs, stws, gcSTWs, blocks, syscalls    int64
	tasks, regions, logs, samples, experimental int64
}

func (s *summary) row(path string) []string {
	procs := make([]string, len(s.procs))
	for i, p := range s.procs {
		procs[i] = strconv.FormatUint(p, 10)
	}
	i := strconv.FormatInt
	return []string{path, i(s.format, 10), i(s.bytes, 10), i(s.events, 10), i(s.syncs-1, 10),
		strconv.FormatFloat(float64(s.last-s.first)/1e6, 'f', 1, 64), strings.Join(procs, ","),
		i(s.gos, 10), i(s.gcs, 10), fmt.Sprintf("%d/%d", s.stws, s.gcSTWs), i(s.blocks, 10),
		i(s.syscalls, 10), i(s.tasks, 10), i(s.regions, 10), i(s.logs, 10), i(s.samples, 10),
		i(s.experimental, 10)}
}

func stat(path string) (*summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	s := &summary{bytes: fi.Size()}
	header, err := br.Peek(16)
	if err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	if _, err := fmt.Sscanf(string(header), "go 1.%d trace", &s.format); err != nil {
		return nil, fmt.Errorf("not a Go execution trace (header %q)", header)
	}
	r, err := trace.NewReader(br)
	if err != nil {
		return nil, err
	}
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("after %d events: %w", s.events, err)
		}
		s.add(ev)
	}
	if s.syncs == 0 {
		return nil, errors.New("no Sync event: empty or truncated trace")
	}
	return s, nil
}

func (s *summary) add(ev trace.Event) {
	if s.events == 0 {
		s.first = ev.Time()
	}
	s.last = ev.Time()
	s.events++
	switch ev.Kind() {
	case trace.EventSync:
		s.syncs++
	case trace.EventMetric:
		m := ev.Metric()
		if m.Name == "/sched/gomaxprocs:threads" {
			if n := m.Value.Uint64(); len(s.procs) == 0 || s.procs[len(s.procs)-1] != n {
				s.procs = append(s.procs, n)
			}
		}
	case trace.EventRangeBegin:
		name := ev.Range().Name
		switch {
		case name == "GC concurrent mark phase":
			s.gcs++
		case strings.HasPrefix(name, "stop-the-world"):
			s.stws++
			if strings.Contains(name, "GC") {
				s.gcSTWs++
			}
		}
	case trace.EventStateTransition:
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			break
		}
		from, to := st.Goroutine()
		switch {
		case from == trace.GoNotExist && to != trace.GoNotExist:
			s.gos++
		case from == trace.GoRunning && to == trace.GoWaiting:
			s.blocks++
		case from == trace.GoRunning && to == trace.GoSyscall:
			s.syscalls++
		}
	case trace.EventTaskBegin:
		s.tasks++
	case trace.EventRegionBegin:
		s.regions++
	case trace.EventLog:
		s.logs++
	case trace.EventStackSample:
		s.samples++
	case trace.EventExperimental:
		s.experimental++
	}
}
