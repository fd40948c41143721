package main

// Browser test of wide tables on a phone: a table shrinks its text columns
// to fit its box, and Chinese text may break after any character, so at
// 390 px the statistics' place names stood one character per line. Names
// now stay whole, the table scrolls inside its own box, and the page
// does not scroll sideways.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"
)

// nameCell measures the first cell of table's first row (table is a CSS
// selector), the place's name: its text's height against its line height.
type nameCell struct {
	Text   string  `json:"text"`
	Height float64 `json:"height"` // of the text, not of the cell
	Line   float64 `json:"line"`   // the cell's line height
}

func (b *tab) nameCell(table string) nameCell {
	b.t.Helper()
	raw := eval[string](b, fmt.Sprintf(`JSON.stringify((() => {
		const c = document.querySelector(%q + ' tbody tr:first-child > :first-child');
		if (!c) return {text: '', height: 0, line: 0};
		const r = document.createRange(); r.selectNodeContents(c);
		const st = getComputedStyle(c);
		return {text: c.innerText.trim(), height: r.getBoundingClientRect().height,
			line: parseFloat(st.lineHeight) || 1.6 * parseFloat(st.fontSize)};
	})())`, table))
	var c nameCell
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		b.t.Fatal(err)
	}
	return c
}

// narrowCells lists the table cells in main whose text runs three lines
// or more in a column narrower than three characters: one or two
// characters a line.
func (b *tab) narrowCells() []string {
	b.t.Helper()
	return eval[[]string](b, `(() => {
		const out = [];
		for (const c of document.querySelectorAll('main table td, main table th')) {
			const text = c.innerText.trim();
			if (text.length < 3 || c.offsetParent === null) continue;
			const st = getComputedStyle(c), fs = parseFloat(st.fontSize), lh = parseFloat(st.lineHeight) || 1.6 * fs;
			const r = document.createRange(); r.selectNodeContents(c);
			const width = c.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
			if (r.getBoundingClientRect().height >= 2.5 * lh && width < 3 * fs) out.push(text.slice(0, 20) + ' (' + Math.round(width) + ' px)');
		}
		return out;
	})()`)
}

// TestBrowserTablesKeepNamesWhole opens the statistics by grid, community
// and street on a 390 px phone: the place name is on one line and the
// page is no wider than the screen. Then the other wide tables (the case
// list, a campaign and its board, the rectification list, the notice's
// recipients, the outbox, a meeting's actions, the users, the webhooks,
// Open311's integrators) have no cell of one or two characters a line.
func TestBrowserTablesKeepNamesWhole(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTabFor(t, s, 2*browserTimeout)
	b.size(phoneScreen)
	check := func(path string) {
		t.Helper()
		if p := b.measure(); p.Scroll > p.Inner {
			t.Errorf("%s: the page is %.0f px wide on a %.0f px screen", path, p.Scroll, p.Inner)
		}
		if n := b.narrowCells(); len(n) > 0 {
			t.Errorf("%s: %d table cells of one or two characters a line: %q", path, len(n), n[:min(len(n), 4)])
		}
	}
	stats := func(path string) {
		t.Helper()
		b.open(path)
		c := b.nameCell(`table[data-test=stats-table]`)
		if c.Text == "" {
			t.Fatalf("%s: no name cell in the statistics table", path)
		}
		if c.Height > 1.5*c.Line {
			t.Errorf("%s: the name %q is %.0f px tall, %.1f lines of %.0f px: want one line", path, c.Text, c.Height, c.Height/c.Line, c.Line)
		}
		check(path)
	}
	follow := func(list, pattern string) string {
		t.Helper()
		b.open(list)
		hrefs := eval[[]string](b, `[...document.querySelectorAll('main a[href]')].map(a => a.getAttribute('href'))`)
		re := regexp.MustCompile(pattern)
		for _, h := range hrefs {
			if re.MatchString(h) {
				return h
			}
		}
		t.Fatalf("%s links to nothing like %s", list, pattern)
		return ""
	}

	b.login("xueyuan")
	stats("/stats?by=grid")
	for _, p := range []string{"/cases", "/outbox", follow("/meetings", `^/meetings/\d+$`)} {
		b.open(p)
		check(p)
	}
	b.logout()

	b.login("xunyang")
	campaign := follow("/campaigns", `^/campaigns/\d+$`)
	notice := follow("/notices", `^/notices/\d+$`)
	for _, p := range []string{campaign, campaign + "/board", "/campaigns/plans", notice + "/recipients"} {
		b.open(p)
		check(p)
	}
	b.logout()

	b.login("admin")
	stats("/stats?by=community")
	stats("/stats?by=street")
	for _, p := range []string{"/users", "/webhooks", "/open311/integrators", "/outbox/channels", "/admin/calendar"} {
		b.open(p)
		check(p)
	}
}
