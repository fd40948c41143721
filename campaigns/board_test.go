package campaigns_test

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linli"
	"linli/campaigns"
	"linli/demo/demotest"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web/webtest"
)

var pShuxiang = []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第二网格", "书香苑"}

// boardFixture is the active campaign with, on 7 December, a fine
// finding for every household of 书香苑 (done) and two hazards in
// 荟萃花园南区 (a removal, then done on the 8th; a self-fix, open), and on
// 8 December a fine household, a general hazard without a plan and a
// fine roof there.
type boardFixture struct {
	*fixture
	c                campaigns.Campaign
	huicui, shuxiang registry.Node
	hs               []registry.Household // 荟萃花园南区 1号楼 3单元
	shuxiangHouses   int
	removal          campaigns.Plan
}

func generalHazard() map[string]any {
	return map[string]any{"present": "yes", "bracket": "完好", "anchored": "no", "leak": "no", "tilt": "5"}
}

func newBoardFixture(t *testing.T, db *storage.DB) *boardFixture {
	f := &boardFixture{fixture: newFixture(t, db)}
	var ts []campaigns.Task
	f.c, ts = f.active()
	t1, hs := f.task1(ts)
	f.hs = hs
	f.huicui, f.shuxiang = f.node(pHuicui...), f.node(pShuxiang...)
	taskOf := map[int64]int64{}
	for _, x := range ts {
		taskOf[x.NodeID] = x.ID
	}
	staff, grid := f.a("xueyuan"), f.a("grid1")
	rec := func(in campaigns.FindingInput) campaigns.Finding {
		t.Helper()
		r, err := f.svc.Record(f.ctx, grid, in, pngPhoto(t))
		if err != nil {
			t.Fatalf("record: %v %v", err, linli.ErrorFields(err))
		}
		return r.Finding
	}
	sx, err := f.w.Registry.HouseholdsUnder(f.ctx, db, f.shuxiang.Path)
	if err != nil || len(sx) == 0 {
		t.Fatalf("书香苑: %v %d", err, len(sx))
	}
	f.shuxiangHouses = len(sx)
	for _, h := range sx {
		rec(campaigns.FindingInput{TaskID: taskOf[h.BuildingID], HouseholdID: h.ID, Answers: fine()})
	}
	major := rec(campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[0].ID, Answers: hazardous()})
	self := rec(campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[1].ID, Answers: hazardous()})
	if f.removal, err = f.svc.SetPlan(f.ctx, staff, major.ID, campaigns.PlanInput{Kind: campaigns.PlanRemove, NoticeOn: "2026-12-07", WaitDays: 1, DueOn: "2026-12-09"}); err != nil {
		t.Fatal(err, linli.ErrorFields(err))
	}
	if _, err := f.svc.SetPlan(f.ctx, staff, self.ID, campaigns.PlanInput{Kind: campaigns.PlanSelfFix, Guidance: "加固支架", DueOn: "2026-12-20"}); err != nil {
		t.Fatal(err, linli.ErrorFields(err))
	}
	f.w.Clock.Set(time.Date(2026, time.December, 8, 10, 0, 0, 0, demotest.Beijing))
	rec(campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[2].ID, Answers: fine()})
	rec(campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[3].ID, Answers: generalHazard()})
	rec(campaigns.FindingInput{TaskID: t1.ID, Target: campaigns.TargetRoof, BuildingID: t1.NodeID, Answers: fine()})
	if _, err := f.svc.ClosePlan(f.ctx, grid, f.removal.ID, campaigns.CloseInput{Note: "已拆除"}, pngPhoto(t)["photo"]); err != nil {
		t.Fatal(err, linli.ErrorFields(err))
	}
	return f
}

func TestBoardFigures(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newBoardFixture(t, db)
		b, err := f.svc.Board(f.ctx, f.a("contractor"), f.c.ID) // a task group member reads it
		if err != nil {
			t.Fatal(err)
		}
		n := f.shuxiangHouses
		if len(b.Estates) != 2 || b.EstatesDone != 1 || b.EstatesTodo != 1 {
			t.Fatalf("estates: done %d, to do %d, %+v", b.EstatesDone, b.EstatesTodo, b.Estates)
		}
		for _, e := range b.Estates {
			want := e.ID == f.shuxiang.ID
			if e.Done != want {
				t.Errorf("%s done = %v", e.Name, e.Done)
			}
			if e.ID == f.huicui.ID && (e.Inspected != 4 || e.Devices != 5 || e.Hazards != 3) {
				t.Errorf("荟萃花园南区: %+v", e)
			}
			if e.ID == f.shuxiang.ID && (e.Households != n || e.Inspected != n || e.Hazards != 0) {
				t.Errorf("书香苑: %+v (households %d)", e, n)
			}
		}
		if b.Devices != n+5 || b.Inspected != n+4 || b.Hazards != 3 || b.Fine != n+2 {
			t.Errorf("devices %d inspected %d hazards %d fine %d (书香苑 %d)", b.Devices, b.Inspected, b.Hazards, b.Fine, n)
		}
		sev := map[string]int{}
		for _, c := range b.BySeverity {
			sev[c.Key] = c.N
		}
		if sev["major"] != 2 || sev["general"] != 1 || sev["serious"] != 0 {
			t.Errorf("by severity: %v", sev)
		}
		kinds := map[campaigns.PlanKind][2]int{}
		for _, c := range b.ByPlanKind {
			kinds[c.Kind] = [2]int{c.Open, c.Done}
		}
		if kinds[campaigns.PlanRemove] != [2]int{0, 1} || kinds[campaigns.PlanSelfFix] != [2]int{1, 0} || kinds[campaigns.PlanReinforce] != [2]int{} {
			t.Errorf("plans by kind: %v", kinds)
		}
		if b.Removed != 1 || b.Fixed != 0 || b.OpenPlans != 1 || b.NoPlan != 1 {
			t.Errorf("removed %d fixed %d open %d no plan %d", b.Removed, b.Fixed, b.OpenPlans, b.NoPlan)
		}
		if len(b.PerDay) != 2 || b.PerDay[0].Day.String() != "2026-12-07" || b.PerDay[0].Findings != n+2 || b.PerDay[0].Hazards != 2 ||
			b.PerDay[1].Findings != 3 || b.PerDay[1].Hazards != 1 {
			t.Errorf("per day: %+v", b.PerDay)
		}
		// Another community's staff, and a resident, see no such campaign.
		for _, who := range []string{"jixiang", "resident"} {
			if _, err := f.svc.Board(f.ctx, f.a(who), f.c.ID); linli.ErrorCode(err) != linli.ENotFound {
				t.Errorf("%s reads the board: %v", who, err)
			}
		}
	})
}

var plainPhone = regexp.MustCompile(`1[3-9]\d{9}`)
var maskedPhone = regexp.MustCompile(`^1\d{2}\*{4}\d{4}`)

func TestBoardPagesExportAndPrint(t *testing.T) {
	db := storagetest.SQLite(t)
	f := newBoardFixture(t, db)
	srv := webtest.New(t, campaigns.Pages())
	f.svc.Routes(srv.Router, srv.Renderer)
	staff, other := srv.As(t, f.a("xueyuan")), srv.As(t, f.a("jixiang"))
	id := f.c.ID
	board := fmt.Sprintf("/campaigns/%d/board", id)
	if res := staff.Get(fmt.Sprintf("/campaigns/%d", id)); !strings.Contains(res.String(), `href="`+board+`"`) {
		t.Error("the campaign page does not link its board")
	}
	for _, cl := range []*webtest.Client{staff, staff.English()} {
		res := cl.Get(board)
		body := res.String()
		if res.Status != http.StatusOK || strings.Count(body, `<svg class="chart"`) != 5 || strings.Count(body, `role="img"`) != 5 ||
			!strings.Contains(body, `data-test="estates-done">1<`) || !strings.Contains(body, fmt.Sprintf(`/campaigns/%d/export.xlsx`, id)) ||
			!strings.Contains(body, fmt.Sprintf(`/campaigns/%d/estates/%d/print`, id, f.huicui.ID)) {
			t.Errorf("board page: %d, %d charts, %d images: %s", res.Status, strings.Count(body, `<svg class="chart"`), strings.Count(body, `role="img"`), body[strings.Index(body, "<main"):])
		}
	}
	var b campaigns.Board
	staff.Get("/api/campaigns/"+fmt.Sprint(id)+"/board").Decode(t, &b)
	if b.EstatesDone != 1 || b.Removed != 1 {
		t.Errorf("board JSON: %+v", b)
	}
	// The workbook: one sheet per estate, every household a row (roof
	// after them), phones masked.
	res := staff.Get(fmt.Sprintf("/campaigns/%d/export.xlsx", id))
	if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %.300s", res.Status, res.Body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); len(got) != 2 || !slices.Contains(got, "荟萃花园南区") || !slices.Contains(got, "书香苑") {
		t.Fatalf("sheets: %q", got)
	}
	hz, _ := f.w.Registry.HouseholdsUnder(f.ctx, db, f.huicui.Path)
	rowsA, _ := x.GetRows("荟萃花园南区")
	rowsB, _ := x.GetRows("书香苑")
	if len(rowsA) != 1+len(hz)+1 || len(rowsB) != 1+f.shuxiangHouses || rowsA[0][0] != "楼栋" {
		t.Errorf("rows: %d (households %d), %d (households %d)", len(rowsA), len(hz), len(rowsB), f.shuxiangHouses)
	}
	states := map[string]int{}
	masked := 0
	for _, rows := range [][][]string{rowsA, rowsB} {
		for _, r := range rows[1:] {
			for _, cell := range r {
				if plainPhone.MatchString(cell) {
					t.Errorf("a plain phone in the export: %q", r)
				}
			}
			if len(r) > 5 && maskedPhone.MatchString(r[5]) {
				masked++
			}
			if len(r) > 11 {
				states[r[11]]++
			}
		}
	}
	if masked == 0 {
		t.Error("no masked phone in the export")
	}
	if states["已拆除"] != 1 || states["整改中"] != 1 || states["待定方案"] != 1 || states["正常"] != f.shuxiangHouses+2 || states["未排查"] != len(hz)-4 {
		t.Errorf("states: %v", states)
	}
	last := rowsA[len(rowsA)-1]
	if last[3] != "楼顶" || !strings.Contains(last[6], "楼顶有太阳能热水器：是") {
		t.Errorf("roof row: %q", last)
	}
	// In English the words the system writes are English; data stays.
	res = staff.English().Get(fmt.Sprintf("/campaigns/%d/export.xlsx", id))
	xe, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer xe.Close()
	rowsE, _ := xe.GetRows("荟萃花园南区")
	han := regexp.MustCompile(`\p{Han}`)
	for _, r := range rowsE {
		for _, i := range []int{7, 8, 9, 11} { // hazard, severity, plan, state
			if i < len(r) && han.MatchString(r[i]) {
				t.Errorf("English export: Chinese %q in column %d of %q", r[i], i+1, r)
			}
		}
	}
	if h := strings.Join(rowsE[0], "|"); han.MatchString(h) || rowsE[0][3] != "Room" {
		t.Errorf("English export header: %s", h)
	}
	if last := rowsE[len(rowsE)-1]; last[3] != "Roof" {
		t.Errorf("English roof row: %q", last)
	}
	// The print of one estate: a document of its own with the print CSS.
	print := fmt.Sprintf("/campaigns/%d/estates/%d/print", id, f.huicui.ID)
	for _, cl := range []*webtest.Client{staff, staff.English()} {
		res := cl.Get(print)
		body := res.String()
		if res.Status != http.StatusOK || !strings.Contains(body, `href="/static/campaign-print.css"`) || strings.Count(body, `data-test="row"`) != len(hz)+1 ||
			strings.Contains(body, "<script") || plainPhone.MatchString(body) {
			t.Errorf("print: %d %.500s", res.Status, body)
		}
	}
	if res := staff.Get(fmt.Sprintf("/campaigns/%d/estates/%d/print", id, f.c.CommunityID)); res.Status != http.StatusNotFound {
		t.Errorf("print of a place outside the scope: %d", res.Status)
	}
	// Another community: 404 everywhere.
	for _, p := range []string{board, "/api/campaigns/" + fmt.Sprint(id) + "/board", fmt.Sprintf("/campaigns/%d/export.xlsx", id), print} {
		if res := other.Get(p); res.Status != http.StatusNotFound {
			t.Errorf("another community's staff, %s: %d", p, res.Status)
		}
	}
	if miss := srv.Untranslated(); len(miss) > 0 {
		t.Errorf("untranslated: %q", miss)
	}
}
