package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/auth"
)

// This file tests, through the real server, the account rules of the
// "trust" work: redirect targets after login, who sees role-less accounts,
// creating an account with its first role, and what password changes end.

// post sends a form and returns the response (redirects are not followed).
func (c *client) postForm(path string, v url.Values) *http.Response {
	c.t.Helper()
	req, err := http.NewRequest("POST", c.base+path, strings.NewReader(v.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func (c *client) getRes(path string) *http.Response {
	c.t.Helper()
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// TestAuthTrustNext: the login, the language switch and the bell send the
// browser only to clean paths on this site.
func TestAuthTrustNext(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	bad := []string{"/\t/evil.example", "/%09/evil.example", "//evil.example", "/\\evil.example", "/\r\n/evil.example", "https://evil.example/", "/%5Cevil.example", "/%2F%2Fevil.example"}
	good := "/cases?state=open"
	check := func(what string, res *http.Response, want string) {
		t.Helper()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want 303 to %q", what, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	for _, next := range append(bad, good) {
		want := "/"
		if next == good {
			want = good
		}
		res := s.anon(t).postForm("/login", url.Values{"login": {"xueyuan"}, "password": {demoPassword}, "next": {next}})
		check(fmt.Sprintf("POST /login next=%q", next), res, want)
		c := s.login(t, "xueyuan")
		check(fmt.Sprintf("GET /login?next=%q logged in", next), c.getRes("/login?next="+url.QueryEscape(next)), want)
		check(fmt.Sprintf("POST /lang next=%q", next), c.postForm("/lang", url.Values{"lang": {"zh"}, "next": {next}}), want)
		if next != good {
			want = "/notifications"
		}
		check(fmt.Sprintf("POST /notifications/read next=%q", next), c.postForm("/notifications/read", url.Values{"next": {next}}), want)
	}
}

// TestAuthTrustAccounts: role-less accounts stay with the place that made
// them; one step creates an account with its first role; lockout is per
// account; resets and "sign out everywhere" end API tokens.
func TestAuthTrustAccounts(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		p := demoPlaces(t, s)
		xueyuan, jixiang, admin := s.login(t, "xueyuan"), s.login(t, "jixiang"), s.login(t, "admin")

		t.Run("role-less account", func(t *testing.T) {
			var acc auth.Account
			wantStatus(t, xueyuan, "POST", "/api/accounts", map[string]any{"username": "roleless", "display_name": "待定", "password": "Roleless-2026"}, 201, &acc)
			path := fmt.Sprintf("/api/accounts/%d", acc.ID)
			wantProblem(t, jixiang, "GET", path, nil, 404)
			wantProblem(t, jixiang, "POST", path+"/password", map[string]any{"password": "Taken-over-2026"}, 404)
			wantProblem(t, jixiang, "POST", path+"/disable", map[string]any{"disabled": true}, 404)
			wantProblem(t, jixiang, "POST", path+"/grants", map[string]any{"role": "grid_worker", "node_id": p.jxGrid}, 404)
			if res := jixiang.getRes(fmt.Sprintf("/users/%d", acc.ID)); res.StatusCode != 404 {
				t.Errorf("吉祥社区 staff open the page of 学苑社区's new account: %d", res.StatusCode)
			}
			if st, _, _ := tryLogin(t, s, "roleless", "Roleless-2026"); st != 200 {
				t.Errorf("the new account's password was changed by the refused reset: %d", st)
			}
			wantStatus(t, xueyuan, "GET", path, nil, 200, nil)
			wantStatus(t, admin, "GET", path, nil, 200, nil)
			if res := xueyuan.getRes(fmt.Sprintf("/users/%d", acc.ID)); res.StatusCode != 200 {
				t.Errorf("the creating community opens the page: %d", res.StatusCode)
			}
			// Granted and revoked again, it stays 学苑社区's.
			wantStatus(t, xueyuan, "POST", path+"/grants", map[string]any{"role": "grid_worker", "node_id": p.xyGrid2}, 201, &acc)
			wantStatus(t, xueyuan, "DELETE", fmt.Sprintf("%s/grants/%d", path, acc.Grants[0].ID), nil, 200, &acc)
			wantProblem(t, jixiang, "GET", path, nil, 404)
			wantProblem(t, jixiang, "POST", path+"/password", map[string]any{"password": "Taken-over-2026"}, 404)
			wantStatus(t, xueyuan, "GET", path, nil, 200, nil)
		})

		t.Run("create with first role", func(t *testing.T) {
			var acc auth.Account
			wantStatus(t, xueyuan, "POST", "/api/accounts", map[string]any{"username": "onestep", "display_name": "一步到位", "password": "Onestep-2026",
				"grant": map[string]any{"role": "grid_worker", "node_id": p.xyGrid1}}, 201, &acc)
			if len(acc.Grants) != 1 || acc.Grants[0].NodeID != p.xyGrid1 || acc.Grants[0].Role != "grid_worker" {
				t.Errorf("API: grants of the new account %+v", acc.Grants)
			}
			wantProblem(t, xueyuan, "POST", "/api/accounts", map[string]any{"username": "elsewhere", "display_name": "越权", "password": "Elsewhere-2026",
				"grant": map[string]any{"role": "grid_worker", "node_id": p.jxGrid}}, 422)
			if _, err := s.Auth.FindAccount(context.Background(), "elsewhere"); err == nil {
				t.Errorf("a refused first role left the account behind")
			}
			// The users page creates the account and its role in one form.
			if res := xueyuan.getRes("/users"); res.StatusCode != 200 {
				t.Fatalf("GET /users: %d", res.StatusCode)
			}
			if st, b := xueyuan.do("GET", "/users", nil); st != 200 || !strings.Contains(string(b), `data-test="first-role"`) || !strings.Contains(string(b), `name="node_id"`) {
				t.Errorf("the new-account form has no first role: %d", st)
			}
			res := xueyuan.postForm("/users", url.Values{"display_name": {"表单新人"}, "username": {"formmade"}, "password": {"Formmade-2026"},
				"role": {"building_head"}, "node_id": {fmt.Sprint(p.huicuiB1)}})
			id, err := s.Auth.FindAccount(context.Background(), "formmade")
			if err != nil {
				t.Fatalf("form: %d %s, account: %v", res.StatusCode, res.Header.Get("Location"), err)
			}
			if loc := res.Header.Get("Location"); res.StatusCode != 303 || strings.TrimSuffix(strings.SplitN(loc, "?", 2)[0], "/") != fmt.Sprintf("/users/%d", id) {
				t.Errorf("form: %d to %q", res.StatusCode, loc)
			}
			wantStatus(t, xueyuan, "GET", fmt.Sprintf("/api/accounts/%d", id), nil, 200, &acc)
			if len(acc.Grants) != 1 || acc.Grants[0].NodeID != p.huicuiB1 || acc.Grants[0].Role != "building_head" {
				t.Errorf("form: grants of the new account %+v", acc.Grants)
			}
			// A refused role: the form shows it next to the field, nothing is created.
			res = xueyuan.postForm("/users", url.Values{"display_name": {"表单新人"}, "username": {"formbad"}, "password": {"Formmade-2026"},
				"role": {"resident"}, "node_id": {fmt.Sprint(p.huicuiB1)}})
			if res.StatusCode != 422 {
				t.Errorf("form with a resident and no household: %d", res.StatusCode)
			}
			if _, err := s.Auth.FindAccount(context.Background(), "formbad"); err == nil {
				t.Errorf("a refused form left the account behind")
			}
		})

		t.Run("lockout by username and phone", func(t *testing.T) {
			var phone string
			for _, a := range s.Data.Accounts {
				if a.Username == "grid1" {
					phone = a.Phone
				}
			}
			for i := range 5 {
				login := []string{"grid1", phone}[i%2]
				if st, _, b := tryLogin(t, s, login, "Wrong-pass-1"); st != 401 {
					t.Fatalf("failure %d: %d %s", i+1, st, b)
				}
			}
			for _, login := range []string{"grid1", phone} {
				if st, _, _ := tryLogin(t, s, login, demoPassword); st != 429 {
					t.Errorf("right password as %s after 5 failures by username and phone: %d, want 429", login, st)
				}
			}
		})

		t.Run("tokens and password changes", func(t *testing.T) {
			newToken := func(c *client) string {
				var out struct{ Token string }
				wantStatus(t, c, "POST", "/api/tokens", map[string]string{"name": "对接"}, 201, &out)
				return out.Token
			}
			// An administrator's reset revokes the tokens.
			vol := s.login(t, "volunteer")
			tok := newToken(vol)
			id, _ := s.Auth.FindAccount(context.Background(), "volunteer")
			wantStatus(t, xueyuan, "POST", fmt.Sprintf("/api/accounts/%d/password", id), map[string]any{"password": "Reset-by-staff-2026"}, 204, nil)
			wantProblem(t, bearer(s, t, tok), "GET", "/api/me", nil, 401)
			wantProblem(t, vol, "GET", "/api/me", nil, 401)

			// The owner's change: other sessions end, this one and the tokens stay...
			login := func() *client {
				st, c, b := tryLogin(t, s, "volunteer", "Reset-by-staff-2026")
				if st != 200 {
					t.Fatalf("login: %d %s", st, b)
				}
				return c
			}
			here, there := login(), login()
			tok = newToken(here)
			res := here.postForm("/account/password", url.Values{"old_password": {"Reset-by-staff-2026"}, "password": {"Own-change-2026"}})
			if res.StatusCode != 303 || strings.SplitN(res.Header.Get("Location"), "?", 2)[0] != "/account" {
				t.Errorf("plain change: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			wantStatus(t, here, "GET", "/api/me", nil, 200, nil)
			wantProblem(t, there, "GET", "/api/me", nil, 401)
			wantStatus(t, bearer(s, t, tok), "GET", "/api/me", nil, 200, nil)
			// ...and "sign out everywhere" ends this session and the tokens too.
			res = here.postForm("/account/password", url.Values{"old_password": {"Own-change-2026"}, "password": {"Own-change-2027"}, "sign_out_everywhere": {"1"}})
			if res.StatusCode != 303 || res.Header.Get("Location") != "/login" {
				t.Errorf("sign out everywhere: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			wantProblem(t, here, "GET", "/api/me", nil, 401)
			wantProblem(t, bearer(s, t, tok), "GET", "/api/me", nil, 401)
			if st, _, _ := tryLogin(t, s, "volunteer", "Own-change-2027"); st != 200 {
				t.Errorf("login with the new password: %d", st)
			}

			// The same through the API.
			here, there = login2(t, s, "Own-change-2027"), login2(t, s, "Own-change-2027")
			tok = newToken(here)
			pr, _ := wantProblem(t, here, "POST", "/api/account/password", map[string]any{"old_password": "Wrong-old-2026", "password": "Api-change-2028"}, 422)
			if !pr.hasField("old_password") {
				t.Errorf("wrong current password: %+v", pr.Errors)
			}
			wantStatus(t, here, "POST", "/api/account/password", map[string]any{"old_password": "Own-change-2027", "password": "Api-change-2028"}, 204, nil)
			wantStatus(t, here, "GET", "/api/me", nil, 200, nil)
			wantProblem(t, there, "GET", "/api/me", nil, 401)
			wantStatus(t, bearer(s, t, tok), "GET", "/api/me", nil, 200, nil)
			wantStatus(t, here, "POST", "/api/account/password", map[string]any{"old_password": "Api-change-2028", "password": "Api-change-2029", "sign_out_everywhere": true}, 204, nil)
			wantProblem(t, here, "GET", "/api/me", nil, 401)
			wantProblem(t, bearer(s, t, tok), "GET", "/api/me", nil, 401)
		})
	})
}

// login2 logs the volunteer in with a password.
func login2(t *testing.T, s *testServer, password string) *client {
	t.Helper()
	st, c, b := tryLogin(t, s, "volunteer", password)
	if st != 200 {
		t.Fatalf("login: %d %s", st, b)
	}
	return c
}
