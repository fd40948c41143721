package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/auth"
	"linli/cases"
	"linli/consent"
	"linli/demo"
	"linli/demo/story"
	"linli/happiness"
	"linli/links"
	"linli/mediation"
	"linli/meetings"
	"linli/projects"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/visits"
	"linli/votes"
)

// This file checks the demo's two stories (issue #4's "linli demo
// contains …") as the users see them, through the JSON API and the pages
// of a demo server: the Huicui Garden South elevator project from proposal
// to service, and the Jixiang leak settled by people's mediation; both on
// the public happiness lists, without a resident's name or phone.

// TestDemoStory walks the demo's stories on both engines.
func TestDemoStory(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		p := demoPlaces(t, s)
		xueyuan, jixiang := s.login(t, "xueyuan"), s.login(t, "jixiang")
		pid := storyElevator(t, xueyuan, p)
		did := storyLeak(t, jixiang)
		storyHappiness(t, s, xueyuan, jixiang, p, pid, did)

		// The resident who follows the project had its news in the app.
		var nl struct{ Notifications []cases.Notification }
		wantStatus(t, s.login(t, "resident"), "GET", "/api/notifications", nil, http.StatusOK, &nl)
		if !slices.ContainsFunc(nl.Notifications, func(n cases.Notification) bool {
			return n.Kind == "project_update" && n.RefKind == links.KindProject && n.RefID == pid
		}) {
			t.Errorf("the resident following the project has no update about it among %d notifications", len(nl.Notifications))
		}
	})
}

// linked returns the linked items of a kind.
func linked(items []links.Item, kind string) []links.Item {
	var out []links.Item
	for _, it := range items {
		if it.Ref.Kind == kind {
			out = append(out, it)
		}
	}
	return out
}

// storyElevator checks the elevator project as 学苑社区 staff see it and
// returns its id.
func storyElevator(t *testing.T, c *client, p places) int64 {
	t.Helper()
	var list struct{ Projects []projects.Project }
	wantStatus(t, c, "GET", "/api/projects", nil, http.StatusOK, &list)
	var pr projects.Project
	for _, x := range list.Projects {
		if strings.Contains(x.Title, "荟萃花园南区1号楼加装电梯") {
			pr = x
		}
	}
	if pr.ID == 0 {
		t.Fatalf("the elevator project is not in GET /api/projects (%d projects)", len(list.Projects))
	}
	if pr.Phase != projects.InService || pr.Progress != 100 || pr.Kind != "elevator" || !pr.Public || len(pr.Scope) != 8 {
		t.Errorf("project listed in phase %s, progress %d, kind %s, public %v, %d scope nodes; want in_service, 100, elevator, public, 8 units",
			pr.Phase, pr.Progress, pr.Kind, pr.Public, len(pr.Scope))
	}
	var d projects.Detail
	wantStatus(t, c, "GET", fmt.Sprintf("/api/projects/%d", pr.ID), nil, http.StatusOK, &d)

	// The seven phases, each entered after the one before, each left with
	// its outcome; approval and acceptance recorded.
	if len(d.Phases) != len(projects.Phases()) {
		t.Errorf("%d phase records, want %d: %+v", len(d.Phases), len(projects.Phases()), d.Phases)
	}
	for i, ph := range d.Phases {
		if i >= len(projects.Phases()) || ph.Phase != projects.Phases()[i] {
			t.Errorf("phase record %d is %s, want the phases in order", i, ph.Phase)
			continue
		}
		if i > 0 && !ph.EnteredAt.After(d.Phases[i-1].EnteredAt) {
			t.Errorf("phase %s entered %v, not after %s (%v)", ph.Phase, ph.EnteredAt, d.Phases[i-1].Phase, d.Phases[i-1].EnteredAt)
		}
		if last := i == len(d.Phases)-1; last != ph.LeftAt.IsZero() || (!last && ph.Outcome == "") {
			t.Errorf("phase %s: left %v, outcome %q", ph.Phase, ph.LeftAt, ph.Outcome)
		}
	}
	for _, st := range d.Steps {
		if st.State != "done" && !(st.Phase == projects.InService && st.State == "current") {
			t.Errorf("step %s is %s", st.Phase, st.State)
		}
	}
	if d.Project.ApprovalNumber == "" || d.Project.ApprovalDate == "" || !d.Project.AcceptancePassed || d.Project.AcceptanceDate == "" ||
		d.Project.CompletedAt.IsZero() || d.Project.Contractor == "" {
		t.Errorf("approval %q %q, acceptance %v %q, completed %v, contractor %q", d.Project.ApprovalNumber, d.Project.ApprovalDate,
			d.Project.AcceptancePassed, d.Project.AcceptanceDate, d.Project.CompletedAt, d.Project.Contractor)
	}
	if len(d.Missing) != 0 {
		t.Errorf("a project in service still misses %v", d.Missing)
	}

	// The people: one of each role.
	roles := map[projects.Role]int{}
	for _, pe := range d.People {
		roles[pe.Role]++
		if pe.Name == "" {
			t.Errorf("person %+v has no name", pe)
		}
	}
	for _, r := range projects.Roles() {
		if roles[r] == 0 {
			t.Errorf("no %s among the project's people", r)
		}
	}

	// Milestones: the preparatory work, every unit's elevator and the
	// acceptance, all done.
	unitsDone := 0
	for _, m := range d.Milestones {
		if m.Computed != 100 || m.DoneAt.IsZero() {
			t.Errorf("milestone %s at %d%%, done %v", m.Title, m.Computed, m.DoneAt)
		}
		if strings.HasSuffix(m.Title, "单元电梯") && len(m.Children) == 4 {
			unitsDone++
		}
	}
	if unitsDone != 8 {
		t.Errorf("%d unit elevators among the milestones %+v, want 8 with their steps", unitsDone, d.Milestones)
	}

	// Links: the three meetings, the eight votes (the complaints have
	// their own section).
	if n := len(linked(d.Links, links.KindMeeting)); n != 3 {
		t.Errorf("%d meetings linked to the project, want 3: %+v", n, d.Links)
	}
	if n := len(linked(d.Links, links.KindVote)); n != 8 {
		t.Errorf("%d votes linked to the project, want 8", n)
	}

	// Construction: three complaints, each closed with its measure; the
	// working hours changed after the noise complaint.
	if len(d.Complaints) != 3 {
		t.Errorf("%d complaints, want 3", len(d.Complaints))
	}
	var noiseAt time.Time
	for _, cp := range d.Complaints {
		if cp.State != string(cases.Closed) || cp.Open || len(cp.Measures) == 0 || cp.Title == "" {
			t.Errorf("complaint %s %q: state %s, open %v, %d measures", cp.Number, cp.Title, cp.State, cp.Open, len(cp.Measures))
		}
		if strings.Contains(cp.Category, "噪") { // the category's name: 噪声扰民
			noiseAt = cp.At
		}
		var cd cases.Detail
		wantStatus(t, c, "GET", fmt.Sprintf("/api/cases/%d", cp.CaseID), nil, http.StatusOK, &cd)
		if !slices.ContainsFunc(cd.Links, func(it links.Item) bool { return it.Ref == links.Ref{Kind: links.KindProject, ID: pr.ID} }) {
			t.Errorf("complaint case %s does not link back to the project: %+v", cd.Case.Number, cd.Links)
		}
	}
	if noiseAt.IsZero() {
		t.Errorf("no noise complaint among %+v", d.Complaints)
	}
	if len(d.Hours) < 2 {
		t.Fatalf("hours history %+v, want the first hours and the change after the noise complaint", d.Hours)
	}
	var before, after *projects.HoursChange
	for i := range d.Hours {
		h := &d.Hours[i]
		if h.At.Before(noiseAt) {
			before = h
		} else if after == nil || h.At.After(after.At) {
			after = h
		}
	}
	if before == nil || after == nil || slices.Equal(before.WorkHours, after.WorkHours) || after.Reason == "" {
		t.Errorf("working hours before the noise complaint %+v, after %+v: want a change with its reason", before, after)
	}
	if !slices.Equal(d.Project.WorkHours, after.WorkHours) {
		t.Errorf("project works %v, the last change says %v", d.Project.WorkHours, after.WorkHours)
	}

	// Photos before and after, the banner, the residents' ratings and the
	// update feed.
	stages := map[string]int{}
	for _, ph := range d.Photos {
		stages[ph.Stage]++
		if st, body := c.do("GET", ph.URL, nil); st != 200 || len(body) == 0 {
			t.Errorf("photo %s: %d", ph.URL, st)
		}
	}
	if stages["before"] == 0 || stages["after"] == 0 {
		t.Errorf("photos by stage %v, want before and after", stages)
	}
	if !slices.ContainsFunc(d.Thanks, func(x projects.ThanksRecord) bool {
		return x.Kind == "banner" && x.Text == "为民办实事 电梯暖人心"
	}) {
		t.Errorf("no banner among the thanks %+v", d.Thanks)
	}
	if d.Satisfaction.Rated < 2 || d.Satisfaction.Satisfied == 0 {
		t.Errorf("satisfaction %+v, want ratings of several residents", d.Satisfaction)
	}
	if d.Followers == 0 {
		t.Errorf("nobody follows the project")
	}
	// The feed, newest first, reads in the order things happened.
	kinds := map[string]int{}
	for i, u := range d.Updates {
		kinds[u.Kind]++
		if u.Text == "" {
			t.Errorf("empty update %+v", u)
		}
		if i > 0 && u.At.After(d.Updates[i-1].At) {
			t.Errorf("update feed out of order: %s %q listed after %s %q", u.At.Format(time.DateTime), u.Text,
				d.Updates[i-1].At.Format(time.DateTime), d.Updates[i-1].Text)
		}
	}
	if len(d.Updates) > 0 && d.Updates[0].At.Before(d.Project.CompletedAt) {
		t.Errorf("the newest update (%s) is older than the entry into service", d.Updates[0].At)
	}
	for _, k := range []string{"phase", "milestone", "measure", "note", "hours"} {
		if kinds[k] == 0 {
			t.Errorf("no %s in the update feed (%v)", k, kinds)
		}
	}

	if st, body := c.do("GET", fmt.Sprintf("/projects/%d", pr.ID), nil); st != 200 || !strings.Contains(string(body), "为民办实事 电梯暖人心") {
		t.Errorf("project page: %d, without the banner", st)
	}

	storyVotes(t, c, p, pr.ID)
	storyMeetings(t, c, pr.ID, linked(d.Links, links.KindMeeting))

	// Every household of the building visited.
	var cov visits.Coverage
	wantStatus(t, c, "GET", fmt.Sprintf("/api/visits/coverage?subject=project:%d&node_id=%d", pr.ID, p.huicuiB1), nil, http.StatusOK, &cov)
	if cov.Total != 96 || cov.Visited != 96 || cov.NotVisited != 0 || len(cov.Pending) != 0 {
		t.Errorf("visit coverage of 1号楼: %d of %d visited, %d pending; want 96/96", cov.Visited, cov.Total, len(cov.Pending))
	}
	wantStatus(t, c, "GET", fmt.Sprintf("/api/visits/coverage?subject=project:%d", pr.ID), nil, http.StatusOK, &cov)
	if cov.Total != 96 || cov.Visited != 96 {
		t.Errorf("visit coverage of the project's matter (%s): %d of %d visited; want 96/96", cov.Node, cov.Visited, cov.Total)
	}
	// Nothing promised at a door is left open.
	var vl visits.VisitList
	wantStatus(t, c, "GET", fmt.Sprintf("/api/visits?subject=project:%d&limit=500", pr.ID), nil, http.StatusOK, &vl)
	if vl.Total < 97 {
		t.Errorf("%d visits about the project, want the 96 households and the second visit to 3单元201", vl.Total)
	}
	for _, v := range vl.Visits {
		for _, f := range v.FollowUps {
			if !f.Done {
				t.Errorf("visit to %s on %s: follow-up %q still open", v.Household, v.VisitedAt.Format(time.DateOnly), f.Text)
			}
		}
	}
	return pr.ID
}

// storyVotes checks the eight unit votes, the objection of 3单元201 and
// the cost tables.
func storyVotes(t *testing.T, c *client, p places, projectID int64) {
	t.Helper()
	var vl struct{ Votes []votes.Vote }
	wantStatus(t, c, "GET", fmt.Sprintf("/api/votes?project_id=%d", projectID), nil, http.StatusOK, &vl)
	if len(vl.Votes) != 8 {
		t.Fatalf("%d votes for the project, want 8", len(vl.Votes))
	}
	var unit3 int64
	for _, v := range vl.Votes {
		var d votes.Detail
		wantStatus(t, c, "GET", fmt.Sprintf("/api/votes/%d", v.ID), nil, http.StatusOK, &d)
		if d.Vote.State != votes.StateClosed || !d.Tally.Valid || d.Vote.Matter != consent.Renovation || len(d.Vote.Required) != 1 {
			t.Errorf("vote %s: state %s, valid %v (%v), matter %s, %d required households", v.Title, d.Vote.State, d.Tally.Valid, d.Tally.Problems,
				d.Vote.Matter, len(d.Vote.Required))
		}
		if len(d.Households) != 12 {
			t.Errorf("vote %s: %d households, want 12", v.Title, len(d.Households))
		}
		for _, o := range d.Objections {
			if o.Open() {
				t.Errorf("vote %s: objection of %s still open", v.Title, o.Household)
			}
		}
		// The cost table: the unit's share of 460,000 minus 160,000 of
		// subsidy, to the fen; floors 1 and 2 pay nothing.
		if len(d.CostPlans) != 1 {
			t.Errorf("vote %s: %d cost plans, want 1", v.Title, len(d.CostPlans))
			continue
		}
		sh := d.CostPlans[0]
		var sum int64
		for _, b := range sh.Bills {
			sum += b.AmountFen
			if b.Floor <= 2 && b.AmountFen != 0 || b.Floor > 2 && b.AmountFen <= 0 {
				t.Errorf("vote %s: %s on floor %d pays %s", v.Title, b.Label, b.Floor, b.Amount)
			}
		}
		if sh.Problem != "" || len(sh.Bills) != 12 || sum != 300_000_00 || sh.SumFen != sum || sh.Plan.PayableFen != 300_000_00 ||
			sh.Plan.Total != "460000.00" || sh.Plan.Subsidy != "160000.00" || sh.Rounding == "" {
			t.Errorf("vote %s: cost sheet %+v with %d bills summing to %d fen, want 12 bills summing to 30000000", v.Title, sh.Plan, len(sh.Bills), sum)
		}
		if st, body := c.do("GET", fmt.Sprintf("/cost-plans/%d", sh.Plan.ID), nil); st != 200 || !strings.Contains(string(body), "300,000.00") {
			t.Errorf("cost plan page %d: %d, want the payable ¥300,000.00", sh.Plan.ID, st)
		}
		if v.ScopeID != p.huicuiU3 {
			continue
		}
		unit3 = v.ID
		// The wall-safety objection: disagreed, visited with the drawings,
		// agreed; the ballot history keeps both.
		if len(d.Objections) != 1 {
			t.Fatalf("3单元: %d objections, want the one of room 201", len(d.Objections))
		}
		o := d.Objections[0]
		if !strings.HasSuffix(o.Household, "201") || o.ResolvedAt.IsZero() || o.Resolution == "" || len(o.Notes) == 0 || len(o.Visits) == 0 {
			t.Errorf("3单元 objection %+v: want 201's, resolved, with notes and the visit beside it", o)
		}
		if st, body := c.do("GET", fmt.Sprintf("/votes/%d", v.ID), nil); st != 200 || !strings.Contains(string(body), `data-test="objection-visits"`) {
			t.Errorf("3单元 vote page: %d, without the visits beside the objection", st)
		}
		var h201 *votes.VoteHousehold
		for i := range d.Households {
			if d.Households[i].Room == "201" {
				h201 = &d.Households[i]
			}
		}
		if h201 == nil {
			t.Fatal("3单元 has no 201 in the vote")
		}
		var hist []consent.Choice
		for _, b := range h201.History {
			hist = append(hist, b.Choice)
		}
		if !slices.Equal(hist, []consent.Choice{consent.Disagree, consent.Agree}) || h201.Choice != consent.Agree || h201.OpenObjection {
			t.Errorf("3单元201 ballots %v, now %s (open objection %v); want disagree then agree", hist, h201.Choice, h201.OpenObjection)
		}
		if !h201.History[0].CastAt.Before(h201.History[len(h201.History)-1].CastAt) {
			t.Errorf("3单元201 history not in order: %+v", h201.History)
		}
		for _, vi := range o.Visits {
			var vd visits.Detail
			wantStatus(t, c, "GET", fmt.Sprintf("/api/visits/%d", vi.Ref.ID), nil, http.StatusOK, &vd)
			if vd.Visit.HouseholdID != h201.ID {
				t.Errorf("visit %d beside the objection is to %s", vi.Ref.ID, vd.Visit.Household)
			}
		}
	}
	if unit3 == 0 {
		t.Fatal("no vote for 3单元")
	}
	// The building view coloured by the 3单元 vote.
	st, body := c.do("GET", fmt.Sprintf("/buildings/%d?layer=vote:%d", p.huicuiB1, unit3), nil)
	page := string(body)
	if st != 200 || !strings.Contains(page, fmt.Sprintf(`data-layer="vote:%d"`, unit3)) || !strings.Contains(page, `class="legend"`) ||
		!strings.Contains(page, `data-test="legend-`+registry.MarkAgree+`"`) {
		t.Errorf("building view with the 3单元 vote layer: %d, legend missing: %.400s", st, body)
	}
}

// storyMeetings checks the three coordination meetings of the project.
func storyMeetings(t *testing.T, c *client, projectID int64, ms []links.Item) {
	t.Helper()
	toCase, counted := 0, 0
	for _, it := range ms {
		var d meetings.Detail
		wantStatus(t, c, "GET", fmt.Sprintf("/api/meetings/%d", it.Ref.ID), nil, http.StatusOK, &d)
		if d.State != meetings.Published || d.Minutes == "" || d.Recorder == "" || d.PublishedAt.IsZero() || d.Kind != meetings.KindCoordination {
			t.Errorf("meeting %s: state %s, minutes %d bytes, recorder %q", d.Title, d.State, len(d.Minutes), d.Recorder)
		}
		if d.Subject == nil || *d.Subject != (links.Ref{Kind: links.KindProject, ID: projectID}) {
			t.Errorf("meeting %s is about %v", d.Title, d.Subject)
		}
		if len(d.Agenda) == 0 || len(d.Decisions) == 0 || len(d.Actions) == 0 || d.Attended == 0 {
			t.Errorf("meeting %s: %d agenda items, %d decisions, %d actions, %d attended", d.Title, len(d.Agenda), len(d.Decisions), len(d.Actions), d.Attended)
		}
		for _, dec := range d.Decisions {
			if dec.HasVotes {
				counted++
			}
		}
		for _, a := range d.Actions {
			switch a.State {
			case meetings.ActionDone:
				if a.DoneNote == "" {
					t.Errorf("meeting %s: action %s done without a note", d.Title, a.Title)
				}
			case meetings.ActionCase:
				toCase++
				if a.Case == nil || a.Case.State == "" {
					t.Errorf("meeting %s: action %s became case %d, not shown", d.Title, a.Title, a.CaseID)
				}
				var cd cases.Detail
				wantStatus(t, c, "GET", fmt.Sprintf("/api/cases/%d", a.CaseID), nil, http.StatusOK, &cd)
				if cd.Case.State != cases.Closed || cd.Case.Source != cases.SourceMeeting {
					t.Errorf("case %s from meeting %s: state %s, source %s", cd.Case.Number, d.Title, cd.Case.State, cd.Case.Source)
				}
				if !slices.ContainsFunc(cd.Links, func(x links.Item) bool { return x.Ref == links.Ref{Kind: links.KindMeeting, ID: d.ID} }) {
					t.Errorf("case %s does not link back to meeting %s: %+v", cd.Case.Number, d.Title, cd.Links)
				}
				if !slices.ContainsFunc(d.Links, func(x links.Item) bool { return x.Ref == links.Ref{Kind: links.KindCase, ID: a.CaseID} }) {
					t.Errorf("meeting %s does not link its case %d: %+v", d.Title, a.CaseID, d.Links)
				}
			default:
				t.Errorf("meeting %s: action %s still %s", d.Title, a.Title, a.State)
			}
		}
		if st, body := c.do("GET", fmt.Sprintf("/meetings/%d", d.ID), nil); st != 200 || !strings.Contains(string(body), d.Decisions[0].Text) {
			t.Errorf("meeting page %d: %d, without its first decision", d.ID, st)
		}
	}
	if toCase == 0 {
		t.Error("no meeting action became a case")
	}
	if counted == 0 {
		t.Error("no meeting decision carries its vote count")
	}
}

// storyLeak checks the Jixiang leak mediation as 吉祥社区 staff see it and
// returns the dispute's id.
func storyLeak(t *testing.T, c *client) int64 {
	t.Helper()
	var dl struct{ Disputes []mediation.Dispute }
	wantStatus(t, c, "GET", "/api/mediation", nil, http.StatusOK, &dl)
	var id int64
	for _, d := range dl.Disputes {
		if d.Type == mediation.TypeLeak && strings.Contains(d.Title, "402") {
			id = d.ID
		}
	}
	if id == 0 {
		t.Fatalf("the leak mediation is not in GET /api/mediation: %+v", dl.Disputes)
	}
	var d mediation.Detail
	wantStatus(t, c, "GET", fmt.Sprintf("/api/mediation/%d", id), nil, http.StatusOK, &d)
	m, ag := d.Dispute, d.Agreement
	if m.State != mediation.Closed || m.ClosedAt.IsZero() || m.Overdue || len(m.Parties) != 2 || len(d.Sessions) < 2 {
		t.Errorf("dispute %s: state %s, closed %v, overdue %v, %d parties, %d sessions", m.Number, m.State, m.ClosedAt, m.Overdue, len(m.Parties), len(d.Sessions))
	}
	var fen int64
	for _, tm := range ag.Terms {
		fen += tm.AmountFen
		if tm.What == "" || tm.How == "" || tm.Deadline.IsZero() {
			t.Errorf("term %+v lacks what, how or by when", tm)
		}
	}
	if !ag.Exists || ag.SignedAt.IsZero() || len(ag.Missing) != 0 || len(ag.Terms) != 2 || fen != 1800_00 || ag.Copies == 0 || !ag.Sealed || !ag.MediatorSigned {
		t.Errorf("agreement: signed %v, missing %v, %d terms paying %d fen, %d copies; want signed, complete, two terms, 1800 yuan",
			ag.SignedAt, ag.Missing, len(ag.Terms), fen, ag.Copies)
	}
	for _, pa := range m.Parties {
		if !pa.Signed {
			t.Errorf("party %s did not sign", pa.Role)
		}
	}
	if ag.CourtChoice != mediation.CourtNotApplying {
		t.Errorf("court choice %q, want %q", ag.CourtChoice, mediation.CourtNotApplying)
	}
	if len(d.FollowUps) != 1 {
		t.Fatalf("%d follow-up visits, want 1", len(d.FollowUps))
	}
	if f := d.FollowUps[0]; f.Performance != mediation.PerfFull || f.Satisfaction != mediation.Satisfied || f.Risk != mediation.RiskNone {
		t.Errorf("follow-up visit %+v, want full, satisfied, no risk", f)
	}
	// The print view holds the statutory content (人民调解法 art. 29).
	st, body := c.do("GET", fmt.Sprintf("/mediation/%d/agreement", id), nil)
	doc := string(body)
	if st != 200 {
		t.Fatalf("print view: %d", st)
	}
	for _, sec := range []string{"sec-parties", "sec-facts", "sec-responsibilities", "sec-terms", "sec-performance", "sec-copies", "sec-signatures"} {
		if !strings.Contains(doc, `data-test="`+sec+`"`) {
			t.Errorf("print view lacks %s", sec)
		}
	}
	if strings.Contains(doc, `data-test="draft"`) || strings.Count(doc, `data-test="doc-term"`) != 2 || !strings.Contains(doc, "1,800.00") ||
		!strings.Contains(doc, "人民调解协议书") || !strings.Contains(doc, m.Number) {
		t.Errorf("print view: want the signed agreement %s with its two terms and 1,800.00 yuan", m.Number)
	}
	// The leak case and the dispute link each other.
	var cd cases.Detail
	wantStatus(t, c, "GET", fmt.Sprintf("/api/cases/%d", m.CaseID), nil, http.StatusOK, &cd)
	if !slices.ContainsFunc(cd.Links, func(x links.Item) bool { return x.Ref == links.Ref{Kind: links.KindDispute, ID: id} }) {
		t.Errorf("leak case %s does not link to the dispute: %+v", cd.Case.Number, cd.Links)
	}
	if cd.Case.State != cases.Closed || cd.Case.Rating == "" {
		t.Errorf("leak case %s: state %s, rating %q", cd.Case.Number, cd.Case.State, cd.Case.Rating)
	}
	return id
}

// phoneLike matches mobile numbers, whole or masked.
var phoneLike = regexp.MustCompile(`1[3-9]\d{9}|1[3-9]\d\*{4}\d{4}`)

// storyHappiness checks both public happiness lists, anonymously, and that
// they name no resident.
func storyHappiness(t *testing.T, s *testServer, xueyuan, jixiang *client, p places, projectID, disputeID int64) {
	t.Helper()
	anon := s.anon(t)
	get := func(community int64) string {
		t.Helper()
		st, body := anon.do("GET", fmt.Sprintf("/happiness/%d", community), nil)
		if st != 200 {
			t.Fatalf("GET /happiness/%d: %d", community, st)
		}
		return string(body)
	}
	entry := func(page, kind string, id int64) string {
		t.Helper()
		open := fmt.Sprintf(`data-kind="%s" data-id="%d"`, kind, id)
		i := strings.Index(page, open)
		if i < 0 {
			t.Errorf("happiness list has no %s %d", kind, id)
			return ""
		}
		e := page[i:]
		if j := strings.Index(e, "</article>"); j >= 0 {
			e = e[:j]
		}
		return e
	}
	xy := get(p.xueyuan)
	if e := entry(xy, "project", projectID); e != "" {
		for _, want := range []string{"为民办实事 电梯暖人心", `data-test="satisfaction"`, `data-test="photo"`, "荟萃花园南区"} {
			if !strings.Contains(e, want) {
				t.Errorf("the elevator project on the happiness list lacks %q: %s", want, e)
			}
		}
	}
	var hl happiness.List
	wantStatus(t, anon, "GET", fmt.Sprintf("/api/happiness/%d", p.xueyuan), nil, http.StatusOK, &hl)
	if i := slices.IndexFunc(hl.Entries, func(e happiness.Entry) bool { return e.Kind == links.KindProject && e.ID == projectID }); i < 0 ||
		hl.Entries[i].Rated < 2 || hl.Entries[i].Satisfied == 0 || len(hl.Entries[i].Photos) < 2 {
		t.Errorf("the elevator project in GET /api/happiness/%d: %+v", p.xueyuan, hl.Entries)
	}
	jx := get(p.jixiang)
	if e := entry(jx, "dispute", disputeID); e != "" {
		for _, want := range []string{"邻里守望 排忧解难", `data-test="satisfaction"`, "吉祥花园"} {
			if !strings.Contains(e, want) {
				t.Errorf("the mediation on the happiness list lacks %q: %s", want, e)
			}
		}
		for _, not := range []string{"402", "502", "1,800"} {
			if strings.Contains(e, not) {
				t.Errorf("the mediation on the happiness list shows %q", not)
			}
		}
	}
	// No resident's name or phone: names from the register as staff read it.
	for _, pg := range []struct {
		name  string
		page  string
		staff *client
		node  int64
	}{{"学苑社区", xy, xueyuan, p.xueyuan}, {"吉祥社区", jx, jixiang, p.jixiang}} {
		if m := phoneLike.FindString(pg.page); m != "" {
			t.Errorf("%s happiness list shows a phone number %s", pg.name, m)
		}
		names, households := 0, 0
		for off := 0; ; off += 500 {
			var hl struct {
				Households []registry.Household
				Total      int
			}
			wantStatus(t, pg.staff, "GET", fmt.Sprintf("/api/households?node_id=%d&limit=500&offset=%d", pg.node, off), nil, http.StatusOK, &hl)
			households += len(hl.Households)
			for _, h := range hl.Households {
				for _, mb := range h.Members {
					names++
					if mb.Name != "" && strings.Contains(pg.page, mb.Name) {
						t.Errorf("%s happiness list names the resident %s of %s", pg.name, mb.Name, h.Label())
					}
				}
			}
			if off+500 >= hl.Total {
				break
			}
		}
		if names < 100 {
			t.Errorf("%s: only %d residents read from the register", pg.name, names)
		}
		t.Logf("%s: %d names of the residents of %d households checked", pg.name, names, households)
	}
}

// TestDemoStoryLoadTime times what a test server's start spends on the
// demo, part by part, on each engine. It runs with LINLI_STORY_TIMING=1.
func TestDemoStoryLoadTime(t *testing.T) {
	if os.Getenv("LINLI_STORY_TIMING") == "" {
		t.Skip("set LINLI_STORY_TIMING=1 to time the demo's parts")
	}
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clock := linli.NewFakeClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
		cfg := DefaultConfig()
		cfg.Addr, cfg.Data, cfg.Clock, cfg.Hash, cfg.NoTimers = "127.0.0.1:0", t.TempDir(), clock, auth.CheapHashParams(), true
		m := &Main{Config: cfg, DB: db}
		start := time.Now()
		if err := m.Open(ctx); err != nil {
			t.Fatal(err)
		}
		opened := time.Now()
		d := demo.Build()
		if _, err := demo.Load(ctx, m.Registry, m.Auth, d); err != nil {
			t.Fatal(err)
		}
		loaded := time.Now()
		if _, err := demo.LoadCases(ctx, m.Registry, m.Auth, m.Cases.Calendar, m.Cases.Zone, clock.Now()); err != nil {
			t.Fatal(err)
		}
		changes := func() (n int64) { // every change writes one audit row
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := changes()
		cased := time.Now()
		if _, err := story.Load(ctx, m.Registry, m.Auth, m.Cases.Calendar, m.Cases.Zone, clock.Now()); err != nil {
			t.Fatal(err)
		}
		told := time.Now()
		t.Logf("open %v, places+accounts %v, cases %v, story %v (%d changes), total %v", opened.Sub(start).Round(time.Millisecond),
			loaded.Sub(opened).Round(time.Millisecond), cased.Sub(loaded).Round(time.Millisecond), told.Sub(cased).Round(time.Millisecond),
			changes()-before, told.Sub(start).Round(time.Millisecond))
	})
}
