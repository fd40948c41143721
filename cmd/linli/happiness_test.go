package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/attach"
	"linli/cases"
	"linli/happiness"
)

// happinessCase runs a Jixiang leak report through the whole loop through
// the Go API: reported by the resident with a photo, handled by the grid
// worker with a photo, verified, closed and rated satisfied.
func happinessCase(t *testing.T, s *testServer, public bool, title string) cases.Case {
	t.Helper()
	ctx := t.Context()
	actor := func(u string) *linli.Actor {
		a, err := s.Auth.ActorByUsername(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	photo := func(shade uint8) []attach.Checked {
		cs, err := attach.Check(attach.PhotoLimits(), []attach.Upload{{Name: "p.jpg", Data: []byte(jpegBytes(t, shade))}})
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	res := actor("jxresident")
	var hh int64
	for _, g := range res.Grants {
		if g.HouseholdID != 0 {
			hh = g.HouseholdID
		}
	}
	c, err := s.Cases.Open(ctx, res, cases.NewCase{Category: "water_leak", Title: title, HouseholdID: hh, Public: public, Photos: photo(20)})
	if err != nil {
		t.Fatalf("open: %v %v", err, linli.ErrorFields(err))
	}
	for _, st := range []struct {
		who string
		in  cases.ActionInput
	}{
		{"jixiang", cases.ActionInput{Action: cases.ActAccept}},
		{"jixiang", cases.ActionInput{Action: cases.ActDispatch}},
		{"jxgrid", cases.ActionInput{Action: cases.ActAcknowledge}},
		{"jxgrid", cases.ActionInput{Action: cases.ActHandle, Note: "已修复楼上卫生间防水，联系人电话13700001111", Photos: photo(220)}},
		{"jixiang", cases.ActionInput{Action: cases.ActVerify}},
		{"jixiang", cases.ActionInput{Action: cases.ActClose}},
		{"jxresident", cases.ActionInput{Action: cases.ActRate, Rating: cases.Satisfied, Comment: "谢谢小王"}},
	} {
		s.Clock.Advance(time.Hour)
		if _, err := s.Cases.Act(ctx, actor(st.who), c.ID, st.in); err != nil {
			t.Fatalf("%s %s: %v %v", st.who, st.in.Action, err, linli.ErrorFields(err))
		}
	}
	if public {
		// Staff approve the text Linli proposes for the public list.
		ps, err := s.Happiness.Pending(ctx, actor("jixiang"), c.CommunityID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.CaseID != c.ID {
				continue
			}
			if _, err := s.Happiness.Approve(ctx, actor("jixiang"), c.ID, p.Title, p.Summary); err != nil {
				t.Fatalf("approve: %v %v", err, linli.ErrorFields(err))
			}
		}
	}
	return c
}

func TestHappinessHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		ctx := t.Context()
		var jx, xy int64
		if err := s.DB.QueryRow(ctx, `SELECT id FROM nodes WHERE kind = 'community' AND name = '吉祥社区'`).Scan(&jx); err != nil {
			t.Fatal(err)
		}
		if err := s.DB.QueryRow(ctx, `SELECT id FROM nodes WHERE kind = 'community' AND name = '学苑社区'`).Scan(&xy); err != nil {
			t.Fatal(err)
		}
		pub := happinessCase(t, s, true, "2单元402卫生间天花板渗水")
		priv := happinessCase(t, s, false, "家中墙面渗水")
		anon := s.anon(t)

		// The index and the list, without logging in.
		st, b := anon.do("GET", "/happiness", nil)
		if st != 200 || !strings.Contains(string(b), "吉祥社区") || !strings.Contains(string(b), fmt.Sprintf("/happiness/%d", jx)) {
			t.Errorf("index: %d %.300s", st, b)
		}
		st, b = anon.do("GET", fmt.Sprintf("/happiness/%d", jx), nil)
		page := string(b)
		if st != 200 {
			t.Fatalf("list page: %d %.300s", st, b)
		}
		for _, want := range []string{"2单元卫生间天花板渗水", "吉祥花园 1号楼", "满意率 100.0%（1人评价）", "办理前", "办理后"} {
			if !strings.Contains(page, want) {
				t.Errorf("list page lacks %q", want)
			}
		}
		if strings.Contains(page, "家中墙面渗水") {
			t.Error("a private case is on the public list")
		}
		// No personal data: the reporter's and owners' names and phones,
		// the room, the rating comment naming the worker.
		rows, err := s.DB.Query(ctx, `SELECT p.name, p.phone FROM people p JOIN household_members m ON m.person_id = p.id WHERE m.household_id = ?`, pub.HouseholdID)
		if err != nil {
			t.Fatal(err)
		}
		var secrets []string
		for rows.Next() {
			var name, phone string
			_ = rows.Scan(&name, &phone)
			secrets = append(secrets, name)
			if phone != "" {
				secrets = append(secrets, phone, phone[len(phone)-4:])
			}
		}
		rows.Close()
		if len(secrets) == 0 {
			t.Fatal("the demo household has no members to look for")
		}
		var account string
		_ = s.DB.QueryRow(ctx, `SELECT display_name FROM accounts WHERE username = 'jxresident'`).Scan(&account)
		secrets = append(secrets, account, "402", "13700001111", "小王", "jxresident")
		for _, sec := range secrets {
			if sec != "" && strings.Contains(page, sec) {
				t.Errorf("the public page shows %q", sec)
			}
		}

		// The JSON twin, public and documented.
		st, b = anon.do("GET", fmt.Sprintf("/api/happiness/%d", jx), nil)
		oaFits(t, "GET", "/api/happiness/{id}", st, b)
		var l happiness.List
		_ = json.Unmarshal(b, &l)
		var entry happiness.Entry
		for _, e := range l.Entries {
			if e.Kind == "case" && e.ID == priv.ID {
				t.Error("the private case is in the JSON")
			}
			if e.Kind == "case" && e.ID == pub.ID {
				entry = e
			}
		}
		if st != 200 || entry.ID == 0 || len(entry.Photos) != 2 || entry.Rated != 1 || entry.Satisfied != 1 {
			t.Fatalf("list JSON: %d %s", st, b)
		}
		for _, sec := range secrets {
			if sec != "" && bytes.Contains(b, []byte(sec)) {
				t.Errorf("the public JSON shows %q", sec)
			}
		}
		st, b = anon.do("GET", "/api/happiness", nil)
		oaFits(t, "GET", "/api/happiness", st, b)
		if st, _ := anon.do("GET", "/api/happiness/999999", nil); st != http.StatusNotFound {
			t.Errorf("unknown community: %d", st)
		}

		// Photos: those of the list's entries only.
		photo := entry.Photos[0].AttachmentID
		for _, q := range []string{"", "?thumb=1"} {
			st, b := anon.do("GET", fmt.Sprintf("/happiness/%d/photos/%d%s", jx, photo, q), nil)
			if st != 200 || !bytes.HasPrefix(b, []byte{0xFF, 0xD8}) {
				t.Errorf("public photo%s: %d", q, st)
			}
		}
		var private int64
		if err := s.DB.QueryRow(ctx, `SELECT id FROM attachments WHERE owner = 'case' AND owner_id = ? ORDER BY id LIMIT 1`, priv.ID).Scan(&private); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{
			fmt.Sprintf("/happiness/%d/photos/%d", jx, private),         // a private case's photo
			fmt.Sprintf("/happiness/%d/photos/%d?thumb=1", jx, private), // nor its thumbnail
			fmt.Sprintf("/happiness/%d/photos/%d", xy, photo),           // under another community
			fmt.Sprintf("/happiness/%d/photos/999999", jx),
		} {
			if st, _ := anon.do("GET", p, nil); st != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, st)
			}
		}

		// Thanks: staff of the community only.
		thanks := map[string]any{"subject": fmt.Sprintf("case:%d", pub.ID), "kind": "banner", "from": "吉祥花园1号楼2单元居民", "text": "邻里守望 排忧解难"}
		path := fmt.Sprintf("/api/happiness/%d/thanks", jx)
		if st, _ := anon.do("POST", path, thanks); st != http.StatusUnauthorized {
			t.Errorf("anonymous thanks: %d", st)
		}
		if st, _ := s.login(t, "jxgrid").do("POST", path, thanks); st != http.StatusForbidden {
			t.Errorf("grid worker thanks: %d", st)
		}
		if st, _ := s.login(t, "xueyuan").do("POST", path, thanks); st != http.StatusForbidden {
			t.Errorf("other community's staff thanks: %d", st)
		}
		jixiang := s.login(t, "jixiang")
		var p problem
		st, b = jixiang.do("POST", path, map[string]any{"subject": thanks["subject"], "kind": "flowers", "from": "居民", "text": "谢谢"})
		if _ = json.Unmarshal(b, &p); st != 422 || !p.hasField("kind") {
			t.Errorf("bad kind: %d %s", st, b)
		}
		oaFits(t, "POST", "/api/happiness/{id}/thanks", st, b)
		// A project that does not exist, or another community's (the
		// story's elevators are 学苑社区's): 422 naming the subject.
		for _, subject := range []string{"project:99999", fmt.Sprintf("project:%d", storyProject(t, s))} {
			var p problem
			st := jixiang.json("POST", path, map[string]any{"subject": subject, "kind": "banner", "from": "居民", "text": "谢谢"}, &p)
			if st != 422 || !p.hasField("subject") {
				t.Errorf("thanks for %s: %d %+v", subject, st, p)
			}
		}
		// The community's own project is fine.
		if st, b := s.login(t, "xueyuan").do("POST", fmt.Sprintf("/api/happiness/%d/thanks", xueyuanID(t, s)),
			map[string]any{"subject": fmt.Sprintf("project:%d", storyProject(t, s)), "kind": "letter", "from": "1号楼居民", "text": "感谢加装电梯"}); st != http.StatusCreated {
			t.Errorf("thanks for the community's project: %d %s", st, b)
		}
		st, b = jixiang.do("POST", path, thanks)
		if st != http.StatusCreated {
			t.Fatalf("thanks: %d %s", st, b)
		}
		oaFits(t, "POST", "/api/happiness/{id}/thanks", st, b)
		if _, b := anon.do("GET", fmt.Sprintf("/happiness/%d", jx), nil); !strings.Contains(string(b), "邻里守望 排忧解难") || strings.Contains(string(b), "thanks-form") {
			t.Error("the banner is not on the public page, or the staff form is shown to anyone")
		}
		// The staff form on the page.
		st, b = jixiang.form(fmt.Sprintf("/happiness/%d/thanks", jx), url.Values{"subject": {fmt.Sprintf("case:%d", pub.ID)}, "kind": {"letter"}, "from": {"13812345678"}, "text": {"感谢"}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(string(b), `data-test="err-from"`) {
			t.Errorf("bad thanks form: %d", st)
		}
		st, _ = jixiang.form(fmt.Sprintf("/happiness/%d/thanks", jx), url.Values{"subject": {fmt.Sprintf("case:%d", pub.ID)}, "kind": {"letter"}, "from": {"2单元居民"}, "text": {"感谢信一封"}, "at": {"2026-11-20"}})
		if st != http.StatusSeeOther {
			t.Errorf("thanks form: %d", st)
		}

		// In English, every text translated.
		m := &misses{seen: map[string][]string{}}
		s.Registry.Renderer.Untranslated = m.add
		t.Cleanup(func() { s.Registry.Renderer.Untranslated = nil })
		for _, who := range []string{"", "jixiang"} {
			c := english(t, s, who)
			for _, p := range []string{"/happiness", fmt.Sprintf("/happiness/%d", jx), fmt.Sprintf("/happiness/%d", xy)} {
				m.at(who + " GET " + p)
				if st, _ := c.do("GET", p, nil); st != 200 {
					t.Errorf("%s GET %s: %d", who, p, st)
				}
			}
		}
		m.report(t, "happiness pages")
	})
}

func xueyuanID(t *testing.T, s *testServer) int64 {
	t.Helper()
	var id int64
	if err := s.DB.QueryRow(t.Context(), `SELECT id FROM nodes WHERE kind = 'community' AND name = '学苑社区'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
