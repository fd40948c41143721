package votes_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linli"
	"linli/auth"
	"linli/capability"
	"linli/consent"
	"linli/demo/demotest"
	"linli/links"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/votes"
)

// fixture is one engine's database with the demo places and accounts and
// the votes service on a fake clock.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	clock  *linli.FakeClock
	reg    *registry.Service
	au     *auth.Service
	svc    *votes.Service
	actors map[string]*linli.Actor
	unit   registry.Node // 荟萃花园南区 1号楼 3单元
	rooms  map[string]int64
	visits []links.Ref // subjects the visits hook was asked about
	// projects stand in for the projects capability (the Projects hook).
	projects map[int64]fakeProject
}

// fakeVisits stands in for the visits capability: it notes the subjects
// it was asked about.
type fakeVisits struct{ f *fixture }

func (v fakeVisits) ForHousehold(ctx context.Context, a *linli.Actor, subject links.Ref, householdID int64) ([]links.Item, error) {
	v.f.visits = append(v.f.visits, subject)
	return []links.Item{{Title: fmt.Sprintf("走访#%d", householdID), URL: "/visits/1"}}, nil
}

// fakeProjects stands in for the projects capability (f.projects).
type fakeProjects struct{ f *fixture }

func (p fakeProjects) VoteScope(ctx context.Context, a *linli.Actor, id int64) (votes.ProjectScope, error) {
	fp, ok := p.f.projects[id]
	if !ok || !a.Can(linli.PermProjectsRead, fp.community) {
		return votes.ProjectScope{}, linli.Errorf(linli.ENotFound, "项目不存在 / project not found")
	}
	return votes.ProjectScope{Scope: fp.scope, Manage: !fp.noManage && a.Can(linli.PermProjectsManage, fp.community)}, nil
}

// fakeProject is a project as the Projects hook describes it: readable by
// projects.read on its community, managed by projects.manage there unless
// noManage.
type fakeProject struct {
	community string
	scope     []registry.Node
	noManage  bool
}

var pUnit3 = []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼", "3单元"}

func newFixture(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	w := demotest.New(t, db, time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC))
	zone, clock, reg, au := w.Zone, w.Clock, w.Registry, w.Auth
	f := &fixture{t: t, ctx: ctx, db: db, clock: clock, reg: reg, au: au, actors: map[string]*linli.Actor{}, rooms: map[string]int64{}}
	f.projects = map[int64]fakeProject{}
	d := capability.Deps{DB: db, Clock: clock, Zone: zone, Registry: reg, Auth: au, Links: &links.Registry{DB: db}}
	f.svc = votes.New(d, fakeVisits{f}, fakeProjects{f})
	w.AddActors(t, f.actors, "xueyuan", "grid1", "resident", "jixiang", "unit", "property", "contractor", "dept")
	var err error
	if f.unit, err = reg.FindNode(ctx, pUnit3); err != nil {
		t.Fatal(err)
	}
	hs, _, err := reg.ListHouseholds(ctx, linli.System(), registry.HouseholdFilter{NodeID: f.unit.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		f.rooms[h.Room] = h.ID
	}
	if len(f.rooms) != 12 {
		t.Fatalf("unit 3 has %d households, want 12", len(f.rooms))
	}
	return f
}

func (f *fixture) actor(u string) *linli.Actor { return f.actors[u] }

// node finds a demo place by its names.
func (f *fixture) node(names ...string) registry.Node {
	f.t.Helper()
	n, err := f.reg.FindNode(f.ctx, names)
	if err != nil {
		f.t.Fatalf("node %v: %v", names, err)
	}
	return n
}

// project registers a project of 学苑社区 covering the given places.
func (f *fixture) project(id int64, scope ...registry.Node) {
	f.projects[id] = fakeProject{community: f.node(pUnit3[:4]...).Path, scope: scope}
}

// newVote opens a renovation vote for unit 3, open from now for 30 days.
func (f *fixture) newVote(in votes.VoteInput) votes.Vote {
	f.t.Helper()
	if in.ScopeID == 0 {
		in.ScopeID = f.unit.ID
	}
	if in.Title == "" {
		in.Title = "3单元加装电梯意见征询"
	}
	if in.Matter == "" {
		in.Matter = consent.Renovation
	}
	if in.OpensAt.IsZero() {
		in.OpensAt = f.clock.Now()
	}
	if in.ClosesAt.IsZero() {
		in.ClosesAt = in.OpensAt.AddDate(0, 0, 30)
	}
	v, err := f.svc.CreateVote(f.ctx, f.actor("xueyuan"), in)
	if err != nil {
		f.t.Fatalf("create vote: %v %v", err, linli.ErrorFields(err))
	}
	return v
}

// paper records a paper ballot by the grid worker.
func (f *fixture) paper(voteID int64, room string, c consent.Choice, reason string) votes.Ballot {
	f.t.Helper()
	f.clock.Advance(time.Minute)
	b, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), voteID, votes.BallotInput{HouseholdID: f.rooms[room], Choice: c, Reason: reason,
		Method: votes.MethodPaper, Collector: "柴晓燕"})
	if err != nil {
		f.t.Fatalf("ballot %s: %v %v", room, err, linli.ErrorFields(err))
	}
	return b
}

func code(err error) string { return linli.ErrorCode(err) }

func rooms() []string {
	var out []string
	for fl := 1; fl <= 6; fl++ {
		out = append(out, fmt.Sprintf("%d01", fl), fmt.Sprintf("%d02", fl))
	}
	return out
}

// The story of the issue: paper ballots for the whole unit, one household
// objects, changes to agree, the objection is resolved and the tally
// turns valid; every ballot stays in the history, one per household counts.
func TestVoteBallotsObjectionAndTally(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.project(42, f.unit)
		v := f.newVote(votes.VoteInput{ProjectID: 42})
		for _, r := range rooms() {
			switch r {
			case "201":
				f.paper(v.ID, r, consent.Disagree, "担心墙体安全")
			case "301", "302":
				// not yet
			default:
				f.paper(v.ID, r, consent.Agree, "")
			}
		}
		d, err := f.svc.Detail(f.ctx, f.actor("xueyuan"), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 10 of 12 took part (≥ 2/3), 9 of 10 agree by head (≥ 3/4);
		// still valid or not depends on areas — check what the engine says
		// and that the objection is open.
		if d.Tally.ParticipatingOwners != 10 || d.Tally.AgreeOwners != 9 || d.Tally.Disagree != 1 {
			t.Fatalf("tally %+v", d.Tally)
		}
		if len(d.Objections) != 1 || !d.Objections[0].Open() || d.Objections[0].Reason != "担心墙体安全" || d.Objections[0].HouseholdID != f.rooms["201"] {
			t.Fatalf("objections %+v", d.Objections)
		}
		// The visits hook is asked about the project, and its items shown.
		if len(d.Objections[0].Visits) != 1 || !slices.Contains(f.visits, links.Ref{Kind: links.KindProject, ID: 42}) {
			t.Errorf("visits %v asked %v", d.Objections[0].Visits, f.visits)
		}
		o, err := f.svc.AddObjectionNote(f.ctx, f.actor("grid1"), v.ID, d.Objections[0].ID, "看了施工图纸，了解墙体加固方案")
		if err != nil || len(o.Notes) != 1 || !o.Open() {
			t.Fatalf("note: %+v %v", o, err)
		}
		// A note needs text.
		if _, err := f.svc.AddObjectionNote(f.ctx, f.actor("grid1"), v.ID, o.ID, "  "); code(err) != linli.EInvalid {
			t.Errorf("empty note: %v", err)
		}
		// A resident may not follow objections.
		if _, err := f.svc.AddObjectionNote(f.ctx, f.actor("resident"), v.ID, o.ID, "x"); code(err) != linli.EForbidden {
			t.Errorf("resident note: %v", err)
		}
		// 201 changes to agree; 301 and 302 vote: one ballot each counts.
		f.paper(v.ID, "201", consent.Agree, "看了图纸，同意")
		f.paper(v.ID, "301", consent.Agree, "")
		f.paper(v.ID, "302", consent.Abstain, "")
		f.paper(v.ID, "302", consent.Agree, "") // changed again
		d, err = f.svc.Detail(f.ctx, f.actor("xueyuan"), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Tally.ParticipatingOwners != 12 || d.Tally.AgreeOwners != 12 || !d.Tally.Valid || len(d.Tally.Missing) != 0 {
			t.Fatalf("tally after changes %+v", d.Tally)
		}
		var h201, h302 votes.VoteHousehold
		for _, h := range d.Households {
			switch h.Room {
			case "201":
				h201 = h
			case "302":
				h302 = h
			}
		}
		// The grid worker's paper ballot is not the owner's own change:
		// the objection stays open, noted, until staff close it.
		if len(h201.History) != 2 || h201.History[0].Choice != consent.Disagree || h201.Choice != consent.Agree || !h201.OpenObjection {
			t.Errorf("201 history %+v", h201)
		}
		if len(h302.History) != 2 || h302.History[0].Choice != consent.Abstain || h302.History[1].Collector != "柴晓燕" {
			t.Errorf("302 history %+v", h302)
		}
		ob := d.Objections[0]
		if !ob.Open() || len(ob.Notes) != 2 {
			t.Errorf("objection after a proxy's agree: %+v", ob)
		}
		// A grid worker may not close it; staff may, with a reason.
		if _, err := f.svc.ResolveObjection(f.ctx, f.actor("grid1"), v.ID, ob.ID, "已改投同意"); code(err) != linli.EForbidden {
			t.Errorf("grid worker resolves: %v", err)
		}
		if ob, err = f.svc.ResolveObjection(f.ctx, f.actor("xueyuan"), v.ID, ob.ID, "已电话核实，业主本人同意"); err != nil || ob.Open() {
			t.Fatalf("staff resolves: %+v %v", ob, err)
		}
		// A manual resolve of a resolved objection is a conflict.
		if _, err := f.svc.ResolveObjection(f.ctx, f.actor("xueyuan"), v.ID, ob.ID, "已沟通"); code(err) != linli.EConflict {
			t.Errorf("resolve twice: %v", err)
		}
		// The link project → vote was recorded.
		ls, err := links.List(f.ctx, db, links.Ref{Kind: links.KindVote, ID: v.ID})
		if err != nil || len(ls) != 1 || ls[0].From != (links.Ref{Kind: links.KindProject, ID: 42}) || ls[0].Rel != "vote" {
			t.Errorf("links %+v %v", ls, err)
		}
		// Every change left an audit row.
		var n int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'vote.%'`).Scan(&n); err != nil || n < 17 {
			t.Errorf("audit rows %d %v", n, err)
		}
	})
}

func TestVoteObjectionResolvedByHand(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		v := f.newVote(votes.VoteInput{})
		f.paper(v.ID, "101", consent.Disagree, "一楼采光受影响")
		f.paper(v.ID, "102", consent.Disagree, "") // no reason: no objection
		d, _ := f.svc.Detail(f.ctx, f.actor("xueyuan"), v.ID)
		if len(d.Objections) != 1 {
			t.Fatalf("objections %+v", d.Objections)
		}
		if f.visits[0] != (links.Ref{Kind: links.KindVote, ID: v.ID}) {
			t.Errorf("visits subject without a project: %v", f.visits)
		}
		if _, err := f.svc.ResolveObjection(f.ctx, f.actor("xueyuan"), v.ID, d.Objections[0].ID, ""); code(err) != linli.EInvalid {
			t.Errorf("resolve without a note: %v", err)
		}
		o, err := f.svc.ResolveObjection(f.ctx, f.actor("xueyuan"), v.ID, d.Objections[0].ID, "调整电梯位置，采光不受影响，户主仍保留意见")
		if err != nil || o.Open() || o.Resolution == "" {
			t.Fatalf("resolve: %+v %v", o, err)
		}
	})
}

func TestVoteOnlineBallotOnlyByOwner(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		v := f.newVote(votes.VoteInput{})
		res := f.actor("resident") // owner of 602
		b, err := f.svc.CastBallot(f.ctx, res, v.ID, votes.BallotInput{Choice: consent.Agree, Method: votes.MethodOnline})
		if err != nil || b.HouseholdID != f.rooms["602"] || b.Method != votes.MethodOnline {
			t.Fatalf("owner online: %+v %v", b, err)
		}
		// Another household: 403.
		_, err = f.svc.CastBallot(f.ctx, res, v.ID, votes.BallotInput{HouseholdID: f.rooms["601"], Choice: consent.Agree, Method: votes.MethodOnline})
		if code(err) != linli.EForbidden {
			t.Errorf("resident for 601: %v", err)
		}
		// Staff casting "online" for a household: 403 (they record paper).
		_, err = f.svc.CastBallot(f.ctx, f.actor("xueyuan"), v.ID, votes.BallotInput{HouseholdID: f.rooms["601"], Choice: consent.Agree, Method: votes.MethodOnline})
		if code(err) != linli.EForbidden {
			t.Errorf("staff online: %v", err)
		}
		// A family member with a resident grant on 601 is not an owner: 403.
		h, err := f.reg.AddMember(f.ctx, linli.System(), f.rooms["601"], registry.MemberInput{Name: "测试家属", Relation: registry.RelFamily, Phone: "13912345601"})
		if err != nil {
			t.Fatal(err)
		}
		var person int64
		for _, m := range h.Members {
			if m.Name == "测试家属" {
				person = m.PersonID
			}
		}
		acc, err := f.au.CreateAccount(f.ctx, linli.System(), auth.AccountInput{Username: "family601", DisplayName: "测试家属", Password: "Linli-demo-2026", PersonID: person})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.au.Grant(f.ctx, linli.System(), acc.ID, auth.GrantInput{Role: linli.RoleResident, NodeID: f.unit.ID, HouseholdID: f.rooms["601"]}); err != nil {
			t.Fatal(err)
		}
		fam, err := f.au.ActorByUsername(f.ctx, "family601")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.CastBallot(f.ctx, fam, v.ID, votes.BallotInput{HouseholdID: f.rooms["601"], Choice: consent.Agree, Method: votes.MethodOnline})
		if code(err) != linli.EForbidden {
			t.Errorf("family member online: %v", err)
		}
		// ...but the family member can see the vote (household under it).
		if _, err := f.svc.Vote(f.ctx, fam, v.ID); err != nil {
			t.Errorf("family member reading: %v", err)
		}
		// A resident may not record paper ballots; the property company
		// neither; another community's staff do not see the vote at all.
		for u, want := range map[string]string{"resident": linli.EForbidden, "property": linli.EForbidden, "jixiang": linli.ENotFound} {
			_, err := f.svc.CastBallot(f.ctx, f.actor(u), v.ID, votes.BallotInput{HouseholdID: f.rooms["601"], Choice: consent.Agree, Method: votes.MethodPaper, Collector: "某人"})
			if code(err) != want {
				t.Errorf("%s paper ballot: %v, want %s", u, err, want)
			}
		}
		// Paper ballots need the collector's name.
		_, err = f.svc.CastBallot(f.ctx, f.actor("unit"), v.ID, votes.BallotInput{HouseholdID: f.rooms["601"], Choice: consent.Agree, Method: votes.MethodPaper})
		if fe := linli.ErrorFields(err); code(err) != linli.EInvalid || len(fe) != 1 || fe[0].Field != "collector" {
			t.Errorf("no collector: %v %v", err, fe)
		}
		// The resident lists the vote over the own household; another
		// community's staff do not.
		if vs, err := f.svc.ListVotes(f.ctx, res, votes.VoteFilter{}); err != nil || len(vs) != 1 || vs[0].ID != v.ID {
			t.Errorf("resident list: %+v %v", vs, err)
		}
		if vs, err := f.svc.ListVotes(f.ctx, f.actor("jixiang"), votes.VoteFilter{}); err != nil || len(vs) != 0 {
			t.Errorf("jixiang list: %+v %v", vs, err)
		}
		// The resident sees the tally and only the own household.
		d, err := f.svc.Detail(f.ctx, res, v.ID)
		if err != nil || len(d.Households) != 1 || d.Households[0].Room != "602" || !slices.Equal(d.Can.MyHouseholds, []int64{f.rooms["602"]}) || d.Can.Record {
			t.Errorf("resident detail: %+v %v", d.Can, err)
		}
	})
}

func TestVoteBallotTimeWindow(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		opens := f.clock.Now().Add(24 * time.Hour)
		v := f.newVote(votes.VoteInput{OpensAt: opens, ClosesAt: opens.Add(7 * 24 * time.Hour)})
		if v.State != votes.StatePending {
			t.Errorf("state %s", v.State)
		}
		in := votes.BallotInput{HouseholdID: f.rooms["101"], Choice: consent.Agree, Method: votes.MethodPaper, Collector: "柴晓燕"}
		if _, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), v.ID, in); code(err) != linli.EConflict {
			t.Errorf("before opening: %v", err)
		}
		if _, err := f.svc.CastBallot(f.ctx, f.actor("resident"), v.ID, votes.BallotInput{Choice: consent.Agree, Method: votes.MethodOnline}); code(err) != linli.EConflict {
			t.Errorf("online before opening: %v", err)
		}
		f.clock.Set(opens)
		if _, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), v.ID, in); err != nil {
			t.Fatalf("at opening: %v", err)
		}
		f.clock.Set(opens.Add(7 * 24 * time.Hour)) // closes_at itself is too late
		if _, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), v.ID, in); code(err) != linli.EConflict {
			t.Errorf("at closing: %v", err)
		}
		// Closed by hand before its time.
		f.clock.Set(opens.Add(time.Hour))
		if _, err := f.svc.CloseVote(f.ctx, f.actor("grid1"), v.ID); code(err) != linli.EForbidden {
			t.Errorf("grid worker closing: %v", err)
		}
		c, err := f.svc.CloseVote(f.ctx, f.actor("xueyuan"), v.ID)
		if err != nil || c.State != votes.StateClosed {
			t.Fatalf("close: %+v %v", c, err)
		}
		if _, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), v.ID, in); code(err) != linli.EConflict {
			t.Errorf("after closing: %v", err)
		}
		if _, err := f.svc.CloseVote(f.ctx, f.actor("xueyuan"), v.ID); code(err) != linli.EConflict {
			t.Errorf("close twice: %v", err)
		}
	})
}

func TestVoteCreateChecksInput(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		now := f.clock.Now()
		building, _ := f.reg.FindNode(f.ctx, pUnit3[:7])
		_, err := f.svc.CreateVote(f.ctx, f.actor("xueyuan"), votes.VoteInput{ScopeID: building.ParentID, Title: "", Matter: "x",
			OpensAt: now, ClosesAt: now.Add(-time.Hour), RequiredRooms: []string{"999"}})
		fields := map[string]bool{}
		for _, fe := range linli.ErrorFields(err) {
			fields[fe.Field] = true
		}
		for _, want := range []string{"scope_id", "title", "matter", "closes_at"} {
			if !fields[want] {
				t.Errorf("no error on %s: %v %v", want, err, linli.ErrorFields(err))
			}
		}
		if _, err := f.svc.CreateVote(f.ctx, f.actor("grid1"), votes.VoteInput{ScopeID: f.unit.ID, Title: "x", Matter: consent.Ordinary, OpensAt: now, ClosesAt: now.Add(time.Hour)}); code(err) != linli.EForbidden {
			t.Errorf("grid worker opening a vote: %v", err)
		}
		// Room 102 in a building vote is ambiguous; "3单元102" is not.
		_, err = f.svc.CreateVote(f.ctx, f.actor("xueyuan"), votes.VoteInput{ScopeID: building.ID, Title: "1号楼", Matter: consent.Ordinary, OpensAt: now, ClosesAt: now.Add(time.Hour), RequiredRooms: []string{"102"}})
		if fe := linli.ErrorFields(err); len(fe) != 1 || fe[0].Field != "required_rooms" {
			t.Errorf("ambiguous room: %v %v", err, fe)
		}
		bv, err := f.svc.CreateVote(f.ctx, f.actor("xueyuan"), votes.VoteInput{ScopeID: building.ID, Title: "1号楼", Matter: consent.Ordinary, OpensAt: now, ClosesAt: now.Add(time.Hour), RequiredRooms: []string{"3单元102"}})
		if err != nil || !slices.Equal(bv.Required, []int64{f.rooms["102"]}) || bv.ScopeKind != registry.KindBuilding {
			t.Errorf("building vote %+v %v", bv, err)
		}
	})
}

// Unanimity and required consent appear in the tally's missing lines.
func TestVoteRequiredConsentAndUnanimity(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		v := f.newVote(votes.VoteInput{RequiredRooms: []string{"102"}, Unanimous: true})
		for _, r := range rooms() {
			c := consent.Agree
			if r == "102" || r == "101" {
				c = consent.Abstain
			}
			f.paper(v.ID, r, c, "")
		}
		tl, err := f.svc.Tally(f.ctx, f.actor("xueyuan"), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tl.Valid || tl.RequiredOK || tl.UnanimityOK || !tl.ParticipationOK || !tl.ApprovalOK {
			t.Fatalf("tally %+v", tl)
		}
		joined := strings.Join(tl.Missing, "\n")
		if !strings.Contains(joined, "1号楼3单元102户须同意") || !strings.Contains(joined, "须全体业主同意") {
			t.Errorf("missing lines: %s", joined)
		}
	})
}

// The gate asks for every unit the project covers: a unit without a vote,
// a vote still open and a vote that failed each hold the project back.
func TestVoteProjectGate(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		u4 := f.node(append(slices.Clone(pUnit3[:7]), "4单元")...)
		f.project(7, f.unit, u4)
		gate := func(id int64) []string {
			t.Helper()
			lines, err := f.svc.ProjectGate(f.ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return lines
		}
		lines := gate(7)
		if len(lines) != 2 || lines[0] != "荟萃花园南区1号楼3单元尚未表决 / 荟萃花园南区1号楼3单元 has no vote" || !strings.HasPrefix(lines[1], "荟萃花园南区1号楼4单元尚未表决") {
			t.Fatalf("no vote: %q", lines)
		}
		// Unit 3's vote, every household agreeing, still open: the
		// project does not pass, and unit 4 is still missing.
		v := f.newVote(votes.VoteInput{ProjectID: 7})
		for _, r := range rooms() {
			f.paper(v.ID, r, consent.Agree, "")
		}
		lines = gate(7)
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "荟萃花园南区1号楼3单元表决尚未结束") || !strings.HasPrefix(lines[1], "荟萃花园南区1号楼4单元尚未表决") {
			t.Fatalf("unit 3 open: %q", lines)
		}
		if _, err := f.svc.CloseVote(f.ctx, f.actor("xueyuan"), v.ID); err != nil {
			t.Fatal(err)
		}
		if lines = gate(7); len(lines) != 1 || !strings.HasPrefix(lines[0], "荟萃花园南区1号楼4单元尚未表决") {
			t.Fatalf("unit 3 closed: %q", lines)
		}
		// Unit 4's vote closes at its time without enough ballots.
		v4 := f.newVote(votes.VoteInput{ProjectID: 7, ScopeID: u4.ID, Title: "4单元加装电梯", ClosesAt: f.clock.Now().Add(48 * time.Hour)})
		f.clock.Advance(49 * time.Hour)
		if lines = gate(7); len(lines) != 1 || !strings.HasPrefix(lines[0], "荟萃花园南区1号楼4单元表决未通过：还需") || !strings.Contains(lines[0], "参与表决") {
			t.Fatalf("unit 4 failed: %q", lines)
		}
		// Held again: the new vote supersedes the failed one.
		again := f.newVote(votes.VoteInput{ProjectID: 7, ScopeID: u4.ID, Title: "4单元加装电梯（再次征询）"})
		if again.ID == v4.ID {
			t.Fatal("same vote")
		}
		hs, _, err := f.reg.ListHouseholds(f.ctx, linli.System(), registry.HouseholdFilter{NodeID: u4.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			f.clock.Advance(time.Minute)
			if _, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), again.ID, votes.BallotInput{HouseholdID: h.ID, Choice: consent.Agree, Method: votes.MethodPaper, Collector: "柴晓燕"}); err != nil {
				t.Fatal(err)
			}
		}
		if lines = gate(7); len(lines) != 1 || !strings.HasPrefix(lines[0], "荟萃花园南区1号楼4单元表决尚未结束") {
			t.Fatalf("unit 4 again, open: %q", lines)
		}
		f.clock.Advance(31 * 24 * time.Hour)
		if lines = gate(7); len(lines) != 0 {
			t.Fatalf("both valid and closed: %q", lines)
		}
		// Another project's gate is not affected by these votes.
		f.project(8, f.unit)
		if lines = gate(8); len(lines) != 1 || !strings.Contains(lines[0], "尚未表决") {
			t.Errorf("project 8: %q", lines)
		}
	})
}

// A building-wide vote covers each unit of a building project, reported
// once; a later vote of one unit covers that unit instead.
func TestVoteProjectGateBuildingVote(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		building := f.node(pUnit3[:7]...)
		f.project(8, building)
		lines, err := f.svc.ProjectGate(f.ctx, 8)
		if err != nil || len(lines) != 8 {
			t.Fatalf("no vote: %q %v", lines, err)
		}
		f.newVote(votes.VoteInput{ProjectID: 8, ScopeID: building.ID, Title: "1号楼加装电梯"})
		if lines, _ = f.svc.ProjectGate(f.ctx, 8); len(lines) != 1 || !strings.HasPrefix(lines[0], "荟萃花园南区1号楼表决尚未结束") {
			t.Fatalf("building vote open: %q", lines)
		}
		f.newVote(votes.VoteInput{ProjectID: 8, Title: "3单元加装电梯"})
		if lines, _ = f.svc.ProjectGate(f.ctx, 8); len(lines) != 2 || !strings.HasPrefix(lines[0], "荟萃花园南区1号楼表决尚未结束") || !strings.HasPrefix(lines[1], "荟萃花园南区1号楼3单元表决尚未结束") {
			t.Fatalf("building and unit 3 votes: %q", lines)
		}
	})
}

// A vote or a cost plan names only a project the actor sees (422), manages
// (403), and whose scope holds the vote's (422 on scope_id).
func TestVoteProjectChecks(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		u4 := f.node(append(slices.Clone(pUnit3[:7]), "4单元")...)
		f.project(7, f.unit) // 学苑社区: 1号楼3单元
		jxUnit := f.node("运城市", "盐湖区", "东城街道", "吉祥社区", "第一网格", "吉祥花园", "1号楼", "2单元")
		f.projects[9] = fakeProject{community: f.node("运城市", "盐湖区", "东城街道", "吉祥社区").Path, scope: []registry.Node{jxUnit}}
		f.projects[10] = fakeProject{community: f.node(pUnit3[:4]...).Path, scope: []registry.Node{f.unit}, noManage: true}
		at := f.clock.Now()
		in := func(scope, project int64) votes.VoteInput {
			return votes.VoteInput{ScopeID: scope, ProjectID: project, Title: "加装电梯", Matter: consent.Renovation, OpensAt: at, ClosesAt: at.AddDate(0, 0, 30)}
		}
		field := func(err error, name string) string {
			for _, fe := range linli.ErrorFields(err) {
				if fe.Field == name {
					return fe.Reason
				}
			}
			return ""
		}
		// 吉祥社区's staff name 学苑社区's project for a vote in 吉祥: 422.
		_, err := f.svc.CreateVote(f.ctx, f.actor("jixiang"), in(jxUnit.ID, 7))
		if code(err) != linli.EInvalid || !strings.Contains(field(err, "project_id"), "项目不存在") {
			t.Errorf("jixiang with 学苑's project: %v %v", err, linli.ErrorFields(err))
		}
		// ...and 学苑's staff 吉祥's project.
		if _, err = f.svc.CreateVote(f.ctx, f.actor("xueyuan"), in(f.unit.ID, 9)); code(err) != linli.EInvalid || field(err, "project_id") == "" {
			t.Errorf("xueyuan with 吉祥's project: %v", err)
		}
		// No such project.
		if _, err = f.svc.CreateVote(f.ctx, f.actor("xueyuan"), in(f.unit.ID, 999)); code(err) != linli.EInvalid || field(err, "project_id") == "" {
			t.Errorf("no project: %v", err)
		}
		// A project seen but not managed: 403.
		if _, err = f.svc.CreateVote(f.ctx, f.actor("xueyuan"), in(f.unit.ID, 10)); code(err) != linli.EForbidden {
			t.Errorf("not managed: %v", err)
		}
		// Outside the project's scope: unit 4, and the whole building.
		_, err = f.svc.CreateVote(f.ctx, f.actor("xueyuan"), in(u4.ID, 7))
		if code(err) != linli.EInvalid || field(err, "scope_id") != "荟萃花园南区1号楼4单元不在项目范围（荟萃花园南区1号楼3单元）内 / 荟萃花园南区1号楼4单元 is outside the project's scope (荟萃花园南区1号楼3单元)" {
			t.Errorf("unit 4: %v %v", err, linli.ErrorFields(err))
		}
		if _, err = f.svc.CreateVote(f.ctx, f.actor("xueyuan"), in(u4.ParentID, 7)); code(err) != linli.EInvalid || field(err, "scope_id") == "" {
			t.Errorf("building: %v", err)
		}
		// Inside: made, and the gate of 学苑's project is not touched by
		// any of the refused votes.
		v, err := f.svc.CreateVote(f.ctx, f.actor("xueyuan"), in(f.unit.ID, 7))
		if err != nil {
			t.Fatal(err)
		}
		// Cost plans: the same checks, and a plan of a vote keeps its project.
		plan := func(a string, p votes.CostPlanInput) error {
			p.Title, p.Total = "分摊", "1000"
			_, err := f.svc.CreateCostPlan(f.ctx, f.actor(a), p)
			return err
		}
		if err := plan("xueyuan", votes.CostPlanInput{ScopeID: u4.ID, ProjectID: 7}); code(err) != linli.EInvalid || field(err, "scope_id") == "" {
			t.Errorf("plan outside the project: %v", err)
		}
		if err := plan("jixiang", votes.CostPlanInput{ScopeID: jxUnit.ID, ProjectID: 7}); code(err) != linli.EInvalid || field(err, "project_id") == "" {
			t.Errorf("plan with another community's project: %v", err)
		}
		if err := plan("xueyuan", votes.CostPlanInput{ScopeID: f.unit.ID, ProjectID: 10}); code(err) != linli.EForbidden {
			t.Errorf("plan for a project not managed: %v", err)
		}
		if err := plan("xueyuan", votes.CostPlanInput{VoteID: v.ID, ProjectID: 8}); code(err) != linli.EInvalid || field(err, "project_id") == "" {
			t.Errorf("plan naming another project than its vote's: %v", err)
		}
		if err := plan("xueyuan", votes.CostPlanInput{VoteID: v.ID}); err != nil {
			t.Errorf("plan of the vote: %v %v", err, linli.ErrorFields(err))
		}
	})
}

func TestVoteBuildingLayer(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		v := f.newVote(votes.VoteInput{})
		f.paper(v.ID, "101", consent.Agree, "")
		f.paper(v.ID, "102", consent.Disagree, "担心墙体安全")
		f.paper(v.ID, "201", consent.Abstain, "")
		f.paper(v.ID, "202", consent.Disagree, "")
		building, _ := f.reg.FindNode(f.ctx, pUnit3[:7])
		view, err := f.reg.BuildingWithLayer(f.ctx, f.actor("xueyuan"), building.ID, fmt.Sprintf("vote:%d", v.ID))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(view.LayerOptions, func(o registry.LayerOption) bool { return o.Key == fmt.Sprintf("vote:%d", v.ID) }) {
			t.Errorf("options %+v", view.LayerOptions)
		}
		l := view.Layer
		want := map[int64]string{f.rooms["101"]: registry.MarkAgree, f.rooms["102"]: registry.MarkAttention, f.rooms["201"]: registry.MarkAbstain,
			f.rooms["202"]: registry.MarkDisagree, f.rooms["602"]: registry.MarkNone}
		for h, class := range want {
			if l.Marks[h].Class != class {
				t.Errorf("household %d: %q, want %q", h, l.Marks[h].Class, class)
			}
		}
		counts := map[string]int{}
		for _, li := range l.Legend {
			counts[li.Class] = li.Count
		}
		if counts[registry.MarkNone] != 8 || counts[registry.MarkAttention] != 1 || l.URL != fmt.Sprintf("/votes/%d", v.ID) || len(l.Summary) < 3 {
			t.Errorf("legend %+v summary %v url %s", l.Legend, l.Summary, l.URL)
		}
		// Another community's staff get no such layer.
		if _, err := f.reg.BuildingWithLayer(f.ctx, f.actor("jixiang"), building.ID, fmt.Sprintf("vote:%d", v.ID)); err == nil {
			t.Error("jixiang saw the layer")
		}

		// The cells: a household outside the vote (another unit) is not
		// "not voted" (issue 10); each marked cell carries its glyph and
		// its state in words, not only in the hover title.
		cells := map[int64]registry.HouseholdBrief{}
		for _, fl := range view.Floors {
			for _, c := range fl.Cells {
				for _, h := range c.Households {
					cells[h.ID] = h
				}
			}
		}
		unit4, _, err := f.reg.ListHouseholds(f.ctx, linli.System(), registry.HouseholdFilter{NodeID: f.node(append(pUnit3[:7:7], "4单元")...).ID, Limit: 100})
		if err != nil || len(unit4) != 12 {
			t.Fatalf("unit 4: %d households, %v", len(unit4), err)
		}
		if c := cells[unit4[0].ID]; c.Mark != registry.MarkOutside || c.Glyph != "—" || c.State != "范围外" {
			t.Errorf("4单元 in a vote of 3单元: %+v, want outside", c)
		}
		for room, want := range map[string][2]string{"101": {"✓", "同意"}, "202": {"✗", "反对"}, "201": {"○", "弃权"}, "602": {"…", "未投票"}, "102": {"!", "异议"}} {
			if c := cells[f.rooms[room]]; c.Glyph != want[0] || c.State != want[1] {
				t.Errorf("3单元%s: glyph %q state %q, want %q %q", room, c.Glyph, c.State, want[0], want[1])
			}
		}
		outside := 0
		for _, li := range l.Legend {
			if li.Class == registry.MarkOutside {
				outside = li.Count
			}
			if li.Glyph == "" {
				t.Errorf("legend %s has no glyph", li.Class)
			}
		}
		if outside != 84 || l.Outside != "不在本次表决范围" {
			t.Errorf("legend counts %d households outside the vote (%q), want the 84 of the other units", outside, l.Outside)
		}
	})
}

// TestUnitVotesLayer: a building whose units vote one by one shows every
// unit's latest vote at once — the ballots of both units' households,
// the building's other units outside, one summary line per unit.
func TestUnitVotesLayer(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		building := f.node(pUnit3[:7]...)
		unit4 := f.node(append(pUnit3[:7:7], "4单元")...)
		old := f.newVote(votes.VoteInput{Title: "3单元旧表决"})
		v3 := f.newVote(votes.VoteInput{})
		v4 := f.newVote(votes.VoteInput{ScopeID: unit4.ID, Title: "4单元加装电梯意见征询"})
		f.paper(old.ID, "101", consent.Disagree, "")
		f.paper(v3.ID, "101", consent.Agree, "")
		f.clock.Advance(time.Minute)
		hs4, _, err := f.reg.ListHouseholds(f.ctx, linli.System(), registry.HouseholdFilter{NodeID: unit4.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), v4.ID, votes.BallotInput{HouseholdID: hs4[0].ID, Choice: consent.Disagree,
			Method: votes.MethodPaper, Collector: "柴晓燕"}); err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("%s:%d", votes.UnitVotesKind, building.ID)
		view, err := f.reg.BuildingWithLayer(f.ctx, f.actor("xueyuan"), building.ID, key)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(view.LayerOptions, func(o registry.LayerOption) bool { return o.Key == key }) {
			t.Errorf("options %+v lack %s", view.LayerOptions, key)
		}
		l := view.Layer
		if l.Marks[f.rooms["101"]].Class != registry.MarkAgree || l.Marks[hs4[0].ID].Class != registry.MarkDisagree || l.Marks[f.rooms["102"]].Class != registry.MarkNone {
			t.Errorf("marks: 3单元101 %q (latest vote: agree), 4单元 %q, 3单元102 %q", l.Marks[f.rooms["101"]].Class, l.Marks[hs4[0].ID].Class, l.Marks[f.rooms["102"]].Class)
		}
		counts := map[string]int{}
		for _, li := range l.Legend {
			counts[li.Class] = li.Count
		}
		if counts[registry.MarkAgree] != 1 || counts[registry.MarkDisagree] != 1 || counts[registry.MarkNone] != 22 || counts[registry.MarkOutside] != 72 {
			t.Errorf("legend %+v", l.Legend)
		}
		if len(l.Summary) != 2 || !strings.Contains(l.Summary[0], "3单元") || !strings.Contains(l.Summary[1], "4单元") {
			t.Errorf("summary %q, want one line per unit in unit order", l.Summary)
		}
		// Not offered where fewer than two units vote; a key naming
		// another building is no layer.
		if _, err := f.reg.BuildingWithLayer(f.ctx, f.actor("xueyuan"), building.ID, fmt.Sprintf("%s:%d", votes.UnitVotesKind, unit4.ID)); linli.ErrorCode(err) != linli.ENotFound {
			t.Errorf("unitvotes of another node: %v", err)
		}
		if _, err := f.reg.BuildingWithLayer(f.ctx, f.actor("jixiang"), building.ID, key); err == nil {
			t.Error("jixiang saw the layer")
		}
	})
}

func TestCostPlanSharesAndExport(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.project(9, f.unit)
		v := f.newVote(votes.VoteInput{ProjectID: 9})
		p, err := f.svc.CreateCostPlan(f.ctx, f.actor("xueyuan"), votes.CostPlanInput{VoteID: v.ID, Title: "加装电梯费用分摊",
			Total: "580000.01", Subsidy: "200,000"})
		if err != nil {
			t.Fatalf("%v %v", err, linli.ErrorFields(err))
		}
		if p.ScopeID != f.unit.ID || p.ProjectID != 9 || p.PayableFen != 38000001 || len(p.Coefficients) != 6 || p.Coefficients[2].Factor != "0.7" {
			t.Fatalf("plan %+v", p)
		}
		sh, err := f.svc.CostSheet(f.ctx, f.actor("resident"), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, b := range sh.Bills {
			sum += b.AmountFen
			if b.Floor <= 2 && b.AmountFen != 0 {
				t.Errorf("floor %d pays %d", b.Floor, b.AmountFen)
			}
		}
		if len(sh.Bills) != 12 || sum != 38000001 || sh.SumFen != sum || sh.Sum != "380000.01" {
			t.Errorf("bills %d sum %d %s", len(sh.Bills), sum, sh.Sum)
		}
		// The spreadsheet sums to the fen.
		var buf bytes.Buffer
		if err := f.svc.WriteCostXLSX(f.ctx, f.actor("xueyuan"), p.ID, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(votes.CostSheetName)
		var xsum int64
		n := 0
		for _, r := range rows[4:] {
			if len(r) < 7 || r[0] == "合计" {
				break
			}
			fen, err := votes.ParseYuan(r[6])
			if err != nil {
				t.Fatalf("cell %q: %v", r[6], err)
			}
			xsum += fen
			n++
		}
		if n != 12 || xsum != 38000001 {
			t.Errorf("xlsx: %d rows, sum %d", n, xsum)
		}
		// A floor left without a coefficient: 422 naming it.
		_, err = f.svc.CreateCostPlan(f.ctx, f.actor("xueyuan"), votes.CostPlanInput{ScopeID: f.unit.ID, Title: "缺第4层", Total: "1000",
			Coefficients: []votes.CostCoefficientInput{{1, "0"}, {2, "0"}, {3, "0.7"}, {5, "0.9"}, {6, "1"}}})
		if fe := linli.ErrorFields(err); code(err) != linli.EInvalid || len(fe) != 1 || fe[0].Field != "coefficients" || !strings.Contains(fe[0].Reason, "第4层没有分摊系数") {
			t.Errorf("uncovered floor: %v %v", err, fe)
		}
		// Bad amounts.
		_, err = f.svc.CreateCostPlan(f.ctx, f.actor("xueyuan"), votes.CostPlanInput{ScopeID: f.unit.ID, Title: "x", Total: "100.001", Subsidy: "-1"})
		fields := map[string]bool{}
		for _, fe := range linli.ErrorFields(err) {
			fields[fe.Field] = true
		}
		if !fields["total"] || !fields["subsidy"] {
			t.Errorf("bad amounts: %v %v", err, linli.ErrorFields(err))
		}
		if _, err := f.svc.CreateCostPlan(f.ctx, f.actor("grid1"), votes.CostPlanInput{ScopeID: f.unit.ID, Title: "x", Total: "1"}); code(err) != linli.EForbidden {
			t.Errorf("grid worker plan: %v", err)
		}
		// Editing the coefficients changes the bills.
		up, err := f.svc.UpdateCostPlan(f.ctx, f.actor("xueyuan"), p.ID, votes.CostPlanInput{Title: "改", Total: "1000", Subsidy: "0",
			Coefficients: []votes.CostCoefficientInput{{1, "1"}, {2, "1"}, {3, "1"}, {4, "1"}, {5, "1"}, {6, "1"}}})
		if err != nil || up.PayableFen != 100000 || up.Coefficients[0].Factor != "1" {
			t.Fatalf("update %+v %v", up, err)
		}
		d, err := f.svc.Detail(f.ctx, f.actor("xueyuan"), v.ID)
		if err != nil || len(d.CostPlans) != 1 || d.CostPlans[0].SumFen != 100000 || d.CostPlans[0].Bills[0].AmountFen == 0 {
			t.Errorf("vote's plans %+v %v", d.CostPlans, err)
		}
	})
}

func TestCostParseYuan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		fen  int64
		fail bool
	}{
		{"0", 0, false}, {"1", 100, false}, {"1.5", 150, false}, {"1.05", 105, false}, {"0.01", 1, false}, {".5", 50, false},
		{"¥12,345.67", 1234567, false}, {"580000元", 58000000, false}, {" 007.10 ", 710, false},
		{"99999999999.99", 9999999999999, false},
		{"", 0, true}, {"1.001", 0, true}, {"-1", 0, true}, {"1e3", 0, true}, {"abc", 0, true}, {"1.", 0, true}, {"100000000000", 0, true},
		{"1.2.3", 0, true},
	} {
		fen, err := votes.ParseYuan(tc.in)
		if (err != nil) != tc.fail || (!tc.fail && fen != tc.fen) {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d fail=%v", tc.in, fen, err, tc.fen, tc.fail)
		}
	}
	for fen, want := range map[int64]string{0: "0.00", 5: "0.05", 123456789: "1,234,567.89", -150: "-1.50"} {
		if got := votes.FormatYuan(fen); got != want {
			t.Errorf("FormatYuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

func TestCostParseFactor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want consent.Ratio
		fail bool
	}{
		{"0.7", consent.Ratio{Num: 7, Den: 10}, false}, {"1", consent.Ratio{Num: 1, Den: 1}, false}, {"1.25", consent.Ratio{Num: 125, Den: 100}, false},
		{"0.70", consent.Ratio{Num: 7, Den: 10}, false}, {"2/3", consent.Ratio{Num: 2, Den: 3}, false}, {"0", consent.Ratio{Num: 0, Den: 1}, false},
		{"-0.5", consent.Ratio{Num: -5, Den: 10}, false},
		{"x", consent.Ratio{}, true}, {"0.1234567", consent.Ratio{}, true}, {"1/x", consent.Ratio{}, true},
	} {
		got, err := votes.ParseFactor(tc.in)
		if (err != nil) != tc.fail || (!tc.fail && got != tc.want) {
			t.Errorf("ParseFactor(%q) = %v, %v; want %v fail=%v", tc.in, got, err, tc.want, tc.fail)
		}
	}
}

// Property companies, contractors and departments read a vote's tally,
// counts and cost tables, not the households' ballots, reasons, owners or
// objections; a resident sees the own household only; who records ballots
// sees everything. The building view follows: marks only for recorders.
func TestVoteReadersSeeCountsOnly(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		v := f.newVote(votes.VoteInput{})
		f.paper(v.ID, "101", consent.Agree, "")
		f.paper(v.ID, "102", consent.Disagree, "担心墙体安全")
		f.paper(v.ID, "201", consent.Abstain, "")
		f.paper(v.ID, "602", consent.Disagree, "采光受影响")
		if _, err := f.svc.CreateCostPlan(f.ctx, f.actor("xueyuan"), votes.CostPlanInput{VoteID: v.ID, Title: "分摊", Total: "1000"}); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"property", "contractor", "dept"} {
			d, err := f.svc.Detail(f.ctx, f.actor(who), v.ID)
			if err != nil {
				t.Fatalf("%s: %v", who, err)
			}
			if d.Households == nil || len(d.Households) != 0 || d.Objections == nil || len(d.Objections) != 0 {
				t.Errorf("%s sees households %+v objections %+v", who, d.Households, d.Objections)
			}
			if d.Tally.AgreeOwners != 1 || d.Tally.Disagree != 2 || d.Tally.Abstain != 1 || d.Tally.Households != 12 {
				t.Errorf("%s tally %+v", who, d.Tally)
			}
			if len(d.CostPlans) != 1 || len(d.CostPlans[0].Bills) != 12 || d.Can.Record || d.Can.Manage {
				t.Errorf("%s cost plans %d, can %+v", who, len(d.CostPlans), d.Can)
			}
		}
		// The resident (602) sees the own row and objection only.
		d, err := f.svc.Detail(f.ctx, f.actor("resident"), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Households) != 1 || d.Households[0].ID != f.rooms["602"] || len(d.Objections) != 1 || d.Objections[0].HouseholdID != f.rooms["602"] {
			t.Errorf("resident sees %+v / %+v", d.Households, d.Objections)
		}
		// Recorders: the unit head and staff see all, staff with owners.
		for _, who := range []string{"unit", "grid1", "xueyuan"} {
			d, err := f.svc.Detail(f.ctx, f.actor(who), v.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Households) != 12 || len(d.Objections) != 2 || !d.Can.Record {
				t.Errorf("%s sees %d households, %d objections", who, len(d.Households), len(d.Objections))
			}
		}
		// The building view: the property company gets the counts, no marks.
		building := f.node(pUnit3[:7]...)
		key := fmt.Sprintf("vote:%d", v.ID)
		view, err := f.reg.BuildingWithLayer(f.ctx, f.actor("property"), building.ID, key)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, li := range view.Layer.Legend {
			counts[li.Class] = li.Count
		}
		if len(view.Layer.Marks) != 0 || counts[registry.MarkAgree] != 1 || counts[registry.MarkDisagree] != 2 || counts[registry.MarkAbstain] != 1 || counts[registry.MarkNone] != 8 {
			t.Errorf("property layer: marks %v legend %+v", view.Layer.Marks, view.Layer.Legend)
		}
		for _, fl := range view.Floors {
			for _, c := range fl.Cells {
				for _, h := range c.Households {
					if h.Mark != "" || h.Title != "" {
						t.Errorf("property sees a mark on %d: %q %q", h.ID, h.Mark, h.Title)
					}
				}
			}
		}
		view, err = f.reg.BuildingWithLayer(f.ctx, f.actor("grid1"), building.ID, key)
		if err != nil || len(view.Layer.Marks) != 12 {
			t.Errorf("grid worker layer: %d marks, %v", len(view.Layer.Marks), err)
		}
	})
}

// TestHouseholdBillsOnlyOwn: "what it costs my household" on a project
// page is the reader's own line of the newest cost plan covering the
// household, and nobody else's: staff and a resident of another unit get
// nothing, and a resident of the unit gets exactly the bill table's line.
func TestHouseholdBillsOnlyOwn(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.project(9, f.unit)
		v := f.newVote(votes.VoteInput{ProjectID: 9})
		if _, err := f.svc.CreateCostPlan(f.ctx, f.actor("xueyuan"), votes.CostPlanInput{VoteID: v.ID, Title: "旧方案", Total: "100000", Subsidy: "0"}); err != nil {
			t.Fatal(err)
		}
		p, err := f.svc.CreateCostPlan(f.ctx, f.actor("xueyuan"), votes.CostPlanInput{VoteID: v.ID, Title: "加装电梯费用分摊", Total: "460000", Subsidy: "160000"})
		if err != nil {
			t.Fatal(err)
		}
		sh, err := f.svc.CostSheet(f.ctx, f.actor("xueyuan"), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var want votes.CostBill
		for _, b := range sh.Bills {
			if b.HouseholdID == f.rooms["602"] {
				want = b
			}
		}
		got, err := f.svc.HouseholdBills(f.ctx, f.actor("resident"), 9)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].HouseholdID != f.rooms["602"] || got[0].AmountFen != want.AmountFen || want.AmountFen == 0 ||
			got[0].PlanID != p.ID || got[0].PayableFen != 30000000 || got[0].Households != 12 {
			t.Errorf("resident of 602: %+v, want the newest plan's line %+v", got, want)
		}
		// Staff read the whole table on the plan's page, not here.
		if got, err := f.svc.HouseholdBills(f.ctx, f.actor("xueyuan"), 9); err != nil || len(got) != 0 {
			t.Errorf("staff: %+v %v", got, err)
		}
		// A resident of 4单元 401: the plan covers 3单元 only.
		unit4 := f.node(append(pUnit3[:7:7], "4单元")...)
		hs4, _, err := f.reg.ListHouseholds(f.ctx, linli.System(), registry.HouseholdFilter{NodeID: unit4.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		other := &linli.Actor{AccountID: 999, Username: "r401", Grants: []linli.Grant{{Role: linli.RoleResident, NodeID: unit4.ID, NodePath: unit4.Path, HouseholdID: hs4[0].ID}}}
		if got, err := f.svc.HouseholdBills(f.ctx, other, 9); err != nil || len(got) != 0 {
			t.Errorf("resident of another unit: %+v %v", got, err)
		}
		// Another project's plans are not this project's.
		if got, err := f.svc.HouseholdBills(f.ctx, f.actor("resident"), 10); err != nil || len(got) != 0 {
			t.Errorf("another project: %+v %v", got, err)
		}
	})
}
