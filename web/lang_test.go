package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"linli"
	"linli/web"
	"linli/web/webtest"
)

// formPages is a capability with one form that prints the form's message
// and a field's reason the way the capabilities' templates do, plainly
// ({{.Error}}, {{.Err "x"}}) and through web's "field" partial.
func formPages() web.Pages {
	return web.Pages{Prefix: "form", Catalog: map[string]string{"名称": "Name", "备注": "Note"},
		FS: fstest.MapFS{
			"form.html": {Data: []byte(`{{define "title"}}form{{end}}{{define "content"}}` +
				`{{if .Error}}<div class="alert" data-test="msg">{{.Error}}</div>{{end}}` +
				`<p data-test="plain">{{.Err "note"}}</p>` +
				`{{template "field" (fieldArgs . "name" "名称" "text" "")}}{{end}}`)},
		}}
}

// Messages and field reasons are bilingual ("必填 / required"); the page
// shows only its language's half, for every capability's form and for the
// error page, without each template having to ask for it.
func TestMessagesInPageLanguage(t *testing.T) {
	s := webtest.New(t, formPages())
	refused := linli.Invalid("请填写名称 / name is required",
		linli.FieldError{Field: "name", Reason: "必填 / required"},
		linli.FieldError{Field: "note", Reason: "太长 / too long"})
	s.Router.Page("POST /form", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		return s.Renderer.FormFailed(w, r, refused, "form/form.html", func() (*web.Page, error) {
			return &web.Page{Title: "form"}, nil
		})
	})
	s.Router.Page("GET /taken", web.LoggedIn, func(w http.ResponseWriter, r *http.Request) error {
		return linli.Errorf(linli.EConflict, "名称已被使用 / name already in use")
	})
	zh := s.As(t, staff)
	for _, tc := range []struct {
		c          *webtest.Client
		want, lack []string
	}{
		{zh, []string{"请填写名称", "必填", "太长", "名称已被使用"}, []string{"required", "too long", "already in use", " / "}},
		{zh.English(), []string{"name is required", "required", "too long", "name already in use"}, []string{"必填", "请填写", "太长", "已被使用", " / "}},
	} {
		form := tc.c.PostForm("/form", url.Values{"name": {""}})
		if form.Status != http.StatusUnprocessableEntity {
			t.Fatalf("refused form: %d, want 422", form.Status)
		}
		taken := tc.c.Get("/taken")
		if taken.Status != http.StatusConflict {
			t.Fatalf("error page: %d, want 409", taken.Status)
		}
		body := content(form.String()) + content(taken.String())
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("the pages lack %q: %s", w, body)
			}
		}
		for _, l := range tc.lack {
			if strings.Contains(body, l) {
				t.Errorf("the pages show %q in the other language: %s", l, body)
			}
		}
	}
}

// content is the page's main part (the layout's own text has slashes of
// its own, in URLs and scripts).
func content(page string) string {
	_, after, ok := strings.Cut(page, "<main")
	if !ok {
		return page
	}
	before, _, _ := strings.Cut(after, "</main>")
	return before
}
