package registry_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

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

// Bad input gets the right status and a problem document naming the
// field: the rules of each level of the tree, community codes, households
// and members, moves, and input that cannot be read at all.
func TestProblems(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		s, w := registryServer(t, db)
		as := w.Actors(t, "xueyuan", "street")
		xueyuan, street := s.As(t, as["xueyuan"]), s.As(t, as["street"])
		streetNode := demoNode(t, w)
		xyNode := demoNode(t, w, "学苑社区")
		p := struct{ street, xueyuan, xyGrid1, huicui, huicuiB1, huicuiU3, hh602 int64 }{
			street: streetNode.ID, xueyuan: xyNode.ID,
			xyGrid1:  demoNode(t, w, "学苑社区", "第一网格").ID,
			huicui:   demoNode(t, w, "学苑社区", "第一网格", "荟萃花园南区").ID,
			huicuiB1: demoNode(t, w, "学苑社区", "第一网格", "荟萃花园南区", "1号楼").ID,
			huicuiU3: demoNode(t, w, "学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元").ID,
		}
		hh602, err := w.Registry.HouseholdByRoom(w.Ctx, p.huicuiU3, "602")
		if err != nil {
			t.Fatal(err)
		}
		p.hh602 = hh602

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
	})
}
