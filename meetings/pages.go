package meetings

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/auth"
	"linli/cases"
	"linli/links"
	"linli/registry"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are the capability's templates and English catalogue. Template
// functions are shared by every capability's pages, so these carry the
// prefix "mt".
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "meetings", Catalog: catalog(), Funcs: template.FuncMap{
		"mtKind":  func(k Kind) string { return k.Label() },
		"mtKinds": Kinds,
		"mtState": func(s State) string { return s.Label() },
		"mtStateClass": func(s State) string {
			switch s {
			case Planned:
				return "amber"
			case Published:
				return "green"
			}
			return ""
		},
		"mtParas": Paragraphs,
	}}
}

type pages struct {
	s *Service
	r *web.Renderer
}

// t translates a text the package hands the layout (crumbs, flashes).
func (h *pages) t(r *http.Request, zh string) string {
	if zh == "" {
		return ""
	}
	return h.r.T(web.Lang(r), zh)
}

func (s *Service) pageRoutes(rt *web.Router, render *web.Renderer) {
	if render == nil {
		return
	}
	h := &pages{s: s, r: render}
	rt.Page("GET /meetings", web.LoggedIn, h.list)
	rt.Page("GET /meetings/new", web.LoggedIn, h.newForm)
	rt.Page("POST /meetings", web.LoggedIn, h.create)
	rt.Page("GET /meetings/{id}", web.LoggedIn, h.detail)
	rt.Page("GET /meetings/{id}/minutes", web.LoggedIn, h.minutesPrint)
	rt.Page("POST /meetings/{id}/invite", web.LoggedIn, h.invite)
	rt.Page("POST /meetings/{id}/agenda", web.LoggedIn, h.agenda)
	rt.Page("POST /meetings/{id}/hold", web.LoggedIn, h.hold)
	rt.Page("POST /meetings/{id}/cancel", web.LoggedIn, h.cancel)
	rt.Page("POST /meetings/{id}/signin", web.LoggedIn, h.signIn)
	rt.Page("POST /meetings/{id}/checkin", web.LoggedIn, h.checkIn)
	rt.Page("POST /meetings/{id}/minutes", web.LoggedIn, h.minutes)
	rt.Page("POST /meetings/{id}/publish", web.LoggedIn, h.publish)
	rt.Page("POST /meetings/{id}/decisions", web.LoggedIn, h.decision)
	rt.Page("POST /meetings/{id}/actions", web.LoggedIn, h.action)
	rt.Page("POST /meetings/{id}/actions/{action}/case", web.LoggedIn, h.toCase)
	rt.Page("POST /meetings/{id}/actions/{action}/done", web.LoggedIn, h.done)
}

type listData struct {
	Lists
	CanCreate bool
	Day       time.Time // the day filter, zero for none
	Today     bool      // the day is today
}

func (h *pages) list(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	now := h.s.now()
	day, err := ParseDay(r.URL.Query().Get("day"), now, h.s.zone())
	if err != nil {
		return err
	}
	l, err := h.s.List(r.Context(), a, ListFilter{Day: day})
	if err != nil {
		return err
	}
	today, _ := ParseDay("today", now, h.s.zone())
	h.r.Render(w, r, http.StatusOK, "meetings/list.html", &web.Page{Title: "会议", Data: listData{Lists: l, CanCreate: a.CanAny(linli.PermProjectsManage),
		Day: day, Today: !day.IsZero() && day.Equal(today)}})
	return nil
}

type newData struct {
	Places []place
	// Subjects are the subject picker's choices without its script: the
	// subject the form was opened with, and the newest open cases; the
	// script (web/static/picker.js) searches projects and cases instead.
	Subjects []web.Choice
}

// subjectChoices lists Subjects; subject is the one the form carries.
func (h *pages) subjectChoices(r *http.Request, subject string) ([]web.Choice, error) {
	ctx, a := r.Context(), web.ActorFrom(r.Context())
	var out []web.Choice
	if ref, err := links.Parse(subject); err == nil {
		it, ok, err := h.s.lk.Describe(ctx, a, ref)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, web.Choice{ID: ref.ID, Value: ref.String(), Label: it.Title})
		}
	}
	if a.CanAny(linli.PermCasesRead) {
		cs, err := h.s.cs.PickCases(ctx, a, "")
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// place is a node offered in a picker, named with its parents below the
// community ("荟萃花园南区 1号楼 3单元").
type place struct {
	ID    int64
	Label string
}

// placeLabels names the nodes of a PlacesIn list (parents come first).
func placeLabels(ns []registry.Node) []place {
	byID := map[int64]place{}
	out := make([]place, 0, len(ns))
	for _, n := range ns {
		label := n.Name
		if parent, ok := byID[n.ParentID]; ok && n.Kind != registry.KindCommunity && n.Kind != registry.KindGrid {
			if p := parent.Label; p != "" {
				label = p + " " + n.Name
			}
		}
		pl := place{ID: n.ID, Label: label}
		if n.Kind == registry.KindGrid || n.Kind == registry.KindCommunity {
			byID[n.ID] = place{ID: n.ID} // estates are named without their grid
		} else {
			byID[n.ID] = pl
		}
		out = append(out, pl)
	}
	return out
}

func (h *pages) newPage(r *http.Request) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	scopes := a.Scopes(linli.PermProjectsManage)
	if len(scopes) == 0 {
		return nil, linli.Errorf(linli.EForbidden, "无权召集会议 / not allowed to call meetings")
	}
	places, err := h.s.reg.PlacesIn(r.Context(), scopes, 400, registry.KindCommunity, registry.KindGrid, registry.KindEstate, registry.KindBuilding, registry.KindUnit)
	if err != nil {
		return nil, err
	}
	subjects, err := h.subjectChoices(r, r.FormValue("subject"))
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: "召集会议", Data: newData{Places: placeLabels(places), Subjects: subjects},
		Crumbs: []web.NavItem{{Href: "/meetings", Label: h.t(r, "会议")}, {Label: h.t(r, "召集会议")}}}, nil
}

func (h *pages) newForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.newPage(r)
	if err != nil {
		return err
	}
	p.Form = r.URL.Query()
	if p.Form.Get("kind") == "" {
		p.Form.Set("kind", string(KindCoordination))
	}
	h.r.Render(w, r, http.StatusOK, "meetings/new.html", p)
	return nil
}

// localTime reads a datetime-local field in the deployment's zone; a
// blank field is left zero (and refused by validation).
func (s *Service) localTime(v string) (time.Time, bool) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, true
	}
	return web.ParseLocal(v, s.zone())
}

func (h *pages) create(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	in := MeetingInput{Title: r.FormValue("title"), Kind: Kind(r.FormValue("kind")), ScopeID: web.FormInt(r, "scope_id"),
		Place: r.FormValue("place"), Host: r.FormValue("host")}
	var v linli.Validation
	var ok bool
	if in.StartsAt, ok = h.s.localTime(r.FormValue("starts_at")); !ok {
		v.Add("starts_at", "时间格式有误 / not a valid time")
	}
	if in.EndsAt, ok = h.s.localTime(r.FormValue("ends_at")); !ok {
		v.Add("ends_at", "时间格式有误 / not a valid time")
	}
	if sub := strings.TrimSpace(r.FormValue("subject")); sub != "" {
		ref, err := links.Parse(sub)
		if err != nil {
			v.Add("subject", "请从列表中选择议题 / choose the subject from the list")
		} else {
			in.Subject = &ref
		}
	}
	for _, line := range strings.Split(r.FormValue("agenda"), "\n") {
		if line = strings.TrimSpace(line); line != "" { // blank lines only separate items
			in.Agenda = append(in.Agenda, line)
		}
	}
	err := v.Err()
	var d Detail
	if err == nil {
		d, err = h.s.Create(r.Context(), web.ActorFrom(r.Context()), in)
	}
	if err != nil {
		return h.r.FormFailed(w, r, err, "meetings/new.html", func() (*web.Page, error) { return h.newPage(r) })
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/meetings/%d", d.ID), "已召集会议")
	return nil
}

// person is an account offered as an invitee or an action's owner.
type person struct {
	ID   int64
	Name string
}

type detailData struct {
	Detail
	Candidates []person // accounts working in or above the community
	Places     []place  // estates, buildings and units whose households can be invited
	Categories []cases.Category
	Pending    []Invitee // invitees not yet signed in
	Roll       roll      // every invitee once, with the sign-in, by unit
	Flash      string
}

func (h *pages) detailPage(r *http.Request, id int64) (*web.Page, error) {
	ctx := r.Context()
	a := web.ActorFrom(ctx)
	d, err := h.s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	dd := detailData{Detail: d}
	if dd.Roll, err = h.s.rollOf(ctx, d); err != nil {
		return nil, err
	}
	for _, i := range d.Invitees {
		if !i.Attended {
			dd.Pending = append(dd.Pending, i)
		}
	}
	if d.CanManage {
		comm, err := h.s.reg.NodeByID(ctx, d.CommunityID)
		if err != nil {
			return nil, err
		}
		if dd.Candidates, err = h.s.candidates(ctx, comm.Path); err != nil {
			return nil, err
		}
		if d.State == Planned {
			ns, err := h.s.reg.PlacesIn(ctx, []string{comm.Path}, 300, registry.KindEstate, registry.KindBuilding, registry.KindUnit)
			if err != nil {
				return nil, err
			}
			dd.Places = placeLabels(ns)
		}
		cats, err := h.s.cs.Categories(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range cats {
			if c.Route != "" && c.Active {
				dd.Categories = append(dd.Categories, c)
			}
		}
	}
	return &web.Page{Title: d.Title, Data: dd, Flash: h.t(r, r.URL.Query().Get("flash")),
		Crumbs: []web.NavItem{{Href: "/meetings", Label: h.t(r, "会议")}, {Label: d.Title}}}, nil
}

// notCandidates are the roles that do not make an account a meeting
// candidate: residents are invited by household, and an administrator
// runs the system, not the community.
var notCandidates = []linli.Role{linli.RoleResident, linli.RoleAdmin}

// candidates are the accounts the form offers as invitees and owners of
// actions: active accounts holding any other role in the community, on a
// place in it or above it — street staff and departments work in every
// community of their street, and a coordination meeting brings them in.
// (Mediation offers a narrower list, the community's own people who may
// be named mediators: mediation.staffOf.)
func (s *Service) candidates(ctx context.Context, communityPath string) ([]person, error) {
	var roles []linli.Role
	for _, r := range linli.Roles() {
		if !slices.Contains(notCandidates, r) {
			roles = append(roles, r)
		}
	}
	hs, err := s.au.Holders(ctx, s.db, auth.HolderQuery{Roles: roles, Under: communityPath, OrAbove: true, Limit: 300})
	if err != nil {
		return nil, err
	}
	var out []person
	for _, h := range hs {
		out = append(out, person{ID: h.ID, Name: h.Name})
	}
	return out, nil
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
	h.r.Render(w, r, http.StatusOK, "meetings/meeting.html", p)
	return nil
}

func (h *pages) minutesPrint(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.s.Get(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	if !d.SeeMinutes {
		return linli.Errorf(linli.ENotFound, "会议纪要不存在 / no minutes to show")
	}
	h.r.Render(w, r, http.StatusOK, "meetings/minutes.html", &web.Page{Title: d.Title, Data: d,
		Crumbs: []web.NavItem{{Href: "/meetings", Label: h.t(r, "会议")}, {Href: fmt.Sprintf("/meetings/%d", id), Label: d.Title}, {Label: h.t(r, "会议纪要")}}})
	return nil
}

// post runs a form post on the meeting page: on success back to the page
// with a flash; on bad input the page again with the errors beside the
// fields (rename maps the service's field names to the form's) and the
// typed values kept; other errors as error pages.
func (h *pages) post(w http.ResponseWriter, r *http.Request, rename map[string]string, flash string, f func(ctx context.Context, a *linli.Actor, id int64) error) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	err = f(r.Context(), web.ActorFrom(r.Context()), id)
	if err == nil {
		web.RedirectFlash(w, r, fmt.Sprintf("/meetings/%d", id), flash)
		return nil
	}
	fields, msg := web.FormErrors(err)
	if fields == nil {
		return err
	}
	p, perr := h.detailPage(r, id)
	if perr != nil {
		return perr
	}
	p.Errors = map[string]string{}
	for k, v := range fields {
		if to, ok := rename[k]; ok {
			k = to
		}
		if _, dup := p.Errors[k]; !dup {
			p.Errors[k] = v
		}
	}
	p.Error, p.Form, p.Flash = msg, r.Form, ""
	h.r.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "meetings/meeting.html", p)
	return nil
}

func (h *pages) invite(w http.ResponseWriter, r *http.Request) error {
	return h.post(w, r, map[string]string{"account_ids": "invite_accounts", "node_ids": "invite_nodes", "household_ids": "invite_nodes"}, "已发出邀请",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.Invite(ctx, a, id, InviteInput{AccountIDs: web.FormInts(r, "invite_accounts"), NodeIDs: web.FormInts(r, "invite_nodes")})
			return renameIndexed(err)
		})
}

// renameIndexed drops the index of list fields ("node_ids[0]" → "node_ids").
func renameIndexed(err error) error {
	e, ok := err.(*linli.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = nil
	for _, f := range e.Fields {
		if base, _, ok := strings.Cut(f.Field, "["); ok {
			f.Field = base
		}
		c.Fields = append(c.Fields, f)
	}
	return &c
}

func (h *pages) agenda(w http.ResponseWriter, r *http.Request) error {
	return h.post(w, r, map[string]string{"title": "agenda_title", "note": "agenda_note"}, "已加入议程",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.AddAgendaItem(ctx, a, id, AgendaInput{Title: r.FormValue("agenda_title"), Note: r.FormValue("agenda_note")})
			return err
		})
}

func (h *pages) hold(w http.ResponseWriter, r *http.Request) error {
	return h.post(w, r, nil, "会议已召开，可记录纪要",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.Hold(ctx, a, id)
			return err
		})
}

func (h *pages) cancel(w http.ResponseWriter, r *http.Request) error {
	return h.post(w, r, nil, "会议已取消",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.Cancel(ctx, a, id, CancelInput{Reason: r.FormValue("reason")})
			return err
		})
}

func (h *pages) signIn(w http.ResponseWriter, r *http.Request) error {
	return h.post(w, r, map[string]string{"account_id": "signin_who", "household_id": "signin_who"}, "已签到",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			in := SignInInput{Name: r.FormValue("name")}
			if kind, n, ok := strings.Cut(r.FormValue("signin_who"), ":"); ok {
				v, _ := strconv.ParseInt(n, 10, 64)
				switch kind {
				case "account":
					in.AccountID = v
				case "household":
					in.HouseholdID = v
				}
			}
			_, err := h.s.SignIn(ctx, a, id, in)
			return err
		})
}

func (h *pages) checkIn(w http.ResponseWriter, r *http.Request) error {
	return h.post(w, r, nil, "签到成功",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.CheckIn(ctx, a, id)
			return err
		})
}

func (h *pages) minutes(w http.ResponseWriter, r *http.Request) error {
	return h.post(w, r, nil, "纪要已保存",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.RecordMinutes(ctx, a, id, MinutesInput{Minutes: r.FormValue("minutes"), Recorder: r.FormValue("recorder")})
			return err
		})
}

func (h *pages) publish(w http.ResponseWriter, r *http.Request) error {
	return h.post(w, r, nil, "纪要已发布",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.PublishMinutes(ctx, a, id)
			return err
		})
}

// optInt reads an optional count: empty is nil, anything else a number
// (not a number → -1, which validation refuses).
func optInt(v string) *int {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		n = -1
	}
	return &n
}

func (h *pages) decision(w http.ResponseWriter, r *http.Request) error {
	return h.post(w, r, nil, "已记录决定",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.AddDecision(ctx, a, id, DecisionInput{Text: r.FormValue("text"), For: optInt(r.FormValue("votes_for")),
				Against: optInt(r.FormValue("votes_against")), Abstain: optInt(r.FormValue("votes_abstain"))})
			return err
		})
}

func (h *pages) action(w http.ResponseWriter, r *http.Request) error {
	return h.post(w, r, map[string]string{"title": "action_title", "note": "action_note", "owner": "owner_name", "owner_account_id": "owner_name"}, "已记录待办",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.AddAction(ctx, a, id, ActionInput{Title: r.FormValue("action_title"), Note: r.FormValue("action_note"),
				OwnerAccountID: web.FormInt(r, "owner_account_id"), OwnerName: r.FormValue("owner_name"), Due: r.FormValue("due")})
			return err
		})
}

func (h *pages) toCase(w http.ResponseWriter, r *http.Request) error {
	aid, err := web.PathID(r, "action")
	if err != nil {
		return err
	}
	prefix := fmt.Sprintf("case%d_", aid)
	return h.post(w, r, map[string]string{"category": prefix + "category", "title": prefix + "category"}, "已转为案件",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.ToCase(ctx, a, id, aid, CaseInput{Category: r.FormValue(prefix + "category"), Public: r.FormValue(prefix+"public") == "1"})
			return err
		})
}

func (h *pages) done(w http.ResponseWriter, r *http.Request) error {
	aid, err := web.PathID(r, "action")
	if err != nil {
		return err
	}
	prefix := fmt.Sprintf("done%d_", aid)
	return h.post(w, r, map[string]string{"note": prefix + "note"}, "待办已办结",
		func(ctx context.Context, a *linli.Actor, id int64) error {
			_, err := h.s.CompleteAction(ctx, a, id, aid, DoneInput{Note: r.FormValue(prefix + "note")})
			return err
		})
}
