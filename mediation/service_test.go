package mediation_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/capability"
	"linli/cases"
	"linli/demo/demotest"
	"linli/jobs"
	"linli/links"
	"linli/mediation"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// fixture is one engine's database with the demo places and accounts, the
// case service, the links registry with both resolvers, the mediation
// service and a jobs runner for its timers, on a fake clock.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	clock  *linli.FakeClock
	zone   *time.Location
	reg    *registry.Service
	cs     *cases.Service
	links  *links.Registry
	svc    *mediation.Service
	runner *jobs.Runner
	actors map[string]*linli.Actor
	h402   int64
	h502   int64
}

func newFixture(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	w := demotest.New(t, db, time.Date(2026, 11, 26, 10, 0, 0, 0, demotest.Beijing))
	zone, clock, reg := w.Zone, w.Clock, w.Registry
	cs := w.Cases
	lr := w.Links
	svc := mediation.New(capability.Deps{DB: db, Clock: clock, Zone: zone, Calendar: cs.WorkingCalendar, Links: lr, Registry: reg, Auth: w.Auth, Cases: cs})
	f := &fixture{t: t, ctx: ctx, db: db, clock: clock, zone: zone, reg: reg, cs: cs, links: lr, svc: svc,
		runner: &jobs.Runner{DB: db, Clock: clock, Handlers: svc.Parts().Jobs}, actors: map[string]*linli.Actor{}}
	w.AddActors(t, f.actors, "xueyuan", "jixiang", "jxgrid", "jxresident", "resident", "street")
	unit, err := reg.FindNode(ctx, []string{"运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼", "2单元"})
	if err != nil {
		t.Fatal(err)
	}
	if f.h402, err = reg.HouseholdByRoom(ctx, unit.ID, "402"); err != nil {
		t.Fatal(err)
	}
	if f.h502, err = reg.HouseholdByRoom(ctx, unit.ID, "502"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) actor(u string) *linli.Actor {
	f.t.Helper()
	a, ok := f.actors[u]
	if !ok {
		f.t.Fatalf("no actor %s", u)
	}
	return a
}

func (f *fixture) day(y int, m time.Month, d int) string {
	return time.Date(y, m, d, 0, 0, 0, 0, f.zone).Format("2006-01-02")
}

func (f *fixture) runDue() int {
	f.t.Helper()
	n, err := f.runner.RunDue(f.ctx)
	if err != nil {
		f.t.Fatalf("run due jobs: %v", err)
	}
	return n
}

// leakCase is the resident of 402's report of the leak from upstairs.
func (f *fixture) leakCase() cases.Case {
	f.t.Helper()
	c, err := f.cs.Open(f.ctx, f.actor("jxresident"), cases.NewCase{Category: "water_leak", Title: "楼上漏水，卫生间顶棚受损",
		Description: "502卫生间下水管渗漏，402卫生间顶棚石膏板泡坏、霉变", HouseholdID: f.h402})
	if err != nil {
		f.t.Fatalf("open the leak case: %v %v", err, linli.ErrorFields(err))
	}
	return c
}

// openLeak opens the Jixiang leak dispute from its case, as the demo does.
func (f *fixture) openLeak() (cases.Case, mediation.Detail) {
	f.t.Helper()
	c := f.leakCase()
	d, err := f.svc.OpenFromCase(f.ctx, f.actor("jixiang"), c.ID, mediation.DisputeInput{
		Type:  mediation.TypeLeak,
		Title: "吉祥花园1号楼2单元502漏水致402顶棚受损",
		Parties: []mediation.PartyInput{
			{Role: mediation.RoleApplicant, HouseholdID: f.h402, Claims: "502修好漏水的下水管，赔偿顶棚修复费用"},
			{Role: mediation.RoleRespondent, HouseholdID: f.h502, Claims: "愿意维修，赔偿金额需协商"},
		},
		Mediators: []int64{f.actor("jixiang").AccountID, f.actor("jxgrid").AccountID},
	})
	if err != nil {
		f.t.Fatalf("open from case: %v %v", err, linli.ErrorFields(err))
	}
	return c, d
}

func fields(err error) []string {
	var out []string
	for _, fe := range linli.ErrorFields(err) {
		out = append(out, fe.Field)
	}
	return out
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := linli.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %q), want %q", what, err, got, code)
	}
}

// completeAgreement is the Jixiang agreement: 502 repairs the pipe within
// 7 days and pays 1,800 yuan within 15 days.
func (f *fixture) completeAgreement(d mediation.Detail, on string) mediation.AgreementInput {
	return mediation.AgreementInput{
		Facts:            "2026年11月，502卫生间下水管接口老化渗漏，渗水致402卫生间顶棚石膏板泡坏、霉变。",
		Matters:          "下水管维修及402顶棚修复费用的承担。",
		Responsibilities: "502作为下水管的所有人和使用人，对漏水造成的损失承担全部责任；402无责任。",
		Terms: []mediation.TermInput{
			{What: "502修复卫生间漏水的下水管", How: "由502自行委托有资质的维修人员修复，402配合入户查看", Deadline: f.day(2026, 12, 4)},
			{What: "502赔偿402卫生间顶棚修复费用", How: "一次性转账支付给402业主", Deadline: f.day(2026, 12, 12), AmountFen: 180000},
		},
		Parties: []mediation.PartyInfoInput{
			{PartyID: d.Dispute.Parties[0].ID, Sex: mediation.SexFemale, Ethnicity: "汉族", BirthDate: "1968-03-12", Occupation: "退休职工"},
			{PartyID: d.Dispute.Parties[1].ID, Sex: mediation.SexMale, Ethnicity: "汉族", Age: 45, Occupation: "个体经营者"},
		},
		PartySignatures: []mediation.SignatureInput{
			{PartyID: d.Dispute.Parties[0].ID, Signed: true, On: on},
			{PartyID: d.Dispute.Parties[1].ID, Signed: true, On: on},
		},
		MediatorSigned: true, MediatorSignedOn: on, Sealed: true, SealedOn: on,
	}
}

func TestMediationOpenedFromCaseLinksBothWays(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c, d := f.openLeak()
		m := d.Dispute
		if m.Number != "（2026）东城调字第1号" || m.Committee != "东城街道吉祥社区人民调解委员会" {
			t.Errorf("number %q, committee %q", m.Number, m.Committee)
		}
		if m.State != mediation.Accepted || m.CaseID != c.ID || m.Type != mediation.TypeLeak {
			t.Errorf("dispute %+v", m)
		}
		if len(m.Parties) != 2 || m.Parties[0].Role != mediation.RoleApplicant || m.Parties[0].Address != "吉祥花园1号楼2单元402" ||
			m.Parties[1].Address != "吉祥花园1号楼2单元502" || m.Parties[0].Name == "" {
			t.Fatalf("parties %+v", m.Parties)
		}
		for _, p := range m.Parties {
			if p.Phone != "" && !strings.Contains(p.Phone, "****") {
				t.Errorf("phone %q not masked", p.Phone)
			}
		}
		if want := time.Date(2026, 12, 26, 0, 0, 0, 0, f.zone); !m.DueDate.Equal(want) || m.DaysLeft != 30 {
			t.Errorf("due %v, %d days left; want %v, 30", m.DueDate, m.DaysLeft, want)
		}
		if len(m.Mediators) != 2 {
			t.Errorf("mediators %+v", m.Mediators)
		}
		// case → dispute, seen from the case
		items, err := f.links.Items(f.ctx, f.actor("jixiang"), links.Ref{Kind: links.KindCase, ID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Ref != (links.Ref{Kind: links.KindDispute, ID: m.ID}) || !items[0].Out || items[0].Rel != "mediation" ||
			items[0].URL != "/mediation/"+itoa(m.ID) {
			t.Fatalf("case's links %+v", items)
		}
		// and the case, seen from the dispute
		back, err := f.links.Items(f.ctx, f.actor("jixiang"), links.Ref{Kind: links.KindDispute, ID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(back) != 1 || back[0].Ref != (links.Ref{Kind: links.KindCase, ID: c.ID}) || back[0].Out {
			t.Fatalf("dispute's links %+v", back)
		}
		// Staff of another community do not see the link.
		other, err := f.links.Items(f.ctx, f.actor("xueyuan"), links.Ref{Kind: links.KindCase, ID: c.ID})
		if err != nil || len(other) != 0 {
			t.Errorf("xueyuan sees %+v, %v", other, err)
		}
		// A case the actor may not read cannot be taken to mediation.
		_, err = f.svc.OpenFromCase(f.ctx, f.actor("xueyuan"), c.ID, mediation.DisputeInput{})
		wantCode(t, "xueyuan opens from a Jixiang case", err, linli.EInvalid)
		// The audit log has the acceptance.
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'dispute' AND entity_id = ? AND action = 'dispute.accept'`, m.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("audit rows %d, %v", n, err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestMediationSignNeedsStatutoryContentThenCourtReminder: marking signed
// lists every missing item (422); once complete, the dispute is agreed and
// on day 25 of the 30-day window the mediators are reminded.
func TestMediationSignNeedsStatutoryContentThenCourtReminder(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		_, d := f.openLeak()
		id := d.Dispute.ID
		staff := f.actor("jixiang")

		_, err := f.svc.MarkSigned(f.ctx, staff, id)
		wantCode(t, "sign a blank agreement", err, linli.EInvalid)
		want := []string{"parties[1].sex", "parties[1].ethnicity", "parties[1].age", "parties[1].occupation",
			"parties[2].sex", "parties[2].ethnicity", "parties[2].age", "parties[2].occupation",
			"matters", "responsibilities", "terms", "signatures.party[1]", "signatures.party[2]", "signatures.mediator", "signatures.committee_seal"}
		if got := fields(err); !slices.Equal(got, want) {
			t.Errorf("blank agreement: missing %v, want %v (facts come from the dispute, copies default to 3; name and address from the register)", got, want)
		}

		// Two sessions, the second the next morning.
		f.clock.Set(time.Date(2026, 11, 27, 11, 0, 0, 0, f.zone))
		for _, s := range []mediation.SessionInput{
			{HeldAt: "2026-11-26T15:00", Place: "吉祥社区人民调解室", Participants: "裴丽华、段海鹏、402业主、502业主", Record: "双方陈述，约定共同入户查看漏点"},
			{HeldAt: "2026-11-27T10:00", Place: "吉祥花园1号楼2单元502", Participants: "裴丽华、段海鹏、402业主、502业主、物业维修工", Record: "查明502下水管接口渗漏，双方就维修和赔偿达成一致"},
		} {
			if _, err := f.svc.AddSession(f.ctx, staff, id, s); err != nil {
				t.Fatalf("session: %v %v", err, linli.ErrorFields(err))
			}
		}

		// A draft with a term lacking its deadline and 502 not signed yet.
		in := f.completeAgreement(d, "2026-11-27")
		in.Terms[0].Deadline = ""
		in.PartySignatures[1].Signed = false
		ag, err := f.svc.SaveAgreement(f.ctx, staff, id, in)
		if err != nil {
			t.Fatalf("save draft: %v %v", err, linli.ErrorFields(err))
		}
		if got := fields(linli.Invalid("", ag.Missing...)); !slices.Equal(got, []string{"terms[1].deadline", "signatures.party[2]"}) {
			t.Errorf("draft missing %v", got)
		}
		_, err = f.svc.MarkSigned(f.ctx, staff, id)
		wantCode(t, "sign the draft", err, linli.EInvalid)
		if got := fields(err); !slices.Equal(got, []string{"terms[1].deadline", "signatures.party[2]"}) {
			t.Errorf("sign the draft: missing %v", got)
		}
		// Bad input is refused naming the field.
		bad := f.completeAgreement(d, "2026-11-27")
		bad.Terms[1].Deadline = "12月12日"
		bad.MediatorSignedOn = "2026-12-30"
		_, err = f.svc.SaveAgreement(f.ctx, staff, id, bad)
		wantCode(t, "bad dates", err, linli.EInvalid)
		if got := fields(err); !slices.Equal(got, []string{"terms[2].deadline", "mediator_signed_on"}) {
			t.Errorf("bad dates: %v", got)
		}

		if _, err := f.svc.SaveAgreement(f.ctx, staff, id, f.completeAgreement(d, "2026-11-27")); err != nil {
			t.Fatal(err)
		}
		det, err := f.svc.MarkSigned(f.ctx, staff, id)
		if err != nil {
			t.Fatalf("sign: %v %v", err, linli.ErrorFields(err))
		}
		ag = det.Agreement
		if det.Dispute.State != mediation.Agreed || len(ag.Missing) != 0 || ag.Copies != 3 {
			t.Fatalf("after signing: %s, missing %v, copies %d", det.Dispute.State, ag.Missing, ag.Copies)
		}
		// Day 30 is Sunday 27 December: the window ends on the next
		// working day, Monday the 28th (民法典 art. 203).
		if want := time.Date(2026, 12, 28, 0, 0, 0, 0, f.zone); !ag.CourtDeadline.Equal(want) {
			t.Errorf("court deadline %v, want %v", ag.CourtDeadline, want)
		}
		if _, ok, _ := jobs.Pending(f.ctx, db, mediation.JobDue, itoa(id)); ok {
			t.Error("the one-month timer is still pending after signing")
		}
		// Signed agreements are not edited, nor signed twice.
		_, err = f.svc.SaveAgreement(f.ctx, staff, id, f.completeAgreement(d, "2026-11-27"))
		wantCode(t, "edit after signing", err, linli.EConflict)
		_, err = f.svc.MarkSigned(f.ctx, staff, id)
		wantCode(t, "sign twice", err, linli.EConflict)

		notes := func(who string) []cases.Notification {
			ns, _, err := f.cs.Notifications(f.ctx, f.actor(who), 50)
			if err != nil {
				t.Fatal(err)
			}
			var out []cases.Notification
			for _, n := range ns {
				if n.RefKind == links.KindDispute && n.RefID == id {
					out = append(out, n)
				}
			}
			return out
		}
		// Day 24 of the window: nothing yet.
		f.clock.Set(time.Date(2026, 12, 21, 9, 0, 0, 0, f.zone))
		f.runDue()
		if n := notes("jxgrid"); len(n) != 0 {
			t.Fatalf("reminded early: %+v", n)
		}
		// Day 25, 09:00: both mediators are reminded, with the deadline.
		f.clock.Set(time.Date(2026, 12, 22, 9, 0, 0, 0, f.zone))
		if n := f.runDue(); n != 1 {
			t.Errorf("ran %d jobs, want the reminder", n)
		}
		for _, who := range []string{"jixiang", "jxgrid"} {
			ns := notes(who)
			if len(ns) != 1 || !strings.Contains(ns[0].Text, "2026年12月28日") || ns[0].URL() != "/mediation/"+itoa(id) {
				t.Errorf("%s's notifications %+v", who, ns)
			}
		}
		if n := notes("xueyuan"); len(n) != 0 {
			t.Errorf("xueyuan notified: %+v", n)
		}
		// The parties' choice, then the follow-up visit closes it.
		if _, err := f.svc.RecordCourtChoice(f.ctx, staff, id, mediation.CourtInput{Choice: "maybe"}); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("bad court choice: %v", err)
		}
		if _, err := f.svc.RecordCourtChoice(f.ctx, staff, id, mediation.CourtInput{Choice: mediation.CourtNotApplying}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.AddFollowUp(f.ctx, staff, id, mediation.FollowUpInput{Performance: "done", Satisfaction: "satisfied", Risk: "none"})
		wantCode(t, "bad follow-up", err, linli.EInvalid)
		if got := fields(err); !slices.Equal(got, []string{"performance"}) {
			t.Errorf("bad follow-up fields %v", got)
		}
		if _, err := f.svc.AddFollowUp(f.ctx, f.actor("jxgrid"), id, mediation.FollowUpInput{Performance: mediation.PerfFull,
			Satisfaction: mediation.Satisfied, Risk: mediation.RiskNone, Notes: "下水管已修复，1800元已转账，顶棚已重新吊顶"}); err != nil {
			t.Fatalf("follow-up: %v %v", err, linli.ErrorFields(err))
		}
		det, err = f.svc.Get(f.ctx, staff, id)
		if err != nil {
			t.Fatal(err)
		}
		if det.Dispute.State != mediation.Closed || len(det.FollowUps) != 1 || len(det.Sessions) != 2 || det.Agreement.CourtChoice != mediation.CourtNotApplying {
			t.Errorf("closed dispute %+v, %d follow-ups, %d sessions, court %q", det.Dispute.State, len(det.FollowUps), len(det.Sessions), det.Agreement.CourtChoice)
		}
		// The happiness list shows it only once published with the
		// parties' consent, and without the parties.
		es, err := f.svc.HappinessEntries(f.ctx, det.Dispute.CommunityID)
		if err != nil || len(es) != 0 {
			t.Errorf("happiness entries before publication %+v, %v", es, err)
		}
		if _, err := f.svc.Publish(f.ctx, staff, id, mediation.PublishInput{Consent: "双方当事人于回访时口头同意公开，由网格员段海鹏记录"}); err != nil {
			t.Fatalf("publish: %v %v", err, linli.ErrorFields(err))
		}
		es, err = f.svc.HappinessEntries(f.ctx, det.Dispute.CommunityID)
		if err != nil || len(es) != 1 || es[0].Place != "吉祥花园1号楼" || es[0].Satisfied != 1 || es[0].Rated != 1 {
			t.Errorf("happiness entries %+v, %v", es, err)
		}
		for _, e := range es {
			for _, leak := range []string{"402", "502", det.Dispute.Parties[0].Name, det.Dispute.Parties[1].Name} {
				if strings.Contains(e.Title+e.Summary+e.Place, leak) {
					t.Errorf("happiness entry shows %q: %+v", leak, e)
				}
			}
		}
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'dispute' AND entity_id = ?`, id).Scan(&n); err != nil || n < 10 {
			t.Errorf("audit rows %d, %v (accept, 2 sessions, 3 saves, sign, reminder, court, follow-up, publish)", n, err)
		}
	})
}

// TestMediationOverdueTimer: a dispute still being mediated after its
// last day is marked overdue and its mediators told; a signed one is not.
func TestMediationOverdueTimer(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		_, d := f.openLeak()
		id := d.Dispute.ID
		// A second dispute, failed at once: its timer must not mark it.
		other, err := f.svc.Open(f.ctx, f.actor("jixiang"), mediation.DisputeInput{Type: mediation.TypeNeighbour, Title: "楼道堆物",
			Parties: []mediation.PartyInput{{Role: mediation.RoleApplicant, HouseholdID: f.h402}, {Role: mediation.RoleRespondent, Name: "王某", Address: "吉祥花园1号楼2单元302", Phone: "13812345678"}}})
		if err != nil {
			t.Fatalf("direct open: %v %v", err, linli.ErrorFields(err))
		}
		if other.Dispute.Parties[1].Phone != "138****5678" || other.Dispute.Number != "（2026）东城调字第2号" {
			t.Errorf("typed party %+v, number %s", other.Dispute.Parties[1], other.Dispute.Number)
		}
		_, err = f.svc.Fail(f.ctx, f.actor("jixiang"), other.Dispute.ID, mediation.FailInput{})
		wantCode(t, "fail without reason", err, linli.EInvalid)
		if _, err := f.svc.Fail(f.ctx, f.actor("jixiang"), other.Dispute.ID, mediation.FailInput{Reason: "被申请人拒绝调解"}); err != nil {
			t.Fatal(err)
		}
		// The last day (26 December): not yet overdue.
		f.clock.Set(time.Date(2026, 12, 26, 20, 0, 0, 0, f.zone))
		f.runDue()
		det, _ := f.svc.Get(f.ctx, f.actor("jixiang"), id)
		if det.Dispute.Overdue || det.Dispute.DaysLeft != 0 {
			t.Fatalf("on the last day: overdue %v, %d days left", det.Dispute.Overdue, det.Dispute.DaysLeft)
		}
		f.clock.Set(time.Date(2026, 12, 27, 0, 1, 0, 0, f.zone))
		if n := f.runDue(); n != 1 {
			t.Errorf("ran %d jobs, want 1 (the failed dispute's timer was cancelled)", n)
		}
		det, _ = f.svc.Get(f.ctx, f.actor("jixiang"), id)
		if !det.Dispute.Overdue || det.Dispute.DaysLeft != -1 {
			t.Errorf("after the last day: overdue %v, %d days left", det.Dispute.Overdue, det.Dispute.DaysLeft)
		}
		ns, _, _ := f.cs.Notifications(f.ctx, f.actor("jxgrid"), 10)
		if len(ns) == 0 || ns[0].RefKind != links.KindDispute || ns[0].RefID != id || !strings.Contains(ns[0].Text, "一个月") {
			t.Errorf("jxgrid's notifications %+v", ns)
		}
		list, err := f.svc.List(f.ctx, f.actor("jixiang"), mediation.ListFilter{Overdue: true})
		if err != nil || len(list) != 1 || list[0].ID != id {
			t.Errorf("overdue list %+v, %v", list, err)
		}
		failed, _ := f.svc.Get(f.ctx, f.actor("jixiang"), other.Dispute.ID)
		if failed.Dispute.Overdue || failed.Dispute.State != mediation.Failed || failed.Dispute.FailedAdvice == "" {
			t.Errorf("failed dispute %+v", failed.Dispute)
		}
	})
}

// TestMediationAccess: staff of another community get not found; a
// resident of a party household reads but does not change; other
// residents get not found.
func TestMediationAccess(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		_, d := f.openLeak()
		id := d.Dispute.ID
		_, err := f.svc.Get(f.ctx, f.actor("xueyuan"), id)
		wantCode(t, "xueyuan reads", err, linli.ENotFound)
		_, err = f.svc.AddSession(f.ctx, f.actor("xueyuan"), id, mediation.SessionInput{Place: "x", Participants: "x", Record: "x"})
		wantCode(t, "xueyuan writes", err, linli.ENotFound)
		_, err = f.svc.Get(f.ctx, f.actor("resident"), id)
		wantCode(t, "a Huicui resident reads", err, linli.ENotFound)
		det, err := f.svc.Get(f.ctx, f.actor("jxresident"), id)
		if err != nil || det.Manage || len(det.Sessions) != 0 {
			t.Errorf("party reads: manage %v, sessions %d, %v", det.Manage, len(det.Sessions), err)
		}
		_, err = f.svc.AddSession(f.ctx, f.actor("jxresident"), id, mediation.SessionInput{Place: "x", Participants: "x", Record: "x"})
		wantCode(t, "party writes", err, linli.EForbidden)
		// The street's staff and the named grid-worker mediator manage it.
		if det, err := f.svc.Get(f.ctx, f.actor("street"), id); err != nil || !det.Manage {
			t.Errorf("street: %v %v", det.Manage, err)
		}
		if det, err := f.svc.Get(f.ctx, f.actor("jxgrid"), id); err != nil || !det.Manage {
			t.Errorf("jxgrid (mediator): %v %v", det.Manage, err)
		}
		// Only staff accept disputes; mediators must work in the community.
		_, err = f.svc.Open(f.ctx, f.actor("xueyuan"), mediation.DisputeInput{Title: "x",
			Parties: []mediation.PartyInput{{Role: mediation.RoleApplicant, HouseholdID: f.h402}, {Role: mediation.RoleRespondent, HouseholdID: f.h502}}})
		// Another community's households are answered like unknown ones
		// (422 naming the field), so their existence does not leak.
		wantCode(t, "xueyuan accepts in Jixiang", err, linli.EInvalid)
		if got := fields(err); !slices.Equal(got, []string{"parties[1].household_id"}) {
			t.Errorf("fields %v", got)
		}
		_, err = f.svc.Open(f.ctx, f.actor("jixiang"), mediation.DisputeInput{Title: "x", Mediators: []int64{f.actor("xueyuan").AccountID},
			Parties: []mediation.PartyInput{{Role: mediation.RoleApplicant, HouseholdID: f.h402}, {Role: mediation.RoleRespondent, HouseholdID: f.h502}}})
		wantCode(t, "a mediator from another community", err, linli.EInvalid)
		if got := fields(err); !slices.Equal(got, []string{"mediators[1]"}) {
			t.Errorf("fields %v", got)
		}
		_, err = f.svc.Open(f.ctx, f.actor("jixiang"), mediation.DisputeInput{Type: "war", Parties: []mediation.PartyInput{{Role: "judge", Name: "x"}}})
		wantCode(t, "bad dispute", err, linli.EInvalid)
		if got := fields(err); !slices.Equal(got, []string{"type", "title", "parties[1].role", "parties"}) {
			t.Errorf("bad dispute fields %v", got)
		}
		list, err := f.svc.List(f.ctx, f.actor("jxresident"), mediation.ListFilter{})
		if err != nil || len(list) != 1 {
			t.Errorf("party's list %d, %v", len(list), err)
		}
		list, err = f.svc.List(f.ctx, f.actor("xueyuan"), mediation.ListFilter{})
		if err != nil || len(list) != 0 {
			t.Errorf("xueyuan's list %d, %v", len(list), err)
		}
	})
}
