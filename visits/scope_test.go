package visits_test

import (
	"testing"

	"linli"
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
