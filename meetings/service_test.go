package meetings_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"linli"
	"linli/capability"
	"linli/cases"
	"linli/demo/demotest"
	"linli/links"
	"linli/meetings"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// fixture is one engine's database with the demo places and accounts, the
// case service with its categories, the links registry with both
// resolvers, and a fake clock at Tuesday 2026-03-10 09:00 (Beijing).
type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	clock  *linli.FakeClock
	zone   *time.Location
	reg    *registry.Service
	cases  *cases.Service
	links  *links.Registry
	svc    *meetings.Service
	actors map[string]*linli.Actor
}

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
	w := demotest.New(t, db, cst(t, 2026, time.March, 10, 9, 0))
	zone, clock, reg := w.Zone, w.Clock, w.Registry
	cs := w.Cases
	lr := w.Links
	registerProjects(t, ctx, reg, lr)
	svc := meetings.New(capability.Deps{DB: db, Clock: clock, Zone: zone, Calendar: cs.WorkingCalendar, Links: lr, Registry: reg, Auth: w.Auth, Cases: cs})
	f := &fixture{t: t, ctx: ctx, db: db, clock: clock, zone: zone, reg: reg, cases: cs, links: lr, svc: svc, actors: map[string]*linli.Actor{}}
	w.AddActors(t, f.actors, "xueyuan", "grid1", "resident", "unit", "rep", "jixiang", "jxresident", "contractor", "street", "property")
	return f
}

var pHuicui = []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区"}

// registerProjects stands in for the projects capability: project 77 is
// 学苑社区's, project 78 吉祥社区's; whoever reads projects in (a part of)
// the community sees them.
func registerProjects(t *testing.T, ctx context.Context, reg *registry.Service, lr *links.Registry) {
	t.Helper()
	owner := map[int64]string{}
	for id, community := range map[int64]string{77: "学苑社区", 78: "吉祥社区"} {
		n, err := reg.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", community})
		if err != nil {
			t.Fatal(err)
		}
		owner[id] = n.Path
	}
	lr.Register(links.KindProject, func(ctx context.Context, a *linli.Actor, ids []int64) (map[int64]links.Item, error) {
		out := map[int64]links.Item{}
		for _, id := range ids {
			p, ok := owner[id]
			for _, sc := range a.Scopes(linli.PermProjectsRead) {
				if ok && (linli.Within(sc, p) || linli.Within(p, sc)) {
					out[id] = links.Item{Title: "加装电梯", URL: "/projects/" + itoa(id)}
				}
			}
		}
		return out, nil
	})
}

func (f *fixture) node(names ...string) registry.Node {
	f.t.Helper()
	n, err := f.reg.FindNode(f.ctx, names)
	if err != nil {
		f.t.Fatalf("node %v: %v", names, err)
	}
	return n
}

func (f *fixture) unit3() registry.Node {
	return f.node(append(append([]string{}, pHuicui...), "1号楼", "3单元")...)
}

func (f *fixture) a(u string) *linli.Actor {
	f.t.Helper()
	a, ok := f.actors[u]
	if !ok {
		f.t.Fatalf("no actor %s", u)
	}
	return a
}

func (f *fixture) household(u string) int64 {
	for _, g := range f.a(u).Grants {
		if g.HouseholdID != 0 {
			return g.HouseholdID
		}
	}
	f.t.Fatalf("%s has no household", u)
	return 0
}

func code(err error) string { return linli.ErrorCode(err) }

func hasField(err error, field string) bool {
	for _, fe := range linli.ErrorFields(err) {
		if fe.Field == field {
			return true
		}
	}
	return false
}

// meeting schedules the unit-3 elevator meeting on Thursday 19:30–21:00
// about project 77, inviting the unit head, the grid worker and every
// household of unit 3.
func (f *fixture) meeting() meetings.Detail {
	f.t.Helper()
	u := f.unit3()
	d, err := f.svc.Create(f.ctx, f.a("xueyuan"), meetings.MeetingInput{
		Title: "3单元加装电梯协调会", Kind: meetings.KindCoordination, ScopeID: u.ID, Subject: &links.Ref{Kind: links.KindProject, ID: 77},
		StartsAt: cst(f.t, 2026, time.March, 12, 19, 30), EndsAt: cst(f.t, 2026, time.March, 12, 21, 0),
		Place: "学苑社区党群服务中心二楼会议室", Host: "韩素芬", Agenda: []string{"通报加装电梯方案", "听取低楼层住户意见"},
		Invite: &meetings.InviteInput{AccountIDs: []int64{f.a("unit").AccountID, f.a("grid1").AccountID}, NodeIDs: []int64{u.ID}},
	})
	if err != nil {
		f.t.Fatalf("create: %v %v", err, linli.ErrorFields(err))
	}
	return d
}

// held moves the clock into the meeting and marks it held.
func (f *fixture) held(d meetings.Detail) {
	f.t.Helper()
	f.clock.Set(d.StartsAt.Add(5 * time.Minute))
	if _, err := f.svc.Hold(f.ctx, f.a("xueyuan"), d.ID); err != nil {
		f.t.Fatalf("hold: %v", err)
	}
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestMeetingLifecycle(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, staff := f.ctx, f.a("xueyuan")
		d := f.meeting()
		if d.State != meetings.Planned || len(d.Agenda) != 2 || d.Agenda[1].Seq != 2 {
			t.Fatalf("created %+v", d.Meeting)
		}
		// 12 households of unit 3 in one step, and two accounts.
		if d.InvitedHouseholds != 12 || d.InvitedAccounts != 2 || len(d.Invitees) != 14 {
			t.Fatalf("invited %d households, %d accounts, %d invitees", d.InvitedHouseholds, d.InvitedAccounts, len(d.Invitees))
		}
		// The invitation reached the unit head, and the resident through
		// the household.
		for _, u := range []string{"unit", "resident", "grid1"} {
			if n := f.count(`SELECT COUNT(*) FROM notifications WHERE account_id = ? AND kind = 'meeting_invite' AND ref_kind = 'meeting' AND ref_id = ?`, f.a(u).AccountID, d.ID); n != 1 {
				t.Errorf("%s has %d invitations", u, n)
			}
		}
		// Inviting the unit again adds nobody.
		again, err := f.svc.Invite(ctx, staff, d.ID, meetings.InviteInput{NodeIDs: []int64{f.unit3().ID}})
		if err != nil || len(again) != 0 {
			t.Fatalf("invite again: %v %v", again, err)
		}
		// The project links to the meeting.
		items, err := f.links.Items(ctx, staff, links.Ref{Kind: links.KindProject, ID: 77})
		if err != nil || len(items) != 1 || items[0].Ref.ID != d.ID || items[0].Rel != "meeting" || items[0].URL == "" {
			t.Fatalf("project links %+v %v", items, err)
		}

		// Minutes, decisions and actions wait for the meeting to be held.
		if _, err := f.svc.RecordMinutes(ctx, staff, d.ID, meetings.MinutesInput{Minutes: "x", Recorder: "柴晓燕"}); code(err) != linli.EConflict {
			t.Errorf("minutes before held: %v", err)
		}
		if _, err := f.svc.AddDecision(ctx, staff, d.ID, meetings.DecisionInput{Text: "x"}); code(err) != linli.EConflict {
			t.Errorf("decision before held: %v", err)
		}
		if _, err := f.svc.Hold(ctx, staff, d.ID); code(err) != linli.EConflict {
			t.Errorf("held before it started: %v", err)
		}
		// Self sign-in opens 30 minutes before the start.
		resident := f.a("resident")
		if _, err := f.svc.CheckIn(ctx, resident, d.ID); code(err) != linli.EConflict {
			t.Errorf("check-in two days early: %v", err)
		}
		f.clock.Set(d.StartsAt.Add(-20 * time.Minute))
		t1, err := f.svc.CheckIn(ctx, resident, d.ID)
		if err != nil || t1.HouseholdID != f.household("resident") || !t1.Self || t1.Household == "" {
			t.Fatalf("resident checks in: %+v %v", t1, err)
		}
		if t2, err := f.svc.CheckIn(ctx, resident, d.ID); err != nil || t2.ID != t1.ID {
			t.Errorf("checking in twice: %+v %v, want the first sign-in", t2, err)
		}
		if _, err := f.svc.CheckIn(ctx, f.a("rep"), d.ID); code(err) != linli.EForbidden {
			t.Errorf("the estate's representative, not invited, checks in: %v, want 403", err)
		}
		if _, err := f.svc.CheckIn(ctx, f.a("jxresident"), d.ID); code(err) != linli.ENotFound {
			t.Errorf("a resident of another community checks in: %v, want 404", err)
		}
		// Staff sign in an invited account and a walk-in; an uninvited
		// account is refused with the field.
		if _, err := f.svc.SignIn(ctx, f.a("grid1"), d.ID, meetings.SignInInput{AccountID: f.a("unit").AccountID}); err != nil {
			t.Fatalf("grid worker signs the unit head in: %v", err)
		}
		if _, err := f.svc.SignIn(ctx, staff, d.ID, meetings.SignInInput{Name: "吉永强"}); err != nil {
			t.Fatalf("walk-in: %v", err)
		}
		if _, err := f.svc.SignIn(ctx, staff, d.ID, meetings.SignInInput{AccountID: f.a("street").AccountID}); !hasField(err, "account_id") {
			t.Errorf("uninvited account signed in: %v", err)
		}
		if _, err := f.svc.SignIn(ctx, f.a("property"), d.ID, meetings.SignInInput{Name: "x"}); code(err) != linli.EForbidden {
			t.Errorf("property company signs people in: %v, want 403", err)
		}

		f.held(d)
		if _, err := f.svc.Cancel(ctx, staff, d.ID, meetings.CancelInput{Reason: "改期"}); code(err) != linli.EConflict {
			t.Errorf("cancel a held meeting: %v", err)
		}
		if _, err := f.svc.PublishMinutes(ctx, staff, d.ID); !hasField(err, "minutes") {
			t.Errorf("publish without minutes: %v", err)
		}
		if _, err := f.svc.RecordMinutes(ctx, staff, d.ID, meetings.MinutesInput{Minutes: "  韩素芬通报方案。\n\n\n 3-102住户担心采光。 ", Recorder: "柴晓燕"}); err != nil {
			t.Fatal(err)
		}
		n := 9
		zero := 0
		dec, err := f.svc.AddDecision(ctx, staff, d.ID, meetings.DecisionInput{Text: "同意按方案推进", For: &n, Against: &zero})
		if err != nil || dec.Seq != 1 || !dec.HasVotes || dec.For != 9 {
			t.Fatalf("decision %+v %v", dec, err)
		}
		if dec2, err := f.svc.AddDecision(ctx, staff, d.ID, meetings.DecisionInput{Text: "两周后再开一次"}); err != nil || dec2.Seq != 2 || dec2.HasVotes {
			t.Fatalf("decision without votes %+v %v", dec2, err)
		}
		// Published: attendees are told; the resident now sees the minutes.
		view, err := f.svc.Get(ctx, resident, d.ID)
		if err != nil || view.SeeMinutes || view.Minutes != "" || len(view.Decisions) != 0 || len(view.Invitees) != 0 {
			t.Fatalf("resident sees unpublished minutes or the invitee list: %+v %v", view, err)
		}
		if _, err := f.svc.PublishMinutes(ctx, staff, d.ID); err != nil {
			t.Fatal(err)
		}
		view, err = f.svc.Get(ctx, resident, d.ID)
		if err != nil || !view.SeeMinutes || view.Minutes != "韩素芬通报方案。\n\n3-102住户担心采光。" || len(view.Decisions) != 2 || !view.CheckedIn {
			t.Fatalf("resident after publication: %q %+v %v", view.Minutes, view.Decisions, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM notifications WHERE kind = 'meeting_minutes' AND ref_id = ? AND account_id IN (?, ?)`, d.ID, resident.AccountID, f.a("unit").AccountID); n != 2 {
			t.Errorf("%d attendees told of the minutes, want 2", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM notifications WHERE kind = 'meeting_minutes' AND ref_id = ? AND account_id = ?`, d.ID, f.a("grid1").AccountID); n != 0 {
			t.Errorf("an invitee who did not attend was told of the minutes")
		}
		if _, err := f.svc.SignIn(ctx, staff, d.ID, meetings.SignInInput{Name: "迟到者"}); code(err) != linli.EConflict {
			t.Errorf("sign-in after publication: %v", err)
		}
		if _, err := f.svc.RecordMinutes(ctx, staff, d.ID, meetings.MinutesInput{Minutes: "改写", Recorder: "x"}); code(err) != linli.EConflict {
			t.Errorf("rewrite published minutes: %v", err)
		}
		// Every change is audited.
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'meeting' AND entity_id = ?`, d.ID); n < 10 {
			t.Errorf("%d audit entries, want one per change", n)
		}
		full, err := f.svc.Get(ctx, staff, d.ID)
		if err != nil || full.Attended != 3 || len(full.Attendance) != 3 {
			t.Fatalf("attendance %d %+v %v", full.Attended, full.Attendance, err)
		}
	})
}

func TestMeetingCancelAndSignInToCancelled(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		d := f.meeting()
		if _, err := f.svc.Cancel(f.ctx, f.a("xueyuan"), d.ID, meetings.CancelInput{}); !hasField(err, "reason") {
			t.Errorf("cancel without a reason: %v", err)
		}
		m, err := f.svc.Cancel(f.ctx, f.a("xueyuan"), d.ID, meetings.CancelInput{Reason: "设计方案未定，改期"})
		if err != nil || m.State != meetings.Cancelled {
			t.Fatalf("cancel: %+v %v", m, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM notifications WHERE kind = 'meeting_cancelled' AND ref_id = ? AND account_id = ?`, d.ID, f.a("resident").AccountID); n != 1 {
			t.Errorf("the invited resident was not told of the cancellation")
		}
		f.clock.Set(d.StartsAt)
		if _, err := f.svc.CheckIn(f.ctx, f.a("resident"), d.ID); code(err) != linli.EConflict {
			t.Errorf("check-in to a cancelled meeting: %v", err)
		}
		if _, err := f.svc.SignIn(f.ctx, f.a("xueyuan"), d.ID, meetings.SignInInput{Name: "张三"}); code(err) != linli.EConflict {
			t.Errorf("sign-in to a cancelled meeting: %v", err)
		}
		if _, err := f.svc.Hold(f.ctx, f.a("xueyuan"), d.ID); code(err) != linli.EConflict {
			t.Errorf("hold a cancelled meeting: %v", err)
		}
		l, err := f.svc.List(f.ctx, f.a("xueyuan"), meetings.ListFilter{})
		if err != nil || len(l.Upcoming) != 0 || len(l.Past) != 1 {
			t.Errorf("a cancelled meeting is past: %+v %v", l, err)
		}
	})
}

func TestMeetingActionToCaseExactlyOnce(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, staff := f.ctx, f.a("xueyuan")
		d := f.meeting()
		f.held(d)
		act, err := f.svc.AddAction(ctx, staff, d.ID, meetings.ActionInput{Title: "清理3单元楼道堆放杂物，腾出施工通道", OwnerName: "荟安物业", Due: "2026-03-20"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ToCase(ctx, staff, d.ID, act.ID, meetings.CaseInput{Category: "no_such_category"}); err == nil {
			t.Fatal("a case with an unknown category")
		}
		first, err := f.svc.ToCase(ctx, staff, d.ID, act.ID, meetings.CaseInput{Category: "public_facility"})
		if err != nil || first.CaseID == 0 || first.State != meetings.ActionCase || first.Case == nil || first.Case.URL == "" {
			t.Fatalf("to case: %+v %v", first, err)
		}
		second, err := f.svc.ToCase(ctx, staff, d.ID, act.ID, meetings.CaseInput{Category: "public_facility"})
		if err != nil || second.CaseID != first.CaseID {
			t.Fatalf("second call: %+v %v, want case %d again", second, err, first.CaseID)
		}
		ref := "meeting:" + itoa(d.ID)
		if n := f.count(`SELECT COUNT(*) FROM cases WHERE source = 'meeting' AND source_ref = ?`, ref); n != 1 {
			t.Fatalf("%d cases for the action, want 1", n)
		}
		c, err := f.cases.Get(ctx, staff, first.CaseID)
		if err != nil || c.Source != cases.SourceMeeting || c.LocationID != f.unit3().ID || c.Title != act.Title {
			t.Fatalf("case %+v %v", c, err)
		}
		// Links both ways: the meeting lists the case, the case the meeting.
		out, err := f.links.Items(ctx, staff, links.Ref{Kind: links.KindMeeting, ID: d.ID})
		if err != nil {
			t.Fatal(err)
		}
		var sawCase bool
		for _, it := range out {
			if it.Ref == (links.Ref{Kind: links.KindCase, ID: c.ID}) && it.Rel == "action" && it.Out {
				sawCase = true
			}
		}
		if !sawCase {
			t.Errorf("meeting links %+v lack the case", out)
		}
		back, err := f.links.Items(ctx, staff, links.Ref{Kind: links.KindCase, ID: c.ID})
		if err != nil || len(back) != 1 || back[0].Ref.ID != d.ID || back[0].URL != "/meetings/"+itoa(d.ID) || back[0].Out {
			t.Fatalf("case links %+v %v", back, err)
		}
		det, err := f.svc.Get(ctx, staff, d.ID)
		if err != nil || len(det.Actions) != 1 || det.Actions[0].Case == nil || det.Actions[0].Case.State == "" {
			t.Fatalf("meeting page action %+v %v", det.Actions, err)
		}
		// A task turned into a case is closed with the case.
		if _, err := f.svc.CompleteAction(ctx, staff, d.ID, act.ID, meetings.DoneInput{Note: "done"}); code(err) != linli.EConflict {
			t.Errorf("complete a case action: %v", err)
		}

		// An attempt that stopped after Open committed: the retry adopts
		// the case it opened instead of opening a second one.
		act2, err := f.svc.AddAction(ctx, staff, d.ID, meetings.ActionInput{Title: "3单元单元门禁损坏报修", OwnerName: "荟安物业", Due: "2026-03-15"})
		if err != nil {
			t.Fatal(err)
		}
		orphan, err := f.cases.Open(ctx, staff, cases.NewCase{Category: "public_facility", Title: act2.Title, Source: cases.SourceMeeting, SourceRef: ref,
			LocationID: f.unit3().ID, IdempotencyKey: "meeting:" + itoa(d.ID) + "/action:" + itoa(act2.ID)})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE meeting_actions SET claim_at = ?, claim_by = ? WHERE id = ?`, storage.Millis(f.clock.Now()), staff.AccountID, act2.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ToCase(ctx, f.a("street"), d.ID, act2.ID, meetings.CaseInput{Category: "public_facility"}); code(err) != linli.EConflict {
			t.Errorf("a conversion in flight: %v, want 409", err)
		}
		f.clock.Advance(3 * time.Minute)
		got, err := f.svc.ToCase(ctx, f.a("street"), d.ID, act2.ID, meetings.CaseInput{Category: "public_facility"})
		if err != nil || got.CaseID != orphan.ID {
			t.Fatalf("retry after an interrupted attempt: %+v %v, want case %d", got, err, orphan.ID)
		}
		if n := f.count(`SELECT COUNT(*) FROM cases WHERE source = 'meeting' AND source_ref = ?`, ref); n != 2 {
			t.Fatalf("%d cases for two actions, want 2", n)
		}
	})
}

func TestMeetingTaskDoneAndOverdue(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, staff := f.ctx, f.a("xueyuan")
		d := f.meeting()
		f.held(d)
		if _, err := f.svc.AddAction(ctx, staff, d.ID, meetings.ActionInput{Title: "x", OwnerName: "物业", Due: "2026-03-11"}); !hasField(err, "due") {
			t.Errorf("due before the meeting: %v", err)
		}
		if _, err := f.svc.AddAction(ctx, staff, d.ID, meetings.ActionInput{Title: "x", Due: "2026-03-13"}); !hasField(err, "owner") {
			t.Errorf("no owner: %v", err)
		}
		act, err := f.svc.AddAction(ctx, staff, d.ID, meetings.ActionInput{Title: "入户向3-102住户展示日照分析图", OwnerAccountID: f.a("grid1").AccountID, Due: "2026-03-16"})
		if err != nil || act.Owner == "" || act.Overdue {
			t.Fatalf("action %+v %v", act, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM notifications WHERE kind = 'meeting_action' AND account_id = ?`, f.a("grid1").AccountID); n != 1 {
			t.Errorf("the owner was not told")
		}
		get := func() meetings.Action {
			t.Helper()
			a, err := f.svc.Action(ctx, staff, d.ID, act.ID)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		f.clock.Set(cst(t, 2026, time.March, 16, 23, 59))
		if get().Overdue {
			t.Error("overdue on its due day")
		}
		f.clock.Set(cst(t, 2026, time.March, 17, 0, 0))
		if !get().Overdue {
			t.Error("not overdue the day after")
		}
		det, _ := f.svc.Get(ctx, staff, d.ID)
		if len(det.Actions) != 1 || !det.Actions[0].Overdue {
			t.Errorf("the meeting page does not show the overdue task: %+v", det.Actions)
		}
		if _, err := f.svc.CompleteAction(ctx, f.a("unit"), d.ID, act.ID, meetings.DoneInput{Note: "x"}); code(err) != linli.EForbidden {
			t.Errorf("an invitee who is not the owner completes it: %v", err)
		}
		if _, err := f.svc.CompleteAction(ctx, f.a("grid1"), d.ID, act.ID, meetings.DoneInput{}); !hasField(err, "note") {
			t.Errorf("done without a note: %v", err)
		}
		done, err := f.svc.CompleteAction(ctx, f.a("grid1"), d.ID, act.ID, meetings.DoneInput{Note: "已入户展示，住户表示理解"})
		if err != nil || done.State != meetings.ActionDone || done.DoneAt.IsZero() || done.Overdue {
			t.Fatalf("done %+v %v", done, err)
		}
		if g := get(); g.Overdue || g.State != meetings.ActionDone || g.DoneNote == "" {
			t.Errorf("after done: %+v", g)
		}
		if _, err := f.svc.CompleteAction(ctx, staff, d.ID, act.ID, meetings.DoneInput{Note: "again"}); code(err) != linli.EConflict {
			t.Errorf("done twice: %v", err)
		}
		if _, err := f.svc.ToCase(ctx, staff, d.ID, act.ID, meetings.CaseInput{Category: "other"}); code(err) != linli.EConflict {
			t.Errorf("a done task becomes a case: %v", err)
		}
	})
}

func TestMeetingScope(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := f.ctx
		d := f.meeting()
		// Another community's staff and resident: 404, and not listed.
		for _, u := range []string{"jixiang", "jxresident"} {
			if _, err := f.svc.Get(ctx, f.a(u), d.ID); code(err) != linli.ENotFound {
				t.Errorf("%s reads the meeting: %v, want 404", u, err)
			}
		}
		if l, err := f.svc.List(ctx, f.a("jixiang"), meetings.ListFilter{}); err != nil || len(l.Upcoming)+len(l.Past) != 0 {
			t.Errorf("jixiang lists %+v %v", l, err)
		}
		if _, err := f.svc.Hold(ctx, f.a("jixiang"), d.ID); code(err) != linli.ENotFound {
			t.Errorf("jixiang holds it: %v, want 404", err)
		}
		// The grid worker reads the scope but does not run meetings: 403.
		if _, err := f.svc.Get(ctx, f.a("grid1"), d.ID); err != nil {
			t.Errorf("grid worker reads: %v", err)
		}
		if _, err := f.svc.AddAgendaItem(ctx, f.a("grid1"), d.ID, meetings.AgendaInput{Title: "x"}); code(err) != linli.EForbidden {
			t.Errorf("grid worker changes the agenda: %v, want 403", err)
		}
		// The invited resident sees it in the list, without the names.
		l, err := f.svc.List(ctx, f.a("resident"), meetings.ListFilter{})
		if err != nil || len(l.Upcoming) != 1 || l.Upcoming[0].ID != d.ID {
			t.Fatalf("resident's list %+v %v", l, err)
		}
		// Creating out of scope is refused; in scope with bad input 422.
		jx := f.node("运城市", "盐湖区", "东城街道", "吉祥社区")
		in := meetings.MeetingInput{Title: "x", ScopeID: jx.ID, StartsAt: d.StartsAt, EndsAt: d.EndsAt, Place: "x", Host: "x"}
		// A place the actor cannot see is answered like an unknown one.
		if _, err := f.svc.Create(ctx, f.a("xueyuan"), in); code(err) != linli.EInvalid || !hasField(err, "scope_id") {
			t.Errorf("create in another community: %v", err)
		}
		in.ScopeID = f.unit3().ID
		in.EndsAt = in.StartsAt.Add(-time.Hour)
		in.Agenda = []string{"ok", " "}
		_, err = f.svc.Create(ctx, f.a("xueyuan"), in)
		if !hasField(err, "ends_at") || !hasField(err, "agenda[1]") {
			t.Errorf("bad input: %v %v", err, linli.ErrorFields(err))
		}
		if _, err := f.svc.Invite(ctx, f.a("xueyuan"), d.ID, meetings.InviteInput{NodeIDs: []int64{jx.ID}}); !hasField(err, "node_ids[0]") {
			t.Errorf("invite another community's households: %v", err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The demo records meetings as the system (no account): every step works
// without an account id, and the action still becomes one case only.
func TestMeetingSystemActor(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, sys := f.ctx, linli.System()
		d, err := f.svc.Create(ctx, sys, meetings.MeetingInput{Title: "加装电梯议事会", Kind: meetings.KindCouncil, ScopeID: f.unit3().ID,
			StartsAt: cst(t, 2026, time.March, 12, 19, 30), EndsAt: cst(t, 2026, time.March, 12, 21, 0), Place: "会议室", Host: "韩素芬",
			Invite: &meetings.InviteInput{HouseholdIDs: []int64{f.household("resident")}}})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(d.StartsAt)
		if _, err := f.svc.Hold(ctx, sys, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SignIn(ctx, sys, d.ID, meetings.SignInInput{HouseholdID: f.household("resident"), Name: "住户代表"}); err != nil {
			t.Fatal(err)
		}
		act, err := f.svc.AddAction(ctx, sys, d.ID, meetings.ActionInput{Title: "清理楼道", OwnerName: "荟安物业", Due: "2026-03-13"})
		if err != nil {
			t.Fatal(err)
		}
		c1, err := f.svc.ToCase(ctx, sys, d.ID, act.ID, meetings.CaseInput{Category: "sanitation"})
		if err != nil {
			t.Fatal(err)
		}
		c2, err := f.svc.ToCase(ctx, sys, d.ID, act.ID, meetings.CaseInput{Category: "sanitation"})
		if err != nil || c2.CaseID != c1.CaseID {
			t.Fatalf("second call %+v %v", c2, err)
		}
		if _, err := f.svc.RecordMinutes(ctx, sys, d.ID, meetings.MinutesInput{Minutes: "议定清理楼道。", Recorder: "柴晓燕"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.PublishMinutes(ctx, sys, d.ID); err != nil {
			t.Fatal(err)
		}
		if n := f.count(`SELECT COUNT(*) FROM notifications WHERE kind = 'meeting_minutes' AND ref_id = ? AND account_id = ?`, d.ID, f.a("resident").AccountID); n != 1 {
			t.Errorf("the resident of the household that attended was not told of the minutes")
		}
	})
}

func TestMeetingSubjectMustExistAndBeVisible(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		in := func(subject links.Ref) meetings.MeetingInput {
			return meetings.MeetingInput{Title: "3单元加装电梯协调会", Kind: meetings.KindCoordination, ScopeID: f.unit3().ID, Subject: &subject,
				StartsAt: cst(f.t, 2026, time.March, 12, 19, 30), EndsAt: cst(f.t, 2026, time.March, 12, 21, 0), Place: "党群服务中心", Host: "韩素芬"}
		}
		for _, tc := range []struct {
			name    string
			subject links.Ref
		}{
			{"a project that does not exist", links.Ref{Kind: links.KindProject, ID: 99999}},
			{"another community's project", links.Ref{Kind: links.KindProject, ID: 78}},
			{"a case that does not exist", links.Ref{Kind: links.KindCase, ID: 99999}},
			{"a vote nothing can vouch for", links.Ref{Kind: links.KindVote, ID: 1}},
		} {
			_, err := f.svc.Create(f.ctx, f.a("xueyuan"), in(tc.subject))
			if code(err) != linli.EInvalid || !hasField(err, "subject") {
				t.Errorf("%s: %v %v, want 422 naming subject", tc.name, err, linli.ErrorFields(err))
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM meetings`); n != 0 {
			t.Errorf("%d refused meetings stored", n)
		}
		// Another community's staff is told first that the place is
		// unknown (422 naming scope_id, as for a place that does not exist).
		if _, err := f.svc.Create(f.ctx, f.a("jixiang"), in(links.Ref{Kind: links.KindProject, ID: 99999})); code(err) != linli.EInvalid || !hasField(err, "scope_id") {
			t.Errorf("jixiang calls a Huicui meeting: %v", err)
		}
		if _, err := f.svc.Create(f.ctx, f.a("xueyuan"), in(links.Ref{Kind: links.KindProject, ID: 77})); err != nil {
			t.Errorf("the community's own project: %v %v", err, linli.ErrorFields(err))
		}
	})
}
