package live

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
