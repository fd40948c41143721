package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"linli/demo"
	"linli/registry"
	"linli/registry/ledger"
)

var demoCode = regexp.MustCompile(`data-test="demo-code">[^<]*<b>([0-9]{6})</b>`)

// A resident with no account registers on the pages of `linli demo` (the
// code shown on the page), picks their room through the cascade and is a
// resident at once, their phone being the register's; someone else's claim
// waits for the community, who approve it on /claims. Codes are throttled
// with a 429 problem.
func TestRegisterAndClaimPages(t *testing.T) {
	m, _ := newTestMain(t, demoSQLite(t))
	m.Config.Demo = true
	ctx := context.Background()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ensureDemo(ctx, m, demo.Build()); err != nil {
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.server.Close() })
	s := &testServer{Main: m, URL: m.URL()}

	// A household of 荟萃花园南区 1号楼 whose owner's phone has no account.
	building, err := m.Registry.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := m.Registry.HouseholdsUnder(ctx, m.DB, building.Path)
	if err != nil {
		t.Fatal(err)
	}
	var hh registry.Household
	var phone string
	for _, h := range hs {
		os, err := m.Registry.OwnerContacts(ctx, m.DB, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range os {
			p := ledger.NormalizePhone(o.Phone)
			if _, err := m.Auth.FindAccount(ctx, p); p != "" && err != nil && phone == "" {
				hh, phone = h, p
			}
		}
	}
	if phone == "" {
		t.Fatal("no owner without an account")
	}

	register := func(phone string) *client {
		c := s.anon(t)
		if st, body := c.do("GET", "/login", nil); st != 200 || !strings.Contains(string(body), `href="/register"`) {
			t.Fatalf("the login page does not offer registration: %d", st)
		}
		st, page := c.form("/register", url.Values{"step": {"send"}, "phone": {phone}})
		body := string(page)
		m := demoCode.FindStringSubmatch(body)
		if st != 200 || m == nil {
			t.Fatalf("send code: %d, no code shown: %.1500s", st, body)
		}
		st, page = c.form("/register", url.Values{"step": {"create"}, "phone": {phone}, "code": {"12345"}, "display_name": {"新居民"}, "password": {"Neighbour-2026"}})
		body = string(page)
		if st != 422 || !strings.Contains(body, `data-test="err-code"`) || !strings.Contains(body, `value="新居民"`) {
			t.Fatalf("a short code: %d, no error beside the field or the name lost: %.2000s", st, body)
		}
		res := c.postForm("/register", url.Values{"step": {"create"}, "phone": {phone}, "code": {m[1]}, "display_name": {"新居民"}, "password": {"Neighbour-2026"}})
		if st, loc := res.StatusCode, res.Header.Get("Location"); st != http.StatusSeeOther || loc != "/claim" {
			t.Fatalf("register: %d → %q", st, loc)
		}
		return c
	}
	c := register(phone)
	if st, body := c.do("GET", "/", nil); st != 200 || !strings.Contains(string(body), `data-panel="claim"`) {
		t.Errorf("the new account's home does not offer the claim: %d", st)
	}

	// The cascade, one level at a time.
	line, err := m.Registry.Lineage(ctx, m.DB, hh.UnitID)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[registry.Kind]int64{}
	for _, n := range line {
		ids[n.Kind] = n.ID
	}
	q := url.Values{}
	for _, lvl := range []struct {
		key  string
		kind registry.Kind
	}{{"community", registry.KindCommunity}, {"estate", registry.KindEstate}, {"building", registry.KindBuilding}, {"unit", registry.KindUnit}} {
		st, body := c.do("GET", "/claim?"+q.Encode(), nil)
		opt := fmt.Sprintf(`<option value="%d"`, ids[lvl.kind])
		if st != 200 || !strings.Contains(string(body), `name="`+lvl.key+`"`) || !strings.Contains(string(body), opt) {
			t.Fatalf("claim page with %v: %d, no %s choice %s", q, st, lvl.key, opt)
		}
		q.Set(lvl.key, fmt.Sprint(ids[lvl.kind]))
	}
	if _, body := c.do("GET", "/claim?"+q.Encode(), nil); !strings.Contains(string(body), fmt.Sprintf(`<option value="%d">%s</option>`, hh.ID, hh.Room)) {
		t.Fatalf("no room %s to choose", hh.Room)
	}
	res := c.postForm("/claim", url.Values{"household_id": {fmt.Sprint(hh.ID)}, "relation": {"owner"}})
	if st, loc := res.StatusCode, res.Header.Get("Location"); st != http.StatusSeeOther || loc != "/claim" {
		t.Fatalf("claim: %d → %q", st, loc)
	}
	var me struct {
		Grants []struct {
			Role        string `json:"role"`
			HouseholdID int64  `json:"household_id"`
		} `json:"grants"`
	}
	if st := c.json("GET", "/api/me", nil, &me); st != 200 || len(me.Grants) != 1 || me.Grants[0].Role != "resident" || me.Grants[0].HouseholdID != hh.ID {
		t.Fatalf("after the owner's claim: %d %+v", st, me)
	}

	// Someone else says they own it: the community decides.
	other := register("13912340077")
	form := url.Values{"household_id": {fmt.Sprint(hh.ID)}}
	for k, v := range q { // the picker's hidden fields
		form[k] = v
	}
	if st, body := other.form("/claim", form); st != 422 || !strings.Contains(string(body), `data-test="err-relation"`) || !strings.Contains(string(body), fmt.Sprintf(`<option value="%d" selected>`, hh.ID)) {
		t.Errorf("a claim without the relation: %d", st)
	}
	var claims struct {
		Mine []struct {
			ID    int64  `json:"id"`
			State string `json:"state"`
		} `json:"mine"`
	}
	if st := other.json("POST", "/api/claims", map[string]any{"household_id": hh.ID, "relation": "owner"}, nil); st != 201 {
		t.Fatalf("api claim: %d", st)
	}
	if other.json("GET", "/api/claims", nil, &claims); len(claims.Mine) != 1 || claims.Mine[0].State != "pending" {
		t.Fatalf("the other claim: %+v", claims)
	}
	id := claims.Mine[0].ID
	if st, body := s.login(t, "jixiang").do("POST", fmt.Sprintf("/claims/%d/decide", id), nil); st != 404 {
		t.Errorf("吉祥社区 decides a 学苑社区 claim: %d %.200s", st, body)
	}
	staff := s.login(t, "xueyuan")
	if st, body := staff.do("GET", "/claims", nil); st != 200 || !strings.Contains(string(body), fmt.Sprintf(`data-test="approve-%d"`, id)) {
		t.Fatalf("/claims does not list the claim: %d", st)
	}
	if st, body := staff.do("GET", "/", nil); !strings.Contains(string(body), `data-panel="claims"`) {
		t.Errorf("the staff home has no claims panel: %d", st)
	}
	if res := staff.postForm(fmt.Sprintf("/claims/%d/decide", id), url.Values{"approve": {"1"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/claims" {
		t.Fatalf("approve: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if other.json("GET", "/api/claims", nil, &claims); claims.Mine[0].State != "approved" {
		t.Errorf("after approval: %+v", claims)
	}

	// Throttled: a second code within the minute is a 429 problem.
	a := s.anon(t)
	if st, body := a.do("POST", "/api/register/code", map[string]string{"phone": "13912340088"}); st != 200 || !strings.Contains(string(body), `"demo_code"`) {
		t.Fatalf("api code: %d %s", st, body)
	}
	p, _ := wantProblem(t, a, "POST", "/api/register/code", map[string]string{"phone": "13912340088"}, 429)
	if !p.hasField("phone") {
		t.Errorf("the 429 names no field: %+v", p)
	}
}
