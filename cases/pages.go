package cases

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/geomap"
	"linli/registry"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages returns the case pages, their English and template helpers.
func Pages(clock linli.Clock) web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "cases", Catalog: catalog(), Funcs: template.FuncMap{
		"stateClass": stateClass,
		"late":       func(due time.Time) bool { return !due.IsZero() && clock.Now().After(due) },
		"selected": func(q url.Values, key, value string) bool {
			for _, v := range q[key] {
				for _, x := range strings.Split(v, ",") {
					if x == value {
						return true
					}
				}
			}
			return false
		},
		"has": func(as []Action, a string) bool {
			for _, x := range as {
				if string(x) == a {
					return true
				}
			}
			return false
		},
	}, LangFuncs: func(lang string, t func(string) string) template.FuncMap {
		// The labels' English is in Go (labels.go).
		return template.FuncMap{
			"stateLabel":  func(s State) string { return s.LabelIn(lang) },
			"actionLabel": func(a Action) string { return a.LabelIn(lang) },
			"sourceLabel": func(s Source) string { return s.LabelIn(lang) },
			"ratingLabel": func(r Rating) string { return r.LabelIn(lang) },
			"prioLabel":   func(p Priority) string { return p.LabelIn(lang) },
			"eventLabel":  func(a string) string { return EventLabel(a, lang) },
			// countdown says how long until (or since) a deadline, in the
			// words a grid worker reads on a phone.
			"countdown": func(due time.Time) string {
				if due.IsZero() {
					return ""
				}
				return Countdown(due.Sub(clock.Now()), lang)
			},
		}
	}}
}

// Countdown words the time left until a deadline (negative: past it) in
// the language: "剩余2天" / "2 days left", "已超时3小时5分" / "3 h 5 min
// overdue".
func Countdown(d time.Duration, lang string) string {
	late := d < 0
	if late {
		d = -d
	}
	days, hours, mins := int(d.Hours()/24), int(d.Hours()), int(d.Minutes())%60
	var s string
	if lang == "en" {
		switch {
		case d >= 48*time.Hour:
			s = fmt.Sprintf("%d days", days)
		case d >= time.Hour:
			s = fmt.Sprintf("%d h %d min", hours, mins)
		default:
			s = fmt.Sprintf("%d min", int(d.Minutes()))
		}
		if late {
			return s + " overdue"
		}
		return s + " left"
	}
	switch {
	case d >= 48*time.Hour:
		s = fmt.Sprintf("%d天", days)
	case d >= time.Hour:
		s = fmt.Sprintf("%d小时%d分", hours, mins)
	default:
		s = fmt.Sprintf("%d分钟", int(d.Minutes()))
	}
	if late {
		return "已超时" + s
	}
	return "剩余" + s
}

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
	rt.Page("GET /cases/export.xlsx", web.LoggedIn, h.export)
	rt.Page("GET /tasks", web.LoggedIn, h.tasks)
	rt.Page("GET /cases/{id}", web.LoggedIn, h.detail)
	rt.Page("POST /cases/{id}/actions", web.LoggedIn, h.act)
	rt.Page("POST /cases/{id}/reporter/reveal", web.LoggedIn, h.revealReporter)
	rt.Page("GET /notifications", web.LoggedIn, h.notifications)
	rt.Page("POST /notifications/read", web.LoggedIn, h.markRead)
	// The bell, live (bell.go): the page's stream and what it reads.
	rt.API("GET /notifications/live", web.LoggedIn, s.bellStream)
	rt.API("GET /notifications/unread", web.LoggedIn, s.bellNow)
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
	// Kept are photos already uploaded for this report (by the phone's
	// script, or kept from a refused submission), shown as previews the
	// reporter can untick.
	Kept []Photo
	Map  *geomap.Map // drop a pin (no household to pick)
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
		if d.Map, err = h.s.reportMap(r, a); err != nil {
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
	in.Lat, _ = strconv.ParseFloat(r.FormValue("lat"), 64) // a pin dropped on the map
	in.Lon, _ = strconv.ParseFloat(r.FormValue("lon"), 64)
	if in.Source == "" {
		in.Source = SourceResident
		if a.HasRole(linli.RoleGridWorker) && in.HouseholdID == 0 {
			in.Source = SourcePatrol
		} else if a.HasRole(linli.RoleVolunteer) && in.HouseholdID == 0 {
			in.Source = SourceVolunteer
		}
	}
	in.Uploads = web.FormInts(r, "upload")
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
		// The photos that came with the refused form are kept as pending
		// uploads, so the reporter does not take them again.
		if len(files) > 0 && a.AccountID != 0 {
			kept, kerr := h.s.SavePending(r.Context(), a, files)
			if linli.ErrorCode(kerr) == linli.ETooMany {
				// Over the pending-upload cap: the form comes back with
				// the reason beside the photos, its text kept.
				fields["photos"] = linli.ErrorFields(kerr)[0].Reason
			} else if kerr != nil {
				return kerr
			}
			for _, k := range kept {
				r.Form.Add("upload", strconv.FormatInt(k.ID, 10))
			}
		}
		p, perr := h.reportPage(r)
		if perr != nil {
			return perr
		}
		d := p.Data.(reportData)
		if d.Kept, perr = h.s.PendingPhotos(r.Context(), a, web.FormInts(r, "upload")); perr != nil {
			return perr
		}
		p.Data = d
		p.Errors, p.Error, p.Form = fields, msg, r.Form
		h.r.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "cases/report.html", p)
		return nil
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cases/%d", c.ID), "已提交，编号 "+c.Number+" / submitted, number "+c.Number)
	return nil
}

type listData struct {
	Cases  []Case
	Total  int
	Capped bool
	Board  *Board
	Calls  []Whistle
	Filter Filter
	// Form is the filter as typed (the query string), for the form and
	// the links; NextURL the next page, ExportURL the same list as .xlsx.
	Form       url.Values
	NextURL    string
	ExportURL  string
	Categories []Category
	Assignees  []Assignee
	Grids      []Assignee
	States     []State
	Sources    []Source
	Map        *geomap.Map // the open cases listed, by state and overdue
}

// Assignee is a choice of the assignee and grid filters.
type Assignee struct {
	Value string // grid:12 (or the grid's id in Grids)
	Name  string
}

// listState is the page's default: the open cases, least time left
// first, when no state is asked for and nothing is searched (the API's
// default is every state; a search looks through every state, newest
// first, since a caller may ask about a case closed long ago).
func listState(r *http.Request, f *Filter) {
	if _, ok := r.URL.Query()["state"]; !ok && !f.Overdue && !f.Escalated && strings.TrimSpace(f.Query) == "" {
		f.Open = true
	}
}

// pageURL is path with the query string q, after replaced (or dropped
// when empty).
func pageURL(path string, q url.Values, after string) string {
	v := url.Values{}
	for k, x := range q {
		if k != "after" {
			v[k] = x
		}
	}
	if after != "" {
		v.Set("after", after)
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func (h *pages) board(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	f, err := h.s.filterOf(r)
	if err != nil {
		return err
	}
	listState(r, &f)
	d := listData{Filter: f, Form: r.URL.Query(), States: States(), Sources: allSources}
	if a.CanAny(linli.PermCasesManage) {
		b, err := h.s.DispatchBoard(r.Context(), a, f.NodeID)
		if err != nil {
			return err
		}
		d.Board = &b
	}
	p, err := h.s.ListPage(r.Context(), a, f)
	if err != nil {
		return err
	}
	d.Cases, d.Total, d.Capped = p.Cases, p.Total, p.Capped
	if p.Next != "" {
		d.NextURL = pageURL("/cases", r.URL.Query(), p.Next)
	}
	d.ExportURL = pageURL("/cases/export.xlsx", r.URL.Query(), "")
	if d.Calls, err = h.s.Calls(r.Context(), a); err != nil {
		return err
	}
	if err := h.choices(r, a, &d); err != nil {
		return err
	}
	if d.Map, err = h.s.CasesMap(r.Context(), boardPins(d), web.Lang(r), h.tr(r)); err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cases/board.html", &web.Page{Title: "案件", Data: d})
	return nil
}

// choices fills the filter form's lists: categories, the grids in the
// actor's scope and the departments.
func (h *pages) choices(r *http.Request, a *linli.Actor, d *listData) error {
	ctx := r.Context()
	var err error
	if d.Categories, err = h.s.Categories(ctx); err != nil {
		return err
	}
	for _, sc := range a.Scopes(linli.PermCasesRead) {
		grids, err := h.s.Registry.NodesUnder(ctx, h.s.DB, sc, registry.KindGrid)
		if err != nil {
			return err
		}
		for _, g := range grids {
			d.Grids = append(d.Grids, Assignee{Value: strconv.FormatInt(g.ID, 10), Name: g.Name})
			d.Assignees = append(d.Assignees, Assignee{Value: AssignGrid + ":" + strconv.FormatInt(g.ID, 10), Name: g.Name})
		}
	}
	depts, err := h.s.Departments(ctx)
	if err != nil {
		return err
	}
	for _, dp := range depts {
		d.Assignees = append(d.Assignees, Assignee{Value: AssignDepartment + ":" + strconv.FormatInt(dp.ID, 10), Name: dp.NameIn(web.Lang(r))})
	}
	return nil
}

var (
	allSources = []Source{SourceResident, SourcePatrol, SourceVolunteer, SourceHotline, SourceMeeting, SourceInspection, SourceCamera, SourceOpen311}
)

// listFilter is a list page's filter from its query (the home page's
// counts link to these), with the page's own default length.
func (s *Service) listFilter(r *http.Request, limit int) (Filter, error) {
	f, err := s.filterOf(r)
	if r.URL.Query().Get("limit") == "" {
		f.Limit = limit
	}
	return f, err
}

func (h *pages) mine(w http.ResponseWriter, r *http.Request) error {
	f, err := h.s.listFilter(r, 100)
	if err != nil {
		return err
	}
	cs, n, err := h.s.MyReports(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cases/mine.html", &web.Page{Title: "我的上报", Data: listData{Cases: cs, Total: n, Filter: f}})
	return nil
}

func (h *pages) tasks(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	f, err := h.s.filterOf(r)
	if err != nil {
		return err
	}
	p, err := h.s.TasksPage(r.Context(), a, f)
	if err != nil {
		return err
	}
	d := listData{Cases: p.Cases, Total: p.Total, Capped: p.Capped, Filter: f, Form: r.URL.Query()}
	if p.Next != "" {
		d.NextURL = pageURL("/tasks", r.URL.Query(), p.Next)
	}
	if d.Calls, err = h.s.Calls(r.Context(), a); err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "cases/tasks.html", &web.Page{Title: "我的任务", Data: d})
	return nil
}

type detailData struct {
	Detail
	Photos []Photo
	// Before are the photos of the problem as reported, After those of
	// the work: side by side for verification.
	Before, After []Photo
	Reporter      bool
	Depts         []Department
	// Mediate: the actor may take the dispute behind this case to
	// people's mediation.
	Mediate bool
	// Due is Routing's response deadline as people say it.
	Due string
	// Revealed is the reporter's full phone, in the answer to an audited
	// reveal only.
	Revealed string
	Map      *geomap.Map // where it is, when it has a point
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
	for _, p := range dd.Photos {
		if p.After {
			dd.After = append(dd.After, p)
		} else {
			dd.Before = append(dd.Before, p)
		}
	}
	if d.Routing != nil {
		dd.Due = fmtDue(d.Routing.ResponseDue, h.s.Zone, web.Lang(r))
	}
	if dd.Depts, err = h.s.DepartmentsServing(r.Context(), d.Case); err != nil {
		return nil, err
	}
	if dd.Map, err = h.s.caseMap(r.Context(), d.Case); err != nil {
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
	// Closing is for good (only the reporter's "unsatisfied" reopens):
	// without confirm=1 the page asks first, naming that.
	if in.Action == ActClose && !web.Confirmed(r) {
		c, err := h.s.Get(r.Context(), a, id)
		if err != nil {
			return err
		}
		if _, ok := Next(c.State, ActClose); ok {
			h.r.Confirm(w, r, web.Confirmation{
				Title: fmt.Sprintf("结案：%s / Close case %s", c.Number, c.Number),
				Consequence: fmt.Sprintf("「%s」结案后办理期限停止计算，案件移出待办，不能再处置；只有反映人评价“不满意”才会重新办理。 / "+
					"Once “%s” is closed its deadlines stop and it leaves the task lists; it cannot be worked on again unless the reporter rates it unsatisfied.", c.Title, c.Title),
				Action: fmt.Sprintf("/cases/%d/actions", id), Fields: r.PostForm, Button: "确认结案 / Close the case", Back: fmt.Sprintf("/cases/%d", id)})
			return nil
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
	web.RedirectFlash(w, r, fmt.Sprintf("/cases/%d", id), in.Action.Label()+"：已完成 / "+in.Action.LabelIn("en")+": done")
	return nil
}

// revealReporter shows the case page again with the reporter's full
// phone (audited): the number is in this answer only, never in an address.
func (h *pages) revealReporter(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	ph, err := h.s.RevealReporterPhone(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	p, err := h.detailPage(r, id)
	if err != nil {
		return err
	}
	d := p.Data.(detailData)
	d.Revealed = ph
	p.Data = d
	h.r.Render(w, r, http.StatusOK, "cases/case.html", p)
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
