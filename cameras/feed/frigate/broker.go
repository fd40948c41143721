package frigate

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// BrokerConfig configures the embedded broker, for a site whose analytics
// box should publish straight into Linli rather than to a Mosquitto of
// its own. Off unless configured.
type BrokerConfig struct {
	Addr string // host:port to listen on, e.g. ":1884"
	// Users are the accounts allowed to connect, username → password.
	// At least one; anonymous connections are refused.
	Users map[string]string
	// TLS, when set, makes Addr speak MQTT over TLS (ssl:// for clients).
	TLS *tls.Config
	Log *slog.Logger
}

// Broker is a running embedded MQTT broker (mochi-mqtt).
type Broker struct {
	srv       *mochi.Server
	ln        net.Listener // Addr, for the analytics boxes
	local     net.Listener // 127.0.0.1, plain, for Linli's own subscriber
	localUser string
	localPass string
	closeOnce sync.Once
	done      chan struct{}
}

// StartBroker listens on cfg.Addr and serves MQTT 3.1.1 and 5 until ctx
// ends or Close is called. Besides cfg.Users it holds one account of its
// own, with a random password, for Linli's own subscriber, which reads
// it on a second, loopback-only plain listener (SubscriberConfig), so that
// it needs no certificate when Addr speaks TLS.
func StartBroker(ctx context.Context, cfg BrokerConfig) (*Broker, error) {
	if len(cfg.Users) == 0 {
		return nil, errors.New("frigate: the embedded broker needs at least one user (anonymous access is refused)")
	}
	for u, p := range cfg.Users {
		if u == "" || p == "" {
			return nil, errors.New("frigate: a broker user needs a name and a password")
		}
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	secret := make([]byte, 24)
	rand.Read(secret)
	b := &Broker{done: make(chan struct{}), localUser: "linli-" + hex.EncodeToString(secret[:4]), localPass: hex.EncodeToString(secret[4:])}
	if _, taken := cfg.Users[b.localUser]; taken {
		return nil, fmt.Errorf("frigate: broker user name %q is reserved", b.localUser)
	}
	accounts := map[string][32]byte{b.localUser: sha256.Sum256([]byte(b.localPass))}
	for u, p := range cfg.Users {
		accounts[u] = sha256.Sum256([]byte(p))
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("frigate: embedded broker: %w", err)
	}
	local, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("frigate: embedded broker, loopback listener: %w", err)
	}
	b.local = local
	if cfg.TLS != nil {
		ln = tls.NewListener(ln, cfg.TLS)
	}
	b.ln = ln
	b.srv = mochi.New(&mochi.Options{Logger: log.With("component", "mqtt-broker")})
	err = errors.Join(
		b.srv.AddHook(&passwordHook{accounts: accounts}, nil),
		b.srv.AddListener(listeners.NewNet("frigate", ln)),
		b.srv.AddListener(listeners.NewNet("frigate-local", local)),
	)
	if err == nil {
		err = b.srv.Serve()
	}
	if err != nil {
		ln.Close()
		local.Close()
		return nil, fmt.Errorf("frigate: embedded broker: %w", err)
	}
	go func() { <-ctx.Done(); b.Close() }()
	return b, nil
}

// Addr is the address the broker listens on (the port chosen when
// BrokerConfig.Addr asked for port 0).
func (b *Broker) Addr() string { return b.ln.Addr().String() }

// SubscriberConfig is the Config with which Linli's own subscriber reads
// this broker: the loopback listener and the broker's own account.
func (b *Broker) SubscriberConfig(clientID string) Config {
	return Config{URL: "tcp://" + b.local.Addr().String(), ClientID: clientID, Username: b.localUser, Password: b.localPass}
}

// Close disconnects every client and stops listening.
func (b *Broker) Close() error {
	b.closeOnce.Do(func() {
		b.srv.Close()
		close(b.done)
	})
	return nil
}

// Done is closed once the broker has stopped (Close, or its context
// ended).
func (b *Broker) Done() <-chan struct{} { return b.done }

// passwordHook lets in the accounts it holds, comparing SHA-256 digests in
// constant time so neither a password nor its length shows in the timing.
// Every account may publish and subscribe to every topic: Frigate
// subscribes to its own command topics and must not be refused.
type passwordHook struct {
	mochi.HookBase
	accounts map[string][32]byte
}

func (h *passwordHook) ID() string { return "linli-password" }

func (h *passwordHook) Provides(b byte) bool {
	return bytes.Contains([]byte{mochi.OnConnectAuthenticate, mochi.OnACLCheck}, []byte{b})
}

func (h *passwordHook) OnConnectAuthenticate(_ *mochi.Client, pk packets.Packet) bool {
	want, ok := h.accounts[string(pk.Connect.Username)]
	got := sha256.Sum256(pk.Connect.Password)
	return subtle.ConstantTimeCompare(want[:], got[:]) == 1 && ok && len(pk.Connect.Username) > 0
}

func (h *passwordHook) OnACLCheck(*mochi.Client, string, bool) bool { return true }
