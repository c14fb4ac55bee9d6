//go:build !go1.25

package main

import "os"

func flightRecord(f *os.File, work func()) { panic("no flight recorder before go1.25") }
