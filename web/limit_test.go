package web_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"linli"
	"linli/web"
	"linli/web/webtest"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[string]web.Rate{
		"10/m": {N: 10, Per: time.Minute}, "300/h": {N: 300, Per: time.Hour}, "5/s": {N: 5, Per: time.Second},
		"20/10m": {N: 20, Per: 10 * time.Minute}, "off": {}, "0": {},
	} {
		got, err := web.ParseRate(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"10", "ten/m", "10/fortnight", "-1/m", "10/-1s"} {
		if _, err := web.ParseRate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A bucket of N refills N per period on the injected clock: N at once,
// then one more each Per/N, with the wait in the 429's Retry-After.
func TestLimiterBucket(t *testing.T) {
	clock := linli.NewFakeClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	reg := prometheus.NewRegistry()
	l := web.NewLimiter(clock, reg)
	rate := web.Rate{N: 3, Per: time.Minute} // one every 20 s
	for i := range 3 {
		if err := l.Take("login_account", "a", rate); err != nil {
			t.Fatalf("take %d: %v", i, err)
		}
	}
	err := l.Take("login_account", "a", rate)
	var re *web.RetryError
	if linli.ErrorCode(err) != linli.ETooMany || !errors.As(err, &re) || re.After != 20*time.Second {
		t.Fatalf("fourth: %v", err)
	}
	// Another key and another limit have their own buckets.
	if l.Take("login_account", "b", rate) != nil || l.Take("create_account", "a", rate) != nil {
		t.Error("buckets shared")
	}
	clock.Advance(19 * time.Second)
	if l.Take("login_account", "a", rate) == nil {
		t.Error("a token before its time")
	}
	clock.Advance(time.Second)
	if err := l.Take("login_account", "a", rate); err != nil {
		t.Errorf("after 20 s: %v", err)
	}
	// Off limits nothing.
	for range 100 {
		if l.Take("token_account", "a", web.Rate{}) != nil {
			t.Fatal("an off rate refused")
		}
	}
	if n := refused(t, reg, "login_account"); n != 2 {
		t.Errorf("counted %v refusals", n)
	}
}

// refused reads linli_rate_limited_total{limit=name} from the registry.
func refused(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "linli_rate_limited_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "limit" && lp.GetValue() == name {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// Through the router: a limited route answers 429 with Retry-After and a
// problem document, per account and per address; token callers are
// counted by the token limit, not the route's.
func TestRouteLimits(t *testing.T) {
	clock := linli.NewFakeClock(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	s := webtest.New(t)
	l := web.NewLimiter(clock, s.Metrics)
	s.Router.UseLimiter(l)
	s.Router.LimitRoute("POST /api/things", web.RouteLimit{Name: "create", PerAccount: web.Rate{N: 2, Per: time.Hour}, PerAddress: web.Rate{N: 3, Per: time.Hour}})
	s.Router.LimitTokens(web.Rate{N: 1, Per: time.Minute}, web.Rate{})
	s.Router.API("POST /api/things", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusCreated)
		return nil
	})
	s.Router.API("GET /api/other", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return nil })
	other := &linli.Actor{AccountID: 8, Username: "grid1", Grants: []linli.Grant{{Role: linli.RoleGridWorker, NodePath: "/1/2/5/"}}}
	a, b := s.As(t, staff), s.As(t, other)
	post := func(c *webtest.Client) *webtest.Response { return c.Do("POST", "/api/things", nil, nil) }
	for i := range 2 {
		if r := post(a); r.Status != 201 {
			t.Fatalf("post %d: %d %s", i, r.Status, r.Body)
		}
	}
	r := post(a)
	if r.Status != 429 || r.Header.Get("Retry-After") != "1800" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("third by one account: %d %v %s", r.Status, r.Header, r.Body)
	}
	var p web.Problem
	if err := json.Unmarshal(r.Body, &p); err != nil || p.Code != "too_many" || p.Status != 429 {
		t.Errorf("problem %+v %v", p, err)
	}
	// Another account from the same address: the address's third.
	if r := post(b); r.Status != 201 {
		t.Fatalf("other account: %d", r.Status)
	}
	if r := post(b); r.Status != 429 {
		t.Errorf("address limit: %d", r.Status)
	}
	// Routes without a limit are not limited.
	for range 5 {
		if r := a.Get("/api/other"); r.Status != 200 {
			t.Fatalf("unlimited route: %d", r.Status)
		}
	}
	// A token caller: one a minute, whatever the route.
	tok := s.BearerAs(t, other)
	if r := tok.Get("/api/other"); r.Status != 200 {
		t.Fatalf("token: %d", r.Status)
	}
	if r := tok.Get("/api/other"); r.Status != 429 || r.Header.Get("Retry-After") != "60" {
		t.Errorf("token's second: %d %v", r.Status, r.Header.Get("Retry-After"))
	}
	clock.Advance(time.Minute)
	if r := tok.Get("/api/other"); r.Status != 200 {
		t.Errorf("token after a minute: %d", r.Status)
	}
	for name, want := range map[string]float64{"create_account": 1, "create_address": 1, "token_account": 1} {
		if n := refused(t, s.Metrics, name); n != want {
			t.Errorf("%s counted %v", name, n)
		}
	}
}

// The client address is the connection's unless it comes from a trusted
// proxy; then the last address in X-Forwarded-For that is not a proxy.
func TestTrustedProxy(t *testing.T) {
	s := webtest.New(t)
	s.Router.Handle("GET /ip", web.Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(linli.IPFrom(r.Context())))
	}))
	xff := http.Header{"X-Forwarded-For": {"203.0.113.9, 10.1.2.3"}}
	if r := s.Anon(t).Do("GET", "/ip", nil, xff); string(r.Body) != "127.0.0.1" {
		t.Errorf("untrusted: %s", r.Body)
	}
	pfx, err := web.ParsePrefixes("127.0.0.1, 10.0.0.0/8")
	if err != nil || len(pfx) != 2 || pfx[0] != netip.MustParsePrefix("127.0.0.1/32") {
		t.Fatalf("prefixes %v %v", pfx, err)
	}
	s.Router.TrustProxies(pfx)
	if r := s.Anon(t).Do("GET", "/ip", nil, xff); string(r.Body) != "203.0.113.9" {
		t.Errorf("trusted: %s", r.Body)
	}
	if r := s.Anon(t).Do("GET", "/ip", nil, http.Header{"X-Forwarded-For": {"garbage"}}); string(r.Body) != "127.0.0.1" {
		t.Errorf("garbled header: %s", r.Body)
	}
	if _, err := web.ParsePrefixes("10.0.0.0/99"); err == nil {
		t.Error("bad prefix accepted")
	}
}
