package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode"

	"linli"
	"linli/cases"
	"linli/happiness"
	"linli/projects"
	"linli/storage"
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
	s := startServer(t, demoSQLite(t))
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

// projectExifJPEG is a small JPEG as a phone writes it: an Exif block
// with a stand-in GPS position and a comment naming the owner.
func projectExifJPEG(t *testing.T) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range m.Pix {
		m.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	segment := func(marker byte, payload []byte) []byte {
		seg := []byte{0xFF, marker}
		seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
		return append(seg, payload...)
	}
	tiff := append([]byte("II\x2a\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"), []byte("GPSLatitude 35.0264N 111.0070E")...)
	out := append([]byte{}, b[:2]...)
	out = append(out, segment(0xE1, append([]byte("Exif\x00\x00"), tiff...))...)
	out = append(out, segment(0xFE, []byte("张桂兰的手机"))...)
	return append(out, b[2:]...)
}

// projectUpload posts photos to a project as a multipart form.
func projectUpload(t *testing.T, c *client, projectID int64, stage, name string, data []byte) (int, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("stage", stage)
	_ = w.WriteField("caption", "1号楼北侧")
	f, _ := w.CreateFormFile("photos", name)
	_, _ = f.Write(data)
	_ = w.Close()
	res, body := c.call("POST", fmt.Sprintf("/api/projects/%d/photos", projectID), &b, http.Header{"Content-Type": {w.FormDataContentType()}})
	return res.StatusCode, body
}

// TestProjectPhotos: staff attach before/after photos; readers of the
// project get them as uploaded; anyone else never gets the original
// (Exif, GPS, comment) from the project route: 404 until the project is on
// the happiness list, then a redirect to the list's copy without metadata.
// The file name the phone gave is not kept.
func TestProjectPhotos(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
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
		var pngBuf bytes.Buffer
		if err := png.Encode(&pngBuf, img); err != nil {
			t.Fatal(err)
		}
		staff := s.login(t, "xueyuan")
		if st, body := projectUpload(t, staff, p.ID, "during", "before.png", pngBuf.Bytes()); st != 422 || !bytes.Contains(body, []byte(`"stage"`)) {
			t.Errorf("bad stage: %d %s", st, body)
		}
		if st, _ := projectUpload(t, s.login(t, "grid1"), p.ID, "before", "before.png", pngBuf.Bytes()); st != 403 {
			t.Errorf("grid worker uploads: %d", st)
		}
		st, body := projectUpload(t, staff, p.ID, "before", "before.png", pngBuf.Bytes())
		if st != 201 {
			t.Fatalf("upload: %d %s", st, body)
		}
		projectValid(t, body, "ProjectPhotoList")
		orig := projectExifJPEG(t)
		st, body = projectUpload(t, staff, p.ID, "after", "张桂兰家门口.jpg", orig)
		if st != 201 {
			t.Fatalf("upload the JPEG: %d %s", st, body)
		}
		var got struct {
			Photos []projects.Photo `json:"photos"`
		}
		_ = json.Unmarshal(body, &got)
		if len(got.Photos) != 2 || got.Photos[0].Stage != "before" || got.Photos[1].Stage != "after" {
			t.Fatalf("photos %+v", got.Photos)
		}
		pngURL, jpgURL := got.Photos[0].URL, got.Photos[1].URL
		leaks := func(res *http.Response, body []byte) bool {
			return bytes.Contains(body, []byte("GPSLatitude")) || bytes.Contains(body, []byte("张桂兰")) ||
				strings.Contains(res.Header.Get("Content-Disposition"), "%E5%BC%A0") // 张, as filename*=utf-8''
		}
		// Readers get the original bytes, under a neutral name.
		res, body := staff.call("GET", jpgURL, nil, nil)
		if res.StatusCode != 200 || !bytes.Equal(body, orig) {
			t.Errorf("staff read the original: %d, same bytes %v", res.StatusCode, bytes.Equal(body, orig))
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, fmt.Sprintf("project-%d-after-1.jpg", p.ID)) {
			t.Errorf("stored name: %s", cd)
		}
		if st, _ := s.login(t, "resident").do("GET", pngURL, nil); st != 200 {
			t.Errorf("resident reads the photo: %d", st)
		}
		// Not on the list yet: nobody else gets anything.
		for _, c := range []struct {
			who string
			c   *client
		}{{"anonymous", s.anon(t)}, {"jxresident", s.login(t, "jxresident")}} {
			for _, u := range []string{jpgURL, jpgURL + "?thumb=1", pngURL} {
				if res, body := c.c.call("GET", u, nil, nil); res.StatusCode != 404 || leaks(res, body) {
					t.Errorf("%s GET %s before service: %d", c.who, u, res.StatusCode)
				}
			}
		}
		setPhase(t, s, p.ID, "in_service")
		for _, c := range []struct {
			who string
			c   *client
		}{{"anonymous", s.anon(t)}, {"jxresident", s.login(t, "jxresident")}} {
			for _, thumb := range []string{"", "?thumb=1"} {
				res, body := c.c.call("GET", jpgURL+thumb, nil, nil)
				want := fmt.Sprintf("/happiness/%d/photos/%d%s", community, got.Photos[1].AttachmentID, thumb)
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want || leaks(res, body) || bytes.Contains(body, orig[2:40]) {
					t.Errorf("%s GET %s: %d → %q, want 303 → %s", c.who, jpgURL+thumb, res.StatusCode, res.Header.Get("Location"), want)
					continue
				}
				res, body = c.c.call("GET", want, nil, nil)
				if res.StatusCode != 200 || leaks(res, body) || bytes.Equal(body, orig) {
					t.Errorf("%s GET %s: %d, metadata left %v", c.who, want, res.StatusCode, leaks(res, body))
				}
				if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil {
					t.Errorf("%s GET %s: not a JPEG: %v", c.who, want, err)
				}
			}
		}
		// A photo of another project is not reached through this one.
		if st, _ := s.anon(t).do("GET", fmt.Sprintf("/projects/%d/photos/%d", p.ID+1000, got.Photos[1].AttachmentID), nil); st != 404 {
			t.Errorf("photo through another project: %d", st)
		}
		es, err := s.Projects.HappinessEntries(t.Context(), community)
		es = slices.DeleteFunc(es, func(e happiness.Entry) bool { return e.ID != p.ID }) // the demo's own project is there too
		if err != nil || len(es) != 1 || len(es[0].Photos) != 2 || es[0].Photos[0].AttachmentID != got.Photos[0].AttachmentID || es[0].Photos[0].Caption != "1号楼北侧" {
			t.Errorf("happiness entries %+v %v", es, err)
		}
	})
}

// TestProjectResidentsInScope: a resident whose household is inside the
// scope reads and follows a project that is not public; one outside it
// does not; the happiness list shows neither.
func TestProjectResidentsInScope(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		community, units := projectScope(t, s)
		staff, res := s.login(t, "xueyuan"), s.login(t, "resident") // the resident lives in 3单元
		var in, out projects.Project
		if st := staff.json("POST", "/api/projects", map[string]any{"community_id": community, "scope": units[2:3], "title": "3单元楼道照明",
			"kind": "lighting", "public": false}, &in); st != 201 {
			t.Fatalf("create: %d", st)
		}
		if st := staff.json("POST", "/api/projects", map[string]any{"community_id": community, "scope": units[0:1], "title": "1单元楼道照明",
			"kind": "lighting", "public": false}, &out); st != 201 {
			t.Fatalf("create: %d", st)
		}
		if st, body := res.do("GET", fmt.Sprintf("/api/projects/%d", in.ID), nil); st != 200 {
			t.Errorf("resident in the scope reads: %d %s", st, body)
		}
		if st, _ := res.do("POST", fmt.Sprintf("/api/projects/%d/follow", in.ID), nil); st != 204 {
			t.Errorf("resident in the scope follows: %d", st)
		}
		if st, _ := res.do("GET", fmt.Sprintf("/projects/%d", in.ID), nil); st != 200 {
			t.Errorf("resident in the scope opens the page: %d", st)
		}
		if st, _ := res.do("GET", fmt.Sprintf("/api/projects/%d", out.ID), nil); st != 404 {
			t.Errorf("resident outside the scope reads a project that is not public: %d", st)
		}
		if st, _ := res.do("POST", fmt.Sprintf("/api/projects/%d/follow", out.ID), nil); st != 404 {
			t.Errorf("resident outside the scope follows: %d", st)
		}
		var list struct {
			Projects []projects.Project `json:"projects"`
		}
		if st := res.json("GET", "/api/projects", nil, &list); st != 200 {
			t.Fatalf("list: %d", st)
		}
		var ids []int64
		for _, p := range list.Projects {
			ids = append(ids, p.ID)
		}
		if !slices.Contains(ids, in.ID) || slices.Contains(ids, out.ID) {
			t.Errorf("resident lists %v (in scope %d, outside %d)", ids, in.ID, out.ID)
		}
		setPhase(t, s, in.ID, "in_service")
		es, err := s.Projects.HappinessEntries(t.Context(), community)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.ID == in.ID {
				t.Error("a project that is not public is on the happiness list")
			}
		}
	})
}

// TestProjectPageLanguages: bilingual reasons show in the page's language
// only; managers get shortcuts to open a vote and call a coordination
// meeting about the project, which the forms pick up.
func TestProjectPageLanguages(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		community, units := projectScope(t, s)
		p, err := s.Projects.Create(t.Context(), mustActor(t, s, "xueyuan"), projects.ProjectInput{CommunityID: community, Scope: units[2:3],
			Title: "3单元加装电梯", Kind: "elevator", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.Projects.Detail(t.Context(), mustActor(t, s, "xueyuan"), p.ID)
		if err != nil || len(d.Missing) == 0 {
			t.Fatalf("missing %+v %v", d.Missing, err)
		}
		zh, en, ok := strings.Cut(d.Missing[0].Reason, " / ")
		if !ok {
			t.Fatalf("reason %q is not bilingual", d.Missing[0].Reason)
		}
		pp := fmt.Sprintf("/projects/%d", p.ID)
		missing := func(body []byte) string {
			_, after, _ := strings.Cut(string(body), `data-test="missing"`)
			list, _, _ := strings.Cut(after, "</ul>")
			return html.UnescapeString(list)
		}
		staffZH, staffEN := s.login(t, "xueyuan"), english(t, s, "xueyuan")
		_, body := staffZH.do("GET", pp, nil)
		if m := missing(body); !strings.Contains(m, zh) || strings.Contains(m, en) {
			t.Errorf("Chinese page, still missing: %q", m)
		}
		_, body = staffEN.do("GET", pp, nil)
		if m := missing(body); !strings.Contains(m, en) || strings.Contains(m, zh) {
			t.Errorf("English page, still missing: %q", m)
		}
		// A refused form: the message and the field's reason in one language.
		st, body := staffEN.form(pp+"/advance", url.Values{"form": {"advance"}, "to": {"consultation"}})
		page := html.UnescapeString(string(body))
		_, alert, _ := strings.Cut(page, `data-test="action-error">`)
		alert, _, _ = strings.Cut(alert, "</div>")
		_, ferr, _ := strings.Cut(page, `data-test="err-proposer">`)
		ferr, _, _ = strings.Cut(ferr, "</span>")
		if st != 409 || alert == "" || ferr == "" || strings.Contains(alert, " / ") || strings.Contains(ferr, " / ") || hasHan(alert) || hasHan(ferr) {
			t.Errorf("English refusal: %d %q %q", st, alert, ferr)
		}
		st, body = staffZH.form(pp+"/advance", url.Values{"form": {"advance"}, "to": {"consultation"}})
		page = html.UnescapeString(string(body))
		_, ferr, _ = strings.Cut(page, `data-test="err-proposer">`)
		ferr, _, _ = strings.Cut(ferr, "</span>")
		if st != 409 || ferr == "" || strings.Contains(ferr, " / ") || !hasHan(ferr) {
			t.Errorf("Chinese refusal: %d %q", st, ferr)
		}

		// A bilingual flash (after saving the edit form) likewise. The
		// flash comes from the server (a signed cookie), never from the
		// URL, so each client saves the form and then opens the page.
		edit := url.Values{"title": {"3单元加装电梯"}, "kind": {"elevator"}, "public": {"1"}, "scope": {fmt.Sprint(units[2])}}
		for _, c := range []*client{staffEN, staffZH} {
			if st, b := c.form(pp+"/edit", edit); st != http.StatusSeeOther {
				t.Fatalf("save the edit form: %d %.300s", st, b)
			}
		}
		_, body = staffEN.do("GET", pp, nil)
		if !bytes.Contains(body, []byte(`role="status">saved<`)) {
			t.Error("English flash: not the English half")
		}
		_, body = staffZH.do("GET", pp, nil)
		if !bytes.Contains(body, []byte(`role="status">已保存<`)) {
			t.Error("Chinese flash: not the Chinese half")
		}

		// Shortcuts for managers, none for residents.
		_, body = staffZH.do("GET", pp, nil)
		page = html.UnescapeString(string(body))
		voteURL := fmt.Sprintf("/votes/new?project_id=%d&scope_id=%d", p.ID, units[2])
		meetingURL := fmt.Sprintf("/meetings/new?kind=coordination&scope_id=%d&subject=project%%3A%d", units[2], p.ID)
		if !strings.Contains(page, `href="`+voteURL+`"`) || !strings.Contains(page, `href="`+meetingURL+`"`) {
			t.Errorf("shortcuts missing: want %s and %s", voteURL, meetingURL)
		}
		_, body = s.login(t, "resident").do("GET", pp, nil)
		if bytes.Contains(body, []byte("/votes/new")) || bytes.Contains(body, []byte("/meetings/new")) {
			t.Error("a resident sees the managers' shortcuts")
		}
		// The forms are filled in from the links.
		st, body = staffZH.do("GET", voteURL, nil)
		if st != 200 || !bytes.Contains(body, []byte(fmt.Sprintf(`value="%d"`, p.ID))) || !bytes.Contains(body, []byte(fmt.Sprintf(`value="%d" selected`, units[2]))) {
			t.Errorf("new vote form: %d, project or scope not filled in", st)
		}
		st, body = staffZH.do("GET", meetingURL, nil)
		if st != 200 || !bytes.Contains(body, []byte(fmt.Sprintf(`value="project:%d"`, p.ID))) || !bytes.Contains(body, []byte(fmt.Sprintf(`value="%d" selected`, units[2]))) {
			t.Errorf("new meeting form: %d, subject or place not filled in", st)
		}
	})
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
