// Command netio records a trace of loopback network I/O and file system
// calls, the inputs of the network and syscall blocking profiles:
//
//   - a TCP echo server on 127.0.0.1 whose accept loop, and one connection's
//     reader, are already blocked in the netpoller when tracing starts (they
//     enter the trace through status events only);
//   - four clients doing 200 request/response round trips each, and one
//     bulk transfer of 8 MiB through a small socket buffer;
//   - meanwhile, a goroutine writing, syncing, reading back, stat-ing and
//     removing files in a temporary directory;
//   - a raw nanosleep(2) of 30 ms, a syscall long enough for the runtime to
//     hand the goroutine's P to another thread (ProcSteal).
//
// Usage: netio -o FILE
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"example.com/tracecorpus/internal/tracefile"
)

func main() {
	out := tracefile.OutputFlag("Records a trace of loopback TCP and file syscalls into FILE.")
	if err := run(out); err != nil {
		tracefile.Fatal(err)
	}
}

const (
	clients    = 4
	roundTrips = 200
	message    = 512
	bulkBytes  = 8 << 20
)

func run(out string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	go serve(ln)
	// A connection whose server side is parked in Read before tracing starts.
	early, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer early.Close()

	stop, err := tracefile.Start(out)
	if err != nil {
		return err
	}
	const goroutines = clients + 2
	errs := make(chan error, goroutines+2) // their results and main's two
	var wg sync.WaitGroup
	wg.Add(goroutines)
	for c := 0; c < clients; c++ {
		go func() {
			defer wg.Done()
			errs <- pingPong(ln.Addr().String(), c)
		}()
	}
	go func() {
		defer wg.Done()
		errs <- bulk(ln.Addr().String())
	}()
	go func() {
		defer wg.Done()
		errs <- files()
	}()
	errs <- pingPongOn(early, clients)
	errs <- nanosleep(30e6)
	wg.Wait()
	close(errs)
	for e := range errs {
		err = errors.Join(err, e)
	}
	return errors.Join(err, stop())
}

// serve echoes every connection back to its client.
func serve(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			io.Copy(conn, conn)
		}()
	}
}

func pingPong(addr string, id int) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	return pingPongOn(conn, id)
}

// pingPongOn sends roundTrips messages on conn and checks each echo.
func pingPongOn(conn net.Conn, id int) error {
	msg := bytes.Repeat([]byte{byte('a' + id)}, message)
	got := make([]byte, message)
	for i := 0; i < roundTrips; i++ {
		if _, err := conn.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(conn, got); err != nil {
			return err
		}
		if !bytes.Equal(got, msg) {
			return fmt.Errorf("client %d: round trip %d: echo differs", id, i)
		}
	}
	return nil
}

// bulk streams bulkBytes through a connection with small socket buffers, so
// both the writer and the reader block on the network repeatedly.
func bulk(addr string) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	tcp := conn.(*net.TCPConn)
	if err := tcp.SetWriteBuffer(16 << 10); err != nil {
		return err
	}
	if err := tcp.SetReadBuffer(16 << 10); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		chunk := bytes.Repeat([]byte{'z'}, 32<<10)
		for sent := 0; sent < bulkBytes; sent += len(chunk) {
			if _, err := tcp.Write(chunk); err != nil {
				done <- err
				return
			}
		}
		done <- tcp.CloseWrite()
	}()
	n, err := io.Copy(io.Discard, tcp)
	if err == nil && n != bulkBytes {
		err = fmt.Errorf("bulk transfer echoed %d bytes, want %d", n, bulkBytes)
	}
	return errors.Join(err, <-done)
}

// files exercises file system calls: create, write, fsync, read, stat,
// rename and remove, 16 files of 64 KiB.
func files() error {
	dir, err := os.MkdirTemp("", "netio-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	data := bytes.Repeat([]byte("file data\n"), 64<<10/10)
	for i := 0; i < 16; i++ {
		name := filepath.Join(dir, fmt.Sprintf("f%02d", i))
		f, err := os.Create(name)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		err = errors.Join(err, f.Sync(), f.Close())
		if err != nil {
			return err
		}
		back, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if !bytes.Equal(back, data) {
			return fmt.Errorf("%s: read back differs", name)
		}
		if _, err := os.Stat(name); err != nil {
			return err
		}
		if err := os.Rename(name, name+".old"); err != nil {
			return err
		}
		if err := os.Remove(name + ".old"); err != nil {
			return err
		}
	}
	return nil
}

// nanosleep blocks the thread in the kernel for ns nanoseconds, like a slow
// blocking system call, without the runtime's timer machinery.
func nanosleep(ns int64) error {
	ts := syscall.NsecToTimespec(ns)
	for {
		var left syscall.Timespec
		err := syscall.Nanosleep(&ts, &left)
		if err != syscall.EINTR {
			return err
		}
		ts = left
	}
}
