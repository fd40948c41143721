package main

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"golang.org/x/text/unicode/norm"
)

var (
	pdfPageRE   = regexp.MustCompile(`/Type\s*/Page\b[^s]`)
	pdfMediaRE  = regexp.MustCompile(`/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]`)
	pdfStreamRE = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	pdfCharsRE  = regexp.MustCompile(`(?s)beginbfchar(.*?)endbfchar`)
	pdfRangesRE = regexp.MustCompile(`(?s)beginbfrange(.*?)endbfrange`)
	pdfCharRE   = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
	pdfRangeRE  = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])`)
	pdfHexRE    = regexp.MustCompile(`<([0-9A-Fa-f]+)>`)
)

// pdfText returns the characters the PDF's fonts map to Unicode (their
// ToUnicode maps, in the compressed streams): the text a reader can
// search and copy. Chromium writes the page objects uncompressed, so
// pages are counted by their /Type /Page.
func pdfText(t *testing.T, pdf []byte) map[rune]bool {
	t.Helper()
	chars := map[rune]bool{}
	for _, m := range pdfStreamRE.FindAllSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		data, err := io.ReadAll(zr)
		if err != nil || !bytes.Contains(data, []byte("beginbf")) {
			continue
		}
		add := func(uni []byte, n int) {
			if len(uni) != 4 {
				return
			}
			u, _ := strconv.ParseUint(string(uni), 16, 32)
			for i := 0; i < n; i++ {
				// Noto CJK draws 月 and the Kangxi radical ⽉ with one
				// glyph, which the map may name by the radical: NFKC
				// gives the character back.
				for _, r := range norm.NFKC.String(string(rune(u) + rune(i))) {
					chars[r] = true
				}
			}
		}
		for _, sec := range pdfCharsRE.FindAllSubmatch(data, -1) { // <glyph> <unicode>
			for _, c := range pdfCharRE.FindAllSubmatch(sec[1], -1) {
				add(c[2], 1)
			}
		}
		for _, sec := range pdfRangesRE.FindAllSubmatch(data, -1) { // <first> <last> <unicode>
			for _, c := range pdfRangeRE.FindAllSubmatch(sec[1], -1) {
				if len(c[4]) > 0 { // <first> <last> [<unicode> …]
					for _, u := range pdfHexRE.FindAllSubmatch(c[4], -1) {
						add(u[1], 1)
					}
					continue
				}
				first, _ := strconv.ParseUint(string(c[1]), 16, 32)
				last, _ := strconv.ParseUint(string(c[2]), 16, 32)
				add(c[3], int(last-first)+1)
			}
		}
	}
	return chars
}

// TestBrowserMonthlyReportPrintsOnA4: the monthly report of 东城街道 prints
// in Chromium to A4 pages — exactly as many as the sheets the report laid
// out, so no sheet ran over a page and nothing was cut at a page's edge;
// every heading, row, chart and footer lies inside its sheet, which is no
// taller than A4's printable height; the PDF's fonts carry the Chinese
// text.
func TestBrowserMonthlyReportPrintsOnA4(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	b := openTabFor(t, s, 90*time.Second)
	if b == nil {
		return
	}
	street, err := s.Registry.FindNode(context.Background(), []string{"运城市", "盐湖区", "东城街道"})
	if err != nil {
		t.Fatal(err)
	}
	b.login("street")
	b.open(fmt.Sprintf("/reports?node_id=%d&month=2026-11", street.ID))
	sheets := b.count(".sheet")
	if sheets < 2 || b.count("[data-test=table-escalations]") == 0 || b.count("svg.chart") < 2 {
		t.Fatalf("%d sheets, escalations %d, charts %d", sheets, b.count("[data-test=table-escalations]"), b.count("svg.chart"))
	}

	// Laid out as printed: print media, the printable width of A4 with
	// 12 mm margins (186 mm at 96 px to the inch).
	const mm = 96 / 25.4
	b.do("print media", chromedp.EmulateViewport(703, 900), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	type box struct {
		Sheet  int     `json:"sheet"`
		What   string  `json:"what"`
		Top    float64 `json:"top"`
		Bottom float64 `json:"bottom"`
		Height float64 `json:"height"`
	}
	out := eval[[]box](b, `(function(){
		var out = [];
		document.querySelectorAll(".sheet").forEach(function(s, i){
			var r = s.getBoundingClientRect();
			out.push({sheet: i, what: "sheet", top: r.top, bottom: r.bottom, height: r.height});
			s.querySelectorAll("[data-keep], tr, .foot").forEach(function(e){
				var q = e.getBoundingClientRect();
				out.push({sheet: i, what: e.tagName + " " + (e.textContent || "").slice(0, 30), top: q.top - r.top, bottom: q.bottom - r.top, height: r.height});
			});
		});
		return out;
	})()`)
	for _, x := range out {
		if x.What == "sheet" {
			if x.Height > 273*mm {
				t.Errorf("sheet %d is %.1f mm tall, more than A4's 273 mm", x.Sheet+1, x.Height/mm)
			}
			continue
		}
		if x.Top < -0.5 || x.Bottom > x.Height+0.5 {
			t.Errorf("sheet %d: %q at %.1f–%.1f mm, outside the sheet (%.1f mm)", x.Sheet+1, x.What, x.Top/mm, x.Bottom/mm, x.Height/mm)
		}
	}

	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	pages := len(pdfPageRE.FindAll(pdf, -1))
	if pages != sheets {
		t.Errorf("the PDF has %d pages, the report %d sheets: a sheet ran over its page", pages, sheets)
	}
	for _, m := range pdfMediaRE.FindAllSubmatch(pdf, -1) {
		w, _ := strconv.ParseFloat(string(m[3]), 64)
		h, _ := strconv.ParseFloat(string(m[4]), 64)
		if w < 593 || w > 597 || h < 840 || h > 844 { // A4: 595 × 842 points
			t.Errorf("page of %.0f × %.0f points, want A4", w, h)
		}
	}
	chars := pdfText(t, pdf)
	for _, r := range "东城街道月度工作报告响应率按期结案率升级与吹哨第共" {
		if !chars[r] {
			t.Errorf("the PDF has no %q in its text", r)
		}
	}
}
