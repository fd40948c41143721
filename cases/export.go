package cases

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/xuri/excelize/v2"

	"linli"
	"linli/web"
)

// exportCap bounds an export: a spreadsheet of the filtered list, at most
// this many rows (the last row says when the list was longer).
const exportCap = 20000

// exportSheet is the name of the export's only sheet.
const exportSheet = "案件"

// Export writes the cases of a filtered list (the same filters and the
// same permission as ListPage: cases.read in the scope) as an .xlsx
// sheet, least time left first for open cases as on the page. Phones are
// masked, as on the page.
func (s *Service) Export(ctx context.Context, a *linli.Actor, f Filter, w func(*excelize.File) error) error {
	f.After, f.Limit = "", 500
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", exportSheet); err != nil {
		return err
	}
	row := 1
	set := func(vals ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return x.SetSheetRow(exportSheet, cell, &vals)
	}
	if err := set("编号", "标题", "分类", "状态", "来源", "地址", "反映人", "电话", "承办", "上报时间", "办结时限", "超期", "临期", "已升级"); err != nil {
		return err
	}
	yes := func(b bool) string {
		if b {
			return "是"
		}
		return ""
	}
	for n := 0; ; {
		p, err := s.ListPage(ctx, a, f)
		if err != nil {
			return err
		}
		for _, c := range p.Cases {
			if n == exportCap {
				if err := set(fmt.Sprintf("仅导出前%d条，请缩小筛选范围 / only the first %d rows: narrow the filter", exportCap, exportCap)); err != nil {
					return err
				}
				return w(x)
			}
			n++
			if err := set(c.Number, c.Title, c.Category, c.State.Label(), c.Source.Label(), c.Address, c.ReporterName, c.ReporterPhone, c.AssigneeName,
				s.sheetTime(c.CreatedAt), s.sheetTime(c.ResolveDue), yes(c.Overdue), yes(c.Warning), yes(c.EscalationLevel > 0)); err != nil {
				return err
			}
		}
		if p.Next == "" {
			return w(x)
		}
		f.After = p.Next
	}
}

func (s *Service) sheetTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.Zone).Format("2006-01-02 15:04")
}

func (h *pages) export(w http.ResponseWriter, r *http.Request) error {
	f, err := h.s.filterOf(r)
	if err != nil {
		return err
	}
	listState(r, &f)
	return h.s.Export(r.Context(), web.ActorFrom(r.Context()), f, func(x *excelize.File) error {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="cases-`+h.s.now().In(h.s.Zone).Format("20060102")+`.xlsx"`)
		return x.Write(w)
	})
}
