package projects_test

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
	"linli/links"
	"linli/projects"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/votes"
)

// fixture is one engine's database with the demo places and accounts, the
// seed case categories, a links registry and the projects service on a
// fake clock.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	clock  *linli.FakeClock
	reg    *registry.Service
	cases  *cases.Service
	links  *links.Registry
	deps   capability.Deps
	svc    *projects.Service
	actors map[string]*linli.Actor
}

func newFixture(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	w := demotest.New(t, db, time.Date(2027, 3, 2, 1, 0, 0, 0, time.UTC))
	zone, clock, reg := w.Zone, w.Clock, w.Registry
	cs := w.Cases
	lr := w.Links
	d := capability.Deps{DB: db, Clock: clock, Zone: zone, Calendar: cs.WorkingCalendar, Links: lr, Registry: reg, Auth: w.Auth, Cases: cs}
	f := &fixture{t: t, ctx: ctx, db: db, clock: clock, reg: reg, cases: cs, links: lr, deps: d, svc: projects.New(d, nil), actors: map[string]*linli.Actor{}}
	w.AddActors(t, f.actors, "xueyuan", "grid1", "resident", "rep", "jixiang", "jxresident", "contractor", "building")
	return f
}

// gateFunc stands in for the votes capability's ProjectGate.
type gateFunc func(ctx context.Context, projectID int64) ([]string, error)

func (g gateFunc) HouseholdBills(ctx context.Context, a *linli.Actor, projectID int64) ([]votes.HouseholdBill, error) {
	return nil, nil
}

func (g gateFunc) ProjectGate(ctx context.Context, projectID int64) ([]string, error) {
	return g(ctx, projectID)
}

// useGate rebuilds the service with fn as its vote gate (the service holds
// nothing but its dependencies, so the data stays).
func (f *fixture) useGate(fn gateFunc) { f.svc = projects.New(f.deps, fn) }

var pBuilding = []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"}

func (f *fixture) node(names ...string) registry.Node {
	f.t.Helper()
	n, err := f.reg.FindNode(f.ctx, names)
	if err != nil {
		f.t.Fatalf("node %v: %v", names, err)
	}
	return n
}

func (f *fixture) a(u string) *linli.Actor {
	f.t.Helper()
	a, ok := f.actors[u]
	if !ok {
		f.t.Fatalf("no actor %s", u)
	}
	return a
}

// elevator creates the seed story's project: eight unit scopes of
// 荟萃花园南区 1号楼.
func (f *fixture) elevator(public bool) projects.Project {
	f.t.Helper()
	var scope []int64
	for _, u := range []string{"1单元", "2单元", "3单元", "4单元", "5单元", "6单元", "7单元", "8单元"} {
		scope = append(scope, f.node(append(slices.Clone(pBuilding), u)...).ID)
	}
	p, err := f.svc.Create(f.ctx, f.a("xueyuan"), projects.ProjectInput{CommunityID: f.node(pBuilding[:4]...).ID, Scope: scope,
		Title: "荟萃花园南区1号楼加装电梯", Kind: "elevator", Description: "1号楼8个单元各加装一部电梯", BudgetFen: 2_400_000_00, Public: public})
	if err != nil {
		f.t.Fatalf("create: %v %v", err, linli.ErrorFields(err))
	}
	return p
}

func (f *fixture) advance(p projects.Project, in projects.AdvanceInput) projects.Project {
	f.t.Helper()
	f.clock.Advance(24 * time.Hour)
	q, err := f.svc.Advance(f.ctx, f.a("xueyuan"), p.ID, in)
	if err != nil {
		f.t.Fatalf("advance %s → %s: %v %v", p.Phase, in.To, err, linli.ErrorFields(err))
	}
	return q
}

func hasField(err error, field string) bool {
	for _, fe := range linli.ErrorFields(err) {
		if fe.Field == field {
			return true
		}
	}
	return false
}

func TestProjectAdvanceGate(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, staff := f.ctx, f.a("xueyuan")
		p := f.elevator(true)
		if p.Phase != projects.Proposal || len(p.Scope) != 8 || p.Place != "荟萃花园南区 1号楼" {
			t.Fatalf("created %+v", p)
		}

		// Leaving a phase without its outcome, or skipping one: 409 naming what is missing.
		_, err := f.svc.Advance(ctx, staff, p.ID, projects.AdvanceInput{To: projects.Consultation})
		if linli.ErrorCode(err) != linli.EConflict || !hasField(err, "proposer") || !hasField(err, "outcome") {
			t.Fatalf("advance without proposal: %v %v", err, linli.ErrorFields(err))
		}
		_, err = f.svc.Advance(ctx, staff, p.ID, projects.AdvanceInput{To: projects.ConsentVote, Proposer: "3单元居民", Outcome: "加装电梯"})
		if linli.ErrorCode(err) != linli.EConflict || !strings.Contains(linli.ErrorMessage(err), "协商") {
			t.Fatalf("skipping consultation: %v", err)
		}
		p = f.advance(p, projects.AdvanceInput{To: projects.Consultation, Proposer: "3单元602等12户居民", Outcome: "为1号楼8个单元加装电梯"})
		p = f.advance(p, projects.AdvanceInput{To: projects.ConsentVote, Outcome: "召开三次协调会"})

		// The vote gate: no hook means no vote held; the hook's lines are shown.
		_, err = f.svc.Advance(ctx, staff, p.ID, projects.AdvanceInput{To: projects.Approval})
		if linli.ErrorCode(err) != linli.EConflict || !strings.Contains(linli.ErrorMessage(err), "尚未发起表决") {
			t.Fatalf("no vote gate: %v", err)
		}
		var asked []int64
		missing := []string{"3单元：还需2户同意", "3-1-102 须单独同意"}
		f.useGate(func(_ context.Context, id int64) ([]string, error) { asked = append(asked, id); return missing, nil })
		_, err = f.svc.Advance(ctx, staff, p.ID, projects.AdvanceInput{To: projects.Approval})
		if linli.ErrorCode(err) != linli.EConflict || !strings.Contains(linli.ErrorMessage(err), "还需2户同意") || !strings.Contains(linli.ErrorMessage(err), "3-1-102") {
			t.Fatalf("vote gate lines: %v", err)
		}
		if len(asked) == 0 || asked[0] != p.ID {
			t.Fatalf("VoteGate asked for %v, want %d", asked, p.ID)
		}
		missing = nil
		p = f.advance(p, projects.AdvanceInput{To: projects.Approval})

		// Approval needs number, department and date.
		_, err = f.svc.Advance(ctx, staff, p.ID, projects.AdvanceInput{To: projects.Construction, ApprovalNumber: "运盐住建〔2027〕18号"})
		if linli.ErrorCode(err) != linli.EConflict || !hasField(err, "approval_department") || !hasField(err, "approval_date") || hasField(err, "approval_number") {
			t.Fatalf("approval: %v %v", err, linli.ErrorFields(err))
		}
		p = f.advance(p, projects.AdvanceInput{To: projects.Construction, ApprovalNumber: "运盐住建〔2027〕18号", ApprovalDepartment: "盐湖区住房和城乡建设局", ApprovalDate: "2027-04-10"})
		if p.ApprovalNumber != "运盐住建〔2027〕18号" {
			t.Errorf("approval not kept: %+v", p)
		}

		// Construction needs contractor, schedule and no open complaint.
		_, err = f.svc.Advance(ctx, staff, p.ID, projects.AdvanceInput{To: projects.Acceptance})
		if !hasField(err, "contractor") || !hasField(err, "schedule") {
			t.Fatalf("construction without contractor: %v %v", err, linli.ErrorFields(err))
		}
		if p, err = f.svc.SetConstruction(ctx, staff, p.ID, projects.ConstructionInput{Contractor: "晋安电梯安装有限公司", StartDate: "2027-05-01",
			EndDate: "2027-09-30", WorkHours: []string{"7:00-12:00", "13:00-19:00"}, QuietHours: []string{"12:00-13:00"}}); err != nil {
			t.Fatal(err, linli.ErrorFields(err))
		}
		c, err := f.svc.Complain(ctx, f.a("resident"), p.ID, projects.ComplaintInput{Category: "noise", Title: "午休时间电钻噪声"})
		if err != nil {
			t.Fatal(err, linli.ErrorFields(err))
		}
		_, err = f.svc.Advance(ctx, staff, p.ID, projects.AdvanceInput{To: projects.Acceptance})
		if linli.ErrorCode(err) != linli.EConflict || !hasField(err, "complaints") || !strings.Contains(linli.ErrorMessage(err), c.Number) || hasField(err, "contractor") {
			t.Fatalf("open complaint: %v %v", err, linli.ErrorFields(err))
		}
		if _, err := f.cases.Act(ctx, staff, c.ID, cases.ActionInput{Action: cases.ActReject, Reason: "已由项目调整施工时间解决"}); err != nil {
			t.Fatal(err, linli.ErrorFields(err))
		}
		p = f.advance(p, projects.AdvanceInput{To: projects.Acceptance})

		// Acceptance needs a passed record.
		_, err = f.svc.Advance(ctx, staff, p.ID, projects.AdvanceInput{To: projects.InService, AcceptanceDate: "2027-10-20", AcceptanceParticipants: "住建局、施工方、居民代表"})
		if !hasField(err, "acceptance_passed") {
			t.Fatalf("acceptance not passed: %v", err)
		}
		p = f.advance(p, projects.AdvanceInput{To: projects.InService, AcceptanceDate: "2027-10-20", AcceptancePassed: true, AcceptanceParticipants: "住建局、施工方、居民代表"})
		if p.Phase != projects.InService || !p.CompletedAt.Equal(f.clock.Now().Truncate(time.Millisecond)) || !p.AcceptancePassed {
			t.Fatalf("in service: %+v (now %v)", p, f.clock.Now())
		}
		if _, err := f.svc.Advance(ctx, staff, p.ID, projects.AdvanceInput{}); linli.ErrorCode(err) != linli.EConflict {
			t.Fatalf("advance past in service: %v", err)
		}
		d, err := f.svc.Detail(ctx, staff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Phases) != 7 || d.Phases[0].Outcome == "" || !strings.Contains(d.Phases[0].Outcome, "3单元602等12户居民") || d.Phases[6].LeftAt.IsZero() == false {
			t.Errorf("phase history %+v", d.Phases)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'project' AND entity_id = ? AND action = 'project.advance'`, p.ID).Scan(&n); err != nil || n != 6 {
			t.Errorf("audit rows for advance: %d %v", n, err)
		}
	})
}

func TestProjectComplaintOpensLinkedCase(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, staff := f.ctx, f.a("xueyuan")
		p := f.elevator(true)
		if _, err := f.svc.Complain(ctx, f.a("resident"), p.ID, projects.ComplaintInput{Title: "噪声"}); linli.ErrorCode(err) != linli.EConflict {
			t.Fatalf("complaint before construction: %v", err)
		}
		exec(t, db, `UPDATE projects SET phase = 'construction' WHERE id = ?`, p.ID)
		c, err := f.svc.Complain(ctx, f.a("resident"), p.ID, projects.ComplaintInput{Category: "noise", Title: "午休时间电钻噪声", Description: "12点到14点仍在施工"})
		if err != nil {
			t.Fatal(err, linli.ErrorFields(err))
		}
		if c.Source != cases.SourceResident || c.Category != "噪声扰民" {
			t.Errorf("resident complaint: source %s category %s", c.Source, c.Category)
		}
		ls, err := links.List(ctx, db, links.Ref{Kind: links.KindCase, ID: c.ID})
		if err != nil || len(ls) != 1 || ls[0].From != (links.Ref{Kind: links.KindProject, ID: p.ID}) || ls[0].Rel != "complaint" {
			t.Fatalf("links %+v %v", ls, err)
		}
		// The case page's links show the project (resolver registered).
		items, err := f.links.Items(ctx, f.a("resident"), links.Ref{Kind: links.KindCase, ID: c.ID})
		if err != nil || len(items) != 1 || items[0].URL != "/projects/"+itoa(p.ID) || items[0].Title != p.Title {
			t.Fatalf("case links %+v %v", items, err)
		}
		// Staff record a call: a hotline case with the caller's name.
		c2, err := f.svc.Complain(ctx, staff, p.ID, projects.ComplaintInput{Category: "parking", Title: "材料堆放堵塞消防通道", ReporterName: "王大爷"})
		if err != nil {
			t.Fatal(err, linli.ErrorFields(err))
		}
		if c2.Source != cases.SourceHotline || c2.ReporterName != "王大爷" {
			t.Errorf("staff complaint: %s %s", c2.Source, c2.ReporterName)
		}
		if _, err := f.svc.Complain(ctx, staff, p.ID, projects.ComplaintInput{Category: "no_such_category", Title: "x"}); linli.ErrorCode(err) == "" {
			t.Error("unknown category accepted")
		}

		// A measure per complaint: shown on the project, told to followers.
		if err := f.svc.Follow(ctx, f.a("resident"), p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RecordMeasure(ctx, f.a("resident"), p.ID, c.ID, "x"); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("resident records a measure: %v", err)
		}
		if _, err := f.svc.RecordMeasure(ctx, staff, p.ID, c.ID, " "); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("empty measure: %v", err)
		}
		if _, err := f.svc.RecordMeasure(ctx, staff, p.ID, 999999, "x"); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("measure on a case of no project: %v", err)
		}
		if _, err := f.svc.RecordMeasure(ctx, staff, p.ID, c.ID, "施工时间调整为8:00–12:00、14:30–18:00"); err != nil {
			t.Fatal(err)
		}
		d, err := f.svc.Detail(ctx, f.a("resident"), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Complaints) != 2 || d.Complaints[0].Number != c.Number || len(d.Complaints[0].Measures) != 1 || !d.Complaints[0].Open {
			t.Fatalf("complaints %+v", d.Complaints)
		}
		if d.Complaints[0].Title == "" || d.Complaints[1].Title != "" {
			t.Errorf("the resident sees the own complaint's title only: %q %q", d.Complaints[0].Title, d.Complaints[1].Title)
		}
		ns, _, err := f.cases.Notifications(ctx, f.a("resident"), 10)
		if err != nil || len(ns) == 0 || ns[0].Kind != "project_update" || ns[0].RefKind != links.KindProject || ns[0].RefID != p.ID || !strings.Contains(ns[0].Text, "施工时间调整") {
			t.Fatalf("notifications %+v %v", ns, err)
		}
		if ns[0].URL() != "/projects/"+itoa(p.ID) {
			t.Errorf("bell URL %s", ns[0].URL())
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// exec runs one statement, to put a project in a state directly.
func exec(t *testing.T, db *storage.DB, q string, args ...any) {
	t.Helper()
	if err := db.InTx(context.Background(), func(tx *storage.Tx) error { _, err := tx.Exec(context.Background(), q, args...); return err }); err != nil {
		t.Fatal(err)
	}
}

func TestProjectFollowersNotified(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, staff, res := f.ctx, f.a("xueyuan"), f.a("resident")
		p := f.elevator(true)
		unread := func(a *linli.Actor) []cases.Notification {
			ns, _, err := f.cases.Notifications(ctx, a, 50)
			if err != nil {
				t.Fatal(err)
			}
			var out []cases.Notification
			for _, n := range ns {
				if n.Kind == "project_update" {
					out = append(out, n)
				}
			}
			return out
		}
		if err := f.svc.Follow(ctx, res, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Follow(ctx, res, p.ID); err != nil {
			t.Fatalf("following twice: %v", err)
		}
		if err := f.svc.Follow(ctx, f.a("jxresident"), p.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Fatalf("a resident of another community follows: %v", err)
		}
		p = f.advance(p, projects.AdvanceInput{To: projects.Consultation, Proposer: "居民", Outcome: "加装电梯"})
		ns := unread(res)
		if len(ns) != 1 || !strings.Contains(ns[0].Text, "协商") {
			t.Fatalf("after a phase change: %+v", ns)
		}
		if len(unread(staff)) != 0 {
			t.Error("the one who advanced is notified (or staff who do not follow)")
		}
		// Milestone completion notifies; progress short of 100 does not.
		root, err := f.svc.AddMilestone(ctx, staff, p.ID, projects.MilestoneInput{Title: "3单元电梯"})
		if err != nil {
			t.Fatal(err)
		}
		w2 := 2
		a, err := f.svc.AddMilestone(ctx, staff, p.ID, projects.MilestoneInput{ParentID: root.ID, Title: "井道施工", Weight: &w2})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.svc.AddMilestone(ctx, staff, p.ID, projects.MilestoneInput{ParentID: root.ID, Title: "设备安装"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetProgress(ctx, staff, p.ID, root.ID, 50); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("progress of a parent set directly: %v", err)
		}
		if _, err := f.svc.SetProgress(ctx, staff, p.ID, a.ID, 101); linli.ErrorCode(err) != linli.EInvalid {
			t.Errorf("progress 101: %v", err)
		}
		if _, err := f.svc.SetProgress(ctx, staff, p.ID, a.ID, 50); err != nil {
			t.Fatal(err)
		}
		if len(unread(res)) != 1 {
			t.Error("50% notified")
		}
		if _, err := f.svc.SetProgress(ctx, staff, p.ID, a.ID, 100); err != nil {
			t.Fatal(err)
		}
		got, _ := f.svc.Get(ctx, staff, p.ID)
		if got.Progress != 66 {
			t.Errorf("project progress %d, want 66 (2/3 rounded down)", got.Progress)
		}
		m, err := f.svc.SetProgress(ctx, staff, p.ID, b.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if m.Computed != 100 || m.DoneAt.IsZero() {
			t.Errorf("leaf done: %+v", m)
		}
		ns = unread(res)
		var texts []string
		for _, n := range ns {
			texts = append(texts, n.Text)
		}
		joined := strings.Join(texts, "|")
		// Only the top-level milestone's completion rings the bell; its
		// steps go onto the feed.
		if len(ns) != 2 || !strings.Contains(joined, "里程碑完成：3单元电梯") || strings.Contains(joined, "井道施工") || strings.Contains(joined, "设备安装") {
			t.Errorf("milestone notifications: %v", texts)
		}
		d, _ := f.svc.Detail(ctx, res, p.ID)
		if d.Project.Progress != 100 || len(d.Updates) < 4 || !d.Following || d.Followers != 1 {
			t.Errorf("detail: progress %d, %d updates, following %v (%d)", d.Project.Progress, len(d.Updates), d.Following, d.Followers)
		}
		var feed []string
		for _, u := range d.Updates {
			feed = append(feed, u.Text)
		}
		for _, want := range []string{"里程碑完成：井道施工", "里程碑完成：设备安装", "里程碑完成：3单元电梯"} {
			if !slices.Contains(feed, want) {
				t.Errorf("feed lacks %q: %v", want, feed)
			}
		}
		// A top-level milestone without steps notifies when done.
		top, err := f.svc.AddMilestone(ctx, staff, p.ID, projects.MilestoneInput{Title: "4单元电梯"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetProgress(ctx, staff, p.ID, top.ID, 100); err != nil {
			t.Fatal(err)
		}
		if ns := unread(res); len(ns) != 3 || !strings.Contains(ns[0].Text, "里程碑完成：4单元电梯") {
			t.Errorf("a top-level leaf done: %+v", ns)
		}
		// Notes and changed working hours still notify.
		if _, err := f.svc.PostUpdate(ctx, staff, p.ID, "3单元电梯通过验收"); err != nil {
			t.Fatal(err)
		}
		exec(t, db, `UPDATE projects SET phase = 'construction' WHERE id = ?`, p.ID)
		hours := projects.ConstructionInput{Contractor: "运城市建安公司", StartDate: "2027-04-01", EndDate: "2027-08-31", WorkHours: []string{"08:00-12:00", "14:00-18:00"}}
		if _, err := f.svc.SetConstruction(ctx, staff, p.ID, hours); err != nil {
			t.Fatal(err)
		}
		hours.WorkHours, hours.Reason = []string{"08:00-12:00", "14:30-18:00"}, "居民反映午休噪声"
		if _, err := f.svc.SetConstruction(ctx, staff, p.ID, hours); err != nil {
			t.Fatal(err)
		}
		if ns := unread(res); len(ns) != 5 || !strings.Contains(ns[1].Text, "3单元电梯通过验收") || !strings.Contains(ns[0].Text, "施工时间调整") {
			t.Errorf("note and hours: %+v", ns)
		}
		// Each notification has its English: the service's words in
		// English, a typed note as typed; so has the feed on an English page.
		ns = unread(res)
		for _, n := range ns {
			if n.TextEN == "" || strings.ContainsAny(n.TextEN, "：「」") || strings.Contains(n.TextEN, "里程碑") || strings.Contains(n.TextEN, "施工时间") {
				t.Errorf("notification %q has English %q", n.Text, n.TextEN)
			}
		}
		if want := p.Title + ": Construction hours changed to 08:00–12:00, 14:30–18:00 (居民反映午休噪声)"; ns[0].TextEN != want {
			t.Errorf("hours in English: %q, want %q", ns[0].TextEN, want)
		}
		if want := p.Title + ": 3单元电梯通过验收"; ns[1].TextEN != want {
			t.Errorf("a note in English: %q, want %q", ns[1].TextEN, want)
		}
		// A notification stored before text_en was filled reads in
		// English too (RegisterNotificationEnglish).
		exec(t, db, `INSERT INTO notifications (account_id, at, kind, ref_kind, ref_id, text, text_en) VALUES (?, 1, 'project_update', 'project', ?, ?, '')`,
			res.AccountID, p.ID, p.Title+"：里程碑完成：2单元电梯")
		exec(t, db, `INSERT INTO notifications (account_id, at, kind, ref_kind, ref_id, text, text_en) VALUES (?, 1, 'project_update', 'project', ?, ?, '')`,
			res.AccountID, p.ID, p.Title+"：2单元电梯井道开挖完成")
		all, _, err := f.cases.Notifications(ctx, res, 200)
		if err != nil {
			t.Fatal(err)
		}
		var old []string
		for _, n := range all {
			if n.At.UnixMilli() == 1 {
				old = append(old, n.TextIn("en"))
			}
		}
		if want := []string{p.Title + ": 2单元电梯井道开挖完成", p.Title + ": Milestone done: 2单元电梯"}; !slices.Equal(old, want) {
			t.Errorf("old notifications in English: %q, want %q", old, want)
		}
		d, _ = f.svc.Detail(ctx, res, p.ID)
		var en []string
		for _, u := range d.Updates {
			en = append(en, u.TextIn("en"))
		}
		for _, want := range []string{"Milestone done: 井道施工", "Entered the phase “Consultation” (Proposal: Proposed by: 居民; Proposal: 加装电梯)"} {
			if !slices.Contains(en, want) {
				t.Errorf("English feed lacks %q: %q", want, en)
			}
		}
		// Unfollowed: no more notifications.
		if err := f.svc.Unfollow(ctx, res, p.ID); err != nil {
			t.Fatal(err)
		}
		before := len(unread(res))
		if _, err := f.svc.PostUpdate(ctx, staff, p.ID, "3单元电梯井道开挖完成"); err != nil {
			t.Fatal(err)
		}
		if len(unread(res)) != before {
			t.Error("notified after unfollowing")
		}
	})
}

// unitProject creates a project on some units of 荟萃花园南区 1号楼 (the
// demo resident lives in 3单元).
func (f *fixture) unitProject(public bool, units ...string) projects.Project {
	f.t.Helper()
	var scope []int64
	for _, u := range units {
		scope = append(scope, f.node(append(slices.Clone(pBuilding), u)...).ID)
	}
	p, err := f.svc.Create(f.ctx, f.a("xueyuan"), projects.ProjectInput{CommunityID: f.node(pBuilding[:4]...).ID, Scope: scope,
		Title: strings.Join(units, "、") + "楼道照明", Kind: "lighting", Public: public})
	if err != nil {
		f.t.Fatalf("create: %v %v", err, linli.ErrorFields(err))
	}
	return p
}

// TestProjectVisibility: residents of a household inside the scope read
// a project, public or not; other residents of the community read only
// public ones; other communities nothing.
func TestProjectVisibility(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := f.ctx
		pub, hidden := f.elevator(true), f.elevator(false)
		// Projects on 1单元 only: the resident of 3单元 is outside them.
		other, otherPub := f.unitProject(false, "1单元"), f.unitProject(true, "1单元")
		for _, tc := range []struct {
			who          string
			id           int64
			read, manage string // error codes, "" = allowed
		}{
			{"xueyuan", hidden.ID, "", ""},
			{"grid1", hidden.ID, "", linli.EForbidden},
			{"building", hidden.ID, "", linli.EForbidden},
			{"contractor", hidden.ID, "", linli.EForbidden},
			{"resident", pub.ID, "", linli.EForbidden},
			{"resident", hidden.ID, "", linli.EForbidden}, // lives in the scope
			{"resident", otherPub.ID, "", linli.EForbidden},
			{"resident", other.ID, linli.ENotFound, linli.ENotFound}, // neither in the scope nor public
			{"jixiang", pub.ID, linli.ENotFound, linli.ENotFound},
			{"jxresident", pub.ID, linli.ENotFound, linli.ENotFound},
			{"jxresident", otherPub.ID, linli.ENotFound, linli.ENotFound},
		} {
			_, err := f.svc.Get(ctx, f.a(tc.who), tc.id)
			if linli.ErrorCode(err) != tc.read {
				t.Errorf("%s reads %d: %v, want %q", tc.who, tc.id, err, tc.read)
			}
			_, err = f.svc.AddMilestone(ctx, f.a(tc.who), tc.id, projects.MilestoneInput{Title: "x"})
			if linli.ErrorCode(err) != tc.manage {
				t.Errorf("%s manages %d: %v, want %q", tc.who, tc.id, err, tc.manage)
			}
		}
		ids := func(who string) []int64 {
			ps, err := f.svc.List(ctx, f.a(who), projects.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, p := range ps {
				out = append(out, p.ID)
			}
			return out
		}
		if got := ids("resident"); !slices.Equal(got, []int64{otherPub.ID, hidden.ID, pub.ID}) {
			t.Errorf("resident lists %v, want %v", got, []int64{otherPub.ID, hidden.ID, pub.ID})
		}
		if got := ids("xueyuan"); len(got) != 4 {
			t.Errorf("staff lists %v", got)
		}
		if got := ids("jixiang"); len(got) != 0 {
			t.Errorf("other community lists %v", got)
		}

		// The resident in the scope follows the project that is not public,
		// complains during construction and rates it once in service; it
		// stays off the happiness list.
		res := f.a("resident")
		if err := f.svc.Follow(ctx, res, hidden.ID); err != nil {
			t.Fatalf("resident in the scope follows: %v", err)
		}
		if err := f.svc.Follow(ctx, res, other.ID); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("resident outside the scope follows a project that is not public: %v", err)
		}
		exec(t, db, `UPDATE projects SET phase = 'construction' WHERE id IN (?, ?)`, hidden.ID, other.ID)
		if _, err := f.svc.Complain(ctx, res, hidden.ID, projects.ComplaintInput{Category: "noise", Title: "夜间施工噪声"}); err != nil {
			t.Fatalf("resident in the scope complains: %v %v", err, linli.ErrorFields(err))
		}
		if _, err := f.svc.Complain(ctx, res, other.ID, projects.ComplaintInput{Category: "noise", Title: "噪声"}); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("resident outside the scope complains: %v", err)
		}
		exec(t, db, `UPDATE projects SET phase = 'in_service', completed_at = ? WHERE id IN (?, ?, ?)`, storage.Millis(f.clock.Now()), hidden.ID, other.ID, otherPub.ID)
		if err := f.svc.Rate(ctx, res, hidden.ID, projects.RatingInput{Rating: "satisfied"}); err != nil {
			t.Fatalf("resident in the scope rates: %v", err)
		}
		if err := f.svc.Rate(ctx, res, other.ID, projects.RatingInput{Rating: "satisfied"}); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("resident outside the scope rates a project that is not public: %v", err)
		}
		d, err := f.svc.Detail(ctx, res, hidden.ID)
		if err != nil || !d.Following || d.Satisfaction.Mine != "satisfied" || len(d.Complaints) != 1 {
			t.Errorf("detail for the resident in the scope: %+v %v", d, err)
		}
		es, err := f.svc.HappinessEntries(ctx, hidden.CommunityID)
		if err != nil {
			t.Fatal(err)
		}
		var listed []int64
		for _, e := range es {
			listed = append(listed, e.ID)
		}
		if !slices.Equal(listed, []int64{otherPub.ID}) {
			t.Errorf("happiness list %v: only the public project in service, want %v", listed, otherPub.ID)
		}
		// Creating: a reader may not; bad input names its fields.
		_, err = f.svc.Create(ctx, f.a("grid1"), projects.ProjectInput{CommunityID: pub.CommunityID, Scope: []int64{pub.Scope[0].ID}, Title: "x", Kind: "elevator"})
		if linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("grid worker creates: %v", err)
		}
		jx := f.node("运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼")
		_, err = f.svc.Create(ctx, f.a("xueyuan"), projects.ProjectInput{CommunityID: pub.CommunityID, Scope: []int64{jx.ID, pub.CommunityID}, Title: "", Kind: "rocket", BudgetFen: -1})
		for _, field := range []string{"title", "kind", "budget_fen", "scope[0]", "scope[1]"} {
			if !hasField(err, field) {
				t.Errorf("create with bad input: no %s in %v", field, linli.ErrorFields(err))
			}
		}
	})
}

func TestProjectHappinessEntries(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx, staff := f.ctx, f.a("xueyuan")
		p := f.elevator(true)
		hidden := f.elevator(false)
		exec(t, db, `UPDATE projects SET phase = 'in_service', completed_at = ? WHERE id IN (?, ?)`, storage.Millis(f.clock.Now()), p.ID, hidden.ID)
		if _, err := f.svc.AddThanks(ctx, staff, p.ID, projects.ThanksInput{Kind: "banner", From: "1号楼全体居民", Text: "为民办实事 电梯暖人心", Date: "2027-11-02"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddThanks(ctx, staff, p.ID, projects.ThanksInput{Kind: "flag", Date: "2.11"}); !hasField(err, "kind") || !hasField(err, "from") || !hasField(err, "text") || !hasField(err, "date") {
			t.Errorf("bad thanks: %v", linli.ErrorFields(err))
		}
		// The thanks go onto the public list: no phone or room numbers.
		_, err := f.svc.AddThanks(ctx, staff, p.ID, projects.ThanksInput{Kind: "letter", From: "3单元602室住户", Text: "有事请打13912345678"})
		if linli.ErrorCode(err) != linli.EInvalid || !hasField(err, "from") || !hasField(err, "text") {
			t.Errorf("thanks with a room and a phone number: %v %v", err, linli.ErrorFields(err))
		}
		// Texts written for the project's readers are scrubbed on the list.
		exec(t, db, `UPDATE projects SET description = ? WHERE id = ?`, "3单元602室王大爷牵头，联系电话13912345678", p.ID)
		if err := f.svc.Rate(ctx, f.a("resident"), p.ID, projects.RatingInput{Rating: "satisfied"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Rate(ctx, f.a("resident"), p.ID, projects.RatingInput{Rating: "basic"}); linli.ErrorCode(err) != linli.EConflict {
			t.Errorf("second rating: %v", err)
		}
		if err := f.svc.Rate(ctx, f.a("rep"), p.ID, projects.RatingInput{Rating: "great"}); linli.ErrorCode(err) != linli.EInvalid && linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("bad rating: %v", err)
		}
		if err := f.svc.Rate(ctx, f.a("xueyuan"), p.ID, projects.RatingInput{Rating: "satisfied"}); linli.ErrorCode(err) != linli.EForbidden {
			t.Errorf("staff rating: %v", err)
		}
		es, err := f.svc.HappinessEntries(ctx, p.CommunityID)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 {
			t.Fatalf("entries %+v", es)
		}
		e := es[0]
		if e.Kind != "project" || e.ID != p.ID || e.Place != "荟萃花园南区 1号楼" || e.Rated != 1 || e.Satisfied != 1 || len(e.Thanks) != 1 ||
			e.Thanks[0].Text != "为民办实事 电梯暖人心" || e.DoneAt.IsZero() || e.Summary == "" {
			t.Errorf("entry %+v", e)
		}
		if got := e.Thanks[0].At.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"); got != "2027-11-02" {
			t.Errorf("thanks date %s", got)
		}
		if strings.Contains(e.Summary, "602") || strings.Contains(e.Summary, "13912345678") || !strings.Contains(e.Summary, "3单元") {
			t.Errorf("summary not scrubbed: %q", e.Summary)
		}
		// A thanks recorded before the rule (straight into the table) is
		// scrubbed too.
		exec(t, db, `UPDATE project_thanks SET from_name = ?, text = ? WHERE project_id = ?`, "3单元602住户", "电话13912345678", p.ID)
		es, err = f.svc.HappinessEntries(ctx, p.CommunityID)
		if err != nil || len(es) != 1 || len(es[0].Thanks) != 1 {
			t.Fatalf("entries %+v %v", es, err)
		}
		if th := es[0].Thanks[0]; strings.Contains(th.From, "602") || strings.Contains(th.Text, "13912345678") {
			t.Errorf("thanks not scrubbed: %+v", th)
		}
	})
}
