// Cross-check of this reference against go tool trace itself (-gotool).
//
// For each trace it runs the installed `go tool trace`:
//   - `-pprof=net|sync|syscall|sched`: the sum of each profile's delay values
//     must equal this tool's block_ns.network / .sync / .syscall and
//     sched_latency_ns exactly (Go >= 1.26 has the golang/go#74850 fix; older
//     go tool trace skips stack-less transitions and is reported, not failed);
//   - the live /mmu endpoint (`?mode=details&window=W&flags=stw|background|assist`,
//     the UI's default flags): its worst window must equal, to the last bit,
//     the MMU of go tool trace's own MutatorUtilizationV2 copied into
//     gotool_gc.go. That shows the copy is faithful; beside it the tool prints
//     perfgate's corrected MMU, which differs wherever the defects of
//     README.md ("Defects") bite.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

func validate(path string, windows []window) bool {
	ok := true
	res, err := compute(path, windows)
	if err != nil {
		fmt.Printf("%s: %v\n", path, err)
		return false
	}
	goVersion, _ := exec.Command("go", "env", "GOVERSION").Output()
	fixed := goVersionAtLeast(strings.TrimSpace(string(goVersion)), 26)
	fmt.Printf("== %s (go tool trace of %s)\n", path, strings.TrimSpace(string(goVersion)))
	ours := map[string]int64{
		"net": res.BlockNs.Network, "sync": res.BlockNs.Sync,
		"syscall": res.BlockNs.Syscall, "sched": res.SchedLatencyNs,
	}
	compatTotals, reused := bugCompatibleProfiles(path)
	for _, kind := range []string{"net", "sync", "syscall", "sched"} {
		got, err := pprofTotal(path, kind)
		if err != nil {
			fmt.Printf("  pprof=%-7s error: %v\n", kind, err)
			ok = false
			continue
		}
		// The tool must equal the reference's emulation of it exactly; the
		// reference's own total differs only where an ID was reused.
		verdict := "ok"
		switch {
		case got != compatTotals[kind] && !fixed:
			verdict = "differs (this go tool trace predates golang/go#74850)"
		case got != compatTotals[kind]:
			verdict = "MISMATCH"
			ok = false
		case got != ours[kind] && reused == 0:
			verdict = "MISMATCH"
			ok = false
		case got != ours[kind]:
			verdict = fmt.Sprintf("ok; corrected differs: %d goroutine IDs re-created (cgo callbacks), the tool clips every life to the last one", reused)
		}
		fmt.Printf("  pprof=%-7s go tool trace %15d ns   reference %15d ns   %s\n", kind, got, ours[kind], verdict)
	}

	live, err := liveMMU(path, windows)
	if err != nil {
		fmt.Printf("  /mmu error: %v\n", err)
		return false
	}
	compat, npoints, span := bugCompatibleMMU(path, windows)
	fmt.Printf("  utilisation series: go tool trace %d points over %.3f ms, corrected %d points over the trace's %.3f ms\n",
		npoints, float64(span)/1e6, res.seriesPoints, float64(res.DurationNs)/1e6)
	for i, w := range windows {
		verdict := "ok"
		if live[i] != compat[i] {
			verdict = "MISMATCH"
			ok = false
		}
		fmt.Printf("  mmu %-6s /mmu %.17g   copied MutatorUtilizationV2 %.17g %s   corrected %.17g\n",
			w.name, live[i], compat[i], verdict, res.MMU[w.name])
	}
	// The corrected utilisation against the P-time partition, two separate
	// accounting paths: the non-mutator P-time under u(t) must equal the
	// P-time of GC stop-the-worlds, user assists and dedicated/fractional
	// workers, up to what the two classify differently on purpose: the
	// partition files a worker's run under its latest label from the run's
	// start while u(t) counts it from the label on (~100 ns per run), and it
	// files runtime goroutines' assists under runtime_other.
	pt := res.figures.pt
	partition := pt[clGCSTW] + pt[clUserAssist] + pt[clWorkerDedicated] + pt[clWorkerFractional]
	verdict := "ok"
	if res.gcPTime != partition+res.gcPTimeOther {
		verdict = "MISMATCH"
		ok = false
	}
	fmt.Printf("  GC P-time under the corrected u(t) %d ns = partition %d ns %+d ns classified apart   %s\n",
		res.gcPTime, partition, res.gcPTimeOther, verdict)
	return ok
}

func goVersionAtLeast(v string, minor int) bool {
	var maj, min int
	if _, err := fmt.Sscanf(v, "go%d.%d", &maj, &min); err != nil {
		return false
	}
	return maj > 1 || min >= minor
}

// pprofTotal runs go tool trace -pprof=kind and sums the delay values.
func pprofTotal(path, kind string) (int64, error) {
	out, err := exec.Command("go", "tool", "trace", "-pprof="+kind, path).Output()
	if err != nil {
		return 0, fmt.Errorf("go tool trace -pprof=%s: %v", kind, err)
	}
	return sumDelay(out)
}

// sumDelay decodes just enough of a gzipped pprof profile (profile.proto:
// sample_type = 1, sample = 2, string_table = 6; ValueType.type = 1;
// Sample.value = 2) to sum the "delay" column.
func sumDelay(gz []byte) (int64, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return 0, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return 0, err
	}
	var typeIdx []int64
	var samples [][]int64
	var strs []string
	err = protoFields(raw, func(field int, v uint64, b []byte) error {
		switch field {
		case 1:
			return protoFields(b, func(f int, v uint64, _ []byte) error {
				if f == 1 {
					typeIdx = append(typeIdx, int64(v))
				}
				return nil
			})
		case 2:
			var vals []int64
			err := protoFields(b, func(f int, v uint64, p []byte) error {
				if f != 2 {
					return nil
				}
				if p == nil {
					vals = append(vals, int64(v))
					return nil
				}
				for len(p) > 0 {
					x, n := uvarint(p)
					if n <= 0 {
						return fmt.Errorf("bad packed varint")
					}
					vals = append(vals, int64(x))
					p = p[n:]
				}
				return nil
			})
			samples = append(samples, vals)
			return err
		case 6:
			strs = append(strs, string(b))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	col := -1
	for i, s := range typeIdx {
		if int(s) < len(strs) && strs[s] == "delay" {
			col = i
		}
	}
	if col < 0 {
		return 0, fmt.Errorf("no delay sample type")
	}
	total := int64(0)
	for _, s := range samples {
		if col < len(s) {
			total += s[col]
		}
	}
	return total, nil
}

func uvarint(b []byte) (uint64, int) {
	var x uint64
	for i, c := range b {
		if i == 10 {
			return 0, -1
		}
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return x, i + 1
		}
	}
	return 0, 0
}

// protoFields calls fn for every field of a protobuf message: varints with
// b == nil, length-delimited fields with their bytes.
func protoFields(m []byte, fn func(field int, v uint64, b []byte) error) error {
	for len(m) > 0 {
		key, n := uvarint(m)
		if n <= 0 {
			return fmt.Errorf("bad protobuf key")
		}
		m = m[n:]
		field, wire := int(key>>3), key&7
		switch wire {
		case 0:
			v, n := uvarint(m)
			if n <= 0 {
				return fmt.Errorf("bad protobuf varint")
			}
			m = m[n:]
			if err := fn(field, v, nil); err != nil {
				return err
			}
		case 2:
			l, n := uvarint(m)
			if n <= 0 || uint64(len(m)-n) < l {
				return fmt.Errorf("bad protobuf length")
			}
			if err := fn(field, 0, m[n:n+int(l)]); err != nil {
				return err
			}
			m = m[n+int(l):]
		case 1:
			m = m[8:]
		case 5:
			m = m[4:]
		default:
			return fmt.Errorf("unsupported protobuf wire type %d", wire)
		}
	}
	return nil
}

// liveMMU starts go tool trace's web UI and asks its /mmu endpoint for the
// worst window of each size with the UI's default flags.
func liveMMU(path string, windows []window) ([]float64, error) {
	cmd := exec.Command("go", "tool", "trace", "-http=127.0.0.1:0", path)
	cmd.Env = append(os.Environ(), "BROWSER=true")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	addrRe := regexp.MustCompile(`listening on (http://\S+)`)
	sc := bufio.NewScanner(stderr)
	var addr string
	for sc.Scan() {
		if m := addrRe.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	if addr == "" {
		return nil, fmt.Errorf("go tool trace did not start its server")
	}
	go io.Copy(io.Discard, stderr)
	client := &http.Client{Timeout: 10 * time.Minute}
	var out []float64
	for _, w := range windows {
		url := fmt.Sprintf("%s/mmu?mode=details&window=%d&flags=stw|background|assist", addr, int64(w.d))
		resp, err := client.Get(url)
		if err != nil {
			return nil, err
		}
		var worst []struct{ MutatorUtil float64 }
		err = json.NewDecoder(resp.Body).Decode(&worst)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if len(worst) == 0 {
			out = append(out, math.NaN())
			continue
		}
		out = append(out, worst[0].MutatorUtil)
	}
	return out, nil
}

// bugCompatibleProfiles is go tool trace's -pprof totals: the reference's
// profiles, but each interval clipped to the *last* life of its goroutine ID
// (the tool's summarizer starts a new summary at every creation and keeps
// the latest per ID). Also returns how many IDs had more than one life.
func bugCompatibleProfiles(path string) (map[string]int64, int) {
	p, _, _, err := runPass1(path)
	if err != nil {
		return nil, 0
	}
	last := map[trace.GoID]int{}
	for k := range p.gs {
		last[k.id] = max(last[k.id], k.life)
	}
	reused := 0
	for _, l := range last {
		if l > 0 {
			reused++
		}
	}
	totals := map[string]*int64{"net": new(int64), "sync": new(int64), "syscall": new(int64), "sched": new(int64)}
	profiles := map[string]*profile{
		"net":     {state: trace.GoWaiting, filter: func(r string) bool { return r == "network" }},
		"sync":    {state: trace.GoWaiting, filter: isSyncReason},
		"syscall": {state: trace.GoSyscall, filter: func(string) bool { return true }},
		"sched":   {state: trace.GoRunnable, filter: func(string) bool { return true }},
	}
	for kind, pr := range profiles {
		pr.clip = true
		pr.open = map[trace.GoID]trace.Time{}
		pr.total = [2]*int64{totals[kind], nil}
	}
	readEvents(path, func(ev *trace.Event) {
		if ev.Kind() != trace.EventStateTransition {
			return
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			return
		}
		g := st.Resource.Goroutine()
		_, new := st.Goroutine()
		for _, pr := range profiles {
			pr.transition(p, gKey{g, last[g]}, new, st.Reason, ev.Time())
		}
	})
	out := map[string]int64{}
	for k, v := range totals {
		out[k] = *v
	}
	return out, reused
}

// bugCompatibleMMU is go tool trace's computation: all events it keeps
// (Syncs included), its MutatorUtilizationV2 and its MMU curve.
func bugCompatibleMMU(path string, windows []window) ([]float64, int, int64) {
	var events []trace.Event
	readEvents(path, func(ev *trace.Event) { events = append(events, *ev) })
	util := MutatorUtilizationV2(events, UtilSTW|UtilBackground|UtilAssist)
	curve := NewMMUCurve(util)
	var out []float64
	for _, w := range windows {
		out = append(out, curve.MMU(w.d))
	}
	s := util[0]
	return out, len(s), s[len(s)-1].Time - s[0].Time
}
