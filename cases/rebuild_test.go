package cases_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"linli"
	"linli/auth"
	"linli/calendar"
	"linli/cases"
	"linli/demo"
	"linli/jobs"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// The counters maintained as cases change must equal the ones rebuilt from
// the timelines alone — otherwise one of the two rule sets is wrong.
func TestRebuildStatsMatchesMaintainedCounters(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		zone, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			t.Fatal(err)
		}
		cal, err := calendar.Default()
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 26, 9, 0, 0, 0, zone)
		clock := linli.NewFakeClock(now)
		reg := registry.New(db, clock)
		au := auth.New(db, clock, reg, auth.CheapHashParams(), auth.DefaultPolicy())
		svc := cases.New(db, clock, cal, reg, zone)
		if err := svc.Seed(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(ctx, reg, au, demo.Build()); err != nil {
			t.Fatal(err)
		}
		n, err := demo.LoadCases(ctx, reg, au, cal, zone, now)
		if err != nil || n < 20 {
			t.Fatalf("demo cases: %d, %v", n, err)
		}
		// Let the overdue timers fire so escalations are counted too.
		runner := &jobs.Runner{DB: db, Clock: clock, Handlers: svc.JobHandlers()}
		if _, err := runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Fold(ctx); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, db)
		if len(before) == 0 {
			t.Fatal("no statistics maintained")
		}
		if _, err := svc.RebuildStats(ctx); err != nil {
			t.Fatal(err)
		}
		after := snapshot(t, db)
		if !reflect.DeepEqual(before, after) {
			for k, v := range before {
				if after[k] != v {
					t.Errorf("%s: maintained %s, rebuilt %s", k, v, after[k])
				}
			}
			for k, v := range after {
				if _, ok := before[k]; !ok {
					t.Errorf("%s: only rebuilt %s", k, v)
				}
			}
		}
	})
}

func snapshot(t *testing.T, db *storage.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range cases.StatTables {
		rows, err := db.Query(context.Background(), `SELECT period, community_id, ref_id, reported, dispatched, responded, responded_on_time,
			due, closed, closed_on_time, resolved, satisfied, basic, unsatisfied, rework, extended, escalated, response_due, due_closed, due_extended FROM `+tb.Name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k [3]int64
			var v [17]int
			dst := []any{&k[0], &k[1], &k[2]}
			for i := range v {
				dst = append(dst, &v[i])
			}
			if err := rows.Scan(dst...); err != nil {
				t.Fatal(err)
			}
			if v == [17]int{} {
				continue // an all-zero row is the same as no row
			}
			out[tb.Name+fmt.Sprint(k)] = fmt.Sprint(v)
		}
		rows.Close()
	}
	return out
}
