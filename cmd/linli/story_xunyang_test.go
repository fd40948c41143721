package main

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"linli/campaigns"
	"linli/cases"
	"linli/demo"
	"linli/happiness"
	"linli/links"
	"linli/notices"
)

// TestStoryXunyang checks the demo's solar-heater sweep (issue 11, "The
// demo") as 郇阳社区's people see it through the API: the campaign over the
// 26 estates finished in three days with 300+ devices, plans of every kind,
// two hazards taken to a case and linked both ways, the notices with their
// acknowledgements and phone calls, the wind warning, the residents'
// self-checks, and the closed campaign on the public happiness list.
func TestStoryXunyang(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xunyang")
		var list []campaigns.Campaign
		wantStatus(t, staff, "GET", "/api/campaigns", nil, http.StatusOK, &list)
		i := slices.IndexFunc(list, func(c campaigns.Campaign) bool { return c.Title == "太阳能热水器安全隐患排查" })
		if i < 0 {
			t.Fatalf("郇阳社区's staff see no solar-heater campaign among %d", len(list))
		}
		c := list[i]
		wantStatus(t, staff, "GET", fmt.Sprintf("/api/campaigns/%d", c.ID), nil, http.StatusOK, &c)
		if c.State != campaigns.Closed || len(c.Scope) != 26 || c.Deadline-c.StartsOn != 2 || c.Findings < 300 {
			t.Errorf("campaign: state %s, %d places, %s–%s, %d findings; want closed, 26 estates, 3 days, ≥ 300", c.State, len(c.Scope), c.StartsOn, c.Deadline, c.Findings)
		}
		roles := map[campaigns.MemberRole]bool{}
		for _, m := range c.Members {
			roles[m.Role] = true
		}
		if len(roles) != 4 {
			t.Errorf("task group roles %v, want staff, grid workers, a volunteer and the contractor", roles)
		}
		var b campaigns.Board
		wantStatus(t, staff, "GET", fmt.Sprintf("/api/campaigns/%d/board", c.ID), nil, http.StatusOK, &b)
		if b.EstatesDone != 26 || b.TasksDone != 26 || b.NoDevice == 0 || b.Inspected+b.Absent+b.NoDevice != b.Households {
			t.Errorf("board: %d estates done, %d tasks walked; %d households = %d inspected + %d absent + %d without a device? want all 26 walked and every household accounted for",
				b.EstatesDone, b.TasksDone, b.Households, b.Inspected, b.Absent, b.NoDevice)
		}
		xunyangFindings(t, staff, c)
		xunyangPlans(t, staff, c)
		xunyangNotices(t, s, staff)

		var hl happiness.List
		wantStatus(t, s.anon(t), "GET", fmt.Sprintf("/api/happiness/%d", c.CommunityID), nil, http.StatusOK, &hl)
		if !slices.ContainsFunc(hl.Entries, func(e happiness.Entry) bool {
			return e.Kind == campaigns.KindHappiness && e.ID == c.ID && strings.Contains(e.Summary, fmt.Sprintf("共查太阳能热水器%d台", c.Findings))
		}) {
			t.Errorf("the closed campaign is not on 郇阳社区's happiness list: %+v", hl.Entries)
		}
		st, page := s.anon(t).do("GET", fmt.Sprintf("/happiness/%d", c.CommunityID), nil)
		if st != http.StatusOK || !strings.Contains(string(page), fmt.Sprintf(`data-kind="campaign" data-id="%d"`, c.ID)) || !strings.Contains(string(page), "专项排查") {
			t.Errorf("GET /happiness/%d: %d, campaign entry missing or untagged", c.CommunityID, st)
		}
	})
}

// xunyangFindings: the devices were found over the three days, the
// abandoned ones too, and the residents' self-checks were confirmed.
func xunyangFindings(t *testing.T, staff *client, c campaigns.Campaign) {
	t.Helper()
	var fs []campaigns.Finding
	wantStatus(t, staff, "GET", fmt.Sprintf("/api/campaigns/%d/findings", c.ID), nil, http.StatusOK, &fs)
	days := map[string]bool{}
	targets := map[campaigns.Target]int{}
	self := 0
	for _, f := range fs {
		days[f.RecordedAt.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)] = true
		targets[f.Target]++
		if f.SelfReported {
			self++
			if f.ConfirmedBy == 0 {
				t.Errorf("self-check %s not confirmed", f.Label)
			}
		}
	}
	if self != len(demo.XunyangResidents()) {
		t.Errorf("%d self-checks, want %d", self, len(demo.XunyangResidents()))
	}
	if targets[campaigns.TargetRoof] == 0 || targets[campaigns.TargetUnclaimed] == 0 || targets[campaigns.TargetHousehold] < 250 {
		t.Errorf("findings by target %v", targets)
	}
	if len(days) != 4 { // the self-checks the evening before, then three days on the roofs
		t.Errorf("findings recorded on %d days: %v", len(days), days)
	}
}

// xunyangPlans: a plan of each kind with what the kind needs, most closed
// by a re-inspection with a photo, some still open, two taken to a case.
func xunyangPlans(t *testing.T, staff *client, c campaigns.Campaign) {
	t.Helper()
	var ps []campaigns.Plan
	wantStatus(t, staff, "GET", fmt.Sprintf("/api/campaigns/%d/plans", c.ID), nil, http.StatusOK, &ps)
	kinds := map[campaigns.PlanKind]int{}
	var open, done, caseIDs []int64
	for _, p := range ps {
		kinds[p.Kind]++
		switch p.Kind {
		case campaigns.PlanSelfFix:
			if p.Guidance == "" || p.DemoOn == 0 {
				t.Errorf("self-fix plan %s without guidance or demonstration", p.Label)
			}
		case campaigns.PlanRemove:
			if p.NoticeOn == 0 || p.WaitDays != 7 || (p.State == campaigns.PlanDone && chinaDay(p.DoneAt) < p.RemovableOn()) {
				t.Errorf("removal %s: notice %s, wait %d, done %v", p.Label, p.NoticeOn, p.WaitDays, p.DoneAt)
			}
		}
		if p.State == campaigns.PlanOpen {
			open = append(open, p.ID)
		} else {
			done = append(done, p.ID)
		}
		if p.CaseID != 0 {
			caseIDs = append(caseIDs, p.CaseID)
		}
	}
	for _, k := range campaigns.PlanKinds() {
		if kinds[k] == 0 {
			t.Errorf("no plan of kind %s (%v)", k, kinds)
		}
	}
	if len(open) == 0 || len(done) <= len(open) {
		t.Errorf("%d plans open, %d done: want most closed and some open", len(open), len(done))
	}
	if len(done) > 0 {
		var p campaigns.Plan
		wantStatus(t, staff, "GET", fmt.Sprintf("/api/campaign-plans/%d", done[0]), nil, http.StatusOK, &p)
		if p.Kind != campaigns.PlanNone && len(p.Photos) == 0 {
			t.Errorf("plan %s closed without a re-inspection photo", p.Label)
		}
	}
	if len(caseIDs) != 2 {
		t.Fatalf("%d hazards taken to a case, want 2", len(caseIDs))
	}
	for _, id := range caseIDs {
		var cd cases.Detail
		wantStatus(t, staff, "GET", fmt.Sprintf("/api/cases/%d", id), nil, http.StatusOK, &cd)
		if cd.Case.Source != cases.SourceInspection || cd.Case.SourceRef != fmt.Sprintf("campaign:%d", c.ID) || cd.Case.State != cases.Closed {
			t.Errorf("case %s: source %s %q, state %s", cd.Case.Number, cd.Case.Source, cd.Case.SourceRef, cd.Case.State)
		}
		if !slices.ContainsFunc(cd.Links, func(it links.Item) bool { return it.Ref == links.Ref{Kind: campaigns.KindCampaign, ID: c.ID} }) {
			t.Errorf("case %s does not link back to the campaign: %+v", cd.Case.Number, cd.Links)
		}
	}
}

// chinaDay is t's date in China.
func chinaDay(t time.Time) campaigns.Day { return campaigns.DayOf(t.In(time.FixedZone("CST", 8*3600))) }

// xunyangNotices: the sweep's notice acknowledged by the residents with
// accounts, the deadline notice followed up by phone (some reached, some
// not), and the wind warning with its validity window.
func xunyangNotices(t *testing.T, s *testServer, staff *client) {
	t.Helper()
	var nl struct{ Notices []notices.Listed }
	wantStatus(t, staff, "GET", "/api/notices", nil, http.StatusOK, &nl)
	byTitle := map[string]notices.Listed{}
	for _, n := range nl.Notices {
		byTitle[n.Title] = n
	}
	sweep, ok1 := byTitle["关于开展太阳能热水器安全隐患排查的通知"]
	deadline, ok2 := byTitle["关于限期整改太阳能热水器安全隐患的告知"]
	warning, ok3 := byTitle["大风蓝色预警：请加固或清空楼顶太阳能热水器"]
	if !ok1 || !ok2 || !ok3 {
		t.Fatalf("notices of 郇阳社区: %v", byTitle)
	}
	if warning.Urgency != notices.Warning || warning.ValidFrom.IsZero() || !warning.ValidUntil.After(warning.ValidFrom) {
		t.Errorf("warning: urgency %s, valid %v–%v", warning.Urgency, warning.ValidFrom, warning.ValidUntil)
	}
	var rl notices.RecipientList
	wantStatus(t, staff, "GET", fmt.Sprintf("/api/notices/%d/recipients", sweep.ID), nil, http.StatusOK, &rl)
	if rl.Reach.Total < 300 || rl.Reach.Acknowledged < len(demo.XunyangResidents()) {
		t.Errorf("the sweep's notice: %+v", rl.Reach)
	}
	for _, u := range demo.XunyangResidents() {
		var d notices.Detail
		wantStatus(t, s.login(t, u), "GET", fmt.Sprintf("/api/notices/%d", sweep.ID), nil, http.StatusOK, &d)
		if d.Mine == nil || *d.Mine != notices.Acknowledged {
			t.Errorf("%s has not acknowledged the sweep's notice: %v", u, d.Mine)
		}
	}
	wantStatus(t, staff, "GET", fmt.Sprintf("/api/notices/%d/recipients", deadline.ID), nil, http.StatusOK, &rl)
	outcomes := map[notices.Outcome]int{}
	for _, r := range rl.Recipients {
		for _, c := range r.Calls {
			outcomes[c.Outcome]++
		}
	}
	if outcomes[notices.Reached] == 0 || outcomes[notices.NoAnswer] == 0 || rl.Reach.Called == 0 || rl.Reach.Total == 0 {
		t.Errorf("the deadline notice's calls %v, reach %+v", outcomes, rl.Reach)
	}
}

// TestDemoPrintsXunyangAccounts: `linli demo` prints the sweep's accounts.
func TestDemoPrintsXunyangAccounts(t *testing.T) {
	var out bytes.Buffer
	printDemo(&out, "http://127.0.0.1", demo.Build(), "", time.Second)
	for _, u := range append([]string{"xunyang", "xygrid1", "xygrid2", "xygrid3", "xyvolunteer", "xycontractor"}, demo.XunyangResidents()...) {
		if !strings.Contains(out.String(), "  "+u+" ") {
			t.Errorf("linli demo does not print %s", u)
		}
	}
}
