package visits_test

import (
	"testing"

	"linli"
	"linli/links"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/visits"
)

// TestVisitVisitorsStayInScope: a visitor account must work in the visited
// household's community (or above it); another community's account is
// refused like an unknown one and its name is not copied into the visit.
func TestVisitVisitorsStayInScope(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		in := visits.VisitInput{HouseholdID: f.room("3单元", "602"), Subject: "project:3", Stance: visits.Support}
		for _, who := range []string{"jixiang", "jxgrid"} {
			in.VisitorIDs = []int64{f.actors[who].AccountID}
			_, err := f.svc.Record(f.ctx, f.actors["grid1"], in)
			if wantCode(t, "visitor "+who, err, linli.EInvalid); !hasField(err, "visitor_ids[0]") {
				t.Errorf("visitor %s: fields %v", who, linli.ErrorFields(err))
			}
		}
		in.VisitorIDs = []int64{f.actors["jixiang"].AccountID}
		_, out := f.svc.Record(f.ctx, f.actors["grid1"], in)
		in.VisitorIDs = []int64{999999}
		_, unknown := f.svc.Record(f.ctx, f.actors["grid1"], in)
		if fa, fb := linli.ErrorFields(out), linli.ErrorFields(unknown); len(fa) != 1 || len(fb) != 1 || fa[0].Reason != fb[0].Reason {
			t.Errorf("out of scope %v, unknown %v: the answers differ", fa, fb)
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM visits`).Scan(&n); err != nil || n != 0 {
			t.Errorf("refused visits were stored: %d %v", n, err)
		}
		in.VisitorIDs = []int64{f.actors["building"].AccountID, f.actors["xueyuan"].AccountID}
		if v := f.record("grid1", in); len(v.Visitors) != 2 {
			t.Errorf("the community's own visitors: %+v", v.Visitors)
		}
	})
}

// TestVisitMatterStaysInItsCommunity: coverage tells a matter's title only
// to those whose scope it overlaps and only about subjects they see — to
// anyone else, even asking about their own place, it answers as for an
// unknown matter; and no visit widens a matter beyond its community.
func TestVisitMatterStaysInItsCommunity(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		v := f.record("grid1", visits.VisitInput{HouseholdID: f.room("3单元", "602"), Subject: "project:3", Stance: visits.Support})
		jxb := f.node("运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼")
		for _, subject := range []links.Ref{{Kind: visits.KindMatter, ID: v.MatterID}, {Kind: links.KindProject, ID: 3}} {
			c, err := f.svc.Coverage(f.ctx, f.actors["jxgrid"], subject, jxb.ID)
			if linli.ErrorCode(err) != linli.ENotFound || c.Title != "" {
				t.Errorf("吉祥社区's grid worker, coverage of %s at her own building: %+v %v, want not found", subject, c, err)
			}
		}
		if _, err := f.svc.Coverage(f.ctx, f.actors["grid1"], links.Ref{Kind: visits.KindMatter, ID: v.MatterID}, 0); err != nil {
			t.Errorf("the matter's own grid worker: %v", err)
		}
		// Someone who sees both communities records a visit in 吉祥社区
		// about 学苑社区's project: the matter would become the street's.
		jxu := f.node("运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼", "2单元")
		h, err := f.reg.HouseholdByRoom(f.ctx, jxu.ID, "402")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Record(f.ctx, linli.System(), visits.VisitInput{HouseholdID: h, Subject: "project:3", Stance: visits.Support})
		if wantCode(t, "a visit in another community", err, linli.EInvalid); !hasField(err, "subject") {
			t.Errorf("fields %v, want subject", linli.ErrorFields(err))
		}
		m, err := f.svc.Matter(f.ctx, linli.System(), v.MatterID)
		if err != nil || m.Scope == "东城街道" || len(m.Path) < len(f.node(pHuicui[:4]...).Path) {
			t.Errorf("the matter after the refused visit: %+v %v", m, err)
		}
	})
}

// The first visit about another community's project, by someone who sees
// both, does not open the project's matter in the visitor's community
// (it did, at the household's building): the matter is the subject's and
// stays in the subject's community, so the visit is refused naming the
// subject and nothing is created. An explicit matter for it elsewhere is
// refused the same way; in the subject's community it is made.
func TestFirstVisitMatterInTheSubjectsCommunity(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		both := linli.System()
		_, err := f.svc.Record(f.ctx, both, visits.VisitInput{HouseholdID: f.room("3单元", "602"), Subject: "project:8", Stance: visits.Support})
		if wantCode(t, "a first visit in 学苑 about 吉祥's project", err, linli.EInvalid); !hasField(err, "subject") {
			t.Errorf("fields %v, want subject", linli.ErrorFields(err))
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM visit_matters WHERE subject_kind = 'project' AND subject_id = 8`).Scan(&n); err != nil || n != 0 {
			t.Errorf("matters of project 8: %d %v", n, err)
		}
		_, err = f.svc.CreateMatter(f.ctx, both, visits.MatterInput{Subject: "project:8", ScopeID: f.node(pBuilding...).ID})
		if wantCode(t, "a matter in 学苑 for 吉祥's project", err, linli.EInvalid); !hasField(err, "subject") {
			t.Errorf("fields %v, want subject", linli.ErrorFields(err))
		}
		jxb := f.node("运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼")
		m, err := f.svc.CreateMatter(f.ctx, both, visits.MatterInput{Subject: "project:8", ScopeID: jxb.ID})
		if err != nil || m.Path != jxb.Path {
			t.Errorf("the matter in 吉祥: %+v %v", m, err)
		}
		jxu := f.node("运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼", "2单元")
		h, err := f.reg.HouseholdByRoom(f.ctx, jxu.ID, "402")
		if err != nil {
			t.Fatal(err)
		}
		if v, err := f.svc.Record(f.ctx, both, visits.VisitInput{HouseholdID: h, Subject: "project:8", Stance: visits.Support}); err != nil || v.MatterID != m.ID {
			t.Errorf("a visit in 吉祥 about its project: %+v %v", v, err)
		}
	})
}
