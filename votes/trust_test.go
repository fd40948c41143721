package votes_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"linli"
	"linli/consent"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/votes"
)

// idWang is a valid resident ID number (GB 11643-1999 check character).
const idWang = "11010519491231002X"

// sixFlats adds a unit of six flats of 80 m² to building 1 of 荟萃花园南区:
// 101 and 102 belong to one person (王多房, the same ID number on both,
// registered as two people as an import would), 201–602 to one owner
// each. It returns the unit and its rooms.
func (f *fixture) sixFlats(name string) (registry.Node, map[string]int64) {
	f.t.Helper()
	building := f.node(pUnit3[:7]...)
	u, err := f.reg.CreateNode(f.ctx, linli.System(), registry.NodeInput{ParentID: building.ID, Kind: registry.KindUnit, Name: name, Floors: 6})
	if err != nil {
		f.t.Fatalf("unit: %v %v", err, linli.ErrorFields(err))
	}
	rooms := map[string]int64{}
	for i, room := range []string{"101", "102", "201", "301", "401", "501"} {
		m := registry.MemberInput{Name: fmt.Sprintf("业主%s", room), Relation: registry.RelOwner, IsOwner: true}
		if i < 2 {
			m.Name, m.IDNumber = "王多房", idWang
		}
		h, err := f.reg.CreateHousehold(f.ctx, linli.System(), registry.HouseholdInput{UnitID: u.ID, Floor: int(room[0] - '0'), Room: room, Area: "80"},
			[]registry.MemberInput{m})
		if err != nil {
			f.t.Fatalf("household %s: %v %v", room, err, linli.ErrorFields(err))
		}
		rooms[room] = h.ID
	}
	return u, rooms
}

// TestVoteOwnerOfSeveralFlatsCountsOnce is the example (法释〔2009〕
// 7号 art. 9): six flats, one owner of two; that owner (both flats) and
// two others agree. Counted flat by flat, 4/6 owners took part and the
// ordinary vote passed; by person 3 of 5 took part, 9 < 10: not valid.
// The rule holds live and over the frozen electorate once closed.
func TestVoteOwnerOfSeveralFlatsCountsOnce(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		u, rooms := f.sixFlats("9单元")
		v := f.newVote(votes.VoteInput{ScopeID: u.ID, Matter: consent.Ordinary, Title: "9单元公共部位使用"})
		for _, r := range []string{"101", "102", "201", "301"} {
			f.clock.Advance(time.Minute)
			if _, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), v.ID, votes.BallotInput{HouseholdID: rooms[r], Choice: consent.Agree,
				Method: votes.MethodPaper, Collector: "柴晓燕"}); err != nil {
				t.Fatalf("ballot %s: %v", r, err)
			}
		}
		check := func(when string) {
			t.Helper()
			d, err := f.svc.Detail(f.ctx, f.actor("xueyuan"), v.ID)
			if err != nil {
				t.Fatal(err)
			}
			tl := d.Tally
			if tl.Households != 6 || tl.TotalOwners != 5 || tl.ParticipatingOwners != 3 || tl.AgreeOwners != 3 {
				t.Errorf("%s: %d households, owners %d/%d agree %d; want 6 households, 3/5 owners, 3 agree", when, tl.Households,
					tl.ParticipatingOwners, tl.TotalOwners, tl.AgreeOwners)
			}
			if tl.TotalAreaCenti != 48000 || tl.ParticipatingAreaCenti != 32000 {
				t.Errorf("%s: area %d/%d, want 32000/48000 (the owner's area counts in full)", when, tl.ParticipatingAreaCenti, tl.TotalAreaCenti)
			}
			if tl.Valid || tl.ParticipationOK {
				t.Errorf("%s: participation %v valid %v, want both false (3/5 < 2/3)", when, tl.ParticipationOK, tl.Valid)
			}
			if !strings.Contains(tl.HeadcountRule, "一人拥有多套房屋的，按一人计算人数，面积按全部专有部分计算") {
				t.Errorf("%s: headcount rule %q", when, tl.HeadcountRule)
			}
		}
		check("open")
		// The owner's flats voting differently: the owner takes part but
		// does not agree in the headcount.
		f.clock.Advance(time.Minute)
		if _, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), v.ID, votes.BallotInput{HouseholdID: rooms["401"], Choice: consent.Agree,
			Method: votes.MethodPaper, Collector: "柴晓燕"}); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		if _, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), v.ID, votes.BallotInput{HouseholdID: rooms["102"], Choice: consent.Disagree,
			Method: votes.MethodPaper, Collector: "柴晓燕"}); err != nil {
			t.Fatal(err)
		}
		tl, err := f.svc.Tally(f.ctx, f.actor("xueyuan"), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tl.ParticipatingOwners != 4 || tl.AgreeOwners != 3 || tl.AgreeAreaCenti != 32000 {
			t.Errorf("split owner: owners %d agree %d area %d, want 4, 3, 32000", tl.ParticipatingOwners, tl.AgreeOwners, tl.AgreeAreaCenti)
		}
		f.clock.Advance(time.Minute)
		if _, err := f.svc.CastBallot(f.ctx, f.actor("grid1"), v.ID, votes.BallotInput{HouseholdID: rooms["102"], Choice: consent.Agree,
			Method: votes.MethodPaper, Collector: "柴晓燕"}); err != nil {
			t.Fatal(err)
		}
		// Closed: frozen with the owner keys. A register edit afterwards (the
		// second flat sold to someone else) leaves the count alone.
		if _, err := f.svc.CloseVote(f.ctx, f.actor("xueyuan"), v.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.reg.AddMember(f.ctx, linli.System(), rooms["102"], registry.MemberInput{Name: "新业主", Relation: registry.RelOwner, IsOwner: true}); err != nil {
			t.Fatal(err)
		}
		tl, err = f.svc.Tally(f.ctx, f.actor("xueyuan"), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tl.TotalOwners != 5 || tl.ParticipatingOwners != 4 || tl.AgreeOwners != 4 || !tl.Valid {
			t.Errorf("closed: owners %d/%d agree %d valid %v, want 4/5, 4, valid", tl.ParticipatingOwners, tl.TotalOwners, tl.AgreeOwners, tl.Valid)
		}
	})
}

// TestVoteProxyCannotOverrideOnlineBallot: the owner of 602 votes online
// against; the grid worker's paper ballot for 602 is refused (409 on
// household_id), staff without a reason too (409 on override_reason);
// staff with a reason records it, the owner is told in the app, and the
// objection stays open (staff's override closes it only as a decision
// with a reason — here it is agree, so it closes with that reason). A
// proxy's agree never closes it.
func TestVoteProxyCannotOverrideOnlineBallot(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		v := f.newVote(votes.VoteInput{})
		owner := f.actor("resident") // owner of 602
		if _, err := f.svc.CastBallot(f.ctx, owner, v.ID, votes.BallotInput{Choice: consent.Disagree, Reason: "采光受影响", Method: votes.MethodOnline}); err != nil {
			t.Fatal(err)
		}
		paper := votes.BallotInput{HouseholdID: f.rooms["602"], Choice: consent.Agree, Method: votes.MethodPaper, Collector: "柴晓燕"}
		for _, who := range []string{"grid1", "unit"} {
			f.clock.Advance(time.Minute)
			_, err := f.svc.CastBallot(f.ctx, f.actor(who), v.ID, paper)
			if code(err) != linli.EConflict || !hasField(err, "household_id") {
				t.Errorf("%s's paper ballot over the owner's: %v %v, want 409 on household_id", who, err, linli.ErrorFields(err))
			}
			// Naming a reason does not make a proxy staff.
			in := paper
			in.OverrideReason = "业主口头同意"
			if _, err := f.svc.CastBallot(f.ctx, f.actor(who), v.ID, in); code(err) != linli.EConflict || !hasField(err, "household_id") {
				t.Errorf("%s's paper ballot with a reason: %v, want 409 on household_id", who, err)
			}
		}
		if _, err := f.svc.CastBallot(f.ctx, f.actor("xueyuan"), v.ID, paper); code(err) != linli.EConflict || !hasField(err, "override_reason") {
			t.Errorf("staff without a reason: %v %v, want 409 on override_reason", err, linli.ErrorFields(err))
		}
		d, err := f.svc.Detail(f.ctx, f.actor("xueyuan"), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Objections) != 1 || !d.Objections[0].Open() {
			t.Fatalf("objections after refused ballots: %+v", d.Objections)
		}
		for _, h := range d.Households {
			if h.ID == f.rooms["602"] && (h.Choice != consent.Disagree || len(h.History) != 1) {
				t.Errorf("602 after refused ballots: %+v", h)
			}
		}
		var before int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*) FROM notifications WHERE account_id = ?`, owner.AccountID).Scan(&before); err != nil {
			t.Fatal(err)
		}
		in := paper
		in.OverrideReason = "业主书面委托家属签署纸质票，已核实委托书"
		f.clock.Advance(time.Minute)
		b, err := f.svc.CastBallot(f.ctx, f.actor("xueyuan"), v.ID, in)
		if err != nil || b.OverrideReason != in.OverrideReason {
			t.Fatalf("staff override: %+v %v", b, err)
		}
		var after int
		var text string
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*), MAX(text) FROM notifications WHERE account_id = ? AND kind = 'vote.override' AND ref_kind = 'vote' AND ref_id = ?`,
			owner.AccountID, v.ID).Scan(&after, &text); err != nil {
			t.Fatal(err)
		}
		if after != 1 || !strings.Contains(text, in.OverrideReason) {
			t.Errorf("owner notices about the override: %d %q, want one with the reason", after, text)
		}
		d, _ = f.svc.Detail(f.ctx, f.actor("xueyuan"), v.ID)
		o := d.Objections[0]
		if o.Open() || !strings.HasPrefix(o.Resolution, votes.ResolutionStaffAgreed) || !strings.Contains(o.Resolution, in.OverrideReason) {
			t.Errorf("objection after staff's override: %+v", o)
		}
	})
}

// TestVoteProxyAgreeLeavesObjectionOpen: a household objected on paper;
// a proxy's later agree paper ballot counts, but the objection stays open
// (a note says why) until the owner changes online or staff decide.
func TestVoteProxyAgreeLeavesObjectionOpen(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		v := f.newVote(votes.VoteInput{})
		f.paper(v.ID, "602", consent.Disagree, "采光受影响")
		f.paper(v.ID, "602", consent.Agree, "同意了")
		d, _ := f.svc.Detail(f.ctx, f.actor("xueyuan"), v.ID)
		if len(d.Objections) != 1 || !d.Objections[0].Open() || len(d.Objections[0].Notes) != 1 {
			t.Fatalf("after a proxy's agree: %+v", d.Objections)
		}
		// The owner's own online agree closes it.
		f.clock.Advance(time.Minute)
		if _, err := f.svc.CastBallot(f.ctx, f.actor("resident"), v.ID, votes.BallotInput{Choice: consent.Agree, Method: votes.MethodOnline}); err != nil {
			t.Fatal(err)
		}
		d, _ = f.svc.Detail(f.ctx, f.actor("xueyuan"), v.ID)
		if o := d.Objections[0]; o.Open() || o.Resolution != votes.ResolutionAgreed {
			t.Errorf("after the owner's own agree: %+v", o)
		}
	})
}

// TestVoteHoldoutsNamedOnlyToRecorders: a unanimity vote's missing lines
// name the households that have not agreed to those who record ballots;
// residents, property, contractors and departments, the building view and
// the project gate get counts.
func TestVoteHoldoutsNamedOnlyToRecorders(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.project(42, f.unit)
		v := f.newVote(votes.VoteInput{Unanimous: true, RequiredRooms: []string{"201"}, ProjectID: 42})
		f.paper(v.ID, "101", consent.Agree, "")
		f.paper(v.ID, "102", consent.Disagree, "")
		named := func(lines []string) bool {
			for _, l := range lines {
				if strings.Contains(l, "3单元102") || strings.Contains(l, "3单元201") {
					return true
				}
			}
			return false
		}
		for _, who := range []string{"xueyuan", "grid1", "unit"} {
			d, err := f.svc.Detail(f.ctx, f.actor(who), v.ID)
			if err != nil || !named(d.Tally.Missing) {
				t.Errorf("%s (records ballots) missing %q %v, want the households named", who, d.Tally.Missing, err)
			}
		}
		for _, who := range []string{"resident", "property", "contractor", "dept"} {
			d, err := f.svc.Detail(f.ctx, f.actor(who), v.ID)
			if err != nil {
				t.Fatalf("%s: %v", who, err)
			}
			if named(d.Tally.Missing) || len(d.Tally.Missing) == 0 {
				t.Errorf("%s reads missing %q, want counts only", who, d.Tally.Missing)
			}
			tl, err := f.svc.Tally(f.ctx, f.actor(who), v.ID)
			if err != nil || named(tl.Missing) {
				t.Errorf("%s Tally missing %q %v", who, tl.Missing, err)
			}
		}
		view, err := f.reg.BuildingWithLayer(f.ctx, f.actor("property"), f.node(pUnit3[:7]...).ID, fmt.Sprintf("vote:%d", v.ID))
		if err != nil {
			t.Fatal(err)
		}
		if named(view.Layer.Summary) {
			t.Errorf("property's building view summary %q names households", view.Layer.Summary)
		}
		f.clock.Advance(31 * 24 * time.Hour)
		gate, err := f.svc.ProjectGate(f.ctx, 42)
		if err != nil || named(gate) || len(gate) == 0 {
			t.Errorf("project gate %q %v, want counts only", gate, err)
		}
	})
}

// TestVoteIDsOutOfScope: ids in inputs outside the actor's scope are
// answered as if they did not exist (422 naming the field, same reason).
func TestVoteIDsOutOfScope(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		other := f.node("运城市", "盐湖区", "东城街道", "吉祥社区")
		var outside int64
		if err := db.QueryRow(f.ctx, `SELECT id FROM nodes WHERE kind = 'unit' AND path LIKE ? ORDER BY id LIMIT 1`, other.Path+"%").Scan(&outside); err != nil {
			t.Fatal(err)
		}
		in := votes.VoteInput{Title: "x", Matter: consent.Ordinary, OpensAt: f.clock.Now(), ClosesAt: f.clock.Now().AddDate(0, 0, 1)}
		var reasons []string
		for _, id := range []int64{outside, 99999999} {
			in.ScopeID = id
			_, err := f.svc.CreateVote(f.ctx, f.actor("xueyuan"), in)
			if code(err) != linli.EInvalid || !hasField(err, "scope_id") {
				t.Errorf("scope %d: %v, want 422 on scope_id", id, err)
			}
			reasons = append(reasons, reason(err, "scope_id"))
			_, err = f.svc.CreateCostPlan(f.ctx, f.actor("xueyuan"), votes.CostPlanInput{ScopeID: id, Title: "x", Total: "1"})
			if code(err) != linli.EInvalid || !hasField(err, "scope_id") {
				t.Errorf("plan scope %d: %v, want 422 on scope_id", id, err)
			}
			reasons = append(reasons, reason(err, "scope_id"))
			_, err = f.svc.ListVotes(f.ctx, f.actor("grid1"), votes.VoteFilter{NodeID: id})
			if code(err) != linli.EInvalid || !hasField(err, "node_id") {
				t.Errorf("list node %d: %v, want 422 on node_id", id, err)
			}
			reasons = append(reasons, reason(err, "node_id"))
		}
		for i := range 3 {
			if reasons[i] != reasons[i+3] {
				t.Errorf("out of scope %q, nonexistent %q: the reasons differ", reasons[i], reasons[i+3])
			}
		}
		// A vote of another community as a cost plan's vote_id.
		v := f.newVote(votes.VoteInput{})
		for _, id := range []int64{v.ID, 99999999} {
			_, err := f.svc.CreateCostPlan(f.ctx, f.actor("jixiang"), votes.CostPlanInput{VoteID: id, Title: "x", Total: "1"})
			if code(err) != linli.EInvalid || reason(err, "vote_id") != "表决不存在 / no such vote" {
				t.Errorf("jixiang's plan for vote %d: %v %v", id, err, linli.ErrorFields(err))
			}
		}
	})
}

func hasField(err error, field string) bool { return reason(err, field) != "" }

func reason(err error, field string) string {
	for _, fe := range linli.ErrorFields(err) {
		if fe.Field == field {
			return fe.Reason
		}
	}
	return ""
}
