package main

// The English interface: every Chinese text a template marks with {{t "…"}}
// must have an English entry in some capability's catalogue. Two checks:
//
//   - rendered: the real server, in English, renders every page (and the
//     pages a failed form shows) as a community worker, a resident, an
//     administrator and a visitor; the renderer reports each miss;
//   - static: every literal in {{t "…"}} and every field label and hint in
//     every template file is looked up, so a branch the walk does not
//     reach cannot hide a miss.
//
// A capability's catalogue must also not give a text another English than
// another capability's does: the renderer merges them into one map, and the
// later one would silently win.

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"linli"
	"linli/audit"
	"linli/auth"
	"linli/cases"
	"linli/happiness"
	"linli/home"
	"linli/mediation"
	"linli/meetings"
	"linli/notices"
	"linli/projects"
	"linli/registry"
	"linli/stats"
	"linli/visits"
	"linli/votes"
	"linli/web"
)

// capabilityPages are the page sets Main.Open hands the renderer; add a
// capability here when it brings pages.
func capabilityPages() map[string]web.Pages {
	return map[string]web.Pages{"registry": registry.Pages(), "auth": auth.Pages(), "audit": audit.Pages(), "home": home.Pages(),
		"cases": cases.Pages(linli.SystemClock{}), "stats": stats.Pages(),
		"projects": projects.Pages(), "votes": votes.Pages(), "visits": visits.Pages(), "meetings": meetings.Pages(),
		"mediation": mediation.Pages(), "happiness": happiness.Pages(), "notices": notices.Pages()}
}

// misses collects untranslated texts and the page that asked for each.
type misses struct {
	mu   sync.Mutex
	page string
	seen map[string][]string
}

func (m *misses) at(page string) {
	m.mu.Lock()
	m.page = page
	m.mu.Unlock()
}

func (m *misses) add(s string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !slices.Contains(m.seen[s], m.page) {
		m.seen[s] = append(m.seen[s], m.page)
	}
}

func (m *misses) report(t *testing.T, what string) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.seen) == 0 {
		return
	}
	keys := make([]string, 0, len(m.seen))
	for k := range m.seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %q (%s)", k, strings.Join(m.seen[k], ", "))
	}
	t.Errorf("%s: %d Chinese texts have no English in any catalogue:%s", what, len(keys), b.String())
}

// english is a client of s with the interface switched to English.
func english(t *testing.T, s *testServer, username string) *client {
	t.Helper()
	var c *client
	if username == "" {
		c = s.anon(t)
	} else {
		c = s.login(t, username)
	}
	u, _ := url.Parse(s.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: "en", Path: "/"}})
	return c
}

// form posts an HTML form and returns the status and page.
func (c *client) form(path string, v url.Values) (int, []byte) {
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
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.Bytes()
}

// upload posts a file to the import form.
func (c *client) upload(community int64, name string, data []byte) (int, []byte) {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("community_id", fmt.Sprint(community))
	f, _ := w.CreateFormFile("file", name)
	_, _ = f.Write(data)
	_ = w.Close()
	req, err := http.NewRequest("POST", c.base+"/import", &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.Bytes()
}

func TestEnglishCatalogueRendered(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	ctx := context.Background()
	m := &misses{seen: map[string][]string{}}
	s.Registry.Renderer.Untranslated = m.add
	t.Cleanup(func() { s.Registry.Renderer.Untranslated = nil })

	id := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := s.DB.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s %v: %v", q, args, err)
		}
		return n
	}
	child := func(parent int64, name string) int64 {
		t.Helper()
		return id(`SELECT id FROM nodes WHERE parent_id = ? AND name = ?`, parent, name)
	}
	city := id(`SELECT id FROM nodes WHERE kind = 'city' AND name = '运城市'`)
	community := id(`SELECT id FROM nodes WHERE kind = 'community' AND name = '学苑社区'`)
	grid := child(community, "第一网格")
	estate := child(grid, "荟萃花园南区")
	building := child(estate, "1号楼")
	unit := child(building, "3单元")
	household := id(`SELECT id FROM households WHERE unit_id = ? AND room = '602'`, unit)
	grid1 := id(`SELECT id FROM accounts WHERE username = 'grid1'`)
	xueyuan := id(`SELECT id FROM accounts WHERE username = 'xueyuan'`)

	// get fetches a page and checks its status.
	get := func(c *client, who, path string, want int) {
		t.Helper()
		m.at(who + " GET " + path)
		if st, body := c.do("GET", path, nil); st != want {
			t.Errorf("%s GET %s: %d, want %d: %.300s", who, path, st, want, body)
		}
	}
	post := func(c *client, who, path string, v url.Values, want ...int) {
		t.Helper()
		m.at(who + " POST " + path)
		if st, body := c.form(path, v); !slices.Contains(want, st) {
			t.Errorf("%s POST %s: %d, want one of %v: %.300s", who, path, st, want, body)
		}
	}

	// A community worker: every page of the register, and the forms failing.
	c := english(t, s, "xueyuan")
	for _, p := range []string{"/",
		fmt.Sprintf("/places/%d", community), fmt.Sprintf("/places/%d", grid), fmt.Sprintf("/places/%d", estate),
		fmt.Sprintf("/places/%d", building), fmt.Sprintf("/places/%d", unit), fmt.Sprintf("/places/%d?flash=ok", unit),
		fmt.Sprintf("/buildings/%d", building),
		"/households", "/households?q=没有这个人", fmt.Sprintf("/households?node_id=%d", unit),
		fmt.Sprintf("/households/%d", household), "/import", "/users", "/users?q=没有这个人",
		fmt.Sprintf("/users/%d", grid1), fmt.Sprintf("/users/%d", xueyuan), "/account", "/audit",
		fmt.Sprintf("/audit?entity=node&entity_id=%d", community),
	} {
		get(c, "xueyuan", p, http.StatusOK)
	}
	get(c, "xueyuan", fmt.Sprintf("/places/%d", city), http.StatusForbidden)
	get(c, "xueyuan", "/no/such/page", http.StatusNotFound)
	get(c, "xueyuan", "/households/999999", http.StatusNotFound)

	bad := []int{http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusConflict}
	post(c, "xueyuan", fmt.Sprintf("/places/%d/children", community), url.Values{"kind": {"grid"}, "name": {""}, "code": {"XY-09"}}, bad...)
	post(c, "xueyuan", fmt.Sprintf("/places/%d/children", grid), url.Values{"kind": {"estate"}, "name": {""}, "built_year": {"1200"}}, bad...)
	post(c, "xueyuan", fmt.Sprintf("/places/%d/children", estate), url.Values{"kind": {"building"}, "name": {""}, "floors": {"-1"}}, bad...)
	post(c, "xueyuan", fmt.Sprintf("/places/%d/edit", building), url.Values{"name": {""}}, bad...)
	post(c, "xueyuan", fmt.Sprintf("/places/%d/move", grid), url.Values{"parent_id": {fmt.Sprint(grid)}}, bad...)
	post(c, "xueyuan", fmt.Sprintf("/places/%d/delete", estate), nil, bad...)
	post(c, "xueyuan", fmt.Sprintf("/places/%d/households", unit), url.Values{"floor": {"0"}, "room": {""}, "area": {"abc"}, "owner_name": {"测试"}, "owner_phone": {"123"}}, bad...)
	post(c, "xueyuan", fmt.Sprintf("/households/%d/members", household), url.Values{"name": {""}, "relation": {"owner"}, "phone": {"123"}}, bad...)
	post(c, "xueyuan", fmt.Sprintf("/households/%d/edit", household), url.Values{"floor": {"6"}, "room": {"602"}, "area": {"-1"}}, bad...)
	post(c, "xueyuan", "/users", url.Values{"display_name": {""}, "username": {"x"}, "password": {"short"}}, bad...)
	post(c, "xueyuan", fmt.Sprintf("/users/%d/grants", grid1), url.Values{"role": {"resident"}, "node_id": {fmt.Sprint(unit)}}, bad...)
	post(c, "xueyuan", "/account/password", url.Values{"old_password": {"wrong-password-1"}, "password": {"short"}}, bad...)
	post(c, "xueyuan", "/account/tokens", url.Values{"name": {"12345热线"}}, http.StatusOK, http.StatusCreated)
	m.at("xueyuan POST /import (bad rows)")
	if st, body := c.upload(community, "bad.csv", []byte("小区,楼栋,单元,楼层,房号,建筑面积\n荟萃花园南区,1号楼,1单元,0,901,abc\n")); st == http.StatusOK && !bytes.Contains(body, []byte("import-problems")) && !bytes.Contains(body, []byte("import-error")) {
		t.Errorf("a bad ledger was not refused: %.300s", body)
	}
	m.at("xueyuan POST /import (no file)")
	if st, _ := c.upload(community, "empty.csv", nil); st == http.StatusOK {
		t.Log("an empty upload was accepted")
	}

	// A resident: the home page, the own household, what is refused.
	r := english(t, s, "resident")
	get(r, "resident", "/", http.StatusOK)
	get(r, "resident", fmt.Sprintf("/households/%d", household), http.StatusOK)
	get(r, "resident", "/account", http.StatusOK)
	get(r, "resident", "/account/factor", http.StatusOK) // the enrolment, with its QR code
	post(r, "resident", "/account/factor", url.Values{"code": {"x"}}, http.StatusUnprocessableEntity)
	m.at("resident GET /places")
	r.do("GET", "/places", nil) // an empty list or a refusal, both translated
	get(r, "resident", "/users", http.StatusForbidden)

	// An administrator: the whole city.
	a := english(t, s, "admin")
	for _, p := range []string{"/", fmt.Sprintf("/places/%d", city), "/households", "/users", fmt.Sprintf("/users/%d", xueyuan), "/audit", "/import", "/account"} {
		get(a, "admin", p, http.StatusOK)
	}
	get(a, "admin", "/admin/calendar", http.StatusOK)
	post(a, "admin", "/admin/calendar", url.Values{"json": {`{"year": 2027}`}}, http.StatusUnprocessableEntity)

	// A visitor: the login page, and a failed login.
	v := english(t, s, "")
	get(v, "visitor", "/login", http.StatusOK)
	post(v, "visitor", "/login", url.Values{"login": {"xueyuan"}, "password": {"wrong-password-1"}}, http.StatusUnauthorized, http.StatusOK, http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusTooManyRequests)

	m.report(t, "rendered pages")
}

// Every {{t "…"}} literal and every label and hint handed to the field
// templates, in every template file of the repository.
var (
	tLiteral   = regexp.MustCompile(`\{\{-?\s*t\s+"((?:[^"\\]|\\.)*)"`)
	tInPipe    = regexp.MustCompile(`\(t\s+"((?:[^"\\]|\\.)*)"\)`)
	fieldCall  = regexp.MustCompile(`fieldArgsV?\s+\$\w+\s+"[^"]*"\s+"([^"]*)"\s+"[^"]*"\s+(?:"([^"]*)"|\([^)]*\))`)
	hasChinese = regexp.MustCompile(`\p{Han}`)
)

func TestEnglishCatalogueStatic(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	root := filepath.Join("..", "..")
	var files []string
	err := fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") && p != "." {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".html") && strings.Contains(p, "templates/") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d template files: %v", len(files), files)
	}
	m := &misses{seen: map[string][]string{}}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, re := range []*regexp.Regexp{tLiteral, tInPipe} {
			for _, g := range re.FindAllStringSubmatch(string(b), -1) {
				texts = append(texts, g[1])
			}
		}
		for _, g := range fieldCall.FindAllStringSubmatch(string(b), -1) {
			texts = append(texts, g[1], g[2])
		}
		m.at(f)
		for _, txt := range texts {
			if txt == "" || !hasChinese.MatchString(txt) {
				continue
			}
			if s.Registry.Renderer.T("en", txt) == txt {
				m.add(txt)
			}
		}
	}
	// Texts Go hands to the templates for translation.
	m.at("registry.RelationLabel")
	for _, rel := range []string{registry.RelOwner, registry.RelFamily, registry.RelTenant, registry.RelOther} {
		if l := registry.RelationLabel(rel); s.Registry.Renderer.T("en", l) == l {
			m.add(l)
		}
	}
	m.report(t, "template literals")
}

// TestCatalogueAgreement: one Chinese text, one English, among the core
// capabilities. A capability's own pages translate with its own catalogue
// first (web.Renderer.TIn), so a word may differ between two capabilities'
// pages; this keeps the core's words alike, since the layout's shared
// parts (navigation, linked records) read the merged catalogue.
func TestCatalogueAgreement(t *testing.T) {
	type def struct{ capability, english string }
	defs := map[string][]def{}
	for name, p := range capabilityPages() {
		for zh, en := range p.Catalog {
			defs[zh] = append(defs[zh], def{name, en}) // "" is allowed: a word English does not need
		}
	}
	var bad []string
	for zh, ds := range defs {
		for _, d := range ds[1:] {
			if d.english != ds[0].english {
				bad = append(bad, fmt.Sprintf("%q: %s says %q, %s says %q", zh, ds[0].capability, ds[0].english, d.capability, d.english))
				break
			}
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("catalogues disagree (the navigation and links keep only one):\n  %s", strings.Join(bad, "\n  "))
	}
}
