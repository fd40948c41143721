package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/cases"
	"linli/mediation"
	"linli/storage/storagetest"
)

// mediationLeak opens the Jixiang leak (a case by the resident of 402)
// and takes it to mediation through the API as the community's staff.
func mediationLeak(t *testing.T, s *testServer) (caseID, h402, h502 int64, d mediation.Detail) {
	t.Helper()
	ctx := t.Context()
	unit, err := s.Registry.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼", "2单元"})
	if err != nil {
		t.Fatal(err)
	}
	if h402, err = s.Registry.HouseholdByRoom(ctx, unit.ID, "402"); err != nil {
		t.Fatal(err)
	}
	if h502, err = s.Registry.HouseholdByRoom(ctx, unit.ID, "502"); err != nil {
		t.Fatal(err)
	}
	var c cases.Case
	wantStatus(t, s.login(t, "jxresident"), "POST", "/api/cases", map[string]any{"category": "water_leak", "title": "楼上漏水，卫生间顶棚受损",
		"household_id": h402}, 201, &c)
	wantStatus(t, s.login(t, "jixiang"), "POST", "/api/mediation", map[string]any{"case_id": c.ID, "type": "water_leak",
		"parties": []map[string]any{{"role": "applicant", "household_id": h402}, {"role": "respondent", "household_id": h502}}}, 201, &d)
	return c.ID, h402, h502, d
}

func TestMediationHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		caseID, _, _, d := mediationLeak(t, s)
		id := d.Dispute.ID
		jx, xy, party := s.login(t, "jixiang"), s.login(t, "xueyuan"), s.login(t, "jxresident")
		api := fmt.Sprintf("/api/mediation/%d", id)
		page := fmt.Sprintf("/mediation/%d", id)
		if d.Dispute.CaseID != caseID || d.Dispute.State != mediation.Accepted || !strings.HasPrefix(d.Dispute.Number, "（2026）东城调字第") {
			t.Fatalf("opened %+v", d.Dispute)
		}

		// Staff of another community: not found, by API and by page.
		for _, p := range []string{api, api + "/agreement"} {
			wantProblem(t, xy, "GET", p, nil, 404)
		}
		wantProblem(t, xy, "POST", api+"/sessions", map[string]any{"place": "x", "participants": "x", "record": "x"}, 404)
		for _, p := range []string{page, page + "/agreement"} {
			if st, _ := xy.do("GET", p, nil); st != 404 {
				t.Errorf("xueyuan GET %s: %d, want 404", p, st)
			}
		}
		// The party reads the agreement; the dispute page sends them there.
		wantStatus(t, party, "GET", api+"/agreement", nil, 200, nil)
		if st, _ := party.do("GET", page, nil); st != 303 {
			t.Errorf("party GET %s: %d, want 303 to the agreement", page, st)
		}
		wantProblem(t, party, "POST", api+"/agreement/sign", nil, 403)

		// Bad input.
		wantProblem(t, jx, "POST", "/api/mediation", map[string]any{"title": "x", "extra": 1}, 400)
		wantProblem(t, jx, "POST", api+"/followups", map[string]any{"performance": "full", "satisfaction": "satisfied", "risk": "none"}, 409)
		wantProblem(t, jx, "POST", api+"/court", map[string]any{"choice": "applied"}, 409)
		wantProblem(t, jx, "POST", api+"/sessions", map[string]any{"place": "", "participants": "x", "record": "x"}, 422)
		p, _ := wantProblem(t, jx, "POST", api+"/agreement/sign", nil, 422)
		for _, f := range []string{"matters", "responsibilities", "terms", "signatures.party[1]", "signatures.party[2]", "signatures.mediator", "signatures.committee_seal"} {
			if !slices.ContainsFunc(p.Errors, func(e linli.FieldError) bool { return e.Field == f }) {
				t.Errorf("sign a blank agreement: %s not listed in %+v", f, p.Errors)
			}
		}

		// Two sessions, the agreement, signed.
		s.Clock.Set(time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)) // 11:00 in Yuncheng
		jx = s.login(t, "jixiang")                                 // sessions idle out on the fake clock
		for _, in := range []map[string]any{
			{"held_at": "2026-11-26T15:00", "place": "吉祥社区人民调解室", "participants": "裴丽华、段海鹏、双方当事人", "record": "双方陈述"},
			{"held_at": "2026-11-27T10:00", "place": "1号楼2单元502", "participants": "裴丽华、段海鹏、双方当事人", "record": "查明漏点，达成一致"},
		} {
			wantStatus(t, jx, "POST", api+"/sessions", in, 201, nil)
		}
		sig := func(i int) map[string]any {
			return map[string]any{"party_id": d.Dispute.Parties[i].ID, "signed": true, "on": "2026-11-27"}
		}
		var ag mediation.Agreement
		wantStatus(t, jx, "PUT", api+"/agreement", map[string]any{
			"facts": "502卫生间下水管渗漏致402顶棚受损。", "matters": "维修与赔偿。", "responsibilities": "502承担全部责任。",
			"terms": []map[string]any{
				{"what": "502修复漏水的下水管", "how": "502自行请人维修", "deadline": "2026-12-04"},
				{"what": "502赔偿402顶棚修复费用", "how": "一次性转账", "deadline": "2026-12-12", "amount_fen": 180000},
			},
			"party_signatures": []any{sig(0), sig(1)}, "mediator_signed": true, "mediator_signed_on": "2026-11-27", "sealed": true, "sealed_on": "2026-11-27",
		}, 200, &ag)
		if len(ag.Missing) != 0 || ag.Copies != 3 {
			t.Fatalf("complete agreement: missing %v, copies %d", ag.Missing, ag.Copies)
		}
		wantStatus(t, jx, "POST", api+"/agreement/sign", nil, 200, &d)
		if d.Dispute.State != mediation.Agreed {
			t.Fatalf("state %s", d.Dispute.State)
		}
		wantProblem(t, jx, "POST", api+"/agreement/sign", nil, 409)

		// The detail response fits its schema.
		doc := oaDoc(t)
		st, body := jx.do("GET", api, nil)
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); st != 200 || err != nil {
			t.Fatalf("GET %s: %d %v", api, st, err)
		}
		for _, e := range oaValidate(t, doc, oaSchema(t, doc, "MediationDetail"), v, "") {
			t.Errorf("GET %s: %s", api, e)
		}

		// The print view holds the statutory sections and no script.
		st, b := jx.do("GET", page+"/agreement", nil)
		html := string(b)
		if st != 200 {
			t.Fatalf("print view: %d", st)
		}
		for _, want := range []string{"人民调解协议书", d.Dispute.Number, "东城街道吉祥社区人民调解委员会",
			`data-test="sec-parties"`, "申请人", "被申请人", "吉祥花园1号楼2单元402", "吉祥花园1号楼2单元502",
			`data-test="sec-facts"`, "争议事项", `data-test="sec-responsibilities"`, "502承担全部责任",
			`data-test="sec-terms"`, "502修复漏水的下水管", "502自行请人维修", "2026年12月4日", "¥1,800.00",
			`data-test="sec-performance"`, "司法确认申请期限：2026年12月27日前", `data-test="sec-copies"`, "本协议一式三份",
			"当事人各执一份，人民调解委员会留存一份", `data-test="sec-signatures"`, "人民调解员（签名）", "2026年11月27日", "@page{size:A4"} {
			if !strings.Contains(html, want) {
				t.Errorf("print view lacks %q", want)
			}
		}
		if strings.Contains(html, "<script") {
			t.Error("print view has a script")
		}
		if strings.Count(html, "****") < 1 {
			t.Error("print view shows no masked phone")
		}
		// The party may print it too.
		party = s.login(t, "jxresident")
		if st, _ := party.do("GET", page+"/agreement", nil); st != 200 {
			t.Errorf("party print view: %d", st)
		}

		// The page shows the court window and the link to the case; the
		// case page links back.
		st, b = jx.do("GET", page, nil)
		if st != 200 || !strings.Contains(string(b), "司法确认申请期限：2026年12月27日前") || !strings.Contains(string(b), fmt.Sprintf(`data-ref="case:%d"`, caseID)) {
			t.Errorf("dispute page: %d, court window or case link missing", st)
		}
		st, b = jx.do("GET", fmt.Sprintf("/cases/%d", caseID), nil)
		if st != 200 || !strings.Contains(string(b), fmt.Sprintf(`data-ref="dispute:%d"`, id)) {
			t.Errorf("case page: %d, no link to the dispute", st)
		}

		// Court reminder on day 25, through the server's runner.
		s.Clock.Set(time.Date(2026, 12, 22, 1, 0, 0, 0, time.UTC)) // 09:00 local
		if _, err := s.Jobs.RunDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		jx = s.login(t, "jixiang")
		var ns struct {
			Notifications []cases.Notification `json:"notifications"`
		}
		wantStatus(t, jx, "GET", "/api/notifications", nil, 200, &ns)
		if !slices.ContainsFunc(ns.Notifications, func(n cases.Notification) bool {
			return n.RefKind == "dispute" && n.RefID == id && strings.Contains(n.Text, "司法确认")
		}) {
			t.Errorf("no court reminder in %+v", ns.Notifications)
		}

		// Follow-up visit by form closes it.
		st, _ = jx.form(page+"/followups", url.Values{"performance": {"full"}, "satisfaction": {"satisfied"}, "risk": {"none"}, "notes": {"已履行"}})
		if st != 303 {
			t.Errorf("follow-up form: %d", st)
		}
		wantStatus(t, jx, "GET", api, nil, 200, &d)
		if d.Dispute.State != mediation.Closed || len(d.FollowUps) != 1 {
			t.Errorf("after follow-up: %s, %d visits", d.Dispute.State, len(d.FollowUps))
		}
	})
}

// TestMediationPages: the list, the new form pre-filled from a case, a
// form error shown beside the field, and the missing items on the page.
func TestMediationPages(t *testing.T) {
	s := startServer(t, storagetest.SQLite(t))
	caseID, h402, h502, d := mediationLeak(t, s)
	jx := s.login(t, "jixiang")
	st, b := jx.do("GET", "/mediation", nil)
	if st != 200 || !strings.Contains(string(b), d.Dispute.Number) || !strings.Contains(string(b), `data-test="due"`) {
		t.Errorf("list: %d %.300s", st, b)
	}
	st, b = jx.do("GET", fmt.Sprintf("/mediation/new?case_id=%d", caseID), nil)
	if st != 200 || !strings.Contains(string(b), `data-test="from-case"`) || !strings.Contains(string(b), "楼上漏水，卫生间顶棚受损") ||
		!strings.Contains(string(b), fmt.Sprintf(`<option value="%d" selected>`, h402)) {
		t.Errorf("new from case: %d", st)
	}
	st, b = jx.form("/mediation/new", url.Values{"type": {"neighbour"}, "title": {""}, "p1_household": {fmt.Sprint(h402)}, "p2_household": {fmt.Sprint(h502)}})
	if st != 422 || !strings.Contains(string(b), `data-test="err-title"`) {
		t.Errorf("new with no title: %d", st)
	}
	st, b = jx.form("/mediation/new", url.Values{"type": {"neighbour"}, "title": {"楼道堆物"}, "p1_household": {fmt.Sprint(h402)}, "p2_name": {"王某"}, "p2_phone": {"13812345678"}})
	// A respondent typed by name, without a household, is accepted; the
	// agreement will ask for the address.
	if st != 303 {
		t.Errorf("new with a typed respondent: %d %.300s", st, b)
	}
	st, b = jx.do("GET", fmt.Sprintf("/mediation/%d", d.Dispute.ID), nil)
	if st != 200 || !strings.Contains(string(b), `data-test="missing"`) || !strings.Contains(string(b), "signatures.committee_seal") {
		t.Errorf("detail page: %d, missing list absent", st)
	}
	st, b = jx.form(fmt.Sprintf("/mediation/%d/sign", d.Dispute.ID), url.Values{})
	if st != 422 || !strings.Contains(string(b), `data-test="form-error"`) {
		t.Errorf("sign by form: %d", st)
	}
	st, _ = jx.form(fmt.Sprintf("/mediation/%d/agreement", d.Dispute.ID), url.Values{"matters": {"维修与赔偿"}, "terms[1].what": {"修管"},
		"terms[1].how": {"自修"}, "terms[1].deadline": {"2026-12-04"}, "terms[1].amount": {"1,800"}, "terms[2].what": {""}})
	if st != 303 {
		t.Errorf("save agreement by form: %d", st)
	}
	var got mediation.Agreement
	wantStatus(t, jx, "GET", fmt.Sprintf("/api/mediation/%d/agreement", d.Dispute.ID), nil, 200, &got)
	if len(got.Terms) != 1 || got.Terms[0].AmountFen != 180000 || got.Matters != "维修与赔偿" {
		t.Errorf("saved by form: %+v", got)
	}
}

// TestMediationEnglish renders the mediation pages in English, in every
// state that shows different text, and fails on a Chinese text without an
// English entry.
func TestMediationEnglish(t *testing.T) {
	s := startServer(t, storagetest.SQLite(t))
	m := &misses{seen: map[string][]string{}}
	s.Registry.Renderer.Untranslated = m.add
	caseID, _, _, d := mediationLeak(t, s)
	id := d.Dispute.ID
	en := english(t, s, "jixiang")
	visit := func(paths ...string) {
		for _, p := range paths {
			m.at(p)
			if st, b := en.do("GET", p, nil); st != 200 {
				t.Errorf("GET %s: %d %.200s", p, st, b)
			}
		}
	}
	detail, print := fmt.Sprintf("/mediation/%d", id), fmt.Sprintf("/mediation/%d/agreement", id)
	visit("/mediation", "/mediation/new", fmt.Sprintf("/mediation/new?case_id=%d", caseID), detail, print)
	m.at("form errors")
	en.form("/mediation/new", url.Values{"title": {""}})
	en.form(detail+"/sign", url.Values{})
	en.form(detail+"/followups", url.Values{})
	// Signed, reminded, visited.
	jx := s.login(t, "jixiang")
	sig := func(i int) map[string]any { return map[string]any{"party_id": d.Dispute.Parties[i].ID, "signed": true} }
	wantStatus(t, jx, "PUT", "/api/mediation/"+fmt.Sprint(id)+"/agreement", map[string]any{"facts": "f", "matters": "m", "responsibilities": "r",
		"terms": []map[string]any{{"what": "w", "how": "h", "deadline": "2026-12-04", "amount_fen": 100}}, "party_signatures": []any{sig(0), sig(1)},
		"mediator_signed": true, "sealed": true}, 200, nil)
	wantStatus(t, jx, "POST", "/api/mediation/"+fmt.Sprint(id)+"/agreement/sign", nil, 200, nil)
	visit(detail, print)
	wantStatus(t, jx, "POST", "/api/mediation/"+fmt.Sprint(id)+"/court", map[string]any{"choice": "not_applying"}, 200, nil)
	wantStatus(t, jx, "POST", "/api/mediation/"+fmt.Sprint(id)+"/followups", map[string]any{"performance": "partial", "satisfaction": "basic", "risk": "low"}, 201, nil)
	visit(detail, "/mediation?state=agreed", "/mediation?overdue=1")
	// A failed one.
	var other mediation.Detail
	wantStatus(t, jx, "POST", "/api/mediation", map[string]any{"title": "楼道堆物", "location_id": d.Dispute.LocationID,
		"parties": []map[string]any{{"role": "applicant", "name": "甲"}, {"role": "respondent", "name": "乙"}}}, 201, &other)
	wantStatus(t, jx, "POST", fmt.Sprintf("/api/mediation/%d/fail", other.Dispute.ID), map[string]any{"reason": "拒绝调解"}, 200, nil)
	visit(fmt.Sprintf("/mediation/%d", other.Dispute.ID), fmt.Sprintf("/mediation/%d/agreement", other.Dispute.ID))
	m.report(t, "mediation pages")
}
