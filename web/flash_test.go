package web

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// flashServer serves /done, which posts back with a flash, and /page,
// which echoes what a page would show as its flash, read both ways.
func flashServer(t *testing.T) *httptest.Server {
	rt := NewRouter(nil, nil, nil)
	rt.Handle("POST /done", Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		RedirectFlash(w, r, "/page?tab=1#top", "已保存")
	}))
	rt.Handle("GET /page", Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(Flash(r) + "|" + r.URL.Query().Get("flash") + "|" + r.URL.Query().Get("tab")))
	}))
	rt.Handle("GET /other", Public, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(Flash(r) + "|" + r.URL.Query().Get("flash")))
	}))
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, c *http.Client, u string) (string, *http.Response) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String(), res
}

// A flash in the URL is never shown: anyone could link to any page with
// an official-looking banner of their own text.
func TestFlashNotFromURL(t *testing.T) {
	srv := flashServer(t)
	body, _ := get(t, srv.Client(), srv.URL+"/page?tab=1&flash="+url.QueryEscape("通知：请向13800000000转账"))
	if body != "||1" {
		t.Errorf("page saw %q, want no flash", body)
	}
}

// RedirectFlash's message is shown once, on the page it redirects to,
// and the address carries no text.
func TestFlashOnceFromServer(t *testing.T) {
	srv := flashServer(t)
	c := srv.Client()
	c.Jar = newJar(t)
	var loc string
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		loc = req.URL.String()
		return nil
	}
	res, err := c.Post(srv.URL+"/done", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 100)
	n, _ := res.Body.Read(b)
	res.Body.Close()
	if got := string(b[:n]); got != "已保存|已保存|1" {
		t.Errorf("page after the post saw %q", got)
	}
	if strings.Contains(loc, "flash") {
		t.Errorf("redirected to %q: the message is in the URL", loc)
	}
	if body, _ := get(t, c, srv.URL+"/page"); body != "||" {
		t.Errorf("second visit saw %q: a flash is shown once", body)
	}
}

// A flash cookie is shown only on its page and only when the server
// signed it.
func TestFlashCookieChecked(t *testing.T) {
	srv := flashServer(t)
	c := srv.Client()
	c.Jar = newJar(t)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Post(srv.URL+"/done", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if body, _ := get(t, c, srv.URL+"/other"); body != "|" {
		t.Errorf("another page saw %q", body)
	}
	u, _ := url.Parse(srv.URL)
	forged := sealFlash([]byte("not the server's key............."), "/page", "伪造")
	c.Jar.SetCookies(u, []*http.Cookie{{Name: flashCookie, Value: forged, Path: "/"}})
	if body, _ := get(t, c, srv.URL+"/page"); body != "||" {
		t.Errorf("forged cookie shown: %q", body)
	}
}

func newJar(t *testing.T) http.CookieJar {
	j, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return j
}
