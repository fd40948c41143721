package frigate

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"linli/cameras/feed"
)

const mosquitto = "127.0.0.1:1883"

// needMosquitto skips when no broker listens on 127.0.0.1:1883, unless
// LINLI_TEST_STRICT=1 (CI), where a missing broker is a failure.
func needMosquitto(t *testing.T) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", mosquitto, time.Second)
	if err != nil {
		if os.Getenv("LINLI_TEST_STRICT") == "1" {
			t.Fatalf("Mosquitto not reachable on %s: %v", mosquitto, err)
		}
		t.Skipf("Mosquitto not reachable on %s: %v", mosquitto, err)
	}
	c.Close()
	return "tcp://" + mosquitto
}

// uniq names a test's topics and client ids so parallel runs on one
// broker never meet.
func uniq(t testing.TB) string { return uniqName(t.Name()) }

func uniqName(name string) string {
	r := strings.NewReplacer("/", "-", " ", "-", "+", "-", "#", "-")
	return fmt.Sprintf("linlitest-%s-%d-%x", r.Replace(name), os.Getpid(), rand.Uint32())
}

func quietLog() *slog.Logger {
	if os.Getenv("FRIGATE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// recorder is a Sink that keeps what it got, refusing an event id the
// first time it sees it when told to.
type recorder struct {
	mu         sync.Mutex
	events     []feed.Event
	heartbeats []feed.Heartbeat
	refuseOnce map[string]bool
	refuse     string // an event id refused every time
}

func (r *recorder) Event(_ context.Context, e feed.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e.EventID == r.refuse {
		return fmt.Errorf("storage down")
	}
	if r.refuseOnce[e.EventID] {
		delete(r.refuseOnce, e.EventID)
		return fmt.Errorf("storage down")
	}
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) Heartbeat(_ context.Context, h feed.Heartbeat) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.heartbeats = append(r.heartbeats, h)
	return nil
}

// got lists the events as "id kind".
func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s []string
	for _, e := range r.events {
		s = append(s, e.EventID+" "+string(e.Kind))
	}
	return s
}

// eventually waits, at most 10 s, for cond: the broker is a real peer on
// the network, not a clock we control.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// publisher is a second, plain MQTT client playing Frigate.
func publisher(t *testing.T, url, user, pass string) mqtt.Client {
	t.Helper()
	o := mqtt.NewClientOptions().AddBroker(url).SetClientID(uniq(t) + "-pub").SetUsername(user).SetPassword(pass).
		SetCleanSession(true).SetConnectTimeout(5 * time.Second)
	c := mqtt.NewClient(o)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publisher connect: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

func publish(t *testing.T, c mqtt.Client, topic, payload string) {
	t.Helper()
	if tok := c.Publish(topic, 1, false, payload); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

// startSubscriber runs a Subscriber until the test ends, then drops its
// persistent session from the broker.
func startSubscriber(t *testing.T, cfg Config, sink feed.Sink, c *feed.Counters) *Subscriber {
	t.Helper()
	s, err := NewSubscriber(cfg, sink, c, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Run did not return after its context ended")
		}
		o := mqtt.NewClientOptions().AddBroker(cfg.URL).SetClientID(cfg.ClientID).SetCleanSession(true).
			SetUsername(cfg.Username).SetPassword(cfg.Password).SetConnectTimeout(2 * time.Second)
		if c := mqtt.NewClient(o); c.Connect().WaitTimeout(3 * time.Second) {
			c.Disconnect(50)
		}
	})
	eventually(t, "subscriber connected", func() bool { return s.Status().Connected })
	return s
}

// proxy is a TCP relay to the broker that the test can cut and restore,
// as a network outage would.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.Cut() })
	go p.serve()
	return p
}

func (p *proxy) URL() string { return "tcp://" + p.ln.Addr().String() }

func (p *proxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			in.Close()
			continue
		}
		out, err := net.DialTimeout("tcp", p.target, 2*time.Second)
		if err != nil {
			p.mu.Unlock()
			in.Close()
			continue
		}
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go func() { io.Copy(out, in); out.Close() }()
		go func() { io.Copy(in, out); in.Close() }()
	}
}

// Cut closes every relayed connection and refuses new ones.
func (p *proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) Restore() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}
