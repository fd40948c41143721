package frigate

import (
	"context"
	"net"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"linli/cameras/feed"
)

// startTestBroker runs an embedded broker on a free port with the one
// account gatebox/gate-2026, until ctx ends.
func startTestBroker(ctx context.Context, t *testing.T) *Broker {
	t.Helper()
	b, err := StartBroker(ctx, BrokerConfig{Addr: "127.0.0.1:0", Users: map[string]string{"gatebox": "gate-2026"}, Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEmbeddedBroker(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // after the subscribers' cleanups: they stop first
	b := startTestBroker(ctx, t)
	url := "tcp://" + b.Addr()
	sink := &recorder{}
	var c feed.Counters
	startSubscriber(t, b.SubscriberConfig(uniq(t)), sink, &c)

	pub := publisher(t, url, "gatebox", "gate-2026")
	publish(t, pub, "frigate/events", vecNew)
	eventually(t, "the event through the embedded broker", func() bool { return len(sink.got()) == 1 })
	if got := sink.got()[0]; got != "1764975600.250000-k3v9qa new" {
		t.Errorf("got %q", got)
	}

	for _, who := range []struct{ user, pass string }{{"gatebox", "gate-2025"}, {"gatebox", ""}, {"", ""}, {"nobody", "gate-2026"}} {
		o := mqtt.NewClientOptions().AddBroker(url).SetClientID(uniq(t)).SetUsername(who.user).SetPassword(who.pass).
			SetConnectTimeout(3 * time.Second)
		cl := mqtt.NewClient(o)
		tok := cl.Connect()
		if !tok.WaitTimeout(5 * time.Second) {
			t.Fatalf("%q/%q: no answer", who.user, who.pass)
		}
		if tok.Error() == nil {
			cl.Disconnect(0)
			t.Errorf("%q/%q was let in", who.user, who.pass)
		}
	}

	cancel()
	select {
	case <-b.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the broker did not stop when its context ended")
	}
	for _, addr := range []string{b.Addr(), b.local.Addr().String()} {
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			t.Errorf("%s still listening", addr)
		}
	}
}

func TestStartBrokerRefusesAnonymous(t *testing.T) {
	for _, users := range []map[string]string{nil, {"gatebox": ""}, {"": "x"}} {
		if b, err := StartBroker(context.Background(), BrokerConfig{Addr: "127.0.0.1:0", Users: users}); err == nil {
			b.Close()
			t.Errorf("users %v: started", users)
		}
	}
}
