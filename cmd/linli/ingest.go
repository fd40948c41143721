package main

// The ways camera events come in besides HTTP (which cameras serves
// itself): Frigate over MQTT from a broker the site runs, the embedded
// broker, and GB/T 28181 over SIP. Each is off unless configured; each
// hands what it reads to the cameras service (a feed.Sink) and counts into
// its own feed.Counters, exported on /metrics.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"linli/cameras/feed"
	"linli/cameras/feed/frigate"
	"linli/cameras/feed/gb28181"
)

// IngestConfig is the ways in a deployment configures (flags and LINLI_*
// variables of serve and demo).
type IngestConfig struct {
	// Frigate over a broker of the site's: --frigate-mqtt-url …
	FrigateURL, FrigateClientID, FrigateUser, FrigatePassword, FrigateCA, FrigatePrefix string
	// The embedded broker: --mqtt-broker-addr and its accounts
	// (--mqtt-broker-users "name:password,…").
	BrokerAddr, BrokerUsers string
	// GB/T 28181: --gb28181-udp, --gb28181-tcp, --gb28181-id, --gb28181-realm.
	SIPUDP, SIPTCP, SIPID, SIPRealm string
}

// brokerUsers reads "name:password,name:password".
func brokerUsers(s string) (map[string]string, error) {
	users := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, pass, ok := strings.Cut(part, ":")
		if !ok || name == "" || pass == "" {
			return nil, errors.New("--mqtt-broker-users: want name:password, separated by commas")
		}
		users[name] = pass
	}
	if len(users) == 0 {
		return nil, errors.New("--mqtt-broker-users: the embedded broker needs at least one account (anonymous access is refused)")
	}
	return users, nil
}

// ingest is what runs for the ways in.
type ingest struct {
	counters map[feed.Source]*feed.Counters
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	broker   *frigate.Broker
	sip      *gb28181.Server
	subs     []*frigate.Subscriber
}

func newIngest() *ingest {
	return &ingest{counters: map[feed.Source]*feed.Counters{feed.SourceFrigate: {}, feed.SourceGB28181: {}}}
}

// start starts the configured ways in, handing events to sink; passwords
// gives a GB/T 28181 device's registration password.
func (in *ingest) start(cfg IngestConfig, sink feed.Sink, passwords func(context.Context, string) (string, bool, error)) error {
	ctx, cancel := context.WithCancel(context.Background())
	in.cancel = cancel
	log := slog.Default()
	run := func(sc frigate.Config, what string) error {
		sub, err := frigate.NewSubscriber(sc, sink, in.counters[feed.SourceFrigate], log.With("way", what))
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		in.subs = append(in.subs, sub)
		in.wg.Add(1)
		go func() {
			defer in.wg.Done()
			if err := sub.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("frigate subscriber stopped", "way", what, "err", err)
			}
		}()
		return nil
	}
	if cfg.FrigateURL != "" {
		sc := frigate.Config{URL: cfg.FrigateURL, ClientID: cfg.FrigateClientID, Username: cfg.FrigateUser, Password: cfg.FrigatePassword,
			CAFile: cfg.FrigateCA, Prefix: cfg.FrigatePrefix}
		if sc.ClientID == "" {
			sc.ClientID = "linli"
		}
		if err := run(sc, "frigate-mqtt"); err != nil {
			in.stop()
			return err
		}
	}
	if cfg.BrokerAddr != "" {
		users, err := brokerUsers(cfg.BrokerUsers)
		if err != nil {
			in.stop()
			return err
		}
		b, err := frigate.StartBroker(ctx, frigate.BrokerConfig{Addr: cfg.BrokerAddr, Users: users, Log: log.With("way", "mqtt-broker")})
		if err != nil {
			in.stop()
			return fmt.Errorf("--mqtt-broker-addr: %w", err)
		}
		in.broker = b
		sc := b.SubscriberConfig("linli-embedded")
		sc.Prefix = cfg.FrigatePrefix
		if err := run(sc, "mqtt-broker"); err != nil {
			in.stop()
			return err
		}
		slog.Info("embedded MQTT broker listening", "addr", b.Addr())
	}
	if cfg.SIPUDP != "" || cfg.SIPTCP != "" {
		srv, err := gb28181.Serve(ctx, gb28181.Config{UDPAddr: cfg.SIPUDP, TCPAddr: cfg.SIPTCP, ServerID: cfg.SIPID, Realm: cfg.SIPRealm, Passwords: passwords},
			sink, in.counters[feed.SourceGB28181], log.With("way", "gb28181"))
		if err != nil {
			in.stop()
			return fmt.Errorf("GB/T 28181: %w", err)
		}
		in.sip = srv
		slog.Info("GB/T 28181 listening", "udp", srv.UDPAddr(), "tcp", srv.TCPAddr())
	}
	return nil
}

// stop ends every way in and waits for the subscribers.
func (in *ingest) stop() {
	if in.cancel != nil {
		in.cancel()
	}
	if in.sip != nil {
		in.sip.Close()
	}
	in.wg.Wait()
	if in.broker != nil {
		in.broker.Close()
		<-in.broker.Done()
	}
}

// collector exports the ways in's counters.
func (in *ingest) collector() prometheus.Collector { return ingestCollector{in} }

type ingestCollector struct{ in *ingest }

var ingestDesc = prometheus.NewDesc("linli_camera_feed_messages_total",
	"Messages of camera analytics read by a way in (MQTT, SIP), by what became of them before the cameras service.",
	[]string{"source", "outcome"}, nil)

func (c ingestCollector) Describe(ch chan<- *prometheus.Desc) { ch <- ingestDesc }

func (c ingestCollector) Collect(ch chan<- prometheus.Metric) {
	for src, n := range c.in.counters {
		for _, o := range []struct {
			name string
			v    int64
		}{{"received", n.Received.Load()}, {"accepted", n.Accepted.Load()}, {"malformed", n.Malformed.Load()},
			{"unknown_type", n.UnknownType.Load()}, {"rejected", n.Rejected.Load()}} {
			ch <- prometheus.MustNewConstMetric(ingestDesc, prometheus.CounterValue, float64(o.v), string(src), o.name)
		}
	}
}
