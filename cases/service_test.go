package cases_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"linli"
	"linli/auth"
	"linli/calendar"
	"linli/cases"
	"linli/demo/demotest"
	"linli/jobs"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// fixture is one engine's database with the demo places and accounts, the
// departments "housing" (member: dept) and "emergency" (no members, so a
// whistle to it always lapses), the seed categories, and a fake clock
// shared by the case service and the jobs runner. It holds no cases.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	clock  *linli.FakeClock
	zone   *time.Location
	cal    *calendar.Calendar
	reg    *registry.Service
	au     *auth.Service
	svc    *cases.Service
	runner *jobs.Runner

	housing, emergency cases.Department
	actors             map[string]*linli.Actor
}

// cst is a wall-clock time in Asia/Shanghai.
func cst(t *testing.T, y int, m time.Month, d, hh, mm int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

func newFixture(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	// Tuesday 2026-03-10 09:00: an ordinary working day.
	w := demotest.New(t, db, cst(t, 2026, time.March, 10, 9, 0))
	clock, reg, au := w.Clock, w.Registry, w.Auth
	svc := cases.New(db, clock, cal, reg, zone)
	if err := svc.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, db: db, clock: clock, zone: zone, cal: cal, reg: reg, au: au, svc: svc,
		runner: &jobs.Runner{DB: db, Clock: clock, Handlers: svc.JobHandlers()}, actors: map[string]*linli.Actor{}}
	for _, u := range []string{"xueyuan", "grid1", "resident", "jixiang", "jxgrid", "jxresident", "street", "dept", "building", "property", "volunteer", "contractor"} {
		a, err := au.ActorByUsername(ctx, u)
		if err != nil {
			t.Fatalf("actor %s: %v", u, err)
		}
		f.actors[u] = a
	}
	yanhu := f.node("运城市", "盐湖区")
	sys := linli.System()
	if f.housing, err = svc.CreateDepartment(ctx, sys, "housing", "盐湖区住房和城乡建设局", yanhu.ID, []int64{f.actors["dept"].AccountID}); err != nil {
		t.Fatal(err)
	}
	if f.emergency, err = svc.CreateDepartment(ctx, sys, "emergency", "盐湖区应急管理局", yanhu.ID, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

// Places of the demo used by the tests.
var (
	pXueyuan = []string{"运城市", "盐湖区", "东城街道", "学苑社区"}
	pGrid1   = append(slices.Clone(pXueyuan), "第一网格")
	pHuicui  = append(slices.Clone(pGrid1), "荟萃花园南区")
	pJixiang = []string{"运城市", "盐湖区", "东城街道", "吉祥社区"}
	pJxGrid  = append(slices.Clone(pJixiang), "第一网格")
	pJxGdn   = append(slices.Clone(pJxGrid), "吉祥花园")
	pXunyang = []string{"运城市", "临猗县", "猗氏镇", "郇阳社区"}
)

func (f *fixture) node(names ...string) registry.Node {
	f.t.Helper()
	n, err := f.reg.FindNode(f.ctx, names)
	if err != nil {
		f.t.Fatalf("node %v: %v", names, err)
	}
	return n
}

func (f *fixture) actor(u string) *linli.Actor {
	f.t.Helper()
	a, ok := f.actors[u]
	if !ok {
		f.t.Fatalf("no actor %s", u)
	}
	return a
}

// household is the household of a resident's grant.
func (f *fixture) household(u string) int64 {
	f.t.Helper()
	for _, g := range f.actor(u).Grants {
		if g.HouseholdID != 0 {
			return g.HouseholdID
		}
	}
	f.t.Fatalf("%s has no household", u)
	return 0
}

func (f *fixture) open(who string, in cases.NewCase) cases.Case {
	f.t.Helper()
	c, err := f.svc.Open(f.ctx, f.actor(who), in)
	if err != nil {
		f.t.Fatalf("%s opens %+v: %v %v", who, in, err, linli.ErrorFields(err))
	}
	return c
}

// leak is a resident's water leak report at their own household.
func (f *fixture) leak(who string) cases.Case {
	f.t.Helper()
	return f.open(who, cases.NewCase{Category: "water_leak", Title: "卫生间天花板渗水", HouseholdID: f.household(who)})
}

func (f *fixture) act(who string, id int64, in cases.ActionInput) cases.Case {
	f.t.Helper()
	c, err := f.svc.Act(f.ctx, f.actor(who), id, in)
	if err != nil {
		f.t.Fatalf("%s %s on case %d: %v %v", who, in.Action, id, err, linli.ErrorFields(err))
	}
	return c
}

func (f *fixture) actErr(who string, id int64, in cases.ActionInput) error {
	f.t.Helper()
	_, err := f.svc.Act(f.ctx, f.actor(who), id, in)
	return err
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := linli.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

// dispatched is a resident's leak report, registered and dispatched by the
// community staff (to the grid, by the category's rule).
func (f *fixture) dispatched(reporter, staff string) cases.Case {
	f.t.Helper()
	c := f.leak(reporter)
	f.act(staff, c.ID, cases.ActionInput{Action: cases.ActAccept})
	return f.act(staff, c.ID, cases.ActionInput{Action: cases.ActDispatch})
}

func (f *fixture) advance(d time.Duration) { f.clock.Advance(d) }

func (f *fixture) runDue() int {
	f.t.Helper()
	n, err := f.runner.RunDue(f.ctx)
	if err != nil {
		f.t.Fatalf("run due jobs: %v", err)
	}
	return n
}

// actions lists the timeline's actions as the actor sees them.
func (f *fixture) actions(who string, id int64) []string {
	f.t.Helper()
	evs, err := f.svc.Timeline(f.ctx, f.actor(who), id)
	if err != nil {
		f.t.Fatalf("%s timeline of %d: %v", who, id, err)
	}
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Action
	}
	return out
}

func (f *fixture) get(id int64) cases.Case {
	f.t.Helper()
	c, err := f.svc.Get(f.ctx, linli.System(), id)
	if err != nil {
		f.t.Fatalf("get %d: %v", id, err)
	}
	return c
}

func (f *fixture) whistles(id int64) []cases.Whistle {
	f.t.Helper()
	ws, err := f.svc.Whistles(f.ctx, linli.System(), id)
	if err != nil {
		f.t.Fatalf("whistles of %d: %v", id, err)
	}
	return ws
}

// notified reports whether the account has a notification about the case
// whose text contains want.
func (f *fixture) notified(who string, caseID int64, want string) bool {
	f.t.Helper()
	ns, _, err := f.svc.Notifications(f.ctx, f.actor(who), 200)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, n := range ns {
		if n.RefKind == "case" && n.RefID == caseID && strings.Contains(n.Text, want) {
			return true
		}
	}
	return false
}

var statNames = []string{"reported", "dispatched", "responded", "responded_on_time", "due", "closed", "closed_on_time",
	"resolved", "satisfied", "basic", "unsatisfied", "rework", "extended", "escalated", "response_due", "due_closed", "due_extended"}

// stats sums a community's statistics counters over all days, read from
// the community-by-day rollup (migration 0008, which replaced case_stats).
func (f *fixture) stats(communityID int64) map[string]int64 {
	f.t.Helper()
	if _, err := f.svc.Fold(f.ctx); err != nil { // queued changes into the rollups
		f.t.Fatal(err)
	}
	cols := make([]string, len(statNames))
	for i, c := range statNames {
		cols[i] = "COALESCE(SUM(" + c + "), 0)"
	}
	vals := make([]int64, len(statNames))
	dst := make([]any, len(statNames))
	for i := range vals {
		dst[i] = &vals[i]
	}
	if err := f.db.QueryRow(f.ctx, `SELECT `+strings.Join(cols, ", ")+` FROM stats_community_day WHERE community_id = ?`, communityID).Scan(dst...); err != nil {
		f.t.Fatal(err)
	}
	out := map[string]int64{}
	for i, c := range statNames {
		out[c] = vals[i]
	}
	return out
}

// checkStats compares the counters named in want; the others must be 0.
func (f *fixture) checkStats(communityID int64, want map[string]int64) {
	f.t.Helper()
	got := f.stats(communityID)
	for _, c := range statNames {
		if got[c] != want[c] {
			f.t.Errorf("stats.%s = %d, want %d", c, got[c], want[c])
		}
	}
}

func TestFullLoop(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		xueyuan, grid1 := f.node(pXueyuan...), f.node(pGrid1...)

		// 09:00 the resident reports a leak at home.
		c := f.leak("resident")
		if c.Number != "XY-20260310-0001" || c.State != cases.Reported || c.CommunityID != xueyuan.ID || c.GridID != grid1.ID {
			t.Fatalf("opened %s state %s community %d grid %d, want XY-20260310-0001 reported %d %d", c.Number, c.State, c.CommunityID, c.GridID, xueyuan.ID, grid1.ID)
		}
		if c.Location != "荟萃花园南区1号楼3单元602" {
			t.Errorf("location %q", c.Location)
		}
		if !f.notified("xueyuan", c.ID, "新上报") {
			t.Error("community staff not told of the new report")
		}
		other := f.open("resident", cases.NewCase{Category: "noise", Title: "夜间广场舞音响太大", LocationID: f.node(pHuicui...).ID})
		if other.Number != "XY-20260310-0002" {
			t.Errorf("second case of the day numbered %s, want XY-20260310-0002", other.Number)
		}
		jx := f.leak("jxresident")
		if jx.Number != "JX-20260310-0001" {
			t.Errorf("吉祥社区's first case numbered %s, want JX-20260310-0001 (counters are per community)", jx.Number)
		}

		f.advance(10 * time.Minute)
		if c = f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActAccept}); c.State != cases.Accepted {
			t.Fatalf("after accept: %s", c.State)
		}
		if !f.notified("resident", c.ID, "已立案") {
			t.Error("reporter not told of the registration")
		}
		f.advance(10 * time.Minute) // 09:20
		c = f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActDispatch})
		if c.State != cases.Dispatched || c.AssigneeKind != cases.AssignGrid || c.AssigneeID != grid1.ID || c.AssigneeName != "学苑社区第一网格" {
			t.Fatalf("dispatched to %s %d %q (state %s), want grid %d 学苑社区第一网格", c.AssigneeKind, c.AssigneeID, c.AssigneeName, c.State, grid1.ID)
		}
		// 4 working hours from 09:20: 2h40 before lunch, 1h20 after → 14:50.
		// 5 working days from Tue 10th (during hours, so from Wed): 11, 12,
		// 13, 16, 17 → Tue 17th 17:30.
		if want := cst(t, 2026, 3, 10, 14, 50); !c.ResponseDue.Equal(want) {
			t.Errorf("response due %v, want %v", c.ResponseDue.In(f.zone), want)
		}
		if want := cst(t, 2026, 3, 17, 17, 30); !c.ResolveDue.Equal(want) {
			t.Errorf("resolve due %v, want %v", c.ResolveDue.In(f.zone), want)
		}
		if !f.notified("grid1", c.ID, "新派遣") {
			t.Error("grid worker not notified of the dispatch")
		}
		if f.notified("jxgrid", c.ID, "新派遣") {
			t.Error("another community's grid worker notified")
		}

		f.advance(10 * time.Minute)
		if c = f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge}); c.State != cases.Acknowledged || c.RespondedAt.IsZero() {
			t.Fatalf("after acknowledge: %s responded %v", c.State, c.RespondedAt)
		}
		if _, ok, err := jobs.Pending(f.ctx, db, "case.response_due", itoa(c.ID)); err != nil || ok {
			t.Errorf("response timer still pending after acknowledgement (%v)", err)
		}
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActStart})
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActNote, Note: "楼上602业主出差，已电话联系"})
		wantCode(t, "handle without a result", f.actErr("grid1", c.ID, cases.ActionInput{Action: cases.ActHandle, Note: "  "}), linli.EInvalid)
		f.advance(3 * time.Hour)
		c = f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActHandle, Note: "已更换楼上排水管并修补天花板"})
		if c.State != cases.Handled || c.HandlerID != f.actor("grid1").AccountID {
			t.Fatalf("after handle: %s handler %d", c.State, c.HandlerID)
		}
		if !f.notified("xueyuan", c.ID, "待核查") {
			t.Error("staff not told the case waits for verification")
		}
		// The handler cannot verify: grid workers may not verify at all
		// (403); a staff member who handled a case gets 409 (see
		// TestPermissions).
		wantCode(t, "handler verifies", f.actErr("grid1", c.ID, cases.ActionInput{Action: cases.ActVerify}), linli.EForbidden)
		if c = f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActVerify, Note: "现场查看，已不渗水"}); c.State != cases.Verified {
			t.Fatalf("after verify: %s", c.State)
		}
		if c = f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActClose}); c.State != cases.Closed || c.ClosedAt.IsZero() {
			t.Fatalf("after close: %s closed %v", c.State, c.ClosedAt)
		}
		if !f.notified("resident", c.ID, "已办结") {
			t.Error("reporter not asked to rate on close")
		}
		for _, k := range []string{"case.response_due", "case.resolve_warn", "case.resolve_due"} {
			if _, ok, _ := jobs.Pending(f.ctx, db, k, itoa(c.ID)); ok {
				t.Errorf("timer %s still pending after close", k)
			}
		}
		c = f.act("resident", c.ID, cases.ActionInput{Action: cases.ActRate, Rating: cases.Satisfied, Comment: "谢谢网格员"})
		if c.State != cases.Closed || c.Rating != cases.Satisfied {
			t.Fatalf("after rating: %s %s", c.State, c.Rating)
		}
		wantCode(t, "rate twice", f.actErr("resident", c.ID, cases.ActionInput{Action: cases.ActRate, Rating: cases.Basic}), linli.EConflict)

		full := []string{"report", "accept", "dispatch", "acknowledge", "start", "note", "handle", "verify", "close", "rate"}
		if got := f.actions("xueyuan", c.ID); !slices.Equal(got, full) {
			t.Errorf("staff timeline %v, want %v", got, full)
		}
		if got := f.actions("grid1", c.ID); !slices.Equal(got, full) {
			t.Errorf("assignee timeline %v, want %v", got, full)
		}
		public := slices.DeleteFunc(slices.Clone(full), func(s string) bool { return s == "note" })
		if got := f.actions("resident", c.ID); !slices.Equal(got, public) {
			t.Errorf("reporter timeline %v, want %v (no private notes)", got, public)
		}

		f.checkStats(xueyuan.ID, map[string]int64{"reported": 2, "dispatched": 1, "responded": 1, "responded_on_time": 1, "response_due": 1, "due": 1,
			"closed": 1, "closed_on_time": 1, "due_closed": 1, "satisfied": 1, "resolved": 1})
	})
}

// closedCase drives a resident's leak through the loop to closed.
func (f *fixture) closedCase(reporter string) cases.Case {
	f.t.Helper()
	c := f.dispatched(reporter, "xueyuan")
	for _, st := range []struct {
		who string
		in  cases.ActionInput
	}{
		{"grid1", cases.ActionInput{Action: cases.ActAcknowledge}},
		{"grid1", cases.ActionInput{Action: cases.ActHandle, Note: "已修好"}},
		{"xueyuan", cases.ActionInput{Action: cases.ActVerify}},
		{"xueyuan", cases.ActionInput{Action: cases.ActClose}},
	} {
		f.advance(time.Hour)
		c = f.act(st.who, c.ID, st.in)
	}
	return c
}

func TestUnsatisfiedRatingReopens(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c := f.closedCase("resident")
		before := c
		f.clock.Set(cst(t, 2026, 3, 12, 10, 0)) // Thursday
		c = f.act("resident", c.ID, cases.ActionInput{Action: cases.ActRate, Rating: cases.Unsatisfied, Comment: "还在渗水"})
		if c.State != cases.Dispatched || c.Reopened != 1 || c.Rating != "" || !c.ClosedAt.IsZero() || c.HandlerID != 0 {
			t.Fatalf("after an unsatisfied rating: state %s reopened %d rating %q closed %v handler %d, want dispatched 1 \"\" zero 0",
				c.State, c.Reopened, c.Rating, c.ClosedAt, c.HandlerID)
		}
		if c.AssigneeKind != before.AssigneeKind || c.AssigneeID != before.AssigneeID {
			t.Errorf("reopened to %s %d, want back to %s %d", c.AssigneeKind, c.AssigneeID, before.AssigneeKind, before.AssigneeID)
		}
		// New deadlines from Thu 12th 10:00: 4 working hours → 15:30; 5
		// working days → 13, 16, 17, 18, 19 → Thu 19th 17:30.
		if want := cst(t, 2026, 3, 12, 15, 30); !c.ResponseDue.Equal(want) {
			t.Errorf("new response due %v, want %v", c.ResponseDue.In(f.zone), want)
		}
		if want := cst(t, 2026, 3, 19, 17, 30); !c.ResolveDue.Equal(want) {
			t.Errorf("new resolve due %v, want %v", c.ResolveDue.In(f.zone), want)
		}
		if j, ok, err := jobs.Pending(f.ctx, db, "case.resolve_due", itoa(c.ID)); err != nil || !ok || !j.Due.Equal(c.ResolveDue) {
			t.Errorf("resolve timer %v pending=%v (%v), want at %v", j.Due, ok, err, c.ResolveDue)
		}
		if !f.notified("grid1", c.ID, "重新办理") {
			t.Error("assignee not told of the rework")
		}
		acts := f.actions("resident", c.ID)
		if tail := acts[len(acts)-2:]; !slices.Equal(tail, []string{"rate", "reopen"}) {
			t.Errorf("timeline ends %v, want [rate reopen]", tail)
		}
		st := f.stats(c.CommunityID)
		if st["rework"] != 1 || st["unsatisfied"] != 1 || st["resolved"] != 0 || st["satisfied"] != 0 {
			t.Errorf("stats rework %d unsatisfied %d resolved %d satisfied %d, want 1 1 0 0", st["rework"], st["unsatisfied"], st["resolved"], st["satisfied"])
		}
		// The second round can be rated again.
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActHandle, Note: "重新做了防水"})
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActVerify})
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActClose})
		if c = f.act("resident", c.ID, cases.ActionInput{Action: cases.ActRate, Rating: cases.Basic}); c.Rating != cases.Basic || c.Reopened != 1 {
			t.Errorf("second rating %q reopened %d", c.Rating, c.Reopened)
		}
	})
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		accepted := f.leak("resident")
		f.act("xueyuan", accepted.ID, cases.ActionInput{Action: cases.ActAccept})
		xy := f.dispatched("resident", "xueyuan")
		jx := f.dispatched("jxresident", "jixiang")
		closed := f.closedCase("resident")

		tests := []struct {
			name string
			who  string
			id   int64
			in   cases.ActionInput
			code string
		}{
			{"resident dispatches", "resident", accepted.ID, cases.ActionInput{Action: cases.ActDispatch}, linli.EForbidden},
			{"grid worker dispatches", "grid1", accepted.ID, cases.ActionInput{Action: cases.ActDispatch}, linli.EForbidden},
			{"other community's grid acknowledges", "jxgrid", xy.ID, cases.ActionInput{Action: cases.ActAcknowledge}, linli.ENotFound},
			{"other community's grid handles", "jxgrid", xy.ID, cases.ActionInput{Action: cases.ActHandle, Note: "x"}, linli.ENotFound},
			{"other community's staff dispatches", "jixiang", accepted.ID, cases.ActionInput{Action: cases.ActDispatch}, linli.ENotFound},
			{"grid1 acknowledges a 吉祥 case", "grid1", jx.ID, cases.ActionInput{Action: cases.ActAcknowledge}, linli.ENotFound},
			{"grid1 notes a 吉祥 case", "grid1", jx.ID, cases.ActionInput{Action: cases.ActNote, Note: "x"}, linli.ENotFound},
			{"building head acknowledges", "building", xy.ID, cases.ActionInput{Action: cases.ActAcknowledge}, linli.EForbidden},
			{"resident acknowledges own case", "resident", xy.ID, cases.ActionInput{Action: cases.ActAcknowledge}, linli.EForbidden},
			{"staff rates", "xueyuan", closed.ID, cases.ActionInput{Action: cases.ActRate, Rating: cases.Satisfied}, linli.EForbidden},
			{"grid worker rates", "grid1", closed.ID, cases.ActionInput{Action: cases.ActRate, Rating: cases.Satisfied}, linli.EForbidden},
			{"building head rates", "building", closed.ID, cases.ActionInput{Action: cases.ActRate, Rating: cases.Satisfied}, linli.EForbidden},
			{"other resident rates", "jxresident", closed.ID, cases.ActionInput{Action: cases.ActRate, Rating: cases.Satisfied}, linli.ENotFound},
			{"close a dispatched case", "xueyuan", xy.ID, cases.ActionInput{Action: cases.ActClose}, linli.EConflict},
			{"unknown action", "xueyuan", xy.ID, cases.ActionInput{Action: "explode"}, linli.EInvalid},
		}
		for _, tc := range tests {
			wantCode(t, tc.name, f.actErr(tc.who, tc.id, tc.in), tc.code)
		}
		if c := f.get(xy.ID); c.State != cases.Dispatched {
			t.Errorf("refused actions changed the state to %s", c.State)
		}
		if c := f.get(closed.ID); c.Rating != "" {
			t.Errorf("a refused rating was recorded: %q", c.Rating)
		}

		// A transition the state does not allow is a 409 naming what is.
		err := f.actErr("xueyuan", xy.ID, cases.ActionInput{Action: cases.ActVerify})
		wantCode(t, "verify a dispatched case", err, linli.EConflict)
		fields := linli.ErrorFields(err)
		if len(fields) != 1 || fields[0].Field != "action" {
			t.Fatalf("409 fields %v, want one on action", fields)
		}
		for _, a := range []string{"acknowledge", "transfer", "whistle"} {
			if !strings.Contains(fields[0].Reason, a) || !strings.Contains(linli.ErrorMessage(err), a) {
				t.Errorf("409 %q / %q does not list allowed action %s", linli.ErrorMessage(err), fields[0].Reason, a)
			}
		}
		for _, a := range []string{"verify", "close", "accept"} {
			if strings.Contains(fields[0].Reason, a) {
				t.Errorf("409 lists %s, which a dispatched case does not allow: %q", a, fields[0].Reason)
			}
		}

		// Reading.
		for _, tc := range []struct {
			who  string
			id   int64
			code string
		}{
			{"jixiang", xy.ID, linli.ENotFound},
			{"jxgrid", xy.ID, linli.ENotFound},
			{"jxresident", xy.ID, linli.ENotFound},
			{"xueyuan", jx.ID, linli.ENotFound},
			{"resident", jx.ID, linli.ENotFound},
			{"street", xy.ID, ""},
			{"grid1", xy.ID, ""},
			{"resident", xy.ID, ""},
			{"dept", xy.ID, ""}, // departments read cases in their district
		} {
			_, err := f.svc.Get(f.ctx, f.actor(tc.who), tc.id)
			wantCode(t, tc.who+" reads case "+itoa(tc.id), err, tc.code)
		}
		if _, err := f.svc.Timeline(f.ctx, f.actor("jixiang"), xy.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("jixiang reads the timeline of a 学苑 case: %v", err)
		}
		// A public case is readable by the residents of its community, a
		// private one only by its reporter (and those who work it).
		shuxiang := f.node(append(slices.Clone(pXueyuan), "第二网格", "书香苑")...).ID
		pub := f.open("xueyuan", cases.NewCase{Category: "noise", Title: "广场舞音响太大", LocationID: shuxiang, Public: true})
		priv := f.open("xueyuan", cases.NewCase{Category: "noise", Title: "夜间施工", LocationID: shuxiang})
		for _, tc := range []struct {
			who  string
			id   int64
			code string
		}{
			{"resident", pub.ID, ""},
			{"resident", priv.ID, linli.ENotFound},
			{"jxresident", pub.ID, linli.ENotFound},
			{"grid1", pub.ID, linli.ENotFound}, // 书香苑 is in the second grid
		} {
			_, err := f.svc.Get(f.ctx, f.actor(tc.who), tc.id)
			wantCode(t, tc.who+" reads "+itoa(tc.id)+" at 书香苑", err, tc.code)
		}

		// Reporting.
		jxUnit := f.node(append(slices.Clone(pJxGdn), "1号楼", "2单元")...)
		for _, tc := range []struct {
			name string
			who  string
			in   cases.NewCase
			code string
		}{
			{"学苑 resident at a 吉祥 place", "resident", cases.NewCase{Category: "noise", Title: "x", LocationID: jxUnit.ID}, linli.EInvalid},
			{"学苑 resident at a 吉祥 household", "resident", cases.NewCase{Category: "noise", Title: "x", HouseholdID: f.household("jxresident")}, linli.EInvalid},
			// Outside the actor's communities a place answers like an unknown one.
			{"resident at a neighbour's household", "jxresident", cases.NewCase{Category: "noise", Title: "x", HouseholdID: f.household("resident")}, linli.EInvalid},
			{"grid1 in 吉祥", "grid1", cases.NewCase{Category: "noise", Title: "x", LocationID: jxUnit.ID}, linli.EInvalid},
			{"resident claims a patrol", "resident", cases.NewCase{Category: "noise", Title: "x", Source: cases.SourcePatrol, HouseholdID: f.household("resident")}, linli.EInvalid},
			{"resident enters a hotline call", "resident", cases.NewCase{Category: "noise", Title: "x", Source: cases.SourceHotline, HouseholdID: f.household("resident")}, linli.EInvalid},
			{"unknown category", "resident", cases.NewCase{Category: "nosuch", Title: "x", HouseholdID: f.household("resident")}, linli.EInvalid},
			{"a category group", "resident", cases.NewCase{Category: "community", Title: "x", HouseholdID: f.household("resident")}, linli.EInvalid},
			{"no location", "resident", cases.NewCase{Category: "noise", Title: "x"}, linli.EInvalid},
			{"location above a community", "xueyuan", cases.NewCase{Category: "noise", Title: "x", LocationID: f.node("运城市", "盐湖区").ID}, linli.EInvalid},
		} {
			_, err := f.svc.Open(f.ctx, f.actor(tc.who), tc.in)
			wantCode(t, tc.name, err, tc.code)
		}

		// Verification by someone other than the handler: a staff member
		// who handled a case assigned to the community cannot verify it.
		own := f.leak("resident")
		f.act("xueyuan", own.ID, cases.ActionInput{Action: cases.ActAccept})
		f.act("xueyuan", own.ID, cases.ActionInput{Action: cases.ActDispatch, AssigneeKind: cases.AssignCommunity, AssigneeID: f.node(pXueyuan...).ID})
		f.act("xueyuan", own.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		f.act("xueyuan", own.ID, cases.ActionInput{Action: cases.ActHandle, Note: "已协调物业维修"})
		wantCode(t, "handler verifies own work", f.actErr("xueyuan", own.ID, cases.ActionInput{Action: cases.ActVerify}), linli.EConflict)
		if c := f.act("street", own.ID, cases.ActionInput{Action: cases.ActVerify}); c.State != cases.Verified {
			t.Errorf("street staff's verification left %s", c.State)
		}
		// Dispatch only within the case's community.
		wantCode(t, "dispatch to another community's grid", f.actErr("xueyuan", accepted.ID,
			cases.ActionInput{Action: cases.ActDispatch, AssigneeKind: cases.AssignGrid, AssigneeID: f.node(pJxGrid...).ID}), linli.EInvalid)
	})
}

func TestIdempotentOpen(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		in := cases.NewCase{Category: "water_leak", Title: "厨房漏水", HouseholdID: f.household("resident"), IdempotencyKey: "a1b2c3"}
		first, replay, err := f.svc.OpenIdempotent(f.ctx, f.actor("resident"), in)
		if err != nil || replay {
			t.Fatalf("first open: %v replay=%v", err, replay)
		}
		again, replay, err := f.svc.OpenIdempotent(f.ctx, f.actor("resident"), in)
		if err != nil || !replay || again.ID != first.ID || again.Number != first.Number {
			t.Fatalf("retry: id %d (%s) replay=%v err %v, want id %d replay=true", again.ID, again.Number, replay, err, first.ID)
		}
		in.IdempotencyKey = "d4e5f6"
		other, replay, err := f.svc.OpenIdempotent(f.ctx, f.actor("resident"), in)
		if err != nil || replay || other.ID == first.ID {
			t.Fatalf("new key: id %d replay=%v err %v, want a new case", other.ID, replay, err)
		}
		// The replay counted no report. On SQLite it used no number; on
		// PostgreSQL the day's counter is bumped in its own transaction
		// before the insert finds the key, so the replay's number stays
		// unused (package comment).
		want := "XY-20260310-0002"
		if db.Dialect == storage.Postgres {
			want = "XY-20260310-0003"
		}
		if other.Number != want {
			t.Errorf("next case numbered %s, want %s", other.Number, want)
		}
		if n := f.stats(first.CommunityID)["reported"]; n != 2 {
			t.Errorf("reported = %d, want 2", n)
		}
		// Keys are per reporter: the same key from someone else is a new case.
		b := cases.NewCase{Category: "noise", Title: "楼道噪声", LocationID: f.node(append(slices.Clone(pHuicui), "1号楼")...).ID, IdempotencyKey: "a1b2c3"}
		if c, replay, err := f.svc.OpenIdempotent(f.ctx, f.actor("building"), b); err != nil || replay || c.ID == first.ID {
			t.Errorf("same key, other reporter: id %d replay=%v err %v", c.ID, replay, err)
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 3 {
			t.Errorf("%d cases stored (%v), want 3", n, err)
		}
	})
}

// Concurrent reports: a client retrying while its first request is still in
// flight gets the same case back, and concurrent reports in one community
// get distinct numbers, gap-free when none fails, on both engines (the
// PostgreSQL counter is bumped outside the report's transaction since
// issue 14). (On PostgreSQL both used to fail with duplicate keys.)
func TestConcurrentReports(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		const n = 24
		type result struct {
			c      cases.Case
			replay bool
			err    error
		}
		run := func(in func(i int) (string, cases.NewCase)) []result {
			out := make([]result, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					who, nc := in(i)
					out[i].c, out[i].replay, out[i].err = f.svc.OpenIdempotent(f.ctx, f.actor(who), nc)
				})
			}
			wg.Wait()
			return out
		}

		same := run(func(int) (string, cases.NewCase) {
			return "resident", cases.NewCase{Category: "water_leak", Title: "厨房漏水", HouseholdID: f.household("resident"), IdempotencyKey: "retry-1"}
		})
		fresh := 0
		for i, r := range same {
			if r.err != nil {
				t.Fatalf("call %d: %v", i, r.err)
			}
			if r.c.ID != same[0].c.ID {
				t.Errorf("call %d got case %d, want %d", i, r.c.ID, same[0].c.ID)
			}
			if !r.replay {
				fresh++
			}
		}
		if fresh != 1 {
			t.Errorf("%d calls created the case, want 1", fresh)
		}

		f.clock.Set(cst(t, 2026, 3, 11, 9, 0)) // a new day: no counter row yet
		unit := f.node(append(slices.Clone(pHuicui), "1号楼", "3单元")...).ID
		many := run(func(i int) (string, cases.NewCase) {
			return "xueyuan", cases.NewCase{Category: "noise", Title: "噪声 " + strconv.Itoa(i), LocationID: unit}
		})
		var numbers []string
		for i, r := range many {
			if r.err != nil {
				t.Fatalf("report %d: %v", i, r.err)
			}
			numbers = append(numbers, r.c.Number)
		}
		slices.Sort(numbers)
		for i, num := range numbers {
			if want := fmt.Sprintf("XY-20260311-%04d", i+1); num != want {
				t.Errorf("numbers %v, want XY-20260311-0001 … -%04d, each once", numbers, n)
				break
			}
		}
	})
}

func TestPatrolIsDispatchedAtOnce(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		grid1 := f.node(pGrid1...)
		c := f.open("grid1", cases.NewCase{Category: "safety_hazard", Title: "楼道电动车充电飞线", Source: cases.SourcePatrol,
			LocationID: f.node(append(slices.Clone(pHuicui), "1号楼")...).ID})
		if c.State != cases.Dispatched || c.AssigneeKind != cases.AssignGrid || c.AssigneeID != grid1.ID {
			t.Fatalf("patrol case %s to %s %d, want dispatched to grid %d", c.State, c.AssigneeKind, c.AssigneeID, grid1.ID)
		}
		if c.DispatchedAt.IsZero() || c.ResolveDue.IsZero() || c.Priority != cases.Urgent {
			t.Errorf("dispatched %v due %v priority %s, want the clock started and the category's urgency", c.DispatchedAt, c.ResolveDue, c.Priority)
		}
		if got, want := f.actions("xueyuan", c.ID), []string{"report", "accept", "dispatch"}; !slices.Equal(got, want) {
			t.Errorf("timeline %v, want %v", got, want)
		}
		if _, ok, err := jobs.Pending(f.ctx, db, "case.resolve_due", itoa(c.ID)); err != nil || !ok {
			t.Errorf("no resolve timer for the patrol case (%v)", err)
		}
		// The worker takes it straight on.
		if c = f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge}); c.State != cases.Acknowledged {
			t.Errorf("after acknowledge: %s", c.State)
		}
		st := f.stats(c.CommunityID)
		if st["reported"] != 1 || st["dispatched"] != 1 || st["responded_on_time"] != 1 {
			t.Errorf("stats %v", st)
		}
	})
}

// Volunteers patrol their community: their report is accepted there (as
// a volunteer's patrol finding, waiting for the staff to register it) and
// refused outside it; a contractor may not report, and MayReport — which
// the navigation and the report form follow — says so for both.
func TestVolunteerReportsInTheCommunityContractorDoesNot(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		building := f.node(append(slices.Clone(pHuicui), "1号楼")...).ID
		c := f.open("volunteer", cases.NewCase{Category: "safety_hazard", Title: "楼道堆放杂物", Source: cases.SourceVolunteer, LocationID: building})
		if c.State != cases.Reported || c.Source != cases.SourceVolunteer {
			t.Errorf("volunteer's report: %s from %s, want reported from volunteer", c.State, c.Source)
		}
		if _, err := f.svc.Open(f.ctx, f.actor("volunteer"), cases.NewCase{Category: "safety_hazard", Title: "别的社区", Source: cases.SourceVolunteer,
			LocationID: f.node(pJxGdn...).ID}); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("volunteer reports in another community: %v, want 422 as for an unknown place", err)
		}
		if _, err := f.svc.Open(f.ctx, f.actor("grid1"), cases.NewCase{Category: "safety_hazard", Title: "冒充", Source: cases.SourceVolunteer,
			LocationID: building}); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("a grid worker files a volunteer finding: %v, want 422", err)
		}
		if _, err := f.svc.Open(f.ctx, f.actor("contractor"), cases.NewCase{Category: "safety_hazard", Title: "施工方", LocationID: building}); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("contractor reports: %v, want 403", err)
		}
		if !f.actor("volunteer").MayReport() || f.actor("contractor").MayReport() {
			t.Errorf("MayReport: volunteer %v, contractor %v; want true, false", f.actor("volunteer").MayReport(), f.actor("contractor").MayReport())
		}
	})
}

// A hotline call is entered by staff in the caller's name; the caller has
// no account and hears back by SMS (the outbox), not the staff member.
func TestHotlineCallerIsToldBySMS(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		// 00:30 on the 11th in Shanghai is still the 10th in UTC: the number
		// carries the local day.
		f.clock.Set(cst(t, 2026, 3, 11, 0, 30))
		c := f.open("xueyuan", cases.NewCase{Category: "noise", Title: "夜间施工噪声", Source: cases.SourceHotline,
			LocationID: f.node(append(slices.Clone(pHuicui), "1号楼")...).ID, ReporterName: "王先生", ReporterPhone: "139 1234 5678"})
		if c.Number != "XY-20260311-0001" {
			t.Errorf("number %s, want XY-20260311-0001 (the day in Asia/Shanghai)", c.Number)
		}
		if c.ReporterName != "王先生" || c.ReporterPhone != "139****5678" {
			t.Errorf("reporter %q %q, want 王先生 139****5678 (masked)", c.ReporterName, c.ReporterPhone)
		}
		f.clock.Set(cst(t, 2026, 3, 11, 9, 0))
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActAccept})
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND payload LIKE ?`, "%13912345678%").Scan(&n); err != nil || n != 1 {
			t.Errorf("%d SMS to the caller after registration (%v), want 1", n, err)
		}
		if f.notified("xueyuan", c.ID, "您反映的") {
			t.Error("the staff member who entered the call is notified as if they were the caller")
		}
	})
}

func TestRouting(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		huicui := f.node(pHuicui...)
		xyEstate := append(slices.Clone(pXunyang), "第一网格", "郇阳小区")
		xunyangEstate := f.node(xyEstate...)
		if xunyangEstate.PropertyCompany != "" {
			t.Fatalf("郇阳小区 has a property company %q; the fallback is not tested", xunyangEstate.PropertyCompany)
		}
		tests := []struct {
			name     string
			who      string // opens, registers and dispatches
			in       cases.NewCase
			kind     string
			id       int64
			assignee string
			number   string
		}{
			{"facility in an estate with a property company", "xueyuan",
				cases.NewCase{Category: "public_facility", Title: "单元门禁损坏", LocationID: f.node(append(slices.Clone(pHuicui), "1号楼", "3单元")...).ID},
				cases.AssignProperty, huicui.ID, "运城市荟安物业服务有限公司", "XY-"},
			{"facility in an estate without one falls back to the grid", "system",
				cases.NewCase{Category: "public_facility", Title: "楼顶太阳能热水器松动", LocationID: xunyangEstate.ID},
				cases.AssignGrid, f.node(append(slices.Clone(pXunyang), "第一网格")...).ID, "郇阳社区第一网格", "XNY-"},
			{"water supply goes to the housing department", "xueyuan",
				cases.NewCase{Category: "uc_water_supply", Title: "二次供水水箱漏水", LocationID: huicui.ID},
				cases.AssignDepartment, f.housing.ID, "盐湖区住房和城乡建设局", "XY-"},
			{"leak goes to the grid", "xueyuan",
				cases.NewCase{Category: "water_leak", Title: "楼道水管漏水", LocationID: huicui.ID},
				cases.AssignGrid, f.node(pGrid1...).ID, "学苑社区第一网格", "XY-"},
		}
		f.actors["system"] = linli.System()
		for _, tc := range tests {
			c := f.open(tc.who, tc.in)
			f.act(tc.who, c.ID, cases.ActionInput{Action: cases.ActAccept})
			c = f.act(tc.who, c.ID, cases.ActionInput{Action: cases.ActDispatch})
			if c.AssigneeKind != tc.kind || c.AssigneeID != tc.id || c.AssigneeName != tc.assignee || !strings.HasPrefix(c.Number, tc.number) {
				t.Errorf("%s: %s → %s %d %q, want %s %d %q (number %s…)", tc.name, c.Number, c.AssigneeKind, c.AssigneeID, c.AssigneeName, tc.kind, tc.id, tc.assignee, tc.number)
			}
			if tc.kind == cases.AssignProperty {
				if !f.notified("property", c.ID, "新派遣") {
					t.Errorf("%s: property company not notified", tc.name)
				}
				if got := f.act("property", c.ID, cases.ActionInput{Action: cases.ActAcknowledge}); got.State != cases.Acknowledged {
					t.Errorf("%s: property acknowledges → %s", tc.name, got.State)
				}
			}
			if tc.kind == cases.AssignDepartment {
				if !f.notified("dept", c.ID, "新派遣") {
					t.Errorf("%s: department member not notified", tc.name)
				}
				wantCode(t, tc.name+": grid1 acknowledges a department's case",
					f.actErr("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge}), linli.EForbidden)
			}
		}
	})
}

func TestMergeShelveTransferNote(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)

		// Merge a duplicate into the first report.
		first := f.dispatched("resident", "xueyuan")
		// The building head reports the same leak from the stairwell.
		dup := f.open("building", cases.NewCase{Category: "water_leak", Title: "3单元楼道顶棚渗水", LocationID: f.node(append(slices.Clone(pHuicui), "1号楼")...).ID})
		f.act("xueyuan", dup.ID, cases.ActionInput{Action: cases.ActAccept})
		dup = f.act("xueyuan", dup.ID, cases.ActionInput{Action: cases.ActDispatch})
		wantCode(t, "merge into itself", f.actErr("xueyuan", dup.ID, cases.ActionInput{Action: cases.ActMerge, MergeInto: dup.ID}), linli.EInvalid)
		jx := f.leak("jxresident")
		wantCode(t, "merge into another community's case", f.actErr("xueyuan", dup.ID, cases.ActionInput{Action: cases.ActMerge, MergeInto: jx.ID}), linli.EInvalid)
		wantCode(t, "grid worker merges", f.actErr("grid1", dup.ID, cases.ActionInput{Action: cases.ActMerge, MergeInto: first.ID}), linli.EForbidden)
		m := f.act("xueyuan", dup.ID, cases.ActionInput{Action: cases.ActMerge, MergeInto: first.ID})
		if m.State != cases.Merged || m.MergedInto != first.ID {
			t.Fatalf("merged case %s into %d, want merged into %d", m.State, m.MergedInto, first.ID)
		}
		if acts := f.actions("xueyuan", first.ID); !slices.Contains(acts, "merged_from") {
			t.Errorf("target timeline %v lacks merged_from", acts)
		}
		if !f.notified("building", dup.ID, first.Number) {
			t.Error("reporter of the duplicate not told of the merge")
		}
		for _, k := range []string{"case.response_due", "case.resolve_warn", "case.resolve_due"} {
			if _, ok, _ := jobs.Pending(f.ctx, db, k, itoa(dup.ID)); ok {
				t.Errorf("timer %s of the merged case still pending", k)
			}
		}
		wantCode(t, "act on a merged case", f.actErr("xueyuan", dup.ID, cases.ActionInput{Action: cases.ActNote, Note: "x"}), linli.EConflict)

		// Shelve and resume.
		f.act("grid1", first.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		f.act("grid1", first.ID, cases.ActionInput{Action: cases.ActStart})
		wantCode(t, "shelve without a reason", f.actErr("xueyuan", first.ID, cases.ActionInput{Action: cases.ActShelve}), linli.EInvalid)
		wantCode(t, "grid worker shelves", f.actErr("grid1", first.ID, cases.ActionInput{Action: cases.ActShelve, Reason: "x"}), linli.EForbidden)
		if c := f.act("xueyuan", first.ID, cases.ActionInput{Action: cases.ActShelve, Reason: "需全楼统一改造排水立管"}); c.State != cases.Shelved {
			t.Fatalf("after shelve: %s", c.State)
		}
		wantCode(t, "handle a shelved case", f.actErr("grid1", first.ID, cases.ActionInput{Action: cases.ActHandle, Note: "x"}), linli.EConflict)
		if c := f.act("xueyuan", first.ID, cases.ActionInput{Action: cases.ActResume}); c.State != cases.InProgress {
			t.Fatalf("after resume: %s", c.State)
		}

		// Transfer to the housing department, which then reports in.
		c := f.dispatched("resident", "xueyuan")
		wantCode(t, "transfer to an unknown department", f.actErr("xueyuan", c.ID,
			cases.ActionInput{Action: cases.ActTransfer, AssigneeKind: cases.AssignDepartment, AssigneeID: 99999}), linli.EInvalid)
		c = f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActTransfer, AssigneeKind: cases.AssignDepartment, AssigneeID: f.housing.ID, Note: "涉及主管道"})
		if c.State != cases.Dispatched || c.AssigneeKind != cases.AssignDepartment || c.AssigneeID != f.housing.ID || c.AssigneeName != "盐湖区住房和城乡建设局" {
			t.Fatalf("transferred: %s %s %d %q", c.State, c.AssigneeKind, c.AssigneeID, c.AssigneeName)
		}
		if !f.notified("dept", c.ID, "新派遣") {
			t.Error("department not notified of the transfer")
		}
		wantCode(t, "the old grid acknowledges", f.actErr("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge}), linli.EForbidden)
		if c = f.act("dept", c.ID, cases.ActionInput{Action: cases.ActAcknowledge}); c.State != cases.Acknowledged {
			t.Errorf("department acknowledges → %s", c.State)
		}
		tasks, _, err := f.svc.MyTasks(f.ctx, f.actor("dept"), cases.Filter{})
		if err != nil || len(tasks) != 1 || tasks[0].ID != c.ID {
			t.Errorf("dept's tasks %v (%v), want the transferred case", tasks, err)
		}

		// A note is private: staff and the assignee see it, the reporter does not.
		wantCode(t, "empty note", f.actErr("xueyuan", c.ID, cases.ActionInput{Action: cases.ActNote, Note: " "}), linli.EInvalid)
		wantCode(t, "reporter notes", f.actErr("resident", c.ID, cases.ActionInput{Action: cases.ActNote, Note: "x"}), linli.EForbidden)
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActNote, Note: "住建局王科长负责"})
		evs, err := f.svc.Timeline(f.ctx, f.actor("dept"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := evs[len(evs)-1]; last.Action != "note" || last.Public || last.Note != "住建局王科长负责" {
			t.Errorf("last event %+v, want a private note", last)
		}
		if acts := f.actions("resident", c.ID); slices.Contains(acts, "note") {
			t.Errorf("reporter sees a private note: %v", acts)
		}
		if c2 := f.get(c.ID); c2.State != cases.Acknowledged {
			t.Errorf("a note changed the state to %s", c2.State)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A department carries its English name: set by administrators and street
// staff (others are refused, a blank name is invalid), read with the
// department and with every case it handles, the Chinese kept as it was
// dispatched.
func TestDepartmentEnglishName(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		in := cases.DepartmentInput{Name: "盐湖区住房和城乡建设局", NameEN: "Yanhu Housing Bureau"}
		wantCode(t, "community staff rename a department", func() error {
			_, err := f.svc.UpdateDepartment(f.ctx, f.actor("xueyuan"), f.housing.ID, in)
			return err
		}(), linli.EForbidden)
		wantCode(t, "a blank name", func() error {
			_, err := f.svc.UpdateDepartment(f.ctx, linli.System(), f.housing.ID, cases.DepartmentInput{NameEN: "x"})
			return err
		}(), linli.EInvalid)
		wantCode(t, "an unknown department", func() error {
			_, err := f.svc.UpdateDepartment(f.ctx, linli.System(), 99999, in)
			return err
		}(), linli.ENotFound)
		if _, err := f.svc.UpdateDepartment(f.ctx, linli.System(), f.housing.ID, in); err != nil {
			t.Fatal(err)
		}
		ds, err := f.svc.Departments(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.ID == f.housing.ID && (d.NameIn("en") != "Yanhu Housing Bureau" || d.NameIn("zh") != "盐湖区住房和城乡建设局") {
				t.Errorf("department names: %+v", d)
			}
		}
		c := f.dispatched("resident", "xueyuan")
		c = f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActTransfer, AssigneeKind: cases.AssignDepartment, AssigneeID: f.housing.ID})
		got, err := f.svc.Get(f.ctx, f.actor("xueyuan"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AssigneeIn("en") != "Yanhu Housing Bureau" || got.AssigneeIn("zh") != "盐湖区住房和城乡建设局" {
			t.Errorf("case assignee: en %q zh %q", got.AssigneeIn("en"), got.AssigneeIn("zh"))
		}
		r, err := f.svc.Routing(f.ctx, f.actor("xueyuan"), c.ID)
		if err != nil || r.NameIn("en") != "Yanhu Housing Bureau" {
			t.Errorf("routing in English: %+v %v", r, err)
		}
	})
}

// A department serves an area: dispatching, whistling or adding it as
// co-handler for a case outside that area is refused (422 naming the
// field) and changes nothing — its members would read the whole case and
// could reveal the reporter's phone. A category routing to it falls back
// to the grid there; the case page offers only the departments that serve
// the case. Street staff rename only their street's departments.
func TestDepartmentServesItsArea(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		linyi := f.node("运城市", "临猗县")
		far, err := f.svc.CreateDepartment(f.ctx, linli.System(), "linyi-housing", "临猗县住房和城乡建设局", linyi.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := f.dispatched("resident", "xueyuan") // 学苑社区, 盐湖区
		before := f.get(c.ID)
		for _, tc := range []struct {
			name  string
			in    cases.ActionInput
			field string
		}{
			{"transfer", cases.ActionInput{Action: cases.ActTransfer, AssigneeKind: cases.AssignDepartment, AssigneeID: far.ID, Note: "转临猗"}, "assignee_id"},
			{"whistle", cases.ActionInput{Action: cases.ActWhistle, Targets: []string{"department:linyi-housing"}, Reason: "x"}, "targets"},
			{"co-handler", cases.ActionInput{Action: cases.ActAddCoHandler, CoHandler: "department:linyi-housing"}, "cohandler"},
		} {
			err := f.actErr("xueyuan", c.ID, tc.in)
			wantCode(t, tc.name, err, linli.EInvalid)
			var got []string
			for _, fe := range linli.ErrorFields(err) {
				got = append(got, fe.Field)
			}
			if !slices.Contains(got, tc.field) {
				t.Errorf("%s: fields %v, want %s", tc.name, got, tc.field)
			}
		}
		after := f.get(c.ID)
		if after.AssigneeKind != before.AssigneeKind || after.AssigneeID != before.AssigneeID || len(f.whistles(c.ID)) != 0 {
			t.Errorf("refused actions changed the case: %+v → %+v, whistles %v", before, after, f.whistles(c.ID))
		}
		// The district's own department is still fine.
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActAddCoHandler, CoHandler: "department:housing"})
		ds, err := f.svc.DepartmentsServing(f.ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.ID == far.ID {
				t.Errorf("the case page offers %s, which does not serve 学苑社区", d.Name)
			}
		}
		if len(ds) < 2 {
			t.Errorf("departments serving the case: %v, want 盐湖区's", ds)
		}
		// Street staff of 东城街道 rename neither 临猗县's department nor
		// the district's above them; the answer is the unknown one.
		in := cases.DepartmentInput{Name: "改名", NameEN: "Renamed"}
		for _, id := range []int64{far.ID, f.housing.ID} {
			_, err := f.svc.UpdateDepartment(f.ctx, f.actor("street"), id, in)
			wantCode(t, "street staff rename a department outside their street", err, linli.ENotFound)
		}
		dong := f.node("运城市", "盐湖区", "东城街道")
		own, err := f.svc.CreateDepartment(f.ctx, linli.System(), "dc-office", "东城街道城管科", dong.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateDepartment(f.ctx, f.actor("street"), own.ID, in); err != nil {
			t.Errorf("street staff rename their street's department: %v", err)
		}
	})
}
