package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/cameras"
	"linli/cameras/feed"
	"linli/cameras/feed/frigate"
	"linli/cameras/feed/gb28181"
	"linli/storage/storagetest"
)

// mosquitto reports whether the MQTT broker at 127.0.0.1:1883 answers;
// if not, the test is skipped (failed under LINLI_TEST_STRICT).
func mosquitto(t *testing.T) bool {
	conn, err := net.DialTimeout("tcp", "127.0.0.1:1883", time.Second)
	if err != nil {
		storagetest.SkipOrFail(t, "no MQTT broker on 127.0.0.1:1883: "+err.Error())
		return false
	}
	conn.Close()
	return true
}

// replayDay is the day the replay tests play, as camera-replay reads --day.
func replayDay(t *testing.T, cams ...string) [][]byte {
	t.Helper()
	china, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return frigate.DayOfEvents(cams, time.Date(2026, 12, 6, 0, 0, 0, 0, china), 20261206)
}

// feedMetric reads linli_camera_feed_messages_total{source,outcome} off
// the server's /metrics.
func feedMetric(t *testing.T, s *testServer, source, outcome string) int {
	t.Helper()
	st, body := s.anon(t).do("GET", "/metrics", nil)
	if st != 200 {
		t.Fatalf("/metrics: %d", st)
	}
	re := regexp.MustCompile(`(?m)^linli_camera_feed_messages_total\{outcome="` + outcome + `",source="` + source + `"\} (\d+)$`)
	m := re.FindSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no %s/%s line:\n%s", source, outcome, grepLines(body, "linli_camera_feed"))
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func grepLines(b []byte, s string) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// apiAlerts lists a camera's alerts through the API, as the estate's staff.
func apiAlerts(t *testing.T, c *client, cam cameras.Camera) []cameras.Alert {
	t.Helper()
	var v struct{ Alerts []cameras.Alert }
	if st := c.json("GET", fmt.Sprintf("/api/cameras/alerts?camera=%d", cam.ID), nil, &v); st != 200 {
		t.Fatalf("alerts: %d", st)
	}
	return v.Alerts
}

// TestCameraReplayMQTT: `linli camera-replay --mqtt` publishes the day's
// Frigate messages to the site's broker (the Mosquitto on 127.0.0.1:1883);
// Linli, subscribed with --frigate-mqtt-url, stores every object to its
// end and raises a night-entry alert for each object that entered the
// zone at night.
func TestCameraReplayMQTT(t *testing.T) {
	if !mosquitto(t) {
		return
	}
	ref := fmt.Sprintf("e2e_replay_%08x", rand.Uint32())
	s := startIngestServer(t, IngestConfig{FrigateURL: "tcp://127.0.0.1:1883", FrigateClientID: "linli-e2e-" + ref})
	c := activeCamera(t, s, feed.SourceFrigate, ref, cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
	for end := time.Now().Add(10 * time.Second); !s.ingestConnected() && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
	}
	// What the day holds: its objects, and those entering the zone at night.
	objects, night := map[string]bool{}, map[string]bool{}
	for _, m := range replayDay(t, ref) {
		e, err := frigate.ParseEvent(m)
		if err != nil {
			t.Fatal(err)
		}
		if !objects[e.EventID] && len(e.Zones) > 0 {
			if h := e.At.In(time.FixedZone("CST", 8*3600)).Hour(); h >= 22 || h < 6 {
				night[e.EventID] = true
			}
		}
		objects[e.EventID] = objects[e.EventID] || len(e.Zones) > 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errs bytes.Buffer
	if err := runCameraReplay(ctx, []string{"--mqtt", "tcp://127.0.0.1:1883", "--cameras", ref, "--speed", "0", "--day", "2026-12-06"}, &out, &errs); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errs.String())
	}
	if !strings.Contains(out.String(), "events published") {
		t.Errorf("output:\n%s", out.String())
	}
	ended := func() int64 {
		return s.scalar(t, `SELECT COUNT(*) FROM camera_events WHERE camera_id = ? AND kind = 'end'`, c.ID)
	}
	for end := time.Now().Add(30 * time.Second); ended() < int64(len(objects)) && time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
	}
	if n := ended(); n != int64(len(objects)) {
		t.Fatalf("%d of the day's %d objects stored to their end", n, len(objects))
	}
	if as := apiAlerts(t, s.login(t, "xueyuan"), c); len(as) != len(night) || len(night) == 0 {
		t.Fatalf("%d alerts, want one per night entry (%d)", len(as), len(night))
	}
}

// TestCameraFeedMetrics: /metrics counts what a way in read, by source and
// outcome: three Frigate messages and two that are not JSON, published
// into the embedded broker.
func TestCameraFeedMetrics(t *testing.T) {
	ref := fmt.Sprintf("e2e_metrics_%08x", rand.Uint32())
	s := startIngestServer(t, IngestConfig{BrokerAddr: "127.0.0.1:0", BrokerUsers: "gatebox:s3cret-Pass"})
	activeCamera(t, s, feed.SourceFrigate, ref)
	for end := time.Now().Add(10 * time.Second); !s.ingestConnected() && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
	}
	if n := feedMetric(t, s, "frigate", "received"); n != 0 {
		t.Fatalf("received %d before anything was sent", n)
	}
	msgs := [][]byte{frigateNew(ref, "1796569800.0-a"), []byte(`{"type":"new","after":`), frigateNew(ref, "1796569800.0-b"),
		[]byte("not json"), frigateNew(ref, "1796569800.0-c")}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := frigate.Publish(ctx, "tcp://gatebox:s3cret-Pass@"+s.ingest.broker.Addr(), msgs, 0); err != nil {
		t.Fatal(err)
	}
	cnt := s.ingest.counters[feed.SourceFrigate]
	for end := time.Now().Add(15 * time.Second); cnt.Received.Load() < 5 && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
	}
	// A message is counted accepted once its event is stored, after the
	// subscriber read it (it queues without waiting for the commit).
	for end := time.Now().Add(15 * time.Second); feedMetric(t, s, "frigate", "accepted") < 3 && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
	}
	for outcome, want := range map[string]int{"received": 5, "accepted": 3, "malformed": 2, "rejected": 0} {
		if got := feedMetric(t, s, "frigate", outcome); got != want {
			t.Errorf("frigate %s = %d, want %d", outcome, got, want)
		}
	}
	if got := feedMetric(t, s, "gb28181", "received"); got != 0 {
		t.Errorf("gb28181 received = %d", got)
	}
}

// TestGB28181EndToEnd: linli serve with --gb28181-udp and --gb28181-tcp on
// loopback. A device of a gb28181 source registers with its digest
// password over TCP, sends a Keepalive (the camera is online) and a
// loitering alarm (AlarmType 8) with a GBK body, which the API shows as a
// loitering alert; `linli camera-replay --sip` plays another device over
// UDP, one alarm per lingerer of the day. A wrong password is refused.
// /metrics counts the messages.
func TestGB28181EndToEnd(t *testing.T) {
	const platformID = "34020000002000000001"
	s := startIngestServer(t, IngestConfig{SIPUDP: "127.0.0.1:0", SIPTCP: "127.0.0.1:0", SIPID: platformID})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	staff, err := s.Auth.ActorByUsername(ctx, "xueyuan")
	if err != nil {
		t.Fatal(err)
	}
	loiter := cameras.Rule{Kind: cameras.Loiter, Seconds: 60, Enabled: true}
	devices := map[string]string{"34020000001320000011": "tcp-pass-2026", "34020000001320000012": "udp-pass-2026"}
	cams := map[string]cameras.Camera{}
	for id, pw := range devices {
		cams[id] = activeCamera(t, s, feed.SourceGB28181, id, loiter)
		if _, err := s.Cameras.CreateSource(ctx, staff, cameras.SourceInput{Kind: cameras.SourceKindGB28181, Name: "门岗分析盒 " + id[16:],
			NodeID: cams[id].NodeID, DeviceID: id, Secret: pw}); err != nil {
			t.Fatal(err)
		}
	}
	api := s.login(t, "xueyuan")

	// Over TCP, the device itself.
	tcpID := "34020000001320000011"
	wrong, err := gb28181.Dial(&gb28181.Device{ID: tcpID, Platform: s.ingest.sip.TCPAddr(), PlatformID: platformID, Transport: "TCP", Password: "not-the-pass"})
	if err != nil {
		t.Fatal(err)
	}
	defer wrong.Close()
	if err := wrong.Register(ctx, 3600); err == nil {
		t.Fatal("a wrong password registered")
	}
	d, err := gb28181.Dial(&gb28181.Device{ID: tcpID, Platform: s.ingest.sip.TCPAddr(), PlatformID: platformID, Transport: "TCP", Password: devices[tcpID]})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Register(ctx, 3600); err != nil {
		t.Fatal(err)
	}
	var before cameras.Camera
	api.json("GET", fmt.Sprintf("/api/cameras/%d", cams[tcpID].ID), nil, &before)
	if err := d.Keepalive(ctx); err != nil {
		t.Fatal(err)
	}
	var cam cameras.Camera
	if st := api.json("GET", fmt.Sprintf("/api/cameras/%d", cams[tcpID].ID), nil, &cam); st != 200 || !before.LastHeartbeat.IsZero() || cam.LastHeartbeat.IsZero() || !cam.Online {
		t.Fatalf("after the Keepalive: %d, heartbeat %v → %v, online %v", st, before.LastHeartbeat, cam.LastHeartbeat, cam.Online)
	}
	at := time.Date(2026, 12, 6, 15, 12, 30, 0, time.UTC)
	if err := d.SendAlarm(ctx, gb28181.Alarm{Time: at, Priority: 1, Method: 5, Type: 8, Description: "南门有人徘徊"}); err != nil {
		t.Fatal(err)
	}
	as := apiAlerts(t, api, cams[tcpID])
	if len(as) != 1 || as[0].RuleKind != cameras.Loiter || as[0].Label != "alarm" || !as[0].At.Equal(at) || as[0].Source != feed.SourceGB28181 {
		t.Fatalf("alerts %+v", as)
	}
	var desc string
	if err := s.DB.QueryRow(ctx, `SELECT raw FROM camera_events WHERE camera_id = ?`, cams[tcpID].ID).Scan(&desc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(desc, `encoding="GB2312"`) || strings.Contains(desc, "南门有人徘徊") {
		t.Errorf("the stored body is not the GBK one sent:\n%q", desc)
	}

	// Over UDP, camera-replay --sip.
	udpID := "34020000001320000012"
	var out, errs bytes.Buffer
	if err := runCameraReplay(ctx, []string{"--sip", s.ingest.sip.UDPAddr(), "--sip-transport", "UDP", "--sip-id", platformID,
		"--sip-device", udpID, "--sip-password", devices[udpID], "--cameras", "gate_a", "--speed", "0", "--day", "2026-12-06"}, &out, &errs); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errs.String())
	}
	n := len(lingerers(replayDay(t, "gate_a")))
	if as := apiAlerts(t, api, cams[udpID]); len(as) != n || n == 0 {
		t.Fatalf("%d alerts of the replayed device, want one per lingerer (%d)\n%s", len(as), n, out.String())
	}
	// TCP: a Keepalive and an alarm; UDP: a Keepalive, then one before each alarm.
	if got, want := feedMetric(t, s, "gb28181", "accepted"), 2+1+2*n; got != want {
		t.Errorf("gb28181 accepted = %d, want %d", got, want)
	}
	if got := feedMetric(t, s, "gb28181", "malformed"); got != 0 {
		t.Errorf("gb28181 malformed = %d", got)
	}
}
