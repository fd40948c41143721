package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"linli"
	"linli/web"
	"linli/web/webtest"
)

var staff = &linli.Actor{AccountID: 7, Username: "xueyuan", DisplayName: "学苑社区", Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodePath: "/1/2/"}}}

// thingsServer registers one route of each kind: an API and a page that
// need a login, and a public handler.
func thingsServer(t *testing.T) *webtest.Server {
	s := webtest.New(t)
	s.Router.API("GET /api/things/{id}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "actor": web.ActorFrom(r.Context()).Username})
		return nil
	})
	s.Router.Page("GET /things", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		_, err := io.WriteString(w, "things of "+web.ActorFrom(r.Context()).Username)
		return err
	})
	s.Router.Handle("GET /open", web.Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := "anonymous"
		if a := web.ActorFrom(r.Context()); a != nil {
			name = a.Username
		}
		_, _ = io.WriteString(w, name)
	}))
	return s
}

// A LoggedIn route refuses a visitor: a program (an /api/ path or a
// bearer token) gets a 401 problem document, a browser the login page
// with the way back; Public routes serve anyone with the actor set when
// there is one.
func TestRouterAccess(t *testing.T) {
	s := thingsServer(t)
	anon := s.Anon(t)

	res := anon.Get("/api/things/1")
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("anonymous API call: %d, want 401: %s", res.Status, res)
	}
	if p := res.Problem(t); p.Code != linli.EUnauthorized {
		t.Errorf("anonymous API call: code %q, want %q", p.Code, linli.EUnauthorized)
	}

	res = anon.Get("/things?page=2")
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fthings%3Fpage%3D2" {
		t.Errorf("anonymous page: %d → %q, want 303 → /login?next=%%2Fthings%%3Fpage%%3D2", res.Status, res.Header.Get("Location"))
	}
	// A session the authenticator does not know is no session.
	res = anon.Do("GET", "/things", nil, http.Header{"Cookie": {web.SessionCookie + "=expired"}})
	if res.Status != http.StatusSeeOther {
		t.Errorf("page with an unknown session: %d, want 303 to the login page", res.Status)
	}
	// A program presenting a bad token learns so in JSON, even on a page.
	res = s.Bearer(t, "not-a-token").Get("/things")
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("page with an unknown bearer token: %d, want 401", res.Status)
	}
	res.Problem(t)

	for name, c := range map[string]*webtest.Client{"session": s.As(t, staff), "token": s.BearerAs(t, staff)} {
		var got struct {
			ID    int64
			Actor string
		}
		res := c.Get("/api/things/42")
		if res.Status != http.StatusOK {
			t.Fatalf("%s: GET /api/things/42: %d %s", name, res.Status, res)
		}
		res.Decode(t, &got)
		if got.ID != 42 || got.Actor != "xueyuan" {
			t.Errorf("%s: got %+v, want id 42 as xueyuan", name, got)
		}
		if res := c.Get("/things"); res.Status != http.StatusOK || res.String() != "things of xueyuan" {
			t.Errorf("%s: GET /things: %d %q", name, res.Status, res)
		}
		if res := c.Get("/open"); res.String() != "xueyuan" {
			t.Errorf("%s: a public route does not see the actor: %q", name, res)
		}
	}
	if res := anon.Get("/open"); res.Status != http.StatusOK || res.String() != "anonymous" {
		t.Errorf("public route, anonymous: %d %q", res.Status, res)
	}
	if got, want := s.Router.Patterns(), []string{"GET /api/things/{id}", "GET /things", "GET /open"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("patterns %q, want %q in registration order", got, want)
	}
}

// Requests are counted under the route pattern, never the path (one
// series per route, however many records), by status class; 4xx keep
// their status, so refusals can be told apart.
func TestRouterMetrics(t *testing.T) {
	s := thingsServer(t)
	c := s.As(t, staff)
	c.Get("/api/things/1")
	c.Get("/api/things/2")
	c.Get("/api/things/abc") // 404 from PathID
	s.Anon(t).Get("/api/things/3")
	s.Anon(t).Get("/things")

	fams, err := s.Metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]float64{}
	var observed uint64
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			switch f.GetName() {
			case "linli_http_requests_total":
				counts[label(m.GetLabel(), "route")+" "+label(m.GetLabel(), "code")] = m.GetCounter().GetValue()
			case "linli_http_request_duration_seconds":
				if label(m.GetLabel(), "route") == "GET /api/things/{id}" {
					observed = m.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	want := map[string]float64{
		"GET /api/things/{id} 2xx":          2,
		"GET /api/things/{id} Not Found":    1,
		"GET /api/things/{id} Unauthorized": 1,
		"GET /things 3xx":                   1,
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("request counts %v, want %v", counts, want)
	}
	if observed != 4 {
		t.Errorf("latency observations for GET /api/things/{id}: %d, want 4", observed)
	}
}

// label returns the value of the named label of a gathered metric.
func label[L interface {
	GetName() string
	GetValue() string
}](labels []L, name string) string {
	for _, l := range labels {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// An error returned by an API handler becomes a problem document with
// the status of its code; one returned by a page handler the error page
// with that status. Neither shows the cause of an internal error.
func TestRouterErrors(t *testing.T) {
	s := webtest.New(t)
	errs := map[string]error{
		"invalid":   linli.Invalid("请修正 / please correct", linli.FieldError{Field: "name", Reason: "必填 / required"}),
		"forbidden": linli.Errorf(linli.EForbidden, "无权操作 / not allowed"),
		"missing":   linli.Errorf(linli.ENotFound, "记录不存在 / not found"),
		"conflict":  linli.Errorf(linli.EConflict, "已存在 / already exists"),
		"internal":  fmt.Errorf("scanning row: pq: password=secret-cause"),
	}
	s.Router.API("GET /api/fail/{what}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return errs[r.PathValue("what")]
	})
	s.Router.Page("GET /fail/{what}", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return errs[r.PathValue("what")]
	})
	c := s.As(t, staff)
	for what, err := range errs {
		code := linli.ErrorCode(err)
		status := web.StatusOf(code)

		res := c.Get("/api/fail/" + what)
		if res.Status != status {
			t.Errorf("API %s: %d, want %d", what, res.Status, status)
			continue
		}
		p := res.Problem(t)
		if p.Code != code || p.Type != "https://linli.invalid/problems/"+code || p.Title != http.StatusText(status) {
			t.Errorf("API %s: problem %+v", what, p)
		}
		if strings.Contains(res.String(), "secret-cause") {
			t.Errorf("API %s: the problem shows the internal cause: %s", what, res)
		}

		res = c.Get("/fail/" + what)
		if res.Status != status || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("page %s: %d %q, want %d HTML", what, res.Status, res.Header.Get("Content-Type"), status)
		}
		if !strings.Contains(res.String(), `data-test="error"`) || !strings.Contains(res.String(), fmt.Sprintf(`<p class="error-code">%d</p>`, status)) {
			t.Errorf("page %s: not the error page with its status: %.300s", what, res)
		}
		if strings.Contains(res.String(), "secret-cause") {
			t.Errorf("page %s: the error page shows the internal cause", what)
		}
	}
	// A 422 names the field and why.
	p := c.Get("/api/fail/invalid").Problem(t)
	if len(p.Errors) != 1 || p.Errors[0].Field != "name" || p.Errors[0].Reason != "必填 / required" {
		t.Errorf("field errors %+v, want name: 必填 / required", p.Errors)
	}
	// The error page of a refusal says so in the page's language.
	if res := c.English().Get("/fail/forbidden"); !strings.Contains(res.String(), "Access denied") {
		t.Errorf("English 403 page: %.300s", res)
	}
}

// Form posts from another site are refused before any handler runs (the
// CSRF check the real server has); same-site posts go through.
func TestRouterCrossOrigin(t *testing.T) {
	s := webtest.New(t)
	s.Router.Page("POST /things", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		_, err := io.WriteString(w, "saved")
		return err
	})
	c := s.As(t, staff)
	if res := c.Do("POST", "/things", strings.NewReader("a=1"), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"cross-site"}}); res.Status != http.StatusForbidden {
		t.Errorf("cross-site form post: %d, want 403", res.Status)
	}
	if res := c.Do("POST", "/things", strings.NewReader("a=1"), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"same-origin"}}); res.Status != http.StatusOK || res.String() != "saved" {
		t.Errorf("same-origin form post: %d %q", res.Status, res)
	}
}

// keyring is an authenticator other than webtest's stand-in: one token.
type keyring struct{}

func (keyring) ActorForSession(ctx context.Context, tok string) (*linli.Actor, error) {
	return keyring{}.ActorForToken(ctx, tok)
}

func (keyring) ActorForToken(_ context.Context, tok string) (*linli.Actor, error) {
	if tok == "k-1" {
		return staff, nil
	}
	return nil, linli.Errorf(linli.EUnauthorized, "unknown")
}

// The router asks the authenticator it was given (as auth.Service is, in
// auth's own tests) for the session cookie and the bearer token.
func TestRouterAuthenticator(t *testing.T) {
	s := webtest.NewWithAuthenticator(t, keyring{})
	s.Router.API("GET /api/me", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		web.WriteJSON(w, http.StatusOK, web.ActorFrom(r.Context()).Username)
		return nil
	})
	if res := s.Bearer(t, "k-1").Get("/api/me"); res.Status != http.StatusOK || res.String() != "\"xueyuan\"\n" {
		t.Errorf("bearer k-1: %d %q", res.Status, res)
	}
	if res := s.Anon(t).Do("GET", "/api/me", nil, http.Header{"Cookie": {web.SessionCookie + "=k-1"}}); res.Status != http.StatusOK {
		t.Errorf("session k-1: %d", res.Status)
	}
	if res := s.Bearer(t, "k-2").Get("/api/me"); res.Status != http.StatusUnauthorized {
		t.Errorf("bearer k-2: %d, want 401", res.Status)
	}
}
