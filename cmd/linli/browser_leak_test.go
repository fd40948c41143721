package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// switchUser signs the tab out (drops the session cookie) and in again as
// another demo account.
func (b *tab) switchUser(username string) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		b.t.Fatalf("sign out: %v", err)
	}
	b.login(username)
}

// submit clicks a button that posts a form and checks the page it leads to.
func (b *tab) submit(css string) {
	b.t.Helper()
	// Centre the button first: on a phone the bottom bar could cover it.
	if !eval[bool](b, `(function(){var e=document.querySelector(`+strconv.Quote(css)+`); if(!e) return false; e.scrollIntoView({block:"center"}); return true})()`) {
		b.t.Fatalf("no %s on %s; actions: %s", css, b.path(), eval[string](b, `(document.querySelector("[data-test=actions]")||document.body).innerText.slice(0,500)`))
	}
	if st := b.load("click "+css, chromedp.Click(chromedp.CSS(css))); st != 200 {
		b.t.Fatalf("click %s: status %d at %s: %s", css, st, b.path(),
			eval[string](b, `(document.querySelector("[data-test=action-error],.alert")||{}).textContent||""`))
	}
}

// tap activates an element that does not load a page (a radio button, a
// <summary>) the way a finger does, whatever covers it on a small screen.
func (b *tab) tap(css string) {
	b.t.Helper()
	if !eval[bool](b, `(function(){var e=document.querySelector(`+strconv.Quote(css)+`); if(!e) return false; e.click(); return true})()`) {
		b.t.Fatalf("tap %s: no such element on %s", css, b.path())
	}
}

// photo writes a small real PNG, as a phone camera would deliver a file.
func photo(t *testing.T, name string, c color.RGBA) string {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			m.Set(x, y, color.RGBA{c.R, uint8(int(c.G) + x), c.B, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(f, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBrowserLeakStory runs the demo's Jixiang leak end to end on a phone:
// the downstairs resident reports the leak with a photo, staff register and
// dispatch it, the grid worker reports in and records the repair with a
// photo, staff verify and close, the resident rates it, and the
// community's statistics change.
func TestBrowserLeakStory(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTab(t, s)
	if b == nil {
		return
	}
	b.mobile()

	// The community's figures before.
	b.login("jixiang")
	b.open("/stats?period=30d")
	closedBefore, _ := strconv.Atoi(strings.ReplaceAll(b.text("[data-test=closed]"), ",", ""))

	// 1. The resident of 2单元402 reports: category, photo, a sentence.
	b.switchUser("jxresident")
	b.open("/report")
	b.tap("[data-test=cat-water_leak]")
	b.do("attach a photo", chromedp.SetUploadFiles(chromedp.ID("photos"), []string{photo(t, "ceiling.png", color.RGBA{200, 80, 60, 255})}))
	// The page sends the photo as soon as it is chosen; the button waits for it.
	b.do("wait for the photo's upload", chromedp.WaitVisible(chromedp.CSS("[data-test=kept-photo]")))
	b.do("say what is wrong", chromedp.SendKeys(chromedp.ID("f-title"), "楼上下水管漏水，我家卫生间天花板渗水"))
	b.submit("[data-test=submit-report]")
	if !strings.HasPrefix(b.path(), "/cases/") {
		t.Fatalf("after reporting the browser is at %s", b.path())
	}
	casePath := b.path()
	if got := b.text("[data-test=state]"); got != "待受理" {
		t.Fatalf("new case state %q", got)
	}
	if n := b.count("[data-test=photo]"); n != 1 {
		t.Fatalf("photos on the case: %d, want 1", n)
	}

	// 2. Community staff register and dispatch (to the grid, by the rule).
	b.switchUser("jixiang")
	b.open(casePath)
	b.submit("[data-test=act-accept]")
	b.tap("[data-test=open-dispatch]")
	b.submit("[data-test=act-dispatch]")
	if got := b.text("[data-test=state]"); got != "已派遣" {
		t.Fatalf("after dispatch: %q", got)
	}

	// 3. The grid worker finds it in "my tasks", reports in and records
	// the repair with a result photo.
	b.switchUser("jxgrid")
	b.open("/tasks")
	if b.count("[data-test=task-link]") == 0 {
		t.Fatal("the dispatched case is not in the grid worker's tasks")
	}
	b.open(casePath)
	b.submit("[data-test=act-acknowledge]")
	b.tap("[data-test=open-handle]")
	b.do("describe the repair", chromedp.SendKeys(chromedp.ID("f-result"), "协调楼上住户更换下水管接头，天花板已修补"))
	b.do("attach a result photo", chromedp.SetUploadFiles(chromedp.ID("f-rphotos"), []string{photo(t, "fixed.png", color.RGBA{60, 160, 90, 255})}))
	b.submit("[data-test=act-handle]")
	if got := b.text("[data-test=state]"); got != "待核查" {
		t.Fatalf("after handling: %q", got)
	}
	if b.count("[data-test=act-verify]") != 0 {
		t.Fatal("the handler is offered verification of their own work")
	}

	// 4. Staff verify and close.
	b.switchUser("jixiang")
	b.open(casePath)
	b.submit("[data-test=act-verify]")
	// Closing asks first (a dialog naming the consequence); say yes.
	eval[any](b, `window.confirm = function () { return true }`) // accept the confirmation
	b.submit("[data-test=act-close]")
	if got := b.text("[data-test=state]"); got != "已结案" {
		t.Fatalf("after closing: %q", got)
	}

	// 5. The resident rates it.
	b.switchUser("jxresident")
	b.open(casePath)
	b.tap("[data-test=rate-satisfied]")
	b.submit("[data-test=act-rate]")
	if got := b.text("[data-test=rating]"); !strings.HasPrefix(got, "满意") {
		t.Fatalf("rating shown %q", got)
	}
	if n := b.count("[data-test=photo]"); n != 2 {
		t.Fatalf("photos on the case: %d, want 2 (report and result)", n)
	}

	// 6. The community's statistics changed.
	b.switchUser("jixiang")
	b.open("/stats?period=30d")
	closedAfter, _ := strconv.Atoi(strings.ReplaceAll(b.text("[data-test=closed]"), ",", ""))
	if closedAfter != closedBefore+1 {
		t.Fatalf("closed cases %d → %d, want +1", closedBefore, closedAfter)
	}
}
