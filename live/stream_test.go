package live

import (
	"fmt"
	"net/http"
	"testing"
)

func TestTopics(t *testing.T) {
	h := NewHub(Options{})
	ts := serve(t, h, nil)
	a := dial(t, ts.URL+"?topic=t1", nil)
	b := dial(t, ts.URL+"?topic=t2", nil)
	both := dial(t, ts.URL+"?topic=t1&topic=t2", nil)
	for _, c := range []*sseClient{a, b, both} {
		c.opened(t)
	}
	for i, topic := range []string{"t1", "t2", "t3", "t1", "t2"} {
		h.Publish(Event{ID: int64(i + 1), Topic: topic, Type: "alert", Data: []byte("{}")})
	}
	for _, tc := range []struct {
		c    *sseClient
		n    int
		want string
	}{{a, 2, "[1 4]"}, {b, 2, "[2 5]"}, {both, 4, "[1 2 4 5]"}} {
		if got := fmt.Sprint(ids(t, tc.c, tc.n)); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
}

func TestCloseEndsStreams(t *testing.T) {
	h := NewHub(Options{})
	ts := serve(t, h, nil)
	a := dial(t, ts.URL+"?topic=t", nil)
	b := dial(t, ts.URL+"?topic=u", nil)
	a.opened(t)
	b.opened(t)
	h.Close()
	a.ended(t)
	b.ended(t)
	if n := h.Stats().Subscribers; n != 0 {
		t.Errorf("%d subscribers after Close", n)
	}
	res, err := http.Get(ts.URL + "?topic=t")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("after Close: %d, Retry-After %q; want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	h.Publish(Event{ID: 1, Topic: "t", Data: []byte("{}")}) // does not panic or block
	h.Close()                                               // twice is fine
}
