// Command cgocallback records a trace of C threads calling into Go. A
// callback on a thread the Go runtime did not create makes a goroutine
// appear already in a syscall (GoCreateSyscall) and vanish in one
// (GoDestroySyscall); the Go side of the cgo call itself is a syscall of the
// calling goroutine. It needs cgo (CGO_ENABLED=1 and a C compiler).
//
// Usage: cgocallback -o FILE
package main

/*
#include <pthread.h>

extern void goCallback(int thread, int call);

static void *callbacks(void *arg) {
	int thread = (int)(long)arg;
	for (int call = 0; call < 4; call++)
		goCallback(thread, call);
	return 0;
}

// runThreads starts n C threads that each call back into Go four times, and
// waits for them. It returns 0 or the first pthread error.
static int runThreads(int n) {
	pthread_t threads[8];
	if (n > 8)
		n = 8;
	for (int i = 0; i < n; i++) {
		int err = pthread_create(&threads[i], 0, callbacks, (void *)(long)i);
		if (err)
			return err;
	}
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], 0);
	return 0;
}
*/
import "C"

import (
	"fmt"
	"sync/atomic"

	"example.com/tracecorpus/internal/tracefile"
)

func main() {
	out := tracefile.OutputFlag("Records a trace of C threads calling back into Go into FILE.")
	if err := run(out); err != nil {
		tracefile.Fatal(err)
	}
}

const threads = 4

var calls atomic.Int32

//export goCallback
func goCallback(thread, call C.int) {
	sum := 0
	for i := 0; i < 10000*int(call+1); i++ {
		sum += i % int(thread+1)
	}
	if sum >= 0 {
		calls.Add(1)
	}
}

func run(out string) error {
	stop, err := tracefile.Start(out)
	if err != nil {
		return err
	}
	if e := C.runThreads(threads); e != 0 {
		err = fmt.Errorf("pthread_create: error %d", int(e))
	}
	if err == nil && calls.Load() != threads*4 {
		err = fmt.Errorf("%d callbacks ran, want %d", calls.Load(), threads*4)
	}
	if serr := stop(); err == nil {
		err = serr
	}
	return err
}
