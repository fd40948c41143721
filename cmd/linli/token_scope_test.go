package main

import (
	"fmt"
	"net/url"
	"regexp"
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

// The account page's token form names its places: the select lists, by
// name, the places under the account's roles down to estates (an
// administrator of the city can narrow a token to a community), never
// one outside them; a refused place comes back with the error under the
// select, the form open and as it was sent; the hints are in both
// languages.
func TestTokenFormPlacesByName(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	p := demoPlaces(t, s)
	option := func(body string, id int64) string {
		t.Helper()
		m := regexp.MustCompile(fmt.Sprintf(`<option value="%d"[^>]*>([^<]*)</option>`, id)).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return strings.TrimSpace(strings.Trim(m[1], "　"))
	}
	tokenForm := func(body string) string {
		t.Helper()
		i := strings.Index(body, `id="token-node"`)
		if i < 0 {
			t.Fatal("the account page has no place select for tokens")
		}
		return body[i:min(len(body), i+strings.Index(body[i:], "</select>"))]
	}

	_, page := s.login(t, "admin").page("/account")
	sel := tokenForm(page)
	for id, name := range map[int64]string{p.xueyuan: "学苑社区", p.xyGrid1: "第一网格", p.huicui: "荟萃花园南区", p.jixiang: "吉祥社区"} {
		if got := option(sel, id); got != name {
			t.Errorf("the administrator's token form: place %d shows %q, want %q", id, got, name)
		}
	}
	if option(sel, p.huicuiB1) != "" {
		t.Error("the token form lists buildings: it lists places down to estates")
	}

	staff := s.login(t, "xueyuan")
	_, page = staff.page("/account")
	sel = tokenForm(page)
	if option(sel, p.xyGrid1) != "第一网格" || option(sel, p.jixiang) != "" || option(sel, p.street) != "" {
		t.Errorf("学苑社区's staff: the token form should list 学苑社区's places only:\n%s", sel)
	}
	st, body := staff.form("/account/tokens", url.Values{"name": {"越权令牌"}, "node_id": {fmt.Sprint(p.jixiang)}, "read_only": {"1"}})
	b := string(body)
	if st != 422 {
		t.Errorf("a token on another community's place: %d, want 422", st)
	}
	for _, want := range []string{`data-test="err-node_id"`, `value="越权令牌"`, `name="read_only" value="1" checked`} {
		if !strings.Contains(b, want) {
			t.Errorf("the refused token form lacks %s", want)
		}
	}
	if !regexp.MustCompile(`<details class="card" open>\s*<summary><b>API 令牌`).MatchString(b) {
		t.Error("the refused token form is folded away: its error is not seen")
	}
	if i, j := strings.Index(b, `id="token-node"`), strings.Index(b, `data-test="err-node_id"`); i < 0 || j < i || j-i > 4000 {
		t.Error("the place's error is not next to the place's select")
	}

	_, page = english(t, s, "xueyuan").page("/account")
	for _, want := range []string{"The token sees and acts only on this place", "For links that only take data"} {
		if !strings.Contains(page, want) {
			t.Errorf("the English account page lacks %q", want)
		}
	}
}
