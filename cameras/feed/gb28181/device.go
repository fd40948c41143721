package gb28181

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Device plays a GB/T 28181 device's side against a platform (Linli's
// Server or any other): it registers with its digest password, sends
// Keepalives and alarm MESSAGEs with GBK bodies, and answers the
// platform's MESSAGEs (the alarm Response of §9.4) with 200 OK. `linli
// camera-replay --sip` and the end-to-end tests use it; it is no camera.
type Device struct {
	ID         string // the device's 20-digit ID
	Platform   string // the platform's host:port
	PlatformID string // the platform's 20-digit SIP ID
	Transport  string // "UDP" or "TCP"
	Password   string

	ua     *sipgo.UserAgent
	client *sipgo.Client
	srv    *sipgo.Server

	mu      sync.Mutex
	sn      int
	answers int // the platform's MESSAGEs answered
}

// Alarm is one alarm a Device reports (§9.4, Appendix A.2.5).
type Alarm struct {
	Channel     string    // the alarm's DeviceID: a channel of the device, or the device
	Time        time.Time // AlarmTime, written in Beijing time
	Priority    int       // 1 (highest) … 4
	Method      int       // 5: video alarm
	Type        int       // for a video alarm, 8: loitering
	Description string
}

// Dial prepares the device's user agent; nothing is sent until Register.
func Dial(d *Device) (*Device, error) {
	if len(d.ID) < 10 || d.Platform == "" || d.PlatformID == "" {
		return nil, errors.New("gb28181 device: ID, Platform and PlatformID are required")
	}
	if d.Transport == "" {
		d.Transport = "UDP"
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(d.ID), sipgo.WithUserAgentHostname(d.ID[:10]))
	if err != nil {
		return nil, fmt.Errorf("gb28181 device: %w", err)
	}
	if d.srv, err = sipgo.NewServer(ua); err != nil {
		ua.Close()
		return nil, fmt.Errorf("gb28181 device: %w", err)
	}
	d.srv.OnMessage(func(req *sip.Request, tx sip.ServerTransaction) {
		d.mu.Lock()
		d.answers++
		d.mu.Unlock()
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
	})
	if d.client, err = sipgo.NewClient(ua); err != nil {
		ua.Close()
		return nil, fmt.Errorf("gb28181 device: %w", err)
	}
	d.ua = ua
	return d, nil
}

// Close ends the device's user agent.
func (d *Device) Close() error { return d.ua.Close() }

// Answered is how many of the platform's MESSAGEs the device answered.
func (d *Device) Answered() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.answers
}

func (d *Device) request(method sip.RequestMethod) (*sip.Request, error) {
	host, port, err := sip.ParseAddr(d.Platform)
	if err != nil {
		return nil, fmt.Errorf("gb28181 device: platform %q: %w", d.Platform, err)
	}
	req := sip.NewRequest(method, sip.Uri{Scheme: "sip", User: d.PlatformID, Host: host, Port: port})
	req.SetTransport(d.Transport)
	return req, nil
}

// want is an error unless res has the status code.
func want(what string, res *sip.Response, code int) error {
	if res.StatusCode != code {
		return fmt.Errorf("gb28181 device: %s: %d %s", what, res.StatusCode, res.Reason)
	}
	return nil
}

// Register registers for expires seconds, answering the digest challenge.
func (d *Device) Register(ctx context.Context, expires int) error {
	req, err := d.request(sip.REGISTER)
	if err != nil {
		return err
	}
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: d.ID, Host: d.ID[:10]}})
	req.AppendHeader(sip.NewHeader("Contact", "<sip:"+d.ID+"@127.0.0.1>"))
	req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
	res, err := d.client.Do(ctx, req)
	if err != nil {
		return fmt.Errorf("gb28181 device: REGISTER: %w", err)
	}
	if res.StatusCode == sip.StatusUnauthorized {
		if res, err = d.client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: d.ID, Password: d.Password}); err != nil {
			return fmt.Errorf("gb28181 device: REGISTER with credentials: %w", err)
		}
	}
	return want("REGISTER", res, sip.StatusOK)
}

func (d *Device) nextSN() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sn++
	return strconv.Itoa(d.sn)
}

// message sends a MANSCDP body in GBK and wants 200 OK.
func (d *Device) message(ctx context.Context, what, body string) error {
	raw, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(body))
	if err != nil {
		return fmt.Errorf("gb28181 device: %s: %w", what, err)
	}
	req, err := d.request(sip.MESSAGE)
	if err != nil {
		return err
	}
	req.AppendHeader(sip.NewHeader("Content-Type", contentType))
	req.SetBody(raw)
	res, err := d.client.Do(ctx, req)
	if err != nil {
		return fmt.Errorf("gb28181 device: %s: %w", what, err)
	}
	return want(what, res, sip.StatusOK)
}

// Keepalive sends the status report of §9.6.
func (d *Device) Keepalive(ctx context.Context) error {
	return d.message(ctx, "Keepalive", `<?xml version="1.0" encoding="GB2312"?>
<Notify>
<CmdType>Keepalive</CmdType>
<SN>`+d.nextSN()+`</SN>
<DeviceID>`+xmlEscape(d.ID)+`</DeviceID>
<Status>OK</Status>
</Notify>
`)
}

// SendAlarm sends an alarm notification (§9.4), its body in GBK.
func (d *Device) SendAlarm(ctx context.Context, a Alarm) error {
	ch := a.Channel
	if ch == "" {
		ch = d.ID
	}
	return d.message(ctx, "Alarm", `<?xml version="1.0" encoding="GB2312"?>
<Notify>
<CmdType>Alarm</CmdType>
<SN>`+d.nextSN()+`</SN>
<DeviceID>`+xmlEscape(ch)+`</DeviceID>
<AlarmPriority>`+strconv.Itoa(a.Priority)+`</AlarmPriority>
<AlarmMethod>`+strconv.Itoa(a.Method)+`</AlarmMethod>
<AlarmTime>`+a.Time.In(shanghai()).Format("2006-01-02T15:04:05")+`</AlarmTime>
<AlarmDescription>`+xmlEscape(a.Description)+`</AlarmDescription>
<Info>
<AlarmType>`+strconv.Itoa(a.Type)+`</AlarmType>
</Info>
</Notify>
`)
}
