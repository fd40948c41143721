package web

import (
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"linli"
)

// Authenticator turns a session cookie or a bearer token into an actor.
// auth.Service implements it; web does not import auth.
type Authenticator interface {
	ActorForSession(ctx contextLike, token string) (*linli.Actor, error)
	ActorForToken(ctx contextLike, token string) (*linli.Actor, error)
}

// SessionCookie is the name of the session cookie.
const SessionCookie = "linli_session"

// Router is the server's mux: every route is registered through it so each
// is measured by its pattern and gets the same authentication.
type Router struct {
	mux      *http.ServeMux
	auth     Authenticator
	render   *Renderer
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	patterns []string
	flashKey []byte // signs flash cookies (flash.go)

	// Rate limits (limit.go).
	limiter     *Limiter
	routeLimits map[string]RouteLimit
	tokenLimit  RouteLimit
	trusted     []netip.Prefix
}

// Patterns lists every registered route pattern, in registration order
// (the OpenAPI test checks each /api/ route is documented).
func (rt *Router) Patterns() []string { return append([]string(nil), rt.patterns...) }

// NewRouter builds a router. reg receives the HTTP metrics.
func NewRouter(auth Authenticator, render *Renderer, reg prometheus.Registerer) *Router {
	rt := &Router{
		mux:      http.NewServeMux(),
		auth:     auth,
		render:   render,
		flashKey: newFlashKey(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "linli_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "linli_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	if reg != nil {
		reg.MustRegister(rt.requests, rt.latency)
	}
	return rt
}

// Renderer returns the page renderer.
func (rt *Router) Renderer() *Renderer { return rt.render }

// Access says who may call a route.
type Access int

const (
	// LoggedIn routes need a session or token (the default).
	LoggedIn Access = iota
	// Public routes serve anyone, with the actor set when there is one.
	Public
)

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
	w.ResponseWriter.WriteHeader(s)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush lets server-sent events through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Handle registers a plain handler, measured under its pattern.
func (rt *Router) Handle(pattern string, access Access, h http.Handler) {
	route := pattern
	rt.patterns = append(rt.patterns, pattern)
	counter := rt.requests
	hist := rt.latency.WithLabelValues(route)
	rl, limited := rt.routeLimits[pattern]
	rt.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		ip := rt.clientIP(r)
		ctx := linli.WithIP(r.Context(), ip)
		a, api := rt.identify(r)
		if a != nil {
			ctx = WithActor(ctx, a)
		}
		r = rt.takeFlash(sw, r.WithContext(ctx))
		if err := rt.limit(rl, limited, a, api, ip); err != nil {
			if api || strings.HasPrefix(r.URL.Path, "/api/") {
				WriteError(sw, r, err)
			} else {
				rt.render.Error(sw, r, err)
			}
		} else if a != nil && a.ReadOnly && r.Method != http.MethodGet && r.Method != http.MethodHead {
			// A read-only token sends no change; the services refuse one
			// too (linli.Actor.ReadOnly, audit.Record), this says so first.
			WriteError(sw, r, linli.Errorf(linli.EForbidden, "只读令牌不能修改数据 / a read-only token makes no changes"))
		} else if a == nil && access == LoggedIn {
			if api || strings.HasPrefix(r.URL.Path, "/api/") {
				WriteError(sw, r, linli.Errorf(linli.EUnauthorized, "请先登录 / please log in"))
			} else {
				http.Redirect(sw, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			}
		} else {
			h.ServeHTTP(sw, r)
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		hist.Observe(time.Since(start).Seconds())
		counter.WithLabelValues(route, statusClass(sw.status)).Inc()
	}))
}

func statusClass(s int) string {
	switch {
	case s < 300:
		return "2xx"
	case s < 400:
		return "3xx"
	case s < 500:
		return http.StatusText(s)
	}
	return "5xx"
}

// identify finds the actor of a request: a bearer token first, then the
// session cookie. api reports whether a token was presented.
func (rt *Router) identify(r *http.Request) (a *linli.Actor, api bool) {
	if rt.auth == nil {
		return nil, false
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		a, err := rt.auth.ActorForToken(r.Context(), strings.TrimPrefix(h, "Bearer "))
		if err != nil {
			return nil, true
		}
		return a, true
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil, false
	}
	a, err = rt.auth.ActorForSession(r.Context(), c.Value)
	if err != nil {
		if linli.ErrorCode(err) == linli.EInternal {
			slog.ErrorContext(r.Context(), "session lookup", "err", err)
		}
		return nil, false
	}
	return a, false
}

// API registers a JSON handler; a returned error becomes a problem document.
func (rt *Router) API(pattern string, access Access, f func(w http.ResponseWriter, r *http.Request) error) {
	rt.Handle(pattern, access, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			WriteError(w, r, err)
		}
	}))
}

// Page registers an HTML handler; a returned error renders the error page.
func (rt *Router) Page(pattern string, access Access, f func(w http.ResponseWriter, r *http.Request) error) {
	rt.Handle(pattern, access, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			rt.render.Error(w, r, err)
		}
	}))
}

// ServeHTTP serves the routes.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.mux.ServeHTTP(w, r) }
