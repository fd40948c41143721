package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"linli"
)

//go:embed templates/*.html
var layoutFS embed.FS

// Pages is one capability's page templates and its English catalogue
// (Chinese text → English). Templates are written in Chinese; {{t "…"}}
// marks text to translate.
type Pages struct {
	FS      fs.FS  // holds *.html files, each defining "title" and "content"
	Prefix  string // names pages "prefix/file.html"
	Catalog map[string]string
	Funcs   template.FuncMap // extra template functions (no I/O)
	// LangFuncs are template functions that answer in the page's
	// language (a state's name, a countdown): called once per language
	// with the renderer's translation for it. Their names share Funcs'
	// namespace.
	LangFuncs func(lang string, t func(string) string) template.FuncMap
}

// FieldArgs feeds the shared "field" template: a labelled input with its
// error beside it and the value the user typed kept.
type FieldArgs struct {
	P                       *Page
	Name, Label, Type, Hint string
	Value                   string
}

// NavItem is a link in the navigation.
type NavItem struct {
	Href, Label, Icon string
	Active            bool
}

// Page is what every page template receives.
type Page struct {
	Title  string
	Actor  *linli.Actor
	Lang   string // "zh" or "en"
	URL    *url.URL
	Nav    []NavItem
	Crumbs []NavItem
	Data   any
	// Errors and Error may be bilingual ("必填 / required", as linli.Error
	// carries them); Render shows only the page language's half.
	Errors map[string]string // field → reason, shown beside the field
	Error  string            // a message for the whole form
	Form   url.Values        // what the user typed, kept on error
	Flash  string
	Unread int // unread notifications, for the bell
	// Elder is 长辈模式 (elder mode): larger text and spacing, set by Render
	// from the account's choice or, for anyone, the browser's cookie.
	Elder bool
}

// Err returns the error message for a field.
func (p *Page) Err(field string) string { return p.Errors[field] }

// Val returns what the user typed for a field.
func (p *Page) Val(field string) string { return p.Form.Get(field) }

// Renderer renders pages in Chinese or English.
type Renderer struct {
	sets    map[string]map[string]*template.Template // lang → page → template
	catalog map[string]string                        // every catalogue merged (the layout's, then each capability's)
	// own is each capability's catalogue by its page prefix: its pages
	// look there first, so a word two capabilities translate differently
	// (编号: "Number" for a case, "No." for a delivery) shows each its own
	// English, whichever capability was registered last.
	own  map[string]map[string]string
	Zone *time.Location
	// Nav builds the navigation for an actor; set by the wiring.
	Nav func(a *linli.Actor, lang string) []NavItem
	// Unread counts an actor's unread notifications; set by the wiring.
	Unread func(r *http.Request, a *linli.Actor) int
	// Untranslated collects catalogue misses in tests.
	Untranslated func(s string)
}

// NewRenderer parses the layout with every capability's pages, once per
// language.
func NewRenderer(zone *time.Location, pages ...Pages) (*Renderer, error) {
	r := &Renderer{sets: map[string]map[string]*template.Template{}, catalog: map[string]string{}, own: map[string]map[string]string{}, Zone: zone}
	for k, v := range baseCatalog() {
		r.catalog[k] = v
	}
	for _, p := range pages {
		for k, v := range p.Catalog {
			r.catalog[k] = v
		}
		if p.Prefix == "" || len(p.Catalog) == 0 {
			continue
		}
		if r.own[p.Prefix] == nil {
			r.own[p.Prefix] = map[string]string{}
		}
		for k, v := range p.Catalog {
			r.own[p.Prefix][k] = v
		}
	}
	// Template functions share one namespace: a name two capabilities
	// define (or one that shadows a shared function) would make one of
	// them call the other's, so it is refused at start.
	owner := map[string]string{}
	for k := range r.funcs("zh") {
		owner[k] = "web"
	}
	for _, p := range pages {
		for k := range p.Funcs {
			if o, dup := owner[k]; dup {
				return nil, fmt.Errorf("template function %q is defined by both %s and %s", k, o, p.Prefix)
			}
			owner[k] = p.Prefix
		}
		if p.LangFuncs == nil {
			continue
		}
		for k := range p.LangFuncs("zh", func(s string) string { return s }) {
			if o, dup := owner[k]; dup {
				return nil, fmt.Errorf("template function %q is defined by both %s and %s", k, o, p.Prefix)
			}
			owner[k] = p.Prefix
		}
	}
	for _, lang := range []string{"zh", "en"} {
		fm := r.funcs(lang)
		for _, p := range pages {
			for k, f := range p.Funcs {
				fm[k] = f
			}
			if p.LangFuncs != nil {
				for k, f := range p.LangFuncs(lang, r.tOf(p.Prefix, lang)) {
					fm[k] = f
				}
			}
		}
		base, err := template.New("layout").Funcs(fm).ParseFS(layoutFS, "templates/*.html")
		if err != nil {
			return nil, err
		}
		set := map[string]*template.Template{}
		// The layout's own templates include the error page.
		errPage, err := base.Clone()
		if err != nil {
			return nil, err
		}
		set["web/error.html"] = errPage
		confirm, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := confirm.New("confirm.html").Parse(confirmPage); err != nil {
			return nil, err
		}
		set["web/confirm.html"] = confirm
		for _, p := range pages {
			if p.FS == nil {
				continue
			}
			files, err := fs.Glob(p.FS, "*.html")
			if err != nil {
				return nil, err
			}
			// Files named _*.html are partials shared by the capability's
			// pages, not pages themselves.
			capBase, err := base.Clone()
			if err != nil {
				return nil, err
			}
			// The capability's pages translate with its own catalogue first.
			capBase.Funcs(template.FuncMap{"t": r.tOf(p.Prefix, lang)})
			var pagesOnly []string
			for _, f := range files {
				if !strings.HasPrefix(f, "_") {
					pagesOnly = append(pagesOnly, f)
					continue
				}
				b, err := fs.ReadFile(p.FS, f)
				if err != nil {
					return nil, err
				}
				if _, err := capBase.New(f).Parse(string(b)); err != nil {
					return nil, fmt.Errorf("%s/%s: %w", p.Prefix, f, err)
				}
			}
			for _, f := range pagesOnly {
				t, err := capBase.Clone()
				if err != nil {
					return nil, err
				}
				b, err := fs.ReadFile(p.FS, f)
				if err != nil {
					return nil, err
				}
				if _, err := t.New(f).Parse(string(b)); err != nil {
					return nil, fmt.Errorf("%s/%s: %w", p.Prefix, f, err)
				}
				set[p.Prefix+"/"+f] = t
			}
		}
		r.sets[lang] = set
	}
	return r, nil
}

// linkRels names each link relation as seen from the record it came out
// of and from the record it led to.
var linkRels = map[string][2]string{
	"action":    {"会议待办转为案件", "来自会议待办"},
	"complaint": {"施工期间的投诉", "所涉项目"},
	"mediation": {"转入人民调解", "来自案件"},
	"vote":      {"意见征询表决", "所属项目"},
	"meeting":   {"协调会", "所属项目"},
	"visit":     {"入户走访", "走访事项"},
	"origin":    {"由此产生", "来源"},
	"hazard":    {"排查隐患转为案件", "来自专项排查"},
}

// InLanguage picks the half of a "中文 / English" text — the form of
// linli.Error messages and field reasons — for the language (the last
// " / " divides them, so the Chinese half may hold one); text without
// " / " is returned as it is.
func InLanguage(text, lang string) string {
	i := strings.LastIndex(text, " / ")
	if i < 0 {
		return text
	}
	if lang == "en" {
		return strings.TrimSpace(text[i+3:])
	}
	return strings.TrimSpace(text[:i])
}

// PairIn is InLanguage for stored text that may or may not be a pair (a
// note the system wrote as "中文 / English" beside notes people typed): it
// splits only where the text looks like a pair — Chinese before the last
// " / ", an English sentence after it (it starts with a Latin letter; the
// names inside may be Chinese) — so a typed "甲 / 乙" stays whole.
func PairIn(text, lang string) string {
	i := strings.LastIndex(text, " / ")
	if i < 0 || !hanRE.MatchString(text[:i]) || !latinStartRE.MatchString(text[i+3:]) {
		return text
	}
	return InLanguage(text, lang)
}

var latinStartRE = regexp.MustCompile(`^\s*[A-Za-z]`)

// T translates Chinese text for the language.
func (r *Renderer) T(lang, s string) string { return r.TIn("", lang, s) }

// TIn translates Chinese text for the language as the capability whose
// pages are named prefix/… says it: its own catalogue first, then every
// catalogue (the layout's words, another capability's crumb).
func (r *Renderer) TIn(prefix, lang, s string) string {
	if lang != "en" {
		return s
	}
	if e, ok := r.lookup(prefix, s); ok {
		return e
	}
	if r.Untranslated != nil {
		r.Untranslated(s)
	}
	return s
}

// lookup is the English of s for the capability's pages, if a catalogue
// has it.
func (r *Renderer) lookup(prefix, s string) (string, bool) {
	if e, ok := r.own[prefix][s]; ok {
		return e, true
	}
	e, ok := r.catalog[s]
	return e, ok
}

// tOf is TIn for one capability and language, as a template function.
func (r *Renderer) tOf(prefix, lang string) func(string) string {
	return func(s string) string { return r.TIn(prefix, lang, s) }
}

// Colon returns the template function colon of a language: it follows a
// label, the full-width "：" in Chinese, ": " in English. Templates with
// functions of their own (a poster, a print) use it too.
func Colon(lang string) func() string {
	if lang == "en" {
		return func() string { return ": " }
	}
	return func() string { return "：" }
}

func (r *Renderer) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":     func(s string) string { return r.T(lang, s) },
		"lang":  func() string { return lang },
		"colon": Colon(lang),
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			t = t.In(r.Zone)
			if lang == "en" {
				return t.Format("2006-01-02")
			}
			return t.Format("2006年1月2日")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(r.Zone).Format("2006-01-02 15:04")
		},
		"role": func(ro linli.Role) string {
			if lang == "en" {
				return ro.LabelEN()
			}
			return ro.Label()
		},
		"roles": linli.Roles,
		"initial": func(s string) string {
			for _, c := range s {
				return string(c)
			}
			return "?"
		},
		"add": func(a, b int) int { return a + b },
		// inLang shows the page language's half of a bilingual message.
		"inLang": func(s string) string { return InLanguage(s, lang) },
		// pairIn shows a stored text's half when it is a pair (PairIn).
		"pairIn": func(s string) string { return PairIn(s, lang) },
		// linkRel names a link's relation from the page's side: out is
		// true when the linked record came out of this one.
		"linkRel": func(rel string, out bool) string {
			zh, ok := linkRels[rel]
			if !ok {
				zh = [2]string{"关联", "关联"}
			}
			if out {
				return r.T(lang, zh[0])
			}
			return r.T(lang, zh[1])
		},
		// linkTitle is a linked record's title with the kind its owner
		// put before it ("协调会：…", "人民调解 …") in the page's language.
		"linkTitle": func(title string) string {
			if lang != "en" {
				return title
			}
			for _, sep := range [][2]string{{"：", ": "}, {" ", " "}} {
				if head, tail, ok := strings.Cut(title, sep[0]); ok {
					if e, ok := r.catalog[head]; ok && e != "" {
						return e + sep[1] + tail
					}
				}
			}
			return title
		},
		// linkState is a linked record's state ("已结束 · 有效通过") in the
		// page's language, part by part.
		"linkState": func(state string) string {
			if lang != "en" {
				return state
			}
			parts := strings.Split(state, " · ")
			for i, p := range parts {
				if strings.HasPrefix(p, "¥") { // an amount, not a word
					continue
				}
				parts[i] = r.T(lang, p)
			}
			return strings.Join(parts, " · ")
		},
		"num": func(n int) string { // thousands separators
			s := fmt.Sprint(n)
			var b strings.Builder
			for i, c := range s {
				if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
					b.WriteByte(',')
				}
				b.WriteRune(c)
			}
			return b.String()
		},
		"fieldArgs": func(p *Page, name, label, typ, hint string) FieldArgs {
			return FieldArgs{P: p, Name: name, Label: label, Type: typ, Hint: hint, Value: p.Val(name)}
		},
		// fieldArgsV is fieldArgs for an edit form: the current value,
		// unless this form was posted back with an error.
		"fieldArgsV": func(p *Page, name, label, typ, hint string, current any, edit bool) FieldArgs {
			v := fmt.Sprint(current)
			if _, posted := p.Form[name]; posted && edit {
				v = p.Val(name)
			}
			if v == "0" && typ == "number" && !edit {
				v = ""
			}
			return FieldArgs{P: p, Name: name, Label: label, Type: typ, Hint: hint, Value: v}
		},
		"query": func(u *url.URL, k, v string) string {
			q := u.Query()
			q.Set(k, v)
			return u.Path + "?" + q.Encode()
		},
	}
}

// Lang returns the language of a request: the "lang" cookie, else Chinese.
func Lang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && c.Value == "en" {
		return "en"
	}
	return "zh"
}

// ElderCookie remembers 长辈模式 (elder mode) in a browser: for visitors
// without an account, and on the login page after logging out.
const ElderCookie = "elder"

// Elder reports whether a request's pages are in 长辈模式: the account
// chose it (remembered across sessions), or this browser did.
func Elder(r *http.Request, a *linli.Actor) bool {
	if a != nil && a.Elder {
		return true
	}
	c, err := r.Cookie(ElderCookie)
	return err == nil && c.Value == "1"
}

// Render writes a page with the status.
func (r *Renderer) Render(w http.ResponseWriter, req *http.Request, status int, name string, p *Page) {
	lang := Lang(req)
	t, ok := r.sets[lang][name]
	if !ok {
		http.Error(w, "no template "+name, http.StatusInternalServerError)
		return
	}
	p.Lang, p.URL = lang, req.URL
	p.Error, p.Errors = InLanguage(p.Error, lang), errorsIn(p.Errors, lang)
	prefix, _, _ := strings.Cut(name, "/")
	p.Flash = r.flashIn(prefix, p.Flash, lang)
	p.Crumbs = r.crumbsIn(prefix, p.Crumbs, lang)
	if p.Actor == nil {
		p.Actor = ActorFrom(req.Context())
	}
	if r.Nav != nil && p.Actor != nil && p.Nav == nil {
		p.Nav = r.Nav(p.Actor, lang)
		for i := range p.Nav {
			h := p.Nav[i].Href
			p.Nav[i].Active = req.URL.Path == h || (h != "/" && strings.HasPrefix(req.URL.Path, h))
		}
	}
	if r.Unread != nil && p.Actor != nil {
		p.Unread = r.Unread(req, p.Actor)
	}
	p.Elder = Elder(req, p.Actor)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		slog.ErrorContext(req.Context(), "render", "page", name, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// flashIn is a flash message in the page's language. Handlers write a
// flash as a "中文 / English" pair (or plain Chinese the catalogue knows);
// many pages take it from the URL as it came, so the renderer picks the
// half here, once for every page — a Chinese page never shows the pair.
func (r *Renderer) flashIn(prefix, msg, lang string) string {
	if msg == "" {
		return msg
	}
	msg = InLanguage(msg, lang)
	if lang == "en" && hanRE.MatchString(msg) {
		return r.TIn(prefix, lang, msg)
	}
	return msg
}

var hanRE = regexp.MustCompile(`\p{Han}`)

// crumbsIn is the breadcrumbs in the page's language: a crumb the
// catalogue knows ("民生实事项目", "人民调解") is interface and translated;
// any other (a place, a project's title) is data and kept. A new slice:
// handlers may share theirs between requests.
func (r *Renderer) crumbsIn(prefix string, cs []NavItem, lang string) []NavItem {
	if lang != "en" || len(cs) == 0 {
		return cs
	}
	out := make([]NavItem, len(cs))
	for i, c := range cs {
		if e, ok := r.lookup(prefix, c.Label); ok && e != "" {
			c.Label = e
		}
		out[i] = c
	}
	return out
}

// errorsIn is the field reasons in the page's language (a new map: the
// caller's is left as it is).
func errorsIn(errs map[string]string, lang string) map[string]string {
	if len(errs) == 0 {
		return errs
	}
	out := make(map[string]string, len(errs))
	for f, reason := range errs {
		out[f] = InLanguage(reason, lang)
	}
	return out
}

// Error renders an error page with the status of err.
func (r *Renderer) Error(w http.ResponseWriter, req *http.Request, err error) {
	p := ProblemOf(req, err)
	SetRetryAfter(w, err)
	r.Render(w, req, p.Status, "web/error.html", &Page{Title: fmt.Sprint(p.Status), Data: p})
}

// FormErrors turns a validation error into field → reason for a form,
// and the message for the whole form. Non-validation errors give nil.
func FormErrors(err error) (map[string]string, string) {
	code := linli.ErrorCode(err)
	if code == linli.EInternal || code == linli.EForbidden || code == linli.ENotFound {
		return nil, ""
	}
	m := map[string]string{}
	for _, f := range linli.ErrorFields(err) {
		if m[f.Field] == "" {
			m[f.Field] = f.Reason
		}
		// "photos[2]" is shown beside the form's "photos" input.
		if base, _, ok := strings.Cut(f.Field, "["); ok && m[base] == "" {
			m[base] = f.Reason
		}
	}
	return m, linli.ErrorMessage(err)
}
