package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"linli/auth"
)

// This file tests logging in, lockouts, session timeouts, API tokens,
// account creation, role delegation and CSRF through the real server.

// tryLogin posts a login and returns the status and the client (logged in
// when the status is 200).
func tryLogin(t *testing.T, s *testServer, login, password string) (int, *client, []byte) {
	t.Helper()
	c := s.anon(t)
	st, b := c.do("POST", "/api/login", map[string]string{"login": login, "password": password})
	return st, c, b
}

// bearer is a client that sends a token instead of a cookie.
func bearer(s *testServer, t *testing.T, token string) *client {
	c := s.anon(t)
	c.http.Jar = nil
	c.http.Transport = tokenTransport(token)
	return c
}

type tokenTransport string

func (tok tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(tok))
	return http.DefaultTransport.RoundTrip(r)
}

type me struct {
	AccountID int64  `json:"account_id"`
	Username  string `json:"username"`
}

func TestAuthAPI(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		p := demoPlaces(t, s)
		phoneOf := func(user string) string {
			for _, a := range s.Data.Accounts {
				if a.Username == user {
					return a.Phone
				}
			}
			t.Fatalf("no demo account %s", user)
			return ""
		}

		t.Run("login", func(t *testing.T) {
			for _, login := range []string{"xueyuan", phoneOf("xueyuan"), " xueyuan "} {
				st, c, b := tryLogin(t, s, login, demoPassword)
				if st != 200 {
					t.Fatalf("login as %q: %d %s", login, st, b)
				}
				var m me
				wantStatus(t, c, "GET", "/api/me", nil, 200, &m)
				if m.Username != "xueyuan" {
					t.Errorf("login as %q: /api/me says %+v", login, m)
				}
			}
			for _, tc := range []struct{ login, password string }{
				{"xueyuan", "Linli-demo-2025"}, {"xueyuan", strings.ToUpper(demoPassword)}, {"nobody", demoPassword}, {phoneOf("grid1"), "wrong-password-1"},
			} {
				c := s.anon(t)
				pr, _ := wantProblem(t, c, "POST", "/api/login", map[string]string{"login": tc.login, "password": tc.password}, 401)
				if pr.Code != "unauthorized" {
					t.Errorf("bad login %q: code %q", tc.login, pr.Code)
				}
				wantProblem(t, c, "GET", "/api/me", nil, 401)
			}
			wantProblem(t, s.anon(t), "POST", "/api/login", map[string]string{"login": "xueyuan"}, 422)
			wantProblem(t, s.anon(t), "GET", "/api/me", nil, 401)
			// Logging out ends the session.
			c := s.login(t, "xueyuan")
			if st, _ := c.do("POST", "/api/logout", nil); st != 204 {
				t.Errorf("logout: %d", st)
			}
			wantProblem(t, c, "GET", "/api/me", nil, 401)
		})

		t.Run("lockout", func(t *testing.T) {
			for i := 1; i <= 5; i++ {
				if st, _, b := tryLogin(t, s, "volunteer", fmt.Sprintf("Wrong-pass-%d", i)); st != 401 {
					t.Fatalf("failure %d: %d %s", i, st, b)
				}
			}
			pr, _ := wantProblem(t, s.anon(t), "POST", "/api/login", map[string]string{"login": "volunteer", "password": demoPassword}, 429)
			if pr.Code != "too_many" {
				t.Errorf("locked login: code %q", pr.Code)
			}
			// The lock is on the login name: other accounts are unaffected.
			if st, _, _ := tryLogin(t, s, "property", demoPassword); st != 200 {
				t.Errorf("another account during the lockout: %d", st)
			}
			s.Clock.Advance(14 * time.Minute)
			if st, _, _ := tryLogin(t, s, "volunteer", demoPassword); st != 429 {
				t.Errorf("right password 14 minutes into the lockout: %d, want 429", st)
			}
			s.Clock.Advance(2 * time.Minute)
			if st, _, b := tryLogin(t, s, "volunteer", demoPassword); st != 200 {
				t.Errorf("right password after 16 minutes: %d %s", st, b)
			}
			// A success clears the count: four more failures do not lock.
			for i := 1; i <= 4; i++ {
				tryLogin(t, s, "volunteer", "Wrong-pass-0")
			}
			if st, _, _ := tryLogin(t, s, "volunteer", demoPassword); st != 200 {
				t.Errorf("after 4 failures following a success: %d, want 200", st)
			}
			// Failures spread wider than the window do not add up.
			for i := 1; i <= 4; i++ {
				tryLogin(t, s, "dept", "Wrong-pass-0")
			}
			s.Clock.Advance(16 * time.Minute)
			tryLogin(t, s, "dept", "Wrong-pass-0")
			if st, _, _ := tryLogin(t, s, "dept", demoPassword); st != 200 {
				t.Errorf("5 failures over 16 minutes locked the login: %d", st)
			}
		})

		t.Run("tokens", func(t *testing.T) {
			c := s.login(t, "grid1")
			var out struct{ Token string }
			wantStatus(t, c, "POST", "/api/tokens", map[string]string{"name": "巡查App"}, 201, &out)
			if out.Token == "" {
				t.Fatal("no token")
			}
			wantProblem(t, c, "POST", "/api/tokens", map[string]string{"name": " "}, 422)
			b := bearer(s, t, out.Token)
			var m me
			wantStatus(t, b, "GET", "/api/me", nil, 200, &m)
			if m.Username != "grid1" {
				t.Errorf("token /api/me: %+v", m)
			}
			// The token carries grid1's scope, no more.
			wantStatus(t, b, "GET", fmt.Sprintf("/api/households/%d", p.hh602), nil, 200, nil)
			wantProblem(t, b, "GET", fmt.Sprintf("/api/households/%d", p.jxHH402), nil, 404)
			for _, bad := range []string{"garbage", out.Token + "x", "lnl_", strings.TrimPrefix(out.Token, "lnl_")} {
				wantProblem(t, bearer(s, t, bad), "GET", "/api/me", nil, 401)
			}
			// A bad token is not rescued by a good session cookie.
			res, body := c.call("GET", "/api/me", nil, http.Header{"Authorization": {"Bearer garbage"}})
			if res.StatusCode != 401 {
				t.Errorf("bad token with a good cookie: %d %s", res.StatusCode, body)
			}
			// Revoking ends the token at once (the actor cache is cleared).
			var list struct {
				Tokens []struct {
					ID   int64  `json:"id"`
					Name string `json:"name"`
				} `json:"tokens"`
			}
			wantStatus(t, c, "GET", "/api/tokens", nil, 200, &list)
			if len(list.Tokens) == 0 {
				t.Fatal("token not listed")
			}
			for _, tk := range list.Tokens {
				wantStatus(t, c, "DELETE", fmt.Sprintf("/api/tokens/%d", tk.ID), nil, 204, nil)
			}
			wantProblem(t, c, "DELETE", fmt.Sprintf("/api/tokens/%d", list.Tokens[0].ID), nil, 404)
			wantProblem(t, b, "GET", "/api/me", nil, 401)
			wantProblem(t, bearer(s, t, ""), "GET", "/api/me", nil, 401)
		})

		t.Run("accounts and grants", func(t *testing.T) {
			xueyuan := s.login(t, "xueyuan")
			const pw = "Wangge-2026-new"
			for _, tc := range []struct {
				body  map[string]any
				field string
			}{
				{map[string]any{"username": "newgrid", "display_name": "新网格员", "password": "Ab1-short"}, "password"},
				{map[string]any{"username": "newgrid", "display_name": "新网格员", "password": "no-digits-at-all"}, "password"},
				{map[string]any{"username": "newgrid", "display_name": "新网格员", "password": "1234567890123"}, "password"},
				{map[string]any{"username": "newgrid", "display_name": "新网格员", "password": "NewGrid-2026", "phone": "NewGrid-2026"}, "phone"},
				{map[string]any{"username": "x", "display_name": "新网格员", "password": pw}, "username"},
				{map[string]any{"username": "newgrid", "display_name": "", "password": pw}, "display_name"},
			} {
				pr, _ := wantProblem(t, xueyuan, "POST", "/api/accounts", tc.body, 422)
				if !pr.hasField(tc.field) {
					t.Errorf("account %v: errors %+v, want %s", tc.body, pr.Errors, tc.field)
				}
			}
			pr, _ := wantProblem(t, xueyuan, "POST", "/api/accounts", map[string]any{"username": "xueyuan", "display_name": "重名", "password": pw}, 409)
			if !pr.hasField("username") {
				t.Errorf("duplicate username: %+v", pr.Errors)
			}
			wantProblem(t, s.login(t, "grid1"), "POST", "/api/accounts", map[string]any{"username": "newgrid", "display_name": "新网格员", "password": pw}, 403)

			var acc auth.Account
			wantStatus(t, xueyuan, "POST", "/api/accounts", map[string]any{"username": "newgrid", "display_name": "新网格员", "password": pw, "phone": "13900006666"}, 201, &acc)
			if acc.Phone != "139****6666" {
				t.Errorf("account phone shown as %q", acc.Phone)
			}
			grants := fmt.Sprintf("/api/accounts/%d/grants", acc.ID)
			for _, g := range []struct {
				role string
				node int64
			}{
				{"admin", p.xueyuan}, {"street_staff", p.xueyuan}, {"street_staff", p.street}, {"community_staff", p.xueyuan}, {"grid_worker", p.street},
			} {
				wantProblem(t, xueyuan, "POST", grants, map[string]any{"role": g.role, "node_id": g.node}, 403)
			}
			// Places of another community answer like unknown ones (422 on
			// the field), so their ids cannot be probed.
			for _, node := range []int64{p.jxGrid, p.jixiang, p.jxB1} {
				wantProblem(t, xueyuan, "POST", grants, map[string]any{"role": "grid_worker", "node_id": node}, 422)
			}
			wantProblem(t, xueyuan, "POST", grants, map[string]any{"role": "resident", "household_id": p.jxHH402}, 422)
			wantProblem(t, xueyuan, "POST", grants, map[string]any{"role": "emperor", "node_id": p.xueyuan}, 422)
			wantStatus(t, xueyuan, "POST", grants, map[string]any{"role": "grid_worker", "node_id": p.xyGrid2}, 201, &acc)
			if len(acc.Grants) != 1 || acc.Grants[0].Role != "grid_worker" || acc.Grants[0].NodeID != p.xyGrid2 {
				t.Fatalf("grants after granting: %+v", acc.Grants)
			}
			wantProblem(t, xueyuan, "POST", grants, map[string]any{"role": "grid_worker", "node_id": p.xyGrid2}, 409)
			if !hasAction(auditEntries(t, xueyuan, "action=grant.create"), "grant.create", acc.ID) {
				t.Errorf("no grant.create audit entry")
			}

			// The new grid worker reads 第二网格 and nothing else.
			st, ng, b := tryLogin(t, s, "newgrid", pw)
			if st != 200 {
				t.Fatalf("new account login: %d %s", st, b)
			}
			var list struct{ Households []struct{ Path string } }
			wantStatus(t, ng, "GET", "/api/households?limit=500", nil, 200, &list)
			grid2 := nodePath(t, s, p.xyGrid2)
			if len(list.Households) == 0 {
				t.Errorf("the new grid worker sees no households")
			}
			for _, h := range list.Households {
				if !strings.HasPrefix(h.Path, grid2) {
					t.Errorf("the new grid worker sees a household at %s", h.Path)
				}
			}
			wantProblem(t, ng, "GET", fmt.Sprintf("/api/households/%d", p.hh602), nil, 404)

			// The other community's accounts are out of view: 404, so ids tell nothing.
			jx, err := s.Auth.FindAccount(context.Background(), "jxgrid")
			if err != nil {
				t.Fatal(err)
			}
			wantProblem(t, xueyuan, "GET", fmt.Sprintf("/api/accounts/%d", jx), nil, 404)
			wantProblem(t, xueyuan, "POST", fmt.Sprintf("/api/accounts/%d/password", jx), map[string]any{"password": "Taken-over-2026"}, 404)
			wantProblem(t, xueyuan, "POST", fmt.Sprintf("/api/accounts/%d/disable", jx), map[string]any{"disabled": true}, 404)
			wantProblem(t, xueyuan, "POST", fmt.Sprintf("/api/accounts/%d/grants", jx), map[string]any{"role": "grid_worker", "node_id": p.xyGrid2}, 404)
			if st, _, _ := tryLogin(t, s, "jxgrid", demoPassword); st != 200 {
				t.Errorf("jxgrid cannot log in after the refused takeover: %d", st)
			}
			var accs struct{ Accounts []auth.Account }
			wantStatus(t, xueyuan, "GET", "/api/accounts", nil, 200, &accs)
			for _, a := range accs.Accounts {
				if a.Username == "jxgrid" || a.Username == "jixiang" || a.Username == "admin" {
					t.Errorf("学苑社区 staff list the account %s", a.Username)
				}
			}

			// Disabling the account ends its session at once.
			wantStatus(t, xueyuan, "POST", fmt.Sprintf("/api/accounts/%d/disable", acc.ID), map[string]any{"disabled": true}, 200, nil)
			wantProblem(t, ng, "GET", "/api/me", nil, 401)
			if st, _, _ := tryLogin(t, s, "newgrid", pw); st != 401 {
				t.Errorf("a disabled account logs in: %d", st)
			}
		})

		t.Run("csrf", func(t *testing.T) {
			c := s.login(t, "xueyuan")
			body := map[string]any{"parent_id": p.xueyuan, "kind": "grid", "name": "跨站网格"}
			cross := http.Header{"Content-Type": {"application/json"}, "Origin": {"http://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
			res, b := c.call("POST", "/api/nodes", jsonBody(body), cross)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("cross-site POST /api/nodes: %d %s", res.StatusCode, b)
			}
			res, _ = c.call("POST", "/api/nodes", jsonBody(body), http.Header{"Content-Type": {"application/json"}, "Origin": {"http://evil.example"}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("POST /api/nodes from another origin: %d", res.StatusCode)
			}
			res, _ = c.call("POST", "/logout", nil, http.Header{"Sec-Fetch-Site": {"cross-site"}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("cross-site POST /logout: %d", res.StatusCode)
			}
			if _, err := s.Registry.FindNode(context.Background(), []string{"运城市", "盐湖区", "东城街道", "学苑社区", "跨站网格"}); err == nil {
				t.Errorf("a cross-site request created a node")
			}
			wantStatus(t, c, "GET", "/api/me", nil, 200, nil) // still logged in
			// The same request from the site itself goes through.
			res, b = c.call("POST", "/api/nodes", jsonBody(body), http.Header{"Content-Type": {"application/json"}, "Origin": {s.URL}, "Sec-Fetch-Site": {"same-origin"}})
			if res.StatusCode != http.StatusCreated {
				t.Errorf("same-origin POST /api/nodes: %d %s", res.StatusCode, b)
			}
			// Reads are not blocked.
			res, _ = c.call("GET", "/api/me", nil, cross)
			if res.StatusCode != 200 {
				t.Errorf("cross-site GET /api/me: %d", res.StatusCode)
			}
		})

		// Last: it moves the clock two hours on.
		t.Run("idle timeout", func(t *testing.T) {
			c := s.login(t, "xueyuan")
			var out struct{ Token string }
			wantStatus(t, c, "POST", "/api/tokens", map[string]string{"name": "夜间同步"}, 201, &out)
			// Use keeps a session alive...
			for range 2 {
				s.Clock.Advance(time.Hour + 59*time.Minute)
				wantStatus(t, c, "GET", "/api/me", nil, 200, nil)
			}
			// ...two hours without use end it.
			s.Clock.Advance(2*time.Hour + time.Minute)
			wantProblem(t, c, "GET", "/api/me", nil, 401)
			wantProblem(t, c, "GET", fmt.Sprintf("/api/households/%d", p.hh602), nil, 401)
			if st, _ := c.do("GET", "/households", nil); st != http.StatusSeeOther {
				t.Errorf("page after the timeout: %d, want a redirect to the login", st)
			}
			// Tokens have no idle timeout; logging in again works.
			wantStatus(t, bearer(s, t, out.Token), "GET", "/api/me", nil, 200, nil)
			if st, _, _ := tryLogin(t, s, "xueyuan", demoPassword); st != 200 {
				t.Errorf("login after the timeout: %d", st)
			}
			// A session ends after 7 days however busy it is.
			c = s.login(t, "xueyuan")
			for d := 100 * time.Minute; d <= 7*24*time.Hour; d += 100 * time.Minute {
				s.Clock.Advance(100 * time.Minute)
				if st, _ := c.do("GET", "/api/me", nil); st != 200 {
					t.Fatalf("busy session ended after %s: %d", d, st)
				}
			}
			s.Clock.Advance(100 * time.Minute)
			wantProblem(t, c, "GET", "/api/me", nil, 401)
		})
	})
}
