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
	"linli/happiness"
	"linli/links"
	"linli/mediation"
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

// mediationPartyInfo is the basic situation of the leak's two parties
// that the agreement template asks for (fictional).
func mediationPartyInfo(d mediation.Detail) []map[string]any {
	return []map[string]any{
		{"party_id": d.Dispute.Parties[0].ID, "sex": "female", "ethnicity": "汉族", "birth_date": "1968-03-12", "occupation": "退休职工"},
		{"party_id": d.Dispute.Parties[1].ID, "sex": "male", "ethnicity": "汉族", "age": 45, "occupation": "个体经营者"},
	}
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
			"parties": mediationPartyInfo(d), "party_signatures": []any{sig(0), sig(1)}, "mediator_signed": true, "mediator_signed_on": "2026-11-27", "sealed": true, "sealed_on": "2026-11-27",
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
			`data-test="sec-performance"`, "司法确认申请期限：2026年12月28日前", `data-test="sec-copies"`, "本协议一式三份",
			"当事人各执一份，人民调解委员会留存一份", `data-test="sec-signatures"`, "人民调解员（签名）", "2026年11月27日", `href="/static/mediation-print.css"`} {
			if !strings.Contains(html, want) {
				t.Errorf("print view lacks %q", want)
			}
		}
		if strings.Contains(html, "<script") {
			t.Error("print view has a script")
		}
		// A4 comes from the print stylesheet: no inline style, so the CSP
		// needs no unsafe-inline.
		if strings.Contains(html, "<style") || strings.Contains(html, "style=") {
			t.Error("print view has inline style")
		}
		if st, css := jx.do("GET", "/static/mediation-print.css", nil); st != 200 || !strings.Contains(string(css), "@page{size:A4") {
			t.Errorf("print stylesheet: %d, A4 page rule missing", st)
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
		if st != 200 || !strings.Contains(string(b), "司法确认申请期限：2026年12月28日前") || !strings.Contains(string(b), fmt.Sprintf(`data-ref="case:%d"`, caseID)) {
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
	s := startServer(t, demoSQLite(t))
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
	s := startServer(t, demoSQLite(t))
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
		"terms": []map[string]any{{"what": "w", "how": "h", "deadline": "2026-12-04", "amount_fen": 100}}, "parties": mediationPartyInfo(d), "party_signatures": []any{sig(0), sig(1)},
		"mediator_signed": true, "sealed": true}, 200, nil)
	wantStatus(t, jx, "POST", "/api/mediation/"+fmt.Sprint(id)+"/agreement/sign", nil, 200, nil)
	visit(detail, print)
	wantStatus(t, jx, "POST", "/api/mediation/"+fmt.Sprint(id)+"/court", map[string]any{"choice": "not_applying"}, 200, nil)
	wantStatus(t, jx, "POST", "/api/mediation/"+fmt.Sprint(id)+"/followups", map[string]any{"performance": "partial", "satisfaction": "basic", "risk": "low"}, 201, nil)
	visit(detail, "/mediation?state=agreed", "/mediation?overdue=1")
	// Closed: the publication form, its error, published; a revealed phone.
	wantStatus(t, jx, "POST", "/api/mediation/"+fmt.Sprint(id)+"/followups", map[string]any{"performance": "full", "satisfaction": "satisfied", "risk": "none"}, 201, nil)
	visit(detail)
	m.at("publish form error")
	en.form(detail+"/publish", url.Values{"consent": {""}})
	wantStatus(t, jx, "POST", "/api/mediation/"+fmt.Sprint(id)+"/publish", map[string]any{"consent": "双方同意"}, 200, nil)
	visit(detail)
	m.at("revealed phone")
	if st, b := en.form(fmt.Sprintf("%s/parties/%d/reveal", detail, d.Dispute.Parties[0].ID), url.Values{}); st != 200 || !strings.Contains(string(b), `data-test="phone-full"`) {
		t.Errorf("reveal in English: %d", st)
	}
	// A failed one.
	var other mediation.Detail
	wantStatus(t, jx, "POST", "/api/mediation", map[string]any{"title": "楼道堆物", "location_id": d.Dispute.LocationID,
		"parties": []map[string]any{{"role": "applicant", "name": "甲"}, {"role": "respondent", "name": "乙"}}}, 201, &other)
	wantStatus(t, jx, "POST", fmt.Sprintf("/api/mediation/%d/fail", other.Dispute.ID), map[string]any{"reason": "拒绝调解"}, 200, nil)
	visit(fmt.Sprintf("/mediation/%d", other.Dispute.ID), fmt.Sprintf("/mediation/%d/agreement", other.Dispute.ID))
	m.report(t, "mediation pages")
}

// mediationClosed takes the Jixiang leak through the API to a signed
// agreement and a follow-up visit that finds it performed.
func mediationClosed(t *testing.T, s *testServer) (caseID int64, d mediation.Detail) {
	t.Helper()
	caseID, _, _, d = mediationLeak(t, s)
	jx := s.login(t, "jixiang")
	api := fmt.Sprintf("/api/mediation/%d", d.Dispute.ID)
	sig := func(i int) map[string]any { return map[string]any{"party_id": d.Dispute.Parties[i].ID, "signed": true} }
	wantStatus(t, jx, "PUT", api+"/agreement", map[string]any{"facts": "502漏水", "matters": "维修与赔偿", "responsibilities": "502承担",
		"terms": []map[string]any{{"what": "修管", "how": "自修", "deadline": "2026-12-04"}}, "parties": mediationPartyInfo(d), "party_signatures": []any{sig(0), sig(1)},
		"mediator_signed": true, "sealed": true}, 200, nil)
	wantStatus(t, jx, "POST", api+"/agreement/sign", nil, 200, nil)
	wantStatus(t, jx, "POST", api+"/followups", map[string]any{"performance": "full", "satisfaction": "satisfied", "risk": "none"}, 201, nil)
	wantStatus(t, jx, "GET", api, nil, 200, &d)
	if d.Dispute.State != mediation.Closed {
		t.Fatalf("state %s, want closed", d.Dispute.State)
	}
	return caseID, d
}

// onHappinessList reports whether the dispute is on its community's public
// happiness list, read without logging in.
func onHappinessList(t *testing.T, s *testServer, d mediation.Dispute) bool {
	t.Helper()
	var l struct {
		Entries []happiness.Entry `json:"entries"`
	}
	wantStatus(t, s.anon(t), "GET", fmt.Sprintf("/api/happiness/%d", d.CommunityID), nil, 200, &l)
	return slices.ContainsFunc(l.Entries, func(e happiness.Entry) bool { return e.Kind == "dispute" && e.ID == d.ID })
}

// TestMediationPublishHTTP: a closed dispute is not on the public
// happiness list until a manager publishes it with the parties' consent,
// by API or by the form on the dispute page; withdrawing takes it off.
func TestMediationPublishHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		// The demo's Jixiang mediation was published at its follow-up.
		var demoID int64
		if err := s.DB.QueryRow(t.Context(), `SELECT id FROM disputes WHERE title = '吉祥花园1号楼2单元402、502漏水纠纷'`).Scan(&demoID); err != nil {
			t.Fatal(err)
		}
		var demo mediation.Detail
		wantStatus(t, s.login(t, "jixiang"), "GET", fmt.Sprintf("/api/mediation/%d", demoID), nil, 200, &demo)
		if !demo.Dispute.Public || demo.Dispute.PublicConsent == "" || !onHappinessList(t, s, demo.Dispute) {
			t.Errorf("demo mediation: public %v, consent %q, not on the happiness list", demo.Dispute.Public, demo.Dispute.PublicConsent)
		}

		// Not performed yet: 409.
		_, _, _, open := mediationLeak(t, s)
		jx := s.login(t, "jixiang")
		consent := map[string]any{"consent": "双方当事人于回访时口头同意公开，由网格员段海鹏记录"}
		wantProblem(t, jx, "POST", fmt.Sprintf("/api/mediation/%d/publish", open.Dispute.ID), consent, 409)

		_, d := mediationClosed(t, s)
		id := d.Dispute.ID
		api, page := fmt.Sprintf("/api/mediation/%d", id), fmt.Sprintf("/mediation/%d", id)
		jx = s.login(t, "jixiang")
		if d.Dispute.Public || onHappinessList(t, s, d.Dispute) {
			t.Fatal("a closed dispute is on the public happiness list without consent")
		}
		// Bad input and the wrong people.
		p, _ := wantProblem(t, jx, "POST", api+"/publish", map[string]any{"consent": " "}, 422)
		if len(p.Errors) != 1 || p.Errors[0].Field != "consent" {
			t.Errorf("empty consent: %+v", p.Errors)
		}
		wantProblem(t, jx, "POST", api+"/publish", map[string]any{"consent": "x", "public": true}, 400)
		wantProblem(t, s.login(t, "jxresident"), "POST", api+"/publish", consent, 403)
		wantProblem(t, s.login(t, "xueyuan"), "POST", api+"/publish", consent, 404)
		wantProblem(t, jx, "POST", api+"/unpublish", nil, 409)
		if onHappinessList(t, s, d.Dispute) {
			t.Fatal("published by a refused request")
		}
		// The page offers the form; an empty consent is shown beside it.
		st, b := jx.do("GET", page, nil)
		if st != 200 || !strings.Contains(string(b), `data-test="open-publish"`) || !strings.Contains(string(b), `data-test="private"`) {
			t.Errorf("closed dispute page: %d, no publish form", st)
		}
		st, b = jx.form(page+"/publish", url.Values{"consent": {""}})
		if st != 422 || !strings.Contains(string(b), `data-test="err-consent"`) {
			t.Errorf("publish form without consent: %d", st)
		}

		// Published by API: on the list, the consent on the record.
		wantStatus(t, jx, "POST", api+"/publish", consent, 200, &d)
		if !d.Dispute.Public || d.Dispute.PublicConsent != consent["consent"] || d.Dispute.PublishedAt.IsZero() || !onHappinessList(t, s, d.Dispute) {
			t.Errorf("after publishing: %+v, on list %v", d.Dispute, onHappinessList(t, s, d.Dispute))
		}
		wantProblem(t, jx, "POST", api+"/publish", consent, 409)
		st, b = jx.do("GET", page, nil)
		if st != 200 || !strings.Contains(string(b), `data-test="published"`) || !strings.Contains(string(b), "由网格员段海鹏记录") {
			t.Errorf("published dispute page: %d", st)
		}
		// Withdrawn by the form, published again by the form.
		if st, _ := jx.form(page+"/unpublish", url.Values{}); st != 303 {
			t.Errorf("unpublish form: %d", st)
		}
		if onHappinessList(t, s, d.Dispute) {
			t.Error("still listed after withdrawing")
		}
		if st, _ := jx.form(page+"/publish", url.Values{"consent": {"双方当事人书面同意"}}); st != 303 {
			t.Errorf("publish form: %d", st)
		}
		if !onHappinessList(t, s, d.Dispute) {
			t.Error("not listed after publishing by form")
		}
		var n int
		if err := s.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE entity = 'dispute' AND entity_id = ? AND action IN ('dispute.publish', 'dispute.unpublish')`, id).Scan(&n); err != nil || n != 3 {
			t.Errorf("%d publication audit rows, %v; want 3", n, err)
		}
	})
}

// TestMediationRevealHTTP: a mediator sees a party's full phone through
// an audited POST, by API or by the button on the page; the page shows
// that one number; parties get 403, others 404.
func TestMediationRevealHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		_, _, _, d := mediationLeak(t, s)
		id := d.Dispute.ID
		app, resp := d.Dispute.Parties[0], d.Dispute.Parties[1]
		plain := map[int64]string{}
		for _, p := range []mediation.Party{app, resp} {
			var ph string
			if err := s.DB.QueryRow(t.Context(), `SELECT phone FROM people WHERE id = ?`, p.PersonID).Scan(&ph); err != nil || ph == "" {
				t.Fatalf("party %s has no phone in the register: %v", p.Name, err)
			}
			plain[p.ID] = ph
		}
		reveal := func(party int64) string { return fmt.Sprintf("/api/mediation/%d/parties/%d/reveal", id, party) }
		jx := s.login(t, "jixiang")
		var got mediation.PartyPhone
		wantStatus(t, jx, "POST", reveal(app.ID), nil, 200, &got)
		if got.Phone != plain[app.ID] || got.PartyID != app.ID || got.Name != app.Name {
			t.Errorf("revealed %+v, want %s", got, plain[app.ID])
		}
		wantProblem(t, s.login(t, "jxresident"), "POST", reveal(resp.ID), nil, 403)
		wantProblem(t, s.login(t, "xueyuan"), "POST", reveal(app.ID), nil, 404)
		wantProblem(t, s.login(t, "jxgrid"), "POST", reveal(app.ID), nil, 404) // not a mediator of this dispute
		wantProblem(t, jx, "POST", reveal(999999), nil, 404)
		wantProblem(t, jx, "POST", fmt.Sprintf("/api/mediation/%d/parties/x/reveal", id), nil, 404)
		var n int
		if err := s.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE entity = 'dispute' AND entity_id = ? AND action = 'dispute.reveal'`, id).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d reveal audit rows, %v; want 1", n, err)
		}

		// The page: masked numbers with a button each; the button shows
		// that one number and nothing else.
		page := fmt.Sprintf("/mediation/%d", id)
		st, b := jx.do("GET", page, nil)
		html := string(b)
		if st != 200 || strings.Count(html, `data-test="reveal"`) != 2 || strings.Contains(html, plain[app.ID]) || strings.Contains(html, plain[resp.ID]) {
			t.Errorf("dispute page: %d, %d reveal buttons, or a full number shown", st, strings.Count(html, `data-test="reveal"`))
		}
		st, b = jx.form(fmt.Sprintf("%s/parties/%d/reveal", page, resp.ID), url.Values{})
		html = string(b)
		if st != 200 || !strings.Contains(html, `<span data-test="phone-full">`+plain[resp.ID]+`</span>`) || strings.Contains(html, plain[app.ID]) ||
			strings.Count(html, `data-test="reveal"`) != 1 {
			t.Errorf("reveal by the page: %d", st)
		}
		if st, _ := s.login(t, "jxresident").form(fmt.Sprintf("%s/parties/%d/reveal", page, app.ID), url.Values{}); st != 403 {
			t.Errorf("party reveals by the page: %d", st)
		}
		if err := s.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE entity = 'dispute' AND entity_id = ? AND action = 'dispute.reveal'`, id).Scan(&n); err != nil || n != 2 {
			t.Errorf("%d reveal audit rows, %v; want 2", n, err)
		}
	})
}

// TestMediationDetailLinksHTTP: GET /api/mediation/{id} carries the link
// to the case it came from, in its documented schema.
func TestMediationDetailLinksHTTP(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	caseID, _, _, d := mediationLeak(t, s)
	jx := s.login(t, "jixiang")
	api := fmt.Sprintf("/api/mediation/%d", d.Dispute.ID)
	var got mediation.Detail
	wantStatus(t, jx, "GET", api, nil, 200, &got)
	if len(got.Links) != 1 || got.Links[0].Ref != (links.Ref{Kind: links.KindCase, ID: caseID}) || got.Links[0].URL != fmt.Sprintf("/cases/%d", caseID) {
		t.Errorf("links %+v", got.Links)
	}
	doc := oaDoc(t)
	_, body := jx.do("GET", api, nil)
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	for _, e := range oaValidate(t, doc, oaSchema(t, doc, "MediationDetail"), v, "") {
		t.Errorf("GET %s: %s", api, e)
	}
}
