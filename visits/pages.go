package visits

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/links"
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
	h.r.Render(w, r, http.StatusOK, "visits/list.html", &web.Page{Title: "入户走访", Flash: r.URL.Query().Get("flash"),
		Data: listData{Visits: vs, Total: total, Matters: ms, MatterID: f.MatterID}})
	return nil
}

type formData struct {
	HouseholdID int64
	Household   string
	Subject     string
	Matter      *Matter
	Checked     map[Concern]bool
	FollowUps   []FollowUpInput
}

// formPage builds the visit form from what was asked or typed.
func (h *pages) formPage(r *http.Request, form url.Values) *web.Page {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	d := formData{Subject: strings.TrimSpace(form.Get("subject")), Checked: map[Concern]bool{}}
	if id, err := strconv.ParseInt(form.Get("household_id"), 10, 64); err == nil && id > 0 {
		if hh, err := h.s.household(ctx, h.s.DB, id); err == nil && a.Can(linli.PermVisitsWrite, hh.Path) {
			d.HouseholdID, d.Household = hh.ID, hh.Label
		}
	}
	if ref, err := links.Parse(d.Subject); err == nil && validSubjectKind(ref.Kind) {
		if m, ok, err := h.s.matterBySubject(ctx, h.s.DB, ref); err == nil && ok {
			d.Matter = &m
		}
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
	return &web.Page{Title: "记录走访", Data: d, Form: form, Crumbs: h.crumbs(r, web.NavItem{Label: h.r.T(web.Lang(r), "记录走访")})}
}

func (h *pages) newForm(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	if !a.CanAny(linli.PermVisitsWrite) {
		return linli.Errorf(linli.EForbidden, "无权记录走访 / not allowed to record visits")
	}
	h.r.Render(w, r, http.StatusOK, "visits/new.html", h.formPage(r, r.URL.Query()))
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
	for _, n := range strings.FieldsFunc(r.FormValue("visitor_names"), func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		in.VisitorNames = append(in.VisitorNames, n)
	}
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
		at, err := time.ParseInLocation("2006-01-02 15:04", d+" "+t, h.s.zone())
		if err != nil {
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
		fields, msg := web.FormErrors(err)
		if fields == nil {
			return err
		}
		p := h.formPage(r, r.Form)
		p.Errors, p.Error = fields, msg
		h.r.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "visits/new.html", p)
		return nil
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
	if n, err := h.s.Registry.NodeByID(ctx, c.NodeID); err == nil && n.Kind == "building" {
		d.Building = n.ID
	}
	h.r.Render(w, r, http.StatusOK, "visits/matter.html", &web.Page{Title: m.Title, Crumbs: h.crumbs(r, web.NavItem{Label: m.Title}), Data: d})
	return nil
}
