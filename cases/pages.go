package cases

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages returns the case pages, their English and template helpers.
func Pages(clock linli.Clock) web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "cases", Catalog: catalog(), Funcs: template.FuncMap{
		"stateLabel":  func(s State) string { return s.Label() },
		"actionLabel": func(a Action) string { return a.Label() },
		"sourceLabel": func(s Source) string { return s.Label() },
		"ratingLabel": func(r Rating) string { return r.Label() },
		"prioLabel":   func(p Priority) string { return p.Label() },
		"eventLabel":  eventLabel,
		"stateClass":  stateClass,
		// countdown says how long until (or since) a deadline, in the
		// words a grid worker reads on a phone.
		"countdown": func(due time.Time) string {
			if due.IsZero() {
				return ""
			}
			d := due.Sub(clock.Now())
			late := d < 0
			if late {
				d = -d
			}
			var s string
			switch {
			case d >= 48*time.Hour:
				s = fmt.Sprintf("%d天", int(d.Hours()/24))
			case d >= time.Hour:
				s = fmt.Sprintf("%d小时%d分", int(d.Hours()), int(d.Minutes())%60)
			default:
				s = fmt.Sprintf("%d分钟", int(d.Minutes()))
			}
			if late {
				return "已超时" + s
			}
			return "剩余" + s
		},
		"late": func(due time.Time) bool { return !due.IsZero() && clock.Now().After(due) },
		"has": func(as []Action, a string) bool {
			for _, x := range as {
				if string(x) == a {
					return true
				}
			}
			return false
		},
	}}
}

func eventLabel(a string) string {
	if l := Action(a).Label(); l != "" {
		return l
	}
	return eventLabels[a]
}

// eventLabels name the timeline steps that are not actions.
var eventLabels = map[string]string{"report": "上报", "response_overdue": "响应超时", "warning": "临期提醒", "overdue": "超期",
	"escalation_exhausted": "升级已到顶", "report_in_lapsed": "未按时报到", "merged_from": "合并", "photos": "上传照片"}

func stateClass(s State) string {
	switch s {
	case Closed, Verified:
		return "green"
	case Rejected, Merged:
		return ""
	case Shelved:
		return "amber"
	}
	return "red"
}

// PageRoutes registers the case pages.
func (s *Service) PageRoutes(rt *web.Router, render *web.Renderer) {
	h := &pages{s: s, r: render}
	rt.Page("GET /report", web.LoggedIn, h.report)
	rt.Page("POST /report", web.LoggedIn, h.reportPost)
	rt.Page("GET /cases", web.LoggedIn, h.board)
	rt.Page("GET /cases/mine", web.LoggedIn, h.mine)
	rt.Page("GET /tasks", web.LoggedIn, h.tasks)
	rt.Page("GET /cases/{id}", web.LoggedIn, h.detail)
	rt.Page("POST /cases/{id}/actions", web.LoggedIn, h.act)
	rt.Page("GET /notifications", web.LoggedIn, h.notifications)
	rt.Page("POST /notifications/read", web.LoggedIn, h.markRead)
}

type pages struct {
	s *Service
	r *web.Renderer
}

type reportData struct {
	Categories []Category
	Groups     []Category
	Households []HouseholdChoice
	// Places are where the reporter may report, for the place picker
	// (web/static/picker.js turns them into a cascade).
	Places []web.Choice
	Staff  bool
}

// HouseholdChoice is a household the reporter can pick as the location.
type HouseholdChoice struct {
	ID    int64
	Label string
}

func (h *pages) reportPage(r *http.Request) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	cats, err := h.s.Categories(r.Context())
	if err != nil {
		return nil, err
	}
	d := reportData{Staff: a.CanAny(linli.PermCasesRead)}
	for _, c := range cats {
		if c.Route == "" {
			d.Groups = append(d.Groups, c)
		} else if c.Active {
			d.Categories = append(d.Categories, c)
		}
	}
	for _, g := range a.Grants {
		if g.Role == linli.RoleResident && g.HouseholdID != 0 {
			hh, err := h.s.Registry.Household(r.Context(), a, g.HouseholdID)
			if err == nil {
				d.Households = append(d.Households, HouseholdChoice{ID: hh.ID, Label: hh.Estate + hh.Label()})
			}
		}
	}
	if len(d.Households) == 0 {
		if d.Places, err = h.s.Registry.PlaceChoicesIn(r.Context(), a.ReportScopes(), 300); err != nil {
			return nil, err
		}
	}
	return &web.Page{Title: "我要上报", Data: d}, nil
}

func (h *pages) report(w http.ResponseWriter, r *http.Request) error {
	if !web.ActorFrom(r.Context()).MayReport() {
		// Never a form whose submission is refused: the page says why
		// (the same rule as the navigation and the cases service).
		h.r.Render(w, r, http.StatusForbidden, "cases/noreport.html", &web.Page{Title: "我要上报"})
		return nil
	}
	p, err := h.reportPage(r)
	if err != nil {
		return err
	}
	p.Form = r.URL.Query()
	h.r.Render(w, r, http.StatusOK, "cases/report.html", p)
	return nil
}

func (h *pages) reportPost(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, 64<<20)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return linli.Errorf(linli.ETooLarge, "上传内容过大 / upload too large")
		}
	}
	hid, _ := strconv.ParseInt(r.FormValue("household_id"), 10, 64)
	loc, _ := strconv.ParseInt(r.FormValue("location_id"), 10, 64)
	in := NewCase{Category: r.FormValue("category"), Title: r.FormValue("title"), Description: r.FormValue("description"),
		HouseholdID: hid, LocationID: loc, Public: r.FormValue("public") == "1", Source: Source(r.FormValue("source")),
		IdempotencyKey: r.FormValue("idem")}
	if in.Source == "" {
		in.Source = SourceResident
		if a.HasRole(linli.RoleGridWorker) && in.HouseholdID == 0 {
			in.Source = SourcePatrol
		} else if a.HasRole(linli.RoleVolunteer) && in.HouseholdID == 0 {
			in.Source = SourceVolunteer
		}
	}
	// Photos are checked before anything is written, and saved in the
	// case's own transaction: a bad photo leaves no case behind.
	files, err := h.s.uploads(r, "photos")
	var c Case
	if err == nil {
		in.Photos = files
		c, _, err = h.s.OpenIdempotent(r.Context(), a, in)
	}
	if err != nil {
		fields, msg := web.FormErrors(err)
		if fields == nil {
			return err
		}
		p, perr := h.reportPage(r)
		if perr != nil {
			return perr
		}
		p.Errors, p.Error, p.Form = fields, msg, r.Form
		h.r.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "cases/report.html", p)
		return nil
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cases/%d", c.ID), "已提交，编号 "+c.Number)
	return nil
}

type listData struct {
	Cases  []Case
	Total  int
	Board  *Board
	Calls  []Whistle
	Filter Filter
}

func (h *pages) board(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	f, err := filterOf(r)
	if err != nil {
		return err
	}
	d := listData{Filter: f}
	if a.CanAny(linli.PermCasesManage) && len(f.States) == 0 && !f.Overdue && !f.Escalated && f.Query == "" {
		b, err := h.s.DispatchBoard(r.Context(), a, f.NodeID)
		if err != nil {
			return err
		}
		d.Board = &b
	}
	if d.Cases, d.Total, err = h.s.List(r.Context(), a, f); err != nil {
		return err
	}
	if d.Calls, err = h.s.Calls(r.Context(), a); err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cases/board.html", &web.Page{Title: "案件", Data: d})
	return nil
}

func (h *pages) mine(w http.ResponseWriter, r *http.Request) error {
	cs, n, err := h.s.MyReports(r.Context(), web.ActorFrom(r.Context()), Filter{Limit: 100})
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cases/mine.html", &web.Page{Title: "我的上报", Data: listData{Cases: cs, Total: n}})
	return nil
}

func (h *pages) tasks(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	cs, n, err := h.s.MyTasks(r.Context(), a, Filter{Limit: 200})
	if err != nil {
		return err
	}
	calls, err := h.s.Calls(r.Context(), a)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cases/tasks.html", &web.Page{Title: "我的任务", Data: listData{Cases: cs, Total: n, Calls: calls}})
	return nil
}

type detailData struct {
	Detail
	Photos   []Photo
	Reporter bool
	Depts    []Department
	// Mediate: the actor may take the dispute behind this case to
	// people's mediation.
	Mediate bool
	// MergeInto are the cases of the merge picker without its script.
	MergeInto []web.Choice
}

func (h *pages) detailPage(r *http.Request, id int64) (*web.Page, error) {
	d, err := h.s.Detail(r, id)
	if err != nil {
		return nil, err
	}
	a := web.ActorFrom(r.Context())
	dd := detailData{Detail: d, Reporter: a.AccountID != 0 && a.AccountID == d.Case.ReporterID, Mediate: a.Can(linli.PermMediate, d.Case.Path)}
	if dd.Photos, err = h.s.Photos(r.Context(), a, id); err != nil {
		return nil, err
	}
	if dd.Depts, err = h.s.Departments(r.Context()); err != nil {
		return nil, err
	}
	if slices.Contains(d.Actions, ActMerge) {
		if dd.MergeInto, err = h.s.mergeChoices(r.Context(), a, d.Case); err != nil {
			return nil, err
		}
	}
	return &web.Page{Title: d.Case.Number, Data: dd}, nil
}

func (h *pages) detail(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.detailPage(r, id)
	if err != nil {
		return err
	}
	if err := h.s.MarkCaseRead(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	p.Flash = web.Flash(r)
	h.r.Render(w, r, http.StatusOK, "cases/case.html", p)
	return nil
}

func (h *pages) act(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, 64<<20)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return linli.Errorf(linli.ETooLarge, "上传内容过大 / upload too large")
		}
	}
	in := ActionInput{Action: Action(r.FormValue("action")), Note: r.FormValue("note"), Reason: r.FormValue("reason"),
		AssigneeKind: r.FormValue("assignee_kind"), Rating: Rating(r.FormValue("rating")), Comment: r.FormValue("comment"),
		Approve: r.FormValue("approve") == "1", CoHandler: r.FormValue("cohandler")}
	in.AssigneeID, _ = strconv.ParseInt(r.FormValue("assignee_id"), 10, 64)
	in.MergeInto, _ = strconv.ParseInt(r.FormValue("merge_into"), 10, 64)
	in.WhistleID, _ = strconv.ParseInt(r.FormValue("whistle_id"), 10, 64)
	if t := r.Form["targets"]; len(t) > 0 {
		in.Targets = t
	}
	if d := r.FormValue("new_due"); d != "" {
		if t, err := time.ParseInLocation("2006-01-02", d, h.s.Zone); err == nil {
			in.NewDue = t.Add(17*time.Hour + 30*time.Minute).UTC()
		}
	}
	// Result photos are checked first and saved in the action's own
	// transaction, like a report's.
	in.Photos, err = h.s.uploads(r, "photos")
	if err == nil {
		_, err = h.s.Act(r.Context(), a, id, in)
	}
	if err != nil {
		code := linli.ErrorCode(err)
		if code == linli.EInternal || code == linli.ENotFound {
			return err
		}
		p, perr := h.detailPage(r, id)
		if perr != nil {
			return perr
		}
		p.Errors, _ = web.FormErrors(err)
		p.Error, p.Form = linli.ErrorMessage(err), r.Form
		h.r.Render(w, r, web.StatusOf(code), "cases/case.html", p)
		return nil
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cases/%d", id), in.Action.Label()+"：已完成")
	return nil
}

func (h *pages) notifications(w http.ResponseWriter, r *http.Request) error {
	ns, unread, err := h.s.Notifications(r.Context(), web.ActorFrom(r.Context()), 100)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cases/notifications.html", &web.Page{Title: "消息", Data: map[string]any{"Items": ns, "Unread": unread}})
	return nil
}

func (h *pages) markRead(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if v := r.FormValue("id"); v != "" { // empty: mark everything read
		var err error
		if id, err = strconv.ParseInt(v, 10, 64); err != nil || id <= 0 {
			return &linli.Error{Code: linli.EBadRequest, Message: "消息编号无效 / bad notification id", Fields: []linli.FieldError{{Field: "id", Reason: "应为正整数 / must be a positive integer"}}}
		}
	}
	if err := h.s.MarkRead(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	http.Redirect(w, r, web.LocalPath(r.FormValue("next"), "/notifications"), http.StatusSeeOther)
	return nil
}
