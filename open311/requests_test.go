package open311_test

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/capability"
	"linli/cases"
	"linli/demo/demotest"
	"linli/open311"
	"linli/storage"
	"linli/storage/storagetest"
)

type reqDoc struct {
	ID          string   `json:"service_request_id" xml:"service_request_id"`
	Status      string   `json:"status" xml:"status"`
	StatusNotes string   `json:"status_notes" xml:"status_notes"`
	Description string   `json:"description" xml:"description"`
	Agency      string   `json:"agency_responsible" xml:"agency_responsible"`
	Expected    string   `json:"expected_datetime" xml:"expected_datetime"`
	Address     string   `json:"address" xml:"address"`
	Lat         *float64 `json:"lat" xml:"lat"`
	Long        *float64 `json:"long" xml:"long"`
	MediaURL    string   `json:"media_url" xml:"media_url"`
	Token       string   `json:"token" xml:"token"`
}

func (f *fixture) requests(query string) []reqDoc {
	f.t.Helper()
	status, body := f.get("/open311/v2/requests.json?jurisdiction_id=" + codeXueyuan + query)
	if status != 200 {
		f.t.Fatalf("requests %s: %d %s", query, status, body)
	}
	var out []reqDoc
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		f.t.Fatal(err)
	}
	return out
}

// Only what a reporter made public appears, and of it only what the
// happiness list would show: the approved text and a photo once staff
// approved the case's public text; never a name, a phone or the
// reporter's own words.
func TestPublicOnly(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.report("不公开的漏水", false)
		open := f.report("公开的漏水", true)
		done := f.resolve(f.report("已修好的漏水", true, photo(t)...), "楼道漏水已修复", "网格员协调物业更换了防水层")
		closedNotListed := f.resolve(f.report("结案未审核", true), "", "")

		for _, format := range []string{"xml", "json"} {
			status, body := f.get("/open311/v2/requests." + format + "?jurisdiction_id=" + codeXueyuan)
			if status != 200 {
				t.Fatalf("%d %s", status, body)
			}
			for _, never := range []string{"不公开", "13912345678", "王小明", "公开的漏水", "已修好的漏水", "结案未审核", "3单元", "602", "韩素芬", "柴晓燕"} {
				if strings.Contains(body, never) {
					t.Errorf("%s shows %q: %s", format, never, body)
				}
			}
		}
		got := map[string]reqDoc{}
		for _, r := range f.requests("") {
			got[r.ID] = r
		}
		if len(got) != 3 {
			t.Fatalf("listed %d: %+v", len(got), got)
		}
		o := got[open.Number]
		if o.Status != "open" || o.Description != "" || o.MediaURL != "" || o.Address != "学苑社区 荟萃花园南区 1号楼" || *o.Lat != 35.0281 || *o.Long != 111.0079 {
			t.Errorf("open case: %+v", o)
		}
		d := got[done.Number]
		if d.Status != "closed" || d.Description != "楼道漏水已修复" || d.StatusNotes != "网格员协调物业更换了防水层" || d.Agency != "学苑社区第一网格" ||
			!strings.HasPrefix(d.MediaURL, f.srv.URL+"/happiness/") || !strings.HasSuffix(d.MediaURL, "?thumb=1") {
			t.Errorf("listed case: %+v", d)
		}
		c := got[closedNotListed.Number]
		if c.Status != "closed" || c.Description != "" || c.MediaURL != "" || c.StatusNotes != "已结案" {
			t.Errorf("closed, not approved: %+v", c)
		}
		// status=open / closed split them as README says.
		if l := f.requests("&status=open"); len(l) != 1 || l[0].ID != open.Number {
			t.Errorf("open: %+v", l)
		}
		if l := f.requests("&status=closed"); len(l) != 2 {
			t.Errorf("closed: %+v", l)
		}
		// A dispatched case carries its deadline and who handles it.
		f.act("xueyuan", open.ID, cases.ActionInput{Action: cases.ActAccept})
		disp := f.act("xueyuan", open.ID, cases.ActionInput{Action: cases.ActDispatch})
		l := f.requests("&service_request_id=" + open.Number)
		if len(l) != 1 || l[0].Expected != disp.ResolveDue.In(demotest.Beijing).Format(time.RFC3339) || l[0].Agency != "学苑社区第一网格" || l[0].StatusNotes != "已派遣" {
			t.Errorf("dispatched: %+v (due %v)", l, disp.ResolveDue)
		}
	})
}

// The 90-day default window, the dates given, the 1,000 maximum, and the
// comma list of ids that overrides the rest.
func TestWindowAndMaximum(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		old := f.report("百日前", true)
		f.w.Clock.Advance(100 * 24 * time.Hour)
		var last cases.Case
		for i := 0; i < open311.MaxResults+5; i++ {
			last = f.report("新近", true)
		}
		l := f.requests("")
		if len(l) != open311.MaxResults {
			t.Fatalf("default: %d", len(l))
		}
		if l[0].ID != last.Number {
			t.Fatalf("newest first: %s, want %s", l[0].ID, last.Number)
		}
		for _, r := range l {
			if r.ID == old.Number {
				t.Fatal("the 100-day-old request is in the default window")
			}
		}
		start := t0.Add(-time.Hour).Format(time.RFC3339)
		if l := f.requests("&start_date=" + url.QueryEscape(start)); len(l) != 1 || l[0].ID != old.Number {
			t.Fatalf("start_date alone: %d", len(l))
		}
		end := t0.Add(24 * time.Hour).UTC().Format(time.RFC3339)
		if l := f.requests("&end_date=" + url.QueryEscape(end)); len(l) != 1 || l[0].ID != old.Number {
			t.Fatalf("end_date alone: %d", len(l))
		}
		if l := f.requests("&service_request_id=" + old.Number + "," + last.Number + "&status=open&start_date=2020-01-01T00:00:00Z"); len(l) != 2 {
			t.Fatalf("ids override: %d", len(l))
		}
		if l := f.requests("&service_code=noise"); len(l) != 0 {
			t.Fatalf("other service: %d", len(l))
		}
	})
}

// A moderated integrator's request answers a token; tokens/{token} gives
// the number once staff registered the case.
func TestModeratedTokens(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		app := f.integrator("xueyuan", "居民小程序", true, 0, f.node("荟萃1号楼").ID)
		form := url.Values{"api_key": {app.APIKey}, "service_code": {"noise"}, "address_id": {"household:" + itoa(f.household("resident"))},
			"description": {"夜间装修噪声"}, "attribute[room]": {"3单元602"}}
		status, body := f.post("/open311/v2/requests.xml", form)
		var doc struct {
			Requests []reqDoc `xml:"request"`
		}
		if err := xml.Unmarshal([]byte(body), &doc); status != 200 || err != nil || len(doc.Requests) != 1 {
			t.Fatalf("%d %v %s", status, err, body)
		}
		r := doc.Requests[0]
		if r.Token == "" || r.ID != "" || strings.Contains(body, "service_request_id") {
			t.Fatalf("moderated answer: %s", body)
		}
		tok := func(format string) string {
			status, body := f.get("/open311/v2/tokens/" + r.Token + "." + format)
			if status != 200 {
				t.Fatalf("token: %d %s", status, body)
			}
			return body
		}
		if got := tok("json"); got != `[{"token":"`+r.Token+`"}]`+"\n" {
			t.Fatalf("before registration: %s", got)
		}
		var caseID int64
		var number, desc, src string
		if err := db.QueryRow(f.ctx, `SELECT id, number, description, source FROM cases WHERE household_id = ?`, f.household("resident")).Scan(&caseID, &number, &desc, &src); err != nil {
			t.Fatal(err)
		}
		if src != "open311" || !strings.Contains(desc, "夜间装修噪声") || !strings.Contains(desc, "3单元602") {
			t.Fatalf("case: %s %q", src, desc)
		}
		f.act("xueyuan", caseID, cases.ActionInput{Action: cases.ActAccept})
		if got := tok("xml"); got != xmlHead+`<service_requests><request><service_request_id>`+number+`</service_request_id><token>`+r.Token+`</token></request></service_requests>` {
			t.Fatalf("after registration: %s", got)
		}
		// Its scope is one building: the community's other buildings are out.
		form.Set("address_id", "building:"+itoa(f.node("吉祥1号楼").ID))
		if status, _ := f.post("/open311/v2/requests.json", form); status != 403 {
			t.Fatalf("other building: %d", status)
		}
	})
}

// A moderated request's case and token are one transaction: when the
// token cannot be written, no case is left behind without it.
func TestModeratedCaseAndTokenTogether(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		app := f.integrator("xueyuan", "居民小程序", true, 0, f.node("荟萃1号楼").ID)
		count := func() (n int) {
			if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		// The token's table is gone, as a crash between the two writes
		// would lose the second.
		if err := db.InTx(f.ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(f.ctx, `DROP TABLE open311_tokens`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"api_key": {app.APIKey}, "service_code": {"noise"}, "address_id": {"household:" + itoa(f.household("resident"))},
			"description": {"夜间装修噪声"}}
		if status, body := f.post("/open311/v2/requests.json", form); status != 500 {
			t.Fatalf("token not writable: %d %s, want 500", status, body)
		}
		if n := count(); n != before {
			t.Fatalf("%d cases after a failed moderated request, want %d (a case without its token)", n, before)
		}
	})
}

// The rate limit is the deployment's, not a process's: two replicas on
// one database (two services here, each its own server) share an
// integrator's minute, and a refused request is not counted.
func TestRateLimitHoldsAcrossReplicas(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		other := open311.New(capability.Deps{DB: db, Clock: f.w.Clock, Zone: f.w.Zone, Calendar: f.w.Cases.WorkingCalendar, Links: f.w.Links,
			Registry: f.w.Registry, Auth: f.w.Auth, Cases: f.w.Cases})
		slow := f.integrator("xueyuan", "慢速接入方", false, 3, f.node("学苑社区").ID)
		replicas := []*open311.Service{f.svc, other}
		post := func(i int) error {
			_, err := replicas[i%2].PostRequest(f.ctx, open311.NewRequest{APIKey: slow.APIKey, ServiceCode: "noise", Lat: inXueyuan[0], Long: inXueyuan[1],
				Description: "噪声" + strconv.Itoa(i)})
			return err
		}
		for i, want := range []string{"", "", "", linli.ETooMany, linli.ETooMany} {
			if got := linli.ErrorCode(post(i)); got != want {
				t.Fatalf("request %d (replica %d): %q, want %q", i, i%2, got, want)
			}
		}
		f.w.Clock.Advance(time.Minute)
		for i := range 3 {
			if err := post(i); err != nil {
				t.Fatalf("next minute, request %d: %v", i, err)
			}
		}
		if err := post(3); linli.ErrorCode(err) != linli.ETooMany {
			t.Fatalf("fourth of the next minute: %v", err)
		}
		// Earlier minutes are forgotten: one row per integrator.
		if n := f.count(`SELECT COUNT(*) FROM open311_rate WHERE integrator_id = ?`, slow.ID); n != 1 {
			t.Fatalf("%d window rows, want 1", n)
		}
	})
}

type updDoc struct {
	ID        string `json:"update_id" xml:"update_id"`
	RequestID string `json:"service_request_id" xml:"service_request_id"`
	Status    string `json:"status" xml:"status"`
	When      string `json:"updated_datetime" xml:"updated_datetime"`
	Desc      string `json:"description" xml:"description"`
}

// FixMyStreet's servicerequestupdates: GET lists the public steps of
// public cases (what happened and the status after it, never a note);
// POST adds the integrator's comment for staff, once per update_id, only
// on requests in its scope.
func TestServiceRequestUpdates(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.report("私下", false)
		c := f.resolve(f.report("公开", true), "", "")
		status, body := f.get("/open311/v2/servicerequestupdates.xml?jurisdiction_id=" + codeXueyuan)
		var doc struct {
			Updates []updDoc `xml:"request_update"`
		}
		if err := xml.Unmarshal([]byte(body), &doc); status != 200 || err != nil {
			t.Fatalf("%d %v %s", status, err, body)
		}
		var steps []string
		for _, u := range doc.Updates {
			if u.RequestID != c.Number {
				t.Fatalf("another case's step: %+v", u)
			}
			steps = append(steps, u.Desc+":"+u.Status)
		}
		if got := strings.Join(steps, " "); !strings.HasPrefix(got, "上报:OPEN 立案:OPEN 派遣:OPEN") || !strings.HasSuffix(got, "结案:CLOSED") {
			t.Fatalf("steps: %s", got)
		}
		if strings.Contains(body, "13912345678") || strings.Contains(body, "王小明") {
			t.Fatalf("a note leaked: %s", body)
		}
		post := url.Values{"api_key": {f.hotline.APIKey}, "service_request_id": {c.Number}, "update_id": {"hl-77"}, "status": {"CLOSED"},
			"description": {"市民来电确认已修好"}, "updated_datetime": {"2026-12-06T12:00:00+08:00"}}
		status, body = f.post("/open311/v2/servicerequestupdates.json", post)
		var ans []updDoc
		if err := json.Unmarshal([]byte(body), &ans); status != 200 || err != nil || len(ans) != 1 || ans[0].ID == "" {
			t.Fatalf("post: %d %v %s", status, err, body)
		}
		notes := `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND action = 'note' AND public = 0 AND note LIKE ?`
		if n := f.count(notes, c.ID, "%市民来电确认已修好%CLOSED%"); n != 1 {
			t.Fatalf("notes %d", n)
		}
		// The same update_id again: the same answer, nothing added.
		if _, again := f.post("/open311/v2/servicerequestupdates.json", post); again != body {
			t.Fatalf("repeat: %s", again)
		}
		if n := f.count(notes, c.ID, "%市民来电%"); n != 1 {
			t.Fatalf("repeat added a note: %d", n)
		}
		got, err := f.w.Cases.Get(f.ctx, f.actors["xueyuan"], c.ID)
		if err != nil || got.State != cases.Closed {
			t.Fatalf("state changed: %v %v", got.State, err)
		}
		// Out of scope, unknown, without a description, with a bad key.
		other, err := f.w.Cases.Open(f.ctx, f.actors["jxresident"], cases.NewCase{Category: "noise", Title: "吉祥的噪声", HouseholdID: f.household("jxresident"), Public: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []struct {
			set    []string
			status int
		}{
			{[]string{"service_request_id", other.Number}, 403},
			{[]string{"service_request_id", "XY-20991231-0001"}, 404},
			{[]string{"description", ""}, 400},
			{[]string{"api_key", "o311_bad"}, 403},
		} {
			v := url.Values{}
			for k, vs := range post {
				v[k] = vs
			}
			v.Set("update_id", "new-"+bad.set[1])
			v.Set(bad.set[0], bad.set[1])
			if status, body := f.post("/open311/v2/servicerequestupdates.xml", v); status != bad.status || errorsOf(t, "xml", body)[0].Code != bad.status {
				t.Errorf("%v: %d %s", bad.set, status, body)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM case_events WHERE case_id = ? AND action = 'note'`, other.ID); n != 0 {
			t.Fatal("a note on a case out of scope")
		}
	})
}
