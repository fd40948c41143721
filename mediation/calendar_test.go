package mediation_test

import (
	"testing"
	"time"

	"linli"
	"linli/calendar"
	"linli/storage"
	"linli/storage/storagetest"
)

// The court-confirmation window ends on a working day by the calendar in
// force when the agreement is signed: a year an administrator loads while
// Linli runs (the calendar admin swaps it into cases) moves mediation's
// dates too, not only the cases' deadlines.
func TestMediationCourtWindowFollowsTheLoadedYear(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		base, err := calendar.Default()
		if err != nil {
			t.Fatal(err)
		}
		if base.Covers(2027) {
			t.Fatal("the shipped calendar covers 2027: pick a year it does not know")
		}
		ad := &calendar.Admin{DB: db, Clock: f.clock, Base: base, Use: f.cs.UseCalendar}
		staff := f.actor("jixiang")
		// Effective on 2 December 2026: day 30 is Friday 1 January 2027.
		sign := func() time.Time {
			t.Helper()
			_, d := f.openLeak()
			f.clock.Set(time.Date(2026, 12, 2, 11, 0, 0, 0, f.zone))
			if _, err := f.svc.SaveAgreement(f.ctx, staff, d.Dispute.ID, f.completeAgreement(d, "2026-12-02")); err != nil {
				t.Fatalf("save: %v %v", err, linli.ErrorFields(err))
			}
			det, err := f.svc.MarkSigned(f.ctx, staff, d.Dispute.ID)
			if err != nil {
				t.Fatalf("sign: %v %v", err, linli.ErrorFields(err))
			}
			return det.Agreement.CourtDeadline
		}
		// Without 2027's notice a Friday is worked.
		if got, want := sign(), time.Date(2027, 1, 1, 0, 0, 0, 0, f.zone); !got.Equal(want) {
			t.Errorf("before the year is loaded: court deadline %v, want %v", got, want)
		}
		admin := &linli.Actor{AccountID: 1, Username: "admin", Grants: []linli.Grant{{Role: linli.RoleAdmin, NodePath: "/"}}}
		if _, err := ad.Save(f.ctx, admin, []byte(`{"year": 2027, "source": "测试用2027年通知", "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}], "workdays": []}`)); err != nil {
			t.Fatalf("load 2027: %v %v", err, linli.ErrorFields(err))
		}
		// 1–3 January are off now: the window ends on Monday the 4th.
		if got, want := sign(), time.Date(2027, 1, 4, 0, 0, 0, 0, f.zone); !got.Equal(want) {
			t.Errorf("after the year is loaded: court deadline %v, want %v", got, want)
		}
	})
}
