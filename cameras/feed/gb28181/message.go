package gb28181

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"linli/cameras/feed"
)

// contentType is the MANSCDP body's media type (Appendix A), spelled as the
// standard spells it; it is compared without regard to case.
const contentType = "Application/MANSCDP+xml"

// answerTimeout bounds the platform's Response MESSAGE to an alarm; a
// device that does not answer within it is logged, not retried.
const answerTimeout = 10 * time.Second

// onMessage reads a device's MESSAGE: a Keepalive (§9.6) becomes a
// heartbeat, an alarm notification (§9.4) an event. It is answered 200 OK
// when the Sink took it; 403 when the device has no live registration
// from that host (it must register first);
// 415 for a body that is not MANSCDP; 400 for a body that cannot be read
// or a command not handled; 500 when the Sink failed, so that the device
// may send it again.
func (s *Server) onMessage(req *sip.Request, tx sip.ServerTransaction) {
	if !s.enter() {
		s.reply(tx, req, sip.StatusServiceUnavailable, "Service Unavailable")
		return
	}
	defer s.wg.Done()
	s.counters.Received.Add(1)
	from := req.From()
	if from == nil {
		s.counters.Malformed.Add(1)
		s.reply(tx, req, sip.StatusBadRequest, "No From")
		return
	}
	device := from.Address.User
	if _, ok := s.registeredFrom(device, req.Source()); !ok {
		s.NotRegistered.Add(1)
		s.log.Warn("message from a device not registered", "device", device, "source", req.Source(), "transport", req.Transport())
		s.reply(tx, req, sip.StatusForbidden, "Forbidden")
		return
	}
	ct := ""
	if h := req.ContentType(); h != nil {
		ct = h.Value()
	}
	if !isMANSCDP(ct) {
		s.counters.UnknownType.Add(1)
		s.log.Warn("message body is not MANSCDP", "device", device, "content_type", ct)
		s.reply(tx, req, sip.StatusUnsupportedMediaType, "Unsupported Media Type", sip.NewHeader("Accept", contentType))
		return
	}
	raw := bytes.Clone(req.Body())
	b, err := parseBody(raw, s.cfg.Zone)
	if err != nil {
		if errors.Is(err, ErrUnknownType) {
			s.counters.UnknownType.Add(1)
		} else {
			s.counters.Malformed.Add(1)
		}
		s.log.Warn("message not read", "device", device, "err", err)
		s.reply(tx, req, sip.StatusBadRequest, "Bad Request")
		return
	}
	if b.cmd == cmdKeepalive {
		err = s.sink.Heartbeat(s.ctx, feed.Heartbeat{Source: feed.SourceGB28181, Camera: b.deviceID, At: s.cfg.Now().UTC()})
	} else {
		err = s.sink.Event(s.ctx, b.event(raw))
	}
	if err != nil {
		s.counters.Rejected.Add(1)
		s.log.Error("sink refused a message", "device", device, "cmd", b.cmd, "err", err)
		s.reply(tx, req, sip.StatusInternalServerError, "Server Internal Error")
		return
	}
	s.counters.Accepted.Add(1)
	s.reply(tx, req, sip.StatusOK, "OK")
	if b.cmd == cmdAlarm {
		s.wg.Add(1) // this handler's own count keeps the group above zero
		go s.answerAlarm(req, b)
	}
}

// answerAlarm sends the platform's Response to an alarm notification,
// the second half of §9.4's flow (device MESSAGE → 200 OK, platform
// MESSAGE Response → 200 OK), to where the alarm came from and on its
// transport: over UDP from the listening socket, over TCP on the
// device's connection, so it passes the device's NAT as the alarm did.
func (s *Server) answerAlarm(alarm *sip.Request, b body) {
	defer s.wg.Done()
	src := alarm.Source()
	host, port, err := sip.ParseAddr(src)
	if err != nil {
		s.log.Warn("alarm answer not sent", "device", b.deviceID, "source", src, "err", err)
		return
	}
	from := alarm.From()
	req := sip.NewRequest(sip.MESSAGE, sip.Uri{Scheme: "sip", User: from.Address.User, Host: host, Port: port})
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: from.Address.User, Host: from.Address.Host}})
	req.AppendHeader(sip.NewHeader("Content-Type", contentType))
	req.SetBody(b.alarmResponse())
	req.SetTransport(alarm.Transport())
	req.SetDestination(src)
	ctx, cancel := context.WithTimeout(s.ctx, answerTimeout)
	defer cancel()
	res, err := s.client.Do(ctx, req)
	switch {
	case err != nil:
		s.log.Warn("alarm answer not delivered", "device", b.deviceID, "sn", b.sn, "err", err)
	case !res.IsSuccess():
		s.log.Warn("alarm answer refused", "device", b.deviceID, "sn", b.sn, "status", res.StatusCode)
	}
}

func isMANSCDP(v string) bool {
	media, _, _ := strings.Cut(v, ";")
	return strings.EqualFold(strings.TrimSpace(media), contentType)
}
