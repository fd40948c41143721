package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"linli/visits"
)

// huicuiRoom is the household id of a room of Huicui 1号楼.
func huicuiRoom(t *testing.T, s *testServer, unit, room string) (household, unitID, building int64) {
	t.Helper()
	err := s.DB.QueryRow(t.Context(), `SELECT h.id, u.id, b.id FROM households h JOIN nodes u ON u.id = h.unit_id JOIN nodes b ON b.id = u.parent_id
		JOIN nodes e ON e.id = b.parent_id WHERE e.name = '荟萃花园南区' AND b.name = '1号楼' AND u.name = ? AND h.room = ?`, unit, room).Scan(&household, &unitID, &building)
	if err != nil {
		t.Fatalf("room %s %s: %v", unit, room, err)
	}
	return
}

// storyProject is the demo story's project: the 荟萃花园南区 1号楼
// elevators, of 学苑社区.
func storyProject(t *testing.T, s *testServer) int64 {
	t.Helper()
	var id int64
	if err := s.DB.QueryRow(t.Context(), `SELECT id FROM projects ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatalf("story project: %v", err)
	}
	return id
}

// unitVote is the story's consent vote of a unit.
func unitVote(t *testing.T, s *testServer, unitID int64) int64 {
	t.Helper()
	var id int64
	if err := s.DB.QueryRow(t.Context(), `SELECT id FROM votes WHERE scope_id = ? ORDER BY id LIMIT 1`, unitID).Scan(&id); err != nil {
		t.Fatalf("vote of unit %d: %v", unitID, err)
	}
	return id
}

// jixiangDispute is the story's mediation, of 吉祥社区.
func jixiangDispute(t *testing.T, s *testServer) int64 {
	t.Helper()
	var id int64
	if err := s.DB.QueryRow(t.Context(), `SELECT id FROM disputes ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatalf("story dispute: %v", err)
	}
	return id
}

// jpegBytes is a small JPEG photo.
func jpegBytes(t *testing.T, shade uint8) string {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		for y := 0; y < 30; y++ {
			m.Set(x, y, color.RGBA{shade, 120, 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestVisitHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		grid1, jxgrid, jixiang := s.login(t, "grid1"), s.login(t, "jxgrid"), s.login(t, "jixiang")
		hh, unit3, building := huicuiRoom(t, s, "3单元", "602")
		// The story's unit-3 vote: nobody visited about it yet.
		subject := fmt.Sprintf("vote:%d", unitVote(t, s, unit3))
		body := map[string]any{"household_id": hh, "subject": subject, "matter_title": "3单元加装电梯", "stance": "oppose",
			"concerns": []string{"structural_safety", "light"}, "notes": "担心外墙开洞", "follow_ups": []map[string]string{{"text": "带图纸再来", "due": "2026-12-03"}}}
		st, b := grid1.do("POST", "/api/visits", body)
		if st != http.StatusCreated {
			t.Fatalf("record: %d %s", st, b)
		}
		oaFits(t, "POST", "/api/visits", st, b)
		var v visits.Visit
		_ = json.Unmarshal(b, &v)

		// Bad input names the field.
		for _, tc := range []struct {
			edit   func(m map[string]any)
			status int
			field  string
		}{
			{func(m map[string]any) { m["stance"] = "maybe" }, 422, "stance"},
			{func(m map[string]any) { m["concerns"] = []string{"smell"} }, 422, "concerns[0]"},
			{func(m map[string]any) { m["subject"] = "case:1" }, 422, "subject"},
			{func(m map[string]any) { m["follow_ups"] = []map[string]string{{"text": "x", "due": "明天"}} }, 422, "follow_ups[0].due"},
			{func(m map[string]any) { m["colour"] = "red" }, 400, "colour"},
		} {
			m := map[string]any{}
			for k, x := range body {
				m[k] = x
			}
			tc.edit(m)
			var p problem
			st, b := grid1.do("POST", "/api/visits", m)
			_ = json.Unmarshal(b, &p)
			if st != tc.status || !p.hasField(tc.field) {
				t.Errorf("%v: %d %s, want %d naming %s", m, st, b, tc.status, tc.field)
			}
			if st == 422 {
				oaFits(t, "POST", "/api/visits", st, b)
			}
		}
		// Another community's household is answered like an unknown one.
		if st, b := jxgrid.do("POST", "/api/visits", body); st != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"household_id"`) {
			t.Errorf("jxgrid records in Huicui: %d %s", st, b)
		}
		if st, _ := s.anon(t).do("POST", "/api/visits", body); st != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", st)
		}

		st, b = grid1.do("GET", fmt.Sprintf("/api/visits/%d", v.ID), nil)
		if st != 200 {
			t.Fatalf("get: %d %s", st, b)
		}
		oaFits(t, "GET", "/api/visits/{id}", st, b)
		if st, _ := jixiang.do("GET", fmt.Sprintf("/api/visits/%d", v.ID), nil); st != http.StatusNotFound {
			t.Errorf("jixiang reads a Huicui visit: %d", st)
		}
		st, b = grid1.do("GET", "/api/visits?subject="+subject, nil)
		oaFits(t, "GET", "/api/visits", st, b)
		var list visits.VisitList
		if _ = json.Unmarshal(b, &list); st != 200 || list.Total != 1 {
			t.Errorf("list: %d %s", st, b)
		}
		if st, _ := grid1.do("GET", "/api/visits?subject=nonsense", nil); st != http.StatusBadRequest {
			t.Errorf("bad subject filter: %d", st)
		}

		// Coverage of the matter (scope: the building) and of the unit.
		st, b = grid1.do("GET", "/api/visits/coverage?subject="+subject, nil)
		oaFits(t, "GET", "/api/visits/coverage", st, b)
		var c visits.Coverage
		if _ = json.Unmarshal(b, &c); st != 200 || c.Total != 96 || c.Visited != 1 || c.Oppose != 1 || len(c.Pending) != 95 {
			t.Errorf("coverage: %d %+v", st, c)
		}
		if st, _ := grid1.do("GET", "/api/visits/coverage", nil); st != http.StatusBadRequest {
			t.Errorf("coverage without subject: %d", st)
		}
		// A project the worker cannot see (there is no project 4) is not
		// told apart from one without visits: 404, not 422 for the place.
		if st, _ := grid1.do("GET", "/api/visits/coverage?subject=project:4", nil); st != http.StatusNotFound {
			t.Errorf("coverage of an unknown subject without a place: %d", st)
		}
		st, b = grid1.do("GET", "/api/visits/matters", nil)
		oaFits(t, "GET", "/api/visits/matters", st, b)
		st, b = grid1.do("GET", fmt.Sprintf("/api/visits/matters/%d", v.MatterID), nil)
		oaFits(t, "GET", "/api/visits/matters/{id}", st, b)
		st, b = s.login(t, "xueyuan").do("POST", "/api/visits/matters", map[string]any{"title": "楼道堆物清理", "scope_id": building})
		if st != http.StatusCreated {
			t.Errorf("create matter: %d %s", st, b)
		}
		oaFits(t, "POST", "/api/visits/matters", st, b)

		// Files.
		mb, ct := multipartBody(t, nil, map[string][2]string{"photos": {"wall.jpg", jpegBytes(t, 30)}})
		st, b = grid1.post(t, fmt.Sprintf("/api/visits/%d/photos", v.ID), mb, ct)
		if st != http.StatusCreated {
			t.Fatalf("photos: %d %s", st, b)
		}
		oaFits(t, "POST", "/api/visits/{id}/photos", st, b)
		var ps struct{ Photos []visits.Photo }
		_ = json.Unmarshal(b, &ps)
		if len(ps.Photos) != 1 {
			t.Fatalf("photos %s", b)
		}
		file := fmt.Sprintf("/api/visits/%d/files/%d", v.ID, ps.Photos[0].ID)
		if st, b := grid1.do("GET", file, nil); st != 200 || !bytes.HasPrefix(b, []byte{0xFF, 0xD8}) {
			t.Errorf("file: %d", st)
		}
		if st, _ := jixiang.do("GET", file, nil); st != http.StatusNotFound {
			t.Errorf("jixiang reads the file: %d", st)
		}
		if st, _ := grid1.do("GET", fmt.Sprintf("/api/visits/%d/files/%d", v.ID+1000, ps.Photos[0].ID), nil); st != http.StatusNotFound {
			t.Errorf("file under another visit id: %d", st)
		}

		// Follow-ups.
		st, b = grid1.do("POST", fmt.Sprintf("/api/visits/%d/follow-ups/%d", v.ID, v.FollowUps[0].ID), map[string]bool{"done": true})
		oaFits(t, "POST", "/api/visits/{id}/follow-ups/{item}", st, b)
		if st != 200 || !strings.Contains(string(b), `"done":true`) {
			t.Errorf("follow-up: %d %s", st, b)
		}

		// The building view, as JSON and as a page.
		st, b = grid1.do("GET", fmt.Sprintf("/api/buildings/%d/view?layer=visits:%d", building, v.MatterID), nil)
		if st != 200 || !strings.Contains(string(b), "已走访 1/96 户，未走访 95 户") || !strings.Contains(string(b), `"mark":"mark-disagree"`) {
			t.Errorf("layer: %d %.500s", st, b)
		}
		st, b = grid1.do("GET", fmt.Sprintf("/buildings/%d?layer=visits:%d", building, v.MatterID), nil)
		if st != 200 || !strings.Contains(string(b), "已走访 1/96 户") {
			t.Errorf("building page with the layer: %d", st)
		}

		// Audit.
		for _, e := range []string{"visit.create", "visit.files", "visit.followup_done", "visit_matter.create"} {
			var n int
			if err := s.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = ?`, e).Scan(&n); err != nil || n == 0 {
				t.Errorf("no audit entry %s (%v)", e, err)
			}
		}
	})
}

func TestVisitPages(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		m := &misses{seen: map[string][]string{}}
		s.Registry.Renderer.Untranslated = m.add
		t.Cleanup(func() { s.Registry.Renderer.Untranslated = nil })
		hh, unit3, _ := huicuiRoom(t, s, "3单元", "602")
		subject := fmt.Sprintf("vote:%d", unitVote(t, s, unit3))
		for _, lang := range []string{"zh", "en"} {
			c := s.login(t, "grid1")
			if lang == "en" {
				c = english(t, s, "grid1")
			}
			m.at(lang + " GET /visits/new")
			st, b := c.do("GET", fmt.Sprintf("/visits/new?household_id=%d&subject=%s", hh, subject), nil)
			if st != 200 || !strings.Contains(string(b), "荟萃花园南区1号楼3单元602") {
				t.Fatalf("form: %d", st)
			}
			// A refused form shows the error beside the field and keeps what was typed.
			m.at(lang + " POST /visits (bad)")
			form := url.Values{"household_id": {fmt.Sprint(hh)}, "subject": {subject}, "subject_fixed": {"1"}, "visited_date": {"2026-11-26"}, "visited_time": {"09:30"},
				"concerns": {"noise"}, "notes": {"噪音问题"}, "follow_text": {"再次沟通"}, "follow_due": {"2026/12/01"}}
			st, b = c.form("/visits", form)
			if st != http.StatusUnprocessableEntity || !strings.Contains(string(b), `data-test="err-stance"`) || !strings.Contains(string(b), "噪音问题") {
				t.Errorf("bad form: %d %.300s", st, b)
			}
			m.at(lang + " POST /visits")
			form.Set("stance", "undecided")
			form.Set("follow_due", "2026-12-01")
			st, b = c.form("/visits", form)
			if st != http.StatusSeeOther {
				t.Fatalf("form post: %d %.500s", st, b)
			}
		}
		var id, matter, item int64
		if err := s.DB.QueryRow(t.Context(), `SELECT v.id, v.matter_id, f.id FROM visits v JOIN visit_followups f ON f.visit_id = v.id ORDER BY v.id DESC LIMIT 1`).Scan(&id, &matter, &item); err != nil {
			t.Fatal(err)
		}
		var at int64
		_ = s.DB.QueryRow(t.Context(), `SELECT visited_at FROM visits WHERE id = ?`, id).Scan(&at)
		if want := time.Date(2026, 11, 26, 1, 30, 0, 0, time.UTC).UnixMilli(); at != want {
			t.Errorf("visited_at %d, want %d (09:30 in Yuncheng)", at, want)
		}
		for _, lang := range []string{"zh", "en"} {
			c := s.login(t, "grid1")
			if lang == "en" {
				c = english(t, s, "grid1")
			}
			for _, p := range []string{"/visits", fmt.Sprintf("/visits?matter_id=%d", matter), fmt.Sprintf("/visits/%d", id), fmt.Sprintf("/visits/matters/%d", matter)} {
				m.at(lang + " GET " + p)
				if st, b := c.do("GET", p, nil); st != 200 {
					t.Errorf("%s GET %s: %d %.300s", lang, p, st, b)
				}
			}
			m.at(lang + " POST follow-up")
			if st, _ := c.form(fmt.Sprintf("/visits/%d/follow-ups/%d", id, item), url.Values{"done": {"1"}}); st != http.StatusSeeOther {
				t.Errorf("follow-up form: %d", st)
			}
		}
		if st, _ := s.login(t, "jixiang").do("GET", fmt.Sprintf("/visits/%d", id), nil); st != http.StatusNotFound {
			t.Errorf("jixiang visit page: %d", st)
		}
		if st, _ := s.login(t, "resident").do("GET", "/visits/new", nil); st != http.StatusForbidden {
			t.Errorf("resident form: %d", st)
		}
		m.report(t, "visit pages")
	})
}

// What a visit is about must exist and be the recorder's to see, through
// the capabilities' link resolvers as cmd/linli registers them.
func TestVisitSubjectHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		grid1, xueyuan := s.login(t, "grid1"), s.login(t, "xueyuan")
		hh, _, building := huicuiRoom(t, s, "3单元", "501")
		for _, subject := range []string{"project:99999", "vote:99999", fmt.Sprintf("dispute:%d", jixiangDispute(t, s))} {
			var p problem
			st := grid1.json("POST", "/api/visits", map[string]any{"household_id": hh, "subject": subject, "stance": "support"}, &p)
			if st != 422 || !p.hasField("subject") {
				t.Errorf("visit about %s: %d %+v", subject, st, p)
			}
			st = xueyuan.json("POST", "/api/visits/matters", map[string]any{"subject": subject, "scope_id": building}, &p)
			if st != 422 || !p.hasField("subject") {
				t.Errorf("matter about %s: %d %+v", subject, st, p)
			}
		}
		// The story's project is 学苑社区's own: fine.
		if st, b := grid1.do("POST", "/api/visits", map[string]any{"household_id": hh, "subject": fmt.Sprintf("project:%d", storyProject(t, s)), "stance": "support"}); st != 201 {
			t.Errorf("visit about the story's project: %d %s", st, b)
		}
	})
}

// Visit records are for those who go door to door: the property company,
// the department and the contractor follow the project but get 404 for
// its visits, and no visits list.
func TestVisitReadersHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		var id, matter, building int64
		err := s.DB.QueryRow(t.Context(), `SELECT v.id, v.matter_id, m.scope_id FROM visits v JOIN visit_matters m ON m.id = v.matter_id ORDER BY v.id LIMIT 1`).Scan(&id, &matter, &building)
		if err != nil {
			t.Fatalf("the story's visits: %v", err)
		}
		subject := fmt.Sprintf("project:%d", storyProject(t, s))
		for _, who := range []string{"xueyuan", "grid1", "building", "rep"} {
			c := s.login(t, who)
			for _, p := range []string{fmt.Sprintf("/api/visits/%d", id), fmt.Sprintf("/visits/%d", id), "/api/visits?subject=" + subject} {
				if st, b := c.do("GET", p, nil); st != 200 {
					t.Errorf("%s GET %s: %d %.200s", who, p, st, b)
				}
			}
		}
		for _, who := range []string{"property", "contractor", "dept", "resident", "jixiang"} {
			c := s.login(t, who)
			for _, p := range []string{fmt.Sprintf("/api/visits/%d", id), fmt.Sprintf("/visits/%d", id), fmt.Sprintf("/api/visits/matters/%d", matter),
				fmt.Sprintf("/visits/matters/%d", matter), fmt.Sprintf("/api/visits/coverage?subject=%s&node_id=%d", subject, building),
				fmt.Sprintf("/api/buildings/%d/view?layer=visits:%d", building, matter)} {
				st, b := c.do("GET", p, nil)
				if strings.Contains(p, "/buildings/") && st == http.StatusForbidden {
					continue // the building itself is out of reach
				}
				if st != http.StatusNotFound {
					t.Errorf("%s GET %s: %d, want 404: %.200s", who, p, st, b)
				}
			}
			if st, b := c.do("POST", fmt.Sprintf("/api/visits/%d/follow-ups/1", id), map[string]bool{"done": true}); st != http.StatusNotFound {
				t.Errorf("%s marks a follow-up: %d %.200s", who, st, b)
			}
			var list visits.VisitList
			if st := c.json("GET", "/api/visits", nil, &list); st != http.StatusForbidden && (st != 200 || list.Total != 0) {
				t.Errorf("%s lists visits: %d, %d visits", who, st, list.Total)
			}
			if st, b := c.do("GET", fmt.Sprintf("/api/buildings/%d/view", building), nil); st == 200 && strings.Contains(string(b), `"visits:`) {
				t.Errorf("%s is offered the visits layer: %.300s", who, b)
			}
		}
	})
}

// From /visits the form asks for a unit, then a room of it, and offers the
// matters in scope or another matter by name; the list pages.
func TestVisitFormPickerAndPaging(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		hh, unit3, _ := huicuiRoom(t, s, "3单元", "402")
		unitHead := s.login(t, "unit")
		for _, lang := range []string{"zh", "en"} {
			c := s.login(t, "grid1")
			if lang == "en" {
				c = english(t, s, "grid1")
			}
			st, b := c.do("GET", "/visits/new", nil)
			if st != 200 || !strings.Contains(string(b), `data-test="unit-select"`) || !strings.Contains(string(b), fmt.Sprintf(`value="%d"`, unit3)) ||
				strings.Contains(string(b), "住户编号") || strings.Contains(string(b), "Household id") {
				t.Fatalf("%s step 1: %d %.500s", lang, st, b)
			}
			st, b = c.do("GET", fmt.Sprintf("/visits/new?unit_id=%d", unit3), nil)
			if st != 200 || !strings.Contains(string(b), `data-test="room-select"`) || !strings.Contains(string(b), fmt.Sprintf(`<option value="%d">402</option>`, hh)) ||
				!strings.Contains(string(b), `data-test="subject-select"`) || !strings.Contains(string(b), "1号楼加装电梯") {
				t.Fatalf("%s step 2: %d %.500s", lang, st, b)
			}
		}
		// A unit head picks only their own unit.
		if _, b := unitHead.do("GET", "/visits/new", nil); strings.Count(string(b), "<option value=") != 1 {
			t.Errorf("unit head's units: %.500s", b)
		}
		grid1 := s.login(t, "grid1")
		// No room chosen: the room select comes back with the error.
		form := url.Values{"unit_id": {fmt.Sprint(unit3)}, "household_id": {""}, "subject": {""}, "matter_title": {"楼道堆物清理意见"}, "stance": {"support"}}
		st, b := grid1.form("/visits", form)
		if st != 422 || !strings.Contains(string(b), `data-test="err-household_id"`) || !strings.Contains(string(b), `data-test="room-select"`) {
			t.Errorf("no room: %d %.500s", st, b)
		}
		// Another matter by name: a general matter of the building.
		form.Set("household_id", fmt.Sprint(hh))
		if st, b := grid1.form("/visits", form); st != http.StatusSeeOther {
			t.Fatalf("another matter: %d %.500s", st, b)
		}
		var title, subject string
		if err := s.DB.QueryRow(t.Context(), `SELECT m.title, m.subject_kind FROM visits v JOIN visit_matters m ON m.id = v.matter_id WHERE v.household_id = ? ORDER BY v.id DESC LIMIT 1`, hh).Scan(&title, &subject); err != nil || title != "楼道堆物清理意见" || subject != "matter" {
			t.Errorf("the visit's matter: %q %q %v", title, subject, err)
		}
		// Neither a matter nor a name: 422 naming the subject.
		form.Set("matter_title", "")
		if st, b := grid1.form("/visits", form); st != 422 || !strings.Contains(string(b), `data-test="err-subject"`) {
			t.Errorf("no subject: %d %.300s", st, b)
		}

		// Paging: enough visits for two pages.
		var total int
		if err := s.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM visits`).Scan(&total); err != nil {
			t.Fatal(err)
		}
		a, err := s.Auth.ActorByUsername(t.Context(), "grid1")
		if err != nil {
			t.Fatal(err)
		}
		rooms, err := s.DB.Query(t.Context(), `SELECT id FROM households WHERE unit_id = ? ORDER BY id`, unit3)
		if err != nil {
			t.Fatal(err)
		}
		var hs []int64
		for rooms.Next() {
			var id int64
			_ = rooms.Scan(&id)
			hs = append(hs, id)
		}
		rooms.Close()
		for i := 0; total <= 60; i++ {
			if _, err := s.Visits.Record(t.Context(), a, visits.VisitInput{HouseholdID: hs[i%len(hs)], MatterTitle: "楼道堆物清理意见", Stance: visits.Support}); err != nil {
				t.Fatal(err)
			}
			total++
		}
		st, b = grid1.do("GET", "/visits", nil)
		if st != 200 || !strings.Contains(string(b), `rel="next"`) || strings.Contains(string(b), `rel="prev"`) || strings.Count(string(b), `data-test="visit"`) != 50 {
			t.Errorf("first page: %d, %d rows", st, strings.Count(string(b), `data-test="visit"`))
		}
		st, b = grid1.do("GET", "/visits?offset=50", nil)
		if st != 200 || !strings.Contains(string(b), `rel="prev"`) || strings.Count(string(b), `data-test="visit"`) != total-50 {
			t.Errorf("second page: %d, %d rows, want %d", st, strings.Count(string(b), `data-test="visit"`), total-50)
		}
	})
}

// The building view's visits layer speaks English on English pages.
func TestVisitLayerEnglish(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		var matter, building int64
		if err := s.DB.QueryRow(t.Context(), `SELECT id, scope_id FROM visit_matters ORDER BY id LIMIT 1`).Scan(&matter, &building); err != nil {
			t.Fatal(err)
		}
		m := &misses{seen: map[string][]string{}}
		s.Registry.Renderer.Untranslated = m.add
		t.Cleanup(func() { s.Registry.Renderer.Untranslated = nil })
		m.at("en GET /buildings with the visits layer")
		st, b := english(t, s, "grid1").do("GET", fmt.Sprintf("/buildings/%d?layer=visits:%d", building, matter), nil)
		if st != 200 || !strings.Contains(string(b), "households visited") || !strings.Contains(string(b), "Not visited") || strings.Contains(string(b), "未走访") {
			t.Errorf("English layer: %d %.2000s", st, b)
		}
		st, b = s.login(t, "grid1").do("GET", fmt.Sprintf("/buildings/%d?layer=visits:%d", building, matter), nil)
		if st != 200 || !strings.Contains(string(b), "未走访") || strings.Contains(string(b), "households visited") {
			t.Errorf("Chinese layer: %d", st)
		}
		m.report(t, "visits layer")
	})
}
