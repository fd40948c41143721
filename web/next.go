package web

import (
	"net/url"
	"strings"
)

// LocalPath returns next when it is a clean path on this site, else
// fallback. Redirect targets taken from a request ("next" after login, the
// language switch, the bell) go through it.
//
// Browsers are lenient where a server check is strict: they drop tabs and
// newlines inside a URL and read a backslash as a slash, so "/\t/evil.example"
// and "/\evil.example" become "//evil.example" — another site. So next must
// start with a single "/", contain no control character, backslash or
// space anywhere (not even percent-encoded), and parse as a bare path with
// no scheme or host.
func LocalPath(next, fallback string) string {
	if !cleanPath(next) {
		return fallback
	}
	// The same again after one round of decoding: a target that is
	// decoded once more on its way (a proxy, a framework) must still be
	// harmless.
	if dec, err := url.PathUnescape(next); err != nil || !cleanPath(dec) {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return fallback
	}
	return next
}

func cleanPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return false
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f || c == '\\' || c == ' ' || (c >= 0x80 && c <= 0x9f) {
			return false
		}
	}
	return true
}
