package campaigns

import (
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/registry"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are the capability's templates and English catalogue: one
// catalogue map per file (catalog*.go), combined here, so a later file
// adds its own without touching the others. Template functions are shared
// by every capability's pages, so these carry the prefix "cp".
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	cat := map[string]string{}
	for _, m := range catalogs {
		maps.Copy(cat, m())
	}
	return web.Pages{FS: sub, Prefix: "campaigns", Catalog: cat, Funcs: template.FuncMap{
		"cpState":       func(s State) string { return s.Label() },
		"cpSeverity":    func(s Severity) string { return s.Label() },
		"cpSeverities":  Severities,
		"cpItemKind":    func(k ItemKind) string { return k.Label() },
		"cpItemKinds":   ItemKinds,
		"cpPlanKind":    func(k PlanKind) string { return k.Label() },
		"cpPlanKinds":   PlanKinds,
		"cpTarget":      func(t Target) string { return t.Label() },
		"cpRole":        func(r MemberRole) string { return r.Label() },
		"cpRoles":       MemberRoles,
		"cpHouseClass":  func(st string) string { return houseMarks[st].Class },
		"cpHouseGlyph":  func(st string) string { return registry.MarkGlyph(houseMarks[st].Class) },
		"cpHouseLabel":  func(st string) string { return houseMarks[st].Label },
		"cpHouseStates": func() []string { return []string{HouseTodo, HouseFine, HouseHazard, HouseFixed, HouseSelf} },
		"cpStateClass": func(s State) string {
			switch s {
			case Active:
				return "amber"
			case Closed:
				return "green"
			}
			return ""
		},
		"cpAnswer": answerText,
		"cpHits": func(it Item, answers map[string]string) bool {
			v, ok := answers[it.Key]
			return ok && it.Hazard != nil && ruleHits(it, v)
		},
		"cpChecked": func(form map[string][]string, name, value string) bool {
			for _, v := range form[name] {
				if v == value {
					return true
				}
			}
			return false
		},
		// cpErr is a field's error beside it, as field.html writes it
		// (offline.js finds it by its id).
		"cpErr": func(p *web.Page, name string) template.HTML {
			e := p.Err(name)
			if e == "" {
				return ""
			}
			n := template.HTMLEscapeString(name)
			return template.HTML(`<span class="err" id="e-` + n + `" data-test="err-` + n + `">` + template.HTMLEscapeString(e) + `</span>`)
		},
		// cpDay is a date for the layout's date func (which writes it the
		// page language's way): noon UTC, the same day in any zone within
		// eleven hours of UTC.
		"cpDay": func(d Day) time.Time {
			if d == 0 {
				return time.Time{}
			}
			return d.Time(time.UTC).Add(12 * time.Hour)
		},
		"cpNum": func(f *float64) string {
			if f == nil {
				return ""
			}
			return num(*f)
		},
	}}
}

// catalogs are the package's English catalogue maps, one per file.
var catalogs = []func() map[string]string{catalog, catalogForms, catalogBoard}

type pages struct {
	s *Service
	r *web.Renderer
}

// t translates a text the package hands the layout (crumbs, flashes).
func (h *pages) t(r *http.Request, zh string) string { return h.r.T(web.Lang(r), zh) }

// pageRoutes registers the pages, one func per area.
func (s *Service) pageRoutes(rt *web.Router, render *web.Renderer) {
	if render == nil {
		return
	}
	h := &pages{s: s, r: render}
	h.campaignPages(rt)
	h.taskPages(rt)
	h.findingPages(rt)
	h.planPages(rt)
}

func (h *pages) crumbs(r *http.Request, more ...web.NavItem) []web.NavItem {
	return append([]web.NavItem{{Href: "/campaigns", Label: h.t(r, "专项排查")}}, more...)
}

// freshKey is a new idempotency key for a form (contract 2: the page
// fills one on load; offline.js fills a fresh one after each queued
// submit).
func freshKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// wantsJSON: the offline queue (and any API client posting the form)
// asks for JSON or problem JSON before HTML, and gets the contract's
// status codes; a plain browser form gets a redirect or the form again.
func wantsJSON(r *http.Request) bool {
	acc := r.Header.Get("Accept")
	j := strings.Index(acc, "json")
	h := strings.Index(acc, "text/html")
	return j >= 0 && (h < 0 || j < h)
}

// formFailed shows the form again with the errors beside the fields (or
// returns the error for the error page / problem JSON).
func (h *pages) formFailed(w http.ResponseWriter, r *http.Request, err error, name string, page func() (*web.Page, error)) error {
	if wantsJSON(r) {
		web.WriteError(w, r, err)
		return nil
	}
	return h.r.FormFailed(w, r, err, name, page)
}

func formDay(r *http.Request, name string) string { return strings.TrimSpace(r.FormValue(name)) }

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

func pathID(r *http.Request) (int64, error) { return web.PathID(r, "id") }

func errNoRight() error {
	return linli.Errorf(linli.EForbidden, "无权新建排查 / not allowed to start campaigns")
}

func campaignURL(id int64) string { return fmt.Sprintf("/campaigns/%d", id) }
func taskURL(id int64) string     { return fmt.Sprintf("/campaign-tasks/%d", id) }
func findingURL(id int64) string  { return fmt.Sprintf("/campaign-findings/%d", id) }
func planURL(id int64) string     { return fmt.Sprintf("/campaign-plans/%d", id) }
