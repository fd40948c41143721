package cases_test

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linli/cases"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web/webtest"
	"linli/workbook/workbooktest"
)

// listWorld is a fixture with a dozen cases in two communities, of
// several categories, sources, states and ages, and a test server of the
// case routes.
type listWorld struct {
	*fixture
	srv              *webtest.Server
	leak, late, shel cases.Case
	hotline          cases.Case
	all              []cases.Case // every case, read back
}

func newListWorld(t *testing.T, db *storage.DB) *listWorld {
	w := &listWorld{fixture: newFixture(t, db)}
	f := w.fixture
	// Ten days ago: an old case of each community, dispatched and now late.
	f.clock.Set(cst(t, 2026, time.February, 27, 9, 0))
	w.late = f.dispatched("resident", "xueyuan")
	f.act("grid1", w.late.ID, cases.ActionInput{Action: cases.ActAcknowledge})
	jx := f.open("jxresident", cases.NewCase{Category: "noise", Title: "楼上夜间装修噪声", HouseholdID: f.household("jxresident")})
	f.act("jixiang", jx.ID, cases.ActionInput{Action: cases.ActAccept})
	f.act("jixiang", jx.ID, cases.ActionInput{Action: cases.ActDispatch})
	w.shel = f.dispatched("resident", "xueyuan")
	f.act("grid1", w.shel.ID, cases.ActionInput{Action: cases.ActAcknowledge})
	f.act("grid1", w.shel.ID, cases.ActionInput{Action: cases.ActStart})
	f.act("xueyuan", w.shel.ID, cases.ActionInput{Action: cases.ActShelve, Reason: "等维修资金"})
	f.closedCase("resident")
	// Today: fresh reports, a hotline entry with the caller's phone, a
	// patrol finding, one left unregistered.
	f.clock.Set(cst(t, 2026, time.March, 10, 9, 0))
	w.leak = f.dispatched("resident", "xueyuan")
	w.hotline = f.open("xueyuan", cases.NewCase{Category: "sanitation", Title: "垃圾清运不及时", Source: cases.SourceHotline, HouseholdID: f.household("resident"),
		ReporterName: "赵秀兰", ReporterPhone: "13912345678"})
	f.open("grid1", cases.NewCase{Category: "public_facility", Title: "路灯不亮", Source: cases.SourcePatrol, LocationID: f.node(pHuicui...).ID})
	f.open("jxresident", cases.NewCase{Category: "water_leak", Title: "厨房水管渗水", HouseholdID: f.household("jxresident")})
	w.srv = webtest.New(t, cases.Pages(f.clock))
	f.svc.Routes(w.srv.Router)
	f.svc.PageRoutes(w.srv.Router, w.srv.Renderer)
	w.all = w.list(t, "street", "state=all&limit=500")
	return w
}

// list reads GET /api/cases?query as an actor.
func (w *listWorld) list(t *testing.T, who, query string) []cases.Case {
	t.Helper()
	p := w.page(t, who, query)
	return p.Cases
}

func (w *listWorld) page(t *testing.T, who, query string) cases.Page {
	t.Helper()
	res := w.srv.As(t, w.actor(who)).Get("/api/cases?" + query)
	if res.Status != 200 {
		t.Fatalf("GET /api/cases?%s as %s: %d %s", query, who, res.Status, res.Body)
	}
	var p cases.Page
	res.Decode(t, &p)
	return p
}

func ids(cs []cases.Case) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	slices.Sort(out)
	return out
}

func TestCaseLists(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		w := newListWorld(t, db)
		f := w.fixture
		now := f.clock.Now()
		if len(w.all) != 8 {
			t.Fatalf("street lists %d cases, want 8", len(w.all))
		}

		// Each filter (a GET parameter, the same for the page and the
		// API) returns exactly the cases its rule selects, and neither
		// none nor all of them.
		t.Run("filters", func(t *testing.T) {
			grid := w.leak.GridID
			// A group of categories filters on the group and the
			// categories under it.
			cats, err := f.svc.Categories(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			parent := map[int64]int64{}
			for _, k := range cats {
				parent[k.ID] = k.ParentID
			}
			group := parent[w.hotline.CategoryID]
			for _, c := range []struct {
				query string
				keep  func(c cases.Case) bool
			}{
				{"state=open", func(c cases.Case) bool { return c.State.Open() }},
				{"state=handled,closed", func(c cases.Case) bool { return c.State == cases.Handled || c.State == cases.Closed }},
				{"state=reported", func(c cases.Case) bool { return c.State == cases.Reported }},
				{fmt.Sprintf("category_id=%d", w.hotline.CategoryID), func(c cases.Case) bool { return c.CategoryID == w.hotline.CategoryID }},
				{fmt.Sprintf("grid_id=%d", grid), func(c cases.Case) bool { return c.GridID == grid }},
				{fmt.Sprintf("assignee=grid:%d", grid), func(c cases.Case) bool { return c.AssigneeKind == "grid" && c.AssigneeID == grid }},
				{fmt.Sprintf("category_id=%d&source=patrol", group), func(c cases.Case) bool {
					return parent[c.CategoryID] == group && c.Source == cases.SourcePatrol
				}},
				{"source=hotline", func(c cases.Case) bool { return c.Source == cases.SourceHotline }},
				{"source=patrol", func(c cases.Case) bool { return c.Source == cases.SourcePatrol }},
				{"period=today&state=all", func(c cases.Case) bool { return !c.CreatedAt.Before(cst(t, 2026, 3, 10, 0, 0)) }},
				{"from=2026-02-01&to=2026-02-28", func(c cases.Case) bool { return c.CreatedAt.Before(cst(t, 2026, 3, 1, 0, 0)) }},
				{"overdue=1", func(c cases.Case) bool { return c.OverdueAt(now) }},
				{"q=渗水", func(c cases.Case) bool { return strings.Contains(c.Title, "渗水") }},
				{fmt.Sprintf("node_id=%d", f.node(pJixiang...).ID), func(c cases.Case) bool { return c.CommunityID == f.node(pJixiang...).ID }},
			} {
				var want []cases.Case
				for _, x := range w.all {
					if c.keep(x) {
						want = append(want, x)
					}
				}
				got := w.list(t, "street", c.query)
				if !slices.Equal(ids(got), ids(want)) {
					t.Errorf("%s: %v, want %v", c.query, ids(got), ids(want))
				}
				if len(want) == 0 || len(want) == len(w.all) {
					t.Errorf("%s selects %d of %d cases: the test cannot tell it works", c.query, len(want), len(w.all))
				}
			}
			res := w.srv.As(t, f.actor("street")).Get("/api/cases?source=fax&period=year")
			if p := res.Problem(t); res.Status != 400 || len(p.Errors) != 2 {
				t.Errorf("bad filters: %d %s, want 400 naming source and period", res.Status, res.Body)
			}
		})

		// Open cases come least time left first (then those without a
		// deadline, oldest first); everything else newest first.
		t.Run("order", func(t *testing.T) {
			open := w.list(t, "street", "state=open")
			for i := 1; i < len(open); i++ {
				a, b := open[i-1], open[i]
				switch {
				case a.ResolveDue.IsZero() && !b.ResolveDue.IsZero():
					t.Errorf("case %d without a deadline before %d with one", a.ID, b.ID)
				case !a.ResolveDue.IsZero() && !b.ResolveDue.IsZero() && a.ResolveDue.After(b.ResolveDue):
					t.Errorf("case %d (due %v) before %d (due %v)", a.ID, a.ResolveDue, b.ID, b.ResolveDue)
				case a.ResolveDue.IsZero() && b.ResolveDue.IsZero() && a.ID > b.ID:
					t.Errorf("undispatched %d before %d", a.ID, b.ID)
				}
			}
			if !open[0].OverdueAt(now) || open[len(open)-1].State != cases.Reported {
				t.Errorf("open cases from %d (overdue %v) to %d (%s): want the overdue first, the unregistered last", open[0].ID, open[0].Overdue, open[len(open)-1].ID, open[len(open)-1].State)
			}
			for i := 1; i < len(w.all); i++ {
				if w.all[i-1].ID < w.all[i].ID {
					t.Errorf("all states not newest first: %v", ids(w.all))
				}
			}
		})

		// Pages follow each other by cursor: while cases are added between
		// pages, no case appears twice and none that was there is skipped.
		t.Run("keyset paging", func(t *testing.T) {
			// A reporting period is walked by the time of reporting; the
			// fake clock stands still, so many cases share one millisecond
			// and the cursor's id must break the tie.
			for _, order := range []string{"due", "new", "new&from=2026-02-01&to=2026-12-31", "new&source=resident"} {
				before := w.list(t, "street", "state=all&limit=500&order="+order)
				seen := map[int64]int{}
				after := ""
				for pages := 0; ; pages++ {
					if pages > 20 {
						t.Fatalf("%s: no end of pages", order)
					}
					p := w.page(t, "street", "state=all&limit=3&order="+order+"&after="+url.QueryEscape(after))
					if len(p.Cases) > 3 {
						t.Fatalf("page of %d", len(p.Cases))
					}
					for _, c := range p.Cases {
						seen[c.ID]++
					}
					// Someone reports a problem meanwhile.
					f.dispatched("resident", "xueyuan")
					if p.Next == "" {
						break
					}
					after = p.Next
				}
				for id, n := range seen {
					if n > 1 {
						t.Errorf("%s: case %d on %d pages", order, id, n)
					}
				}
				for _, c := range before {
					if seen[c.ID] == 0 {
						t.Errorf("%s: case %d skipped", order, c.ID)
					}
				}
			}
			res := w.srv.As(t, f.actor("street")).Get("/api/cases?after=zz")
			if res.Status != 422 && res.Status != 400 {
				t.Errorf("bad cursor: %d", res.Status)
			}
			// The page links to its next page with the filters kept.
			body := w.srv.As(t, f.actor("xueyuan")).Get("/cases?state=all&limit=2&source=resident").String()
			if !strings.Contains(body, `data-test="next-page"`) || !strings.Contains(body, "source=resident") || !strings.Contains(body, "after=") {
				t.Errorf("the board page has no next-page link keeping its filters")
			}
		})

		// A caller quotes a number (any case), a name, a room, a word or
		// two, or a phone — the phone only for those who may see phones.
		t.Run("search", func(t *testing.T) {
			num := w.hotline.Number // e.g. XY-20260310-0002
			_, tail, _ := strings.Cut(num, "-")
			for _, c := range []struct {
				who, q string
				want   bool
			}{
				{"street", tail, true},
				{"street", strings.ToLower(num[:7]), true},
				{"street", "赵秀兰", true},
				{"street", "秀兰", true},
				{"street", "602", true},
				{"street", "垃圾清运", true},
				{"street", "12345678", true},    // staff may see phones
				{"grid1", "12345678", true},     // so may the grid worker
				{"building", "12345678", false}, // the building head may not
				{"building", "垃圾清运", true},      // …but finds the case by its words
				{"street", "99999999", false},
			} {
				found := slices.Contains(ids(w.list(t, c.who, "state=all&q="+url.QueryEscape(c.q))), w.hotline.ID)
				if found != c.want {
					t.Errorf("%s searching %q finds the hotline case: %v, want %v", c.who, c.q, found, c.want)
				}
			}
			res := w.srv.As(t, f.actor("street")).Get("/api/cases?q=" + url.QueryEscape("漏"))
			if p := res.Problem(t); res.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "q" {
				t.Errorf("one-character search: %d %s, want 422 on q", res.Status, res.Body)
			}
			// A case written before the index existed is indexed at start.
			if _, err := db.InTx(f.ctx, func(tx *storage.Tx) error {
				key := "case_id"
				if db.Dialect == storage.SQLite {
					key = "rowid"
				}
				if _, err := tx.Exec(f.ctx, `DELETE FROM case_search WHERE `+key+` = ?`, w.hotline.ID); err != nil {
					return err
				}
				_, err := tx.Exec(f.ctx, `INSERT INTO case_search_todo (case_id) VALUES (?)`, w.hotline.ID)
				return err
			}), f.svc.Seed(f.ctx); err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(ids(w.list(t, "street", "state=all&q="+url.QueryEscape("赵秀兰"))), w.hotline.ID) {
				t.Error("the case waiting for the index is not found after Seed")
			}
		})

		// The spreadsheet holds the filtered list, phones masked; those
		// who may not read the list may not export it.
		t.Run("export", func(t *testing.T) {
			res := w.srv.As(t, f.actor("street")).Get("/cases/export.xlsx?state=all&source=hotline")
			if res.Status != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("export: %d %s", res.Status, res.Header.Get("Content-Type"))
			}
			x, err := excelize.OpenReader(bytes.NewReader(res.Body))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := x.GetRows("案件")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 || rows[1][0] != w.hotline.Number || rows[1][6] != "赵秀兰" {
				t.Fatalf("export rows %q, want the header and the hotline case", rows)
			}
			if rows[1][7] != "139****5678" || strings.Contains(strings.Join(rows[1], ","), "13912345678") {
				t.Errorf("phone in the export %q, want it masked", rows[1][7])
			}
			// The layout a street office forwards: Chinese header, text
			// cells, times as dates in the deployment's zone.
			workbooktest.Header(t, x, "案件", "编号", "标题", "分类", "状态", "来源", "地址", "反映人", "电话", "承办", "上报时间", "办结时限", "超期", "临期", "已升级")
			workbooktest.Text(t, x, "案件", "A2", w.hotline.Number)
			workbooktest.Text(t, x, "案件", "G2", "赵秀兰")
			workbooktest.DateTime(t, x, "案件", "J2", "2026-03-10 09:00")
			if due := w.hotline.ResolveDue; due.IsZero() {
				workbooktest.Empty(t, x, "案件", "K2")
			} else {
				workbooktest.DateTime(t, x, "案件", "K2", due.In(cst(t, 2026, time.March, 10, 9, 0).Location()).Format("2006-01-02 15:04"))
			}
			if st := w.srv.As(t, f.actor("resident")).Get("/cases/export.xlsx").Status; st != 403 {
				t.Errorf("a resident exports the case list: %d, want 403", st)
			}
			jx := w.srv.As(t, f.actor("jixiang")).Get(fmt.Sprintf("/cases/export.xlsx?node_id=%d", f.node(pXueyuan...).ID))
			if jx.Status != 403 {
				t.Errorf("吉祥 staff export 学苑's cases: %d, want 403", jx.Status)
			}
		})

		// The whistle callout names the case it calls the street in on.
		t.Run("whistle callout", func(t *testing.T) {
			f.act("grid1", w.late.ID, cases.ActionInput{Action: cases.ActWhistle, Targets: []string{"street"}, Reason: "需街道协调"})
			body := w.srv.As(t, f.actor("street")).Get("/cases").String()
			_, callout, _ := strings.Cut(body, `data-test="calls"`)
			callout, _, _ = strings.Cut(callout, "</section>")
			if !strings.Contains(callout, w.late.Number+" "+w.late.Title) {
				t.Errorf("the callout does not name case %s %s: %s", w.late.Number, w.late.Title, callout)
			}
		})

		// 超期 is one rule: Case.OverdueAt. The board's count, the overdue
		// list, the task list (API and page), the case (API) and the board
		// table all say the same for every case, including one on the
		// standing ledger past its deadline (not overdue) and one waiting
		// for verification past it (overdue).
		t.Run("overdue agrees", func(t *testing.T) {
			f.clock.Set(cst(t, 2026, time.March, 30, 9, 0))
			now := f.clock.Now()
			handled := f.get(w.leak.ID)
			f.act("grid1", handled.ID, cases.ActionInput{Action: cases.ActAcknowledge})
			f.act("grid1", handled.ID, cases.ActionInput{Action: cases.ActHandle, Note: "已修好"})
			all := w.list(t, "xueyuan", "state=all&limit=500")
			want := map[int64]bool{}
			for _, c := range all {
				want[c.ID] = f.get(c.ID).OverdueAt(now)
			}
			if !want[w.late.ID] || !want[handled.ID] || want[w.shel.ID] {
				t.Fatalf("OverdueAt: late %v, handled %v, shelved %v", want[w.late.ID], want[handled.ID], want[w.shel.ID])
			}
			n := 0
			for _, c := range all {
				if c.Overdue != want[c.ID] {
					t.Errorf("case %d: list says overdue %v", c.ID, c.Overdue)
				}
				var one cases.Detail
				w.srv.As(t, f.actor("xueyuan")).Get(fmt.Sprintf("/api/cases/%d", c.ID)).Decode(t, &one)
				if one.Case.Overdue != want[c.ID] {
					t.Errorf("case %d: GET /api/cases/{id} says overdue %v", c.ID, one.Case.Overdue)
				}
				if want[c.ID] {
					n++
				}
			}
			overdue := w.list(t, "xueyuan", "overdue=1")
			board, err := f.svc.DispatchBoard(f.ctx, f.actor("xueyuan"), 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(overdue) != n || board.Counts["overdue"] != n {
				t.Errorf("overdue list %d, board count %d, want %d", len(overdue), board.Counts["overdue"], n)
			}
			tasks := w.srv.As(t, f.actor("grid1")).Get("/api/cases/tasks")
			var tp cases.Page
			tasks.Decode(t, &tp)
			page := w.srv.As(t, f.actor("grid1")).Get("/tasks").String()
			table := w.srv.As(t, f.actor("xueyuan")).Get("/cases?state=all").String()
			for _, c := range tp.Cases {
				if c.Overdue != want[c.ID] {
					t.Errorf("case %d: task list says overdue %v", c.ID, c.Overdue)
				}
				red := strings.Contains(page, fmt.Sprintf(`<li class="task late" data-test="task" data-id="%d"`, c.ID))
				if red != want[c.ID] {
					t.Errorf("case %d: red on the task page %v, want %v", c.ID, red, want[c.ID])
				}
			}
			for id, late := range want {
				red := strings.Contains(table, fmt.Sprintf(`<tr class="overdue" data-test="case-row" data-id="%d"`, id))
				if red != late {
					t.Errorf("case %d: red in the board table %v, want %v", id, red, late)
				}
			}
			if !strings.Contains(table, fmt.Sprintf(`data-test="count-overdue">%d<`, n)) {
				t.Errorf("the board's 超期 card does not say %d", n)
			}
		})
	})
}
