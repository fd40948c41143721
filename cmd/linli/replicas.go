package main

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"linli/cases"
	"linli/live"
	"linli/registry"
	"linli/storage"
)

// Several replicas on one PostgreSQL (README "Running several replicas").
// Sessions, tokens, timers and every record are in the database already;
// what each process keeps for itself — a few caches and the live streams'
// subscribers — follows the others through PostgreSQL's LISTEN/NOTIFY
// (storage/notify.go): a change signalled in its transaction clears the
// caches of every replica when it commits, and an event published on one
// hub is relayed to the hubs of the others.

// channelLive carries the hub's events between replicas.
const channelLive = "live"

// liveHub is the hub of the guard-room boards and of the bell (package
// cases, bell.go): on PostgreSQL it relays
// what is published here to the other replicas and takes theirs; after
// the listener was away it ends every stream, whose browser then replays
// what it missed.
func (m *Main) liveHub() *live.Hub {
	if m.DB.Dialect != storage.Postgres {
		return live.NewHub(live.Options{})
	}
	db := m.DB
	m.relay = live.NewRelay(func(ctx context.Context, payloads ...string) error {
		return db.Broadcast(ctx, channelLive, payloads...)
	})
	hub := live.NewHub(live.Options{Relay: m.relay.Publish})
	db.Subscribe(channelLive, hub.Receive)
	db.OnResync(hub.Resync)
	return hub
}

// statsNamesFollow makes the statistics' cache of names forget on a
// place or category renamed on any replica.
func (m *Main) statsNamesFollow() {
	m.DB.Subscribe(registry.ChannelTree, func(string) { m.Stats.ForgetNames() })
	m.DB.Subscribe(cases.ChannelCategories, func(string) { m.Stats.ForgetNames() })
	m.DB.OnResync(m.Stats.ForgetNames)
}

// listen starts hearing the other replicas (PostgreSQL only, and only with
// the URL to connect with: a test may hand in a database without one).
func (m *Main) listen() {
	if m.DB.Dialect == storage.Postgres && m.Config.DB != "" && m.signals == nil {
		m.signals = m.DB.Listen(m.Config.DB)
	}
}

// replicaCollectors are the metrics of the listener and the relay.
func (m *Main) replicaCollectors() []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "linli_signals_listening",
			Help: "1 while this replica hears the others' signals (PostgreSQL LISTEN); always 0 on SQLite"},
			func() float64 {
				if m.signals.Up() {
					return 1
				}
				return 0
			}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "linli_signals_reconnects_total",
			Help: "times the signal listener came back after losing PostgreSQL"},
			func() float64 { return float64(m.signals.Reconnects()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "linli_live_relay_lost_total",
			Help: "live events not relayed to the other replicas (their browsers catch up on reconnecting)"},
			func() float64 {
				if m.relay == nil {
					return 0
				}
				return float64(m.relay.Lost())
			}),
	}
}
