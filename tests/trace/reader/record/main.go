package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"iter"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"time"
)

var sink [][]byte

func chanblock(ctx context.Context) {
	ctx, task := trace.NewTask(ctx, "pool")
	defer task.End()
	jobs := make(chan int)
	res := make(chan int, 4)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				trace.WithRegion(ctx, "work", func() {
					mu.Lock()
					x := 0
					for i := 0; i < j*1000; i++ {
						x += i
					}
					mu.Unlock()
					_, _ = os.Stat("/tmp")
					res <- x
				})
			}
		}()
	}
	go func() {
		for i := 0; i < 300; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(res) }()
	n := 0
	for range res {
		n++
		if n%50 == 0 {
			trace.Logf(ctx, "progress", "n=%d", n)
			time.Sleep(100 * time.Microsecond)
		}
	}
}

func gcheavy() {
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local [][]byte
			for i := 0; i < 40000; i++ {
				local = append(local, make([]byte, 1024))
				if len(local) > 2000 {
					local = local[:0]
				}
			}
			sink = append(sink, local...)
		}()
	}
	wg.Wait()
	runtime.GC()
}

func coro() {
	seq := func(yield func(int) bool) {
		for i := 0; i < 200; i++ {
			if !yield(i) {
				return
			}
		}
	}
	next, stop := iter.Pull(iter.Seq[int](seq))
	s := 0
	for {
		v, ok := next()
		if !ok {
			break
		}
		s += v
		if s > 5000 {
			break
		}
	}
	stop()
}

func main() {
	mode := flag.String("mode", "chanblock", "")
	out := flag.String("o", "out.trace", "")
	cpu := flag.Bool("cpu", false, "")
	fr := flag.Bool("fr", false, "flight recorder")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		panic(err)
	}
	if *cpu {
		pprof.StartCPUProfile(&bytes.Buffer{})
		defer pprof.StopCPUProfile()
	}
	work := func() {
		ctx := context.Background()
		switch *mode {
		case "chanblock":
			chanblock(ctx)
		case "gcheavy":
			gcheavy()
		case "coro":
			coro()
			chanblock(ctx)
		case "all":
			chanblock(ctx)
			gcheavy()
			coro()
			cgoWork()
		}
	}
	if *fr {
		flightRecord(f, work)
		return
	}
	trace.Start(f)
	work()
	trace.Stop()
	f.Close()
	fmt.Println("ok")
}
