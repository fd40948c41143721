package audit

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"

	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages returns the audit log page.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "audit", LangFuncs: func(lang string, t func(string) string) template.FuncMap {
		return template.FuncMap{"auditSummary": func(e Entry) string { return e.SummaryIn(lang, t) }}
	}, Catalog: map[string]string{
		"时间": "Time", "操作人": "Who", "操作": "Action", "对象": "Record", "摘要": "Summary", "来源IP": "IP", "变更": "Change",
		"更早": "Older", "暂无记录": "No entries", "按对象筛选": "Filter by record", "审计日志只增不改，记录所有数据变更和敏感信息查看。": "The audit log is append-only: every change and every view of personal data is recorded.",
	}}
}

// Routes registers the audit log page and API.
func (l *Log) Routes(rt *web.Router, render *web.Renderer) {
	rt.API("GET /api/audit", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		f, err := filterOf(r)
		if err != nil {
			return err
		}
		es, err := l.List(r.Context(), web.ActorFrom(r.Context()), f)
		if err != nil {
			return err
		}
		if es == nil {
			es = []Entry{}
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"entries": es})
		return nil
	})
	rt.Page("GET /audit", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		f, err := filterOf(r)
		if err != nil {
			return err
		}
		f.Limit = 50
		es, err := l.List(r.Context(), web.ActorFrom(r.Context()), f)
		if err != nil {
			return err
		}
		var older int64
		if len(es) == f.Limit {
			older = es[len(es)-1].ID
		}
		render.Render(w, r, http.StatusOK, "audit/audit.html", &web.Page{Title: "审计日志", Data: map[string]any{"Entries": es, "Older": older, "Filter": f}})
		return nil
	})
}

func filterOf(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	before, err := web.QueryInt(r, "before", 0)
	if err != nil {
		return Filter{}, err
	}
	eid, err := web.QueryInt(r, "entity_id", 0)
	if err != nil {
		return Filter{}, err
	}
	limit, err := web.QueryInt(r, "limit", 100)
	if err != nil {
		return Filter{}, err
	}
	return Filter{Entity: q.Get("entity"), EntityID: int64(eid), Action: q.Get("action"), BeforeID: int64(before), Limit: limit}, nil
}
