package web

import (
	_ "embed"
	"net/http"
	"net/url"
)

// An action that cannot be undone (closing a vote, closing a case) is not
// taken on the first click. The page's form posts as usual; the handler,
// seeing no confirm=1, answers with a confirmation page that names the
// consequence ("结束后不能再投票，当前 0/10 户") and posts the same fields
// again with confirm=1. Nothing changes until then, and it works without
// JavaScript; app.js asks the same question in a dialog first (the form's
// data-confirm) and then sends confirm=1 itself, so the page is skipped.
// The JSON API takes no confirmation: an integration has decided already.

//go:embed pages/confirm.html
var confirmPage string

// Confirmation describes the confirmation page. Texts may be bilingual
// ("中文 / English"); the page shows the reader's half.
type Confirmation struct {
	Title       string
	Consequence string     // what changes for good, with the figures
	Action      string     // where the form posts again
	Fields      url.Values // the first post's fields, sent again
	Button      string
	Back        string // a local page to return to without acting
}

// Confirmed reports whether a form post carries the confirmation.
func Confirmed(r *http.Request) bool { return r.FormValue("confirm") == "1" }

// Confirm renders the confirmation page (200: nothing went wrong, nothing
// happened yet).
func (r *Renderer) Confirm(w http.ResponseWriter, req *http.Request, c Confirmation) {
	c.Back = LocalPath(c.Back, "/")
	r.Render(w, req, http.StatusOK, "web/confirm.html", &Page{Title: InLanguage(c.Title, Lang(req)), Data: c})
}
