package live

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"linli"
)

// frame is one block of an event stream up to its blank line, read the
// way the WHATWG parser reads it.
type frame struct {
	Comments []string
	Event    string
	ID       string
	Data     string
	HasData  bool
	Retry    string
}

// sseClient reads a stream on its own goroutine into frames; frames is
// closed when the stream ends.
type sseClient struct {
	res    *http.Response
	frames chan frame
	cancel context.CancelFunc
}

func dial(t testing.TB, url string, header http.Header) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	c := &sseClient{res: res, frames: make(chan frame, 1024), cancel: cancel}
	go func() {
		defer close(c.frames)
		parse(res.Body, func(f frame) { c.frames <- f })
	}()
	t.Cleanup(c.close)
	return c
}

func (c *sseClient) close() {
	c.cancel()
	c.res.Body.Close()
}

// next waits (a bounded wait for the server) for the next frame.
func (c *sseClient) next(t testing.TB) frame {
	t.Helper()
	select {
	case f, ok := <-c.frames:
		if !ok {
			t.Fatal("stream ended")
		}
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("no frame in 10 s")
	}
	return frame{}
}

// opened reads the first frame, retry:, which Serve writes once it has
// subscribed: after it, a Publish reaches this client.
func (c *sseClient) opened(t testing.TB) {
	t.Helper()
	if f := c.next(t); f.Retry == "" {
		t.Fatalf("first frame %+v, want retry:", f)
	}
}

// event skips comments and returns the next event.
func (c *sseClient) event(t testing.TB) frame {
	t.Helper()
	for {
		if f := c.next(t); f.HasData {
			return f
		}
	}
}

// ended waits for the end of the stream, dropping what comes before.
func (c *sseClient) ended(t testing.TB) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-c.frames:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("stream did not end in 10 s")
		}
	}
}

// parse reads an event stream: lines end in CRLF, LF or CR; a blank line
// ends a block; ":" starts a comment; a field's value loses one leading
// space; data lines are joined with "\n".
func parse(r io.Reader, emit func(frame)) {
	br := bufio.NewReader(r)
	var f frame
	var data []string
	seen := false
	for {
		line, err := readLine(br)
		if err != nil {
			return
		}
		if line == "" {
			if seen {
				f.Data = strings.Join(data, "\n")
				f.HasData = data != nil
				emit(f)
			}
			f, data, seen = frame{}, nil, false
			continue
		}
		seen = true
		if strings.HasPrefix(line, ":") {
			f.Comments = append(f.Comments, line[1:])
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "event":
			f.Event = value
		case "id":
			f.ID = value
		case "data":
			data = append(data, value)
		case "retry":
			f.Retry = value
		}
	}
}

func readLine(br *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		c, err := br.ReadByte()
		if err != nil {
			return "", err
		}
		switch c {
		case '\n':
			return b.String(), nil
		case '\r':
			if n, err := br.Peek(1); err == nil && n[0] == '\n' {
				br.ReadByte()
			}
			return b.String(), nil
		}
		b.WriteByte(c)
	}
}

// table stands in for an owner's table of events: rows get growing ids,
// and replay reads them back the way an owner's Replay would.
type table struct {
	mu    sync.Mutex
	rows  []Event
	calls int
}

// commit inserts a row and publishes it, as an owner does after commit.
func (tb *table) commit(h *Hub, topic, typ, data string) Event {
	tb.mu.Lock()
	e := Event{ID: int64(len(tb.rows) + 1), Topic: topic, Type: typ, Data: []byte(data)}
	tb.rows = append(tb.rows, e)
	tb.mu.Unlock()
	h.Publish(e)
	return e
}

func (tb *table) replay(_ context.Context, topics []string, after int64, limit int) ([]Event, error) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.calls++
	var out []Event
	for _, e := range tb.rows {
		if e.ID > after && len(out) < limit && containsTopic(topics, e.Topic) {
			out = append(out, e)
		}
	}
	return out, nil
}

func containsTopic(topics []string, t string) bool {
	for _, x := range topics {
		if x == t {
			return true
		}
	}
	return false
}

// fakeClock is linli's fake clock that can also tick: Advance delivers
// each due tick and returns only once the stream took it, so what the
// tick wrote is on the wire before anything published after Advance.
type fakeClock struct {
	*linli.FakeClock
	mu      sync.Mutex
	tickers []*fakeTicker
	made    chan struct{}
}

type fakeTicker struct {
	every   time.Duration
	next    time.Time
	c       chan time.Time
	stopped chan struct{}
	once    sync.Once
}

func newFakeClock() *fakeClock {
	return &fakeClock{FakeClock: linli.NewFakeClock(time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)), made: make(chan struct{}, 100)}
}

func (c *fakeClock) NewTicker(d time.Duration) (<-chan time.Time, func()) {
	tk := &fakeTicker{every: d, next: c.Now().Add(d), c: make(chan time.Time), stopped: make(chan struct{})}
	c.mu.Lock()
	c.tickers = append(c.tickers, tk)
	c.mu.Unlock()
	c.made <- struct{}{}
	return tk.c, func() { tk.once.Do(func() { close(tk.stopped) }) }
}

// ticking waits (bounded) until a stream made its heartbeat ticker.
func (c *fakeClock) ticking(t testing.TB) {
	t.Helper()
	select {
	case <-c.made:
	case <-time.After(10 * time.Second):
		t.Fatal("no ticker made in 10 s")
	}
}

func (c *fakeClock) Advance(d time.Duration) {
	c.FakeClock.Advance(d)
	now := c.Now()
	c.mu.Lock()
	tickers := append([]*fakeTicker(nil), c.tickers...)
	c.mu.Unlock()
	for _, tk := range tickers {
		for !tk.next.After(now) {
			select {
			case tk.c <- now:
			case <-tk.stopped:
			}
			tk.next = tk.next.Add(tk.every)
		}
	}
}
