package cameras_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/cameras"
	"linli/storage/storagetest"
)

// The pages render for staff and guards in both languages, with no
// Chinese left untranslated; the forms add a camera, keep the activation
// refused until the privacy record is complete, and handle an alert.
func TestPages(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	staff, guard := srv.As(t, f.a("xueyuan")), srv.As(t, f.a("guard"))
	r := staff.PostForm("/cameras", url.Values{"code": {"XY-07"}, "name": {"南门"}, "node_id": {itoa(f.estate.ID)}, "source": {"frigate"},
		"source_ref": {"south"}, "zones": {"gate=大门内侧人行道\nroad=门前道路"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.Status, r)
	}
	loc := r.Header.Get("Location")
	r = staff.PostForm(loc+"/state", url.Values{"state": {"active"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("activate: %d", r.Status)
	}
	page := staff.Get(loc)
	if !strings.Contains(page.String(), `data-test="missing"`) || !strings.Contains(page.String(), `data-field="consultation"`) {
		t.Fatalf("missing fields not listed: %s", page)
	}
	r = staff.PostForm(loc+"/privacy", url.Values{"purpose": {"出入口安全"}, "consultation": {"meeting:1"}, "no_private_view": {"1"},
		"view_photo_id": {"3"}, "masks": {"[[[0,0],[0.1,0],[0.1,0.1]]]"}, "signage_photo_id": {"4"}, "signage_text": {"视频监控区域"},
		"reviewer": {"韩素芬"}, "reviewed_on": {"2026-11-20"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("privacy: %d %s", r.Status, r)
	}
	if r := staff.PostForm(loc+"/privacy", url.Values{"masks": {"[[1,2"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), `data-test="err-masks"`) {
		t.Errorf("bad masks: %d", r.Status)
	}
	staff.PostForm(loc+"/state", url.Values{"state": {"active"}})
	if r := staff.PostForm(loc+"/rules", url.Values{"kind": {"night_entry"}, "zone": {"gate"}, "from": {"22:00"}, "to": {"06:00"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rule: %d %s", r.Status, r)
	}
	id := strings.TrimPrefix(loc, "/cameras/")
	var c cameras.Camera
	staff.Get("/api/cameras/"+id).Decode(t, &c)
	if c.State != cameras.Active {
		t.Fatalf("state %s", c.State)
	}
	f.must(f.svc.Event(f.ctx, event("south", "p1", "new", t0, t0, "gate")))
	as, err := f.svc.Alerts(f.ctx, f.a("guard"), cameras.AlertFilter{})
	f.must(err)
	if len(as) != 1 {
		t.Fatalf("alerts %v", as)
	}
	alert := "/cameras/alerts/" + itoa(as[0].ID)
	for _, c := range []struct {
		who  string
		path string
	}{{"staff", "/cameras"}, {"staff", loc}, {"staff", "/cameras/alerts"}, {"guard", "/cameras"}, {"guard", loc}, {"guard", alert}, {"guard", "/cameras/alerts?state=open"}} {
		cl := staff
		if c.who == "guard" {
			cl = guard
		}
		for _, en := range []bool{false, true} {
			x := cl
			if en {
				x = cl.English()
			}
			if r := x.Get(c.path); r.Status != http.StatusOK {
				t.Errorf("%s %s (en %v): %d", c.who, c.path, en, r.Status)
			}
		}
	}
	if strings.Contains(guard.Get(loc).String(), `action="/cameras/`+id+`/privacy"`) {
		t.Error("the guard is offered the privacy form")
	}
	if r := guard.PostForm(alert+"/act", url.Values{"do": {"ack"}, "note": {"已查看"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("ack: %d", r.Status)
	}
	if !strings.Contains(guard.Get(alert).String(), `data-test="ack"`) {
		t.Error("acknowledgement not shown")
	}
	if u := srv.Untranslated(); len(u) > 0 {
		t.Errorf("untranslated: %q", u)
	}
}
