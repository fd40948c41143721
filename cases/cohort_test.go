package cases_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"linli"
	"linli/calendar"
	"linli/cases"
	"linli/stats"
	"linli/storage"
	"linli/storage/storagetest"
)

// Random case histories on a fake clock: whatever happens, every rate of
// the statistics is in [0, 1], each numerator is part of its denominator,
// the rollups say what an oracle computing the cohorts straight from the
// timelines says, for several periods, and a rebuild from the timelines
// gives the maintained rollups back.
func TestCohortRatesOverRandomHistories(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { testRandomHistory(t, seed) })
	}
}

func testRandomHistory(t *testing.T, seed uint64) {
	{
		storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
			f := newFixture(t, db)
			rng := rand.New(rand.NewPCG(seed, 7))
			start := f.clock.Now()
			var ids []int64
			for step := 0; step < 260; step++ {
				f.advance(time.Duration(rng.IntN(36*60)) * time.Minute)
				f.runDue()
				if len(ids) < 24 && (len(ids) == 0 || rng.IntN(4) == 0) {
					ids = append(ids, f.leak("resident").ID)
					continue
				}
				randomStep(f, rng, ids[rng.IntN(len(ids))])
			}
			f.runDue()
			svc := &stats.Service{DB: db, Registry: f.reg, Weights: stats.DefaultWeights(), Zone: f.zone, Clock: f.clock, Fresh: f.svc.Fold}
			xueyuan := f.node(pXueyuan...)
			end := f.clock.Now()
			periods := [][2]time.Time{{start, end}, {start, start.AddDate(0, 0, 20)}, {start.AddDate(0, 0, 10), start.AddDate(0, 0, 25)}, {start.AddDate(0, 1, 0), end}}
			for _, p := range periods {
				for _, by := range []stats.Group{stats.ByGrid, stats.ByCategory} {
					rep, err := svc.Report(f.ctx, f.actor("xueyuan"), stats.Query{NodeID: xueyuan.ID, From: p[0], To: p[1], By: by})
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range append(rep.Rows, rep.Total) {
						checkCohorts(t, r)
					}
					want := oracle(t, f, p[0], p[1])
					got := rep.Total.Counters
					got.Reported, got.Dispatched, got.Responded, got.Extended, got.Escalated = 0, 0, 0, 0, 0
					if got != want {
						t.Errorf("seed %d, %s – %s: rollups %+v, oracle %+v", seed, p[0].Format("01-02"), p[1].Format("01-02"), got, want)
					}
				}
			}
			before := snapshot(t, db)
			if _, err := f.svc.RebuildStats(f.ctx); err != nil {
				t.Fatal(err)
			}
			if after := snapshot(t, db); !reflect.DeepEqual(before, after) {
				t.Errorf("seed %d: rebuilt rollups differ from the maintained ones:\n%v\n%v", seed, before, after)
			}
		})
	}
}

func checkCohorts(t *testing.T, r stats.Row) {
	t.Helper()
	c := r.Counters
	for _, p := range [][3]any{{"responded on time", c.RespondedOnTime, c.ResponseDue}, {"closed of due", c.DueClosed, c.Due},
		{"closed on time", c.ClosedOnTime, c.DueClosed}, {"extended of due", c.DueExtended, c.Due}, {"rework", c.Rework, c.Closed},
		{"resolved", c.Resolved, c.Rated()}} {
		if n, d := p[1].(int), p[2].(int); n < 0 || n > d {
			t.Errorf("%s: %s %d not within 0..%d", r.Name, p[0], n, d)
		}
	}
	rs := r.Rates
	for name, v := range map[string]stats.Rate{"response": rs.Response, "resolution": rs.Resolution, "satisfaction": rs.Satisfaction,
		"closure": rs.Closure, "on time": rs.OnTime, "rework": rs.Rework, "extension": rs.Extension, "composite": rs.Composite} {
		if v.Valid && (v.Value < 0 || v.Value > 1) {
			t.Errorf("%s: %s rate %v outside [0, 1]", r.Name, name, v.Value)
		}
	}
}

// randomStep tries one action that the case's state allows, by whoever
// may take it; refusals (a rule said no) are part of the history too.
func randomStep(f *fixture, rng *rand.Rand, id int64) {
	c := f.get(id)
	try := func(who string, in cases.ActionInput) { _, _ = f.svc.Act(f.ctx, f.actor(who), id, in) }
	switch c.State {
	case cases.Reported:
		try("xueyuan", cases.ActionInput{Action: cases.ActAccept})
	case cases.Accepted:
		try("xueyuan", cases.ActionInput{Action: cases.ActDispatch})
	case cases.Dispatched, cases.Acknowledged, cases.InProgress:
		switch rng.IntN(8) {
		case 0:
			try("grid1", cases.ActionInput{Action: cases.ActRequestExtension, NewDue: c.ResolveDue.Add(time.Duration(1+rng.IntN(9)) * 24 * time.Hour), Reason: "等配件"})
		case 1:
			try("xueyuan", cases.ActionInput{Action: cases.ActDecideExtension, Approve: rng.IntN(3) > 0})
		case 2:
			try("xueyuan", cases.ActionInput{Action: cases.ActShelve, Reason: "等资金"})
		default:
			for _, a := range []cases.Action{cases.ActAcknowledge, cases.ActStart, cases.ActHandle} {
				if _, ok := cases.Next(c.State, a); ok {
					try("grid1", cases.ActionInput{Action: a, Note: "已处理"})
					break
				}
			}
		}
	case cases.Shelved:
		try("xueyuan", cases.ActionInput{Action: cases.ActResume})
	case cases.Handled:
		try("xueyuan", cases.ActionInput{Action: cases.ActVerify})
	case cases.Verified:
		try("xueyuan", cases.ActionInput{Action: cases.ActClose})
	case cases.Closed:
		if c.Rating == "" {
			try("resident", cases.ActionInput{Action: cases.ActRate, Rating: []cases.Rating{cases.Satisfied, cases.Basic, cases.Unsatisfied}[rng.IntN(3)]})
		}
	}
}

// oracle computes the cohort counters of 学苑社区 for the days from..to
// straight from the definitions (package stats), reading each case's
// timeline: the response cohort (once per case: the first
// acknowledgement, or its deadline passing first while the case is still
// open and not closed), the due cohort of each handling round (its last
// deadline; closed, or that deadline passed), closures and their reopening,
// ratings.
func oracle(t *testing.T, f *fixture, from, to time.Time) stats.Counters {
	t.Helper()
	day := func(ms int64) int { return dayOf(storage.FromMillis(ms).In(f.zone)) }
	lo, hi := dayOf(from.In(f.zone)), dayOf(to.In(f.zone))
	in := func(ms int64) bool { d := day(ms); return d >= lo && d <= hi }
	now := storage.Millis(f.clock.Now())
	rows, err := f.db.Query(f.ctx, `SELECT case_id, at, action, data FROM case_events ORDER BY case_id, id`)
	if err != nil {
		t.Fatal(err)
	}
	type event struct {
		at     int64
		action string
		d      struct {
			ResponseDue int64        `json:"response_due"`
			ResolveDue  int64        `json:"resolve_due"`
			NewDue      int64        `json:"new_due"`
			Approved    bool         `json:"approved"`
			Rating      cases.Rating `json:"rating"`
		}
	}
	timelines := map[int64][]event{}
	for rows.Next() {
		var id int64
		var e event
		var data string
		if err := rows.Scan(&id, &e.at, &e.action, &data); err != nil {
			t.Fatal(err)
		}
		if data != "" {
			_ = json.Unmarshal([]byte(data), &e.d)
		}
		timelines[id] = append(timelines[id], e)
	}
	rows.Close()
	var c stats.Counters
	for _, tl := range timelines {
		// Response: the first of (acknowledged, deadline passed unanswered).
		var respDue int64
		responded, stopped, decided := false, false, false
		extensions := 0
		type round struct{ due, closed int64 }
		var rounds []round
		var lastClose int64
		for i, e := range tl {
			if !decided && !responded && !stopped && respDue != 0 && respDue <= e.at {
				decided = true
				if in(respDue) {
					c.ResponseDue++
				}
			}
			switch cases.Action(e.action) {
			case cases.ActDispatch, cases.ActReopen:
				if cases.Action(e.action) == cases.ActReopen && lastClose != 0 && in(lastClose) {
					c.Rework++
				}
				respDue, stopped = e.d.ResponseDue, false
				rounds = append(rounds, round{due: e.d.ResolveDue})
			case cases.ActAcknowledge:
				if !responded && !decided && respDue != 0 {
					decided = true
					if in(respDue) {
						c.ResponseDue++
						if e.at <= respDue {
							c.RespondedOnTime++
						}
					}
				}
				responded = true
			case cases.ActClose:
				r := &rounds[len(rounds)-1]
				r.closed, lastClose, stopped = e.at, e.at, true
				if in(e.at) {
					c.Closed++
				}
			case cases.ActDecideExtension:
				if e.d.Approved && e.d.NewDue != 0 {
					rounds[len(rounds)-1].due = e.d.NewDue
					extensions++
					_ = i
				}
			case cases.ActRate:
				if in(e.at) {
					switch e.d.Rating {
					case cases.Satisfied:
						c.Satisfied++
						c.Resolved++
					case cases.Basic:
						c.Basic++
						c.Resolved++
					case cases.Unsatisfied:
						c.Unsatisfied++
					}
				}
			}
		}
		if !decided && !responded && !stopped && respDue != 0 && respDue <= now && in(respDue) {
			c.ResponseDue++
		}
		// Due: each round by its last deadline, once closed or past it;
		// extended if an extension was approved before it was decided.
		for _, r := range rounds {
			if r.closed == 0 && r.due > now {
				continue // still inside its limit: in no cohort yet
			}
			if !in(r.due) {
				continue
			}
			c.Due++
			// Extended: the case had an extension approved by the end of
			// the round (its closure, or now).
			end := now
			if r.closed != 0 {
				end = r.closed
			}
			ext := false
			for _, e := range tl {
				if cases.Action(e.action) == cases.ActDecideExtension && e.d.Approved && e.d.NewDue != 0 && e.at <= end {
					ext = true
				}
			}
			if ext {
				c.DueExtended++
			}
			if r.closed != 0 {
				c.DueClosed++
				if r.closed <= r.due {
					c.ClosedOnTime++
				}
			}
		}
	}
	return c
}

func dayOf(t time.Time) int { return t.Year()*10000 + int(t.Month())*100 + t.Day() }

// The board's 超期 count, the overdue list, the grid worker's task list
// and the case page use one definition: a case waiting for verification
// when its deadline passed (which the overdue timer does not mark) is
// overdue on all of them, and so is one whose timer has not run yet.
func TestOverdueIsOneDefinition(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		waiting := f.dispatched("resident", "xueyuan")
		f.act("grid1", waiting.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		f.act("grid1", waiting.ID, cases.ActionInput{Action: cases.ActHandle, Note: "已修好"})
		late := f.dispatched("resident", "xueyuan")
		f.act("grid1", late.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		f.clock.Set(late.ResolveDue.Add(10 * 24 * time.Hour))
		f.runDue() // marks only the working case
		f.act("grid1", late.ID, cases.ActionInput{Action: cases.ActStart})
		fresh := f.dispatched("resident", "xueyuan") // inside its limit
		_ = fresh

		board, err := f.svc.DispatchBoard(f.ctx, f.actor("xueyuan"), 0)
		if err != nil {
			t.Fatal(err)
		}
		if board.Counts["overdue"] != 2 || len(board.Overdue) != 2 {
			t.Errorf("board: 超期 %d (%d listed), want 2", board.Counts["overdue"], len(board.Overdue))
		}
		tasks, _, err := f.svc.MyTasks(f.ctx, f.actor("grid1"), cases.Filter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		now := f.clock.Now()
		for _, c := range tasks {
			page := f.get(c.ID)
			if late := now.After(c.ResolveDue); c.Overdue != late || page.Overdue != late || c.OverdueAt(now) != late {
				t.Errorf("case %d: task list overdue %v, case page %v, countdown late %v", c.ID, c.Overdue, page.Overdue, late)
			}
		}
		for _, id := range []int64{waiting.ID, late.ID} {
			if !f.get(id).Overdue {
				t.Errorf("case %d past its deadline not overdue on its page", id)
			}
		}
	})
}

// A case whose deadline is counted into 2027, whose notice is not
// loaded, says so (5 working days from Monday 2026-12-28: into January).
func TestDeadlineBeyondLoadedCalendar(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c := f.dispatched("resident", "xueyuan")
		if got := f.get(c.ID).CalendarGap; got != 0 {
			t.Errorf("a March 2026 deadline: calendar gap %d, want 0", got)
		}
		f.clock.Set(cst(t, 2026, 12, 28, 9, 0))
		d := f.dispatched("resident", "xueyuan")
		if got := f.get(d.ID); got.CalendarGap != 2027 {
			t.Errorf("due %v: calendar gap %d, want 2027", got.ResolveDue.In(f.zone), got.CalendarGap)
		}
		// The staff home page warns: one open case due in 2027.
		if y, n, err := f.svc.CalendarGap(f.ctx, f.actor("xueyuan")); err != nil || y != 2027 || n != 1 {
			t.Errorf("CalendarGap for staff = %d, %d, %v; want 2027, 1", y, n, err)
		}
		if y, _, _ := f.svc.CalendarGap(f.ctx, f.actor("jixiang")); y != 0 {
			t.Errorf("CalendarGap for another community's staff = %d, want 0", y)
		}
		// An administrator enters 2027 (New Year's Day off): without a
		// restart, the next deadline skips it and nothing is flagged.
		ad := &calendar.Admin{DB: db, Clock: f.clock, Base: f.cal, Use: f.svc.UseCalendar}
		root, err := f.au.ActorByUsername(f.ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ad.Save(f.ctx, root, []byte(`{"year": 2027, "source": "测试", "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}], "workdays": []}`)); err != nil {
			t.Fatalf("save 2027: %v %v", err, linli.ErrorFields(err))
		}
		e := f.get(f.dispatched("resident", "xueyuan").ID)
		if e.CalendarGap != 0 || !e.ResolveDue.After(d.ResolveDue) {
			t.Errorf("with 2027 loaded: due %v (was %v), gap %d; want later, 0", e.ResolveDue.In(f.zone), d.ResolveDue.In(f.zone), e.CalendarGap)
		}
	})
}

// The December of the issue: cases dispatched and still inside their
// response limit are not failures. Three dispatched, one acknowledged in
// time, two not yet due: 响应率 1/1, not 1/3; when the limit passes for the
// other two, 1/3. And a case closed in the period but due in an earlier
// one counts in that period's 结案率, not this one's.
func TestResponseRateExcludesCasesInsideTheirLimit(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		svc := &stats.Service{DB: db, Registry: f.reg, Weights: stats.DefaultWeights(), Zone: f.zone, Clock: f.clock, Fresh: f.svc.Fold}
		xueyuan := f.node(pXueyuan...)
		report := func() stats.Row {
			t.Helper()
			from := cst(t, 2026, 3, 1, 0, 0)
			rep, err := svc.Report(f.ctx, f.actor("xueyuan"), stats.Query{NodeID: xueyuan.ID, From: from, To: cst(t, 2026, 3, 31, 0, 0)})
			if err != nil {
				t.Fatal(err)
			}
			return rep.Total
		}
		a := f.dispatched("resident", "xueyuan")
		f.dispatched("resident", "xueyuan")
		f.dispatched("resident", "xueyuan")
		f.act("grid1", a.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		if r := report(); r.ResponseDue != 1 || r.Rates.Response.Value != 1 {
			t.Errorf("inside the limit: response cohort %d, rate %v; want 1 and 100%%", r.ResponseDue, r.Rates.Response.Value)
		}
		f.clock.Set(a.ResponseDue.Add(time.Hour))
		f.runDue()
		if r := report(); r.ResponseDue != 3 || r.RespondedOnTime != 1 {
			t.Errorf("after the limit: %d of %d in time, want 1 of 3", r.RespondedOnTime, r.ResponseDue)
		}
		if r := report(); r.Due != 0 || r.Rates.Closure.Valid {
			t.Errorf("no resolution deadline has passed: due %d, closure %+v; want 0 and none", r.Due, r.Rates.Closure)
		}
	})
}
