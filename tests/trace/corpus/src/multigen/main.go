// Command multigen records a trace of about 3.3 seconds, long enough for
// several trace generations (the runtime starts a new one about every
// second), that stays small because the program is mostly asleep. Every
// 40 ms a burst fans work out to goroutines over channels and allocates;
// around the generation boundaries the trace also holds
//
//   - a goroutine blocked on a channel from before tracing starts until the
//     end, re-stated in every generation;
//   - a CPU-bound goroutine running from 0.9 s to 1.2 s, across the first
//     boundary;
//   - a "session" task spanning the whole trace, a region from 0.8 s to
//     1.3 s, and one region per burst;
//   - a forced GC at 2.0 s and the GCs the bursts' garbage triggers.
//
// Usage: multigen -o FILE
package main

import (
	"context"
	"runtime"
	"runtime/trace"
	"sync"
	"time"

	"example.com/tracecorpus/internal/tracefile"
)

func main() {
	out := tracefile.OutputFlag("Records a multi-generation trace (about 3.3 s, mostly idle) into FILE.")
	if err := run(out); err != nil {
		tracefile.Fatal(err)
	}
}

const (
	duration   = 3300 * time.Millisecond
	burstEvery = 40 * time.Millisecond
	fanOut     = 8
)

// sink keeps the bursts' allocations from being optimised away and holds a
// little live heap so that GC cycles have something to mark.
var sink [][]byte

func run(out string) error {
	release := make(chan struct{})
	blockedDone := make(chan struct{})
	go func() {
		// Blocked from before the trace starts until the end.
		<-release
		close(blockedDone)
	}()
	runtime.Gosched()

	stop, err := tracefile.Start(out)
	if err != nil {
		return err
	}
	start := time.Now()
	ctx, session := trace.NewTask(context.Background(), "session")

	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		time.Sleep(900 * time.Millisecond)
		spin(300 * time.Millisecond)
	}()
	go func() {
		defer wg.Done()
		time.Sleep(800 * time.Millisecond)
		defer trace.StartRegion(ctx, "straddle").End()
		time.Sleep(500 * time.Millisecond)
	}()
	go func() {
		defer wg.Done()
		time.Sleep(2 * time.Second)
		runtime.GC()
	}()

	tick := time.NewTicker(burstEvery)
	for n := 0; time.Since(start) < duration; n++ {
		<-tick.C
		burst(ctx, n)
	}
	tick.Stop()
	wg.Wait()
	close(release)
	<-blockedDone
	session.End()
	return stop()
}

// spin keeps a goroutine on the CPU for d.
func spin(d time.Duration) {
	x := uint64(1)
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 1000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sinkWord = x
}

var sinkWord uint64

// burst hands fanOut jobs to fresh goroutines over an unbuffered channel and
// collects their results over a buffered one.
func burst(ctx context.Context, n int) {
	defer trace.StartRegion(ctx, "burst").End()
	jobs := make(chan int)
	results := make(chan []byte, fanOut)
	for w := 0; w < fanOut; w++ {
		go func() {
			for j := range jobs {
				buf := make([]byte, 4<<10)
				for i := range buf {
					buf[i] = byte(i * j)
				}
				results <- buf
			}
		}()
	}
	for j := 0; j < 4*fanOut; j++ {
		jobs <- n + j
		if j >= fanOut {
			keep(<-results)
		}
	}
	close(jobs)
	for j := 0; j < fanOut; j++ {
		keep(<-results)
	}
}

func keep(b []byte) {
	if len(sink) < 64 {
		sink = append(sink, b)
	} else {
		sink[int(b[1])%len(sink)] = b
	}
}
