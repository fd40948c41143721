package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"linli"
	"linli/apidoc"
	"linli/audit"
	"linli/auth"
	"linli/calendar"
	"linli/cameras"
	"linli/campaigns"
	"linli/capability"
	"linli/cases"
	"linli/geomap"
	"linli/happiness"
	"linli/home"
	"linli/jobs"
	"linli/links"
	"linli/live"
	"linli/mediation"
	"linli/meetings"
	"linli/notices"
	"linli/open311"
	"linli/outbox"
	"linli/projects"
	"linli/registry"
	"linli/reports"
	"linli/stats"
	"linli/storage"
	"linli/visits"
	"linli/votes"
	"linli/web"
	"linli/webhooks"
)

// Config is everything Main needs; flags and LINLI_* variables fill it.
type Config struct {
	Addr         string // listen address, ":8080"; "127.0.0.1:0" picks a port
	Data         string // data directory (SQLite file, uploads)
	DB           string // postgres:// URL; empty means SQLite in Data
	DBRead       string // a hot standby of DB answering statistics, exports, reports (--db-read; standby.go)
	DBPool       int    // PostgreSQL connections at most for the work (--db-pool); 0: storage.DefaultPool
	Zone         string // display time zone
	SecureCookie bool   // set Secure on cookies (behind HTTPS)
	Clock        linli.Clock
	Hash         auth.HashParams
	Policy       auth.Policy
	CalendarDir  string // extra calendar years (*.json), e.g. the 2027 notice
	NoTimers     bool   // do not run due timers in the background (tests drive them)
	Weights      stats.Weights
	Pprof        string // loopback address for net/http/pprof; empty: off
	// Demo is `linli demo`: registration codes are shown on the page, no
	// SMS gateway needed.
	Demo     bool
	MapTiles geomap.Tiles // an intranet tile server under the maps (--map-tiles, --map-attribution)
	// Channels are the deployment's outside channels (--smtp-url,
	// --sms-gateway, --webhook-url …); communities add theirs on
	// /outbox/channels.
	Channels outbox.Config
	// OutboxMaxAttempts is how many tries make a message dead (0: 8).
	OutboxMaxAttempts int
	// WebhookAllowHTTP accepts plain-http event webhook URLs to intranet
	// hosts (--webhook-allow-http); otherwise they must be https.
	WebhookAllowHTTP bool
	// Ingest is the ways camera events come in besides HTTP (Frigate over
	// MQTT, the embedded broker, GB/T 28181), each off unless configured.
	Ingest IngestConfig
	// Hardening is the rate limits and the audit retention (hardening.go).
	Hardening Hardening
}

// DefaultConfig is the configuration without flags.
func DefaultConfig() Config {
	return Config{Addr: ":8080", Data: "./linli-data", Zone: "Asia/Shanghai", Clock: linli.SystemClock{}, Hash: auth.DefaultHashParams(), Policy: auth.DefaultPolicy(), Weights: stats.DefaultWeights(),
		Hardening: DefaultHardening()}
}

// DSN returns the database to open.
func (c Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.Data, "linli.db")
}

// Main is a running Linli: the database, the services and the HTTP server.
// Tests start one on port 0 with a temporary data directory.
type Main struct {
	Config   Config
	DB       *storage.DB
	Registry *registry.Service
	Auth     *auth.Service
	Audit    *audit.Log
	Cases    *cases.Service
	Calendar *calendar.Admin // years entered by an administrator, swapped into Cases
	Stats    *stats.Service
	Reports  *reports.Service // the monthly report, upward
	Jobs     *jobs.Runner
	// Outbox is the staff's view of outgoing messages; Deliver the worker
	// that sends them, started and stopped with Jobs.
	Outbox  *outbox.Service
	Deliver *outbox.Worker
	// Webhooks are the integrators' event subscriptions, delivered by Deliver.
	Webhooks *webhooks.Service
	Links    *links.Registry
	// Negotiation and projects.
	Projects  *projects.Service
	Votes     *votes.Service
	Visits    *visits.Service
	Meetings  *meetings.Service
	Campaigns *campaigns.Service
	Notices   *notices.Service
	Mediation *mediation.Service
	Happiness *happiness.Service
	// Gate cameras, and the hub that carries their alerts to the
	// guard-room boards and the bell's changes to every page (closed before the server shuts down, so open
	// streams do not hold the shutdown).
	Cameras *cameras.Service
	Live    *live.Hub
	// Open311 is the GeoReport v2 server and its integrator accounts.
	Open311 *open311.Service
	ingest  *ingest
	// limiter keeps the rate limits' buckets; auditRetention is the audit
	// log's export-then-remove timer (nil: kept for ever).
	limiter        *web.Limiter
	auditRetention *audit.Retention

	Handler http.Handler
	Router  *web.Router
	Metrics *prometheus.Registry

	// signals hears the other replicas (PostgreSQL LISTEN, replicas.go);
	// relay sends them this hub's events.
	signals *storage.Listener
	relay   *live.Relay

	server   *http.Server
	stopFold func()
	listener net.Listener
	done     chan error
}

// OpenDB opens and migrates the database.
func OpenDB(ctx context.Context, cfg Config) (*storage.DB, error) {
	db, err := storage.Open(ctx, cfg.DSN())
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx, func() int64 { return storage.Millis(cfg.Clock.Now()) })
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		slog.Info("migrated database", "applied", n, "db", db.Label)
	}
	return db, nil
}

// Open opens the database, builds the services and the handler.
func (m *Main) Open(ctx context.Context) error {
	cfg := m.Config
	if cfg.Clock == nil {
		cfg.Clock = linli.SystemClock{}
		m.Config.Clock = cfg.Clock
	}
	zone, err := time.LoadLocation(cfg.Zone)
	if err != nil {
		return fmt.Errorf("time zone %q: %w", cfg.Zone, err)
	}
	if err := cfg.MapTiles.Check(); err != nil {
		return err
	}
	channels, err := cfg.Channels.Settings()
	if err != nil {
		return err
	}
	if m.DB == nil { // tests may hand in an open, migrated database
		if m.DB, err = OpenDB(ctx, cfg); err != nil {
			return err
		}
	}
	if cfg.DBPool != 0 {
		if err := m.DB.SetPoolSize(cfg.DBPool); err != nil {
			return fmt.Errorf("--db-pool: %w", err)
		}
	}
	if cfg.DBRead != "" {
		if err := useStandby(ctx, m.DB, cfg.DBRead); err != nil {
			return err
		}
	}
	cal, err := calendar.Default()
	if err != nil {
		return err
	}
	if cfg.CalendarDir != "" {
		years, err := calendar.LoadDir(os.DirFS(cfg.CalendarDir))
		if err != nil {
			return fmt.Errorf("calendar %s: %w", cfg.CalendarDir, err)
		}
		if cal, err = cal.With(years...); err != nil {
			return err
		}
	}
	d, err := capability.Build(ctx, m.DB, capability.Config{Clock: cfg.Clock, Zone: zone, Calendar: cal,
		Hash: cfg.Hash, Policy: cfg.Policy, BasicWeight: cfg.Weights.Basic, MapTiles: cfg.MapTiles})
	if err != nil {
		return err
	}
	m.Registry, m.Auth, m.Audit, m.Cases, m.Calendar, m.Links = d.Registry, d.Auth, d.Audit, d.Cases, d.CalendarAdmin, d.Links
	m.Outbox = outbox.New(m.DB, cfg.Clock, channels, m.Registry)
	m.Deliver = &outbox.Worker{DB: m.DB, Clock: cfg.Clock, Settings: channels, MaxAttempts: cfg.OutboxMaxAttempts, Nodes: m.Registry,
		AccountPhone: func(ctx context.Context, id int64) (string, error) { return m.Auth.AccountPhone(ctx, m.DB, id) }}
	m.Webhooks = webhooks.New(m.DB, cfg.Clock, m.Registry, cfg.WebhookAllowHTTP)
	m.Deliver.Endpoint = m.Webhooks.Endpoint
	if m.auditRetention, err = m.retention(cfg); err != nil {
		return err
	}
	m.limiter = web.NewLimiter(cfg.Clock, nil)
	caps := m.capabilities(d, cfg)
	render, err := web.NewRenderer(zone, capability.AllPages(caps)...)
	if err != nil {
		return err
	}
	render.Nav = func(a *linli.Actor, lang string) []web.NavItem { return home.Nav(a, lang, render.T) }
	render.Unread = func(r *http.Request, a *linli.Actor) int {
		n, _ := m.Cases.Unread(r.Context(), a)
		return n
	}

	m.Metrics = prometheus.NewRegistry()
	m.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.ingest = newIngest()
	m.Metrics.MustRegister(m.ingest.collector())
	for name, pool := range m.DB.Pools() {
		m.Metrics.MustRegister(collectors.NewDBStatsCollector(pool, name))
	}
	if _, ok := m.DB.StandbyStats(); ok {
		m.Metrics.MustRegister(standbyMetrics(m.DB)...)
	}
	m.Metrics.MustRegister(m.limiter.Collector())
	m.Metrics.MustRegister(m.replicaCollectors()...)
	rt := web.NewRouter(m.Auth, render, m.Metrics)
	m.Router = rt
	if err := m.limitRoutes(rt, cfg.Hardening); err != nil {
		return err
	}
	rt.Handle("GET /static/", web.Public, web.Static())
	rt.Handle("GET /sw.js", web.Public, web.ServiceWorker()) // at the root: its scope is every page
	rt.Handle("GET /healthz", web.Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}))
	rt.Handle("GET /readyz", web.Public, http.HandlerFunc(m.ready))
	rt.Handle("GET /metrics", web.Public, promhttp.HandlerFor(m.Metrics, promhttp.HandlerOpts{}))
	rt.Handle("GET /api/openapi.json", web.Public, apidoc.Handler())
	handlers, err := capability.Register(caps, rt, render)
	if err != nil {
		return err
	}
	m.Jobs = &jobs.Runner{DB: m.DB, Clock: cfg.Clock, Handlers: handlers}
	rt.Handle("/", web.Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/" {
			web.WriteError(w, r, linli.Errorf(linli.ENotFound, "没有这个接口 / no such endpoint"))
			return
		}
		render.Error(w, r, linli.Errorf(linli.ENotFound, "页面不存在 / not found"))
	}))

	// CSRF: browsers say where a request comes from (Sec-Fetch-Site,
	// Origin); cross-origin state changes are refused.
	csrf := http.NewCrossOriginProtection()
	m.Handler = securityHeaders(csrf.Handler(rt), cfg.MapTiles.Origin())
	return nil
}

// capabilities builds every capability on d, in the order their routes are
// registered: the data owners first, then the rest. Adding a capability is
// one line here. Each is built by its package's New; a capability that
// reads another is listed after it and given it.
func (m *Main) capabilities(d capability.Deps, cfg Config) []capability.Capability {
	m.Stats = &stats.Service{DB: m.DB, Registry: m.Registry, Cases: m.Cases, Weights: cfg.Weights, Zone: d.Zone, Clock: d.Clock, Fresh: m.Cases.Fold}
	m.statsNamesFollow()
	m.Visits = visits.New(d)
	later := &projects.Later{} // votes and projects read each other
	m.Votes = votes.New(d, m.Visits, later)
	m.Projects = projects.New(d, m.Votes)
	later.Set(m.Projects)
	m.Meetings = meetings.New(d)
	m.Mediation = mediation.New(d)
	m.Campaigns = campaigns.New(d)
	m.Happiness = happiness.New(d, m.Projects, m.Mediation, m.Campaigns)
	m.Notices = notices.New(d)
	// "Households with an open hazard plan": a notice's audience that
	// campaigns knows and notices asks for (neither imports the other).
	m.Notices.RegisterAudience("campaign_hazard_open", notices.Audience{
		LabelZH: "有未完成隐患整改的住户", LabelEN: "Households with an open hazard plan",
		Resolve: func(ctx context.Context, q storage.Querier, nodeIDs []int64) ([]notices.Recipient, error) {
			ids, err := m.Campaigns.OpenHazardHouseholds(ctx, q, nodeIDs)
			out := make([]notices.Recipient, len(ids))
			for i, id := range ids {
				out[i] = notices.Recipient{HouseholdID: id}
			}
			return out, err
		}})
	m.Reports = reports.New(d, m.Stats, m.Projects, m.Mediation, m.Happiness)
	m.Live = m.liveHub()
	m.Cases.SetBell(m.Live) // the bell rings on every replica's pages
	m.Cameras = cameras.New(d, m.Live)
	m.Open311 = open311.New(d)
	caps := append(capability.Core(d, capability.CoreOptions{SecureCookie: cfg.SecureCookie, Demo: cfg.Demo,
		LoginLimit: m.loginLimit, Retention: m.auditRetention}),
		capability.Of(capability.Parts{Name: "stats", Pages: stats.Pages(), Routes: m.Stats.Routes}),
		capability.Of(capability.Parts{Name: "outbox", Pages: outbox.Pages(), Routes: m.Outbox.Routes}),
		capability.Of(capability.Parts{Name: "webhooks", Pages: webhooks.Pages(), Routes: m.Webhooks.Routes}),
		m.Projects, m.Votes, m.Visits, m.Meetings, m.Mediation, m.Happiness, m.Notices, m.Campaigns, m.Cameras, m.Open311, m.Reports)
	return append(caps, capability.HomeOf(d, caps))
}

// securityHeaders sets the headers every answer carries. Images come from
// Linli itself, and from the map's tile server only when one on another
// origin is configured.
func securityHeaders(h http.Handler, tileOrigin string) http.Handler {
	csp := "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'"
	if tileOrigin != "" {
		csp = "default-src 'self'; img-src 'self' data: " + tileOrigin + "; style-src 'self'; frame-ancestors 'none'"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Content-Security-Policy", csp)
		h.ServeHTTP(w, r)
	})
}

func (m *Main) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := m.DB.Ping(ctx); err != nil {
		web.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable", "error": err.Error()})
		return
	}
	ok, err := m.DB.Current(ctx)
	if err != nil || !ok {
		web.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "migrations pending"})
		return
	}
	if m.signals != nil && !m.signals.Up() {
		// It cannot hear the other replicas' changes: its caches and live
		// streams would lag behind them until it can.
		web.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not hearing the other replicas (LISTEN)"})
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready", "db": string(m.DB.Dialect)})
}

// Listen binds the address and starts serving in the background.
func (m *Main) Listen() error {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return err
	}
	m.listener = ln
	m.listen()
	m.server = &http.Server{Handler: m.Handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(ln) }()
	if m.Config.Pprof != "" {
		if err := servePprof(m.Config.Pprof); err != nil {
			return err
		}
	}
	if err := m.ingest.start(m.Config.Ingest, m.Cameras, m.Cameras.DeviceSecret); err != nil {
		return err
	}
	if !m.Config.NoTimers && m.Jobs != nil {
		if err := m.Cameras.StartTimers(context.Background()); err != nil {
			return err
		}
		if err := capability.StartAuditRetention(context.Background(), m.auditRetention); err != nil {
			return err
		}
		m.Jobs.Start(context.Background(), 5*time.Second)
		m.Deliver.Start(context.Background(), 2*time.Second)
		m.startFolding(2 * time.Second)
	}
	return nil
}

// URL is the base URL of the listening server.
func (m *Main) URL() string {
	addr := m.listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

// Wait blocks until the server stops.
func (m *Main) Wait() error {
	err := <-m.done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops accepting requests, lets running ones finish (up to 15 s)
// and closes the database.
func (m *Main) Close() error {
	var err error
	if m.Live != nil {
		m.Live.Close()
	}
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		err = m.server.Shutdown(ctx)
	}
	if m.Jobs != nil {
		m.Jobs.Stop()
	}
	if m.Deliver != nil {
		m.Deliver.Stop()
	}
	if m.ingest != nil {
		m.ingest.stop() // before the Sink stops taking events
	}
	if m.Cameras != nil {
		m.Cameras.Stop()
	}
	if m.stopFold != nil {
		m.stopFold()
	}
	m.signals.Stop()
	if m.relay != nil {
		m.relay.Close()
	}
	if m.DB != nil {
		err = errors.Join(err, m.DB.Close())
	}
	return err
}

func openStorage(ctx context.Context, cfg Config) (*storage.DB, error) {
	return storage.Open(ctx, cfg.DSN())
}

// startFolding folds queued statistics changes into the rollups every
// interval, so the queue stays short between statistics reads.
func (m *Main) startFolding(every time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	m.stopFold = func() { cancel(); <-done }
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := m.Cases.Fold(ctx); err != nil && ctx.Err() == nil {
					slog.Error("folding statistics", "err", err)
				}
			}
		}
	}()
}
