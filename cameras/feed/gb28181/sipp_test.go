package gb28181

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"linli/cameras/feed"
)

// TestSippDevice plays testdata/sipp-device.xml with SIPp (Debian's
// sip-tester) against the server over UDP and TCP: a SIP stack other than
// the one the server is built on registers through the digest challenge
// and sends a Keepalive and an alarm. Skipped where sipp is not installed.
func TestSippDevice(t *testing.T) {
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		t.Skip("sipp is not installed (apt-get install sip-tester)")
	}
	scenario, err := filepath.Abs("testdata/sipp-device.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ transport, flag string }{{"UDP", "u1"}, {"TCP", "t1"}} {
		t.Run(tc.transport, func(t *testing.T) {
			p := startPlatform(t)
			target := p.srv.UDPAddr()
			if tc.transport == "TCP" {
				target = p.srv.TCPAddr()
			}
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, sipp, "-sf", scenario, "-m", "1", "-t", tc.flag,
				"-i", "127.0.0.1", "-p", strconv.Itoa(freePort(t, tc.transport)), "-s", testServerID,
				"-timeout", "20s", "-timeout_error", "-nostdin", target)
			cmd.Dir = t.TempDir() // sipp writes its logs in the working directory
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("sipp: %v\n%s\nserver log:\n%s", err, tail(out), p.logs)
			}
			evs, hbs := p.sink.got()
			if len(hbs) != 1 || hbs[0].Camera != "34020000001320000008" {
				t.Fatalf("heartbeats %+v", hbs)
			}
			if len(evs) != 1 || evs[0].Camera != "34020000001340000008" || evs[0].AlarmType != 8 || evs[0].Kind != feed.KindAlarm {
				t.Fatalf("events %+v", evs)
			}
		})
	}
}

// freePort finds a port for sipp to bind (it cannot be told to pick one).
func freePort(t *testing.T, transport string) int {
	t.Helper()
	if transport == "TCP" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func tail(b []byte) []byte {
	if len(b) > 4000 {
		return b[len(b)-4000:]
	}
	return b
}
