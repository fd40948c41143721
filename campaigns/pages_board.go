package campaigns

import (
	"embed"
	"html/template"
	"net/http"

	"linli/storage"
	"linli/web"
)

// printFS holds the A4 print of one estate's list, a document of its own
// parsed apart from the layout (its functions are the print's).
//
//go:embed print/estate.html
var printFS embed.FS

// boardRoutes registers the progress board, the export and the print.
func (s *Service) boardRoutes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/campaigns/{id}/board", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error { return web.CallID(w, r, s.Board) })
	if render == nil {
		return
	}
	h := &boardPages{pages: pages{s: s, r: render}, print: map[string]*template.Template{}}
	for _, lang := range []string{"zh", "en"} {
		h.print[lang] = template.Must(template.New("print").Funcs(h.printFuncs(lang)).ParseFS(printFS, "print/estate.html"))
	}
	rt.Page("GET /campaigns/{id}/board", web.LoggedIn, h.board)
	rt.Page("GET /campaigns/{id}/export.xlsx", web.LoggedIn, h.export)
	rt.Page("GET /campaigns/{id}/estates/{estate}/print", web.LoggedIn, h.printEstate)
}

type boardPages struct {
	pages
	print map[string]*template.Template // the A4 print, by language
}

type boardData struct {
	B          Board
	MayReport  bool // the export and the print
	Estates    template.HTML
	Severities template.HTML
	Plans      template.HTML
	Results    template.HTML
	Days       template.HTML
}

func (h *boardPages) board(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	b, err := h.s.Board(ctx, a, id)
	if err != nil {
		return err
	}
	_, rerr := h.s.forReport(ctx, a, id)
	t := func(s string) string { return h.t(r, s) }
	d := boardData{B: b, MayReport: rerr == nil}
	d.Estates = barChart(t("小区完成情况"), []bar{{t("已完成"), b.EstatesDone, colGreen}, {t("未完成"), b.EstatesTodo, colAmber}})
	var sev []bar
	for i, c := range b.BySeverity {
		sev = append(sev, bar{t(c.Label), c.N, []string{colAmber, colRed, "#7a1f1a"}[min(i, 2)]})
	}
	d.Severities = barChart(t("隐患等级分布"), sev)
	var plans []bar
	for _, c := range b.ByPlanKind {
		plans = append(plans, bar{t(c.Label), c.Open + c.Done, colBlue})
	}
	plans = append(plans, bar{t("尚未定方案"), b.NoPlan, colGrey})
	d.Plans = barChart(t("整改方案分布"), plans)
	d.Results = barChart(t("排查与整改结果"), []bar{{t("已排查设备"), b.Devices, colBlue}, {t("有隐患"), b.Hazards, colRed},
		{t("已整改"), b.Fixed, colGreen}, {t("已拆除"), b.Removed, colGreen}, {t("待整改"), b.OpenPlans, colAmber}})
	d.Days = dayChart(t("每日排查数"), b.PerDay, [2]string{t("排查"), t("隐患")})
	h.r.Render(w, r, http.StatusOK, "campaigns/board.html", &web.Page{Title: b.Campaign.Title, Data: d,
		Crumbs: h.crumbs(r, web.NavItem{Href: campaignURL(id), Label: b.Campaign.Title}, web.NavItem{Label: t("进度看板")})})
	return nil
}

func (h *boardPages) export(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// The workbook reads every household, finding and plan of the scope
	// and writes nothing: the hot standby may answer it, as it does the
	// other exports (storage.HeavyRead).
	ctx, a := storage.HeavyRead(r.Context()), web.ActorFrom(r.Context())
	c, err := h.s.forReport(ctx, a, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(c)+`"`)
	return h.s.Export(ctx, a, id, w, func(s string) string { return h.t(r, s) })
}

type printData struct {
	C     Campaign
	Sheet Sheet
	Today Day
}

func (h *boardPages) printEstate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	estate, err := web.PathID(r, "estate")
	if err != nil {
		return err
	}
	c, sh, err := h.s.EstateSheet(r.Context(), web.ActorFrom(r.Context()), id, estate)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return h.print[web.Lang(r)].ExecuteTemplate(w, "cp-print", printData{C: c, Sheet: sh, Today: h.s.today()})
}

// printFuncs are the print's template functions.
func (h *boardPages) printFuncs(lang string) template.FuncMap {
	t := func(s string) string { return h.r.T(lang, s) }
	return template.FuncMap{
		"t":    t,
		"lang": func() string { return lang },
		"day": func(d Day) string {
			if d == 0 {
				return ""
			}
			if lang == "en" {
				return d.String()
			}
			return d.Chinese()
		},
		"cpSeverity": func(s Severity) string { return t(s.Label()) },
		"cpPlanKind": func(k PlanKind) string { return t(k.Label()) },
	}
}
