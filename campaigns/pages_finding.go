package campaigns

import (
	"context"
	"net/http"

	"linli"
	"linli/cases"
	"linli/web"
)

func (h *pages) findingPages(rt *web.Router) {
	rt.Page("GET /campaign-findings/{id}", web.LoggedIn, h.finding)
	rt.Page("POST /campaign-findings/{id}/plan", web.LoggedIn, h.setPlan)
	rt.Page("POST /campaign-findings/{id}/confirm", web.LoggedIn, h.confirm)
	rt.Page("POST /campaign-findings/{id}/resolve", web.LoggedIn, h.resolve)
}

func (h *pages) planPages(rt *web.Router) {
	rt.Page("GET /campaigns/plans", web.LoggedIn, h.plans)
	rt.Page("GET /campaign-plans/{id}", web.LoggedIn, h.plan)
	rt.Page("POST /campaign-plans/{id}/close", web.LoggedIn, h.closePlan)
	rt.Page("POST /campaign-plans/{id}/case", web.LoggedIn, h.escalate)
	rt.Page("POST /campaign-plans/{id}/guidance", web.LoggedIn, h.guidance)
}

type findingData struct {
	F       Finding
	C       Campaign
	Plan    *Plan
	Manage  bool
	Members []Member
}

func (h *pages) findingPage(r *http.Request, id int64) (*web.Page, error) {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	f, c, x, err := h.s.findingFor(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := findingData{F: f, C: c, Manage: x.manage, Members: c.Members}
	if p, ok, err := h.s.PlanOf(ctx, h.s.db, f.ID); err != nil {
		return nil, err
	} else if ok {
		d.Plan = &p
	}
	crumbs := h.crumbs(r, web.NavItem{Href: campaignURL(c.ID), Label: c.Title})
	if f.TaskID != 0 && (x.manage || x.member) {
		crumbs = append(crumbs, web.NavItem{Href: taskURL(f.TaskID), Label: h.t(r, "任务")})
	}
	return &web.Page{Title: f.Label, Data: d, Crumbs: append(crumbs, web.NavItem{Label: f.Label})}, nil
}

func (h *pages) finding(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := h.findingPage(r, id)
	if err != nil {
		return err
	}
	if p.Form == nil {
		d := p.Data.(findingData)
		p.Form = map[string][]string{"kind": {string(PlanSelfFix)}}
		if d.Plan != nil {
			p.Form = map[string][]string{"kind": {string(d.Plan.Kind)}, "guidance": {d.Plan.Guidance}, "demo_on": {d.Plan.DemoOn.String()},
				"notice_on": {d.Plan.NoticeOn.String()}, "wait_days": {itoa(int64(d.Plan.WaitDays))}, "due_on": {d.Plan.DueOn.String()},
				"assignee_id": {itoa(d.Plan.AssigneeID)}}
		}
	}
	h.r.Render(w, r, http.StatusOK, "campaigns/finding.html", p)
	return nil
}

func (h *pages) setPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	in := PlanInput{Kind: PlanKind(r.FormValue("kind")), Guidance: r.FormValue("guidance"), DemoOn: formDay(r, "demo_on"), NoticeOn: formDay(r, "notice_on"),
		WaitDays: atoi(r.FormValue("wait_days")), DueOn: formDay(r, "due_on"), AssigneeID: web.FormInt(r, "assignee_id")}
	if _, err := h.s.SetPlan(r.Context(), web.ActorFrom(r.Context()), id, in); err != nil {
		return h.r.FormFailed(w, r, err, "campaigns/finding.html", func() (*web.Page, error) { return h.findingPage(r, id) })
	}
	web.RedirectFlash(w, r, findingURL(id), "已制定整改方案 / plan set")
	return nil
}

func (h *pages) confirm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := h.s.Confirm(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	web.RedirectFlash(w, r, findingURL(id), "已确认居民自查 / self-check confirmed")
	return nil
}

func (h *pages) resolve(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	f, err := h.s.Resolve(r.Context(), web.ActorFrom(r.Context()), id, r.FormValue("pick") == "1")
	if err != nil {
		return err
	}
	back := findingURL(f.ID)
	if f.TaskID != 0 {
		back = taskURL(f.TaskID)
	}
	web.RedirectFlash(w, r, back, "已选定排查记录 / finding chosen")
	return nil
}

type plansData struct {
	Plans   []Plan
	Overdue bool
	Today   Day
}

func (h *pages) plans(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.s.OpenPlans(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	d := plansData{Overdue: r.URL.Query().Get("overdue") == "1", Today: h.s.today()}
	for _, p := range ps {
		if !d.Overdue || (p.DueOn != 0 && p.DueOn < d.Today) {
			d.Plans = append(d.Plans, p)
		}
	}
	h.r.Render(w, r, http.StatusOK, "campaigns/plans.html", &web.Page{Title: "待整改", Data: d, Crumbs: h.crumbs(r, web.NavItem{Label: h.t(r, "待整改")})})
	return nil
}

type planData struct {
	P          Plan
	C          Campaign
	Manage     bool
	Today      Day
	Categories []cases.Category
	// CaseReadable says the viewer may open the plan's case: it is linked
	// only then (a case outside one's case scope answers 403).
	CaseReadable bool
}

func (h *pages) planPage(r *http.Request, id int64) (*web.Page, error) {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	p, c, x, err := h.s.planFor(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := planData{P: p, C: c, Manage: x.manage, Today: h.s.today()}
	d.CaseReadable = h.caseReadable(ctx, a, p.CaseID)
	if x.manage && p.CaseID == 0 && h.s.cs != nil {
		all, err := h.s.cs.Categories(ctx)
		if err != nil {
			return nil, err
		}
		for _, cat := range all {
			if cat.ParentID != 0 {
				d.Categories = append(d.Categories, cat)
			}
		}
	}
	return &web.Page{Title: p.Label, Data: d, Crumbs: h.crumbs(r, web.NavItem{Href: campaignURL(c.ID), Label: c.Title}, web.NavItem{Label: p.Label})}, nil
}

func (h *pages) plan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := h.planPage(r, id)
	if err != nil {
		return err
	}
	p.Form = map[string][]string{"category": {DefaultCaseCategory}}
	h.r.Render(w, r, http.StatusOK, "campaigns/plan.html", p)
	return nil
}

func (h *pages) closePlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFindingBody)
	photos, err := uploads(r, "photo")
	if err == nil {
		_, err = h.s.ClosePlan(r.Context(), web.ActorFrom(r.Context()), id, CloseInput{Note: r.FormValue("note")}, photos)
	}
	if err != nil {
		if linli.ErrorCode(err) == linli.EConflict {
			return err
		}
		return h.formFailed(w, r, err, "campaigns/plan.html", func() (*web.Page, error) { return h.planPage(r, id) })
	}
	web.RedirectFlash(w, r, planURL(id), "已复查销号 / re-inspected and closed")
	return nil
}

func (h *pages) escalate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	if _, err := h.s.Escalate(r.Context(), web.ActorFrom(r.Context()), id, EscalateInput{Category: r.FormValue("category"), Description: r.FormValue("description")}); err != nil {
		return h.r.FormFailed(w, r, err, "campaigns/plan.html", func() (*web.Page, error) { return h.planPage(r, id) })
	}
	web.RedirectFlash(w, r, planURL(id), "已转为案件 / a case was opened")
	return nil
}

func (h *pages) guidance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFindingBody)
	files, err := guidanceFiles(r)
	if err == nil {
		_, err = h.s.AddGuidance(r.Context(), web.ActorFrom(r.Context()), id, files)
	}
	if err != nil {
		return h.r.FormFailed(w, r, err, "campaigns/plan.html", func() (*web.Page, error) { return h.planPage(r, id) })
	}
	web.RedirectFlash(w, r, planURL(id), "已上传整改指导书 / guidance sheet added")
	return nil
}

// caseReadable says a may open case id (cases decides: a case outside the
// viewer's case scope is refused there, so it is not linked here).
func (h *pages) caseReadable(ctx context.Context, a *linli.Actor, id int64) bool {
	if id == 0 || h.s.cs == nil {
		return false
	}
	_, err := h.s.cs.Get(ctx, a, id)
	return err == nil
}
