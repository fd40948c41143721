package live

import (
	"context"
	"strings"
	"sync"
	"testing"
)

// pair is two replicas' hubs joined the way NOTIFY joins them: what one
// relays the other receives, never itself.
func pair(t *testing.T) (a, b *Hub) {
	t.Helper()
	var mu sync.Mutex
	var hubs [2]*Hub
	relayTo := func(i int) *Relay {
		r := NewRelay(func(_ context.Context, ps ...string) error {
			mu.Lock()
			other := hubs[1-i]
			mu.Unlock()
			for _, p := range ps {
				other.Receive(p)
			}
			return nil
		})
		t.Cleanup(r.Close)
		return r
	}
	ra, rb := relayTo(0), relayTo(1)
	mu.Lock()
	hubs[0], hubs[1] = NewHub(Options{Relay: ra.Publish}), NewHub(Options{Relay: rb.Publish})
	mu.Unlock()
	return hubs[0], hubs[1]
}

// An event published on A reaches a stream on B once, and one on B a
// stream on A; A's own streams get A's events once (not echoed back).
func TestRelayCrossesReplicas(t *testing.T) {
	a, b := pair(t)
	tb := &table{}
	onA := dial(t, serve(t, a, tb.replay).URL+"?topic=t", nil)
	onB := dial(t, serve(t, b, tb.replay).URL+"?topic=t", nil)
	onA.opened(t)
	onB.opened(t)
	tb.commit(a, "t", "alert", `{"n":1}`)
	if f := onB.event(t); f.ID != "1" || f.Event != "alert" || f.Data != `{"n":1}` {
		t.Fatalf("B got %+v", f)
	}
	tb.commit(b, "t", "alert-update", `{"n":2}`)
	if f := onA.event(t); f.ID != "1" {
		t.Fatalf("A got %+v first, want its own event 1", f)
	}
	if f := onA.event(t); f.ID != "2" || f.Event != "alert-update" {
		t.Fatalf("A got %+v, want B's event 2", f)
	}
	if f := onB.event(t); f.ID != "2" {
		t.Fatalf("B got %+v, want its own event 2 once", f)
	}
}

// An event too big for a notification goes without its data; the other
// replica reads it back with its subscribers' Replay.
func TestRelayReadsBackBigEvents(t *testing.T) {
	a, b := pair(t)
	tb := &table{}
	onB := dial(t, serve(t, b, tb.replay).URL+"?topic=t", nil)
	onB.opened(t)
	big := `"` + strings.Repeat("门岗", 3000) + `"`
	if p := encode(Event{ID: 1, Topic: "t", Data: []byte(big)}); len(p) > maxRelayed || strings.Contains(p, "门岗") {
		t.Fatalf("encoded %d bytes with the data", len(p))
	}
	tb.commit(a, "t", "alert", big)
	if f := onB.event(t); f.ID != "1" || f.Data != big {
		t.Fatalf("B got id %s with %d bytes, want the whole event 1", f.ID, len(f.Data))
	}
}

// Resync ends every stream: its browser reconnects and replays.
func TestResyncEndsStreams(t *testing.T) {
	h := NewHub(Options{})
	ts := serve(t, h, nil)
	c1 := dial(t, ts.URL+"?topic=t&topic=u", nil)
	c2 := dial(t, ts.URL+"?topic=u", nil)
	c1.opened(t)
	c2.opened(t)
	h.Resync()
	c1.ended(t)
	c2.ended(t)
	if s := h.Stats(); s.Subscribers != 0 {
		t.Fatalf("subscribers after resync: %d", s.Subscribers)
	}
}

// What the relay cannot send is counted (its browsers catch up when they
// next reconnect), and Close does not wait for a database that fails.
func TestRelayCountsWhatItLoses(t *testing.T) {
	r := NewRelay(func(context.Context, ...string) error { return context.DeadlineExceeded })
	for i := range 3 {
		r.Publish(Event{ID: int64(i + 1), Topic: "t", Data: []byte("{}")})
	}
	r.Close()
	if r.Lost() != 3 {
		t.Fatalf("lost %d, want 3", r.Lost())
	}
}
