package mandelbrot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"runtime/trace"
	"testing"
)

// checksum identifies an image by its size and pixels.
func checksum(img *image.Gray) string {
	h := sha256.New()
	fmt.Fprintf(h, "%dx%d\n", img.Rect.Dx(), img.Rect.Dy())
	h.Write(img.Pix)
	return hex.EncodeToString(h.Sum(nil))
}

func mustRender(t testing.TB, width, height, maxIter int, mode Mode) *image.Gray {
	t.Helper()
	img, err := Render(width, height, maxIter, mode)
	if err != nil {
		t.Fatalf("Render(%d, %d, %d, %v): %v", width, height, maxIter, mode, err)
	}
	return img
}

func TestAllModesRenderTheSameImage(t *testing.T) {
	sizes := []struct{ width, height, maxIter int }{
		{1, 1, 10},
		{7, 3, 20},
		{3, 7, 20},
		{64, 48, 50},
		{benchWidth, benchHeight, benchMaxIter},
	}
	for _, s := range sizes {
		want := checksum(mustRender(t, s.width, s.height, s.maxIter, Sequential))
		for _, mode := range Modes()[1:] {
			got := checksum(mustRender(t, s.width, s.height, s.maxIter, mode))
			if got != want {
				t.Errorf("%dx%d maxIter=%d: mode %v renders %s, sequential renders %s",
					s.width, s.height, s.maxIter, mode, got, want)
			}
		}
	}
}

// The golden checksum pins the image itself, so a change to the viewport,
// the iteration or the shading (which would change what the benchmarks
// measure) cannot go unnoticed. The arithmetic forbids fused multiply-adds,
// so the value is the same on every architecture.
func TestGoldenChecksum(t *testing.T) {
	const want = "61c95f906a500fa4e8365bf8b32aa9d5e53c9df5be519b61d42e23e9d9936147"
	if got := checksum(mustRender(t, 64, 48, 50, Sequential)); got != want {
		t.Errorf("64x48 maxIter=50 checksum = %s, want %s", got, want)
	}
}

func TestKnownPixels(t *testing.T) {
	const width, height, maxIter = 101, 101, 100
	img := mustRender(t, width, height, maxIter, Sequential)
	// The centre pixel is exactly -0.5+0i, inside the main cardioid.
	if got := img.GrayAt(width/2, height/2).Y; got != 0 {
		t.Errorf("centre pixel (-0.5+0i) = %d, want 0 (inside the set)", got)
	}
	// The corner is -2-1.5i: |c|² = 6.25 > 4, so it escapes at iteration 1
	// (z1 = c) and is shaded 255·√(1/100) = 25.5, truncated.
	if got, want := img.GrayAt(0, 0).Y, uint8(25); got != want {
		t.Errorf("corner pixel (-2-1.5i) = %d, want %d", got, want)
	}
	// The image is symmetric about the real axis.
	for x := 0; x < width; x++ {
		for y := 0; y < height/2; y++ {
			if a, b := img.GrayAt(x, y).Y, img.GrayAt(x, height-1-y).Y; a != b {
				t.Fatalf("pixel (%d,%d) = %d but its mirror (%d,%d) = %d", x, y, a, x, height-1-y, b)
			}
		}
	}
}

func TestEscapeTime(t *testing.T) {
	tests := []struct {
		re, im  float64
		maxIter int
		want    int
	}{
		{0, 0, 50, 50},  // the origin never escapes
		{-1, 0, 50, 50}, // period-2 cycle 0, -1, 0, -1, ...
		{1, 0, 50, 3},   // 0, 1, 2, 5: |2|² = 4 is not > 4, |5|² is
		{3, 0, 50, 1},   // z1 = 3 escapes
		{0.25, 0, 7, 7}, // the cusp converges slowly but stays bounded
	}
	for _, tt := range tests {
		if got := escapeTime(tt.re, tt.im, tt.maxIter); got != tt.want {
			t.Errorf("escapeTime(%v, %v, %d) = %d, want %d", tt.re, tt.im, tt.maxIter, got, tt.want)
		}
	}
}

func TestModeNames(t *testing.T) {
	for _, mode := range Modes() {
		got, err := ParseMode(mode.String())
		if err != nil || got != mode {
			t.Errorf("ParseMode(%q) = %v, %v; want %v, nil", mode.String(), got, err, mode)
		}
	}
	if _, err := ParseMode("pixels"); err == nil {
		t.Error(`ParseMode("pixels") succeeded, want an error`)
	}
	if got := Mode(42).String(); got != "Mode(42)" {
		t.Errorf("Mode(42).String() = %q", got)
	}
}

func TestRenderRejectsBadArguments(t *testing.T) {
	tests := []struct {
		width, height, maxIter int
		mode                   Mode
	}{
		{0, 10, 10, Sequential},
		{10, -1, 10, Sequential},
		{10, 10, 0, Sequential},
		{10, 10, 10, Mode(-1)},
		{10, 10, 10, Mode(len(modeNames))},
	}
	for _, tt := range tests {
		if img, err := Render(tt.width, tt.height, tt.maxIter, tt.mode); err == nil {
			t.Errorf("Render(%d, %d, %d, %v) = %v, nil; want an error", tt.width, tt.height, tt.maxIter, tt.mode, img.Rect)
		}
	}
}

// The benchmark image: small enough that one render takes a few
// milliseconds, so CI can afford many rounds, and large enough that every
// design's scheduling pattern (and the pixel pool's channel rendezvous)
// dominates its profile.
const (
	benchWidth   = 128
	benchHeight  = 128
	benchMaxIter = 256
)

// BenchmarkRender measures each design on the benchmark image:
// BenchmarkRender/mode=sequential, .../mode=pixel, .../mode=column,
// .../mode=pixelpool and .../mode=columnpool.
func BenchmarkRender(b *testing.B) {
	for _, mode := range Modes() {
		b.Run("mode="+mode.String(), func(b *testing.B) { benchmarkRender(b, mode) })
	}
}

// BenchmarkRenderDefault measures DefaultMode, so that a change of the
// recommended design shows up as a change of one benchmark.
func BenchmarkRenderDefault(b *testing.B) {
	benchmarkRender(b, DefaultMode)
}

// benchmarkRender times b.N renders. The timed loop is one execution-trace
// region named after the design, so a trace of the benchmark can be cut to
// the measured work (the testing package itself emits no annotations).
func benchmarkRender(b *testing.B, mode Mode) {
	b.ReportAllocs()
	defer trace.StartRegion(context.Background(), "Render/mode="+mode.String()).End()
	for i := 0; i < b.N; i++ {
		if _, err := Render(benchWidth, benchHeight, benchMaxIter, mode); err != nil {
			b.Fatal(err)
		}
	}
}
