package web_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"linli"
	"linli/web"
	"linli/web/webtest"
)

// The language is the "lang" cookie when it says English, else Chinese.
func TestLang(t *testing.T) {
	for cookie, want := range map[string]string{"": "zh", "en": "en", "zh": "zh", "fr": "zh", "EN": "zh"} {
		r := httptest.NewRequest("GET", "/", nil)
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: "lang", Value: cookie})
		}
		if got := web.Lang(r); got != want {
			t.Errorf("lang cookie %q: %s, want %s", cookie, got, want)
		}
	}
}

// notesPages is a capability of one page, written in Chinese with its
// English catalogue, and one text the catalogue lacks.
func notesPages() web.Pages {
	return web.Pages{Prefix: "notes", Catalog: map[string]string{"便签": "Notes", "今天": "Today"},
		FS: fstest.MapFS{
			"_row.html":  {Data: []byte(`{{define "row"}}<li>{{.}}</li>{{end}}`)},
			"notes.html": {Data: []byte(`{{define "title"}}{{t "便签"}}{{end}}{{define "content"}}<h1>{{t "便签"}}</h1><p class="day">{{t "今天"}} {{date .Data.At}}</p><p class="lost">{{t "没有译文"}}</p><ul>{{range .Data.Items}}{{template "row" .}}{{end}}</ul><p class="role">{{role "grid_worker"}}</p>{{end}}`)},
		}}
}

// A page renders inside the shared layout in the request's language: the
// capability's text through its catalogue, the layout's through web's,
// dates and roles in that language; the navigation marks where one is.
func TestRender(t *testing.T) {
	s := webtest.New(t, notesPages())
	s.Renderer.Nav = func(a *linli.Actor, lang string) []web.NavItem {
		return []web.NavItem{{Href: "/", Label: s.Renderer.T(lang, "首页")}, {Href: "/notes", Label: s.Renderer.T(lang, "便签")}}
	}
	at := time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC) // 1 December in Beijing
	s.Router.Page("GET /notes", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		s.Renderer.Render(w, r, http.StatusAccepted, "notes/notes.html", &web.Page{Title: "便签",
			Data: map[string]any{"At": at, "Items": []string{"<b>买菜</b>"}}})
		return nil
	})
	zh := s.As(t, staff)
	for _, tc := range []struct {
		c    *webtest.Client
		want []string
	}{
		{zh, []string{`<html lang="zh-CN">`, "<title>便签 · 邻里</title>", "<h1>便签</h1>", "今天 2026年12月1日", "跳到正文", "网格员", "没有译文"}},
		{zh.English(), []string{`<html lang="en">`, "<title>Notes · Linli</title>", "<h1>Notes</h1>", "Today 2026-12-01", "Skip to content", "Grid worker", ">Home<"}},
	} {
		res := tc.c.Get("/notes")
		if res.Status != http.StatusAccepted || res.Header.Get("Content-Type") != "text/html; charset=utf-8" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%d %q %q, want 202 HTML not to be cached", res.Status, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
		}
		body := res.String()
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("the page lacks %q: %s", w, body)
			}
		}
		// Data is escaped; the partial of the capability is found.
		if !strings.Contains(body, "<li>&lt;b&gt;买菜&lt;/b&gt;</li>") {
			t.Errorf("the list item is not rendered escaped: %s", body)
		}
		if !strings.Contains(body, `href="/notes" class="active"`) || strings.Contains(body, `href="/" class="active"`) {
			t.Errorf("the navigation does not mark /notes alone as current: %s", body)
		}
	}
	if got := s.Untranslated(); !slices.Equal(got, []string{"没有译文"}) {
		t.Errorf("untranslated %q, want only 没有译文", got)
	}
	// A page that was never parsed is a 500, not a blank page.
	s.Router.Page("GET /lost", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		s.Renderer.Render(w, r, http.StatusOK, "notes/lost.html", &web.Page{})
		return nil
	})
	if res := zh.Get("/lost"); res.Status != http.StatusInternalServerError {
		t.Errorf("unknown template: %d, want 500", res.Status)
	}
}

// Each capability's pages speak its own English: two capabilities
// translating one Chinese word differently (编号 is a case's "Number" but
// a delivery's "No.") each show theirs, in the page, its crumbs, its flash
// and its LangFuncs, whichever was registered last; a word only the
// layout or another capability knows is still found.
func TestEachCapabilityHasItsOwnEnglish(t *testing.T) {
	page := func(prefix, en string) web.Pages {
		return web.Pages{Prefix: prefix, Catalog: map[string]string{"编号": en, "已保存": en + " saved"},
			LangFuncs: func(lang string, tr func(string) string) template.FuncMap {
				return template.FuncMap{prefix + "Word": func() string { return tr("编号") }}
			},
			FS: fstest.MapFS{"p.html": {Data: []byte(`{{define "title"}}{{t "编号"}}{{end}}{{define "content"}}<b>{{t "编号"}}</b><i>{{` + prefix + `Word}}</i><u>{{t "便签"}}</u>{{end}}`)}}}
	}
	notes := notesPages()
	s := webtest.New(t, page("cases", "Number"), page("outbox", "No."), notes)
	for _, prefix := range []string{"cases", "outbox"} {
		s.Router.Page("GET /"+prefix, web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
			s.Renderer.Render(w, r, http.StatusOK, prefix+"/p.html", &web.Page{Title: "编号", Flash: "已保存",
				Crumbs: []web.NavItem{{Href: "/", Label: "编号"}}})
			return nil
		})
	}
	en := s.As(t, staff).English()
	for prefix, word := range map[string]string{"cases": "Number", "outbox": "No."} {
		body := en.Get("/" + prefix).String()
		for _, want := range []string{"<b>" + word + "</b>", "<i>" + word + "</i>", word + " saved", ">" + word + "</a>", "<u>Notes</u>"} {
			if !strings.Contains(body, want) {
				t.Errorf("/%s lacks %q (its own English): %s", prefix, want, body)
			}
		}
	}
}

// Template functions share one namespace, so a capability may not take a
// name another one (or web) already has.
func TestRendererRefusesSharedFuncNames(t *testing.T) {
	f := template.FuncMap{"stars": func(int) string { return "" }}
	if _, err := web.NewRenderer(time.UTC, web.Pages{Prefix: "a", Funcs: f}, web.Pages{Prefix: "b", Funcs: f}); err == nil || !strings.Contains(err.Error(), "stars") {
		t.Errorf("two capabilities defining stars: %v, want an error naming it", err)
	}
	if _, err := web.NewRenderer(time.UTC, web.Pages{Prefix: "a", Funcs: template.FuncMap{"date": func() string { return "" }}}); err == nil {
		t.Error("a capability shadowing web's date function was accepted")
	}
	if _, err := web.NewRenderer(time.UTC, web.Pages{Prefix: "a", Funcs: f}); err != nil {
		t.Errorf("one capability's own function: %v", err)
	}
}

// InLanguage picks the half of a "中文 / English" message; the last " / "
// divides them.
func TestInLanguage(t *testing.T) {
	for _, tc := range []struct{ text, zh, en string }{
		{"必填 / required", "必填", "required"},
		{"甲 / 乙 / second half", "甲 / 乙", "second half"},
		{"只有中文", "只有中文", "只有中文"},
	} {
		if got := web.InLanguage(tc.text, "zh"); got != tc.zh {
			t.Errorf("InLanguage(%q, zh) = %q, want %q", tc.text, got, tc.zh)
		}
		if got := web.InLanguage(tc.text, "en"); got != tc.en {
			t.Errorf("InLanguage(%q, en) = %q, want %q", tc.text, got, tc.en)
		}
	}
}
