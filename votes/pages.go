package votes

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/consent"
	"linli/links"
	"linli/registry"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are the capability's templates and English catalogue.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "votes", Catalog: catalog(), Funcs: template.FuncMap{
		"choiceLabel": func(c consent.Choice) string { return choiceLabel(c) },
		"methodLabel": methodLabel,
		"voteState":   stateLabel,
		"matterLabel": matterLabel,
		"amount":      FormatYuan,
		// closeConfirm is the dialog's question before a vote is closed.
		"closeConfirm": func(t Tally, lang string) string { return web.InLanguage(closeConsequence(t), lang) },
		// bi picks the language's half of a "中文 / English" line.
		"bi": func(s, lang string) string {
			zh, en, ok := strings.Cut(s, " / ")
			if !ok {
				return s
			}
			if lang == "en" {
				return en
			}
			return zh
		},
		"localTime": func(t time.Time, zone *time.Location) string {
			if t.IsZero() {
				return ""
			}
			return t.In(zone).Format("2006-01-02T15:04")
		},
		"containsID": func(ids []int64, id int64) bool {
			for _, x := range ids {
				if x == id {
					return true
				}
			}
			return false
		},
	}}
}

func methodLabel(m string) string {
	switch m {
	case MethodPaper:
		return "纸质票"
	case MethodOnline:
		return "网上投票"
	}
	return m
}

func matterLabel(m consent.Matter) string {
	switch m {
	case consent.Renovation:
		return "改建、重建等（需四分之三同意）"
	case consent.Ordinary:
		return "一般事项（需过半数同意）"
	}
	return string(m)
}

type pages struct {
	s *Service
	r *web.Renderer
}

func (h *pages) routes(rt *web.Router) {
	rt.Page("GET /votes", web.LoggedIn, h.list)
	rt.Page("GET /votes/new", web.LoggedIn, h.newVote)
	rt.Page("POST /votes", web.LoggedIn, h.createVote)
	rt.Page("GET /votes/{id}", web.LoggedIn, h.detail)
	rt.Page("POST /votes/{id}/ballots", web.LoggedIn, h.ballot)
	rt.Page("POST /votes/{id}/close", web.LoggedIn, h.close)
	rt.Page("POST /votes/{id}/objections/{oid}/notes", web.LoggedIn, h.note)
	rt.Page("POST /votes/{id}/objections/{oid}/resolve", web.LoggedIn, h.resolve)
	rt.Page("GET /cost-plans/new", web.LoggedIn, h.newPlan)
	rt.Page("POST /cost-plans", web.LoggedIn, h.createPlan)
	rt.Page("GET /cost-plans/{id}", web.LoggedIn, h.plan)
	rt.Page("GET /cost-plans/{id}/edit", web.LoggedIn, h.editPlan)
	rt.Page("POST /cost-plans/{id}/edit", web.LoggedIn, h.updatePlan)
}

type listRow struct {
	Vote  Vote
	Tally Tally
}

func (h *pages) list(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	// ?state=open is the list the home page's count links to.
	vs, err := h.s.ListVotes(r.Context(), a, VoteFilter{State: r.URL.Query().Get("state")})
	if err != nil {
		return err
	}
	rows := make([]listRow, 0, len(vs))
	for _, v := range vs {
		t, err := h.s.tally(r.Context(), h.s.db, v)
		if err != nil {
			return err
		}
		rows = append(rows, listRow{v, t.forReader(canFollow(a, v.Path))})
	}
	h.r.Render(w, r, http.StatusOK, "votes/list.html", &web.Page{Title: "意见表决", Data: map[string]any{
		"Rows": rows, "CanCreate": a.CanAny(linli.PermProjectsManage)}, Flash: r.URL.Query().Get("flash")})
	return nil
}

// scopes lists the units and buildings where the actor may open votes.
func (h *pages) scopes(r *http.Request) ([]registry.Node, error) {
	a := web.ActorFrom(r.Context())
	ns, err := h.s.registry.PlacesIn(r.Context(), a.Scopes(linli.PermProjectsManage), 1000, registry.KindBuilding, registry.KindUnit)
	if err != nil {
		return nil, err
	}
	// Name each by its lineage from the estate, so "3单元" reads
	// "荟萃花园南区1号楼3单元".
	for i := range ns {
		if name, err := h.s.placeName(r.Context(), h.s.db, ns[i].ID); err == nil {
			ns[i].Name = name
		}
	}
	return ns, nil
}

// projectPicker is the part of the projects capability (projects.Later)
// that lists the projects a new vote may belong to.
type projectPicker interface {
	PickProjects(ctx context.Context, a *linli.Actor, q string) ([]web.Choice, error)
}

func (h *pages) newVotePage(r *http.Request) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	if !a.CanAny(linli.PermProjectsManage) {
		return nil, linli.Errorf(linli.EForbidden, "无权发起表决 / not allowed to open votes")
	}
	ns, err := h.scopes(r)
	if err != nil {
		return nil, err
	}
	// The project picker's choices without its script (web/static/picker.js
	// searches GET /api/projects/pick instead).
	var projects []web.Choice
	if pp, ok := h.s.projects.(projectPicker); ok {
		if projects, err = pp.PickProjects(r.Context(), a, ""); err != nil {
			return nil, err
		}
	}
	return &web.Page{Title: "发起表决", Data: map[string]any{"Scopes": ns, "Zone": h.s.loc, "Projects": projects},
		Crumbs: []web.NavItem{{Href: "/votes", Label: h.r.T(web.Lang(r), "意见表决")}, {Label: h.r.T(web.Lang(r), "发起表决")}}}, nil
}

func (h *pages) newVote(w http.ResponseWriter, r *http.Request) error {
	p, err := h.newVotePage(r)
	if err != nil {
		return err
	}
	now := h.s.now().In(h.s.loc)
	p.Form = url.Values{"matter": {string(consent.Renovation)}, "opens_at": {now.Format("2006-01-02T15:04")},
		"closes_at": {now.AddDate(0, 0, 30).Format("2006-01-02T15:04")},
		"scope_id":  {r.URL.Query().Get("scope_id")}, "project_id": {r.URL.Query().Get("project_id")}}
	h.r.Render(w, r, http.StatusOK, "votes/new.html", p)
	return nil
}

// parseLocal reads a datetime-local value in the deployment's zone
// (web.ParseLocal); unreadable text is a field error on v.
func (s *Service) parseLocal(v *linli.Validation, field, text string) time.Time {
	if strings.TrimSpace(text) == "" {
		return time.Time{}
	}
	t, ok := web.ParseLocal(text, s.zone())
	if !ok {
		v.Add(field, "时间格式应为 2026-12-01T09:00 / time must look like 2026-12-01T09:00")
	}
	return t
}

func (h *pages) createVote(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / cannot read the form")
	}
	var v linli.Validation
	in := VoteInput{ScopeID: web.FormInt(r, "scope_id"), ProjectID: web.FormInt(r, "project_id"), Title: r.FormValue("title"),
		Matter: consent.Matter(r.FormValue("matter")), Unanimous: r.FormValue("unanimous") == "1",
		OpensAt: h.s.parseLocal(&v, "opens_at", r.FormValue("opens_at")), ClosesAt: h.s.parseLocal(&v, "closes_at", r.FormValue("closes_at"))}
	in.RequiredRooms = strings.FieldsFunc(r.FormValue("required_rooms"), func(c rune) bool { return c == ',' || c == '，' || c == '、' || c == ' ' })
	err := v.Err()
	var vote Vote
	if err == nil {
		vote, err = h.s.CreateVote(r.Context(), a, in)
	} else if _, cerr := h.s.CreateVote(r.Context(), a, in); cerr != nil {
		// Report the service's field errors beside the time errors.
		err = linli.MergeFields(err, cerr)
	}
	if err != nil {
		return h.r.FormFailed(w, r, err, "votes/new.html", func() (*web.Page, error) { return h.newVotePage(r) })
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/votes/%d", vote.ID), "已发起表决")
	return nil
}

// voteData is what the vote page shows.
type voteData struct {
	Detail
	Zone        *time.Location
	Mine        []VoteHousehold // households the actor may vote for online
	CostVisible bool            // the tally is valid: show the cost tables
	Open        bool
	// CanVisit: the actor may record a door-to-door visit about an
	// objection; VisitSubject is what the visit is about (the project, or
	// the vote itself).
	CanVisit     bool
	VisitSubject string
	// Project is the project the vote is held for, as the links resolver
	// describes it to the actor (zero: none, or not visible).
	Project links.Item
	// BuildingURL colours the vote's building by this vote (empty when the
	// actor may not read the building view).
	BuildingURL string
}

func (h *pages) votePage(r *http.Request, id int64) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	d, err := h.s.Detail(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	vd := voteData{Detail: d, Zone: h.s.loc, CostVisible: d.Tally.Valid, Open: d.Vote.State == StateOpen,
		CanVisit: web.ActorFrom(r.Context()).Can(linli.PermVisitsWrite, d.Vote.Path), VisitSubject: visitSubject(d.Vote).String()}
	if d.Vote.ProjectID > 0 {
		for _, it := range d.Links {
			if it.Ref == (links.Ref{Kind: links.KindProject, ID: d.Vote.ProjectID}) {
				vd.Project = it
			}
		}
	}
	b, err := h.s.buildingOf(r.Context(), d.Vote.ScopeID)
	if err != nil {
		return nil, err
	}
	if b.ID != 0 && a.Can(linli.PermRegistryRead, b.Path) {
		vd.BuildingURL = fmt.Sprintf("/buildings/%d?layer=vote:%d", b.ID, d.Vote.ID)
	}
	for _, hh := range d.Households {
		for _, m := range d.Can.MyHouseholds {
			if hh.ID == m {
				vd.Mine = append(vd.Mine, hh)
			}
		}
	}
	return &web.Page{Title: d.Vote.Title, Data: vd, Flash: r.URL.Query().Get("flash"),
		Crumbs: []web.NavItem{{Href: "/votes", Label: h.r.T(web.Lang(r), "意见表决")}, {Label: d.Vote.Scope}}}, nil
}

// buildingOf is the building of a vote's scope: the scope itself when it
// is a building, its parent when a unit (zero Node otherwise).
func (s *Service) buildingOf(ctx context.Context, scopeID int64) (registry.Node, error) {
	n, err := s.registry.NodeByID(ctx, scopeID)
	if err != nil {
		return registry.Node{}, err
	}
	if n.Kind == registry.KindUnit {
		if n, err = s.registry.NodeByID(ctx, n.ParentID); err != nil {
			return registry.Node{}, err
		}
	}
	if n.Kind != registry.KindBuilding {
		return registry.Node{}, nil
	}
	return n, nil
}

func (h *pages) detail(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.votePage(r, id)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "votes/vote.html", p)
	return nil
}

// voteFormFailed re-renders the vote page with a form's error, or the
// error page.
func (h *pages) voteFormFailed(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	code := linli.ErrorCode(err)
	if code == linli.EInternal || code == linli.ENotFound {
		return err
	}
	p, perr := h.votePage(r, id)
	if perr != nil {
		return perr
	}
	fields, msg := web.FormErrors(err)
	if fields == nil { // 403: say so on the page, beside the forms
		fields, msg = map[string]string{}, linli.ErrorMessage(err)
	}
	p.Errors, p.Error, p.Form = fields, msg, r.Form
	h.r.Render(w, r, web.StatusOf(code), "votes/vote.html", p)
	return nil
}

func (h *pages) ballot(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / cannot read the form")
	}
	in := BallotInput{HouseholdID: web.FormInt(r, "household_id"), Choice: consent.Choice(r.FormValue("choice")),
		Reason: r.FormValue("reason"), Method: r.FormValue("method"), Collector: r.FormValue("collector"), OverrideReason: r.FormValue("override_reason")}
	b, err := h.s.CastBallot(r.Context(), web.ActorFrom(r.Context()), id, in)
	if err != nil {
		return h.voteFormFailed(w, r, id, err)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/votes/%d", id), "已记录："+choiceLabel(b.Choice))
	return nil
}

// close ends a vote early, for good: no ballot can be cast or changed
// afterwards. Without confirm=1 (web.Confirm) it only asks, naming the
// ballots so far.
func (h *pages) close(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if !web.Confirmed(r) {
		d, err := h.s.Detail(r.Context(), web.ActorFrom(r.Context()), id)
		if err != nil {
			return err
		}
		if d.Can.Manage && d.Vote.State != "closed" {
			h.r.Confirm(w, r, web.Confirmation{Title: "结束表决 / Close the vote", Consequence: closeConsequence(d.Tally),
				Action: fmt.Sprintf("/votes/%d/close", id), Fields: r.PostForm, Button: "确认结束 / Close it", Back: fmt.Sprintf("/votes/%d", id)})
			return nil
		}
	}
	if _, err := h.s.CloseVote(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return h.voteFormFailed(w, r, id, err)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/votes/%d", id), "表决已结束")
	return nil
}

func (h *pages) note(w http.ResponseWriter, r *http.Request) error {
	return h.objectionPost(w, r, h.s.AddObjectionNote, "已记录跟进")
}

func (h *pages) resolve(w http.ResponseWriter, r *http.Request) error {
	return h.objectionPost(w, r, h.s.ResolveObjection, "异议已解决")
}

func (h *pages) objectionPost(w http.ResponseWriter, r *http.Request, f func(ctx context.Context, a *linli.Actor, voteID, objectionID int64, note string) (Objection, error), flash string) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	oid, err := web.PathID(r, "oid")
	if err != nil {
		return err
	}
	if _, err := f(r.Context(), web.ActorFrom(r.Context()), id, oid, r.FormValue("note")); err != nil {
		if fe := linli.ErrorFields(err); len(fe) > 0 {
			// One page holds a note form per objection: name the field
			// after the objection so the error shows beside the right one.
			for i := range fe {
				fe[i].Field = fmt.Sprintf("note_%d", oid)
			}
		}
		return h.voteFormFailed(w, r, id, err)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/votes/%d#objection-%d", id, oid), flash)
	return nil
}

// planForm is what the cost plan form shows.
type planForm struct {
	Edit    bool
	PlanID  int64
	VoteID  int64
	ScopeID int64
	Scope   string
	Floors  []int
	Default map[int]string // the coefficient each floor starts with
}

// planFormFor prepares the form for a scope (or a vote's scope).
func (h *pages) planFormFor(r *http.Request, voteID, scopeID int64) (planForm, error) {
	a := web.ActorFrom(r.Context())
	f := planForm{VoteID: voteID, ScopeID: scopeID, Default: map[int]string{}}
	if voteID != 0 {
		v, err := h.s.Vote(r.Context(), a, voteID)
		if err != nil {
			return f, err
		}
		f.ScopeID = v.ScopeID
	}
	n, err := h.s.scopeNode(r.Context(), h.s.db, a, f.ScopeID, "scope_id")
	if err != nil {
		return f, err
	}
	if !a.Can(linli.PermProjectsManage, n.Path) {
		return f, linli.Errorf(linli.EForbidden, "无权制定分摊方案 / not allowed to make cost plans here")
	}
	if f.Scope, err = h.s.placeName(r.Context(), h.s.db, n.ID); err != nil {
		return f, err
	}
	hs, err := h.s.planVoters(r.Context(), h.s.db, voteID, n.Path)
	if err != nil {
		return f, err
	}
	seen := map[int]bool{}
	top := n.Floors
	for _, hh := range hs {
		seen[hh.Floor] = true
		top = max(top, hh.Floor)
	}
	for fl := 1; fl <= top; fl++ {
		seen[fl] = true
	}
	for fl := range seen {
		f.Floors = append(f.Floors, fl)
	}
	sort.Ints(f.Floors)
	for fl, q := range consent.DefaultScheme(top).Coefficients {
		f.Default[fl] = q.String()
	}
	return f, nil
}

func planFormValues(f planForm) url.Values {
	v := url.Values{}
	for fl, d := range f.Default {
		v.Set(fmt.Sprintf("coef_%d", fl), d)
	}
	return v
}

func (h *pages) newPlan(w http.ResponseWriter, r *http.Request) error {
	voteID, _ := strconv.ParseInt(r.URL.Query().Get("vote_id"), 10, 64)
	scopeID, _ := strconv.ParseInt(r.URL.Query().Get("scope_id"), 10, 64)
	f, err := h.planFormFor(r, voteID, scopeID)
	if err != nil {
		return err
	}
	v := planFormValues(f)
	v.Set("title", "加装电梯费用分摊")
	h.r.Render(w, r, http.StatusOK, "votes/plan_form.html", &web.Page{Title: "费用分摊方案", Data: f, Form: v})
	return nil
}

// planInput reads the cost plan form: coefficient fields coef_<floor>.
func planInput(r *http.Request) CostPlanInput {
	in := CostPlanInput{VoteID: web.FormInt(r, "vote_id"), ScopeID: web.FormInt(r, "scope_id"), Title: r.FormValue("title"),
		Total: registry.Decimal(r.FormValue("total")), Subsidy: registry.Decimal(r.FormValue("subsidy"))}
	var floors []int
	for k := range r.Form {
		if n, ok := strings.CutPrefix(k, "coef_"); ok {
			if fl, err := strconv.Atoi(n); err == nil {
				floors = append(floors, fl)
			}
		}
	}
	sort.Ints(floors)
	for _, fl := range floors {
		in.Coefficients = append(in.Coefficients, CostCoefficientInput{Floor: fl, Factor: registry.Decimal(r.FormValue(fmt.Sprintf("coef_%d", fl)))})
	}
	if len(in.Coefficients) == 0 {
		// A form always sends its floors; an empty list would mean the
		// default scheme, which the user did not ask for.
		in.Coefficients = []CostCoefficientInput{}
	}
	return in
}

func (h *pages) createPlan(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / cannot read the form")
	}
	in := planInput(r)
	p, err := h.s.CreateCostPlan(r.Context(), web.ActorFrom(r.Context()), in)
	if err != nil {
		return h.r.FormFailed(w, r, err, "votes/plan_form.html", func() (*web.Page, error) {
			f, ferr := h.planFormFor(r, in.VoteID, in.ScopeID)
			if ferr != nil {
				return nil, err // the form cannot be shown: the refusal itself is the answer
			}
			return &web.Page{Title: "费用分摊方案", Data: f}, nil
		})
	}
	// A plan made from a vote's page goes back to the vote, where its
	// table now shows.
	if p.VoteID != 0 {
		web.RedirectFlash(w, r, fmt.Sprintf("/votes/%d#cost", p.VoteID), "已保存分摊方案")
		return nil
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cost-plans/%d", p.ID), "已保存分摊方案")
	return nil
}

func (h *pages) plan(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	sh, err := h.s.CostSheet(r.Context(), a, id)
	if err != nil {
		return err
	}
	crumbs := []web.NavItem{{Href: "/votes", Label: h.r.T(web.Lang(r), "意见表决")}}
	if sh.Plan.VoteID != 0 {
		crumbs = append(crumbs, web.NavItem{Href: fmt.Sprintf("/votes/%d", sh.Plan.VoteID), Label: sh.Plan.Scope})
	}
	crumbs = append(crumbs, web.NavItem{Label: sh.Plan.Title})
	h.r.Render(w, r, http.StatusOK, "votes/plan.html", &web.Page{Title: sh.Plan.Title, Crumbs: crumbs, Flash: r.URL.Query().Get("flash"),
		Data: map[string]any{"Sheet": sh, "Manage": a.Can(linli.PermProjectsManage, sh.Plan.Path)}})
	return nil
}

func (h *pages) editForm(r *http.Request, id int64) (planForm, CostPlan, error) {
	a := web.ActorFrom(r.Context())
	sh, err := h.s.CostSheet(r.Context(), a, id)
	if err != nil {
		return planForm{}, CostPlan{}, err
	}
	f, err := h.planFormFor(r, 0, sh.Plan.ScopeID)
	if err != nil {
		return f, sh.Plan, err
	}
	f.Edit, f.PlanID, f.VoteID = true, id, sh.Plan.VoteID
	return f, sh.Plan, nil
}

func (h *pages) editPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	f, p, err := h.editForm(r, id)
	if err != nil {
		return err
	}
	v := url.Values{"title": {p.Title}, "total": {p.Total}, "subsidy": {p.Subsidy}}
	for _, c := range p.Coefficients {
		v.Set(fmt.Sprintf("coef_%d", c.Floor), c.Factor)
	}
	h.r.Render(w, r, http.StatusOK, "votes/plan_form.html", &web.Page{Title: "修改分摊方案", Data: f, Form: v})
	return nil
}

func (h *pages) updatePlan(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / cannot read the form")
	}
	if _, err := h.s.UpdateCostPlan(r.Context(), web.ActorFrom(r.Context()), id, planInput(r)); err != nil {
		return h.r.FormFailed(w, r, err, "votes/plan_form.html", func() (*web.Page, error) {
			f, _, ferr := h.editForm(r, id)
			if ferr != nil {
				return nil, err // the form cannot be shown: the refusal itself is the answer
			}
			return &web.Page{Title: "修改分摊方案", Data: f}, nil
		})
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/cost-plans/%d", id), "已保存分摊方案")
	return nil
}

// closeConsequence says what closing a vote now means, with the count:
// "结束后不能再投票，也不能改票；当前 0/10 户已投票，表决尚未通过".
func closeConsequence(t Tally) string {
	zh, en := "表决尚未通过", "the vote has not passed"
	if t.Valid {
		zh, en = "表决已有效通过", "the vote has passed"
	}
	voted := t.Agree + t.Disagree + t.Abstain
	return fmt.Sprintf("结束后不能再投票，也不能改票；当前 %d/%d 户已投票，%s。 / Once closed nobody can vote or change a vote; %d of %d households have voted and %s.",
		voted, t.Households, zh, voted, t.Households, en)
}
