package cameras_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"linli"
	"linli/attach"
	"linli/cameras"
	"linli/storage"
	"linli/storage/storagetest"
)

// A privacy record names only photos uploaded for its own camera: another
// camera's photo, another estate's, a case's or an unknown id is refused
// with the field named (service and API), and nothing is stored.
func TestPrivacyPhotosMustBeTheCameras(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		staff := f.a("xueyuan")
		a, err := f.svc.CreateCamera(f.ctx, staff, f.input("XY-01", "south_gate"))
		f.must(err)
		b, err := f.svc.CreateCamera(f.ctx, staff, f.input("XY-02", "north_gate"))
		f.must(err)
		jx := f.jixiangCamera()
		casePhoto := f.casePhoto()
		before := f.count(`SELECT COUNT(*) FROM audit_log`)
		for name, c := range map[string]struct {
			view, sign int64
			want       string
		}{
			"another camera's":  {view: f.photo(b.ID), want: "view_photo_id"},
			"another estate's":  {view: f.photoBy("jixiang", jx), want: "view_photo_id"},
			"a case's":          {sign: casePhoto, want: "signage_photo_id"},
			"an unknown id":     {sign: 999999, want: "signage_photo_id"},
			"another's as sign": {view: f.photo(a.ID), sign: f.photo(b.ID), want: "signage_photo_id"},
		} {
			p := f.completePrivacy(a.ID)
			if c.view != 0 {
				p.ViewPhotoID = c.view
			}
			if c.sign != 0 {
				p.SignagePhotoID = c.sign
			}
			_, err := f.svc.SavePrivacy(f.ctx, staff, a.ID, p)
			if linli.ErrorCode(err) != linli.EInvalid || !fields(err)[c.want] || len(fields(err)) != 1 {
				t.Errorf("%s: %v %v", name, err, linli.ErrorFields(err))
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM camera_privacy WHERE camera_id = ? AND (view_photo_id <> 0 OR signage_photo_id <> 0 OR purpose <> '')`, a.ID); n != 0 {
			t.Errorf("a refused record was stored")
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'camera.privacy'`); n != 0 {
			t.Errorf("refused records audited as saved: %d (of %d)", n, before)
		}
		// The JSON API answers a 422 problem naming the field.
		srv := f.server()
		p := f.completePrivacy(a.ID)
		p.ViewPhotoID = f.photo(b.ID)
		r := srv.As(t, staff).JSON("POST", "/api/cameras/privacy/"+itoa(a.ID), p)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("api: %d %s", r.Status, r)
		}
		if pr := r.Problem(t); len(pr.Errors) != 1 || pr.Errors[0].Field != "view_photo_id" {
			t.Errorf("problem %+v", pr)
		}
		// Its own photos are accepted.
		_, err = f.svc.SavePrivacy(f.ctx, staff, a.ID, f.completePrivacy(a.ID))
		f.must(err)
	})
}

// A camera's photos are uploaded over the API by its staff only, and
// served (thumbnail and full) to whoever may see the camera: the guard of
// its estate, not another estate's staff; a case's file is not served
// through the camera route.
func TestPrivacyPhotosServed(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		staff := f.a("xueyuan")
		c, err := f.svc.CreateCamera(f.ctx, staff, f.input("XY-01", "south_gate"))
		f.must(err)
		srv := f.server()
		body := func() (*bytes.Buffer, string) {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("photo", "view.png")
			_, _ = fw.Write(pngBytes(t))
			mw.Close()
			return &b, mw.FormDataContentType()
		}
		for _, u := range []string{"guard", "jixiang", "grid1"} {
			b, ct := body()
			if r := srv.As(t, f.a(u)).Do("POST", "/api/cameras/photos/"+itoa(c.ID), b, http.Header{"Content-Type": {ct}}); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
				t.Errorf("%s uploaded: %d", u, r.Status)
			}
		}
		b, ct := body()
		r := srv.As(t, staff).Do("POST", "/api/cameras/photos/"+itoa(c.ID), b, http.Header{"Content-Type": {ct}})
		if r.Status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.Status, r)
		}
		var att attach.Attachment
		r.Decode(t, &att)
		if att.Owner != cameras.KindCamera || att.OwnerID != c.ID {
			t.Fatalf("attachment %+v", att)
		}
		for _, path := range []string{"/cameras/photos/" + itoa(att.ID), "/cameras/photos/" + itoa(att.ID) + "?thumb=1"} {
			if r := srv.As(t, f.a("guard")).Get(path); r.Status != http.StatusOK || r.Header.Get("Content-Type") == "" {
				t.Errorf("guard %s: %d", path, r.Status)
			}
			for _, u := range []string{"jixiang", "resident"} {
				if r := srv.As(t, f.a(u)).Get(path); r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
					t.Errorf("%s saw %s: %d", u, path, r.Status)
				}
			}
		}
		casePhoto := f.casePhoto()
		if r := srv.As(t, staff).Get("/cameras/photos/" + itoa(casePhoto)); r.Status != http.StatusNotFound {
			t.Errorf("a case's photo through the camera route: %d", r.Status)
		}
	})
}

// The camera page shows the privacy record to whoever may see the camera:
// the photos as thumbnails linking to the full pictures (through the
// route above), the masks drawn over the view and listed, in both
// languages.
func TestCameraPageShowsPrivacyPhotos(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	c := f.activeCamera("XY-01", "south_gate")
	pv, err := f.svc.Privacy(f.ctx, f.a("guard"), c.ID)
	f.must(err)
	srv := f.server()
	for _, u := range []string{"guard", "xueyuan"} {
		for _, en := range []bool{false, true} {
			cl := srv.As(t, f.a(u))
			if en {
				cl = cl.English()
			}
			page := cl.Get("/cameras/" + itoa(c.ID))
			if page.Status != http.StatusOK {
				t.Fatalf("%s: %d", u, page.Status)
			}
			body := page.String()
			for _, want := range []string{
				`data-test="view-photo"`, `href="/cameras/photos/` + itoa(pv.ViewPhotoID) + `"`, `src="/cameras/photos/` + itoa(pv.ViewPhotoID) + `?thumb=1"`,
				`data-test="signage-photo"`, `src="/cameras/photos/` + itoa(pv.SignagePhotoID) + `?thumb=1"`,
				`<polygon points="0,0 0.2,0 0.2,0.3"/>`, `data-test="masks"`, `(20%, 30%)`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("%s (en %v): no %s", u, en, want)
				}
			}
			if r := cl.Get("/cameras/photos/" + itoa(pv.ViewPhotoID) + "?thumb=1"); r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/jpeg" {
				t.Errorf("%s thumbnail: %d %s", u, r.Status, r.Header.Get("Content-Type"))
			}
		}
	}
	if r := srv.As(t, f.a("jixiang")).Get("/cameras/" + itoa(c.ID)); r.Status != http.StatusNotFound {
		t.Errorf("another community's staff saw the camera: %d", r.Status)
	}
	if u := srv.Untranslated(); len(u) > 0 {
		t.Errorf("untranslated: %q", u)
	}
}

// casePhoto stores a photo as an attachment of case 1 (not a camera's).
func (f *fixture) casePhoto() int64 {
	f.t.Helper()
	var id int64
	f.must(f.db.InTx(f.ctx, func(tx *storage.Tx) error {
		files, err := attach.Check(attach.PhotoLimits(), []attach.Upload{{Name: "case.png", Data: pngBytes(f.t.(*testing.T))}})
		if err != nil {
			return err
		}
		saved, err := attach.Save(f.ctx, tx, "case", 1, 0, f.a("xueyuan").AccountID, files, t0)
		if err == nil {
			id = saved[0].ID
		}
		return err
	}))
	return id
}

// Viewing a privacy photo full size is audited like a snapshot or a
// phone number: one row per view, at the camera's place, naming the file;
// a thumbnail and a refused view write none.
func TestPrivacyPhotoViewsAudited(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	c, err := f.svc.CreateCamera(f.ctx, f.a("xueyuan"), f.input("XY-01", "south_gate"))
	f.must(err)
	photo := f.photo(c.ID)
	srv := f.server()
	views := func() int {
		return f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'camera.photo_view' AND entity = 'camera' AND entity_id = ? AND scope_path = ?`, c.ID, c.Path)
	}
	if r := srv.As(t, f.a("guard")).Get("/cameras/photos/" + itoa(photo) + "?thumb=1"); r.Status != http.StatusOK {
		t.Fatalf("thumbnail: %d", r.Status)
	}
	if n := views(); n != 0 {
		t.Errorf("a thumbnail wrote %d audit rows", n)
	}
	for i := 1; i <= 2; i++ {
		if r := srv.As(t, f.a("guard")).Get("/cameras/photos/" + itoa(photo)); r.Status != http.StatusOK {
			t.Fatalf("view: %d", r.Status)
		}
		if n := views(); n != i {
			t.Errorf("after %d views: %d audit rows", i, n)
		}
	}
	if r := srv.As(t, f.a("jixiang")).Get("/cameras/photos/" + itoa(photo)); r.Status != http.StatusNotFound {
		t.Errorf("another community: %d", r.Status)
	}
	if n := views(); n != 2 {
		t.Errorf("a refused view was audited: %d rows", n)
	}
	if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'camera.photo_view' AND summary LIKE ? AND actor = ?`, "%"+itoa(photo)+"%", "门岗老王"); n != 2 {
		t.Errorf("rows naming the file and the guard: %d", n)
	}
}
