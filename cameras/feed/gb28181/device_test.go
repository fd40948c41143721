package gb28181

import (
	"context"
	"testing"
	"time"

	"linli/cameras/feed"
)

// The Device of camera-replay --sip registers through the challenge,
// keeps alive and reports a loitering alarm in GBK that the platform reads
// right, over UDP and TCP; a wrong password is refused.
func TestDeviceClient(t *testing.T) {
	for _, transport := range []string{"UDP", "TCP"} {
		t.Run(transport, func(t *testing.T) {
			p := startPlatform(t)
			addr := p.srv.UDPAddr()
			if transport == "TCP" {
				addr = p.srv.TCPAddr()
			}
			ctx, cancel := context.WithTimeout(t.Context(), 3*waitPeer)
			defer cancel()
			bad, err := Dial(&Device{ID: "34020000001320000009", Platform: addr, PlatformID: testServerID, Transport: transport, Password: "wrong"})
			if err != nil {
				t.Fatal(err)
			}
			defer bad.Close()
			if err := bad.Register(ctx, 3600); err == nil {
				t.Fatal("a wrong password registered")
			}
			d, err := Dial(&Device{ID: "34020000001320000002", Platform: addr, PlatformID: testServerID, Transport: transport, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if err := d.Register(ctx, 3600); err != nil {
				t.Fatal(err)
			}
			if err := d.Keepalive(ctx); err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 12, 6, 13, 30, 5, 0, time.UTC)
			if err := d.SendAlarm(ctx, Alarm{Channel: "34020000001340000002", Time: at, Priority: 1, Method: 5, Type: 8, Description: "南门徘徊"}); err != nil {
				t.Fatal(err)
			}
			evs, hbs := p.sink.got()
			if len(hbs) != 1 || hbs[0].Camera != d.ID {
				t.Fatalf("heartbeats %+v", hbs)
			}
			if len(evs) != 1 || evs[0].Camera != "34020000001340000002" || evs[0].AlarmType != 8 || evs[0].Description != "南门徘徊" ||
				!evs[0].At.Equal(at) || evs[0].Kind != feed.KindAlarm {
				t.Fatalf("events %+v", evs)
			}
			for end := time.Now().Add(waitPeer); d.Answered() == 0 && time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
			}
			if d.Answered() != 1 {
				t.Errorf("the platform's Response MESSAGE was not answered (%d)", d.Answered())
			}
		})
	}
}
