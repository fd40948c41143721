package cameras_test

import (
	"bytes"
	"mime/multipart"
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
	// The privacy form with the two photos, as the browser sends it.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"purpose": "出入口安全", "consultation": "meeting:1", "no_private_view": "1",
		"masks": "[[[0,0],[0.1,0],[0.1,0.1]]]", "signage_text": "视频监控区域", "reviewer": "韩素芬", "reviewed_on": "2026-11-20"} {
		_ = mw.WriteField(k, v)
	}
	for _, field := range []string{"view_photo", "signage_photo"} {
		fw, _ := mw.CreateFormFile(field, field+".png")
		_, _ = fw.Write(pngBytes(t))
	}
	mw.Close()
	r = staff.Do("POST", loc+"/privacy", &body, http.Header{"Content-Type": {mw.FormDataContentType()}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("privacy: %d %s", r.Status, r)
	}
	if n := f.count(`SELECT COUNT(*) FROM attachments WHERE owner = 'camera'`); n != 2 {
		t.Fatalf("photos stored: %d", n)
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
	// The analytics' object class is named for people: 人员 / Person, not "person".
	if b := guard.Get(alert).String(); !strings.Contains(b, "<dd>人员") {
		t.Error("the alert page names the object class as the box sent it, not 人员")
	}
	if b := guard.English().Get("/cameras/board").String(); !strings.Contains(b, "Person") || strings.Contains(b, " · person") {
		t.Error("the English board does not name the object class Person")
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
