package reports

import (
	"fmt"

	"linli/cases"
	"linli/projects"
	"linli/stats"
	"linli/workbook"
)

// Table is one table of the report, as the print shows it and the .xlsx
// export writes it (one sheet each): typed values, by column kind.
type Table struct {
	Key   string
	Title string
	Cols  []workbook.Column
	Rows  [][]any
	Note  string // under the table: "共 N 条，列出前 M 条"
}

// rate is a rate as a cell: its value, or nil when there is none.
func rate(r stats.Rate) any {
	if !r.Valid {
		return nil
	}
	return r.Value
}

// Tables are the report's tables in the language; t translates the
// words the system writes (data stays as entered).
func (r Report) Tables(lang string, t func(string) string) []Table {
	// in picks a category's name in the language.
	in := func(zh, en string) string {
		if lang == "en" && en != "" {
			return en
		}
		return zh
	}
	col := func(name string, k workbook.Kind) workbook.Column { return workbook.Column{Name: t(name), Kind: k} }
	wide := func(name string, w float64) workbook.Column {
		return workbook.Column{Name: t(name), Kind: workbook.Text, Width: w}
	}
	var out []Table

	rates := Table{Key: "rates", Title: t("主要指标"), Cols: []workbook.Column{col("指标", workbook.Text), col("本期", workbook.Percent), col("上期", workbook.Percent), col("变化（百分点）", workbook.Text)}}
	for _, l := range r.Rates {
		rates.Rows = append(rates.Rows, []any{t(l.Name), rate(l.Now), rate(l.Before), l.Change()})
	}
	counts := Table{Key: "counts", Title: t("案件数量"), Cols: []workbook.Column{col("指标", workbook.Text), col("本期", workbook.Int), col("上期", workbook.Int)}}
	for _, l := range r.Counts {
		counts.Rows = append(counts.Rows, []any{t(l.Name), l.Now, l.Before})
	}
	out = append(out, rates, counts)

	unitName := map[stats.Group]string{stats.ByStreet: "街道", stats.ByCommunity: "社区", stats.ByGrid: "网格"}[r.UnitsBy]
	if unitName == "" {
		unitName = "名称"
	}
	units := Table{Key: "units", Title: t("各" + unitName + "情况"), Cols: []workbook.Column{wide(unitName, 18), col("上报", workbook.Int), col("应结", workbook.Int), col("结案", workbook.Int),
		col("响应率", workbook.Percent), col("解决率", workbook.Percent), col("满意率", workbook.Percent), col("按期结案率", workbook.Percent), col("综合得分", workbook.Percent)}}
	for _, u := range r.Units {
		units.Rows = append(units.Rows, []any{u.Name, u.Reported, u.Due, u.Closed, rate(u.Rates.Response), rate(u.Rates.Resolution), rate(u.Rates.Satisfaction), rate(u.Rates.OnTime), rate(u.Rates.Composite)})
	}
	out = append(out, units)

	cats := Table{Key: "categories", Title: t("案件分类"), Cols: []workbook.Column{wide("类别", 24), col("件数", workbook.Int), col("占比", workbook.Percent)}}
	for _, c := range r.Categories {
		cats.Rows = append(cats.Rows, []any{in(c.Name, c.NameEN), c.N, c.Share})
	}
	srcs := Table{Key: "sources", Title: t("案件来源"), Cols: []workbook.Column{wide("来源", 16), col("件数", workbook.Int), col("占比", workbook.Percent)}}
	for _, c := range r.Sources {
		srcs.Rows = append(srcs.Rows, []any{cases.Source(c.Key).LabelIn(lang), c.N, c.Share})
	}
	rank := Table{Key: "ranking", Title: t("网格按期结案排名"), Cols: []workbook.Column{col("名次", workbook.Int), wide("网格", 24), col("应结", workbook.Int), col("按期结案", workbook.Int), col("按期结案率", workbook.Percent)}}
	for i, g := range r.Ranking {
		rank.Rows = append(rank.Rows, []any{i + 1, g.Name, g.Due, g.ClosedOnTime, rate(g.Rates.OnTime)})
	}
	rec := Table{Key: "recurring", Title: t("高频问题"), Cols: []workbook.Column{wide("类别", 20), wide("地点", 36), col("次数", workbook.Int)}}
	for _, x := range r.Recurring {
		rec.Rows = append(rec.Rows, []any{in(x.Category, x.CategoryEN), x.Place, x.N})
	}
	out = append(out, cats, srcs, rank, rec)

	esc := Table{Key: "escalations", Title: t("升级与吹哨"), Cols: []workbook.Column{col("时间", workbook.DateTime), wide("编号", 18), wide("事项", 24), wide("类别", 14),
		wide("方式", 10), wide("呼叫", 14), wide("原因", 24), wide("状态", 10)}}
	for _, e := range r.Escalations {
		how := t("吹哨")
		if e.Automatic {
			how = t("超期升级")
		}
		esc.Rows = append(esc.Rows, []any{e.At, e.Number, e.Title, in(e.Category, e.CategoryEN), how, e.Target, e.Reason, e.State.LabelIn(lang)})
	}
	if r.EscalationsTotal > len(r.Escalations) {
		esc.Note = fmt.Sprintf(t("共 %d 次，列出最近 %d 次"), r.EscalationsTotal, len(r.Escalations))
	}
	proj := Table{Key: "projects", Title: t("民生项目"), Cols: []workbook.Column{wide("项目", 30), wide("社区", 14), wide("类型", 14), wide("当前阶段", 12), wide("本期进入阶段", 24)}}
	for _, p := range r.Projects {
		sep, entered := "、", ""
		if lang == "en" {
			sep = ", "
		}
		for i, ph := range p.Entered {
			if i > 0 {
				entered += sep
			}
			entered += t(ph.Label())
		}
		proj.Rows = append(proj.Rows, []any{p.Title, p.Community, t(projects.KindLabel(p.Kind)), t(p.Phase.Label()), entered})
	}
	disp := Table{Key: "disputes", Title: t("人民调解"), Cols: []workbook.Column{wide("编号", 24), wide("社区", 14), wide("类型", 18), wide("状态", 12), col("受理日期", workbook.Date), col("结束日期", workbook.Date)}}
	for _, d := range r.Disputes {
		disp.Rows = append(disp.Rows, []any{d.Number, d.Community, t(d.Type.Label()), t(d.State.Label()), d.AcceptedAt, d.EndedAt})
	}
	happy := Table{Key: "happiness", Title: t("幸福清单"), Cols: []workbook.Column{wide("社区", 14), wide("类别", 10), wide("事项", 32), wide("地点", 24), col("完成日期", workbook.Date)}}
	kinds := map[string]string{"project": "民生项目", "dispute": "人民调解", "case": "居民诉求"}
	for _, h := range r.Happiness {
		happy.Rows = append(happy.Rows, []any{h.Community, t(kinds[h.Kind]), in(h.Title, h.TitleEN), h.Place, h.DoneAt})
	}
	if r.HappinessSkipped {
		happy.Note = t("范围较大，幸福清单见各街道的报告")
	}
	return append(out, esc, proj, disp, happy)
}
