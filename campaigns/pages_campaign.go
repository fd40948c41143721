package campaigns

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"linli"
	"linli/registry"
	"linli/web"
)

func (h *pages) campaignPages(rt *web.Router) {
	rt.Page("GET /campaigns", web.LoggedIn, h.list)
	rt.Page("GET /campaigns/new", web.LoggedIn, h.newForm)
	rt.Page("POST /campaigns", web.LoggedIn, h.create)
	rt.Page("GET /campaigns/templates/new", web.LoggedIn, h.newTemplate)
	rt.Page("POST /campaigns/templates", web.LoggedIn, h.createTemplate)
	rt.Page("GET /campaigns/{id}", web.LoggedIn, h.detail)
	rt.Page("POST /campaigns/{id}/members", web.LoggedIn, h.addMember)
	rt.Page("POST /campaigns/{id}/template", web.LoggedIn, h.setTemplate)
	rt.Page("POST /campaigns/{id}/activate", web.LoggedIn, h.simple("已启动排查 / campaign started", func(h *pages, r *http.Request, id int64) error {
		_, err := h.s.Activate(r.Context(), web.ActorFrom(r.Context()), id)
		return err
	}))
	rt.Page("POST /campaigns/{id}/close", web.LoggedIn, h.simple("已结束排查 / campaign closed", func(h *pages, r *http.Request, id int64) error {
		_, err := h.s.Close(r.Context(), web.ActorFrom(r.Context()), id)
		return err
	}))
	rt.Page("POST /campaigns/{id}/split", web.LoggedIn, h.split)
	rt.Page("GET /campaigns/mine", web.LoggedIn, h.mine)
}

type listData struct {
	Campaigns []Campaign
	CanCreate bool
}

func (h *pages) list(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	cs, err := h.s.List(r.Context(), a)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "campaigns/list.html", &web.Page{Title: "专项排查", Data: listData{Campaigns: cs, CanCreate: a.CanAny(linli.PermProjectsManage)}})
	return nil
}

func (h *pages) mine(w http.ResponseWriter, r *http.Request) error {
	ts, err := h.s.MyTasks(r.Context(), web.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "campaigns/mine.html", &web.Page{Title: "我的排查任务", Data: ts, Crumbs: h.crumbs(r, web.NavItem{Label: h.t(r, "我的排查任务")})})
	return nil
}

// place is a node offered in a picker with its parents below the community.
type place struct {
	ID    int64
	Label string
}

type newData struct {
	Places    []place
	Templates []Template
	Workers   []web.Choice
}

func (h *pages) newPage(r *http.Request) (*web.Page, error) {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	scopes := a.Scopes(linli.PermProjectsManage)
	if len(scopes) == 0 {
		return nil, errNoRight()
	}
	ns, err := h.s.reg.PlacesIn(ctx, scopes, 600, registry.KindCommunity, registry.KindGrid, registry.KindEstate, registry.KindBuilding)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	var places []place
	for _, n := range ns {
		label := n.Name
		if n.Kind == registry.KindBuilding {
			label = names[n.ParentID] + n.Name
		}
		if n.Kind == registry.KindEstate {
			names[n.ID] = n.Name
		}
		places = append(places, place{ID: n.ID, Label: label})
	}
	ts, err := h.s.Templates(ctx, a)
	if err != nil {
		return nil, err
	}
	workers, err := h.s.au.PickWorkers(ctx, a, scopes[0], "", web.Lang(r))
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: "新建专项排查", Data: newData{Places: places, Templates: ts, Workers: workers},
		Crumbs: h.crumbs(r, web.NavItem{Label: h.t(r, "新建专项排查")})}, nil
}

func (h *pages) newForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.newPage(r)
	if err != nil {
		return err
	}
	p.Form = r.URL.Query()
	h.r.Render(w, r, http.StatusOK, "campaigns/new.html", p)
	return nil
}

func (h *pages) create(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / unreadable form")
	}
	in := CampaignInput{Title: r.FormValue("title"), HazardType: r.FormValue("hazard_type"), TemplateID: web.FormInt(r, "template_id"),
		ScopeIDs: web.FormInts(r, "scope_ids"), StartsOn: formDay(r, "starts_on"), Deadline: formDay(r, "deadline"), Note: r.FormValue("note")}
	for _, role := range MemberRoles() {
		for _, id := range web.FormInts(r, "members_"+string(role)) {
			in.Members = append(in.Members, MemberInput{AccountID: id, Role: role})
		}
	}
	c, err := h.s.Create(r.Context(), web.ActorFrom(r.Context()), in)
	if err != nil {
		return h.r.FormFailed(w, r, err, "campaigns/new.html", func() (*web.Page, error) { return h.newPage(r) })
	}
	web.RedirectFlash(w, r, campaignURL(c.ID), "已新建专项排查 / campaign created")
	return nil
}

// templateRows is how many item rows the template form offers.
const templateRows = 12

type templateData struct {
	Rows []int
}

func (h *pages) templatePage(r *http.Request) (*web.Page, error) {
	if !web.ActorFrom(r.Context()).CanAny(linli.PermProjectsManage) {
		return nil, errNoRight()
	}
	rows := make([]int, templateRows)
	for i := range rows {
		rows[i] = i
	}
	return &web.Page{Title: "新建检查表", Data: templateData{Rows: rows}, Crumbs: h.crumbs(r, web.NavItem{Label: h.t(r, "新建检查表")})}, nil
}

func (h *pages) newTemplate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.templatePage(r)
	if err != nil {
		return err
	}
	// The form starts with the solar water heater checklist of the seed
	// story, to change or clear.
	p.Form = map[string][]string{"title": {"太阳能热水器安全隐患排查表"}, "hazard_type": {"太阳能热水器"}}
	for i, it := range SolarHeaterChecklist() {
		setRow(p.Form, i, it)
	}
	h.r.Render(w, r, http.StatusOK, "campaigns/template.html", p)
	return nil
}

// setRow writes an item into the form's row i.
func setRow(f map[string][]string, i int, it Item) {
	k := func(name string) string { return fmt.Sprintf("items[%d].%s", i, name) }
	f[k("key")] = []string{it.Key}
	f[k("label")] = []string{it.Label}
	f[k("kind")] = []string{string(it.Kind)}
	f[k("options")] = []string{strings.Join(it.Options, "、")}
	f[k("unit")] = []string{it.Unit}
	if it.Min != nil {
		f[k("min")] = []string{num(*it.Min)}
	}
	if it.Max != nil {
		f[k("max")] = []string{num(*it.Max)}
	}
	if it.Required {
		f[k("required")] = []string{"1"}
	}
	f[k("severity")] = []string{string(it.Severity)}
	if r := it.Hazard; r != nil {
		switch {
		case r.When == "yes":
			f[k("hazard")] = []string{"是"}
		case r.When == "no":
			f[k("hazard")] = []string{"否"}
		case len(r.Options) > 0:
			f[k("hazard")] = []string{strings.Join(r.Options, "、")}
		case r.Above != nil:
			f[k("hazard")] = []string{">" + num(*r.Above)}
		case r.Below != nil:
			f[k("hazard")] = []string{"<" + num(*r.Below)}
		}
	}
}

// splitList splits "a、b,c，d" into its parts.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == '\n' })
}

// readRows reads the template form's item rows; a row without a label and
// a kind is blank and left out. orig maps an item's index to its row.
func readRows(r *http.Request) (Checklist, []int, error) {
	var v linli.Validation
	var c Checklist
	var orig []int
	for i := range templateRows {
		k := func(name string) string { return r.FormValue(fmt.Sprintf("items[%d].%s", i, name)) }
		if strings.TrimSpace(k("label")) == "" && strings.TrimSpace(k("options")) == "" {
			continue
		}
		it := Item{Key: k("key"), Label: k("label"), Kind: ItemKind(k("kind")), Options: splitList(k("options")), Unit: strings.TrimSpace(k("unit")),
			Required: k("required") != "", Severity: Severity(k("severity"))}
		for _, b := range []struct {
			name string
			dst  **float64
		}{{"min", &it.Min}, {"max", &it.Max}} {
			if t := strings.TrimSpace(k(b.name)); t != "" {
				x, err := strconv.ParseFloat(t, 64)
				if err != nil {
					v.Add(fmt.Sprintf("items[%d].%s", i, b.name), "应为数字 / must be a number")
					continue
				}
				*b.dst = &x
			}
		}
		if hz := strings.TrimSpace(k("hazard")); hz != "" {
			it.Hazard = parseRule(it.Kind, hz)
			if it.Hazard == nil {
				v.Add(fmt.Sprintf("items[%d].hazard", i), "是/否题写“是”或“否”，选择题写选项，数值题写“>15”或“<1” / yes/no: 是 or 否; choice: options; number: >15 or <1")
			}
		}
		c = append(c, it)
		orig = append(orig, i)
	}
	return c, orig, v.Err()
}

// parseRule reads the form's hazard rule: 是/否 (yes/no), options
// (choice), >n or <n (number).
func parseRule(k ItemKind, s string) *HazardRule {
	switch k {
	case KindYesNo:
		switch strings.ToLower(s) {
		case "是", "yes":
			return &HazardRule{When: "yes"}
		case "否", "no":
			return &HazardRule{When: "no"}
		}
	case KindChoice:
		return &HazardRule{Options: splitList(s)}
	case KindNumber:
		if len(s) < 2 || (s[0] != '>' && s[0] != '<') {
			return nil
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(s[1:]), 64)
		if err != nil {
			return nil
		}
		if s[0] == '>' {
			return &HazardRule{Above: &x}
		}
		return &HazardRule{Below: &x}
	}
	return nil
}

// rowFields renames "items[k]." field errors to the rows they came from.
func rowFields(err error, orig []int) error {
	e, ok := err.(*linli.Error)
	if !ok {
		return err
	}
	out := *e
	out.Fields = nil
	for _, f := range e.Fields {
		for k, row := range orig {
			if p := fmt.Sprintf("items[%d].", k); strings.HasPrefix(f.Field, p) {
				f.Field = fmt.Sprintf("items[%d].", row) + strings.TrimPrefix(f.Field, p)
				break
			}
		}
		out.Fields = append(out.Fields, f)
	}
	return &out
}

func (h *pages) createTemplate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "表单无法读取 / unreadable form")
	}
	items, orig, err := readRows(r)
	if err == nil {
		_, err = h.s.CreateTemplate(r.Context(), web.ActorFrom(r.Context()), TemplateInput{Title: r.FormValue("title"), HazardType: r.FormValue("hazard_type"), Items: items})
		err = rowFields(err, orig)
	}
	if err != nil {
		return h.r.FormFailed(w, r, err, "campaigns/template.html", func() (*web.Page, error) { return h.templatePage(r) })
	}
	web.RedirectFlash(w, r, "/campaigns/new", "已保存检查表 / checklist saved")
	return nil
}

type detailData struct {
	C             Campaign
	Tasks         []Task
	Plans         []Plan
	ReadableCases map[int64]bool // the plans' cases the viewer may open
	Hazards       []Finding
	SelfToConfirm []Finding
	Templates     []Template
	Manage        bool
	Member        bool
	Workers       []web.Choice
	Today         Day
}

func (h *pages) detailPage(r *http.Request, id int64) (*web.Page, error) {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	c, x, err := h.s.campaignFor(ctx, h.s.db, a, id)
	if err != nil {
		return nil, err
	}
	if err := h.s.countCampaign(ctx, h.s.db, &c); err != nil {
		return nil, err
	}
	d := detailData{C: c, Manage: x.manage, Member: x.member, Today: h.s.today()}
	if d.Tasks, err = h.s.Tasks(ctx, a, id); err != nil {
		return nil, err
	}
	if d.Plans, err = h.s.Plans(ctx, a, id); err != nil {
		return nil, err
	}
	d.ReadableCases = map[int64]bool{}
	for _, pl := range d.Plans {
		if pl.CaseID != 0 {
			d.ReadableCases[pl.CaseID] = h.caseReadable(ctx, a, pl.CaseID)
		}
	}
	if x.manage || x.member {
		d.Hazards, err = h.s.findingsWhere(ctx, h.s.db, `f.campaign_id = ? AND f.status = 'current' AND f.hazard = 1 AND NOT EXISTS (SELECT 1 FROM campaign_plans p WHERE p.finding_id = f.id)`, id)
		if err != nil {
			return nil, err
		}
		d.SelfToConfirm, err = h.s.findingsWhere(ctx, h.s.db, `f.campaign_id = ? AND f.status = 'current' AND f.self_reported = 1 AND f.confirmed_at = 0`, id)
		if err != nil {
			return nil, err
		}
	}
	if x.manage {
		if d.Templates, err = h.s.Templates(ctx, a); err != nil {
			return nil, err
		}
		comm, err := h.s.reg.NodeByID(ctx, c.CommunityID)
		if err != nil {
			return nil, err
		}
		if d.Workers, err = h.s.au.PickWorkers(ctx, a, comm.Path, "", web.Lang(r)); err != nil {
			return nil, err
		}
	}
	return &web.Page{Title: c.Title, Data: d, Crumbs: h.crumbs(r, web.NavItem{Label: c.Title})}, nil
}

func (h *pages) detail(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := h.detailPage(r, id)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "campaigns/campaign.html", p)
	return nil
}

// simple answers a form post that needs nothing but the path id.
func (h *pages) simple(flash string, f func(h *pages, r *http.Request, id int64) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if err := f(h, r, id); err != nil {
			return err
		}
		web.RedirectFlash(w, r, campaignURL(id), flash)
		return nil
	}
}

// detailFailed shows the campaign page again with a form's errors.
func (h *pages) detailFailed(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	return h.r.FormFailed(w, r, err, "campaigns/campaign.html", func() (*web.Page, error) { return h.detailPage(r, id) })
}

func (h *pages) addMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	in := []MemberInput{{AccountID: web.FormInt(r, "account_id"), Role: MemberRole(r.FormValue("role"))}}
	if _, err := h.s.AddMembers(r.Context(), web.ActorFrom(r.Context()), id, in); err != nil {
		return h.detailFailed(w, r, id, memberFields(err))
	}
	web.RedirectFlash(w, r, campaignURL(id)+"#members", "已加入工作组 / added to the task group")
	return nil
}

// memberFields names the single member form's fields ("members[0].role"
// is the form's "role").
func memberFields(err error) error {
	e, ok := err.(*linli.Error)
	if !ok {
		return err
	}
	out := *e
	out.Fields = nil
	for _, f := range e.Fields {
		f.Field = strings.TrimPrefix(f.Field, "members[0].")
		if f.Field == "members" {
			f.Field = "account_id"
		}
		out.Fields = append(out.Fields, f)
	}
	return &out
}

func (h *pages) setTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	if _, err := h.s.SetTemplate(r.Context(), web.ActorFrom(r.Context()), id, web.FormInt(r, "template_id")); err != nil {
		return h.detailFailed(w, r, id, err)
	}
	web.RedirectFlash(w, r, campaignURL(id), "已选定检查表 / checklist chosen")
	return nil
}

func (h *pages) split(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	in := SplitInput{By: Split(r.FormValue("by")), AccountIDs: web.FormInts(r, "account_ids")}
	if _, err := h.s.Split(r.Context(), web.ActorFrom(r.Context()), id, in); err != nil {
		return h.detailFailed(w, r, id, err)
	}
	web.RedirectFlash(w, r, campaignURL(id)+"#tasks", "已分配任务 / tasks made")
	return nil
}
