package main

// The permission walk: every route the router serves (the JSON API the
// OpenAPI document describes and every page) is requested by every demo
// role, and by an anonymous client, with ids of records outside the
// actor's scope: from another community, from another street or district,
// and for residents from another household. A 2xx answer (or, for a page,
// a redirect that is not the one to the login page) to such a request is a
// scope leak and fails the test, unless permKnown lists it as a bug being
// fixed elsewhere. Requests with ids from the actor's own scope are sent
// for reading routes and must not fail with a 5xx.
//
// A refused state change must also write nothing: the audit log (every
// state change writes one row, in the change's transaction) must hold no
// new row after a refused POST, PUT or DELETE.
//
// permRoutes (permwalk_table_test.go) classifies every route pattern; a
// route the router serves that the table does not list fails the test, and
// so does a listed route that no longer exists, so a new route cannot
// escape the walk. The main create routes are also sent ids of another
// community (or household) in their bodies (walkBodies), and the list and
// form routes that take an id in their query are sent another community's
// (walkQueries).
//
// The demo has projects, votes, cost plans, visits and meetings only in
// 学苑社区 and its one dispute in 吉祥社区; cases, places, households,
// people and accounts in both. So each kind is tried across communities
// from at least one side: 吉祥 actors get 学苑's projects, 学苑 actors 吉祥's
// dispute.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"linli"
	"linli/apidoc"
	"linli/auth"
	"linli/outbox"
	"linli/storage"
)

// idSet is one set of record ids by kind (the kinds permRoutes names).
type idSet struct {
	name string
	ids  map[string]string
}

// walkRole is a demo account (or anonymous) with the id sets outside its
// scope and the set inside it.
type walkRole struct {
	user    string // "" is anonymous
	own     string // the id set of its own scope ("" none)
	foreign []string
}

// walkRoles lists every demo role. The street and the district department
// cover both demo communities; what lies outside them is the community of
// another district (麟岛社区 in 河津市, set "far"). Of the community roles
// only the community staff also try that far set: a role refused the
// neighbouring community's ids is refused a farther one's by the same check,
// and the walk has to stay fast under -race. The admin's scope is the
// whole city, so it has no foreign ids; it reads the ids of every set to
// prove they exist.
var walkRoles = []walkRole{
	{user: "", foreign: []string{"xy"}},
	{user: "admin", own: "xy"},
	{user: "street", own: "xy", foreign: []string{"far"}},
	{user: "dept", own: "xy", foreign: []string{"far"}},
	{user: "xueyuan", own: "xy", foreign: []string{"jx", "far"}},
	{user: "grid1", own: "xy", foreign: []string{"jx"}},
	{user: "building", own: "xy", foreign: []string{"jx"}},
	{user: "unit", own: "xy", foreign: []string{"jx"}},
	{user: "rep", own: "xy", foreign: []string{"jx"}},
	{user: "resident", own: "xy", foreign: []string{"jx", "xyhh"}},
	{user: "property", own: "xy", foreign: []string{"jx"}},
	{user: "contractor", own: "xy", foreign: []string{"jx"}},
	{user: "volunteer", own: "xy", foreign: []string{"jx"}},
	{user: "jixiang", own: "jx", foreign: []string{"xy", "far"}},
	{user: "jxgrid", own: "jx", foreign: []string{"xy"}},
	{user: "jxresident", own: "jx", foreign: []string{"xy", "jxhh"}},
}

// walkFixtures finds the ids of each set in the demo database.
func walkFixtures(t *testing.T, s *testServer) map[string]*idSet {
	t.Helper()
	ctx := context.Background()
	one := func(q string, args ...any) string {
		t.Helper()
		var id int64
		if err := s.DB.QueryRow(ctx, q, args...).Scan(&id); err != nil {
			t.Fatalf("fixture %q %v: %v", q, args, err)
		}
		return strconv.FormatInt(id, 10)
	}
	account := func(user string) string { return one(`SELECT id FROM accounts WHERE username = ?`, user) }
	// Tokens of other accounts, to revoke.
	for _, u := range []string{"xueyuan", "jixiang", "unit", "jxgrid"} {
		if st, body := s.login(t, u).do("POST", "/api/tokens", map[string]string{"name": "permwalk"}); st != http.StatusCreated {
			t.Fatalf("token for %s: %d %s", u, st, body)
		}
	}
	token := func(user string) string {
		return one(`SELECT MIN(id) FROM api_tokens WHERE account_id = ?`, account(user))
	}
	community := func(name string) string {
		return one(`SELECT id FROM nodes WHERE kind = 'community' AND name = ?`, name)
	}
	xy, jx, far := community("学苑社区"), community("吉祥社区"), community("麟岛社区")
	under := func(node string) string { return "%/" + node + "/%" }
	household := func(user string) string {
		return one(`SELECT g.household_id FROM grants g JOIN accounts a ON a.id = g.account_id WHERE a.username = ?`, user)
	}
	// neighbour is another household in the same unit as user's.
	neighbour := func(user string) string {
		h := household(user)
		return one(`SELECT MIN(id) FROM households WHERE unit_id = (SELECT unit_id FROM households WHERE id = ?) AND id <> ?`, h, h)
	}
	member := func(h string) string { return one(`SELECT MIN(id) FROM household_members WHERE household_id = ?`, h) }
	person := func(h string) string {
		return one(`SELECT MIN(person_id) FROM household_members WHERE household_id = ?`, h)
	}
	// privateCase is a case of community c that is not public and that
	// none of the accounts notBy reported.
	privateCase := func(c string, notBy ...string) string {
		q := `SELECT MIN(id) FROM cases WHERE community_id = ? AND public = 0`
		args := []any{c}
		for _, u := range notBy {
			q += ` AND reporter_id <> ?`
			args = append(args, account(u))
		}
		return one(q, args...)
	}
	grant := func(user string) string {
		return one(`SELECT MIN(g.id) FROM grants g JOIN accounts a ON a.id = g.account_id WHERE a.username = ?`, user)
	}
	building := func(c string) string {
		return one(`SELECT MIN(id) FROM nodes WHERE kind = 'building' AND path LIKE ?`, under(c))
	}
	farHousehold := one(`SELECT MIN(id) FROM households WHERE path LIKE ?`, under(far))

	category := one(`SELECT id FROM categories WHERE code = 'noise'`)
	department := one(`SELECT id FROM departments WHERE code = 'urban'`)
	closedCase := func(c string) string {
		return one(`SELECT MIN(id) FROM cases WHERE community_id = ? AND state = 'closed'`, c)
	}
	// A pending claim of a household in each community (auth, claims.go),
	// filed by an account that is not its owner.
	claim := func(user, household string) string {
		t.Helper()
		a, err := s.Auth.ActorByUsername(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := strconv.ParseInt(household, 10, 64)
		c, err := s.Auth.ClaimHousehold(ctx, a, auth.ClaimInput{HouseholdID: h, Relation: auth.ClaimTenant})
		if err != nil {
			t.Fatalf("claim fixture %s: %v", user, err)
		}
		return strconv.FormatInt(c.ID, 10)
	}
	// A dead outgoing message and a channel of each community (package
	// outbox); the demo has no channels, and its messages may be sent.
	outboxRow := func(c string) string {
		t.Helper()
		n, _ := strconv.ParseInt(c, 10, 64)
		var id int64
		err := s.DB.InTx(ctx, func(tx *storage.Tx) error {
			var err error
			if id, err = outbox.Enqueue(ctx, tx, s.Config.Clock.Now(), outbox.Message{Channel: outbox.SMS, To: "13800000000", NodeID: n, Text: "permwalk"}); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE outbox SET status = 'dead' WHERE id = ?`, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(id, 10)
	}
	outboxChannel := func(c string) string {
		t.Helper()
		n, _ := strconv.ParseInt(c, 10, 64)
		ch, err := s.Outbox.SaveChannel(ctx, linli.System(), outbox.ChannelInput{NodeID: n, Kind: outbox.Webhook, Name: "permwalk", URL: "http://127.0.0.1:9/hook", Enabled: false})
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(ch.ID, 10)
	}
	sets := map[string]*idSet{}
	sets["xy"] = &idSet{name: "xy", ids: map[string]string{
		"node": xy, "building": building(xy), "category": category, "department": department, "closedcase": closedCase(xy),
		"household": household("resident"), "member": member(household("resident")), "person": person(household("resident")),
		"account": account("xueyuan"), "grant": grant("xueyuan"), "token": token("xueyuan"),
		"case":       privateCase(xy, "resident", "rep", "unit", "building"),
		"project":    one(`SELECT MIN(id) FROM projects WHERE community_id = ?`, xy),
		"projperson": one(`SELECT MIN(pp.id) FROM project_people pp JOIN projects p ON p.id = pp.project_id WHERE p.community_id = ?`, xy),
		"milestone":  one(`SELECT MIN(m.id) FROM project_milestones m JOIN projects p ON p.id = m.project_id WHERE p.community_id = ?`, xy),
		"projfile":   one(`SELECT MIN(a.id) FROM attachments a JOIN projects p ON p.id = a.owner_id WHERE a.owner = 'project' AND p.community_id = ?`, xy),
		"vote":       one(`SELECT MIN(o.vote_id) FROM vote_objections o JOIN votes v ON v.id = o.vote_id WHERE v.community_id = ?`, xy),
		"objection":  one(`SELECT MIN(o.id) FROM vote_objections o JOIN votes v ON v.id = o.vote_id WHERE v.community_id = ?`, xy),
		"costplan":   one(`SELECT MIN(id) FROM cost_plans WHERE community_id = ?`, xy),
		"visit":      one(`SELECT MIN(f.visit_id) FROM visit_followups f JOIN visits v ON v.id = f.visit_id WHERE v.path LIKE ?`, under(xy)),
		"followup":   one(`SELECT MIN(f.id) FROM visit_followups f JOIN visits v ON v.id = f.visit_id WHERE v.path LIKE ?`, under(xy)),
		"matter":     one(`SELECT MIN(id) FROM visit_matters WHERE scope_path LIKE ?`, under(xy)),
		"meeting":    one(`SELECT MIN(m.id) FROM meetings m JOIN meeting_actions a ON a.meeting_id = m.id WHERE m.community_id = ?`, xy),
		"action":     one(`SELECT MIN(a.id) FROM meetings m JOIN meeting_actions a ON a.meeting_id = m.id WHERE m.community_id = ?`, xy),
		"claim":      claim("volunteer", neighbour("resident")),
		"outbox":     outboxRow(xy), "outboxchannel": outboxChannel(xy),
	}}
	maps.Copy(sets["xy"].ids, campaignFixture(t, s))
	camXY, camJX := cameraFixture(t, s)
	maps.Copy(sets["xy"].ids, camXY)
	maps.Copy(sets["xy"].ids, webhookFixture(t, s, xy))
	sets["jx"] = &idSet{name: "jx", ids: map[string]string{
		"node": jx, "building": building(jx), "category": category, "department": department, "closedcase": closedCase(jx),
		"household": household("jxresident"), "member": member(household("jxresident")), "person": person(household("jxresident")),
		"account": account("jixiang"), "grant": grant("jixiang"), "token": token("jixiang"),
		"case":    privateCase(jx, "jxresident"),
		"dispute": one(`SELECT MIN(id) FROM disputes WHERE community_id = ?`, jx),
		"party":   one(`SELECT MIN(p.id) FROM dispute_parties p JOIN disputes d ON d.id = p.dispute_id WHERE d.community_id = ?`, jx),
		"claim":   claim("jxgrid", neighbour("jxresident")),
		"outbox":  outboxRow(jx), "outboxchannel": outboxChannel(jx),
	}}
	maps.Copy(sets["jx"].ids, camJX)
	maps.Copy(sets["jx"].ids, webhookFixture(t, s, jx))
	o311XY, o311JX := open311Fixture(t, s)
	maps.Copy(sets["xy"].ids, o311XY)
	maps.Copy(sets["jx"].ids, o311JX)
	sets["far"] = &idSet{name: "far", ids: map[string]string{
		"node": far, "building": building(far),
		"household": farHousehold, "member": member(farHousehold), "person": person(farHousehold),
	}}
	sets["xyhh"] = &idSet{name: "xyhh", ids: map[string]string{
		"household": neighbour("resident"), "member": member(neighbour("resident")), "person": person(neighbour("resident")),
		"case": privateCase(xy, "resident"), "account": account("unit"), "token": token("unit"),
	}}
	sets["jxhh"] = &idSet{name: "jxhh", ids: map[string]string{
		"household": neighbour("jxresident"), "member": member(neighbour("jxresident")), "person": person(neighbour("jxresident")),
		"case": privateCase(jx, "jxresident"), "account": account("jxgrid"), "token": token("jxgrid"),
	}}
	return sets
}

var pathParam = regexp.MustCompile(`\{(\w+)(\.\.\.)?\}`)

// routePath fills a route pattern's parameters from set: ok is false when
// the set has no record of the first parameter's kind (nothing to try).
// Later parameters (a member of the household, a file of the case) fall
// back to 1 when the set has none: the parent alone is out of scope.
func routePath(pattern string, kinds []string, set *idSet) (method, path string, ok bool) {
	method, path, _ = strings.Cut(pattern, " ")
	if !strings.Contains(pattern, " ") {
		method, path = "GET", pattern
	}
	path = strings.ReplaceAll(path, "{$}", "")
	i := 0
	ok = true
	path = pathParam.ReplaceAllStringFunc(path, func(string) string {
		k := kinds[i]
		i++
		id, has := set.ids[k]
		if !has {
			if i == 1 {
				ok = false
			}
			return "1"
		}
		return id
	})
	return method, path, ok
}

var inputParam = regexp.MustCompile(`\{(own:)?(\w+)\}`)

// withInput adds permInputs' query or body for route to path, its
// placeholders filled from set ({kind}) and own ({own:kind}); an id the set
// lacks is 0.
func withInput(route, path string, set, own *idSet) (string, string) {
	in, ok := permInputs[route]
	if !ok {
		return path, ""
	}
	in = inputParam.ReplaceAllStringFunc(in, func(m string) string {
		sm := inputParam.FindStringSubmatch(m)
		from := set
		if sm[1] != "" {
			from = own
		}
		if from == nil {
			return "0"
		}
		if id, ok := from.ids[sm[2]]; ok {
			return id
		}
		return "0"
	})
	if q, ok := strings.CutPrefix(in, "?"); ok {
		return path + "?" + q, ""
	}
	return path, strings.TrimPrefix(in, "form:")
}

// walkResult is one request of the walk.
type walkResult struct {
	route, role, set, method, path string
	status                         int
	location                       string
	wrote                          bool   // the audit log gained a row
	detail                         string // the problem document of an API's 422
}

// accepted says whether the server did what was asked: a 2xx, or a redirect
// that is not the one to the login page (a page's POST answers 303 to the
// record).
func (r walkResult) accepted() bool {
	if r.status >= 200 && r.status < 300 {
		return true
	}
	return r.status >= 300 && r.status < 400 && !strings.HasPrefix(r.location, "/login")
}

func (r walkResult) String() string {
	loc := ""
	if r.location != "" {
		loc = " → " + r.location
	}
	w := ""
	if r.wrote {
		w = " (wrote an audit row)"
	}
	return fmt.Sprintf("%-55s %-10s %-4s %s %s: %d%s%s", r.route, orAnon(r.role), r.set, r.method, r.path, r.status, loc, w)
}

func orAnon(u string) string {
	if u == "" {
		return "anonymous"
	}
	return u
}

// walker sends the requests of one role.
type walker struct {
	t      *testing.T
	s      *testServer
	role   string
	http   *http.Client
	cookie string
	count  int
}

// auditRows returns the id of the newest audit row. Writes are sent one
// at a time (see TestPermissionWalk), so a new row after a refused write
// is that write's.
func (w *walker) auditRows() int64 {
	var n sql.NullInt64
	if err := w.s.DB.QueryRow(context.Background(), `SELECT MAX(id) FROM audit_log`).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n.Int64
}

// send requests method path with a minimal body: {} for the API, an empty
// form for pages.
func (w *walker) send(route, set, method, path string, body string) walkResult {
	mutating := method != "GET" && method != "HEAD"
	var before int64
	if mutating {
		before = w.auditRows()
	}
	var req *http.Request
	var err error
	if mutating {
		ct := "application/x-www-form-urlencoded"
		if strings.HasPrefix(path, "/api/") {
			ct = "application/json"
			if body == "" {
				body = "{}"
			}
		}
		if spec, ok := strings.CutPrefix(body, "multipart:"); ok {
			var b []byte
			b, ct = photoForm(w.t, spec)
			body = string(b)
		}
		req, err = http.NewRequest(method, w.s.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
	} else {
		req, err = http.NewRequest(method, w.s.URL+path, nil)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	if w.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "linli_session", Value: w.cookie})
	}
	t0 := time.Now()
	res, err := w.http.Do(req)
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, path, err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	w.count++
	if timings != nil {
		timingsMu.Lock()
		timings[route] += time.Since(t0)
		timingsMu.Unlock()
	}
	r := walkResult{route: route, role: w.role, set: set, method: method, path: path, status: res.StatusCode, location: res.Header.Get("Location")}
	if res.StatusCode == http.StatusUnprocessableEntity && strings.HasPrefix(path, "/api/") {
		r.detail = string(out)
	}
	if mutating {
		r.wrote = w.auditRows() != before
	}
	return r
}

func newWalker(t *testing.T, s *testServer, user string) *walker {
	w := &walker{t: t, s: s, role: user, http: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
	if user == "" {
		return w
	}
	c := s.login(t, user)
	u, _ := url.Parse(s.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "linli_session" {
			w.cookie = ck.Value
		}
	}
	if w.cookie == "" {
		t.Fatalf("login %s: no session cookie", user)
	}
	return w
}

// knownFailure returns the permKnown entry that lists r, if any.
func knownFailure(r walkResult) (key, why string, ok bool) {
	for _, k := range []string{
		r.route + "|" + orAnon(r.role) + "|" + r.set,
		r.route + "|" + orAnon(r.role) + "|*",
		r.route + "|*|" + r.set,
		r.route + "|*|*",
	} {
		if why, ok := permKnown[k]; ok {
			return k, why, true
		}
	}
	return "", "", false
}

// checkWalkTable holds permRoutes to the router and the OpenAPI document:
// every served route is classified, every classified route is served,
// every documented operation is served.
func checkWalkTable(t *testing.T, s *testServer) {
	served := map[string]bool{}
	for _, p := range s.Router.Patterns() {
		served[p] = true
		spec, ok := permRoutes[p]
		if !ok {
			t.Errorf("route %q is not in permRoutes (permwalk_table_test.go): classify it (who may call it, the kind of each path id)", p)
			continue
		}
		if n := len(pathParam.FindAllString(p, -1)); n != len(spec.kinds) {
			t.Errorf("permRoutes[%q] names %d id kinds for %d path parameters", p, len(spec.kinds), n)
		}
		if spec.access == scoped && len(spec.kinds) == 0 {
			t.Errorf("permRoutes[%q] is scoped but has no path ids", p)
		}
	}
	for p := range permRoutes {
		if !served[p] {
			t.Errorf("permRoutes lists %q, which the router no longer serves", p)
		}
	}
	docs, err := apidoc.Paths()
	if err != nil {
		t.Fatal(err)
	}
	for path, methods := range docs {
		for _, m := range methods {
			if !served[m+" "+path] {
				t.Errorf("the OpenAPI document describes %s %s, which the router does not serve", m, path)
			}
		}
	}
	for k := range permKnown {
		route, _, _ := strings.Cut(k, "|")
		if !served[route] {
			t.Errorf("permKnown names %q, which the router does not serve", k)
		}
	}
}

// TestPermissionWalk walks every route for every demo role (see the file
// comment).
func TestPermissionWalk(t *testing.T) {
	// The longest tests of the package run beside each other, after the
	// others, so the package's tail uses both cores (CI time).
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testServer) {
		start := time.Now()
		if os.Getenv("LINLI_PERMWALK_DUMP") != "" {
			timings = map[string]time.Duration{}
		}
		checkWalkTable(t, s)
		sets := walkFixtures(t, s)
		routes := make([]string, 0, len(permRoutes))
		for p := range permRoutes {
			routes = append(routes, p)
		}
		// Reads first, then writes; deletions last.
		rank := func(p string) int {
			switch {
			case strings.HasPrefix(p, "GET ") || !strings.Contains(p, " "):
				return 0
			case strings.HasPrefix(p, "DELETE ") || strings.HasSuffix(p, "/delete") || strings.HasSuffix(p, "/disable"):
				return 2
			}
			return 1
		}
		sort.Slice(routes, func(i, j int) bool {
			if a, b := rank(routes[i]), rank(routes[j]); a != b {
				return a < b
			}
			return routes[i] < routes[j]
		})
		walkers := make([]*walker, len(walkRoles))
		for i, r := range walkRoles {
			walkers[i] = newWalker(t, s, r.user)
		}

		var mu sync.Mutex
		var leaks, known, wrote, crashed []walkResult
		knownSeen, adminSaw := map[string]bool{}, map[string]bool{}
		var all []walkResult
		record := func(r walkResult, own bool) {
			mu.Lock()
			defer mu.Unlock()
			if !own {
				all = append(all, r)
			}
			if r.status >= 500 {
				crashed = append(crashed, r)
				return
			}
			if own {
				return
			}
			if r.wrote && !r.accepted() {
				wrote = append(wrote, r)
			}
			if !r.accepted() {
				return
			}
			if key, _, ok := knownFailure(r); ok {
				known = append(known, r)
				knownSeen[key] = true
				return
			}
			leaks = append(leaks, r)
		}
		// One role's requests for one phase. Reads run for all roles at
		// once; writes one role after another, so a leaking write of one
		// role cannot change what another sees halfway.
		walk := func(i int, phase int) {
			role, w := walkRoles[i], walkers[i]
			for _, p := range routes {
				if rank(p) != phase {
					continue
				}
				spec := permRoutes[p]
				switch {
				case spec.access == public:
					continue
				case role.user == "":
					// Anonymous: nothing behind a login answers.
					set := sets["xy"]
					m, path, ok := routePath(p, spec.kinds, set)
					if !ok {
						_, path, _ = routePath(p, spec.kinds, &idSet{ids: map[string]string{}})
					}
					path, body := withInput(p, path, set, set)
					record(w.send(p, "xy", m, path, body), false)
					continue
				case len(spec.kinds) == 0:
					continue
				}
				if phase == 0 && role.own != "" {
					if m, path, ok := routePath(p, spec.kinds, sets[role.own]); ok {
						record(w.send(p, role.own, m, path, ""), true)
					}
				}
				if phase == 0 && role.user == "admin" {
					// The admin sees every set: proof that its ids exist
					// and the table's kinds fit the routes.
					for name, set := range sets {
						if m, path, ok := routePath(p, spec.kinds, set); ok {
							r := w.send(p, name, m, path, "")
							record(r, true)
							if r.status >= 200 && r.status < 300 {
								mu.Lock()
								adminSaw[name+"/"+spec.kinds[0]] = true
								mu.Unlock()
							}
						}
					}
				}
				if spec.access == cityConfig && role.user != "admin" && role.user != "street" {
					m, path, _ := routePath(p, spec.kinds, sets[role.own])
					path, body := withInput(p, path, sets[role.own], sets[role.own])
					record(w.send(p, role.own, m, path, body), false)
				}
				for _, f := range role.foreign {
					m, path, ok := routePath(p, spec.kinds, sets[f])
					if !ok {
						continue
					}
					path, body := withInput(p, path, sets[f], sets[role.own])
					record(w.send(p, f, m, path, body), false)
				}
			}
		}
		var wg sync.WaitGroup
		for i := range walkRoles {
			wg.Add(1)
			go func() { defer wg.Done(); walk(i, 0) }()
		}
		wg.Wait()
		for phase := 1; phase <= 2; phase++ {
			for i := range walkRoles {
				walk(i, phase)
			}
		}
		bodies := walkBodies(t, s, sets, record)
		bodies += walkQueries(t, s, sets, record)

		requests := bodies
		for _, w := range walkers {
			requests += w.count
		}
		var api, pages int
		for _, p := range routes {
			if strings.Contains(p, " /api/") {
				api++
			} else {
				pages++
			}
		}
		t.Logf("permission walk: %d routes (%d API, %d other), %d roles, %d requests in %s",
			len(routes), api, pages, len(walkRoles), requests, time.Since(start).Round(time.Millisecond))
		if f := os.Getenv("LINLI_PERMWALK_DUMP"); f != "" {
			var b strings.Builder
			for r, d := range timings {
				fmt.Fprintf(&b, "TIME %d %s\n", d.Milliseconds(), r)
			}
			for _, r := range all {
				fmt.Fprintf(&b, "%s accepted=%v %.300s\n", r, r.accepted(), r.detail)
			}
			if err := os.WriteFile(f, []byte(b.String()), 0o644); err != nil {
				t.Error(err)
			}
		}
		for _, r := range known {
			_, why, _ := knownFailure(r)
			t.Logf("known, being fixed: %s — %s", r, why)
		}
		for _, r := range leaks {
			t.Errorf("crosses its scope: %s", r)
		}
		for _, r := range wrote {
			t.Errorf("refused but wrote: %s", r)
		}
		for _, r := range crashed {
			t.Errorf("server error: %s", r)
		}
		// Every id of every set that some reading route names must be one
		// the admin could read: else the walk would try ids that do not
		// exist and prove nothing.
		for name, set := range sets {
			for kind := range set.ids {
				readable := false
				for p, spec := range permRoutes {
					readable = readable || (strings.HasPrefix(p, "GET ") && spec.access == scoped && spec.kinds[0] == kind)
				}
				if readable && !adminSaw[name+"/"+kind] {
					t.Errorf("fixture %s %s=%s: no reading route answered the admin 2xx", name, kind, set.ids[kind])
				}
			}
		}
		var stale []string
		for k := range permKnown {
			if !knownSeen[k] {
				stale = append(stale, k)
			}
		}
		sort.Strings(stale)
		for _, k := range stale {
			t.Errorf("permKnown lists %q, which no longer crosses a scope: remove the entry", k)
		}
	})
}

// bodyCase is a create (or add) request whose body names a record: sent
// once with ids of the actor's own scope (the control, which must succeed,
// so the body is known to be valid) and once with one id from another
// community or household (which must be refused and write nothing).
type bodyCase struct {
	route, user, path string
	field             string // the field that carries the foreign id
	own, cross        map[string]any
}

// bodyCases are the create requests walkBodies and
// TestForeignIdsAnswerLikeUnknown send: each names one record of the
// actor's own scope (own) and one of another community or household
// (cross) in the field.
func bodyCases(t *testing.T, s *testServer, sets map[string]*idSet) []bodyCase {
	t.Helper()
	ctx := context.Background()
	one := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := s.DB.QueryRow(ctx, q, args...).Scan(&id); err != nil {
			t.Fatalf("fixture %q %v: %v", q, args, err)
		}
		return id
	}
	n := func(set, kind string) int64 {
		id, err := strconv.ParseInt(sets[set].ids[kind], 10, 64)
		if err != nil {
			t.Fatalf("no %s in set %s", kind, set)
		}
		return id
	}
	account := func(user string) int64 { return one(`SELECT id FROM accounts WHERE username = ?`, user) }
	unitOf := func(h int64) int64 { return one(`SELECT unit_id FROM households WHERE id = ?`, h) }
	grid := func(c int64) int64 {
		return one(`SELECT MAX(id) FROM nodes WHERE kind = 'grid' AND path LIKE ?`, fmt.Sprintf("%%/%d/%%", c))
	}
	xyHH, jxHH := n("xy", "household"), n("jx", "household")
	xyUnit, jxUnit := unitOf(xyHH), unitOf(jxHH)
	xyBuilding, jxBuilding := n("xy", "building"), n("jx", "building")
	xy, jx := n("xy", "node"), n("jx", "node")
	jxCase := one(`SELECT MIN(id) FROM cases WHERE community_id = ? AND state = 'closed'`, jx)
	project := n("xy", "project")
	now := s.Clock.Now()

	// with returns a copy of m with k set to v.
	with := func(m map[string]any, kv ...any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	dispute := map[string]any{"type": "neighbour", "title": "楼道堆物", "location_id": xyBuilding,
		"parties": []map[string]any{{"role": "applicant", "name": "甲"}, {"role": "respondent", "name": "乙"}}}
	party := func(k string, v int64) []map[string]any {
		return []map[string]any{{"role": "applicant", "name": "甲", k: v}, {"role": "respondent", "name": "乙"}}
	}
	meeting := map[string]any{"title": "协调会", "kind": "coordination", "scope_id": xyUnit,
		"starts_at": meetingStart, "ends_at": meetingEnd, "place": "会议室", "host": "韩素芬", "agenda": []string{"通报方案"}}
	vote := map[string]any{"scope_id": xyUnit, "project_id": project, "title": "表决", "matter": "renovation",
		"opens_at": now, "closes_at": now.AddDate(0, 0, 7)}
	proj := map[string]any{"community_id": xy, "scope": []int64{xyUnit}, "title": "楼道照明", "kind": "lighting"}
	visit := map[string]any{"household_id": xyHH, "subject": fmt.Sprintf("project:%d", project), "stance": "support", "notes": "走访"}
	caseIn := map[string]any{"category": "noise", "title": "夜间噪声", "location_id": xyBuilding}
	thanks := map[string]any{"subject": fmt.Sprintf("project:%d", project), "kind": "banner", "from": "居民", "text": "谢谢", "at": now}
	happy := fmt.Sprintf("/api/happiness/%d/thanks", xy)
	return []bodyCase{
		{"POST /api/mediation", "xueyuan", "/api/mediation", "location_id", dispute, with(dispute, "location_id", jxBuilding)},
		{"POST /api/mediation", "xueyuan", "/api/mediation", "parties[].household_id", dispute, with(dispute, "parties", party("household_id", jxHH))},
		{"POST /api/mediation", "xueyuan", "/api/mediation", "parties[].person_id", dispute, with(dispute, "parties", party("person_id", n("jx", "person")))},
		{"POST /api/mediation", "xueyuan", "/api/mediation", "case_id", dispute, with(dispute, "case_id", jxCase)},
		{"POST /api/mediation", "xueyuan", "/api/mediation", "mediators", dispute, with(dispute, "mediators", []int64{account("jixiang")})},
		{"POST /api/meetings", "xueyuan", "/api/meetings", "scope_id", meeting, with(meeting, "scope_id", jxUnit)},
		{"POST /api/meetings", "xueyuan", "/api/meetings", "invite.account_ids", meeting, with(meeting, "invite", map[string]any{"account_ids": []int64{account("jixiang")}})},
		{"POST /api/meetings", "xueyuan", "/api/meetings", "invite.household_ids", meeting, with(meeting, "invite", map[string]any{"household_ids": []int64{jxHH}})},
		{"POST /api/meetings", "xueyuan", "/api/meetings", "invite.node_ids", meeting, with(meeting, "invite", map[string]any{"node_ids": []int64{jxUnit}})},
		{"POST /api/meetings", "xueyuan", "/api/meetings", "subject", meeting, with(meeting, "subject", map[string]any{"kind": "case", "id": jxCase})},
		{"POST /api/meetings/{id}/invitations", "xueyuan", "/api/meetings/{new}/invitations", "account_ids", map[string]any{"account_ids": []int64{account("unit")}}, map[string]any{"account_ids": []int64{account("jixiang")}}},
		{"POST /api/meetings/{id}/invitations", "xueyuan", "/api/meetings/{new}/invitations", "household_ids", map[string]any{"household_ids": []int64{xyHH}}, map[string]any{"household_ids": []int64{jxHH}}},
		{"POST /api/meetings/{id}/invitations", "xueyuan", "/api/meetings/{new}/invitations", "node_ids", map[string]any{"node_ids": []int64{xyUnit}}, map[string]any{"node_ids": []int64{jxUnit}}},
		{"POST /api/votes", "xueyuan", "/api/votes", "scope_id", vote, with(vote, "scope_id", jxUnit)},
		{"POST /api/votes", "jixiang", "/api/votes", "project_id", with(vote, "scope_id", jxUnit, "project_id", 0), with(vote, "scope_id", jxUnit)},
		{"POST /api/votes", "xueyuan", "/api/votes", "required_household_ids", vote, with(vote, "required_household_ids", []int64{jxHH})},
		{"POST /api/cost-plans", "jixiang", "/api/cost-plans", "vote_id", map[string]any{"scope_id": jxUnit, "title": "分摊", "total": "1000"}, map[string]any{"vote_id": n("xy", "vote"), "title": "分摊", "total": "1000"}},
		{"POST /api/cost-plans", "xueyuan", "/api/cost-plans", "scope_id", map[string]any{"scope_id": xyUnit, "title": "分摊", "total": "1000"}, map[string]any{"scope_id": jxUnit, "title": "分摊", "total": "1000"}},
		{"POST /api/projects", "xueyuan", "/api/projects", "community_id", proj, with(proj, "community_id", jx, "scope", []int64{jxUnit})},
		{"POST /api/projects", "xueyuan", "/api/projects", "scope", proj, with(proj, "scope", []int64{jxUnit})},
		{"POST /api/projects/{id}/people", "xueyuan", "/api/projects/{new}/people", "account_id", map[string]any{"role": "grid_worker", "account_id": account("grid1")}, map[string]any{"role": "grid_worker", "account_id": account("jxgrid")}},
		{"POST /api/visits", "grid1", "/api/visits", "household_id", visit, with(visit, "household_id", jxHH)},
		{"POST /api/visits", "grid1", "/api/visits", "subject", visit, with(visit, "subject", fmt.Sprintf("dispute:%d", n("jx", "dispute")))},
		{"POST /api/visits", "grid1", "/api/visits", "visitor_ids", visit, with(visit, "visitor_ids", []int64{account("jxgrid")})},
		{"POST /api/visits/matters", "xueyuan", "/api/visits/matters", "scope_id", map[string]any{"title": "入户走访", "scope_id": xyUnit}, map[string]any{"title": "入户走访", "scope_id": jxUnit}},
		{"POST /api/cases", "xueyuan", "/api/cases", "location_id", caseIn, with(caseIn, "location_id", jxBuilding)},
		{"POST /api/cases", "xueyuan", "/api/cases", "household_id", with(caseIn, "household_id", xyHH), with(caseIn, "household_id", jxHH)},
		{"POST /api/cases", "resident", "/api/cases", "household_id", with(caseIn, "household_id", xyHH), with(caseIn, "household_id", n("xyhh", "household"))},
		{"POST /api/cases", "resident", "/api/cases", "location_id", caseIn, with(caseIn, "location_id", jxBuilding)},
		{"POST /api/happiness/{id}/thanks", "xueyuan", happy, "subject", thanks, with(thanks, "subject", fmt.Sprintf("case:%d", jxCase))},
		{"POST /api/nodes", "xueyuan", "/api/nodes", "parent_id", map[string]any{"parent_id": xy, "kind": "grid", "name": "新网格"}, map[string]any{"parent_id": jx, "kind": "grid", "name": "越权网格"}},
		{"POST /api/households", "xueyuan", "/api/households", "unit_id", map[string]any{"unit_id": xyUnit, "floor": 1, "room": "1999", "area": "80.00"}, map[string]any{"unit_id": jxUnit, "floor": 1, "room": "1999", "area": "80.00"}},
		{"POST /api/accounts/{id}/grants", "xueyuan", fmt.Sprintf("/api/accounts/%d/grants", account("grid1")), "node_id", map[string]any{"role": "grid_worker", "node_id": grid(xy)}, map[string]any{"role": "grid_worker", "node_id": grid(jx)}},
	}
}

// walkBodies sends the main create routes ids of another community (or, for
// a resident, another household) in their bodies; it returns the number of
// requests.
func walkBodies(t *testing.T, s *testServer, sets map[string]*idSet, record func(walkResult, bool)) int {
	t.Helper()
	walkers := map[string]*walker{}
	requests := 0
	created := map[string]string{} // route of the create → id of the control's record
	for _, c := range bodyCases(t, s, sets) {
		w, path, ok := controlBody(t, s, walkers, created, c)
		requests++
		if !ok {
			continue
		}
		crossBody, _ := json.Marshal(c.cross)
		r := w.sendJSON(c.route, c.field, path, crossBody)
		requests++
		r.set = "body:" + c.field
		record(r.walkResult, false)
	}
	return requests
}

// controlBody sends a body case's own request, which must succeed, as
// its user (walkers keeps one walker per user); created maps the route of
// a create to the id of the record its control made, for the requests that
// add to it ("{new}" in their path). It returns the walker and the path
// the case's other requests go to.
func controlBody(t *testing.T, s *testServer, walkers map[string]*walker, created map[string]string, c bodyCase) (*walker, string, bool) {
	t.Helper()
	w := walkers[c.user]
	if w == nil {
		w = newWalker(t, s, c.user)
		walkers[c.user] = w
	}
	path := c.path
	if strings.Contains(path, "{new}") {
		parent := strings.SplitN(c.route, "/{id}", 2)[0]
		id := created[parent]
		if id == "" {
			t.Errorf("%s: no record of %s to add to", c.route, parent)
			return w, path, false
		}
		path = strings.ReplaceAll(path, "{new}", id)
	}
	ownBody, _ := json.Marshal(c.own)
	ctl := w.sendJSON(c.route, c.field, path, ownBody)
	if ctl.status < 200 || ctl.status > 299 {
		t.Errorf("control for %s %s (%s): %d %.300s", c.route, c.field, c.user, ctl.status, ctl.body)
		return w, path, false
	}
	if id := createdID(ctl.body); id != "" {
		created["POST "+c.path] = id
	}
	return w, path, true
}

// bodyResult is a walk result with the answer's body.
type bodyResult struct {
	walkResult
	body []byte
}

// sendJSON posts a JSON body.
func (w *walker) sendJSON(route, field, path string, body []byte) bodyResult {
	before := w.auditRows()
	req, err := http.NewRequest("POST", w.s.URL+path, strings.NewReader(string(body)))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: "linli_session", Value: w.cookie})
	res, err := w.http.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return bodyResult{walkResult{route: route, role: w.role, set: "body:" + field, method: "POST", path: path,
		status: res.StatusCode, wrote: w.auditRows() != before}, out}
}

// createdID finds the id of a created record in an answer: top level, or
// in its "project", "dispute", "meeting" or "vote" object.
func createdID(body []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	for _, k := range []string{"project", "dispute", "meeting", "vote"} {
		if inner, ok := m[k]; ok {
			if id := createdID(inner); id != "" {
				return id
			}
		}
	}
	var id int64
	if raw, ok := m["id"]; ok && json.Unmarshal(raw, &id) == nil && id > 0 {
		return strconv.FormatInt(id, 10)
	}
	return ""
}

// queryMarkers are names only the records of a set's community carry: a
// list answer to another community's actor that holds one leaks.
var queryMarkers = map[string][]string{
	"xy": {"荟萃花园", "学苑社区"},
	"jx": {"吉祥花园", "吉祥社区"},
}

// walkQueries sends the list and form routes that take ids in their query
// (a node to filter by, a project or vote to start from) the ids of another
// community. Lists may answer 2xx (filtered to nothing, or to what the
// actor may see) but must not show the other community's records; the
// answer is searched for names of that community. It returns the number
// of requests.
func walkQueries(t *testing.T, s *testServer, sets map[string]*idSet, record func(walkResult, bool)) int {
	t.Helper()
	queries := []struct{ route, path string }{
		{"GET /api/cases", "/api/cases?node_id={node}"},
		{"GET /api/cases/board", "/api/cases/board?node_id={node}"},
		{"GET /cases", "/cases?node_id={node}"},
		{"GET /api/nodes", "/api/nodes?parent_id={node}"},
		{"GET /api/households", "/api/households?node_id={node}"},
		{"GET /households", "/households?node_id={node}"},
		{"GET /api/stats", "/api/stats?node_id={node}"},
		{"GET /stats", "/stats?node_id={node}"},
		{"GET /stats/export.xlsx", "/stats/export.xlsx?node_id={node}"},
		{"GET /api/reports", "/api/reports?node_id={node}&month=2026-11"},
		{"GET /reports", "/reports?node_id={node}&month=2026-11"},
		{"GET /reports/export.xlsx", "/reports/export.xlsx?node_id={node}&month=2026-11"},
		{"GET /import", "/import?community_id={node}"},
		{"GET /projects/new", "/projects/new?community_id={node}"},
		{"GET /api/visits/coverage", "/api/visits/coverage?subject=project:{project}&node_id={building}"},
		{"GET /votes/new", "/votes/new?project_id={project}"},
		{"GET /cost-plans/new", "/cost-plans/new?vote_id={vote}"},
	}
	// The markers are seen where they should be: in the lists of the
	// community's own staff.
	for _, own := range []struct{ user, set string }{{"xueyuan", "xy"}, {"jixiang", "jx"}} {
		path := "/households?node_id=" + sets[own.set].ids["node"]
		if r, body := newWalker(t, s, own.user).get("GET /households", path); r.status != 200 || !containsAny(body, queryMarkers[own.set]) {
			t.Errorf("%s GET %s: %d, without %v", own.user, path, r.status, queryMarkers[own.set])
		}
	}
	requests := 2
	for _, role := range []struct{ user, set string }{{"xueyuan", "jx"}, {"grid1", "jx"}, {"resident", "jx"}, {"jixiang", "xy"}, {"jxgrid", "xy"}, {"jxresident", "xy"}} {
		w := newWalker(t, s, role.user)
		set := sets[role.set]
		for _, q := range queries {
			if _, ok := permRoutes[q.route]; !ok {
				t.Errorf("walkQueries names %s, which permRoutes does not list", q.route)
				continue
			}
			path, missing := q.path, false
			for _, m := range pathParam.FindAllStringSubmatch(q.path, -1) {
				id, ok := set.ids[m[1]]
				if !ok {
					missing = true
					break
				}
				path = strings.ReplaceAll(path, m[0], id)
			}
			if missing {
				continue
			}
			r, body := w.get(q.route, path)
			requests++
			r.set = "query:" + role.set
			if r.accepted() && !containsAny(body, queryMarkers[role.set]) {
				continue // answered, but showed nothing of the other community
			}
			record(r, false)
		}
	}
	return requests
}

// get reads path and returns the answer's body too.
func (w *walker) get(route, path string) (walkResult, string) {
	req, err := http.NewRequest("GET", w.s.URL+path, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "linli_session", Value: w.cookie})
	res, err := w.http.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return walkResult{route: route, role: w.role, method: "GET", path: path, status: res.StatusCode, location: res.Header.Get("Location")}, string(out)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// photoForm is a multipart form for spec "field&key=value&…": a small PNG
// in the file field, and the other fields.
func photoForm(t *testing.T, spec string) ([]byte, string) {
	t.Helper()
	parts := strings.Split(spec, "&")
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for _, kv := range parts[1:] {
		k, v, _ := strings.Cut(kv, "=")
		fields[k] = v
	}
	b, ct := multipartBody(t, fields, map[string][2]string{parts[0]: {"photo.png", img.String()}})
	return b.Bytes(), ct
}

var (
	timingsMu sync.Mutex
	timings   map[string]time.Duration
)
