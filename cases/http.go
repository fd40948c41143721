package cases

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/links"
	"linli/web"
)

// Routes registers the case API.
func (s *Service) Routes(rt *web.Router) {
	rt.API("GET /api/categories", web.LoggedIn, s.apiCategories)
	rt.API("PUT /api/categories/{id}", web.LoggedIn, s.apiUpdateCategory)
	rt.API("GET /api/departments", web.LoggedIn, s.apiDepartments)
	rt.API("PUT /api/departments/{id}", web.LoggedIn, s.apiUpdateDepartment)
	rt.API("POST /api/cases", web.LoggedIn, s.apiCreate)
	rt.API("GET /api/cases", web.LoggedIn, s.apiList)
	rt.API("GET /api/cases/mine", web.LoggedIn, s.apiMine)
	rt.API("GET /api/cases/pick", web.LoggedIn, s.apiPickCases)
	rt.API("GET /api/cases/tasks", web.LoggedIn, s.apiTasks)
	rt.API("GET /api/cases/board", web.LoggedIn, s.apiBoard)
	rt.API("GET /api/cases/{id}", web.LoggedIn, s.apiGet)
	rt.API("POST /api/cases/{id}/actions", web.LoggedIn, s.apiAct)
	rt.API("POST /api/cases/{id}/reporter/reveal", web.LoggedIn, s.apiRevealReporter)
	rt.API("GET /api/calls", web.LoggedIn, s.apiCalls)
	rt.API("GET /api/cases/grid", web.LoggedIn, s.apiGridAt)
	rt.API("GET /api/notifications", web.LoggedIn, s.apiNotifications)
	rt.API("POST /api/notifications/read", web.LoggedIn, s.apiMarkRead)
}

func (s *Service) apiCategories(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.Categories(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"categories": cs})
	return nil
}

func (s *Service) apiUpdateDepartment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in DepartmentInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, err := s.UpdateDepartment(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (s *Service) apiUpdateCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in CategoryInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.UpdateCategory(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Service) apiDepartments(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.Departments(r.Context())
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []Department{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"departments": ds})
	return nil
}

// apiCreate reports a case. An Idempotency-Key header makes retries safe:
// the same key from the same account returns the case the first call
// created (200 instead of 201).
func (s *Service) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var in NewCase
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	in.IdempotencyKey = strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	a := web.ActorFrom(r.Context())
	c, replay, err := s.OpenIdempotent(r.Context(), a, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/cases/%d", c.ID))
	status := http.StatusCreated
	if replay {
		w.Header().Set("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	web.WriteJSON(w, status, c)
	return nil
}

// filterOf reads a list's filters from the query string; the page and
// the API share it, so a link copied from one works on the other:
// state (comma-separated, or "open"), category_id, grid_id,
// assignee (kind:id, e.g. grid:12), source, from and to (dates, to
// inclusive) or period (today, 7d, 30d, month), overdue=1, escalated=1,
// q (search), node_id, order (due or new), limit and after (the cursor of
// the next page).
func (s *Service) filterOf(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	var f Filter
	var errs []linli.FieldError
	num := func(name string) int64 {
		v := q.Get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			errs = append(errs, linli.FieldError{Field: name, Reason: "应为非负整数 / must be a non-negative integer"})
		}
		return n
	}
	f.NodeID, f.Category, f.Grid = num("node_id"), num("category_id"), num("grid_id")
	f.Limit = int(num("limit"))
	f.Query, f.After = q.Get("q"), q.Get("after")
	f.Overdue, f.Escalated = q.Get("overdue") == "1", q.Get("escalated") == "1"
	f.ExtensionPending, f.Unrated = q.Get("extension") == "pending", q.Get("unrated") == "1"
	switch o := q.Get("order"); o {
	case "", "due", "new":
		f.Order = o
	default:
		errs = append(errs, linli.FieldError{Field: "order", Reason: "应为 due 或 new / must be due or new"})
	}
	for _, st := range q["state"] {
		for _, x := range strings.Split(st, ",") {
			switch {
			case x == "" || x == "all":
			case x == "open":
				f.Open = true
			case State(x).Label() == "":
				errs = append(errs, linli.FieldError{Field: "state", Reason: "未知状态 / unknown state " + x})
			default:
				f.States = append(f.States, State(x))
			}
		}
	}
	if v := q.Get("source"); v != "" {
		if f.Source = Source(v); !f.Source.Valid() {
			errs = append(errs, linli.FieldError{Field: "source", Reason: "未知来源 / unknown source"})
		}
	}
	if v := q.Get("assignee"); v != "" {
		kind, id, ok := strings.Cut(v, ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil || n <= 0 || kind == "" {
			errs = append(errs, linli.FieldError{Field: "assignee", Reason: "应为 类型:编号，如 grid:12 / must be kind:id, e.g. grid:12"})
		}
		f.AssigneeKind, f.AssigneeID = kind, n
	}
	now := s.now().In(s.Zone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.Zone)
	switch q.Get("period") {
	case "":
	case "today":
		f.From = today
	case "7d":
		f.From = today.AddDate(0, 0, -6)
	case "30d":
		f.From = today.AddDate(0, 0, -29)
	case "month":
		f.From = today.AddDate(0, 0, 1-today.Day())
	default:
		errs = append(errs, linli.FieldError{Field: "period", Reason: "应为 today、7d、30d 或 month / must be today, 7d, 30d or month"})
	}
	date := func(name string) time.Time {
		v := q.Get(name)
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, s.Zone)
		if err != nil {
			errs = append(errs, linli.FieldError{Field: name, Reason: "日期应为 2026-01-31 的格式 / a date like 2026-01-31"})
		}
		return t
	}
	if t := date("from"); !t.IsZero() {
		f.From = t
	}
	if t := date("to"); !t.IsZero() {
		f.To = t.AddDate(0, 0, 1)
	}
	if len(errs) > 0 {
		return f, &linli.Error{Code: linli.EBadRequest, Message: "筛选条件有误 / bad filter", Fields: errs}
	}
	return f, nil
}

func (s *Service) writePage(w http.ResponseWriter, p Page) {
	if p.Cases == nil {
		p.Cases = []Case{}
	}
	web.WriteJSON(w, http.StatusOK, p)
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) error {
	f, err := s.filterOf(r)
	if err != nil {
		return err
	}
	p, err := s.ListPage(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	s.writePage(w, p)
	return nil
}

func (s *Service) apiMine(w http.ResponseWriter, r *http.Request) error {
	f, err := s.filterOf(r)
	if err != nil {
		return err
	}
	p, err := s.ReportsPage(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	s.writePage(w, p)
	return nil
}

func (s *Service) apiTasks(w http.ResponseWriter, r *http.Request) error {
	f, err := s.filterOf(r)
	if err != nil {
		return err
	}
	p, err := s.TasksPage(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	s.writePage(w, p)
	return nil
}

func (s *Service) apiBoard(w http.ResponseWriter, r *http.Request) error {
	node, err := web.QueryInt(r, "node_id", 0)
	if err != nil {
		return err
	}
	b, err := s.DispatchBoard(r.Context(), web.ActorFrom(r.Context()), int64(node))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

// Detail is a case with its timeline, whistles and the actions the actor
// may take now.
type Detail struct {
	Case     Case      `json:"case"`
	Timeline []Event   `json:"timeline"`
	Whistles []Whistle `json:"whistles"`
	Actions  []Action  `json:"actions"`
	// ReportIn lists the whistles the actor may report in to.
	ReportIn []int64 `json:"report_in"`
	// Links are the records this case came out of or led to (the meeting
	// whose action it is, the project it complains about, a mediation).
	Links []links.Item `json:"links"`
	// Routing says where the case goes and by when someone answers: for
	// its reporter until it is acknowledged, and for staff about to
	// register and dispatch it ("将派往：…").
	Routing *Routing `json:"routing,omitempty"`
	// Extension is the extension request waiting for a decision; the
	// decision buttons exist only while there is one.
	Extension *Extension `json:"extension,omitempty"`
	// Contact is the reporter's masked phone, for those who work the case.
	Contact *Contact `json:"contact,omitempty"`
}

// Detail loads a case page's data.
func (s *Service) Detail(r *http.Request, id int64) (Detail, error) {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	var d Detail
	var err error
	if d.Case, err = s.Get(ctx, a, id); err != nil {
		return d, err
	}
	if d.Timeline, err = s.Timeline(ctx, a, id); err != nil {
		return d, err
	}
	if d.Whistles, err = s.whistles(ctx, s.DB, id); err != nil {
		return d, err
	}
	if d.Extension, err = s.pendingExtension(ctx, s.DB, id); err != nil {
		return d, err
	}
	for _, act := range Allowed(d.Case.State) {
		// Extension requests: one at a time, decided while pending.
		if (act == ActDecideExtension) != (d.Extension != nil) && (act == ActDecideExtension || act == ActRequestExtension) {
			continue
		}
		if s.authorize(ctx, s.DB, a, d.Case, act) == nil {
			if act == ActRate && d.Case.Rating != "" {
				continue
			}
			if act == ActReopen {
				continue // through an unsatisfied rating
			}
			if act == ActReportIn {
				for _, w := range d.Whistles {
					if w.AckedAt.IsZero() {
						if ok, _ := s.holds(ctx, s.DB, a, w.TargetKind, w.TargetID); ok {
							d.ReportIn = append(d.ReportIn, w.ID)
						}
					}
				}
				if len(d.ReportIn) == 0 {
					continue
				}
			}
			d.Actions = append(d.Actions, act)
			if act == ActAccept && s.authorize(ctx, s.DB, a, d.Case, ActDispatch) == nil {
				d.Actions = append(d.Actions, ActAcceptDispatch)
			}
		}
	}
	reporter := a != nil && a.AccountID != 0 && a.AccountID == d.Case.ReporterID
	if (reporter && (d.Case.State == Reported || d.Case.State == Accepted || d.Case.State == Dispatched)) ||
		slices.Contains(d.Actions, ActAcceptDispatch) || slices.Contains(d.Actions, ActDispatch) {
		r, err := s.routingOf(ctx, d.Case)
		if err != nil {
			return d, err
		}
		d.Routing = &r
	}
	if ct, ok, err := s.ReporterContact(ctx, a, d.Case); err != nil {
		return d, err
	} else if ok {
		d.Contact = &ct
	}
	if d.Timeline == nil {
		d.Timeline = []Event{}
	}
	if d.Links, err = s.Links.Items(ctx, a, links.Ref{Kind: links.KindCase, ID: id}); err != nil {
		return d, err
	}
	if d.Links == nil {
		d.Links = []links.Item{}
	}
	if d.Whistles == nil {
		d.Whistles = []Whistle{}
	}
	if d.Actions == nil {
		d.Actions = []Action{}
	}
	if d.ReportIn == nil {
		d.ReportIn = []int64{}
	}
	return d, nil
}

func (s *Service) apiGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Detail(r, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (s *Service) apiAct(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in ActionInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.Act(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Service) apiCalls(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.Calls(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	if ws == nil {
		ws = []Whistle{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"whistles": ws})
	return nil
}

func (s *Service) apiNotifications(w http.ResponseWriter, r *http.Request) error {
	ns, unread, err := s.Notifications(r.Context(), web.ActorFrom(r.Context()), 50)
	if err != nil {
		return err
	}
	if ns == nil {
		ns = []Notification{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"notifications": ns, "unread": unread})
	return nil
}

func (s *Service) apiMarkRead(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ID int64 `json:"id"`
	}
	if r.ContentLength != 0 {
		if err := web.DecodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	if err := s.MarkRead(r.Context(), web.ActorFrom(r.Context()), in.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiRevealReporter answers the case page's "显示号码" (and integrations):
// the reporter's full phone, audited.
func (s *Service) apiRevealReporter(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.RevealReporterPhone(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"value": v})
	return nil
}
