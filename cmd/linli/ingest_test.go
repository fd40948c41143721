package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"linli/cameras"
	"linli/cameras/feed"
	"linli/cameras/feed/frigate"
	"linli/demo"
	"linli/storage"
)

// startIngestServer is startServer with ways in configured.
func startIngestServer(t testing.TB, in IngestConfig) *testServer {
	t.Helper()
	return startIngestServerOn(t, demoSQLite(t), in)
}

// startIngestServerOn is startIngestServer on a demo database of the
// caller's choice.
func startIngestServerOn(t testing.TB, db *storage.DB, in IngestConfig) *testServer {
	t.Helper()
	m, clock := newTestMain(t, db)
	m.Config.Ingest = in
	ctx := context.Background()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	d := demo.Build()
	if _, err := ensureDemo(ctx, m, d); err != nil {
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return &testServer{Main: m, URL: m.URL(), Clock: clock, Data: d}
}

// frigateNew is Frigate's message of a person entering zone gate of
// camera at 23:10 Beijing time.
func frigateNew(camera, id string) []byte {
	return []byte(`{"type":"new","before":{"id":"` + id + `","camera":"` + camera + `","label":"person","score":0.7,"top_score":0.8,"start_time":1796569800.0,"end_time":null,"current_zones":[],"entered_zones":[]},` +
		`"after":{"id":"` + id + `","camera":"` + camera + `","label":"person","score":0.8,"top_score":0.8,"start_time":1796569800.0,"end_time":null,"frame_time":1796569805.2,"current_zones":["gate"],"entered_zones":["gate"],"stationary":false,"has_snapshot":false}}`)
}

// waitAlert waits (bounded) for an alert of camera c.
func waitAlert(t *testing.T, s *testServer, c cameras.Camera) cameras.Alert {
	t.Helper()
	staff, err := s.Auth.ActorByUsername(context.Background(), "xueyuan")
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		as, err := s.Cameras.Alerts(context.Background(), staff, cameras.AlertFilter{CameraID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(as) > 0 {
			return as[0]
		}
	}
	t.Fatalf("no alert of camera %s within 15 s; feed counters: %+v", c.SourceRef, s.ingest.counters[feed.SourceFrigate].Received.Load())
	return cameras.Alert{}
}

// TestIngestFrigateMQTT: `linli serve --frigate-mqtt-url` subscribes to
// the site's broker (the Mosquitto on 127.0.0.1:1883); a Frigate message
// published there becomes an alert of the camera it names.
func TestIngestFrigateMQTT(t *testing.T) {
	if !mosquitto(t) {
		return
	}
	ref := fmt.Sprintf("e2e_gate_%08x", rand.Uint32())
	s := startIngestServer(t, IngestConfig{FrigateURL: "tcp://127.0.0.1:1883", FrigateClientID: "linli-e2e-" + ref})
	c := activeCamera(t, s, feed.SourceFrigate, ref)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// The subscriber may still be connecting: QoS 1 to a session that
	// does not exist yet would be lost, so publish until it is in.
	for end := time.Now().Add(10 * time.Second); !s.ingestConnected() && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
	}
	if err := frigate.Publish(ctx, "tcp://127.0.0.1:1883", [][]byte{frigateNew(ref, "1796569800.0-"+ref)}, 1); err != nil {
		t.Fatal(err)
	}
	a := waitAlert(t, s, c)
	if a.Label != "person" {
		t.Errorf("alert %+v", a)
	}
}

// TestIngestEmbeddedBroker: with --mqtt-broker-addr Linli runs the broker
// itself; an analytics box with an account publishes straight into it.
func TestIngestEmbeddedBroker(t *testing.T) {
	ref := fmt.Sprintf("e2e_gate_%08x", rand.Uint32())
	s := startIngestServer(t, IngestConfig{BrokerAddr: "127.0.0.1:0", BrokerUsers: "gatebox:s3cret-Pass"})
	c := activeCamera(t, s, feed.SourceFrigate, ref)
	for end := time.Now().Add(10 * time.Second); !s.ingestConnected() && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	addr := s.ingest.broker.Addr()
	if err := frigate.Publish(ctx, "tcp://gatebox:wrong@"+addr, [][]byte{frigateNew(ref, "x")}, 1); err == nil {
		t.Error("a wrong password was let in")
	}
	if err := frigate.Publish(ctx, "tcp://gatebox:s3cret-Pass@"+addr, [][]byte{frigateNew(ref, "1796569800.0-"+ref)}, 1); err != nil {
		t.Fatal(err)
	}
	waitAlert(t, s, c)
}

// TestIngestFlags: the broker's accounts are read or refused by name.
func TestIngestFlags(t *testing.T) {
	if u, err := brokerUsers("a:1, b:2"); err != nil || len(u) != 2 || u["b"] != "2" {
		t.Errorf("%v %v", u, err)
	}
	for _, bad := range []string{"", "a", "a:", ":1"} {
		if _, err := brokerUsers(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// ingestConnected reports whether every subscriber is connected.
func (s *testServer) ingestConnected() bool {
	for _, sub := range s.ingest.subs {
		if !sub.Status().Connected {
			return false
		}
	}
	return len(s.ingest.subs) > 0
}
