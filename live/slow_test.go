package live

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// smallBuffers shrinks the socket buffers of accepted connections so a
// client that stops reading stalls the server's writes after a few
// kilobytes instead of megabytes.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, err
}

func TestSlowSubscriberCut(t *testing.T) {
	h := NewHub(Options{Buffer: 4})
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Serve(w, r, []string{"t"}, nil)
	}))
	ts.Listener = smallBuffers{ts.Listener}
	ts.Start()
	t.Cleanup(func() { h.Close(); ts.Close() })

	healthy := dial(t, ts.URL, nil)
	healthy.opened(t)
	// The slow client reads the response header and then nothing, from a
	// connection with a small receive buffer.
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.(*net.TCPConn).SetReadBuffer(4096)
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 1)
	if _, err := conn.Read(head); err != nil {
		t.Fatal(err)
	}

	// Publish at the healthy client's pace: it never has more than one
	// event queued, the slow one's queue fills and it is cut, and no
	// Publish waits for it.
	data := []byte(strings.Repeat("x", 16<<10))
	id := int64(0)
	for h.Stats().Dropped == 0 && id < 2000 {
		id++
		h.Publish(Event{ID: id, Topic: "t", Type: "alert", Data: data})
		if f := healthy.event(t); f.ID != strconv.FormatInt(id, 10) {
			t.Fatalf("healthy client got %s, want %d", f.ID, id)
		}
	}
	if s := h.Stats(); s.Dropped != 1 || s.Subscribers != 1 {
		t.Fatalf("after %d events: %+v, want the slow subscriber cut and the healthy one kept", id, s)
	}
	// The cut stream ends: reading what was buffered reaches its end.
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 64<<10)
	var got strings.Builder
	for {
		n, err := conn.Read(buf)
		got.Write(buf[:n])
		if err != nil || strings.HasSuffix(got.String(), "\r\n0\r\n\r\n") {
			break
		}
	}
	if !strings.HasSuffix(got.String(), "\r\n0\r\n\r\n") {
		t.Errorf("the cut stream did not end with the last chunk; read %d bytes", got.Len())
	}
	h.Publish(Event{ID: id + 1, Topic: "t", Type: "alert", Data: []byte("{}")})
	if f := healthy.event(t); f.ID != strconv.FormatInt(id+1, 10) {
		t.Errorf("healthy client after the cut: %+v", f)
	}
}

// TestNoLeak connects and drops many clients and checks the hub forgets
// them and their goroutines end.
func TestNoLeak(t *testing.T) {
	h := NewHub(Options{})
	ts := serve(t, h, nil)
	base := runtime.NumGoroutine()
	for range 5 {
		var cs []*sseClient
		for range 40 {
			c := dial(t, ts.URL+"?topic=t&topic=u", nil)
			c.opened(t)
			cs = append(cs, c)
		}
		if n := h.Stats().Subscribers; n != 40 {
			t.Fatalf("%d subscribers, want 40", n)
		}
		for _, c := range cs {
			c.close()
		}
	}
	http.DefaultClient.CloseIdleConnections()
	// A bounded wait for the server to notice the closed connections.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for h.Stats().Subscribers != 0 || runtime.NumGoroutine() > base+5 {
		select {
		case <-ctx.Done():
			t.Fatalf("%d subscribers, %d goroutines (started with %d)", h.Stats().Subscribers, runtime.NumGoroutine(), base)
		case <-time.After(10 * time.Millisecond):
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.topics) != 0 {
		t.Errorf("topics left in the hub: %v", h.topics)
	}
}
