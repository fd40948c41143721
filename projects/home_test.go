package projects_test

import (
	"testing"

	"linli/storage"
	"linli/storage/storagetest"
	"linli/web"
)

// The home page's 我关注的项目: the projects a resident follows, with
// their phase and progress; an empty panel (a place for it) before they
// follow any; none for staff who follow nothing.
func TestHomePanelFollowedProjects(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		p := f.elevator(true)
		panel := func(u string) *web.Panel {
			t.Helper()
			ps, err := f.svc.HomePanels(f.ctx, f.a(u))
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 {
				return nil
			}
			return &ps[0]
		}
		if got := panel("resident"); got == nil || got.Counts[0].N != 0 || !got.IsEmpty() {
			t.Errorf("before following: %+v", got)
		}
		if got := panel("xueyuan"); got != nil {
			t.Errorf("staff who follow nothing: %+v", got)
		}
		if err := f.svc.Follow(f.ctx, f.a("resident"), p.ID); err != nil {
			t.Fatal(err)
		}
		got := panel("resident")
		if got == nil || got.Counts[0].N != 1 || got.Counts[0].Href != "/projects" || len(got.Lists[0].Items) != 1 ||
			got.Lists[0].Items[0].Text != p.Title || got.Lists[0].Items[0].Note != "提议 · 0% / Proposal · 0%" {
			t.Errorf("after following: %+v", got)
		}
	})
}
