package cases_test

import (
	"encoding/json"
	"strings"
	"testing"

	"linli"
	"linli/cases"
	"linli/storage"
	"linli/storage/storagetest"
)

// A public case is public for its problem and progress, never for who
// reported it: a neighbour (a resident of the community) sees neither
// the reporter's name, account, phone, household, room or home address,
// nor their rating comment, on the case or its timeline; the reporter
// and staff still see everything (issue 8).
func TestNeighboursSeeNoReporter(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		hh := f.household("resident")
		c := f.open("resident", cases.NewCase{Category: "water_leak", Title: "卫生间天花板渗水", HouseholdID: hh, Public: true,
			Address: "荟萃花园南区1号楼3单元602室"})
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActAccept})
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActDispatch})
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActHandle, Note: "已更换防水层"})
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActVerify})
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActClose})
		f.act("resident", c.ID, cases.ActionInput{Action: cases.ActRate, Rating: cases.Satisfied, Comment: "谢谢王师傅，我家602终于不漏了"})

		own := f.get(c.ID)
		if own.HouseholdID != hh || own.ReporterName == "" {
			t.Fatalf("the case as stored: %+v", own)
		}
		neighbour := &linli.Actor{AccountID: 987654, Username: "neighbour", DisplayName: "邻居",
			Grants: []linli.Grant{{Role: linli.RoleResident, NodePath: f.node(pHuicui...).Path}}}
		seen, err := f.svc.Get(f.ctx, neighbour, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if seen.Title != c.Title || seen.State != cases.Closed {
			t.Errorf("the neighbour should see the problem and its progress: %+v", seen)
		}
		js, _ := json.Marshal(seen)
		tl, err := f.svc.Timeline(f.ctx, neighbour, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		tj, _ := json.Marshal(tl)
		if !strings.Contains(string(tj), "已更换防水层") {
			t.Errorf("the neighbour should see the handler's result: %s", tj)
		}
		secrets := []string{own.ReporterName, f.actor("resident").DisplayName, "602", "王师傅"}
		for _, sec := range secrets {
			if sec != "" && (strings.Contains(string(js), sec) || strings.Contains(string(tj), sec)) {
				t.Errorf("a neighbour sees %q:\ncase %s\ntimeline %s", sec, js, tj)
			}
		}
		if seen.ReporterID != 0 || seen.HouseholdID != 0 || seen.ReporterPhone != "" || seen.Address != "" || !seen.ForNeighbours {
			t.Errorf("case as a neighbour sees it: %+v", seen)
		}
		for _, e := range tl {
			if e.ActorID == own.ReporterID {
				t.Errorf("timeline names the reporter's account: %+v", e)
			}
		}
		// The reporter and the staff see it whole.
		for _, who := range []string{"resident", "xueyuan"} {
			got, err := f.svc.Get(f.ctx, f.actor(who), c.ID)
			if err != nil || got.HouseholdID != hh || got.ReporterID == 0 || got.RatingComment == "" || got.ForNeighbours {
				t.Errorf("%s sees %+v %v", who, got, err)
			}
		}
	})
}
