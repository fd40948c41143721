package frigate

import (
	"context"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"linli/cameras/feed"
)

func BenchmarkParseEvent(b *testing.B) {
	payload := []byte(vecUpdate)
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := ParseEvent(payload); err != nil {
			b.Fatal(err)
		}
	}
}

// countingSink takes every event and says when it has seen n.
type countingSink struct {
	n    int64
	c    *feed.Counters
	done chan struct{}
}

func (s *countingSink) Event(context.Context, feed.Event) error {
	if s.c.Accepted.Load()+1 == s.n {
		close(s.done)
	}
	return nil
}

func (s *countingSink) Heartbeat(context.Context, feed.Heartbeat) error { return nil }

// BenchmarkSubscriberMosquitto: frigate/events messages published QoS 1 to
// the local Mosquitto, read, parsed and handed to a Sink that does nothing:
// the ceiling of this way in, publisher and broker on the same machine.
func BenchmarkSubscriberMosquitto(b *testing.B) {
	url := "tcp://" + mosquitto
	prefix := uniq(b)
	var c feed.Counters
	sink := &countingSink{n: int64(b.N), c: &c, done: make(chan struct{})}
	s, err := NewSubscriber(Config{URL: url, ClientID: prefix + "-sub", Prefix: prefix}, sink, &c, quietLog())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	for deadline := time.Now().Add(10 * time.Second); !s.Status().Connected; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Skip("Mosquitto not reachable")
		}
	}
	pub := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID(prefix + "-pub"))
	if tok := pub.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		b.Fatal(tok.Error())
	}
	defer pub.Disconnect(50)
	payload := []byte(vecUpdate)
	b.SetBytes(int64(len(payload)))
	b.ResetTimer()
	// At most 500 ahead of the reader: Mosquitto drops QoS 1 messages
	// beyond a client's max_queued_messages (1000 by default).
	for i := range b.N {
		for int64(i)-c.Received.Load() > 500 {
			time.Sleep(100 * time.Microsecond)
		}
		pub.Publish(prefix+"/events", 1, false, payload)
	}
	select {
	case <-sink.done:
	case <-time.After(60 * time.Second):
		b.Fatalf("read %d of %d", c.Accepted.Load(), b.N)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	cancel()
	clean := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID(prefix + "-sub").SetCleanSession(true))
	if clean.Connect().WaitTimeout(3 * time.Second) {
		clean.Disconnect(50)
	}
}
