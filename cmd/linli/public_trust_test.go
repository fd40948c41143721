package main

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"linli"
	"linli/cases"
)

// Tests of issue 8 ("Trust"), items 7, 8, 10 and 11, through the real
// server. Item 12 (CSV) is tested where the CSV is written
// (registry/ledger, csvsafe).

// deepPNG is a valid 16-bit RGBA PNG of w×h black pixels: small on disk,
// 8 bytes a pixel decoded.
func deepPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, 1+8*w)
	for range h {
		if _, err := zw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		b.WriteString(kind)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 6
	chunk("IHDR", ihdr)
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// Item 7: a 16-bit PNG inside the pixel limit but 69 MiB decoded is
// refused with 422 naming the file's field.
func TestPublicTrustDeepPNGRefused(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	c := s.login(t, "resident")
	var home int64
	if err := s.DB.QueryRow(t.Context(), `SELECT household_id FROM grants g JOIN accounts a ON a.id = g.account_id WHERE a.username = 'resident'`).Scan(&home); err != nil {
		t.Fatal(err)
	}
	var kase cases.Case
	if st := c.json("POST", "/api/cases", map[string]any{"category": "water_leak", "title": "天花板渗水", "household_id": home}, &kase); st != 201 {
		t.Fatalf("open: %d", st)
	}
	deep := deepPNG(t, 3000, 3000)
	body, ct := multipartBody(t, nil, map[string][2]string{"photos": {"deep.png", string(deep)}})
	st, out := c.post(t, fmt.Sprintf("/api/cases/%d/photos", kase.ID), body, ct)
	var p problem
	_ = json.Unmarshal(out, &p)
	if st != 422 || !p.hasField("photos[0]") || !strings.Contains(string(out), "decoded") {
		t.Fatalf("a %d-byte 16-bit PNG of 69 MiB decoded: %d %s", len(deep), st, out)
	}
}

// Item 11: a flash comes from the server, never from the URL.
func TestPublicTrustFlash(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	jx := jixiangID(t, s)
	fake := "紧急通知：请将物业费转至138.1234.5678"
	// The public list, and pages of other capabilities that read the
	// flash where it used to be (the URL), which now only ever holds the
	// server's own message.
	for _, c := range []*client{s.anon(t), s.login(t, "jixiang")} {
		for _, path := range []string{fmt.Sprintf("/happiness/%d", jx), "/happiness", "/", "/projects", fmt.Sprintf("/places/%d", jx)} {
			st, b := c.do("GET", path+"?flash="+url.QueryEscape(fake), nil)
			if st >= 500 || bytes.Contains(b, []byte("紧急通知")) {
				t.Errorf("GET %s?flash=…: %d, the page shows the URL's text", path, st)
			}
		}
	}
	// The server's own flash after a form post: shown once, on its page.
	staff := s.login(t, "jixiang")
	var subject string
	if err := s.DB.QueryRow(t.Context(), `SELECT 'dispute:' || CAST(id AS TEXT) FROM disputes WHERE community_id = ? LIMIT 1`, jx).Scan(&subject); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", staff.base+fmt.Sprintf("/happiness/%d/thanks", jx),
		strings.NewReader(url.Values{"subject": {subject}, "kind": {"letter"}, "from": {"2单元居民"}, "text": {"谢谢调解员"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := staff.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != 303 || strings.Contains(loc, "flash") {
		t.Fatalf("thanks: %d to %q", res.StatusCode, loc)
	}
	_, b := staff.do("GET", res.Header.Get("Location"), nil)
	if !bytes.Contains(b, []byte(`role="status">已登记感谢<`)) {
		t.Error("the server's flash is not shown after the post")
	}
	if _, b = staff.do("GET", res.Header.Get("Location"), nil); bytes.Contains(b, []byte(`role="status"`)) {
		t.Error("the flash is shown twice")
	}
}

func jixiangID(t *testing.T, s *testServer) int64 {
	t.Helper()
	var id int64
	if err := s.DB.QueryRow(t.Context(), `SELECT id FROM nodes WHERE kind = 'community' AND name = '吉祥社区'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// Item 8: a closed public case reaches the public list only after staff
// approve its public text; phone numbers however written are refused in
// it, and never reach the public page.
func TestPublicTrustHappinessApproval(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		ctx := t.Context()
		jx := jixiangID(t, s)
		res, err := s.Auth.ActorByUsername(ctx, "jxresident")
		if err != nil {
			t.Fatal(err)
		}
		var hh int64
		for _, g := range res.Grants {
			if g.HouseholdID != 0 {
				hh = g.HouseholdID
			}
		}
		c, err := s.Cases.Open(ctx, res, cases.NewCase{Category: "water_leak", Title: "裴家卫生间渗水，电话一三八一二三四五六七八", HouseholdID: hh, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []struct {
			who string
			in  cases.ActionInput
		}{
			{"jixiang", cases.ActionInput{Action: cases.ActAccept}},
			{"jixiang", cases.ActionInput{Action: cases.ActDispatch}},
			{"jxgrid", cases.ActionInput{Action: cases.ActAcknowledge}},
			{"jxgrid", cases.ActionInput{Action: cases.ActHandle, Note: "已修复，业主电话138.1234.5678、１３９１２３４５６７８"}},
			{"jixiang", cases.ActionInput{Action: cases.ActVerify}},
			{"jixiang", cases.ActionInput{Action: cases.ActClose}},
		} {
			a, err := s.Auth.ActorByUsername(ctx, st.who)
			if err != nil {
				t.Fatal(err)
			}
			s.Clock.Advance(30 * 60e9)
			if _, err := s.Cases.Act(ctx, a, c.ID, st.in); err != nil {
				t.Fatalf("%s %s: %v %v", st.who, st.in.Action, err, linli.ErrorFields(err))
			}
		}
		anon := s.anon(t)
		listPath := fmt.Sprintf("/happiness/%d", jx)
		if _, b := anon.do("GET", listPath, nil); bytes.Contains(b, []byte("裴家")) || bytes.Contains(b, []byte(fmt.Sprintf(`data-id="%d"`, c.ID))) {
			t.Fatal("the case is on the public list before staff approved it")
		}
		if st, _ := anon.do("GET", fmt.Sprintf("/api/happiness/%d/pending", jx), nil); st != 401 {
			t.Errorf("anonymous pending: %d", st)
		}
		if st, _ := s.login(t, "jxresident").do("GET", fmt.Sprintf("/api/happiness/%d/pending", jx), nil); st != 403 {
			t.Errorf("resident pending: %d", st)
		}

		staff := s.login(t, "jixiang")
		var pending struct {
			Pending []struct {
				CaseID  int64  `json:"case_id"`
				Title   string `json:"title"`
				Summary string `json:"summary"`
			} `json:"pending"`
		}
		st, b := staff.do("GET", fmt.Sprintf("/api/happiness/%d/pending", jx), nil)
		oaFits(t, "GET", "/api/happiness/{id}/pending", st, b)
		_ = json.Unmarshal(b, &pending)
		var title, summary string
		for _, p := range pending.Pending {
			if p.CaseID == c.ID {
				title, summary = p.Title, p.Summary
			}
		}
		if title == "" || strings.Contains(title+summary, "5678") || strings.Contains(title+summary, "五六七八") {
			t.Fatalf("proposal %q %q in %s", title, summary, b)
		}
		// The review page, and a refused approval naming the field.
		if st, b := staff.do("GET", listPath+"/review", nil); st != 200 || !bytes.Contains(b, []byte(fmt.Sprintf(`data-id="%d"`, c.ID))) {
			t.Errorf("review page: %d", st)
		}
		st, b = staff.form(fmt.Sprintf("%s/cases/%d/approve", listPath, c.ID), url.Values{"title": {"卫生间渗水"}, "summary": {"联系幺三八 幺二三四 五六七八"}})
		if st != 422 || !bytes.Contains(b, []byte("has-error")) {
			t.Errorf("approval with a phone in Chinese numerals: %d", st)
		}
		// In English, every text of the review and list pages translated.
		m := &misses{seen: map[string][]string{}}
		s.Registry.Renderer.Untranslated = m.add
		en := english(t, s, "jixiang")
		for _, p := range []string{listPath + "/review", listPath} {
			m.at("jixiang GET " + p)
			if st, _ := en.do("GET", p, nil); st != 200 {
				t.Errorf("GET %s in English: %d", p, st)
			}
		}
		m.at("jixiang POST approve (refused)")
		en.form(fmt.Sprintf("%s/cases/%d/approve", listPath, c.ID), url.Values{"title": {""}, "summary": {"x"}})
		s.Registry.Renderer.Untranslated = nil
		m.report(t, "approval pages")
		st, b = staff.do("POST", fmt.Sprintf("/api/happiness/%d/cases/%d/approve", jx, c.ID), map[string]string{"title": "卫生间渗水", "summary": "138-1234-5678"})
		var p problem
		_ = json.Unmarshal(b, &p)
		if st != 422 || !p.hasField("summary") {
			t.Errorf("API approval with a dashed phone: %d %s", st, b)
		}
		// Approved with staff's words: on the list, without the name.
		st, b = staff.do("POST", fmt.Sprintf("/api/happiness/%d/cases/%d/approve", jx, c.ID), map[string]string{"title": "卫生间渗水", "summary": "漏水渗水：楼上防水层已修复"})
		oaFits(t, "POST", "/api/happiness/{id}/cases/{case}/approve", st, b)
		if st != 200 {
			t.Fatalf("approve: %d %s", st, b)
		}
		_, b = anon.do("GET", listPath, nil)
		if !bytes.Contains(b, []byte(fmt.Sprintf(`data-id="%d"`, c.ID))) || !bytes.Contains(b, []byte("楼上防水层已修复")) {
			t.Error("the approved case is not on the public list")
		}
		for _, leak := range []string{"裴家", "5678", "五六七八", "１３９"} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("the public list shows %q", leak)
			}
		}
		// Withdrawn: off the list again.
		if st, b := staff.do("POST", fmt.Sprintf("/api/happiness/%d/cases/%d/withdraw", jx, c.ID), nil); st != 204 {
			t.Errorf("withdraw: %d %s", st, b)
		}
		if _, b := anon.do("GET", listPath, nil); bytes.Contains(b, []byte(fmt.Sprintf(`data-id="%d"`, c.ID))) {
			t.Error("a withdrawn case is still listed")
		}
	})
}

// Item 10: a neighbour sees a public case's problem and progress, never
// who reported it, on the page and in the JSON API; the form says so.
func TestPublicTrustNeighbourSeesNoReporter(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	reporter := s.login(t, "resident")
	if _, b := reporter.do("GET", "/report", nil); !bytes.Contains(b, []byte("公开只公开问题和进展，不公开您的姓名和房号")) {
		t.Error("the report form does not say what public means")
	}
	var home int64
	if err := s.DB.QueryRow(t.Context(), `SELECT household_id FROM grants g JOIN accounts a ON a.id = g.account_id WHERE a.username = 'resident'`).Scan(&home); err != nil {
		t.Fatal(err)
	}
	var kase cases.Case
	if st := reporter.json("POST", "/api/cases", map[string]any{"category": "water_leak", "title": "楼上渗水到我家", "household_id": home, "public": true}, &kase); st != 201 {
		t.Fatalf("open: %d", st)
	}
	var name, room string
	if err := s.DB.QueryRow(t.Context(), `SELECT display_name FROM accounts WHERE username = 'resident'`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.QueryRow(t.Context(), `SELECT room FROM households WHERE id = ?`, home).Scan(&room); err != nil {
		t.Fatal(err)
	}
	// A neighbour: a resident account of the same community from the
	// demo story.
	var neighbour string
	if err := s.DB.QueryRow(t.Context(), `SELECT a.username FROM accounts a JOIN grants g ON g.account_id = a.id
		WHERE g.role = 'resident' AND a.username LIKE 'huicui-%' ORDER BY a.username LIMIT 1`).Scan(&neighbour); err != nil {
		t.Fatal(err)
	}
	n := s.login(t, neighbour)
	st, page := n.do("GET", fmt.Sprintf("/cases/%d", kase.ID), nil)
	if st != 200 || !bytes.Contains(page, []byte("楼上渗水到我家")) {
		t.Fatalf("the neighbour's case page: %d", st)
	}
	st, js := n.do("GET", fmt.Sprintf("/api/cases/%d", kase.ID), nil)
	if st != 200 {
		t.Fatalf("the neighbour's JSON: %d %s", st, js)
	}
	for _, sec := range []string{name, room, `"household_id"`, `"reporter_id"`} {
		if sec == "" {
			continue
		}
		if bytes.Contains(page, []byte(sec)) && sec != `"household_id"` && sec != `"reporter_id"` {
			t.Errorf("the neighbour's page shows %q", sec)
		}
		if bytes.Contains(js, []byte(sec)) {
			t.Errorf("the neighbour's JSON shows %s", sec)
		}
	}
	// The reporter still sees their own case whole.
	if _, js := reporter.do("GET", fmt.Sprintf("/api/cases/%d", kase.ID), nil); !bytes.Contains(js, []byte(`"household_id"`)) {
		t.Errorf("the reporter's JSON lacks the household: %s", js)
	}
}
