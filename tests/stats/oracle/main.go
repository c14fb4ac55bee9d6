// Command oracle prints the tables that tests/stats/test_stats_oracle checks
// perfgate's gate/stats against. Every expected value is computed here by
// the code benchstat itself runs: golang.org/x/perf/benchmath and
// github.com/aclements/go-moremath, at the versions benchstat pins, and Go's
// math package on linux/amd64.
//
// Regenerate (needs the Go module proxy, an amd64 CPU with AVX and FMA):
//
//	cd tests/stats/oracle && go run .
//
// writes table-fma.txt (Go's math.Exp on its FMA path, as on every current
// amd64 machine) and table-nofma.txt (the same program re-run with
// GODEBUG=cpu.fma=off, which switches math.Exp to its SSE2 path; only the
// sections whose values depend on Exp). `go run . -random N` prints N
// further random U-test cases to stdout, for agreement statistics.
//
// Format: one case per line, fields separated by single spaces. Inputs are
// printed as shortest round-trip decimals, outputs as hex floats, so every
// value is exact.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/aclements/go-moremath/mathx"
	"github.com/aclements/go-moremath/stats"
	"golang.org/x/perf/benchmath"
)

func dec(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
func hx(v float64) string  { return strconv.FormatFloat(v, 'x', -1, 64) }

func decs(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = dec(x)
	}
	return strings.Join(s, " ")
}

// fmaMode reports which path Go's math.Exp takes in this process:
// internal/cpu's X86.HasAVX && X86.HasFMA, minus what GODEBUG turns off.
func fmaMode() int {
	for _, f := range strings.Split(os.Getenv("GODEBUG"), ",") {
		switch f {
		case "cpu.fma=off", "cpu.avx=off", "cpu.all=off":
			return 0
		}
	}
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(info), "\n") {
		name, flags, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) != "flags" {
			continue
		}
		has := map[string]bool{}
		for _, f := range strings.Fields(flags) {
			has[f] = true
		}
		if has["avx"] && has["fma"] {
			return 1
		}
		return 0
	}
	return 0
}

type writer struct{ *bufio.Writer }

func (w writer) line(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

// Go's math, where perfgate ports it. Log has no FMA path, so the reduced
// table leaves it out.
func gomath(w writer, r *rand.Rand, withLog bool) {
	hsqrt2 := 7.07106781186547524401e-01
	exps := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e-300, -1e-300, 709.78, 709.782712893384,
		709.7827128933841, 709.79, -708.39, -708.4, -720, -744.4, -745.13, -745.14, -746, -1000,
		-1e300, 1e300, math.Inf(1), math.Inf(-1), math.NaN(), 0.6931471805599453, 2.302585092994046}
	for i := 0; i < 600; i++ {
		exps = append(exps, r.Float64()*1460-750)
	}
	for i := 0; i < 300; i++ {
		exps = append(exps, r.Float64()*4-2)
	}
	for i := 0; i < 100; i++ {
		exps = append(exps, (r.Float64()*2-1)*math.Pow(2, float64(-r.IntN(60))))
	}
	for _, x := range exps {
		w.line("exp %s %s", dec(x), hx(math.Exp(x)))
	}

	logs := []float64{0, math.Copysign(0, -1), -1, 1, 2, 0.5, 5e-324, 1e-310, 2.2250738585072014e-308,
		math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	// log_amd64.s halves f1 when f1 <= Sqrt2/2 (pure Go: <); of all
	// numbers with that mantissa only this one rounds differently.
	logs = append(logs, math.Ldexp(hsqrt2, 32))
	for e := -1030; e <= 1023; e += 31 {
		logs = append(logs, math.Ldexp(hsqrt2, e), math.Nextafter(math.Ldexp(hsqrt2, e), 0),
			math.Nextafter(math.Ldexp(hsqrt2, e), math.Inf(1)))
	}
	for i := 0; i < 600; i++ {
		logs = append(logs, math.Exp(r.Float64()*1380-690))
	}
	for i := 0; i < 300; i++ {
		logs = append(logs, 0.5+r.Float64()*1.5)
	}
	for n := 1; n <= 200; n++ {
		logs = append(logs, float64(n))
	}
	for _, x := range logs {
		if withLog {
			w.line("log %s %s", dec(x), hx(math.Log(x)))
		}
	}

	erfcs := []float64{0, math.Copysign(0, -1), 0x1p-57, 0.25, 0.84375, 1.25, 1 / 0.35,
		math.Nextafter(1/0.35, 0), 6, 6.000000000000001, 28, 27.999999999999996, -6, -6.000000000000001,
		-28, math.Inf(1), math.Inf(-1), math.NaN()}
	for i := 0; i < 800; i++ {
		erfcs = append(erfcs, r.Float64()*40-10)
	}
	for i := 0; i < 400; i++ {
		erfcs = append(erfcs, r.Float64()*8-4)
	}
	for _, x := range erfcs {
		w.line("erfc %s %s", dec(x), hx(math.Erfc(x)))
	}

	for n := 0; n <= 60; n++ {
		for k := -1; k <= n+1; k++ {
			w.line("choose %d %d %s", n, k, hx(mathx.Choose(n, k)))
		}
	}

	qs := []float64{0, 1, 0.5, -0.1, 1.1, 0.02425, 0.97575, 1e-300, 0.025, 0.975, 0.005, 0.0005, 0.25}
	for i := 0; i < 300; i++ {
		qs = append(qs, r.Float64())
	}
	for i := 0; i < 200; i++ {
		qs = append(qs, math.Pow(10, -r.Float64()*20))
	}
	for _, p := range qs {
		w.line("normq %s %s", dec(p), hx(stats.StdNormal.InvCDF(p)))
	}
	zs := []float64{0, 1, -1, 40, -40, math.Inf(1), math.Inf(-1)}
	for i := 0; i < 250; i++ {
		zs = append(zs, r.Float64()*80-40, r.Float64()*6-3)
	}
	for _, z := range zs {
		w.line("normcdf %s %s", dec(z), hx(stats.StdNormal.CDF(z)))
	}
}

var commonConfidences = []float64{0, 0.1, 0.25, 0.5, 0.6, 0.68, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975,
	0.98, 0.99, 0.995, 0.999, 0.9999, 1}

var needRE = regexp.MustCompile(`^need (>=|>) (\d+) samples`)

// warnN turns benchmath's "need >= N samples ..." / "need > N samples ..."
// warning into perfgate's integer (N, or N+1 for ">").
func warnN(errs []error) int {
	for _, e := range errs {
		if m := needRE.FindStringSubmatch(e.Error()); m != nil {
			n, _ := strconv.Atoi(m[2])
			if m[1] == ">" {
				n++
			}
			return n
		}
	}
	return 0
}

// Order statistics of the median's confidence interval, and the
// small-sample warning.
func medianCI(w writer) {
	ns := []int{}
	for n := 1; n <= 100; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, 127, 128, 255, 256, 257, 1000, 12345, 1000000)
	for _, c := range commonConfidences {
		for _, n := range ns {
			ci := stats.QuantileCI(n, 0.5, c)
			w.line("ci %s %d %d %d %s", dec(c), n, ci.LoOrder, ci.HiOrder, hx(ci.Confidence))
		}
		// Summary of 1..n with a warning for an infinite bound.
		s := benchmath.NewSample([]float64{1}, &benchmath.DefaultThresholds)
		w.line("cineed %s %d", dec(c), warnN(benchmath.AssumeNothing.Summary(s, c).Warnings))
	}
	// Every confidence 0.500, 0.501, ..., 0.999 for n <= 30: where Go's
	// lgamma/exp asymmetry moves the interval.
	for i := 500; i < 1000; i++ {
		c := float64(i) / 1000
		var b strings.Builder
		fmt.Fprintf(&b, "cigrid %s", dec(c))
		for n := 1; n <= 30; n++ {
			ci := stats.QuantileCI(n, 0.5, c)
			fmt.Fprintf(&b, " %d %d", ci.LoOrder, ci.HiOrder)
		}
		w.line("%s", b.String())
	}
}

// Cell summaries under both assumptions.
func summaries(w writer, r *rand.Rand) {
	negz := math.Copysign(0, -1)
	samples := [][]float64{
		{1}, {1, 2}, {2, 1}, {1, 2, 3}, {1, 1, 2, 2, 3}, {3, 3, 1, 1}, {5, 5, 5},
		{1, 2, math.Inf(1)}, {math.Inf(-1), 1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, math.Inf(1)},
		{negz}, {negz, negz}, {-1, negz, 1}, {negz, 0, negz, 0},
		{1.7180000000000001e-06, 1.726e-06, 1.7260000000000001e-06, 1.73e-06},
		{-5, -4, -3, -2, -1, -0.5}, {0.1, 0.2}, {0.1, 0.7}, {1e308, 1.7976931348623157e308},
	}
	crafted := len(samples)
	for n := 1; n <= 60; n++ {
		for rep := 0; rep < 3; rep++ {
			xs := make([]float64, n)
			for i := range xs {
				switch rep {
				case 0:
					xs[i] = math.Round(1e5*(1+0.05*r.NormFloat64())) / 100
				case 1:
					xs[i] = math.Round(1000*(1+0.02*r.NormFloat64())) / 1000 * 1e-6
				default:
					xs[i] = float64(r.IntN(4))
				}
			}
			samples = append(samples, xs)
		}
	}
	for _, c := range []float64{0.95, 0.9, 0.99, 0.5, 1} {
		for i, xs := range samples {
			if c != 0.95 && i >= crafted && len(xs)%5 != 0 {
				continue
			}
			xs = append([]float64(nil), xs...)
			s := benchmath.NewSample(xs, &benchmath.DefaultThresholds)
			sum := benchmath.AssumeNothing.Summary(s, c)
			w.line("summary %s %s %s %s %s %d %d %s", dec(c), hx(sum.Center), hx(sum.Lo), hx(sum.Hi),
				hx(sum.Confidence), warnN(sum.Warnings), len(xs), decs(s.Values))
			if c == 0.95 {
				ex := benchmath.AssumeExact.Summary(s, c)
				w.line("exact %s %s %s %d %d %s", hx(ex.Center), hx(ex.Lo), hx(ex.Hi), len(ex.Warnings),
					len(xs), decs(s.Values))
			}
		}
	}
}

func minSamples(w writer) {
	for _, a := range []float64{0, 1e-6, 4.113533525298231e-05, 4.2e-05, 0.0001554001554001554, 0.001,
		0.0021645021645021645, 0.005, 0.01, 0.02857142857142857, 0.03, 0.05, 0.1, 0.3333333333333333,
		0.5, 1} {
		// Compare two samples of one value each: p = 1 > alpha (unless
		// alpha = 1, where nothing shows N), which is when benchmath warns.
		t := benchmath.Thresholds{CompareAlpha: a}
		s1 := benchmath.NewSample([]float64{1}, &t)
		s2 := benchmath.NewSample([]float64{2}, &t)
		if n := warnN(benchmath.AssumeNothing.Compare(s1, s2).Warnings); n != 0 {
			w.line("uneed %s %d", dec(a), n)
		}
	}
}

func geomeans(w writer, r *rand.Rand) {
	cases := [][]float64{{}, {1}, {1.0000000000000001e-07}, {2, 8}, {1, 0}, {1, -1}, {1, math.Inf(1)},
		{math.Inf(1), 1}, {math.NaN()}, {1e-300, 1e300}, {3, 3, 3}}
	for n := 1; n <= 100; n += 9 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = math.Exp(r.NormFloat64()*5) * 1e-6
		}
		cases = append(cases, xs)
	}
	for _, xs := range cases {
		w.line("geomean %s %d %s", hx(stats.GeoMean(xs)), len(xs), decs(xs))
	}
}

// utest prints one comparison as benchstat makes it: sample 1 is the
// baseline. The flag is 1 when the test failed with "all samples are
// equal" (benchstat then reports p = 1).
func utest(w writer, x, y []float64) {
	x = append([]float64(nil), x...)
	y = append([]float64(nil), y...)
	s1 := benchmath.NewSample(x, &benchmath.DefaultThresholds)
	s2 := benchmath.NewSample(y, &benchmath.DefaultThresholds)
	c := benchmath.AssumeNothing.Compare(s1, s2)
	equal := 0
	for _, e := range c.Warnings {
		if e == stats.ErrSamplesEqual {
			equal = 1
		}
	}
	w.line("utest %s %d %d %d %s %s", hx(c.P), equal, len(x), len(y), decs(s1.Values), decs(s2.Values))
}

func seq(from, n int, step float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(from) + float64(i)*step
	}
	return xs
}

func rep(v float64, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = v
	}
	return xs
}

// Hand-picked comparisons: benchstat-spec.md §3.5's quirks and the
// exact/normal boundaries.
func craftedUtests(w writer) {
	inf := math.Inf(1)
	negz := math.Copysign(0, -1)
	pairs := [][2][]float64{
		{{2, 1, 2, 2, 2}, {2, 2, 2}},        // p = 1.25
		{{5}, {1, 1, 2, 2}},                 // p = 0
		{{1, 1, 2}, {3, 4, 5}},              // ties within one sample only
		{{3, 3, 3}, {3, 3}},                 // all equal
		{{1}, {1}},                          // all equal, n = 1
		{{1}, {2}},                          // smallest possible
		{{1, 2}, {1, 2}},                    // U1 == U2
		{{1, 2, 3}, {4, 5, 6}},              // full separation
		{{4, 5, 6}, {1, 2, 3}},              // the other way
		{{1, 2, 3, 4}, {5, 6, 7, 8}},        // min p for n = 4
		{{negz, 1}, {0, 2}},                 // -0 ties +0
		{{-inf, 1, 2}, {inf, 3, 4}},         // infinities
		{{-inf, -inf}, {-inf, 1}},           // tied infinities
		{{-3, -2, -1}, {-1, 0, 1}},          // negatives
		{{1, 1, 1, 1, 2}, {1, 2, 2, 2, 2}},  // heavy ties
		{{4096, 4096, 4112}, rep(4096, 8)},  // two tie groups, below the support: p = 1.455, truly 0
		{{1, 1, 2}, {1, 1, 1, 1}},           // the same, p = 1.143
		{{1, 2, 2, 2}, rep(2, 12)},          // two groups the other way round
		{rep(3, 21), append(rep(3, 20), 4)}, // two groups, Choose(n > 20)
		{{1, 2, 2, 3, 3, 3}, {2, 3, 3, 4, 4, 4, 4}},
		{seq(1, 25, 1), seq(26, 25, 1)},
		{append(seq(1, 24, 1), 24), seq(20, 25, 1)},            // ties, n = 25: exact
		{append(seq(1, 25, 1), 25), seq(20, 25, 1)},            // ties, 26 + 25: normal
		{append(seq(1, 25, 1), 25), append(seq(20, 25, 1), 7)}, // ties, 26 + 26: normal
		{append(seq(1, 24, 1), 24), append(seq(20, 25, 1), 7)}, // ties, 25 + 26: normal
		{seq(1, 50, 1), seq(26, 50, 1)},                        // no ties, 50: exact
		{seq(1, 51, 1), seq(26, 50, 1)},                        // no ties, 51 + 50: normal
		{seq(1, 51, 1), seq(26, 51, 1)},                        // no ties, 51 + 51: normal
		{seq(1, 50, 1), seq(1, 50, 1.0000001)},                 // ties at 1 only
		{seq(1, 50, 2), seq(2, 50, 2)},                         // no ties, interleaved
		{{1}, seq(2, 50, 1)},
		{{100}, seq(2, 50, 1)},
		{{1}, seq(2, 51, 1)},
		{rep(7, 25), rep(7, 25)}, // all equal, exact path
		{rep(7, 30), rep(7, 30)}, // all equal, normal path
		{append(rep(7, 29), 8), rep(7, 30)},
		{rep(1, 20), append(rep(1, 19), 2)},
		{append(rep(1, 10), rep(2, 10)...), append(rep(1, 12), rep(2, 8)...)},
	}
	for _, p := range pairs {
		utest(w, p[0], p[1])
	}
}

// benchSample draws n timings around base with relative noise, rounded to
// `digits` significant digits, as `go test` reports them (many ties when
// digits is small).
func benchSample(r *rand.Rand, n int, base, noise float64, digits int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		v := base * (1 + noise*math.Abs(r.NormFloat64()))
		if digits > 0 {
			scale := math.Pow(10, float64(digits)-math.Ceil(math.Log10(v)))
			v = math.Round(v*scale) / scale
		}
		xs[i] = v
	}
	return xs
}

// randomUtest prints one random comparison; kind picks the data shape.
func randomUtest(w writer, r *rand.Rand, n1, n2, kind int) {
	shift := []float64{1, 1, 1.005, 1.02, 1.1, 2}[r.IntN(6)]
	var x, y []float64
	switch kind {
	case 0: // benchmark timings, 3 significant digits: ~half tied
		x = benchSample(r, n1, 1000, 0.02, 3)
		y = benchSample(r, n2, 1000*shift, 0.02, 3)
	case 1: // small integers: heavy ties
		k := []int{2, 3, 5, 10}[r.IntN(4)]
		x = make([]float64, n1)
		y = make([]float64, n2)
		for i := range x {
			x[i] = float64(r.IntN(k))
		}
		for i := range y {
			y[i] = float64(r.IntN(k) + r.IntN(2)*int(shift-1+0.5))
		}
	case 2: // continuous: no ties (or very few)
		x = benchSample(r, n1, 1000, 0.05, 7)
		y = benchSample(r, n2, 1000*shift, 0.05, 7)
	default: // allocations: mostly one value
		x = make([]float64, n1)
		y = make([]float64, n2)
		for i := range x {
			x[i] = 4096 + float64(r.IntN(8)/7)*16
		}
		for i := range y {
			y[i] = 4096*shift + float64(r.IntN(8)/7)*16
		}
	}
	utest(w, x, y)
}

func randomUtests(w writer, r *rand.Rand) {
	// Every pair of small sizes, each data shape.
	for n1 := 1; n1 <= 12; n1++ {
		for n2 := 1; n2 <= 12; n2++ {
			randomUtest(w, r, n1, n2, (n1+n2)%4)
		}
	}
	// Equal sizes as go test -count gives them, around the limits.
	for _, n := range []int{5, 6, 8, 10, 15, 20, 20, 20, 24, 25, 26, 30} {
		for kind := 0; kind < 4; kind++ {
			for i := 0; i < 3; i++ {
				randomUtest(w, r, n, n, kind)
			}
		}
	}
	for _, n := range []int{40, 49, 50, 51, 60} {
		randomUtest(w, r, n, n, 2)
		randomUtest(w, r, n, n-1, 2)
	}
	// Unequal sizes.
	for i := 0; i < 150; i++ {
		n1, n2 := 1+r.IntN(30), 1+r.IntN(30)
		randomUtest(w, r, n1, n2, r.IntN(4))
	}
}

func main() {
	random := flag.Int("random", 0, "print this many random U-test cases to stdout and exit")
	reduced := flag.Bool("nofma-sections", false, "print only the sections that depend on math.Exp's path")
	flag.Parse()
	out := writer{bufio.NewWriter(os.Stdout)}
	defer out.Flush()
	r := rand.New(rand.NewPCG(1, 2))

	if *random > 0 {
		r = rand.New(rand.NewPCG(uint64(*random), 3))
		for i := 0; i < *random; i++ {
			n := 1 + r.IntN(30)
			if r.IntN(3) == 0 {
				n = 20
			}
			n2 := n
			if r.IntN(3) == 0 {
				n2 = 1 + r.IntN(30)
			}
			randomUtest(out, r, n, n2, r.IntN(4))
		}
		return
	}
	if !*reduced && os.Getenv("PERFGATE_ORACLE_STDOUT") == "" {
		if fmaMode() != 1 {
			fmt.Fprintln(os.Stderr, "oracle: this CPU (or GODEBUG) makes Go's math.Exp skip its FMA path; run on an amd64 CPU with AVX and FMA")
			os.Exit(1)
		}
		write := func(path string, env []string, args ...string) {
			f, err := os.Create(path)
			if err != nil {
				fmt.Fprintln(os.Stderr, "oracle:", err)
				os.Exit(1)
			}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), env...)
			cmd.Stdout, cmd.Stderr = f, os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintln(os.Stderr, "oracle:", err)
				os.Exit(1)
			}
			f.Close()
		}
		write("table-fma.txt", []string{"PERFGATE_ORACLE_STDOUT=1"})
		write("table-nofma.txt", []string{"PERFGATE_ORACLE_STDOUT=1", "GODEBUG=cpu.fma=off"}, "-nofma-sections")
		return
	}

	out.line("# Generated by tests/stats/oracle (go run .) with %s %s/%s, golang.org/x/perf benchmath and go-moremath; do not edit.",
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
	out.line("fma %d", fmaMode())
	gomath(out, r, !*reduced)
	medianCI(out)
	if *reduced {
		// U tests whose p divides by Choose(n1+n2, n1) with n1+n2 > 20.
		for i := 0; i < 100; i++ {
			randomUtest(out, r, 11+r.IntN(15), 11+r.IntN(15), r.IntN(2))
		}
		return
	}
	summaries(out, r)
	minSamples(out)
	geomeans(out, r)
	craftedUtests(out)
	randomUtests(out, r)
}
