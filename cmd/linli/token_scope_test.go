package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// API tokens narrowed through the API: a token scoped to 学苑's first grid
// reads and acts there and nowhere else (another grid's place answers 404,
// like an unknown one); a read-only token reads and gets 403 on every
// write, through the router and through the pages alike.
func TestTokenScopesEndToEnd(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	p := demoPlaces(t, s)
	staff := s.login(t, "xueyuan")
	var scoped, ro struct{ Token string }
	wantStatus(t, staff, "POST", "/api/tokens", map[string]any{"name": "第一网格对接", "node_id": p.xyGrid1}, 201, &scoped)
	wantStatus(t, staff, "POST", "/api/tokens", map[string]any{"name": "只读", "read_only": true}, 201, &ro)
	wantProblem(t, staff, "POST", "/api/tokens", map[string]any{"name": "越权", "node_id": p.jixiang}, 422)

	sc := bearer(s, t, scoped.Token)
	wantStatus(t, sc, "GET", fmt.Sprintf("/api/nodes/%d", p.huicui), nil, 200, nil)
	wantStatus(t, sc, "GET", fmt.Sprintf("/api/households/%d", p.hh602), nil, 200, nil)
	wantProblem(t, sc, "GET", fmt.Sprintf("/api/nodes/%d", p.shuxiang), nil, 404)
	wantProblem(t, sc, "POST", "/api/nodes", map[string]any{"parent_id": p.xyGrid2, "kind": "estate", "name": "越界小区"}, 422)
	wantStatus(t, sc, "POST", "/api/nodes", map[string]any{"parent_id": p.xyGrid1, "kind": "estate", "name": "网格内新小区"}, 201, nil)

	rb := bearer(s, t, ro.Token)
	wantStatus(t, rb, "GET", fmt.Sprintf("/api/households/%d", p.hh602), nil, 200, nil)
	wantProblem(t, rb, "PUT", fmt.Sprintf("/api/households/%d", p.hh602), map[string]any{"floor": 6, "room": "602", "area": "99.00"}, 403)
	wantProblem(t, rb, "POST", "/api/nodes", map[string]any{"parent_id": p.xyGrid1, "kind": "estate", "name": "只读新小区"}, 403)
	wantProblem(t, rb, "POST", "/api/cases", map[string]any{"category": "noise", "title": "夜间噪声", "location_id": p.huicuiB1}, 403)

	var list struct {
		Tokens []struct {
			Name     string `json:"name"`
			NodeID   int64  `json:"node_id"`
			ReadOnly bool   `json:"read_only"`
		}
	}
	// The account page's form makes the same narrowed token.
	if res := staff.postForm("/account/tokens", url.Values{"name": {"页面令牌"}, "node_id": {fmt.Sprint(p.xyGrid1)}, "read_only": {"1"}}); res.StatusCode != 200 {
		t.Errorf("token form: %d", res.StatusCode)
	}
	if st, body := staff.do("GET", "/account", nil); st != 200 || !strings.Contains(string(body), "限于 第一网格") || !strings.Contains(string(body), "只读") {
		t.Errorf("account page: %d, the tokens' narrowing not shown", st)
	}
	wantStatus(t, staff, "GET", "/api/tokens", nil, 200, &list)
	if len(list.Tokens) != 3 || !list.Tokens[0].ReadOnly || list.Tokens[0].NodeID != p.xyGrid1 || !list.Tokens[1].ReadOnly || list.Tokens[2].NodeID != p.xyGrid1 {
		t.Errorf("tokens %+v", list.Tokens)
	}
}
