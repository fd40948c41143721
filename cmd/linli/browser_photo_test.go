package main

// The one photo viewer (web/static/gallery.js) on the pages that show
// photos: a case and a project. A thumbnail opens the photo large in a
// dialog named by its caption; → and ← step through, Escape closes and
// the focus returns to the thumbnail. Without the script a thumbnail is a
// plain link to the full picture.

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserPhotoViewer opens a photo, moves with the arrow key and closes
// with Escape, on a case page (two photos uploaded here) and the elevator
// project's page (its before and after photos).
func TestBrowserPhotoViewer(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	// A case with two photos, sent through the API as its handler would.
	id := fileReport(t, s, "楼道墙皮脱落")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i, size := range [][2]int{{64, 48}, {48, 64}} {
		part, err := mw.CreateFormFile("photos", fmt.Sprintf("p%d.jpg", i+1))
		if err != nil {
			t.Fatal(err)
		}
		part.Write([]byte(jpegPhoto(t, size[0], size[1])))
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	if st, out := s.login(t, "xueyuan").post(t, fmt.Sprintf("/api/cases/%d/photos", id), &body, mw.FormDataContentType()); st != http.StatusCreated && st != http.StatusOK {
		t.Fatalf("photos: %d %s", st, out)
	}
	var project int64
	if err := s.DB.QueryRow(t.Context(), `SELECT MIN(id) FROM projects`).Scan(&project); err != nil {
		t.Fatal(err)
	}

	b := openTab(t, s)
	if b == nil {
		return
	}
	b.login("xueyuan")
	for _, pg := range []struct{ path, thumb string }{
		{fmt.Sprintf("/cases/%d", id), "[data-gallery] a[data-full]"},
		{fmt.Sprintf("/projects/%d", project), "a[data-test=photo-open]"},
	} {
		b.do("desktop", chromedp.EmulateViewport(1366, 900))
		b.open(pg.path)
		n := b.count(pg.thumb)
		if n < 2 {
			t.Fatalf("%s: %d photos, want at least 2", pg.path, n)
		}
		// Without the script, each thumbnail is a link to the full picture.
		if !eval[bool](b, `Array.from(document.querySelectorAll(`+"`"+pg.thumb+"`"+`)).every(a => a.getAttribute("href") === a.dataset.full)`) {
			t.Errorf("%s: a thumbnail does not link to its full picture", pg.path)
		}
		if b.count(`script[src="/static/lightbox.js"]`) != 0 || b.count(`.lightbox`) != 0 {
			t.Errorf("%s: the old viewer is still there", pg.path)
		}
		src := func() string {
			return eval[string](b, `(d => d && d.open ? d.querySelector("img").getAttribute("src") : "")(document.querySelector("dialog.gallery"))`)
		}
		b.do("open the first photo", chromedp.Focus(chromedp.CSS(pg.thumb)), chromedp.KeyEvent("\r"))
		first := src()
		if first == "" || first != eval[string](b, `document.querySelector(`+"`"+pg.thumb+"`"+`).dataset.full`) {
			t.Fatalf("%s: the photo did not open (src %q)", pg.path, first)
		}
		if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`(i => i.complete && i.naturalWidth > 0)(document.querySelector("dialog.gallery img"))`,
			chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Errorf("%s: the large photo does not load: %v", pg.path, err)
		}
		// The dialog is named by the photo's caption, modal, and holds the
		// focus (not a button the opening Enter would press as well).
		if !eval[bool](b, `document.activeElement === document.querySelector("dialog.gallery")`) {
			t.Errorf("%s: the focus is on %s, not the dialog", pg.path, eval[string](b, `document.activeElement.outerHTML.slice(0, 80)`))
		}
		name := eval[string](b, `(d => { const l = d.getAttribute("aria-labelledby"); return l ? document.getElementById(l).textContent : "" })(document.querySelector("dialog.gallery"))`)
		if strings.TrimSpace(name) == "" || !eval[bool](b, `document.querySelector("dialog.gallery").matches(":modal")`) {
			t.Errorf("%s: the dialog is named %q (modal %v)", pg.path, name, eval[bool](b, `document.querySelector("dialog.gallery").matches(":modal")`))
		}
		if got := eval[string](b, `document.querySelector(".gallery-count").textContent`); got != fmt.Sprintf("1 / %d", n) {
			t.Errorf("%s: the count reads %q", pg.path, got)
		}
		b.do("next photo", chromedp.KeyEvent(kb.ArrowRight))
		if second := src(); second == first || second == "" {
			t.Errorf("%s: → did not move on (%q)", pg.path, second)
		}
		if got := eval[string](b, `document.querySelector(".gallery-count").textContent`); got != fmt.Sprintf("2 / %d", n) {
			t.Errorf("%s: after →, the count reads %q", pg.path, got)
		}
		b.do("previous photo", chromedp.KeyEvent(kb.ArrowLeft))
		if back := src(); back != first {
			t.Errorf("%s: ← did not come back (%q, want %q)", pg.path, back, first)
		}
		// A swipe to the left on the picture moves on, to the right back.
		swipe := func(dx int) {
			eval[any](b, fmt.Sprintf(`(i => { const o = {clientX: 400, clientY: 300, pointerType: "touch", bubbles: true};
				i.dispatchEvent(new PointerEvent("pointerdown", o)); i.dispatchEvent(new PointerEvent("pointerup", {...o, clientX: 400 + %d})) })(document.querySelector("dialog.gallery img"))`, dx))
		}
		swipe(-120)
		if second := src(); second == first || second == "" {
			t.Errorf("%s: a swipe to the left did not move on (%q)", pg.path, second)
		}
		swipe(120)
		if back := src(); back != first {
			t.Errorf("%s: a swipe to the right did not come back (%q)", pg.path, back)
		}
		b.do("Escape", chromedp.KeyEvent(kb.Escape))
		if eval[bool](b, `document.querySelector("dialog.gallery").open`) {
			t.Errorf("%s: Escape left the photo open", pg.path)
		}
		if !eval[bool](b, `document.activeElement === document.querySelector(`+"`"+pg.thumb+"`"+`)`) {
			t.Errorf("%s: after closing, the focus is on %s, not the thumbnail", pg.path, eval[string](b, `document.activeElement.outerHTML.slice(0, 80)`))
		}
	}
}
