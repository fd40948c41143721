package cameras_test

import (
	"testing"
	"time"

	"linli"
	"linli/cameras"
	"linli/cameras/feed"
	"linli/cases"
	"linli/jobs"
	"linli/links"
	"linli/storage"
	"linli/storage/storagetest"
)

// raiseNightEntries makes n open night-entry alerts on a new active camera.
func (f *fixture) raiseNightEntries(n int) []cameras.Alert {
	f.t.Helper()
	f.activeCamera("XY-01", "south_gate", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Minute)
		f.must(f.svc.Event(f.ctx, event("south_gate", "n"+string(rune('a'+i)), feed.KindNew, at, at, "gate")))
	}
	al, err := f.svc.Alerts(f.ctx, f.a("guard"), cameras.AlertFilter{})
	f.must(err)
	if len(al) != n {
		f.t.Fatalf("%d alerts, want %d", len(al), n)
	}
	return al
}

// open → acknowledged (who, when, note) → handled or false alarm; each
// step in the log the board reads; wrong steps are conflicts; others'
// alerts are not found.
func TestAlertLifecycle(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		al := f.raiseNightEntries(2)
		guard := f.a("guard")
		f.w.Clock.Advance(2 * time.Minute)
		got, err := f.svc.Acknowledge(f.ctx, guard, al[0].ID, "已派人查看")
		f.must(err)
		if got.State != cameras.Acknowledged || got.AckBy != "门岗老王" || got.AckNote != "已派人查看" || !got.AckAt.Equal(f.w.Clock.Now()) {
			t.Fatalf("acknowledged %+v", got)
		}
		if _, err := f.svc.Acknowledge(f.ctx, guard, al[0].ID, ""); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("acknowledged twice: %v", err)
		}
		if _, err := f.svc.Close(f.ctx, guard, al[0].ID, cameras.Open, ""); !fields(err)["outcome"] {
			t.Errorf("close as open: %v", err)
		}
		got, err = f.svc.Close(f.ctx, guard, al[0].ID, cameras.Handled, "外卖员，已离开")
		f.must(err)
		if got.State != cameras.Handled || got.CloseNote == "" {
			t.Fatalf("handled %+v", got)
		}
		if _, err := f.svc.Close(f.ctx, guard, al[0].ID, cameras.FalseAlarm, ""); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("closed twice: %v", err)
		}
		got, err = f.svc.Close(f.ctx, guard, al[1].ID, cameras.FalseAlarm, "树影")
		f.must(err)
		if got.State != cameras.FalseAlarm {
			t.Fatalf("false alarm %+v", got)
		}
		for _, u := range []string{"jixiang", "grid1", "resident"} {
			if _, err := f.svc.Acknowledge(f.ctx, f.a(u), al[1].ID, ""); linli.ErrorCode(err) != linli.ENotFound {
				t.Errorf("%s: %v", u, err)
			}
		}
		var whats []string
		rows, err := storage.Scalars[string](f.ctx, db, `SELECT what FROM camera_alert_log ORDER BY id`)
		f.must(err)
		whats = rows
		want := []string{"raised", "raised", "acknowledged", "handled", "false_alarm"}
		if len(whats) != len(want) {
			t.Fatalf("log %v", whats)
		}
		for i := range want {
			if whats[i] != want[i] {
				t.Fatalf("log %v, want %v", whats, want)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'camera_alert.%'`); n != 3 {
			t.Errorf("audit rows %d", n)
		}
		open, err := f.svc.Alerts(f.ctx, guard, cameras.AlertFilter{States: []cameras.AlertState{cameras.Open, cameras.Acknowledged}})
		if err != nil || len(open) != 0 {
			t.Errorf("open after handling: %v %v", open, err)
		}
		st, err := f.svc.Statistics(f.ctx, guard, t0.AddDate(0, 0, -6), t0)
		f.must(err)
		if st.Alerts != 2 || st.Closed != 2 || st.FalseShare != 50 || st.Acked != 1 || st.AckMedian != 120 || len(st.Cameras) != 1 || st.Cameras[0].PerDay[6] != 2 {
			t.Errorf("statistics %+v", st)
		}
		if other, err := f.svc.Statistics(f.ctx, f.a("jixiang"), t0.AddDate(0, 0, -6), t0); err != nil || other.Alerts != 0 {
			t.Errorf("another community's statistics: %+v %v", other, err)
		}
		if _, err := f.svc.Statistics(f.ctx, guard, t0, t0.AddDate(0, 0, -1)); !fields(err)["to"] {
			t.Errorf("reversed period: %v", err)
		}
	})
}

// Escalation opens one case (source camera) at the camera's place, linked
// both ways; the case's links show the alert.
func TestEscalate(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		al := f.raiseNightEntries(1)[0]
		staff := f.a("xueyuan")
		got, err := f.svc.Escalate(f.ctx, staff, al.ID, "多次夜间进入，请网格员核查")
		f.must(err)
		if got.State != cameras.Escalated || got.CaseID == 0 {
			t.Fatalf("escalated %+v", got)
		}
		c, err := f.w.Cases.Get(f.ctx, staff, got.CaseID)
		f.must(err)
		if c.Source != cases.SourceCamera || c.LocationID != f.estate.ID {
			t.Errorf("case source %s location %d", c.Source, c.LocationID)
		}
		items, err := f.w.Links.Items(f.ctx, staff, links.Ref{Kind: links.KindCase, ID: c.ID})
		f.must(err)
		if len(items) != 1 || items[0].Ref.Kind != cameras.KindAlert || items[0].Ref.ID != al.ID || items[0].URL == "" {
			t.Fatalf("case links %+v", items)
		}
		back, err := f.w.Links.Items(f.ctx, staff, links.Ref{Kind: cameras.KindAlert, ID: al.ID})
		f.must(err)
		if len(back) != 1 || back[0].Ref.ID != c.ID {
			t.Fatalf("alert links %+v", back)
		}
		if _, err := f.svc.Escalate(f.ctx, staff, al.ID, ""); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("escalated twice: %v", err)
		}
		// A guard escalates in its estate.
		f.must(f.svc.Event(f.ctx, event("south_gate", "g2", feed.KindNew, t0.Add(time.Hour), t0.Add(time.Hour), "gate")))
		open, err := f.svc.Alerts(f.ctx, f.a("guard"), cameras.AlertFilter{States: []cameras.AlertState{cameras.Open}})
		f.must(err)
		if len(open) != 1 {
			t.Fatalf("open %v", open)
		}
		if _, err := f.svc.Escalate(f.ctx, f.a("guard"), open[0].ID, ""); err != nil {
			t.Errorf("guard escalation: %v %v", err, linli.ErrorFields(err))
		}
	})
}

// The offline check raises one alert when a camera has been silent longer
// than M, not at M, and not again until the camera is heard from.
func TestOfflineCheck(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.activeCamera("XY-01", "south_gate", cameras.Rule{Kind: cameras.Offline, Seconds: 600, Enabled: true})
		clock := f.w.Clock
		f.must(f.svc.Heartbeat(f.ctx, feed.Heartbeat{Source: feed.SourceFrigate, Camera: "south_gate", At: clock.Now()}))
		check := func() int {
			f.must(db.InTx(f.ctx, func(tx *storage.Tx) error { return f.svc.CheckOffline(f.ctx, tx) }))
			return f.count(`SELECT COUNT(*) FROM camera_alerts WHERE rule_kind = 'offline'`)
		}
		clock.Advance(600 * time.Second)
		if check() != 0 {
			t.Fatal("alert at exactly M")
		}
		clock.Advance(time.Second)
		if check() != 1 {
			t.Fatal("no alert at M+1 s")
		}
		clock.Advance(time.Hour)
		if check() != 1 {
			t.Fatal("a second alert for one silence")
		}
		f.must(f.svc.Heartbeat(f.ctx, feed.Heartbeat{Source: feed.SourceFrigate, Camera: "south_gate", At: clock.Now()}))
		clock.Advance(599 * time.Second)
		if check() != 1 {
			t.Fatal("alert before M after a heartbeat")
		}
		clock.Advance(2 * time.Second)
		if check() != 2 {
			t.Fatal("no alert for the second silence")
		}
		// The durable timer runs the check and schedules itself again.
		f.must(f.svc.StartTimers(f.ctx))
		r := &jobs.Runner{DB: db, Clock: clock, Handlers: f.svc.Parts().Jobs}
		clock.Advance(cameras.CheckEvery)
		if _, err := r.RunDue(f.ctx); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := jobs.Pending(f.ctx, db, cameras.JobOfflineCheck, "all"); err != nil || !ok {
			t.Fatalf("not rescheduled: %v %v", ok, err)
		}
		// A restart keeps the retention job's time.
		before, _, err := jobs.Pending(f.ctx, db, cameras.JobRetention, "all")
		f.must(err)
		clock.Advance(time.Hour)
		f.must(f.svc.StartTimers(f.ctx))
		after, _, err := jobs.Pending(f.ctx, db, cameras.JobRetention, "all")
		f.must(err)
		if !after.Due.Equal(before.Due) {
			t.Errorf("a restart moved the purge from %v to %v", before.Due, after.Due)
		}
	})
}

// The purge deletes raw events and snapshots past the retention period,
// keeps alerts, and audits the counts.
func TestPurge(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.raiseNightEntries(2)
		f.w.Clock.Advance(cameras.Retention + time.Hour)
		f.must(f.svc.Event(f.ctx, event("south_gate", "late", feed.KindNew, f.w.Clock.Now(), f.w.Clock.Now())))
		var p cameras.Purged
		f.must(db.InTx(f.ctx, func(tx *storage.Tx) error {
			var err error
			p, err = f.svc.Purge(f.ctx, tx)
			return err
		}))
		if p.Events != 2 || f.count(`SELECT COUNT(*) FROM camera_events`) != 1 || f.count(`SELECT COUNT(*) FROM camera_alerts`) != 2 {
			t.Fatalf("purged %+v", p)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'camera.purge'`); n != 1 {
			t.Errorf("purge audited %d", n)
		}
	})
}
