package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/auth"
	"linli/demo"
	"linli/storage"
)

// testServer is a real Linli on a random port with the demo data, on one
// database engine, with a fake clock.
type testServer struct {
	*Main
	URL   string
	Clock *linli.FakeClock
	Data  demo.Dataset
}

// demoPassword is the password of every demo account.
const demoPassword = "Linli-demo-2026"

// newTestMain is the configuration every test server runs with: a fake
// clock, cheap password hashing, timers off, a port picked by the system.
func newTestMain(tb testing.TB, db *storage.DB) (*Main, *linli.FakeClock) {
	clock := linli.NewFakeClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.Data = tb.TempDir()
	cfg.Clock = clock
	cfg.Hash = auth.CheapHashParams()
	cfg.NoTimers = true // tests advance the fake clock and run due timers themselves
	// The demo accounts log in without a second factor (as in `linli
	// demo`), and no rate limit: the fake clock never refills a bucket.
	// The tests of both set their own (hardening_test.go).
	cfg.Policy.FactorRoles = nil
	cfg.Hardening.Limits = Limits{}
	return &Main{Config: cfg, DB: db}, clock
}

// startServer starts a server on db, loading the demo data unless db
// already holds it (the copies demoSQLite and demoPostgres give do).
func startServer(t testing.TB, db *storage.DB) *testServer {
	t.Helper()
	return startServerWith(t, db, nil)
}

// startServerWith is startServer with the configuration changed first
// (change may be nil).
func startServerWith(t testing.TB, db *storage.DB, change func(*Config)) *testServer {
	t.Helper()
	m, clock := newTestMain(t, db)
	if change != nil {
		change(&m.Config)
	}
	ctx := context.Background()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	d := demo.Build()
	if _, err := ensureDemo(ctx, m, d); err != nil {
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.server.Close() })
	return &testServer{Main: m, URL: m.URL(), Clock: clock, Data: d}
}

// eachServer runs f with a demo server on every engine, each on its own
// copy of the demo database.
func eachServer(t *testing.T, f func(t *testing.T, s *testServer)) {
	t.Run("sqlite", func(t *testing.T) { f(t, startServer(t, demoSQLite(t))) })
	t.Run("postgres", func(t *testing.T) { f(t, startServer(t, demoPostgres(t))) })
}

// client is a logged-in (or anonymous) HTTP client with a cookie jar.
type client struct {
	t    testing.TB
	base string
	http *http.Client
}

func (s *testServer) anon(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: s.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login logs a demo account in through the JSON API.
func (s *testServer) login(t testing.TB, username string) *client {
	t.Helper()
	c := s.anon(t)
	if st, body := c.do("POST", "/api/login", map[string]string{"login": username, "password": demoPassword}); st != 200 {
		t.Fatalf("login %s: %d %s", username, st, body)
	}
	return c
}

// do sends a request (body marshalled to JSON unless it is []byte or
// io.Reader) and returns the status and body.
func (c *client) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case io.Reader:
		r = b
	default:
		js, _ := json.Marshal(b)
		r = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", ct)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// json sends a request and decodes the JSON answer into v (if not nil).
func (c *client) json(method, path string, body, v any) int {
	c.t.Helper()
	st, b := c.do(method, path, body)
	if v != nil && len(b) > 0 {
		if err := json.Unmarshal(b, v); err != nil {
			c.t.Fatalf("%s %s: %d, not JSON: %s", method, path, st, b)
		}
	}
	return st
}

// problem is the decoded problem document.
type problem struct {
	Status int                `json:"status"`
	Code   string             `json:"code"`
	Detail string             `json:"detail"`
	Errors []linli.FieldError `json:"errors"`
}

func (p problem) hasField(f string) bool {
	for _, e := range p.Errors {
		if e.Field == f || strings.HasSuffix(e.Field, "."+f) {
			return true
		}
	}
	return false
}

func TestSmokeDemoServer(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		c := s.login(t, "xueyuan")
		for _, p := range []string{"/", "/households", "/import", "/users", "/audit", "/account", "/healthz", "/readyz", "/metrics"} {
			if st, body := c.do("GET", p, nil); st != 200 {
				t.Errorf("GET %s: %d %.300s", p, st, body)
			}
		}
	})
}
