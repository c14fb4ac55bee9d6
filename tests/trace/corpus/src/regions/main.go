// Command regions records an execution trace full of user annotations
// (runtime/trace tasks, regions and logs) in the shapes a trace reader has to
// get right:
//
//   - a task created before tracing starts, so the trace holds its end and a
//     log in it but never its beginning;
//   - a "request" task with nested regions three deep, from both WithRegion
//     and StartRegion, and logs with and without a category;
//   - the request fans out to goroutines, each with a child "shard" task and
//     its own regions, and a goroutine other than the creator ends the parent
//     task;
//   - a region and a log outside any task (task ID 0);
//   - a task whose work runs through an iter.Pull coroutine, so the regions
//     and logs come from a goroutine entered by coroutine switches
//     (GoCreateBlocked and GoSwitch events);
//   - a region and a task still open when tracing stops.
//
// Usage: regions -o FILE
package main

import (
	"context"
	"fmt"
	"iter"
	"runtime/trace"
	"strings"
	"sync"

	"example.com/tracecorpus/internal/tracefile"
)

func main() {
	out := tracefile.OutputFlag("Records a trace of runtime/trace tasks, regions and logs into FILE.")
	if err := run(out); err != nil {
		tracefile.Fatal(err)
	}
}

func run(out string) error {
	bg := context.Background()
	preCtx, preTask := trace.NewTask(bg, "pre-start")

	stop, err := tracefile.Start(out)
	if err != nil {
		return err
	}
	trace.Log(preCtx, "phase", "tracing started")
	preTask.End()

	request(bg)
	untasked()
	pulled(bg)

	openCtx, _ := trace.NewTask(bg, "open-at-stop")
	open := trace.StartRegion(openCtx, "open-at-stop")
	trace.Log(openCtx, "phase", "stopping with this region and task open")
	err = stop()
	open.End()
	return err
}

// request is a task with nested regions whose work fans out to shards on
// other goroutines; the last shard to finish ends the request task.
func request(bg context.Context) {
	ctx, task := trace.NewTask(bg, "request")
	trace.Log(ctx, "user", "alice")
	trace.Logf(ctx, "", "request #%d with %d shards", 1, shards)

	var query []string
	trace.WithRegion(ctx, "parse", func() {
		tokenize := trace.StartRegion(ctx, "tokenize")
		query = strings.Fields("select sum(x) from t where y > 3 group by z")
		tokenize.End()
		trace.WithRegion(ctx, "validate", func() {
			trace.WithRegion(ctx, "lookup", func() {
				trace.Logf(ctx, "tokens", "%d", len(query))
			})
		})
	})

	var wg sync.WaitGroup
	results := make(chan int)
	wg.Add(shards)
	for s := 0; s < shards; s++ {
		go func() {
			defer wg.Done()
			results <- shard(ctx, s, query)
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	done := make(chan struct{})
	go func() {
		// Ends the request task from a goroutine that did not create it.
		defer close(done)
		total := 0
		trace.WithRegion(ctx, "merge", func() {
			for r := range results {
				total += r
			}
		})
		trace.Logf(ctx, "result", "%d", total)
		task.End()
	}()
	<-done
}

const shards = 4

func shard(parent context.Context, n int, query []string) int {
	ctx, task := trace.NewTask(parent, "shard")
	defer task.End()
	trace.Logf(ctx, "shard", "%d", n)
	sum := 0
	trace.WithRegion(ctx, "scan", func() {
		for i := 0; i < 20000*(n+1); i++ {
			sum += i % (len(query) + n)
		}
	})
	trace.WithRegion(ctx, "encode", func() {
		sum = len(fmt.Sprint(sum)) + sum%1000
	})
	return sum
}

// untasked annotates work that belongs to no task, on another goroutine,
// with a long log message.
func untasked() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx := context.Background()
		trace.WithRegion(ctx, "housekeeping", func() {
			trace.Log(ctx, "note", strings.Repeat("0123456789abcdef", 64))
		})
	}()
	<-done
}

// pulled drives a generator through iter.Pull inside a task: the
// generator's body runs on a coroutine goroutine that the pulling goroutine
// switches to and from on every value.
func pulled(bg context.Context) {
	ctx, task := trace.NewTask(bg, "pull")
	defer task.End()
	squares := func(yield func(int) bool) {
		defer trace.StartRegion(ctx, "generate").End()
		for i := 1; ; i++ {
			trace.Logf(ctx, "yield", "%d", i*i)
			if !yield(i * i) {
				return
			}
		}
	}
	next, stop := iter.Pull(iter.Seq[int](squares))
	defer stop()
	trace.WithRegion(ctx, "consume", func() {
		sum := 0
		for range 8 {
			v, _ := next()
			sum += v
		}
		trace.Logf(ctx, "sum", "%d", sum)
	})
}
