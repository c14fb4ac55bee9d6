// Package mandelbrot renders the Mandelbrot set in five concurrency designs.
//
// The designs are the classic ones from the execution-trace study of a
// Mandelbrot renderer: every design computes exactly the same pixels with the
// same code and differs only in how the work is handed to goroutines, so their
// timings and execution traces show the cost of each design's scheduling and
// channel traffic:
//
//   - Sequential: one goroutine computes every pixel.
//   - PixelGoroutines: one goroutine per pixel.
//   - ColumnGoroutines: one goroutine per column.
//   - PixelPool: Workers goroutines fed one pixel per send on an unbuffered
//     channel; every pixel is a rendezvous between the feeder and a worker.
//   - ColumnPool: Workers goroutines fed one column per send on a channel
//     buffered to hold every column, so the feeder never blocks.
//
// Render produces a grayscale image of the set around -0.5+0i. The arithmetic
// is written so that no platform may fuse a multiply and an add, which makes
// the image bit-for-bit identical on every architecture and in every design.
package mandelbrot

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sync"
)

// Mode selects one of the five concurrency designs.
type Mode int

const (
	// Sequential computes every pixel on the calling goroutine.
	Sequential Mode = iota
	// PixelGoroutines starts one goroutine per pixel.
	PixelGoroutines
	// ColumnGoroutines starts one goroutine per column.
	ColumnGoroutines
	// PixelPool feeds Workers goroutines one pixel per send on an
	// unbuffered channel.
	PixelPool
	// ColumnPool feeds Workers goroutines one column per send on a channel
	// buffered to the image width.
	ColumnPool
)

// DefaultMode is the design used by the command and by
// BenchmarkRenderDefault: the one this package recommends.
const DefaultMode = ColumnPool

// Workers is the number of goroutines in the PixelPool and ColumnPool designs.
const Workers = 8

var modeNames = [...]string{
	Sequential:       "sequential",
	PixelGoroutines:  "pixel",
	ColumnGoroutines: "column",
	PixelPool:        "pixelpool",
	ColumnPool:       "columnpool",
}

// Modes returns all designs in declaration order.
func Modes() []Mode {
	return []Mode{Sequential, PixelGoroutines, ColumnGoroutines, PixelPool, ColumnPool}
}

// String returns the design's short name, as accepted by ParseMode.
func (m Mode) String() string {
	if m < 0 || int(m) >= len(modeNames) {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return modeNames[m]
}

// ParseMode returns the design named s ("sequential", "pixel", "column",
// "pixelpool" or "columnpool").
func ParseMode(s string) (Mode, error) {
	for m, name := range modeNames {
		if s == name {
			return Mode(m), nil
		}
	}
	return 0, fmt.Errorf("mandelbrot: unknown mode %q (want one of sequential, pixel, column, pixelpool, columnpool)", s)
}

// The viewport: the real axis spans [centerRe-span/2, centerRe+span/2] and the
// imaginary axis is scaled by the same step, so pixels are square.
const (
	centerRe = -0.5
	centerIm = 0.0
	span     = 3.0
)

// Render draws a width×height image of the Mandelbrot set, iterating each
// point at most maxIter times, using the concurrency design mode. Points in
// the set are black; points outside are brighter the later they escape.
func Render(width, height, maxIter int, mode Mode) (*image.Gray, error) {
	if width <= 0 || height <= 0 {
		return nil, fmt.Errorf("mandelbrot: image size %dx%d is not positive", width, height)
	}
	if maxIter <= 0 {
		return nil, fmt.Errorf("mandelbrot: maxIter %d is not positive", maxIter)
	}
	r := newRenderer(width, height, maxIter)
	switch mode {
	case Sequential:
		r.sequential()
	case PixelGoroutines:
		r.pixelGoroutines()
	case ColumnGoroutines:
		r.columnGoroutines()
	case PixelPool:
		r.pixelPool()
	case ColumnPool:
		r.columnPool()
	default:
		return nil, fmt.Errorf("mandelbrot: unknown mode %v", mode)
	}
	return r.img, nil
}

// renderer is the core shared by all designs: fill computes one pixel and
// column computes one column. Distinct pixels are distinct bytes of img.Pix,
// so concurrent fills need no locking.
type renderer struct {
	img     *image.Gray
	maxIter int
	step    float64 // distance between neighbouring pixels in the plane
	re0     float64 // real part of column 0
	im0     float64 // imaginary part of row 0
}

func newRenderer(width, height, maxIter int) *renderer {
	step := span / float64(width)
	return &renderer{
		img:     image.NewGray(image.Rect(0, 0, width, height)),
		maxIter: maxIter,
		step:    step,
		re0:     centerRe - float64(float64(width-1)*step)/2,
		im0:     centerIm - float64(float64(height-1)*step)/2,
	}
}

func (r *renderer) width() int  { return r.img.Rect.Dx() }
func (r *renderer) height() int { return r.img.Rect.Dy() }

// fill computes the pixel in column x, row y.
func (r *renderer) fill(x, y int) {
	re := r.re0 + float64(float64(x)*r.step)
	im := r.im0 + float64(float64(y)*r.step)
	n := escapeTime(re, im, r.maxIter)
	r.img.SetGray(x, y, shade(n, r.maxIter))
}

// column computes every pixel of column x.
func (r *renderer) column(x int) {
	for y := 0; y < r.height(); y++ {
		r.fill(x, y)
	}
}

// escapeTime returns the number of iterations of z ← z² + c, from z = 0,
// before |z| exceeds 2, or maxIter if it never does. The explicit float64
// conversions round every product, which forbids fused multiply-adds.
func escapeTime(re, im float64, maxIter int) int {
	var zr, zi float64
	for n := 0; n < maxIter; n++ {
		zr2 := float64(zr * zr)
		zi2 := float64(zi * zi)
		if zr2+zi2 > 4 {
			return n
		}
		zi = float64(2*zr*zi) + im
		zr = zr2 - zi2 + re
	}
	return maxIter
}

// shade maps an escape time to a gray level: points in the set are black,
// points outside glow brighter the longer they take to escape. The square
// root spreads the few iterations most points need over the gray range
// (math.Sqrt is correctly rounded, so the result is exact everywhere).
func shade(n, maxIter int) color.Gray {
	if n >= maxIter {
		return color.Gray{Y: 0}
	}
	return color.Gray{Y: uint8(255 * math.Sqrt(float64(n)/float64(maxIter)))}
}

func (r *renderer) sequential() {
	for x := 0; x < r.width(); x++ {
		r.column(x)
	}
}

func (r *renderer) pixelGoroutines() {
	var wg sync.WaitGroup
	for x := 0; x < r.width(); x++ {
		for y := 0; y < r.height(); y++ {
			wg.Add(1)
			go func(x, y int) {
				defer wg.Done()
				r.fill(x, y)
			}(x, y)
		}
	}
	wg.Wait()
}

func (r *renderer) columnGoroutines() {
	var wg sync.WaitGroup
	for x := 0; x < r.width(); x++ {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			r.column(x)
		}(x)
	}
	wg.Wait()
}

type pixel struct{ x, y int }

func (r *renderer) pixelPool() {
	pixels := make(chan pixel)
	var wg sync.WaitGroup
	wg.Add(Workers)
	for w := 0; w < Workers; w++ {
		go func() {
			defer wg.Done()
			for p := range pixels {
				r.fill(p.x, p.y)
			}
		}()
	}
	for x := 0; x < r.width(); x++ {
		for y := 0; y < r.height(); y++ {
			pixels <- pixel{x, y}
		}
	}
	close(pixels)
	wg.Wait()
}

func (r *renderer) columnPool() {
	columns := make(chan int, r.width())
	var wg sync.WaitGroup
	wg.Add(Workers)
	for w := 0; w < Workers; w++ {
		go func() {
			defer wg.Done()
			for x := range columns {
				r.column(x)
			}
		}()
	}
	for x := 0; x < r.width(); x++ {
		columns <- x
	}
	close(columns)
	wg.Wait()
}
