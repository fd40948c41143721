package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"linli"
	"linli/registry"
	"linli/reports"
)

// runReport writes the monthly (or quarterly) work report of a
// community, street or district as an .xlsx workbook:
//
//	linli report --community 学苑社区 --month 2026-11 -o report.xlsx
//
// A place is given by its division code, its name (when only one place of
// that kind has it) or its path of names from the city down.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	f := newFlags("report", stderr)
	f.common(&cfg)
	var community, street, district, month, quarter, out string
	f.StringVar(&community, "community", "", "the community: its code, its name, or its path of names (运城市/盐湖区/东城街道/学苑社区)")
	f.StringVar(&street, "street", "", "a street instead (code, name or path)")
	f.StringVar(&district, "district", "", "a district instead (code, name or path)")
	f.StringVar(&month, "month", "", "the month, 2026-11 (default: last month)")
	f.StringVar(&quarter, "quarter", "", "a quarter instead, 2026-Q4")
	f.StringVar(&out, "o", "", "output file (default: standard output)")
	if err := f.Parse(args); err != nil {
		return err
	}
	const use = "usage: linli report --community|--street|--district CODE|NAME|PATH [--month 2026-11 | --quarter 2026-Q4] [-o FILE.xlsx]"
	var kind registry.Kind
	var place string
	for _, p := range []struct {
		k registry.Kind
		v string
	}{{registry.KindCommunity, community}, {registry.KindStreet, street}, {registry.KindDistrict, district}} {
		if p.v == "" {
			continue
		}
		if place != "" {
			return errors.New(use)
		}
		kind, place = p.k, p.v
	}
	if place == "" || f.NArg() > 0 {
		return errors.New(use)
	}
	cfg.NoTimers = true
	m := &Main{Config: cfg}
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.DB.Close()
	node, err := m.Registry.Named(ctx, kind, place)
	if err != nil {
		return describe(err)
	}
	zone := m.Reports.Zone()
	p, err := reports.ParsePeriod(month, quarter, cfg.Clock.Now(), zone)
	if err != nil {
		return describe(err)
	}
	rep, err := m.Reports.Build(ctx, linli.System(), reports.Query{NodeID: node.ID, Period: p})
	if err != nil {
		return describe(err)
	}
	var buf bytes.Buffer
	if err := m.Reports.Export(&buf, rep, "zh", func(s string) string { return s }); err != nil {
		return err
	}
	if out == "" {
		_, err = buf.WriteTo(stdout)
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote the report of %s for %s to %s (%d cases reported)\n", node.Name, p.Label("zh"), out, rep.Total.Reported)
	return nil
}
