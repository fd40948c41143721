package cameras_test

import (
	"testing"

	"linli/cameras"
	"linli/storage/storagetest"
)

// The guard's home page counts the alerts waiting, linked to the list that
// shows exactly them, and lists the newest.
func TestHomePanelCountsOpenAlerts(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	guard := f.a("guard")
	ps, err := f.svc.HomePanels(f.ctx, guard)
	f.must(err)
	if len(ps) != 1 || ps[0].Counts[0].N != 0 {
		t.Fatalf("a guard with nothing waiting: %+v", ps)
	}
	// Staff who watch cameras get no empty card at the top of their page.
	if ps, err := f.svc.HomePanels(f.ctx, f.a("xueyuan")); err != nil || ps != nil {
		t.Errorf("staff with nothing waiting: %+v %v", ps, err)
	}
	f.activeCamera("XY-01", "south", cameras.Rule{Kind: cameras.NightEntry, Zone: "gate", FromMinute: 22 * 60, ToMinute: 6 * 60, Enabled: true})
	f.must(f.svc.Event(f.ctx, event("south", "p1", "new", t0, t0, "gate")))
	ps, err = f.svc.HomePanels(f.ctx, guard)
	f.must(err)
	open, err := f.svc.Alerts(f.ctx, guard, cameras.AlertFilter{States: []cameras.AlertState{cameras.Open}})
	f.must(err)
	if len(ps) != 1 || len(open) != 1 {
		t.Fatalf("panels %+v, open alerts %d", ps, len(open))
	}
	c := ps[0].Counts[0]
	if c.N != 1 || c.Href != "/cameras/alerts?state=open" || !c.Alert {
		t.Errorf("count %+v", c)
	}
	if it := ps[0].Lists[0].Items; len(it) != 1 || it[0].Href != "/cameras/alerts/"+itoa(open[0].ID) {
		t.Errorf("items %+v", it)
	}
	// Once something waits, staff see it too.
	if ps, err := f.svc.HomePanels(f.ctx, f.a("xueyuan")); err != nil || len(ps) != 1 || ps[0].Counts[0].N != 1 {
		t.Errorf("staff with an alert waiting: %+v %v", ps, err)
	}
	// Someone who watches no camera gets no panel.
	if ps, err := f.svc.HomePanels(f.ctx, f.a("resident")); err != nil || ps != nil {
		t.Errorf("a resident: %+v %v", ps, err)
	}
}
