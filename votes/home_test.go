package votes_test

import (
	"testing"
	"time"

	"linli/storage"
	"linli/storage/storagetest"
	"linli/votes"
	"linli/web"
)

// The home page's open votes: each role sees the votes open now that it
// may see — the resident those over their household, staff and the grid
// worker those in their scope — not the ones still to open; the count links
// to the list of open votes; a closed vote leaves it.
func TestHomePanelOpenVotes(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		open := f.newVote(votes.VoteInput{})
		f.newVote(votes.VoteInput{Title: "3单元楼道粉刷", OpensAt: f.clock.Now().AddDate(0, 0, 2)})
		panel := func(u string) *web.Panel {
			t.Helper()
			ps, err := f.svc.HomePanels(f.ctx, f.actor(u))
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 {
				return nil
			}
			return &ps[0]
		}
		for _, u := range []string{"resident", "xueyuan", "grid1"} {
			p := panel(u)
			if p == nil || p.Counts[0].N != 1 || p.Counts[0].Href != "/votes?state=open" || len(p.Lists[0].Items) != 1 ||
				p.Lists[0].Items[0].Text != open.Title || p.Lists[0].Items[0].Note == "" {
				t.Errorf("%s: %+v", u, p)
			}
		}
		if p := panel("jixiang"); p == nil || p.Counts[0].N != 0 {
			t.Errorf("吉祥社区 staff: %+v, want an empty panel", p)
		}
		// The list the count links to holds the same votes.
		vs, err := f.svc.ListVotes(f.ctx, f.actor("resident"), votes.VoteFilter{State: votes.StateOpen})
		if err != nil || len(vs) != 1 || vs[0].ID != open.ID {
			t.Errorf("open votes for the resident: %+v %v", vs, err)
		}
		f.clock.Advance(33 * 24 * time.Hour) // both closed
		if p := panel("resident"); p != nil {
			t.Errorf("a closed vote stays on the resident's home: %+v", p)
		}
	})
}
