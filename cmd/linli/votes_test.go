package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linli/audit"
	"linli/auth"
	"linli/cases"
	"linli/home"
	"linli/projects"
	"linli/registry"
	"linli/votes"
)

// voteUnit3 is 荟萃花园南区 1号楼 3单元 of the demo.
func voteUnit3(t *testing.T, s *testServer) registry.Node {
	t.Helper()
	n, err := s.Registry.FindNode(context.Background(), []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元"})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// openVote opens a renovation vote for unit 3 through the API, open now
// for 30 days; 201 must consent itself.
func openVote(t *testing.T, s *testServer, c *client, extra map[string]any) votes.Detail {
	t.Helper()
	body := map[string]any{"scope_id": voteUnit3(t, s).ID, "title": "3单元加装电梯意见征询", "matter": "renovation",
		"opens_at": s.Clock.Now().Format(time.RFC3339), "closes_at": s.Clock.Now().AddDate(0, 0, 30).Format(time.RFC3339)}
	for k, v := range extra {
		body[k] = v
	}
	var v votes.Vote
	if st := c.json("POST", "/api/votes", body, &v); st != http.StatusCreated {
		t.Fatalf("create vote: %d %+v", st, v)
	}
	var d votes.Detail
	if st := c.json("GET", fmt.Sprintf("/api/votes/%d", v.ID), nil, &d); st != 200 || len(d.Households) != 12 {
		t.Fatalf("get vote: %d, %d households", st, len(d.Households))
	}
	return d
}

func roomIDs(d votes.Detail) map[string]int64 {
	out := map[string]int64{}
	for _, h := range d.Households {
		out[h.Room] = h.ID
	}
	return out
}

// The story through the pages: staff record paper ballots for the
// whole unit, one household objects, a follow-up is noted, the household
// changes to agree, the tally turns valid and the cost table appears; the
// spreadsheet sums to the fen.
func TestVoteHTTPPaperBallotsToCostTable(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		grid := s.login(t, "grid1")
		d := openVote(t, s, staff, map[string]any{"required_rooms": []string{"201"}})
		id := d.Vote.ID
		rooms := roomIDs(d)
		var plan votes.CostSheet
		if st := staff.json("POST", "/api/cost-plans", map[string]any{"vote_id": id, "title": "加装电梯费用分摊", "total": 580000, "subsidy": "200000.50"}, &plan); st != http.StatusCreated {
			t.Fatalf("cost plan: %d %+v", st, plan)
		}
		page := func(c *client) string {
			t.Helper()
			st, body := c.do("GET", fmt.Sprintf("/votes/%d", id), nil)
			if st != 200 {
				t.Fatalf("vote page: %d %.300s", st, body)
			}
			return string(body)
		}
		ballot := func(room, choice, reason string) {
			t.Helper()
			s.Clock.Advance(time.Minute)
			st, body := grid.form(fmt.Sprintf("/votes/%d/ballots", id), url.Values{"method": {"paper"}, "household_id": {fmt.Sprint(rooms[room])},
				"choice": {choice}, "reason": {reason}, "collector": {"柴晓燕"}})
			if st != http.StatusSeeOther {
				t.Fatalf("ballot %s: %d %.400s", room, st, body)
			}
		}
		for fl := 1; fl <= 6; fl++ {
			for _, r := range []string{"01", "02"} {
				room := fmt.Sprintf("%d%s", fl, r)
				if room == "201" {
					ballot(room, "disagree", "担心墙体安全")
				} else {
					ballot(room, "agree", "")
				}
			}
		}
		p := page(grid)
		for _, want := range []string{`data-test="tally-invalid"`, "1号楼3单元201户须同意", `data-test="objection"`, "担心墙体安全", `data-test="cost-hidden"`} {
			if !strings.Contains(p, want) {
				t.Errorf("before the change, the page lacks %s", want)
			}
		}
		if strings.Contains(p, `data-test="cost-table"`) {
			t.Error("the cost table shows before the tally is valid")
		}
		// A paper ballot without the collector is refused beside the field.
		st, body := grid.form(fmt.Sprintf("/votes/%d/ballots", id), url.Values{"method": {"paper"}, "household_id": {fmt.Sprint(rooms["101"])}, "choice": {"agree"}})
		if st != http.StatusUnprocessableEntity || !bytes.Contains(body, []byte(`data-test="err-collector"`)) {
			t.Errorf("no collector: %d %.300s", st, body)
		}
		// The follow-up.
		d = votes.Detail{}
		staff.json("GET", fmt.Sprintf("/api/votes/%d", id), nil, &d)
		if len(d.Objections) != 1 {
			t.Fatalf("objections %+v", d.Objections)
		}
		oid := d.Objections[0].ID
		if st, body := grid.form(fmt.Sprintf("/votes/%d/objections/%d/notes", id, oid), url.Values{"note": {"看了施工图纸，了解墙体加固方案"}}); st != http.StatusSeeOther {
			t.Fatalf("note: %d %.300s", st, body)
		}
		if st, body := grid.form(fmt.Sprintf("/votes/%d/objections/%d/notes", id, oid), url.Values{"note": {""}}); st != http.StatusUnprocessableEntity || !bytes.Contains(body, []byte(`data-test="err-note"`)) {
			t.Errorf("empty note: %d", st)
		}
		ballot("201", "agree", "看了图纸，同意")
		// The grid worker's paper ballot counts but does not close the
		// owner's objection; staff close it, with a reason.
		if p = page(grid); strings.Contains(p, `data-test="objection-resolved"`) || strings.Contains(p, `data-test="resolve-submit"`) {
			t.Error("a proxy's paper ballot closed the objection, or the grid worker is offered to close it")
		}
		if st, body := staff.form(fmt.Sprintf("/votes/%d/objections/%d/resolve", id, oid), url.Values{"note": {"电话核实：业主本人看过图纸后同意"}}); st != http.StatusSeeOther {
			t.Fatalf("staff resolve: %d %.300s", st, body)
		}
		p = page(grid)
		for _, want := range []string{`data-test="tally-valid"`, `data-test="cost-table"`, `data-test="objection-resolved"`, "看了施工图纸，了解墙体加固方案", `data-test="history"`} {
			if !strings.Contains(p, want) {
				t.Errorf("after the change, the page lacks %s", want)
			}
		}
		if strings.Count(p, `data-test="bill"`) != 12 {
			t.Errorf("%d bill rows", strings.Count(p, `data-test="bill"`))
		}
		d = votes.Detail{}
		staff.json("GET", fmt.Sprintf("/api/votes/%d", id), nil, &d)
		if !d.Tally.Valid || d.Tally.ParticipatingOwners != 12 || len(d.Tally.Missing) != 0 {
			t.Errorf("tally %+v", d.Tally)
		}
		for _, h := range d.Households {
			if h.Room == "201" && (len(h.History) != 2 || h.Choice != "agree" || h.History[0].Collector != "柴晓燕") {
				t.Errorf("201: %+v", h)
			}
		}
		// The spreadsheet: every household's share, summing exactly to
		// total − subsidy.
		st, xb := staff.do("GET", fmt.Sprintf("/votes/%d/cost.xlsx", id), nil)
		if st != 200 {
			t.Fatalf("xlsx: %d %.300s", st, xb)
		}
		x, err := excelize.OpenReader(bytes.NewReader(xb))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(votes.CostSheetName)
		if err != nil {
			t.Fatal(err)
		}
		var sum, total int64
		n := 0
		for _, r := range rows[4:] {
			if len(r) < 7 {
				continue
			}
			fen, err := votes.ParseYuan(r[6])
			if err != nil {
				t.Fatalf("row %v: %v", r, err)
			}
			if r[0] == "合计" {
				total = fen
				break
			}
			sum += fen
			n++
		}
		if n != 12 || sum != 58000000-20000050 || total != sum {
			t.Errorf("xlsx: %d rows, sum %d, total row %d", n, sum, total)
		}
		// The building view offers and colours the vote.
		st, body = staff.do("GET", fmt.Sprintf("/buildings/%d?layer=vote:%d", voteUnit3(t, s).ParentID, id), nil)
		if st != 200 || !bytes.Contains(body, []byte("mark-agree")) {
			t.Errorf("building view: %d", st)
		}
	})
}

func TestVoteHTTPBadInput(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		res := s.login(t, "resident")
		d := openVote(t, s, staff, nil)
		id := d.Vote.ID
		rooms := roomIDs(d)
		var p problem
		// Online ballot for someone else's household: 403.
		if st := res.json("POST", fmt.Sprintf("/api/votes/%d/ballots", id), map[string]any{"household_id": rooms["601"], "choice": "agree", "method": "online"}, &p); st != http.StatusForbidden {
			t.Errorf("resident for 601: %d %+v", st, p)
		}
		// ...and for the own one: counted.
		var br votes.BallotResult
		if st := res.json("POST", fmt.Sprintf("/api/votes/%d/ballots", id), map[string]any{"choice": "agree", "method": "online"}, &br); st != http.StatusCreated || br.Ballot.HouseholdID != rooms["602"] || br.Tally.ParticipatingOwners != 1 {
			t.Errorf("resident online: %d %+v", st, br)
		}
		// The online form is on the resident's page; the paper form is not.
		_, body := res.do("GET", fmt.Sprintf("/votes/%d", id), nil)
		if !bytes.Contains(body, []byte(`data-test="online-form"`)) || bytes.Contains(body, []byte(`data-test="paper-form"`)) {
			t.Error("resident page forms")
		}
		// Unknown fields are refused.
		if st := staff.json("POST", fmt.Sprintf("/api/votes/%d/ballots", id), map[string]any{"choice": "agree", "method": "paper", "extra": 1}, &p); st != http.StatusBadRequest {
			t.Errorf("unknown field: %d", st)
		}
		// Another community: 404.
		jx := s.login(t, "jixiang")
		if st := jx.json("GET", fmt.Sprintf("/api/votes/%d", id), nil, &p); st != http.StatusNotFound {
			t.Errorf("jixiang: %d", st)
		}
		// A vote not open yet: 409; closed: 409.
		later := openVote(t, s, staff, map[string]any{"opens_at": s.Clock.Now().Add(48 * time.Hour).Format(time.RFC3339)})
		body2 := map[string]any{"household_id": rooms["101"], "choice": "agree", "method": "paper", "collector": "柴晓燕"}
		if st := staff.json("POST", fmt.Sprintf("/api/votes/%d/ballots", later.Vote.ID), body2, &p); st != http.StatusConflict {
			t.Errorf("before opening: %d %+v", st, p)
		}
		if st := staff.json("POST", fmt.Sprintf("/api/votes/%d/close", id), nil, nil); st != 200 {
			t.Errorf("close: %d", st)
		}
		if st := staff.json("POST", fmt.Sprintf("/api/votes/%d/ballots", id), body2, &p); st != http.StatusConflict {
			t.Errorf("after closing: %d %+v", st, p)
		}
		s.Clock.Advance(31 * 24 * time.Hour)
		staff = s.login(t, "xueyuan") // the session has expired meanwhile
		if st := staff.json("POST", fmt.Sprintf("/api/votes/%d/ballots", later.Vote.ID), body2, &p); st != http.StatusConflict {
			t.Errorf("after closes_at: %d", st)
		}
		// A bad vote: 422 naming the fields.
		p = problem{}
		if st := staff.json("POST", "/api/votes", map[string]any{"scope_id": 0, "title": "", "matter": "x", "opens_at": s.Clock.Now(), "closes_at": s.Clock.Now()}, &p); st != http.StatusUnprocessableEntity || !p.hasField("title") || !p.hasField("scope_id") || !p.hasField("matter") {
			t.Errorf("bad vote: %d %+v", st, p)
		}
	})
}

func TestCostHTTPUncoveredFloorAndForms(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		unit := voteUnit3(t, s)
		var p problem
		st := staff.json("POST", "/api/cost-plans", map[string]any{"scope_id": unit.ID, "title": "方案", "total": "1000.00",
			"coefficients": []map[string]any{{"floor": 1, "factor": 0}, {"floor": 2, "factor": "0"}, {"floor": 3, "factor": 0.7}, {"floor": 5, "factor": "0.9"}, {"floor": 6, "factor": "1"}}}, &p)
		if st != http.StatusUnprocessableEntity || !p.hasField("coefficients") || !strings.Contains(p.Errors[0].Reason, "第4层没有分摊系数") {
			t.Errorf("uncovered floor: %d %+v", st, p)
		}
		if st := staff.json("POST", "/api/cost-plans", map[string]any{"scope_id": unit.ID, "title": "方案", "total": 1000.005}, &p); st != http.StatusUnprocessableEntity || !p.hasField("total") {
			t.Errorf("three decimals: %d %+v", st, p)
		}
		// The form: the error beside the coefficients, naming the floor.
		v := url.Values{"scope_id": {fmt.Sprint(unit.ID)}, "title": {"方案"}, "total": {"1000"}, "subsidy": {"0"}}
		for fl, c := range map[int]string{1: "0", 2: "0", 3: "0.7", 4: "", 5: "0.9", 6: "1"} {
			v.Set(fmt.Sprintf("coef_%d", fl), c)
		}
		stf, body := staff.form("/cost-plans", v)
		if stf != http.StatusUnprocessableEntity || !bytes.Contains(body, []byte(`data-test="err-coefficients"`)) || !bytes.Contains(body, []byte("第4层没有分摊系数")) {
			t.Errorf("form: %d %.300s", stf, body)
		}
		v.Set("coef_4", "0.8")
		stf, body = staff.form("/cost-plans", v)
		if stf != http.StatusSeeOther {
			t.Fatalf("form ok: %d %.300s", stf, body)
		}
		loc, _ := url.Parse(string(bytes.TrimSpace(body)))
		_ = loc
		var sheet votes.CostSheet
		var planID int64
		if err := s.DB.QueryRow(context.Background(), `SELECT MAX(id) FROM cost_plans`).Scan(&planID); err != nil {
			t.Fatal(err)
		}
		if st := staff.json("GET", fmt.Sprintf("/api/cost-plans/%d", planID), nil, &sheet); st != 200 || sheet.SumFen != 100000 || len(sheet.Bills) != 12 {
			t.Errorf("plan %d: %d %+v", planID, st, sheet)
		}
		// A grid worker may read the plan but not change it.
		grid := s.login(t, "grid1")
		if st := grid.json("PUT", fmt.Sprintf("/api/cost-plans/%d", planID), map[string]any{"title": "x", "total": "1"}, &p); st != http.StatusForbidden {
			t.Errorf("grid worker PUT: %d", st)
		}
		if st, _ := grid.do("GET", fmt.Sprintf("/cost-plans/%d/bills.xlsx", planID), nil); st != 200 {
			t.Errorf("grid worker xlsx: %d", st)
		}
	})
}

// The vote pages in English have every Chinese text translated, and the
// votes catalogue agrees with the others.
func TestVoteEnglishPages(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	m := &misses{seen: map[string][]string{}}
	s.Registry.Renderer.Untranslated = m.add
	t.Cleanup(func() { s.Registry.Renderer.Untranslated = nil })
	staff := s.login(t, "xueyuan")
	d := openVote(t, s, staff, map[string]any{"required_rooms": []string{"201"}})
	id := d.Vote.ID
	rooms := roomIDs(d)
	s.login(t, "grid1").form(fmt.Sprintf("/votes/%d/ballots", id), url.Values{"method": {"paper"}, "household_id": {fmt.Sprint(rooms["201"])}, "choice": {"disagree"}, "reason": {"担心墙体安全"}, "collector": {"柴晓燕"}})
	var plan votes.CostSheet
	staff.json("POST", "/api/cost-plans", map[string]any{"vote_id": id, "title": "分摊", "total": "1000"}, &plan)
	for _, who := range []string{"xueyuan", "resident", "grid1"} {
		c := english(t, s, who)
		for _, path := range []string{"/votes", fmt.Sprintf("/votes/%d", id), fmt.Sprintf("/cost-plans/%d", plan.Plan.ID)} {
			m.at(who + " GET " + path)
			if st, body := c.do("GET", path, nil); st != 200 {
				t.Errorf("%s GET %s: %d %.200s", who, path, st, body)
			}
		}
	}
	c := english(t, s, "xueyuan")
	for _, path := range []string{"/votes/new", fmt.Sprintf("/cost-plans/new?vote_id=%d", id), fmt.Sprintf("/cost-plans/%d/edit", plan.Plan.ID)} {
		m.at("xueyuan GET " + path)
		if st, body := c.do("GET", path, nil); st != 200 {
			t.Errorf("GET %s: %d %.200s", path, st, body)
		}
	}
	m.at("xueyuan POST /votes (bad)")
	if st, _ := c.form("/votes", url.Values{"title": {""}}); st != http.StatusUnprocessableEntity {
		t.Errorf("bad vote form: %d", st)
	}
	m.at("xueyuan POST ballot (bad)")
	if st, _ := c.form(fmt.Sprintf("/votes/%d/ballots", id), url.Values{"method": {"paper"}}); st != http.StatusUnprocessableEntity {
		t.Errorf("bad ballot form: %d", st)
	}
	m.report(t, "vote pages")

	// Agreement with the other catalogues.
	all := map[string]map[string]string{"votes": votes.Pages().Catalog, "registry": registry.Pages().Catalog, "auth": auth.Pages().Catalog,
		"audit": audit.Pages().Catalog, "home": home.Pages().Catalog, "cases": cases.Pages(s.Clock).Catalog}
	var bad []string
	for name, cat := range all {
		if name == "votes" {
			continue
		}
		for zh, en := range cat {
			if mine, ok := all["votes"][zh]; ok && mine != en {
				bad = append(bad, fmt.Sprintf("%q: votes %q, %s %q", zh, mine, name, en))
			}
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("catalogues disagree:\n%s", strings.Join(bad, "\n"))
	}
}

// voteProject creates a 学苑社区 project through the API covering the
// given places and takes it to its consent-vote phase.
func voteProject(t *testing.T, s *testServer, c *client, scope ...int64) projects.Project {
	t.Helper()
	community, err := s.Registry.FindNode(context.Background(), []string{"运城市", "盐湖区", "东城街道", "学苑社区"})
	if err != nil {
		t.Fatal(err)
	}
	var p projects.Project
	if st := c.json("POST", "/api/projects", map[string]any{"community_id": community.ID, "scope": scope, "title": "1号楼3、4单元加装电梯",
		"kind": "elevator", "public": true}, &p); st != http.StatusCreated {
		t.Fatalf("create project: %d", st)
	}
	for _, in := range []map[string]any{{"to": "consultation", "proposer": "3、4单元居民", "outcome": "加装电梯"}, {"to": "consent_vote", "outcome": "入户走访"}} {
		if st, body := c.do("POST", fmt.Sprintf("/api/projects/%d/advance", p.ID), in); st != 200 {
			t.Fatalf("advance to %s: %d %.300s", in["to"], st, body)
		}
	}
	return p
}

// A project covering units 3 and 4 does not leave its consent-vote phase
// on unit 3's vote alone, nor while that vote is open; another
// community's staff cannot lend it their vote. The vote page names the
// project and opens the building view coloured by the vote.
func TestVoteProjectHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		u3 := voteUnit3(t, s)
		u4, err := s.Registry.FindNode(context.Background(), []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼", "4单元"})
		if err != nil {
			t.Fatal(err)
		}
		p := voteProject(t, s, staff, u3.ID, u4.ID)
		d := openVote(t, s, staff, map[string]any{"project_id": p.ID})
		id := d.Vote.ID
		for _, h := range d.Households {
			s.Clock.Advance(time.Minute)
			if st, body := staff.do("POST", fmt.Sprintf("/api/votes/%d/ballots", id), map[string]any{"household_id": h.ID, "choice": "agree", "method": "paper", "collector": "柴晓燕"}); st != http.StatusCreated {
				t.Fatalf("ballot: %d %.300s", st, body)
			}
		}
		advance := func() (int, problem) {
			var pr problem
			st := staff.json("POST", fmt.Sprintf("/api/projects/%d/advance", p.ID), map[string]any{"to": "approval", "outcome": "表决通过"}, &pr)
			return st, pr
		}
		reasons := func(pr problem) string {
			var out []string
			for _, e := range pr.Errors {
				if e.Field == "vote" {
					out = append(out, e.Reason)
				}
			}
			return strings.Join(out, "\n")
		}
		st, pr := advance()
		if got := reasons(pr); st != http.StatusConflict || !strings.Contains(got, "荟萃花园南区1号楼3单元表决尚未结束") || !strings.Contains(got, "荟萃花园南区1号楼4单元尚未表决") {
			t.Fatalf("unit 3 open, unit 4 without a vote: %d %q", st, got)
		}
		// 吉祥社区's staff cannot make a vote for 学苑社区's project.
		jx := s.login(t, "jixiang")
		jxUnit, err := s.Registry.FindNode(context.Background(), []string{"运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼", "2单元"})
		if err != nil {
			t.Fatal(err)
		}
		pr = problem{}
		if st := jx.json("POST", "/api/votes", map[string]any{"scope_id": jxUnit.ID, "project_id": p.ID, "title": "借用项目", "matter": "renovation",
			"opens_at": s.Clock.Now().Format(time.RFC3339), "closes_at": s.Clock.Now().AddDate(0, 0, 30).Format(time.RFC3339)}, &pr); st != http.StatusUnprocessableEntity || !pr.hasField("project_id") {
			t.Errorf("jixiang with 学苑's project: %d %+v", st, pr)
		}
		// A vote outside the project's scope: 422 on scope_id.
		building := u3.ParentID
		pr = problem{}
		if st := staff.json("POST", "/api/votes", map[string]any{"scope_id": building, "project_id": p.ID, "title": "整栋", "matter": "renovation",
			"opens_at": s.Clock.Now().Format(time.RFC3339), "closes_at": s.Clock.Now().AddDate(0, 0, 30).Format(time.RFC3339)}, &pr); st != http.StatusUnprocessableEntity || !pr.hasField("scope_id") || pr.hasField("project_id") {
			t.Errorf("building vote for a 2-unit project: %d %+v", st, pr)
		}
		// A cost plan naming the project for a place outside it: 422.
		pr = problem{}
		if st := staff.json("POST", "/api/cost-plans", map[string]any{"scope_id": building, "project_id": p.ID, "title": "分摊", "total": "1000"}, &pr); st != http.StatusUnprocessableEntity || !pr.hasField("scope_id") {
			t.Errorf("cost plan outside the project: %d %+v", st, pr)
		}

		// The vote page: the project by its title, and the building view.
		st, body := staff.do("GET", fmt.Sprintf("/votes/%d", id), nil)
		if st != 200 || !bytes.Contains(body, []byte(fmt.Sprintf(`<a href="/projects/%d" data-test="vote-project">1号楼3、4单元加装电梯</a>`, p.ID))) ||
			!bytes.Contains(body, []byte(fmt.Sprintf(`href="/buildings/%d?layer=vote:%d" data-test="vote-building"`, building, id))) {
			t.Errorf("vote page: %d %s", st, body)
		}
		if st, body := staff.do("GET", fmt.Sprintf("/buildings/%d?layer=vote:%d", building, id), nil); st != 200 || !bytes.Contains(body, []byte("mark-agree")) {
			t.Errorf("building view: %d", st)
		}

		// Unit 3 closes; unit 4 votes and closes: the project advances.
		if st := staff.json("POST", fmt.Sprintf("/api/votes/%d/close", id), nil, nil); st != 200 {
			t.Fatalf("close: %d", st)
		}
		st, pr = advance()
		if got := reasons(pr); st != http.StatusConflict || strings.Contains(got, "3单元") || !strings.Contains(got, "荟萃花园南区1号楼4单元尚未表决") {
			t.Fatalf("unit 4 without a vote: %d %q", st, got)
		}
		var v4 votes.Vote
		if st := staff.json("POST", "/api/votes", map[string]any{"scope_id": u4.ID, "project_id": p.ID, "title": "4单元加装电梯", "matter": "renovation",
			"opens_at": s.Clock.Now().Format(time.RFC3339), "closes_at": s.Clock.Now().AddDate(0, 0, 30).Format(time.RFC3339)}, &v4); st != http.StatusCreated {
			t.Fatalf("unit 4 vote: %d", st)
		}
		var d4 votes.Detail
		staff.json("GET", fmt.Sprintf("/api/votes/%d", v4.ID), nil, &d4)
		for _, h := range d4.Households {
			s.Clock.Advance(time.Minute)
			staff.do("POST", fmt.Sprintf("/api/votes/%d/ballots", v4.ID), map[string]any{"household_id": h.ID, "choice": "agree", "method": "paper", "collector": "柴晓燕"})
		}
		staff.json("POST", fmt.Sprintf("/api/votes/%d/close", v4.ID), nil, nil)
		if st, pr := advance(); st != 200 {
			t.Errorf("both units valid and closed: %d %+v", st, pr)
		}
	})
}

// Who may read a vote but not record ballots (the property company, the
// contractor, the department) gets the tally and the cost tables, not the
// households' ballots, reasons, owners or objections.
func TestVoteHTTPReadersSeeCountsOnly(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		d := openVote(t, s, staff, nil)
		id := d.Vote.ID
		rooms := roomIDs(d)
		for room, choice := range map[string]string{"101": "agree", "201": "disagree"} {
			if st, body := staff.do("POST", fmt.Sprintf("/api/votes/%d/ballots", id), map[string]any{"household_id": rooms[room], "choice": choice,
				"reason": "担心墙体安全", "method": "paper", "collector": "柴晓燕"}); st != http.StatusCreated {
				t.Fatalf("ballot: %d %s", st, body)
			}
		}
		for _, who := range []string{"property", "contractor", "dept"} {
			c := s.login(t, who)
			st, body := c.do("GET", fmt.Sprintf("/api/votes/%d", id), nil)
			if st != 200 || !bytes.Contains(body, []byte(`"households":[]`)) || !bytes.Contains(body, []byte(`"objections":[]`)) ||
				bytes.Contains(body, []byte("担心墙体安全")) || !bytes.Contains(body, []byte(`"agree_owners":1`)) {
				t.Errorf("%s GET: %d %.500s", who, st, body)
			}
			st, body = c.do("GET", fmt.Sprintf("/votes/%d", id), nil)
			if st != 200 || bytes.Contains(body, []byte(`data-test="household"`)) || bytes.Contains(body, []byte(`data-test="objection"`)) ||
				bytes.Contains(body, []byte("担心墙体安全")) || !bytes.Contains(body, []byte(`data-test="tally"`)) {
				t.Errorf("%s page: %d", who, st)
			}
		}
		// The grid worker still sees every household with its reason.
		st, body := s.login(t, "grid1").do("GET", fmt.Sprintf("/api/votes/%d", id), nil)
		if st != 200 || !bytes.Contains(body, []byte("担心墙体安全")) || bytes.Count(body, []byte(`"label":`)) < 12 {
			t.Errorf("grid worker: %d", st)
		}
	})
}

// A closed vote is a legal record: editing a household's area in the
// register afterwards changes neither its tally, nor its households, nor
// the bills of the plan made from it. A vote past its closing time is read
// frozen even before its timer ran (timers are off here); an open vote
// follows the register.
func TestVoteHTTPClosedVoteKeepsItsRecord(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		closed := openVote(t, s, staff, nil)
		timed := openVote(t, s, staff, map[string]any{"title": "3单元门禁改造意见征询", "matter": "ordinary",
			"closes_at": s.Clock.Now().Add(time.Hour).Format(time.RFC3339)})
		rooms := roomIDs(closed)
		for _, id := range []int64{closed.Vote.ID, timed.Vote.ID} {
			for room, hid := range rooms {
				if st, body := staff.do("POST", fmt.Sprintf("/api/votes/%d/ballots", id), map[string]any{"household_id": hid, "choice": "agree",
					"method": "paper", "collector": "柴晓燕"}); st != http.StatusCreated {
					t.Fatalf("ballot %s: %d %s", room, st, body)
				}
			}
		}
		var v votes.Vote
		if st := staff.json("POST", fmt.Sprintf("/api/votes/%d/close", closed.Vote.ID), nil, &v); st != 200 || v.State != votes.StateClosed || v.SnapshotAt.IsZero() {
			t.Fatalf("close: %d %+v", st, v)
		}
		var made votes.CostSheet
		if st := staff.json("POST", "/api/cost-plans", map[string]any{"vote_id": closed.Vote.ID, "title": "加装电梯费用分摊", "total": "460000",
			"subsidy": "160000"}, &made); st != http.StatusCreated {
			t.Fatalf("plan: %d %+v", st, made)
		}
		plan := made.Plan
		s.Clock.Advance(2 * time.Hour) // the second vote is past closes_at; its timer has not run
		get := func(id int64) votes.Detail {
			t.Helper()
			var d votes.Detail
			if st := staff.json("GET", fmt.Sprintf("/api/votes/%d", id), nil, &d); st != 200 {
				t.Fatalf("get vote %d: %d", id, st)
			}
			return d
		}
		bills := func() votes.CostSheet {
			t.Helper()
			var sh votes.CostSheet
			if st := staff.json("GET", fmt.Sprintf("/api/cost-plans/%d", plan.ID), nil, &sh); st != 200 {
				t.Fatalf("sheet: %d", st)
			}
			return sh
		}
		closed0, timed0, sheet0 := get(closed.Vote.ID), get(timed.Vote.ID), bills()
		if timed0.Vote.State != votes.StateClosed || timed0.Vote.SnapshotAt.IsZero() {
			t.Fatalf("vote past closes_at: %+v", timed0.Vote)
		}
		open := openVote(t, s, staff, map[string]any{"title": "3单元外墙保温意见征询"})

		// The register: 602's area corrected.
		var h registry.Household
		if st := staff.json("GET", fmt.Sprintf("/api/households/%d", rooms["602"]), nil, &h); st != 200 {
			t.Fatalf("household: %d", st)
		}
		if st, body := staff.do("PUT", fmt.Sprintf("/api/households/%d", h.ID), map[string]any{"unit_id": h.UnitID, "floor": h.Floor, "room": h.Room,
			"area": "188.88", "note": h.Note}); st != 200 {
			t.Fatalf("edit area: %d %s", st, body)
		}
		area := func(d votes.Detail) int64 {
			for _, x := range d.Households {
				if x.ID == h.ID {
					return x.AreaCenti
				}
			}
			return -1
		}
		if a := area(get(open.Vote.ID)); a != 18888 {
			t.Errorf("open vote: 602 has %d, want the register's 18888", a)
		}
		for _, want := range []votes.Detail{closed0, timed0} {
			got := get(want.Vote.ID)
			if got.Tally.TotalAreaCenti != want.Tally.TotalAreaCenti || got.Tally.AgreeAreaCenti != want.Tally.AgreeAreaCenti ||
				area(got) != area(want) || area(got) == 18888 || len(got.Households) != 12 {
				t.Errorf("closed vote %q followed the register: area %d→%d, 602 %d→%d", want.Vote.Title, want.Tally.TotalAreaCenti,
					got.Tally.TotalAreaCenti, area(want), area(got))
			}
		}
		sheet := bills()
		if len(sheet.Bills) != len(sheet0.Bills) || sheet.SumFen != 30000000 {
			t.Fatalf("bills: %d, sum %d", len(sheet.Bills), sheet.SumFen)
		}
		for i := range sheet.Bills {
			if sheet.Bills[i] != sheet0.Bills[i] {
				t.Errorf("bill %s changed: %+v, was %+v", sheet0.Bills[i].Label, sheet.Bills[i], sheet0.Bills[i])
			}
		}
		// The timer finds the vote frozen already: nothing changes.
		if _, err := s.Jobs.RunDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := get(timed.Vote.ID); got.Tally.TotalAreaCenti != timed0.Tally.TotalAreaCenti || !got.Vote.SnapshotAt.Equal(timed0.Vote.SnapshotAt) {
			t.Errorf("after the timer: %+v", got.Vote)
		}
	})
}
