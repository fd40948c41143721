package notices_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/capability"
	"linli/demo/demotest"
	"linli/jobs"
	"linli/notices"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/web"
)

// fixture is one engine's demo world with the notices service, on a fake
// clock at Tuesday 2026-03-10 09:00 Beijing.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	w      *demotest.World
	db     *storage.DB
	svc    *notices.Service
	actors map[string]*linli.Actor
}

func newFixture(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	w := demotest.New(t, db, time.Date(2026, time.March, 10, 9, 0, 0, 0, demotest.Beijing))
	svc := notices.New(capability.Deps{DB: db, Clock: w.Clock, Zone: w.Zone, Calendar: w.Cases.WorkingCalendar, Links: w.Links,
		Registry: w.Registry, Auth: w.Auth, Cases: w.Cases})
	f := &fixture{t: t, ctx: context.Background(), w: w, db: db, svc: svc, actors: map[string]*linli.Actor{}}
	w.AddActors(t, f.actors, "xueyuan", "grid1", "resident", "unit", "jixiang", "jxresident", "jxgrid", "street", "volunteer")
	return f
}

var pHuicui = []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区"}

func (f *fixture) node(names ...string) registry.Node {
	f.t.Helper()
	n, err := f.w.Registry.FindNode(f.ctx, names)
	if err != nil {
		f.t.Fatalf("node %v: %v", names, err)
	}
	return n
}

// unit3 is 荟萃花园南区 1号楼 3单元, where the demo resident lives (602).
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

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (f *fixture) publish(in notices.Input) notices.Detail {
	f.t.Helper()
	d, err := f.svc.Create(f.ctx, f.a("xueyuan"), in, nil)
	if err != nil {
		f.t.Fatalf("create: %v %v", err, linli.ErrorFields(err))
	}
	return d
}

func (f *fixture) windNotice() notices.Input {
	now := f.w.Clock.Now()
	return notices.Input{Title: "大风蓝色预警", Body: "今夜有6级大风。\n请固定好楼顶的太阳能热水器。\n\n<b>不要</b>上楼顶。",
		Urgency: notices.Warning, ValidFrom: now, ValidUntil: now.Add(24 * time.Hour), AckRequired: true,
		NodeIDs: []int64{f.unit3().ID}, Kinds: []string{notices.KindHouseholds, string(linli.RoleGridWorker)}}
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if err := f.db.InTx(f.ctx, func(tx *storage.Tx) error { _, err := tx.Exec(f.ctx, q, args...); return err }); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
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

func byAccount(rs []notices.RecipientRow, id int64) (notices.RecipientRow, bool) {
	for _, r := range rs {
		if r.AccountID == id {
			return r, true
		}
	}
	return notices.RecipientRow{}, false
}

// Publication resolves the unit's households — the resident's account
// in-app, the others by SMS to an owner's phone — and the grid's grid
// worker, rings the bell of the accounts and writes one outbox row per SMS.
func TestPublishNow(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		households := f.count(`SELECT COUNT(*) FROM households WHERE path LIKE ?`, f.unit3().Path+"%")
		bell := f.count(`SELECT COUNT(*) FROM notifications WHERE account_id = ?`, f.a("resident").AccountID)
		d := f.publish(f.windNotice())
		if d.State != notices.Published || d.Reach == nil || !d.CanManage {
			t.Fatalf("detail %+v", d)
		}
		rs, reach, err := f.svc.Recipients(f.ctx, f.a("xueyuan"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		res, ok := byAccount(rs, f.a("resident").AccountID)
		if !ok || res.Channel != "app" || res.Status != notices.Delivered || res.Building != "荟萃花园南区1号楼" {
			t.Errorf("resident's row %+v %v", res, ok)
		}
		if g, ok := byAccount(rs, f.a("grid1").AccountID); !ok || g.Channel != "app" {
			t.Errorf("the grid worker of the unit's grid is not a recipient: %+v", rs)
		}
		sms := 0
		for _, r := range rs {
			if r.Channel == "sms" {
				sms++
				if r.Status != notices.Sent || !strings.Contains(r.PhoneMasked, "****") {
					t.Errorf("sms row %+v", r)
				}
			}
		}
		// Every household once (the unit head of 301 and the resident of 602
		// by their accounts), plus the grid worker.
		if reach.Total != households+1 || sms == 0 {
			t.Errorf("reach %+v, %d households, %d by sms", reach, households, sms)
		}
		if n := f.count(`SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND payload LIKE ?`, "%大风蓝色预警%"); n != sms {
			t.Errorf("outbox rows %d, want %d", n, sms)
		}
		if n := f.count(`SELECT COUNT(*) FROM notifications WHERE account_id = ? AND ref_kind = 'notice' AND ref_id = ?`, f.a("resident").AccountID, d.ID); n != 1 {
			t.Errorf("bell rang %d times for the resident", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM notifications WHERE account_id = ?`, f.a("resident").AccountID); n != bell+1 {
			t.Errorf("notifications %d, want %d", n, bell+1)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'notice.publish' AND entity_id = ?`, d.ID); n != 1 {
			t.Errorf("audit rows %d", n)
		}
	})
}

// A recipient moves sent → delivered → read → acknowledged; an SMS
// recipient is delivered when its outbox row went out.
func TestRecipientStatuses(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		d := f.publish(f.windNotice())
		res := f.a("resident")
		got, err := f.svc.Get(f.ctx, res, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Mine == nil || *got.Mine != notices.Read || !got.MustAck || got.Reach != nil {
			t.Fatalf("resident's view: mine %v must ack %v reach %v", got.Mine, got.MustAck, got.Reach)
		}
		if got, err = f.svc.Acknowledge(f.ctx, res, d.ID); err != nil || *got.Mine != notices.Acknowledged || got.MustAck {
			t.Fatalf("ack: %v %v", got.Mine, err)
		}
		if _, err := f.svc.Acknowledge(f.ctx, res, d.ID); err != nil {
			t.Errorf("a second 我已知晓: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'notice.ack' AND entity_id = ?`, d.ID); n != 1 {
			t.Errorf("ack audited %d times", n)
		}
		if _, err := f.svc.Acknowledge(f.ctx, f.a("xueyuan"), d.ID); code(err) != linli.EForbidden {
			t.Errorf("staff acknowledging: %v", err)
		}
		rs, _, err := f.svc.Recipients(f.ctx, f.a("xueyuan"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sms notices.RecipientRow
		for _, r := range rs {
			if r.Channel == "sms" {
				sms = r
				break
			}
		}
		// The delivery worker marks the row sent, as package outbox records
		// a delivery.
		now := storage.Millis(f.w.Clock.Now())
		f.exec(`UPDATE outbox SET status = 'sent', sent_at = ?, delivered_at = ? WHERE ref = ?`, now, now, fmt.Sprintf("notice:%d", d.ID))
		rs, reach, err := f.svc.Recipients(f.ctx, f.a("xueyuan"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.ID == sms.ID && r.Status != notices.Delivered {
				t.Errorf("sms row after delivery: %s", r.Status)
			}
		}
		if r, _ := byAccount(rs, res.AccountID); r.Status != notices.Acknowledged || !r.Reached {
			t.Errorf("resident's row %+v", r)
		}
		if reach.Acknowledged != 1 || reach.Read != 1 || reach.Reached != 1 {
			t.Errorf("reach %+v", reach)
		}
	})
}

// A notice for later is stored, scheduled as a durable timer and
// published by it when the clock reaches its time — not before.
func TestScheduledPublication(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		in := f.windNotice()
		in.Urgency, in.ValidFrom, in.ValidUntil = notices.Important, time.Time{}, time.Time{}
		in.PublishAt = f.w.Clock.Now().Add(2 * time.Hour)
		d := f.publish(in)
		if d.State != notices.Scheduled {
			t.Fatalf("state %s", d.State)
		}
		if _, err := f.svc.Get(f.ctx, f.a("resident"), d.ID); code(err) != linli.ENotFound {
			t.Errorf("a resident sees a notice before its time: %v", err)
		}
		runner := &jobs.Runner{DB: db, Clock: f.w.Clock, Handlers: f.svc.Parts().Jobs}
		f.w.Clock.Advance(119 * time.Minute)
		if n, err := runner.RunDue(f.ctx); err != nil || n != 0 {
			t.Fatalf("ran %d early: %v", n, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM notice_recipients WHERE notice_id = ?`, d.ID); n != 0 {
			t.Fatalf("%d recipients before the time", n)
		}
		f.w.Clock.Advance(time.Minute)
		if n, err := runner.RunDue(f.ctx); err != nil || n != 1 {
			t.Fatalf("ran %d: %v", n, err)
		}
		got, err := f.svc.Get(f.ctx, f.a("resident"), d.ID)
		if err != nil || got.State != notices.Published || !got.PublishedAt.Equal(in.PublishAt) {
			t.Fatalf("after the timer: %+v %v", got.Notice, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM notice_recipients WHERE notice_id = ?`, d.ID); n == 0 {
			t.Error("no recipients after publication")
		}
	})
}

// The not-reached list: by building, without those who read it (or, when
// acknowledgement is required, acknowledged it) or whom a call reached; a
// call that did not get through leaves the household on the list.
func TestCallsAndUnreached(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		in := f.windNotice()
		in.NodeIDs = []int64{f.node(pHuicui[:4]...).ID} // the whole community: four buildings in two grids
		in.Kinds = []string{notices.KindHouseholds}
		d := f.publish(in)
		_, all, err := f.svc.Unreached(f.ctx, f.a("xueyuan"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 4 || all[0].Building != "书香苑1号楼" {
			t.Fatalf("%d buildings, first %q", len(all), all[0].Building)
		}
		// The grid worker of the first grid follows up its estate only.
		_, groups, err := f.svc.Unreached(f.ctx, f.a("grid1"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 1 {
			t.Fatalf("grid worker sees %d buildings", len(groups))
		}
		total := 0
		for _, g := range groups {
			if g.Building != "荟萃花园南区1号楼" || g.Reached != 0 || len(g.Rows) != g.Total || g.Total != 96 {
				t.Errorf("group %s: %d/%d, %d rows", g.Building, g.Reached, g.Total, len(g.Rows))
			}
			total += g.Total
		}
		row := groups[0].Rows[0]
		if _, err := f.svc.LogCall(f.ctx, f.a("grid1"), d.ID, row.ID, notices.CallInput{Outcome: "busy"}); code(err) != linli.EInvalid || !hasField(err, "outcome") {
			t.Errorf("bad outcome: %v", err)
		}
		if _, err := f.svc.LogCall(f.ctx, f.a("grid1"), d.ID, row.ID, notices.CallInput{Outcome: notices.NoAnswer, Note: "晚上再打"}); err != nil {
			t.Fatal(err)
		}
		_, groups, _ = f.svc.Unreached(f.ctx, f.a("grid1"), d.ID)
		if groups[0].Rows[0].ID != row.ID || len(groups[0].Rows[0].Calls) != 1 || groups[0].Rows[0].Calls[0].Note != "晚上再打" {
			t.Fatalf("after no answer: %+v", groups[0].Rows[0])
		}
		if _, err := f.svc.LogCall(f.ctx, f.a("grid1"), d.ID, row.ID, notices.CallInput{Outcome: notices.WillFix}); err != nil {
			t.Fatal(err)
		}
		// The resident reads it but does not acknowledge: still to reach.
		if _, err := f.svc.Get(f.ctx, f.a("resident"), d.ID); err != nil {
			t.Fatal(err)
		}
		_, groups, _ = f.svc.Unreached(f.ctx, f.a("grid1"), d.ID)
		left, seenResident := 0, false
		for _, g := range groups {
			for _, r := range g.Rows {
				left++
				if r.ID == row.ID {
					t.Error("a household told by phone is still on the list")
				}
				seenResident = seenResident || r.AccountID == f.a("resident").AccountID
			}
		}
		if left != total-1 || !seenResident {
			t.Errorf("left %d of %d; resident still listed %v", left, total, seenResident)
		}
		_, reach, _ := f.svc.Recipients(f.ctx, f.a("xueyuan"), d.ID)
		if reach.Called != 1 || reach.Reached != 1 || reach.Read != 1 {
			t.Errorf("reach %+v", reach)
		}
		// The staff's lists carry the reach of their part: the grid worker's
		// estate, the community's every building.
		for u, want := range map[string]int{"grid1": 96, "xueyuan": all[0].Total + all[1].Total + all[2].Total + all[3].Total} {
			ls, err := f.svc.List(f.ctx, f.a(u), notices.ListFilter{})
			if err != nil || len(ls) != 1 || ls[0].Reach == nil || ls[0].Reach.Total != want {
				t.Fatalf("%s's list %+v %v", u, ls, err)
			}
		}
		if ls, _ := f.svc.List(f.ctx, f.a("jixiang"), notices.ListFilter{}); len(ls) != 0 {
			t.Errorf("another community's staff list %d", len(ls))
		}
		// Neither a resident nor a grid worker of another community follows up.
		if _, err := f.svc.LogCall(f.ctx, f.a("resident"), d.ID, row.ID, notices.CallInput{Outcome: notices.Reached}); code(err) != linli.ENotFound {
			t.Errorf("resident logging a call: %v", err)
		}
		if _, _, err := f.svc.Unreached(f.ctx, f.a("jxgrid"), d.ID); code(err) != linli.ENotFound {
			t.Errorf("another community's grid worker: %v", err)
		}
	})
}

// Phones are masked on the list; a grid worker reveals one to call, and
// the reading is audited; nobody outside the follow-up sees it.
func TestRevealPhone(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		d := f.publish(f.windNotice())
		rs, _, err := f.svc.Recipients(f.ctx, f.a("grid1"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sms notices.RecipientRow
		for _, r := range rs {
			if r.Channel == "sms" {
				sms = r
			}
		}
		phone, err := f.svc.RevealPhone(f.ctx, f.a("grid1"), d.ID, sms.ID)
		if err != nil || len(phone) != 11 || strings.Contains(phone, "*") || phone[:3] != sms.PhoneMasked[:3] {
			t.Fatalf("revealed %q (%s): %v", phone, sms.PhoneMasked, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'notice.reveal_phone' AND entity_id = ?`, d.ID); n != 1 {
			t.Errorf("reveal audited %d times", n)
		}
		if _, err := f.svc.RevealPhone(f.ctx, f.a("resident"), d.ID, sms.ID); code(err) != linli.ENotFound {
			t.Errorf("a resident revealing: %v", err)
		}
	})
}

// Who may publish where, and what an empty or foreign target does.
func TestPublishRefusals(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		in := f.windNotice()
		empty := in
		empty.NodeIDs = nil
		if _, err := f.svc.Create(f.ctx, f.a("xueyuan"), empty, nil); code(err) != linli.EInvalid || !hasField(err, "node_ids") {
			t.Errorf("empty target: %v %v", err, linli.ErrorFields(err))
		}
		nobody := in
		nobody.Kinds = nil
		if _, err := f.svc.Create(f.ctx, f.a("xueyuan"), nobody, nil); !hasField(err, "kinds") {
			t.Errorf("no kinds: %v", err)
		}
		if _, err := f.svc.Create(f.ctx, f.a("jixiang"), in, nil); code(err) != linli.EInvalid || !hasField(err, "node_ids[0]") {
			t.Errorf("another community's staff targeting 荟萃: %v %v", err, linli.ErrorFields(err))
		}
		mixed := in
		mixed.NodeIDs = []int64{f.unit3().ID, f.node("运城市", "盐湖区", "东城街道", "吉祥社区").ID}
		if _, err := f.svc.Create(f.ctx, f.a("xueyuan"), mixed, nil); !hasField(err, "node_ids[1]") || hasField(err, "node_ids[0]") {
			t.Errorf("the second place outside scope: %v", linli.ErrorFields(err))
		}
		if _, err := f.svc.Create(f.ctx, f.a("grid1"), in, nil); code(err) != linli.EForbidden {
			t.Errorf("grid worker publishing: %v", err)
		}
		bad := in
		bad.ValidUntil = in.ValidFrom.Add(-time.Hour)
		if _, err := f.svc.Create(f.ctx, f.a("xueyuan"), bad, nil); !hasField(err, "valid_until") {
			t.Errorf("window ends before it starts: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM notices`); n != 0 {
			t.Fatalf("%d notices stored by refused requests", n)
		}
		d := f.publish(in)
		for _, u := range []string{"jxresident", "jixiang", "jxgrid", "volunteer"} {
			if _, err := f.svc.Get(f.ctx, f.a(u), d.ID); code(err) != linli.ENotFound {
				t.Errorf("%s reads a private notice: %v", u, err)
			}
		}
		if _, err := f.svc.Get(f.ctx, f.a("street"), d.ID); err != nil {
			t.Errorf("street staff above: %v", err)
		}
		ls, err := f.svc.List(f.ctx, f.a("jxresident"), notices.ListFilter{})
		if err != nil || len(ls) != 0 {
			t.Errorf("another community's resident lists %d: %v", len(ls), err)
		}
		ls, err = f.svc.List(f.ctx, f.a("resident"), notices.ListFilter{})
		if err != nil || len(ls) != 1 || !ls[0].Unread || ls[0].Reach != nil {
			t.Errorf("resident's list %+v %v", ls, err)
		}
	})
}

// An audience another capability registers (contract 3) resolves its
// recipients at publication: here one household reached by SMS.
func TestRegisteredAudience(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		var asked []int64
		f.svc.RegisterAudience("campaign_hazard_open", notices.Audience{LabelZH: "有未整改隐患的住户", LabelEN: "Households with an open hazard",
			Resolve: func(ctx context.Context, q storage.Querier, nodeIDs []int64) ([]notices.Recipient, error) {
				asked = nodeIDs
				return []notices.Recipient{{HouseholdID: 987654, Phone: "13912345678", Name: "王某"}}, nil
			}})
		in := f.windNotice()
		in.Kinds = []string{"campaign_hazard_open"}
		d := f.publish(in)
		rs, _, err := f.svc.Recipients(f.ctx, f.a("xueyuan"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(asked) != 1 || asked[0] != f.unit3().ID || len(rs) != 1 || rs[0].Channel != "sms" || rs[0].PhoneMasked != "139****5678" {
			t.Errorf("asked %v, recipients %+v", asked, rs)
		}
		in.Kinds = []string{"no_such_audience"}
		if _, err := f.svc.Create(f.ctx, f.a("xueyuan"), in, nil); !hasField(err, "kinds[0]") {
			t.Errorf("unknown audience: %v", err)
		}
	})
}

// The home page's 通知公告: a resident sees the warning until they
// acknowledge it; the grid worker sees the notice to follow up.
func TestHomePanels(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	d := f.publish(f.windNotice())
	ps, err := f.svc.HomePanels(f.ctx, f.a("resident"))
	if err != nil || len(ps) != 1 || ps[0].Order != web.OrderNotices || len(ps[0].Lists) != 1 || len(ps[0].Lists[0].Items) != 1 ||
		!ps[0].Lists[0].Items[0].Alert || ps[0].Lists[0].Items[0].Href != fmt.Sprintf("/notices/%d", d.ID) {
		t.Fatalf("resident's panel %+v %v", ps, err)
	}
	// Each count is the total of the list it links to.
	for _, u := range []string{"resident", "grid1", "xueyuan"} {
		ps, _ := f.svc.HomePanels(f.ctx, f.a(u))
		for _, c := range ps[0].Counts {
			ls, err := f.svc.List(f.ctx, f.a(u), notices.ListFilter{Unread: c.Href == "/notices?unread=1", Follow: c.Href == "/notices?follow=1"})
			if err != nil || len(ls) != c.N || c.N == 0 {
				t.Errorf("%s: count %s = %d, its list %s has %d", u, c.Key, c.N, c.Href, len(ls))
			}
		}
	}
	if _, err := f.svc.Get(f.ctx, f.a("resident"), d.ID); err != nil {
		t.Fatal(err)
	}
	if ps, _ := f.svc.HomePanels(f.ctx, f.a("resident")); len(ps) != 1 || ps[0].Lists[0].Items[0].Note == "" {
		t.Errorf("read but not acknowledged: %+v", ps)
	}
	if _, err := f.svc.Acknowledge(f.ctx, f.a("resident"), d.ID); err != nil {
		t.Fatal(err)
	}
	if ps, _ := f.svc.HomePanels(f.ctx, f.a("resident")); len(ps) != 0 {
		t.Errorf("acknowledged, still on the panel: %+v", ps)
	}
	// The grid worker is a recipient too (the notice targets grid workers).
	ps, _ = f.svc.HomePanels(f.ctx, f.a("grid1"))
	if len(ps) != 1 || len(ps[0].Lists) != 2 || ps[0].Lists[1].Key != "follow" || ps[0].Lists[1].Items[0].Href != fmt.Sprintf("/notices/%d/recipients", d.ID) {
		t.Errorf("grid worker's panel %+v", ps)
	}
	// Past its validity the warning leaves the panels.
	f.w.Clock.Advance(25 * time.Hour)
	if ps, _ := f.svc.HomePanels(f.ctx, f.a("grid1")); len(ps) != 0 {
		t.Errorf("an expired warning stays: %+v", ps)
	}
}

// BenchmarkPublishXunyang publishes a notice to every household of
// 郇阳社区's 26 estates (the seed's solar-heater notice): recipients
// resolved, SMS rows written, the bell rung, in one transaction.
func BenchmarkPublishXunyang(b *testing.B) {
	db := storagetest.SQLite(b)
	w := demotest.New(b, db, time.Date(2026, time.March, 10, 9, 0, 0, 0, demotest.Beijing))
	svc := notices.New(capability.Deps{DB: db, Clock: w.Clock, Zone: w.Zone, Registry: w.Registry, Auth: w.Auth, Cases: w.Cases})
	ctx := context.Background()
	xn, err := w.Registry.FindNode(ctx, []string{"运城市", "临猗县", "猗氏镇", "郇阳社区"})
	if err != nil {
		b.Fatal(err)
	}
	in := notices.Input{Title: "关于太阳能热水器安全隐患排查的通知", Body: "请各位业主配合排查。", NodeIDs: []int64{xn.ID}, Kinds: []string{notices.KindHouseholds}}
	var n int
	for b.Loop() {
		d, err := svc.Create(ctx, linli.System(), in, nil)
		if err != nil {
			b.Fatal(err)
		}
		n = d.Reach.Total
	}
	b.ReportMetric(float64(n), "recipients")
}

// On the follow-up lists an account to call shows its login phone masked.
func TestAccountPhoneMasked(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	d := f.publish(f.windNotice())
	_, groups, err := f.svc.Unreached(f.ctx, f.a("grid1"), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		for _, r := range g.Rows {
			if r.AccountID == f.a("resident").AccountID && (r.PhoneMasked == "" || !strings.Contains(r.PhoneMasked, "****")) {
				t.Errorf("resident's row %+v", r)
			}
		}
	}
}
