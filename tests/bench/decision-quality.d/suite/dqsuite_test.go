package dqsuite

// The benchmarks. Each op costs roughly 10-50 µs on the project's 2-core
// machines, so that the script's fixed -benchtime (100x by default) keeps
// every benchmark process to a few milliseconds of measured work. Inputs
// are deterministic (fixed seeds) so that both sides of the gate measure
// the same work.

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sink keeps results alive so the compiler cannot drop the work.
var sink any

func rng() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

func text(n int) []byte {
	words := []string{"alpha", "beta", "gamma", "delta", "gate", "trace", "bench", "commit"}
	r := rng()
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.Bytes()[:n]
}

func BenchmarkChecksum(b *testing.B) {
	data := text(16 << 10)
	var h uint64
	for b.Loop() {
		h += Checksum(data)
	}
	sink = h
}

func BenchmarkStringBuilder(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var sb strings.Builder
		for i := 0; i < 1000; i++ {
			sb.WriteString("item-")
			sb.WriteString(strconv.Itoa(i))
			sb.WriteByte(',')
		}
		sink = sb.String()
	}
}

func BenchmarkStringConcat(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s := ""
		for i := 0; i < 100; i++ {
			s += "0123456789abcdef"
		}
		sink = s
	}
}

func BenchmarkSplitJoin(b *testing.B) {
	fields := make([]string, 400)
	for i := range fields {
		fields[i] = "field" + strconv.Itoa(i)
	}
	line := strings.Join(fields, ",")
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		parts := strings.Split(line, ",")
		sink = strings.Join(parts, ";")
	}
}

func BenchmarkStrconv(b *testing.B) {
	for b.Loop() {
		total := int64(0)
		for i := 0; i < 1000; i++ {
			s := strconv.Itoa(i * 7919)
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			total += v
		}
		sink = total
	}
}

func BenchmarkSprintf(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < 150; i++ {
			sink = fmt.Sprintf("user=%s id=%d score=%.2f ok=%t", "gopher", i, float64(i)/3, i%2 == 0)
		}
	}
}

func BenchmarkMapInsert(b *testing.B) {
	b.Run("int", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := make(map[int]int)
			for i := 0; i < 500; i++ {
				m[i*31] = i
			}
			sink = m
		}
	})
	b.Run("string", func(b *testing.B) {
		keys := make([]string, 300)
		for i := range keys {
			keys[i] = "key-" + strconv.Itoa(i)
		}
		b.ReportAllocs()
		for b.Loop() {
			m := make(map[string]int)
			for i, k := range keys {
				m[k] = i
			}
			sink = m
		}
	})
}

func BenchmarkMapLookup(b *testing.B) {
	m := make(map[int]int, 10000)
	for i := 0; i < 10000; i++ {
		m[i*7] = i
	}
	for b.Loop() {
		hits := 0
		for i := 0; i < 2000; i++ {
			if _, ok := m[i*5]; ok {
				hits++
			}
		}
		sink = hits
	}
}

func BenchmarkMapRange(b *testing.B) {
	m := make(map[string]int, 4000)
	for i := 0; i < 4000; i++ {
		m["k"+strconv.Itoa(i)] = i
	}
	for b.Loop() {
		total := 0
		for _, v := range m {
			total += v
		}
		sink = total
	}
}

func BenchmarkSort(b *testing.B) {
	b.Run("ints", func(b *testing.B) {
		r := rng()
		src := make([]int, 800)
		for i := range src {
			src[i] = r.IntN(1 << 20)
		}
		buf := make([]int, len(src))
		for b.Loop() {
			copy(buf, src)
			slices.Sort(buf)
		}
	})
	b.Run("structs", func(b *testing.B) {
		type person struct {
			name string
			age  int
		}
		r := rng()
		src := make([]person, 200)
		for i := range src {
			src[i] = person{"p" + strconv.Itoa(r.IntN(10000)), r.IntN(100)}
		}
		buf := make([]person, len(src))
		b.ReportAllocs()
		for b.Loop() {
			copy(buf, src)
			sort.Slice(buf, func(i, j int) bool {
				if buf[i].age != buf[j].age {
					return buf[i].age < buf[j].age
				}
				return buf[i].name < buf[j].name
			})
		}
	})
}

func BenchmarkBinarySearch(b *testing.B) {
	r := rng()
	s := make([]int, 100000)
	for i := range s {
		s[i] = i * 3
	}
	keys := make([]int, 500)
	for i := range keys {
		keys[i] = r.IntN(300000)
	}
	for b.Loop() {
		found := 0
		for _, k := range keys {
			if _, ok := slices.BinarySearch(s, k); ok {
				found++
			}
		}
		sink = found
	}
}

func records(n int) []Record {
	r := rng()
	out := make([]Record, n)
	for i := range out {
		out[i] = Record{
			ID:      i,
			Name:    "user" + strconv.Itoa(r.IntN(1e6)),
			Email:   "user" + strconv.Itoa(i) + "@example.com",
			Score:   r.Float64() * 100,
			Active:  i%3 != 0,
			Tags:    []string{"go", "bench", "gate"},
			Attrs:   map[string]string{"team": "perf", "region": "eu"},
			Friends: []int{i + 1, i + 2, i + 3},
		}
	}
	return out
}

func BenchmarkJSONEncode(b *testing.B) {
	recs := records(30)
	data, _ := json.Marshal(recs)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		out, err := json.Marshal(recs)
		if err != nil {
			b.Fatal(err)
		}
		sink = out
	}
}

func BenchmarkJSONDecode(b *testing.B) {
	data, _ := json.Marshal(records(15))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var recs []Record
		if err := json.Unmarshal(data, &recs); err != nil {
			b.Fatal(err)
		}
		sink = recs
	}
}

func BenchmarkChannelPingPong(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	for b.Loop() {
		v := 0
		for i := 0; i < 100; i++ {
			ping <- v
			v = <-pong
		}
		sink = v
	}
	close(ping)
}

func BenchmarkChannelPipeline(b *testing.B) {
	for b.Loop() {
		src, mid := make(chan int, 64), make(chan int, 64)
		done := make(chan int)
		go func() {
			for i := 0; i < 300; i++ {
				src <- i
			}
			close(src)
		}()
		go func() {
			for v := range src {
				mid <- v * v
			}
			close(mid)
		}()
		go func() {
			total := 0
			for v := range mid {
				total += v
			}
			done <- total
		}()
		sink = <-done
	}
}

func BenchmarkSelect(b *testing.B) {
	for b.Loop() {
		a, c := make(chan int, 16), make(chan int, 16)
		quit := make(chan struct{})
		go func() {
			for i := 0; i < 300; i++ {
				if i%2 == 0 {
					a <- i
				} else {
					c <- i
				}
			}
			close(quit)
		}()
		total, open := 0, true
		for open {
			select {
			case v := <-a:
				total += v
			case v := <-c:
				total -= v
			case <-quit:
				open = false
			}
		}
		for len(a) > 0 {
			total += <-a
		}
		for len(c) > 0 {
			total -= <-c
		}
		sink = total
	}
}

func BenchmarkMutexContention(b *testing.B) {
	for b.Loop() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		counter := 0
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 500; i++ {
					mu.Lock()
					counter++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		sink = counter
	}
}

func BenchmarkRWMutex(b *testing.B) {
	m := map[int]int{}
	for i := 0; i < 64; i++ {
		m[i] = i
	}
	for b.Loop() {
		var mu sync.RWMutex
		var wg sync.WaitGroup
		var total atomic.Int64
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				sum := 0
				for i := 0; i < 500; i++ {
					if g == 0 && i%50 == 0 {
						mu.Lock()
						m[i%64]++
						mu.Unlock()
						continue
					}
					mu.RLock()
					sum += m[i%64]
					mu.RUnlock()
				}
				total.Add(int64(sum))
			}(g)
		}
		wg.Wait()
		sink = total.Load()
	}
}

func BenchmarkAtomicCounter(b *testing.B) {
	for b.Loop() {
		var n atomic.Int64
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 1000; i++ {
					n.Add(1)
				}
			}()
		}
		wg.Wait()
		sink = n.Load()
	}
}

func BenchmarkFanOut(b *testing.B) {
	data := text(4096)
	for b.Loop() {
		var wg sync.WaitGroup
		sums := make([]uint64, 16)
		for g := range sums {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sums[g] = Checksum(data[g*256 : (g+1)*256])
			}()
		}
		wg.Wait()
		sink = sums
	}
}

func BenchmarkAllocList(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var head *Node
		for i := 0; i < 1000; i++ {
			head = &Node{Value: i, Next: head}
		}
		sink = head
	}
}

func BenchmarkAppendGrow(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var s []int
		for i := 0; i < 2000; i++ {
			s = append(s, i)
		}
		sink = s
	}
}

func BenchmarkSyncPool(b *testing.B) {
	pool := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	for b.Loop() {
		for i := 0; i < 300; i++ {
			buf := pool.Get().(*bytes.Buffer)
			buf.Reset()
			buf.WriteString("pooled buffer contents ")
			buf.WriteString(strconv.Itoa(i))
			pool.Put(buf)
		}
	}
}

func BenchmarkBytesBuffer(b *testing.B) {
	chunk := text(64)
	b.SetBytes(64 * 512)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		for i := 0; i < 512; i++ {
			buf.Write(chunk)
		}
		sink = buf.Len()
	}
}

func BenchmarkSHA256(b *testing.B) {
	for _, size := range []int{1 << 10, 16 << 10} {
		b.Run(strconv.Itoa(size>>10)+"K", func(b *testing.B) {
			data := text(size)
			b.SetBytes(int64(size))
			for b.Loop() {
				sink = sha256.Sum256(data)
			}
		})
	}
}

func BenchmarkBase64(b *testing.B) {
	data := text(8 << 10)
	dst := make([]byte, base64.StdEncoding.EncodedLen(len(data)))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		base64.StdEncoding.Encode(dst, data)
	}
	sink = dst
}

func BenchmarkDeflate(b *testing.B) {
	data := text(4 << 10)
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.BestSpeed)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		w.Reset(&out)
		w.Write(data)
		w.Close()
	}
	sink = out.Len()
}

var emailRE = regexp.MustCompile(`^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$`)

func BenchmarkRegexp(b *testing.B) {
	lines := make([]string, 40)
	for i := range lines {
		if i%2 == 0 {
			lines[i] = "user" + strconv.Itoa(i) + "@example.com"
		} else {
			lines[i] = "not an address " + strconv.Itoa(i)
		}
	}
	for b.Loop() {
		n := 0
		for _, l := range lines {
			if emailRE.MatchString(l) {
				n++
			}
		}
		sink = n
	}
}

func BenchmarkMatMul(b *testing.B) {
	const n = 24
	r := rng()
	a, c, out := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
	for i := range a {
		a[i], c[i] = r.Float64(), r.Float64()
	}
	for b.Loop() {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				s := 0.0
				for k := 0; k < n; k++ {
					s += a[i*n+k] * c[k*n+j]
				}
				out[i*n+j] = s
			}
		}
	}
	sink = out
}

func BenchmarkListTraverse(b *testing.B) {
	// Nodes linked in a shuffled order: pointer chasing through memory.
	nodes := make([]Node, 8000)
	order := rng().Perm(len(nodes))
	for i := 0; i+1 < len(order); i++ {
		nodes[order[i]].Next = &nodes[order[i+1]]
		nodes[order[i]].Value = i
	}
	head := &nodes[order[0]]
	for b.Loop() {
		total := 0
		for n := head; n != nil; n = n.Next {
			total += n.Value
		}
		sink = total
	}
}

func BenchmarkTimeFormat(b *testing.B) {
	t0 := time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < 50; i++ {
			s := t0.Add(time.Duration(i) * time.Hour).Format(time.RFC3339Nano)
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				b.Fatal(err)
			}
			sink = t
		}
	}
}

func BenchmarkURLParse(b *testing.B) {
	raw := "https://user:pass@example.com:8443/a/b/c?q=perf+gate&page=2&sort=desc#frag"
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < 30; i++ {
			u, err := url.Parse(raw)
			if err != nil {
				b.Fatal(err)
			}
			sink = u.Query()
		}
	}
}
