package live

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"linli"
)

// Event is one message of a stream.
type Event struct {
	// ID is > 0: the owner's row id. IDs must grow across all topics one
	// stream carries (use one table's id), so one Last-Event-ID resumes it.
	ID int64
	// Topic names who may hear it, e.g. "cameras/estate/42"; it is not sent.
	Topic string
	// Type is the SSE event name: "alert", "alert-update", …
	Type string
	// Data is one JSON document; line breaks in it are sent as several
	// data: fields, which the client joins back with "\n".
	Data []byte
}

// Replay reads back from the owner's table the events of topics with
// ID > after, in ID order, at most limit of them. A resuming client is
// sent these before anything live.
type Replay func(ctx context.Context, topics []string, after int64, limit int) ([]Event, error)

// Options tune a Hub; the zero value is usable.
type Options struct {
	Heartbeat time.Duration // comment line sent when idle; default 15 s
	// Buffer is how many events are queued per subscriber; default 64. A
	// subscriber that falls this far behind is disconnected (its browser
	// reconnects and replays).
	Buffer int
	Clock  linli.Clock // for the heartbeat ticker in tests; nil = real clock
	// Relay, when set, is handed every published event after the local
	// subscribers, to carry it to the other replicas' hubs (Relay.Publish,
	// relay.go); it must not block. Nil: one process.
	Relay func(Event)
}

// Stats are the hub's counters since NewHub.
type Stats struct {
	Subscribers int   // streams being served now
	Published   int64 // Publish calls
	Delivered   int64 // events written to a client, replayed or live
	Dropped     int64 // subscribers cut because their queue was full
}

const (
	defaultHeartbeat = 15 * time.Second
	defaultBuffer    = 64
)

// Hub fans published events out to the streams subscribed to their topic.
type Hub struct {
	heartbeat time.Duration
	buffer    int
	ticks     func(time.Duration) (<-chan time.Time, func())
	relay     func(Event)

	mu     sync.Mutex
	topics map[string]map[*subscriber]struct{}
	count  int // subscribers registered
	closed bool
	done   chan struct{} // closed by Close

	published, delivered, dropped atomic.Int64
}

// subscriber is one stream's place in the hub. queue holds pointers so a
// Publish shares one copy of the event among all its subscribers.
type subscriber struct {
	topics []string
	replay Replay // the owner's, to read back an event relayed without its data
	queue  chan *Event
	cut    chan struct{} // closed when the hub dropped it for being slow
}

// ticking is what a Clock offers when it can also drive the heartbeat
// (the tests' fake clock does); stop releases the ticker.
type ticking interface {
	NewTicker(d time.Duration) (c <-chan time.Time, stop func())
}

// NewHub makes a hub; Close ends it.
func NewHub(o Options) *Hub {
	h := &Hub{heartbeat: o.Heartbeat, buffer: o.Buffer, relay: o.Relay, topics: map[string]map[*subscriber]struct{}{}, done: make(chan struct{})}
	if h.heartbeat <= 0 {
		h.heartbeat = defaultHeartbeat
	}
	if h.buffer <= 0 {
		h.buffer = defaultBuffer
	}
	h.ticks = func(d time.Duration) (<-chan time.Time, func()) {
		t := time.NewTicker(d)
		return t.C, t.Stop
	}
	if c, ok := o.Clock.(ticking); ok {
		h.ticks = c.NewTicker
	}
	return h
}

// Publish hands e to every subscriber of e.Topic without waiting for any
// of them, and to Options.Relay for the other replicas; call it after the
// owner's transaction committed. A subscriber whose queue is full is cut
// instead. After Close it does nothing.
func (h *Hub) Publish(e Event) {
	if h.deliver(e) && h.relay != nil {
		h.relay(e)
	}
}

// deliver hands e to this hub's subscribers; false after Close.
func (h *Hub) deliver(e Event) bool {
	p := &e
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.published.Add(1)
	for s := range h.topics[e.Topic] {
		select {
		case s.queue <- p:
		default:
			h.removeLocked(s)
			close(s.cut)
			h.dropped.Add(1)
		}
	}
	return true
}

// Resync cuts every stream, as if each had fallen behind: events may have
// been missed (the relay lost its connection for a while), and each
// browser reconnects and is replayed from the owner's table what it did
// not get.
func (h *Hub) Resync() {
	h.mu.Lock()
	defer h.mu.Unlock()
	all := map[*subscriber]struct{}{}
	for _, set := range h.topics {
		for s := range set {
			all[s] = struct{}{}
		}
	}
	for s := range all {
		h.removeLocked(s)
		close(s.cut)
	}
}

// subscribe registers a stream for topics; nil when the hub is closed.
func (h *Hub) subscribe(topics []string, replay Replay) *subscriber {
	s := &subscriber{topics: topics, replay: replay, queue: make(chan *Event, h.buffer), cut: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	for _, t := range topics {
		set := h.topics[t]
		if set == nil {
			set = map[*subscriber]struct{}{}
			h.topics[t] = set
		}
		set[s] = struct{}{}
	}
	h.count++
	return s
}

// unsubscribe removes s unless Publish already cut it.
func (h *Hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-s.cut:
	default:
		h.removeLocked(s)
	}
}

func (h *Hub) removeLocked(s *subscriber) {
	for _, t := range s.topics {
		if set := h.topics[t]; set != nil {
			delete(set, s)
			if len(set) == 0 {
				delete(h.topics, t)
			}
		}
	}
	h.count--
}

// Close ends every stream and refuses new ones (503); browsers retry on
// their own, so call it before shutting the HTTP server down, whose
// Shutdown would otherwise wait for streams that never end.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// Stats reads the counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	n := h.count
	h.mu.Unlock()
	return Stats{Subscribers: n, Published: h.published.Load(), Delivered: h.delivered.Load(), Dropped: h.dropped.Load()}
}
