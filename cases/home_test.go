package cases_test

import (
	"testing"
	"time"

	"linli"
	"linli/cases"
	"linli/demo"
	"linli/demo/demotest"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web"
)

// The home page's 待办 of each role, on the demo cases: every count is
// what the list behind its link holds, and what an independent walk over
// the role's cases finds (the state of each case, Case.OverdueAt for 超期).
// A 超期 count that used a definition of its own would differ from the
// list's overdue filter here, once the clock has moved deadlines past.
func TestHomePanelsCountWhatTheListsHold(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		now := time.Date(2026, time.March, 10, 9, 0, 0, 0, demotest.Beijing)
		w := demotest.New(t, db, now)
		if _, err := demo.LoadCases(w.Ctx, w.Registry, w.Auth, w.Calendar, w.Zone, now); err != nil {
			t.Fatal(err)
		}
		as := w.Actors(t, "xueyuan", "street", "grid1", "resident")
		// A pending extension on one of grid1's cases (the demo has none).
		tasks, _, err := w.Cases.MyTasks(w.Ctx, as["grid1"], cases.Filter{Limit: 1})
		if err != nil || len(tasks) == 0 {
			t.Fatalf("grid1 has no case in hand: %v", err)
		}
		if tasks[0].State == cases.Dispatched {
			if _, err := w.Cases.Act(w.Ctx, as["grid1"], tasks[0].ID, cases.ActionInput{Action: cases.ActAcknowledge}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.Cases.Act(w.Ctx, as["grid1"], tasks[0].ID, cases.ActionInput{Action: cases.ActRequestExtension,
			NewDue: tasks[0].ResolveDue.Add(72 * time.Hour), Reason: "等材料"}); err != nil {
			t.Fatalf("extension: %v %v", err, linli.ErrorFields(err))
		}
		// The resident reports twice: one waits to be registered, the
		// other is closed and not rated yet (请评价).
		hh := as["resident"].Grants[0].HouseholdID
		open := func() cases.Case {
			c, err := w.Cases.Open(w.Ctx, as["resident"], cases.NewCase{Category: "water_leak", Title: "卫生间天花板渗水", HouseholdID: hh})
			if err != nil {
				t.Fatalf("open: %v %v", err, linli.ErrorFields(err))
			}
			return c
		}
		open()
		c := open()
		for _, st := range []struct {
			who string
			act cases.Action
		}{{"xueyuan", cases.ActAccept}, {"xueyuan", cases.ActDispatch}, {"grid1", cases.ActAcknowledge}, {"grid1", cases.ActHandle},
			{"xueyuan", cases.ActVerify}, {"xueyuan", cases.ActClose}} {
			w.Clock.Advance(time.Hour)
			if _, err := w.Cases.Act(w.Ctx, as[st.who], c.ID, cases.ActionInput{Action: st.act, Note: "已修好"}); err != nil {
				t.Fatalf("%s %s: %v %v", st.who, st.act, err, linli.ErrorFields(err))
			}
		}
		// Five days on, the demo's open cases pass their deadlines.
		w.Clock.Advance(5 * 24 * time.Hour)

		staffWant := func(all []cases.Case) map[string]int {
			m := map[string]int{}
			for _, c := range all {
				switch c.State {
				case cases.Reported:
					m["reported"]++
				case cases.Accepted:
					m["accepted"]++
				case cases.Dispatched:
					m["dispatched"]++
				case cases.Handled:
					m["handled"]++
				}
				if c.OverdueAt(w.Clock.Now()) {
					m["overdue"]++
				}
			}
			return m
		}
		for _, u := range []string{"xueyuan", "street"} {
			a := as[u]
			all := listAll(t, func(after string) (cases.Page, error) {
				return w.Cases.ListPage(w.Ctx, a, cases.Filter{Limit: 500, After: after, Order: "new"})
			})
			p := panel(t, w, a, "cases")
			want := staffWant(all)
			want["extension"] = 1
			if want["overdue"] == 0 || want["reported"] == 0 {
				t.Fatalf("%s: no overdue case in the demo five days on: the test proves nothing", u)
			}
			t.Logf("%s: %v", u, want)
			checkCounts(t, u, p, want, map[string]string{"reported": "/cases?state=reported", "accepted": "/cases?state=accepted",
				"dispatched": "/cases?state=dispatched", "overdue": "/cases?overdue=1", "handled": "/cases?state=handled", "extension": "/cases?extension=pending"})
			// The 超期 count is the total of the list it links to.
			_, n, err := w.Cases.List(w.Ctx, a, cases.Filter{Overdue: true, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if c := count(p, "overdue"); c.N != n || !c.Alert {
				t.Errorf("%s: 超期 %d (alert %v), the overdue list holds %d", u, c.N, c.Alert, n)
			}
			if l := list(p, "deadlines"); l == nil {
				t.Errorf("%s: no next deadlines", u)
			} else {
				for _, it := range l.Items {
					if it.Alert || it.Note == "" {
						t.Errorf("%s: a next deadline that is past or has no time left: %+v", u, it)
					}
				}
			}
		}

		grid := as["grid1"]
		mine := listAll(t, func(after string) (cases.Page, error) {
			return w.Cases.TasksPage(w.Ctx, grid, cases.Filter{Limit: 500, After: after, Order: "new"})
		})
		want := map[string]int{"extension": 1}
		for _, c := range mine {
			switch c.State {
			case cases.Dispatched:
				want["dispatched"]++
			case cases.Acknowledged, cases.InProgress:
				want["working"]++
			}
			if c.OverdueAt(w.Clock.Now()) {
				want["overdue"]++
			}
		}
		if want["overdue"] == 0 {
			t.Fatal("grid1: no overdue task: the test proves nothing")
		}
		checkCounts(t, "grid1", panel(t, w, grid, "tasks"), want, map[string]string{"dispatched": "/tasks?state=dispatched",
			"working": "/tasks?state=acknowledged,in_progress", "overdue": "/tasks?overdue=1", "extension": "/tasks?extension=pending"})
		if ps, _ := w.Cases.HomePanels(w.Ctx, grid); hasPanel(ps, "cases") || hasPanel(ps, "reports") {
			t.Error("a grid worker sees the staff queues or a reporter's 请评价")
		}
		// Staff enter hotline cases under their own name; the caller rates
		// them, so staff get no 请评价.
		if ps, _ := w.Cases.HomePanels(w.Ctx, as["xueyuan"]); hasPanel(ps, "reports") {
			t.Error("staff are asked to rate the cases they entered")
		}

		res := as["resident"]
		reports := listAll(t, func(after string) (cases.Page, error) {
			return w.Cases.ReportsPage(w.Ctx, res, cases.Filter{Limit: 500, After: after, Order: "new"})
		})
		want = map[string]int{"mine": len(reports)}
		for _, c := range reports {
			if c.State == cases.Closed && c.Rating == "" {
				want["rate"]++
			}
		}
		if want["mine"] == 0 {
			t.Fatal("the demo resident reported nothing")
		}
		ps, err := w.Cases.HomePanels(w.Ctx, res)
		if err != nil {
			t.Fatal(err)
		}
		if hasPanel(ps, "cases") || hasPanel(ps, "tasks") {
			t.Error("a resident sees the staff or task queues")
		}
		p := panel(t, w, res, "reports")
		checkCounts(t, "resident", p, want, map[string]string{"rate": "/cases/mine?unrated=1", "mine": "/cases/mine"})
		if want["rate"] == 0 {
			t.Error("no closed unrated report")
		} else {
			l := list(p, "rate")
			if l == nil || len(l.Items) == 0 || p.Lists[0].Key != "rate" || l.Items[0].Tag != "请评价" {
				t.Errorf("请评价 is not first: %+v", p.Lists)
			}
		}
	})
}

func listAll(t *testing.T, page func(after string) (cases.Page, error)) []cases.Case {
	t.Helper()
	var out []cases.Case
	after := ""
	for {
		p, err := page(after)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Cases...)
		if p.Next == "" {
			return out
		}
		after = p.Next
	}
}

func panel(t *testing.T, w *demotest.World, a *linli.Actor, key string) web.Panel {
	t.Helper()
	ps, err := w.Cases.HomePanels(w.Ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Key == key {
			return p
		}
	}
	t.Fatalf("%s: no panel %q in %+v", a.Username, key, ps)
	return web.Panel{}
}

func hasPanel(ps []web.Panel, key string) bool {
	for _, p := range ps {
		if p.Key == key {
			return true
		}
	}
	return false
}

func count(p web.Panel, key string) web.Count {
	for _, c := range p.Counts {
		if c.Key == key {
			return c
		}
	}
	return web.Count{N: -1}
}

func list(p web.Panel, key string) *web.PanelList {
	for i := range p.Lists {
		if p.Lists[i].Key == key {
			return &p.Lists[i]
		}
	}
	return nil
}

func checkCounts(t *testing.T, who string, p web.Panel, want map[string]int, href map[string]string) {
	t.Helper()
	if len(p.Counts) != len(href) {
		t.Errorf("%s: counts %+v, want the keys of %v", who, p.Counts, href)
	}
	for k, h := range href {
		c := count(p, k)
		if c.N != want[k] || c.Href != h {
			t.Errorf("%s: %s = %d → %q, want %d → %q", who, k, c.N, c.Href, want[k], h)
		}
	}
}
