package stats

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"

	"linli"
	"linli/storage"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages returns the statistics page and its English.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "stats", Catalog: map[string]string{
		"统计": "Statistics", "三率统计": "Response, resolution and satisfaction", "本月": "This month", "近30天": "Last 30 days", "本年": "This year",
		"按网格": "By grid", "按社区": "By community", "按街道": "By street", "按类别": "By category", "响应率": "Response", "解决率": "Resolution",
		"满意率": "Satisfaction", "结案率": "Closure", "按期结案率": "On-time closure", "返工率": "Rework", "延期率": "Extension", "综合得分": "Composite",
		"上报": "Reported", "派遣": "Dispatched", "应结": "Due", "应结已结": "Due, closed", "应结案件中已结案的件数（结案率的分子）": "Due cases that are closed (the closure rate's numerator)", "结案": "Closed", "已评价": "Rated", "升级": "Escalated", "合计": "Total",
		"网格按期结案排名": "Grids ranked by on-time closure", "每日上报与结案": "Reported and closed per day", "暂无数据": "No data",
		"口径": "Definitions",
		"响应率：响应时限落在本时段、且已报到或已过时限的案件中，按时报到的比例；仍在时限内未报到的案件不计入。":                  "Response: of the cases whose response deadline falls in the period and that were acknowledged or whose deadline has passed, the share acknowledged in time; cases still inside their limit are not counted.",
		"结案率：办结时限落在本时段、且已结案或已过时限的案件（应结）中，已结案（含逾期结案）的比例；逾期案件结案后，其所在时段的结案率随之更新。": "Closure: of the cases whose resolution deadline falls in the period and that were closed or whose deadline has passed (due), the share closed, late closures included; when a late case closes, its period's closure rate rises.",
		"按期结案率：应结案件中，在办结时限前结案的比例。延期率：应结案件中，获批延期的比例。":                           "On-time closure: of the due cases, the share closed by the deadline. Extension: of the due cases, the share with an approved extension.",
		"返工率：本时段结案的案件中，之后被重新办理的比例。解决率：本时段评价中满意与基本满意的比例；满意率=(满意+0.9×基本满意)/已评价。": "Rework: of the cases closed in the period, the share reopened since. Resolution: of the ratings given in the period, the share satisfied or basically satisfied; satisfaction = (satisfied + 0.9 × basically satisfied) / rated.",
		"例：11月应结8件，6件按期结案、1件12月逾期结案、1件未结：结案率 7/8=87.5%，按期结案率 6/8=75%。":         "Example: 8 cases due in November, 6 closed on time, 1 closed late in December, 1 still open: closure 7/8 = 87.5 %, on-time closure 6/8 = 75 %.",
		"日期": "Date", "导出 Excel": "Export to Excel", "月度工作报告": "Monthly work report",
		"范围": "Scope", "名称": "Name", "时段": "Period", "范围较大：网格和类别按所涉及的整月统计，合计与趋势按日精确统计。": "Large scope: grids and categories are counted by the whole calendar months the period touches; totals and the trend are exact to the day.", "分组": "Group", "查看": "View",
	}, Funcs: template.FuncMap{
		"barChart":   func(rows []Row, a, b, c string) template.HTML { return BarChart(rows, [3]string{a, b, c}) },
		"trendChart": func(ps []Point, a, b string) template.HTML { return TrendChart(ps, [2]string{a, b}) },
	}}
}

// Routes registers GET /api/stats and the /stats page.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/stats", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		rep, err := s.fromRequest(r)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, rep)
		return nil
	})
	rt.Page("GET /stats", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		rep, err := s.fromRequest(r)
		if err != nil {
			if linli.ErrorCode(err) != linli.EInvalid {
				return err
			}
			render.Render(w, r, http.StatusUnprocessableEntity, "stats/stats.html", &web.Page{Title: "统计", Error: linli.ErrorMessage(err), Data: Report{}})
			return nil
		}
		render.Render(w, r, http.StatusOK, "stats/stats.html", &web.Page{Title: "统计", Data: rep, Form: r.URL.Query()})
		return nil
	})
	s.exportRoute(rt, render)
}

func (s *Service) fromRequest(r *http.Request) (Report, error) {
	q := r.URL.Query()
	from, to, err := s.Period(q.Get("period"), q.Get("from"), q.Get("to"))
	if err != nil {
		return Report{}, err
	}
	node, err := web.QueryInt(r, "node_id", 0)
	if err != nil {
		return Report{}, err
	}
	// The statistics, their page and their export read the rollups on the
	// hot standby when there is one (storage.HeavyRead): they may lag the
	// primary by its replay delay.
	return s.Report(storage.HeavyRead(r.Context()), web.ActorFrom(r.Context()), Query{NodeID: int64(node), From: from, To: to, By: Group(q.Get("by"))})
}
