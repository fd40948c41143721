package notices

import (
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
	"linli/attach"
	"linli/web"
)

//go:embed templates/*.html
var templates embed.FS

// posterFS holds the poster, a document of its own parsed apart from the
// layout (its functions are the poster's, not the renderer's).
//
//go:embed poster/poster.html
var posterFS embed.FS

// Pages are the capability's templates and English catalogue. Template
// functions share one namespace, so these carry the prefix "nt".
func Pages() web.Pages {
	sub, _ := fs.Sub(templates, "templates")
	return web.Pages{FS: sub, Prefix: "notices", Catalog: catalog(), Funcs: template.FuncMap{
		"ntParas":     Paragraphs,
		"ntUrgencies": Urgencies,
		"ntOutcomes":  Outcomes,
		"ntSelected": func(vals []string, v any) bool {
			return slices.Contains(vals, fmt.Sprint(v))
		},
		"ntPercent": func(n, total int) int {
			if total == 0 {
				return 0
			}
			return n * 100 / total
		},
	}, LangFuncs: func(lang string, t func(string) string) template.FuncMap {
		return template.FuncMap{
			"ntUrgency": func(u Urgency) string { return t(u.Label()) },
			"ntStatus":  func(s Status) string { return t(s.Label()) },
			"ntOutcome": func(o Outcome) string { return t(o.Label()) },
			"ntState":   func(s State) string { return t(s.Label()) },
		}
	}}
}

// Paragraphs splits a plain-text body into paragraphs (blank lines) of
// lines (single line breaks); the template escapes each line and joins
// them with <br>, so no HTML a writer typed is ever interpreted.
func Paragraphs(body string) [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			lines = append(lines, strings.TrimRight(l, " \t"))
		}
		out = append(out, lines)
	}
	return out
}

type pages struct {
	s      *Service
	r      *web.Renderer
	poster map[string]*template.Template // the A4 poster, a document of its own, by language
}

func (h *pages) t(r *http.Request, zh string) string { return h.r.T(web.Lang(r), zh) }

func (s *Service) pageRoutes(rt *web.Router, render *web.Renderer) {
	if render == nil {
		return
	}
	h := &pages{s: s, r: render, poster: map[string]*template.Template{}}
	for _, lang := range []string{"zh", "en"} {
		h.poster[lang] = template.Must(template.New("poster").Funcs(h.posterFuncs(lang)).ParseFS(posterFS, "poster/poster.html"))
	}
	rt.Page("GET /notices", web.LoggedIn, h.list)
	rt.Page("GET /notices/new", web.LoggedIn, h.newForm)
	rt.Page("POST /notices", web.LoggedIn, h.create)
	rt.Page("GET /notices/{id}", web.LoggedIn, h.detail)
	rt.Page("POST /notices/{id}/ack", web.LoggedIn, h.ack)
	rt.Page("POST /notices/{id}/withdraw", web.LoggedIn, h.withdraw)
	rt.Page("GET /notices/{id}/recipients", web.LoggedIn, h.recipients)
	rt.Page("POST /notices/{id}/recipients/{rid}/calls", web.LoggedIn, h.call)
	rt.Page("POST /notices/{id}/recipients/{rid}/reveal", web.LoggedIn, h.reveal)
	rt.Page("GET /notices/{id}/poster", web.Public, h.posterPage)
	rt.Page("GET /n/{id}", web.Public, h.public)
}

var crumbList = web.NavItem{Href: "/notices", Label: "通知公告"}

// crumbs are the list, then more (labels already in the page's language:
// a notice's title is data).
func (h *pages) crumbs(r *http.Request, more ...web.NavItem) []web.NavItem {
	return append([]web.NavItem{{Href: crumbList.Href, Label: h.t(r, crumbList.Label)}}, more...)
}

type listData struct {
	Notices   []Listed
	CanCreate bool
	Now       time.Time
}

func (h *pages) list(w http.ResponseWriter, r *http.Request) error {
	a := web.ActorFrom(r.Context())
	q := r.URL.Query()
	ls, err := h.s.List(r.Context(), a, ListFilter{Unread: q.Get("unread") == "1", Follow: q.Get("follow") == "1"})
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "notices/list.html", &web.Page{Title: "通知公告", Form: q,
		Data: listData{Notices: ls, CanCreate: MayPublish(a), Now: h.s.now()}})
	return nil
}

// kindChoice is a kind of recipient the form offers.
type kindChoice struct {
	Key, Label string
}

type newData struct {
	Places []web.Choice
	Kinds  []kindChoice
}

// offeredRoles are the roles a notice may be addressed to, besides the
// households (residents are reached through them).
var offeredRoles = []linli.Role{linli.RoleGridWorker, linli.RoleBuildingHead, linli.RoleUnitHead, linli.RoleResidentRep,
	linli.RoleCommunityStaff, linli.RoleVolunteer, linli.RoleProperty}

func (h *pages) newPage(r *http.Request) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	scopes := publishScopes(a)
	if len(scopes) == 0 {
		return nil, linli.Errorf(linli.EForbidden, "无权发布通知 / not allowed to publish notices")
	}
	places, err := h.s.reg.PlaceChoicesIn(r.Context(), scopes, 400)
	if err != nil {
		return nil, err
	}
	kinds := []kindChoice{{KindHouseholds, h.t(r, "全体住户（有账号的在站内，没有的发短信给业主）")}}
	for _, role := range offeredRoles {
		label := role.Label()
		if web.Lang(r) == "en" {
			label = role.LabelEN()
		}
		kinds = append(kinds, kindChoice{string(role), label})
	}
	for _, au := range h.s.Audiences() {
		label := au.LabelZH
		if web.Lang(r) == "en" && au.LabelEN != "" {
			label = au.LabelEN
		}
		kinds = append(kinds, kindChoice{au.Key, label})
	}
	return &web.Page{Title: "发布通知", Data: newData{Places: places, Kinds: kinds},
		Crumbs: h.crumbs(r, web.NavItem{Label: h.t(r, "发布通知")})}, nil
}

func (h *pages) newForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.newPage(r)
	if err != nil {
		return err
	}
	p.Form = r.URL.Query()
	if p.Form.Get("urgency") == "" {
		p.Form.Set("urgency", string(Ordinary))
	}
	if len(p.Form["kinds"]) == 0 {
		p.Form["kinds"] = []string{KindHouseholds}
	}
	h.r.Render(w, r, http.StatusOK, "notices/new.html", p)
	return nil
}

// formInput reads the form of a notice; times are local to the deployment.
func (s *Service) formInput(r *http.Request) (Input, error) {
	in := Input{Title: r.FormValue("title"), Body: r.FormValue("body"), Urgency: Urgency(r.FormValue("urgency")),
		AckRequired: r.FormValue("ack_required") == "1", Public: r.FormValue("public") == "1",
		NodeIDs: web.FormInts(r, "node_ids"), Kinds: r.Form["kinds"]}
	var v linli.Validation
	for name, dst := range map[string]*time.Time{"valid_from": &in.ValidFrom, "valid_until": &in.ValidUntil, "publish_at": &in.PublishAt, "expires_at": &in.ExpiresAt} {
		text := strings.TrimSpace(r.FormValue(name))
		if text == "" {
			continue
		}
		t, ok := web.ParseLocal(text, s.zone())
		if !ok {
			v.Add(name, "时间格式有误 / not a valid time")
		}
		*dst = t
	}
	return in, v.Err()
}

// unindexed drops the index of list fields ("node_ids[0]" → "node_ids"),
// so the form shows the error beside the list.
func unindexed(err error) error {
	e, ok := err.(*linli.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = nil
	for _, f := range e.Fields {
		if base, _, ok := strings.Cut(f.Field, "["); ok && base != "files" {
			f.Field = base
		}
		c.Fields = append(c.Fields, f)
	}
	return &c
}

// readForm reads a notice's form and its files (field "files"): the page
// posts it, and the API accepts it as multipart/form-data besides JSON.
func (s *Service) readForm(r *http.Request) (Input, []attach.Checked, error) {
	var files []attach.Checked
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") { // a form without files may come url-encoded
		var ups []attach.Upload
		if ups, err = attach.FromMultipart(r, "files", attach.DefaultLimits()); err == nil {
			files, err = attach.Check(attach.DefaultLimits(), ups)
		}
	} else if err = r.ParseForm(); err != nil {
		err = linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	if err != nil {
		return Input{}, nil, err
	}
	in, err := s.formInput(r)
	return in, files, err
}

func (h *pages) create(w http.ResponseWriter, r *http.Request) error {
	in, files, err := h.s.readForm(r)
	var d Detail
	if err == nil {
		d, err = h.s.Create(r.Context(), web.ActorFrom(r.Context()), in, files)
	}
	if err != nil {
		if r.Form == nil {
			_ = r.ParseForm()
		}
		return h.r.FormFailed(w, r, unindexed(err), "notices/new.html", func() (*web.Page, error) { return h.newPage(r) })
	}
	flash := "通知已发布"
	if d.State == Scheduled {
		flash = "通知将按时发布"
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/notices/%d", d.ID), flash)
	return nil
}

func (h *pages) detail(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.s.Get(r.Context(), web.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "notices/notice.html", &web.Page{Title: d.Title, Data: d, Flash: web.Flash(r),
		Crumbs: h.crumbs(r, web.NavItem{Label: d.Title})})
	return nil
}

func (h *pages) ack(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.s.Acknowledge(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/notices/%d", id), "已确认知晓")
	return nil
}

func (h *pages) withdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.s.Withdraw(r.Context(), web.ActorFrom(r.Context()), id); err != nil {
		return err
	}
	web.RedirectFlash(w, r, fmt.Sprintf("/notices/%d", id), "通知已撤回，不会发布")
	return nil
}

type recipientsData struct {
	Notice   Notice
	Reach    Reach
	Groups   []Group
	All      []RecipientRow
	Revealed map[int64]string
}

func (h *pages) recipientsPage(r *http.Request, id int64) (*web.Page, error) {
	a := web.ActorFrom(r.Context())
	n, gs, err := h.s.Unreached(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	all, reach, err := h.s.Recipients(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	return &web.Page{Title: n.Title, Data: recipientsData{Notice: n, Reach: reach, Groups: gs, All: all, Revealed: map[int64]string{}},
		Flash: web.Flash(r), Crumbs: h.crumbs(r, web.NavItem{Href: fmt.Sprintf("/notices/%d", id), Label: n.Title}, web.NavItem{Label: h.t(r, "接收情况")})}, nil
}

func (h *pages) recipients(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.recipientsPage(r, id)
	if err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "notices/recipients.html", p)
	return nil
}

func (h *pages) call(w http.ResponseWriter, r *http.Request) error {
	id, rid, err := ids(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	prefix := "call" + strconv.FormatInt(rid, 10) + "_"
	c, err := h.s.LogCall(r.Context(), web.ActorFrom(r.Context()), id, rid,
		CallInput{Outcome: Outcome(r.FormValue(prefix + "outcome")), Note: r.FormValue(prefix + "note"), IdempotencyKey: r.FormValue("idempotency_key")})
	if err == nil && c.Replayed { // the offline queue sent it again: the same result, 200
		p, err := h.recipientsPage(r, id)
		if err != nil {
			return err
		}
		p.Flash = h.t(r, "已记录电话告知")
		h.r.Render(w, r, http.StatusOK, "notices/recipients.html", p)
		return nil
	}
	if err == nil {
		web.RedirectFlash(w, r, fmt.Sprintf("/notices/%d/recipients", id), "已记录电话告知")
		return nil
	}
	fields, msg := web.FormErrors(err)
	if fields == nil {
		return err
	}
	p, perr := h.recipientsPage(r, id)
	if perr != nil {
		return perr
	}
	p.Errors = map[string]string{}
	for k, v := range fields {
		p.Errors[prefix+k] = v
	}
	p.Error, p.Form, p.Flash = msg, r.Form, ""
	h.r.Render(w, r, web.StatusOf(linli.ErrorCode(err)), "notices/recipients.html", p)
	return nil
}

// parseForm reads a posted form, url-encoded or multipart (the offline
// queue posts multipart/form-data).
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return linli.Errorf(linli.EBadRequest, "无法读取表单 / cannot read the form")
	}
	return nil
}

func (h *pages) reveal(w http.ResponseWriter, r *http.Request) error {
	id, rid, err := ids(r)
	if err != nil {
		return err
	}
	phone, err := h.s.RevealPhone(r.Context(), web.ActorFrom(r.Context()), id, rid)
	if err != nil {
		return err
	}
	p, err := h.recipientsPage(r, id)
	if err != nil {
		return err
	}
	p.Data.(recipientsData).Revealed[rid] = phone
	h.r.Render(w, r, http.StatusOK, "notices/recipients.html", p)
	return nil
}

// public is a public notice's page, for anyone (the poster's QR code leads
// here); anything else is 404.
func (h *pages) public(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := h.s.get(r.Context(), h.s.db, id, false)
	if err != nil {
		return err
	}
	if !n.Public || n.State != Published {
		return errNotFound()
	}
	d := Detail{Notice: n}
	if d.Files, err = attach.List(r.Context(), h.s.db, "notice", n.ID); err != nil {
		return err
	}
	h.r.Render(w, r, http.StatusOK, "notices/public.html", &web.Page{Title: n.Title, Data: d})
	return nil
}

// publicURL is the absolute address of a notice's public page, as the
// request reached Linli.
func publicURL(r *http.Request, id int64) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s/n/%d", scheme, r.Host, id)
}

type posterData struct {
	Detail
	QR        template.HTML
	PublicURL string
	Zone      *time.Location
}

// posterPage is the A4 poster for the stairwell: the notice in large type,
// and for a public notice a QR code to its public page.
func (h *pages) posterPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	a := web.ActorFrom(r.Context())
	n, x, err := h.s.readable(r.Context(), h.s.db, a, id)
	if err != nil {
		return err
	}
	d, err := h.s.detail(r.Context(), a, n, x)
	if err != nil {
		return err
	}
	pd := posterData{Detail: d, Zone: h.s.zone()}
	if n.Public {
		pd.PublicURL = publicURL(r, id)
		if pd.QR, err = qrSVG(pd.PublicURL, h.t(r, "扫码查看通知")); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return h.poster[web.Lang(r)].ExecuteTemplate(w, "nt-poster", pd)
}

// posterFuncs are the poster's template functions.
func (h *pages) posterFuncs(lang string) template.FuncMap {
	t := func(s string) string { return h.r.T(lang, s) }
	return template.FuncMap{
		"t":         t,
		"lang":      func() string { return lang },
		"colon":     web.Colon(lang),
		"ntParas":   Paragraphs,
		"ntUrgency": func(u Urgency) string { return t(u.Label()) },
		"when": func(at time.Time) string {
			if at.IsZero() {
				return ""
			}
			at = at.In(h.s.zone())
			if lang == "en" {
				return at.Format("2006-01-02 15:04")
			}
			return at.Format("2006年1月2日 15:04")
		},
	}
}
