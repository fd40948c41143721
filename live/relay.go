package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Several replicas. A browser's stream is served by whichever replica
// the load balancer sent it to, and the change it waits for may be made on
// another. So a hub hands what is published on it to a Relay as well
// (Options.Relay), which sends it to the other replicas — through
// PostgreSQL's NOTIFY in Linli (storage.DB.Broadcast) — whose hubs take it
// with Receive and hand it to their own subscribers, as if published
// there.
//
// A notification carries at most maxRelayed bytes. An event too big for
// one goes without its data, and the receiving hub reads it back with the
// Replay its subscribers of the topic gave Serve: the event is in the
// owner's table already, since it is published after the commit.
//
// Nothing is lost when the relay loses its way: a hub whose replica lost
// the connection for a while is told to Resync, which makes every browser
// reconnect and replay what it missed from the table.

// maxRelayed is the largest message a relay sends: PostgreSQL's 8000-byte
// NOTIFY payload less room for the framing.
const maxRelayed = 7800

// relayed is one event on the wire.
type relayed struct {
	ID    int64  `json:"i"`
	Topic string `json:"t"`
	Type  string `json:"y,omitempty"`
	Data  string `json:"d,omitempty"`
	Fetch bool   `json:"f,omitempty"` // too big: Data left out, read it back
}

// encode is the relayed form of an event, within maxRelayed bytes.
func encode(e Event) string {
	b, err := json.Marshal(relayed{ID: e.ID, Topic: e.Topic, Type: e.Type, Data: string(e.Data)})
	if err != nil || len(b) > maxRelayed {
		b, _ = json.Marshal(relayed{ID: e.ID, Topic: e.Topic, Type: e.Type, Fetch: true})
	}
	return string(b)
}

// Relay sends a hub's events to the other replicas, in order, on a
// goroutine of its own, so Publish never waits for the network: what is
// queued meanwhile goes in one statement.
type Relay struct {
	send  func(ctx context.Context, payloads ...string) error
	queue chan string
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
	// Lost counts events not sent: the queue was full or the send failed.
	lost atomic.Int64
}

// relayQueue is how many events may wait to be sent; relayBatch how many
// go in one statement.
const (
	relayQueue = 4096
	relayBatch = 64
)

// NewRelay starts a relay that sends with send (storage.DB.Broadcast on
// one channel); Close stops it.
func NewRelay(send func(ctx context.Context, payloads ...string) error) *Relay {
	r := &Relay{send: send, queue: make(chan string, relayQueue), stop: make(chan struct{}), done: make(chan struct{})}
	go r.run()
	return r
}

// Publish queues e for the other replicas without waiting; it is what a
// hub's Options.Relay is set to.
func (r *Relay) Publish(e Event) {
	select {
	case r.queue <- encode(e):
	default:
		// The other replicas' browsers get it when they next reconnect.
		r.lost.Add(1)
	}
}

// Lost is how many events the relay could not send.
func (r *Relay) Lost() int64 { return r.lost.Load() }

// Close sends what is queued (for at most a few seconds) and stops.
func (r *Relay) Close() {
	r.once.Do(func() { close(r.stop) })
	<-r.done
}

func (r *Relay) run() {
	defer close(r.done)
	batch := make([]string, 0, relayBatch)
	for {
		select {
		case p := <-r.queue:
			batch = append(batch[:0], p)
		case <-r.stop:
			r.drain(batch[:0])
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		for more := true; more && len(batch) < relayBatch; {
			select {
			case p := <-r.queue:
				batch = append(batch, p)
			default:
				more = false
			}
		}
		r.flush(ctx, batch)
		cancel()
	}
}

// drain sends what is queued at Close, all within a few seconds: a
// database that does not answer must not hold the shutdown.
func (r *Relay) drain(batch []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		select {
		case p := <-r.queue:
			batch = append(batch, p)
			if len(batch) == relayBatch {
				r.flush(ctx, batch)
				batch = batch[:0]
			}
		default:
			r.flush(ctx, batch)
			return
		}
	}
}

func (r *Relay) flush(ctx context.Context, batch []string) {
	if len(batch) == 0 {
		return
	}
	if err := r.send(ctx, batch...); err != nil {
		r.lost.Add(int64(len(batch)))
		slog.Warn("live: relaying events to the other replicas failed", "events", len(batch), "err", err)
	}
}

// Receive takes an event another replica's relay sent and hands it to this
// hub's subscribers, not relaying it further. An event sent without its
// data is read back first, with the Replay of a subscriber of its topic
// (no subscriber: nobody here wants it), on a goroutine of its own so the
// caller — the listener of every signal — does not wait for the query.
func (h *Hub) Receive(payload string) {
	var m relayed
	if err := json.Unmarshal([]byte(payload), &m); err != nil || m.ID <= 0 || m.Topic == "" {
		slog.Warn("live: a relayed event could not be read", "err", err)
		return
	}
	if !m.Fetch {
		h.deliver(Event{ID: m.ID, Topic: m.Topic, Type: m.Type, Data: []byte(m.Data)})
		return
	}
	replay := h.replayOf(m.Topic)
	if replay == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		es, err := replay(ctx, []string{m.Topic}, m.ID-1, 1)
		if err != nil || len(es) == 0 || es[0].ID != m.ID {
			slog.Warn("live: a relayed event could not be read back", "id", m.ID, "topic", m.Topic, "err", err)
			return
		}
		h.deliver(es[0])
	}()
}

// replayOf is the Replay of some subscriber of topic, or nil.
func (h *Hub) replayOf(topic string) Replay {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.topics[topic] {
		if s.replay != nil {
			return s.replay
		}
	}
	return nil
}
