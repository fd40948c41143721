package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The bell in Chromium: the badge follows the account's notifications
// without a reload — a case notification written by another client shows
// on it within a second, reading all of them takes it away — and the
// polite live region says the count, in Chinese, and in English on an
// English page. A hidden tab holds no stream, and reads its count when
// shown; a dropped stream reconnects and reads it too.
func TestBrowserBellIsLive(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	api := s.login(t, "xueyuan")
	if st := api.json("POST", "/api/notifications/read", nil, nil); st != 204 {
		t.Fatalf("mark all read: %d", st)
	}
	b := openTab(t, s)
	b.login("xueyuan")
	if n := b.count(`[data-test="unread"]`); n != 0 {
		t.Fatalf("a badge with nothing unread")
	}
	if got := eval[string](b, `document.getElementById("bell-say").getAttribute("aria-live")`); got != "polite" {
		t.Fatalf("the bell's live region: aria-live=%q", got)
	}
	eval[int](b, `window.sameBellPage = 1`)
	// waitFor polls the page until js is true.
	waitFor := func(what, js string) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Second)
		for !eval[bool](b, js) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not so within 3 s (badge %q, said %q)", what,
					eval[string](b, `(document.querySelector('[data-test="unread"]')||{}).textContent||""`),
					eval[string](b, `document.getElementById("bell-say").textContent`))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// The page's stream is open once the hub counts it.
	for deadline := time.Now().Add(5 * time.Second); s.Main.Live.Stats().Subscribers == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the page opened no bell stream")
		}
	}

	start := time.Now()
	if st := api.json("POST", "/api/cases", bellReport, nil); st != 201 {
		t.Fatalf("report: %d", st)
	}
	waitFor("badge 1 after a case notification", `(document.querySelector('[data-test="unread"]')||{}).textContent === "1"`)
	if took := time.Since(start); took > time.Second {
		t.Errorf("the badge changed %v after the report", took)
	}
	waitFor("said in Chinese", `document.getElementById("bell-say").textContent.startsWith("1 条未读消息 最新：新上报：铃声测试")`)
	if eval[int](b, `window.sameBellPage || 0`) != 1 {
		t.Fatal("the page was reloaded")
	}

	if st := api.json("POST", "/api/notifications/read", nil, nil); st != 204 {
		t.Fatalf("mark all read: %d", st)
	}
	waitFor("no badge after reading all", `!document.querySelector('[data-test="unread"]')`)
	waitFor("said so", `document.getElementById("bell-say").textContent === "没有未读消息"`)

	b.load("switch to English", chromedp.Click(chromedp.CSS(`[data-test="lang-en"]`)))
	for deadline := time.Now().Add(5 * time.Second); s.Main.Live.Stats().Subscribers == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the English page opened no bell stream")
		}
	}
	if st := api.json("POST", "/api/cases", bellReport, nil); st != 201 {
		t.Fatalf("report: %d", st)
	}
	waitFor("said in English", `document.getElementById("bell-say").textContent.startsWith("1 unread notification Newest: New report: 铃声测试")`)

	// A hidden tab lets its stream go; shown again, it reads what changed
	// meanwhile.
	subscribers := func(what string, want int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); s.Main.Live.Stats().Subscribers != want; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d streams, want %d", what, s.Main.Live.Stats().Subscribers, want)
			}
		}
	}
	visible := func(shown bool) {
		eval[bool](b, fmt.Sprintf(`Object.defineProperty(document, "hidden", {value: %t, configurable: true}),
			document.dispatchEvent(new Event("visibilitychange")), true`, !shown))
	}
	visible(false)
	subscribers("tab hidden", 0)
	if st := api.json("POST", "/api/notifications/read", nil, nil); st != 204 {
		t.Fatalf("mark all read: %d", st)
	}
	visible(true)
	subscribers("tab shown", 1)
	waitFor("no badge after reading all while hidden", `!document.querySelector('[data-test="unread"]')`)
	waitFor("said so in English", `document.getElementById("bell-say").textContent === "No unread notifications"`)

	// The stream drops (as when the replica's listener lost PostgreSQL);
	// a notification written before the browser is back is not missed:
	// reconnected, the page reads its count.
	s.Main.Live.Resync()
	subscribers("stream dropped", 0)
	if st := api.json("POST", "/api/cases", bellReport, nil); st != 201 {
		t.Fatalf("report: %d", st)
	}
	if n := s.Main.Live.Stats().Subscribers; n != 0 {
		t.Fatalf("the page was back before the report (%d streams): the test proves nothing", n)
	}
	subscribers("reconnected", 1)
	waitFor("badge 1 after reconnecting", `(document.querySelector('[data-test="unread"]')||{}).textContent === "1"`)
}
