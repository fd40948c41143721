package mediation

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/auth"
	"linli/registry"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are the capability's templates and English catalogue. Template
// functions are prefixed "med": every capability's functions share one map.
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "mediation", Catalog: catalog(), Funcs: template.FuncMap{
		"medState":   func(s State) string { return s.Label() },
		"medType":    func(t Type) string { return t.Label() },
		"medRole":    RoleLabel,
		"medSex":     SexLabel,
		"medPerf":    PerformanceLabel,
		"medSat":     SatisfactionLabel,
		"medRisk":    RiskLabel,
		"medCourt":   CourtLabel,
		"medYuan":    Yuan,
		"medCN":      chineseNumber,
		"medNeg":     func(n int) int { return -n },
		"medDayISO":  func(t time.Time, zone *time.Location) string { return isoDay(t, zone) },
		"medStateCl": stateClass,
		"medTypes":   Types,
		"medList":    func(xs ...string) []string { return xs },
		"medFen": func(fen int64) string {
			if fen == 0 {
				return ""
			}
			return fmt.Sprintf("%d.%02d", fen/100, fen%100)
		},
	}}
}

func isoDay(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(zone).Format("2006-01-02")
}

func stateClass(s State) string {
	switch s {
	case Agreed, Closed:
		return "green"
	case Failed:
		return ""
	}
	return "amber"
}

// chineseNumber writes 1–99 in Chinese numerals (一式三份).
func chineseNumber(n int) string {
	d := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 0 || n >= 100:
		return strconv.Itoa(n)
	case n < 10:
		return d[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + d[n-10]
	case n%10 == 0:
		return d[n/10] + "十"
	}
	return d[n/10] + "十" + d[n%10]
}

type pages struct {
	s     *Service
	r     *web.Renderer
	print map[string]*template.Template // the agreement's print view, by language
}

func (s *Service) pageRoutes(rt *web.Router, render *web.Renderer) {
	h := &pages{s: s, r: render, print: map[string]*template.Template{}}
	for _, lang := range []string{"zh", "en"} {
		h.print[lang] = template.Must(template.New("print").Funcs(h.printFuncs(lang)).ParseFS(templates, "templates/_print.html"))
	}
	rt.Page("GET /mediation", web.LoggedIn, h.list)
	rt.Page("GET /mediation/new", web.LoggedIn, h.newForm)
	rt.Page("POST /mediation/new", web.LoggedIn, h.create)
	rt.Page("GET /mediation/{id}", web.LoggedIn, h.detail)
	rt.Page("GET /mediation/{id}/agreement", web.LoggedIn, h.printView)
	rt.Page("POST /mediation/{id}/sessions", web.LoggedIn, h.postSession)
	rt.Page("POST /mediation/{id}/agreement", web.LoggedIn, h.postAgreement)
	rt.Page("POST /mediation/{id}/sign", web.LoggedIn, h.postSign)
	rt.Page("POST /mediation/{id}/fail", web.LoggedIn, h.postFail)
	rt.Page("POST /mediation/{id}/court", web.LoggedIn, h.postCourt)
	rt.Page("POST /mediation/{id}/followups", web.LoggedIn, h.postFollowUp)
	rt.Page("POST /mediation/{id}/publish", web.LoggedIn, h.postPublish)
	rt.Page("POST /mediation/{id}/unpublish", web.LoggedIn, h.postUnpublish)
	rt.Page("POST /mediation/{id}/parties/{party}/reveal", web.LoggedIn, h.postReveal)
	rt.Page("POST /mediation/{id}/agreement/party-copy", web.LoggedIn, h.postPartyCopy)
}

var crumbsList = web.NavItem{Href: "/mediation", Label: "人民调解"}

type listData struct {
	Disputes []Dispute
	State    string
	Overdue  bool
	CanOpen  bool
	Zone     *time.Location
}

func (h *pages) list(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	q := r.URL.Query()
	f := ListFilter{State: State(q.Get("state")), Overdue: q.Get("overdue") == "1"}
	ds, err := h.s.List(r.Context(), a, f)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "mediation/list.html", &web.Page{Title: "人民调解", Flash: q.Get("flash"),
		Data: listData{Disputes: ds, State: q.Get("state"), Overdue: f.Overdue, CanOpen: a.CanAny(linli.PermMediate), Zone: h.s.zone()}})
	return nil
}

// choice is an option of a select.
type choice struct {
	ID    int64
	Label string
}

type newData struct {
	CaseID      int64
	CaseTitle   string
	Communities []choice
	Households  []choice
	Staff       []choice
}

func (h *pages) newPage(ctx context.Context, a *linli.Actor, form url.Values) (*web.Page, error) {
	if !a.CanAny(linli.PermMediate) {
		return nil, linli.Errorf(linli.EForbidden, "无权受理人民调解 / not allowed to accept a mediation")
	}
	d := newData{}
	var scope []string
	if id, _ := strconv.ParseInt(form.Get("case_id"), 10, 64); id != 0 {
		c, err := h.s.cs.Get(ctx, a, id)
		if err != nil {
			return nil, err
		}
		d.CaseID, d.CaseTitle = c.ID, c.Number+" "+c.Title
		line, err := h.s.reg.Lineage(ctx, h.s.db, c.LocationID)
		if err != nil {
			return nil, err
		}
		for _, n := range line {
			if n.Kind == registry.KindCommunity {
				scope = []string{n.Path}
			}
		}
		// Reading a case is not mediating in its community: a worker of
		// one community who is a resident of another reads that one's
		// public cases. The form lists the community's households with
		// their owners, so it needs what accepting the dispute needs.
		if len(scope) == 0 || !a.Can(linli.PermMediate, scope[0]) {
			return nil, linli.Invalid("案件不存在或无权查看 / case not found",
				linli.FieldError{Field: "case_id", Reason: "案件不存在或无权查看 / no such case in your scope"})
		}
		// Pre-fill from the case unless the form was posted back.
		if _, posted := form["title"]; !posted {
			form.Set("title", c.Title)
			form.Set("facts", c.Description)
			if c.Category == "漏水渗水" {
				form.Set("type", string(TypeLeak))
			}
			if c.HouseholdID != 0 {
				form.Set("p1_household", strconv.FormatInt(c.HouseholdID, 10))
			}
		}
	} else {
		scope = a.Scopes(linli.PermMediate)
	}
	comms, err := h.s.reg.PlacesIn(ctx, scope, 200, registry.KindCommunity)
	if err != nil {
		return nil, err
	}
	for _, n := range comms {
		d.Communities = append(d.Communities, choice{n.ID, n.Name})
		hs, _, err := h.s.reg.ListHouseholds(ctx, linli.System(), registry.HouseholdFilter{NodeID: n.ID, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, hh := range hs {
			label := hh.Estate + hh.Label()
			if o := hh.Owners(); o != "" {
				label += "（" + o + "）"
			}
			d.Households = append(d.Households, choice{hh.ID, label})
		}
		staff, err := h.s.staffOf(ctx, n.Path)
		if err != nil {
			return nil, err
		}
		d.Staff = append(d.Staff, staff...)
	}
	if _, posted := form["title"]; !posted && a.AccountID != 0 {
		form.Set("mediator_"+strconv.FormatInt(a.AccountID, 10), "1")
	}
	return &web.Page{Title: "受理人民调解", Data: d, Form: form, Crumbs: []web.NavItem{crumbsList, {Label: "受理人民调解"}}}, nil
}

// staffOf lists the accounts the form offers as mediators of a dispute in
// a community: active accounts holding a mediator role (mediatorRoles) on
// the community or a place in it. Street staff, who may also be named,
// are left off the list: the form shows the community's own people. (The
// meetings form offers a wider list, street staff and departments too:
// a coordination meeting brings them in, a mediation does not.)
func (s *Service) staffOf(ctx context.Context, community string) ([]choice, error) {
	hs, err := s.au.Holders(ctx, s.db, auth.HolderQuery{Roles: mediatorRoles(), Under: community})
	if err != nil {
		return nil, err
	}
	out := make([]choice, 0, len(hs))
	for _, h := range hs {
		out = append(out, choice{ID: h.ID, Label: h.Name})
	}
	return out, nil
}

func (h *pages) newForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.newPage(r.Context(), web.ActorFrom(r.Context()), r.URL.Query())
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "mediation/new.html", p)
	return nil
}

func (h *pages) create(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	in := DisputeInput{Type: Type(r.FormValue("type")), Title: r.FormValue("title"), Facts: r.FormValue("facts"),
		LocationID: web.FormInt(r, "location_id"), CaseID: web.FormInt(r, "case_id")}
	for i, role := range []string{RoleApplicant, RoleRespondent} {
		pre := fmt.Sprintf("p%d_", i+1)
		in.Parties = append(in.Parties, PartyInput{Role: role, HouseholdID: web.FormInt(r, pre+"household"), Name: r.FormValue(pre + "name"),
			Phone: r.FormValue(pre + "phone"), Claims: r.FormValue(pre + "claims")})
	}
	for k := range r.PostForm {
		if id, ok := strings.CutPrefix(k, "mediator_"); ok {
			if n, err := strconv.ParseInt(id, 10, 64); err == nil {
				in.Mediators = append(in.Mediators, n)
			}
		}
	}
	det, err := h.s.Open(r.Context(), a, in)
	if err != nil {
		fields, msg := web.FormErrors(err)
		if fields == nil {
			return err
		}
		p, perr := h.newPage(r.Context(), a, r.PostForm)
		if perr != nil {
			return perr
		}
		p.Errors, p.Error = formFields(fields), msg
		h.r.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "mediation/new.html", p)
		return nil
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/mediation/%d", det.Dispute.ID), "已受理，编号 "+det.Dispute.Number)
	return nil
}

// formFields maps the service's field names to the form's inputs
// ("parties[1].name" → "p1_name").
func formFields(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
		for i := 1; i <= 2; i++ {
			pre := fmt.Sprintf("parties[%d].", i)
			if rest, ok := strings.CutPrefix(k, pre); ok {
				if rest == "household_id" || rest == "person_id" {
					rest = "household"
				}
				out[fmt.Sprintf("p%d_%s", i, rest)] = v
			}
		}
	}
	return out
}

type detailData struct {
	Detail
	Zone       *time.Location
	TermRows   []Term // the saved terms and blank rows to add more
	Committee  string
	Print      bool
	Today      string
	CaseNumber string
	// Revealed is the one party whose full phone is shown, after the
	// mediator asked for it (audited).
	Revealed PartyPhone
}

func (h *pages) detailPage(r *http.Request, id int64) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	det, err := h.s.Get(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	d := detailData{Detail: det, Zone: h.s.zone(), Today: isoDay(h.s.now(), h.s.zone())}
	d.TermRows = append(append([]Term{}, det.Agreement.Terms...), Term{}, Term{})
	return &web.Page{Title: det.Dispute.Number, Data: d, Flash: r.URL.Query().Get("flash"),
		Crumbs: []web.NavItem{crumbsList, {Label: det.Dispute.Number}}}, nil
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
	if !p.Data.(detailData).Manage {
		// A party sees the agreement.
		http.Redirect(w, r, fmt.Sprintf("/mediation/%d/agreement", id), http.StatusSeeOther)
		return nil
	}
	h.r.Render(w, r, http.StatusOK, "mediation/detail.html", p)
	return nil
}

// printFuncs are the print view's template functions: the renderer's
// translation and the capability's own.
func (h *pages) printFuncs(lang string) template.FuncMap {
	fm := template.FuncMap{
		"t":    func(s string) string { return h.r.T(lang, s) },
		"lang": func() string { return lang },
		"colon": func() string { // as the renderer's
			if lang == "en" {
				return ": "
			}
			return "："
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			if lang == "en" {
				return t.In(h.s.zone()).Format("2006-01-02")
			}
			return t.In(h.s.zone()).Format("2006年1月2日")
		},
	}
	for k, f := range Pages().Funcs {
		fm[k] = f
	}
	return fm
}

// printView is the agreement as a document of its own, ready for A4
// paper: no navigation and no script, so what prints is the agreement.
func (h *pages) printView(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.detailPage(r, id)
	if err != nil {
		return err
	}
	return h.writePrint(w, r, p)
}

// postPartyCopy is the print view of the parties' copies, with their
// contacts in full: a post, so the print is recorded (audited) and the
// numbers are in this response only.
func (h *pages) postPartyCopy(w http.ResponseWriter, r *http.Request) error {
	id, err := postID(r)
	if err != nil {
		return err
	}
	det, err := h.s.PartyCopy(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return h.writePrint(w, r, &web.Page{Data: detailData{Detail: det, Zone: h.s.zone(), Today: isoDay(h.s.now(), h.s.zone())}})
}

func (h *pages) writePrint(w http.ResponseWriter, r *http.Request, p *web.Page) error {
	var buf bytes.Buffer
	if err := h.print[web.Lang(r)].ExecuteTemplate(&buf, "med-print", p.Data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := buf.WriteTo(w)
	return err
}

// answer finishes a form post on the detail page: back to the page with a
// message, or the page again with the errors beside the fields.
func (h *pages) answer(w http.ResponseWriter, r *http.Request, id int64, err error, flash string) error {
	if err == nil {
		web.RedirectFlash(w, r, fmt.Sprintf("/mediation/%d", id), flash)
		return nil
	}
	return h.r.FormFailed(w, r, err, "mediation/detail.html", func() (*web.Page, error) { return h.detailPage(r, id) })
}

func postID(r *http.Request) (int64, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return 0, err
	}
	if err := r.ParseForm(); err != nil {
		return 0, linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	return id, nil
}

func (h *pages) postSession(w http.ResponseWriter, r *http.Request) error {
	id, err := postID(r)
	if err != nil {
		return err
	}
	_, err = h.s.AddSession(r.Context(), web.ActorFrom(r.Context()), id, SessionInput{HeldAt: r.FormValue("held_at"), Place: r.FormValue("place"),
		Participants: r.FormValue("participants"), Record: r.FormValue("record")})
	return h.answer(w, r, id, err, "已记录调解")
}

// yuanToFen reads "1800" or "1,800.50" as fen; ok is false for anything
// else.
func yuanToFen(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, true
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	y, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || y < 0 || y > 1e10 {
		return 0, false
	}
	return y*100 + f, true
}

func (h *pages) postAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := postID(r)
	if err != nil {
		return err
	}
	in := AgreementInput{Facts: r.FormValue("facts"), Matters: r.FormValue("matters"), Responsibilities: r.FormValue("responsibilities"),
		Performance: r.FormValue("performance"), CopiesHeldBy: r.FormValue("copies_held_by"),
		MediatorSigned: r.FormValue("mediator_signed") == "1", MediatorSignedOn: r.FormValue("mediator_signed_on"),
		Sealed: r.FormValue("sealed") == "1", SealedOn: r.FormValue("sealed_on")}
	in.Copies, _ = strconv.Atoi(r.FormValue("copies"))
	var bad []linli.FieldError
	for i := 1; i <= 40; i++ {
		f := fmt.Sprintf("terms[%d].", i)
		if _, ok := r.PostForm[f+"what"]; !ok {
			break
		}
		fen, ok := yuanToFen(r.FormValue(f + "amount"))
		if !ok {
			bad = append(bad, linli.FieldError{Field: f + "amount", Reason: "金额应为元，最多两位小数 / amount in yuan, at most two decimals"})
		}
		in.Terms = append(in.Terms, TermInput{What: r.FormValue(f + "what"), How: r.FormValue(f + "how"), Deadline: r.FormValue(f + "deadline"), AmountFen: fen})
	}
	in.Oral, in.AgreedOn = r.FormValue("oral") == "1", r.FormValue("agreed_on")
	for i, pid := range r.PostForm["info"] {
		n, _ := strconv.ParseInt(pid, 10, 64)
		pi := PartyInfoInput{PartyID: n, Sex: r.FormValue("sex_" + pid), Ethnicity: r.FormValue("ethnicity_" + pid),
			BirthDate: r.FormValue("birth_date_" + pid), Occupation: r.FormValue("occupation_" + pid), Organisation: r.FormValue("org_"+pid) == "1"}
		if v := strings.TrimSpace(r.FormValue("age_" + pid)); v != "" {
			age, err := strconv.Atoi(v)
			if err != nil {
				bad = append(bad, linli.FieldError{Field: fmt.Sprintf("parties[%d].age", i+1), Reason: "年龄应为整数 / age must be a whole number"})
			}
			pi.Age = age
		}
		in.Parties = append(in.Parties, pi)
	}
	for _, pid := range r.PostForm["party"] {
		n, _ := strconv.ParseInt(pid, 10, 64)
		in.PartySignatures = append(in.PartySignatures, SignatureInput{PartyID: n, Signed: r.FormValue("signed_"+pid) == "1", On: r.FormValue("signed_on_" + pid)})
	}
	if len(bad) > 0 {
		return h.answer(w, r, id, linli.Invalid("输入有误 / invalid input", bad...), "")
	}
	_, err = h.s.SaveAgreement(r.Context(), web.ActorFrom(r.Context()), id, in)
	return h.answer(w, r, id, err, "协议书已保存")
}

func (h *pages) postSign(w http.ResponseWriter, r *http.Request) error {
	id, err := postID(r)
	if err != nil {
		return err
	}
	_, err = h.s.MarkSigned(r.Context(), web.ActorFrom(r.Context()), id)
	return h.answer(w, r, id, err, "协议书已签署生效")
}

func (h *pages) postFail(w http.ResponseWriter, r *http.Request) error {
	id, err := postID(r)
	if err != nil {
		return err
	}
	_, err = h.s.Fail(r.Context(), web.ActorFrom(r.Context()), id, FailInput{Reason: r.FormValue("reason"), Advice: r.FormValue("advice")})
	return h.answer(w, r, id, err, "已终止调解")
}

func (h *pages) postCourt(w http.ResponseWriter, r *http.Request) error {
	id, err := postID(r)
	if err != nil {
		return err
	}
	_, err = h.s.RecordCourtChoice(r.Context(), web.ActorFrom(r.Context()), id, CourtInput{Choice: r.FormValue("choice")})
	return h.answer(w, r, id, err, "已记录")
}

func (h *pages) postFollowUp(w http.ResponseWriter, r *http.Request) error {
	id, err := postID(r)
	if err != nil {
		return err
	}
	_, err = h.s.AddFollowUp(r.Context(), web.ActorFrom(r.Context()), id, FollowUpInput{VisitedOn: r.FormValue("visited_on"),
		Performance: r.FormValue("performance"), Satisfaction: r.FormValue("satisfaction"), Risk: r.FormValue("risk"), Notes: r.FormValue("notes")})
	return h.answer(w, r, id, err, "已记录回访")
}

func (h *pages) postPublish(w http.ResponseWriter, r *http.Request) error {
	id, err := postID(r)
	if err != nil {
		return err
	}
	_, err = h.s.Publish(r.Context(), web.ActorFrom(r.Context()), id, PublishInput{Consent: r.FormValue("consent")})
	return h.answer(w, r, id, err, "已公开到幸福清单")
}

func (h *pages) postUnpublish(w http.ResponseWriter, r *http.Request) error {
	id, err := postID(r)
	if err != nil {
		return err
	}
	_, err = h.s.Unpublish(r.Context(), web.ActorFrom(r.Context()), id)
	return h.answer(w, r, id, err, "已撤回公开")
}

// postReveal shows the page again with one party's full phone: the
// number is in this response only, never in an address or a redirect.
func (h *pages) postReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := postID(r)
	if err != nil {
		return err
	}
	party, err := web.PathID(r, "party")
	if err != nil {
		return err
	}
	ph, err := h.s.RevealPhone(r.Context(), web.ActorFrom(r.Context()), id, party)
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
	h.r.Render(w, r, http.StatusOK, "mediation/detail.html", p)
	return nil
}
