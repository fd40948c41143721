package frigate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"linli/cameras/feed"
)

// msg is a frigate/events message of the documented shape, small.
func msg(typ, id string, frame float64) string {
	end := "null"
	if typ == "end" {
		end = fmt.Sprint(frame)
	}
	return fmt.Sprintf(`{"type":%q,"before":null,"after":{"id":%q,"camera":"gate_south","label":"person","top_score":0.8,`+
		`"start_time":1764975600.5,"end_time":%s,"frame_time":%v,"current_zones":["gate"],"entered_zones":["gate"],`+
		`"has_snapshot":false,"has_clip":false,"stationary":false,"false_positive":false}}`, typ, id, end, frame)
}

func TestSubscriberReadsInOrderAndSurvivesBadMessages(t *testing.T) {
	url := needMosquitto(t)
	t.Parallel()
	prefix := uniq(t)
	sink := &recorder{}
	var c feed.Counters
	// The default topics, and one more whose messages this package does not read.
	topics := []string{prefix + "/events", prefix + "/reviews", prefix + "/available", prefix + "/+/status/+", prefix + "/+/person"}
	s := startSubscriber(t, Config{URL: url, ClientID: prefix + "-sub", Prefix: prefix, Topics: topics}, sink, &c)
	pub := publisher(t, url, "", "")

	publish(t, pub, prefix+"/events", msg("new", "e1", 1764975601))
	publish(t, pub, prefix+"/events", `{"type":"new","after":{"id":"e9","camera":`) // truncated
	publish(t, pub, prefix+"/events", msg("update", "e1", 1764975640))
	publish(t, pub, prefix+"/events", `{"type":"description","id":"e1","description":"a man in a coat"}`)
	publish(t, pub, prefix+"/events", `{"type":"update","after":{"camera":"gate_south","start_time":1764975600}}`) // no id
	publish(t, pub, prefix+"/events", msg("end", "e1", 1764975700))
	publish(t, pub, prefix+"/reviews", vecReview)
	publish(t, pub, prefix+"/gate_south/status/detect", "online")
	publish(t, pub, prefix+"/gate_south/status/record", "offline")
	publish(t, pub, prefix+"/available", "online")
	publish(t, pub, prefix+"/gate_south/person", "1") // a topic we do not read

	eventually(t, "all 11 messages read", func() bool { return c.Received.Load() == 11 })
	want := []string{"e1 new", "e1 update", "e1 end", "review:1764975600.300000-r8m2pz update"}
	if got := sink.got(); !reflect.DeepEqual(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if a, m, u, r := c.Accepted.Load(), c.Malformed.Load(), c.UnknownType.Load(), c.Rejected.Load(); a != 7 || m != 2 || u != 2 || r != 0 {
		t.Errorf("accepted %d malformed %d unknown %d rejected %d, want 7 2 2 0", a, m, u, r)
	}
	sink.mu.Lock()
	hb := sink.heartbeats
	sink.mu.Unlock()
	if len(hb) != 1 || hb[0].Camera != "gate_south" || hb[0].Source != feed.SourceFrigate || hb[0].At.IsZero() {
		t.Errorf("heartbeats %+v, want one for gate_south (detect online only)", hb)
	}
	st := s.Status()
	if st.Frigate != "online" || st.Processes["gate_south/record"] != "offline" || st.LastMessage.IsZero() || st.Connects != 1 {
		t.Errorf("status %+v", st)
	}
}

// The broker goes away (the proxy cuts the line); what Frigate publishes
// meanwhile waits in the persistent session and arrives after the
// subscriber has reconnected on its own.
func TestSubscriberReconnectsAndReceivesWhatWasPublishedWhileAway(t *testing.T) {
	url := needMosquitto(t)
	t.Parallel()
	prefix := uniq(t)
	p := startProxy(t, mosquitto)
	sink := &recorder{}
	var c feed.Counters
	s := startSubscriber(t, Config{URL: p.URL(), ClientID: prefix + "-sub", Prefix: prefix,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}, sink, &c)
	pub := publisher(t, url, "", "")

	publish(t, pub, prefix+"/events", msg("new", "e1", 1764975601))
	eventually(t, "e1 new", func() bool { return len(sink.got()) == 1 })

	p.Cut()
	eventually(t, "subscriber sees the loss", func() bool { return !s.Status().Connected })
	publish(t, pub, prefix+"/events", msg("update", "e1", 1764975640))
	publish(t, pub, prefix+"/events", msg("end", "e1", 1764975700))
	if got := sink.got(); len(got) != 1 {
		t.Fatalf("got %q while the line was cut", got)
	}
	p.Restore()

	eventually(t, "the messages published while away", func() bool { return slices.Contains(sink.got(), "e1 end") })
	// The first e1 may come twice, if the cut took its acknowledgement.
	if got, want := slices.Compact(sink.got()), []string{"e1 new", "e1 update", "e1 end"}; !reflect.DeepEqual(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	// The session's messages come right after the broker accepts the
	// connection, before the subscriber has subscribed again and calls
	// itself connected.
	eventually(t, "connected again", func() bool { return s.Status().Connected })
	st := s.Status()
	if st.Connects < 2 || st.LastError == "" {
		t.Errorf("status after reconnect %+v", st)
	}
	// Subscribed again on the new connection: a fresh message still flows.
	publish(t, pub, prefix+"/events", msg("new", "e2", 1764975800))
	eventually(t, "e2 after reconnect", func() bool { return slices.Contains(sink.got(), "e2 new") })
}

// A message the Sink refuses is not acknowledged, and the subscriber
// connects again so that the broker sends it again; the messages after it
// are not held up.
func TestSubscriberLeavesRefusedMessageUnacknowledged(t *testing.T) {
	url := needMosquitto(t)
	t.Parallel()
	prefix := uniq(t)
	sink := &recorder{refuseOnce: map[string]bool{"e1": true}}
	var c feed.Counters
	s := startSubscriber(t, Config{URL: url, ClientID: prefix + "-sub", Prefix: prefix,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}, sink, &c)
	pub := publisher(t, url, "", "")

	publish(t, pub, prefix+"/events", msg("new", "e1", 1764975601))
	publish(t, pub, prefix+"/events", msg("new", "e2", 1764975602))
	eventually(t, "e2 read", func() bool { return slices.Contains(sink.got(), "e2 new") })
	if r := c.Rejected.Load(); r != 1 {
		t.Fatalf("rejected %d, want 1", r)
	}
	eventually(t, "e1 sent again by the broker", func() bool { return slices.Contains(sink.got(), "e1 new") })
	// Whether e2 is read before the reconnection the refusal of e1 causes,
	// after it, or both (its acknowledgement lost in the reconnection)
	// depends on timing: delivery is at least once, the Sink deduplicates.
	if got := sink.got(); !slices.Contains(got, "e2 new") || len(got) > 3 {
		t.Errorf("events %q, want e1 once and e2 once or twice", got)
	}
	eventually(t, "connected again", func() bool { return s.Status().Connected })
	if st := s.Status(); st.Connects != 2 {
		t.Errorf("connects %d, want 2 (one reconnection to have e1 resent)", st.Connects)
	}
	publish(t, pub, prefix+"/events", msg("new", "e3", 1764975603))
	eventually(t, "e3 on the new connection", func() bool { return slices.Contains(sink.got(), "e3 new") })
}

func TestBackoffDoublesUpToTheCap(t *testing.T) {
	lo, hi := 100*time.Millisecond, time.Second
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for n, w := range want {
		if got := backoff(n, lo, hi); got != w*time.Millisecond {
			t.Errorf("backoff(%d) = %v, want %v", n, got, w*time.Millisecond)
		}
	}
	if got := backoff(1000, lo, hi); got != hi {
		t.Errorf("backoff(1000) = %v, want the cap", got)
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o600)

	for _, c := range []struct {
		cfg  Config
		fail string
	}{
		{Config{URL: "tcp://127.0.0.1:1883"}, "client id"},
		{Config{URL: "http://x:1", ClientID: "a"}, "scheme"},
		{Config{URL: "127.0.0.1:1883", ClientID: "a"}, "scheme"},
		{Config{URL: "mqtts://x:8883", ClientID: "a", CAFile: filepath.Join(dir, "missing.pem")}, "CA file"},
		{Config{URL: "ssl://x:8883", ClientID: "a", CAFile: notPEM}, "no PEM"},
	} {
		if _, err := c.cfg.withDefaults(); err == nil || !strings.Contains(err.Error(), c.fail) {
			t.Errorf("%+v: got %v, want an error about %s", c.cfg, err, c.fail)
		}
	}
	got, err := Config{URL: "ws://x:9001/mqtt", ClientID: "a", Prefix: "site2"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"site2/events", "site2/reviews", "site2/available", "site2/+/status/+"}; !reflect.DeepEqual(got.Topics, want) {
		t.Errorf("topics %q, want %q", got.Topics, want)
	}
	if got.MinBackoff != time.Second || got.MaxBackoff != time.Minute {
		t.Errorf("backoff %v..%v, want 1s..1m", got.MinBackoff, got.MaxBackoff)
	}
}

// A Sink that keeps refusing a message makes the subscriber wait longer
// and longer between reconnections, as a broker that keeps refusing would:
// the waits reach MaxBackoff instead of repeating MinBackoff.
func TestSubscriberBacksOffWhileTheSinkRefuses(t *testing.T) {
	url := needMosquitto(t)
	t.Parallel()
	prefix := uniq(t)
	sink := &recorder{refuse: "e1"}
	var c feed.Counters
	s := startSubscriber(t, Config{URL: url, ClientID: prefix + "-sub", Prefix: prefix,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond}, sink, &c)
	pub := publisher(t, url, "", "")
	publish(t, pub, prefix+"/events", msg("new", "e1", 1764975601))
	eventually(t, "the wait grown to MaxBackoff", func() bool { return s.Status().LastWait == 80*time.Millisecond })
	if r := c.Rejected.Load(); r < 4 {
		t.Errorf("rejected %d times, want at least 4 (10, 20, 40, 80 ms)", r)
	}
}

// Two subscribers misconfigured with one ClientID take the session from
// each other at every connection; their waits must grow, not hammer the
// broker at MinBackoff.
func TestSubscribersSharingAClientIDBackOff(t *testing.T) {
	url := needMosquitto(t)
	t.Parallel()
	prefix := uniq(t)
	cfg := Config{URL: url, ClientID: prefix + "-sub", Prefix: prefix,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond}
	var c1, c2 feed.Counters
	s1, err := NewSubscriber(cfg, &recorder{}, &c1, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s1.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	s2 := startSubscriber(t, cfg, &recorder{}, &c2)
	eventually(t, "a wait grown to MaxBackoff", func() bool {
		return s1.Status().LastWait == cfg.MaxBackoff || s2.Status().LastWait == cfg.MaxBackoff
	})
}

// queuer is a feed.Queuer: Queue notes each event and returns at once;
// the events are stored (recorder.Event, which may refuse) in the order
// queued, once release is closed.
type queuer struct {
	recorder
	release chan struct{}
	jobs    chan func()
	start   sync.Once

	qmu    sync.Mutex
	queued []string
}

func newQueuer() *queuer {
	return &queuer{release: make(chan struct{}), jobs: make(chan func(), 100)}
}

func (q *queuer) Queue(ctx context.Context, e feed.Event, done func(error)) error {
	q.start.Do(func() {
		go func() {
			<-q.release
			for job := range q.jobs {
				job()
			}
		}()
	})
	q.qmu.Lock()
	q.queued = append(q.queued, e.EventID+" "+string(e.Kind))
	q.qmu.Unlock()
	q.jobs <- func() { done(q.recorder.Event(ctx, e)) }
	return nil
}

func (q *queuer) gotQueued() []string {
	q.qmu.Lock()
	defer q.qmu.Unlock()
	return slices.Clone(q.queued)
}

// A Sink that can queue is handed the next message's event while the
// ones before are still being stored (so its commits can take many), in
// the order read; each message counts as accepted, and is acknowledged,
// only once its event is stored.
func TestSubscriberQueuesWithoutWaitingForTheStore(t *testing.T) {
	url := needMosquitto(t)
	t.Parallel()
	prefix := uniq(t)
	sink := newQueuer()
	var c feed.Counters
	startSubscriber(t, Config{URL: url, ClientID: prefix + "-sub", Prefix: prefix}, sink, &c)
	pub := publisher(t, url, "", "")

	publish(t, pub, prefix+"/events", msg("new", "e1", 1764975601))
	publish(t, pub, prefix+"/events", msg("update", "e1", 1764975640))
	publish(t, pub, prefix+"/events", msg("new", "e2", 1764975650))
	want := []string{"e1 new", "e1 update", "e2 new"}
	eventually(t, "three events queued before any is stored", func() bool { return len(sink.gotQueued()) == 3 })
	if got := sink.gotQueued(); !reflect.DeepEqual(got, want) {
		t.Errorf("queued %q, want %q", got, want)
	}
	if got, a := sink.got(), c.Accepted.Load(); len(got) != 0 || a != 0 {
		t.Fatalf("stored %q, accepted %d before the store ran", got, a)
	}
	close(sink.release)
	eventually(t, "all three stored and accepted", func() bool { return c.Accepted.Load() == 3 })
	if got := sink.got(); !reflect.DeepEqual(got, want) {
		t.Errorf("stored %q, want %q", got, want)
	}
}

// A queued event the Sink then fails to store is counted rejected and left
// unacknowledged; the subscriber connects again and the broker resends it.
func TestSubscriberResendsAQueuedEventThatWasNotStored(t *testing.T) {
	url := needMosquitto(t)
	t.Parallel()
	prefix := uniq(t)
	sink := newQueuer()
	sink.refuseOnce = map[string]bool{"e1": true}
	close(sink.release)
	var c feed.Counters
	s := startSubscriber(t, Config{URL: url, ClientID: prefix + "-sub", Prefix: prefix,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}, sink, &c)
	pub := publisher(t, url, "", "")

	publish(t, pub, prefix+"/events", msg("new", "e1", 1764975601))
	publish(t, pub, prefix+"/events", msg("new", "e2", 1764975602))
	eventually(t, "e1 sent again by the broker and stored", func() bool { return slices.Contains(sink.got(), "e1 new") })
	if r := c.Rejected.Load(); r != 1 {
		t.Errorf("rejected %d, want 1", r)
	}
	if got := sink.got(); !slices.Contains(got, "e2 new") {
		t.Errorf("stored %q, want e2 too", got)
	}
	eventually(t, "connected again", func() bool { return s.Status().Connected })
	if st := s.Status(); st.Connects < 2 {
		t.Errorf("connects %d, want a reconnection for e1 to be resent", st.Connects)
	}
}
