package main

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The home pages in Chromium: the community secretary's 我的待办 on a
// desktop, 超期 in red and a click on it landing on the overdue list with
// the same total; the resident's on a phone, no wider than the screen,
// with their reports; the registration page on a phone, with its link
// from the login page.
func TestBrowserHomeTodo(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTab(t, s)
	b.login("xueyuan")
	if b.count(`[data-panel="cases"] [data-count]`) != 6 {
		t.Fatalf("the staff's queues: %d counts", b.count(`[data-panel="cases"] [data-count]`))
	}
	overdue := b.text(`[data-count="overdue"] b`)
	if overdue != "0" {
		red := eval[string](b, `getComputedStyle(document.querySelector('[data-count="overdue"] b')).color`)
		if red != eval[string](b, `getComputedStyle(document.querySelector('.todo-count.late')).borderTopColor`) || !strings.HasPrefix(red, "rgb(184, 50, 42") {
			t.Errorf("超期 %s is not red: %s", overdue, red)
		}
	}
	b.shot("linli-home-staff")
	if st := b.load("click 超期", chromedp.Click(chromedp.CSS(`[data-count="overdue"]`))); st != 200 {
		t.Fatalf("the overdue list: %d", st)
	}
	if q := eval[string](b, "location.search"); q != "?overdue=1" {
		t.Errorf("the 超期 count leads to %q", q)
	}

	b.mobile()
	b.switchUser("resident")
	if b.count(`[data-panel="reports"]`) != 1 || b.count(`[data-panel="projects"]`) != 1 {
		t.Errorf("the resident's panels: %s", eval[string](b, `[...document.querySelectorAll("[data-panel]")].map(e=>e.dataset.panel).join(" ")`))
	}
	if w := eval[int](b, "document.documentElement.scrollWidth - window.innerWidth"); w > 0 {
		t.Errorf("on a phone the resident's home is %d px wider than the screen", w)
	}
	b.shot("linli-home-resident")

	// Signed out, on the phone: from the login page to registration.
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatalf("sign out: %v", err)
	}
	b.open("/login")
	if st := b.load("click the registration link", chromedp.Click(chromedp.CSS(`[data-test="register-link"]`))); st != 200 {
		t.Fatalf("the registration page: %d", st)
	}
	if b.path() != "/register" {
		t.Fatalf("the registration link leads to %s", b.path())
	}
	if w := eval[int](b, "document.documentElement.scrollWidth - window.innerWidth"); w > 0 {
		t.Errorf("on a phone /register is %d px wider than the screen", w)
	}
	b.do("type the phone", chromedp.SendKeys(chromedp.ID("f-phone"), "13912340099"))
	if st := b.load("send the code", chromedp.Click(chromedp.CSS(`[data-test="send-code"]`))); st != 200 {
		t.Fatalf("send the code: %d", st)
	}
	if got := b.text(`[data-test="code-sent"]`); !strings.Contains(got, "13912340099") {
		t.Errorf("after sending: %q", got)
	}
	b.shot("linli-register")
}
