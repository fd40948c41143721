package main

// Browser tests of the offline form queue (web/static/offline.js and the
// service worker web/static/sw.js, issue 11) on a page of their own: a
// form marked data-offline that posts multipart to a handler keeping one
// record per idempotency key, served with the real static handler, the
// real /sw.js and the real security headers (CSP).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"linli"
	"linli/web"
)

// finding is one record the test handler stored.
type finding struct {
	Key, Household, Note, PhotoName string
	Photo                           []byte
}

// findingServer keeps findings by idempotency key, as the contract of
// issue 11 asks of every data-offline form's handler: 201 for a new one,
// 200 with the same result for a key seen before, 409 for a conflict, 422
// for bad input. It can drop every connection (no network) or drop the
// connection after committing the next new finding (the answer is lost).
type findingServer struct {
	*httptest.Server
	mu       sync.Mutex
	down     bool
	dropNext bool
	fail     int  // answer every POST with this status, when set
	portal   bool // answer every POST with an HTML page, as a Wi-Fi login page does
	records  []finding
	hits     map[string]int // POSTs per key
	headers  map[string]string
	changed  chan struct{} // closed and replaced on every POST
}

func newFindingServer(t *testing.T) *findingServer {
	fs := &findingServer{hits: map[string]int{}, headers: map[string]string{}, changed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", web.Static())
	mux.Handle("GET /sw.js", web.ServiceWorker())
	mux.HandleFunc("GET /form", fs.page(true))
	mux.HandleFunc("GET /plain", fs.page(false))
	mux.HandleFunc("POST /findings", fs.post)
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/plain", http.StatusSeeOther) })
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		down := fs.down
		fs.mu.Unlock()
		if down {
			hangUp(w)
			return
		}
		securityHeaders(mux, "").ServeHTTP(w, r)
	}))
	t.Cleanup(fs.Close)
	return fs
}

// hangUp closes the connection without an answer: the browser sees a
// network error.
func hangUp(w http.ResponseWriter) {
	c, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		c.Close()
	}
}

// loseAnswer sends a few bytes that are no HTTP answer and closes the
// connection: the page's fetch fails as if the network had gone. (Closing
// before any byte is no good here: Chromium itself resends a request whose
// idle or reused connection closes before the answer — the idempotency key
// covers that too — and a cut status line it takes for a 200.)
func loseAnswer(w http.ResponseWriter) {
	c, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_, _ = c.Write([]byte("\x00lost\r\n"))
		c.Close()
	}
}

func (fs *findingServer) setDown(down bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.down = down
}

// page is the form, marked for offline use when offline is set; ?lang=en
// makes it an English page.
func (fs *findingServer) page(offline bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang, title := "zh-CN", "入户巡查"
		if r.URL.Query().Get("lang") == "en" {
			lang, title = "en", "Door-to-door inspection"
		}
		mark := ""
		if offline {
			mark = `<meta name="linli-offline" content="1">`
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(w, `<!doctype html>
<html lang="%s">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
%s
<title>%s</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/offline.js" defer></script>
</head>
<body class="no-nav">
<main id="main">
<section class="card">
<h1>%s</h1>
<form method="post" action="/findings" enctype="multipart/form-data" data-offline="finding" data-offline-label="巡查 {household}" data-offline-keep="building">
  <input type="hidden" name="idempotency_key" value="rendered-by-the-server">
  <div class="field"><label for="f-building">楼栋</label><input id="f-building" name="building" value="1号楼"></div>
  <div class="field"><label for="f-household">户号</label><input id="f-household" name="household"></div>
  <div class="field"><label for="f-note">情况</label><textarea id="f-note" name="note"></textarea></div>
  <div class="field"><label for="f-photo">照片</label><input id="f-photo" name="photo" type="file" accept="image/*"></div>
  <button type="submit" class="btn">保存</button>
</form>
</section>
<form method="post" action="/logout"><button data-test="logout">退出登录</button></form>
</main>
</body>
</html>`, lang, mark, title, title)
	}
}

func (fs *findingServer) post(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		web.WriteJSON(w, http.StatusBadRequest, map[string]string{"detail": "not multipart: " + err.Error()})
		return
	}
	key := r.FormValue("idempotency_key")
	fs.mu.Lock()
	defer func() {
		close(fs.changed)
		fs.changed = make(chan struct{})
		fs.mu.Unlock()
	}()
	fs.hits[key]++
	fs.headers[key] = r.Header.Get("Idempotency-Key")
	problem := func(status int, detail, field, reason string) {
		p := web.Problem{Status: status, Title: http.StatusText(status), Detail: detail}
		if field != "" {
			p.Errors = append(p.Errors, linli.FieldError{Field: field, Reason: reason})
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(p)
	}
	if fs.portal {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>Wi-Fi</title><main><h1>Wi-Fi 登录</h1></main>`)
		return
	}
	if fs.fail != 0 {
		problem(fs.fail, "服务器维护中 / down for maintenance", "", "")
		return
	}
	for i, f := range fs.records {
		if f.Key == key {
			web.WriteJSON(w, http.StatusOK, map[string]int{"id": i + 1})
			return
		}
	}
	household := strings.TrimSpace(r.FormValue("household"))
	switch household {
	case "":
		problem(http.StatusUnprocessableEntity, "请检查填写的内容 / please check the form", "household", "请填写户号 / the household is required")
		return
	case "冲突":
		problem(http.StatusConflict, "另一位巡查员已记录这一户 / another inspector has recorded this household", "", "")
		return
	}
	f := finding{Key: key, Household: household, Note: r.FormValue("note")}
	if file, hdr, err := r.FormFile("photo"); err == nil {
		f.Photo, _ = io.ReadAll(file)
		f.PhotoName = hdr.Filename
		file.Close()
	}
	fs.records = append(fs.records, f)
	if fs.dropNext { // committed, but the answer is lost on the way
		fs.dropNext = false
		loseAnswer(w)
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "json") { // a plain form post
		http.Redirect(w, r, "/form", http.StatusSeeOther)
		return
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int{"id": len(fs.records)})
}

// wait blocks until cond holds over the server's state (checked after
// every POST), or the browser's deadline passes.
func (fs *findingServer) wait(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for {
		fs.mu.Lock()
		ok, ch := cond(), fs.changed
		fs.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		}
	}
}

// network cuts the tab off the network, service worker included, or
// gives it back; navigator.onLine follows and the page gets its
// offline/online events.
func (b *tab) network(online bool) {
	b.t.Helper()
	swOffline := !online
	b.do("network online="+fmt.Sprint(online), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &swOffline,
			MatchedNetworkConditions:    []*network.Conditions{{Offline: !online, DownloadThroughput: -1, UploadThroughput: -1}},
		}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: !online, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}

// poll waits until a JavaScript expression is truthy in the page.
func (b *tab) poll(what, js string) {
	b.t.Helper()
	// No timeout of its own: the tab's deadline bounds it (a loaded
	// machine is slow, and the tests must not fail for that).
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0))); err != nil {
		b.t.Fatalf("waiting for %s (%s): %v; the page says: %.500s", what, js, err,
			eval[string](b, "(document.querySelector('main')||document.body).innerText"))
	}
}

// photos writes n small files for the file input; the browser cannot
// decode them, so they are sent as they are.
func photos(t *testing.T, n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		p := filepath.Join(t.TempDir(), fmt.Sprintf("热水器%d.jpg", i))
		if err := os.WriteFile(p, []byte(fmt.Sprintf("\xff\xd8\xff photo of household %d", i)), 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

const queueItems = `document.querySelectorAll('[data-test=offline-item]')`

// TestBrowserOfflineQueue: on a phone with no network, three households
// are recorded with a photo each; they wait on the phone, survive a reload
// of the page (which opens from the service worker's cache), and when the
// network returns each reaches the server exactly once — also the one whose
// answer was lost after the server had committed it.
func TestBrowserOfflineQueue(t *testing.T) {
	fs := newFindingServer(t)
	b := openTabFor(t, &testServer{URL: fs.URL}, 2*time.Minute)
	b.mobile()
	b.open("/form")
	// The first visit registers the worker, which keeps this page and the assets.
	b.poll("the page kept by the service worker", `caches.open('linli-pages').then(c => c.match(location.href)).then(r => !!r)`)
	if k := eval[string](b, `document.querySelector('[name=idempotency_key]').value`); !strings.HasPrefix(k, "finding-") || len(k) < 40 {
		t.Errorf("idempotency_key on load = %q, want finding-<random uuid>", k)
	}

	fs.setDown(true)
	b.network(false)
	files := append(photos(t, 2), bigPhoto(t))
	var keys []string
	for i, file := range files {
		n := i + 1
		keys = append(keys, eval[string](b, `document.querySelector('[name=idempotency_key]').value`))
		b.do(fmt.Sprintf("record household %d", n),
			chromedp.SendKeys(chromedp.ID("f-household"), fmt.Sprintf("1单元%d01", n)),
			chromedp.SendKeys(chromedp.ID("f-note"), "支架锈蚀"),
			chromedp.SetUploadFiles(chromedp.ID("f-photo"), []string{file}),
			chromedp.Click(chromedp.CSS(`form[data-offline] button[type=submit]`)),
		)
		b.poll("the status after household "+fmt.Sprint(n),
			fmt.Sprintf(`document.querySelector('[data-test=offline-status]').textContent.includes('已保存在手机上，联网后自动发送（%d 条待发送）')`, n))
		// Cleared for the next household, with a new key; the building stays.
		if got := eval[[]string](b, `['household','note','building','idempotency_key'].map(n => document.querySelector('[name='+n+']').value)`); got[0] != "" || got[1] != "" || got[2] != "1号楼" || got[3] == keys[i] {
			t.Errorf("after queueing household %d the form holds %q, want it cleared but for the building, with a new key", n, got)
		}
	}
	if st := eval[[]string](b, `Array.from(`+queueItems+`, li => li.dataset.state)`); strings.Join(st, ",") != "waiting,waiting,waiting" {
		t.Errorf("queue states %q, want three waiting", st)
	}
	if role := eval[string](b, `document.querySelector('[data-test=offline-status]').getAttribute('role')`); role != "status" {
		t.Errorf("the status line has role %q, want status", role)
	}

	// Reload with no network: the page comes from the worker's cache, styled
	// and scripted from its cached assets, and the queue is still there.
	if st := b.load("reload offline", chromedp.Reload()); st != 200 {
		t.Fatalf("reload offline: status %d, want the kept page", st)
	}
	b.poll("the queue after a reload", queueItems+`.length === 3`)
	if bg := eval[string](b, `getComputedStyle(document.querySelector('form .btn')).backgroundColor`); bg != "rgb(184, 50, 42)" {
		t.Errorf("offline page's button background %q: app.css not served from the cache", bg)
	}
	labels := eval[string](b, `document.querySelector('[data-test=offline-queue]').innerText`)
	for _, want := range []string{"巡查 1单元101", "巡查 1单元201", "巡查 1单元301", "等待发送", "1 个文件"} {
		if !strings.Contains(labels, want) {
			t.Errorf("queue panel %q lacks %q", labels, want)
		}
	}
	// A picture for people to look at, not an assertion.
	if png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)); err == nil {
		out := filepath.Join(os.TempDir(), "linli-offline-queue.png")
		if os.WriteFile(out, png, 0o644) == nil {
			t.Logf("screenshot of the queue offline: %s", out)
		}
	}
	// A page without the mark was never kept.
	if st := b.load("open an unmarked page offline", chromedp.Navigate(fs.URL+"/plain")); st != 503 {
		t.Errorf("unmarked page offline: status %d, want the worker's 503 (it must not be kept)", st)
	}
	if st := b.load("back to the form", chromedp.Navigate(fs.URL+"/form")); st != 200 {
		t.Fatalf("the kept form offline: status %d", st)
	}
	fs.mu.Lock()
	if len(fs.hits) != 0 {
		t.Errorf("the server was reached while offline: %v", fs.hits)
	}
	fs.dropNext = true // the first finding commits, then its answer is lost
	fs.mu.Unlock()

	// The network returns: the first is sent, committed, its answer lost.
	fs.setDown(false)
	b.network(true)
	ctx := b.ctx
	fs.wait(t, ctx, "the first finding", func() bool { return len(fs.records) == 1 })
	b.poll("the first item waiting again", queueItems+`.length === 3 && `+queueItems+`[0].dataset.state === 'waiting' && `+queueItems+`[0].innerText.includes('没有网络')`)
	// A page load sends the queue again, in order.
	b.open("/form")
	b.poll("an empty queue", queueItems+`.length === 0 && document.querySelector('[data-test=offline-queue]').hidden`)
	fs.wait(t, ctx, "three findings", func() bool { return len(fs.records) == 3 })
	b.poll("the last status", `document.querySelector('[data-test=offline-status]').textContent.includes('全部已发送')`)

	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.records) != 3 {
		t.Fatalf("%d findings stored, want 3: %+v", len(fs.records), fs.records)
	}
	for i, f := range fs.records {
		if f.Key != keys[i] || f.Household != fmt.Sprintf("1单元%d01", i+1) || f.Note != "支架锈蚀" {
			t.Errorf("finding %d = %s %s %q, want key %s, household 1单元%d01, in the order recorded", i+1, f.Key, f.Household, f.Note, keys[i], i+1)
		}
		if i == 2 { // made smaller on the phone before it was kept
			cfg, format, err := image.DecodeConfig(bytes.NewReader(f.Photo))
			if st, err := os.Stat(files[2]); err == nil {
				t.Logf("the camera photo: %d bytes chosen, %d bytes kept and sent", st.Size(), len(f.Photo))
			}
			if err != nil || format != "jpeg" || cfg.Width != 1600 || cfg.Height != 1067 || f.PhotoName != "IMG_0001.jpg" {
				t.Errorf("finding 3 photo %s: %s %d×%d (%v), want IMG_0001.jpg, a 1600×1067 JPEG", f.PhotoName, format, cfg.Width, cfg.Height, err)
			}
		} else if want := fmt.Sprintf("\xff\xd8\xff photo of household %d", i+1); string(f.Photo) != want || f.PhotoName != filepath.Base(files[i]) {
			t.Errorf("finding %d photo %q (%s), want %q (%s)", i+1, f.Photo, f.PhotoName, want, filepath.Base(files[i]))
		}
		if h := fs.headers[f.Key]; h != f.Key {
			t.Errorf("finding %d: Idempotency-Key header %q, want the form's key %q", i+1, h, f.Key)
		}
	}
	if fs.hits[keys[0]] != 2 || fs.hits[keys[1]] != 1 || fs.hits[keys[2]] != 1 {
		t.Errorf("POSTs per key %v, want 2 for the first (its answer was lost) and 1 for the others", fs.hits)
	}
}

// TestBrowserOfflineRefused: on an English page, a refusal while online
// shows the reason beside the field and queues nothing; a queued item the
// server refuses (422) stays in the panel as failed with the reason, can be
// put back in the form to be fixed, discarded or retried; one it answers
// 409 (stored as a conflicting version) leaves the queue, its reason kept
// on the page as a notice; an answer that is not the server's (a Wi-Fi
// login page) keeps the item too.
func TestBrowserOfflineRefused(t *testing.T) {
	fs := newFindingServer(t)
	b := openTabFor(t, &testServer{URL: fs.URL}, 2*time.Minute)
	b.mobile()
	b.open("/form?lang=en")
	key := eval[string](b, `document.querySelector('[name=idempotency_key]').value`)

	// Online, no household: 422 beside the field, nothing queued, text kept.
	b.do("submit without a household",
		chromedp.SendKeys(chromedp.ID("f-note"), "loose bracket"),
		chromedp.Click(chromedp.CSS(`form[data-offline] button[type=submit]`)))
	if msg := b.text(`form[data-offline] .field [data-test=err-household]`); msg != "the household is required" {
		t.Errorf("error beside the household: %q, want the English half of the server's reason", msg)
	}
	beside := eval[bool](b, `(() => { const e = document.querySelector('[data-test=err-household]'), i = document.getElementById('f-household');
		return e.closest('.field') === i.closest('.field') && i.getAttribute('aria-describedby') === e.id && i.getAttribute('aria-invalid') === 'true'; })()`)
	if !beside {
		t.Error("the error is not tied to the household field")
	}
	if got := eval[string](b, `document.getElementById('f-note').value`); got != "loose bracket" {
		t.Errorf("after the refusal the note is %q, want what was typed", got)
	}
	if n := b.count(`[data-test=offline-item]`); n != 0 {
		t.Errorf("a refused submission was queued (%d items)", n)
	}
	if k := eval[string](b, `document.querySelector('[name=idempotency_key]').value`); k == key {
		t.Error("the key was not renewed after a refusal")
	}

	// Offline: one without a household, one in conflict, and another
	// without a household (the form keeps only the building).
	b.network(false)
	b.do("queue one without a household", chromedp.Click(chromedp.CSS(`form[data-offline] button[type=submit]`)))
	b.poll("the English status", `document.querySelector('[data-test=offline-status]').textContent.includes('Saved on this phone; it will be sent when the network is back (1 waiting)')`)
	b.do("queue a conflict",
		chromedp.SendKeys(chromedp.ID("f-household"), "冲突"),
		chromedp.Click(chromedp.CSS(`form[data-offline] button[type=submit]`)))
	b.poll("two waiting, the form free again", queueItems+`.length === 2 && !document.querySelector('form[data-offline]').hasAttribute('aria-busy')`)
	b.do("queue another without a household", chromedp.Click(chromedp.CSS(`form[data-offline] button[type=submit]`)))
	b.poll("three waiting", queueItems+`.length === 3`)
	b.network(true)
	// The 409 is the server's conflicting version: delivered, not failed.
	b.poll("the two refused failed, the conflict gone", queueItems+`.length === 2 && Array.from(`+queueItems+`).every(li => li.dataset.state === 'failed')`)
	panel := eval[string](b, `document.querySelector('[data-test=offline-queue]').innerText`)
	for _, want := range []string{"Failed", "please check the form", "户号: the household is required"} {
		if !strings.Contains(panel, want) {
			t.Errorf("queue panel %q lacks %q", panel, want)
		}
	}
	if strings.Contains(panel, "another inspector") || strings.Contains(panel, "冲突") {
		t.Errorf("the conflict is still in the queue panel: %q", panel)
	}
	if n := b.text(`[data-test=offline-notice]`); n != "Saved as a conflicting version: 巡查 冲突 — another inspector has recorded this household" {
		t.Errorf("the conflict's notice is %q", n)
	}

	// Put the first back in the form: its text returns with the reason
	// beside the field, and it leaves the queue.
	b.do("edit the refused one", chromedp.Click(chromedp.CSS(`[data-test=offline-item]:first-child [data-test=offline-edit]`)))
	b.poll("one left", queueItems+`.length === 1`)
	if msg := b.text(`[data-test=err-household]`); msg != "the household is required" {
		t.Errorf("after putting it back, the error beside the household is %q", msg)
	}
	if got := eval[string](b, `document.getElementById('f-note').value`); got != "loose bracket" {
		t.Errorf("put back, the note is %q", got)
	}
	// Discard the other: it asks once more first.
	b.do("discard", chromedp.Click(chromedp.CSS(`[data-test=offline-discard]`)))
	if n := b.count(`[data-test=offline-item]`); n != 1 {
		t.Fatalf("one click discarded it (%d left)", n)
	}
	b.do("discard for good", chromedp.Click(chromedp.CSS(`[data-test=offline-discard]`)))
	b.poll("an empty queue", queueItems+`.length === 0`)

	// A page that is not Linli's answer (a Wi-Fi login page) does not make
	// the phone forget the item; once the real network is there, retry sends it.
	fs.mu.Lock()
	fs.portal = true
	fs.mu.Unlock()
	b.network(false)
	b.do("queue one behind a Wi-Fi login",
		chromedp.SendKeys(chromedp.ID("f-household"), "4单元101"),
		chromedp.Click(chromedp.CSS(`form[data-offline] button[type=submit]`)))
	b.poll("one waiting", queueItems+`.length === 1`)
	b.network(true)
	b.poll("kept as failed", queueItems+`[0].dataset.state === 'failed'`)
	if m := eval[string](b, queueItems+`[0].innerText`); !strings.Contains(m, "Unexpected answer: Wi-Fi 登录") {
		t.Errorf("the item behind the Wi-Fi login says %q", m)
	}
	fs.mu.Lock()
	fs.portal = false
	fs.mu.Unlock()
	b.do("retry", chromedp.Click(chromedp.CSS(`[data-test=offline-retry]`)))
	b.poll("sent on retry", queueItems+`.length === 0`)

	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.records) != 1 || fs.records[0].Household != "4单元101" {
		t.Errorf("stored %+v, want only the one retried", fs.records)
	}
}

// fakeTimers replaces the page's clock and its setInterval before any
// script runs: the test moves time on and fires the intervals itself.
const fakeTimers = `(() => {
	let now = Date.now();
	const ticks = [];
	Date.now = () => now;
	window.setInterval = (f, ms) => ticks.push({ f, ms });
	window.clearInterval = id => { if (ticks[id - 1]) ticks[id - 1].f = null; };
	window.__clock = {
		live: () => ticks.filter(t => t.f).map(t => t.ms),
		advance: ms => { now += ms; ticks.forEach(t => t.f && t.f()); return true; },
	};
})()`

// TestBrowserOfflineRetriesOnTimer: an item the server could not take
// (503) waits and is tried again by the 30 s timer, later each time, until
// the server takes it; the timer stops when nothing waits.
func TestBrowserOfflineRetriesOnTimer(t *testing.T) {
	fs := newFindingServer(t)
	b := openTabFor(t, &testServer{URL: fs.URL}, 2*time.Minute)
	b.do("fake timers", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: fakeTimers})
		return err
	}))
	b.open("/form")
	fs.mu.Lock()
	fs.fail = http.StatusServiceUnavailable
	fs.mu.Unlock()
	key := eval[string](b, `document.querySelector('[name=idempotency_key]').value`)
	b.do("submit while the server is down",
		chromedp.SendKeys(chromedp.ID("f-household"), "3单元101"),
		chromedp.Click(chromedp.CSS(`form[data-offline] button[type=submit]`)))
	b.poll("kept after a 503", `document.querySelector('[data-test=offline-status]').textContent.includes('（1 条待发送）')`)
	b.poll("the queue panel drawn", queueItems+`.length === 1`)
	if got := eval[[]int](b, `__clock.live()`); len(got) != 1 || got[0] != 30000 {
		t.Fatalf("intervals %v, want one of 30 s while something waits", got)
	}
	hits := func() int {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		return fs.hits[key]
	}
	idle := queueItems + `[0].dataset.state === 'waiting' && !document.querySelector('[data-test=offline-queue]').hasAttribute('aria-busy')`
	// 30 s on: tried again, still 503; it waits 30 s ± 25 % now.
	eval[bool](b, `__clock.advance(30000)`)
	b.poll("the first retry done", idle)
	if n := hits(); n != 2 {
		t.Fatalf("%d posts after the first tick, want 2", n)
	}
	if m := eval[string](b, queueItems+`[0].innerText`); !strings.Contains(m, "服务器暂时不可用 (503)") {
		t.Errorf("the waiting item says %q, want the server's trouble", m)
	}
	// 20 s on: not yet.
	eval[bool](b, `__clock.advance(20000)`)
	b.poll("the tick done", idle)
	if n := hits(); n != 2 {
		t.Errorf("%d posts 20 s after a failure, want no retry before 22.5 s", n)
	}
	// 20 s more, and the server is back: sent, and the timer stops.
	fs.mu.Lock()
	fs.fail = 0
	fs.mu.Unlock()
	eval[bool](b, `__clock.advance(20000)`)
	b.poll("the queue empty", queueItems+`.length === 0`)
	if n := hits(); n != 3 {
		t.Errorf("%d posts in all, want 3", n)
	}
	if got := eval[[]int](b, `__clock.live()`); len(got) != 0 {
		t.Errorf("intervals %v left running with nothing waiting", got)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.records) != 1 || fs.records[0].Key != key {
		t.Errorf("records %+v, want the one finding", fs.records)
	}
}

// TestBrowserOfflineWithoutJavaScript: with scripts off, the same form is a
// plain multipart POST that the handler takes once.
func TestBrowserOfflineWithoutJavaScript(t *testing.T) {
	fs := newFindingServer(t)
	b := openTabFor(t, &testServer{URL: fs.URL}, 2*time.Minute)
	b.do("scripts off", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	b.open("/form")
	b.do("fill", chromedp.SendKeys(chromedp.ID("f-household"), "2单元101"),
		chromedp.SetUploadFiles(chromedp.ID("f-photo"), photos(t, 1)))
	if st := b.load("post", chromedp.Click(chromedp.CSS(`form[data-offline] button[type=submit]`))); st != 200 {
		t.Fatalf("plain post: status %d", st)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.records) != 1 || fs.records[0].Household != "2单元101" || fs.records[0].Key != "rendered-by-the-server" || len(fs.records[0].Photo) == 0 {
		t.Errorf("without JavaScript the server stored %+v, want one finding with the rendered key and the photo", fs.records)
	}
}

// TestBrowserOfflineLogoutForgetsPages: logging out drops the pages the
// service worker kept, so the next account never sees them.
func TestBrowserOfflineLogoutForgetsPages(t *testing.T) {
	fs := newFindingServer(t)
	b := openTabFor(t, &testServer{URL: fs.URL}, 2*time.Minute)
	b.open("/form")
	b.poll("the page kept", `caches.open('linli-pages').then(c => c.match(location.href)).then(r => !!r)`)
	b.poll("the worker in control", `!!navigator.serviceWorker.controller`)
	b.load("log out", chromedp.Click(chromedp.CSS(`[data-test=logout]`)))
	if p := b.path(); p != "/plain" {
		t.Fatalf("after logout at %s", p)
	}
	b.poll("no kept page", `caches.open('linli-pages').then(c => c.keys()).then(k => k.length === 0)`)
}

// TestServiceWorkerRoute: the real server serves the worker at the root,
// without a login, so its scope covers every page.
func TestServiceWorkerRoute(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	res, err := http.Get(s.URL + "/sw.js")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") ||
		!strings.Contains(string(body), `"/static/offline.js"`) || res.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("GET /sw.js: %d %q, CSP %q, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Security-Policy"), len(body))
	}
}
