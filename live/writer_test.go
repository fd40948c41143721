package live

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wrapped is middleware's ResponseWriter (a status logger, say): it hides
// http.Flusher but unwraps, which http.ResponseController follows.
type wrapped struct{ w http.ResponseWriter }

func (x wrapped) Header() http.Header         { return x.w.Header() }
func (x wrapped) Write(b []byte) (int, error) { return x.w.Write(b) }
func (x wrapped) WriteHeader(code int)        { x.w.WriteHeader(code) }
func (x wrapped) Unwrap() http.ResponseWriter { return x.w }

func TestServeThroughMiddleware(t *testing.T) {
	h := NewHub(Options{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Serve(wrapped{w}, r, []string{"t"}, nil)
	}))
	t.Cleanup(func() { h.Close(); ts.Close() })
	c := dial(t, ts.URL, nil)
	c.opened(t)
	h.Publish(Event{ID: 1, Topic: "t", Type: "alert", Data: []byte("{}")})
	if f := c.event(t); f.ID != "1" {
		t.Errorf("through middleware: %+v", f)
	}
}

// A writer that can neither flush nor unwrap could never stream: Serve
// says so instead of holding a stream nobody receives.
func TestServeNeedsFlush(t *testing.T) {
	h := NewHub(Options{})
	defer h.Close()
	rec := httptest.NewRecorder()
	h.Serve(struct{ http.ResponseWriter }{rec}, httptest.NewRequest("GET", "/live", nil), []string{"t"}, nil)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
		t.Errorf("writer without Flush: %d %q, want a 500 problem", rec.Code, rec.Header().Get("Content-Type"))
	}
	if n := h.Stats().Subscribers; n != 0 {
		t.Errorf("%d subscribers left", n)
	}
}

// TestBurstOneWrite: events queued while the stream was busy go out in
// one write and one flush, which is one chunk of the response.
func TestBurstOneWrite(t *testing.T) {
	h := NewHub(Options{})
	ts := serve(t, h, func(context.Context, []string, int64, int) ([]Event, error) {
		for i := int64(1); i <= 3; i++ { // committed while the replay runs
			h.Publish(Event{ID: i, Topic: "t", Type: "alert", Data: []byte("{}")})
		}
		return nil, nil
	})
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte("GET /?topic=t HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 0\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	for { // the response header
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\r\n" {
			break
		}
	}
	chunk := func() string {
		size, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(br, b); err != nil {
			t.Fatal(err)
		}
		return string(b[:n])
	}
	if c := chunk(); !strings.HasPrefix(c, "retry: ") {
		t.Fatalf("first chunk %q", c)
	}
	if c := chunk(); strings.Count(c, "id: ") != 3 {
		t.Errorf("second chunk %q: want the three queued events together", c)
	}
}

// deadlines records the write deadlines a stream sets on its connection.
type deadlines struct {
	http.ResponseWriter
	set []time.Time
}

func (d *deadlines) Unwrap() http.ResponseWriter { return d.ResponseWriter }
func (d *deadlines) SetWriteDeadline(t time.Time) error {
	d.set = append(d.set, t)
	return http.NewResponseController(d.ResponseWriter).SetWriteDeadline(t)
}

// TestNoDeadlineLeftBehind: each write of a stream has a deadline, and the
// last is cleared when the stream ends, so a later request on the same
// keep-alive connection is not cut by a stale one.
func TestNoDeadlineLeftBehind(t *testing.T) {
	h := NewHub(Options{})
	rec := make(chan *deadlines, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := &deadlines{ResponseWriter: w}
		h.Serve(d, r, []string{"t"}, nil)
		rec <- d
	}))
	t.Cleanup(ts.Close)
	c := dial(t, ts.URL, nil)
	c.opened(t)
	h.Publish(Event{ID: 1, Topic: "t", Type: "alert", Data: []byte("{}")})
	c.event(t)
	h.Close()
	c.ended(t)
	d := <-rec
	if len(d.set) != 3 || d.set[0].IsZero() || d.set[1].IsZero() || !d.set[2].IsZero() {
		t.Errorf("write deadlines %v: want one per write (retry:, the event), then none", d.set)
	}
}
