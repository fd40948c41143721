package outbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"linli"
	"linli/storage/storagetest"
)

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "linli-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// mailbox is an SMTP server's received mail.
type mailbox struct {
	mu       sync.Mutex
	msgs     []string
	rcpts    []string
	authUser string
	tlsSeen  bool
	refuse   bool
}

type smtpSession struct {
	mb   *mailbox
	conn *smtp.Conn
	auth bool
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != "linli" || pass != "p@ss word" {
			return errors.New("bad credentials")
		}
		s.auth = true
		s.mb.mu.Lock()
		s.mb.authUser = user
		s.mb.mu.Unlock()
		return nil
	}), nil
}
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !s.auth {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	if s.mb.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.mb.rcpts = append(s.mb.rcpts, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, string(b))
	s.mb.tlsSeen = isTLS
	s.mb.mu.Unlock()
	return nil
}
func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

func startSMTP(t *testing.T) (*mailbox, string, *x509.CertPool) {
	cert, pool := selfSigned(t)
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{mb: mb, conn: c}, nil
	}))
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.AllowInsecureAuth = false // AUTH only after STARTTLS
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return mb, ln.Addr().String(), pool
}

func TestEmailOverSTARTTLSWithAuth(t *testing.T) {
	mb, addr, pool := startSMTP(t)
	host, port, _ := net.SplitHostPort(addr)
	s, err := ParseSMTPURL("smtp://linli:p%40ss%20word@" + host + ":" + port + "?from=linli@xunyang.example")
	if err != nil {
		t.Fatal(err)
	}
	s.TLS = &tls.Config{ServerName: host, RootCAs: pool}
	db := storagetest.SQLite(t)
	clock := linli.NewFakeClock(t0)
	w := newWorker(db, clock, Settings{SMTP: s})
	id := enqueue(t, db, t0, Message{Channel: Email, To: "owner@example.org", Subject: "太阳能热水器排查", Text: "请于周五前自查。"})
	runDue(t, w)
	if st := stateOf(t, db, id); st.Status != Sent {
		t.Fatalf("%+v", st)
	}
	if len(mb.msgs) != 1 || !mb.tlsSeen || mb.authUser != "linli" || mb.rcpts[0] != "owner@example.org" {
		t.Fatalf("mailbox %+v", mb)
	}
	m, err := mail.ReadMessage(strings.NewReader(mb.msgs[0]))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subj, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	if subj != "太阳能热水器排查" || m.Header.Get("Message-Id") != "<linli-outbox-1@linli>" {
		t.Errorf("subject %q message-id %q", subj, m.Header.Get("Message-Id"))
	}
	// A recipient the server refuses for good: dead at once, and the
	// password is nowhere in the error.
	mb.refuse = true
	id = enqueue(t, db, t0, Message{Channel: Email, To: "nobody@example.org", Text: "x"})
	runDue(t, w)
	if st := stateOf(t, db, id); st.Status != Dead || strings.Contains(st.LastError, "p@ss") {
		t.Fatalf("%+v", st)
	}
}

func TestEmailRefusesServerWithoutTrustedTLS(t *testing.T) {
	_, addr, _ := startSMTP(t)
	host, port, _ := net.SplitHostPort(addr)
	s, _ := ParseSMTPURL("smtp://linli:secretpw@" + host + ":" + port + "?from=linli@xunyang.example")
	s.Timeout = 5 * time.Second
	db := storagetest.SQLite(t)
	w := newWorker(db, linli.NewFakeClock(t0), Settings{SMTP: s})
	id := enqueue(t, db, t0, Message{Channel: Email, To: "owner@example.org", Text: "x"})
	runDue(t, w)
	if st := stateOf(t, db, id); st.Status != Pending || st.Attempts != 1 || strings.Contains(st.LastError, "secretpw") {
		t.Fatalf("an untrusted certificate must fail (and retry): %+v", st)
	}
}

func TestParseSMTPURL(t *testing.T) {
	for _, bad := range []string{"http://x", "smtp://h:587", "smtp://u:p@h:587?from=a@b&tls=none", "smtp://h:x?from=a@b"} {
		if _, err := ParseSMTPURL(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
