package notices_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"linli/notices"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

func (f *fixture) server() *webtest.Server {
	srv := webtest.New(f.t, notices.Pages())
	f.svc.Routes(srv.Router, srv.Renderer)
	return srv
}

func (f *fixture) jsonNotice() map[string]any {
	now := f.w.Clock.Now()
	return map[string]any{"title": "大风蓝色预警", "body": "今夜有6级大风。\n请固定好楼顶的太阳能热水器。", "urgency": "warning",
		"valid_from": now.Format(time.RFC3339), "valid_until": now.Add(12 * time.Hour).Format(time.RFC3339), "ack_required": true,
		"node_ids": []int64{f.unit3().ID}, "kinds": []string{"households"}}
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for key, val := range m {
		out[key] = val
	}
	out[k] = v
	return out
}

// Bad input is a 422 problem naming the field, and nothing is stored.
func TestAPIRefusals(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	staff := srv.As(t, f.a("xueyuan"))
	jx := f.node("运城市", "盐湖区", "东城街道", "吉祥社区")
	now := f.w.Clock.Now()
	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"empty target", with(f.jsonNotice(), "node_ids", []int64{}), "node_ids"},
		{"bad urgency", with(f.jsonNotice(), "urgency", "urgent"), "urgency"},
		{"window ends before it starts", with(f.jsonNotice(), "valid_until", now.Add(-time.Hour).Format(time.RFC3339)), "valid_until"},
		{"a node outside scope", with(f.jsonNotice(), "node_ids", []int64{jx.ID}), "node_ids[0]"},
		{"no such node", with(f.jsonNotice(), "node_ids", []int64{987654321}), "node_ids[0]"},
	} {
		res := staff.JSON("POST", "/api/notices", c.body)
		p := res.Problem(t)
		found := false
		for _, e := range p.Errors {
			found = found || e.Field == c.field
		}
		if res.Status != http.StatusUnprocessableEntity || !found {
			t.Errorf("%s: %d %+v", c.name, res.Status, p.Errors)
		}
	}
	if n := f.count(`SELECT COUNT(*) FROM notices`); n != 0 {
		t.Fatalf("%d notices stored", n)
	}
	if res := srv.As(t, f.a("grid1")).JSON("POST", "/api/notices", f.jsonNotice()); res.Status != http.StatusForbidden {
		t.Errorf("grid worker publishing: %d", res.Status)
	}
	// The form shows the error beside the field.
	form := url.Values{"title": {"通知"}, "body": {"正文"}, "urgency": {"ordinary"}, "kinds": {"households"}}
	res := staff.PostForm("/notices", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.String(), `data-test="err-node_ids"`) {
		t.Errorf("form without places: %d", res.Status)
	}
}

// The API through a notice's life: created, read and acknowledged by a
// resident, followed up by the grid worker; a resident of another
// community and an anonymous reader get 404.
func TestAPIFlow(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	res := srv.As(t, f.a("xueyuan")).JSON("POST", "/api/notices", f.jsonNotice())
	var d notices.Detail
	res.Decode(t, &d)
	if res.Status != http.StatusCreated || d.State != notices.Published {
		t.Fatalf("create: %d %s", res.Status, res)
	}
	path := fmt.Sprintf("/api/notices/%d", d.ID)
	for name, c := range map[string]*webtest.Client{"jxresident": srv.As(t, f.a("jxresident")), "anonymous": srv.Anon(t)} {
		if res := c.Get(path); res.Status != http.StatusNotFound {
			t.Errorf("%s: %d", name, res.Status)
		}
		if res := c.Get(fmt.Sprintf("/notices/%d/poster", d.ID)); res.Status != http.StatusNotFound {
			t.Errorf("%s poster: %d", name, res.Status)
		}
	}
	if res := srv.As(t, f.a("jxresident")).Get(fmt.Sprintf("/notices/%d", d.ID)); res.Status != http.StatusNotFound {
		t.Errorf("another community's resident opens the page: %d", res.Status)
	}
	resident := srv.As(t, f.a("resident"))
	page := resident.Get(fmt.Sprintf("/notices/%d", d.ID))
	if page.Status != 200 || !strings.Contains(page.String(), `data-test="ack"`) || !strings.Contains(page.String(), "今夜有6级大风。<br>请固定好") {
		t.Fatalf("resident's page: %d %.400s", page.Status, page)
	}
	if res := resident.JSON("POST", path+"/ack", nil); res.Status != 200 {
		t.Fatalf("ack: %d %s", res.Status, res)
	}
	grid := srv.As(t, f.a("grid1"))
	var un struct{ Buildings []notices.Group }
	grid.Get(path+"/unreached").Decode(t, &un)
	if len(un.Buildings) != 1 || un.Buildings[0].Reached != 1 {
		t.Fatalf("unreached %+v", un)
	}
	rid := un.Buildings[0].Rows[0].ID
	if res := grid.JSON("POST", fmt.Sprintf("%s/recipients/%d/calls", path, rid), map[string]string{"outcome": "maybe"}); res.Status != 422 {
		t.Errorf("bad outcome: %d", res.Status)
	}
	if res := grid.JSON("POST", fmt.Sprintf("%s/recipients/%d/calls", path, rid), map[string]string{"outcome": "reached", "note": "已告知"}); res.Status != 201 {
		t.Errorf("call: %d %s", res.Status, res)
	}
	var rl notices.RecipientList
	grid.Get(path+"/recipients").Decode(t, &rl)
	if rl.Reach.Reached != 2 || rl.Reach.Called != 1 {
		t.Errorf("reach %+v", rl.Reach)
	}
	if res := resident.Get(path + "/recipients"); res.Status != 404 {
		t.Errorf("resident reads the recipients: %d", res.Status)
	}
	// A call logged offline and sent twice is one call: 201, then 200.
	callPath := fmt.Sprintf("%s/recipients/%d/calls", path, un.Buildings[0].Rows[1].ID)
	key := map[string]string{"outcome": "no_answer", "idempotency_key": "k-123"}
	if a, b := grid.JSON("POST", callPath, key).Status, grid.JSON("POST", callPath, key).Status; a != 201 || b != 200 {
		t.Errorf("replayed call: %d then %d", a, b)
	}
	if n := f.count(`SELECT COUNT(*) FROM notice_calls WHERE idempotency_key = 'k-123'`); n != 1 {
		t.Errorf("%d calls for one key", n)
	}
	// The page's form, as the offline queue posts it: multipart, 303 then 200.
	rid2 := un.Buildings[0].Rows[2].ID
	post := func() int {
		var b strings.Builder
		mw := multipart.NewWriter(&b)
		_ = mw.WriteField(fmt.Sprintf("call%d_outcome", rid2), "wrong_number")
		_ = mw.WriteField("idempotency_key", "offline-7")
		_ = mw.Close()
		return grid.Do("POST", fmt.Sprintf("/notices/%d/recipients/%d/calls", d.ID, rid2), strings.NewReader(b.String()),
			http.Header{"Content-Type": {mw.FormDataContentType()}}).Status
	}
	if a, b := post(), post(); a != http.StatusSeeOther || b != http.StatusOK {
		t.Errorf("form replay: %d then %d", a, b)
	}
	if n := f.count(`SELECT COUNT(*) FROM notice_calls WHERE recipient_id = ?`, rid2); n != 1 {
		t.Errorf("%d calls from the replayed form", n)
	}
	// The page's form shows a bad outcome beside the field, its fold open.
	bad := grid.PostForm(fmt.Sprintf("/notices/%d/recipients/%d/calls", d.ID, rid2), url.Values{fmt.Sprintf("call%d_outcome", rid2): {"maybe"}})
	if bad.Status != 422 || !strings.Contains(bad.String(), `data-test="err-outcome"`) || !strings.Contains(bad.String(), `<details class="action-form" open>`) {
		t.Errorf("bad outcome on the page: %d", bad.Status)
	}
	// The recipients page: a bar per building and a call form per row.
	p := grid.Get(fmt.Sprintf("/notices/%d/recipients", d.ID)).String()
	for _, want := range []string{`data-test="bar"`, `class="nt-bar-fill" width="16"`, "已触达 2/12", `data-test="call-form"`, "荟萃花园南区1号楼"} {
		if !strings.Contains(p, want) {
			t.Errorf("recipients page lacks %s", want)
		}
	}
}

// The poster of a public notice carries a QR code of its public page,
// which anyone may open; the text is escaped, never markup.
func TestPosterAndPublicPage(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	body := with(f.jsonNotice(), "public", true)
	body["body"] = "请勿上楼顶。\n\n<script>alert(1)</script>"
	var d notices.Detail
	srv.As(t, f.a("xueyuan")).JSON("POST", "/api/notices", body).Decode(t, &d)
	poster := srv.As(t, f.a("xueyuan")).Get(fmt.Sprintf("/notices/%d/poster", d.ID))
	ps := poster.String()
	if poster.Status != 200 || !strings.Contains(ps, `data-test="qr"`) || !strings.Contains(ps, `<path fill="#000" d="M4 4h7v1h-7z`) ||
		!strings.Contains(ps, `/static/notice-poster.css`) || strings.Contains(ps, "<script>alert") || !strings.Contains(ps, "&lt;script&gt;") {
		t.Fatalf("poster: %d %.600s", poster.Status, ps)
	}
	pub := srv.Anon(t).Get(fmt.Sprintf("/n/%d", d.ID))
	if pub.Status != 200 || !strings.Contains(pub.String(), "请勿上楼顶。") || strings.Contains(pub.String(), "<script>alert") {
		t.Errorf("public page: %d", pub.Status)
	}
	if res := srv.Anon(t).Get(fmt.Sprintf("/api/notices/%d", d.ID)); res.Status != 200 {
		t.Errorf("public notice over the API: %d", res.Status)
	}
	// A private notice has no public page and its poster no QR code.
	var priv notices.Detail
	srv.As(t, f.a("xueyuan")).JSON("POST", "/api/notices", f.jsonNotice()).Decode(t, &priv)
	if res := srv.Anon(t).Get(fmt.Sprintf("/n/%d", priv.ID)); res.Status != 404 {
		t.Errorf("private public page: %d", res.Status)
	}
	if ps := srv.As(t, f.a("xueyuan")).Get(fmt.Sprintf("/notices/%d/poster", priv.ID)).String(); strings.Contains(ps, `data-test="qr"`) {
		t.Error("a private notice's poster has a QR code")
	}
}

// Every page renders in English without Chinese that is not data.
func TestPagesInEnglish(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	var d notices.Detail
	srv.As(t, f.a("xueyuan")).JSON("POST", "/api/notices", with(f.jsonNotice(), "public", true)).Decode(t, &d)
	for _, c := range []struct{ who, path string }{
		{"xueyuan", "/notices"}, {"xueyuan", "/notices/new"}, {"xueyuan", fmt.Sprintf("/notices/%d", d.ID)},
		{"grid1", fmt.Sprintf("/notices/%d/recipients", d.ID)}, {"xueyuan", fmt.Sprintf("/notices/%d/poster", d.ID)},
		{"resident", "/notices"}, {"resident", fmt.Sprintf("/notices/%d", d.ID)}, {"", fmt.Sprintf("/n/%d", d.ID)},
	} {
		c1 := srv.Anon(t)
		if c.who != "" {
			c1 = srv.As(t, f.a(c.who))
		}
		if res := c1.English().Get(c.path); res.Status != 200 {
			t.Errorf("%s %s: %d", c.who, c.path, res.Status)
		}
	}
	if miss := srv.Untranslated(); len(miss) > 0 {
		t.Errorf("untranslated: %q", miss)
	}
}

// The form: places from the list and the cascade, kinds, a photo; the
// notice page then shows the photo, which its readers may open.
func TestFormWithPhoto(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	srv := f.server()
	var img bytes.Buffer
	m := image.NewRGBA(image.Rect(0, 0, 40, 30))
	m.Set(1, 1, color.RGBA{200, 0, 0, 255})
	if err := png.Encode(&img, m); err != nil {
		t.Fatal(err)
	}
	form := func(path string) *webtest.Response {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range map[string]string{"title": "停水通知", "body": "明日9:00–12:00停水。", "urgency": "important", "kinds": "households"} {
			_ = mw.WriteField(k, v)
		}
		_ = mw.WriteField("node_ids", fmt.Sprint(f.unit3().ID))
		_ = mw.WriteField("node_ids", "") // the cascade left unchosen
		fw, _ := mw.CreateFormFile("files", "map.png")
		_, _ = fw.Write(img.Bytes())
		_ = mw.Close()
		return srv.As(t, f.a("xueyuan")).Do("POST", path, &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
	}
	// The API takes the same form.
	var d notices.Detail
	if res := form("/api/notices"); res.Status != http.StatusCreated {
		t.Fatalf("API form: %d %s", res.Status, res)
	} else if res.Decode(t, &d); len(d.Files) != 1 || d.Files[0].ContentType != "image/png" {
		t.Errorf("API form's files %+v", d.Files)
	}
	res := form("/notices")
	if res.Status != http.StatusSeeOther {
		t.Fatalf("form: %d %.300s", res.Status, res)
	}
	loc := res.Header.Get("Location")
	page := srv.As(t, f.a("resident")).Get(strings.SplitN(loc, "?", 2)[0]).String()
	i := strings.Index(page, `<img src="/api/notices/`)
	if i < 0 {
		t.Fatalf("no photo on %s", loc)
	}
	src := page[i+len(`<img src="`):]
	src = src[:strings.Index(src, `"`)]
	if res := srv.As(t, f.a("resident")).Get(strings.ReplaceAll(src, "&amp;", "&")); res.Status != 200 {
		t.Errorf("resident opens the photo: %d", res.Status)
	}
	if res := srv.As(t, f.a("jxresident")).Get(strings.ReplaceAll(src, "&amp;", "&")); res.Status != 404 {
		t.Errorf("another community's resident opens the photo: %d", res.Status)
	}
}
