package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/audit"
	"linli/web"
)

// Hardening is the configuration of the rate limits and the audit log's
// retention (the second factor's policy is auth.Policy.FactorRoles).
type Hardening struct {
	Limits Limits
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (--trusted-proxy); empty: the connection's address.
	TrustedProxies string
	// AuditRetention is how long audit entries are kept (at least
	// audit.MinRetention); zero: for ever, nothing exported or removed.
	AuditRetention time.Duration
	// AuditExportDir receives the exported entries; empty: DATA/audit-archive.
	AuditExportDir string
}

// Limits are the rate limits (web.Rate: N per period, bursts of N; zero:
// off), each counted per replica.
type Limits struct {
	LoginAccount  web.Rate // password attempts per account (or per unknown name)
	LoginAddress  web.Rate // password and code attempts per client address
	CreateAccount web.Rate // reports created through the page or a session, per account
	CreateAddress web.Rate // … per client address
	TokenAccount  web.Rate // requests with an API token, per account
	TokenAddress  web.Rate // … per client address
}

// DefaultHardening: logins 10 a minute per account and 60 per address,
// reports 60 an hour per account and 600 per address, API tokens not
// limited (integrations and the load tool create thousands of cases a
// second with them), audit entries kept 180 days.
func DefaultHardening() Hardening {
	return Hardening{
		Limits: Limits{
			LoginAccount: web.Rate{N: 10, Per: time.Minute}, LoginAddress: web.Rate{N: 60, Per: time.Minute},
			CreateAccount: web.Rate{N: 60, Per: time.Hour}, CreateAddress: web.Rate{N: 600, Per: time.Hour},
		},
		AuditRetention: audit.MinRetention,
	}
}

// hardening registers the flags of the second factor's policy, the rate
// limits, the trusted proxies and the audit retention (serve and demo).
func (f flags) hardening(c *Config) {
	f.fn("totp-required", "roles that must log in with a second factor (TOTP), comma-separated, or none (default street_staff,admin; demo: none)", func(v string) error {
		roles, err := parseRoles(v)
		c.Policy.FactorRoles = roles
		return err
	})
	l := &c.Hardening.Limits
	for _, r := range []struct {
		name, help string
		p          *web.Rate
	}{
		{"limit-login-account", "password attempts per account", &l.LoginAccount},
		{"limit-login-address", "login attempts (password and code) per client address", &l.LoginAddress},
		{"limit-create-account", "reports created per account (page and session API; token callers count under --limit-token-*)", &l.CreateAccount},
		{"limit-create-address", "reports created per client address", &l.CreateAddress},
		{"limit-token-account", "requests with an API token per account", &l.TokenAccount},
		{"limit-token-address", "requests with an API token per client address", &l.TokenAddress},
	} {
		f.fn(r.name, r.help+": N/s, N/m, N/h or off (default "+r.p.String()+")", func(v string) error {
			rate, err := web.ParseRate(v)
			*r.p = rate
			return err
		})
	}
	f.str(&c.Hardening.TrustedProxies, "trusted-proxy", "", "addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For names the client; empty: the connection's address")
	f.fn("audit-retention-days", "days audit entries are kept before export and removal: at least 180 (six months), or forever (default 180; demo: forever)", func(v string) error {
		if strings.TrimSpace(v) == "forever" {
			c.Hardening.AuditRetention = 0
			return nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("audit retention: %q is not a number of days", v)
		}
		c.Hardening.AuditRetention = time.Duration(n) * 24 * time.Hour
		return audit.CheckRetention(c.Hardening.AuditRetention)
	})
	f.str(&c.Hardening.AuditExportDir, "audit-export-dir", "", "directory for the exported audit entries (gzip JSON lines); empty: DATA/audit-archive")
}

// parseRoles reads "street_staff,admin" or "none".
func parseRoles(v string) ([]linli.Role, error) {
	var out []linli.Role
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" || s == "none" {
			continue
		}
		r := linli.Role(s)
		if !r.Valid() {
			return nil, fmt.Errorf("totp-required: unknown role %q", s)
		}
		out = append(out, r)
	}
	return out, nil
}

// retention builds the audit retention of the configuration, refusing a
// period under the legal minimum; nil when entries are kept for ever.
func (m *Main) retention(cfg Config) (*audit.Retention, error) {
	h := cfg.Hardening
	if h.AuditRetention == 0 {
		return nil, nil
	}
	if err := audit.CheckRetention(h.AuditRetention); err != nil {
		return nil, err
	}
	dir := h.AuditExportDir
	if dir == "" {
		dir = filepath.Join(cfg.Data, "audit-archive")
	}
	return &audit.Retention{DB: m.DB, Clock: cfg.Clock, Keep: h.AuditRetention, Dir: dir}, nil
}

// limitRoutes sets the rate limits on the router before the routes are
// registered: login (password and code steps), report creation (the
// cases API and the report page) and API tokens.
func (m *Main) limitRoutes(rt *web.Router, h Hardening) error {
	proxies, err := web.ParsePrefixes(h.TrustedProxies)
	if err != nil {
		return err
	}
	rt.TrustProxies(proxies)
	rt.UseLimiter(m.limiter)
	for _, p := range []string{"POST /login", "POST /api/login", "POST /login/code", "POST /api/login/code"} {
		rt.LimitRoute(p, web.RouteLimit{Name: "login", PerAddress: h.Limits.LoginAddress})
	}
	for _, p := range []string{"POST /api/cases", "POST /report"} {
		rt.LimitRoute(p, web.RouteLimit{Name: "create", PerAccount: h.Limits.CreateAccount, PerAddress: h.Limits.CreateAddress})
	}
	rt.LimitTokens(h.Limits.TokenAccount, h.Limits.TokenAddress)
	return nil
}

// loginLimit is the per-account login limit the login handlers ask.
func (m *Main) loginLimit(key string) error {
	return m.limiter.Take("login_account", key, m.Config.Hardening.Limits.LoginAccount)
}
