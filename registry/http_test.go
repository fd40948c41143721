package registry_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/demo/demotest"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web"
	"linli/web/webtest"
)

// registryServer serves the registry's routes over the demo world.
func registryServer(t *testing.T, db *storage.DB) (*webtest.Server, *demotest.World) {
	t.Helper()
	w := demotest.New(t, db, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	s := webtest.New(t, registry.Pages())
	w.Registry.SetRenderer(s.Renderer)
	w.Registry.Routes(s.Router)
	return s, w
}

// demoNode returns the id of a demo place under 运城市/盐湖区/东城街道.
func demoNode(t *testing.T, w *demotest.World, names ...string) registry.Node {
	t.Helper()
	n, err := w.Registry.FindNode(w.Ctx, append([]string{"运城市", "盐湖区", "东城街道"}, names...))
	if err != nil {
		t.Fatalf("demo place %v: %v", names, err)
	}
	return n
}

// places are the ids of the demo places and households the tests use.
type places struct {
	street, xueyuan, xyGrid1, huicui, huicuiB1, huicuiU3, jxU2 int64
	hh602, hh601, jxHH402                                      int64 // 荟萃花园南区1号楼3单元602 (the resident's), 601, 吉祥花园1号楼2单元402
}

func demoPlaces(t *testing.T, w *demotest.World) places {
	t.Helper()
	room := func(unit int64, rm string) int64 {
		t.Helper()
		id, err := w.Registry.HouseholdByRoom(w.Ctx, unit, rm)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	p := places{
		street:   demoNode(t, w).ID,
		xueyuan:  demoNode(t, w, "学苑社区").ID,
		xyGrid1:  demoNode(t, w, "学苑社区", "第一网格").ID,
		huicui:   demoNode(t, w, "学苑社区", "第一网格", "荟萃花园南区").ID,
		huicuiB1: demoNode(t, w, "学苑社区", "第一网格", "荟萃花园南区", "1号楼").ID,
		huicuiU3: demoNode(t, w, "学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元").ID,
		jxU2:     demoNode(t, w, "吉祥社区", "第一网格", "吉祥花园", "1号楼", "2单元").ID,
	}
	p.hh602, p.hh601, p.jxHH402 = room(p.huicuiU3, "602"), room(p.huicuiU3, "601"), room(p.jxU2, "402")
	return p
}

// wantProblem sends a JSON request and checks the answer is a problem
// document with the status; it returns the document.
func wantProblem(t *testing.T, c *webtest.Client, method, path string, body any, status int) web.Problem {
	t.Helper()
	res := c.JSON(method, path, body)
	if res.Status != status {
		t.Errorf("%s %s: status %d, want %d: %.300s", method, path, res.Status, status, res)
		return web.Problem{}
	}
	p := res.Problem(t)
	if p.Code == "" {
		t.Errorf("%s %s: problem without a code: %s", method, path, res)
	}
	return p
}

func hasField(p web.Problem, f string) bool {
	for _, e := range p.Errors {
		if e.Field == f || strings.HasSuffix(e.Field, "."+f) {
			return true
		}
	}
	return false
}

// The registry's routes, on both engines, over one demo world per engine
// (loading it is most of the time; the three parts change nothing the
// others read).
func TestRegistryRoutes(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		s, w := registryServer(t, db)
		t.Run("problems", func(t *testing.T) { problems(t, s, w) })
		t.Run("resident", func(t *testing.T) { resident(t, s, w) })
		t.Run("building view", func(t *testing.T) { buildingView(t, s, w) })
		t.Run("form errors in the page language", func(t *testing.T) { formLanguage(t, s, w) })
		t.Run("place picker", func(t *testing.T) { placePicker(t, s, w) })
	})
}

// The place picker's cascade answers within the actor's grants, lists
// rooms only where the register is read (a resident: its own), and a
// page offers the building view only to who may open it.
func placePicker(t *testing.T, s *webtest.Server, w *demotest.World) {
	p := demoPlaces(t, w)
	as := w.Actors(t, "grid1", "volunteer", "resident", "jixiang", "unit")
	rooms := func(who string, unit int64) []string {
		t.Helper()
		cs, err := w.Registry.PickPlaces(w.Ctx, as[who], unit)
		if err != nil {
			t.Fatalf("%s: rooms of %d: %v", who, unit, err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Label)
		}
		return out
	}
	if top, err := w.Registry.PickPlaces(w.Ctx, as["grid1"], 0); err != nil || len(top) != 1 || top[0].ID != p.xyGrid1 {
		t.Errorf("grid1's top: %v %v", top, err)
	}
	if got := rooms("grid1", p.huicuiU3); len(got) != 12 {
		t.Errorf("grid1's rooms of 3单元: %v", got)
	}
	if got := rooms("volunteer", p.huicuiU3); len(got) != 0 {
		t.Errorf("the volunteer's rooms of 3单元: %v", got)
	}
	if got := rooms("resident", p.huicuiU3); len(got) != 1 || got[0] != "602" {
		t.Errorf("the resident's rooms of 3单元: %v", got)
	}
	if _, err := w.Registry.PickPlaces(w.Ctx, as["jixiang"], p.huicui); linli.ErrorCode(err) != linli.ENotFound {
		t.Errorf("jixiang's children of 荟萃花园南区: %v, want 404", err)
	}
	res := s.As(t, as["unit"]).Get(fmt.Sprintf("/places/%d", p.huicuiU3))
	if res.Status != 200 || strings.Contains(res.String(), fmt.Sprintf(`href="/buildings/%d"`, p.huicuiB1)) {
		t.Errorf("the unit head's unit page: %d, offers the building view it may not open: %v", res.Status, strings.Contains(res.String(), "/buildings/"))
	}
	res = s.As(t, as["grid1"]).Get(fmt.Sprintf("/places/%d", p.huicuiU3))
	if !strings.Contains(res.String(), fmt.Sprintf(`href="/buildings/%d"`, p.huicuiB1)) {
		t.Errorf("grid1's unit page does not offer the building view")
	}
}

// A refused form shows its reasons in the page's language only: "名称必填"
// on a Chinese page, "name is required" on an English one, never both.
func formLanguage(t *testing.T, s *webtest.Server, w *demotest.World) {
	p := demoPlaces(t, w)
	zh := s.As(t, w.Actors(t, "xueyuan")["xueyuan"])
	for _, tc := range []struct {
		c          *webtest.Client
		want, lack string
	}{{zh, "名称必填", "name is required"}, {zh.English(), "name is required", "名称必填"}} {
		res := tc.c.PostForm(fmt.Sprintf("/places/%d/children", p.xueyuan), url.Values{"kind": {"grid"}, "name": {""}, "code": {"XY-08"}})
		if res.Status != 422 {
			t.Fatalf("a grid without a name: status %d, want 422", res.Status)
		}
		body := res.String()
		if !strings.Contains(body, tc.want) || strings.Contains(body, tc.lack) {
			t.Errorf("the refused form should say %q and not %q: %.2000s", tc.want, tc.lack, body)
		}
	}
}

// Bad input gets the right status and a problem document naming the
// field: the rules of each level of the tree, community codes, households
// and members, moves, and input that cannot be read at all.
func problems(t *testing.T, s *webtest.Server, w *demotest.World) {
	{
		as := w.Actors(t, "xueyuan", "street")
		xueyuan, street := s.As(t, as["xueyuan"]), s.As(t, as["street"])
		p := demoPlaces(t, w)
		streetNode, xyNode := demoNode(t, w), demoNode(t, w, "学苑社区")

		fieldIs := func(what string, pr web.Problem, field string) {
			t.Helper()
			if !hasField(pr, field) {
				t.Errorf("%s: errors %+v, want one on %q", what, pr.Errors, field)
			}
		}
		pr := wantProblem(t, xueyuan, "POST", "/api/nodes", map[string]any{"parent_id": p.xueyuan, "kind": "grid", "name": "  "}, 422)
		fieldIs("node without name", pr, "name")
		pr = wantProblem(t, xueyuan, "POST", "/api/nodes", map[string]any{"parent_id": p.xueyuan, "kind": "estate", "name": "错层小区"}, 422)
		fieldIs("estate under a community", pr, "kind")

		// Communities carry the 12-digit code; its first nine digits are the street's.
		for _, code := range []string{"", "14080200300", "1408020030011", "14080200300A", "999999999001"} {
			pr = wantProblem(t, street, "POST", "/api/nodes", map[string]any{"parent_id": p.street, "kind": "community", "name": "新建社区", "code": code}, 422)
			fieldIs("community code "+code, pr, "code")
		}
		pr = wantProblem(t, street, "POST", "/api/nodes", map[string]any{"parent_id": p.street, "kind": "community", "name": "重码社区", "code": xyNode.Code}, 409)
		fieldIs("duplicate code", pr, "code")
		pr = wantProblem(t, street, "POST", "/api/nodes", map[string]any{"parent_id": p.street, "kind": "community", "name": "学苑社区", "code": streetNode.Code[:9] + "987"}, 409)
		fieldIs("duplicate sibling name", pr, "name")
		// A community staff member cannot create a sibling community.
		wantProblem(t, xueyuan, "POST", "/api/nodes", map[string]any{"parent_id": p.street, "kind": "community", "name": "新社区", "code": streetNode.Code[:9] + "988"}, 403)

		pr = wantProblem(t, xueyuan, "POST", "/api/nodes", fmt.Sprintf(`{"parent_id": %d, "kind": "grid", "name": "未知字段网格", "colour": "red"}`, p.xueyuan), 400)
		fieldIs("unknown field", pr, "colour")
		wantProblem(t, xueyuan, "POST", "/api/nodes", `{"parent_id": 1, "kind": "grid", "name": `, 400)
		wantProblem(t, xueyuan, "POST", "/api/nodes", `{"parent_id": "one"}`, 400)
		wantProblem(t, xueyuan, "POST", "/api/nodes", `not json`, 400)
		big := fmt.Sprintf(`{"parent_id": %d, "kind": "grid", "name": "`, p.xueyuan) + strings.Repeat("长", 400_000) + `"}`
		wantProblem(t, xueyuan, "POST", "/api/nodes", big, 413)

		for _, path := range []string{"/api/nodes/999999999", "/api/households/999999999", "/api/nodes/abc", "/api/households/abc",
			"/api/households/-1", "/api/buildings/999999999/view"} {
			wantProblem(t, xueyuan, "GET", path, nil, 404)
		}
		wantProblem(t, xueyuan, "PUT", "/api/households/abc", map[string]any{"room": "1"}, 404)
		wantProblem(t, xueyuan, "GET", fmt.Sprintf("/api/buildings/%d/view", p.huicuiU3), nil, 404) // a unit is not a building
		wantProblem(t, xueyuan, "GET", "/api/households?limit=ten", nil, 400)
		wantProblem(t, s.Anon(t), "GET", "/api/households", nil, 401)

		// Households.
		pr = wantProblem(t, xueyuan, "POST", "/api/households", map[string]any{"unit_id": p.huicuiU3, "floor": 1, "room": "103", "area": "86.555"}, 422)
		fieldIs("area 86.555", pr, "area")
		pr = wantProblem(t, xueyuan, "POST", "/api/households", map[string]any{"unit_id": p.huicuiU3, "floor": 7, "room": "701", "area": "86.55"}, 422)
		fieldIs("floor above the unit", pr, "floor")
		pr = wantProblem(t, xueyuan, "POST", "/api/households", map[string]any{"unit_id": p.huicuiB1, "floor": 1, "room": "103", "area": "86.55"}, 422)
		fieldIs("household under a building", pr, "unit_id")
		pr = wantProblem(t, xueyuan, "POST", "/api/households", map[string]any{"unit_id": p.huicuiU3, "floor": 6, "room": "602", "area": "86.55"}, 409)
		fieldIs("duplicate room", pr, "room")
		pr = wantProblem(t, xueyuan, "POST", "/api/households", map[string]any{"unit_id": p.huicuiU3, "floor": 1, "room": "103", "area": "86.55",
			"members": []map[string]any{{"name": "甲", "relation": "owner", "phone": "1234"}}}, 422)
		fieldIs("member phone on create", pr, "phone")
		pr = wantProblem(t, xueyuan, "PUT", fmt.Sprintf("/api/households/%d", p.hh602), map[string]any{"floor": 6, "room": "601", "area": "86.55"}, 409)
		fieldIs("renaming onto an existing room", pr, "room")

		// Members.
		members := fmt.Sprintf("/api/households/%d/members", p.hh602)
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"name": "测试", "relation": "family", "phone": "12345"}, "phone"},
			{map[string]any{"name": "测试", "relation": "family", "phone": "2390000123"}, "phone"},
			{map[string]any{"name": "测试", "relation": "family", "id_number": "140802198001010011"}, "id_number"}, // wrong check digit
			{map[string]any{"name": "测试", "relation": "family", "id_number": "14080219800101001"}, "id_number"},  // 17 characters
			{map[string]any{"name": "", "relation": "family"}, "name"},
			{map[string]any{"name": "测试", "relation": "cousin"}, "relation"},
		} {
			pr = wantProblem(t, xueyuan, "POST", members, tc.body, 422)
			fieldIs(fmt.Sprintf("member %v", tc.body), pr, tc.field)
		}
		wantProblem(t, xueyuan, "DELETE", members+"/999999999", nil, 404)

		// Moves.
		pr = wantProblem(t, xueyuan, "POST", fmt.Sprintf("/api/nodes/%d/move", p.xyGrid1), map[string]any{"parent_id": p.huicui}, 422)
		fieldIs("move under own child", pr, "parent_id")
		if !strings.Contains(pr.Detail, "itself") {
			t.Errorf("move under own child: detail %q does not say why", pr.Detail)
		}
		pr = wantProblem(t, xueyuan, "POST", fmt.Sprintf("/api/nodes/%d/move", p.huicui), map[string]any{"parent_id": p.huicui}, 422)
		fieldIs("move under itself", pr, "parent_id")
		pr = wantProblem(t, xueyuan, "POST", fmt.Sprintf("/api/nodes/%d/move", p.huicui), map[string]any{"parent_id": p.xueyuan}, 422)
		fieldIs("estate under a community", pr, "parent_id")
		pr = wantProblem(t, xueyuan, "POST", fmt.Sprintf("/api/nodes/%d/move", p.huicui), map[string]any{"parent_id": 999999999}, 422)
		fieldIs("move under nothing", pr, "parent_id")
		wantProblem(t, xueyuan, "DELETE", fmt.Sprintf("/api/nodes/%d", p.huicuiU3), nil, 409) // not empty
	}
}

// A resident reads the own household, and nothing of the neighbours'
// (not even the room number in the refusal); it reveals and edits nothing.
func resident(t *testing.T, s *webtest.Server, w *demotest.World) {
	{
		p := demoPlaces(t, w)
		resident := s.As(t, w.Actors(t, "resident")["resident"])

		var own registry.Household
		res := resident.Get(fmt.Sprintf("/api/households/%d", p.hh602))
		if res.Status != http.StatusOK {
			t.Fatalf("resident's own household: %d %s", res.Status, res)
		}
		res.Decode(t, &own)
		if own.Room != "602" || len(own.Members) == 0 {
			t.Fatalf("resident's own household: %+v", own)
		}
		res = resident.Get(fmt.Sprintf("/api/households/%d", p.hh601))
		if res.Status != http.StatusForbidden {
			t.Errorf("the neighbour's household: %d, want 403", res.Status)
		} else if pr := res.Problem(t); pr.Code == "" || strings.Contains(res.String(), "601") {
			t.Errorf("403 for the neighbour's household: code %q, names the room: %s", pr.Code, res)
		}
		// Another community's household answers like one that does not
		// exist: its id cannot be probed.
		resident.Get(fmt.Sprintf("/api/households/%d", p.jxHH402)).SameAs(t, resident.Get("/api/households/999999999"))
		wantProblem(t, resident, "POST", fmt.Sprintf("/api/people/%d/reveal?field=phone", own.Members[0].PersonID), nil, http.StatusForbidden)
		wantProblem(t, resident, "PUT", fmt.Sprintf("/api/households/%d", p.hh602), map[string]any{"floor": 6, "room": "602", "area": "99.00"}, http.StatusForbidden)
		if st := resident.Get(fmt.Sprintf("/households/%d", p.hh601)).Status; st != http.StatusForbidden {
			t.Errorf("resident GET /households/<neighbour>: %d, want 403", st)
		}
		if st := resident.Get(fmt.Sprintf("/households/%d", p.hh602)).Status; st != http.StatusOK {
			t.Errorf("resident GET /households/<own>: %d, want 200", st)
		}
	}
}

// 荟萃花园南区1号楼 is eight units of six floors, two flats per landing: the
// building view is that grid, top floor first, for staff and grid worker.
func buildingView(t *testing.T, s *webtest.Server, w *demotest.World) {
	{
		p := demoPlaces(t, w)
		for name, a := range w.Actors(t, "xueyuan", "grid1") {
			var v struct {
				Building registry.Node
				Units    []registry.Node
				Floors   []struct {
					Floor int
					Cells []struct {
						UnitID     int64
						Households []registry.HouseholdBrief
					}
				}
				Total int
			}
			res := s.As(t, a).Get(fmt.Sprintf("/api/buildings/%d/view", p.huicuiB1))
			if res.Status != http.StatusOK {
				t.Fatalf("%s: building view: %d %s", name, res.Status, res)
			}
			res.Decode(t, &v)
			if v.Building.ID != p.huicuiB1 || len(v.Units) != 8 || len(v.Floors) != 6 || v.Total != 96 {
				t.Fatalf("building view: building %d, %d units, %d floors, %d households; want 8, 6, 96", v.Building.ID, len(v.Units), len(v.Floors), v.Total)
			}
			seen := map[int64]bool{}
			for i, f := range v.Floors {
				if f.Floor != 6-i {
					t.Errorf("row %d is floor %d, want %d (top first)", i, f.Floor, 6-i)
				}
				if len(f.Cells) != 8 {
					t.Errorf("floor %d: %d cells, want 8", f.Floor, len(f.Cells))
				}
				for j, cell := range f.Cells {
					if cell.UnitID != v.Units[j].ID {
						t.Errorf("floor %d cell %d: unit %d, want %d", f.Floor, j, cell.UnitID, v.Units[j].ID)
					}
					if len(cell.Households) != 2 {
						t.Errorf("floor %d unit %s: %d households, want 2", f.Floor, v.Units[j].Name, len(cell.Households))
					}
					for _, h := range cell.Households {
						if !strings.HasPrefix(h.Room, fmt.Sprint(f.Floor)) || h.Owners == "" || h.AreaCenti <= 0 {
							t.Errorf("floor %d: household %+v", f.Floor, h)
						}
						seen[h.ID] = true
					}
				}
			}
			if len(seen) != 96 {
				t.Errorf("%d distinct households in the view, want 96", len(seen))
			}
		}
	}
}
