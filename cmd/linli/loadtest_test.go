package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"linli/cmd/linli-bench/loadtest"
	"linli/storage"
)

// quickLoad is a short, light run: figures are not the point here, only
// that every mode drives the real API and reports what it did.
func quickLoad(s *testServer, t *testing.T, mode string) loadtest.Config {
	return loadtest.Config{URL: s.URL, Mode: mode, Duration: 500 * time.Millisecond, Warmup: 100 * time.Millisecond,
		Concurrency: 4, MaxRequests: 100_000, Password: demoPassword, Data: t.TempDir()}
}

// TestLoadtest starts one demo server per engine. On SQLite every mode
// runs against it; on both engines the crash test's two halves run without
// the crash: every recorded 201 verifies, then a case that was never made
// and a case row without its timeline are both caught.
func TestLoadtest(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		if s.DB.Dialect == storage.SQLite {
			for _, mode := range []string{"create", "mixed", "baseline"} {
				t.Run(mode, func(t *testing.T) { checkMode(t, s, mode) })
			}
		}
		t.Run("verify", func(t *testing.T) { checkRecordVerify(t, s) })
		t.Run("communities", func(t *testing.T) { checkCommunities(t, s) })
	})
}

// checkCommunities: --communities 1 puts every creation in one demo
// community; 3 makes three load communities (once: a second run reuses
// them) and spreads the creations over them.
func checkCommunities(t *testing.T, s *testServer) {
	ctx := context.Background()
	spread := func(n int) map[int64]bool {
		record := filepath.Join(t.TempDir(), "created.txt")
		cfg := quickLoad(s, t, "create")
		cfg.Warmup, cfg.Record, cfg.Communities = 0, record, n
		if _, err := loadtest.Run(ctx, cfg, io.Discard); err != nil {
			t.Fatal(err)
		}
		recs, err := loadtest.ReadRecord(record)
		if err != nil || len(recs) == 0 {
			t.Fatalf("--communities %d: %d cases recorded (%v)", n, len(recs), err)
		}
		seen := map[int64]bool{}
		for _, r := range recs {
			var c int64
			if err := s.DB.QueryRow(ctx, `SELECT community_id FROM cases WHERE id = ?`, r.ID).Scan(&c); err != nil {
				t.Fatal(err)
			}
			seen[c] = true
		}
		return seen
	}
	if got := spread(1); len(got) != 1 {
		t.Errorf("--communities 1: creations in %d communities", len(got))
	}
	first := spread(3)
	if len(first) != 3 {
		t.Errorf("--communities 3: creations in %d communities, want 3", len(first))
	}
	again := spread(3)
	for c := range again {
		if !first[c] {
			t.Errorf("a second --communities 3 run used community %d, not one of the first run's %v", c, first)
		}
	}
}

func checkMode(t *testing.T, s *testServer, mode string) {
	want := map[string][]string{
		"create":   {"create"},
		"mixed":    {"mixed"},
		"baseline": {"healthz", "raw", "rawbatch"},
	}[mode]
	cfg := quickLoad(s, t, mode)
	if mode == "mixed" {
		cfg.Warmup = 0 // so the first loops, which may outlast a short window under -race, are measured
	}
	rep, err := loadtest.Run(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Phases) != len(want) {
		t.Fatalf("%d phases, want %v", len(rep.Phases), want)
	}
	for i, p := range rep.Phases {
		if p.Name != want[i] {
			t.Errorf("phase %d is %s, want %s", i, p.Name, want[i])
		}
		if p.Total.OK == 0 || p.Total.Rate <= 0 {
			t.Errorf("%s: %d ok at %.1f/s, want some", p.Name, p.Total.OK, p.Total.Rate)
		}
		for _, o := range p.Ops {
			if o.N == 0 || o.OK == 0 || o.P50 <= 0 || o.Max < o.P99 || o.P99 < o.P50 {
				t.Errorf("%s %s: n %d ok %d p50 %v p99 %v max %v", p.Name, o.Op, o.N, o.OK, o.P50, o.P99, o.Max)
			}
			if n := o.FailedOver(500); n > 0 {
				t.Errorf("%s %s: %d server errors (first failure: %s)", p.Name, o.Op, n, p.Sample)
			}
		}
		for st := range p.WarmupFailed {
			if st >= 500 {
				t.Errorf("%s: server errors during the warm-up: %v (first failure: %s)", p.Name, p.WarmupFailed, p.Sample)
			}
		}
	}
	if mode == "mixed" {
		if n := len(rep.Phases[0].Ops); n != len(loadtest.MixedOps) {
			t.Errorf("mixed reports %d operations, want every one of %v", n, loadtest.MixedOps)
		}
	}
	var out bytes.Buffer
	rep.Print(&out)
	if mode == "baseline" && !strings.Contains(out.String(), "rows/s") {
		t.Errorf("report without the raw rows/s:\n%s", out.String())
	}
}

func checkRecordVerify(t *testing.T, s *testServer) {
	ctx := context.Background()
	record := filepath.Join(t.TempDir(), "created.txt")
	cfg := quickLoad(s, t, "create")
	cfg.Warmup, cfg.Record = 0, record
	rep, err := loadtest.Run(ctx, cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := loadtest.ReadRecord(record)
	if err != nil {
		t.Fatal(err)
	}
	created, _ := rep.Phase("create")
	if len(recs) == 0 || len(recs) != created.Total.OK || len(recs) != rep.Recorded {
		t.Fatalf("recorded %d cases, the report says %d created and %d recorded", len(recs), created.Total.OK, rep.Recorded)
	}
	verify := []string{"--verify", record, "--url", s.URL, "--password", demoPassword}
	if s.DB.Dialect == storage.SQLite {
		verify = append(verify, "--data", filepath.Dir(s.DB.Label))
	} else {
		verify = append(verify, "--db", postgresDSN(t, s.DB))
	}
	var out bytes.Buffer
	if err := loadtest.Command(ctx, verify, &out, &out); err != nil {
		t.Fatalf("verify of an intact record: %v\n%s", err, out.String())
	}
	if want := fmt.Sprintf("%d recorded cases", len(recs)); !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "0 consistency problems") {
		t.Errorf("verify output lacks %q or the database check:\n%s", want, out.String())
	}

	// A 201 whose case is gone, and a case row whose timeline and
	// statistics never made it.
	var half int64
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		var e error
		half, e = tx.Insert(ctx, `INSERT INTO cases (number, community_id, location_id, path, category_id, title, source, reporter_id, state, created_at, updated_at)
			SELECT 'HALF-0001', community_id, location_id, path, category_id, title, source, reporter_id, state, created_at, updated_at FROM cases WHERE id = ?`, recs[0].ID)
		return e
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(record, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "999999999 XY-20261126-9999 resident\n%d HALF-0001 %s\n", half, recs[0].User)
	f.Close()
	out.Reset()
	err = loadtest.Command(ctx, verify, &out, &out)
	if err == nil {
		t.Fatalf("verify passed with a lost and a half-written case:\n%s", out.String())
	}
	for _, want := range []string{"999999999 (XY-20261126-9999): LOST", "(HALF-0001): HALF-WRITTEN", "cases without any timeline step: 1", "stats_community_day.reported (must be 0): 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("verify output lacks %q:\n%s", want, out.String())
		}
	}
}

// postgresDSN is the URL of a test server's PostgreSQL schema.
func postgresDSN(t *testing.T, db *storage.DB) string {
	var schema, database string
	if err := db.QueryRow(context.Background(), `SELECT current_schema(), current_database()`).Scan(&schema, &database); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv("LINLI_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + database // test servers run on their own copy of the demo database
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
