package reports

import (
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"linli/capability"
	"linli/stats"
	"linli/storage"
	"linli/web"
	"linli/workbook"
)

// printFS holds the report's document: a whole HTML page of its own (no
// navigation, no script), on screen a stack of A4 sheets, on paper the
// same sheets.
//
//go:embed print/report.html
var printFS embed.FS

// Parts: the report page, its export and its API. The document is parsed
// apart from the layout (Routes); Pages carries its English (printFS has
// no page of the layout's kind at its root).
func (s *Service) Parts() capability.Parts {
	return capability.Parts{Name: "reports", Pages: web.Pages{FS: printFS, Prefix: "reports", Catalog: catalog}, Routes: s.Routes}
}

// Routes registers GET /api/reports, the page /reports and
// /reports/export.xlsx.
func (s *Service) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/reports", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		rep, err := s.fromRequest(r)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, rep)
		return nil
	})
	rt.Page("GET /reports/export.xlsx", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		rep, err := s.fromRequest(r)
		if err != nil {
			return err
		}
		lang := web.Lang(r)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="report-`+rep.Scope.Code+`-`+rep.Period.Key()+`.xlsx"`)
		return s.Export(w, rep, lang, func(x string) string { return render.T(lang, x) })
	})
	docs := map[string]*template.Template{}
	for _, lang := range []string{"zh", "en"} {
		docs[lang] = template.Must(template.New("report").Funcs(printFuncs(lang, s.zone, func(x string) string { return render.T(lang, x) })).ParseFS(printFS, "print/report.html"))
	}
	rt.Page("GET /reports", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		rep, err := s.fromRequest(r)
		if err != nil {
			return err
		}
		lang := web.Lang(r)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		return docs[lang].ExecuteTemplate(w, "report", s.Document(rep, lang, func(x string) string { return render.T(lang, x) }))
	})
}

func (s *Service) fromRequest(r *http.Request) (Report, error) {
	q := r.URL.Query()
	p, err := ParsePeriod(q.Get("month"), q.Get("quarter"), s.clock.Now(), s.zone)
	if err != nil {
		return Report{}, err
	}
	node, err := web.QueryInt(r, "node_id", 0)
	if err != nil {
		return Report{}, err
	}
	// Every read of the report (stats, cases, projects, mediation,
	// happiness) may be answered by the hot standby (storage.HeavyRead).
	return s.Build(storage.HeavyRead(r.Context()), web.ActorFrom(r.Context()), Query{NodeID: int64(node), Period: p})
}

// Doc is what the report's document shows.
type Doc struct {
	R       Report
	Pages   []Page
	Printed time.Time
	Query   string // node_id and period, for the export link
	Lang    string
}

// Document lays the report out on A4 pages in the language.
func (s *Service) Document(r Report, lang string, t func(string) string) Doc {
	units := r.Units
	if len(units) > maxBars {
		units = units[:maxBars]
	}
	charts := []chart{
		{title: t("每日上报与结案"), svg: stats.TrendChart(r.Trend, [2]string{t("上报"), t("结案")}), w: 640, h: 200},
		{title: t("三率对比"), svg: stats.BarChart(units, [3]string{t("响应率"), t("解决率"), t("满意率")}), w: 640, h: float64(len(units)*34 + 40)},
	}
	q := url.Values{"node_id": {strconv.FormatInt(r.Scope.ID, 10)}}
	if r.Period.Quarter != 0 {
		q.Set("quarter", r.Period.Key())
	} else {
		q.Set("month", r.Period.Key())
	}
	return Doc{R: r, Pages: paginate(charts, r.Tables(lang, t)), Printed: s.clock.Now(), Query: q.Encode(), Lang: lang}
}

// Export writes the report's tables as an .xlsx workbook, one sheet per
// table.
func (s *Service) Export(w interface{ Write([]byte) (int, error) }, r Report, lang string, t func(string) string) error {
	b, err := workbook.New(s.zone)
	if err != nil {
		return err
	}
	defer b.Close()
	for _, tb := range r.Tables(lang, t) {
		sh, err := b.Sheet(tb.Title, tb.Cols)
		if err != nil {
			return err
		}
		for _, row := range tb.Rows {
			if err := sh.Row(row...); err != nil {
				return err
			}
		}
		if tb.Note != "" {
			if err := sh.Row(tb.Note); err != nil {
				return err
			}
		}
	}
	return b.Write(w)
}

// printFuncs are the document's template functions.
func printFuncs(lang string, zone *time.Location, t func(string) string) template.FuncMap {
	day := func(tm time.Time) string {
		if tm.IsZero() {
			return ""
		}
		tm = tm.In(zone)
		if lang == "en" {
			return tm.Format("2006-01-02")
		}
		return tm.Format("2006年1月2日")
	}
	return template.FuncMap{
		"t":      t,
		"lang":   func() string { return lang },
		"colon":  func() string { return map[bool]string{true: ": ", false: "："}[lang == "en"] },
		"day":    day,
		"period": func(p Period) string { return p.Label(lang) },
		// widths are the columns' shares of the page's width.
		"widths": func(tb *Table) []string {
			sum := 0.0
			for _, c := range tb.Cols {
				sum += c.DisplayWidth()
			}
			out := make([]string, len(tb.Cols))
			for i, c := range tb.Cols {
				out[i] = strconv.FormatFloat(100*c.DisplayWidth()/sum, 'f', 1, 64) + "%"
			}
			return out
		},
		"num":       thousands,
		"quarterOf": func(month int) int { return (month + 2) / 3 },
		"numeric": func(c int, tb *Table) bool {
			return c < len(tb.Cols) && tb.Cols[c].Kind != workbook.Text
		},
		// cell shows a typed value: counts with separators, rates as
		// 96.5%, dates and times in the language.
		"cell": func(v any, c int, tb *Table) string {
			switch x := v.(type) {
			case nil:
				if c < len(tb.Cols) && tb.Cols[c].Kind == workbook.Percent {
					return "—"
				}
				return ""
			case int:
				return thousands(x)
			case float64:
				return stats.Rate{Value: x, Valid: true}.Percent()
			case time.Time:
				if c < len(tb.Cols) && tb.Cols[c].Kind == workbook.DateTime && !x.IsZero() {
					return day(x) + " " + x.In(zone).Format("15:04")
				}
				return day(x)
			case string:
				return x
			}
			return ""
		},
	}
}

// thousands writes n with separators: 12,345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
