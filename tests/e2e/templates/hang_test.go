package work

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// BenchmarkHang passes its first short run (-benchtime=1x, how perfgate
// finds benchmarks) and then hangs once it is measured for real, after
// starting a child process that would outlive it unless its whole process
// group is killed. The child's command line carries $E2E_MARKER so the test
// can look for survivors.
func BenchmarkHang(b *testing.B) {
	if b.N > 1 {
		cmd := exec.Command("sh", "-c", "sleep 300; : "+os.Getenv("E2E_MARKER"))
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		println("e2e: BenchmarkHang is hanging")
		time.Sleep(time.Hour)
	}
	for i := 0; i < b.N; i++ {
		sink += uint64(Sum(10))
	}
}
