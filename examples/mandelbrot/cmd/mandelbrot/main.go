// Command mandelbrot renders the Mandelbrot set to a PNG file with one of the
// five concurrency designs of package mandelbrot, optionally recording an
// execution trace of the render:
//
//	mandelbrot -mode pixelpool -width 1024 -height 768 -o mandelbrot.png -trace render.trace
//	go tool trace render.trace
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"runtime/trace"

	"example.com/mandelbrot"
)

func main() {
	err := run(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mandelbrot:", err)
		os.Exit(2)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("mandelbrot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		width   = fs.Int("width", 1024, "image width in pixels")
		height  = fs.Int("height", 1024, "image height in pixels")
		maxIter = fs.Int("maxiter", 256, "maximum iterations per pixel")
		modeArg = fs.String("mode", mandelbrot.DefaultMode.String(), "concurrency design: sequential, pixel, column, pixelpool or columnpool")
		out     = fs.String("o", "mandelbrot.png", "output PNG file")
		traceTo = fs.String("trace", "", "write an execution trace of the render to this file")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (all options are flags; see -h)", fs.Arg(0))
	}
	mode, err := mandelbrot.ParseMode(*modeArg)
	if err != nil {
		return err
	}

	var stopTrace func() error
	if *traceTo != "" {
		if stopTrace, err = startTrace(*traceTo); err != nil {
			return err
		}
	}
	// Outside a trace the region costs nothing; inside one it marks the render.
	region := trace.StartRegion(context.Background(), "Render/mode="+mode.String())
	img, err := mandelbrot.Render(*width, *height, *maxIter, mode)
	region.End()
	if stopTrace != nil {
		if terr := stopTrace(); err == nil {
			err = terr
		}
	}
	if err != nil {
		return err
	}

	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", *out, err)
	}
	return f.Close()
}

// startTrace starts tracing into path and returns the function that stops
// tracing and closes the file.
func startTrace(path string) (func() error, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting the execution trace: %w", err)
	}
	return func() error {
		trace.Stop()
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return nil
	}, nil
}
