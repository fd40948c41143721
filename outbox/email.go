package outbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP sends e-mail through a submission server (github.com/wneessen/go-mail).
// It is configured by one URL:
//
//	smtp://USER:PASSWORD@HOST:587?from=linli@example.org
//
// STARTTLS is required (the password never crosses the network in the
// clear); smtps://…:465 uses implicit TLS instead. ?tls=none turns TLS off
// for a relay on the same machine, and only without a password. Each
// message carries Message-ID <DELIVERY-ID@linli>, the same on every try,
// so a receiving system can drop a repeat.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	Implicit bool // smtps: TLS from the first byte
	NoTLS    bool
	// TLS overrides the TLS settings (tests trust their own certificate).
	TLS     *tls.Config
	Timeout time.Duration
}

// ParseSMTPURL reads the --smtp-url setting.
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("smtp URL: want smtp://user:password@host:587?from=address")
	}
	s := &SMTP{Host: u.Hostname(), Port: 587, Implicit: u.Scheme == "smtps", From: u.Query().Get("from")}
	if s.Implicit {
		s.Port = 465
	}
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil {
			return nil, errors.New("smtp URL: bad port")
		}
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	switch u.Query().Get("tls") {
	case "", "starttls":
	case "none":
		if s.Password != "" {
			return nil, errors.New("smtp URL: tls=none with a password would send it in the clear")
		}
		s.NoTLS = true
	default:
		return nil, errors.New("smtp URL: tls must be starttls or none")
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		return nil, errors.New("smtp URL: from= must be an e-mail address")
	}
	return s, nil
}

// Send sends d to the address d.To.
func (s *SMTP) Send(ctx context.Context, d Delivery) error {
	if _, err := mail.ParseAddress(d.To); err != nil {
		return permanent("not an e-mail address")
	}
	m := gomail.NewMsg()
	if err := m.From(s.From); err != nil {
		return permanent("bad sender address")
	}
	if err := m.To(d.To); err != nil {
		return permanent("not an e-mail address")
	}
	subject := d.Subject
	if subject == "" {
		subject = cut(strings.SplitN(textOf(d), "\n", 2)[0], 120)
	}
	m.Subject(subject)
	m.SetMessageIDWithValue(d.DeliveryID() + "@linli")
	m.SetDateWithValue(d.At)
	m.SetBodyString(gomail.TypeTextPlain, textOf(d))

	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(s.timeout())}
	tc := s.TLS
	if tc == nil {
		tc = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	}
	switch {
	case s.NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case s.Implicit:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSConfig(tc))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(tc))
	}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return permanent("smtp settings: %s", redact(err.Error(), s.Password))
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		msg := redact(err.Error(), s.Password, s.Username)
		var se *gomail.SendError
		if errors.As(err, &se) && se.Reason == gomail.ErrSMTPRcptTo && !se.IsTemp() {
			return permanent("smtp refused the recipient: %s", msg)
		}
		return temporary("smtp: %s", msg)
	}
	return nil
}

func (s *SMTP) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return 15 * time.Second
}

// String describes the server without its password.
func (s *SMTP) String() string {
	return fmt.Sprintf("smtp://%s:%d from %s", s.Host, s.Port, s.From)
}
