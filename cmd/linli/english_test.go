package main

// English for the values that come from data and from Go rather than from
// a template's {{t "…"}}: category names, the case loop's labels, and the
// case-loop pages rendered in English as each role, which must show no
// Chinese except data (places, people, what users typed). And the other
// direction: a Chinese page never shows a "中文 / English" pair.

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"linli/cases"
	"linli/storage"
)

// TestEnglishDataLabels: every category carries an English name, and every
// state, action, timeline step, source, priority and rating has its English.
func TestEnglishDataLabels(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	ctx := context.Background()
	rows, err := s.DB.Query(ctx, `SELECT code, name, name_en FROM categories ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var code, zh, en string
		if err := rows.Scan(&code, &zh, &en); err != nil {
			t.Fatal(err)
		}
		n++
		if en == "" || hasChinese.MatchString(en) {
			t.Errorf("category %s (%s) has no English name: %q", code, zh, en)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("only %d categories", n)
	}
	en, zh := cases.Labels("en"), cases.Labels("zh")
	for k, l := range en {
		if l == "" || hasChinese.MatchString(l) {
			t.Errorf("%s: no English (%q, Chinese %q)", k, l, zh[k])
		}
		if zh[k] == "" || !hasChinese.MatchString(zh[k]) {
			t.Errorf("%s: no Chinese name (%q)", k, zh[k])
		}
	}
	for _, d := range []time.Duration{-72 * time.Hour, -90 * time.Minute, 5 * time.Minute, 3 * time.Hour, 50 * time.Hour} {
		if c := cases.Countdown(d, "en"); hasChinese.MatchString(c) {
			t.Errorf("countdown %v in English: %q", d, c)
		}
		if c := cases.Countdown(d, "zh"); !hasChinese.MatchString(c) {
			t.Errorf("countdown %v in Chinese: %q", d, c)
		}
	}
}

// dataStrings are the texts of the demo that are data, not interface: the
// names of places, people, accounts and departments, and what people typed
// (titles, descriptions, notes, reasons). The notes the case service writes
// itself are left out, or only their typed remainder is kept, so an
// untranslated system note still fails.
func dataStrings(t *testing.T, s *testServer) []string {
	t.Helper()
	ctx := context.Background()
	set := map[string]bool{}
	add := func(v string) {
		for _, line := range strings.Split(v, "\n") {
			if line = strings.TrimSpace(line); line != "" && hasChinese.MatchString(line) {
				set[line] = true
			}
		}
	}
	for _, q := range []string{
		`SELECT name FROM nodes`, `SELECT room FROM households`, `SELECT note FROM households`, `SELECT name FROM people`,
		`SELECT note FROM people`, `SELECT display_name FROM accounts`,
		`SELECT title FROM cases`, `SELECT description FROM cases`, `SELECT address FROM cases`, `SELECT reporter_name FROM cases`,
		`SELECT assignee_name FROM cases WHERE assignee_kind <> 'department'`, `SELECT rating_comment FROM cases`, `SELECT actor_name FROM case_events WHERE actor_id <> 0`,
		`SELECT target_name FROM case_whistles`, `SELECT reason FROM case_whistles`, `SELECT reason FROM case_extensions`,
		`SELECT name FROM attachments`, `SELECT title FROM projects`, `SELECT contractor FROM projects`, `SELECT title FROM meetings`,
		`SELECT place FROM meetings`, `SELECT title FROM votes`, `SELECT title FROM visit_matters`, `SELECT title FROM disputes`,
		`SELECT title FROM meeting_actions`, `SELECT owner_name FROM meeting_actions`, `SELECT number FROM disputes`,
		// The public texts of cases staff approved for the happiness list.
		`SELECT title FROM case_publications`, `SELECT summary FROM case_publications`,
		// Names of documents cited in English text.
		`SELECT '法释〔2009〕7号'`,
		// The projects feed: what staff typed (the project's own words for
		// a step read in English, projects/feed.go).
		`SELECT text FROM project_updates WHERE kind = 'note'`, `SELECT by_name FROM project_updates`,
	} {
		rows, err := s.DB.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			add(v)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Timeline notes: whole where a person typed them; after the
	// service's own words where it joined them ("派往…；typed").
	system := []string{"response_overdue", "warning", "overdue", "escalation_exhausted", "whistle", "report_in",
		"report_in_lapsed", "photos", "merged_from", "add_cohandler"}
	joined := []string{"dispatch", "transfer", "merge", "rate", "decide_extension"}
	rows, err := s.DB.Query(ctx, `SELECT action, note FROM case_events WHERE note <> ''`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var action, note string
		if err := rows.Scan(&action, &note); err != nil {
			t.Fatal(err)
		}
		switch {
		case slices.Contains(system, action):
		case slices.Contains(joined, action):
			if _, typed, ok := strings.Cut(note, "；"); ok {
				add(typed)
			}
		case action == "request_extension":
			if _, typed, ok := strings.Cut(note, "："); ok {
				add(typed)
			}
		default:
			add(note)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, v := range campaignDataStrings(t, s.DB) {
		add(v)
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) }) // longest first
	return out
}

var (
	scriptRE = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>`)
	// The audit log's record snapshots (before/after JSON) are the data
	// as stored.
	auditJSONRE = regexp.MustCompile(`(?s)<pre class="json[^"]*">.*?</pre>`)
	// The language switch names Chinese in Chinese, on purpose; the avatar
	// shows the first character of the account's name.
	langFormRE = regexp.MustCompile(`(?s)<form method="post" action="/lang".*?</form>`)
	avatarRE   = regexp.MustCompile(`<span class="avatar"[^>]*>[^<]*</span>`)
	attrRE     = regexp.MustCompile(`\b(?:title|aria-label|placeholder|alt)="([^"]*)"`)
	tagRE      = regexp.MustCompile(`<[^>]*>`)
)

// chineseLeft is the Chinese a page shows that is not data: each text (and
// each readable attribute) with the data strings taken out.
func chineseLeft(page string, data []string) []string {
	page = scriptRE.ReplaceAllString(page, "")
	page = auditJSONRE.ReplaceAllString(page, "")
	page = langFormRE.ReplaceAllString(page, "")
	page = avatarRE.ReplaceAllString(page, "")
	var texts []string
	for _, m := range attrRE.FindAllStringSubmatch(page, -1) {
		texts = append(texts, html.UnescapeString(m[1]))
	}
	for _, seg := range tagRE.Split(page, -1) {
		texts = append(texts, html.UnescapeString(seg))
	}
	var left []string
	for _, txt := range texts {
		if !hasChinese.MatchString(txt) {
			continue
		}
		for _, d := range data {
			if strings.Contains(txt, d) {
				txt = strings.ReplaceAll(txt, d, " ")
				if !hasChinese.MatchString(txt) {
					break
				}
			}
		}
		if hasChinese.MatchString(txt) {
			left = append(left, strings.Join(strings.Fields(txt), " "))
		}
	}
	return left
}

// fileReport has a resident report a problem through the API and returns
// the new case's id.
func fileReport(t *testing.T, s *testServer, title string) int64 {
	t.Helper()
	var home int64
	if err := s.DB.QueryRow(t.Context(), `SELECT household_id FROM grants g JOIN accounts a ON a.id = g.account_id WHERE a.username = 'resident'`).Scan(&home); err != nil {
		t.Fatal(err)
	}
	var c struct {
		ID int64 `json:"id"`
	}
	if st := s.login(t, "resident").json("POST", "/api/cases", map[string]any{"category": "water_leak", "title": title,
		"description": "卫生间天花板渗水", "household_id": home}, &c); st != http.StatusCreated {
		t.Fatalf("report: %d", st)
	}
	return c.ID
}

// TestEnglishCaseLoopPages renders the case loop's pages in English as each
// role and fails on any Chinese that is not data.
func TestEnglishCaseLoopPages(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	ctx := context.Background()
	reported := fileReport(t, s, "楼上漏水")
	// What people typed in the projects (a phase's outcome, a measure)
	// reaches the followers' notifications.
	data := append(dataStrings(t, s), capabilityTexts(t, s)...)
	sort.Slice(data, func(i, j int) bool { return len(data[i]) > len(data[j]) })
	var long int64
	if err := s.DB.QueryRow(ctx, `SELECT case_id FROM case_events GROUP BY case_id ORDER BY COUNT(*) DESC, case_id LIMIT 1`).Scan(&long); err != nil {
		t.Fatal(err)
	}
	// Every case page a role may open: the longest timeline, one still
	// waiting, and the newest few.
	caseIDs, err := s.DB.Query(ctx, `SELECT id FROM cases ORDER BY id DESC LIMIT 6`)
	if err != nil {
		t.Fatal(err)
	}
	casePages := []string{fmt.Sprintf("/cases/%d", long), fmt.Sprintf("/cases/%d", reported)}
	for caseIDs.Next() {
		var id int64
		if err := caseIDs.Scan(&id); err != nil {
			t.Fatal(err)
		}
		casePages = append(casePages, fmt.Sprintf("/cases/%d", id))
	}
	if err := caseIDs.Close(); err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{}
	seen := 0
	for _, who := range []string{"xueyuan", "grid1", "resident", "building", "property", "dept", "street", "jixiang", "admin"} {
		c := english(t, s, who)
		pages := append([]string{"/", "/cases", "/cases?overdue=1", "/cases/mine", "/tasks", "/notifications", "/report", "/stats"}, casePages...)
		for _, p := range pages {
			st, body := c.do("GET", p, nil)
			if st != http.StatusOK {
				if who == "xueyuan" && (p == fmt.Sprintf("/cases/%d", long) || p == "/cases") {
					t.Fatalf("%s GET %s: %d", who, p, st)
				}
				continue
			}
			seen++
			for _, l := range chineseLeft(string(body), data) {
				if !slices.Contains(found[l], who+" "+p) && len(found[l]) < 3 {
					found[l] = append(found[l], who+" "+p)
				}
			}
		}
	}
	if seen < 40 {
		t.Fatalf("only %d pages answered 200", seen)
	}
	reportChinese(t, found)
}

// reportChinese fails the test with the Chinese found on English pages
// (text → where).
func reportChinese(t *testing.T, found map[string][]string) {
	t.Helper()
	if len(found) == 0 {
		return
	}
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %q (%s)", k, strings.Join(found[k], ", "))
	}
	t.Errorf("%d Chinese texts on English pages that are not data:%s", len(keys), b.String())
}

// layerOptionRE finds the layers a building view offers.
var layerOptionRE = regexp.MustCompile(`<option value="([a-z]+:\d+)"`)

// pairRE finds a "中文 / English" pair: Chinese, " / ", then Latin text.
var pairRE = regexp.MustCompile(`\p{Han}[^<>\n]{0,80}? / [A-Za-z]`)

// TestChinesePagesShowNoPair: the flash after a form, the error of a failed
// action and a notification written as a pair show only their Chinese half
// on a Chinese page, and only their English on an English one.
func TestChinesePagesShowNoPair(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	reported, other := fileReport(t, s, "楼上漏水"), fileReport(t, s, "楼道灯不亮")
	noPair := func(what string, body []byte, want string) {
		t.Helper()
		page := scriptRE.ReplaceAllString(string(body), "")
		if m := pairRE.FindString(page); m != "" {
			t.Errorf("%s shows a pair: %q", what, m)
		}
		if want != "" && !strings.Contains(page, want) {
			t.Errorf("%s does not show %q: %.400s", what, want, page)
		}
	}
	zh := s.login(t, "xueyuan")

	// A flash after an action (cases), in Chinese.
	if st, _ := zh.form(fmt.Sprintf("/cases/%d/actions", reported), url.Values{"action": {"accept"}}); st != http.StatusSeeOther {
		t.Fatalf("accept: %d", st)
	}
	_, body := zh.do("GET", fmt.Sprintf("/cases/%d", reported), nil)
	noPair("the case page after 立案", body, "立案：已完成")

	// A failed action: its message and the field's reason.
	st, body := zh.form(fmt.Sprintf("/cases/%d/actions", other), url.Values{"action": {"reject"}})
	if st < 400 {
		t.Fatalf("reject without a reason: %d", st)
	}
	noPair("a refused 不予立案", body, "")

	// The same in English: the English half only.
	third := fileReport(t, s, "单元门禁损坏")
	en := english(t, s, "xueyuan")
	if st, body := en.form(fmt.Sprintf("/cases/%d/actions", third), url.Values{"action": {"accept"}}); st != http.StatusSeeOther {
		t.Fatalf("accept in English: %d %.300s", st, body)
	}
	_, body = en.do("GET", fmt.Sprintf("/cases/%d", third), nil)
	noPair("the English case page after 立案", body, "Register: done")
	if strings.Contains(string(body), "已完成") {
		t.Errorf("the English flash shows Chinese")
	}

	// Notifications: the reporter of the accepted case reads it in
	// English; staff in Chinese see no pair on the bell's page.
	_, body = zh.do("GET", "/notifications", nil)
	noPair("the notifications page", body, "")
	_, body = english(t, s, "resident").do("GET", "/notifications", nil)
	noPair("the resident's English notifications", body, "Your report “单元门禁损坏”: Registered")

	// A flash that pages took from the URL as it came (the account page).
	if st, _ := zh.form("/account/password", url.Values{"old_password": {demoPassword}, "password": {"Linli-new-pass-2027"}}); st != http.StatusSeeOther {
		t.Fatalf("password change: %d", st)
	}
	_, body = zh.do("GET", "/account", nil)
	noPair("the account page after a password change", body, "密码已修改")
}

// capabilityTexts are every text stored by the negotiation capabilities
// (projects, votes, visits, meetings, mediation, thanks) and by campaigns: what people typed
// there, taken as data by TestEnglishOtherPages. Their generated texts are
// covered where they are worded in Go at render time (titles of links,
// states, the happiness list).
func capabilityTexts(t *testing.T, s *testServer) []string {
	t.Helper()
	ctx := context.Background()
	scalars := func(q string, args ...any) []string {
		t.Helper()
		v, err := storage.Scalars[string](ctx, s.DB, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return v
	}
	var out []string
	for _, n := range scalars(`SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'project%' OR name LIKE 'vote%'
		OR name LIKE 'visit%' OR name LIKE 'meeting%' OR name LIKE 'dispute%' OR name = 'thanks' OR name = 'cost_plans'
		OR name LIKE 'campaign%' OR name LIKE 'camera%')`) {
		for _, c := range scalars(`SELECT name FROM pragma_table_info(?) WHERE type = 'TEXT'`, n) {
			if n == "project_updates" && c == "text" {
				continue // the steps' words are English on English pages; notes are in dataStrings
			}
			for _, v := range scalars(`SELECT "` + c + `" FROM "` + n + `"`) {
				for _, line := range strings.Split(v, "\n") {
					if line = strings.TrimSpace(line); hasChinese.MatchString(line) && !strings.HasPrefix(line, "{") {
						out = append(out, line)
						// A line of "label：value；…" (a phase's outcome):
						// the values as typed, shown under English labels.
						for _, part := range strings.Split(line, "；") {
							if _, v, ok := strings.Cut(part, "："); ok && hasChinese.MatchString(v) {
								out = append(out, strings.TrimSpace(v))
							} else if !ok && utf8.RuneCountInString(part) > 6 { // typed text holding a "；" (the bare words are short)
								out = append(out, strings.TrimSpace(part))
							}
						}
					}
				}
			}
		}
	}
	return out
}

// TestEnglishOtherPages: the pages of the negotiation capabilities in
// English show no Chinese but data; so do the audit log (its summaries,
// audit/english.go) and the building view under each of its layers (the
// layers' titles and cells, registry/layertext.go).
func TestEnglishOtherPages(t *testing.T) {
	// The longest tests of the package run beside each other, after the
	// others, so the package's tail uses both cores (CI time).
	t.Parallel()
	s := startServer(t, demoSQLite(t))
	ctx := context.Background()
	cameraFixture(t, s) // a camera with an alert, for the camera pages
	data := append(dataStrings(t, s), capabilityTexts(t, s)...)
	sort.Slice(data, func(i, j int) bool { return len(data[i]) > len(data[j]) })
	var pages []string
	for _, q := range []string{`SELECT '/projects/' || id FROM projects`, `SELECT '/votes/' || id FROM votes`,
		`SELECT '/meetings/' || id FROM meetings`, `SELECT '/mediation/' || id FROM disputes`,
		`SELECT '/visits/' || MIN(id) FROM visits`, `SELECT '/visits/matters/' || id FROM visit_matters`,
		`SELECT '/happiness/' || id FROM nodes WHERE kind = 'community'`, `SELECT '/cost-plans/' || id FROM cost_plans`,
		`SELECT '/notices/' || id FROM notices`,
		`SELECT '/campaigns/' || id FROM campaigns`, `SELECT '/campaign-tasks/' || id FROM campaign_tasks`,
		`SELECT '/campaign-findings/' || id FROM campaign_findings`, `SELECT '/campaign-plans/' || id FROM campaign_plans`,
		`SELECT '/cameras/' || id FROM cameras`, `SELECT '/cameras/alerts/' || id FROM camera_alerts`} {
		ps, err := storage.Scalars[string](ctx, s.DB, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		pages = append(pages, ps...)
	}
	pages = append(pages, "/projects", "/votes", "/visits", "/meetings", "/mediation", "/happiness", "/audit", "/meetings?day=today", "/notices", "/notices/new",
		"/cameras", "/cameras/alerts", "/cameras/board", "/open311/integrators")
	// The building of the elevator story, and each layer it offers.
	var building int64
	if err := s.DB.QueryRow(ctx, `SELECT b.id FROM nodes b JOIN nodes e ON b.parent_id = e.id
		WHERE b.kind = 'building' AND b.name = '1号楼' AND e.name = '荟萃花园南区'`).Scan(&building); err != nil {
		t.Fatal(err)
	}
	_, body := english(t, s, "xueyuan").do("GET", fmt.Sprintf("/buildings/%d", building), nil)
	layers := layerOptionRE.FindAllStringSubmatch(string(body), -1)
	if len(layers) < 3 {
		t.Fatalf("the building offers %d layers", len(layers))
	}
	pages = append(pages, fmt.Sprintf("/buildings/%d", building))
	for _, l := range layers {
		pages = append(pages, fmt.Sprintf("/buildings/%d?layer=%s", building, l[1]))
	}
	found := map[string][]string{}
	seen := 0
	for _, who := range []string{"xueyuan", "resident", "jixiang", "admin"} {
		c := english(t, s, who)
		for _, p := range pages {
			st, body := c.do("GET", p, nil)
			if st != http.StatusOK {
				continue
			}
			seen++
			for _, l := range chineseLeft(string(body), data) {
				if len(found[l]) < 3 {
					found[l] = append(found[l], who+" "+p)
				}
			}
		}
	}
	if seen < 20 {
		t.Fatalf("only %d pages answered 200", seen)
	}
	reportChinese(t, found)
}
