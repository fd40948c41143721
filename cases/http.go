package cases

import (
	"fmt"
	"net/http"
	"strings"

	"linli"
	"linli/links"
	"linli/web"
)

// Routes registers the case API.
func (s *Service) Routes(rt *web.Router) {
	rt.API("GET /api/categories", web.LoggedIn, s.apiCategories)
	rt.API("PUT /api/categories/{id}", web.LoggedIn, s.apiUpdateCategory)
	rt.API("GET /api/departments", web.LoggedIn, s.apiDepartments)
	rt.API("POST /api/cases", web.LoggedIn, s.apiCreate)
	rt.API("GET /api/cases", web.LoggedIn, s.apiList)
	rt.API("GET /api/cases/mine", web.LoggedIn, s.apiMine)
	rt.API("GET /api/cases/pick", web.LoggedIn, s.apiPickCases)
	rt.API("GET /api/cases/tasks", web.LoggedIn, s.apiTasks)
	rt.API("GET /api/cases/board", web.LoggedIn, s.apiBoard)
	rt.API("GET /api/cases/{id}", web.LoggedIn, s.apiGet)
	rt.API("POST /api/cases/{id}/actions", web.LoggedIn, s.apiAct)
	rt.API("GET /api/calls", web.LoggedIn, s.apiCalls)
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

func filterOf(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	node, err := web.QueryInt(r, "node_id", 0)
	if err != nil {
		return Filter{}, err
	}
	limit, err := web.QueryInt(r, "limit", 50)
	if err != nil {
		return Filter{}, err
	}
	offset, err := web.QueryInt(r, "offset", 0)
	if err != nil {
		return Filter{}, err
	}
	cat, err := web.QueryInt(r, "category_id", 0)
	if err != nil {
		return Filter{}, err
	}
	f := Filter{NodeID: int64(node), Limit: limit, Offset: offset, Category: int64(cat), Query: q.Get("q"), Order: q.Get("order"),
		Overdue: q.Get("overdue") == "1", Escalated: q.Get("escalated") == "1"}
	for _, st := range q["state"] {
		for _, x := range strings.Split(st, ",") {
			if State(x).Label() == "" {
				return f, &linli.Error{Code: linli.EBadRequest, Message: "未知状态 / unknown state " + x, Fields: []linli.FieldError{{Field: "state", Reason: "未知状态 / unknown state"}}}
			}
			f.States = append(f.States, State(x))
		}
	}
	return f, nil
}

func (s *Service) writeList(w http.ResponseWriter, cs []Case, total int) {
	if cs == nil {
		cs = []Case{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"cases": cs, "total": total})
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) error {
	f, err := filterOf(r)
	if err != nil {
		return err
	}
	cs, n, err := s.List(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	s.writeList(w, cs, n)
	return nil
}

func (s *Service) apiMine(w http.ResponseWriter, r *http.Request) error {
	f, err := filterOf(r)
	if err != nil {
		return err
	}
	cs, n, err := s.MyReports(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	s.writeList(w, cs, n)
	return nil
}

func (s *Service) apiTasks(w http.ResponseWriter, r *http.Request) error {
	f, err := filterOf(r)
	if err != nil {
		return err
	}
	cs, n, err := s.MyTasks(r.Context(), web.ActorFrom(r.Context()), f)
	if err != nil {
		return err
	}
	s.writeList(w, cs, n)
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
	for _, act := range Allowed(d.Case.State) {
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
		}
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
