package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"linli/workbook/workbooktest"
)

// The statistics table shows, beside the due cases, how many of them are
// closed — the closure rate's numerator — so "due 4, closure 100 %" is not
// read against the closures dated in the period.
func TestStatsTableShowsTheDueCohortClosed(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		c := s.login(t, "xueyuan")
		var api struct {
			Total struct {
				Due       int `json:"due"`
				DueClosed int `json:"due_closed"`
			} `json:"total"`
		}
		if st := c.json("GET", "/api/stats", nil, &api); st != 200 {
			t.Fatalf("api: %d", st)
		}
		st, body := c.do("GET", "/stats", nil)
		if st != 200 {
			t.Fatalf("page: %d", st)
		}
		page := string(body)
		if !strings.Contains(page, "应结已结") {
			t.Fatal("the table has no column for the due cases that are closed")
		}
		total := page[strings.Index(page, `<tr class="total">`):]
		want := fmt.Sprintf(`<td class="num">%d</td>
  <td class="num">%d</td>`, api.Total.Due, api.Total.DueClosed)
		if !strings.Contains(total, want) {
			t.Errorf("total row does not show due %d beside due-closed %d", api.Total.Due, api.Total.DueClosed)
		}
	})
}

// TestStatsExport: the statistics tables as .xlsx — the rows and the
// total with counts as numbers and rates as percent numbers (empty where
// there is no rate), the ranking, the trend by date — the same values
// the API gives; the reader's scope only.
func TestStatsExport(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	c := s.login(t, "street")
	var api struct {
		Total struct {
			Reported int `json:"reported"`
			Due      int `json:"due"`
			Rates    struct {
				Response struct {
					Value float64 `json:"value"`
					Valid bool    `json:"valid"`
				} `json:"response"`
			} `json:"rates"`
		} `json:"total"`
		Rows  []struct{ Name string } `json:"rows"`
		Trend []struct {
			Reported int `json:"reported"`
		} `json:"trend"`
	}
	if st := c.json("GET", "/api/stats?period=30d", nil, &api); st != 200 {
		t.Fatalf("api: %d", st)
	}
	st, body := c.do("GET", "/stats/export.xlsx?period=30d", nil)
	if st != 200 {
		t.Fatalf("export: %d", st)
	}
	x := workbooktest.Open(t, body)
	if sheets := x.GetSheetList(); strings.Join(sheets, ",") != "三率统计,网格按期结案排名,每日上报与结案" {
		t.Fatalf("sheets %q", sheets)
	}
	workbooktest.Header(t, x, "三率统计", "名称", "上报", "派遣", "应结", "应结已结", "结案", "已评价", "响应率", "解决率", "满意率", "结案率", "按期结案率", "返工率", "延期率", "升级", "综合得分")
	total := fmt.Sprint(len(api.Rows) + 2)
	workbooktest.Text(t, x, "三率统计", "A"+total, "合计")
	workbooktest.Text(t, x, "三率统计", "A2", api.Rows[0].Name)
	workbooktest.Number(t, x, "三率统计", "B"+total, float64(api.Total.Reported))
	workbooktest.Number(t, x, "三率统计", "D"+total, float64(api.Total.Due))
	if api.Total.Rates.Response.Valid {
		workbooktest.Percent(t, x, "三率统计", "H"+total, api.Total.Rates.Response.Value)
	} else {
		workbooktest.Empty(t, x, "三率统计", "H"+total)
	}
	workbooktest.Date(t, x, "每日上报与结案", "A31", "2026-11-26")
	workbooktest.Number(t, x, "每日上报与结案", "B31", float64(api.Trend[29].Reported))
	if st, _ := s.login(t, "resident").do("GET", "/stats/export.xlsx", nil); st != 403 {
		t.Errorf("a resident exports the statistics: %d", st)
	}
}

// TestStatsRowsDrillDown: a street's table by community names each
// community as a link to that community's own statistics, in the same
// period, and the link opens it.
func TestStatsRowsDrillDown(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testServer) {
		c := s.login(t, "street")
		st, body := c.do("GET", "/stats?by=community&period=30d", nil)
		if st != 200 {
			t.Fatalf("page: %d", st)
		}
		m := regexp.MustCompile(`<a href="(/stats\?node_id=\d+&amp;period=30d)" data-test="drill">([^<]+)</a>`).FindStringSubmatch(string(body))
		if m == nil {
			t.Fatalf("no row links to its own statistics:\n%s", body)
		}
		st, body = c.do("GET", strings.ReplaceAll(m[1], "&amp;", "&"), nil)
		if st != 200 || !strings.Contains(string(body), "三率统计 · "+m[2]) {
			t.Errorf("following %s: %d, heading for %s missing", m[1], st, m[2])
		}
	})
}
