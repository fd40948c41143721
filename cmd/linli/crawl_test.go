package main

import (
	"fmt"
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

	"linli/cases"
	"linli/web"
)

// TestNoDeadEnds checks issue 10's dead ends on one demo world shared by
// its parts: the crawl of every role's pages for dead links and id fields,
// the pickers' reads, and who is offered the report form.
func TestNoDeadEnds(t *testing.T) {
	// The longest tests of the package run beside each other, after the
	// others, so the package's tail uses both cores (CI time).
	t.Parallel()
	s := startServer(t, demoSQLite(t))
	t.Run("crawl", func(t *testing.T) { crawlEveryRole(t, s) })
	t.Run("pickers", func(t *testing.T) { pickersAnswerWithinScope(t, s) })
	t.Run("report rights", func(t *testing.T) { reportFormFollowsTheRule(t, s) })
	t.Run("follow after login", func(t *testing.T) { anonymousFollowLogsInAndComesBack(t, s) })
	t.Run("resident by room", func(t *testing.T) { residentGrantedByRoom(t, s) })
}

// residentGrantedByRoom: the account form names a resident's household by
// its unit (the scope) and room, as people name it, not by a database id.
func residentGrantedByRoom(t *testing.T, s *testServer) {
	unit, err := s.Registry.FindNode(t.Context(), []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元"})
	if err != nil {
		t.Fatal(err)
	}
	hh, err := s.Registry.HouseholdByRoom(t.Context(), unit.ID, "501")
	if err != nil {
		t.Fatal(err)
	}
	staff := s.login(t, "xueyuan")
	form := func(user, room string) url.Values {
		return url.Values{"display_name": {"房号新人"}, "username": {user}, "password": {"Roomnamed-2026"}, "role": {"resident"},
			"node_id": {fmt.Sprint(unit.ID)}, "room": {room}}
	}
	if res := staff.postForm("/users", form("roomnamed", "501")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a resident named by room: %d", res.StatusCode)
	}
	var got int64
	if err := s.DB.QueryRow(t.Context(), `SELECT g.household_id FROM grants g JOIN accounts a ON a.id = g.account_id WHERE a.username = 'roomnamed'`).Scan(&got); err != nil || got != hh {
		t.Errorf("the grant's household %d (%v), want 501's %d", got, err, hh)
	}
	if res := staff.postForm("/users", form("roomless", "9901")); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown room: %d, want 422", res.StatusCode)
	}
}

// anonymousFollowLogsInAndComesBack: the public happiness list offers a
// reader who is not logged in "登录后关注这个项目", which leads to the login
// page with next= and a sentence saying why, and after the login back to
// the project (where a resident of the community may follow it).
func anonymousFollowLogsInAndComesBack(t *testing.T, s *testServer) {
	xueyuan, err := s.Registry.FindNode(t.Context(), []string{"运城市", "盐湖区", "东城街道", "学苑社区"})
	if err != nil {
		t.Fatal(err)
	}
	anon := s.anon(t)
	_, list := anon.do("GET", fmt.Sprintf("/happiness/%d", xueyuan.ID), nil)
	m := regexp.MustCompile(`href="(/login\?next=/projects/(\d+))" data-test="login-to-follow"`).FindStringSubmatch(string(list))
	if m == nil {
		t.Fatalf("the public happiness list offers no login to follow a project")
	}
	st, login := anon.do("GET", m[1], nil)
	if st != 200 || !strings.Contains(string(login), "您要打开的页面需要登录，登录后将回到该页面。") || !strings.Contains(string(login), `name="next" value="/projects/`+m[2]+`"`) {
		t.Fatalf("the login page for a follow: %d, says why %v", st, strings.Contains(string(login), "您要打开的页面需要登录"))
	}
	res := anon.postForm("/login", url.Values{"login": {"resident"}, "password": {demoPassword}, "next": {"/projects/" + m[2]}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/projects/"+m[2] {
		t.Fatalf("after the login: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if st, page := anon.do("GET", "/projects/"+m[2], nil); st != 200 || !strings.Contains(string(page), `data-test="follow"`) && !strings.Contains(string(page), `data-test="unfollow"`) {
		t.Errorf("the resident back at the project: %d, no follow button", st)
	}
	// A logged-in reader who may open the project gets the link itself.
	if _, list := s.login(t, "volunteer").do("GET", fmt.Sprintf("/happiness/%d", xueyuan.ID), nil); !strings.Contains(string(list), `<a href="/projects/`+m[2]+`">`) {
		t.Errorf("the volunteer is not offered the project on the happiness list")
	}
}

// crawlEveryRole signs in as every demo account (and as nobody), starts
// from the home page and follows every same-origin <a href> breadth
// first, failing on any link that answers 403 or 404: a page must not
// offer what its reader may not open (issue 10). It fails too on any form
// field that asks for a database id. Files (exports, photos) are fetched
// for their status only. Pages of one shape (/cases/7 and /cases/9) are
// visited a few times per role, not all of them, so the crawl stays quick.
func crawlEveryRole(t *testing.T, s *testServer) {
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
		n, dead, idFields := crawl(c, 300)
		total += n
		for _, d := range dead {
			t.Errorf("%s: %s links to %s: %d", name, d.from, d.to, d.status)
		}
		for _, f := range idFields {
			t.Errorf("%s: %s asks for an id: %s", name, f.from, f.to)
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
	// idFieldRE finds a field a user would type a database id into: a
	// visible input named like an id (…_id, merge_into, subject) or any
	// number field so named, and labels that ask for one (编号, ID).
	inputRE   = regexp.MustCompile(`<input\s[^>]*>`)
	idNameRE  = regexp.MustCompile(`name="[a-z_]*(_id|_into)"`)
	idLabelRE = regexp.MustCompile(`<label[^>]*>[^<]*(编号|ID)[^<]*</label>`)
)

// idFields lists the fields of a page that ask for a database id.
func idFields(body string) []string {
	var out []string
	for _, in := range inputRE.FindAllString(body, -1) {
		if strings.Contains(in, `type="hidden"`) {
			continue
		}
		if idNameRE.MatchString(in) {
			out = append(out, in)
		}
	}
	out = append(out, idLabelRE.FindAllString(body, -1)...)
	return out
}

// crawlPerShape bounds how many pages of one shape (the path with its
// numbers blanked, plus the names of its query) a crawl visits.
const crawlPerShape = 3

// crawl visits up to limit pages from "/" with the client's session and
// returns how many it fetched, the links that were dead and the fields
// that ask for an id (from: the page, to: the field).
func crawl(c *client, limit int) (int, []deadLink, []deadLink) {
	type item struct{ from, path string }
	queue := []item{{"(start)", "/"}}
	seen := map[string]bool{"/": true}
	shapes := map[string]int{}
	var dead, ids []deadLink
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
		for _, f := range idFields(body) {
			ids = append(ids, deadLink{from: it.path, to: f})
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
	return fetched, dead, ids
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

// pick reads a picker's answer.
func pick(t *testing.T, c *client, path string) (int, []web.Choice) {
	t.Helper()
	var got web.Choices
	st := c.json("GET", path, nil, &got)
	return st, got.Items
}

// labels are the labels of choices, for messages and lookups.
func labels(cs []web.Choice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Label)
	}
	return out
}

// choice finds the choice with this label.
func choice(t *testing.T, cs []web.Choice, label string) web.Choice {
	t.Helper()
	for _, c := range cs {
		if c.Label == label {
			return c
		}
	}
	t.Fatalf("no choice %q in %v", label, labels(cs))
	return web.Choice{}
}

// pickersAnswerWithinScope: the pickers that replaced id fields answer
// only within the actor's scope — the place cascade down to the rooms
// where the register is read, cases and projects the actor reads, the
// accounts of a place for who manages there, phones masked.
func pickersAnswerWithinScope(t *testing.T, s *testServer) {
	grid, vol, res, staff := s.login(t, "grid1"), s.login(t, "volunteer"), s.login(t, "resident"), s.login(t, "xueyuan")
	// A grid worker: from the grid down to the rooms of 3单元.
	st, top := pick(t, grid, "/api/places/pick")
	if st != 200 || len(top) != 1 || top[0].Label != "第一网格" {
		t.Fatalf("grid1's top places: %d %v", st, labels(top))
	}
	walk := func(c *client, from web.Choice, names ...string) web.Choice {
		t.Helper()
		at := from
		for _, n := range names {
			st, kids := pick(t, c, fmt.Sprintf("/api/places/pick?parent=%d", at.ID))
			if st != 200 {
				t.Fatalf("children of %s: %d", at.Label, st)
			}
			at = choice(t, kids, n)
		}
		return at
	}
	unit := walk(grid, top[0], "荟萃花园南区", "1号楼", "3单元")
	_, rooms := pick(t, grid, fmt.Sprintf("/api/places/pick?parent=%d", unit.ID))
	if len(rooms) != 12 || choice(t, rooms, "602").Kind != "household" {
		t.Errorf("grid1's rooms of 3单元: %v", labels(rooms))
	}
	// A volunteer picks places of the community, not its households.
	_, vtop := pick(t, vol, "/api/places/pick")
	if len(vtop) != 1 || vtop[0].Label != "学苑社区" {
		t.Fatalf("volunteer's top places: %v", labels(vtop))
	}
	vunit := walk(vol, vtop[0], "第一网格", "荟萃花园南区", "1号楼", "3单元")
	if _, rooms := pick(t, vol, fmt.Sprintf("/api/places/pick?parent=%d", vunit.ID)); len(rooms) != 0 {
		t.Errorf("a volunteer is shown the rooms of 3单元: %v", labels(rooms))
	}
	// A resident sees its own room only.
	if _, rooms := pick(t, res, fmt.Sprintf("/api/places/pick?parent=%d", unit.ID)); len(rooms) != 1 || rooms[0].Label != "602" {
		t.Errorf("the resident of 602 is shown the rooms %v", labels(rooms))
	}
	// Another community's staff: the estate does not exist for them.
	if st, _ := pick(t, s.login(t, "jixiang"), fmt.Sprintf("/api/places/pick?parent=%d", unit.ID)); st != 404 {
		t.Errorf("jixiang asks for 学苑社区's unit: %d, want 404", st)
	}
	// Cases: staff find them by title; a resident may not search.
	var c cases.Case
	if err := s.DB.QueryRow(t.Context(), `SELECT id, title FROM cases WHERE path LIKE (SELECT path FROM nodes WHERE id = ?) || '%' ORDER BY id LIMIT 1`, vtop[0].ID).Scan(&c.ID, &c.Title); err != nil {
		t.Fatal(err)
	}
	if st, found := pick(t, staff, "/api/cases/pick?q="+url.QueryEscape(c.Title)); st != 200 || len(found) == 0 || found[0].Value != fmt.Sprintf("case:%d", found[0].ID) {
		t.Errorf("xueyuan looks for %q: %d %v", c.Title, st, found)
	}
	if st, _ := pick(t, res, "/api/cases/pick?q=a"); st != 403 {
		t.Errorf("a resident searches cases: %d, want 403", st)
	}
	// Projects: the elevator project, by a word of its title.
	if st, found := pick(t, staff, "/api/projects/pick?q="+url.QueryEscape("电梯")); st != 200 || len(found) == 0 || !strings.HasPrefix(found[0].Value, "project:") {
		t.Errorf("xueyuan looks for 电梯 projects: %d %v", st, found)
	}
	if _, found := pick(t, s.login(t, "jixiang"), "/api/projects/pick?q="+url.QueryEscape("电梯")); len(found) != 0 {
		t.Errorf("jixiang finds 学苑社区's projects: %v", labels(found))
	}
	// Accounts of 学苑社区: for its staff, with masked phones; not for a grid worker.
	st, people := pick(t, staff, fmt.Sprintf("/api/accounts/pick?node=%d&q=%s", vtop[0].ID, url.QueryEscape("柴晓燕")))
	if st != 200 || len(people) != 1 || !strings.Contains(people[0].Hint, "****") {
		t.Errorf("xueyuan looks for 柴晓燕: %d %+v", st, people)
	}
	if st, _ := pick(t, grid, fmt.Sprintf("/api/accounts/pick?node=%d&q=a", vtop[0].ID)); st != 403 {
		t.Errorf("a grid worker looks up accounts: %d, want 403", st)
	}
}

// reportFormFollowsTheRule: a volunteer's report, sent through the form
// with a place from the picker, is accepted; a contractor is offered no
// 我要上报 and the form's address says why instead of showing the form.
func reportFormFollowsTheRule(t *testing.T, s *testServer) {
	vol := s.login(t, "volunteer")
	building, err := s.Registry.FindNode(t.Context(), []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"})
	if err != nil {
		t.Fatal(err)
	}
	if _, page := vol.do("GET", "/report", nil); !strings.Contains(string(page), `data-cascade="/api/places/pick"`) || !strings.Contains(string(page), `href="/report"`) {
		t.Fatalf("the volunteer's report form has no place picker or no nav entry")
	}
	res := vol.postForm("/report", url.Values{"category": {"safety_hazard"}, "title": {"楼道堆放杂物"}, "location_id": {fmt.Sprint(building.ID)}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/cases/") {
		t.Fatalf("the volunteer's report: %d to %q, want 303 to the case", res.StatusCode, res.Header.Get("Location"))
	}
	var source string
	if err := s.DB.QueryRow(t.Context(), `SELECT source FROM cases WHERE title = '楼道堆放杂物'`).Scan(&source); err != nil || source != "volunteer" {
		t.Errorf("the volunteer's case has source %q (%v)", source, err)
	}
	con := s.login(t, "contractor")
	_, home := con.do("GET", "/", nil)
	if strings.Contains(string(home), `href="/report"`) {
		t.Errorf("the contractor's navigation offers 我要上报")
	}
	st, page := con.do("GET", "/report", nil)
	if st != http.StatusForbidden || strings.Contains(string(page), `action="/report"`) || !strings.Contains(string(page), "施工中的投诉请通过所在项目的页面反映") {
		t.Errorf("the contractor's /report: %d, form shown %v, reason shown %v", st, strings.Contains(string(page), `action="/report"`),
			strings.Contains(string(page), "施工中的投诉请通过所在项目的页面反映"))
	}
	if res := con.postForm("/report", url.Values{"category": {"safety_hazard"}, "title": {"施工方上报"}, "location_id": {fmt.Sprint(building.ID)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("the contractor's report is answered %d, want 403", res.StatusCode)
	}
}

func init() { oaWritten["Choice"], oaWritten["Choices"] = web.Choice{}, web.Choices{} }
