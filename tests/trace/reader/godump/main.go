// godump prints Go's own reading of an execution trace in perfgate's
// canonical one-line-per-event form, the reference the C reader
// (gate/trace/pg_trace.h) is checked against; trace_dump.c prints the same
// form from the C reader.
//
// It is built by ../gen-golden.sh against a copy of the Go toolchain's
// internal/trace (placed in ./internal/trace at build time), so it reads
// traces exactly as that Go release does.
//
//	godump [-summary|-count] file.trace
//
// One line per event: "<time> <Kind> M=<m> P=<p> G=<g> <details>", with
// strings quoted as "..." (bytes outside printable ASCII as \xNN) and
// stacks as [func@file:line#0xpc;...]. -summary prints the event count,
// the count per kind and an FNV-1a 64 hash of the full dump instead; -count
// only reads the events and prints how many there were and how long Go's
// reader took (the baseline for the C reader's throughput probe).
package main

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"perfgate.local/godump/internal/trace"
)

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\x%02x", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func stack(s trace.Stack) string {
	var parts []string
	for f := range s.Frames() {
		parts = append(parts, fmt.Sprintf("%s@%s:%d#0x%x", quote(f.Func), quote(f.File), f.Line, f.PC))
	}
	if len(parts) == 0 {
		return ""
	}
	return "[" + strings.Join(parts, ";") + "]"
}

func task(id trace.TaskID) uint64 {
	if id == trace.NoTask {
		return 0
	}
	return uint64(id)
}

// rangeKind maps Go's range names onto the C reader's kinds.
func rangeKind(ev trace.Event) (string, string) {
	r := ev.Range()
	suffix := map[trace.EventKind]string{
		trace.EventRangeBegin:  "Begin",
		trace.EventRangeActive: "Active",
		trace.EventRangeEnd:    "End",
	}[ev.Kind()]
	switch {
	case strings.HasPrefix(r.Name, "stop-the-world (") && strings.HasSuffix(r.Name, ")"):
		kind := strings.TrimSuffix(strings.TrimPrefix(r.Name, "stop-the-world ("), ")")
		return "STW" + suffix, fmt.Sprintf("g=%d kind=%s", r.Scope.Goroutine(), quote(kind))
	case r.Name == "GC concurrent mark phase":
		return "GC" + suffix, ""
	case r.Name == "GC incremental sweep":
		d := fmt.Sprintf("p=%d", r.Scope.Proc())
		if ev.Kind() == trace.EventRangeEnd {
			a := ev.RangeAttributes()
			d += fmt.Sprintf(" swept=%d reclaimed=%d", a[0].Value.Uint64(), a[1].Value.Uint64())
		}
		return "Sweep" + suffix, d
	case r.Name == "GC mark assist":
		return "Assist" + suffix, fmt.Sprintf("g=%d", r.Scope.Goroutine())
	}
	return "Range" + suffix, quote(r.Name)
}

func line(ev trace.Event) (string, string) {
	var kind, d string
	switch ev.Kind() {
	case trace.EventSync:
		s := ev.Sync()
		kind = "Sync"
		d = fmt.Sprintf("n=%d", s.N)
		if c := s.ClockSnapshot; c != nil {
			d += fmt.Sprintf(" clock=%d mono=%d wall=%d.%09d", c.Trace, c.Mono, c.Wall.Unix(), c.Wall.Nanosecond())
		}
	case trace.EventMetric:
		m := ev.Metric()
		kind = map[string]string{
			"/memory/classes/heap/objects:bytes": "HeapAlloc",
			"/gc/heap/goal:bytes":                "HeapGoal",
			"/sched/gomaxprocs:threads":          "GOMAXPROCS",
		}[m.Name]
		d = fmt.Sprintf("value=%d", m.Value.Uint64())
	case trace.EventLabel:
		l := ev.Label()
		kind = "GoLabel"
		d = fmt.Sprintf("g=%d label=%s", l.Resource.Goroutine(), quote(l.Label))
	case trace.EventStackSample:
		kind = "CPUSample"
	case trace.EventRangeBegin, trace.EventRangeActive, trace.EventRangeEnd:
		kind, d = rangeKind(ev)
	case trace.EventTaskBegin, trace.EventTaskEnd:
		t := ev.Task()
		kind = map[bool]string{true: "TaskBegin", false: "TaskEnd"}[ev.Kind() == trace.EventTaskBegin]
		d = fmt.Sprintf("id=%d parent=%d name=%s", task(t.ID), task(t.Parent), quote(t.Type))
	case trace.EventRegionBegin, trace.EventRegionEnd:
		r := ev.Region()
		kind = map[bool]string{true: "RegionBegin", false: "RegionEnd"}[ev.Kind() == trace.EventRegionBegin]
		d = fmt.Sprintf("task=%d name=%s", uint64(r.Task), quote(r.Type))
	case trace.EventLog:
		l := ev.Log()
		kind = "Log"
		d = fmt.Sprintf("task=%d cat=%s msg=%s", uint64(l.Task), quote(l.Category), quote(l.Message))
	case trace.EventStateTransition:
		st := ev.StateTransition()
		switch st.Resource.Kind {
		case trace.ResourceGoroutine:
			from, to := st.Goroutine()
			kind = "GoState"
			d = fmt.Sprintf("g=%d %s->%s reason=%s", st.Resource.Goroutine(), from, to, quote(st.Reason))
			if s := stack(st.Stack); s != "" {
				d += " tstk=" + s
			}
		case trace.ResourceProc:
			from, to := st.Proc()
			kind = "ProcState"
			d = fmt.Sprintf("p=%d %s->%s", st.Resource.Proc(), from, to)
		}
	case trace.EventExperimental:
		x := ev.Experimental()
		kind = "Experimental"
		var args []string
		for i := range x.Args {
			args = append(args, fmt.Sprint(x.ArgValue(i).Uint64()))
		}
		d = fmt.Sprintf("name=%s args=[%s]", x.Name, strings.Join(args, ","))
	default:
		kind = "Bad"
	}
	s := fmt.Sprintf("%d %s M=%d P=%d G=%d", ev.Time(), kind, ev.Thread(), ev.Proc(), ev.Goroutine())
	if d != "" {
		s += " " + d
	}
	if st := stack(ev.Stack()); st != "" {
		s += " stk=" + st
	}
	return kind, s
}

func main() {
	summary := len(os.Args) == 3 && os.Args[1] == "-summary"
	count := len(os.Args) == 3 && os.Args[1] == "-count"
	if len(os.Args) != 2 && !summary && !count {
		fmt.Fprintln(os.Stderr, "usage: godump [-summary|-count] file.trace")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[len(os.Args)-1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if count {
		countEvents(f)
		return
	}
	out := os.Stdout
	h := fnv.New64a()
	counts := map[string]int{}
	n := 0
	var readErr error
	r, err := trace.NewReader(f)
	if err != nil {
		readErr = err
	}
	for readErr == nil {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			readErr = err
			break
		}
		kind, l := line(ev)
		n++
		counts[kind]++
		if summary {
			io.WriteString(h, l+"\n")
		} else {
			fmt.Fprintln(out, l)
		}
	}
	if summary {
		fmt.Fprintf(out, "events %d\n", n)
		var kinds []string
		for k := range counts {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			fmt.Fprintf(out, "kind %s %d\n", k, counts[k])
		}
		fmt.Fprintf(out, "fnv64 %016x\n", h.Sum64())
	}
	if readErr != nil && summary {
		fmt.Fprintln(out, "error")
	} else if readErr != nil {
		fmt.Fprintf(out, "error %s\n", strings.ReplaceAll(readErr.Error(), "\n", " "))
	}
}

func countEvents(f *os.File) {
	st, _ := f.Stat()
	start := time.Now()
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	n := 0
	for {
		_, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		n++
	}
	d := time.Since(start)
	fmt.Printf("%s: %.1f MB, %d events, %.3f s, %.0f MB/s, %.1f ns/event\n", f.Name(),
		float64(st.Size())/1e6, n, d.Seconds(), float64(st.Size())/1e6/d.Seconds(),
		float64(d.Nanoseconds())/float64(n))
}
