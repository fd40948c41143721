package main

// Forms and actions (issue 10): the report form keeps its photos across a
// refused submission, irreversible actions ask first (nothing changes
// until confirm=1), a deleted milestone can be restored for a while, and
// the case page's handler actions — the audited reveal of the reporter's
// phone, the extension buttons, 立案并派遣 with its target named.
// One demo server for all of it.

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"linli/projects"
	"linli/storage"
	"linli/votes"
)

func jpegPhoto(t *testing.T, w, h int) string {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func (c *client) page(path string) (int, string) {
	c.t.Helper()
	st, b := c.do("GET", path, nil)
	return st, string(b)
}

func (s *testServer) scalar(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.DB.QueryRow(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

var keptPhoto = regexp.MustCompile(`name="upload" value="(\d+)" checked`)

func TestFormsAndActions(t *testing.T) {
	eachServer(t, testFormsAndActions)
}

func testFormsAndActions(t *testing.T, s *testServer) {
	resident, staff, grid1, other := s.login(t, "resident"), s.login(t, "xueyuan"), s.login(t, "grid1"), s.login(t, "building")
	home := s.scalar(t, `SELECT household_id FROM grants g JOIN accounts a ON a.id = g.account_id WHERE a.username = 'resident'`)
	hid := fmt.Sprint(home)

	var caseID int64
	t.Run("a refused report keeps its photo, which only its uploader can use", func(t *testing.T) {
		before := countCases(t, s)
		body, ct := multipartBody(t, map[string]string{"category": "water_leak", "title": "", "household_id": hid, "idem": "forms-1"},
			map[string][2]string{"photos": {"ceiling.jpg", jpegPhoto(t, 64, 48)}})
		st, page := resident.post(t, "/report", body, ct)
		m := keptPhoto.FindStringSubmatch(string(page))
		if st != 422 || m == nil || !strings.Contains(string(page), `data-test="kept-photo"`) {
			t.Fatalf("report without a title: %d, kept photo %v", st, m)
		}
		if n := countCases(t, s); n != before {
			t.Fatalf("a refused report left %d case(s)", n-before)
		}
		upload := m[1]
		if st, _ := resident.do("GET", "/report/photos/"+upload+"?thumb=1", nil); st != 200 {
			t.Fatalf("the uploader's preview: %d", st)
		}
		if st, _ := other.do("GET", "/report/photos/"+upload+"?thumb=1", nil); st != 404 {
			t.Fatalf("someone else's pending photo: %d, want 404", st)
		}
		// Another account naming the id in its own report claims nothing.
		st, page = grid1.form("/report", url.Values{"category": {"noise"}, "title": {"楼道噪音"}, "household_id": {hid}, "upload": {upload}})
		if st != 422 || !strings.Contains(string(page), "照片已失效") {
			t.Fatalf("claiming another's upload: %d", st)
		}
		if n := s.scalar(t, `SELECT COUNT(*) FROM attachments WHERE id = ? AND owner = 'upload'`, upload); n != 1 {
			t.Fatal("the foreign claim moved the pending photo")
		}
		st, _ = resident.form("/report", url.Values{"category": {"water_leak"}, "title": {"天花板渗水"}, "household_id": {hid}, "idem": {"forms-1"}, "upload": {upload}})
		if st != http.StatusSeeOther {
			t.Fatalf("resubmitted report: %d", st)
		}
		caseID = s.scalar(t, `SELECT MAX(id) FROM cases`)
		if n := s.scalar(t, `SELECT COUNT(*) FROM attachments WHERE owner = 'case' AND owner_id = ? AND id = ?`, caseID, upload); n != 1 {
			t.Fatal("the kept photo is not the case's")
		}
		// What happens next, on the page the reporter lands on.
		_, p := resident.page(fmt.Sprintf("/cases/%d", caseID))
		if !strings.Contains(p, `data-test="next-step"`) || !strings.Contains(p, "第一网格") || !strings.Contains(p, "前响应") || !regexp.MustCompile(`\d+月\d+日（周.）\d\d:\d\d`).MatchString(p) {
			t.Fatalf("no next step for the reporter:\n%s", excerpt(p, "next-step"))
		}
	})

	path := func() string { return fmt.Sprintf("/cases/%d", caseID) }
	act := func(c *client, v url.Values) int {
		t.Helper()
		st, _ := c.form(path()+"/actions", v)
		return st
	}
	state := func() string {
		var st string
		if err := s.DB.QueryRow(t.Context(), `SELECT state FROM cases WHERE id = ?`, caseID).Scan(&st); err != nil {
			t.Fatal(err)
		}
		return st
	}

	t.Run("立案并派遣 in one step, its target named before", func(t *testing.T) {
		_, p := staff.page(path())
		if !strings.Contains(p, `data-test="act-accept_dispatch"`) || !strings.Contains(excerpt(p, "route-to"), "第一网格") {
			t.Fatalf("no one-step register and dispatch naming the grid:\n%s", excerpt(p, "accept_dispatch"))
		}
		if st := act(staff, url.Values{"action": {"accept_dispatch"}}); st != http.StatusSeeOther || state() != "dispatched" {
			t.Fatalf("accept_dispatch: %d, state %s", st, state())
		}
		if kind := s.scalar(t, `SELECT COUNT(*) FROM cases WHERE id = ? AND assignee_kind = 'grid'`, caseID); kind != 1 {
			t.Fatal("not dispatched to the grid")
		}
	})

	t.Run("handlers contact the reporter through an audited reveal", func(t *testing.T) {
		_, p := grid1.page(path())
		if !strings.Contains(p, `data-test="reveal-reporter"`) || !strings.Contains(p, "****") {
			t.Fatalf("the assignee sees no masked contact:\n%s", excerpt(p, "contact"))
		}
		for _, c := range []*client{resident, other} {
			if _, p := c.page(path()); strings.Contains(p, `data-test="reveal-reporter"`) {
				t.Fatal("the contact action is shown to someone who does not work the case")
			}
		}
		if st, _ := resident.do("POST", "/api"+path()+"/reporter/reveal", nil); st != 403 {
			t.Fatalf("the reporter revealing their own number: %d, want 403", st)
		}
		audits := s.scalar(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.reporter_reveal'`)
		var got struct{ Value string }
		if st := grid1.json("POST", "/api"+path()+"/reporter/reveal", nil, &got); st != 200 || len(got.Value) != 11 || strings.Contains(got.Value, "*") {
			t.Fatalf("reveal: %d %q", st, got.Value)
		}
		if n := s.scalar(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.reporter_reveal'`); n != audits+1 {
			t.Fatalf("the reveal was not audited: %d entries, want %d", n, audits+1)
		}
		// Without script: the page answers with a tel: link.
		st, page := grid1.form(path()+"/reporter/reveal", url.Values{})
		if st != 200 || !strings.Contains(string(page), `href="tel:`+got.Value+`"`) {
			t.Fatalf("page reveal: %d, no tel: link", st)
		}
	})

	t.Run("extension buttons only while a request is pending", func(t *testing.T) {
		if st := act(grid1, url.Values{"action": {"acknowledge"}}); st != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", st)
		}
		if _, p := staff.page(path()); strings.Contains(p, `name="approve"`) {
			t.Fatal("decision buttons shown with no request pending")
		}
		if _, p := grid1.page(path()); !strings.Contains(p, "申请延期") {
			t.Fatal("the assignee cannot ask for an extension")
		}
		due := s.Clock.Now().AddDate(0, 1, 0).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
		if st := act(grid1, url.Values{"action": {"request_extension"}, "new_due": {due}, "reason": {"等待配件"}}); st != http.StatusSeeOther {
			t.Fatalf("request_extension: %d", st)
		}
		if _, p := staff.page(path()); !strings.Contains(p, `name="approve"`) || !strings.Contains(p, `data-test="extension-request"`) || !strings.Contains(p, "等待配件") {
			t.Fatal("no decision buttons with the request named while one is pending")
		}
		if _, p := grid1.page(path()); strings.Contains(p, "<summary>申请延期</summary>") {
			t.Fatal("a second request is offered while one is pending")
		}
		if st := act(staff, url.Values{"action": {"decide_extension"}, "approve": {"1"}}); st != http.StatusSeeOther {
			t.Fatalf("decide: %d", st)
		}
		if _, p := staff.page(path()); strings.Contains(p, `name="approve"`) {
			t.Fatal("decision buttons still shown after the decision")
		}
	})

	t.Run("the reporter's and the handler's photos side by side", func(t *testing.T) {
		body, ct := multipartBody(t, map[string]string{"action": "handle", "note": "已更换管道"}, map[string][2]string{"photos": {"fixed.jpg", jpegPhoto(t, 60, 40)}})
		if st, _ := grid1.post(t, path()+"/actions", body, ct); st != http.StatusSeeOther {
			t.Fatalf("handle with a photo: %d", st)
		}
		_, p := staff.page(path())
		// One photo of the problem (the reporter's), then one of the work.
		sides := regexp.MustCompile(`(?s)data-test="before".*?data-test="photo".*?data-test="after".*?data-test="photo"`)
		if !sides.MatchString(p) || strings.Count(p, `data-test="photo"`) != 2 {
			t.Fatalf("no before/after for verification:\n%s", excerpt(p, "before-after"))
		}
	})

	t.Run("closing a case asks first", func(t *testing.T) {
		for _, step := range []struct {
			c *client
			v url.Values
		}{{staff, url.Values{"action": {"verify"}}}} {
			if st := act(step.c, step.v); st != http.StatusSeeOther {
				t.Fatalf("%s: %d", step.v.Get("action"), st)
			}
		}
		st, page := staff.form(path()+"/actions", url.Values{"action": {"close"}})
		if st != 200 || !strings.Contains(string(page), `data-test="confirm"`) || !strings.Contains(string(page), `name="confirm" value="1"`) || state() != "verified" {
			t.Fatalf("close without confirm: %d, state %s", st, state())
		}
		if st := act(staff, url.Values{"action": {"close"}, "confirm": {"1"}}); st != http.StatusSeeOther || state() != "closed" {
			t.Fatalf("close with confirm: %d, state %s", st, state())
		}
	})

	t.Run("closing a vote asks first, naming the count", func(t *testing.T) {
		d := openVote(t, s, staff, nil)
		vp := fmt.Sprintf("/votes/%d", d.Vote.ID)
		st, page := staff.form(vp+"/close", url.Values{})
		if st != 200 || !strings.Contains(string(page), "结束后不能再投票") || !strings.Contains(string(page), "0/12 户") {
			t.Fatalf("close without confirm: %d\n%s", st, excerpt(string(page), "consequence"))
		}
		var v votes.Vote
		staff.json("GET", "/api"+vp, nil, &struct{ Vote *votes.Vote }{&v})
		if v.State == votes.StateClosed {
			t.Fatal("the vote closed without confirmation")
		}
		if _, p := staff.page(vp); !strings.Contains(p, `data-confirm="结束后不能再投票`) {
			t.Fatal("the close button has no dialog naming the consequence")
		}
		if st, _ := staff.form(vp+"/close", url.Values{"confirm": {"1"}}); st != http.StatusSeeOther {
			t.Fatalf("close with confirm: %d", st)
		}
		staff.json("GET", "/api"+vp, nil, &struct{ Vote *votes.Vote }{&v})
		if v.State != votes.StateClosed {
			t.Fatalf("confirmed close left the vote %s", v.State)
		}
	})

	t.Run("a deleted milestone can be restored for a while", func(t *testing.T) {
		community, units := projectScope(t, s)
		var pr projects.Project
		if st := staff.json("POST", "/api/projects", map[string]any{"community_id": community, "scope": units[:1], "title": "1单元楼道灯更换", "kind": "lighting"}, &pr); st != 201 {
			t.Fatalf("project: %d", st)
		}
		pp := fmt.Sprintf("/projects/%d", pr.ID)
		var m1, m2 projects.Milestone
		staff.json("POST", "/api"+pp+"/milestones", map[string]any{"title": "采购灯具", "weight": 1}, &m1)
		staff.json("POST", "/api"+pp+"/milestones", map[string]any{"title": "安装", "weight": 1}, &m2)
		if st, _ := staff.form(fmt.Sprintf("%s/milestones/%d/delete", pp, m1.ID), url.Values{"form": {"ms-delete"}}); st != http.StatusSeeOther {
			t.Fatalf("delete: %d", st)
		}
		_, p := staff.page(pp)
		if strings.Count(p, `data-test="milestone"`) != 1 || !strings.Contains(p, `data-test="ms-undo"`) {
			t.Fatalf("after the delete: %d milestones, undo offered %v", strings.Count(p, `data-test="milestone"`), strings.Contains(p, "ms-undo"))
		}
		if st, _ := staff.form(fmt.Sprintf("%s/milestones/%d/restore", pp, m1.ID), url.Values{"form": {"ms-restore"}}); st != http.StatusSeeOther {
			t.Fatalf("restore: %d", st)
		}
		if _, p := staff.page(pp); strings.Count(p, `data-test="milestone"`) != 2 || strings.Contains(p, `data-test="ms-undo"`) {
			t.Fatal("the restored milestone is not back")
		}
		// A finished project's milestones are edited only in the edit mode.
		if err := s.DB.InTx(t.Context(), func(tx *storage.Tx) error {
			_, err := tx.Exec(t.Context(), `UPDATE projects SET phase = 'in_service' WHERE id = ?`, pr.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, p := staff.page(pp); strings.Contains(p, `data-test="ms-delete"`) || !strings.Contains(p, `data-test="ms-edit"`) {
			t.Fatal("a finished project shows its milestone controls outside the edit mode")
		}
		if _, p := staff.page(pp + "?edit=1"); strings.Count(p, `data-test="ms-delete"`) != 2 {
			t.Fatal("the edit mode shows no milestone controls")
		}
		if st := staff.postForm(fmt.Sprintf("%s/milestones/%d/delete", pp, m2.ID), url.Values{"form": {"ms-delete"}, "edit": {"1"}}); st.StatusCode != http.StatusSeeOther || st.Header.Get("Location") != pp+"?edit=1" {
			t.Fatalf("delete in the edit mode: %d → %s", st.StatusCode, st.Header.Get("Location"))
		}
		s.Clock.Advance(projects.UndoWindow + time.Minute)
		if st, _ := staff.do("POST", fmt.Sprintf("/api%s/milestones/%d/restore", pp, m2.ID), nil); st != 409 {
			t.Fatalf("restore after the window: %d, want 409", st)
		}
		if _, p := staff.page(pp); strings.Contains(p, `data-test="ms-undo"`) {
			t.Fatal("undo still offered after the window")
		}
	})
}

// excerpt is the part of a page around a marker, for failure messages.
func excerpt(page, marker string) string {
	i := strings.Index(page, marker)
	if i < 0 {
		return "(" + marker + " not found)"
	}
	return page[max(0, i-300):min(len(page), i+600)]
}
