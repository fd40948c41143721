package cameras_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"linli"
	"linli/cameras"
	"linli/cameras/feed"
	"linli/storage"
	"linli/storage/storagetest"
)

// Staff add cameras on estates and entrances in their scope; grid workers
// and guards do not; bad input names the field.
func TestCameraCreate(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		staff := f.a("xueyuan")
		c, err := f.svc.CreateCamera(f.ctx, staff, f.input("XY-01", "south_gate"))
		f.must(err)
		if c.State != cameras.Draft || c.Path != f.estate.Path || len(c.Zones) != 1 || c.Zones[0].Covers == "" {
			t.Fatalf("camera %+v", c)
		}
		for _, u := range []string{"grid1", "guard"} {
			if _, err := f.svc.CreateCamera(f.ctx, f.a(u), f.input("XY-02", "x")); linli.ErrorCode(err) != linli.EForbidden {
				t.Errorf("%s created a camera: %v", u, err)
			}
		}
		// Another community's staff: the place is not theirs, and answers
		// like one that does not exist (TestOutOfScopePlaceAnswersLikeUnknown).
		if _, err := f.svc.CreateCamera(f.ctx, f.a("jixiang"), f.input("XY-02", "x")); !fields(err)["node_id"] {
			t.Errorf("jixiang created a camera: %v", err)
		}
		in := f.input("", "")
		in.Source = "rtsp"
		_, err = f.svc.CreateCamera(f.ctx, staff, in)
		if fs := fields(err); !fs["code"] || !fs["source"] || !fs["source_ref"] {
			t.Errorf("fields %v", fs)
		}
		if _, err := f.svc.CreateCamera(f.ctx, staff, f.input("XY-01", "other")); !fields(err)["code"] {
			t.Errorf("duplicate code: %v", err)
		}
		if _, err := f.svc.CreateCamera(f.ctx, staff, f.input("XY-03", "south_gate")); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("duplicate source name: %v", err)
		}
		bad := f.input("XY-04", "y")
		bad.NodeID = f.estate.ParentID // a grid is no gate
		if _, err := f.svc.CreateCamera(f.ctx, staff, bad); !fields(err)["node_id"] {
			t.Errorf("grid node: %v", err)
		}
		// The guard sees the camera; the other community does not.
		if _, err := f.svc.Camera(f.ctx, f.a("guard"), c.ID); err != nil {
			t.Errorf("guard: %v", err)
		}
		if _, err := f.svc.Camera(f.ctx, f.a("jixiang"), c.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("other community: %v", err)
		}
		list, err := f.svc.Cameras(f.ctx, f.a("guard"))
		if err != nil || len(list) != 1 {
			t.Errorf("guard's list %v %v", list, err)
		}
	})
}

// A camera is switched on only with a complete privacy record; the
// refusal names every missing field.
func TestActivationNeedsPrivacyRecord(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		staff := f.a("xueyuan")
		c, err := f.svc.CreateCamera(f.ctx, staff, f.input("XY-01", "south_gate"))
		f.must(err)
		_, err = f.svc.SetState(f.ctx, staff, c.ID, cameras.Active)
		fs := fields(err)
		for _, want := range []string{"purpose", "consultation", "no_private_view", "view_photo_id", "masks", "signage_photo_id", "signage_text", "reviewer", "reviewed_on"} {
			if !fs[want] {
				t.Errorf("missing %s not named: %v", want, fs)
			}
		}
		p := f.completePrivacy(c.ID)
		p.NoPrivateView = false
		_, err = f.svc.SavePrivacy(f.ctx, staff, c.ID, p)
		f.must(err)
		_, err = f.svc.SetState(f.ctx, staff, c.ID, cameras.Active)
		if fs := fields(err); len(fs) != 1 || !fs["no_private_view"] {
			t.Fatalf("only the confirmation is missing: %v", fs)
		}
		bad := f.completePrivacy(c.ID)
		bad.Consultation = "meeting:99"
		if _, err := f.svc.SavePrivacy(f.ctx, staff, c.ID, bad); !fields(err)["consultation"] {
			t.Errorf("unknown meeting: %v", err)
		}
		bad.Consultation, bad.ReviewedOn = "case:1", "20.11.2026"
		if fs := fields(errOf(f.svc.SavePrivacy(f.ctx, staff, c.ID, bad))); !fs["consultation"] || !fs["reviewed_on"] {
			t.Errorf("a case is no consultation: %v", fs)
		}
		if _, err := f.svc.SavePrivacy(f.ctx, f.a("guard"), c.ID, f.completePrivacy(c.ID)); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("guard edited the privacy record: %v", err)
		}
		_, err = f.svc.SavePrivacy(f.ctx, staff, c.ID, f.completePrivacy(c.ID))
		f.must(err)
		c, err = f.svc.SetState(f.ctx, staff, c.ID, cameras.Active)
		f.must(err)
		if c.State != cameras.Active {
			t.Fatalf("state %s", c.State)
		}
		if n := f.count(`SELECT COUNT(*) FROM links WHERE from_kind = 'meeting' AND from_id = 1 AND to_kind = 'camera' AND to_id = ?`, c.ID); n != 1 {
			t.Errorf("consultation links: %d", n)
		}
		got, err := f.svc.Privacy(f.ctx, f.a("guard"), c.ID)
		if err != nil || got.Consultation != "meeting:1" || len(got.Masks) != 1 || len(got.Masks[0]) != 3 {
			t.Errorf("privacy %+v %v", got, err)
		}
	})
}

func errOf[T any](_ T, err error) error { return err }

// Events: unknown and inactive cameras are counted and dropped; a
// duplicate is nothing; an older update is counted and not applied; the
// rules raise alerts; a rule change applies to the next event.
func TestIngest(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		staff := f.a("xueyuan")
		rule := cameras.Rule{Kind: cameras.Loiter, Zone: "gate", Labels: []string{"person"}, Seconds: 60, Enabled: true}
		c := f.activeCamera("XY-01", "south_gate", rule)
		off, err := f.svc.CreateCamera(f.ctx, staff, f.input("XY-02", "north_gate"))
		f.must(err)
		cnt := f.svc.SourceCounts(feed.SourceFrigate)

		f.must(f.svc.Event(f.ctx, event("nobody", "u1", feed.KindNew, t0, t0, "gate")))
		f.must(f.svc.Event(f.ctx, event("north_gate", "i1", feed.KindNew, t0, t0, "gate")))
		if cnt.Unknown.Load() != 1 || cnt.Inactive.Load() != 1 {
			t.Fatalf("unknown %d inactive %d", cnt.Unknown.Load(), cnt.Inactive.Load())
		}
		if n := f.count(`SELECT dropped FROM cameras WHERE id = ?`, off.ID); n != 1 {
			t.Errorf("dropped on the inactive camera: %d", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM camera_events`); n != 0 {
			t.Fatalf("dropped events stored: %d", n)
		}

		at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
		f.must(f.svc.Event(f.ctx, event("south_gate", "e1", feed.KindNew, at(0), at(0), "gate")))
		f.must(f.svc.Event(f.ctx, event("south_gate", "e1", feed.KindUpdate, at(0), at(59), "gate")))
		if n := f.count(`SELECT COUNT(*) FROM camera_alerts`); n != 0 {
			t.Fatalf("alert at 59 s: %d", n)
		}
		f.must(f.svc.Event(f.ctx, event("south_gate", "e1", feed.KindUpdate, at(0), at(60), "gate")))
		f.must(f.svc.Event(f.ctx, event("south_gate", "e1", feed.KindUpdate, at(0), at(60), "gate"))) // again
		f.must(f.svc.Event(f.ctx, event("south_gate", "e1", feed.KindUpdate, at(0), at(30), "gate"))) // late
		if cnt.Duplicate.Load() != 1 || cnt.OutOfOrder.Load() != 1 || cnt.Accepted.Load() != 3 {
			t.Errorf("duplicate %d out of order %d accepted %d", cnt.Duplicate.Load(), cnt.OutOfOrder.Load(), cnt.Accepted.Load())
		}
		if n := f.count(`SELECT COUNT(*) FROM camera_events`); n != 1 {
			t.Errorf("rows for one event: %d", n)
		}
		// Stored at most every 30 s: the update at 59 s, not the one at 60 s.
		if got, err := f.svc.Camera(f.ctx, staff, c.ID); err != nil || !got.LastHeartbeat.Equal(at(59)) {
			t.Errorf("an event is a sign of life: last heartbeat %v (%v)", got.LastHeartbeat, err)
		}
		if n := f.count(`SELECT at FROM camera_events WHERE event_id = 'e1'`); int64(n) != storage.Millis(at(60)) {
			t.Errorf("the late update was applied: at %d", n)
		}
		alerts, err := f.svc.Alerts(f.ctx, f.a("guard"), cameras.AlertFilter{})
		f.must(err)
		if len(alerts) != 1 || alerts[0].RuleKind != cameras.Loiter || alerts[0].State != cameras.Open || !alerts[0].At.Equal(at(60)) ||
			alerts[0].Zone != "gate" || alerts[0].Camera != c.Name {
			t.Fatalf("alerts %+v", alerts)
		}
		if cnt.Alerts.Load() != 1 {
			t.Errorf("alerts counted %d", cnt.Alerts.Load())
		}

		// A shorter rule applies to the next event, without a restart.
		rules, err := f.svc.Rules(f.ctx, staff, c.ID)
		f.must(err)
		r := rules[0]
		r.Seconds = 10
		_, err = f.svc.SaveRule(f.ctx, staff, c.ID, r)
		f.must(err)
		f.must(f.svc.Event(f.ctx, event("south_gate", "e2", feed.KindNew, at(100), at(100), "gate")))
		f.must(f.svc.Event(f.ctx, event("south_gate", "e2", feed.KindUpdate, at(100), at(110), "gate")))
		if n := f.count(`SELECT COUNT(*) FROM camera_alerts`); n != 2 {
			t.Fatalf("after the rule change: %d alerts", n)
		}

		// Switched off: the next events are dropped.
		_, err = f.svc.SetState(f.ctx, staff, c.ID, cameras.Inactive)
		f.must(err)
		f.must(f.svc.Event(f.ctx, event("south_gate", "e3", feed.KindNew, at(200), at(200), "gate")))
		if cnt.Inactive.Load() != 2 {
			t.Errorf("inactive %d", cnt.Inactive.Load())
		}

		// A malformed event names its field.
		bad := event("south_gate", "", "appear", t0, time.Time{})
		bad.Score = 2
		fs := fields(f.svc.Event(f.ctx, bad))
		for _, want := range []string{"event_id", "kind", "at", "score"} {
			if !fs[want] {
				t.Errorf("%s not named: %v", want, fs)
			}
		}
	})
}

// A batch is one transaction; a bad event in it refuses all, by index.
func TestIngestBatch(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.activeCamera("XY-01", "south_gate", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
		es := []feed.Event{event("south_gate", "a", feed.KindNew, t0, t0, "gate"), event("south_gate", "b", feed.KindNew, t0, t0, "gate")}
		bad := append(es, event("south_gate", "", feed.KindNew, t0, t0))
		if fs := fields(f.svc.Events(f.ctx, bad)); !fs["[2].event_id"] {
			t.Fatalf("fields %v", fs)
		}
		if n := f.count(`SELECT COUNT(*) FROM camera_events`); n != 0 {
			t.Fatalf("a refused batch stored %d", n)
		}
		f.must(f.svc.Events(f.ctx, es))
		if n := f.count(`SELECT COUNT(*) FROM camera_alerts WHERE rule_kind = 'night_entry'`); n != 2 {
			t.Fatalf("night entries %d", n)
		}
	})
}

// Concurrent events are gathered into shared transactions: every one is
// stored once and answered; after Stop an event is refused, not left
// hanging.
func TestEventsGathered(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.activeCamera("XY-01", "south_gate", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
		const n = 200
		errs := make(chan error, n)
		for i := range n {
			go func() {
				at := t0.Add(time.Duration(i) * time.Second)
				errs <- f.svc.Event(f.ctx, event("south_gate", fmt.Sprint("c", i), feed.KindNew, at, at, "gate"))
			}()
		}
		for range n {
			f.must(<-errs)
		}
		if got := f.count(`SELECT COUNT(*) FROM camera_events`); got != n {
			t.Fatalf("stored %d of %d", got, n)
		}
		if got := f.count(`SELECT COUNT(*) FROM camera_alerts`); got != n {
			t.Fatalf("alerts %d of %d", got, n)
		}
		f.svc.Stop()
		if err := f.svc.Event(f.ctx, event("south_gate", "late", feed.KindNew, t0, t0, "gate")); err == nil {
			t.Fatal("an event after Stop was accepted")
		}
	})
}

// Queue takes events without waiting for them to be stored, writes them in
// the order queued (an object's new, update and end, queued back to back,
// leave the row at its end and raise the night-entry alert once), and
// answers each through done after its commit; a malformed event is
// refused at once, and after Stop nothing is queued.
func TestQueueKeepsOrderAndAnswersAfterCommit(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.activeCamera("XY-01", "south_gate", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
		const objects = 50
		answers := make(chan error, 3*objects)
		var stored atomic.Int64
		for i := range objects {
			id := fmt.Sprint("q", i)
			at := t0.Add(time.Duration(i) * time.Minute)
			for j, e := range []feed.Event{event("south_gate", id, feed.KindNew, at, at),
				event("south_gate", id, feed.KindUpdate, at, at.Add(time.Second), "gate"),
				event("south_gate", id, feed.KindEnd, at, at.Add(5*time.Second))} {
				if j == 2 {
					e.End = e.At
				}
				f.must(f.svc.Queue(f.ctx, e, func(err error) {
					if err == nil && f.count(`SELECT COUNT(*) FROM camera_events WHERE event_id = ?`, e.EventID) == 1 {
						stored.Add(1)
					}
					answers <- err
				}))
			}
		}
		for range 3 * objects {
			f.must(<-answers)
		}
		if n := stored.Load(); n != 3*objects {
			t.Errorf("%d of %d answers came before their row was committed", 3*objects-n, 3*objects)
		}
		if got := f.count(`SELECT COUNT(*) FROM camera_events WHERE kind = 'end'`); got != objects {
			t.Errorf("%d of %d rows end with their end message", got, objects)
		}
		if got := f.count(`SELECT COUNT(*) FROM camera_alerts`); got != objects {
			t.Errorf("alerts %d, want one per object (%d)", got, objects)
		}
		if err := f.svc.Queue(f.ctx, feed.Event{Source: feed.SourceFrigate}, func(error) { t.Error("done called for a refused event") }); err == nil {
			t.Error("a malformed event was queued")
		}
		f.svc.Stop()
		if err := f.svc.Queue(f.ctx, event("south_gate", "late", feed.KindNew, t0, t0), func(error) {}); err == nil {
			t.Error("an event was queued after Stop")
		}
	})
}
