package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"linli/auth"
	"linli/storage"
	"linli/web"
)

// TestSecondFactorHTTP is the whole login with a code over real HTTP, no
// browser, on both engines, with the deployment's default policy (street
// staff and administrators must have a factor): the JSON API's two steps
// and enrolment, then the login form's, then the administrator's reset.
func TestSecondFactorHTTP(t *testing.T) {
	each := func(t *testing.T, db *storage.DB) {
		s := startServerWith(t, db, func(c *Config) { c.Policy.FactorRoles = auth.DefaultFactorRoles() })
		s.Clock.Set(time.Unix(1_796_000_010, 0)) // on a 30-second step
		// The password alone gives street no session: 202 and the
		// enrolment (otpauth URI).
		c := s.anon(t)
		var step struct {
			SecondFactor string         `json:"second_factor"`
			Challenge    string         `json:"challenge"`
			Enrolment    auth.Enrolment `json:"enrolment"`
		}
		if st := c.json("POST", "/api/login", map[string]string{"login": "street", "password": demoPassword}, &step); st != 202 ||
			step.SecondFactor != "enrol" || step.Challenge == "" || !strings.HasPrefix(step.Enrolment.URI, "otpauth://totp/Linli:street?") {
			t.Fatalf("password step: %d %+v", st, step)
		}
		wantProblem(t, c, "GET", "/api/me", nil, 401)
		pr, _ := wantProblem(t, c, "POST", "/api/login/code", map[string]string{"challenge": step.Challenge, "code": "000000"}, 422)
		if !pr.hasField("code") {
			t.Errorf("wrong code: %+v", pr)
		}
		var done struct {
			AccountID     int64    `json:"account_id"`
			RecoveryCodes []string `json:"recovery_codes"`
		}
		secret := step.Enrolment.Secret
		if st := c.json("POST", "/api/login/code", map[string]string{"challenge": step.Challenge, "code": auth.TOTPCode(secret, s.Clock.Now())}, &done); st != 200 || len(done.RecoveryCodes) != 10 {
			t.Fatalf("code step: %d %+v", st, done)
		}
		var m me
		wantStatus(t, c, "GET", "/api/me", nil, 200, &m)
		if m.Username != "street" {
			t.Errorf("me %+v", m)
		}
		// API tokens are not touched: one made after the login works alone.
		var tok struct{ Token string }
		if st := c.json("POST", "/api/tokens", map[string]string{"name": "热线"}, &tok); st != 201 {
			t.Fatalf("token: %d", st)
		}
		wantStatus(t, bearer(s, t, tok.Token), "GET", "/api/me", nil, 200, nil)

		// The login form: password, then the code page, then the session.
		s.Clock.Advance(30 * time.Second)
		b := s.anon(t)
		res := b.postForm("/login", url.Values{"login": {"street"}, "password": {demoPassword}, "next": {"/users"}})
		if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login/code") {
			t.Fatalf("form password: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if st, _ := b.do("GET", "/users", nil); st != 303 {
			t.Errorf("a session before the code: %d", st)
		}
		st, page := b.do("GET", res.Header.Get("Location"), nil)
		if st != 200 || !strings.Contains(string(page), `name="code"`) || strings.Contains(string(page), "factor-qr") {
			t.Fatalf("code page: %d %.400s", st, page)
		}
		if st, body := b.form("/login/code", url.Values{"code": {"111111"}, "next": {"/users"}}); st != 422 || !strings.Contains(string(body), `data-test="err-code"`) {
			t.Errorf("wrong code on the form: %d", st)
		}
		res = b.postForm("/login/code", url.Values{"code": {auth.TOTPCode(secret, s.Clock.Now())}, "next": {"/users"}})
		if res.StatusCode != 303 || res.Header.Get("Location") != "/users" {
			t.Fatalf("form code: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if st, _ := b.do("GET", "/users", nil); st != 200 {
			t.Errorf("after the code: %d", st)
		}
		// A recovery code on the form works too.
		r2 := s.anon(t)
		r2.postForm("/login", url.Values{"login": {"street"}, "password": {demoPassword}})
		if res := r2.postForm("/login/code", url.Values{"code": {strings.ToLower(done.RecoveryCodes[0])}}); res.StatusCode != 303 {
			t.Errorf("recovery code: %d", res.StatusCode)
		}

		// The administrator resets street's factor (audited); the next
		// login enrols again, on the page with the QR code.
		admin := s.anon(t)
		var adm struct{ Challenge string }
		if st := admin.json("POST", "/api/login", map[string]string{"login": "admin", "password": demoPassword}, &adm); st != 202 {
			t.Fatalf("admin password: %d", st)
		}
		e, err := s.Auth.ChallengeEnrolment(context.Background(), adm.Challenge)
		if err != nil {
			t.Fatal(err)
		}
		if st := admin.json("POST", "/api/login/code", map[string]string{"challenge": adm.Challenge, "code": auth.TOTPCode(e.Secret, s.Clock.Now())}, nil); st != 200 {
			t.Fatalf("admin code: %d", st)
		}
		id := accountID(t, s, "street")
		wantStatus(t, admin, "POST", fmt.Sprintf("/api/accounts/%d/factor/reset", id), nil, 204, nil)
		wantProblem(t, s.login(t, "xueyuan"), "POST", fmt.Sprintf("/api/accounts/%d/factor/reset", id), nil, 404)
		var n int
		if err := s.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'account.factor.reset' AND entity_id = ?`, id).Scan(&n); err != nil || n != 1 {
			t.Errorf("reset audited %d %v", n, err)
		}
		p := s.anon(t)
		p.postForm("/login", url.Values{"login": {"street"}, "password": {demoPassword}})
		st, page = p.do("GET", "/login/code", nil)
		if st != 200 || !strings.Contains(string(page), `data-test="factor-qr"`) || !strings.Contains(string(page), "data:image/png;base64,") {
			t.Errorf("enrolment page: %d %.300s", st, page)
		}
		// Another account's code step without the cookie goes to /login.
		if st, _ := s.anon(t).do("GET", "/login/code", nil); st != 303 {
			t.Errorf("code page without a step: %d", st)
		}
	}
	t.Run("sqlite", func(t *testing.T) { each(t, demoSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { each(t, demoPostgres(t)) })
}

// TestSecondFactorAccountPage: a community secretary (not required)
// enrols on /account/factor: the QR code, the first code, the ten
// recovery codes once; the next login asks for a code.
func TestSecondFactorAccountPage(t *testing.T) {
	s := startServerWith(t, demoSQLite(t), func(c *Config) { c.Policy.FactorRoles = auth.DefaultFactorRoles() })
	s.Clock.Set(time.Unix(1_796_000_010, 0))
	c := s.login(t, "xueyuan")
	st, page := c.do("GET", "/account/factor", nil)
	secret := regexp.MustCompile(`data-test="factor-secret">([A-Z2-7]+)<`).FindStringSubmatch(string(page))
	if st != 200 || secret == nil || !strings.Contains(string(page), `data-test="factor-qr"`) {
		t.Fatalf("enrolment page: %d %.500s", st, page)
	}
	if st, body := c.form("/account/factor", url.Values{"code": {auth.TOTPCode(secret[1], s.Clock.Now())}}); st != 200 || strings.Count(string(body), "<li><code>") != 10 {
		t.Fatalf("confirm: %d %.500s", st, body)
	}
	var step struct {
		SecondFactor string `json:"second_factor"`
	}
	if st := s.anon(t).json("POST", "/api/login", map[string]string{"login": "xueyuan", "password": demoPassword}, &step); st != 202 || step.SecondFactor != "code" {
		t.Errorf("next login: %d %+v", st, step)
	}
	st, page = c.do("GET", "/account", nil)
	if st != 200 || !strings.Contains(string(page), `data-test="factor"`) {
		t.Errorf("account page: %d", st)
	}
}

// TestRateLimitsHTTP: the limits through the real server and clock. A
// fifth password try of one account in the minute is a 429 with
// Retry-After and a problem document, so is a third report of one account
// in the hour; token calls past their limit too; /metrics counts each by
// limit name; a minute later logins go through again.
func TestRateLimitsHTTP(t *testing.T) {
	s := startServerWith(t, demoSQLite(t), func(c *Config) {
		c.Hardening.Limits = Limits{LoginAccount: web.Rate{N: 4, Per: time.Minute}, LoginAddress: web.Rate{N: 50, Per: time.Minute},
			CreateAccount: web.Rate{N: 2, Per: time.Hour}, CreateAddress: web.Rate{N: 100, Per: time.Hour}, TokenAccount: web.Rate{N: 3, Per: time.Minute}}
	})
	for i := range 4 {
		if st, b := s.anon(t).do("POST", "/api/login", map[string]string{"login": "grid1", "password": "wrong-password-1"}); st != 401 {
			t.Fatalf("try %d: %d %s", i, st, b)
		}
	}
	c := s.anon(t)
	req, _ := http.NewRequest("POST", s.URL+"/api/login", strings.NewReader(`{"login":"grid1","password":"`+demoPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "15" || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), `"code":"too_many"`) {
		t.Fatalf("fifth try: %d %v %s", res.StatusCode, res.Header, body)
	}
	// The page says so too, beside the form.
	if r := s.anon(t).postForm("/login", url.Values{"login": {"grid1"}, "password": {demoPassword}}); r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
		t.Errorf("form: %d", r.StatusCode)
	}
	// Another account is not affected.
	s.login(t, "xueyuan")
	s.Clock.Advance(time.Minute)
	s.login(t, "grid1")

	// Reports: two an hour per account.
	r := s.login(t, "resident")
	var home int64
	if err := s.DB.QueryRow(context.Background(), `SELECT household_id FROM grants g JOIN accounts a ON a.id = g.account_id WHERE a.username = 'resident'`).Scan(&home); err != nil {
		t.Fatal(err)
	}
	report := map[string]any{"category": "water_leak", "title": "天花板渗水", "household_id": home}
	for i := range 2 {
		if st, b := r.do("POST", "/api/cases", report); st != 201 {
			t.Fatalf("report %d: %d %s", i, st, b)
		}
	}
	pr, _ := wantProblem(t, r, "POST", "/api/cases", report, 429)
	if pr.Code != "too_many" {
		t.Errorf("third report: %+v", pr)
	}
	// With an API token: the token limit (three a minute), not the
	// report limit.
	var tok struct{ Token string }
	if st := s.login(t, "xueyuan").json("POST", "/api/tokens", map[string]string{"name": "x"}, &tok); st != 201 {
		t.Fatal(st)
	}
	tc := bearer(s, t, tok.Token)
	for i := range 3 {
		if st, _ := tc.do("GET", "/api/me", nil); st != 200 {
			t.Fatalf("token call %d: %d", i, st)
		}
	}
	wantProblem(t, tc, "GET", "/api/me", nil, 429)

	st, metrics := s.anon(t).do("GET", "/metrics", nil)
	for _, name := range []string{"login_account", "create_account", "token_account"} {
		if !strings.Contains(string(metrics), `linli_rate_limited_total{limit="`+name+`"}`) {
			t.Errorf("/metrics (%d) has no %s", st, name)
		}
	}
}

// accountID is the id of a demo account.
func accountID(t *testing.T, s *testServer, username string) int64 {
	t.Helper()
	id, err := s.Auth.FindAccount(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The retention only goes up: a period under 180 days stops the start
// with an error naming the minimum, from the flag, the variable and the
// configuration alike; bad limits and roles are refused too.
func TestHardeningFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--audit-retention-days", "90"}, {"--audit-retention-days", "179"},
	} {
		err := run(context.Background(), append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, args...), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "legal minimum of 180 days") {
			t.Errorf("%v: %v", args, err)
		}
	}
	t.Setenv("LINLI_AUDIT_RETENTION_DAYS", "30")
	if err := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "LINLI_AUDIT_RETENTION_DAYS") {
		t.Errorf("variable: %v", err)
	}
	t.Setenv("LINLI_AUDIT_RETENTION_DAYS", "")
	os.Unsetenv("LINLI_AUDIT_RETENTION_DAYS")
	for _, args := range [][]string{
		{"--limit-login-account", "ten/m"}, {"--totp-required", "street_staff,mayor"}, {"--trusted-proxy", "10.0.0.0/99"},
	} {
		err := run(context.Background(), append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, args...), io.Discard, io.Discard)
		if err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	// Opening with a shorter period in the configuration fails too.
	m, _ := newTestMain(t, nil)
	m.Config.Hardening.AuditRetention = 100 * 24 * time.Hour
	if err := m.Open(context.Background()); err == nil || !strings.Contains(err.Error(), "180") {
		t.Errorf("Open: %v", err)
	}
	m.Close()
	// The flags set what they say.
	cfg := DefaultConfig()
	f := newFlags("serve", io.Discard)
	f.hardening(&cfg)
	if err := f.Parse([]string{"--totp-required", "none", "--limit-token-account", "100/s", "--audit-retention-days", "365"}); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Policy.FactorRoles) != 0 || cfg.Hardening.Limits.TokenAccount != (web.Rate{N: 100, Per: time.Second}) || cfg.Hardening.AuditRetention != 365*24*time.Hour {
		t.Errorf("parsed %+v %+v", cfg.Policy.FactorRoles, cfg.Hardening)
	}
	if d := DefaultConfig(); len(d.Policy.FactorRoles) != 2 || d.Hardening.AuditRetention != 180*24*time.Hour || !d.Hardening.Limits.TokenAccount.Off() || d.Hardening.Limits.LoginAccount.Off() {
		t.Errorf("defaults %+v %+v", d.Policy.FactorRoles, d.Hardening)
	}
}
