package stats

import (
	"io"
	"net/http"

	"linli/web"
	"linli/workbook"
)

// Export writes a report's tables as an .xlsx workbook: the rows with
// their counters and rates and the total, the grids' on-time ranking and
// the daily trend, one sheet each. t translates the headers (nil keeps
// the Chinese).
func (s *Service) Export(w io.Writer, rep Report, t func(string) string) error {
	if t == nil {
		t = func(s string) string { return s }
	}
	b, err := workbook.New(s.Zone)
	if err != nil {
		return err
	}
	defer b.Close()
	n := func(name string) workbook.Column { return workbook.Column{Name: t(name), Kind: workbook.Int} }
	p := func(name string) workbook.Column { return workbook.Column{Name: t(name), Kind: workbook.Percent} }
	cols := []workbook.Column{{Name: t("名称"), Kind: workbook.Text, Width: 24}, n("上报"), n("派遣"), n("应结"), n("应结已结"), n("结案"), n("已评价"),
		p("响应率"), p("解决率"), p("满意率"), p("结案率"), p("按期结案率"), p("返工率"), p("延期率"), n("升级"), p("综合得分")}
	line := func(name string, r Row) []any {
		rate := func(x Rate) any {
			if !x.Valid {
				return nil
			}
			return x.Value
		}
		return []any{name, r.Reported, r.Dispatched, r.Due, r.DueClosed, r.Closed, r.Rated(), rate(r.Rates.Response), rate(r.Rates.Resolution),
			rate(r.Rates.Satisfaction), rate(r.Rates.Closure), rate(r.Rates.OnTime), rate(r.Rates.Rework), rate(r.Rates.Extension), r.Escalated, rate(r.Rates.Composite)}
	}
	sh, err := b.Sheet(t("三率统计"), cols)
	if err != nil {
		return err
	}
	for _, r := range rep.Rows {
		if err := sh.Row(line(r.Name, r)...); err != nil {
			return err
		}
	}
	if err := sh.Row(line(t("合计"), rep.Total)...); err != nil {
		return err
	}
	if sh, err = b.Sheet(t("网格按期结案排名"), cols); err != nil {
		return err
	}
	for _, r := range rep.Ranking {
		if err := sh.Row(line(r.Name, r)...); err != nil {
			return err
		}
	}
	if sh, err = b.Sheet(t("每日上报与结案"), []workbook.Column{{Name: t("日期"), Kind: workbook.Date}, n("上报"), n("结案")}); err != nil {
		return err
	}
	for _, d := range rep.Trend {
		if err := sh.Row(d.Day, d.Reported, d.Closed); err != nil {
			return err
		}
	}
	return b.Write(w)
}

func (s *Service) exportRoute(rt *web.Router, render *web.Renderer) {
	rt.Page("GET /stats/export.xlsx", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		rep, err := s.fromRequest(r)
		if err != nil {
			return err
		}
		lang := web.Lang(r)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="stats-`+rep.From.Format("20060102")+`-`+rep.To.Format("20060102")+`.xlsx"`)
		return s.Export(w, rep, func(x string) string { return render.T(lang, x) })
	})
}
