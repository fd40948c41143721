package open311_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"linli"
	"linli/calendar"
	"linli/capability"
	"linli/cases"
	"linli/demo/demotest"
	"linli/open311"
	"linli/registry"
	"linli/storage"
	"linli/storage/storagetest"
)

// BenchmarkRequestsJSON measures GET /open311/v2/requests.json answering
// 1,000 public requests, over real HTTP on SQLite, beside same-run
// baselines on the same rows:
//
//	open311:   GET /open311/v2/requests.json?jurisdiction_id=学苑社区 (1,000 of the last 90 days)
//	caselist:  GET /api/cases?order=new&limit=500, two pages (1,000 cases), as the community's staff
//	read:      cases.PublicRequests alone (the query under open311, no shaping or encoding)
//
// The world is the demo's with O311_BENCH_CASES cases (default 6,000)
// reported by the 602 resident over 180 days, two in three public, so the
// 90-day window holds about 2,000 public ones.
func BenchmarkRequestsJSON(b *testing.B) {
	n := 6000
	if v, err := strconv.Atoi(os.Getenv("O311_BENCH_CASES")); err == nil && v > 0 {
		n = v
	}
	f := newFixture(b, storagetest.SQLite(b))
	step := 180 * 24 * time.Hour / time.Duration(n)
	start := time.Now()
	for i := 0; i < n; i++ {
		_, err := f.w.Cases.Open(f.ctx, f.actors["resident"], cases.NewCase{Category: "water_leak", Title: "漏水" + strconv.Itoa(i),
			HouseholdID: f.household("resident"), Public: i%3 != 0, Lat: 35.0281, Lon: 111.0078})
		if err != nil {
			b.Fatal(err)
		}
		f.w.Clock.Advance(step)
	}
	b.Logf("%d cases written in %s", n, time.Since(start).Round(time.Millisecond))
	f.w.Cases.Routes(f.srv.Router)
	staff := f.srv.BearerAs(b, f.actors["xueyuan"])
	get := func(url string, into any) {
		res, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			b.Fatalf("%s: %d %s", url, res.StatusCode, body)
		}
		if into != nil {
			if err := json.Unmarshal(body, into); err != nil {
				b.Fatal(err)
			}
		}
	}
	var probe []map[string]any
	get(f.srv.URL+"/open311/v2/requests.json?jurisdiction_id="+codeXueyuan, &probe)
	if len(probe) != 1000 {
		b.Fatalf("open311 answered %d", len(probe))
	}
	b.Run("open311", func(b *testing.B) {
		for range b.N {
			get(f.srv.URL+"/open311/v2/requests.json?jurisdiction_id="+codeXueyuan, nil)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/call")
	})
	b.Run("caselist", func(b *testing.B) {
		for range b.N {
			r := staff.Get("/api/cases?order=new&limit=500&node_id=" + itoa(f.node("学苑社区").ID))
			var page cases.Page
			r.Decode(b, &page)
			if r.Status != 200 || len(page.Cases) != 500 || page.Next == "" {
				b.Fatalf("case list: %d %d", r.Status, len(page.Cases))
			}
			if r := staff.Get("/api/cases?order=new&limit=500&node_id=" + itoa(f.node("学苑社区").ID) + "&after=" + page.Next); r.Status != 200 {
				b.Fatalf("page 2: %d", r.Status)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/call")
	})
	b.Run("read", func(b *testing.B) {
		for range b.N {
			rows, err := f.w.Cases.PublicRequests(f.ctx, f.db, cases.PublicFilter{Path: f.node("学苑社区").Path, Limit: 1000,
				From: f.w.Clock.Now().Add(-90 * 24 * time.Hour), To: f.w.Clock.Now()})
			if err != nil || len(rows) != 1000 {
				b.Fatalf("%v %d", err, len(rows))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/call")
	})
}

// BenchmarkRequestsAtScale times the same call on a large database made by
// `linli-bench list-generate` (one street of 20 communities, cases over
// the last year), named by O311_BENCH_DB (its linli.db); skipped without
// it. The generator writes no public cases: make some public first (see
// docs/performance.md, "Open311"). Against the services directly, beside
// the same baselines as BenchmarkRequestsJSON's (the case list's service,
// two pages of 500 newest first, as the system; the bare read):
//
//	street, community: open311's GET requests for the street (149901001000)
//	  and for its first community (149901001001), 1,000 results
func BenchmarkRequestsAtScale(b *testing.B) {
	path := os.Getenv("O311_BENCH_DB")
	if path == "" {
		b.Skip("O311_BENCH_DB is not set")
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
	svc := open311.New(capability.Deps{DB: db, Clock: clock, Zone: demotest.Beijing, Registry: reg, Cases: cs})
	for _, j := range []struct{ name, code string }{{"street", "149901001000"}, {"community", "149901001001"}} {
		b.Run(j.name, func(b *testing.B) {
			cpu := startCPU()
			for range b.N {
				l, err := svc.Requests(ctx, open311.Query{Jurisdiction: j.code})
				if err != nil || len(l) != 1000 {
					b.Fatalf("%v %d", err, len(l))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/call")
			cpu.report(b)
		})
	}
	street, err := reg.NodesUnder(ctx, db, "/", registry.KindStreet)
	if err != nil || len(street) != 1 {
		b.Fatalf("%v %d streets", err, len(street))
	}
	b.Run("caselist", func(b *testing.B) {
		cpu := startCPU()
		for range b.N {
			p, err := cs.ListPage(ctx, linli.System(), cases.Filter{NodeID: street[0].ID, Order: "new", Limit: 500})
			if err != nil || len(p.Cases) != 500 {
				b.Fatalf("%v %d", err, len(p.Cases))
			}
			if _, err := cs.ListPage(ctx, linli.System(), cases.Filter{NodeID: street[0].ID, Order: "new", Limit: 500, After: p.Next}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/call")
		cpu.report(b)
	})
	b.Run("read", func(b *testing.B) {
		now := time.Now()
		cpu := startCPU()
		for range b.N {
			rows, err := cs.PublicRequests(ctx, db, cases.PublicFilter{Path: street[0].Path, Limit: 1000, From: now.Add(-90 * 24 * time.Hour), To: now})
			if err != nil || len(rows) != 1000 {
				b.Fatalf("%v %d", err, len(rows))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/call")
		cpu.report(b)
	})
}

// cpuClock is the CPU time (user and system) this process used since it
// was started: on a machine shared with other builds, wall time per call
// mostly measures waiting for a core; CPU time per call does not.
type cpuClock time.Duration

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuClock { return cpuClock(processCPU()) }

// report adds the CPU milliseconds per call.
func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64((processCPU()-time.Duration(c)).Microseconds())/1000/float64(b.N), "cpu-ms/call")
}
