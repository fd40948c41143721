package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"linli/audit"
	"linli/registry"
)

// This file tests the registry's JSON API through the real server: scope
// isolation between communities, masking and the audited reveal, and CRUD
// with its audit trail. Problem documents for bad input, a resident's view
// and the building view are tested next to the handlers, in package registry.

// call sends a request with extra headers and returns the response (body
// already read and closed) and its body.
func (c *client) call(method, path string, body io.Reader, header http.Header) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, out
}

// jsonBody marshals v unless it already is bytes.
func jsonBody(v any) io.Reader {
	switch b := v.(type) {
	case nil:
		return nil
	case []byte:
		return bytes.NewReader(b)
	case string:
		return strings.NewReader(b)
	}
	js, _ := json.Marshal(v)
	return bytes.NewReader(js)
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// wantProblem sends a JSON request and checks that the answer is an RFC 9457
// problem document with the status and a code; it returns the document and
// the raw body (for checks that nothing leaked).
func wantProblem(t *testing.T, c *client, method, path string, body any, status int) (problem, []byte) {
	t.Helper()
	return checkProblem(t, method+" "+path, status)(c.call(method, path, jsonBody(body), jsonHeader))
}

// checkProblem returns a function that checks a response is a problem
// document with the status.
func checkProblem(t *testing.T, what string, status int) func(*http.Response, []byte) (problem, []byte) {
	return func(res *http.Response, b []byte) (problem, []byte) {
		t.Helper()
		var p problem
		if res.StatusCode != status {
			t.Errorf("%s: status %d, want %d: %.300s", what, res.StatusCode, status, b)
			return p, b
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("%s: Content-Type %q, want application/problem+json", what, ct)
		}
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("%s: body is not JSON: %.300s", what, b)
			return p, b
		}
		if p.Code == "" || p.Status != status {
			t.Errorf("%s: problem has code %q status %d, want a code and status %d", what, p.Code, p.Status, status)
		}
		return p, b
	}
}

// wantStatus sends a JSON request and checks the status; v (if not nil)
// receives the answer.
func wantStatus(t *testing.T, c *client, method, path string, body any, status int, v any) {
	t.Helper()
	res, b := c.call(method, path, jsonBody(body), jsonHeader)
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d: %.400s", method, path, res.StatusCode, status, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: not JSON: %.300s", method, path, b)
		}
	}
}

// places are the ids of the demo nodes and households the tests use.
type places struct {
	street, xueyuan, xyGrid1, xyGrid2, huicui, huicuiB1, huicuiU3 int64
	shuxiang                                                      int64
	jixiang, jxGrid, jxEstate, jxB1, jxU2                         int64
	hh602, hh601, jxHH402                                         int64 // 荟萃花园南区1号楼3单元602 (resident), 601, 吉祥花园1号楼2单元402
}

func demoPlaces(t *testing.T, s *testServer) places {
	t.Helper()
	ctx := context.Background()
	node := func(names ...string) int64 {
		t.Helper()
		n, err := s.Registry.FindNode(ctx, append([]string{"运城市", "盐湖区", "东城街道"}, names...))
		if err != nil {
			t.Fatalf("demo place %v: %v", names, err)
		}
		return n.ID
	}
	room := func(unit int64, rm string) int64 {
		t.Helper()
		id, err := s.Registry.HouseholdByRoom(ctx, unit, rm)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	var p places
	p.street = node()
	p.xueyuan = node("学苑社区")
	p.xyGrid1 = node("学苑社区", "第一网格")
	p.xyGrid2 = node("学苑社区", "第二网格")
	p.huicui = node("学苑社区", "第一网格", "荟萃花园南区")
	p.huicuiB1 = node("学苑社区", "第一网格", "荟萃花园南区", "1号楼")
	p.huicuiU3 = node("学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元")
	p.shuxiang = node("学苑社区", "第二网格", "书香苑")
	p.jixiang = node("吉祥社区")
	p.jxGrid = node("吉祥社区", "第一网格")
	p.jxEstate = node("吉祥社区", "第一网格", "吉祥花园")
	p.jxB1 = node("吉祥社区", "第一网格", "吉祥花园", "1号楼")
	p.jxU2 = node("吉祥社区", "第一网格", "吉祥花园", "1号楼", "2单元")
	p.hh602 = room(p.huicuiU3, "602")
	p.hh601 = room(p.huicuiU3, "601")
	p.jxHH402 = room(p.jxU2, "402")
	return p
}

// household fetches a household as c, failing unless it is 200.
func household(t *testing.T, c *client, id int64) registry.Household {
	t.Helper()
	var h registry.Household
	wantStatus(t, c, "GET", fmt.Sprintf("/api/households/%d", id), nil, http.StatusOK, &h)
	return h
}

// nodePath returns the path of a node from the database.
func nodePath(t *testing.T, s *testServer, id int64) string {
	t.Helper()
	n, err := s.Registry.NodeByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return n.Path
}

// multipartFile builds a multipart body with one file field "file".
func multipartFile(t *testing.T, name string, data []byte) (io.Reader, http.Header) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, http.Header{"Content-Type": {mw.FormDataContentType()}}
}

// auditEntries lists audit entries as c (who must hold audit.read).
func auditEntries(t *testing.T, c *client, query string) []audit.Entry {
	t.Helper()
	var out struct{ Entries []audit.Entry }
	wantStatus(t, c, "GET", "/api/audit?limit=500&"+query, nil, http.StatusOK, &out)
	return out.Entries
}

func hasAction(es []audit.Entry, action string, entityID int64) bool {
	for _, e := range es {
		if e.Action == action && (entityID == 0 || e.EntityID == entityID) {
			return true
		}
	}
	return false
}

var maskedPhone = regexp.MustCompile(`^1\d{2}\*{4}\d{4}$`)

func TestRegistryAPI(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		p := demoPlaces(t, s)
		xueyuan, grid1 := s.login(t, "xueyuan"), s.login(t, "grid1")
		jixiang, jxgrid := s.login(t, "jixiang"), s.login(t, "jxgrid")
		resident, building := s.login(t, "resident"), s.login(t, "building")

		t.Run("isolation", func(t *testing.T) { testIsolation(t, s, p, xueyuan, grid1, jixiang, jxgrid) })
		t.Run("masking", func(t *testing.T) { testMasking(t, s, p, xueyuan, grid1, jixiang, resident, building) })
		// Bad input, a resident's view and the building view are tested in
		// package registry; an /api/ path no route serves is the wiring's.
		t.Run("no such endpoint", func(t *testing.T) { wantProblem(t, xueyuan, "GET", "/api/no-such-thing", nil, 404) })
		// Last: it changes the tree (a grid moves to 吉祥社区).
		t.Run("crud", func(t *testing.T) { testCRUD(t, s, p, xueyuan, jixiang, s.login(t, "street")) })
	})
}

// testIsolation: staff and grid workers of one community get 403 — and
// nothing of the record — for every route that touches the other's data.
func testIsolation(t *testing.T, s *testServer, p places, xueyuan, grid1, jixiang, jxgrid *client) {
	// The records each side must not see, read by their own staff.
	jxHH := household(t, jixiang, p.jxHH402)
	xyHH := household(t, xueyuan, p.hh602)
	if len(jxHH.Members) == 0 || len(xyHH.Members) == 0 {
		t.Fatalf("demo households without members: %+v %+v", jxHH, xyHH)
	}

	type side struct {
		name      string
		users     map[string]*client
		household registry.Household
		community int64 // of the other side
		node      int64 // an estate of the other side
		building  int64
		unit      int64
		scope     string // the users' own community path
		words     []string
	}
	secret := func(h registry.Household) []string {
		w := []string{h.Estate}
		for _, m := range h.Members {
			w = append(w, m.Name, m.Phone)
		}
		return w
	}
	sides := []side{
		{name: "学苑→吉祥", users: map[string]*client{"xueyuan": xueyuan, "grid1": grid1}, household: jxHH,
			community: p.jixiang, node: p.jxEstate, building: p.jxB1, unit: p.jxU2, scope: nodePath(t, s, p.xueyuan), words: secret(jxHH)},
		{name: "吉祥→学苑", users: map[string]*client{"jixiang": jixiang, "jxgrid": jxgrid}, household: xyHH,
			community: p.xueyuan, node: p.huicui, building: p.huicuiB1, unit: p.huicuiU3, scope: nodePath(t, s, p.jixiang), words: secret(xyHH)},
	}
	for _, sd := range sides {
		for name, c := range sd.users {
			t.Run(sd.name+"/"+name, func(t *testing.T) {
				h := sd.household
				person := h.Members[0].PersonID
				file, fileHdr := multipartFile(t, "台账.csv", []byte("小区,楼栋,单元,楼层,房号,建筑面积(㎡)\n"))
				cases := []struct {
					method, path string
					body         any
					header       http.Header
				}{
					{"GET", fmt.Sprintf("/api/households/%d", h.ID), nil, nil},
					{"PUT", fmt.Sprintf("/api/households/%d", h.ID), map[string]any{"floor": h.Floor, "room": h.Room, "area": "99.00", "note": "越权修改"}, nil},
					{"DELETE", fmt.Sprintf("/api/households/%d", h.ID), nil, nil},
					{"POST", fmt.Sprintf("/api/households/%d/members", h.ID), map[string]any{"name": "越权添加", "relation": "family", "phone": "13900009999"}, nil},
					{"POST", "/api/households", map[string]any{"unit_id": sd.unit, "floor": 1, "room": "1999", "area": "80.00"}, nil},
					{"POST", fmt.Sprintf("/api/people/%d/reveal?field=phone", person), nil, nil},
					{"POST", fmt.Sprintf("/api/people/%d/reveal?field=id_number", person), nil, nil},
					{"GET", fmt.Sprintf("/api/nodes/%d", sd.node), nil, nil},
					{"GET", fmt.Sprintf("/api/nodes/%d", sd.community), nil, nil},
					{"GET", fmt.Sprintf("/api/nodes?parent_id=%d", sd.community), nil, nil},
					{"PUT", fmt.Sprintf("/api/nodes/%d", sd.node), map[string]any{"name": "越权改名"}, nil},
					{"DELETE", fmt.Sprintf("/api/nodes/%d", sd.unit), nil, nil},
					{"POST", "/api/nodes", map[string]any{"parent_id": sd.community, "kind": "grid", "name": "越权网格"}, nil},
					{"POST", fmt.Sprintf("/api/nodes/%d/move", sd.node), map[string]any{"parent_id": p.xyGrid2}, nil},
					{"GET", fmt.Sprintf("/api/buildings/%d/view", sd.building), nil, nil},
					{"GET", fmt.Sprintf("/api/households?node_id=%d", sd.community), nil, nil},
					{"GET", fmt.Sprintf("/api/nodes/%d/export", sd.community), nil, nil},
					{"GET", fmt.Sprintf("/api/nodes/%d/export?format=csv", sd.node), nil, nil},
					{"POST", fmt.Sprintf("/api/communities/%d/import", sd.community), file, fileHdr},
				}
				for _, tc := range cases {
					hdr := tc.header
					if hdr == nil {
						hdr = jsonHeader
					}
					body, ok := tc.body.(io.Reader)
					if !ok {
						body = jsonBody(tc.body)
					}
					what := name + " " + tc.method + " " + tc.path
					// Another community's records answer like unknown ones:
					// 404 for an id in the path, 422 for one in the body.
					want := http.StatusNotFound
					if tc.path == "/api/households" || tc.path == "/api/nodes" {
						want = http.StatusUnprocessableEntity
					}
					_, b := checkProblem(t, what, want)(c.call(tc.method, tc.path, body, hdr))
					for _, w := range append([]string{`"room"`, `"members"`, h.Room}, sd.words...) {
						if w != "" && bytes.Contains(b, []byte(w)) {
							t.Errorf("%s: the 403 body holds %q: %s", what, w, b)
						}
					}
				}
				// Pages refuse too, and show nothing of the record.
				for _, path := range []string{fmt.Sprintf("/households/%d", h.ID), fmt.Sprintf("/buildings/%d", sd.building), fmt.Sprintf("/places/%d", sd.node)} {
					st, b := c.do("GET", path, nil)
					if st != http.StatusNotFound {
						t.Errorf("%s GET %s: status %d, want 404", name, path, st)
					}
					for _, w := range sd.words {
						if w != "" && bytes.Contains(b, []byte(w)) {
							t.Errorf("%s GET %s: the page holds %q", name, path, w)
						}
					}
				}
				// Lists without a node hold only the users' own community.
				var list struct {
					Households []registry.Household
					Total      int
				}
				wantStatus(t, c, "GET", "/api/households?limit=500", nil, http.StatusOK, &list)
				if list.Total == 0 || len(list.Households) != list.Total {
					t.Errorf("%s: own households: total %d, listed %d", name, list.Total, len(list.Households))
				}
				for _, x := range list.Households {
					if !strings.HasPrefix(x.Path, sd.scope) {
						t.Errorf("%s: list holds household %d at %s, outside %s", name, x.ID, x.Path, sd.scope)
					}
				}
				q := "/api/households?q=" + urlQuery(h.Members[0].Name)
				wantStatus(t, c, "GET", q, nil, http.StatusOK, &list)
				for _, x := range list.Households {
					if x.ID == h.ID {
						t.Errorf("%s: searching the other community's owner by name finds the household", name)
					}
				}
				// The street's children show only the own community.
				var kids struct{ Nodes []registry.Node }
				wantStatus(t, c, "GET", fmt.Sprintf("/api/nodes?parent_id=%d", p.street), nil, http.StatusOK, &kids)
				for _, n := range kids.Nodes {
					if n.ID == sd.community {
						t.Errorf("%s: the street's children list the other community", name)
					}
				}
			})
		}
	}
	// Nothing was changed by the refused writes.
	if after := household(t, jixiang, p.jxHH402); after.Area != jxHH.Area || after.Note != jxHH.Note || len(after.Members) != len(jxHH.Members) {
		t.Errorf("refused writes changed the household: before %+v, after %+v", jxHH, after)
	}
	if n := household(t, xueyuan, p.hh602); len(n.Members) != len(xyHH.Members) {
		t.Errorf("refused member add changed household 602")
	}
}

func urlQuery(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// testMasking: phone and ID numbers leave the API masked for every role;
// the plain value comes only from an audited reveal.
func testMasking(t *testing.T, s *testServer, p places, xueyuan, grid1, jixiang, resident, building *client) {
	ctx := context.Background()
	plain := func(personID int64) (phone, idn string) {
		t.Helper()
		if err := s.DB.QueryRow(ctx, `SELECT phone, id_number FROM people WHERE id = ?`, personID).Scan(&phone, &idn); err != nil {
			t.Fatal(err)
		}
		return
	}
	check := func(who string, h registry.Household, raw []byte) {
		t.Helper()
		for _, m := range h.Members {
			ph, idn := plain(m.PersonID)
			if ph != "" && (m.Phone != registry.MaskPhone(ph) || len(ph) == 11 && !maskedPhone.MatchString(m.Phone)) {
				t.Errorf("%s: member %s phone %q, want %s", who, m.Name, m.Phone, registry.MaskPhone(ph))
			}
			if ph != "" && bytes.Contains(raw, []byte(ph)) {
				t.Errorf("%s: the plain phone %s is in the answer", who, ph)
			}
			if idn != "" && (m.IDNumber == idn || !strings.Contains(m.IDNumber, "*") || bytes.Contains(raw, []byte(idn))) {
				t.Errorf("%s: member %s ID number %q not masked", who, m.Name, m.IDNumber)
			}
		}
	}
	admin := s.login(t, "admin")
	for who, c := range map[string]*client{"xueyuan": xueyuan, "grid1": grid1, "resident": resident, "building": building, "admin": admin} {
		res, b := c.call("GET", fmt.Sprintf("/api/households/%d", p.hh602), nil, nil)
		if res.StatusCode != 200 {
			t.Fatalf("%s GET household 602: %d %s", who, res.StatusCode, b)
		}
		var h registry.Household
		if err := json.Unmarshal(b, &h); err != nil {
			t.Fatal(err)
		}
		if len(h.Members) == 0 || h.Members[0].Phone == "" {
			t.Fatalf("%s: household 602 has no member with a phone: %s", who, b)
		}
		check(who, h, b)
	}
	// Lists are masked too.
	res, b := grid1.call("GET", fmt.Sprintf("/api/households?node_id=%d&limit=500", p.huicui), nil, nil)
	var list struct{ Households []registry.Household }
	if res.StatusCode != 200 || json.Unmarshal(b, &list) != nil || len(list.Households) != 96 {
		t.Fatalf("grid1 list 荟萃花园南区: %d, %d households", res.StatusCode, len(list.Households))
	}
	for _, h := range list.Households[:10] {
		check("grid1 list", h, b)
	}
	// The account API masks the account's phone.
	var me struct {
		AccountID int64 `json:"account_id"`
	}
	wantStatus(t, grid1, "GET", "/api/me", nil, 200, &me)

	h := household(t, grid1, p.hh602)
	person := h.Members[0].PersonID
	phone, idn := plain(person)
	before := len(auditEntries(t, xueyuan, "action=person.reveal"))

	var got struct{ Field, Value string }
	wantStatus(t, grid1, "POST", fmt.Sprintf("/api/people/%d/reveal?field=phone", person), nil, 200, &got)
	if got.Value != phone || got.Field != "phone" {
		t.Errorf("grid1 reveal phone: %+v, want %s", got, phone)
	}
	if idn != "" {
		wantStatus(t, xueyuan, "POST", fmt.Sprintf("/api/people/%d/reveal?field=id_number", person), nil, 200, &got)
		if got.Value != idn {
			t.Errorf("xueyuan reveal id_number: %q, want %q", got.Value, idn)
		}
	}
	es := auditEntries(t, xueyuan, "action=person.reveal")
	var mine bool
	for _, e := range es {
		if e.EntityID == person && e.AccountID == me.AccountID && strings.Contains(e.After, `"phone"`) {
			mine = true
		}
		if strings.Contains(e.Summary+e.After+e.Before, phone) {
			t.Errorf("the audit entry holds the plain phone: %+v", e)
		}
	}
	if !mine {
		t.Errorf("no person.reveal entry by grid1 for person %d in %+v", person, es)
	}

	// Refused reveals: a building head, the other community, bad field.
	wantProblem(t, building, "POST", fmt.Sprintf("/api/people/%d/reveal?field=phone", person), nil, http.StatusForbidden)
	wantProblem(t, jixiang, "POST", fmt.Sprintf("/api/people/%d/reveal?field=phone", person), nil, http.StatusNotFound)
	pr, _ := wantProblem(t, grid1, "POST", fmt.Sprintf("/api/people/%d/reveal?field=password", person), nil, http.StatusUnprocessableEntity)
	if !pr.hasField("field") {
		t.Errorf("reveal of an unknown field: errors %+v, want field", pr.Errors)
	}
	wantProblem(t, grid1, "POST", "/api/people/999999999/reveal?field=phone", nil, http.StatusNotFound)
	want := before + 1
	if idn != "" {
		want++
	}
	if n := len(auditEntries(t, xueyuan, "action=person.reveal")); n != want {
		t.Errorf("person.reveal entries: %d, want %d (refused reveals must not be logged as reveals)", n, want)
	}
}

// testCRUD: create, edit, move and delete places and households, each with
// its audit entry; a grid moved to another community takes its households'
// scope with it.
func testCRUD(t *testing.T, s *testServer, p places, xueyuan, jixiang, street *client) {
	var grid, estate, bld, unit, unit2 registry.Node
	wantStatus(t, xueyuan, "POST", "/api/nodes", map[string]any{"parent_id": p.xueyuan, "kind": "grid", "name": "第九网格", "code": "XY-09"}, 201, &grid)
	wantStatus(t, xueyuan, "POST", "/api/nodes", map[string]any{"parent_id": grid.ID, "kind": "estate", "name": "测试家园", "address": "学苑路1号"}, 201, &estate)
	wantStatus(t, xueyuan, "POST", "/api/nodes", map[string]any{"parent_id": estate.ID, "kind": "building", "name": "1号楼", "floors": 5}, 201, &bld)
	wantStatus(t, xueyuan, "POST", "/api/nodes", map[string]any{"parent_id": bld.ID, "kind": "unit", "name": "1单元", "floors": 5}, 201, &unit)
	wantStatus(t, xueyuan, "POST", "/api/nodes", map[string]any{"parent_id": bld.ID, "kind": "unit", "name": "2单元", "floors": 5}, 201, &unit2)
	if unit.Path != bld.Path+fmt.Sprint(unit.ID)+"/" || !strings.HasPrefix(grid.Path, nodePath(t, s, p.xueyuan)) {
		t.Fatalf("paths: grid %s, building %s, unit %s", grid.Path, bld.Path, unit.Path)
	}
	var renamed registry.Node
	wantStatus(t, xueyuan, "PUT", fmt.Sprintf("/api/nodes/%d", estate.ID), map[string]any{"name": "测试家园（一期）", "address": "学苑路2号"}, 200, &renamed)
	if renamed.Name != "测试家园（一期）" || renamed.Kind != "estate" || renamed.Address != "学苑路2号" {
		t.Errorf("renamed estate: %+v", renamed)
	}

	var h registry.Household
	wantStatus(t, xueyuan, "POST", "/api/households", map[string]any{"unit_id": unit.ID, "floor": 3, "room": "301", "area": "86.5",
		"members": []map[string]any{{"name": "测试业主", "relation": "owner", "phone": "13900001234", "id_number": ""}}}, 201, &h)
	if h.Area != "86.50" || h.AreaCenti != 8650 || len(h.Members) != 1 || !h.Members[0].IsOwner || h.Members[0].Phone != "139****1234" {
		t.Errorf("created household: %+v", h)
	}
	wantStatus(t, xueyuan, "POST", fmt.Sprintf("/api/households/%d/members", h.ID), map[string]any{"name": "测试租客", "relation": "tenant", "phone": "0359-2012345"}, 201, &h)
	if len(h.Members) != 2 {
		t.Fatalf("after adding a member: %+v", h.Members)
	}
	var upd registry.Household
	wantStatus(t, xueyuan, "PUT", fmt.Sprintf("/api/households/%d", h.ID), map[string]any{"floor": 3, "room": "302", "area": "90.05", "note": "已核实"}, 200, &upd)
	if upd.Room != "302" || upd.AreaCenti != 9005 || upd.Note != "已核实" || len(upd.Members) != 2 {
		t.Errorf("updated household: %+v", upd)
	}
	wantStatus(t, xueyuan, "DELETE", fmt.Sprintf("/api/households/%d/members/%d", h.ID, h.Members[1].ID), nil, 200, &h)
	if len(h.Members) != 1 || h.Members[0].Name != "测试业主" {
		t.Errorf("after removing the tenant: %+v", h.Members)
	}
	// A unit moves to another building of the estate.
	var bld2, movedUnit registry.Node
	wantStatus(t, xueyuan, "POST", "/api/nodes", map[string]any{"parent_id": estate.ID, "kind": "building", "name": "2号楼", "floors": 5}, 201, &bld2)
	wantStatus(t, xueyuan, "POST", fmt.Sprintf("/api/nodes/%d/move", unit2.ID), map[string]any{"parent_id": bld2.ID}, 200, &movedUnit)
	if movedUnit.ParentID != bld2.ID || movedUnit.Path != bld2.Path+fmt.Sprint(unit2.ID)+"/" {
		t.Errorf("moved unit: %+v", movedUnit)
	}
	if st, _ := xueyuan.do("DELETE", fmt.Sprintf("/api/nodes/%d", unit2.ID), nil); st != 204 {
		t.Errorf("delete the empty unit: %d", st)
	}
	wantProblem(t, xueyuan, "GET", fmt.Sprintf("/api/nodes/%d", unit2.ID), nil, 404)

	es := auditEntries(t, xueyuan, "")
	for _, want := range []struct {
		action string
		id     int64
	}{
		{"node.create", grid.ID}, {"node.create", unit.ID}, {"node.update", estate.ID}, {"node.move", unit2.ID}, {"node.delete", unit2.ID},
		{"household.create", h.ID}, {"household.update", h.ID}, {"household.member.add", h.ID}, {"household.member.remove", h.ID},
	} {
		if !hasAction(es, want.action, want.id) {
			t.Errorf("no audit entry %s for %d", want.action, want.id)
		}
	}
	// The other community's staff do not see these entries.
	for _, e := range auditEntries(t, jixiang, "") {
		if e.EntityID == h.ID && e.Entity == "household" || e.EntityID == grid.ID && e.Entity == "node" {
			t.Errorf("吉祥社区 staff read 学苑社区's audit entry %+v", e)
		}
	}

	// Move the whole grid to 吉祥社区 (the street office may: it holds both).
	wantStatus(t, xueyuan, "POST", fmt.Sprintf("/api/people/%d/reveal?field=phone", h.Members[0].PersonID), nil, 200, nil)
	// Records of a community the actor does not see answer like unknown
	// ones (404 for a path id, 422 for a body id): ids cannot be probed.
	wantProblem(t, jixiang, "GET", fmt.Sprintf("/api/households/%d", h.ID), nil, 404)
	wantProblem(t, xueyuan, "POST", fmt.Sprintf("/api/nodes/%d/move", grid.ID), map[string]any{"parent_id": p.jixiang}, 422)
	var moved registry.Node
	wantStatus(t, street, "POST", fmt.Sprintf("/api/nodes/%d/move", grid.ID), map[string]any{"parent_id": p.jixiang}, 200, &moved)
	jxPath := nodePath(t, s, p.jixiang)
	if moved.Path != jxPath+fmt.Sprint(grid.ID)+"/" {
		t.Errorf("moved grid path %s, want under %s", moved.Path, jxPath)
	}
	if got := nodePath(t, s, unit.ID); !strings.HasPrefix(got, moved.Path) {
		t.Errorf("unit path %s not under the moved grid %s", got, moved.Path)
	}
	after := household(t, jixiang, h.ID)
	if !strings.HasPrefix(after.Path, moved.Path) {
		t.Errorf("household path %s not under the moved grid %s", after.Path, moved.Path)
	}
	wantProblem(t, xueyuan, "GET", fmt.Sprintf("/api/households/%d", h.ID), nil, 404)
	wantProblem(t, xueyuan, "PUT", fmt.Sprintf("/api/households/%d", h.ID), map[string]any{"floor": 3, "room": "302", "area": "90.05"}, 404)
	wantProblem(t, xueyuan, "GET", fmt.Sprintf("/api/buildings/%d/view", bld.ID), nil, 404)
	wantProblem(t, xueyuan, "POST", fmt.Sprintf("/api/people/%d/reveal?field=phone", h.Members[0].PersonID), nil, 404)
	var list struct{ Households []registry.Household }
	wantStatus(t, jixiang, "GET", fmt.Sprintf("/api/households?node_id=%d", p.jixiang)+"&q=302", nil, 200, &list)
	found := false
	for _, x := range list.Households {
		found = found || x.ID == h.ID
	}
	if !found {
		t.Errorf("吉祥社区's list does not hold the moved household")
	}
	var rev struct{ Value string }
	wantStatus(t, jixiang, "POST", fmt.Sprintf("/api/people/%d/reveal?field=phone", h.Members[0].PersonID), nil, 200, &rev)
	if rev.Value != "13900001234" {
		t.Errorf("jixiang reveal after the move: %q", rev.Value)
	}
	if !hasAction(auditEntries(t, jixiang, "action=node.move"), "node.move", grid.ID) {
		t.Errorf("吉祥社区 staff do not see the move into their community")
	}

	// Delete: household, then the now-empty places bottom-up.
	if st, b := jixiang.do("DELETE", fmt.Sprintf("/api/households/%d", h.ID), nil); st != 204 {
		t.Fatalf("delete household: %d %s", st, b)
	}
	for _, id := range []int64{unit.ID, bld.ID, bld2.ID, estate.ID, grid.ID} {
		if st, b := jixiang.do("DELETE", fmt.Sprintf("/api/nodes/%d", id), nil); st != 204 {
			t.Errorf("delete node %d: %d %s", id, st, b)
		}
	}
	if !hasAction(auditEntries(t, jixiang, "action=household.delete"), "household.delete", h.ID) {
		t.Errorf("no household.delete entry")
	}
}
