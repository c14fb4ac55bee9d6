package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"example.com/mandelbrot"
)

func TestWritesThePNGAndTheTrace(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.png")
	tr := filepath.Join(dir, "m.trace")
	var stderr bytes.Buffer
	err := run([]string{"-width", "40", "-height", "30", "-maxiter", "50", "-mode", "pixelpool", "-o", out, "-trace", tr}, &stderr)
	if err != nil {
		t.Fatalf("run: %v (stderr: %s)", err, stderr.String())
	}

	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding %s: %v", out, err)
	}
	want, err := mandelbrot.Render(40, 30, 50, mandelbrot.Sequential)
	if err != nil {
		t.Fatal(err)
	}
	gray, ok := got.(*image.Gray)
	if !ok {
		t.Fatalf("%s decodes to %T, want *image.Gray", out, got)
	}
	if gray.Rect != want.Rect || !bytes.Equal(gray.Pix, want.Pix) {
		t.Errorf("%s differs from the sequential render", out)
	}

	data, err := os.ReadFile(tr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go 1.")) || !bytes.Contains(data, []byte("Render/mode=pixelpool")) {
		t.Errorf("%s (%d bytes) is not an execution trace with the render region", tr, len(data))
	}
}

func TestRejectsBadArguments(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.png")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-mode", "fast", "-o", out}, `unknown mode "fast"`},
		{[]string{"-width", "0", "-o", out}, "image size 0x1024 is not positive"},
		{[]string{"-o", out, "extra"}, `unexpected argument "extra"`},
		{[]string{"-nosuchflag"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		err := run(tt.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind (stat: %v)", out, err)
	}
}
