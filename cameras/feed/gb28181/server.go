package gb28181

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"linli/cameras/feed"
)

// Config says where the platform listens and who it is.
type Config struct {
	// UDPAddr and TCPAddr are the listening addresses (":5060" is the
	// standard's port; ":0" picks one). An empty one is not listened on;
	// at least one must be given. Devices use either: the 2016 edition
	// of the standard carries SIP over UDP and TCP.
	UDPAddr, TCPAddr string
	// Realm is the platform's SIP domain, used as the digest realm. The
	// standard's domain is the first 10 digits of the platform's ID, which
	// is the default.
	Realm string
	// ServerID is the platform's 20-digit SIP ID (From of what it sends).
	ServerID string
	// Passwords gives a device's registration password; ok is false for a
	// device Linli does not know.
	Passwords func(ctx context.Context, deviceID string) (password string, ok bool, err error)
	// Zone is where an AlarmTime without an offset is read and where the
	// Date of a registration's answer is written; nil is Asia/Shanghai.
	Zone *time.Location
	// Now is the clock (nonce lifetimes, registration expiry, heartbeat
	// times); nil is the wall clock.
	Now func() time.Time
}

// Server is a running GB/T 28181 platform end: it takes registrations and
// MANSCDP messages and hands keepalives and alarms to the feed's Sink.
type Server struct {
	cfg      Config
	sink     feed.Sink
	counters *feed.Counters
	log      *slog.Logger
	nonces   nonces

	// AuthFailed counts registrations refused: unknown device, wrong
	// password, a user name that is not the device registering.
	AuthFailed atomic.Int64
	// NotRegistered counts MESSAGEs refused because their device has no
	// live registration from that address.
	NotRegistered atomic.Int64

	ua     *sipgo.UserAgent
	client *sipgo.Client
	udp    net.PacketConn
	tcp    net.Listener

	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	regs   map[string]Registration
	closed bool
	wg     sync.WaitGroup // handlers and alarm answers under way
	serves sync.WaitGroup // the listeners' loops
	once   sync.Once
}

// Serve starts listening and answers until ctx ends or Close is called.
// Counts go to c; log receives what was refused and why.
func Serve(ctx context.Context, cfg Config, sink feed.Sink, c *feed.Counters, log *slog.Logger) (*Server, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	if sink == nil || c == nil {
		return nil, errors.New("gb28181: a sink and counters are required")
	}
	if log == nil {
		log = slog.Default()
	}
	log = log.With("way", "gb28181")
	nn, err := newNonces()
	if err != nil {
		return nil, fmt.Errorf("gb28181: nonce key: %w", err)
	}
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent(cfg.ServerID),
		sipgo.WithUserAgentHostname(cfg.Realm),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(log)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(log)),
	)
	if err != nil {
		return nil, fmt.Errorf("gb28181: %w", err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(log))
	if err != nil {
		ua.Close()
		return nil, fmt.Errorf("gb28181: %w", err)
	}
	client, err := sipgo.NewClient(ua, sipgo.WithClientLogger(log))
	if err != nil {
		ua.Close()
		return nil, fmt.Errorf("gb28181: %w", err)
	}
	s := &Server{cfg: cfg, sink: sink, counters: c, log: log, nonces: nn, ua: ua, client: client, regs: map[string]Registration{}}
	srv.OnRegister(s.onRegister)
	srv.OnMessage(s.onMessage)
	if err := s.listen(); err != nil {
		ua.Close()
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	if s.udp != nil {
		s.serves.Go(func() { s.served("udp", srv.ServeUDP(s.udp)) })
	}
	if s.tcp != nil {
		s.serves.Go(func() { s.served("tcp", srv.ServeTCP(s.tcp)) })
	}
	go func() {
		<-s.ctx.Done()
		s.once.Do(s.shutdown)
	}()
	return s, nil
}

func (cfg *Config) fill() error {
	if cfg.UDPAddr == "" && cfg.TCPAddr == "" {
		return errors.New("gb28181: neither a UDP nor a TCP address to listen on")
	}
	if cfg.ServerID == "" {
		return errors.New("gb28181: the platform's ServerID is required")
	}
	if cfg.Passwords == nil {
		return errors.New("gb28181: Passwords is required")
	}
	if cfg.Realm == "" {
		cfg.Realm = cfg.ServerID
		if len(cfg.Realm) > 10 {
			cfg.Realm = cfg.Realm[:10]
		}
	}
	if cfg.Zone == nil {
		cfg.Zone = shanghai()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return nil
}

// shanghai is Asia/Shanghai from the zone database, else UTC+8 (China has
// kept no daylight saving since 1991).
func shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

func (s *Server) listen() error {
	var err error
	if s.cfg.UDPAddr != "" {
		if s.udp, err = net.ListenPacket("udp", s.cfg.UDPAddr); err != nil {
			return fmt.Errorf("gb28181: listen udp: %w", err)
		}
	}
	if s.cfg.TCPAddr != "" {
		if s.tcp, err = net.Listen("tcp", s.cfg.TCPAddr); err != nil {
			if s.udp != nil {
				s.udp.Close()
			}
			return fmt.Errorf("gb28181: listen tcp: %w", err)
		}
	}
	return nil
}

func (s *Server) served(network string, err error) {
	if err != nil && !errors.Is(err, net.ErrClosed) {
		s.log.Error("sip listener stopped", "network", network, "err", err)
	}
}

// UDPAddr is the bound UDP address, "" when UDP is not listened on.
func (s *Server) UDPAddr() string {
	if s.udp == nil {
		return ""
	}
	return s.udp.LocalAddr().String()
}

// TCPAddr is the bound TCP address, "" when TCP is not listened on.
func (s *Server) TCPAddr() string {
	if s.tcp == nil {
		return ""
	}
	return s.tcp.Addr().String()
}

// Close stops listening, waits for the messages being handled and the
// alarm answers under way (they are cancelled), and closes the
// connections.
func (s *Server) Close() error {
	s.cancel()
	s.once.Do(s.shutdown)
	return nil
}

func (s *Server) shutdown() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	if s.udp != nil {
		s.udp.Close()
	}
	if s.tcp != nil {
		s.tcp.Close()
	}
	s.serves.Wait()
	s.wg.Wait()
	if err := s.ua.Close(); err != nil {
		s.log.Warn("closing the sip stack", "err", err)
	}
}

// enter admits a request's handling unless the server is closing; the
// caller calls s.wg.Done when it is finished.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

// reply answers req with code; extra headers are appended.
func (s *Server) reply(tx sip.ServerTransaction, req *sip.Request, code int, reason string, extra ...sip.Header) {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	for _, h := range extra {
		res.AppendHeader(h)
	}
	if err := tx.Respond(res); err != nil {
		s.log.Warn("sip answer not sent", "code", code, "method", req.Method, "source", req.Source(), "err", err)
	}
}
