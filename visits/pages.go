package visits

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linli"
	"linli/links"
	"linli/registry"
	"linli/web"
)

type pages struct {
	s *Service
	r *web.Renderer
}

func (s *Service) pages(rt *web.Router, render *web.Renderer) {
	h := &pages{s: s, r: render}
	rt.Page("GET /visits", web.LoggedIn, h.list)
	rt.Page("GET /visits/new", web.LoggedIn, h.newForm)
	rt.Page("POST /visits", web.LoggedIn, h.create)
	rt.Page("GET /visits/{id}", web.LoggedIn, h.detail)
	rt.Page("POST /visits/{id}/follow-ups/{item}", web.LoggedIn, h.followUp)
	rt.Page("GET /visits/matters/{id}", web.LoggedIn, h.matter)
}

func (h *pages) crumbs(r *http.Request, items ...web.NavItem) []web.NavItem {
	return append([]web.NavItem{{Href: "/visits", Label: h.r.T(web.Lang(r), "入户走访")}}, items...)
}

type listData struct {
	Visits   []Visit
	Total    int
	Matters  []Matter
	MatterID int64
	// Paging: the first visit shown, and where the previous and next
	// pages start (-1: none).
	Offset, Prev, Next int
}

func (h *pages) list(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	f, err := h.s.filter(r)
	if err != nil {
		return err
	}
	vs, total, err := h.s.List(ctx, a, f)
	if err != nil {
		return err
	}
	ms, err := h.s.Matters(ctx, a)
	if err != nil {
		return err
	}
	d := listData{Visits: vs, Total: total, Matters: ms, MatterID: f.MatterID, Offset: max(f.Offset, 0), Prev: -1, Next: -1}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	if d.Offset > 0 {
		d.Prev = max(d.Offset-limit, 0)
	}
	if d.Offset+limit < total {
		d.Next = d.Offset + limit
	}
	h.r.Render(w, r, http.StatusOK, "visits/list.html", &web.Page{Title: "入户走访", Flash: r.URL.Query().Get("flash"), Data: d})
	return nil
}

type formData struct {
	HouseholdID int64
	Household   string
	// Without a household (the form opened from /visits), the visitor
	// picks a unit among those they visit (Units), then a room of it
	// (Rooms).
	UnitID int64
	Unit   string
	Units  []Option
	Rooms  []Option
	// Subject is what the visit is about. SubjectFixed: it came with the
	// link that opened the form (a household's vote, a project) and is
	// shown, not chosen; otherwise the visitor picks one of Matters, or
	// "其他事项" and names it.
	Subject      string
	SubjectFixed bool
	SubjectTitle string
	Matter       *Matter
	Matters      []Matter
	Checked      map[Concern]bool
	FollowUps    []FollowUpInput
}

// Option is a choice in a select.
type Option struct {
	ID    int64
	Label string
}

// maxUnits bounds the units the form offers at once.
const maxUnits = 1000

// units lists the units with households where the actor records visits,
// in estate, building, unit order.
func (s *Service) units(ctx context.Context, a *linli.Actor) ([]Option, error) {
	scopes := a.Scopes(linli.PermVisitsWrite)
	if len(scopes) == 0 {
		return nil, nil
	}
	units, err := s.registry.UnitsHoused(ctx, s.db, scopes, maxUnits)
	if err != nil {
		return nil, err
	}
	var out []Option
	for _, u := range units {
		out = append(out, Option{ID: u.ID, Label: u.Estate + " " + u.Building + " " + u.Unit})
	}
	return out, nil
}

// rooms lists a unit's households (by floor and room) if the actor records
// visits there; label is the unit's name.
func (s *Service) rooms(ctx context.Context, a *linli.Actor, unitID int64) (label string, out []Option, err error) {
	u, err := s.registry.NodeByID(ctx, unitID)
	if err != nil || u.Kind != registry.KindUnit || !a.Can(linli.PermVisitsWrite, u.Path) {
		return "", nil, nil
	}
	line, err := s.registry.Lineage(ctx, s.db, u.ID)
	if err != nil {
		return "", nil, err
	}
	var e, b string
	for _, n := range line {
		switch n.Kind {
		case registry.KindEstate:
			e = n.Name
		case registry.KindBuilding:
			b = n.Name
		}
	}
	hs, err := s.registry.HouseholdsUnder(ctx, s.db, u.Path)
	if err != nil {
		return "", nil, err
	}
	for _, h := range hs {
		out = append(out, Option{ID: h.ID, Label: h.Room})
	}
	return e + " " + b + " " + u.Name, out, nil
}

// formPage builds the visit form from what was asked or typed.
func (h *pages) formPage(r *http.Request, form url.Values) (*web.Page, error) {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	d := formData{Subject: strings.TrimSpace(form.Get("subject")), SubjectFixed: form.Get("subject_fixed") == "1", Checked: map[Concern]bool{}}
	if id, err := strconv.ParseInt(form.Get("household_id"), 10, 64); err == nil && id > 0 {
		if hh, err := h.s.household(ctx, h.s.db, id); err == nil && a.Can(linli.PermVisitsWrite, hh.Path) {
			d.HouseholdID, d.Household = hh.ID, hh.Label
		}
	}
	if d.HouseholdID == 0 {
		var err error
		if id, perr := strconv.ParseInt(form.Get("unit_id"), 10, 64); perr == nil && id > 0 {
			if d.Unit, d.Rooms, err = h.s.rooms(ctx, a, id); err != nil {
				return nil, err
			}
			if d.Rooms != nil {
				d.UnitID = id
			}
		}
		if d.UnitID == 0 {
			if d.Units, err = h.s.units(ctx, a); err != nil {
				return nil, err
			}
		}
	}
	if ref, err := links.Parse(d.Subject); err == nil && validSubjectKind(ref.Kind) {
		if m, ok, err := h.s.matterBySubject(ctx, h.s.db, ref); err == nil && ok && overlaps(a, m.Path) {
			d.Matter = &m
			d.SubjectTitle = m.Title
		} else if ref.Kind != KindMatter {
			d.SubjectTitle = subjectLabel(ref)
		}
	} else {
		d.SubjectFixed = false
	}
	if !d.SubjectFixed {
		ms, err := h.s.Matters(ctx, a)
		if err != nil && linli.ErrorCode(err) != linli.EForbidden {
			return nil, err
		}
		d.Matters = ms
	}
	for _, c := range form["concerns"] {
		d.Checked[Concern(c)] = true
	}
	texts, dues := form["follow_text"], form["follow_due"]
	for i := 0; i < 3; i++ {
		var f FollowUpInput
		if i < len(texts) {
			f.Text = texts[i]
		}
		if i < len(dues) {
			f.Due = dues[i]
		}
		d.FollowUps = append(d.FollowUps, f)
	}
	if form.Get("visited_date") == "" {
		now := h.s.now().In(h.s.zone())
		form.Set("visited_date", now.Format("2006-01-02"))
		form.Set("visited_time", now.Format("15:04"))
	}
	return &web.Page{Title: "记录走访", Data: d, Form: form, Crumbs: h.crumbs(r, web.NavItem{Label: h.r.T(web.Lang(r), "记录走访")})}, nil
}

func (h *pages) newForm(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	if !a.CanAny(linli.PermVisitsWrite) {
		return linli.Errorf(linli.EForbidden, "无权记录走访 / not allowed to record visits")
	}
	q := r.URL.Query()
	if q.Get("subject") != "" && q.Get("subject_fixed") == "" {
		// A link from a household, a vote or a project names the subject:
		// show it rather than offer a choice.
		q.Set("subject_fixed", "1")
	}
	p, err := h.formPage(r, q)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "visits/new.html", p)
	return nil
}

// inputFromForm reads the visit form.
func (h *pages) inputFromForm(r *http.Request) (VisitInput, error) {
	var v linli.Validation
	in := VisitInput{Subject: r.FormValue("subject"), MatterTitle: r.FormValue("matter_title"), Stance: Stance(r.FormValue("stance")),
		Notes: r.FormValue("notes")}
	if s := strings.TrimSpace(r.FormValue("household_id")); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			v.Add("household_id", "住户编号应为数字 / household id must be a number")
		}
		in.HouseholdID = id
	}
	for _, c := range r.Form["concerns"] {
		in.Concerns = append(in.Concerns, Concern(c))
	}
	in.VisitorNames = append(in.VisitorNames, strings.FieldsFunc(r.FormValue("visitor_names"), func(r rune) bool { return r == ',' || r == '，' || r == '、' })...)
	texts, dues := r.Form["follow_text"], r.Form["follow_due"]
	for i := range texts {
		f := FollowUpInput{Text: texts[i]}
		if i < len(dues) {
			f.Due = dues[i]
		}
		in.FollowUps = append(in.FollowUps, f)
	}
	if d := strings.TrimSpace(r.FormValue("visited_date")); d != "" {
		t := strings.TrimSpace(r.FormValue("visited_time"))
		if t == "" {
			t = "00:00"
		}
		at, ok := web.ParseLocal(d+" "+t, h.s.zone())
		if !ok {
			v.Add("visited_date", "日期或时间格式不对 / date or time not understood")
		}
		in.VisitedAt = at
	}
	return in, v.Err()
}

func (h *pages) create(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, 100<<20)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return linli.Errorf(linli.ETooLarge, "上传内容过大 / upload too large")
		}
	} else if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / form cannot be read")
	}
	in, err := h.inputFromForm(r)
	var v Visit
	if err == nil {
		// Files are checked before anything is written and saved in the
		// visit's own transaction: a bad photo leaves no visit behind.
		if in.Files, err = uploads(r); err == nil {
			v, err = h.s.Record(r.Context(), a, in)
		}
	}
	if err != nil {
		return h.r.FormFailed(w, r, err, "visits/new.html", func() (*web.Page, error) { return h.formPage(r, r.Form) })
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/visits/%d", v.ID), "走访已记录")
	return nil
}

type detailData struct {
	Detail
	Title    string
	CanWrite bool
}

func (h *pages) detail(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.s.detail(r, id)
	if err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	title := h.s.Title(d.Visit)
	if web.Lang(r) == "en" {
		title = h.s.TitleEN(d.Visit)
	}
	h.r.Render(w, r, http.StatusOK, "visits/visit.html", &web.Page{Title: title, Flash: r.URL.Query().Get("flash"),
		Crumbs: h.crumbs(r, web.NavItem{Href: fmt.Sprintf("/visits/matters/%d", d.Matter.ID), Label: d.Matter.Title}, web.NavItem{Label: d.Visit.Household}),
		Data:   detailData{Detail: d, Title: title, CanWrite: a.Can(linli.PermVisitsWrite, d.Visit.Path)}})
	return nil
}

func (h *pages) followUp(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	item, err := web.PathID(r, "item")
	if err != nil {
		return err
	}
	done := r.FormValue("done") == "1"
	if _, err := h.s.SetFollowUp(r.Context(), web.ActorFrom(r.Context()), id, item, done); err != nil {
		return err
	}
	msg := "已标记完成"
	if !done {
		msg = "已重新打开"
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/visits/%d", id), msg)
	return nil
}

type matterData struct {
	Matter   Matter
	Coverage Coverage
	Visits   []Visit
	Building int64 // the scope when it is a building, for the layer link
	CanWrite bool
}

func (h *pages) matter(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	node, err := queryID(r, "node_id")
	if err != nil {
		return err
	}
	m, c, err := h.s.MatterCoverage(ctx, a, id, node)
	if err != nil {
		return err
	}
	vs, _, err := h.s.List(ctx, a, Filter{MatterID: m.ID, Limit: 20})
	if err != nil {
		return err
	}
	d := matterData{Matter: m, Coverage: c, Visits: vs, CanWrite: a.CanAny(linli.PermVisitsWrite)}
	if n, err := h.s.registry.NodeByID(ctx, c.NodeID); err == nil && n.Kind == "building" {
		d.Building = n.ID
	}
	h.r.Render(w, r, http.StatusOK, "visits/matter.html", &web.Page{Title: m.Title, Crumbs: h.crumbs(r, web.NavItem{Label: m.Title}), Data: d})
	return nil
}
