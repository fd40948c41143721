package main

// Browser tests: the pages people use, driven through headless Chromium the
// way a person drives them — typing into the login form, clicking links,
// uploading a file. They run on SQLite only; the HTTP and storage suites
// already cover PostgreSQL, and what is tested here is the page.
//
// Chromium is found through $LINLI_CHROMIUM, /usr/bin/chromium or
// chromium/chromium-browser on PATH. Without one the tests skip, or fail
// under LINLI_TEST_STRICT=1 (CI), so a runner without a browser cannot pass
// silently.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"linli/registry/ledger"
	"linli/storage/storagetest"
)

// browserTimeout bounds each browser test, browser start included. It is
// generous: CI machines are slow and go test runs packages side by side.
const browserTimeout = 30 * time.Second

// chromiumPath finds the browser, or returns "".
func chromiumPath() string {
	if p := os.Getenv("LINLI_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// tab is one headless Chromium tab pointed at a test server.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// openTab starts a fresh Chromium (its own profile directory) for one test.
func openTab(t *testing.T, s *testServer) *tab {
	t.Helper()
	return openTabFor(t, s, browserTimeout)
}

// openTabFor is openTab for a test that needs longer than browserTimeout
// (a crawl over many pages).
func openTabFor(t *testing.T, s *testServer, timeout time.Duration) *tab {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		storagetest.SkipOrFail(t, "no Chromium: install chromium or set LINLI_CHROMIUM to the browser's path")
		return nil
	}
	profile := filepath.Join(t.TempDir(), "profile")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true), // containers have a tiny /dev/shm
		chromedp.WindowSize(1280, 900),               // desktop layout unless a test emulates a phone
		chromedp.UserDataDir(profile),
	)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		bcancel()
		acancel() // waits for the browser process to end
		cancel()
		// Chromium's helpers may still be writing for a moment after the
		// browser exits; t.TempDir's own removal must not race them.
		for i := 0; i < 50; i++ {
			if err := os.RemoveAll(profile); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return &tab{t: t, ctx: bctx, base: s.URL}
}

// do runs steps that need no page load, failing the test on error.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// load runs steps that start a navigation (a click on a link, a submit)
// and waits for the new page; it returns the page's HTTP status.
func (b *tab) load(what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if res == nil {
		b.t.Fatalf("%s: no response", what)
	}
	return res.Status
}

// open navigates to a path of the server.
func (b *tab) open(path string) {
	b.t.Helper()
	if st := b.load("open "+path, chromedp.Navigate(b.base+path)); st != 200 {
		b.t.Fatalf("open %s: status %d", path, st)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](b *tab, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// count is the number of elements matching a CSS selector.
func (b *tab) count(css string) int {
	b.t.Helper()
	return eval[int](b, fmt.Sprintf("document.querySelectorAll(%s).length", strconv.Quote(css)))
}

// text is the visible text of the first element matching a CSS selector,
// waiting for it to be shown.
func (b *tab) text(css string) string {
	b.t.Helper()
	b.do("wait for "+css, chromedp.WaitVisible(chromedp.CSS(css)))
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// path is the path of the current page.
func (b *tab) path() string {
	b.t.Helper()
	return eval[string](b, "location.pathname")
}

// follow clicks the link with exactly this text inside the element marked
// data-test=scope (an XPath lookup: CSS cannot match text) and waits for
// the page it leads to.
func (b *tab) follow(scope, text string) {
	b.t.Helper()
	xp := fmt.Sprintf(`//*[contains(concat(" ", normalize-space(@data-test), " "), " %s ")]//a[normalize-space()=%q]`, scope, text)
	if st := b.load("click "+text, chromedp.Click(chromedp.Search(xp))); st != 200 {
		b.t.Fatalf("click %s: status %d at %s", text, st, b.path())
	}
}

// login signs in through the login form, as a person does.
func (b *tab) login(username string) {
	b.t.Helper()
	b.open("/login")
	b.do("fill the login form",
		chromedp.SendKeys(chromedp.ID("login"), username),
		chromedp.SendKeys(chromedp.ID("password"), demoPassword),
	)
	if st := b.load("submit the login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`))); st != 200 {
		b.t.Fatalf("login as %s: status %d", username, st)
	}
	if p := b.path(); p != "/" {
		b.t.Fatalf("after login as %s the browser is at %s, want / (login error: %q)", username, p,
			eval[string](b, `(document.querySelector("[data-test=login-error]")||{}).textContent||""`))
	}
}

// mobile makes the tab a phone-sized touch screen, as grid workers use.
func (b *tab) mobile() {
	b.t.Helper()
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait))
}

// TestBrowserBuildingView walks, on a phone, from the home page to the
// building view of 荟萃花园南区 1号楼 by clicking, and checks the grid:
// 8 units × 6 floors × 2 households.
func TestBrowserBuildingView(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTab(t, s)
	b.mobile()
	b.login("xueyuan")

	// Home: the tile of the community xueyuan serves.
	if st := b.load("click 学苑社区", chromedp.Click(chromedp.Search(`//main//h3/a[normalize-space()="学苑社区"]`))); st != 200 {
		t.Fatalf("click 学苑社区: status %d", st)
	}
	b.follow("children", "第一网格")
	b.follow("children", "荟萃花园南区")
	b.follow("children", "1号楼")
	if st := b.load("click 楼栋视图", chromedp.Click(chromedp.CSS(`a[data-test=building-view]`))); st != 200 {
		t.Fatalf("click 楼栋视图: status %d at %s", st, b.path())
	}
	if p := b.path(); !strings.HasPrefix(p, "/buildings/") {
		t.Fatalf("after 楼栋视图 the browser is at %s, want /buildings/…", p)
	}
	if h := b.text("main h1"); !strings.Contains(h, "荟萃花园南区") || !strings.Contains(h, "1号楼") {
		t.Errorf("heading = %q, want 荟萃花园南区 · 1号楼", h)
	}
	b.do("wait for the grid", chromedp.WaitVisible(chromedp.CSS(`table[data-test=building-grid]`)))
	for _, c := range []struct {
		css  string
		want int
	}{
		{`table[data-test=building-grid] th[data-test=unit]`, 8},
		{`table[data-test=building-grid] tr[data-test=floor]`, 6},
		{`table[data-test=building-grid] a[data-test=household]`, 96},
	} {
		if got := b.count(c.css); got != c.want {
			t.Errorf("%s: %d, want %d", c.css, got, c.want)
		}
	}
	// On a phone the grid scrolls inside its box; the page itself must
	// not become wider than the screen.
	if w := eval[int](b, "document.documentElement.scrollWidth - window.innerWidth"); w > 0 {
		t.Errorf("on a 390 px phone the page is %d px wider than the screen", w)
	}

	// A picture for people to look at, not an assertion: the whole grid on
	// a desktop screen.
	b.do("desktop viewport", chromedp.EmulateViewport(1600, 1000))
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	out := filepath.Join(os.TempDir(), "linli-building.png")
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Logf("screenshot not saved: %v", err)
	} else {
		t.Logf("screenshot of the building view: %s", out)
	}
}

// TestBrowserFormErrorBesideField submits the "new grid" form of 学苑社区
// without a name: the error must show beside the name field, in the open
// form, and what was typed elsewhere must stay.
func TestBrowserFormErrorBesideField(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTab(t, s)
	b.login("xueyuan")
	if st := b.load("click 学苑社区", chromedp.Click(chromedp.Search(`//main//h3/a[normalize-space()="学苑社区"]`))); st != 200 {
		t.Fatalf("click 学苑社区: status %d", st)
	}
	form := `form[action$="/children"]`
	// The create form sits folded in a <details>; open it as a person does.
	b.do("open the create form",
		chromedp.Click(chromedp.Search(`//details[.//form[contains(@action, "/children")]]/summary`)),
		chromedp.WaitVisible(chromedp.CSS(form+` input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(form+` input[name=code]`), "XY-09"),
		chromedp.SendKeys(chromedp.CSS(form+` input[name=note]`), "浏览器测试"),
	)
	st := b.load("submit the create form", chromedp.Click(chromedp.CSS(form+` button[type=submit]`)))
	if st != 422 && st != 400 {
		t.Errorf("submit without a name: status %d, want 422 or 400", st)
	}
	msg := b.text(form + ` [data-test=err-name]`)
	if msg == "" {
		t.Fatal("the name error is empty")
	}
	// A Chinese page shows the reason's Chinese half only (it used to show
	// "名称必填 / name is required").
	if !strings.Contains(msg, "名称必填") || strings.Contains(msg, "required") || strings.Contains(msg, " / ") {
		t.Errorf("the name error on a Chinese page reads %q, want the Chinese half only", msg)
	}
	// Beside the field: in the same .field box as the name input, and
	// named by the input's aria-describedby.
	beside := eval[bool](b, `(() => {
		const e = document.querySelector('`+form+` [data-test=err-name]');
		const f = e.closest('.field');
		const in_ = f && f.querySelector('input[name=name]');
		return !!in_ && in_.getAttribute('aria-describedby') === e.id && in_.getAttribute('aria-invalid') === 'true';
	})()`)
	if !beside {
		t.Errorf("the error %q is not beside the name field", msg)
	}
	for name, want := range map[string]string{"code": "XY-09", "note": "浏览器测试"} {
		got, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(form+` input[name=`+name+`]`)))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("after the error, %s = %q, want the typed %q kept", name, got, want)
		}
	}
	var grids int
	if err := s.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM nodes WHERE kind = 'grid' AND code = 'XY-09'`).Scan(&grids); err != nil {
		t.Fatal(err)
	}
	if grids != 0 {
		t.Errorf("a grid without a name was saved")
	}
}

// TestBrowserLanguageSwitch switches the interface to English and back.
func TestBrowserLanguageSwitch(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTab(t, s)
	b.login("xueyuan")
	b.open("/households")

	b.load("switch to English", chromedp.Click(chromedp.CSS(`button[data-test=lang-en]`)))
	if p := b.path(); p != "/households" {
		t.Errorf("after switching language the browser is at %s, want to stay at /households", p)
	}
	if nav := b.text("nav.sidenav"); !strings.Contains(nav, "Households") || strings.Contains(nav, "住户") {
		t.Errorf("English nav = %q, want Households and no 住户", nav)
	}
	if lang := eval[string](b, "document.documentElement.lang"); lang != "en" {
		t.Errorf("English page: <html lang=%q>", lang)
	}

	b.load("switch back to 中文", chromedp.Click(chromedp.CSS(`button[data-test=lang-zh]`)))
	if nav := b.text("nav.sidenav"); !strings.Contains(nav, "住户") || strings.Contains(nav, "Households") {
		t.Errorf("Chinese nav = %q, want 住户 and no Households", nav)
	}
	if lang := eval[string](b, "document.documentElement.lang"); lang != "zh-CN" {
		t.Errorf("Chinese page: <html lang=%q>", lang)
	}
}

// TestBrowserImportRejectsBadRows uploads a ledger with three bad rows:
// the page lists each with its row number and nothing is imported.
func TestBrowserImportRejectsBadRows(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	ctx := context.Background()

	// Rows 2, 3 and 4, each wrong in one way.
	owner := func(name, phone, id string) []ledger.Member {
		return []ledger.Member{{Name: name, Relation: ledger.RelationOwner, IsOwner: true, Phone: phone, IDNumber: id}}
	}
	bad := []ledger.Household{
		{Estate: "荟萃花园南区", Building: "1号楼", Unit: "1单元", Floor: 0, Room: "901", AreaCenti: 8655, // no floor 0
			Members: owner("测试甲", "13800000001", "")},
		{Estate: "荟萃花园南区", Building: "1号楼", Unit: "1单元", Floor: 9, Room: "902", AreaCenti: 8655,
			Members: owner("测试乙", "12345", "")}, // not a phone number
		{Estate: "荟萃花园南区", Building: "1号楼", Unit: "1单元", Floor: 9, Room: "903", AreaCenti: 8655,
			Members: owner("测试丙", "13800000003", "140802198001010011")}, // wrong check digit
	}
	var buf bytes.Buffer
	if err := ledger.WriteXLSX(&buf, bad); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "坏台账.xlsx")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	households := func() int {
		var n int
		if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM households`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := households()

	b := openTab(t, s)
	b.login("xueyuan")
	if st := b.load("click 导入导出", chromedp.Click(chromedp.CSS(`nav.sidenav a[href="/import"]`))); st != 200 {
		t.Fatalf("click 导入导出: status %d", st)
	}
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
	b.load("upload", chromedp.Click(chromedp.CSS(`form[action="/import"] button[type=submit]`)))

	if b.count(`[data-test=import-problems]`) == 0 {
		t.Fatalf("no problems table after uploading bad rows; at %s the page says: %.600s", b.path(), eval[string](b, "document.querySelector('main').innerText"))
	}
	rows := eval[[]string](b, `Array.from(document.querySelectorAll('[data-test=import-problems] tbody tr'), tr => tr.cells[0].textContent.trim())`)
	if len(rows) < 3 {
		t.Errorf("problems table has %d rows, want at least 3", len(rows))
	}
	for _, want := range []string{"2", "3", "4"} {
		if !slices.Contains(rows, want) {
			t.Errorf("problems table row numbers %q: want row %s", rows, want)
		}
	}
	if n := b.count(`[data-test=import-result]`); n != 0 {
		t.Errorf("a rejected file shows an import result")
	}
	if after := households(); after != before {
		t.Errorf("households: %d before, %d after a rejected import", before, after)
	}
}
