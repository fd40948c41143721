package calendar_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/calendar"
	"linli/storage"
	"linli/storage/storagetest"
)

const year2027 = `{"year": 2027, "source": "测试用2027年通知", "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}], "workdays": []}`

func admin() *linli.Actor {
	return &linli.Actor{AccountID: 1, Username: "admin", Grants: []linli.Grant{{Role: linli.RoleAdmin, NodePath: "/"}}}
}

// An administrator enters a year: validated, stored, audited, and swapped
// into the services at once; a new Admin (a restart) loads it again.
func TestAdminSavesAYear(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		base, err := calendar.Default()
		if err != nil {
			t.Fatal(err)
		}
		var used *calendar.Calendar
		ad := &calendar.Admin{DB: db, Clock: linli.NewFakeClock(time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)), Base: base, Use: func(c *calendar.Calendar) { used = c }}
		if _, err := ad.Load(ctx); err != nil || used == nil || used.Covers(2027) {
			t.Fatalf("Load: %v; covers 2027 before any year is entered", err)
		}
		staff := &linli.Actor{AccountID: 2, Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodePath: "/1/"}}}
		if _, err := ad.Save(ctx, staff, []byte(year2027)); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("staff saves a year: %v, want forbidden", err)
		}
		for _, tc := range []struct{ name, json, field string }{
			{"date outside the year", strings.Replace(year2027, `"to": "2027-01-03"`, `"to": "2028-01-03"`, 1), "holidays[0].to"},
			{"make-up day on a weekday", strings.Replace(year2027, `"workdays": []`, `"workdays": [{"date": "2027-01-05", "name": "x"}]`, 1), "workdays[0]"},
			{"make-up day inside a day off", strings.Replace(year2027, `"workdays": []`, `"workdays": [{"date": "2027-01-02", "name": "x"}]`, 1), "workdays[0]"},
			{"unknown field", strings.Replace(year2027, `"source"`, `"sauce": "", "source"`, 1), ""},
			{"no source", strings.Replace(year2027, `测试用2027年通知`, ``, 1), "source"},
		} {
			_, err := ad.Save(ctx, admin(), []byte(tc.json))
			if code := linli.ErrorCode(err); code != linli.EInvalid && code != linli.EBadRequest {
				t.Errorf("%s: %v, want a 4xx", tc.name, err)
				continue
			}
			found := tc.field == ""
			for _, fe := range linli.ErrorFields(err) {
				if strings.HasPrefix(fe.Field, tc.field) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: fields %+v, want one on %s", tc.name, linli.ErrorFields(err), tc.field)
			}
		}
		if used.Covers(2027) {
			t.Fatal("a refused year was installed")
		}
		if _, err := ad.Save(ctx, admin(), []byte(year2027)); err != nil {
			t.Fatalf("save 2027: %v %v", err, linli.ErrorFields(err))
		}
		if !used.Covers(2027) || used.IsWorkday(time.Date(2027, 1, 1, 10, 0, 0, 0, calendar.Shanghai())) || !used.Covers(2026) {
			t.Error("the saved year is not in the installed calendar (or 2026 went missing)")
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.year.save' AND entity_id = 2027`).Scan(&n); err != nil || n != 1 {
			t.Errorf("audit rows %d (%v), want 1", n, err)
		}
		ys, err := ad.Years(ctx, admin())
		if err != nil || len(ys) != 3 || ys[2].Year != 2027 || !ys[2].Stored || ys[1].Stored {
			t.Errorf("Years = %+v, %v", ys, err)
		}
		used = nil
		again := &calendar.Admin{DB: db, Clock: ad.Clock, Base: base, Use: func(c *calendar.Calendar) { used = c }}
		if _, err := again.Load(ctx); err != nil || used == nil || !used.Covers(2027) {
			t.Errorf("after a restart: %v, 2027 not loaded", err)
		}
	})
}
