package cases_test

import (
	"reflect"
	"slices"
	"testing"

	"linli"
	"linli/cases"
	"linli/storage"
	"linli/storage/storagetest"
)

// Merging needs read rights on the target case: staff who manage the
// duplicate's estate but not the rest of the community cannot merge into
// (and so learn the number of) a case they cannot read. Such a target
// answers exactly like a case that does not exist.
func TestMergeNeedsReadOnTheTarget(t *testing.T) {
	t.Parallel()
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		estate := f.node(pHuicui...)
		f.actors["estate"] = &linli.Actor{AccountID: 1 << 30, Username: "estate", DisplayName: "小区专干",
			Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodeID: estate.ID, NodePath: estate.Path}}}
		dup := f.open("building", cases.NewCase{Category: "water_leak", Title: "3单元楼道顶棚渗水", LocationID: f.node(append(slices.Clone(pHuicui), "1号楼")...).ID})
		f.act("estate", dup.ID, cases.ActionInput{Action: cases.ActAccept})
		elsewhere := f.open("xueyuan", cases.NewCase{Category: "water_leak", Title: "第二网格楼道渗水", LocationID: f.node(append(slices.Clone(pXueyuan), "第二网格")...).ID})
		if _, err := f.svc.Get(f.ctx, f.actor("estate"), elsewhere.ID); linli.ErrorCode(err) == "" {
			t.Fatal("the estate's staff reads a case outside the estate")
		}
		unknown := f.actErr("estate", dup.ID, cases.ActionInput{Action: cases.ActMerge, MergeInto: 1 << 40})
		unreadable := f.actErr("estate", dup.ID, cases.ActionInput{Action: cases.ActMerge, MergeInto: elsewhere.ID})
		u, _ := unknown.(*linli.Error)
		g, _ := unreadable.(*linli.Error)
		if u == nil || u.Code != linli.EInvalid || g == nil || !reflect.DeepEqual(*u, *g) {
			t.Errorf("merge into a case the actor cannot read: %#v; into no case: %#v", unreadable, unknown)
		}
		if c := f.get(dup.ID); c.State == cases.Merged {
			t.Errorf("the duplicate was merged into a case its merger cannot read")
		}
		// Within the estate it merges.
		first := f.open("building", cases.NewCase{Category: "water_leak", Title: "楼道顶棚渗水", LocationID: f.node(append(slices.Clone(pHuicui), "1号楼")...).ID})
		f.act("estate", first.ID, cases.ActionInput{Action: cases.ActAccept})
		if m := f.act("estate", dup.ID, cases.ActionInput{Action: cases.ActMerge, MergeInto: first.ID}); m.MergedInto != first.ID {
			t.Errorf("merged into %d, want %d", m.MergedInto, first.ID)
		}
	})
}

// A case the actor may not see answers reads and actions exactly like a
// case that does not exist (it answered 403), so its id cannot be probed.
func TestUnreadableCaseAnswersLikeUnknown(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storagetest.SQLite(t))
	jx := f.leak("jxresident")
	same := func(what string, got, want error) {
		t.Helper()
		g, _ := got.(*linli.Error)
		w, _ := want.(*linli.Error)
		if g == nil || w == nil || !reflect.DeepEqual(*g, *w) {
			t.Errorf("%s: %#v; an unknown case: %#v", what, got, want)
		}
	}
	_, unknown := f.svc.Get(f.ctx, f.actor("xueyuan"), 1<<40)
	_, got := f.svc.Get(f.ctx, f.actor("xueyuan"), jx.ID)
	same("read", got, unknown)
	same("act", f.actErr("xueyuan", jx.ID, cases.ActionInput{Action: cases.ActAccept}), f.actErr("xueyuan", 1<<40, cases.ActionInput{Action: cases.ActAccept}))
}
