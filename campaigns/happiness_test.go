package campaigns_test

import (
	"strings"
	"testing"

	"linli/campaigns"
	"linli/storage"
	"linli/storage/storagetest"
)

// TestHappinessEntries: a campaign reaches the happiness list once closed
// with findings, with its figures and no household, and the counts agree.
func TestHappinessEntries(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		c, ts := f.active()
		t1, hs := f.task1(ts)
		staff, grid := f.a("xueyuan"), f.a("grid1")
		hz, err := f.svc.Record(f.ctx, grid, campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[0].ID, Answers: hazardous()}, pngPhoto(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Record(f.ctx, grid, campaigns.FindingInput{TaskID: t1.ID, HouseholdID: hs[1].ID, Answers: fine()}, pngPhoto(t)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetPlan(f.ctx, staff, hz.Finding.ID, campaigns.PlanInput{Kind: campaigns.PlanNone}); err != nil {
			t.Fatal(err)
		}
		entries := func() int {
			t.Helper()
			es, err := f.svc.HappinessEntries(f.ctx, c.CommunityID)
			if err != nil {
				t.Fatal(err)
			}
			counts, err := f.svc.HappinessCounts(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if counts[c.CommunityID] != len(es) {
				t.Errorf("counts %v, entries %d", counts, len(es))
			}
			for _, e := range es {
				if e.Kind != campaigns.KindHappiness || e.ID != c.ID || e.Title != c.Title || e.Place != "学苑社区" ||
					!strings.Contains(e.Summary, "共查太阳能热水器2台，发现隐患1项，已整改销号1项") || strings.Contains(e.Summary, hs[0].Room) {
					t.Errorf("entry %+v", e)
				}
			}
			return len(es)
		}
		if n := entries(); n != 0 {
			t.Errorf("an active campaign is on the list (%d)", n)
		}
		if _, err := f.svc.Close(f.ctx, staff, c.ID); err != nil {
			t.Fatal(err)
		}
		if n := entries(); n != 1 {
			t.Errorf("the closed campaign: %d entries", n)
		}
		// A campaign closed without a finding found nothing to show.
		empty, _ := f.active()
		if _, err := f.svc.Close(f.ctx, staff, empty.ID); err != nil {
			t.Fatal(err)
		}
		if n := entries(); n != 1 {
			t.Errorf("with a campaign closed empty: %d entries", n)
		}
	})
}
