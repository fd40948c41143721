package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"linli"
	"linli/auth"
	"linli/calendar"
	"linli/capability"
	"linli/happiness"
	"linli/mediation"
	"linli/projects"
	"linli/reports"
	"linli/stats"
)

// runReportBench times the monthly report of the first district of a
// generated database (stats-generate) for last whole month, beside the
// statistics page of the same district and month as the same run's
// baseline (p50/p95 of n runs each, alternating).
func runReportBench(ctx context.Context, cfg config, n int, month string, stdout io.Writer) error {
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	zone, err := time.LoadLocation(cfg.Zone)
	if err != nil {
		return err
	}
	cal, err := calendar.Default()
	if err != nil {
		return err
	}
	// The services as the server wires them (cmd/linli/app.go).
	d, err := capability.Build(ctx, db, capability.Config{Clock: cfg.Clock, Zone: zone, Calendar: cal,
		Hash: auth.DefaultHashParams(), Policy: auth.DefaultPolicy(), BasicWeight: stats.DefaultWeights().Basic})
	if err != nil {
		return err
	}
	st := &stats.Service{DB: db, Registry: d.Registry, Cases: d.Cases, Weights: stats.DefaultWeights(), Zone: zone, Clock: cfg.Clock, Fresh: d.Cases.Fold}
	pj, md := projects.New(d, nil), mediation.New(d)
	rs := reports.New(d, st, pj, md, happiness.New(d, pj, md))
	var district int64
	if err := db.QueryRow(ctx, `SELECT id FROM nodes WHERE kind = 'district' ORDER BY id LIMIT 1`).Scan(&district); err != nil {
		return err
	}
	var grids int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM nodes WHERE kind = 'grid'`).Scan(&grids); err != nil {
		return err
	}
	p, err := reports.ParsePeriod(month, "", cfg.Clock.Now(), zone)
	if err != nil {
		return err
	}
	sys := linli.System()
	// The parts, once each, to see where the time goes.
	dn, err := d.Registry.NodeByID(ctx, district)
	if err != nil {
		return err
	}
	for _, part := range []struct {
		name string
		f    func() error
	}{
		{"cases.ReportedBySource", func() error { _, err := d.Cases.ReportedBySource(ctx, dn.Path, p.From, p.End()); return err }},
		{"cases.Recurring", func() error { _, err := d.Cases.Recurring(ctx, dn.Path, p.From, p.End(), 10); return err }},
		{"cases.EscalationsIn", func() error { _, _, err := d.Cases.EscalationsIn(ctx, dn.Path, p.From, p.End(), 30); return err }},
		{"projects.InPeriod", func() error { _, err := pj.InPeriod(ctx, dn.Path, p.From, p.End(), 40); return err }},
		{"mediation.InPeriod", func() error { _, err := md.InPeriod(ctx, dn.Path, p.From, p.End(), 40); return err }},
		{"stats by category", func() error {
			_, err := st.Report(ctx, sys, stats.Query{NodeID: district, From: p.From, To: p.To, By: stats.ByCategory})
			return err
		}},
	} {
		start := time.Now()
		if err := part.f(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "part %-24s %s\n", part.name, time.Since(start).Round(100*time.Microsecond))
	}
	var page, report []time.Duration
	var pageCPU, reportCPU time.Duration // process CPU time, which load from other work moves far less
	var rep reports.Report
	for i := 0; i < n; i++ {
		start, cpu := time.Now(), cpuTime()
		if _, err := st.Report(ctx, sys, stats.Query{NodeID: district, From: p.From, To: p.To}); err != nil {
			return err
		}
		page, pageCPU = append(page, time.Since(start)), pageCPU+cpuTime()-cpu
		start, cpu = time.Now(), cpuTime()
		if rep, err = rs.Build(ctx, sys, reports.Query{NodeID: district, Period: p}); err != nil {
			return err
		}
		report, reportCPU = append(report, time.Since(start)), reportCPU+cpuTime()-cpu
	}
	fmt.Fprintf(stdout, "district of %d grids, %s: %d cases reported, %d escalations, %d recurring, %d units\n",
		grids, p.Key(), rep.Total.Reported, rep.EscalationsTotal, len(rep.Recurring), len(rep.Units))
	fmt.Fprintf(stdout, "%-44s %10s %10s %10s\n", "query", "p50", "p95", "cpu/op")
	for _, x := range []struct {
		name string
		ts   []time.Duration
		cpu  time.Duration
	}{{"statistics page (baseline): district, month", page, pageCPU}, {"monthly report: district, month", report, reportCPU}} {
		sort.Slice(x.ts, func(a, b int) bool { return x.ts[a] < x.ts[b] })
		fmt.Fprintf(stdout, "%-44s %10s %10s %10s\n", x.name, x.ts[len(x.ts)/2].Round(100*time.Microsecond), x.ts[len(x.ts)*95/100].Round(100*time.Microsecond),
			(x.cpu / time.Duration(n)).Round(100*time.Microsecond))
	}
	return nil
}
