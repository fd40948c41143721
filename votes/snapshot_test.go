package votes_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"linli"
	"linli/consent"
	"linli/jobs"
	"linli/registry"
	"linli/registry/ledger"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/votes"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// setArea changes a household's exclusive area in the register (m²).
func (f *fixture) setArea(room string, area registry.Decimal) {
	f.t.Helper()
	h, err := f.reg.Household(f.ctx, linli.System(), f.rooms[room])
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.reg.UpdateHousehold(f.ctx, linli.System(), h.ID, registry.HouseholdInput{UnitID: h.UnitID, Floor: h.Floor, Room: h.Room,
		Area: area, Note: h.Note}); err != nil {
		f.t.Fatalf("area of %s: %v %v", room, err, linli.ErrorFields(err))
	}
}

// changeRegister edits the register of 3单元 the three ways a closed
// vote must not follow: an area corrected, a household added, an owner
// added.
func (f *fixture) changeRegister() {
	f.t.Helper()
	f.setArea("602", "188.88")
	if _, err := f.reg.CreateHousehold(f.ctx, linli.System(), registry.HouseholdInput{UnitID: f.unit.ID, Floor: 6, Room: "603", Area: "99.5"},
		[]registry.MemberInput{{Name: "新业主", Relation: ledger.RelationOwner, IsOwner: true, Phone: "13912345678"}}); err != nil {
		f.t.Fatalf("new household: %v %v", err, linli.ErrorFields(err))
	}
	if _, err := f.reg.AddMember(f.ctx, linli.System(), f.rooms["301"], registry.MemberInput{Name: "共有人", Relation: ledger.RelationOwner,
		IsOwner: true, Phone: "13987654321"}); err != nil {
		f.t.Fatalf("new owner: %v %v", err, linli.ErrorFields(err))
	}
}

// castAll records ballots for the whole unit: 601 and 602 disagree, the
// rest agree (a valid renovation decision: 10 of 12).
func (f *fixture) castAll(voteID int64) {
	f.t.Helper()
	for _, r := range rooms() {
		c := consent.Agree
		if r == "601" || r == "602" {
			c = consent.Disagree
		}
		f.paper(voteID, r, c, "")
	}
}

func (f *fixture) tally(voteID int64) votes.Tally {
	f.t.Helper()
	t, err := f.svc.Tally(f.ctx, f.actor("xueyuan"), voteID)
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

func (f *fixture) sheet(planID int64) votes.CostSheet {
	f.t.Helper()
	sh, err := f.svc.CostSheet(f.ctx, f.actor("xueyuan"), planID)
	if err != nil {
		f.t.Fatal(err)
	}
	return sh
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) snapshots(voteID int64) int {
	f.t.Helper()
	return f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'vote.snapshot' AND entity_id = ?`, voteID)
}

// A vote closed by a manager keeps its tally, its households and the
// bills of the plan made from it when the register changes afterwards; an
// open vote of the same unit follows the register.
func TestVoteClosedTallyAndBillsFrozen(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		closed := f.newVote(votes.VoteInput{RequiredRooms: []string{"102"}})
		open := f.newVote(votes.VoteInput{Title: "3单元外墙保温意见征询"})
		f.castAll(closed.ID)
		f.castAll(open.ID)
		before := f.tally(open.ID)
		// While it is open a vote follows the register.
		f.setArea("101", "150")
		if got := f.tally(open.ID); got.TotalAreaCenti == before.TotalAreaCenti {
			t.Fatalf("open vote: total area %d did not follow the register", got.TotalAreaCenti)
		}
		c, err := f.svc.CloseVote(f.ctx, f.actor("xueyuan"), closed.ID)
		if err != nil || c.State != votes.StateClosed || c.SnapshotAt.IsZero() {
			t.Fatalf("close: %+v %v", c, err)
		}
		plan, err := f.svc.CreateCostPlan(f.ctx, f.actor("xueyuan"), votes.CostPlanInput{VoteID: closed.ID, Title: "加装电梯费用分摊",
			Total: "460000", Subsidy: "160000"})
		if err != nil {
			t.Fatalf("plan: %v %v", err, linli.ErrorFields(err))
		}
		frozen, bills := f.tally(closed.ID), f.sheet(plan.ID)
		d0, err := f.svc.Detail(f.ctx, f.actor("xueyuan"), closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		openBefore := f.tally(open.ID)
		owners301 := f.count(`SELECT COUNT(*) FROM household_members WHERE household_id = ? AND is_owner = 1`, f.rooms["301"])

		f.changeRegister()

		// The snapshot records what the register said at closing: 301's
		// owners before the new co-owner, 102 bound to consent itself.
		if n := f.count(`SELECT owners FROM vote_snapshot_households WHERE vote_id = ? AND household_id = ?`, closed.ID, f.rooms["301"]); n != owners301 ||
			f.count(`SELECT COUNT(*) FROM household_members WHERE household_id = ? AND is_owner = 1`, f.rooms["301"]) != owners301+1 {
			t.Errorf("301 has %d owners in the snapshot, want %d", n, owners301)
		}
		if n := f.count(`SELECT COUNT(*) FROM vote_snapshot_households WHERE vote_id = ? AND required = 1`, closed.ID); n != 1 ||
			f.count(`SELECT required FROM vote_snapshot_households WHERE vote_id = ? AND household_id = ?`, closed.ID, f.rooms["102"]) != 1 {
			t.Errorf("%d required households in the snapshot, want 102 alone", n)
		}

		if got := f.tally(closed.ID); !reflect.DeepEqual(got, frozen) {
			t.Errorf("closed tally changed with the register:\n got %+v\nwant %+v", got, frozen)
		}
		if got := f.sheet(plan.ID); !reflect.DeepEqual(got.Bills, bills.Bills) || got.SumFen != 30000000 || got.Problem != "" {
			t.Errorf("closed vote's bills changed with the register: %d bills, sum %d, problem %q", len(got.Bills), got.SumFen, got.Problem)
		}
		d, err := f.svc.Detail(f.ctx, f.actor("xueyuan"), closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Households) != 12 || !reflect.DeepEqual(d.Tally, frozen) || len(d.CostPlans) != 1 || !reflect.DeepEqual(d.CostPlans[0].Bills, bills.Bills) {
			t.Errorf("closed detail: %d households, tally %+v, plans %d", len(d.Households), d.Tally, len(d.CostPlans))
		}
		for i, h := range d.Households[:min(len(d.Households), len(d0.Households))] {
			if h0 := d0.Households[i]; h.ID != h0.ID || h.AreaCenti != h0.AreaCenti || h.Label != h0.Label || h.Floor != h0.Floor {
				t.Errorf("household %d: %+v, was %+v", i, h, h0)
			}
		}
		// The building view coloured by the closed vote marks the 12
		// households it was held among, not the new 603.
		l, err := f.reg.BuildingWithLayer(f.ctx, f.actor("xueyuan"), f.node(pUnit3[:7]...).ID, "vote:"+itoa(closed.ID))
		if err != nil || l.Layer == nil || len(l.Layer.Marks) != 12 {
			t.Errorf("layer of the closed vote: %+v %v", l.Layer, err)
		}
		// The open vote follows: 13 households, more area.
		if got := f.tally(open.ID); got.Households != 13 || got.TotalAreaCenti <= openBefore.TotalAreaCenti {
			t.Errorf("open vote after the change: %d households, area %d (was %d)", got.Households, got.TotalAreaCenti, openBefore.TotalAreaCenti)
		}
		// A plan made from the closed vote after the change still shares
		// over the frozen households.
		late, err := f.svc.CreateCostPlan(f.ctx, f.actor("xueyuan"), votes.CostPlanInput{VoteID: closed.ID, Title: "补充方案",
			Total: "460000", Subsidy: "160000"})
		if err != nil {
			t.Fatalf("late plan: %v %v", err, linli.ErrorFields(err))
		}
		if got := f.sheet(late.ID); !reflect.DeepEqual(got.Bills, bills.Bills) {
			t.Errorf("late plan: %d bills, not the frozen ones", len(got.Bills))
		}
		// Editing the plan keeps to the frozen households too.
		if _, err := f.svc.UpdateCostPlan(f.ctx, f.actor("xueyuan"), plan.ID, votes.CostPlanInput{Title: "加装电梯费用分摊", Total: "460000",
			Subsidy: "160000"}); err != nil {
			t.Fatalf("update: %v %v", err, linli.ErrorFields(err))
		}
		if got := f.sheet(plan.ID); !reflect.DeepEqual(got.Bills, bills.Bills) {
			t.Errorf("edited plan: %d bills, not the frozen ones", len(got.Bills))
		}
		if n := f.snapshots(closed.ID); n != 1 {
			t.Errorf("%d snapshots of the closed vote, want 1", n)
		}
		if n := f.snapshots(open.ID); n != 0 {
			t.Errorf("%d snapshots of the open vote, want 0", n)
		}
	})
}

// A vote past its closing time is frozen by the first read, before its
// timer ran; the timer then finds nothing to do. Without a read, the timer
// freezes it at the closing time.
func TestVoteFrozenAtClosingTime(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		runner := &jobs.Runner{DB: db, Clock: f.clock, Handlers: f.svc.Parts().Jobs}
		opens := f.clock.Now()
		read := f.newVote(votes.VoteInput{OpensAt: opens, ClosesAt: opens.Add(7 * 24 * time.Hour)})
		timer := f.newVote(votes.VoteInput{Title: "3单元外墙保温意见征询", OpensAt: opens, ClosesAt: opens.Add(8 * 24 * time.Hour)})
		f.castAll(read.ID)
		f.castAll(timer.ID)
		if _, ok, err := jobs.Pending(f.ctx, db, votes.CloseJob, itoa(read.ID)); err != nil || !ok {
			t.Fatalf("no close timer for the vote: %v", err)
		}

		f.clock.Set(opens.Add(7*24*time.Hour + time.Minute)) // read closed, its timer not run
		frozen := f.tally(read.ID)
		v, err := f.svc.Vote(f.ctx, f.actor("xueyuan"), read.ID)
		if err != nil || v.State != votes.StateClosed || v.SnapshotAt.IsZero() {
			t.Fatalf("vote read after closing: %+v %v", v, err)
		}
		f.changeRegister()
		if got := f.tally(read.ID); !reflect.DeepEqual(got, frozen) {
			t.Errorf("tally frozen on read changed:\n got %+v\nwant %+v", got, frozen)
		}
		if _, ok, _ := jobs.Pending(f.ctx, db, votes.CloseJob, itoa(read.ID)); ok {
			t.Error("the close timer is still pending after the freeze")
		}

		// The other vote is frozen by its timer, with no read in between.
		f.clock.Set(opens.Add(8*24*time.Hour + time.Minute))
		if n, err := runner.RunDue(f.ctx); err != nil || n != 1 {
			t.Fatalf("RunDue: %d jobs, %v", n, err)
		}
		if f.snapshots(timer.ID) != 1 {
			t.Fatal("the timer did not freeze the vote")
		}
		timed := f.tally(timer.ID)
		f.setArea("201", "123.45")
		if got := f.tally(timer.ID); !reflect.DeepEqual(got, timed) || got.Households != 13 {
			// 13: the register held the new 603 when the timer ran.
			t.Errorf("tally frozen by the timer: got %+v, want %+v", got, timed)
		}
		for _, id := range []int64{read.ID, timer.ID} {
			if n := f.snapshots(id); n != 1 {
				t.Errorf("vote %d: %d snapshots, want 1", id, n)
			}
		}
		// A manager cannot close a vote already closed by its time.
		if _, err := f.svc.CloseVote(f.ctx, f.actor("xueyuan"), read.ID); code(err) != linli.EConflict {
			t.Errorf("close after closing time: %v", err)
		}
		// Listing the votes reads them frozen too.
		vs, err := f.svc.ListVotes(context.Background(), f.actor("xueyuan"), votes.VoteFilter{})
		if err != nil || len(vs) != 2 || vs[0].SnapshotAt.IsZero() || vs[1].SnapshotAt.IsZero() {
			t.Errorf("list: %+v %v", vs, err)
		}
	})
}
