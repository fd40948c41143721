package cases_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/cases"
	"linli/jobs"
	"linli/storage"
	"linli/storage/storagetest"
)

// hasEvent reports whether the staff timeline of the case holds an event
// with this action.
func (f *fixture) hasEvent(id int64, action string) bool {
	f.t.Helper()
	return slices.Contains(f.actions("xueyuan", id), action)
}

// TestOverdueAcrossHolidaysEscalates is the case loop's acceptance test: a
// water leak dispatched the Thursday before 中秋 (Sep 25–27) and National
// Day (Oct 1–7) falls due only after both, goes overdue, escalates along
// its chain community → street → department:housing as each level lets its
// 30 minutes lapse, and stops escalating once the department reports in.
func TestOverdueAcrossHolidaysEscalates(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		// The 2026 notice as the deadline below relies on it.
		for _, d := range []struct {
			day  time.Time
			work bool
		}{
			{cst(t, 2026, 9, 20, 12, 0), true}, // Sunday, make-up working day
			{cst(t, 2026, 9, 24, 12, 0), true},
			{cst(t, 2026, 9, 25, 12, 0), false}, // Friday, 中秋
			{cst(t, 2026, 9, 28, 12, 0), true},
			{cst(t, 2026, 10, 1, 12, 0), false},
			{cst(t, 2026, 10, 7, 12, 0), false},
			{cst(t, 2026, 10, 8, 12, 0), true},
			{cst(t, 2026, 10, 10, 12, 0), true}, // Saturday, make-up working day
		} {
			if got := f.cal.IsWorkday(d.day); got != d.work {
				t.Fatalf("calendar: %s worked = %v, want %v", d.day.Format("2006-01-02"), got, d.work)
			}
		}

		f.clock.Set(cst(t, 2026, 9, 24, 9, 0))
		c := f.leak("resident")
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActAccept})
		f.clock.Set(cst(t, 2026, 9, 24, 10, 0))
		c = f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActDispatch})

		// Response, 4 working hours: 10:00–12:00 and 13:30–15:30 on the 24th.
		// Resolution, 5 working days counted from the next working day
		// (dispatch was during working hours): Fri 25th–Sun 27th off, Mon 28
		// (1), Tue 29 (2), Wed 30 (3), Oct 1–7 off, Thu Oct 8 (4), Fri Oct 9
		// (5) → Oct 9 17:30. Without the holidays it would be Thu Oct 1.
		respDue, resDue := cst(t, 2026, 9, 24, 15, 30), cst(t, 2026, 10, 9, 17, 30)
		if !c.ResponseDue.Equal(respDue) {
			t.Errorf("response due %v, want %v", c.ResponseDue.In(f.zone), respDue)
		}
		if !c.ResolveDue.Equal(resDue) {
			t.Fatalf("resolve due %v, want %v", c.ResolveDue.In(f.zone), resDue)
		}

		// Nobody acknowledges within 4 working hours.
		f.clock.Set(respDue.Add(-time.Minute))
		f.runDue()
		if f.hasEvent(c.ID, "response_overdue") {
			t.Fatal("response_overdue a minute before the response deadline")
		}
		f.clock.Set(respDue.Add(time.Minute))
		if n := f.runDue(); n != 1 {
			t.Errorf("%d jobs ran at the response deadline, want 1", n)
		}
		if !f.hasEvent(c.ID, "response_overdue") {
			t.Fatal("no response_overdue event after the response deadline")
		}
		if slices.Contains(f.actions("resident", c.ID), "response_overdue") {
			t.Error("the reporter sees the internal response_overdue event")
		}
		if !f.notified("grid1", c.ID, "响应超时") || !f.notified("xueyuan", c.ID, "响应超时") {
			t.Error("assignee and staff not told of the missed response")
		}
		f.advance(10 * time.Minute)
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		if st := f.stats(c.CommunityID); st["responded"] != 1 || st["responded_on_time"] != 0 {
			t.Errorf("responded %d on time %d, want 1 0", st["responded"], st["responded_on_time"])
		}
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActStart})

		// Through both holidays, a minute before the deadline: warned, not overdue.
		f.clock.Set(resDue.Add(-time.Minute))
		f.runDue()
		c = f.get(c.ID)
		if c.Overdue || c.EscalationLevel != 0 || len(f.whistles(c.ID)) != 0 {
			t.Fatalf("a minute before the deadline: overdue=%v level %d whistles %d", c.Overdue, c.EscalationLevel, len(f.whistles(c.ID)))
		}
		if !c.Warned || !f.hasEvent(c.ID, "warning") || !f.notified("grid1", c.ID, "即将超时") {
			t.Errorf("no warning in the last quarter of the time (warned=%v)", c.Warned)
		}

		// A minute after: overdue, and the whistle blows to the community.
		xueyuan, street := f.node(pXueyuan...), f.node("运城市", "盐湖区", "东城街道")
		f.clock.Set(resDue.Add(time.Minute))
		f.runDue()
		c = f.get(c.ID)
		if !c.Overdue || c.EscalationLevel != 1 || !f.hasEvent(c.ID, "overdue") {
			t.Fatalf("after the deadline: overdue=%v level %d", c.Overdue, c.EscalationLevel)
		}
		type call struct {
			kind   string
			id     int64
			level  int
			called time.Time
		}
		wantCalls := []call{{cases.AssignCommunity, xueyuan.ID, 1, resDue.Add(time.Minute)}}
		check := func(step string, lapsed, acked int) []cases.Whistle {
			t.Helper()
			ws := f.whistles(c.ID)
			if len(ws) != len(wantCalls) {
				t.Fatalf("%s: %d whistles %+v, want %d", step, len(ws), ws, len(wantCalls))
			}
			for i, w := range ws {
				want := wantCalls[i]
				if w.TargetKind != want.kind || w.TargetID != want.id || w.Level != want.level || !w.Automatic ||
					!w.CalledAt.Equal(want.called) || !w.AckDue.Equal(want.called.Add(30*time.Minute)) {
					t.Errorf("%s: whistle %d = %+v, want %+v due 30 minutes after the call", step, i, w, want)
				}
				if got := !w.LapsedAt.IsZero(); got != (i < lapsed) {
					t.Errorf("%s: whistle %d (%s) lapsed=%v, want %v", step, i, w.TargetName, got, i < lapsed)
				}
				if got := !w.AckedAt.IsZero(); got != (i >= len(ws)-acked) {
					t.Errorf("%s: whistle %d (%s) acked=%v", step, i, w.TargetName, got)
				}
			}
			return ws
		}
		check("overdue", 0, 0)
		if !f.notified("xueyuan", c.ID, "吹哨报到") {
			t.Error("community staff not called in")
		}

		// The community lets its 30 minutes lapse: recorded, on to the street.
		f.advance(31 * time.Minute)
		f.runDue()
		wantCalls = append(wantCalls, call{"street", street.ID, 2, f.clock.Now()})
		check("community lapsed", 1, 0)
		if !f.hasEvent(c.ID, "report_in_lapsed") {
			t.Error("no report_in_lapsed event")
		}
		if !f.notified("street", c.ID, "吹哨报到") {
			t.Error("street staff not called in")
		}

		// The street lapses too: on to the housing department.
		f.advance(31 * time.Minute)
		f.runDue()
		wantCalls = append(wantCalls, call{cases.AssignDepartment, f.housing.ID, 3, f.clock.Now()})
		ws := check("street lapsed", 2, 0)
		if c = f.get(c.ID); c.EscalationLevel != 3 {
			t.Errorf("escalation level %d, want 3", c.EscalationLevel)
		}
		if !f.notified("dept", c.ID, "吹哨报到") {
			t.Error("department not called in")
		}
		var lapses int
		evs, _ := f.svc.Timeline(f.ctx, f.actor("xueyuan"), c.ID)
		for _, e := range evs {
			if e.Action == "report_in_lapsed" {
				lapses++
			}
		}
		if lapses != 2 {
			t.Errorf("%d report_in_lapsed events, want 2", lapses)
		}

		// Only those called in may report in to a whistle.
		wantCode(t, "community reports in for the department", f.actErr("xueyuan", c.ID,
			cases.ActionInput{Action: cases.ActReportIn, WhistleID: ws[2].ID}), linli.EForbidden)
		// The department reports in within its limit.
		f.advance(10 * time.Minute)
		f.act("dept", c.ID, cases.ActionInput{Action: cases.ActReportIn, WhistleID: ws[2].ID})
		ws = check("department reported in", 2, 1)
		if ws[2].AckedBy != f.actor("dept").AccountID {
			t.Errorf("acked by %d, want dept", ws[2].AckedBy)
		}
		if !slices.Contains(f.actions("resident", c.ID), "report_in") {
			t.Error("the reporter does not see the department report in")
		}
		wantCode(t, "report in twice", f.actErr("dept", c.ID, cases.ActionInput{Action: cases.ActReportIn, WhistleID: ws[2].ID}), linli.EConflict)
		if _, ok, _ := jobs.Pending(f.ctx, db, "case.whistle_ack", itoa(ws[2].ID)); ok {
			t.Error("the department's report-in timer is still pending")
		}

		// Nothing more escalates.
		f.advance(2 * time.Hour)
		f.runDue()
		check("two hours later", 2, 1)
		if c = f.get(c.ID); c.EscalationLevel != 3 || f.hasEvent(c.ID, "escalation_exhausted") {
			t.Errorf("escalated on after the department reported in: level %d", c.EscalationLevel)
		}

		// The community reports in late: accepted, marked late.
		f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActReportIn})
		evs, _ = f.svc.Timeline(f.ctx, f.actor("xueyuan"), c.ID)
		if last := evs[len(evs)-1]; last.Action != "report_in" || !strings.Contains(last.Note, "已超时") {
			t.Errorf("late report-in recorded as %+v", last)
		}
		if st := f.stats(c.CommunityID); st["escalated"] != 3 {
			t.Errorf("escalated = %d, want 3", st["escalated"])
		}
	})
}

// TestManualWhistleLapses: a whistle blown by hand to a department nobody
// staffs lapses after its 30 minutes; the lapse is recorded and, like an
// automatic one, moves the case up its escalation chain.
func TestManualWhistleLapses(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c := f.dispatched("resident", "xueyuan")
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge})

		for _, tc := range []struct {
			name    string
			who     string
			targets []string
			code    string
		}{
			{"no target", "grid1", nil, linli.EInvalid},
			{"unknown level", "grid1", []string{"city"}, linli.EInvalid},
			{"unknown department", "grid1", []string{"department:nosuch"}, linli.EInvalid},
			{"reporter", "resident", []string{"community"}, linli.EForbidden},
			{"other community's grid", "jxgrid", []string{"community"}, linli.ENotFound},
		} {
			wantCode(t, tc.name, f.actErr(tc.who, c.ID, cases.ActionInput{Action: cases.ActWhistle, Targets: tc.targets, Reason: "x"}), tc.code)
		}
		if n := len(f.whistles(c.ID)); n != 0 {
			t.Fatalf("refused whistles left %d rows", n)
		}

		called := f.clock.Now()
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActWhistle, Targets: []string{"department:emergency"}, Reason: "疑似燃气管道受潮，需应急部门评估"})
		ws := f.whistles(c.ID)
		if len(ws) != 1 || ws[0].TargetKind != cases.AssignDepartment || ws[0].TargetID != f.emergency.ID || ws[0].Automatic || ws[0].Level != 0 ||
			!ws[0].AckDue.Equal(called.Add(30*time.Minute)) {
			t.Fatalf("whistles %+v, want one manual whistle to emergency due %v", ws, called.Add(30*time.Minute))
		}
		if !f.hasEvent(c.ID, "whistle") {
			t.Error("no whistle event")
		}
		wantCode(t, "grid worker reports in for the department", f.actErr("grid1", c.ID,
			cases.ActionInput{Action: cases.ActReportIn, WhistleID: ws[0].ID}), linli.EForbidden)

		f.advance(29 * time.Minute)
		f.runDue()
		if ws = f.whistles(c.ID); !ws[0].LapsedAt.IsZero() {
			t.Fatal("lapsed before its 30 minutes")
		}
		f.advance(2 * time.Minute)
		f.runDue()
		ws = f.whistles(c.ID)
		if ws[0].LapsedAt.IsZero() || !ws[0].AckedAt.IsZero() {
			t.Fatalf("emergency whistle %+v, want lapsed and not acked", ws[0])
		}
		evs, err := f.svc.Timeline(f.ctx, f.actor("xueyuan"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var lapse *cases.Event
		for i := range evs {
			if evs[i].Action == "report_in_lapsed" {
				lapse = &evs[i]
			}
		}
		if lapse == nil || !strings.Contains(lapse.Note, "盐湖区应急管理局") || !strings.Contains(lapse.Data, itoa(ws[0].ID)) {
			t.Fatalf("lapse event %+v, want one naming the department and the whistle", lapse)
		}
		// The lapse escalates the case to the first level of its chain.
		if c = f.get(c.ID); c.EscalationLevel != 1 || len(ws) != 2 || ws[1].TargetKind != cases.AssignCommunity || !ws[1].Automatic {
			t.Errorf("after the lapse: level %d, whistles %+v; want level 1 and the community called in", c.EscalationLevel, ws)
		}
		if c.State != cases.Acknowledged {
			t.Errorf("a lapse changed the state to %s", c.State)
		}

		// Nobody reports in: the chain runs out (community, street,
		// department:housing) and the end is recorded, not overrun.
		for range 3 {
			f.advance(31 * time.Minute)
			f.runDue()
		}
		ws = f.whistles(c.ID)
		if c = f.get(c.ID); c.EscalationLevel != 3 || len(ws) != 4 || ws[3].TargetKind != cases.AssignDepartment || ws[3].TargetID != f.housing.ID {
			t.Fatalf("after every level lapsed: level %d, whistles %+v", c.EscalationLevel, ws)
		}
		for i, w := range ws {
			if w.LapsedAt.IsZero() {
				t.Errorf("whistle %d to %s not lapsed", i, w.TargetName)
			}
		}
		if !f.hasEvent(c.ID, "escalation_exhausted") {
			t.Error("no escalation_exhausted event when the chain ran out")
		}
		if _, ok, _ := jobs.Pending(f.ctx, db, "case.whistle_ack", itoa(ws[3].ID)); ok {
			t.Error("a report-in timer is still pending after the chain ran out")
		}
	})
}

func TestExtension(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		// Dispatched Tue 10 March 09:00 → due Tue 17 March 17:30.
		c := f.dispatched("resident", "xueyuan")
		oldDue := cst(t, 2026, 3, 17, 17, 30)
		if !c.ResolveDue.Equal(oldDue) {
			t.Fatalf("resolve due %v, want %v", c.ResolveDue.In(f.zone), oldDue)
		}
		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActAcknowledge})
		newDue := cst(t, 2026, 3, 24, 17, 30)

		for _, tc := range []struct {
			name string
			who  string
			in   cases.ActionInput
			code string
		}{
			{"no reason", "grid1", cases.ActionInput{NewDue: newDue}, linli.EInvalid},
			{"no new due", "grid1", cases.ActionInput{Reason: "等配件"}, linli.EInvalid},
			{"new due not later", "grid1", cases.ActionInput{NewDue: oldDue, Reason: "等配件"}, linli.EInvalid},
			{"new due earlier", "grid1", cases.ActionInput{NewDue: oldDue.Add(-time.Hour), Reason: "等配件"}, linli.EInvalid},
			{"reporter asks", "resident", cases.ActionInput{NewDue: newDue, Reason: "等配件"}, linli.EForbidden},
			{"other grid asks", "jxgrid", cases.ActionInput{NewDue: newDue, Reason: "等配件"}, linli.ENotFound},
		} {
			tc.in.Action = cases.ActRequestExtension
			wantCode(t, tc.name, f.actErr(tc.who, c.ID, tc.in), tc.code)
		}
		wantCode(t, "decide with nothing pending", f.actErr("xueyuan", c.ID, cases.ActionInput{Action: cases.ActDecideExtension, Approve: true}), linli.EConflict)

		f.act("grid1", c.ID, cases.ActionInput{Action: cases.ActRequestExtension, NewDue: newDue, Reason: "需等待厂家配件到货"})
		if !f.hasEvent(c.ID, "request_extension") || !f.notified("xueyuan", c.ID, "延期申请") {
			t.Error("request not on the timeline or not sent to the staff")
		}
		wantCode(t, "second pending request", f.actErr("grid1", c.ID,
			cases.ActionInput{Action: cases.ActRequestExtension, NewDue: newDue.Add(24 * time.Hour), Reason: "再延"}), linli.EConflict)
		wantCode(t, "grid worker decides", f.actErr("grid1", c.ID, cases.ActionInput{Action: cases.ActDecideExtension, Approve: true}), linli.EForbidden)
		if got := f.get(c.ID); !got.ResolveDue.Equal(oldDue) || got.Extensions != 0 {
			t.Fatalf("the request alone moved the deadline: %v, %d extensions", got.ResolveDue, got.Extensions)
		}

		f.advance(time.Hour)
		c = f.act("xueyuan", c.ID, cases.ActionInput{Action: cases.ActDecideExtension, Approve: true, Note: "同意"})
		if !c.ResolveDue.Equal(newDue) || c.Extensions != 1 {
			t.Fatalf("after approval: due %v, %d extensions; want %v, 1", c.ResolveDue.In(f.zone), c.Extensions, newDue)
		}
		if j, ok, err := jobs.Pending(f.ctx, db, "case.resolve_due", itoa(c.ID)); err != nil || !ok || !j.Due.Equal(newDue) {
			t.Errorf("resolve timer at %v (pending=%v, %v), want %v", j.Due, ok, err, newDue)
		}
		if j, ok, _ := jobs.Pending(f.ctx, db, "case.resolve_warn", itoa(c.ID)); !ok || !j.Due.After(oldDue) || !j.Due.Before(newDue) {
			t.Errorf("warning timer at %v (pending=%v), want between the old and the new deadline", j.Due, ok)
		}
		if !f.notified("grid1", c.ID, "批准延期") {
			t.Error("requester not told of the approval")
		}
		wantCode(t, "decide twice", f.actErr("xueyuan", c.ID, cases.ActionInput{Action: cases.ActDecideExtension, Approve: true}), linli.EConflict)
		// Still inside its (new) limit, the case is in no due cohort yet
		// (it used to be counted as due at once, on its deadline's day).
		if st := f.stats(c.CommunityID); st["extended"] != 1 || st["due"] != 0 {
			t.Errorf("extended %d due %d, want 1 0", st["extended"], st["due"])
		}

		// The old deadline passes quietly; the new one is enforced.
		f.clock.Set(oldDue.Add(time.Minute))
		f.runDue()
		if got := f.get(c.ID); got.Overdue {
			t.Fatal("overdue at the old deadline after an approved extension")
		}
		f.clock.Set(newDue.Add(time.Minute))
		f.runDue()
		if got := f.get(c.ID); !got.Overdue || got.EscalationLevel != 1 {
			t.Errorf("after the new deadline: overdue=%v level %d", got.Overdue, got.EscalationLevel)
		}
		// The case falls due on the new day (结案率 counts by due day), as
		// an extended one.
		f.stats(c.CommunityID) // folds the queued counters
		for day, want := range map[int]int{20260317: 0, 20260324: 1} {
			var due, ext int
			if err := db.QueryRow(f.ctx, `SELECT COALESCE(SUM(due), 0), COALESCE(SUM(due_extended), 0) FROM stats_community_day WHERE period = ? AND community_id = ?`, day, c.CommunityID).Scan(&due, &ext); err != nil || due != want || ext != want {
				t.Errorf("due on %d = %d, extended %d (%v), want %d", day, due, ext, err, want)
			}
		}

		// Nobody approves their own request: staff working a case assigned
		// to the community ask someone else (here the street).
		f.clock.Set(cst(t, 2026, 3, 25, 9, 0))
		own := f.leak("resident")
		f.act("xueyuan", own.ID, cases.ActionInput{Action: cases.ActAccept})
		own = f.act("xueyuan", own.ID, cases.ActionInput{Action: cases.ActDispatch, AssigneeKind: cases.AssignCommunity, AssigneeID: f.node(pXueyuan...).ID})
		f.act("xueyuan", own.ID, cases.ActionInput{Action: cases.ActRequestExtension, NewDue: own.ResolveDue.Add(72 * time.Hour), Reason: "需要街道协调"})
		wantCode(t, "approve own request", f.actErr("xueyuan", own.ID, cases.ActionInput{Action: cases.ActDecideExtension, Approve: true}), linli.EConflict)
		got := f.act("street", own.ID, cases.ActionInput{Action: cases.ActDecideExtension, Approve: false, Note: "请按期办结"})
		if !got.ResolveDue.Equal(own.ResolveDue) || got.Extensions != 0 {
			t.Errorf("a refused extension moved the deadline to %v (%d extensions)", got.ResolveDue, got.Extensions)
		}
		if !f.notified("xueyuan", own.ID, "驳回延期") {
			t.Error("requester not told of the refusal")
		}
	})
}
