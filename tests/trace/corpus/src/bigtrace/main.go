// Command bigtrace writes a large execution trace, for benchmarking trace
// readers on input far bigger than the corpus. The program runs a busy but
// ordinary server-like workload and stops tracing once the trace file has
// reached the requested size:
//
//   - a three-stage pipeline over unbuffered and buffered channels;
//   - batches of short-lived request goroutines that share a mutex-protected
//     cache, select on timers and annotate themselves with tasks, regions and
//     logs;
//   - a loopback TCP echo conversation and a goroutine writing, syncing and
//     stat-ing a temporary file (network waits and syscalls);
//   - sleeping tickers, and enough allocation for frequent GC cycles.
//
// To produce hundreds of generations in a short run, the runtime is asked to
// start a new generation every -generation (GODEBUG=traceadvanceperiod); the
// program re-executes itself with that setting when it is not already in the
// environment.
//
// Usage: bigtrace -o FILE [-size MiB] [-generation DURATION]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/trace"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	out := flag.String("o", "", "write the trace to this file (required)")
	sizeMiB := flag.Int("size", 256, "stop tracing once the trace has this many MiB")
	generation := flag.Duration("generation", 50*time.Millisecond, "trace generation period (GODEBUG=traceadvanceperiod), at most 2s")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: bigtrace -o FILE [-size MiB] [-generation DURATION]\n\nWrites a large execution trace of a busy workload into FILE.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || *sizeMiB <= 0 || *generation <= 0 || *generation > 2*time.Second {
		flag.Usage()
		os.Exit(2)
	}

	setting := fmt.Sprintf("traceadvanceperiod=%d", generation.Nanoseconds())
	godebug := os.Getenv("GODEBUG")
	if !strings.HasSuffix(godebug, setting) {
		os.Exit(reexec(godebug, setting))
	}

	start := time.Now()
	n, err := record(*out, int64(*sizeMiB)<<20)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigtrace:", err)
		os.Exit(1)
	}
	elapsed := time.Since(start)
	// The runtime advances generations only approximately every period,
	// later under load, so the count is left to a trace reader.
	fmt.Printf("bigtrace: wrote %s: %d bytes (%.1f MiB) in %.1f s, generation period %v\n",
		*out, n, float64(n)/(1<<20), elapsed.Seconds(), *generation)
}

// reexec runs this program again with setting appended to GODEBUG (a later
// setting overrides an earlier one) and returns its exit status.
func reexec(godebug, setting string) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigtrace: cannot find my executable to set GODEBUG:", err)
		return 1
	}
	if godebug != "" {
		setting = godebug + "," + setting
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), "GODEBUG="+setting)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "bigtrace:", err)
		return 1
	}
	return 0
}

// countingWriter counts the bytes the tracer has written.
type countingWriter struct {
	w io.Writer
	n atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// record traces the workload into path until the trace has limit bytes and
// returns the final size.
func record(path string, limit int64) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	buf := bufio.NewWriterSize(f, 1<<20)
	cw := &countingWriter{w: buf}

	ctx, cancel := context.WithCancel(context.Background())
	w, err := startWorkload(ctx)
	if err != nil {
		cancel()
		f.Close()
		return 0, err
	}
	if err := trace.Start(cw); err != nil {
		cancel()
		f.Close()
		return 0, err
	}
	for cw.n.Load() < limit {
		time.Sleep(10 * time.Millisecond)
	}
	trace.Stop()
	cancel()
	err = errors.Join(w.wait(), buf.Flush(), f.Close())
	return cw.n.Load(), err
}

// workload is the set of goroutines generating events.
type workload struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []error
}

func (w *workload) fail(err error) {
	w.mu.Lock()
	w.errs = append(w.errs, err)
	w.mu.Unlock()
}

func (w *workload) wait() error {
	w.wg.Wait()
	return errors.Join(w.errs...)
}

func (w *workload) goFunc(f func()) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		f()
	}()
}

func startWorkload(ctx context.Context) (*workload, error) {
	w := &workload{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "bigtrace-")
	if err != nil {
		ln.Close()
		return nil, err
	}
	w.goFunc(func() { pipeline(ctx) })
	w.goFunc(func() { requests(ctx) })
	w.goFunc(func() {
		if err := echo(ctx, ln); err != nil {
			w.fail(err)
		}
	})
	w.goFunc(func() {
		defer os.RemoveAll(dir)
		if err := files(ctx, filepath.Join(dir, "log")); err != nil {
			w.fail(err)
		}
	})
	for i := 0; i < 4; i++ {
		w.goFunc(func() { ticker(ctx, time.Duration(200+100*i)*time.Microsecond) })
	}
	return w, nil
}

// item is what flows through the pipeline; its payload is garbage soon.
type item struct {
	id      int
	payload []byte
}

// pipeline feeds items through two worker stages: the first over an
// unbuffered channel (every hand-off a rendezvous), the second over a
// buffered one.
func pipeline(ctx context.Context) {
	stage1 := make(chan item)
	stage2 := make(chan item, 16)
	sink := make(chan int, 16)
	var workers1, workers2 sync.WaitGroup
	for i := 0; i < 4; i++ {
		workers1.Add(1)
		go func() {
			defer workers1.Done()
			for it := range stage1 {
				it.payload = make([]byte, 512+it.id%1024)
				for j := range it.payload {
					it.payload[j] = byte(j + it.id)
				}
				stage2 <- it
			}
		}()
		workers2.Add(1)
		go func() {
			defer workers2.Done()
			for it := range stage2 {
				sum := 0
				for _, b := range it.payload {
					sum += int(b)
				}
				sink <- sum
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		for range sink {
		}
		close(done)
	}()
	for id := 0; ctx.Err() == nil; id++ {
		stage1 <- item{id: id}
	}
	close(stage1)
	workers1.Wait()
	close(stage2)
	workers2.Wait()
	close(sink)
	<-done
}

// requests runs batches of 32 short-lived goroutines; each is a task with
// regions and a log, looks up a shared mutex-protected cache and waits on a
// short timer or a result channel.
func requests(ctx context.Context) {
	var (
		mu    sync.Mutex
		cache = make(map[int][]byte)
		live  [256][]byte // survives a few batches, so GC has work to mark
	)
	for batch := 0; ctx.Err() == nil; batch++ {
		var wg sync.WaitGroup
		for r := 0; r < 32; r++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tctx, task := trace.NewTask(ctx, "request")
				defer task.End()
				key := (batch*32 + r) % 4096
				var v []byte
				trace.WithRegion(tctx, "lookup", func() {
					mu.Lock()
					v = cache[key]
					mu.Unlock()
				})
				if v == nil {
					trace.WithRegion(tctx, "compute", func() {
						v = make([]byte, 2048)
						for i := range v {
							v[i] = byte(i * key)
						}
						mu.Lock()
						if len(cache) > 2048 {
							clear(cache)
						}
						cache[key] = v
						mu.Unlock()
					})
				}
				result := make(chan int, 1)
				go func() { result <- len(v) }()
				select {
				case n := <-result:
					if r == 0 {
						trace.Logf(tctx, "bytes", "%d", n)
					}
				case <-time.After(time.Millisecond):
				}
				live[(batch*32+r)%len(live)] = v
			}()
		}
		wg.Wait()
	}
}

// echo keeps a request/response conversation going over loopback TCP.
func echo(ctx context.Context, ln net.Listener) error {
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		io.Copy(conn, conn)
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer conn.Close()
	msg := []byte(strings.Repeat("ping ", 40))
	got := make([]byte, len(msg))
	for ctx.Err() == nil {
		if _, err := conn.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(conn, got); err != nil {
			return err
		}
	}
	return nil
}

// files appends to a file with one write syscall per record, syncing and
// stat-ing it now and then and starting over when it gets large.
func files(ctx context.Context, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	record := []byte(strings.Repeat("x", 255) + "\n")
	for i := 1; ctx.Err() == nil; i++ {
		if _, err := f.Write(record); err != nil {
			return err
		}
		if i%64 == 0 {
			if err := f.Sync(); err != nil {
				return err
			}
			if fi, err := os.Stat(path); err != nil {
				return err
			} else if fi.Size() > 4<<20 {
				if err := f.Truncate(0); err != nil {
					return err
				}
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ticker wakes up every period to do a little work.
func ticker(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	x := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for i := 0; i < 1000; i++ {
				x += i
			}
		}
	}
}
