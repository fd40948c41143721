package campaigns_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli/campaigns"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

// form is a multipart form: fields, and files by field.
type form struct {
	fields [][2]string
	files  map[string]int // field → how many PNG photos
}

func (fm form) body(t *testing.T) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fm.fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	for field, n := range fm.files {
		for i := range n {
			w, err := mw.CreateFormFile(field, fmt.Sprintf("p%d.png", i))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(w, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

// post sends the form as the offline queue does (contract 2 of issue 11):
// multipart, the key in the form and the header, asking for JSON first.
func post(t *testing.T, c *webtest.Client, path string, fm form) *webtest.Response {
	t.Helper()
	body, ct := fm.body(t)
	h := http.Header{"Content-Type": {ct}, "Accept": {"application/problem+json, application/json, text/html;q=0.5"}}
	for _, f := range fm.fields {
		if f[0] == "idempotency_key" {
			h.Set("Idempotency-Key", f[1])
		}
	}
	return c.Do("POST", path, body, h)
}

func answers(household int64, key string, kv ...string) [][2]string {
	out := [][2]string{{"target", "household"}, {"household_id", fmt.Sprint(household)}, {"idempotency_key", key}}
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, [2]string{"answers." + kv[i], kv[i+1]})
	}
	return out
}

// TestInspectionFormContract checks the inspection form's answers on the
// page route the offline queue posts to, and on the API: 201 a finding,
// 200 the same one again for a key seen before (one row), 409 a
// conflicting version (stored, the first kept), 422 naming the field for
// each kind of bad input with nothing stored; and 404/403 for those who
// may not record.
func TestInspectionFormContract(t *testing.T) {
	db := storagetest.SQLite(t)
	f := newFixture(t, db)
	c, ts := f.active()
	t1, hs := f.task1(ts)
	srv := webtest.New(t, campaigns.Pages())
	f.svc.Routes(srv.Router, srv.Renderer)
	grid, vol := srv.As(t, f.a("grid1")), srv.As(t, f.a("volunteer"))
	page := fmt.Sprintf("/campaign-tasks/%d/findings", t1.ID)
	api := fmt.Sprintf("/api/campaign-tasks/%d/findings", t1.ID)
	count := func() int {
		return f.count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ?`, c.ID)
	}

	// The pages the worker opens offline carry the mark and the queue's script.
	for _, p := range []string{fmt.Sprintf("/campaign-tasks/%d", t1.ID), fmt.Sprintf("/campaign-tasks/%d/inspect?household=%d", t1.ID, hs[0].ID)} {
		res := grid.Get(p)
		if res.Status != http.StatusOK || !strings.Contains(res.String(), `<meta name="linli-offline" content="1">`) ||
			!strings.Contains(res.String(), `<script src="/static/offline.js" defer></script>`) {
			t.Errorf("%s: %d, offline mark or script missing", p, res.Status)
		}
	}
	insp := grid.Get(fmt.Sprintf("/campaign-tasks/%d/inspect?household=%d", t1.ID, hs[0].ID)).String()
	for _, want := range []string{`data-offline="campaign-finding"`, `name="idempotency_key"`, `enctype="multipart/form-data"`, `name="answers.photo" type="file"`} {
		if !strings.Contains(insp, want) {
			t.Errorf("inspection form lacks %s", want)
		}
	}

	bad := []struct {
		name  string
		form  form
		field string
	}{
		{"a yes/no answered with a number", form{fields: answers(hs[0].ID, "b1", "present", "3"), files: map[string]int{"answers.photo": 1}}, "answers.present"},
		{"a number answered with words", form{fields: answers(hs[0].ID, "b2", "present", "yes", "tilt", "很斜"), files: map[string]int{"answers.photo": 1}}, "answers.tilt"},
		{"a choice not offered", form{fields: answers(hs[0].ID, "b3", "present", "yes", "bracket", "很好"), files: map[string]int{"answers.photo": 1}}, "answers.bracket"},
		{"the required photo missing", form{fields: answers(hs[0].ID, "b4", "present", "yes")}, "answers.photo"},
		{"a household outside the task", form{fields: answers(hs[0].ID+100000, "b5", "present", "yes"), files: map[string]int{"answers.photo": 1}}, "household_id"},
		{"an unknown item", form{fields: answers(hs[0].ID, "b6", "present", "yes", "colour", "red"), files: map[string]int{"answers.photo": 1}}, "answers.colour"},
		{"a photo on a yes/no item", form{fields: answers(hs[0].ID, "b7", "present", "yes"), files: map[string]int{"answers.photo": 1, "answers.leak": 1}}, "answers.leak"},
		{"a latitude that is not a number", form{fields: append(answers(hs[0].ID, "b8", "present", "yes"), [2]string{"lat", "north"}), files: map[string]int{"answers.photo": 1}}, "lat"},
	}
	for _, tc := range bad {
		for _, path := range []string{page, api} {
			res := post(t, grid, path, tc.form)
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s, %s: %d, want 422: %.200s", tc.name, path, res.Status, res.Body)
				continue
			}
			p := res.Problem(t)
			named := false
			for _, e := range p.Errors {
				named = named || e.Field == tc.field
			}
			if !named {
				t.Errorf("%s, %s: errors %+v do not name %s", tc.name, path, p.Errors, tc.field)
			}
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("%d findings stored from bad input", n)
	}
	if n := f.count(`SELECT COUNT(*) FROM attachments WHERE owner = ?`, campaigns.PhotoOwner); n != 0 {
		t.Errorf("%d photos stored from bad input", n)
	}

	// A good finding: 201; the same key again: 200 with the same finding; one row.
	good := form{fields: answers(hs[0].ID, "k-good", "present", "yes", "bracket", "断裂", "tilt", "20", "anchored", "否"), files: map[string]int{"answers.photo": 2}}
	first := post(t, grid, page, good)
	if first.Status != http.StatusCreated {
		t.Fatalf("first: %d %.300s", first.Status, first.Body)
	}
	var r1, r2 campaigns.Recorded
	first.Decode(t, &r1)
	again := post(t, grid, page, good)
	if again.Status != http.StatusOK {
		t.Fatalf("resend: %d %.300s", again.Status, again.Body)
	}
	again.Decode(t, &r2)
	if r2.Finding.ID != r1.Finding.ID || !r2.Replay || !r1.Finding.Hazard || r1.Finding.Severity != campaigns.Major || len(r1.Finding.Photos) != 2 {
		t.Errorf("first %+v, resend %+v", r1, r2)
	}
	if n := count(); n != 1 {
		t.Errorf("%d findings after a resend, want 1", n)
	}
	// The same key through the API: the same finding too.
	if res := post(t, grid, api, good); res.Status != http.StatusOK {
		t.Errorf("resend through the API: %d", res.Status)
	}

	// Another person on the same household: 409, stored as a conflicting
	// version; the first is not overwritten.
	conflict := post(t, vol, page, form{fields: answers(hs[0].ID, "k-vol", "present", "yes", "bracket", "完好"), files: map[string]int{"answers.photo": 1}})
	if conflict.Status != http.StatusConflict {
		t.Fatalf("conflict: %d %.300s", conflict.Status, conflict.Body)
	}
	conflict.Problem(t)
	if n := f.count(`SELECT COUNT(*) FROM campaign_findings WHERE campaign_id = ? AND status = 'conflict'`, c.ID); n != 1 {
		t.Errorf("%d conflicting versions stored, want 1", n)
	}
	var kept campaigns.Finding
	srv.As(t, f.a("xueyuan")).Get(fmt.Sprintf("/api/campaign-findings/%d", r1.Finding.ID)).Decode(t, &kept)
	if kept.Status != campaigns.StatusCurrent || kept.Answers["bracket"] != "断裂" {
		t.Errorf("the first finding after the conflict: %+v", kept)
	}
	taskPage := srv.As(t, f.a("xueyuan")).Get(fmt.Sprintf("/campaign-tasks/%d", t1.ID)).String()
	if !strings.Contains(taskPage, `data-test="conflict"`) {
		t.Error("the task page does not show the conflict")
	}

	// A plain browser form (no script): 303 back to the task.
	body, ct := form{fields: answers(hs[1].ID, "k-plain", "present", "no"), files: map[string]int{"answers.photo": 1}}.body(t)
	plain := grid.Do("POST", page, body, http.Header{"Content-Type": {ct}, "Accept": {"text/html"}})
	if plain.Status != http.StatusSeeOther || plain.Header.Get("Location") != fmt.Sprintf("/campaign-tasks/%d", t1.ID) {
		t.Errorf("plain form: %d to %q", plain.Status, plain.Header.Get("Location"))
	}
	// …and its bad input shows the form again with the error beside the field.
	body, ct = form{fields: answers(hs[2].ID, "k-plain2", "present", "yes")}.body(t)
	again422 := grid.Do("POST", page, body, http.Header{"Content-Type": {ct}, "Accept": {"text/html"}})
	if again422.Status != http.StatusUnprocessableEntity || !strings.Contains(again422.String(), `id="e-answers.photo"`) {
		t.Errorf("plain form, bad input: %d", again422.Status)
	}

	// Who may not record: another community's grid worker 404, a member
	// of the community outside the task group 404, a task group member
	// not on the task 403 — nothing stored.
	before := count()
	for name, want := range map[string]int{"jxgrid": http.StatusNotFound, "unit": http.StatusNotFound, "contractor": http.StatusForbidden} {
		res := post(t, srv.As(t, f.a(name)), api, form{fields: answers(hs[3].ID, "k-"+name, "present", "no"), files: map[string]int{"answers.photo": 1}})
		if res.Status != want {
			t.Errorf("%s records: %d, want %d", name, res.Status, want)
		}
		if res := srv.As(t, f.a(name)).Get(fmt.Sprintf("/campaign-tasks/%d", t1.ID)); name != "contractor" && res.Status != http.StatusNotFound {
			t.Errorf("%s opens the task: %d", name, res.Status)
		}
	}
	if res := srv.As(t, f.a("jixiang")).Get(fmt.Sprintf("/api/campaigns/%d", c.ID)); res.Status != http.StatusNotFound {
		t.Errorf("another community's staff reads the campaign: %d", res.Status)
	}
	if n := count(); n != before {
		t.Errorf("refused findings stored: %d → %d", before, n)
	}
}

// TestPlanPagesAndAPI: removal before the waiting period is refused over
// HTTP too, a re-inspection without a photo is a 422 naming it, and the
// plan's case opens with source inspection.
func TestPlanPagesAndAPI(t *testing.T) {
	db := storagetest.SQLite(t)
	f := newFixture(t, db)
	_, ts := f.active()
	t1, hs := f.task1(ts)
	srv := webtest.New(t, campaigns.Pages())
	f.svc.Routes(srv.Router, srv.Renderer)
	staff, grid := srv.As(t, f.a("xueyuan")), srv.As(t, f.a("grid1"))
	res := post(t, grid, fmt.Sprintf("/api/campaign-tasks/%d/findings", t1.ID),
		form{fields: answers(hs[0].ID, "p1", "present", "yes", "leak", "是"), files: map[string]int{"answers.photo": 1}})
	var rec campaigns.Recorded
	res.Decode(t, &rec)
	if !rec.Finding.Hazard {
		t.Fatalf("finding: %+v", rec)
	}
	set := staff.JSON("PUT", fmt.Sprintf("/api/campaign-findings/%d/plan", rec.Finding.ID), map[string]any{"kind": "remove", "notice_on": "2026-12-07", "wait_days": 3, "due_on": "2026-12-15"})
	if set.Status != http.StatusOK {
		t.Fatalf("plan: %d %s", set.Status, set.Body)
	}
	var p campaigns.Plan
	set.Decode(t, &p)
	if res := staff.JSON("PUT", fmt.Sprintf("/api/campaign-findings/%d/plan", rec.Finding.ID), map[string]any{"kind": "self_fix", "due_on": "2026-12-15"}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("self-fix without guidance: %d", res.Status)
	}
	// The guidance sheet: a file is required; staff only.
	gURL := fmt.Sprintf("/api/campaign-plans/%d/guidance", p.ID)
	if res := post(t, staff, gURL, form{}); res.Status != http.StatusUnprocessableEntity || res.Problem(t).Errors[0].Field != "file" {
		t.Errorf("guidance without a file: %d", res.Status)
	}
	if res := post(t, grid, gURL, form{files: map[string]int{"file": 1}}); res.Status != http.StatusForbidden {
		t.Errorf("a grid worker adds guidance: %d", res.Status)
	}
	var withG campaigns.Plan
	post(t, staff, gURL, form{files: map[string]int{"file": 1}}).Decode(t, &withG)
	if len(withG.GuidanceFiles) != 1 || grid.Get(withG.GuidanceFiles[0].URL).Status != http.StatusOK {
		t.Errorf("guidance files: %+v", withG.GuidanceFiles)
	}
	closeURL := fmt.Sprintf("/api/campaign-plans/%d/close", p.ID)
	if res := post(t, grid, closeURL, form{fields: [][2]string{{"note", "已拆除"}}, files: map[string]int{"photo": 1}}); res.Status != http.StatusConflict {
		t.Errorf("removal before the waiting period: %d %s", res.Status, res.Body)
	}
	// The plan page says when removal may happen and offers no form yet.
	if pg := grid.Get(fmt.Sprintf("/campaign-plans/%d", p.ID)).String(); !strings.Contains(pg, `data-test="wait"`) || !strings.Contains(pg, "2026年12月10日") {
		t.Error("the plan page does not say the waiting period")
	}
	f.w.Clock.Advance(3 * 24 * 3600 * 1e9)
	if res := post(t, grid, closeURL, form{fields: [][2]string{{"note", "已拆除"}}}); res.Status != http.StatusUnprocessableEntity || res.Problem(t).Errors[0].Field != "photo" {
		t.Errorf("closing without a photo: %d", res.Status)
	}
	if res := post(t, grid, closeURL, form{fields: [][2]string{{"note", "已拆除"}}, files: map[string]int{"photo": 1}}); res.Status != http.StatusOK {
		t.Errorf("closing: %d %s", res.Status, res.Body)
	}
	// A new hazard escalated through the page form.
	rec2 := campaigns.Recorded{}
	post(t, grid, fmt.Sprintf("/api/campaign-tasks/%d/findings", t1.ID),
		form{fields: answers(hs[1].ID, "p2", "present", "yes", "tilt", "40"), files: map[string]int{"answers.photo": 1}}).Decode(t, &rec2)
	staff.JSON("PUT", fmt.Sprintf("/api/campaign-findings/%d/plan", rec2.Finding.ID), map[string]any{"kind": "reinforce", "due_on": "2026-12-20"}).Decode(t, &p)
	esc := staff.PostForm(fmt.Sprintf("/campaign-plans/%d/case", p.ID), url.Values{"category": {"safety_hazard"}})
	if esc.Status != http.StatusSeeOther {
		t.Fatalf("escalate: %d %.300s", esc.Status, esc.Body)
	}
	staff.Get(fmt.Sprintf("/api/campaign-plans/%d", p.ID)).Decode(t, &p)
	if p.CaseID == 0 || f.count(`SELECT COUNT(*) FROM cases WHERE id = ? AND source = 'inspection'`, p.CaseID) != 1 {
		t.Errorf("escalated plan: %+v", p)
	}
}

// TestPagesRender opens every page as the people who use them.
func TestPagesRender(t *testing.T) {
	db := storagetest.SQLite(t)
	f := newFixture(t, db)
	c, ts := f.active()
	t1, hs := f.task1(ts)
	srv := webtest.New(t, campaigns.Pages())
	f.svc.Routes(srv.Router, srv.Renderer)
	staff := srv.As(t, f.a("xueyuan"))
	var rec campaigns.Recorded
	post(t, srv.As(t, f.a("grid1")), fmt.Sprintf("/api/campaign-tasks/%d/findings", t1.ID),
		form{fields: answers(hs[0].ID, "r1", "present", "yes", "leak", "yes"), files: map[string]int{"answers.photo": 1}}).Decode(t, &rec)
	var p campaigns.Plan
	staff.JSON("PUT", fmt.Sprintf("/api/campaign-findings/%d/plan", rec.Finding.ID), map[string]any{"kind": "self_fix", "guidance": "加固支架", "due_on": "2026-12-20"}).Decode(t, &p)
	pages := map[string][]string{
		"xueyuan":  {"/campaigns", "/campaigns/new", "/campaigns/templates/new", fmt.Sprintf("/campaigns/%d", c.ID), fmt.Sprintf("/campaign-tasks/%d", t1.ID), fmt.Sprintf("/campaign-findings/%d", rec.Finding.ID), fmt.Sprintf("/campaign-plans/%d", p.ID), "/campaigns/plans", "/campaigns/plans?overdue=1"},
		"grid1":    {"/campaigns/mine", fmt.Sprintf("/campaign-tasks/%d/inspect", t1.ID), fmt.Sprintf("/campaign-tasks/%d/inspect?target=roof&building=%d", t1.ID, t1.NodeID)},
		"resident": {fmt.Sprintf("/campaigns/%d/self-check", c.ID)},
	}
	for who, ps := range pages {
		for _, p := range ps {
			for _, cl := range []*webtest.Client{srv.As(t, f.a(who)), srv.As(t, f.a(who)).English()} {
				if res := cl.Get(p); res.Status != http.StatusOK {
					t.Errorf("%s %s: %d %.300s", who, p, res.Status, res.Body)
				}
			}
		}
	}
	if miss := srv.Untranslated(); len(miss) > 0 {
		t.Errorf("untranslated: %q", miss)
	}
	// The resident's self-check arrives as a self-reported finding.
	res := post(t, srv.As(t, f.a("resident")), fmt.Sprintf("/campaigns/%d/self-check", c.ID), form{fields: [][2]string{{"idempotency_key", "s1"}, {"answers.present", "yes"}, {"answers.anchored", "no"}}})
	var sc campaigns.Recorded
	if res.Status != http.StatusCreated {
		t.Fatalf("self-check: %d %.300s", res.Status, res.Body)
	}
	res.Decode(t, &sc)
	if !sc.Finding.SelfReported || !sc.Finding.Hazard {
		t.Errorf("self-check: %+v", sc.Finding)
	}
}
