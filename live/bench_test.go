package live

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The fan-out benchmarks publish events at a fixed rate to 1,000
// subscribers and report the latency from Publish to the subscriber having
// the event: over SSE on loopback (a raw TCP client per subscriber reading
// data: lines), and, as the same run's baseline, over plain Go channels.
// Run them once: go test -run '^$' -bench . -benchtime 1x ./live/
const (
	benchClients = 1000
	benchEvents  = 40
	benchEvery   = 50 * time.Millisecond // 20 events a second
)

// latencies collects the delays the subscribers saw.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
	wg sync.WaitGroup // one per expected event received
}

func (l *latencies) add(sent int64) {
	d := time.Since(time.Unix(0, sent))
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
	l.wg.Done()
}

func (l *latencies) report(b *testing.B) {
	slices.Sort(l.d)
	at := func(q float64) float64 { return float64(l.d[int(q*float64(len(l.d)-1))].Microseconds()) }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
	b.ReportMetric(float64(len(l.d)), "deliveries")
}

// publishAtRate publishes benchEvents events carrying their send time.
func publishAtRate(publish func(Event)) {
	tk := time.NewTicker(benchEvery)
	defer tk.Stop()
	for i := 1; i <= benchEvents; i++ {
		<-tk.C
		publish(Event{ID: int64(i), Topic: "t", Type: "alert", Data: strconv.AppendInt(nil, time.Now().UnixNano(), 10)})
	}
}

// dialRaw opens one stream with a bare TCP connection and waits for its
// retry: line, after which the hub has subscribed it.
func dialRaw(b *testing.B, addr string) (net.Conn, *bufio.Reader) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: bench\r\n\r\n")); err != nil {
		b.Fatal(err)
	}
	br := bufio.NewReaderSize(c, 512)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			b.Fatal(err)
		}
		if bytes.Contains(line, []byte("retry:")) {
			return c, br
		}
	}
}

func benchServer(b *testing.B, h *Hub) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Serve(w, r, []string{"t"}, nil)
	}))
	b.Cleanup(func() { h.Close(); ts.Close() })
	return ts
}

func BenchmarkFanout(b *testing.B) {
	b.Run("sse", func(b *testing.B) {
		h := NewHub(Options{})
		ts := benchServer(b, h)
		addr := ts.Listener.Addr().String()
		l := &latencies{}
		l.wg.Add(benchClients * benchEvents)
		for range benchClients {
			c, br := dialRaw(b, addr)
			defer c.Close()
			go func() {
				for {
					line, err := br.ReadSlice('\n')
					if err != nil {
						return
					}
					if v, ok := bytes.CutPrefix(line, []byte("data: ")); ok {
						sent, _ := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
						l.add(sent)
					}
				}
			}()
		}
		for range b.N {
			publishAtRate(h.Publish)
		}
		l.wg.Wait()
		l.report(b)
		if s := h.Stats(); s.Dropped != 0 {
			b.Errorf("%d subscribers cut", s.Dropped)
		}
	})
	b.Run("channels", func(b *testing.B) {
		l := &latencies{}
		l.wg.Add(benchClients * benchEvents)
		subs := make([]chan *Event, benchClients)
		for i := range subs {
			subs[i] = make(chan *Event, defaultBuffer)
			go func(q chan *Event) {
				for e := range q {
					sent, _ := strconv.ParseInt(string(e.Data), 10, 64)
					l.add(sent)
				}
			}(subs[i])
		}
		for range b.N {
			publishAtRate(func(e Event) {
				for _, q := range subs {
					select {
					case q <- &e:
					default:
					}
				}
			})
		}
		l.wg.Wait()
		l.report(b)
		for _, q := range subs {
			close(q)
		}
	})
}

// BenchmarkIdleMemory reports what 1,000 idle streams hold (heap and
// stacks in use, after a collection), per stream: the server's side and
// a bare TCP connection with a 512-byte reader on the client's.
func BenchmarkIdleMemory(b *testing.B) {
	const n = 1000
	h := NewHub(Options{})
	ts := benchServer(b, h)
	addr := ts.Listener.Addr().String()
	inUse := func() (heap, stack float64) {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse), float64(m.StackInuse)
	}
	for range b.N {
		heap0, stack0 := inUse()
		conns := make([]net.Conn, 0, n)
		for range n {
			c, _ := dialRaw(b, addr)
			conns = append(conns, c)
		}
		heap1, stack1 := inUse()
		b.ReportMetric((heap1-heap0)/n/1024, "heap-kB/stream")
		b.ReportMetric((stack1-stack0)/n/1024, "stack-kB/stream")
		b.ReportMetric((heap1+stack1-heap0-stack0)/n/1024, "kB/stream")
		for _, c := range conns {
			c.Close()
		}
	}
}
