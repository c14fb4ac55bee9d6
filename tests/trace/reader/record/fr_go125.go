//go:build go1.25

package main

import (
	"os"
	"runtime/trace"
	"time"
)

func flightRecord(f *os.File, work func()) {
	// Run for longer than MinAge so that the snapshot starts at a late
	// generation, as real flight-recorder dumps do.
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 50 * time.Millisecond})
	fr.Start()
	for i := 0; i < 8; i++ {
		work()
		time.Sleep(30 * time.Millisecond)
	}
	fr.WriteTo(f)
	fr.Stop()
	f.Close()
}
