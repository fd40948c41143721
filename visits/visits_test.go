package visits_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/capability"
	"linli/demo/demotest"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/visits"
)

type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	clock  *linli.FakeClock
	reg    *registry.Service
	links  *links.Registry
	svc    *visits.Service
	actors map[string]*linli.Actor
}

var (
	pHuicui   = []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区"}
	pBuilding = append(slices.Clone(pHuicui), "1号楼")
)

func newFixture(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	w := demotest.New(t, db, time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC))
	zone, clock, reg := w.Zone, w.Clock, w.Registry
	lr := &links.Registry{DB: db}
	registerSubjects(t, ctx, reg, lr)
	svc := visits.New(capability.Deps{DB: db, Clock: clock, Zone: zone, Registry: reg, Links: lr})
	f := &fixture{t: t, ctx: ctx, db: db, clock: clock, reg: reg, links: lr, svc: svc, actors: map[string]*linli.Actor{}}
	w.AddActors(t, f.actors, "xueyuan", "grid1", "building", "resident", "jixiang", "jxgrid", "property", "rep", "contractor", "dept")
	return f
}

// registerSubjects stands in for the projects, votes and mediation
// capabilities: project 3 and votes 7 and 9 belong to 学苑社区, project 8
// to 吉祥社区; whoever reads projects in the community, or in a part of
// it, sees them.
func registerSubjects(t *testing.T, ctx context.Context, reg *registry.Service, lr *links.Registry) {
	t.Helper()
	xy, err := reg.FindNode(ctx, pHuicui[:4])
	if err != nil {
		t.Fatal(err)
	}
	jx, err := reg.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "吉祥社区"})
	if err != nil {
		t.Fatal(err)
	}
	owner := map[links.Ref]string{
		{Kind: links.KindProject, ID: 3}: xy.Path, {Kind: links.KindVote, ID: 7}: xy.Path, {Kind: links.KindVote, ID: 9}: xy.Path,
		{Kind: links.KindProject, ID: 8}: jx.Path,
	}
	for _, kind := range []string{links.KindProject, links.KindVote, links.KindDispute} {
		lr.Register(kind, func(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
			out := map[int64]links.Item{}
			for _, id := range ids {
				p, ok := owner[links.Ref{Kind: kind, ID: id}]
				for _, sc := range a.Scopes(linli.PermProjectsRead) {
					if ok && (linli.Within(sc, p) || linli.Within(p, sc)) {
						out[id] = links.Item{Title: kind + " " + itoa(id), Path: p}
					}
				}
			}
			return out, nil
		})
	}
}

func (f *fixture) node(names ...string) registry.Node {
	f.t.Helper()
	n, err := f.reg.FindNode(f.ctx, names)
	if err != nil {
		f.t.Fatalf("node %v: %v", names, err)
	}
	return n
}

// room is the household id of a room in a unit of Huicui 1号楼.
func (f *fixture) room(unit, room string) int64 {
	f.t.Helper()
	u := f.node(append(slices.Clone(pBuilding), unit)...)
	id, err := f.reg.HouseholdByRoom(f.ctx, u.ID, room)
	if err != nil {
		f.t.Fatalf("room %s %s: %v", unit, room, err)
	}
	return id
}

func (f *fixture) record(who string, in visits.VisitInput) visits.Visit {
	f.t.Helper()
	v, err := f.svc.Record(f.ctx, f.actors[who], in)
	if err != nil {
		f.t.Fatalf("%s records %+v: %v %v", who, in, err, linli.ErrorFields(err))
	}
	return v
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := linli.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want %q", what, err, got, code)
	}
}

func hasField(err error, field string) bool {
	for _, fe := range linli.ErrorFields(err) {
		if fe.Field == field {
			return true
		}
	}
	return false
}

func TestVisitValidation(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		hh := f.room("3单元", "602")
		ok := func() visits.VisitInput {
			return visits.VisitInput{HouseholdID: hh, Subject: "project:3", Stance: visits.Support}
		}
		for _, tc := range []struct {
			name  string
			edit  func(*visits.VisitInput)
			field string
		}{
			{"no stance", func(in *visits.VisitInput) { in.Stance = "" }, "stance"},
			{"unknown stance", func(in *visits.VisitInput) { in.Stance = "maybe" }, "stance"},
			{"unknown concern", func(in *visits.VisitInput) { in.Concerns = []visits.Concern{visits.Light, "smell"} }, "concerns[1]"},
			{"other without notes", func(in *visits.VisitInput) { in.Concerns = []visits.Concern{visits.Other} }, "notes"},
			{"no subject", func(in *visits.VisitInput) { in.Subject = "" }, "subject"},
			{"subject of a wrong kind", func(in *visits.VisitInput) { in.Subject = "case:1" }, "subject"},
			{"subject not kind:id", func(in *visits.VisitInput) { in.Subject = "project" }, "subject"},
			{"general matter that does not exist", func(in *visits.VisitInput) { in.Subject = "matter:999" }, "subject"},
			{"in the future", func(in *visits.VisitInput) { in.VisitedAt = f.clock.Now().Add(time.Hour) }, "visited_at"},
			{"follow-up with a bad date", func(in *visits.VisitInput) {
				in.FollowUps = []visits.FollowUpInput{{Text: "送图纸", Due: "3月17日"}}
			}, "follow_ups[0].due"},
			{"follow-up without text", func(in *visits.VisitInput) { in.FollowUps = []visits.FollowUpInput{{Due: "2026-03-17"}} }, "follow_ups[0].text"},
			{"no household", func(in *visits.VisitInput) { in.HouseholdID = 0 }, "household_id"},
			{"no such household", func(in *visits.VisitInput) { in.HouseholdID = 999999 }, "household_id"},
			{"unknown visitor account", func(in *visits.VisitInput) { in.VisitorIDs = []int64{999999} }, "visitor_ids[0]"},
		} {
			in := ok()
			tc.edit(&in)
			_, err := f.svc.Record(f.ctx, f.actors["grid1"], in)
			wantCode(t, tc.name, err, linli.EInvalid)
			if !hasField(err, tc.field) {
				t.Errorf("%s: fields %v, want %s", tc.name, linli.ErrorFields(err), tc.field)
			}
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM visits`).Scan(&n); err != nil || n != 0 {
			t.Errorf("refused visits were stored: %d %v", n, err)
		}
		// The good one, with repeated tags and names folded.
		v := f.record("grid1", visits.VisitInput{HouseholdID: hh, Subject: "project:3", Stance: visits.Oppose,
			Concerns: []visits.Concern{visits.Structural, visits.Light, visits.Structural}, Notes: "担心外墙开洞影响结构",
			VisitorNames: []string{" 李单元长 ", "李单元长", ""}, FollowUps: []visits.FollowUpInput{{Text: "带施工图纸再来解释", Due: "2026-03-17"}, {}}})
		if !slices.Equal(v.Concerns, []visits.Concern{visits.Structural, visits.Light}) || v.Stance != visits.Oppose {
			t.Errorf("concerns %v stance %s", v.Concerns, v.Stance)
		}
		if len(v.Visitors) != 1 || v.Visitors[0].Name != "李单元长" {
			t.Errorf("visitors %+v", v.Visitors)
		}
		if len(v.FollowUps) != 1 || v.FollowUps[0].Due != "2026-03-17" || v.FollowUps[0].Done {
			t.Errorf("follow-ups %+v", v.FollowUps)
		}
		if !v.VisitedAt.Equal(f.clock.Now()) || v.Household != "荟萃花园南区1号楼3单元602" {
			t.Errorf("visited %v household %q", v.VisitedAt, v.Household)
		}
		// Without visitors, the recorder made the visit.
		v2 := f.record("grid1", visits.VisitInput{HouseholdID: f.room("3单元", "601"), Subject: "project:3", Stance: visits.Support})
		if len(v2.Visitors) != 1 || v2.Visitors[0].AccountID != f.actors["grid1"].AccountID {
			t.Errorf("default visitor %+v", v2.Visitors)
		}
		// Audited in the same transaction.
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'visit.create' AND entity_id = ?`, v.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("audit rows for the visit: %d %v", n, err)
		}
	})
}

func TestVisitPermissions(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		hh := f.room("3单元", "602")
		in := visits.VisitInput{HouseholdID: hh, Subject: "project:3", Stance: visits.Undecided}
		for _, who := range []string{"resident", "property"} {
			_, err := f.svc.Record(f.ctx, f.actors[who], in)
			wantCode(t, who+" records a Huicui visit", err, linli.EForbidden)
		}
		// Another community's people are told the household does not
		// exist (422 naming household_id), so its existence does not leak.
		for _, who := range []string{"jixiang", "jxgrid"} {
			_, err := f.svc.Record(f.ctx, f.actors[who], in)
			if wantCode(t, who+" records a Huicui visit", err, linli.EInvalid); !hasField(err, "household_id") {
				t.Errorf("%s: fields %v", who, linli.ErrorFields(err))
			}
		}
		// Bad input from outside the scope says only that the household
		// is unknown: nothing about the rest of the input.
		bad := in
		bad.Stance = "maybe"
		_, err := f.svc.Record(f.ctx, f.actors["jxgrid"], bad)
		if wantCode(t, "jxgrid with a bad stance", err, linli.EInvalid); hasField(err, "stance") || !hasField(err, "household_id") {
			t.Errorf("jxgrid with a bad stance: fields %v", linli.ErrorFields(err))
		}
		in.FollowUps = []visits.FollowUpInput{{Text: "送图纸"}}
		v := f.record("building", in)
		// Those who go door to door read the visit.
		for _, who := range []string{"xueyuan", "grid1", "building", "rep"} {
			if _, err := f.svc.Get(f.ctx, f.actors[who], v.ID); err != nil {
				t.Errorf("%s reads the visit: %v", who, err)
			}
		}
		// Nobody else does, in the community or outside it: 404, so the
		// visit's existence does not show. The property company, the
		// department and the contractor read the project, not the
		// households' stances.
		b := f.node(pBuilding...)
		project := links.Ref{Kind: "project", ID: 3}
		for _, who := range []string{"property", "contractor", "dept", "resident", "jixiang", "jxgrid"} {
			a := f.actors[who]
			_, err := f.svc.Get(f.ctx, a, v.ID)
			wantCode(t, who+" reads the visit", err, linli.ENotFound)
			_, err = f.svc.Files(f.ctx, a, v.ID)
			wantCode(t, who+" reads the visit's files", err, linli.ENotFound)
			_, err = f.svc.SetFollowUp(f.ctx, a, v.ID, v.FollowUps[0].ID, true)
			wantCode(t, who+" marks a follow-up", err, linli.ENotFound)
			_, err = f.svc.Coverage(f.ctx, a, project, b.ID)
			wantCode(t, who+" asks Huicui coverage", err, linli.ENotFound)
			_, err = f.svc.Matter(f.ctx, a, v.MatterID)
			wantCode(t, who+" reads the matter", err, linli.ENotFound)
			if vs, total, err := f.svc.List(f.ctx, a, visits.Filter{}); total != 0 || len(vs) != 0 || (err != nil && linli.ErrorCode(err) != linli.EForbidden) {
				t.Errorf("%s lists %d visits (%v)", who, total, err)
			}
			if items, err := f.svc.ForHousehold(f.ctx, a, project, hh); err != nil || len(items) != 0 {
				t.Errorf("%s sees the household's visits: %+v %v", who, items, err)
			}
			if ls, _ := f.links.Items(f.ctx, a, project); len(ls) != 0 {
				t.Errorf("%s sees the visit among the project's links: %+v", who, ls)
			}
			if bv, err := f.reg.BuildingWithLayer(f.ctx, a, b.ID, ""); err == nil {
				for _, o := range bv.LayerOptions {
					if strings.HasPrefix(o.Key, visits.LayerKind+":") {
						t.Errorf("%s is offered the visits layer %s", who, o.Key)
					}
				}
			}
			if bv, err := f.reg.BuildingWithLayer(f.ctx, a, b.ID, visits.LayerKind+":"+itoa(v.MatterID)); err == nil {
				t.Errorf("%s coloured the building by visits: %+v", who, bv.Layer)
			}
		}
	})
}

func TestVisitCoverageAndLayer(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		b := f.node(pBuilding...)
		unit3 := f.node(append(slices.Clone(pBuilding), "3单元")...)
		project := links.Ref{Kind: links.KindProject, ID: 3}
		// Nothing visited yet: the place must be named.
		_, err := f.svc.Coverage(f.ctx, f.actors["grid1"], project, 0)
		if wantCode(t, "coverage without a place", err, linli.EInvalid); !hasField(err, "node_id") {
			t.Errorf("fields %v", linli.ErrorFields(err))
		}
		c, err := f.svc.Coverage(f.ctx, f.actors["grid1"], project, unit3.ID)
		if err != nil || c.Total != 12 || c.Visited != 0 || len(c.Pending) != 12 {
			t.Fatalf("coverage before visits: %+v %v", c, err)
		}

		f.record("grid1", visits.VisitInput{HouseholdID: f.room("3单元", "101"), Subject: "project:3", MatterTitle: "3单元加装电梯", Stance: visits.Support})
		f.record("grid1", visits.VisitInput{HouseholdID: f.room("3单元", "102"), Subject: "project:3", Stance: visits.Oppose,
			Concerns: []visits.Concern{visits.Structural}})
		f.clock.Advance(time.Hour)
		f.record("grid1", visits.VisitInput{HouseholdID: f.room("3单元", "201"), Subject: "project:3", Stance: visits.Oppose})
		f.clock.Advance(24 * time.Hour)
		// 201 changed its mind: the latest visit counts.
		f.record("grid1", visits.VisitInput{HouseholdID: f.room("3单元", "201"), Subject: "project:3", Stance: visits.Undecided})
		// Another subject does not count.
		f.record("grid1", visits.VisitInput{HouseholdID: f.room("3单元", "202"), Subject: "vote:7", Stance: visits.Support})

		c, err = f.svc.Coverage(f.ctx, f.actors["grid1"], project, unit3.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Total != 12 || c.Visited != 3 || c.NotVisited != 9 || c.Support != 1 || c.Oppose != 1 || c.Undecided != 1 || len(c.Pending) != 9 {
			t.Errorf("unit coverage %+v", c)
		}
		for _, p := range c.Pending {
			if p.ID == f.room("3单元", "101") || p.ID == f.room("3单元", "201") {
				t.Errorf("visited household %s listed as pending", p.Label)
			}
		}
		if c.Title != "3单元加装电梯" || c.Percent() != "25.0" {
			t.Errorf("title %q percent %s", c.Title, c.Percent())
		}
		// The matter's scope is the building of the first visit.
		c, err = f.svc.Coverage(f.ctx, f.actors["grid1"], project, 0)
		if err != nil || c.NodeID != b.ID || c.Total != 96 || c.Visited != 3 || c.NotVisited != 93 {
			t.Errorf("matter coverage %+v %v", c, err)
		}

		// The building view offers the layer and colours the households.
		v, err := f.reg.BuildingWithLayer(f.ctx, f.actors["grid1"], b.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		key := "visits:" + itoa(c.MatterID)
		found := false
		for _, o := range v.LayerOptions {
			found = found || o.Key == key
		}
		if !found {
			t.Fatalf("layer %s not offered: %+v", key, v.LayerOptions)
		}
		v, err = f.reg.BuildingWithLayer(f.ctx, f.actors["grid1"], b.ID, key)
		if err != nil {
			t.Fatal(err)
		}
		marks := map[int64]string{}
		for _, fl := range v.Floors {
			for _, cell := range fl.Cells {
				for _, h := range cell.Households {
					marks[h.ID] = h.Mark
				}
			}
		}
		// By stance at the latest visit: 201 opposed first, then was
		// undecided, and undecided must show as such (issue 10: the
		// undecided households could not be seen).
		for room, want := range map[string]string{"101": registry.MarkAgree, "102": registry.MarkDisagree, "201": registry.MarkUndecided, "202": registry.MarkNone, "602": registry.MarkNone} {
			if got := marks[f.room("3单元", room)]; got != want {
				t.Errorf("3单元%s: mark %q, want %q", room, got, want)
			}
		}
		if v.Layer == nil || len(v.Layer.Summary) == 0 || v.Layer.Summary[0] != "已走访 3/96 户，未走访 93 户 / 3 of 96 households visited, 93 not yet" {
			t.Errorf("summary %+v", v.Layer)
		}
		legend := map[string]int{}
		for _, l := range v.Layer.Legend {
			legend[l.Class] = l.Count
		}
		if legend[registry.MarkAgree] != 1 || legend[registry.MarkDisagree] != 1 || legend[registry.MarkUndecided] != 1 || legend[registry.MarkNone] != 93 ||
			legend[registry.MarkOutside] != 0 {
			t.Errorf("legend %+v", v.Layer.Legend)
		}
		// Another community's staff gets neither the option nor the layer.
		if _, err := f.reg.BuildingWithLayer(f.ctx, f.actors["jixiang"], b.ID, key); err == nil {
			t.Error("jixiang coloured a Huicui building")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestVisitForHouseholdAndLinks(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		hh := f.room("3单元", "102")
		project := links.Ref{Kind: links.KindProject, ID: 3}
		// 2026-03-05 10:00 Yuncheng time.
		at := time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)
		v := f.record("grid1", visits.VisitInput{HouseholdID: hh, Subject: "project:3", VisitedAt: at, Stance: visits.Oppose,
			Concerns: []visits.Concern{visits.Structural}})
		f.record("grid1", visits.VisitInput{HouseholdID: hh, Subject: "vote:9", Stance: visits.Support})
		items, err := f.svc.ForHousehold(f.ctx, f.actors["xueyuan"], project, hh)
		if err != nil || len(items) != 1 {
			t.Fatalf("ForHousehold: %+v %v", items, err)
		}
		it := items[0]
		if it.Title != "2026年3月5日 走访：反对 · 结构安全" || it.URL != "/visits/"+itoa(v.ID) || it.Ref != v.Ref() || !it.At.Equal(at) {
			t.Errorf("item %+v", it)
		}
		if items, err := f.svc.ForHousehold(f.ctx, f.actors["jixiang"], project, hh); err != nil || len(items) != 0 {
			t.Errorf("jixiang sees %+v (%v)", items, err)
		}
		// The project's links list the visit through the resolver.
		ls, err := f.links.Items(f.ctx, f.actors["grid1"], project)
		if err != nil || len(ls) != 1 || ls[0].Ref != v.Ref() || !ls[0].Out || ls[0].Rel != "visit" {
			t.Errorf("project links %+v %v", ls, err)
		}
		if ls, _ := f.links.Items(f.ctx, f.actors["jixiang"], project); len(ls) != 0 {
			t.Errorf("jixiang sees the project's visits: %+v", ls)
		}
	})
}

func TestVisitFollowUpsAndMatters(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		unit3 := f.node(append(slices.Clone(pBuilding), "3单元")...)
		// A general matter, scoped to unit 3.
		m, err := f.svc.CreateMatter(f.ctx, f.actors["xueyuan"], visits.MatterInput{Title: "楼道堆物清理意见", ScopeID: unit3.ID})
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject != "matter:"+itoa(m.ID) {
			t.Errorf("general matter subject %q", m.Subject)
		}
		_, err = f.svc.CreateMatter(f.ctx, f.actors["grid1"], visits.MatterInput{ScopeID: unit3.ID})
		if wantCode(t, "general matter without title", err, linli.EInvalid); !hasField(err, "title") {
			t.Errorf("fields %v", linli.ErrorFields(err))
		}
		_, err = f.svc.CreateMatter(f.ctx, f.actors["jxgrid"], visits.MatterInput{Title: "x", ScopeID: unit3.ID})
		// A place of another community is answered like an unknown one.
		if wantCode(t, "jxgrid creates a Huicui matter", err, linli.EInvalid); !hasField(err, "scope_id") {
			t.Errorf("fields %v", linli.ErrorFields(err))
		}

		v := f.record("rep", visits.VisitInput{HouseholdID: f.room("3单元", "301"), Subject: m.Subject, Stance: visits.Support,
			FollowUps: []visits.FollowUpInput{{Text: "联系物业清运", Due: "2026-03-12"}}})
		// A visit in unit 4 widens the matter to the building.
		f.record("grid1", visits.VisitInput{HouseholdID: f.room("4单元", "301"), Subject: m.Subject, Stance: visits.Support})
		got, err := f.svc.Matter(f.ctx, f.actors["grid1"], m.ID)
		if err != nil || got.ScopeID != f.node(pBuilding...).ID {
			t.Errorf("widened matter %+v %v", got, err)
		}
		fu, err := f.svc.SetFollowUp(f.ctx, f.actors["grid1"], v.ID, v.FollowUps[0].ID, true)
		if err != nil || !fu.Done || !fu.DoneAt.Equal(f.clock.Now()) {
			t.Errorf("follow-up done: %+v %v", fu, err)
		}
		_, err = f.svc.SetFollowUp(f.ctx, f.actors["grid1"], v.ID, 99999, true)
		wantCode(t, "unknown follow-up", err, linli.ENotFound)
		v, _ = f.svc.Get(f.ctx, f.actors["grid1"], v.ID)
		if !v.FollowUps[0].Done {
			t.Error("follow-up not stored done")
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('visit_matter.create', 'visit_matter.widen', 'visit.followup_done')`).Scan(&n); err != nil || n != 3 {
			t.Errorf("audit rows: %d %v", n, err)
		}
		ms, err := f.svc.Matters(f.ctx, f.actors["grid1"])
		if err != nil || len(ms) != 1 {
			t.Errorf("matters %+v %v", ms, err)
		}
		if ms, err := f.svc.Matters(f.ctx, f.actors["jixiang"]); err != nil || len(ms) != 0 {
			t.Errorf("jixiang matters %+v %v", ms, err)
		}
	})
}

func TestVisitSubjectMustExistAndBeVisible(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		hh := f.room("3单元", "602")
		unit3 := f.node(append(slices.Clone(pBuilding), "3单元")...)
		for _, tc := range []struct{ name, subject string }{
			{"a project that does not exist", "project:99999"},
			{"another community's project", "project:8"},
			{"a vote that does not exist", "vote:99999"},
			{"a dispute that does not exist", "dispute:1"},
		} {
			_, err := f.svc.Record(f.ctx, f.actors["grid1"], visits.VisitInput{HouseholdID: hh, Subject: tc.subject, Stance: visits.Support})
			if wantCode(t, "visit about "+tc.name, err, linli.EInvalid); !hasField(err, "subject") {
				t.Errorf("visit about %s: fields %v, want subject", tc.name, linli.ErrorFields(err))
			}
			_, err = f.svc.CreateMatter(f.ctx, f.actors["xueyuan"], visits.MatterInput{Subject: tc.subject, ScopeID: unit3.ID})
			if wantCode(t, "matter about "+tc.name, err, linli.EInvalid); !hasField(err, "subject") {
				t.Errorf("matter about %s: fields %v, want subject", tc.name, linli.ErrorFields(err))
			}
		}
		// The subject error comes with the other field errors.
		_, err := f.svc.Record(f.ctx, f.actors["grid1"], visits.VisitInput{HouseholdID: hh, Subject: "project:99999"})
		if !hasField(err, "subject") || !hasField(err, "stance") {
			t.Errorf("fields %v, want subject and stance", linli.ErrorFields(err))
		}
		// A general matter of another community is refused too.
		jxUnit := f.node("运城市", "盐湖区", "东城街道", "吉祥社区")
		jm, err := f.svc.CreateMatter(f.ctx, f.actors["jixiang"], visits.MatterInput{Title: "吉祥花园停车意见", ScopeID: jxUnit.ID})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Record(f.ctx, f.actors["grid1"], visits.VisitInput{HouseholdID: hh, Subject: jm.Subject, Stance: visits.Support})
		if wantCode(t, "visit about another community's matter", err, linli.EInvalid); !hasField(err, "subject") {
			t.Errorf("fields %v", linli.ErrorFields(err))
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM visits`).Scan(&n); err != nil || n != 0 {
			t.Errorf("refused visits were stored: %d %v", n, err)
		}
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM visit_matters`).Scan(&n); err != nil || n != 1 {
			t.Errorf("refused matters were stored: %d matters %v", n, err)
		}
		// Without a resolver for the kind nothing can vouch for the record:
		// the check stays strict.
		bare := visits.New(capability.Deps{DB: db, Clock: f.clock, Zone: time.FixedZone("CST", 8*3600), Registry: registry.New(db, f.clock), Links: &links.Registry{DB: db}})
		_, err = bare.Record(f.ctx, f.actors["grid1"], visits.VisitInput{HouseholdID: hh, Subject: "project:3", Stance: visits.Support})
		if wantCode(t, "no resolvers", err, linli.EInvalid); !hasField(err, "subject") {
			t.Errorf("fields %v", linli.ErrorFields(err))
		}
		// The visible project is fine; so is another matter named by its
		// title alone (其他事项), which becomes a general matter of the
		// household's building.
		f.record("grid1", visits.VisitInput{HouseholdID: hh, Subject: "project:3", Stance: visits.Support})
		v := f.record("grid1", visits.VisitInput{HouseholdID: hh, MatterTitle: "楼道堆物清理意见", Stance: visits.Support})
		m, err := f.svc.Matter(f.ctx, f.actors["grid1"], v.MatterID)
		if err != nil || m.Title != "楼道堆物清理意见" || m.Subject != "matter:"+itoa(m.ID) || m.ScopeID != f.node(pBuilding...).ID || v.Subject != m.Subject {
			t.Errorf("general matter from the title: %+v %v (visit subject %s)", m, err, v.Subject)
		}
	})
}
