// Package home is the landing page each role sees after login, and the
// navigation that follows the actor's permissions. Later capabilities
// (cases, projects, campaigns) add their own tiles here.
package home

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"sort"

	"linli"
	"linli/registry"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages returns the home page template and its English.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "home", Catalog: map[string]string{
		"您好": "Hello", "您负责的范围": "Your scope", "小区数": "Estates", "楼栋数": "Buildings", "住户数": "Households", "楼栋": "Buildings", "住户": "Households",
		"常用": "Shortcuts", "我的住户": "My household", "账号": "Accounts", "审计日志": "Audit log", "导入导出": "Import/export", "外发消息": "Outgoing messages", "对外接口": "Integrations",
		"地点": "Places", "问题发现 → 协商解决 → 监督反馈": "Discover → negotiate → supervise", "我的家": "My home",
		"首页": "Home", "项目": "Projects", "会议": "Meetings", "专项排查": "Inspection campaigns", "通知公告": "Notices", "门岗摄像头": "Gate cameras", "告警看板": "Alert board", "调解": "Mediation", "幸福清单": "Happiness list", "我的任务": "My tasks", "案件": "Cases", "统计": "Statistics", "我要上报": "Report a problem", "我的上报": "My reports",
		// Shown by home's own nav and page; the same English as votes' and registry's catalogues.
		"意见表决": "Consent votes", "建筑面积": "Floor area",
		"年工作日历未加载": "working calendar not loaded", "我的待办": "My to-do", "全部": "All", "工作日历": "Working calendar", "件在办案件的期限排到了该年，只扣除了周末，可能落在节假日。请管理员加载该年的节假日安排。": "open cases are due in that year; their deadlines skip weekends only and may fall on a public holiday. Ask an administrator to load that year's holidays.",
	}}
}

// Home serves "/".
type Home struct {
	Registry *registry.Service
	Renderer *web.Renderer
	// CalendarGap (wired to cases) names the first year whose working
	// calendar is not loaded and how many open cases are due in it; the
	// page warns the staff. nil: no warning.
	CalendarGap func(ctx context.Context, a *linli.Actor) (year, cases int, err error)
	// Panels are the 待办 the capabilities contribute (cases, votes,
	// meetings, projects), each from its own reads: home imports none of
	// them.
	Panels []web.PanelSource
}

// Nav builds the navigation for an actor from its permissions.
func Nav(a *linli.Actor, lang string, t func(lang, s string) string) []web.NavItem {
	items := []web.NavItem{{Href: "/", Label: t(lang, "首页"), Icon: "⌂"}}
	if a.CanAny(linli.PermRegistryRead) {
		items = append(items, web.NavItem{Href: "/places", Label: t(lang, "地点"), Icon: "▦"}, web.NavItem{Href: "/households", Label: t(lang, "住户"), Icon: "户"})
	}
	for _, g := range a.Grants {
		if g.Role == linli.RoleResident && g.HouseholdID != 0 {
			items = append(items, web.NavItem{Href: fmt.Sprintf("/households/%d", g.HouseholdID), Label: t(lang, "我的家"), Icon: "户"})
			break
		}
	}
	worker := a.HasRole(linli.RoleGridWorker) || a.HasRole(linli.RoleProperty) || a.HasRole(linli.RoleDepartment)
	if worker {
		items = append(items, web.NavItem{Href: "/tasks", Label: t(lang, "我的任务"), Icon: "✓"})
	}
	if a.CanAny(linli.PermCasesManage) {
		items = append(items, web.NavItem{Href: "/cases", Label: t(lang, "案件"), Icon: "☰"}, web.NavItem{Href: "/stats", Label: t(lang, "统计"), Icon: "▤"})
	}
	if a.MayReport() { // the same rule as the report form and the cases service
		items = append(items, web.NavItem{Href: "/report", Label: t(lang, "我要上报"), Icon: "＋"}, web.NavItem{Href: "/cases/mine", Label: t(lang, "我的上报"), Icon: "✉"})
	}
	if a.CanAny(linli.PermProjectsRead) || a.HasRole(linli.RoleResident) {
		items = append(items, web.NavItem{Href: "/projects", Label: t(lang, "项目"), Icon: "◆"}, web.NavItem{Href: "/votes", Label: t(lang, "意见表决"), Icon: "☑"})
	}
	if a.CanAny(linli.PermVisitsWrite) {
		items = append(items, web.NavItem{Href: "/visits", Label: t(lang, "入户走访"), Icon: "⌂"})
	}
	if a.CanAny(linli.PermProjectsManage) {
		items = append(items, web.NavItem{Href: "/meetings", Label: t(lang, "会议"), Icon: "◎"}, web.NavItem{Href: "/campaigns", Label: t(lang, "专项排查"), Icon: "⚑"})
	}
	// Notices: those who write them (staff), and residents and workers,
	// who receive them (their list, unread first).
	if a.CanAny(linli.PermProjectsManage) || a.HasRole(linli.RoleResident) || worker {
		items = append(items, web.NavItem{Href: "/notices", Label: t(lang, "通知公告"), Icon: "✦"})
	}
	// Gate cameras: staff manage them (the list leads to the board);
	// gate guards go straight to the board.
	if a.CanAny(linli.PermCamerasManage) {
		items = append(items, web.NavItem{Href: "/cameras", Label: t(lang, "门岗摄像头"), Icon: "◉"})
	} else if a.CanAny(linli.PermCamerasWatch) {
		items = append(items, web.NavItem{Href: "/cameras/board", Label: t(lang, "告警看板"), Icon: "◉"})
	}
	if a.CanAny(linli.PermMediate) {
		items = append(items, web.NavItem{Href: "/mediation", Label: t(lang, "调解"), Icon: "⚖"})
	}
	items = append(items, web.NavItem{Href: "/happiness", Label: t(lang, "幸福清单"), Icon: "♥"})
	if a.CanAny(linli.PermRegistryWrite) {
		items = append(items, web.NavItem{Href: "/import", Label: t(lang, "导入导出"), Icon: "⇅"})
	}
	if a.CanAny(linli.PermUsersManage) {
		items = append(items, web.NavItem{Href: "/users", Label: t(lang, "账号"), Icon: "人"})
		// Those who manage accounts in a scope see its outgoing messages
		// (package outbox checks the same permission).
		items = append(items, web.NavItem{Href: "/outbox", Label: t(lang, "外发消息"), Icon: "✉"})
		// The same people connect integrators: event subscriptions,
		// and from there the Open311 integrators.
		items = append(items, web.NavItem{Href: "/webhooks", Label: t(lang, "对外接口"), Icon: "⇄"})
	}
	if a.CanAny(linli.PermAuditRead) {
		items = append(items, web.NavItem{Href: "/audit", Label: t(lang, "审计日志"), Icon: "≡"})
	}
	if a.HasRole(linli.RoleAdmin) {
		items = append(items, web.NavItem{Href: "/admin/calendar", Label: t(lang, "工作日历"), Icon: "▦"})
	}
	return items
}

// Tile is a place the actor looks after, with its counts.
type Tile struct {
	Node       registry.Node
	Estates    int
	Buildings  int
	Households int
}

type homeData struct {
	Primary   linli.Grant
	Tiles     []Tile
	Household *registry.Household
	// GapYear is a year whose working calendar is not loaded while
	// GapCases open cases are due in it (0: nothing to warn about).
	GapYear, GapCases int
	// Panels is the actor's 待办, by Panel.Order.
	Panels []web.Panel
}

// Routes registers "/".
func (h *Home) Routes(rt *web.Router) {
	rt.Page("GET /{$}", web.LoggedIn, h.page)
}

func (h *Home) page(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	d := homeData{Primary: a.Primary()}
	if h.CalendarGap != nil {
		var err error
		if d.GapYear, d.GapCases, err = h.CalendarGap(r.Context(), a); err != nil {
			return err
		}
	}
	for _, src := range h.Panels {
		ps, err := src(r.Context(), a)
		if err != nil {
			return err
		}
		d.Panels = append(d.Panels, ps...)
	}
	sort.SliceStable(d.Panels, func(i, j int) bool { return d.Panels[i].Order < d.Panels[j].Order })
	roots, err := h.Registry.Roots(r.Context(), a)
	if err != nil {
		return err
	}
	for _, n := range roots {
		t := Tile{Node: n, Households: n.Households}
		t.Estates, t.Buildings, err = h.counts(r.Context(), n.Path)
		if err != nil {
			return err
		}
		d.Tiles = append(d.Tiles, t)
	}
	for _, g := range a.Grants {
		if g.Role == linli.RoleResident && g.HouseholdID != 0 {
			hh, err := h.Registry.Household(r.Context(), a, g.HouseholdID)
			if err == nil {
				d.Household = &hh
			}
			break
		}
	}
	h.Renderer.Render(w, r, http.StatusOK, "home/home.html", &web.Page{Title: "首页", Data: d})
	return nil
}

func (h *Home) counts(ctx context.Context, path string) (estates, buildings int, err error) {
	n, err := h.Registry.CountUnder(ctx, h.Registry.DB, path, registry.KindEstate, registry.KindBuilding)
	return n[registry.KindEstate], n[registry.KindBuilding], err
}
