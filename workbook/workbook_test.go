package workbook_test

import (
	"bytes"
	"testing"
	"time"

	"linli/workbook"
	"linli/workbook/workbooktest"
)

// TestTypedCells: a header row per sheet, text stays text (also when it
// looks like a formula), dates are date numbers with a date format in the
// deployment's zone, rates are numbers with a percent format, counts are
// numbers; sheet names are made valid and unique.
func TestTypedCells(t *testing.T) {
	zone, _ := time.LoadLocation("Asia/Shanghai")
	b, err := workbook.New(zone)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cols := []workbook.Column{{Name: "名称", Kind: workbook.Text}, {Name: "件数", Kind: workbook.Int}, {Name: "满意率", Kind: workbook.Percent},
		{Name: "日期", Kind: workbook.Date}, {Name: "上报时间", Kind: workbook.DateTime}}
	s, err := b.Sheet("案件/分类", cols)
	if err != nil {
		t.Fatal(err)
	}
	// 2026-11-30 23:30 in Shanghai is 15:30 UTC: the sheet shows the 30th.
	at := time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC)
	if err := s.Row(`=HYPERLINK("http://x","点这里")`, 12, 0.875, at, at); err != nil {
		t.Fatal(err)
	}
	if err := s.Row("@SUM(A1)", 0, nil, time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sheet("案件/分类", cols[:1]); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	x := workbooktest.Open(t, buf.Bytes())
	if got := x.GetSheetList(); len(got) != 2 || got[0] != "案件_分类" || got[1] != "案件_分类(2)" {
		t.Fatalf("sheets %q", got)
	}
	sh := "案件_分类"
	workbooktest.Header(t, x, sh, "名称", "件数", "满意率", "日期", "上报时间")
	workbooktest.Text(t, x, sh, "A2", `=HYPERLINK("http://x","点这里")`)
	workbooktest.Text(t, x, sh, "A3", "@SUM(A1)")
	workbooktest.Number(t, x, sh, "B2", 12)
	workbooktest.Number(t, x, sh, "B3", 0)
	workbooktest.Percent(t, x, sh, "C2", 0.875)
	workbooktest.Empty(t, x, sh, "C3")
	workbooktest.Date(t, x, sh, "D2", "2026-11-30")
	workbooktest.DateTime(t, x, sh, "E2", "2026-11-30 23:30")
	workbooktest.Empty(t, x, sh, "D3")
	if f, _ := x.GetCellFormula(sh, "A2"); f != "" {
		t.Fatalf("A2 has a formula %q", f)
	}
}
