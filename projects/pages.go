package projects

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linli"
	"linli/attach"
	"linli/registry"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are the capability's templates and English catalogue.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "projects", Catalog: catalog(), Funcs: template.FuncMap{
		"phaseLabel": func(p Phase) string { return p.Label() },
		"kindLabel":  KindLabel,
		"projRole":   func(r Role) string { return r.Label() },
		"projRoles":  Roles,
		"projKinds":  Kinds,
		"projPhases": Phases,
		"yuan":       Yuan,
		"hours": func(hs []string) string {
			return strings.ReplaceAll(strings.Join(hs, "、"), "-", "–")
		},
		"stageLabel": stageLabel,
		"depth":      func(n int) int { return min(n, 6) }, // milestone indent classes depth-0…6 (app.css)
		"flat":       Flatten,
		"thanksKind": func(k string) string {
			if k == "banner" {
				return "锦旗"
			}
			return "感谢信"
		},
		"ratingName": func(r string) string {
			switch r {
			case "satisfied":
				return "满意"
			case "basic":
				return "基本满意"
			case "unsatisfied":
				return "不满意"
			}
			return ""
		},
		// ferr is the error of a field of one of the page's forms: only
		// when that form was the one posted (several forms share names).
		"ferr": func(p *web.Page, form, field string) string {
			if p.Val("form") != form {
				return ""
			}
			return p.Err(field)
		},
		// fval is what was typed in a form posted back, else def.
		"fval": func(p *web.Page, form, field string, def any) string {
			if p.Val("form") == form {
				return p.Val(field)
			}
			if def == nil {
				return ""
			}
			return fmt.Sprint(def)
		},
		"pct":       func(n int) string { return strconv.Itoa(n) + "%" },
		"hasPrefix": strings.HasPrefix,
		"inScope": func(scope []ScopeNode, id int64) bool {
			for _, n := range scope {
				if n.ID == id {
					return true
				}
			}
			return false
		},
	}}
}

// Yuan writes an amount in fen as yuan with two decimals: ¥12,345.67.
func Yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := fmt.Sprintf("¥%s.%02d", b.String(), fen%100)
	if neg {
		out = "-" + out
	}
	return out
}

// parseYuan reads "12345.67" (or "12,345.67", "¥12345") into fen.
func parseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", "元", "").Replace(s))
	if s == "" {
		return 0, true
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e12 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return w*100 + f, true
}

type pages struct {
	s *Service
	r *web.Renderer
}

func (s *Service) pageRoutes(rt *web.Router, render *web.Renderer) {
	h := &pages{s: s, r: render}
	rt.Page("GET /projects", web.LoggedIn, h.list)
	rt.Page("GET /projects/new", web.LoggedIn, h.newForm)
	rt.Page("POST /projects/new", web.LoggedIn, h.create)
	rt.Page("GET /projects/{id}", web.LoggedIn, h.detail)
	rt.Page("GET /projects/{id}/edit", web.LoggedIn, h.editForm)
	rt.Page("POST /projects/{id}/edit", web.LoggedIn, h.edit)
	for _, f := range []struct {
		path string
		do   func(r *http.Request, a *linli.Actor, id int64) (string, error)
	}{
		{"advance", h.advance}, {"people", h.addPerson}, {"people/{person}/delete", h.removePerson},
		{"milestones", h.addMilestone}, {"milestones/{milestone}/progress", h.setProgress}, {"milestones/{milestone}/delete", h.deleteMilestone},
		{"milestones/{milestone}/restore", h.restoreMilestone},
		{"construction", h.construction}, {"complaints", h.complain}, {"complaints/{case}/measures", h.measure},
		{"follow", h.follow}, {"unfollow", h.unfollow}, {"updates", h.postUpdate}, {"photos", h.photos},
		{"rating", h.rate}, {"thanks", h.thanks},
	} {
		rt.Page("POST /projects/{id}/"+f.path, web.LoggedIn, h.action(f.do))
	}
}

type listData struct {
	Projects  []Project
	CanCreate bool
	Phase     Phase
}

func (h *pages) list(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	f := Filter{Phase: Phase(r.URL.Query().Get("phase"))}
	if !f.Phase.Valid() {
		f.Phase = ""
	}
	ps, err := h.s.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "projects/list.html", &web.Page{Title: "民生实事项目", Flash: web.InLanguage(r.URL.Query().Get("flash"), web.Lang(r)),
		Data: listData{Projects: ps, CanCreate: a.CanAny(linli.PermProjectsManage), Phase: f.Phase}})
	return nil
}

// formData feeds the create/edit form.
type formData struct {
	Project     *Project
	Communities []registry.Node
	Community   registry.Node
	Places      []registry.Node
	Selected    map[int64]bool
}

func (h *pages) formPage(r *http.Request, p *Project, communityID int64, selected []int64) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	d := formData{Project: p, Selected: map[int64]bool{}}
	for _, id := range selected {
		d.Selected[id] = true
	}
	cs, err := h.s.reg.PlacesIn(r.Context(), a.Scopes(linli.PermProjectsManage), 5000, registry.KindCommunity)
	if err != nil {
		return nil, err
	}
	d.Communities = cs
	if communityID == 0 && len(cs) == 1 {
		communityID = cs[0].ID
	}
	for _, c := range cs {
		if c.ID == communityID {
			d.Community = c
		}
	}
	if d.Community.ID != 0 {
		if d.Places, err = h.s.reg.PlacesIn(r.Context(), []string{d.Community.Path}, 3000, registry.KindEstate, registry.KindBuilding, registry.KindUnit); err != nil {
			return nil, err
		}
	}
	title := "新建项目"
	crumbs := []web.NavItem{{Href: "/projects", Label: "民生实事项目"}}
	if p != nil {
		title = "编辑项目"
		crumbs = append(crumbs, web.NavItem{Href: fmt.Sprintf("/projects/%d", p.ID), Label: p.Title})
	}
	return &web.Page{Title: title, Data: d, Crumbs: crumbs}, nil
}

func (h *pages) newForm(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	if !a.CanAny(linli.PermProjectsManage) {
		return errForbidden()
	}
	cid, _ := strconv.ParseInt(r.URL.Query().Get("community_id"), 10, 64)
	p, err := h.formPage(r, nil, cid, nil)
	if err != nil {
		return err
	}
	p.Form = r.URL.Query()
	if p.Form.Get("public") == "" && p.Form.Get("title") == "" {
		p.Form.Set("public", "1")
	}
	h.r.Render(w, r, http.StatusOK, "projects/form.html", p)
	return nil
}

// inputFromForm reads the create/edit form.
func inputFromForm(r *http.Request) (ProjectInput, []string) {
	in := ProjectInput{Title: r.FormValue("title"), Kind: r.FormValue("kind"), Description: r.FormValue("description"), Public: r.FormValue("public") == "1"}
	in.CommunityID, _ = strconv.ParseInt(r.FormValue("community_id"), 10, 64)
	for _, v := range r.Form["scope"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.Scope = append(in.Scope, id)
		}
	}
	var bad []string
	fen, ok := parseYuan(r.FormValue("budget"))
	if !ok {
		bad = append(bad, "budget")
	}
	in.BudgetFen = fen
	return in, bad
}

func (h *pages) create(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / cannot read the form")
	}
	in, bad := inputFromForm(r)
	var p Project
	var err error
	if len(bad) > 0 {
		err = h.badBudget(r, in)
	} else {
		p, err = h.s.Create(r.Context(), web.ActorFrom(r.Context()), in)
	}
	if err != nil {
		return h.formFailed(w, r, nil, in, err)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/projects/%d", p.ID), "项目已创建 / project created")
	return nil
}

// badBudget is the refusal of a form whose budget cannot be read, with
// whatever else is wrong in it.
func (h *pages) badBudget(r *http.Request, in ProjectInput) error {
	in.BudgetFen = 0
	fields := []linli.FieldError{{Field: "budget_fen", Reason: "金额格式如 1234.56 / amount like 1234.56"}}
	if _, _, err := h.s.validate(r.Context(), web.ActorFrom(r.Context()), &in); err != nil {
		fields = append(fields, linli.ErrorFields(err)...)
	}
	return linli.Invalid("输入有误 / invalid input", fields...)
}

func (h *pages) formFailed(w http.ResponseWriter, r *http.Request, p *Project, in ProjectInput, err error) error {
	fields, msg := web.FormErrors(err)
	if fields == nil {
		return err
	}
	if _, ok := fields["budget_fen"]; ok {
		fields["budget"] = fields["budget_fen"]
	}
	for k := range fields {
		if strings.HasPrefix(k, "scope[") {
			fields["scope"] = fields[k]
		}
	}
	page, perr := h.formPage(r, p, in.CommunityID, in.Scope)
	if perr != nil {
		return perr
	}
	page.Errors, page.Error, page.Form = fields, msg, r.Form
	h.r.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "projects/form.html", page)
	return nil
}

func (h *pages) editForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.s.manage(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	var sel []int64
	for _, n := range p.Scope {
		sel = append(sel, n.ID)
	}
	page, err := h.formPage(r, &p, p.CommunityID, sel)
	if err != nil {
		return err
	}
	page.Form = url.Values{"title": {p.Title}, "kind": {p.Kind}, "description": {p.Description}, "budget": {strings.TrimPrefix(strings.ReplaceAll(Yuan(p.BudgetFen), ",", ""), "¥")},
		"community_id": {strconv.FormatInt(p.CommunityID, 10)}}
	if p.Public {
		page.Form.Set("public", "1")
	}
	h.r.Render(w, r, http.StatusOK, "projects/form.html", page)
	return nil
}

func (h *pages) edit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	p, err := h.s.manage(r.Context(), a, id)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / cannot read the form")
	}
	in, bad := inputFromForm(r)
	in.CommunityID = p.CommunityID
	if len(bad) > 0 {
		err = h.badBudget(r, in)
	} else {
		_, err = h.s.Update(r.Context(), a, id, in)
	}
	if err != nil {
		return h.formFailed(w, r, &p, in, err)
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/projects/%d", id), "已保存 / saved")
	return nil
}

// detailPage is the project page's data plus what its layout needs: the
// milestone groups, the next milestone, the photos by stage and one page
// of the update feed.
type detailPage struct {
	Detail
	Next Phase
	// Deleted are milestones deleted within UndoWindow (撤销).
	Deleted []Milestone
	// Finished: the project is in service; its milestones are edited only
	// in the explicit edit mode (Editing, ?edit=1), so a stray tap on a
	// finished project's long list deletes nothing.
	Finished, Editing bool
	// Workers are the people picker's choices without its script (the
	// accounts that may be named on the project); the script searches
	// GET /api/accounts/pick?node= the community.
	Workers []web.Choice

	// Groups are the top-level milestones, each with its steps (the
	// page folds the finished ones).
	Groups []milestoneGroup
	// NextMilestone is the first unfinished step in plan order (nil when
	// all are done); LastDone the latest finished one.
	NextMilestone, LastDone *Milestone
	NextParent              string // the group NextMilestone belongs to
	Before, After           []Photo
	// Feed is the part of the update feed shown: FeedPerPage updates per
	// page, MoreFeed the page after the last shown (0: none left).
	Feed     []Update
	MoreFeed int
	// AllDone: every milestone is finished (the page folds the list).
	AllDone bool
	// OpenComplaints counts the complaints not closed yet (the page
	// folds a list of closed ones).
	OpenComplaints int
}

// FeedPerPage is how many updates the project page adds per "more": the
// newest few fit a phone screen.
const FeedPerPage = 5

// milestoneGroup is a top-level milestone with its steps, depth first
// (the group's own milestone first).
type milestoneGroup struct {
	Root  Milestone
	Items []Milestone
	Done  bool
}

// layout fills the page's groups, next milestone, photos and feed page
// (feed: the number of pages of updates to show, from ?feed=).
func (d *detailPage) layout(feed int) {
	d.AllDone = len(d.Milestones) > 0
	for _, root := range d.Milestones {
		d.AllDone = d.AllDone && root.Computed == 100
		g := milestoneGroup{Root: root, Items: Flatten([]Milestone{root}), Done: root.Computed == 100}
		g.Root.Children = nil
		d.Groups = append(d.Groups, g)
		for _, m := range g.Items {
			if m.Leaf && m.Computed < 100 && d.NextMilestone == nil {
				m := m
				d.NextMilestone = &m
				if m.ID != root.ID {
					d.NextParent = root.Title
				}
			}
			if !m.DoneAt.IsZero() && (d.LastDone == nil || m.DoneAt.After(d.LastDone.DoneAt)) {
				m := m
				d.LastDone = &m
			}
		}
	}
	for _, ph := range d.Photos {
		if ph.Stage == "after" {
			d.After = append(d.After, ph)
		} else {
			d.Before = append(d.Before, ph)
		}
	}
	for _, c := range d.Complaints {
		if c.Open {
			d.OpenComplaints++
		}
	}
	n := max(feed, 1) * FeedPerPage
	d.Feed = d.Updates
	if len(d.Updates) > n {
		d.Feed, d.MoreFeed = d.Updates[:n], max(feed, 1)+1
	}
}

// EditMilestones says whether the milestone controls are shown.
func (d detailPage) EditMilestones() bool { return d.CanManage && (!d.Finished || d.Editing) }

// VoteURL opens the new-vote form for the project (votes/new reads
// project_id and scope_id); the scope is filled in when the project
// covers one unit or building, the places a vote is taken in.
func (d detailPage) VoteURL() string {
	q := url.Values{"project_id": {strconv.FormatInt(d.Project.ID, 10)}}
	if sc := d.Project.Scope; len(sc) == 1 && (sc[0].Kind == string(registry.KindUnit) || sc[0].Kind == string(registry.KindBuilding)) {
		q.Set("scope_id", strconv.FormatInt(sc[0].ID, 10))
	}
	return "/votes/new?" + q.Encode()
}

// MeetingURL opens the new-meeting form for a coordination meeting about
// the project (meetings/new fills its fields from the query): its subject
// is the project, its place the project's one scope node or else the
// community.
func (d detailPage) MeetingURL() string {
	q := url.Values{"kind": {"coordination"}, "subject": {fmt.Sprintf("project:%d", d.Project.ID)},
		"scope_id": {strconv.FormatInt(d.Project.CommunityID, 10)}}
	if sc := d.Project.Scope; len(sc) == 1 {
		q.Set("scope_id", strconv.FormatInt(sc[0].ID, 10))
	}
	return "/meetings/new?" + q.Encode()
}

func (h *pages) detailPage(r *http.Request, id int64) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	d, err := h.s.Detail(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	dp := detailPage{Detail: d, Next: d.Project.Phase.Next(), Finished: d.Project.Phase == InService, Editing: r.URL.Query().Get("edit") == "1"}
	if d.CanManage && h.s.au != nil {
		if dp.Workers, err = h.s.au.PickWorkers(r.Context(), a, d.Project.Path, "", web.Lang(r)); err != nil {
			return nil, err
		}
	}
	if d.CanManage {
		if dp.Deleted, err = h.s.DeletedMilestones(r.Context(), a, id); err != nil {
			return nil, err
		}
	}
	feed, _ := strconv.Atoi(r.URL.Query().Get("feed"))
	dp.layout(min(feed, 100))
	return &web.Page{Title: d.Project.Title, Data: dp, Flash: web.InLanguage(r.URL.Query().Get("flash"), web.Lang(r)),
		Crumbs: []web.NavItem{{Href: "/projects", Label: "民生实事项目"}, {Label: d.Project.Title}}}, nil
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
	h.r.Render(w, r, http.StatusOK, "projects/project.html", p)
	return nil
}

// action wraps a form post on a project: success redirects back with a
// flash; refused input re-renders the page with the errors beside the
// fields of the form that was sent (its hidden "form" field).
func (h *pages) action(do func(r *http.Request, a *linli.Actor, id int64) (string, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		r.Body = http.MaxBytesReader(w, r.Body, 100<<20)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			if err := r.ParseMultipartForm(8 << 20); err != nil {
				return linli.Errorf(linli.ETooLarge, "上传内容过大 / upload too large")
			}
		} else if err := r.ParseForm(); err != nil {
			return linli.Errorf(linli.EBadRequest, "表单无法读取 / cannot read the form")
		}
		msg, err := do(r, web.ActorFrom(r.Context()), id)
		if err != nil {
			code := linli.ErrorCode(err)
			if code != linli.EInvalid && code != linli.EConflict && code != linli.EBadRequest && code != linli.ETooLarge {
				return err
			}
			fields, m := web.FormErrors(err)
			p, perr := h.detailPage(r, id)
			if perr != nil {
				return perr
			}
			p.Errors, p.Error, p.Form = fields, m, r.Form
			if p.Errors == nil {
				p.Errors = map[string]string{}
			}
			h.r.Render(w, r, web.StatusOf(code), "projects/project.html", p)
			return nil
		}
		back := fmt.Sprintf("/projects/%d", id)
		if r.FormValue("edit") == "1" {
			back += "?edit=1" // stay in the milestones' edit mode
		}
		web.RedirectFlash(w, r, back, msg)
		return nil
	}
}

// lines splits a textarea or comma list of hours.
func lines(s string) []string {
	f := strings.FieldsFunc(s, func(c rune) bool { return c == '\n' || c == ',' || c == '，' || c == '、' || c == ';' || c == '；' })
	out := []string{}
	for _, x := range f {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (h *pages) advance(r *http.Request, a *linli.Actor, id int64) (string, error) {
	in := AdvanceInput{To: Phase(r.FormValue("to")), Outcome: r.FormValue("outcome"), Proposer: r.FormValue("proposer"),
		ApprovalNumber: r.FormValue("approval_number"), ApprovalDepartment: r.FormValue("approval_department"), ApprovalDate: r.FormValue("approval_date"),
		AcceptanceDate: r.FormValue("acceptance_date"), AcceptancePassed: r.FormValue("acceptance_passed") == "1",
		AcceptanceParticipants: r.FormValue("acceptance_participants")}
	p, err := h.s.Advance(r.Context(), a, id, in)
	if err != nil {
		return "", err
	}
	return "已进入「" + p.Phase.Label() + "」阶段 / Moved on to " + catalog()[p.Phase.Label()], nil
}

func (h *pages) addPerson(r *http.Request, a *linli.Actor, id int64) (string, error) {
	_, err := h.s.AddPerson(r.Context(), a, id, PersonInput{Role: Role(r.FormValue("role")), AccountID: web.FormInt(r, "account_id"),
		Name: r.FormValue("name"), Note: r.FormValue("note")})
	return "已添加人员 / Person added", err
}

func (h *pages) removePerson(r *http.Request, a *linli.Actor, id int64) (string, error) {
	pid, err := web.PathID(r, "person")
	if err != nil {
		return "", err
	}
	return "已移除 / Removed", h.s.RemovePerson(r.Context(), a, id, pid)
}

func (h *pages) addMilestone(r *http.Request, a *linli.Actor, id int64) (string, error) {
	in := MilestoneInput{ParentID: web.FormInt(r, "parent_id"), Title: r.FormValue("title"), Sort: int(web.FormInt(r, "sort")), Due: r.FormValue("due")}
	if v := strings.TrimSpace(r.FormValue("weight")); v != "" {
		w, err := strconv.Atoi(v)
		if err != nil {
			return "", linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "weight", Reason: "应为整数 / must be an integer"})
		}
		in.Weight = &w
	}
	_, err := h.s.AddMilestone(r.Context(), a, id, in)
	return "已添加里程碑 / Milestone added", err
}

func (h *pages) setProgress(r *http.Request, a *linli.Actor, id int64) (string, error) {
	mid, err := web.PathID(r, "milestone")
	if err != nil {
		return "", err
	}
	v, err := strconv.Atoi(strings.TrimSpace(r.FormValue("progress")))
	if err != nil {
		return "", linli.Invalid("输入有误 / invalid input", linli.FieldError{Field: "progress", Reason: "应为0到100的整数 / an integer from 0 to 100"})
	}
	_, err = h.s.SetProgress(r.Context(), a, id, mid, v)
	return "进度已更新 / Progress updated", err
}

func (h *pages) deleteMilestone(r *http.Request, a *linli.Actor, id int64) (string, error) {
	mid, err := web.PathID(r, "milestone")
	if err != nil {
		return "", err
	}
	return "已删除里程碑，15分钟内可撤销 / Milestone deleted; it can be restored for 15 minutes", h.s.DeleteMilestone(r.Context(), a, id, mid)
}

func (h *pages) restoreMilestone(r *http.Request, a *linli.Actor, id int64) (string, error) {
	mid, err := web.PathID(r, "milestone")
	if err != nil {
		return "", err
	}
	_, err = h.s.RestoreMilestone(r.Context(), a, id, mid)
	return "已撤销删除 / Deletion undone", err
}

func (h *pages) construction(r *http.Request, a *linli.Actor, id int64) (string, error) {
	_, err := h.s.SetConstruction(r.Context(), a, id, ConstructionInput{Contractor: r.FormValue("contractor"), StartDate: r.FormValue("start_date"),
		EndDate: r.FormValue("end_date"), WorkHours: lines(r.FormValue("work_hours")), QuietHours: lines(r.FormValue("quiet_hours")), Reason: r.FormValue("reason")})
	return "施工安排已保存 / Construction schedule saved", err
}

func (h *pages) complain(r *http.Request, a *linli.Actor, id int64) (string, error) {
	c, err := h.s.Complain(r.Context(), a, id, ComplaintInput{Category: r.FormValue("category"), Title: r.FormValue("title"),
		Description: r.FormValue("description"), LocationID: web.FormInt(r, "location_id"), HouseholdID: web.FormInt(r, "household_id"),
		ReporterName: r.FormValue("reporter_name"), ReporterPhone: r.FormValue("reporter_phone")})
	return "投诉已受理，编号 " + c.Number + " / Complaint registered, number " + c.Number, err
}

func (h *pages) measure(r *http.Request, a *linli.Actor, id int64) (string, error) {
	cid, err := web.PathID(r, "case")
	if err != nil {
		return "", err
	}
	_, err = h.s.RecordMeasure(r.Context(), a, id, cid, r.FormValue("text"))
	return "措施已记录 / Measure recorded", err
}

func (h *pages) follow(r *http.Request, a *linli.Actor, id int64) (string, error) {
	return "已关注，项目动态将通过消息通知您 / Following: you will be notified of the project's updates", h.s.Follow(r.Context(), a, id)
}

func (h *pages) unfollow(r *http.Request, a *linli.Actor, id int64) (string, error) {
	return "已取消关注 / No longer following", h.s.Unfollow(r.Context(), a, id)
}

func (h *pages) postUpdate(r *http.Request, a *linli.Actor, id int64) (string, error) {
	_, err := h.s.PostUpdate(r.Context(), a, id, r.FormValue("text"))
	return "动态已发布 / Update posted", err
}

func (h *pages) photos(r *http.Request, a *linli.Actor, id int64) (string, error) {
	var files []attach.Checked
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		var err error
		if files, err = uploads(r, "photos"); err != nil {
			return "", err
		}
	}
	_, err := h.s.AddPhotos(r.Context(), a, id, r.FormValue("stage"), r.FormValue("caption"), files)
	return "照片已上传 / Photos uploaded", err
}

func (h *pages) rate(r *http.Request, a *linli.Actor, id int64) (string, error) {
	return "感谢您的评价 / Thank you for your rating", h.s.Rate(r.Context(), a, id, RatingInput{Rating: r.FormValue("rating"), Comment: r.FormValue("comment")})
}

func (h *pages) thanks(r *http.Request, a *linli.Actor, id int64) (string, error) {
	_, err := h.s.AddThanks(r.Context(), a, id, ThanksInput{Kind: r.FormValue("kind"), From: r.FormValue("from"), Text: r.FormValue("text"), Date: r.FormValue("date")})
	return "致谢已记录 / Thanks recorded", err
}
