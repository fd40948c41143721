package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserVolunteerReportsThroughThePlacePicker: on a phone, a
// volunteer opens 我要上报 from the navigation, picks the place in the
// cascade (its community is taken at once, then grid → estate → building),
// and the report is accepted — no database id typed, no 403 (issue 10).
func TestBrowserVolunteerReportsThroughThePlacePicker(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTab(t, s)
	if b == nil {
		return
	}
	b.mobile()
	b.login("volunteer")
	b.open("/report")
	// choose picks an option by its text in the cascade's select at depth
	// and waits for the next level to be asked for.
	choose := func(depth int, text string) {
		t.Helper()
		sel := fmt.Sprintf(`[data-test=cascade] select[data-depth="%d"]`, depth)
		b.do("wait for level "+fmt.Sprint(depth), chromedp.WaitVisible(chromedp.CSS(sel)))
		ok := eval[bool](b, fmt.Sprintf(`(function(){var s=document.querySelector(%q);
			for (var o of s.options) if (o.text===%q) { s.value=o.value; s.dispatchEvent(new Event("change")); return true }
			return false })()`, sel, text))
		if !ok {
			t.Fatalf("no %q at level %d: %s", text, depth, eval[string](b, fmt.Sprintf(`Array.from(document.querySelector(%q).options).map(o=>o.text).join(",")`, sel)))
		}
	}
	choose(1, "第一网格")
	choose(2, "荟萃花园南区")
	choose(3, "1号楼")
	b.do("wait for the units", chromedp.WaitVisible(chromedp.CSS(`[data-test=cascade] select[data-depth="4"]`)))
	b.do("fill the report",
		chromedp.Click(chromedp.CSS(`[data-test=cat-safety_hazard]`)),
		chromedp.SendKeys(chromedp.ID("f-title"), "1号楼楼道堆放纸箱（志愿者巡查）"),
	)
	if st := b.load("submit", chromedp.Click(chromedp.CSS(`[data-test=submit-report]`))); st != 200 {
		t.Fatalf("submit: status %d", st)
	}
	if p := b.path(); !strings.HasPrefix(p, "/cases/") {
		t.Fatalf("after submitting, the volunteer is at %s: %s", p, eval[string](b, `document.body.innerText.slice(0,300)`))
	}
	var loc string
	if err := s.DB.QueryRow(t.Context(), `SELECT n.name FROM cases c JOIN nodes n ON n.id = c.location_id WHERE c.title = '1号楼楼道堆放纸箱（志愿者巡查）'`).Scan(&loc); err != nil || loc != "1号楼" {
		t.Errorf("the case is located at %q (%v), want 1号楼", loc, err)
	}
}
