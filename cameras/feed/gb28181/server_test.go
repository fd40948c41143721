package gb28181

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"

	"linli/cameras/feed"
)

const (
	testServerID = "34020000002000000001"
	testRealm    = "3402000000"
	testPassword = "12345678"
	waitPeer     = 5 * time.Second // a bounded wait for the peer over loopback
)

// sink records what the server hands it; fail makes it refuse.
type sink struct {
	mu         sync.Mutex
	events     []feed.Event
	heartbeats []feed.Heartbeat
	fail       error
}

func (s *sink) Event(_ context.Context, e feed.Event) error {
	return s.take(func() { s.events = append(s.events, e) })
}

func (s *sink) Heartbeat(_ context.Context, h feed.Heartbeat) error {
	return s.take(func() { s.heartbeats = append(s.heartbeats, h) })
}

func (s *sink) take(keep func()) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	keep()
	return nil
}

func (s *sink) got() ([]feed.Event, []feed.Heartbeat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]feed.Event(nil), s.events...), append([]feed.Heartbeat(nil), s.heartbeats...)
}

// clock is a settable clock for the server's Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// logs is a log the test can read.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.buf.Write(p) }

func (l *logs) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.buf.String() }

type platform struct {
	srv      *Server
	sink     *sink
	counters *feed.Counters
	clock    *clock
	logs     *logs
}

func startPlatform(t testing.TB) *platform {
	t.Helper()
	p := &platform{sink: &sink{}, counters: &feed.Counters{}, logs: &logs{},
		clock: &clock{t: time.Date(2026, 12, 6, 13, 30, 0, 0, time.UTC)}}
	cfg := Config{
		UDPAddr: "127.0.0.1:0", TCPAddr: "127.0.0.1:0", ServerID: testServerID,
		Passwords: func(_ context.Context, device string) (string, bool, error) {
			if strings.HasPrefix(device, "3402000000132") {
				return testPassword, true, nil
			}
			return "", false, nil
		},
		Now: p.clock.Now,
	}
	log := slog.New(slog.NewTextHandler(p.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := Serve(t.Context(), cfg, p.sink, p.counters, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	p.srv = srv
	return p
}

// device is a GB/T 28181 device played by sipgo's client; the platform's
// MESSAGEs to it land in answers.
type device struct {
	id        string
	transport string
	platform  string
	client    *sipgo.Client
	answers   chan *sip.Request
}

func newDevice(t testing.TB, p *platform, id, transport string) *device {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(id), sipgo.WithUserAgentHostname(id[:10]))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	d := &device{id: id, transport: transport, answers: make(chan *sip.Request, 8)}
	d.platform = p.srv.UDPAddr()
	if transport == "TCP" {
		d.platform = p.srv.TCPAddr()
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	srv.OnMessage(func(req *sip.Request, tx sip.ServerTransaction) {
		d.answers <- req
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
	})
	if d.client, err = sipgo.NewClient(ua); err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *device) request(t testing.TB, method sip.RequestMethod) *sip.Request {
	t.Helper()
	host, port, err := sip.ParseAddr(d.platform)
	if err != nil {
		t.Fatal(err)
	}
	req := sip.NewRequest(method, sip.Uri{Scheme: "sip", User: testServerID, Host: host, Port: port})
	req.SetTransport(d.transport)
	return req
}

func (d *device) do(t testing.TB, req *sip.Request) *sip.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitPeer)
	defer cancel()
	res, err := d.client.Do(ctx, req)
	if err != nil {
		t.Fatalf("%s: %v", req.Method, err)
	}
	return res
}

// register sends a REGISTER asking for expires seconds, answers the
// challenge with password, and returns the challenge and the final answer.
func (d *device) register(t testing.TB, password string, expires int) (challenge, final *sip.Response) {
	t.Helper()
	req := d.request(t, sip.REGISTER)
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: d.id, Host: d.id[:10]}})
	req.AppendHeader(sip.NewHeader("Contact", "<sip:"+d.id+"@127.0.0.1>"))
	req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
	challenge = d.do(t, req)
	if challenge.StatusCode != sip.StatusUnauthorized {
		return challenge, challenge
	}
	ctx, cancel := context.WithTimeout(t.Context(), waitPeer)
	defer cancel()
	final, err := d.client.DoDigestAuth(ctx, req, challenge, sipgo.DigestAuth{Username: d.id, Password: password})
	if err != nil {
		t.Fatalf("REGISTER with credentials: %v", err)
	}
	return challenge, final
}

func (d *device) message(t testing.TB, contentType string, body []byte) *sip.Response {
	t.Helper()
	req := d.request(t, sip.MESSAGE)
	req.AppendHeader(sip.NewHeader("Content-Type", contentType))
	req.SetBody(body)
	return d.do(t, req)
}

func wantStatus(t testing.TB, what string, res *sip.Response, code int) {
	t.Helper()
	if res.StatusCode != code {
		t.Fatalf("%s: %d %s, want %d", what, res.StatusCode, res.Reason, code)
	}
}

// TestDeviceOverSIP plays a device's life over UDP and over TCP: register
// through the digest challenge, keepalive, a GBK alarm answered with the
// platform's Response, a malformed body, and a good message after it.
func TestDeviceOverSIP(t *testing.T) {
	for _, transport := range []string{"UDP", "TCP"} {
		t.Run(transport, func(t *testing.T) {
			p := startPlatform(t)
			d := newDevice(t, p, "34020000001320000001", transport)

			chal, res := d.register(t, testPassword, 3600)
			wantStatus(t, "REGISTER", chal, sip.StatusUnauthorized)
			c, err := digest.ParseChallenge(chal.GetHeader("WWW-Authenticate").Value())
			if err != nil || c.Realm != testRealm || c.Algorithm != "MD5" || !c.SupportsQOP("auth") || c.Nonce == "" {
				t.Fatalf("challenge %+v, %v", c, err)
			}
			wantStatus(t, "REGISTER with credentials", res, sip.StatusOK)
			if h := res.GetHeader("Expires"); h == nil || h.Value() != "3600" {
				t.Fatalf("Expires = %v", h)
			}
			if h := res.GetHeader("Date"); h == nil || h.Value() != "2026-12-06T21:30:00.000" {
				t.Fatalf("Date = %v, want the platform's Beijing time 2026-12-06T21:30:00.000", h)
			}
			reg, ok := p.srv.Registration(d.id)
			if !ok || reg.Transport != transport || !reg.Expires.Equal(p.clock.Now().Add(time.Hour)) {
				t.Fatalf("registration %+v, %v", reg, ok)
			}

			wantStatus(t, "Keepalive", d.message(t, contentType, gbk(t, keepaliveBody(d.id, "1"))), sip.StatusOK)
			if _, hbs := p.sink.got(); len(hbs) != 1 || hbs[0].Camera != d.id || hbs[0].Source != feed.SourceGB28181 || !hbs[0].At.Equal(p.clock.Now()) {
				t.Fatalf("heartbeats %+v", hbs)
			}

			channel := "34020000001340000001"
			raw := gbk(t, alarmBody("GB2312", channel, "7", "门口徘徊"))
			wantStatus(t, "Alarm", d.message(t, "application/manscdp+xml", raw), sip.StatusOK)
			evs, _ := p.sink.got()
			if len(evs) != 1 {
				t.Fatalf("events %+v", evs)
			}
			e := evs[0]
			if e.Camera != channel || e.Kind != feed.KindAlarm || e.Label != "alarm" || e.AlarmType != 8 || e.Method != 5 ||
				e.Priority != 2 || e.Description != "门口徘徊" || e.EventID != channel+"/2026-12-06T21:30:05/8/7" ||
				!e.At.Equal(time.Date(2026, 12, 6, 13, 30, 5, 0, time.UTC)) || !bytes.Equal(e.Raw, raw) {
				t.Fatalf("event %+v", e)
			}
			select {
			case answer := <-d.answers:
				body := string(answer.Body())
				if !strings.Contains(body, "<CmdType>Alarm</CmdType>") || !strings.Contains(body, "<SN>7</SN>") ||
					!strings.Contains(body, "<Result>OK</Result>") || answer.From().Address.User != testServerID {
					t.Fatalf("platform's answer:\n%s", answer)
				}
				if answer.Source() != d.platform { // the listening socket (UDP) or the device's own connection (TCP)
					t.Fatalf("answer came from %s, not the platform's %s", answer.Source(), d.platform)
				}
			case <-time.After(waitPeer):
				t.Fatal("no Response MESSAGE from the platform")
			}

			wantStatus(t, "malformed", d.message(t, contentType, []byte("<Notify><CmdType>Alarm")), sip.StatusBadRequest)
			if p.counters.Malformed.Load() != 1 || !strings.Contains(p.logs.String(), "message not read") {
				t.Fatalf("malformed = %d; log:\n%s", p.counters.Malformed.Load(), p.logs)
			}
			wantStatus(t, "Keepalive after", d.message(t, contentType, []byte(keepaliveBody(d.id, "2"))), sip.StatusOK)
			if got := [3]int64{p.counters.Received.Load(), p.counters.Accepted.Load(), p.counters.Malformed.Load()}; got != [3]int64{4, 3, 1} {
				t.Fatalf("received, accepted, malformed = %v", got)
			}
		})
	}
}

func TestRefusedRegistrations(t *testing.T) {
	p := startPlatform(t)
	for _, transport := range []string{"UDP", "TCP"} {
		d := newDevice(t, p, "34020000001320000002", transport)
		chal, res := d.register(t, "wrong", 3600)
		wantStatus(t, transport+" challenge", chal, sip.StatusUnauthorized)
		wantStatus(t, transport+" wrong password", res, sip.StatusForbidden)
	}
	stranger := newDevice(t, p, "34020000001110000009", "UDP")
	chal, res := stranger.register(t, testPassword, 3600)
	wantStatus(t, "unknown device challenged", chal, sip.StatusUnauthorized)
	wantStatus(t, "unknown device", res, sip.StatusForbidden)
	if n := p.srv.AuthFailed.Load(); n != 3 {
		t.Fatalf("AuthFailed = %d, want 3", n)
	}
	if _, ok := p.srv.Registration("34020000001320000002"); ok {
		t.Fatal("a refused device is registered")
	}
	if log := p.logs.String(); !strings.Contains(log, "wrong password") || !strings.Contains(log, "unknown device") {
		t.Fatalf("log:\n%s", log)
	}
}

func TestMessageFromUnregisteredDevice(t *testing.T) {
	p := startPlatform(t)
	d := newDevice(t, p, "34020000001320000003", "UDP")
	wantStatus(t, "Keepalive", d.message(t, contentType, []byte(keepaliveBody(d.id, "1"))), sip.StatusForbidden)
	if p.srv.NotRegistered.Load() != 1 || p.counters.Received.Load() != 1 || p.counters.Accepted.Load() != 0 {
		t.Fatalf("not registered %d, received %d, accepted %d", p.srv.NotRegistered.Load(), p.counters.Received.Load(), p.counters.Accepted.Load())
	}
	if evs, hbs := p.sink.got(); len(evs)+len(hbs) != 0 {
		t.Fatal("the sink got a message of an unregistered device")
	}
}

func TestUnregisterAndLapse(t *testing.T) {
	p := startPlatform(t)
	d := newDevice(t, p, "34020000001320000004", "TCP")
	keepalive := func() *sip.Response { return d.message(t, contentType, []byte(keepaliveBody(d.id, "1"))) }

	_, res := d.register(t, testPassword, 0)
	wantStatus(t, "unregister", res, sip.StatusOK)
	if h := res.GetHeader("Expires"); h == nil || h.Value() != "0" {
		t.Fatalf("Expires = %v", h)
	}

	_, res = d.register(t, testPassword, 600)
	wantStatus(t, "register", res, sip.StatusOK)
	wantStatus(t, "keepalive while registered", keepalive(), sip.StatusOK)
	_, res = d.register(t, testPassword, 0)
	wantStatus(t, "unregister", res, sip.StatusOK)
	wantStatus(t, "keepalive after unregister", keepalive(), sip.StatusForbidden)

	_, res = d.register(t, testPassword, 600)
	wantStatus(t, "register again", res, sip.StatusOK)
	p.clock.Advance(599 * time.Second)
	wantStatus(t, "keepalive 1 s before lapse", keepalive(), sip.StatusOK)
	p.clock.Advance(time.Second)
	wantStatus(t, "keepalive at lapse", keepalive(), sip.StatusForbidden)
}

func TestRegistrationCappedAtADay(t *testing.T) {
	p := startPlatform(t)
	d := newDevice(t, p, "34020000001320000005", "UDP")
	_, res := d.register(t, testPassword, 7*24*3600)
	wantStatus(t, "register", res, sip.StatusOK)
	if h := res.GetHeader("Expires"); h == nil || h.Value() != "86400" {
		t.Fatalf("Expires = %v, want 86400", h)
	}
}

// TestStaleNonce: an answer with the right password to a challenge older
// than its lifetime is challenged again, marked stale, and the device
// gets in with the new nonce.
func TestStaleNonce(t *testing.T) {
	p := startPlatform(t)
	d := newDevice(t, p, "34020000001320000006", "UDP")
	req := d.request(t, sip.REGISTER)
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: d.id, Host: d.id[:10]}})
	req.AppendHeader(sip.NewHeader("Contact", "<sip:"+d.id+"@127.0.0.1>"))
	chal := d.do(t, req)
	wantStatus(t, "challenge", chal, sip.StatusUnauthorized)
	p.clock.Advance(nonceLifetime + time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), waitPeer)
	defer cancel()
	res, err := d.client.DoDigestAuth(ctx, req, chal, sipgo.DigestAuth{Username: d.id, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "stale answer", res, sip.StatusUnauthorized)
	if c, err := digest.ParseChallenge(res.GetHeader("WWW-Authenticate").Value()); err != nil || !c.Stale {
		t.Fatalf("challenge %+v, %v; want stale", c, err)
	}
	req.RemoveHeader("Authorization")
	res, err = d.client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: d.id, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "fresh answer", res, sip.StatusOK)
}

func TestMessagesRefusedByKind(t *testing.T) {
	p := startPlatform(t)
	d := newDevice(t, p, "34020000001320000007", "UDP")
	_, res := d.register(t, testPassword, 3600)
	wantStatus(t, "register", res, sip.StatusOK)

	wantStatus(t, "text body", d.message(t, "text/plain", []byte("hello")), sip.StatusUnsupportedMediaType)
	wantStatus(t, "other CmdType", d.message(t, contentType, []byte("<Notify><CmdType>MobilePosition</CmdType><DeviceID>1</DeviceID></Notify>")), sip.StatusBadRequest)
	if n := p.counters.UnknownType.Load(); n != 2 {
		t.Fatalf("unknown type = %d, want 2", n)
	}
	wantStatus(t, "declared UTF-8, sent GBK", d.message(t, contentType, gbk(t, alarmBody("UTF-8", d.id, "1", "门口徘徊"))), sip.StatusBadRequest)
	if n := p.counters.Malformed.Load(); n != 1 {
		t.Fatalf("malformed = %d, want 1", n)
	}

	p.sink.mu.Lock()
	p.sink.fail = errors.New("database gone")
	p.sink.mu.Unlock()
	wantStatus(t, "sink down", d.message(t, contentType, []byte(alarmBody("UTF-8", d.id, "2", "x"))), sip.StatusInternalServerError)
	if n := p.counters.Rejected.Load(); n != 1 {
		t.Fatalf("rejected = %d, want 1", n)
	}
	select {
	case a := <-d.answers:
		t.Fatalf("an alarm the sink refused was answered:\n%s", a)
	default: // the Response is sent after the 200 OK, so none can be under way here
	}
	if n := p.counters.Accepted.Load(); n != 0 {
		t.Fatalf("accepted = %d", n)
	}
}

// TestOtherHostSpeaksForDevice: a MESSAGE in a registered device's name
// from another host is refused.
func TestOtherHostSpeaksForDevice(t *testing.T) {
	p := startPlatform(t)
	p.srv.mu.Lock()
	p.srv.regs[testDevice] = Registration{DeviceID: testDevice, Transport: "UDP", Source: "10.0.0.5:5060", Expires: p.clock.Now().Add(time.Hour)}
	p.srv.mu.Unlock()
	if _, ok := p.srv.registeredFrom(testDevice, "10.0.0.5:40000"); !ok {
		t.Fatal("the registered host on another port is refused")
	}
	d := newDevice(t, p, testDevice, "UDP") // sends from 127.0.0.1
	wantStatus(t, "keepalive from elsewhere", d.message(t, contentType, []byte(keepaliveBody(testDevice, "1"))), sip.StatusForbidden)
}

func TestCloseStopsListening(t *testing.T) {
	p := startPlatform(t)
	addr := p.srv.TCPAddr()
	if err := p.srv.Close(); err != nil {
		t.Fatal(err)
	}
	p.srv.Close() // a second Close is harmless
	if c, err := net.DialTimeout("tcp", addr, waitPeer); err == nil {
		c.Close()
		t.Fatal("still listening after Close")
	}
}
