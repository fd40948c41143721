package main

import (
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCrawlEveryRoleFindsNoDeadLink signs in as every demo account (and
// as nobody), starts from the home page and follows every same-origin
// <a href> breadth first, failing on any link that answers 403 or 404: a
// page must not offer what its reader may not open (issue 10). Files
// (exports, photos) are fetched for their status only. Pages of one shape
// (/cases/7 and /cases/9) are visited a few times per role, not all of
// them, so the crawl stays quick on one demo world shared by every role.
func TestCrawlEveryRoleFindsNoDeadLink(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	roles := []string{""} // anonymous first
	for _, a := range s.Data.Accounts {
		roles = append(roles, a.Username)
	}
	start := time.Now()
	total := 0
	for _, user := range roles {
		name := user
		if name == "" {
			name = "anonymous"
		}
		c := s.anon(t)
		if user != "" {
			c = s.login(t, user)
		}
		c.http.CheckRedirect = nil // follow redirects, as a browser does
		n, dead := crawl(c, 300)
		total += n
		for _, d := range dead {
			t.Errorf("%s: %s links to %s: %d", name, d.from, d.to, d.status)
		}
		if n < 2 && user != "" {
			t.Errorf("%s: the crawl reached %d pages", name, n)
		}
	}
	t.Logf("crawled %d pages as %d roles in %v", total, len(roles), time.Since(start).Round(time.Millisecond))
}

// deadLink is a link that answered 403 or 404.
type deadLink struct {
	from, to string
	status   int
}

var (
	hrefRE  = regexp.MustCompile(`<a\s[^>]*?href="([^"]*)"`)
	digitRE = regexp.MustCompile(`[0-9]+`)
)

// crawlPerShape bounds how many pages of one shape (the path with its
// numbers blanked, plus the names of its query) a crawl visits.
const crawlPerShape = 3

// crawl visits up to limit pages from "/" with the client's session and
// returns how many it fetched and the links that were dead.
func crawl(c *client, limit int) (int, []deadLink) {
	type item struct{ from, path string }
	queue := []item{{"(start)", "/"}}
	seen := map[string]bool{"/": true}
	shapes := map[string]int{}
	var dead []deadLink
	fetched := 0
	for len(queue) > 0 && fetched < limit {
		it := queue[0]
		queue = queue[1:]
		status, ctype, body := crawlGet(c, it.path)
		fetched++
		if status == http.StatusForbidden || status == http.StatusNotFound {
			dead = append(dead, deadLink{it.from, it.path, status})
			continue
		}
		if status != http.StatusOK || ctype != "text/html" {
			continue
		}
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			p, ok := sameOrigin(it.path, html.UnescapeString(m[1]))
			if !ok || seen[p] || skipInCrawl(p) {
				continue
			}
			seen[p] = true
			shape := crawlShape(p)
			if shapes[shape] >= crawlPerShape {
				continue
			}
			shapes[shape]++
			queue = append(queue, item{it.path, p})
		}
	}
	return fetched, dead
}

// crawlGet fetches a path and returns its status, media type and, for
// HTML, its body.
func crawlGet(c *client, path string) (int, string, string) {
	c.t.Helper()
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	ctype, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if ctype != "text/html" {
		_, _ = io.Copy(io.Discard, res.Body)
		return res.StatusCode, ctype, ""
	}
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, ctype, string(b)
}

// sameOrigin resolves href against the page at from and returns its path
// and query, or false for links elsewhere, fragments and non-HTTP schemes.
func sameOrigin(from, href string) (string, bool) {
	if href == "" || strings.HasPrefix(href, "#") {
		return "", false
	}
	base, _ := url.Parse("http://linli.test" + from)
	u, err := base.Parse(href)
	if err != nil || u.Host != "linli.test" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	u.Fragment = ""
	if u.RawQuery != "" {
		return u.Path + "?" + u.RawQuery, true
	}
	return u.Path, true
}

// skipInCrawl leaves out what a crawl must not follow: signing out (a
// POST anyway, but never a GET either).
func skipInCrawl(p string) bool {
	return strings.HasPrefix(p, "/logout")
}

// crawlShape is the path with its numbers blanked and the names of its
// query parameters: /cases/7?state=x and /cases/9?state=y share a shape.
func crawlShape(p string) string {
	path, query, _ := strings.Cut(p, "?")
	shape := digitRE.ReplaceAllString(path, "N")
	if query != "" {
		q, _ := url.ParseQuery(query)
		var keys []string
		for k := range q {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		shape += "?" + strings.Join(keys, "&")
	}
	return shape
}
