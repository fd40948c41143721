package cameras_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"linli/cameras"
	"linli/cameras/feed"
	"linli/storage"
	"linli/storage/storagetest"
)

// The sources page: staff of the place add an HTTP source (its token is
// shown once, on the answer), see when it was last used and revoke it
// (audited; the token is refused from then on); a GB/T 28181 device's
// password is never shown; guards and another community's staff neither
// see nor revoke them; both languages.
func TestSourcesPage(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		in := f.input("XY-01", "gate-1")
		in.Source = feed.SourceHTTP
		f.activeCameraFrom(in)
		srv := f.server()
		staff := srv.As(t, f.a("xueyuan"))
		if r := staff.Get("/cameras"); !strings.Contains(r.String(), `href="/cameras/sources"`) {
			t.Error("the cameras page does not link the sources page")
		}
		if r := srv.As(t, f.a("guard")).Get("/cameras"); strings.Contains(r.String(), `href="/cameras/sources"`) {
			t.Error("the guard is offered the sources page")
		}
		// The place choices are estates, buildings and units, not the
		// community or its grids.
		community, err := f.w.Registry.FindNode(f.ctx, []string{"运城市", "盐湖区", "东城街道", "学苑社区"})
		f.must(err)
		for _, path := range []string{"/cameras/sources", "/cameras"} {
			page := staff.Get(path).String()
			if !strings.Contains(page, `<option value="`+itoa(f.estate.ID)+`"`) || strings.Contains(page, `<option value="`+itoa(community.ID)+`"`) {
				t.Errorf("%s: the places offered are not the estates and entrances", path)
			}
		}
		r := staff.PostForm("/cameras/sources", url.Values{"kind": {"http"}, "name": {"门岗分析盒"}, "node_id": {itoa(f.estate.ID)}})
		if r.Status != http.StatusOK {
			t.Fatalf("create: %d %s", r.Status, r)
		}
		m := regexp.MustCompile(`value="(cam_[0-9a-f]{48})"`).FindStringSubmatch(r.String())
		if m == nil || !strings.Contains(r.String(), `data-test="new-token"`) {
			t.Fatalf("token not shown: %s", r)
		}
		token := m[1]
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Error("the page with the token may be cached")
		}
		if strings.Contains(staff.Get("/cameras/sources").String(), token) {
			t.Error("the token is shown again")
		}
		r = staff.PostForm("/cameras/sources", url.Values{"kind": {"gb28181"}, "name": {"北门国标设备"}, "node_id": {itoa(f.estate.ID)},
			"device_code": {"34020000001320000001"}, "secret": {"s3cret-pass"}})
		if r.Status != http.StatusOK || strings.Contains(r.String(), "s3cret-pass") {
			t.Fatalf("gb28181: %d (or the password shown)", r.Status)
		}
		if r := staff.PostForm("/cameras/sources", url.Values{"kind": {"gb28181"}, "name": {"x"}, "node_id": {itoa(f.estate.ID)}, "device_code": {"12"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), `data-test="err-device_code"`) {
			t.Errorf("bad device id: %d", r.Status)
		}
		// The token works, and its use shows.
		box := srv.Bearer(t, token)
		post := func() int {
			return box.Do("POST", "/api/cameras/ingest", strings.NewReader(`{"event_id":"s1","camera":"gate-1","kind":"new","label":"person","at":"2026-12-06T15:00:01Z"}`),
				http.Header{"Content-Type": {"application/json"}}).Status
		}
		if s := post(); s != http.StatusAccepted {
			t.Fatalf("ingest: %d", s)
		}
		var list struct{ Sources []cameras.IngestSource }
		staff.Get("/api/cameras/sources").Decode(t, &list)
		if len(list.Sources) != 2 {
			t.Fatalf("sources %+v", list.Sources)
		}
		var httpID int64
		for _, s := range list.Sources {
			if s.Token != "" {
				t.Errorf("the list gives a token: %+v", s)
			}
			if s.Kind == cameras.SourceKindHTTP {
				httpID = s.ID
				if s.LastUsed.IsZero() || s.Place != f.estate.Name || s.CreatedBy == "" {
					t.Errorf("http source %+v", s)
				}
			}
		}
		if strings.Contains(staff.Get("/api/cameras/sources").String(), "s3cret") {
			t.Error("the device password is in the list")
		}
		// Others: the guard is refused, another community's staff see
		// none and cannot revoke.
		if r := srv.As(t, f.a("guard")).Get("/cameras/sources"); r.Status != http.StatusForbidden {
			t.Errorf("guard: %d", r.Status)
		}
		jx := srv.As(t, f.a("jixiang"))
		if r := jx.Get("/cameras/sources"); r.Status != http.StatusOK || strings.Contains(r.String(), `data-test="source"`) {
			t.Errorf("jixiang: %d, sees 学苑's sources: %v", r.Status, strings.Contains(r.String(), `data-test="source"`))
		}
		audits := f.count(`SELECT COUNT(*) FROM audit_log`)
		if r := jx.PostForm("/cameras/sources/"+itoa(httpID)+"/revoke", nil); r.Status != http.StatusNotFound {
			t.Errorf("jixiang revoked: %d", r.Status)
		}
		if r := jx.JSON("DELETE", "/api/cameras/sources/"+itoa(httpID), nil); r.Status != http.StatusNotFound {
			t.Errorf("jixiang revoked over the API: %d", r.Status)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log`); n != audits {
			t.Errorf("refused revocations wrote %d audit rows", n-audits)
		}
		// Revoked: the token is refused, the page says so, audited.
		if r := staff.PostForm("/cameras/sources/"+itoa(httpID)+"/revoke", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", r.Status)
		}
		if s := post(); s != http.StatusUnauthorized {
			t.Errorf("a revoked token: %d", s)
		}
		if !strings.Contains(staff.Get("/cameras/sources").String(), `data-test="revoked"`) {
			t.Error("revocation not shown")
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'camera.source_revoke' AND entity_id = ?`, httpID); n != 1 {
			t.Errorf("revocation audited %d times", n)
		}
		for _, path := range []string{"/cameras/sources", "/cameras"} {
			if r := staff.English().Get(path); r.Status != http.StatusOK {
				t.Errorf("%s in English: %d", path, r.Status)
			}
		}
		if u := srv.Untranslated(); len(u) > 0 {
			t.Errorf("untranslated: %q", u)
		}
	})
}
