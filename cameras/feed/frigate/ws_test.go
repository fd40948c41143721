package frigate

import (
	"crypto/sha256"
	"net"
	"testing"

	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"

	"linli/cameras/feed"
)

// A broker reached over MQTT-over-WebSocket (ws://), as some sites expose
// theirs: the subscriber reads it like any other.
func TestSubscriberOverWebSocket(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // mochi's WebSocket listener opens the address itself
	srv := mochi.New(&mochi.Options{Logger: quietLog()})
	hook := &passwordHook{accounts: map[string][32]byte{"gatebox": sha256.Sum256([]byte("gate-2026"))}}
	if err := srv.AddHook(hook, nil); err != nil {
		t.Fatal(err)
	}
	if err := srv.AddListener(listeners.NewWebsocket(listeners.Config{ID: "ws", Address: addr})); err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	sink := &recorder{}
	var c feed.Counters
	startSubscriber(t, Config{URL: "ws://" + addr + "/mqtt", ClientID: uniq(t), Username: "gatebox", Password: "gate-2026"}, sink, &c)
	publish(t, publisher(t, "ws://"+addr+"/mqtt", "gatebox", "gate-2026"), "frigate/events", vecEnd)
	eventually(t, "the event over WebSocket", func() bool { return len(sink.got()) == 1 })
}
