// Package webtest lets a capability test its own routes: a web.Router and
// web.Renderer built from the capability's pages (plus the shared layout),
// behind the same CSRF check the real server uses, served by httptest,
// with a stand-in authenticator that knows the actors the test hands it.
//
//	s := webtest.New(t, audit.Pages())
//	log.Routes(s.Router, s.Renderer)
//	res := s.As(staff).Get("/api/audit")
//	p := res.Problem(t) // the decoded problem document of a refusal
//
// What the capability does not own (the navigation of package home, the
// unread count of cases, the other capabilities' routes) is left out;
// a test that needs it sets it on Renderer. The whole server, with every
// capability wired together, is tested in cmd/linli.
package webtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"linli"
	"linli/web"
)

// Beijing is the display zone of the deployments (Asia/Shanghai, UTC+8
// without daylight saving since 1991), fixed so tests need no zone database.
var Beijing = time.FixedZone("CST", 8*3600)

// Server is a test HTTP server of one capability's routes.
type Server struct {
	URL      string
	Router   *web.Router
	Renderer *web.Renderer
	Metrics  *prometheus.Registry // the router's request counters and latencies
	Auth     *Authenticator       // the stand-in; nil under NewWithAuthenticator

	t      testing.TB
	mu     sync.Mutex
	missed []string
}

// New starts a server whose renderer holds the layout and pages; the test
// registers its routes on Router afterwards. Chinese text without English
// in any catalogue is collected (Untranslated) rather than failing, so a
// test decides whether it matters. The server stops when the test ends.
func New(t testing.TB, pages ...web.Pages) *Server {
	t.Helper()
	au := &Authenticator{tokens: map[string]*linli.Actor{}}
	s := NewWithAuthenticator(t, au, pages...)
	s.Auth = au
	return s
}

// NewWithAuthenticator is New with a real authenticator (auth.Service, for
// tests of logging in and sessions): clients then present what the login
// gave them (Anon, Bearer, Do with a Cookie header); As and BearerAs,
// which need the stand-in, fail the test.
func NewWithAuthenticator(t testing.TB, au web.Authenticator, pages ...web.Pages) *Server {
	t.Helper()
	render, err := web.NewRenderer(Beijing, pages...)
	if err != nil {
		t.Fatalf("webtest: renderer: %v", err)
	}
	s := &Server{Renderer: render, Metrics: prometheus.NewRegistry(), t: t}
	render.Untranslated = s.miss
	s.Router = web.NewRouter(au, render, s.Metrics)
	// As in cmd/linli: browsers' cross-origin state changes are refused.
	hs := httptest.NewServer(http.NewCrossOriginProtection().Handler(s.Router))
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

func (s *Server) miss(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.missed, text) {
		s.missed = append(s.missed, text)
	}
}

// Untranslated returns the Chinese texts rendered in English pages so far
// that no catalogue translates.
func (s *Server) Untranslated() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.missed)
}

// Authenticator is the stand-in for auth.Service: a token it issued (As)
// names its actor, as a session cookie or as a bearer token; anything else
// is refused as auth refuses it.
type Authenticator struct {
	mu     sync.Mutex
	tokens map[string]*linli.Actor
}

func (au *Authenticator) issue(a *linli.Actor) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	au.mu.Lock()
	au.tokens[tok] = a
	au.mu.Unlock()
	return tok
}

func (au *Authenticator) actor(tok string) (*linli.Actor, error) {
	au.mu.Lock()
	defer au.mu.Unlock()
	if a, ok := au.tokens[tok]; ok {
		return a, nil
	}
	return nil, linli.Errorf(linli.EUnauthorized, "会话无效 / invalid session")
}

// ActorForSession implements web.Authenticator.
func (au *Authenticator) ActorForSession(_ context.Context, tok string) (*linli.Actor, error) {
	return au.actor(tok)
}

// ActorForToken implements web.Authenticator.
func (au *Authenticator) ActorForToken(_ context.Context, tok string) (*linli.Actor, error) {
	return au.actor(tok)
}

// Client sends requests to the server as one actor (or nobody). It does
// not follow redirects, so a test sees the 303 and its Location.
type Client struct {
	s      *Server
	t      testing.TB
	cookie string // session cookie value; "" for none
	bearer string // Authorization: Bearer …; "" for none
	lang   string
}

// Anon is a client without a session.
func (s *Server) Anon(t testing.TB) *Client { return &Client{s: s, t: t} }

// As is a client logged in as a, like a browser with a session cookie.
func (s *Server) As(t testing.TB, a *linli.Actor) *Client {
	t.Helper()
	return &Client{s: s, t: t, cookie: s.issue(t, a)}
}

func (s *Server) issue(t testing.TB, a *linli.Actor) string {
	t.Helper()
	if s.Auth == nil {
		t.Fatal("webtest: As and BearerAs need the stand-in authenticator (New, not NewWithAuthenticator)")
	}
	return s.Auth.issue(a)
}

// Bearer is a client that presents token as an API token, like a program
// calling the API; a token that As or BearerAs did not issue is unknown.
func (s *Server) Bearer(t testing.TB, token string) *Client {
	return &Client{s: s, t: t, bearer: token}
}

// BearerAs is a client presenting a fresh API token of a.
func (s *Server) BearerAs(t testing.TB, a *linli.Actor) *Client {
	t.Helper()
	return &Client{s: s, t: t, bearer: s.issue(t, a)}
}

// English returns a copy of c that asks for English pages (the "lang"
// cookie the language switch sets).
func (c *Client) English() *Client {
	e := *c
	e.lang = "en"
	return &e
}

// Response is a finished exchange, body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	what   string
}

// Do sends a request; body may be nil.
func (c *Client) Do(method, path string, body io.Reader, header http.Header) *Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.s.URL+path, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: c.cookie})
	}
	if c.lang != "" {
		req.AddCookie(&http.Cookie{Name: "lang", Value: c.lang})
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b, what: method + " " + path}
}

// Get fetches a page or an API resource.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	return c.Do("GET", path, nil, nil)
}

// PostForm posts an HTML form.
func (c *Client) PostForm(path string, v url.Values) *Response {
	c.t.Helper()
	return c.Do("POST", path, strings.NewReader(v.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

// JSON sends body as JSON: a string or []byte as it is (for malformed
// input), anything else marshalled; nil sends no body.
func (c *Client) JSON(method, path string, body any) *Response {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
		r = bytes.NewReader(js)
	}
	var h http.Header
	if r != nil {
		h = http.Header{"Content-Type": {"application/json"}}
	}
	return c.Do(method, path, r, h)
}

// String returns the body as text.
func (r *Response) String() string { return string(r.Body) }

// Decode unmarshals a JSON body into v, failing the test unless the
// answer is JSON.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("%s: %d, not JSON (%v): %.300s", r.what, r.Status, err, r.Body)
	}
}

// Problem decodes a problem document, failing the test unless the answer
// is application/problem+json whose status matches the response's.
func (r *Response) Problem(t testing.TB) web.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s: %d with Content-Type %q, want a problem document: %.300s", r.what, r.Status, ct, r.Body)
	}
	var p web.Problem
	r.Decode(t, &p)
	if p.Status != r.Status {
		t.Errorf("%s: the problem says status %d, the response is %d", r.what, p.Status, r.Status)
	}
	return p
}

// SameAs fails the test unless r answers exactly like other: the same
// status and the same problem body. A record out of the caller's scope must
// answer like one that does not exist, so its id cannot be probed.
func (r *Response) SameAs(t testing.TB, other *Response) {
	t.Helper()
	r.Problem(t)
	if r.Status != other.Status || !bytes.Equal(r.Body, other.Body) {
		t.Errorf("%s answers %d %s; %s answers %d %s: an attacker tells them apart", r.what, r.Status, r.Body, other.what, other.Status, other.Body)
	}
}
