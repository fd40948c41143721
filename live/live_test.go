package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// serve starts a real HTTP server whose one route streams the topics
// named in ?topic= (the caller's permission check, in a real app).
func serve(t testing.TB, h *Hub, replay Replay) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Serve(w, r, r.URL.Query()["topic"], replay)
	}))
	t.Cleanup(func() { h.Close(); ts.Close() })
	return ts
}

func TestFraming(t *testing.T) {
	h := NewHub(Options{})
	ts := serve(t, h, nil)
	c := dial(t, ts.URL+"?topic=cameras/estate/1", nil)
	for k, want := range map[string]string{"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"} {
		if got := c.res.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	f := c.next(t)
	if ms, err := strconv.Atoi(f.Retry); err != nil || ms < retryMin || ms >= retryMin+retrySpread || f.HasData {
		t.Fatalf("first frame %+v: want retry: between %d and %d ms and no data", f, retryMin, retryMin+retrySpread)
	}
	cases := []struct{ typ, data, wantType, wantData string }{
		{"alert", `{"a":1}`, "alert", `{"a":1}`},
		{"alert-update", "one\ntwo\r\nthree\rfour", "alert-update", "one\ntwo\nthree\nfour"},
		{"x\ny", " leading space\n\nafter blank", "xy", " leading space\n\nafter blank"},
		{"", "plain", "", "plain"},
	}
	for i, tc := range cases {
		h.Publish(Event{ID: int64(i + 1), Topic: "cameras/estate/1", Type: tc.typ, Data: []byte(tc.data)})
		f := c.event(t)
		if f.Event != tc.wantType || f.Data != tc.wantData || f.ID != strconv.Itoa(i+1) {
			t.Errorf("event %d: %+v, want type %q id %d data %q", i, f, tc.wantType, i+1, tc.wantData)
		}
	}
	if s := h.Stats(); s.Published != 4 || s.Delivered != 4 || s.Subscribers != 1 {
		t.Errorf("stats %+v", s)
	}
}

// ids reads n events and returns their ids.
func ids(t *testing.T, c *sseClient, n int) []string {
	t.Helper()
	var out []string
	for range n {
		out = append(out, c.event(t).ID)
	}
	return out
}

func TestResumeExactlyOnce(t *testing.T) {
	h := NewHub(Options{})
	tb := &table{}
	// The owner commits while the client is reconnecting: event 5 before
	// Replay reads the table (it is both in the table and queued live),
	// event 6 after it (only queued live).
	var replay Replay = func(ctx context.Context, topics []string, after int64, limit int) ([]Event, error) {
		if tb.calls == 0 && after > 0 {
			tb.commit(h, "t", "alert", "5")
			defer tb.commit(h, "t", "alert", "6")
		}
		return tb.replay(ctx, topics, after, limit)
	}
	ts := serve(t, h, replay)
	c := dial(t, ts.URL+"?topic=t", nil)
	c.opened(t)
	for i := 1; i <= 3; i++ {
		tb.commit(h, "t", "alert", strconv.Itoa(i))
	}
	if got := ids(t, c, 2); fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("first stream: %v", got)
	}
	c.close()
	tb.commit(h, "t", "alert", "4") // while disconnected

	c = dial(t, ts.URL+"?topic=t", http.Header{"Last-Event-ID": {"2"}})
	c.opened(t)
	tb.commit(h, "t", "alert", "7") // live
	tb.commit(h, "t", "alert", "8")
	got := ids(t, c, 6)
	if fmt.Sprint(got) != "[3 4 5 6 7 8]" {
		t.Errorf("resumed stream: %v, want [3 4 5 6 7 8] each once", got)
	}
}

func TestReplayPages(t *testing.T) {
	h := NewHub(Options{})
	tb := &table{}
	for i := 0; i < 2*replayPage+3; i++ {
		tb.commit(h, "t", "alert", "{}")
	}
	tb.commit(h, "other", "alert", "{}") // not this stream's topic
	ts := serve(t, h, tb.replay)
	c := dial(t, ts.URL+"?topic=t", http.Header{"Last-Event-ID": {"1"}})
	c.opened(t)
	for want := 2; want <= 2*replayPage+3; want++ {
		if f := c.event(t); f.ID != strconv.Itoa(want) {
			t.Fatalf("got id %s, want %d", f.ID, want)
		}
	}
	tb.commit(h, "t", "alert", "{}")
	if f := c.event(t); f.ID != strconv.Itoa(2*replayPage+5) {
		t.Fatalf("live after replay: id %s", f.ID)
	}
	if tb.calls != 3 {
		t.Errorf("replay called %d times, want 3 pages", tb.calls)
	}
}

func TestLastEventIDQuery(t *testing.T) {
	h := NewHub(Options{})
	tb := &table{}
	for range 5 {
		tb.commit(h, "t", "alert", "{}")
	}
	ts := serve(t, h, tb.replay)

	c := dial(t, ts.URL+"?topic=t&last_event_id=3", nil)
	c.opened(t)
	if got := ids(t, c, 2); fmt.Sprint(got) != "[4 5]" {
		t.Errorf("?last_event_id=3: %v", got)
	}
	// EventSource resends the header on reconnecting, to the same URL:
	// the header is newer than the page's query and wins.
	c = dial(t, ts.URL+"?topic=t&last_event_id=1", http.Header{"Last-Event-ID": {"4"}})
	c.opened(t)
	if got := ids(t, c, 1); fmt.Sprint(got) != "[5]" {
		t.Errorf("header 4 over query 1: %v", got)
	}

	// 0 is from the first event (a page rendered with none); no id at all
	// is from now on.
	c = dial(t, ts.URL+"?topic=t&last_event_id=0", nil)
	c.opened(t)
	if got := ids(t, c, 5); fmt.Sprint(got) != "[1 2 3 4 5]" {
		t.Errorf("?last_event_id=0: %v", got)
	}
	c = dial(t, ts.URL+"?topic=t", nil)
	c.opened(t)
	tb.commit(h, "t", "alert", "{}")
	if got := ids(t, c, 1); fmt.Sprint(got) != "[6]" {
		t.Errorf("no id: %v, want only the live event 6", got)
	}

	for _, q := range []string{"last_event_id=x", "last_event_id=-1"} {
		res, err := http.Get(ts.URL + "?topic=t&" + q)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Code   string
			Errors []struct{ Field string }
		}
		err = json.NewDecoder(res.Body).Decode(&p)
		res.Body.Close()
		if res.StatusCode != 400 || err != nil || p.Code != "bad_request" || len(p.Errors) != 1 || p.Errors[0].Field != "last_event_id" {
			t.Errorf("?%s: %d %+v %v, want a 400 problem naming last_event_id", q, res.StatusCode, p, err)
		}
	}
}

func TestReplayFails(t *testing.T) {
	h := NewHub(Options{})
	ts := serve(t, h, func(context.Context, []string, int64, int) ([]Event, error) {
		return nil, errors.New("database gone")
	})
	c := dial(t, ts.URL+"?topic=t", http.Header{"Last-Event-ID": {"7"}})
	c.opened(t)
	c.ended(t) // the browser reconnects after retry: and tries again
	if n := h.Stats().Subscribers; n != 0 {
		t.Errorf("%d subscribers after a failed replay", n)
	}
}

func TestHeartbeat(t *testing.T) {
	clk := newFakeClock()
	h := NewHub(Options{Heartbeat: 20 * time.Second, Clock: clk})
	ts := serve(t, h, nil)
	c := dial(t, ts.URL+"?topic=t", nil)
	c.opened(t)
	clk.ticking(t)

	clk.Advance(20 * time.Second)
	if f := c.next(t); len(f.Comments) != 1 || f.HasData {
		t.Fatalf("after an idle heartbeat period: %+v, want a comment", f)
	}
	// An event in the period makes the heartbeat unneeded.
	h.Publish(Event{ID: 1, Topic: "t", Type: "alert", Data: []byte("{}")})
	c.event(t)
	clk.Advance(20 * time.Second)
	h.Publish(Event{ID: 2, Topic: "t", Type: "alert", Data: []byte("{}")})
	if f := c.next(t); f.ID != "2" {
		t.Fatalf("after a busy period: %+v, want event 2 and no heartbeat", f)
	}
	// Event 2 was in the next period; the one after it is idle.
	clk.Advance(20 * time.Second)
	clk.Advance(20 * time.Second)
	h.Publish(Event{ID: 3, Topic: "t", Type: "alert", Data: []byte("{}")})
	if f := c.next(t); len(f.Comments) != 1 {
		t.Fatalf("idle again: %+v, want a comment", f)
	}
	if f := c.next(t); f.ID != "3" {
		t.Fatalf("%+v, want event 3 after one heartbeat", f)
	}
}
