// The metric definitions of gate/trace/pg_trace_metrics.h, computed a second
// time, independently: Go's own trace reader (golang.org/x/exp/trace, the
// mirror of the internal/trace that go tool trace uses), two passes over the
// file instead of perfgate's one streaming pass, plain maps instead of
// perfgate's tables, and Go's band-based MMU curve instead of perfgate's
// exact window scan. Pass 1 learns what a streaming pass only learns late
// (goroutine names, which goroutines are GC workers, goroutine lifetimes, the
// start of the timed window); pass 2 charges every quantity with that
// knowledge in hand.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/exp/trace"
)

// errNoGeneration: the trace is damaged before its first generation ends.
var errNoGeneration = errors.New("no complete generation")

// stat is count / total / max of a set of durations.
type stat struct {
	Count   int64 `json:"count"`
	TotalNs int64 `json:"total_ns"`
	MaxNs   int64 `json:"max_ns"`
}

func (s *stat) add(d int64) {
	s.Count++
	s.TotalNs += d
	s.MaxNs = max(s.MaxNs, d)
}

type pTime struct {
	TotalNs      int64   `json:"total_ns"`
	User         float64 `json:"user"`
	UserAssist   float64 `json:"user_assist"`
	GC           float64 `json:"gc"`
	GCWorkers    float64 `json:"gc_workers"`
	GCSTW        float64 `json:"gc_stw"`
	STWOther     float64 `json:"stw_other"`
	RuntimeOther float64 `json:"runtime_other"`
	Idle         float64 `json:"idle"`
	OvercommitNs int64   `json:"overcommit_ns"`
}

type gcFigures struct {
	Count             int64 `json:"count"`
	ActiveAtStart     int64 `json:"active_at_start"`
	Forced            int64 `json:"forced"`
	ForcedByBenchmark int64 `json:"forced_by_benchmark"`
	MarkTotalNs       int64 `json:"mark_total_ns"`
	MarkMaxNs         int64 `json:"mark_max_ns"`
	STWCount          int64 `json:"stw_count"`
	STWTotalNs        int64 `json:"stw_total_ns"`
	STWMaxNs          int64 `json:"stw_max_ns"`
}

type blockFigures struct {
	Sync    int64 `json:"sync"`
	Network int64 `json:"network"`
	Syscall int64 `json:"syscall"`
}

// figures are the metrics of one span of the trace (the whole trace, or the
// timed window); the JSON names are perfgate's.
type figures struct {
	StartNs           int64              `json:"start_ns"`
	DurationNs        int64              `json:"duration_ns"`
	Gomaxprocs        int64              `json:"gomaxprocs"`
	GoroutinesCreated int64              `json:"goroutines_created"`
	PUtilization      float64            `json:"p_utilization"`
	PTime             pTime              `json:"p_time"`
	GC                gcFigures          `json:"gc"`
	STW               map[string]*stat   `json:"stw"`
	MMU               map[string]float64 `json:"mmu"`
	BlockNs           blockFigures       `json:"block_ns"`
	SchedLatencyNs    int64              `json:"sched_latency_ns"`
	RunnableNs        int64              `json:"runnable_ns"`
	Regions           map[string]*stat   `json:"regions"`
	Tasks             map[string]*stat   `json:"tasks"`

	// P-time accumulators in ns; converted to the fractions above at the end.
	pt [nClasses]int64
}

// result is the JSON object printed per trace.
type result struct {
	File      string  `json:"file"`
	GoVersion string  `json:"go_version"`
	Partial   *string `json:"partial"`
	figures
	Timed *figures `json:"timed"`

	// For validate.go: the integral of (Ps in GC) under the utilisation
	// series, and the part of it that the P-time partition classifies
	// differently (see there).
	gcPTime, gcPTimeOther int64
	seriesPoints          int
}

// P-time classes (trace-metrics.md §4).
const (
	clUser = iota
	clUserAssist
	clWorkerDedicated
	clWorkerFractional
	clWorkerIdle
	clWorkerUnlabelled
	clRuntimeOther
	clGCSTW
	clSTWOther
	clIdle
	clOvercommit
	nClasses
)

// readEvents calls fn for every event of the complete generations of the
// trace, as go tool trace keeps them: on a read error the events after the
// last Sync are dropped and the error is returned after the last good event.
// The events are buffered one generation at a time.
func readEvents(path string, fn func(ev *trace.Event)) (version string, damage error, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	var hdr [16]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return "", nil, fmt.Errorf("%s: reading the header: %w", path, err)
	}
	version = strings.TrimSuffix(strings.TrimPrefix(strings.TrimRight(string(hdr[:]), "\x00"), "go "), " trace")
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", nil, err
	}
	r, err := trace.NewReader(f)
	if err != nil {
		return version, nil, fmt.Errorf("%s: %w", path, err)
	}
	var pending []trace.Event
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return version, err, nil
		}
		if ev.Kind() == trace.EventSync {
			for i := range pending {
				fn(&pending[i])
			}
			pending = pending[:0]
		}
		pending = append(pending, ev)
	}
	for i := range pending {
		fn(&pending[i])
	}
	return version, nil, nil
}

// timed reports whether an event is part of the trace's timeline: the
// reader's Sync markers, CPU samples and experimental events are not (they
// neither start nor end the trace, nor change any state the metrics use).
func timed(ev *trace.Event) bool {
	switch ev.Kind() {
	case trace.EventSync, trace.EventStackSample, trace.EventExperimental, trace.EventBad:
		return false
	}
	return true
}

func stackHas(s trace.Stack, fn string) bool {
	for f := range s.Frames() {
		if f.Func == fn {
			return true
		}
	}
	return false
}

func isGCSTWName(name string) bool {
	return strings.HasPrefix(name, "stop-the-world") && strings.Contains(name, "GC")
}

// isSyncReason is go tool trace's filter of the sync-blocking profile.
func isSyncReason(r string) bool {
	return strings.Contains(r, "chan") || strings.Contains(r, "sync") || strings.Contains(r, "select")
}

func isSystemGoroutine(name string) bool {
	return name == "" || name != "runtime.main" && strings.HasPrefix(name, "runtime.")
}

// gKey names one life of a goroutine: a cgo callback re-creates the same
// goroutine ID (GoCreateSyscall ... GoDestroySyscall) on every call, and
// each call is a goroutine of its own (its own entry, first run and end).
type gKey struct {
	id   trace.GoID
	life int
}

// lives numbers the lives of each goroutine ID, the same way in both passes:
// a creation (a transition out of NotExist) of an ID seen before starts its
// next life.
type lives map[trace.GoID]int

func (l lives) transition(g trace.GoID, old trace.GoState) {
	n, seen := l[g]
	switch {
	case !seen:
		l[g] = 0
	case old == trace.GoNotExist:
		l[g] = n + 1
	}
}

func (l lives) key(g trace.GoID) gKey { return gKey{g, l[g]} }

// goInfo is what pass 1 learns about a goroutine.
type goInfo struct {
	name      string
	named     bool
	labelled  bool
	startTime trace.Time // first transition into Running (0: never ran)
	endTime   trace.Time // exit or block "forever" (0: alive at the end)
}

// pass1 is the knowledge pass 2 needs up front.
type pass1 struct {
	first, last   trace.Time
	firstProcs    int64
	gs            map[gKey]*goInfo
	windowStart   trace.Time // 0: no runN-forced GC in the trace
	windowPending bool
}

func (p *pass1) info(g gKey) *goInfo {
	gi := p.gs[g]
	if gi == nil {
		gi = &goInfo{}
		p.gs[g] = gi
	}
	return gi
}

func runPass1(path string) (*pass1, string, error, error) {
	p := &pass1{gs: make(map[gKey]*goInfo)}
	life := lives{}
	gcSTWOpen := 0
	forcedOpen := false
	version, damage, err := readEvents(path, func(ev *trace.Event) {
		if !timed(ev) {
			return
		}
		if p.first == 0 {
			p.first = ev.Time()
		}
		p.last = ev.Time()
		switch ev.Kind() {
		case trace.EventMetric:
			if m := ev.Metric(); m.Name == "/sched/gomaxprocs:threads" && p.firstProcs == 0 {
				p.firstProcs = int64(m.Value.Uint64())
			}
		case trace.EventLabel:
			if strings.HasPrefix(ev.Label().Label, "GC ") {
				p.info(life.key(ev.Goroutine())).labelled = true
			}
		case trace.EventRangeBegin, trace.EventRangeEnd:
			r := ev.Range()
			if isGCSTWName(r.Name) {
				if ev.Kind() == trace.EventRangeBegin {
					gcSTWOpen++
				} else if gcSTWOpen > 0 {
					gcSTWOpen--
					if gcSTWOpen == 0 && p.windowPending {
						p.windowStart = ev.Time()
						p.windowPending = false
					}
				}
			}
			if r.Name == "GC concurrent mark phase" {
				if ev.Kind() == trace.EventRangeBegin {
					forcedOpen = stackHas(ev.Stack(), "runtime.GC") &&
						stackHas(ev.Stack(), "testing.(*B).runN")
				} else if forcedOpen {
					forcedOpen = false
					if gcSTWOpen > 0 {
						p.windowPending = true
					} else {
						p.windowStart = ev.Time()
					}
				}
			}
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				break
			}
			old, new := st.Goroutine()
			life.transition(st.Resource.Goroutine(), old)
			if old == new {
				break
			}
			gi := p.info(life.key(st.Resource.Goroutine()))
			if !gi.named {
				for f := range st.Stack.Frames() {
					gi.name = f.Func
					gi.named = true
				}
			}
			if new == trace.GoRunning && gi.startTime == 0 {
				gi.startTime = ev.Time()
			}
			if new == trace.GoNotExist || new == trace.GoWaiting && st.Reason == "forever" {
				gi.endTime = ev.Time()
			}
		}
	})
	return p, version, damage, err
}

// profile is one of the goroutine-time totals: an interval opens at a
// transition into `state` whose reason passes `filter` and closes at the
// next transition into any other state (go tool trace's
// makeComputePprofFunc after golang/go#74850: no stack filter).
type profile struct {
	state  trace.GoState
	filter func(reason string) bool
	clip   bool // clip to the goroutine's [first run, end] like go tool trace
	open   map[trace.GoID]trace.Time
	total  [2]*int64 // whole, timed
}

type goState struct {
	state    trace.GoState
	assist   bool
	gcRun    bool   // running a non-idle labelled mark-worker run
	mode     string // latest "GC (...)" label
	regions  []regionOpen
	running  bool
	stwNames map[string]trace.Time
}

type regionOpen struct {
	name  string
	begin trace.Time
}

type taskOpen struct {
	name  string
	begin trace.Time
}

// compute runs both passes over one trace.
func compute(path string, windows []window) (*result, error) {
	p, version, damage, err := runPass1(path)
	if err != nil {
		return nil, err
	}
	if p.first == 0 {
		return nil, errNoGeneration
	}
	res := &result{File: path, GoVersion: version}
	if damage != nil {
		msg := damage.Error()
		res.Partial = &msg
	}
	whole := newFigures()
	var timedFig *figures
	spans := []*figures{whole}
	if p.windowStart != 0 {
		timedFig = newFigures()
		spans = append(spans, timedFig)
	}
	inWindow := func(t trace.Time) bool { return p.windowStart != 0 && t >= p.windowStart }

	profiles := []*profile{
		{state: trace.GoWaiting, filter: func(r string) bool { return r == "network" }, clip: true},
		{state: trace.GoWaiting, filter: isSyncReason, clip: true},
		{state: trace.GoSyscall, filter: func(string) bool { return true }, clip: true},
		{state: trace.GoRunnable, filter: func(string) bool { return true }, clip: true},
		{state: trace.GoRunnable, filter: func(string) bool { return true }, clip: false},
	}
	fields := [][2]*int64{
		{&whole.BlockNs.Network, nil}, {&whole.BlockNs.Sync, nil}, {&whole.BlockNs.Syscall, nil},
		{&whole.SchedLatencyNs, nil}, {&whole.RunnableNs, nil},
	}
	if timedFig != nil {
		fields[0][1], fields[1][1], fields[2][1] = &timedFig.BlockNs.Network, &timedFig.BlockNs.Sync, &timedFig.BlockNs.Syscall
		fields[3][1], fields[4][1] = &timedFig.SchedLatencyNs, &timedFig.RunnableNs
	}
	for i, pr := range profiles {
		pr.open = make(map[trace.GoID]trace.Time)
		pr.total = fields[i]
	}

	gs := make(map[trace.GoID]*goState)
	life := lives{}
	gst := func(g trace.GoID) *goState {
		s := gs[g]
		if s == nil {
			s = &goState{stwNames: make(map[string]trace.Time)}
			gs[g] = s
		}
		return s
	}
	tasks := make(map[trace.TaskID]taskOpen)
	running := make(map[trace.GoID]*goState)
	procs := p.firstProcs
	procsKnown := false
	gcSTW, otherSTW := 0, 0
	var markBegin trace.Time
	markOpen := false
	var series []MutatorUtil
	var prev trace.Time
	var lastGCPs int64
	var lastUtilT trace.Time

	classOf := func(g trace.GoID, s *goState) int {
		gi := p.gs[life.key(g)]
		var name string
		if gi != nil {
			name = gi.name
		}
		switch {
		case gi != nil && gi.labelled || name == "runtime.gcBgMarkWorker":
			switch s.mode {
			case "GC (dedicated)":
				return clWorkerDedicated
			case "GC (fractional)":
				return clWorkerFractional
			case "GC (idle)":
				return clWorkerIdle
			}
			return clWorkerUnlabelled
		case isSystemGoroutine(name):
			return clRuntimeOther
		case s.assist:
			return clUserAssist
		}
		return clUser
	}
	charge := func(f *figures, dt int64) {
		switch {
		case gcSTW > 0:
			f.pt[clGCSTW] += procs * dt
		case otherSTW > 0:
			f.pt[clSTWOther] += procs * dt
		default:
			n := int64(0)
			for g, s := range running {
				f.pt[classOf(g, s)] += dt
				n++
			}
			f.pt[clIdle] += max(0, procs-n) * dt
			f.pt[clOvercommit] += max(0, n-procs) * dt
		}
	}
	addSpan := func(t trace.Time, fn func(f *figures)) {
		fn(whole)
		if inWindow(t) {
			fn(timedFig)
		}
	}

	_, _, err = readEvents(path, func(ev *trace.Event) {
		if !timed(ev) {
			return
		}
		t := ev.Time()
		if prev != 0 {
			dt := int64(t - prev)
			charge(whole, dt)
			if procsKnown && gcSTW == 0 {
				for g, s := range running {
					c := classOf(g, s)
					inPartition := c == clUserAssist || c == clWorkerDedicated || c == clWorkerFractional
					if s.assist || s.gcRun {
						if !inPartition {
							res.gcPTimeOther += dt
						}
					} else if inPartition {
						res.gcPTimeOther -= dt
					}
				}
			}
			if inWindow(prev) {
				charge(timedFig, dt)
			}
		}
		prev = t

		switch ev.Kind() {
		case trace.EventMetric:
			m := ev.Metric()
			if m.Name != "/sched/gomaxprocs:threads" {
				break
			}
			procs = int64(m.Value.Uint64())
			if !procsKnown {
				series = append(series, MutatorUtil{int64(t), 1})
				procsKnown = true
			}
		case trace.EventLabel:
			l := ev.Label().Label
			if !strings.HasPrefix(l, "GC ") {
				break
			}
			s := gst(ev.Goroutine())
			s.mode = l
			s.gcRun = l != "GC (idle)" && s.state == trace.GoRunning
		case trace.EventRangeBegin, trace.EventRangeActive:
			r := ev.Range()
			switch {
			case strings.HasPrefix(r.Name, "stop-the-world"):
				if ev.Kind() == trace.EventRangeActive {
					break
				}
				gst(ev.Goroutine()).stwNames[r.Name] = t
				if isGCSTWName(r.Name) {
					gcSTW++
				} else {
					otherSTW++
				}
			case r.Name == "GC mark assist":
				gst(r.Scope.Goroutine()).assist = true
			case r.Name == "GC concurrent mark phase":
				if markOpen {
					break
				}
				markOpen = true
				markBegin = t
				if ev.Kind() == trace.EventRangeActive {
					whole.GC.ActiveAtStart++
					markBegin = 0
					break
				}
				forced := stackHas(ev.Stack(), "runtime.GC")
				bench := forced && stackHas(ev.Stack(), "testing.(*B).runN")
				addSpan(t, func(f *figures) {
					f.GC.Count++
					if forced {
						f.GC.Forced++
					}
					if bench {
						f.GC.ForcedByBenchmark++
					}
				})
			}
		case trace.EventRangeEnd:
			r := ev.Range()
			switch {
			case strings.HasPrefix(r.Name, "stop-the-world"):
				s := gst(ev.Goroutine())
				begin, ok := s.stwNames[r.Name]
				if !ok {
					break
				}
				delete(s.stwNames, r.Name)
				gc := isGCSTWName(r.Name)
				if gc {
					gcSTW--
				} else {
					otherSTW--
				}
				d := int64(t - begin)
				reason := strings.TrimSuffix(strings.TrimPrefix(r.Name, "stop-the-world ("), ")")
				addSpan(begin, func(f *figures) {
					st := f.STW[reason]
					if st == nil {
						st = &stat{}
						f.STW[reason] = st
					}
					st.add(d)
					if gc {
						f.GC.STWCount++
						f.GC.STWTotalNs += d
						f.GC.STWMaxNs = max(f.GC.STWMaxNs, d)
					}
				})
			case r.Name == "GC mark assist":
				gst(r.Scope.Goroutine()).assist = false
			case r.Name == "GC concurrent mark phase":
				if !markOpen {
					break
				}
				markOpen = false
				if markBegin == 0 {
					break
				}
				d := int64(t - markBegin)
				addSpan(markBegin, func(f *figures) {
					f.GC.MarkTotalNs += d
					f.GC.MarkMaxNs = max(f.GC.MarkMaxNs, d)
				})
			}
		case trace.EventRegionBegin:
			s := gst(ev.Goroutine())
			s.regions = append(s.regions, regionOpen{ev.Region().Type, t})
		case trace.EventRegionEnd:
			s := gst(ev.Goroutine())
			if n := len(s.regions); n > 0 {
				ro := s.regions[n-1]
				s.regions = s.regions[:n-1]
				addRegion(whole.Regions, ro.name, ro.begin, t, 0)
				if p.windowStart != 0 && t >= p.windowStart {
					addRegion(timedFig.Regions, ro.name, ro.begin, t, p.windowStart)
				}
			}
		case trace.EventTaskBegin:
			tk := ev.Task()
			tasks[tk.ID] = taskOpen{tk.Type, t}
		case trace.EventTaskEnd:
			tk := ev.Task()
			if to, ok := tasks[tk.ID]; ok {
				delete(tasks, tk.ID)
				addRegion(whole.Tasks, to.name, to.begin, t, 0)
				if p.windowStart != 0 && t >= p.windowStart {
					addRegion(timedFig.Tasks, to.name, to.begin, t, p.windowStart)
				}
			}
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				break
			}
			g := st.Resource.Goroutine()
			old, new := st.Goroutine()
			life.transition(g, old)
			s := gst(g)
			s.state = new
			if new == trace.GoRunning {
				running[g] = s
			} else {
				delete(running, g)
				s.gcRun = false
			}
			if old == trace.GoNotExist {
				addSpan(t, func(f *figures) { f.GoroutinesCreated++ })
			}
			for _, pr := range profiles {
				pr.transition(p, life.key(g), new, st.Reason, t)
			}
		}

		if procsKnown {
			gcPs := procs
			if gcSTW == 0 {
				n := int64(0)
				for _, s := range running {
					if s.assist || s.gcRun {
						n++
					}
				}
				gcPs = min(n, procs)
			}
			if lastUtilT != 0 {
				res.gcPTime += int64(t-lastUtilT) * lastGCPs
			}
			lastGCPs, lastUtilT = gcPs, t
			series = addUtil(series, MutatorUtil{int64(t), 1 - float64(gcPs)/float64(procs)})
		}
	})
	if err != nil {
		return nil, err
	}

	whole.StartNs = 0
	whole.DurationNs = int64(p.last - p.first)
	whole.Gomaxprocs = procs
	if n := len(series); n > 0 && series[n-1].Time < int64(p.last) {
		series = append(series, MutatorUtil{int64(p.last), series[n-1].Util})
	}
	whole.finish(series, windows)
	res.figures = *whole
	res.seriesPoints = len(series)
	if timedFig != nil {
		timedFig.StartNs = int64(p.windowStart - p.first)
		timedFig.DurationNs = int64(p.last - p.windowStart)
		timedFig.Gomaxprocs = procs
		timedFig.finish(cutSeries(series, int64(p.windowStart)), windows)
		res.Timed = timedFig
	}
	return res, nil
}

func (pr *profile) transition(p *pass1, g gKey, new trace.GoState, reason string, t trace.Time) {
	start, tracking := pr.open[g.id]
	if !tracking {
		if new == pr.state && pr.filter(reason) {
			pr.open[g.id] = t
		}
		return
	}
	if new == pr.state {
		return
	}
	delete(pr.open, g.id)
	lo, hi := start, t
	if pr.clip {
		gi := p.gs[g]
		if gi == nil {
			return
		}
		end := gi.endTime
		if end == 0 {
			end = p.last
		}
		// go tool trace's interval.overlap on closed intervals.
		if hi < gi.startTime || end < lo {
			return
		}
		lo, hi = max(lo, gi.startTime), min(hi, end)
	}
	if hi > lo {
		*pr.total[0] += int64(hi - lo)
	}
	if pr.total[1] != nil {
		lo = max(lo, p.windowStart)
		if hi > lo {
			*pr.total[1] += int64(hi - lo)
		}
	}
}

func addRegion(m map[string]*stat, name string, begin, end, windowStart trace.Time) {
	s := m[name]
	if s == nil {
		s = &stat{}
		m[name] = s
	}
	s.add(int64(end - max(begin, windowStart)))
}

func newFigures() *figures {
	return &figures{
		STW:     make(map[string]*stat),
		MMU:     make(map[string]float64),
		Regions: make(map[string]*stat),
		Tasks:   make(map[string]*stat),
	}
}

// cutSeries is the utilisation series restricted to [from, end].
func cutSeries(s []MutatorUtil, from int64) []MutatorUtil {
	i, _ := slices.BinarySearchFunc(s, from, func(u MutatorUtil, t int64) int {
		switch {
		case u.Time < t:
			return -1
		case u.Time > t:
			return 1
		}
		return 0
	})
	// s[i] is the first point at or after from; the value in force at
	// `from` is that point's if it is exactly at from, else the previous one.
	if i < len(s) && s[i].Time == from {
		return s[i:]
	}
	out := []MutatorUtil{{from, s[i-1].Util}}
	return append(out, s[i:]...)
}

func (f *figures) finish(series []MutatorUtil, windows []window) {
	total := int64(0)
	for c := 0; c < clOvercommit; c++ {
		total += f.pt[c]
	}
	total -= f.pt[clOvercommit]
	f.PTime.TotalNs = total
	f.PTime.OvercommitNs = f.pt[clOvercommit]
	if total > 0 {
		fr := func(cs ...int) float64 {
			n := int64(0)
			for _, c := range cs {
				n += f.pt[c]
			}
			return float64(n) / float64(total)
		}
		workers := []int{clWorkerDedicated, clWorkerFractional, clWorkerIdle, clWorkerUnlabelled}
		f.PTime.User = fr(clUser)
		f.PTime.UserAssist = fr(clUserAssist)
		f.PTime.GCWorkers = fr(workers...)
		f.PTime.GC = fr(append(workers, clGCSTW, clUserAssist)...)
		f.PTime.GCSTW = fr(clGCSTW)
		f.PTime.STWOther = fr(clSTWOther)
		f.PTime.RuntimeOther = fr(clRuntimeOther)
		f.PTime.Idle = fr(clIdle)
	}
	f.PUtilization = f.PTime.User
	if len(series) > 0 {
		curve := NewMMUCurve([][]MutatorUtil{series})
		for _, w := range windows {
			f.MMU[w.name] = curve.MMU(w.d)
		}
	}
}
