package cameras_test

import (
	"net/http"
	"strings"
	"testing"

	"linli"
	"linli/cameras"
	"linli/storage"
	"linli/storage/storagetest"
)

// A camera that never produced an event or alert is deleted with its
// zones, rules, privacy record, photos and links; one that did is refused
// (409) and retired instead: its events deleted and counted, its alerts
// kept but off the board, later events dropped and counted, never switched
// on again, its source's name free for its replacement. Only its staff
// may do either; each is audited.
func TestDeleteOrRetire(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		staff := f.a("xueyuan")
		srv := f.server()
		api := srv.As(t, staff)

		// Never used: deleted.
		d, err := f.svc.CreateCamera(f.ctx, staff, f.input("XY-09", "spare_gate"))
		f.must(err)
		_, err = f.svc.SavePrivacy(f.ctx, staff, d.ID, f.completePrivacy(d.ID))
		f.must(err)
		_, err = f.svc.SaveRule(f.ctx, staff, d.ID, cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", Enabled: true})
		f.must(err)
		page := api.Get("/cameras/" + itoa(d.ID)).String()
		if !strings.Contains(page, `data-test="delete"`) || strings.Contains(page, `data-test="retire"`) {
			t.Error("an unused camera is not offered deletion (only)")
		}
		audits := f.count(`SELECT COUNT(*) FROM audit_log`)
		for _, u := range []string{"guard", "jixiang", "grid1"} {
			if r := srv.As(t, f.a(u)).JSON("DELETE", "/api/cameras/"+itoa(d.ID), nil); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
				t.Errorf("%s deleted: %d", u, r.Status)
			}
			if r := srv.As(t, f.a(u)).PostForm("/cameras/"+itoa(d.ID)+"/retire", nil); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
				t.Errorf("%s retired: %d", u, r.Status)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log`); n != audits {
			t.Errorf("refusals wrote %d audit rows", n-audits)
		}
		if r := api.PostForm("/cameras/"+itoa(d.ID)+"/delete", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d %s", r.Status, r)
		}
		for _, q := range []string{`SELECT COUNT(*) FROM cameras WHERE id = ?`, `SELECT COUNT(*) FROM camera_zones WHERE camera_id = ?`,
			`SELECT COUNT(*) FROM camera_rules WHERE camera_id = ?`, `SELECT COUNT(*) FROM camera_privacy WHERE camera_id = ?`,
			`SELECT COUNT(*) FROM attachments WHERE owner = 'camera' AND owner_id = ?`, `SELECT COUNT(*) FROM links WHERE to_kind = 'camera' AND to_id = ?`} {
			if n := f.count(q, d.ID); n != 0 {
				t.Errorf("%s: %d left", q, n)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'camera.delete' AND entity_id = ?`, d.ID); n != 1 {
			t.Errorf("deletion audited %d times", n)
		}

		// Used: deletion refused, retired.
		c := f.activeCamera("XY-01", "south_gate", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
		f.must(f.svc.Event(f.ctx, event("south_gate", "e1", "new", t0, t0, "gate")))
		f.must(f.svc.Event(f.ctx, event("south_gate", "e2", "new", t0, t0, "gate")))
		alerts := f.count(`SELECT COUNT(*) FROM camera_alerts WHERE camera_id = ?`, c.ID)
		if alerts == 0 {
			t.Fatal("no alert raised")
		}
		guard := srv.As(t, f.a("guard"))
		if !strings.Contains(guard.Get("/cameras/board").String(), `data-test="tile"`) {
			t.Fatal("the alert is not on the board")
		}
		audits = f.count(`SELECT COUNT(*) FROM audit_log`)
		r := api.JSON("DELETE", "/api/cameras/"+itoa(c.ID), nil)
		if r.Status != http.StatusConflict || r.Problem(t).Code != string(linli.EConflict) {
			t.Fatalf("deleting a used camera: %d %s", r.Status, r)
		}
		if f.count(`SELECT COUNT(*) FROM cameras WHERE id = ?`, c.ID) != 1 || f.count(`SELECT COUNT(*) FROM audit_log`) != audits {
			t.Fatal("a refused deletion changed something")
		}
		page = api.Get("/cameras/" + itoa(c.ID)).String()
		if !strings.Contains(page, `data-test="retire"`) || strings.Contains(page, `data-test="delete"`) {
			t.Error("a used camera is not offered retirement (only)")
		}
		var ret cameras.Retirement
		r = api.JSON("POST", "/api/cameras/retire/"+itoa(c.ID), nil)
		if r.Status != http.StatusOK {
			t.Fatalf("retire: %d %s", r.Status, r)
		}
		r.Decode(t, &ret)
		if ret.Camera.State != cameras.Retired || ret.EventsDropped != 2 || ret.AlertsKept != alerts {
			t.Errorf("retirement %+v (alerts %d)", ret, alerts)
		}
		if n := f.count(`SELECT COUNT(*) FROM camera_events WHERE camera_id = ?`, c.ID); n != 0 {
			t.Errorf("%d events left", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM camera_alerts WHERE camera_id = ?`, c.ID); n != alerts {
			t.Errorf("alerts %d, want %d kept", n, alerts)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'camera.retire' AND entity_id = ? AND summary LIKE '%2%'`, c.ID); n != 1 {
			t.Errorf("retirement audited %d times (with the count)", n)
		}
		if strings.Contains(guard.Get("/cameras/board").String(), `data-test="tile"`) {
			t.Error("a retired camera's alert is on the board")
		}
		if r := guard.Get("/cameras/alerts?camera=" + itoa(c.ID)); !strings.Contains(r.String(), "/cameras/alerts/") {
			t.Error("a retired camera's alerts are not kept in the list")
		}
		if r := api.JSON("POST", "/api/cameras/retire/"+itoa(c.ID), nil); r.Status != http.StatusConflict {
			t.Errorf("retired twice: %d", r.Status)
		}
		if _, err := f.svc.SetState(f.ctx, staff, c.ID, cameras.Active); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("a retired camera switched on: %v", err)
		}
		page = api.Get("/cameras/" + itoa(c.ID)).String()
		if !strings.Contains(page, `data-test="retired"`) || strings.Contains(page, `data-test="activate"`) || strings.Contains(page, `data-test="decommission"`) {
			t.Error("the retired camera's page offers actions or does not say it is retired")
		}
		// Later events are dropped and counted.
		cnt := f.svc.SourceCounts("frigate")
		before := cnt.Inactive.Load()
		f.must(f.svc.Event(f.ctx, event("south_gate", "e3", "new", t0, t0, "gate")))
		if cnt.Inactive.Load() != before+1 || f.count(`SELECT COUNT(*) FROM camera_alerts WHERE camera_id = ?`, c.ID) != alerts {
			t.Error("an event of a retired camera was not dropped and counted")
		}
		// Its replacement takes the source's name.
		nc := f.activeCamera("XY-01B", "south_gate", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
		f.must(f.svc.Event(f.ctx, event("south_gate", "e4", "new", t0, t0, "gate")))
		if n := f.count(`SELECT COUNT(*) FROM camera_alerts WHERE camera_id = ?`, nc.ID); n != 1 {
			t.Errorf("the replacement's alerts: %d", n)
		}
		for _, path := range []string{"/cameras/" + itoa(c.ID), "/cameras/" + itoa(nc.ID), "/cameras"} {
			if r := api.English().Get(path); r.Status != http.StatusOK {
				t.Errorf("%s: %d", path, r.Status)
			}
		}
		if u := srv.Untranslated(); len(u) > 0 {
			t.Errorf("untranslated: %q", u)
		}
	})
}
