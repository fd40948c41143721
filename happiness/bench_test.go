package happiness_test

import (
	"context"
	"os"
	"testing"

	"linli"
	"linli/calendar"
	"linli/capability"
	"linli/cases"
	"linli/demo/demotest"
	"linli/happiness"
	"linli/registry"
	"linli/storage"
)

// BenchmarkCommunitiesAtScale times happiness.Communities (the public
// index /happiness: the communities whose list has entries) on a large
// database named by HAPPINESS_BENCH_DB (a linli.db made by `linli-bench
// list-generate`, with approved publications added: see
// docs/performance.md, "The happiness index"); skipped without it. Cases
// only: no project, mediation or campaign source.
func BenchmarkCommunitiesAtScale(b *testing.B) {
	path := os.Getenv("HAPPINESS_BENCH_DB")
	if path == "" {
		b.Skip("HAPPINESS_BENCH_DB is not set")
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	cal, err := calendar.Default()
	if err != nil {
		b.Fatal(err)
	}
	clock := linli.SystemClock{}
	reg := registry.New(db, clock)
	cs := cases.New(db, clock, cal, reg, demotest.Beijing)
	svc := happiness.New(capability.Deps{DB: db, Clock: clock, Zone: demotest.Beijing, Registry: reg, Cases: cs})
	for range b.N {
		l, err := svc.Communities(ctx)
		if err != nil || len(l) == 0 {
			b.Fatalf("%v %d", err, len(l))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/call")
}
