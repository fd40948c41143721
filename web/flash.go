package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// A flash is the one-line message a page shows once after a form post
// ("已保存"). It travels in a cookie the server signs, never in the URL: a
// ?flash= parameter let anyone put any text, in the layout's official
// banner, on any page — the public happiness list included — through a
// link. RedirectFlash sets the cookie for the page it redirects to; the
// router takes it on that page's GET (once: the cookie is cleared) and
// drops any flash parameter a URL brings.
//
// The key is random per process, so with several replicas behind one
// address a flash can be lost when the GET after the redirect reaches
// another replica: the message is then not shown, which is harmless.

// flashCookie holds the signed message; it lives a minute at most.
const flashCookie = "linli_flash"

const flashMaxAge = 60

type flashKeyCtx struct{}
type flashCtx struct{}

func newFlashKey() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return k
}

// Flash returns the flash message of a request: the one the server set
// with RedirectFlash for this page, or "".
func Flash(r *http.Request) string {
	s, _ := r.Context().Value(flashCtx{}).(string)
	return s
}

func flashSign(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// sealFlash makes the cookie value for a message shown on path.
func sealFlash(key []byte, path, message string) string {
	payload := path + "\x00" + message
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + flashSign(key, payload)
}

// openFlash checks a cookie value and returns its page and message.
func openFlash(key []byte, v string) (path, message string, ok bool) {
	enc, sig, found := strings.Cut(v, ".")
	if !found {
		return "", "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || !hmac.Equal([]byte(sig), []byte(flashSign(key, string(b)))) {
		return "", "", false
	}
	path, message, ok = strings.Cut(string(b), "\x00")
	return path, message, ok
}

// takeFlash removes any flash parameter from the request's URL and, on a
// GET of the page a signed flash cookie names, consumes the cookie and
// puts its message on the request: in the context (Flash) and, for pages
// that still read it there, as the URL's flash parameter — which from
// here on only ever holds the server's own message.
func (rt *Router) takeFlash(w http.ResponseWriter, r *http.Request) *http.Request {
	ctx := context.WithValue(r.Context(), flashKeyCtx{}, rt.flashKey)
	var msg string
	if c, err := r.Cookie(flashCookie); err == nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		if path, m, ok := openFlash(rt.flashKey, c.Value); ok && path == r.URL.Path {
			msg = m
			http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
		}
	}
	ctx = context.WithValue(ctx, flashCtx{}, msg)
	r = r.WithContext(ctx)
	q := r.URL.Query()
	if !q.Has("flash") && msg == "" {
		return r
	}
	q.Del("flash")
	if msg != "" {
		q.Set("flash", msg)
	}
	u := *r.URL
	u.RawQuery = q.Encode()
	r.URL = &u
	return r
}

// RedirectFlash answers a successful form post: back to path (GET) with a
// message the page shows once. The message goes in a signed cookie (see
// above), so the address the browser shows carries no text.
func RedirectFlash(w http.ResponseWriter, r *http.Request, path, message string) {
	key, _ := r.Context().Value(flashKeyCtx{}).([]byte)
	if key != nil && message != "" {
		target := path
		if u, err := url.Parse(path); err == nil {
			target = u.Path
		}
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: sealFlash(key, target, message), Path: "/",
			MaxAge: flashMaxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}
