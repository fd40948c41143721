package cases

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"linli/storage"
	"linli/storage/storagetest"
)

// Open311's GET requests reads its 1,000 answers from an index that holds
// the jurisdiction's public cases in the order asked, not by walking every
// case of the window (cases_created) and skipping the others: a community
// through cases_community_public, a street through cases_public_new (the
// path tested in the index). The plans are SQLite's; speed is measured in
// open311's BenchmarkRequestsAtScale (docs/performance.md, "Open311").
func TestPublicRequestsUseTheirIndexes(t *testing.T) {
	db := storagetest.SQLite(t)
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, index string
		f           PublicFilter
	}{
		{"community", "cases_community_public", PublicFilter{Path: "/1/2/3/4/", CommunityID: 4, From: now.AddDate(0, 0, -90), To: now, Limit: 1000}},
		{"community, the window open-ended", "cases_community_public", PublicFilter{Path: "/1/2/3/4/", CommunityID: 4, From: now.AddDate(0, 0, -90), Limit: 1000}},
		{"community, open only", "cases_community_public", PublicFilter{Path: "/1/2/3/4/", CommunityID: 4, From: now.AddDate(0, 0, -90), To: now, Status: "open", Limit: 1000}},
		{"street", "cases_public_new", PublicFilter{Path: "/1/2/3/", From: now.AddDate(0, 0, -90), To: now, Limit: 1000}},
	} {
		q, args := publicRequestsSQL(c.f)
		got := strings.Join(explain(t, db, q, args...), "; ")
		if !strings.Contains(got, "USING INDEX "+c.index+" ") || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan %q, want %s in order without a sort", c.name, got, c.index)
		}
	}
}

// The public index of happiness lists counts the listed cases from the
// publications staff approved, each case looked up by its key, not by
// reading every public case of the city (happiness.Communities took 5.4 s
// at a million cases).
func TestListedCountsReadThePublications(t *testing.T) {
	plan := explain(t, storagetest.SQLite(t), listedCountsSQL)
	if len(plan) < 2 || !strings.HasPrefix(plan[0], "SCAN p") || !strings.Contains(plan[1], "SEARCH c USING INTEGER PRIMARY KEY") {
		t.Errorf("plan %q, want the publications scanned and each case found by its key", plan)
	}
}

// explain is SQLite's plan of a query, one line a step.
func explain(t *testing.T, db *storage.DB, q string, args ...any) []string {
	t.Helper()
	plan, err := storage.Select(context.Background(), db, func(r *sql.Rows) (string, error) {
		var id, parent, unused int
		var detail string
		err := r.Scan(&id, &parent, &unused, &detail)
		return detail, err
	}, `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}
