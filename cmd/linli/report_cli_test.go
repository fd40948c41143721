package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linli"
	"linli/reports"
	"linli/workbook/workbooktest"
)

// TestReportCommand: `linli report` writes the monthly report of a
// community (by name) or of a street (by its path, for a quarter) as the
// same workbook the page exports, and refuses what it cannot resolve.
func TestReportCommand(t *testing.T) {
	demoSQLite(t) // makes the template
	data := t.TempDir()
	if err := copyFile(demoTemplates.sqlite, filepath.Join(data, "linli.db")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "report.xlsx")
	var errb bytes.Buffer
	if err := run(ctx, []string{"report", "--data", data, "--community", "学苑社区", "--month", "2026-11", "-o", out}, io.Discard, &errb); err != nil {
		t.Fatalf("report: %v (%s)", err, errb.String())
	}
	file, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	x := workbooktest.Open(t, file)
	if sheets := x.GetSheetList(); len(sheets) != 11 || sheets[0] != "主要指标" || sheets[2] != "各网格情况" {
		t.Fatalf("sheets %q", sheets)
	}
	// The numbers are the report's own.
	m := &Main{Config: DefaultConfig()}
	m.Config.Data, m.Config.NoTimers = data, true
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.DB.Close()
	community, err := m.Registry.Named(ctx, "community", "学苑社区")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := reports.ParsePeriod("2026-11", "", m.Config.Clock.Now(), m.Reports.Zone())
	rep, err := m.Reports.Build(ctx, linli.System(), reports.Query{NodeID: community.ID, Period: p})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Reported == 0 || !strings.Contains(errb.String(), "学苑社区") {
		t.Fatalf("reported %d; %s", rep.Total.Reported, errb.String())
	}
	workbooktest.Header(t, x, "案件数量", "指标", "本期", "上期")
	workbooktest.Number(t, x, "案件数量", "B2", float64(rep.Total.Reported))

	// A street by its path, a quarter, to standard output.
	var stdout bytes.Buffer
	if err := run(ctx, []string{"report", "--data", data, "--street", "运城市/盐湖区/东城街道", "--quarter", "2026-Q4"}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	q := workbooktest.Open(t, stdout.Bytes())
	workbooktest.Header(t, q, "各社区情况", "社区", "上报", "应结", "结案", "响应率", "解决率", "满意率", "按期结案率", "综合得分")

	for _, bad := range [][]string{
		{"report", "--data", data, "--community", "学苑社区", "--street", "东城街道"},
		{"report", "--data", data, "--community", "没有这个社区"},
		{"report", "--data", data, "--community", "学苑社区", "--month", "2026-13"},
		{"report", "--data", data, "--street", "学苑社区"},
	} {
		if err := run(ctx, bad, io.Discard, io.Discard); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
