package live

import (
	"bufio"
	"bytes"
	"fmt"
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
// subscribers and report the delay from Publish to the subscriber having
// the event: over SSE on loopback (a bare TCP client per subscriber
// reading data: lines), and, as the same run's baseline, over plain Go
// channels with the same queue length. Run them once:
//
//	go test -run '^$' -bench . -benchtime 1x ./live/
const benchClients = 1000

// rates are the loads measured: 20 events a second, each to all 1,000
// clients (one topic: 20,000 deliveries a second); and 2,000 events a
// second over 100 topics of 10 clients each (an estate's guard room and
// staff follow their estate: 20,000 deliveries a second too).
var rates = []struct {
	perSecond, events, topics int
}{{20, 40, 1}, {2000, 4000, 100}}

func topicOf(i, topics int) string { return "t" + strconv.Itoa(i%topics) }

// latencies gathers the delays of all subscribers; each keeps its own
// while it runs.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
	wg sync.WaitGroup // one per subscriber, done when it has every event
}

func (l *latencies) merge(d []time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d...)
	l.mu.Unlock()
	l.wg.Done()
}

func (l *latencies) report(b *testing.B, want int) {
	l.wg.Wait()
	b.ReportMetric(float64(want-len(l.d)), "lost")
	if len(l.d) == 0 {
		return
	}
	slices.Sort(l.d)
	at := func(q float64) float64 { return float64(l.d[int(q*float64(len(l.d)-1))].Microseconds()) }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

func since(data []byte) time.Duration {
	sent, _ := strconv.ParseInt(string(bytes.TrimSpace(data)), 10, 64)
	return time.Since(time.Unix(0, sent))
}

// publishAtRate publishes events events, perSecond of them a second, in a
// burst every 10 ms, each carrying the time it was published.
func publishAtRate(perSecond, events, topics int, publish func(Event)) {
	const every = 10 * time.Millisecond
	burst := max(1, perSecond/int(time.Second/every))
	tk := time.NewTicker(time.Second / time.Duration(perSecond) * time.Duration(burst))
	defer tk.Stop()
	for id := 1; id <= events; {
		<-tk.C
		for i := 0; i < burst && id <= events; i++ {
			publish(Event{ID: int64(id), Topic: topicOf(id, topics), Type: "alert", Data: strconv.AppendInt(nil, time.Now().UnixNano(), 10)})
			id++
		}
	}
}

// dialRaw opens one stream with a bare TCP connection and waits for its
// retry: line, after which the hub has subscribed it.
func dialRaw(b *testing.B, addr, topic string) (net.Conn, *bufio.Reader) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	// Connection: close, so a stream the hub cuts ends the connection too.
	if _, err := c.Write([]byte("GET /?topic=" + topic + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")); err != nil {
		b.Fatal(err)
	}
	br := bufio.NewReaderSize(c, 512)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			b.Fatal(err)
		}
		if bytes.HasPrefix(line, []byte("retry:")) {
			return c, br
		}
	}
}

func benchServer(b *testing.B, h *Hub) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Serve(w, r, []string{r.URL.Query().Get("topic")}, nil)
	}))
	b.Cleanup(func() { h.Close(); ts.Close() })
	return ts
}

func BenchmarkFanout(b *testing.B) {
	for _, rate := range rates {
		name := fmt.Sprintf("%d-per-s/%d-topics", rate.perSecond, rate.topics)
		each := rate.events / rate.topics // events a client receives
		b.Run("sse/"+name, func(b *testing.B) {
			for range b.N {
				h := NewHub(Options{})
				ts := benchServer(b, h)
				l := &latencies{}
				l.wg.Add(benchClients)
				for i := range benchClients {
					c, br := dialRaw(b, ts.Listener.Addr().String(), topicOf(i, rate.topics))
					defer c.Close()
					go func() {
						d := make([]time.Duration, 0, each)
						for len(d) < each {
							line, err := br.ReadSlice('\n')
							if err != nil {
								break
							}
							if v, ok := bytes.CutPrefix(line, []byte("data: ")); ok {
								d = append(d, since(v))
							}
						}
						l.merge(d)
					}()
				}
				publishAtRate(rate.perSecond, rate.events, rate.topics, h.Publish)
				l.report(b, benchClients*each)
				b.ReportMetric(float64(h.Stats().Dropped), "cut")
			}
		})
		b.Run("channels/"+name, func(b *testing.B) {
			for range b.N {
				l := &latencies{}
				l.wg.Add(benchClients)
				subs := map[string][]chan *Event{}
				for i := range benchClients {
					q := make(chan *Event, defaultBuffer)
					subs[topicOf(i, rate.topics)] = append(subs[topicOf(i, rate.topics)], q)
					go func() {
						d := make([]time.Duration, 0, each)
						for e := range q {
							d = append(d, since(e.Data))
						}
						l.merge(d)
					}()
				}
				publishAtRate(rate.perSecond, rate.events, rate.topics, func(e Event) {
					for _, q := range subs[e.Topic] {
						select {
						case q <- &e:
						default:
						}
					}
				})
				for _, qs := range subs {
					for _, q := range qs {
						close(q)
					}
				}
				l.report(b, benchClients*each)
			}
		})
	}
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
			c, _ := dialRaw(b, addr, "t")
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
