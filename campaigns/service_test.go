package campaigns_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"linli"
	"linli/attach"
	"linli/campaigns"
	"linli/capability"
	"linli/cases"
	"linli/demo/demotest"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// fixture is one engine's database with the demo world, the campaigns
// service and the demo accounts, the clock at Monday 2026-12-07 09:00
// (Beijing).
type fixture struct {
	t      testing.TB
	ctx    context.Context
	db     *storage.DB
	w      *demotest.World
	svc    *campaigns.Service
	actors map[string]*linli.Actor
}

var pHuicui = []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区"}

func newFixture(t testing.TB, db *storage.DB) *fixture {
	t.Helper()
	w := demotest.New(t, db, time.Date(2026, time.December, 7, 9, 0, 0, 0, demotest.Beijing))
	svc := campaigns.New(capability.Deps{DB: db, Clock: w.Clock, Zone: w.Zone, Calendar: w.Cases.WorkingCalendar, Links: w.Links,
		Registry: w.Registry, Auth: w.Auth, Cases: w.Cases})
	f := &fixture{t: t, ctx: w.Ctx, db: db, w: w, svc: svc, actors: map[string]*linli.Actor{}}
	w.AddActors(t, f.actors, "xueyuan", "grid1", "volunteer", "contractor", "resident", "unit", "jixiang", "jxgrid", "street", "dept")
	return f
}

func (f *fixture) a(name string) *linli.Actor { return f.actors[name] }

func (f *fixture) node(names ...string) registry.Node {
	f.t.Helper()
	n, err := f.w.Registry.FindNode(f.ctx, names)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// active is a campaign over 荟萃花园南区 and 书香苑 with the solar checklist, a task
// group of grid1 (grid worker), the volunteer and the contractor, split by
// building with grid1 and the volunteer on every task.
func (f *fixture) active() (campaigns.Campaign, []campaigns.Task) {
	f.t.Helper()
	staff := f.a("xueyuan")
	tpl, err := f.svc.CreateTemplate(f.ctx, staff, campaigns.TemplateInput{Title: "太阳能热水器排查表", HazardType: "太阳能热水器", Items: campaigns.SolarHeaterChecklist()})
	if err != nil {
		f.t.Fatalf("template: %v %v", err, linli.ErrorFields(err))
	}
	c, err := f.svc.Create(f.ctx, staff, campaigns.CampaignInput{Title: "太阳能热水器安全隐患排查", HazardType: "太阳能热水器", TemplateID: tpl.ID,
		ScopeIDs: []int64{f.node(pHuicui...).ID, f.node("运城市", "盐湖区", "东城街道", "学苑社区", "第二网格", "书香苑").ID}, StartsOn: "2026-12-07", Deadline: "2026-12-09",
		Members: []campaigns.MemberInput{{AccountID: f.a("grid1").AccountID, Role: campaigns.MemberGrid},
			{AccountID: f.a("volunteer").AccountID, Role: campaigns.MemberVolunteer},
			{AccountID: f.a("contractor").AccountID, Role: campaigns.MemberContractor}}})
	if err != nil {
		f.t.Fatalf("create: %v %v", err, linli.ErrorFields(err))
	}
	if c, err = f.svc.Activate(f.ctx, staff, c.ID); err != nil {
		f.t.Fatal(err)
	}
	ts, err := f.svc.Split(f.ctx, staff, c.ID, campaigns.SplitInput{By: campaigns.ByBuilding, AccountIDs: []int64{f.a("grid1").AccountID, f.a("volunteer").AccountID}})
	if err != nil {
		f.t.Fatalf("split: %v %v", err, linli.ErrorFields(err))
	}
	return c, ts
}

// task1 is the task of 荟萃花园南区 1号楼 and the households of its unit 3.
func (f *fixture) task1(ts []campaigns.Task) (campaigns.Task, []registry.Household) {
	f.t.Helper()
	b := f.node(append(append([]string{}, pHuicui...), "1号楼")...)
	for _, t := range ts {
		if t.NodeID == b.ID {
			u := f.node(append(append([]string{}, pHuicui...), "1号楼", "3单元")...)
			hs, err := f.w.Registry.HouseholdsUnder(f.ctx, f.db, u.Path)
			if err != nil || len(hs) < 3 {
				f.t.Fatalf("households: %v %d", err, len(hs))
			}
			return t, hs
		}
	}
	f.t.Fatal("no task for 1号楼")
	return campaigns.Task{}, nil
}

func pngPhoto(t testing.TB) map[string][]attach.Checked {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	cs, err := attach.Check(attach.PhotoLimits(), []attach.Upload{{Field: "answers.photo[0]", Name: "roof.png", Data: buf.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]attach.Checked{"photo": cs}
}

func fine() map[string]any {
	return map[string]any{"present": "yes", "bracket": "完好", "anchored": "yes", "leak": "no", "tilt": "5"}
}

func hazardous() map[string]any {
	return map[string]any{"present": "yes", "bracket": "断裂", "anchored": "no", "tilt": "20"}
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func hasField(err error, field string) bool {
	for _, fe := range linli.ErrorFields(err) {
		if fe.Field == field {
			return true
		}
	}
	return false
}

func TestCampaignLifecycle(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		staff := f.a("xueyuan")
		// A community in one step: all its estates.
		comm := f.node("运城市", "盐湖区", "东城街道", "学苑社区")
		estates, err := f.w.Registry.NodesUnder(f.ctx, db, comm.Path, registry.KindEstate)
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Create(f.ctx, staff, campaigns.CampaignInput{Title: "排查", HazardType: "太阳能热水器", ScopeIDs: []int64{comm.ID},
			StartsOn: "2026-12-07", Deadline: "2026-12-09"})
		if err != nil {
			t.Fatalf("%v %v", err, linli.ErrorFields(err))
		}
		if c.State != campaigns.Draft || len(c.Scope) != len(estates) || len(estates) < 2 {
			t.Errorf("community scope: %d places, %d estates, state %s", len(c.Scope), len(estates), c.State)
		}
		// Activation needs a checklist.
		if _, err := f.svc.Activate(f.ctx, staff, c.ID); !hasField(err, "template_id") {
			t.Errorf("activate without a checklist: %v", err)
		}
		// Bad input: names the fields.
		_, err = f.svc.Create(f.ctx, staff, campaigns.CampaignInput{ScopeIDs: []int64{comm.ID}, StartsOn: "2026-12-09", Deadline: "2026-12-07",
			Members: []campaigns.MemberInput{{AccountID: f.a("jxgrid").AccountID, Role: campaigns.MemberGrid}}})
		for _, fld := range []string{"title", "hazard_type", "deadline", "members[0].account_id"} {
			if !hasField(err, fld) {
				t.Errorf("bad create: no error on %s: %v", fld, linli.ErrorFields(err))
			}
		}
		// Another community's place, and a grid worker creating: refused.
		jx := f.node("运城市", "盐湖区", "东城街道", "吉祥社区")
		if _, err := f.svc.Create(f.ctx, staff, campaigns.CampaignInput{Title: "x", HazardType: "x", ScopeIDs: []int64{jx.ID}, StartsOn: "2026-12-07", Deadline: "2026-12-09"}); !hasField(err, "scope_ids") {
			t.Errorf("another community's scope: %v", err)
		}
		if _, err := f.svc.Create(f.ctx, f.a("grid1"), campaigns.CampaignInput{Title: "x", HazardType: "x", ScopeIDs: []int64{comm.ID}, StartsOn: "2026-12-07", Deadline: "2026-12-09"}); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("a grid worker creates: %v", err)
		}

		ac, ts := f.active()
		if ac.State != campaigns.Active || len(ac.Checklist) != len(campaigns.SolarHeaterChecklist()) || len(ts) < 2 {
			t.Fatalf("active: %s, %d items, %d tasks", ac.State, len(ac.Checklist), len(ts))
		}
		// The checklist is a snapshot: editing the template later changes nothing.
		if err := db.InTx(f.ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(f.ctx, `UPDATE campaign_templates SET items = '[]'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Get(f.ctx, f.a("grid1"), ac.ID)
		if err != nil || len(got.Checklist) != len(campaigns.SolarHeaterChecklist()) {
			t.Errorf("snapshot after the template changed: %d items, %v", len(got.Checklist), err)
		}
		// Split again: nothing new. Reassign: audited.
		again, err := f.svc.Split(f.ctx, staff, ac.ID, campaigns.SplitInput{By: campaigns.ByBuilding})
		if err != nil || len(again) != len(ts) {
			t.Errorf("split again: %d tasks, %v", len(again), err)
		}
		t1, _ := f.task1(ts)
		if _, err := f.svc.Assign(f.ctx, staff, t1.ID, campaigns.AssignInput{AccountIDs: []int64{f.a("jxgrid").AccountID}}); !hasField(err, "account_ids") {
			t.Errorf("assign outside the task group: %v", err)
		}
		re, err := f.svc.Assign(f.ctx, staff, t1.ID, campaigns.AssignInput{AccountIDs: []int64{f.a("contractor").AccountID}})
		if err != nil || len(re.People) != 1 || re.People[0].AccountID != f.a("contractor").AccountID {
			t.Errorf("reassign: %+v %v", re.People, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'campaign_task.assign' AND entity_id = ?`, t1.ID); n != 1 {
			t.Errorf("reassignment audited %d times", n)
		}
		cl, err := f.svc.Close(f.ctx, staff, ac.ID)
		if err != nil || cl.State != campaigns.Closed {
			t.Fatalf("close: %v", err)
		}
		if _, err := f.svc.Close(f.ctx, staff, ac.ID); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("close twice: %v", err)
		}
	})
}

func TestFindingsIdempotentAndConflicts(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c, ts := f.active()
		t1, hs := f.task1(ts)
		grid, vol := f.a("grid1"), f.a("volunteer")
		in := campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[0].ID, Answers: fine(), IdempotencyKey: "k-1"}
		first, err := f.svc.Record(f.ctx, grid, in, pngPhoto(t))
		if err != nil || first.Outcome != campaigns.OutcomeCreated || first.Replay || first.Finding.Hazard || len(first.Finding.Photos) != 1 {
			t.Fatalf("first: %+v %v %v", first, err, linli.ErrorFields(err))
		}
		// The same key again (the phone's queue resending): the same finding, no second row.
		again, err := f.svc.Record(f.ctx, grid, in, pngPhoto(t))
		if err != nil || !again.Replay || again.Finding.ID != first.Finding.ID {
			t.Errorf("resend: %+v %v", again, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ?`, c.ID); n != 1 {
			t.Errorf("%d findings after a resend, want 1", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM attachments WHERE owner = ? AND owner_id = ?`, campaigns.PhotoOwner, first.Finding.ID); n != 1 {
			t.Errorf("%d photos after a resend, want 1", n)
		}
		// Another person, the same household: a conflicting version, the first kept.
		other := campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[0].ID, Answers: hazardous(), IdempotencyKey: "k-2"}
		conf, err := f.svc.Record(f.ctx, vol, other, pngPhoto(t))
		if linli.ErrorCode(err) != linli.EConflict || conf.Outcome != campaigns.OutcomeConflict || conf.Finding.Status != campaigns.StatusConflict {
			t.Fatalf("conflict: %+v %v", conf, err)
		}
		kept, err := f.svc.Finding(f.ctx, f.a("xueyuan"), first.Finding.ID)
		if err != nil || kept.Status != campaigns.StatusCurrent || kept.Hazard || kept.Answers["bracket"] != "完好" {
			t.Errorf("first finding after a conflict: %+v %v", kept, err)
		}
		// Its resend answers the same conflict, still one conflicting row.
		if _, err := f.svc.Record(f.ctx, vol, other, pngPhoto(t)); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("conflict resend: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ? AND status = 'conflict'`, c.ID); n != 1 {
			t.Errorf("%d conflicting versions, want 1", n)
		}
		w, err := f.svc.Walk(f.ctx, f.a("xueyuan"), t1.ID)
		if err != nil || len(w.Conflicts) != 1 || w.Conflicts[0].Current.ID != first.Finding.ID {
			t.Errorf("task page conflicts: %+v %v", w.Conflicts, err)
		}
		// The same person again: an update with history.
		upd, err := f.svc.Record(f.ctx, grid, campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[0].ID, Answers: hazardous(), IdempotencyKey: "k-3"}, pngPhoto(t))
		if err != nil || upd.Outcome != campaigns.OutcomeUpdated || upd.Finding.ID != first.Finding.ID || upd.Finding.Version != 2 ||
			len(upd.Finding.History) != 1 || !upd.Finding.Hazard || upd.Finding.Severity != campaigns.Major {
			t.Errorf("update: %+v %v", upd, err)
		}
		// Staff pick the conflicting version: it is in force, the other kept as rejected.
		if _, err := f.svc.Resolve(f.ctx, grid, conf.Finding.ID, true); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("a grid worker resolves: %v", err)
		}
		picked, err := f.svc.Resolve(f.ctx, f.a("xueyuan"), conf.Finding.ID, true)
		if err != nil || picked.ID != conf.Finding.ID || picked.Status != campaigns.StatusCurrent {
			t.Errorf("pick: %+v %v", picked, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM campaign_findings WHERE id = ? AND status = 'rejected'`, first.Finding.ID); n != 1 {
			t.Error("the first finding is not kept as rejected")
		}
		// A roof and two unclaimed devices on the building.
		for i, tg := range []campaigns.Target{campaigns.TargetRoof, campaigns.TargetUnclaimed, campaigns.TargetUnclaimed} {
			r, err := f.svc.Record(f.ctx, grid, campaigns.FindingInput{TaskID: t1.ID, Target: tg, BuildingID: t1.NodeID, Answers: fine(),
				IdempotencyKey: fmt.Sprintf("b-%d", i)}, pngPhoto(t))
			if err != nil || r.Outcome != campaigns.OutcomeCreated {
				t.Errorf("%s: %+v %v", tg, r, err)
			}
		}
	})
}

func TestFindingBadInputStoresNothing(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c, ts := f.active()
		t1, hs := f.task1(ts)
		var t2 campaigns.Task
		for _, x := range ts {
			if x.ID != t1.ID {
				t2 = x
			}
		}
		outside, err := f.w.Registry.HouseholdsUnder(f.ctx, db, t2.Path)
		if err != nil || len(outside) == 0 {
			t.Fatal(err)
		}
		wrongKind := fine()
		wrongKind["tilt"] = "steep"
		bad := []struct {
			name   string
			in     campaigns.FindingInput
			photos bool
			field  string
		}{
			{"wrong kind", campaigns.FindingInput{HouseholdID: hs[0].ID, Answers: wrongKind}, true, "answers.tilt"},
			{"required photo missing", campaigns.FindingInput{HouseholdID: hs[0].ID, Answers: fine()}, false, "answers.photo"},
			{"household outside the task", campaigns.FindingInput{HouseholdID: outside[0].ID, Answers: fine()}, true, "household_id"},
			{"unknown item", campaigns.FindingInput{HouseholdID: hs[0].ID, Answers: map[string]any{"present": "yes", "colour": "red"}}, true, "answers.colour"},
			{"roof of a building outside the task", campaigns.FindingInput{Target: campaigns.TargetRoof, BuildingID: t2.NodeID, Answers: fine()}, true, "building_id"},
			{"half a position", campaigns.FindingInput{HouseholdID: hs[0].ID, Answers: fine(), Lat: new(float64)}, true, "lat"},
		}
		for i, tc := range bad {
			tc.in.TaskID, tc.in.IdempotencyKey = t1.ID, fmt.Sprintf("bad-%d", i)
			var photos map[string][]attach.Checked
			if tc.photos {
				photos = pngPhoto(t)
			}
			_, err := f.svc.Record(f.ctx, f.a("grid1"), tc.in, photos)
			if linli.ErrorCode(err) != linli.EInvalid || !hasField(err, tc.field) {
				t.Errorf("%s: %v %v, want 422 on %s", tc.name, err, linli.ErrorFields(err), tc.field)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ?`, c.ID); n != 0 {
			t.Errorf("%d findings stored from bad input", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM campaign_finding_keys`); n != 0 {
			t.Errorf("%d keys stored from bad input", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM attachments WHERE owner = ?`, campaigns.PhotoOwner); n != 0 {
			t.Errorf("%d photos stored from bad input", n)
		}
	})
}

func TestPermissions(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c, ts := f.active()
		t1, hs := f.task1(ts)
		in := campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[0].ID, Answers: fine()}
		// Another community's staff and grid worker: as if absent.
		if _, err := f.svc.Get(f.ctx, f.a("jixiang"), c.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("another community's staff: %v", err)
		}
		if _, err := f.svc.Walk(f.ctx, f.a("jixiang"), t1.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("another community's staff, task: %v", err)
		}
		if _, err := f.svc.Record(f.ctx, f.a("jxgrid"), in, pngPhoto(t)); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("another community's grid worker records: %v", err)
		}
		// A worker of the community not in the task group: 404 on the task.
		if _, err := f.svc.Walk(f.ctx, f.a("unit"), t1.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("a unit head outside the task group: %v", err)
		}
		if _, err := f.svc.Record(f.ctx, f.a("unit"), in, pngPhoto(t)); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("a unit head outside the task group records: %v", err)
		}
		// In the task group but not on this task: 403.
		if _, err := f.svc.Record(f.ctx, f.a("contractor"), in, pngPhoto(t)); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("the contractor, not on the task, records: %v", err)
		}
		// Task group members run nothing.
		if _, err := f.svc.Close(f.ctx, f.a("grid1"), c.ID); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("a grid worker closes: %v", err)
		}
		if _, err := f.svc.Split(f.ctx, f.a("volunteer"), c.ID, campaigns.SplitInput{By: campaigns.ByEstate}); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("a volunteer splits: %v", err)
		}
		// A resident sees no campaign, and no task.
		if _, err := f.svc.Walk(f.ctx, f.a("resident"), t1.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("a resident on a task: %v", err)
		}
		// A department reads the campaign's progress, not the households' findings.
		if _, err := f.svc.Record(f.ctx, f.a("grid1"), in, pngPhoto(t)); err != nil {
			t.Fatal(err)
		}
		if fs, err := f.svc.Findings(f.ctx, f.a("dept"), c.ID); err != nil || len(fs) != 0 {
			t.Errorf("a department lists %d findings (%v)", len(fs), err)
		}
		if fs, err := f.svc.Findings(f.ctx, f.a("volunteer"), c.ID); err != nil || len(fs) != 1 {
			t.Errorf("the task group lists %d findings (%v)", len(fs), err)
		}
		// The list: in scope and in the group, not elsewhere.
		for name, want := range map[string]int{"xueyuan": 1, "grid1": 1, "volunteer": 1, "jixiang": 0, "street": 1, "dept": 1} {
			l, err := f.svc.List(f.ctx, f.a(name))
			if err != nil || len(l) != want {
				t.Errorf("%s lists %d campaigns, want %d (%v)", name, len(l), want, err)
			}
		}
	})
}

func TestPlans(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c, ts := f.active()
		t1, hs := f.task1(ts)
		staff, grid := f.a("xueyuan"), f.a("grid1")
		okRec, err := f.svc.Record(f.ctx, grid, campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[1].ID, Answers: fine()}, pngPhoto(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetPlan(f.ctx, staff, okRec.Finding.ID, campaigns.PlanInput{Kind: campaigns.PlanReinforce, DueOn: "2026-12-20"}); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("a plan for a finding without a hazard: %v", err)
		}
		hz, err := f.svc.Record(f.ctx, grid, campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[0].ID, Answers: hazardous()}, pngPhoto(t))
		if err != nil || !hz.Finding.Hazard {
			t.Fatal(err)
		}
		if _, err := f.svc.SetPlan(f.ctx, staff, hz.Finding.ID, campaigns.PlanInput{Kind: campaigns.PlanSelfFix, DueOn: "2026-12-20"}); !hasField(err, "guidance") {
			t.Errorf("self-fix without guidance: %v", err)
		}
		if _, err := f.svc.SetPlan(f.ctx, staff, hz.Finding.ID, campaigns.PlanInput{Kind: campaigns.PlanRemove, DueOn: "2026-12-20"}); !hasField(err, "notice_on") {
			t.Errorf("removal without a notice date: %v", err)
		}
		if _, err := f.svc.SetPlan(f.ctx, grid, hz.Finding.ID, campaigns.PlanInput{Kind: campaigns.PlanNone}); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("a grid worker sets a plan: %v", err)
		}
		p, err := f.svc.SetPlan(f.ctx, staff, hz.Finding.ID, campaigns.PlanInput{Kind: campaigns.PlanRemove, NoticeOn: "2026-12-07", WaitDays: 7, DueOn: "2026-12-20",
			AssigneeID: f.a("contractor").AccountID})
		if err != nil || p.State != campaigns.PlanOpen || p.RemovableOn().String() != "2026-12-14" || p.AssigneeName == "" {
			t.Fatalf("plan: %+v %v %v", p, err, linli.ErrorFields(err))
		}
		hh, err := f.svc.OpenHazardHouseholds(f.ctx, db, []int64{f.node(pHuicui...).ID})
		if err != nil || len(hh) != 1 || hh[0] != hs[0].ID {
			t.Errorf("open hazard households: %v %v", hh, err)
		}
		// Removal before the waiting period ends: refused, nothing changed.
		f.w.Clock.Set(time.Date(2026, time.December, 13, 18, 0, 0, 0, demotest.Beijing))
		if _, err := f.svc.ClosePlan(f.ctx, grid, p.ID, campaigns.CloseInput{Note: "已拆除"}, pngPhoto(t)["photo"]); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("removal a day early: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM campaign_plans WHERE id = ? AND state = 'open'`, p.ID); n != 1 {
			t.Error("the plan was closed before the waiting period ended")
		}
		f.w.Clock.Set(time.Date(2026, time.December, 14, 9, 0, 0, 0, demotest.Beijing))
		if _, err := f.svc.ClosePlan(f.ctx, grid, p.ID, campaigns.CloseInput{Note: "已拆除"}, nil); !hasField(err, "photo") {
			t.Errorf("closing without a photo: %v", err)
		}
		done, err := f.svc.ClosePlan(f.ctx, grid, p.ID, campaigns.CloseInput{Note: "已拆除"}, pngPhoto(t)["photo"])
		if err != nil || done.State != campaigns.PlanDone || len(done.Photos) != 1 {
			t.Fatalf("close: %+v %v", done, err)
		}
		if hh, _ := f.svc.OpenHazardHouseholds(f.ctx, db, []int64{f.node(pHuicui...).ID}); len(hh) != 0 {
			t.Errorf("after the removal: %v", hh)
		}
		// The building view's layer shows it fixed, the fine one fine, the rest not inspected.
		b := f.node(append(append([]string{}, pHuicui...), "1号楼")...)
		v, err := f.w.Registry.BuildingWithLayer(f.ctx, staff, b.ID, fmt.Sprintf("campaign:%d", c.ID))
		if err != nil || v.Layer == nil {
			t.Fatalf("layer: %v", err)
		}
		marks := map[int64]string{}
		for _, fl := range v.Floors {
			for _, cell := range fl.Cells {
				for _, h := range cell.Households {
					marks[h.ID] = h.Mark
				}
			}
		}
		if marks[hs[0].ID] != registry.MarkVisited || marks[hs[1].ID] != registry.MarkAgree || marks[hs[2].ID] != registry.MarkNone {
			t.Errorf("layer marks: fixed %q, fine %q, not inspected %q", marks[hs[0].ID], marks[hs[1].ID], marks[hs[2].ID])
		}
		if _, err := f.w.Registry.BuildingWithLayer(f.ctx, f.a("jixiang"), b.ID, fmt.Sprintf("campaign:%d", c.ID)); err == nil {
			t.Error("another community's staff sees the layer")
		}
	})
}

func TestEscalateOpensALinkedCase(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c, ts := f.active()
		t1, hs := f.task1(ts)
		staff := f.a("xueyuan")
		hz, err := f.svc.Record(f.ctx, f.a("grid1"), campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[0].ID, Answers: hazardous()}, pngPhoto(t))
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.svc.SetPlan(f.ctx, staff, hz.Finding.ID, campaigns.PlanInput{Kind: campaigns.PlanReinforce, DueOn: "2026-12-20"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Escalate(f.ctx, f.a("grid1"), p.ID, campaigns.EscalateInput{}); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("a grid worker escalates: %v", err)
		}
		p, err = f.svc.Escalate(f.ctx, staff, p.ID, campaigns.EscalateInput{})
		if err != nil || p.CaseID == 0 {
			t.Fatalf("escalate: %+v %v %v", p, err, linli.ErrorFields(err))
		}
		cs, err := f.w.Cases.Get(f.ctx, staff, p.CaseID)
		if err != nil || cs.Source != cases.SourceInspection || cs.SourceRef != fmt.Sprintf("campaign:%d", c.ID) || cs.HouseholdID != hs[0].ID {
			t.Errorf("case: source %q ref %q household %d, %v", cs.Source, cs.SourceRef, cs.HouseholdID, err)
		}
		from, err := links.List(f.ctx, db, links.Ref{Kind: campaigns.KindCampaign, ID: c.ID})
		if err != nil || len(from) != 1 || from[0].To != (links.Ref{Kind: links.KindCase, ID: p.CaseID}) || from[0].Rel != "hazard" {
			t.Errorf("campaign's links: %+v %v", from, err)
		}
		to, err := links.List(f.ctx, db, links.Ref{Kind: links.KindCase, ID: p.CaseID})
		if err != nil || len(to) != 1 || to[0].From != (links.Ref{Kind: campaigns.KindCampaign, ID: c.ID}) {
			t.Errorf("case's links: %+v %v", to, err)
		}
		items, err := f.w.Links.Items(f.ctx, staff, links.Ref{Kind: links.KindCase, ID: p.CaseID})
		if err != nil || len(items) != 1 || items[0].Title != c.Title {
			t.Errorf("the case page's linked campaign: %+v %v", items, err)
		}
		if _, err := f.svc.Escalate(f.ctx, staff, p.ID, campaigns.EscalateInput{}); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("escalate twice: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM cases WHERE source = 'inspection'`); n != 1 {
			t.Errorf("%d inspection cases, want 1", n)
		}
	})
}

func TestSelfCheck(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c, ts := f.active()
		t1, _ := f.task1(ts)
		res := f.a("resident")
		form, err := f.svc.SelfCheck(f.ctx, res, c.ID)
		if err != nil || form.Household == 0 || form.Done {
			t.Fatalf("form: %+v %v", form, err)
		}
		if _, err := f.svc.SelfCheck(f.ctx, f.a("jixiang"), c.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("staff without a household: %v", err)
		}
		invites, err := f.svc.SelfChecks(f.ctx, res)
		if err != nil || len(invites) != 1 {
			t.Errorf("invitations: %d %v", len(invites), err)
		}
		// No photo needed from a resident; an unknown item is still refused.
		if _, err := f.svc.SubmitSelfCheck(f.ctx, res, c.ID, campaigns.FindingInput{Answers: map[string]any{"colour": "red"}}, nil); !hasField(err, "answers.colour") {
			t.Errorf("unknown item: %v", err)
		}
		r, err := f.svc.SubmitSelfCheck(f.ctx, res, c.ID, campaigns.FindingInput{Answers: map[string]any{"present": "yes", "leak": "yes"}, IdempotencyKey: "s1"}, nil)
		if err != nil || !r.Finding.SelfReported || !r.Finding.Hazard || r.Finding.TaskID != t1.ID || r.Finding.HouseholdID != form.Household {
			t.Fatalf("self-check: %+v %v", r, err)
		}
		if invites, _ := f.svc.SelfChecks(f.ctx, res); len(invites) != 0 {
			t.Error("still invited after answering")
		}
		// Staff confirm it as it stands.
		conf, err := f.svc.Confirm(f.ctx, f.a("xueyuan"), r.Finding.ID)
		if err != nil || conf.ConfirmedAt.IsZero() {
			t.Errorf("confirm: %v", err)
		}
	})
}

func TestHomePanels(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		_, ts := f.active()
		t1, hs := f.task1(ts)
		rec, err := f.svc.Record(f.ctx, f.a("grid1"), campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[0].ID, Answers: hazardous()}, pngPhoto(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetPlan(f.ctx, f.a("xueyuan"), rec.Finding.ID, campaigns.PlanInput{Kind: campaigns.PlanReinforce, DueOn: "2026-12-08",
			AssigneeID: f.a("contractor").AccountID}); err != nil {
			t.Fatal(err)
		}
		f.w.Clock.Set(time.Date(2026, time.December, 9, 9, 0, 0, 0, demotest.Beijing)) // a day past due
		counts := func(who string) map[string]int {
			ps, err := f.svc.HomePanels(f.ctx, f.a(who))
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, p := range ps {
				for _, c := range p.Counts {
					out[c.Key] = c.N
				}
			}
			return out
		}
		// Staff see every open plan, the contractor the one given to it; both overdue.
		for _, who := range []string{"xueyuan", "contractor"} {
			if c := counts(who); c["plans"] != 1 || c["plans_overdue"] != 1 {
				t.Errorf("%s's plan counts: %v", who, c)
			}
		}
		if c := counts("volunteer"); c["plans"] != 0 || c["tasks"] == 0 {
			t.Errorf("the volunteer's counts: %v", c)
		}
		ps, err := f.svc.HomePanels(f.ctx, f.a("grid1"))
		if err != nil || len(ps) != 1 || len(ps[0].Lists) == 0 || ps[0].Lists[0].Key != "tasks" {
			t.Errorf("grid worker's panel: %+v %v", ps, err)
		}
		ps, err = f.svc.HomePanels(f.ctx, f.a("resident"))
		if err != nil || len(ps) != 1 || ps[0].Lists[len(ps[0].Lists)-1].Key != "selfcheck" {
			t.Errorf("resident's panel: %+v %v", ps, err)
		}
		if ps, _ := f.svc.HomePanels(f.ctx, f.a("jixiang")); len(ps) != 0 {
			t.Errorf("another community's staff: %+v", ps)
		}
	})
}

// TestConcurrentFindingsKeepOneInForce: two people sending a finding for
// the same household at the same moment leave one finding in force and
// one conflicting version, never two in force.
func TestConcurrentFindingsKeepOneInForce(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c, ts := f.active()
		t1, hs := f.task1(ts)
		errs := make(chan error, 2)
		photos := []map[string][]attach.Checked{pngPhoto(t), pngPhoto(t)}
		for i, who := range []string{"grid1", "volunteer"} {
			go func() {
				_, err := f.svc.Record(f.ctx, f.a(who), campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[0].ID, Answers: fine(),
					IdempotencyKey: fmt.Sprintf("race-%d", i)}, photos[i])
				errs <- err
			}()
		}
		conflicts := 0
		for range 2 {
			if err := <-errs; linli.ErrorCode(err) == linli.EConflict {
				conflicts++
			} else if err != nil {
				t.Errorf("record: %v", err)
			}
		}
		cur := f.count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ? AND status = 'current'`, c.ID)
		con := f.count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ? AND status = 'conflict'`, c.ID)
		if cur != 1 || con != 1 || conflicts != 1 {
			t.Errorf("%d in force, %d conflicting, %d answered 409; want 1, 1, 1", cur, con, conflicts)
		}
	})
}
