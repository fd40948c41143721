package cases

import (
	"context"
	"fmt"
	"net/http"

	"linli"
	"linli/storage"
	"linli/web"
	"linli/workbook"
)

// exportCap bounds an export: a spreadsheet of the filtered list, at most
// this many rows (the last row says when the list was longer).
const exportCap = 20000

// exportSheet is the name of the export's only sheet.
const exportSheet = "案件"

// exportColumns is the sheet's header: Chinese names, the times as dates
// a spreadsheet can sort and filter (package workbook).
var exportColumns = []workbook.Column{
	{Name: "编号", Kind: workbook.Text, Width: 20}, {Name: "标题", Kind: workbook.Text, Width: 30}, {Name: "分类", Kind: workbook.Text},
	{Name: "状态", Kind: workbook.Text, Width: 10}, {Name: "来源", Kind: workbook.Text, Width: 10}, {Name: "地址", Kind: workbook.Text, Width: 30},
	{Name: "反映人", Kind: workbook.Text, Width: 10}, {Name: "电话", Kind: workbook.Text, Width: 14}, {Name: "承办", Kind: workbook.Text},
	{Name: "上报时间", Kind: workbook.DateTime}, {Name: "办结时限", Kind: workbook.DateTime},
	{Name: "超期", Kind: workbook.Text, Width: 6}, {Name: "临期", Kind: workbook.Text, Width: 6}, {Name: "已升级", Kind: workbook.Text, Width: 8},
}

// Export writes the cases of a filtered list (the same filters and the
// same permission as ListPage: cases.read in the scope) as an .xlsx
// sheet, least time left first for open cases as on the page. Phones are
// masked, as on the page. The permission is checked (the first page read)
// before w is called with the finished workbook.
func (s *Service) Export(ctx context.Context, a *linli.Actor, f Filter, w func(*workbook.Book) error) error {
	f.After, f.Limit = "", 500
	b, err := workbook.New(s.Zone)
	if err != nil {
		return err
	}
	defer b.Close()
	var sh *workbook.Sheet
	yes := func(v bool) string {
		if v {
			return "是"
		}
		return ""
	}
	for n := 0; ; {
		p, err := s.ListPage(ctx, a, f)
		if err != nil {
			return err
		}
		if sh == nil {
			if sh, err = b.Sheet(exportSheet, exportColumns); err != nil {
				return err
			}
		}
		for _, c := range p.Cases {
			if n == exportCap {
				if err := sh.Row(fmt.Sprintf("仅导出前%d条，请缩小筛选范围 / only the first %d rows: narrow the filter", exportCap, exportCap)); err != nil {
					return err
				}
				return w(b)
			}
			n++
			if err := sh.Row(c.Number, c.Title, c.Category, c.State.Label(), c.Source.Label(), c.Address, c.ReporterName, c.ReporterPhone, c.AssigneeName,
				c.CreatedAt, c.ResolveDue, yes(c.Overdue), yes(c.Warning), yes(c.EscalationLevel > 0)); err != nil {
				return err
			}
		}
		if p.Next == "" {
			return w(b)
		}
		f.After = p.Next
	}
}

func (h *pages) export(w http.ResponseWriter, r *http.Request) error {
	f, err := h.s.filterOf(r)
	if err != nil {
		return err
	}
	listState(r, &f)
	// Up to 20,000 rows: read on the hot standby when there is one.
	return h.s.Export(storage.HeavyRead(r.Context()), web.ActorFrom(r.Context()), f, func(b *workbook.Book) error {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="cases-`+h.s.now().In(h.s.Zone).Format("20060102")+`.xlsx"`)
		return b.Write(w)
	})
}
