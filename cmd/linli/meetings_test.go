package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"linli/meetings"
	"linli/web"
)

// meetingTimes: Friday 27 November 2026, 19:30–21:00 in Beijing; the test
// server's clock starts on Thursday morning.
var (
	meetingStart = time.Date(2026, 11, 27, 11, 30, 0, 0, time.UTC)
	meetingEnd   = meetingStart.Add(90 * time.Minute)
)

func meetingUnit3(t *testing.T, s *testServer) int64 {
	t.Helper()
	n, err := s.Registry.FindNode(context.Background(), []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元"})
	if err != nil {
		t.Fatal(err)
	}
	return n.ID
}

// oaCheck validates a JSON body against a schema of the API description.
func oaCheck(t *testing.T, what, schema string, body []byte) {
	t.Helper()
	doc := oaDoc(t)
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: not JSON: %s", what, body)
	}
	for _, e := range oaValidate(t, doc, oaSchema(t, doc, schema), v, "") {
		t.Errorf("%s: %s", what, e)
	}
}

func TestMeetingHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		unit3 := meetingUnit3(t, s)
		unitHead := oaAccountID(t, s, "unit")
		base := map[string]any{"title": "3单元加装电梯协调会", "kind": "coordination", "scope_id": unit3,
			"subject":   map[string]any{"kind": "project", "id": storyProject(t, s)},
			"starts_at": meetingStart, "ends_at": meetingEnd, "place": "学苑社区党群服务中心二楼会议室", "host": "韩素芬",
			"agenda": []string{"通报加装电梯方案", "听取低楼层住户意见"},
			"invite": map[string]any{"account_ids": []int64{unitHead}, "node_ids": []int64{unit3}}}

		// 422 naming the fields: end before start, an empty agenda item.
		bad := map[string]any{}
		for k, v := range base {
			bad[k] = v
		}
		bad["ends_at"], bad["agenda"] = meetingStart.Add(-time.Hour), []string{"通报方案", "  "}
		var p problem
		if st := staff.json("POST", "/api/meetings", bad, &p); st != 422 || !p.hasField("ends_at") || !p.hasField("agenda[1]") {
			t.Fatalf("bad meeting: %d %+v", st, p)
		}
		if st, _ := staff.do("POST", "/api/meetings", map[string]any{"title": "x", "extra": 1}); st != 400 {
			t.Errorf("unknown field: %d", st)
		}

		// The subject must exist and be the caller's to see: 422 naming it.
		for _, subject := range []map[string]any{{"kind": "project", "id": 99999}, {"kind": "dispute", "id": jixiangDispute(t, s)}} {
			bad := map[string]any{}
			for k, v := range base {
				bad[k] = v
			}
			bad["subject"] = subject
			var p problem
			if st := staff.json("POST", "/api/meetings", bad, &p); st != 422 || !p.hasField("subject") {
				t.Errorf("meeting about %v: %d %+v", subject, st, p)
			}
		}

		st, body := staff.do("POST", "/api/meetings", base)
		if st != 201 {
			t.Fatalf("create: %d %s", st, body)
		}
		oaCheck(t, "POST /api/meetings", "MeetingDetail", body)
		var d meetings.Detail
		_ = json.Unmarshal(body, &d)
		if d.InvitedHouseholds != 12 || d.InvitedAccounts != 1 || len(d.Agenda) != 2 {
			t.Fatalf("created %+v", d.Meeting)
		}
		mp := fmt.Sprintf("/api/meetings/%d", d.ID)

		// Who sees it: another community's staff and residents 404; the
		// grid worker reads but may not run it (403); the invited resident
		// reads it without the minutes.
		for _, u := range []string{"jixiang", "jxresident"} {
			if st, _ := s.login(t, u).do("GET", mp, nil); st != 404 {
				t.Errorf("%s GET: %d, want 404", u, st)
			}
		}
		grid := s.login(t, "grid1")
		if st, _ := grid.do("POST", mp+"/agenda", map[string]any{"title": "x"}); st != 403 {
			t.Errorf("grid worker adds to the agenda: %d, want 403", st)
		}
		res := s.login(t, "resident")
		var rv meetings.Detail
		if st := res.json("GET", mp, nil, &rv); st != 200 || rv.SeeMinutes || len(rv.Invitees) != 0 {
			t.Fatalf("resident GET: %d %+v", st, rv)
		}
		var lists meetings.Lists
		if st := res.json("GET", "/api/meetings", nil, &lists); st != 200 || len(lists.Upcoming) != 1 {
			t.Errorf("resident's list: %d %+v", st, lists)
		}

		// Wrong state: 409. Bad input: 422 with the field.
		if st := staff.json("PUT", mp+"/minutes", map[string]any{"minutes": "x", "recorder": "柴晓燕"}, &p); st != 409 {
			t.Errorf("minutes before held: %d", st)
		}
		if st := staff.json("POST", mp+"/agenda", map[string]any{"title": " "}, &p); st != 422 || !p.hasField("title") {
			t.Errorf("empty agenda item: %d %+v", st, p)
		}
		if st := staff.json("POST", mp+"/hold", nil, &p); st != 409 {
			t.Errorf("held before the start: %d", st)
		}
		if st := res.json("POST", mp+"/check-in", nil, &p); st != 409 {
			t.Errorf("check-in a day early: %d", st)
		}

		// Sessions lapse while the clock walks: log in again after each step.
		s.Clock.Set(meetingStart.Add(-10 * time.Minute))
		grid, res = s.login(t, "grid1"), s.login(t, "resident")
		var att meetings.Attendance
		if st := res.json("POST", mp+"/check-in", nil, &att); st != 200 || !att.Self || att.HouseholdID == 0 {
			t.Fatalf("resident checks in: %d %+v", st, att)
		}
		if st := grid.json("POST", mp+"/attendance", map[string]any{"account_id": unitHead}, &att); st != 200 || att.AccountID != unitHead {
			t.Fatalf("grid worker signs the unit head in: %d %+v", st, att)
		}
		if st := grid.json("POST", mp+"/attendance", map[string]any{}, &p); st != 422 || !p.hasField("name") {
			t.Errorf("sign-in of nobody: %d %+v", st, p)
		}
		s.Clock.Set(meetingStart.Add(5 * time.Minute))
		staff = s.login(t, "xueyuan")
		if st, body := staff.do("POST", mp+"/hold", nil); st != 200 {
			t.Fatalf("hold: %d %s", st, body)
		}
		if st, body := staff.do("PUT", mp+"/minutes", map[string]any{"minutes": "韩素芬通报方案。\n\n3单元102住户担心采光，请设计单位出具日照分析。", "recorder": "柴晓燕"}); st != 200 {
			t.Fatalf("minutes: %d %s", st, body)
		}
		if st, body := staff.do("POST", mp+"/decisions", map[string]any{"text": "同意按方案推进", "votes_for": 10, "votes_against": 1, "votes_abstain": 1}); st != 201 {
			t.Fatalf("decision: %d %s", st, body)
		} else {
			oaCheck(t, "POST decisions", "MeetingDecision", body)
		}
		if st := staff.json("POST", mp+"/actions", map[string]any{"title": "x", "owner_name": "物业", "due": "2026-11-26"}, &p); st != 422 || !p.hasField("due") {
			t.Errorf("due before the meeting: %d %+v", st, p)
		}
		var a1, a2 meetings.Action
		if st := staff.json("POST", mp+"/actions", map[string]any{"title": "清理3单元楼道杂物，腾出施工通道", "owner_name": "荟安物业", "due": "2026-12-04"}, &a1); st != 201 {
			t.Fatalf("action: %d", st)
		}
		if st := staff.json("POST", mp+"/actions", map[string]any{"title": "入户向102住户展示日照分析", "owner_account_id": oaAccountID(t, s, "grid1"), "due": "2026-11-30"}, &a2); st != 201 {
			t.Fatalf("action: %d", st)
		}

		// Action → case exactly once; the case links back to the meeting.
		var c1, c2 meetings.Action
		if st, body := staff.do("POST", fmt.Sprintf("%s/actions/%d/case", mp, a1.ID), map[string]any{"category": "public_facility"}); st != 200 {
			t.Fatalf("to case: %d %s", st, body)
		} else {
			oaCheck(t, "POST to case", "MeetingAction", body)
			_ = json.Unmarshal(body, &c1)
		}
		if st := staff.json("POST", fmt.Sprintf("%s/actions/%d/case", mp, a1.ID), map[string]any{"category": "public_facility"}, &c2); st != 200 || c2.CaseID != c1.CaseID || c1.CaseID == 0 {
			t.Fatalf("to case twice: %d, cases %d and %d", st, c1.CaseID, c2.CaseID)
		}
		if st := staff.json("POST", fmt.Sprintf("%s/actions/%d/case", mp, a2.ID), map[string]any{}, &p); st != 422 || !p.hasField("category") {
			t.Errorf("to case without a category: %d %+v", st, p)
		}
		var cd struct {
			Links []struct {
				Ref struct {
					Kind string `json:"kind"`
					ID   int64  `json:"id"`
				} `json:"ref"`
				Rel string `json:"rel"`
				URL string `json:"url"`
			} `json:"links"`
		}
		if st := staff.json("GET", fmt.Sprintf("/api/cases/%d", c1.CaseID), nil, &cd); st != 200 || len(cd.Links) != 1 ||
			cd.Links[0].Ref.Kind != "meeting" || cd.Links[0].Ref.ID != d.ID || cd.Links[0].Rel != "action" || cd.Links[0].URL != fmt.Sprintf("/meetings/%d", d.ID) {
			t.Fatalf("case links: %d %+v", st, cd.Links)
		}

		// The task: overdue after its due day, then done by its owner.
		s.Clock.Set(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) // 1 December 00:00 in Beijing
		staff, grid, res = s.login(t, "xueyuan"), s.login(t, "grid1"), s.login(t, "resident")
		var got meetings.Action
		if st := staff.json("GET", fmt.Sprintf("%s/actions/%d", mp, a2.ID), nil, &got); st != 200 || !got.Overdue {
			t.Errorf("task past due: %d overdue=%v", st, got.Overdue)
		}
		if st := grid.json("POST", fmt.Sprintf("%s/actions/%d/done", mp, a2.ID), map[string]any{"note": ""}, &p); st != 422 || !p.hasField("note") {
			t.Errorf("done without a note: %d %+v", st, p)
		}
		if st := grid.json("POST", fmt.Sprintf("%s/actions/%d/done", mp, a2.ID), map[string]any{"note": "已入户展示，住户表示理解"}, &got); st != 200 || got.State != "done" || got.Overdue {
			t.Errorf("done: %d %+v", st, got)
		}
		if st := grid.json("POST", fmt.Sprintf("%s/actions/%d/done", mp, a2.ID), map[string]any{"note": "again"}, &p); st != 409 {
			t.Errorf("done twice: %d", st)
		}

		if st, body := staff.do("POST", mp+"/publish", nil); st != 200 {
			t.Fatalf("publish: %d %s", st, body)
		}
		if st := res.json("GET", mp, nil, &rv); st != 200 || !rv.SeeMinutes || len(rv.Decisions) != 1 || len(rv.Actions) != 2 {
			t.Fatalf("resident after publication: %d %+v", st, rv)
		}
		if st, body := staff.do("GET", mp, nil); st != 200 {
			t.Fatalf("GET: %d", st)
		} else {
			oaCheck(t, "GET meeting", "MeetingDetail", body)
		}
		if st, body := staff.do("GET", "/api/meetings", nil); st != 200 {
			t.Fatalf("list: %d", st)
		} else {
			oaCheck(t, "GET /api/meetings", "MeetingLists", body)
		}
		if st, _ := grid.do("POST", mp+"/attendance", map[string]any{"name": "迟到者"}); st != 409 {
			t.Errorf("sign-in after publication: %d", st)
		}

		// The pages: the list, the meeting with its case and the button,
		// the print view of the minutes.
		for path, want := range map[string]string{
			"/meetings":                               "3单元加装电梯协调会",
			"/meetings/new":                           "scope_id",
			fmt.Sprintf("/meetings/%d", d.ID):         "data-test=\"action-case\"",
			fmt.Sprintf("/meetings/%d/minutes", d.ID): "记录人（签字）",
		} {
			st, body := staff.do("GET", path, nil)
			if st != 200 || !strings.Contains(string(body), want) {
				t.Errorf("GET %s: %d, want %q in the page", path, st, want)
			}
		}
		if st, body := staff.do("GET", fmt.Sprintf("/cases/%d", c1.CaseID), nil); st != 200 || !strings.Contains(string(body), fmt.Sprintf("/meetings/%d", d.ID)) {
			t.Errorf("the case page does not link the meeting: %d", st)
		}
		if st, _ := s.login(t, "jixiang").do("GET", fmt.Sprintf("/meetings/%d/minutes", d.ID), nil); st != 404 {
			t.Errorf("another community prints the minutes: %d", st)
		}
	})
}

func TestMeetingHTTPCancelledAndForms(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		staff := s.login(t, "xueyuan")
		unit3 := meetingUnit3(t, s)
		var d meetings.Detail
		if st := staff.json("POST", "/api/meetings", map[string]any{"title": "议事会", "kind": "council", "scope_id": unit3,
			"starts_at": meetingStart, "ends_at": meetingEnd, "place": "会议室", "host": "韩素芬"}, &d); st != 201 {
			t.Fatalf("create: %d", st)
		}
		mp := fmt.Sprintf("/api/meetings/%d", d.ID)
		var p problem
		if st := staff.json("POST", mp+"/cancel", map[string]any{"reason": ""}, &p); st != 422 || !p.hasField("reason") {
			t.Errorf("cancel without a reason: %d %+v", st, p)
		}
		if st, body := staff.do("POST", mp+"/cancel", map[string]any{"reason": "改期"}); st != 200 {
			t.Fatalf("cancel: %d %s", st, body)
		}
		if st := staff.json("POST", mp+"/attendance", map[string]any{"name": "张三"}, &p); st != 409 {
			t.Errorf("sign-in to a cancelled meeting: %d", st)
		}

		// Forms: errors beside the fields, what was typed kept.
		st, body := staff.form("/meetings", url.Values{"title": {"电梯协调会"}, "kind": {"coordination"}, "scope_id": {fmt.Sprint(unit3)},
			"starts_at": {"2026-11-27T19:30"}, "ends_at": {"2026-11-27T18:00"}, "place": {"会议室"}, "host": {"韩素芬"}})
		if st != 422 || !strings.Contains(string(body), `data-test="err-ends_at"`) || !strings.Contains(string(body), "电梯协调会") {
			t.Errorf("bad form: %d %.400s", st, body)
		}
		st, body = staff.form("/meetings", url.Values{"title": {"电梯协调会"}, "kind": {"coordination"}, "scope_id": {fmt.Sprint(unit3)},
			"starts_at": {"2026-11-27T19:30"}, "ends_at": {"2026-11-27T21:00"}, "place": {"会议室"}, "host": {"韩素芬"}, "agenda": {"一、通报方案\n\n二、听取意见"}})
		if st != http.StatusSeeOther {
			t.Fatalf("form create: %d %.300s", st, body)
		}
		var l meetings.Lists
		staff.json("GET", "/api/meetings", nil, &l)
		var id int64
		for _, m := range l.Upcoming {
			if m.Title == "电梯协调会" {
				id = m.ID
				if !m.StartsAt.Equal(meetingStart) {
					t.Errorf("form time %v, want %v (Beijing time)", m.StartsAt, meetingStart)
				}
			}
		}
		if id == 0 {
			t.Fatalf("the form's meeting is not listed: %+v", l)
		}
		s.Clock.Set(meetingStart)
		staff = s.login(t, "xueyuan")
		if st, _ := staff.form(fmt.Sprintf("/meetings/%d/hold", id), url.Values{}); st != http.StatusSeeOther {
			t.Fatalf("hold form: %d", st)
		}
		st, body = staff.form(fmt.Sprintf("/meetings/%d/actions", id), url.Values{"action_title": {"清理楼道"}, "owner_name": {"物业"}, "due": {"2026-11-01"}})
		if st != 422 || !strings.Contains(string(body), `data-test="err-due"`) || !strings.Contains(string(body), "清理楼道") {
			t.Errorf("bad action form: %d", st)
		}
		if st, _ := staff.form(fmt.Sprintf("/meetings/%d/hold", id), url.Values{}); st != 409 {
			t.Errorf("hold twice by form: %d, want 409", st)
		}
	})
}

// TestMeetingEnglish renders the meeting pages in English and fails on a
// Chinese text without an English entry; and no catalogue gives one of the
// meeting texts another English.
func TestMeetingEnglish(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	m := &misses{seen: map[string][]string{}}
	s.Registry.Renderer.Untranslated = m.add
	t.Cleanup(func() { s.Registry.Renderer.Untranslated = nil })
	staff := english(t, s, "xueyuan")
	unit3 := meetingUnit3(t, s)
	var d meetings.Detail
	if st := staff.json("POST", "/api/meetings", map[string]any{"title": "协调会", "scope_id": unit3, "starts_at": meetingStart, "ends_at": meetingEnd,
		"place": "会议室", "host": "韩素芬", "agenda": []string{"方案"}, "invite": map[string]any{"node_ids": []int64{unit3}, "account_ids": []int64{oaAccountID(t, s, "grid1")}}}, &d); st != 201 {
		t.Fatalf("create: %d", st)
	}
	get := func(c *client, who, path string) {
		t.Helper()
		m.at(who + " GET " + path)
		if st, body := c.do("GET", path, nil); st != 200 {
			t.Errorf("%s GET %s: %d %.200s", who, path, st, body)
		}
	}
	mp := fmt.Sprintf("/meetings/%d", d.ID)
	get(staff, "xueyuan", "/meetings")
	get(staff, "xueyuan", "/meetings/new")
	get(staff, "xueyuan", mp)
	m.at("xueyuan POST /meetings (bad)")
	staff.form("/meetings", url.Values{"title": {""}, "ends_at": {"x"}})
	s.Clock.Set(meetingStart)
	staff = english(t, s, "xueyuan")
	staff.do("POST", "/api/meetings/"+fmt.Sprint(d.ID)+"/hold", nil)
	staff.do("PUT", "/api/meetings/"+fmt.Sprint(d.ID)+"/minutes", map[string]any{"minutes": "纪要", "recorder": "柴晓燕"})
	staff.do("POST", "/api/meetings/"+fmt.Sprint(d.ID)+"/decisions", map[string]any{"text": "同意", "votes_for": 3})
	staff.do("POST", "/api/meetings/"+fmt.Sprint(d.ID)+"/actions", map[string]any{"title": "清理楼道", "owner_name": "物业", "due": "2026-11-27"})
	get(staff, "xueyuan", mp)
	get(staff, "xueyuan", mp+"?flash="+url.QueryEscape("纪要已保存"))
	m.at("xueyuan POST actions (bad)")
	staff.form(mp+"/actions", url.Values{"action_title": {""}})
	get(staff, "xueyuan", mp+"/minutes")
	staff.do("POST", "/api/meetings/"+fmt.Sprint(d.ID)+"/publish", nil)
	res := english(t, s, "resident")
	get(res, "resident", "/meetings")
	get(res, "resident", mp)
	get(res, "resident", mp+"/minutes")
	m.report(t, "meeting pages")

	// Agreement with the other catalogues and the layout's.
	mine := meetings.Pages().Catalog
	bare, err := web.NewRenderer(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for zh, en := range mine {
		if b := bare.T("en", zh); b != zh && b != en {
			t.Errorf("%q: the layout says %q, meetings says %q", zh, b, en)
		}
		for name, p := range capabilityPages() {
			if o, ok := p.Catalog[zh]; ok && o != en {
				t.Errorf("%q: %s says %q, meetings says %q", zh, name, o, en)
			}
		}
	}
	// Kinds and states are handed to the templates for translation.
	for _, k := range meetings.Kinds() {
		if _, ok := mine[k.Label()]; !ok {
			t.Errorf("kind %s has no English", k)
		}
	}
	for _, st := range []meetings.State{meetings.Planned, meetings.Held, meetings.Published, meetings.Cancelled} {
		if _, ok := mine[st.Label()]; !ok {
			t.Errorf("state %s has no English", st)
		}
	}
}
