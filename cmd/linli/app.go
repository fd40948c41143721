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
	capab "linli/capability"
	"linli/cases"
	"linli/happiness"
	"linli/home"
	"linli/jobs"
	"linli/links"
	"linli/mediation"
	"linli/meetings"
	"linli/projects"
	"linli/registry"
	"linli/stats"
	"linli/storage"
	"linli/visits"
	"linli/votes"
	"linli/web"
)

// Config is everything Main needs; flags and LINLI_* variables fill it.
type Config struct {
	Addr         string // listen address, ":8080"; "127.0.0.1:0" picks a port
	Data         string // data directory (SQLite file, uploads)
	DB           string // postgres:// URL; empty means SQLite in Data
	Zone         string // display time zone
	SecureCookie bool   // set Secure on cookies (behind HTTPS)
	Clock        linli.Clock
	Hash         auth.HashParams
	Policy       auth.Policy
	CalendarDir  string // extra calendar years (*.json), e.g. the 2027 notice
	NoTimers     bool   // do not run due timers in the background (tests drive them)
	Weights      stats.Weights
	Pprof        string // loopback address for net/http/pprof; empty: off
}

// DefaultConfig is the configuration without flags.
func DefaultConfig() Config {
	return Config{Addr: ":8080", Data: "./linli-data", Zone: "Asia/Shanghai", Clock: linli.SystemClock{}, Hash: auth.DefaultHashParams(), Policy: auth.DefaultPolicy(), Weights: stats.DefaultWeights()}
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
	Jobs     *jobs.Runner
	Links    *links.Registry
	// Negotiation and projects.
	Projects  *projects.Service
	Votes     *votes.Service
	Visits    *visits.Service
	Meetings  *meetings.Service
	Mediation *mediation.Service
	Happiness *happiness.Service

	Handler http.Handler
	Router  *web.Router
	Metrics *prometheus.Registry

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
	if m.DB == nil { // tests may hand in an open, migrated database
		if m.DB, err = OpenDB(ctx, cfg); err != nil {
			return err
		}
	}
	m.Registry = registry.New(m.DB, cfg.Clock)
	m.Auth = auth.New(m.DB, cfg.Clock, m.Registry, cfg.Hash, cfg.Policy)
	m.Audit = &audit.Log{DB: m.DB}
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
	m.Cases = cases.New(m.DB, cfg.Clock, cal, m.Registry, zone)
	m.Calendar = &calendar.Admin{DB: m.DB, Clock: cfg.Clock, Base: cal, Use: m.Cases.UseCalendar}
	if _, err := m.Calendar.Load(ctx); err != nil {
		return err
	}
	if err := m.Cases.Seed(ctx); err != nil {
		return err
	}
	m.Links = &links.Registry{DB: m.DB}
	m.Cases.Links = m.Links
	m.Links.Register(links.KindCase, m.Cases.ResolveLinks)
	m.Projects = &projects.Service{DB: m.DB, Clock: cfg.Clock, Zone: zone, Registry: m.Registry, Cases: m.Cases, Links: m.Links}
	deps := capab.Deps{DB: m.DB, Clock: cfg.Clock, Zone: zone, Registry: m.Registry, Auth: m.Auth, Cases: m.Cases, Links: m.Links}
	m.Visits = visits.New(deps)
	m.Votes = votes.New(deps, m.Visits, m.Projects)
	m.Meetings = &meetings.Service{DB: m.DB, Clock: cfg.Clock, Zone: zone, Registry: m.Registry, Cases: m.Cases, Links: m.Links}
	m.Mediation = &mediation.Service{DB: m.DB, Clock: cfg.Clock, Zone: zone, Registry: m.Registry, Cases: m.Cases, Links: m.Links, Calendar: cal}
	m.Happiness = &happiness.Service{DB: m.DB, Clock: cfg.Clock, Zone: zone, Registry: m.Registry, Cases: m.Cases, Links: m.Links}
	// The capabilities meet only here.
	m.Projects.VoteGate = m.Votes.ProjectGate
	m.Happiness.Projects = m.Projects.HappinessEntries
	m.Happiness.Disputes = m.Mediation.HappinessEntries
	m.Happiness.ProjectCounts = m.Projects.HappinessCounts
	m.Happiness.DisputeCounts = m.Mediation.HappinessCounts
	handlers := m.Cases.JobHandlers()
	for _, c := range m.capabilities() {
		c.Register()
		for kind, h := range c.JobHandlers() {
			if _, dup := handlers[kind]; dup {
				return fmt.Errorf("timer kind %q is handled twice", kind)
			}
			handlers[kind] = h
		}
	}
	m.Jobs = &jobs.Runner{DB: m.DB, Clock: cfg.Clock, Handlers: handlers}

	m.Stats = &stats.Service{DB: m.DB, Registry: m.Registry, Weights: cfg.Weights, Zone: zone, Clock: cfg.Clock, Fresh: m.Cases.Fold}
	m.Cases.BasicWeight = cfg.Weights.Basic

	render, err := web.NewRenderer(zone, registry.Pages(), auth.Pages(), audit.Pages(), home.Pages(), cases.Pages(cfg.Clock), stats.Pages(), calendar.Pages(),
		projects.Pages(), votes.Pages(), visits.Pages(), meetings.Pages(), mediation.Pages(), happiness.Pages())
	if err != nil {
		return err
	}
	render.Nav = func(a *linli.Actor, lang string) []web.NavItem { return home.Nav(a, lang, render.T) }
	render.Unread = func(r *http.Request, a *linli.Actor) int {
		n, _ := m.Cases.Unread(r.Context(), a)
		return n
	}
	m.Registry.SetRenderer(render)

	m.Metrics = prometheus.NewRegistry()
	m.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name, pool := range m.DB.Pools() {
		m.Metrics.MustRegister(collectors.NewDBStatsCollector(pool, name))
	}
	rt := web.NewRouter(m.Auth, render, m.Metrics)
	m.Router = rt
	rt.Handle("GET /static/", web.Public, web.Static())
	rt.Handle("GET /healthz", web.Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}))
	rt.Handle("GET /readyz", web.Public, http.HandlerFunc(m.ready))
	rt.Handle("GET /metrics", web.Public, promhttp.HandlerFor(m.Metrics, promhttp.HandlerOpts{}))
	rt.Handle("GET /api/openapi.json", web.Public, apidoc.Handler())
	(&home.Home{Registry: m.Registry, Renderer: render, CalendarGap: m.Cases.CalendarGap}).Routes(rt)
	m.Registry.Routes(rt)
	(&auth.HTTP{Service: m.Auth, Renderer: render, SecureCookie: cfg.SecureCookie}).Routes(rt)
	m.Audit.Routes(rt, render)
	m.Cases.Routes(rt)
	m.Cases.PageRoutes(rt, render)
	m.Cases.FileRoutes(rt)
	m.Stats.Routes(rt, render)
	m.Calendar.Routes(rt, render)
	for _, c := range m.capabilities() {
		c.Routes(rt, render)
	}
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
	m.Handler = securityHeaders(csrf.Handler(rt))
	return nil
}

// capability is what each negotiation-and-projects package offers the wiring.
type capability interface {
	Register()
	Routes(rt *web.Router, render *web.Renderer)
	JobHandlers() map[string]jobs.Handler
}

func (m *Main) capabilities() []capability {
	return []capability{m.Projects, partsOnly{m.Votes}, partsOnly{m.Visits}, m.Meetings, m.Mediation, m.Happiness}
}

// partsOnly fits a capability built by its New (capability.Parts) into
// this wiring until the wiring is rewritten for capability.Register.
type partsOnly struct{ c capab.Capability }

func (p partsOnly) Register() {}
func (p partsOnly) Routes(rt *web.Router, render *web.Renderer) {
	p.c.Parts().Routes(rt, render)
}
func (p partsOnly) JobHandlers() map[string]jobs.Handler { return p.c.Parts().Jobs }

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
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
	web.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready", "db": string(m.DB.Dialect)})
}

// Listen binds the address and starts serving in the background.
func (m *Main) Listen() error {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return err
	}
	m.listener = ln
	m.server = &http.Server{Handler: m.Handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(ln) }()
	if m.Config.Pprof != "" {
		if err := servePprof(m.Config.Pprof); err != nil {
			return err
		}
	}
	if !m.Config.NoTimers && m.Jobs != nil {
		m.Jobs.Start(context.Background(), 5*time.Second)
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
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		err = m.server.Shutdown(ctx)
	}
	if m.Jobs != nil {
		m.Jobs.Stop()
	}
	if m.stopFold != nil {
		m.stopFold()
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
