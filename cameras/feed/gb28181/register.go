package gb28181

import (
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Registration is a device's live registration, kept in memory: a
// restarted Linli waits for the devices' next REGISTER (they renew well
// before Expires, and re-register when a Keepalive is refused).
type Registration struct {
	DeviceID  string
	Transport string    // "UDP" or "TCP"
	Source    string    // host:port the REGISTER came from; answers go there
	Contact   string    // the Contact the device gave
	Expires   time.Time // when it lapses unless renewed
}

const (
	defaultExpiry = time.Hour      // when a REGISTER names none (what devices send anyway)
	maxExpiry     = 24 * time.Hour // a registrar may shorten what is asked (RFC 3261 §10.3)
	dateLayout    = "2006-01-02T15:04:05.000"
)

// Registration returns deviceID's registration if it is live.
func (s *Server) Registration(deviceID string) (Registration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.regs[deviceID]
	if !ok {
		return Registration{}, false
	}
	if !s.cfg.Now().Before(r.Expires) {
		delete(s.regs, deviceID)
		return Registration{}, false
	}
	return r, true
}

// onRegister is §9.1's registration: a REGISTER without credentials is
// challenged (401 with a digest challenge); with the right ones the
// binding is kept and answered 200 OK with Expires and a Date header the
// device may set its clock by (§9.10); Expires 0 removes it.
//
// A wrong password is answered 403, not a second 401: the device would
// answer a new challenge with the same wrong password and loop, while 403
// ends the attempt and leaves a count and a log line for the operator.
// An unknown device is also answered 403, and only after the challenge,
// so that a scanner cannot tell which device IDs exist. An answer made
// with the right password on a nonce past its lifetime gets a fresh
// challenge marked stale.
func (s *Server) onRegister(req *sip.Request, tx sip.ServerTransaction) {
	if !s.enter() {
		s.reply(tx, req, sip.StatusServiceUnavailable, "Service Unavailable")
		return
	}
	defer s.wg.Done()
	to := req.To()
	if to == nil || to.Address.User == "" {
		s.reply(tx, req, sip.StatusBadRequest, "No Device ID In To")
		return
	}
	device := to.Address.User
	h := req.GetHeader("Authorization")
	if h == nil {
		s.challenge(tx, req, false)
		return
	}
	cred, ok := parseCredentials(h.Value())
	if !ok {
		s.reply(tx, req, sip.StatusBadRequest, "Bad Authorization")
		return
	}
	if cred.Username != device {
		s.refuse(tx, req, device, "the user name is not the device registering")
		return
	}
	password, known, err := s.cfg.Passwords(s.ctx, device)
	if err != nil {
		s.log.Error("device password not read", "device", device, "err", err)
		s.reply(tx, req, sip.StatusInternalServerError, "Server Internal Error")
		return
	}
	if !known {
		s.refuse(tx, req, device, "unknown device")
		return
	}
	switch verify(cred, string(req.Method), password, s.nonces, s.cfg.Realm, s.cfg.Now()) {
	case verdictBad:
		s.reply(tx, req, sip.StatusBadRequest, "Unsupported Authorization")
		return
	case verdictChallenge:
		s.challenge(tx, req, false)
		return
	case verdictStale:
		s.challenge(tx, req, true)
		return
	case verdictWrong:
		s.refuse(tx, req, device, "wrong password")
		return
	}
	s.bind(tx, req, device)
}

func (s *Server) challenge(tx sip.ServerTransaction, req *sip.Request, stale bool) {
	s.reply(tx, req, sip.StatusUnauthorized, "Unauthorized",
		sip.NewHeader("WWW-Authenticate", challenge(s.cfg.Realm, s.nonces.issue(s.cfg.Now()), stale)))
}

func (s *Server) refuse(tx sip.ServerTransaction, req *sip.Request, device, why string) {
	s.AuthFailed.Add(1)
	s.log.Warn("registration refused", "device", device, "reason", why, "source", req.Source(), "transport", req.Transport())
	s.reply(tx, req, sip.StatusForbidden, "Forbidden")
}

// bind keeps, renews or removes the registration of an authenticated
// REGISTER.
func (s *Server) bind(tx sip.ServerTransaction, req *sip.Request, device string) {
	now := s.cfg.Now()
	asked, ok := requestedExpiry(req)
	if !ok {
		s.reply(tx, req, sip.StatusBadRequest, "Bad Expires")
		return
	}
	date := sip.NewHeader("Date", now.In(s.cfg.Zone).Format(dateLayout))
	if asked == 0 {
		s.mu.Lock()
		delete(s.regs, device)
		s.mu.Unlock()
		s.log.Info("device unregistered", "device", device, "source", req.Source())
		s.reply(tx, req, sip.StatusOK, "OK", expiresHeader(0), date)
		return
	}
	granted := grantedExpiry(asked)
	r := Registration{DeviceID: device, Transport: req.Transport(), Source: req.Source(), Expires: now.Add(granted)}
	extra := []sip.Header{expiresHeader(granted), date}
	if c := req.Contact(); c != nil {
		r.Contact = c.Address.String()
		bound := c.Clone()
		bound.Params = bound.Params.Clone()
		bound.Params.Remove("expires")
		bound.Params.Add("expires", strconv.Itoa(int(granted/time.Second)))
		extra = append(extra, bound)
	}
	s.mu.Lock()
	s.regs[device] = r
	s.mu.Unlock()
	s.log.Info("device registered", "device", device, "source", r.Source, "transport", r.Transport, "expires", granted)
	s.reply(tx, req, sip.StatusOK, "OK", extra...)
}

func expiresHeader(d time.Duration) sip.Header {
	h := sip.ExpiresHeader(d / time.Second)
	return &h
}

// requestedExpiry is the lifetime a REGISTER asks for: the Contact's
// expires parameter, else the Expires header (RFC 3261 §10.2.1.1), else
// the default. A Contact of "*" asks for removal.
func requestedExpiry(req *sip.Request) (time.Duration, bool) {
	if c := req.Contact(); c != nil {
		if v, ok := c.Params.Get("expires"); ok {
			return seconds(v)
		}
	}
	if h := req.GetHeader("Expires"); h != nil {
		return seconds(h.Value())
	}
	if c := req.Contact(); c != nil && c.Address.Wildcard {
		return 0, true
	}
	return defaultExpiry, true
}

func seconds(v string) (time.Duration, bool) {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
	if err != nil {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

func grantedExpiry(asked time.Duration) time.Duration {
	return min(asked, maxExpiry)
}

// registeredFrom returns the live registration of device when source is
// on the host it registered from. A MESSAGE is not authenticated itself
// (§9.4 and §9.6 send none); the address check keeps a stranger on
// another host from speaking for a registered device. Only the host is
// compared: a device on TCP reconnects from a new port.
func (s *Server) registeredFrom(device, source string) (Registration, bool) {
	r, ok := s.Registration(device)
	if !ok {
		return Registration{}, false
	}
	return r, hostOf(r.Source) == hostOf(source)
}

func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}
