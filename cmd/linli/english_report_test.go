package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"linli/workbook/workbooktest"
)

// TestEnglishMonthlyReport: the monthly report (page, quarter and the
// export's sheet names and headers) reads in English but for the data,
// and the statistics page links to it.
func TestEnglishMonthlyReport(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	data := append(dataStrings(t, s), capabilityTexts(t, s)...)
	sort.Slice(data, func(i, j int) bool { return len(data[i]) > len(data[j]) })
	street, err := s.Registry.FindNode(context.Background(), []string{"运城市", "盐湖区", "东城街道"})
	if err != nil {
		t.Fatal(err)
	}
	c := english(t, s, "street")
	found := map[string][]string{}
	for _, p := range []string{fmt.Sprintf("/reports?node_id=%d&month=2026-11", street.ID), fmt.Sprintf("/reports?node_id=%d&quarter=2026-Q4", street.ID), "/reports"} {
		st, body := c.do("GET", p, nil)
		if st != http.StatusOK {
			t.Fatalf("GET %s: %d %.300s", p, st, body)
		}
		for _, l := range chineseLeft(string(body), data) {
			found[l] = append(found[l], p)
		}
	}
	reportChinese(t, found)

	st, body := c.do("GET", fmt.Sprintf("/reports/export.xlsx?node_id=%d&month=2026-11", street.ID), nil)
	if st != http.StatusOK {
		t.Fatalf("export: %d", st)
	}
	x := workbooktest.Open(t, body)
	if sheets := x.GetSheetList(); len(sheets) != 11 || sheets[0] != "Key rates" {
		t.Fatalf("sheets %q", sheets)
	}
	workbooktest.Header(t, x, "Key rates", "Measure", "This period", "Previous period", "Change (points)")
	workbooktest.Text(t, x, "Key rates", "A2", "Response")

	// Staff find the report from the statistics page.
	_, page := english(t, s, "street").do("GET", fmt.Sprintf("/stats?node_id=%d", street.ID), nil)
	if !strings.Contains(string(page), fmt.Sprintf(`href="/reports?node_id=%d&amp;month=2026-11"`, street.ID)) || !strings.Contains(string(page), `href="/stats/export.xlsx?`) {
		t.Errorf("the statistics page does not link the report and its export: %.2000s", page)
	}
}
