package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"linli"
	"linli/cases"
	"linli/happiness"
	"linli/projects"
	"linli/storage"
	"linli/storage/storagetest"
)

// projectScope returns the ids of the eight units of 荟萃花园南区 1号楼 and
// the community's id.
func projectScope(t *testing.T, s *testServer) (community int64, units []int64) {
	t.Helper()
	base := []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"}
	for i := 1; i <= 8; i++ {
		n, err := s.Registry.FindNode(t.Context(), append(slices.Clone(base), fmt.Sprintf("%d单元", i)))
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, n.ID)
	}
	c, err := s.Registry.FindNode(t.Context(), base[:4])
	if err != nil {
		t.Fatal(err)
	}
	return c.ID, units
}

// projectValid checks a live answer against the documented schema.
func projectValid(t *testing.T, body []byte, schema string) {
	t.Helper()
	doc := oaDoc(t)
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	for _, e := range oaValidate(t, doc, map[string]any{"$ref": "#/components/schemas/" + schema}, v, schema) {
		t.Error(e)
	}
}

func TestProjectHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		community, units := projectScope(t, s)
		staff, grid, res, jx := s.login(t, "xueyuan"), s.login(t, "grid1"), s.login(t, "resident"), s.login(t, "jixiang")

		// 422 with the fields; 403 for a resident; 201 for staff.
		var pr problem
		if st := staff.json("POST", "/api/projects", map[string]any{"community_id": community, "scope": []int64{community}, "title": "", "kind": "rocket"}, &pr); st != 422 ||
			!pr.hasField("title") || !pr.hasField("kind") || !pr.hasField("scope[0]") {
			t.Fatalf("bad project: %d %+v", st, pr)
		}
		if st, _ := staff.do("POST", "/api/projects", map[string]any{"title": "x", "extra": 1}); st != 400 {
			t.Errorf("unknown field: %d", st)
		}
		in := map[string]any{"community_id": community, "scope": units, "title": "荟萃花园南区1号楼加装电梯", "kind": "elevator",
			"description": "1号楼8个单元各加装一部电梯", "budget_fen": 240000000, "public": true}
		if st, _ := res.do("POST", "/api/projects", in); st != 403 {
			t.Errorf("resident creates a project: %d", st)
		}
		st, body := staff.do("POST", "/api/projects", in)
		if st != 201 {
			t.Fatalf("create: %d %s", st, body)
		}
		projectValid(t, body, "Project")
		var p projects.Project
		_ = json.Unmarshal(body, &p)
		path := fmt.Sprintf("/api/projects/%d", p.ID)

		// Scope: another community's staff get 404, readers 200 but 403 to manage.
		if st, _ := jx.do("GET", path, nil); st != 404 {
			t.Errorf("jixiang reads: %d", st)
		}
		if st, _ := grid.do("GET", path, nil); st != 200 {
			t.Errorf("grid worker reads: %d", st)
		}
		if st := grid.json("POST", path+"/advance", map[string]any{"to": "consultation", "proposer": "x", "outcome": "y"}, &pr); st != 403 || pr.Code != "forbidden" {
			t.Errorf("grid worker advances: %d %+v", st, pr)
		}
		if st, _ := jx.do("POST", path+"/advance", map[string]any{"to": "consultation"}); st != 404 {
			t.Errorf("jixiang advances: %d", st)
		}

		// 409: a skipped phase, naming what is missing; an outcome left out.
		pr = problem{}
		if st := staff.json("POST", path+"/advance", map[string]any{"to": "approval"}, &pr); st != 409 ||
			!strings.Contains(pr.Detail, "协商") || !strings.Contains(pr.Detail, "表决") || !strings.Contains(pr.Detail, "提议人") || !pr.hasField("proposer") {
			t.Errorf("skip: %d %+v", st, pr)
		}
		pr = problem{}
		if st := staff.json("POST", path+"/advance", map[string]any{"to": "consultation", "outcome": "加装电梯"}, &pr); st != 409 || !pr.hasField("proposer") || pr.hasField("outcome") {
			t.Errorf("no proposer: %d %+v", st, pr)
		}
		pr = problem{}
		if st := staff.json("POST", path+"/advance", map[string]any{"to": "built"}, &pr); st != 422 || !pr.hasField("to") {
			t.Errorf("unknown phase: %d %+v", st, pr)
		}

		// A follower hears of the phase change.
		if st, _ := res.do("POST", path+"/follow", nil); st != 204 {
			t.Fatalf("follow: %d", st)
		}
		if st, body := staff.do("POST", path+"/advance", map[string]any{"to": "consultation", "proposer": "3单元居民", "outcome": "加装电梯"}); st != 200 {
			t.Fatalf("advance: %d %s", st, body)
		}
		var ns struct {
			Notifications []cases.Notification `json:"notifications"`
		}
		res.json("GET", "/api/notifications", nil, &ns)
		if len(ns.Notifications) == 0 || ns.Notifications[0].Kind != "project_update" || ns.Notifications[0].URL() != fmt.Sprintf("/projects/%d", p.ID) {
			t.Errorf("resident notifications: %+v", ns.Notifications)
		}

		// Construction input refused with fields.
		pr = problem{}
		if st := staff.json("PUT", path+"/construction", map[string]any{"contractor": "", "start_date": "2027-5-1", "end_date": "2027-09-30",
			"work_hours": []string{"12:00-08:00"}, "quiet_hours": []string{}}, &pr); st != 422 ||
			!pr.hasField("contractor") || !pr.hasField("start_date") || !pr.hasField("work_hours") {
			t.Errorf("bad construction: %d %+v", st, pr)
		}
		if st, body := staff.do("PUT", path+"/construction", map[string]any{"contractor": "晋安电梯安装有限公司", "start_date": "2027-05-01", "end_date": "2027-09-30",
			"work_hours": []string{"07:00-12:00", "13:00-19:00"}, "quiet_hours": []string{"12:00-13:00"}, "reason": ""}); st != 200 {
			t.Errorf("construction: %d %s", st, body)
		}
		pr = problem{}
		if st := staff.json("PUT", path+"/construction", map[string]any{"contractor": "晋安电梯安装有限公司", "start_date": "2027-05-01", "end_date": "2027-09-30",
			"work_hours": []string{"08:00-12:00", "14:30-18:00"}, "quiet_hours": []string{"12:00-14:30"}}, &pr); st != 422 || !pr.hasField("reason") {
			t.Errorf("changed hours without a reason: %d %+v", st, pr)
		}

		// Milestones and people through the API.
		var m projects.Milestone
		if st := staff.json("POST", path+"/milestones", map[string]any{"title": "3单元电梯", "weight": 1}, &m); st != 201 {
			t.Fatalf("milestone: %d", st)
		}
		pr = problem{}
		if st := staff.json("POST", fmt.Sprintf("%s/milestones/%d/progress", path, m.ID), map[string]any{"progress": 120}, &pr); st != 422 || !pr.hasField("progress") {
			t.Errorf("progress 120: %d %+v", st, pr)
		}
		if st, _ := staff.do("POST", fmt.Sprintf("%s/milestones/%d/progress", path, m.ID), map[string]any{"progress": 40}); st != 200 {
			t.Errorf("progress: %d", st)
		}
		pr = problem{}
		if st := staff.json("POST", path+"/people", map[string]any{"role": "boss", "name": ""}, &pr); st != 422 || !pr.hasField("role") || !pr.hasField("name") {
			t.Errorf("bad person: %d %+v", st, pr)
		}
		if st, _ := staff.do("POST", path+"/people", map[string]any{"role": "contractor", "account_id": oaAccountID(t, s, "contractor")}); st != 201 {
			t.Errorf("person: %d", st)
		}

		// The page data fits its schema.
		st, body = res.do("GET", path, nil)
		if st != 200 {
			t.Fatalf("resident reads: %d %s", st, body)
		}
		projectValid(t, body, "ProjectDetail")
		var d projects.Detail
		_ = json.Unmarshal(body, &d)
		if d.Project.Progress != 40 || !d.Following || len(d.People) != 1 || d.People[0].Name == "" || len(d.Missing) == 0 {
			t.Errorf("detail %+v", d)
		}
		st, body = staff.do("GET", "/api/projects", nil)
		if st != 200 || !bytes.Contains(body, []byte(p.Title)) {
			t.Errorf("list: %d %s", st, body)
		}
		projectValid(t, body, "ProjectList")
	})
}

func TestProjectComplaintHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		community, units := projectScope(t, s)
		staff, res := s.login(t, "xueyuan"), s.login(t, "resident")
		p, err := s.Projects.Create(t.Context(), mustActor(t, s, "xueyuan"), projects.ProjectInput{CommunityID: community, Scope: units[2:3],
			Title: "3单元加装电梯", Kind: "elevator", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/projects/%d", p.ID)
		if st, _ := res.do("POST", path+"/complaints", map[string]any{"category": "noise", "title": "午休噪声"}); st != 409 {
			t.Errorf("complaint outside construction: %d", st)
		}
		setPhase(t, s, p.ID, "construction")
		var c cases.Case
		if st := res.json("POST", path+"/complaints", map[string]any{"category": "noise", "title": "午休时间电钻噪声"}, &c); st != 201 || c.Number == "" {
			t.Fatalf("complaint: %d %+v", st, c)
		}
		if st, _ := res.do("POST", fmt.Sprintf("%s/complaints/%d/measures", path, c.ID), map[string]any{"text": "x"}); st != 403 {
			t.Errorf("resident records a measure: %d", st)
		}
		if st, _ := staff.do("POST", fmt.Sprintf("%s/complaints/%d/measures", path, c.ID), map[string]any{"text": "施工时间调整为8:00–12:00、14:30–18:00"}); st != 201 {
			t.Errorf("measure: %d", st)
		}
		// The case page links back to the project; the project page shows the complaint.
		st, body := res.do("GET", fmt.Sprintf("/cases/%d", c.ID), nil)
		if st != 200 || !bytes.Contains(body, []byte(fmt.Sprintf(`href="/projects/%d"`, p.ID))) {
			t.Errorf("case page: %d, no link to the project", st)
		}
		st, body = res.do("GET", fmt.Sprintf("/projects/%d", p.ID), nil)
		if st != 200 || !bytes.Contains(body, []byte(c.Number)) || !bytes.Contains(body, []byte("施工时间调整为8:00–12:00")) ||
			!bytes.Contains(body, []byte(fmt.Sprintf(`href="/cases/%d"`, c.ID))) {
			t.Errorf("project page: %d, complaint or measure missing", st)
		}
		// Advancing with the complaint open names it.
		var pr problem
		if st := staff.json("POST", path+"/advance", map[string]any{"to": "acceptance"}, &pr); st != 409 || !strings.Contains(pr.Detail, c.Number) || !pr.hasField("contractor") {
			t.Errorf("open complaint: %d %+v", st, pr)
		}
	})
}

func TestProjectPages(t *testing.T) {
	s := startServer(t, storagetestSQLite(t))
	community, units := projectScope(t, s)
	m := &misses{seen: map[string][]string{}}
	s.Registry.Renderer.Untranslated = m.add
	t.Cleanup(func() { s.Registry.Renderer.Untranslated = nil })
	staff, res, grid := english(t, s, "xueyuan"), english(t, s, "resident"), english(t, s, "grid1")
	get := func(c *client, who, path string, want int) []byte {
		t.Helper()
		m.at(who + " GET " + path)
		st, body := c.do("GET", path, nil)
		if st != want {
			t.Errorf("%s GET %s: %d, want %d: %.300s", who, path, st, want, body)
		}
		return body
	}
	post := func(c *client, who, path string, v url.Values, want int) []byte {
		t.Helper()
		m.at(who + " POST " + path)
		st, body := c.form(path, v)
		if st != want {
			t.Errorf("%s POST %s: %d, want %d: %.300s", who, path, st, want, body)
		}
		return body
	}
	get(staff, "xueyuan", "/projects", 200)
	get(staff, "xueyuan", "/projects/new", 200)
	get(res, "resident", "/projects/new", http.StatusForbidden)
	body := post(staff, "xueyuan", "/projects/new", url.Values{"community_id": {fmt.Sprint(community)}, "title": {""}, "kind": {"elevator"}, "budget": {"12.345"}}, 422)
	for _, f := range []string{"err-title", "err-budget", "err-scope"} {
		if !bytes.Contains(body, []byte(f)) {
			t.Errorf("new project form: no %s beside its field", f)
		}
	}
	v := url.Values{"community_id": {fmt.Sprint(community)}, "title": {"荟萃花园南区1号楼加装电梯"}, "kind": {"elevator"}, "budget": {"2400000"}, "public": {"1"}}
	for _, u := range units {
		v.Add("scope", fmt.Sprint(u))
	}
	m.at("xueyuan POST /projects/new")
	st, _ := staff.form("/projects/new", v)
	if st != http.StatusSeeOther {
		t.Fatalf("create: %d", st)
	}
	// The newest first; the demo's elevator project is older.
	ps, err := s.Projects.List(t.Context(), mustActor(t, s, "xueyuan"), projects.Filter{})
	if err != nil || len(ps) == 0 || ps[0].BudgetFen != 240000000 || len(ps[0].Scope) != 8 {
		t.Fatalf("created %+v %v", ps, err)
	}
	id := ps[0].ID
	pp := fmt.Sprintf("/projects/%d", id)
	// An advance without the outcome: 409 with the errors beside the fields.
	body = post(staff, "xueyuan", pp+"/advance", url.Values{"form": {"advance"}, "to": {"consultation"}}, 409)
	if !bytes.Contains(body, []byte("err-proposer")) || !bytes.Contains(body, []byte("err-outcome")) {
		t.Error("advance form: errors not beside the fields")
	}
	post(staff, "xueyuan", pp+"/milestones", url.Values{"form": {"milestone"}, "title": {""}, "weight": {"x"}}, 422)
	post(staff, "xueyuan", pp+"/milestones", url.Values{"form": {"milestone"}, "title": {"3单元电梯"}, "weight": {"2"}}, http.StatusSeeOther)
	post(staff, "xueyuan", pp+"/people", url.Values{"form": {"person"}, "role": {"community_lead"}, "name": {""}}, 422)
	post(staff, "xueyuan", pp+"/people", url.Values{"form": {"person"}, "role": {"community_lead"}, "name": {"学苑社区 刘书记"}}, http.StatusSeeOther)
	body = post(staff, "xueyuan", pp+"/construction", url.Values{"form": {"construction"}, "contractor": {"晋安电梯"}, "start_date": {"2027-05-01"},
		"end_date": {"2027-04-01"}, "work_hours": {"08:00-12:00、11:00-13:00"}}, 422)
	if !bytes.Contains(body, []byte("err-end_date")) || !bytes.Contains(body, []byte("err-work_hours")) {
		t.Error("construction form: errors not beside the fields")
	}
	post(staff, "xueyuan", pp+"/construction", url.Values{"form": {"construction"}, "contractor": {"晋安电梯"}, "start_date": {"2027-05-01"},
		"end_date": {"2027-09-30"}, "work_hours": {"07:00-12:00、13:00-19:00"}, "quiet_hours": {"12:00-13:00"}}, http.StatusSeeOther)
	post(staff, "xueyuan", pp+"/updates", url.Values{"form": {"update"}, "text": {""}}, 422)
	post(staff, "xueyuan", pp+"/updates", url.Values{"form": {"update"}, "text": {"召开第一次协调会"}}, http.StatusSeeOther)
	post(res, "resident", pp+"/follow", url.Values{"form": {"follow"}}, http.StatusSeeOther)
	get(staff, "xueyuan", pp, 200)
	get(staff, "xueyuan", pp+"/edit", 200)
	get(res, "resident", pp, 200)
	get(grid, "grid1", pp, 200)
	get(res, "resident", "/projects", 200)
	// Construction and service: the complaint, rating and thanks forms.
	setPhase(t, s, id, "construction")
	get(res, "resident", pp, 200)
	post(res, "resident", pp+"/complaints", url.Values{"form": {"complaint"}, "category": {"noise"}, "title": {"午休时间电钻噪声"}}, http.StatusSeeOther)
	body = get(staff, "xueyuan", pp, 200)
	if !bytes.Contains(body, []byte(`data-test="complaint"`)) {
		t.Error("the complaint is not on the page")
	}
	setPhase(t, s, id, "in_service")
	get(staff, "xueyuan", pp, 200)
	post(res, "resident", pp+"/rating", url.Values{"form": {"rating"}}, 422)
	post(res, "resident", pp+"/rating", url.Values{"form": {"rating"}, "rating": {"satisfied"}}, http.StatusSeeOther)
	post(res, "resident", pp+"/rating", url.Values{"form": {"rating"}, "rating": {"satisfied"}}, 409)
	post(staff, "xueyuan", pp+"/thanks", url.Values{"form": {"thanks"}, "kind": {"banner"}}, 422)
	post(staff, "xueyuan", pp+"/thanks", url.Values{"form": {"thanks"}, "kind": {"banner"}, "from": {"1号楼全体居民"}, "text": {"为民办实事 电梯暖人心"}}, http.StatusSeeOther)
	body = get(res, "resident", pp, 200)
	if !bytes.Contains(body, []byte("为民办实事 电梯暖人心")) {
		t.Error("the banner is not on the page")
	}
	get(s.anon(t), "visitor", pp, http.StatusSeeOther)
	get(english(t, s, "jixiang"), "jixiang", pp, 404)
	m.report(t, "project pages")
}

// TestProjectCatalogueAgreement: the project catalogue gives no Chinese
// text another English than the other capabilities' catalogues.
func TestProjectCatalogueAgreement(t *testing.T) {
	mine := projects.Pages().Catalog
	for name, p := range capabilityPages() {
		for zh, en := range p.Catalog {
			if e, ok := mine[zh]; ok && e != en {
				t.Errorf("%q: projects says %q, %s says %q", zh, e, name, en)
			}
		}
	}
}

func mustActor(t *testing.T, s *testServer, username string) *linli.Actor {
	t.Helper()
	a, err := s.Auth.ActorByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// setPhase puts a project in a phase directly, for the forms of that phase.
func setPhase(t *testing.T, s *testServer, id int64, phase string) {
	t.Helper()
	if err := s.DB.InTx(t.Context(), func(tx *storage.Tx) error {
		_, err := tx.Exec(t.Context(), `UPDATE projects SET phase = ?, completed_at = ? WHERE id = ?`, phase, storage.Millis(s.Clock.Now()), id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func storagetestSQLite(t *testing.T) *storage.DB { return storagetest.SQLite(t) }

// TestProjectPhotos: staff attach before/after photos; they are served to
// readers, and to anyone once the project is public and in service (the
// happiness list), listed in HappinessEntries.
func TestProjectPhotos(t *testing.T) {
	s := startServer(t, storagetest.SQLite(t))
	community, units := projectScope(t, s)
	p, err := s.Projects.Create(t.Context(), mustActor(t, s, "xueyuan"), projects.ProjectInput{CommunityID: community, Scope: units,
		Title: "荟萃花园南区1号楼加装电梯", Kind: "elevator", Public: true})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	upload := func(c *client, stage string) (int, []byte) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.WriteField("stage", stage)
		_ = w.WriteField("caption", "1号楼北侧")
		f, _ := w.CreateFormFile("photos", "before.png")
		_, _ = f.Write(buf.Bytes())
		_ = w.Close()
		req, _ := http.NewRequest("POST", c.base+fmt.Sprintf("/api/projects/%d/photos", p.ID), &b)
		req.Header.Set("Content-Type", w.FormDataContentType())
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out bytes.Buffer
		_, _ = out.ReadFrom(res.Body)
		return res.StatusCode, out.Bytes()
	}
	staff := s.login(t, "xueyuan")
	if st, body := upload(staff, "during"); st != 422 || !bytes.Contains(body, []byte(`"stage"`)) {
		t.Errorf("bad stage: %d %s", st, body)
	}
	if st, _ := upload(s.login(t, "grid1"), "before"); st != 403 {
		t.Errorf("grid worker uploads: %d", st)
	}
	st, body := upload(staff, "before")
	if st != 201 {
		t.Fatalf("upload: %d %s", st, body)
	}
	projectValid(t, body, "ProjectPhotoList")
	var got struct {
		Photos []projects.Photo `json:"photos"`
	}
	_ = json.Unmarshal(body, &got)
	if len(got.Photos) != 1 || got.Photos[0].Stage != "before" {
		t.Fatalf("photos %+v", got.Photos)
	}
	photoURL := got.Photos[0].URL
	if st, _ := s.anon(t).do("GET", photoURL, nil); st != 404 {
		t.Errorf("anonymous before service: %d", st)
	}
	if st, _ := s.login(t, "resident").do("GET", photoURL, nil); st != 200 {
		t.Errorf("resident reads the photo: %d", st)
	}
	setPhase(t, s, p.ID, "in_service")
	if st, _ := s.anon(t).do("GET", photoURL+"?thumb=1", nil); st != 200 {
		t.Errorf("anonymous once on the happiness list: %d", st)
	}
	es, err := s.Projects.HappinessEntries(t.Context(), community)
	es = slices.DeleteFunc(es, func(e happiness.Entry) bool { return e.ID != p.ID }) // the demo's own project is there too
	if err != nil || len(es) != 1 || len(es[0].Photos) != 1 || es[0].Photos[0].AttachmentID != got.Photos[0].AttachmentID || es[0].Photos[0].Caption != "1号楼北侧" {
		t.Errorf("happiness entries %+v %v", es, err)
	}
}
