package frigate

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"linli/cameras/feed"
)

// selfSigned makes a certificate for 127.0.0.1 and writes it, PEM, to a
// file a Config.CAFile can name.
func selfSigned(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "linli test broker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, path
}

// The embedded broker over TLS: a subscriber given the CA file reads it on
// ssl://, as Linli would read a remote Mosquitto with TLS; a client that
// does not trust the certificate is refused; Linli's own subscriber reads
// the loopback listener without a certificate.
func TestTLS(t *testing.T) {
	cert, caFile := selfSigned(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // after the subscribers' cleanups: they stop first
	b, err := StartBroker(ctx, BrokerConfig{Addr: "127.0.0.1:0", Users: map[string]string{"gatebox": "gate-2026"},
		TLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	overTLS, local := &recorder{}, &recorder{}
	var c1, c2 feed.Counters
	startSubscriber(t, Config{URL: "mqtts://" + b.Addr(), CAFile: caFile, ClientID: uniq(t) + "-tls",
		Username: "gatebox", Password: "gate-2026"}, overTLS, &c1)
	startSubscriber(t, b.SubscriberConfig(uniq(t)+"-local"), local, &c2)

	pool := x509.NewCertPool()
	pool.AddCert(mustParse(t, cert.Certificate[0]))
	o := mqtt.NewClientOptions().AddBroker("ssl://" + b.Addr()).SetClientID(uniq(t) + "-pub").
		SetUsername("gatebox").SetPassword("gate-2026").SetTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	pub := mqtt.NewClient(o)
	if tok := pub.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publisher over TLS: %v", tok.Error())
	}
	defer pub.Disconnect(50)
	publish(t, pub, "frigate/events", vecUpdate)
	eventually(t, "the event on both subscribers", func() bool { return len(overTLS.got()) == 1 && len(local.got()) == 1 })

	untrusting := mqtt.NewClient(mqtt.NewClientOptions().AddBroker("ssl://" + b.Addr()).SetClientID(uniq(t) + "-x").
		SetUsername("gatebox").SetPassword("gate-2026").SetConnectTimeout(3 * time.Second))
	if tok := untrusting.Connect(); tok.WaitTimeout(5*time.Second) && tok.Error() == nil {
		untrusting.Disconnect(0)
		t.Errorf("a client that does not trust the certificate connected")
	}
}

func mustParse(t *testing.T, der []byte) *x509.Certificate {
	t.Helper()
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
