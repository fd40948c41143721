package frigate

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"linli/cameras/feed"
)

// Config says where Frigate's messages are and how to read them.
type Config struct {
	// URL of the broker: tcp://host:1883, ssl:// or mqtts://host:8883,
	// ws://host/mqtt, wss://.
	URL string
	// ClientID must be stable across restarts and unique on the broker:
	// the broker keeps the session (subscriptions and the QoS 1 messages
	// published while Linli was away) under it.
	ClientID           string
	Username, Password string
	// TLS for ssl://, mqtts:// and wss://; when nil and CAFile is set, a
	// configuration trusting the PEM certificates in CAFile (and no others).
	TLS    *tls.Config
	CAFile string
	// Prefix is Frigate's topic_prefix, default "frigate".
	Prefix string
	// Topics subscribed, default Prefix + "/events", "/reviews",
	// "/available" and "/+/status/+".
	Topics []string
	// MinBackoff and MaxBackoff bound the wait between connection
	// attempts, doubling from the first to the second (default 1 s, 1 min).
	MinBackoff, MaxBackoff time.Duration
}

func (c Config) withDefaults() (Config, error) {
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" {
		return c, fmt.Errorf("frigate: broker URL %q: want scheme://host:port", c.URL)
	}
	switch u.Scheme {
	case "tcp", "mqtt", "ws":
	case "ssl", "tls", "mqtts", "wss":
		if c.TLS == nil && c.CAFile != "" {
			pem, err := os.ReadFile(c.CAFile)
			if err != nil {
				return c, fmt.Errorf("frigate: CA file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return c, fmt.Errorf("frigate: CA file %s holds no PEM certificate", c.CAFile)
			}
			c.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
	default:
		return c, fmt.Errorf("frigate: broker URL %q: scheme must be tcp, ssl, mqtts, ws or wss", c.URL)
	}
	if c.ClientID == "" {
		return c, errors.New("frigate: a client id is required (the broker keeps Linli's session under it)")
	}
	if c.Prefix == "" {
		c.Prefix = "frigate"
	}
	if len(c.Topics) == 0 {
		c.Topics = []string{c.Prefix + "/events", c.Prefix + "/reviews", c.Prefix + "/available", c.Prefix + "/+/status/+"}
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = time.Second
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(time.Minute, c.MinBackoff)
	}
	return c, nil
}

// backoff is the wait before connection attempt n+1 after n failures in a
// row: MinBackoff doubled n times, never more than MaxBackoff.
func backoff(failures int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 0; i < failures && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// Status is what the cameras page shows of the subscription.
type Status struct {
	Connected   bool
	Since       time.Time     // when Connected last changed
	Connects    int           // successful connections since Run began
	LastMessage time.Time     // when the last message arrived (any topic)
	LastError   string        // why the last connection failed or was lost
	LastWait    time.Duration // the backoff waited before the last reconnection
	Frigate     string        // the last value of <prefix>/available: online, offline, "" when never seen
	// Processes holds the last value of each <prefix>/<camera>/status/<role>,
	// keyed "camera/role".
	Processes map[string]string
}

// Subscriber reads Frigate's topics from a broker into a Sink.
type Subscriber struct {
	cfg  Config
	sink feed.Sink
	c    *feed.Counters
	log  *slog.Logger
	now  func() time.Time
	// refused tells Run that the Sink refused a message (see Run).
	refused chan struct{}

	mu sync.Mutex
	st Status
}

// NewSubscriber checks the configuration; Run connects.
func NewSubscriber(cfg Config, sink feed.Sink, c *feed.Counters, log *slog.Logger) (*Subscriber, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	return &Subscriber{cfg: cfg, sink: sink, c: c, log: log.With("way_in", "frigate", "broker", cfg.URL),
		now: func() time.Time { return time.Now().UTC() }, refused: make(chan struct{}, 1), st: Status{Processes: map[string]string{}}}, nil
}

// Run subscribes with the configuration and hands what it reads to sink
// until ctx ends; see Subscriber.Run.
func Run(ctx context.Context, cfg Config, sink feed.Sink, c *feed.Counters, log *slog.Logger) error {
	s, err := NewSubscriber(cfg, sink, c, log)
	if err != nil {
		return err
	}
	return s.Run(ctx)
}

// Status returns a copy of the subscription's state.
func (s *Subscriber) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	st.Processes = maps.Clone(s.st.Processes)
	return st
}

// Run connects, subscribes and reads until ctx ends, then disconnects and
// returns nil. A lost or refused connection is retried after a backoff
// (MinBackoff doubling up to MaxBackoff, back to MinBackoff once a
// connection has held for MaxBackoff);
// every connection subscribes again. The session is persistent (clean
// session off) and every subscription QoS 1, so what Frigate publishes
// while Linli is away waits at the broker.
//
// A message is acknowledged only once the Sink has taken it. When the Sink
// returns an error the message is counted Rejected and left
// unacknowledged, and the subscriber disconnects and connects again after
// the backoff, for MQTT brokers send a session's unacknowledged messages
// again only on a new connection. The redelivered message then arrives
// after those read since (the Sink deduplicates and orders by the events'
// own times). A Sink that keeps refusing makes the waits grow as for a
// broker that keeps refusing.
//
// Messages are handed to the Sink one at a time, in the order received,
// on paho's reading goroutine: a Sink that blocks for long stops the
// reading of keep-alive answers too, and the connection is dropped and
// made again. A Sink that can queue (feed.Queuer, as the cameras service
// is) is not waited for: the next message is read while the events before
// it are being stored, so that one commit takes many of them, and each
// message is acknowledged once its event is stored.
func (s *Subscriber) Run(ctx context.Context) error {
	lost := make(chan error, 1)
	// A Sink that can queue (feed.Queuer) is handed each event without
	// waiting for it to be stored; the acknowledger acknowledges, in the
	// order read, each message once its event is stored, holding at most
	// maxPending: the broker's own in-flight limit is usually lower.
	var pending chan pendingAck
	if _, ok := s.sink.(feed.Queuer); ok {
		pending = make(chan pendingAck, maxPending)
		go s.acknowledge(ctx, pending)
	}
	handle := func(_ mqtt.Client, m mqtt.Message) {
		if s.deliver(ctx, m.Topic(), m.Payload(), pending, m.Ack) {
			m.Ack()
		}
	}
	opts := mqtt.NewClientOptions().
		AddBroker(s.cfg.URL).
		SetClientID(s.cfg.ClientID).
		SetUsername(s.cfg.Username).
		SetPassword(s.cfg.Password).
		SetCleanSession(false).
		SetOrderMatters(true).
		SetAutoAckDisabled(true).
		SetAutoReconnect(false). // our loop reconnects, with our backoff
		SetConnectRetry(false).
		SetConnectTimeout(10 * time.Second).
		SetKeepAlive(30 * time.Second).
		// A resumed session's messages can arrive before Subscribe has
		// registered its handler: the default handler takes them.
		SetDefaultPublishHandler(handle).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			select {
			case lost <- err:
			default:
			}
		})
	if s.cfg.TLS != nil {
		opts.SetTLSConfig(s.cfg.TLS)
	}
	client := mqtt.NewClient(opts)
	filters := map[string]byte{}
	for _, t := range s.cfg.Topics {
		filters[t] = 1
	}
	failures := 0
	for {
		select { // a loss reported for an earlier connection
		case <-lost:
		default:
		}
		err := s.connect(ctx, client, filters, handle)
		if ctx.Err() != nil {
			client.Disconnect(250)
			s.setConnected(false, "")
			return nil
		}
		if err == nil {
			up := s.now()
			s.setConnected(true, "")
			s.log.Info("connected and subscribed", "topics", s.cfg.Topics)
			select {
			case <-ctx.Done():
				client.Disconnect(250)
				s.setConnected(false, "")
				return nil
			case err = <-lost:
			case <-s.refused:
				client.Disconnect(250)
				err = errors.New("the sink refused a message: connecting again for the broker to resend it")
			}
			if err == nil {
				err = errors.New("connection lost")
			}
			// Only a connection that held counts as a recovery: one dropped
			// at once (another client with our ClientID taking the session
			// over, a Sink refusing the message the broker resends) must not
			// start the waits again from MinBackoff.
			if s.now().Sub(up) >= s.cfg.MaxBackoff {
				failures = 0
			}
		}
		s.setConnected(false, err.Error())
		wait := backoff(failures, s.cfg.MinBackoff, s.cfg.MaxBackoff)
		failures++
		s.mu.Lock()
		s.st.LastWait = wait
		s.mu.Unlock()
		s.log.Warn("broker connection down, retrying", "err", err, "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

func (s *Subscriber) connect(ctx context.Context, client mqtt.Client, filters map[string]byte, handle mqtt.MessageHandler) error {
	if err := wait(ctx, client.Connect()); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	if err := wait(ctx, client.SubscribeMultiple(filters, handle)); err != nil {
		client.Disconnect(0)
		return fmt.Errorf("subscribe: %w", err)
	}
	return nil
}

// wait waits for a paho token, at most until ctx ends (paho bounds
// connecting by its connect timeout, a subscription by the connection).
func wait(ctx context.Context, t mqtt.Token) error {
	select {
	case <-t.Done():
		return t.Error()
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Subscriber) setConnected(up bool, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if up {
		s.st.Connects++
	}
	if s.st.Connected != up || s.st.Since.IsZero() {
		s.st.Since = s.now()
	}
	s.st.Connected = up
	if why != "" {
		s.st.LastError = why
	}
}

// maxPending bounds the events queued to a feed.Queuer and not yet stored.
const maxPending = 512

// pendingAck is a message whose event was queued: stored tells the
// outcome, ack acknowledges the message.
type pendingAck struct {
	id     string
	stored chan error
	ack    func()
}

// acknowledge acknowledges the queued messages, in order, as their events
// are stored; a refused one is counted, logged and left unacknowledged,
// and Run reconnects for the broker to send it again.
func (s *Subscriber) acknowledge(ctx context.Context, pending <-chan pendingAck) {
	for {
		var p pendingAck
		select {
		case p = <-pending:
		case <-ctx.Done():
			return
		}
		var err error
		select {
		case err = <-p.stored:
		case <-ctx.Done():
			return
		}
		if err != nil {
			s.refuse(p.id, err)
			continue
		}
		s.c.Accepted.Add(1)
		p.ack()
	}
}

func (s *Subscriber) refuse(id string, err error) {
	s.c.Rejected.Add(1)
	s.log.Error("sink refused event; left unacknowledged for the broker to resend", "event", id, "err", err)
	s.signalRefusal()
}

// deliver reads one message and hands it on; it reports whether the
// message may be acknowledged now. An event queued to a feed.Queuer
// (pending is not nil) is acknowledged later, by acknowledge, with ack.
func (s *Subscriber) deliver(ctx context.Context, topic string, payload []byte, pending chan<- pendingAck, ack func()) bool {
	s.c.Received.Add(1)
	s.log.Debug("message", "topic", topic, "bytes", len(payload))
	now := s.now()
	s.mu.Lock()
	s.st.LastMessage = now
	s.mu.Unlock()

	var e feed.Event
	var err error
	switch topic {
	case s.cfg.Prefix + "/events":
		e, err = ParseEvent(payload)
	case s.cfg.Prefix + "/reviews":
		e, err = ParseReview(payload)
	default:
		return s.availability(ctx, topic, payload, now)
	}
	switch {
	case errors.Is(err, ErrFalsePositive):
		s.log.Debug("false positive dropped", "topic", topic, "err", err)
		return true
	case errors.Is(err, ErrUnknownType):
		s.c.UnknownType.Add(1)
		s.log.Warn("message of a type not read", "topic", topic, "err", err)
		return true
	case err != nil:
		s.c.Malformed.Add(1)
		s.log.Warn("malformed message", "topic", topic, "err", err, "payload", clip(payload))
		return true
	}
	if q, ok := s.sink.(feed.Queuer); ok && pending != nil {
		stored := make(chan error, 1)
		if err := q.Queue(ctx, e, func(err error) { stored <- err }); err != nil {
			s.refuse(e.EventID, err)
			return false
		}
		select {
		case pending <- pendingAck{id: e.EventID, stored: stored, ack: ack}:
		case <-ctx.Done():
		}
		return false
	}
	if err := s.sink.Event(ctx, e); err != nil {
		s.refuse(e.EventID, err)
		return false
	}
	s.c.Accepted.Add(1)
	s.log.Debug("event taken", "event", e.EventID, "kind", e.Kind)
	return true
}

func (s *Subscriber) availability(ctx context.Context, topic string, payload []byte, now time.Time) bool {
	a, ok := ParseAvailability(s.cfg.Prefix, topic, payload)
	if !ok {
		s.c.UnknownType.Add(1)
		s.log.Warn("message on a topic not read", "topic", topic)
		return true
	}
	s.mu.Lock()
	if a.Camera == "" {
		s.st.Frigate = a.Value
	} else {
		s.st.Processes[a.Camera+"/"+a.Role] = a.Value
	}
	s.mu.Unlock()
	if a.Camera == "" || a.Role != "detect" || !a.Online {
		s.c.Accepted.Add(1)
		return true
	}
	if err := s.sink.Heartbeat(ctx, feed.Heartbeat{Source: feed.SourceFrigate, Camera: a.Camera, At: now}); err != nil {
		s.c.Rejected.Add(1)
		s.log.Error("sink refused heartbeat", "camera", a.Camera, "err", err)
		s.signalRefusal()
		return false
	}
	s.c.Accepted.Add(1)
	return true
}

func (s *Subscriber) signalRefusal() {
	select {
	case s.refused <- struct{}{}:
	default:
	}
}

// clip keeps a log line short when a broken payload is large.
func clip(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
